"""CoreDNS's loadbalance plugin: A and AAAA answers in a new order on every response."""

from __future__ import annotations

import random

from kspec.dns.message import RR


def round_robin(answer: list[RR], rng: random.Random) -> list[RR]:
    """roundRobin: CNAMEs first, then the rest, then the shuffled addresses."""
    cname = [r for r in answer if r.rtype == "CNAME"]
    address = [r for r in answer if r.rtype in ("A", "AAAA")]
    rest = [r for r in answer if r.rtype not in ("CNAME", "A", "AAAA")]
    _shuffle(address, rng)
    return [*cname, *rest, *address]


def _shuffle(records: list[RR], rng: random.Random) -> None:
    """roundRobinShuffle, with dns.Id() drawn from the cluster's generator."""
    n = len(records)
    if n < 2:
        return
    if n == 2:
        if rng.randrange(65536) % 2 == 0:
            records[0], records[1] = records[1], records[0]
        return
    for j in range(n):
        p = j + rng.randrange(65536) % (n - j)
        if p != j:
            records[j], records[p] = records[p], records[j]
