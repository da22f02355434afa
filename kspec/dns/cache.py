"""CoreDNS's cache plugin as kubeadm configures it (``cache 30``).

Answers are kept for their smallest TTL, at most 30 s (the configured cap)
and at least 5 s (MinTTL); NXDOMAIN and NODATA answers for the SOA minimum,
capped the same way. So a name looked up just before a Service appears or
goes keeps its old answer for up to 30 s of virtual time, as in a cluster.
"""

from __future__ import annotations

from collections.abc import Callable

from kspec.dns.message import NOERROR, NXDOMAIN, Response

CAP_SECONDS = 30  # "cache 30"
MIN_TTL_SECONDS = 5  # minTTL / minNTTL defaults


class Cache:
    def __init__(self, now_ms: Callable[[], int], cap_seconds: int = CAP_SECONDS) -> None:
        self.now_ms = now_ms
        self.cap = cap_seconds
        self._entries: dict[tuple[str, str], tuple[int, Response]] = {}

    def get(self, name: str, qtype: str) -> Response | None:
        entry = self._entries.get((name.lower(), qtype))
        if entry is None:
            return None
        expires, response = entry
        if self.now_ms() >= expires:
            del self._entries[(name.lower(), qtype)]
            return None
        return Response(response.rcode, list(response.answer), response.ttl, list(response.extra))

    def put(self, name: str, qtype: str, response: Response) -> None:
        if response.rcode not in (NOERROR, NXDOMAIN):
            return  # SERVFAIL and friends are not worth keeping here
        ttl = min((rr.ttl for rr in response.answer), default=response.ttl) if response.answer else response.ttl
        ttl = max(MIN_TTL_SECONDS, min(ttl, self.cap))
        self._entries[(name.lower(), qtype)] = (self.now_ms() + ttl * 1000, response)

    def clear(self) -> None:
        self._entries.clear()
