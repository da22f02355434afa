"""ClusterIP allocation: upstream's ipallocator bitmap tests (TestAllocate, TestAllocateTiny,
TestAllocateReserved, TestAllocateSmall, TestForEach, Test_calculateRangeOffset) against kspec's IPAllocator.

Upstream's error values map to kspec's API errors by their text: ErrNotInRange "is not in the valid range",
ErrAllocated "already allocated", ErrFull "range is full". Snapshot/Restore, DryRun and the metrics tests
exercise parts of the registry kspec does not model (a persisted bitmap, metrics) and are not ported.
"""

from __future__ import annotations

import ipaddress
import random
from typing import Any

import pytest

from kspec.api.allocators import IPAllocator, calculate_range_offset
from kspec.errors import ApiError
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/registry/core/service/ipallocator/bitmap_test.go"


def _new(cidr: str) -> IPAllocator:
    return IPAllocator(cidr, random.Random(0))  # NewInMemory


def _error(alloc: IPAllocator, ip: str) -> str:
    try:
        alloc.allocate(ip)
    except ApiError as exc:
        return str(exc)
    return ""


def _full(alloc: IPAllocator) -> bool:
    try:
        alloc.allocate_next()
    except ApiError as exc:
        return "range is full" in str(exc)
    return False


F = "TestAllocate"
ALLOCATE = [
    case(F, "IPv4", cidr="192.168.1.0/24", family="IPv4", free=254, released="192.168.1.5",
         out_of_range=["192.168.0.1", "192.168.1.0", "192.168.1.255", "192.168.2.2"], allocated="192.168.1.1"),
    case(F, "IPv4 large", cidr="10.0.0.0/15", family="IPv4", free=131070, released="10.0.0.5",
         out_of_range=["10.0.0.0", "10.15.255.255", "10.255.255.2"], allocated="10.0.0.1"),
    case(F, "IPv6", cidr="2001:db8:1::/48", family="IPv6", free=65535, released="2001:db8:1::5",
         out_of_range=["2001:db8::1", "2001:db8:1::", "2001:db8:1::1:0", "2001:db8:2::2"], allocated="2001:db8:1::1"),
]


@pytest.mark.parametrize("c", ALLOCATE)
def test_allocate(c: dict[str, Any]) -> None:
    alloc = _new(c["cidr"])
    net = ipaddress.ip_network(c["cidr"])
    assert (alloc.free(), str(alloc.net), alloc.family, len(alloc.used)) == (c["free"], c["cidr"], c["family"], 0)
    found: set[str] = set()
    while alloc.free() > 0:
        ip = alloc.allocate_next()
        assert ipaddress.ip_address(ip) in net and ip not in found
        found.add(ip)
    assert _full(alloc)
    alloc.release(c["released"])
    assert (alloc.free(), len(alloc.used)) == (1, c["free"] - 1)
    assert alloc.allocate_next() == c["released"]
    alloc.release(c["released"])
    for ip in c["out_of_range"]:
        assert "is not in the valid range" in _error(alloc, ip)
    assert "already allocated" in _error(alloc, c["allocated"])
    assert (alloc.free(), len(alloc.used)) == (1, c["free"] - 1)
    assert _error(alloc, c["released"]) == ""
    assert (alloc.free(), len(alloc.used)) == (0, c["free"])


@pytest.mark.parametrize("c", [case("TestAllocateTiny", "")])
def test_allocate_tiny(c: dict[str, Any]) -> None:
    alloc = _new("192.168.1.0/32")
    assert alloc.free() == 0 and _full(alloc)


@pytest.mark.parametrize("c", [case("TestAllocateReserved", "")])
def test_allocate_reserved(c: dict[str, Any]) -> None:
    alloc = _new("192.168.1.0/25")
    offset = calculate_range_offset(alloc.net)  # /25: min(max(16, 128/16), 256) = 16
    for _ in range(alloc.size - offset):
        alloc.allocate_next()  # the dynamic band fills first
    assert all(alloc.has(f"192.168.1.{i + 1}") for i in range(offset, alloc.size))
    assert alloc.free() == offset
    for i in range(offset):
        assert _error(alloc, f"192.168.1.{i + 1}") == ""
    assert alloc.free() == 0
    alloc.release("192.168.1.10")
    alloc.allocate_next()
    assert alloc.free() == 0


@pytest.mark.parametrize("c", [case("TestAllocateSmall", "")])
def test_allocate_small(c: dict[str, Any]) -> None:
    alloc = _new("192.168.1.240/30")
    assert alloc.free() == 2
    found = {alloc.allocate_next() for _ in range(2)}
    assert len(found) == 2
    for ip in found:
        assert alloc.has(ip) and "already allocated" in _error(alloc, ip)
    assert all(_full(alloc) for _ in range(100))
    assert alloc.free() == 0 and alloc.size == 2


FOR_EACH = [case("TestForEach", f"testCases[{i}]", ips=ips) for i, ips in enumerate([
    set(), {"192.168.1.1"}, {"192.168.1.1", "192.168.1.254"}, {"192.168.1.1", "192.168.1.128", "192.168.1.254"}])]


@pytest.mark.parametrize("c", FOR_EACH)
def test_for_each(c: dict[str, Any]) -> None:
    alloc = _new("192.168.1.0/24")
    for ip in c["ips"]:
        assert _error(alloc, ip) == "" and alloc.has(ip)
    base = int(alloc.net.network_address) + 1
    assert {str(ipaddress.ip_address(base + i)) for i in alloc.used} == c["ips"]  # ForEach visits the allocated


R = "Test_calculateRangeOffset"
OFFSETS = [case(R, name, cidr=cidr, want=want) for name, cidr, want in (
    ("full mask IPv4", "192.168.1.1/32", 0), ("full mask IPv6", "fd00::1/128", 0),
    ("very small mask IPv4", "192.168.1.1/30", 0), ("very small mask IPv6", "fd00::1/126", 0),
    ("small mask IPv4", "192.168.1.1/28", 0), ("small mask IPv4#01", "192.168.1.1/27", 16),
    ("small mask IPv6", "fd00::1/124", 0), ("small mask IPv6#01", "fd00::1/122", 16),
    ("medium mask IPv4", "192.168.1.1/22", 64), ("medium mask IPv6", "fd00::1/118", 64),
    ("large mask IPv4", "192.168.1.1/8", 256), ("large mask IPv6", "fd00::1/12", 256))]


@pytest.mark.parametrize("c", OFFSETS)
def test_calculate_range_offset(c: dict[str, Any]) -> None:
    assert calculate_range_offset(ipaddress.ip_network(c["cidr"], strict=False)) == c["want"]  # ParseCIDRSloppy
