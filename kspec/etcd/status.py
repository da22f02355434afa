"""``etcdctl endpoint status -w table``: one row per member that answers, a line per one that does not."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

HEADER = ("ENDPOINT", "ID", "IS LEADER", "RAFT TERM", "RAFT INDEX", "ERRORS")
CLIENT_PORT = 2379


@dataclass(frozen=True, slots=True)
class MemberStatus:
    endpoint: str
    id: str
    is_leader: bool
    raft_term: int
    raft_index: int
    errors: tuple[str, ...] = ()


def endpoint(member: str) -> str:
    return f"{member}:{CLIENT_PORT}"


def member_id(member: str, cluster_token: str = "etcd-cluster") -> str:
    """A stable 64-bit member ID in hex, from a hash of its peer URL and the cluster token (as computeMemberID)."""
    digest = hashlib.sha1(f"http://{member}:2380{cluster_token}".encode()).digest()
    return f"{int.from_bytes(digest[:8], 'big'):x}"


def render(rows: list[MemberStatus], unreachable: list[str]) -> str:
    """tablewriter's layout as etcdctl sets it: borders, centred headers, right-aligned cells."""
    cells = [[r.endpoint, r.id, str(r.is_leader).lower(), str(r.raft_term), str(r.raft_index), ", ".join(r.errors)]
             for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(HEADER)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [rule, "|" + "|".join(f" {h.center(w)} " for h, w in zip(HEADER, widths, strict=True)) + "|", rule]
    lines += ["|" + "|".join(f" {c.rjust(w)} " for c, w in zip(row, widths, strict=True)) + "|" for row in cells]
    if cells:
        lines.append(rule)
    lines += [f"Failed to get the status of endpoint {endpoint(m)} (context deadline exceeded)" for m in unreachable]
    return "\n".join(lines)
