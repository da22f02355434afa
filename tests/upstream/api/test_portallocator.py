"""NodePort allocation: upstream's portallocator TestAllocate and TestForEach against kspec's PortAllocator."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kspec.api.allocators import PortAllocator
from kspec.errors import ApiError
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/registry/core/service/portallocator/allocator_test.go"


def _new() -> PortAllocator:
    return PortAllocator(10000, 10200, random.Random(0))  # net.ParsePortRange("10000-10200")


def _error(alloc: PortAllocator, port: int) -> str:
    try:
        alloc.allocate(port, "spec.ports[0].nodePort")
    except ApiError as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize("c", [case("TestAllocate", "whole test (no table)")])
def test_allocate(c: dict[str, Any]) -> None:
    alloc = _new()
    assert alloc.size - len(alloc.used) == 201
    found = set()
    while alloc.size - len(alloc.used) > 0:
        port = alloc.allocate_next()
        assert 10000 <= port <= 10200 and port not in found
        found.add(port)
    with pytest.raises(ApiError, match="range is full"):  # ErrFull
        alloc.allocate_next()
    alloc.release(10005)
    assert (alloc.size - len(alloc.used), len(alloc.used)) == (1, 200)
    assert alloc.allocate_next() == 10005
    alloc.release(10005)
    assert "not in the valid range" in _error(alloc, 1)  # ErrNotInRange
    assert "already allocated" in _error(alloc, 10001)  # ErrAllocated
    assert "not in the valid range" in _error(alloc, 20000)
    assert "not in the valid range" in _error(alloc, 10201)
    assert (alloc.size - len(alloc.used), len(alloc.used)) == (1, 200)
    assert _error(alloc, 10005) == ""
    assert (alloc.size - len(alloc.used), len(alloc.used)) == (0, 201)


FOR_EACH = [case("TestForEach", f"testCases[{i}]", ports=ports)
            for i, ports in enumerate([set(), {10000}, {10000, 10200}, {10000, 10099, 10200}])]


@pytest.mark.parametrize("c", FOR_EACH)
def test_for_each(c: dict[str, Any]) -> None:
    alloc = _new()
    for port in c["ports"]:
        assert _error(alloc, port) == ""
    assert {alloc.low + i for i in alloc.used} == c["ports"]  # ForEach visits exactly the allocated ports
