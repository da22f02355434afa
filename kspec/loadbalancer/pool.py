"""The addresses a load-balancer implementation hands out (``Given the load balancer pool is "{range}"``).

A pool is a CIDR or a ``first-last`` range of IPv4 addresses, as MetalLB's
IPAddressPool takes them. In a CIDR wider than /31 the network and broadcast
addresses are left out (a client on that network could not reach them). The
lowest free address goes first, so a spec can predict it.
"""

from __future__ import annotations

import functools
import ipaddress
import weakref
from typing import Any

#: STEPS.md: the default pool, inside the nodes' network 172.18.0.0/16 (as kind's docker network)
DEFAULT_POOL = "172.18.255.200-172.18.255.250"
#: larger pools are refused: kspec keeps the pool's addresses as integers, but a spec never needs more
MAX_POOL_SIZE = 1 << 16


class PoolError(ValueError):
    """The text does not describe a pool of IPv4 addresses."""


class AddressPool:
    """A contiguous range of IPv4 addresses; ``allocate`` and ``release`` keep which are in use."""

    def __init__(self, text: str = DEFAULT_POOL) -> None:
        self.text = text.strip()
        self.first, self.last = parse_pool(self.text)
        self.used: set[int] = set()

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def __contains__(self, ip: str) -> bool:
        try:
            value = int(ipaddress.IPv4Address(ip))
        except ValueError:
            return False
        return self.first <= value <= self.last

    def allocate(self, wanted: str = "") -> str | None:
        """The address ``wanted`` (if in the pool and free), else the lowest free one; None when none fits."""
        if wanted:
            if wanted not in self or int(ipaddress.IPv4Address(wanted)) in self.used:
                return None
            self.used.add(int(ipaddress.IPv4Address(wanted)))
            return wanted
        for value in range(self.first, self.last + 1):
            if value not in self.used:
                self.used.add(value)
                return str(ipaddress.IPv4Address(value))
        return None

    def hold(self, ip: str) -> bool:
        """Mark an address already handed out as used (a pool change keeps what Services hold)."""
        if ip not in self:
            return False
        self.used.add(int(ipaddress.IPv4Address(ip)))
        return True

    def release(self, ip: str) -> None:
        if ip in self:
            self.used.discard(int(ipaddress.IPv4Address(ip)))


@functools.lru_cache(maxsize=64)
def parse_pool(text: str) -> tuple[int, int]:
    """(first, last) as integers, from ``a.b.c.d/n`` or ``a.b.c.d-e.f.g.h``; remembered per text (every cluster's
    load balancer parses the default pool, and ``ipaddress`` took a tenth of its start)."""
    text = text.strip()
    try:
        if "/" in text:
            net = ipaddress.IPv4Network(text, strict=False)
            first, last = int(net.network_address), int(net.broadcast_address)
            if net.prefixlen < 31:
                first, last = first + 1, last - 1
        elif "-" in text:
            low, _, high = text.partition("-")
            first, last = int(ipaddress.IPv4Address(low.strip())), int(ipaddress.IPv4Address(high.strip()))
        else:
            first = last = int(ipaddress.IPv4Address(text))
    except ValueError:
        raise PoolError(f'"{text}" is not a load balancer pool: write a CIDR (172.18.255.0/24) or a range of '
                        "IPv4 addresses (172.18.255.200-172.18.255.250)") from None
    if last < first:
        raise PoolError(f'"{text}" is not a load balancer pool: its last address comes before its first')
    if last - first + 1 > MAX_POOL_SIZE:
        raise PoolError(f'"{text}" is not a load balancer pool kspec simulates: at most {MAX_POOL_SIZE:,} '
                        "addresses")
    return first, last


#: the pool each cluster's built-in load balancer uses, set by the pool step before or after the cluster starts
_POOLS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def configured_pool(cluster: Any) -> str:
    return _POOLS.get(cluster, DEFAULT_POOL)


def configure_pool(cluster: Any, text: str) -> None:
    """Record the pool for ``cluster``; a running built-in load balancer switches to it at once."""
    parse_pool(text)
    _POOLS[cluster] = text.strip()
    lb = getattr(cluster, "components", {}).get("loadbalancer")
    if lb is not None and hasattr(lb, "set_pool"):
        lb.set_pool(text.strip())
