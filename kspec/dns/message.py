"""DNS messages as the simulation passes them around: an rcode and answer records."""

from __future__ import annotations

from dataclasses import dataclass, field

NOERROR, NXDOMAIN, SERVFAIL = "NOERROR", "NXDOMAIN", "SERVFAIL"


@dataclass(frozen=True)
class RR:
    """One resource record; ``data`` is the rdata as ``dig +short`` prints it."""

    name: str
    rtype: str
    ttl: int
    data: str


@dataclass
class Response:
    rcode: str = NOERROR
    answer: list[RR] = field(default_factory=list)
    ttl: int = 0  # negative-caching TTL (the SOA minimum) for NXDOMAIN and NODATA
    extra: list[RR] = field(default_factory=list)  # the additional section: the addresses of SRV targets

    @property
    def has_answer(self) -> bool:
        """What glibc's res_query calls success: NOERROR with at least one answer record."""
        return self.rcode == NOERROR and bool(self.answer)


def fqdn(name: str) -> str:
    return name if name.endswith(".") else name + "."
