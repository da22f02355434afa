"""How a connection attempt ends, in the words a client would use: the one result every proxy gives."""

from __future__ import annotations

from dataclasses import dataclass

REACHED, REFUSED, TIMEOUT = "reached", "refused", "timeout"


@dataclass(frozen=True)
class Connection:
    """How a connection attempt ended: ``reached`` (the pod that accepted it, and the source address that
    pod sees), ``refused`` (RST or ICMP port unreachable) or ``timeout`` (the SYN was dropped)."""

    outcome: str
    pod: str | None = None
    source: str = ""
    reason: str = ""  # why a packet was dropped, when the pod network says

    def describe(self) -> str:
        if self.outcome == REACHED:
            return f"reached pod {self.pod}"
        if self.outcome == REFUSED:
            return "was refused"
        return f"timed out: {self.reason}" if self.reason else "timed out"
