"""etcd-io/raft ``quorum/quick_test.go``: the majority commit index against a counting definition, on random input."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kspec.etcd.quorum import UNBOUNDED, committed_index
from tests.upstream.cases import case

SOURCE = "etcd-io/raft quorum/quick_test.go"


def _alternative_committed(members: set[int], acked: dict[int, int]) -> int:
    """quick_test.go's alternativeMajorityCommittedIndex, by its definition: the largest index that at least a
    quorum of members has acked (unknown members count as having acked nothing but 0)."""
    if not members:
        return UNBOUNDED
    known = [acked[m] for m in members if m in acked]
    best = 0
    for candidate in set(known):
        if sum(1 for k in known if k >= candidate) >= len(members) // 2 + 1:
            best = max(best, candidate)
    return best


def _small_map(rng: random.Random) -> dict[int, int]:
    """smallRandIdxMap: up to 9 ids drawn from twice as many, each with an index below the count."""
    n = rng.randrange(10)
    ids = rng.sample(range(2 * n), n) if n else []
    return {i: rng.randrange(n) for i in ids}


@pytest.mark.parametrize("tc", [case("TestQuick", "majority_commit", count=50_000)])
def test_quick(tc: dict[str, Any]) -> None:
    rng = random.Random(0)
    for _ in range(tc["count"]):
        members, acked = set(_small_map(rng)), _small_map(rng)
        want = _alternative_committed(members, acked)
        assert committed_index(acked.get(m, 0) for m in members) == want, (members, acked)
