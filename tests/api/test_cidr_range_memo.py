"""Every API server's ClusterIP allocator reads the same CIDR once per process, with the same range."""

from __future__ import annotations

import random

import pytest

from kspec.api.allocators import SERVICE_CIDR, IPAllocator


def test_allocators_of_one_cidr_share_its_parse_and_not_their_state() -> None:
    a, b = IPAllocator(SERVICE_CIDR, random.Random(0)), IPAllocator(SERVICE_CIDR, random.Random(0))
    assert a.net is b.net
    assert (a.size, a.offset) == (b.size, b.offset) == ((1 << 20) - 2, a.offset)
    a.used.add(5)
    assert b.used == set()


@pytest.mark.parametrize(("cidr", "size"), [("10.0.0.0/29", 6), ("fd00::/112", (1 << 16) - 1), ("fd00::/120", 255)])
def test_sizes_follow_new_allocator_cidr_range(cidr: str, size: int) -> None:
    assert IPAllocator(cidr, random.Random(0)).size == size
    assert IPAllocator(cidr, random.Random(0)).size == size


def test_a_bad_cidr_fails_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ValueError):
            IPAllocator("10.0.0.0/33", random.Random(0))
