"""ClusterIP and NodePort allocation, as kube-apiserver's service registry does it.

Both allocators split their range into a static band (low end, for addresses
users ask for by value) and a dynamic band that automatic allocation scans
first, from a random starting point.
"""

from __future__ import annotations

import functools
import ipaddress
import random

from kspec.api.validation import go_json
from kspec.errors import ApiError, invalid

SERVICE_CIDR = "10.96.0.0/12"
NODE_PORT_RANGE = (30000, 32767)


@functools.lru_cache(maxsize=64)  # every API server parses the same service CIDR
def _cidr_range(cidr: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int, int]:
    """The network (immutable), how many addresses it hands out and the offset of the first (NewAllocatorCIDRRange:
    the network address is never handed out, nor IPv4's broadcast address; an IPv6 range is capped to 2^16
    addresses, the bitmap's size, its last one usable)."""
    net = ipaddress.ip_network(cidr)
    size = max(0, min(range_size(net), 1 << 16) - 1) if net.version == 6 else max(0, range_size(net) - 2)
    return net, size, calculate_range_offset(net)


class IPAllocator:
    """Service ClusterIPs from one CIDR (ipallocator.Range, bitmap flavour)."""

    def __init__(self, cidr: str, rng: random.Random) -> None:
        self.net, self.size, self.offset = _cidr_range(cidr)
        self.rng = rng
        self._used: set[int] = set()
        # skip[a] = b: every index in [a, b) is taken; lets the scan jump over runs of used addresses
        self._skip: dict[int, int] = {}

    @property
    def used(self) -> set[int]:
        return self._used

    @used.setter
    def used(self, value: set[int]) -> None:  # a rollback may free indices: forget the skips
        self._used, self._skip = value, {}

    @property
    def family(self) -> str:
        return "IPv6" if self.net.version == 6 else "IPv4"

    def free(self) -> int:
        return self.size - len(self.used)

    def has(self, ip: str) -> bool:
        return self.contains(ip) and self._index(ip) in self.used

    def _index(self, ip: str) -> int:
        return int(ipaddress.ip_address(ip)) - int(self.net.network_address) - 1

    def contains(self, ip: str) -> bool:
        try:
            return ipaddress.ip_address(ip) in self.net and 0 <= self._index(ip) < self.size
        except ValueError:
            return False

    def allocate(self, ip: str, field: str = "spec.clusterIPs") -> None:
        if not self.contains(ip):
            # ErrNotInRange, wrapped by alloc.go allocIPs as field.Invalid(spec.clusterIPs, ...)
            raise invalid(f"{field}: Invalid value: {go_json([ip])}: failed to allocate IP {ip}: "
                          f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is "
                          f"{self.net}")
        idx = self._index(ip)
        if idx in self.used:
            raise invalid(f"{field}: Invalid value: {go_json([ip])}: failed to allocate IP {ip}: "
                          "provided IP is already allocated")  # ipallocator.ErrAllocated
        self.used.add(idx)

    def _first_free(self, x: int, hi: int) -> int | None:
        """The first unused index in [x, hi), following (and compressing) the skips."""
        path = []
        while x < hi and x in self._used:
            path.append(x)
            x = self._skip.get(x, x + 1)
        for p in path:
            self._skip[p] = x
        return x if x < hi else None

    def _scan(self, lo: int, hi: int) -> int | None:
        """Scan [lo, hi) from a random start, wrapping (the same answer as _random_free, faster when full)."""
        span = hi - lo
        if span <= 0:
            return None
        start = lo + self.rng.randrange(span)
        found = self._first_free(start, hi)
        return found if found is not None else self._first_free(lo, start)

    def allocate_next(self) -> str:
        """randomScanStrategyWithOffset: the dynamic band first, then the static one."""
        for lo, hi in ((self.offset, self.size), (0, self.offset)):
            found = self._scan(lo, hi)
            if found is not None:
                self.used.add(found)
                return str(ipaddress.ip_address(int(self.net.network_address) + 1 + found))
        raise ApiError(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: "
                       "range is full")

    def release(self, ip: str) -> None:
        if self.contains(ip):
            self._used.discard(self._index(ip))
            self._skip.clear()


def range_size(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> int:
    """netutils.RangeSize: the addresses in a CIDR, 0 for a /31-/32 (/127-/128), capped at MaxInt64."""
    host_bits = net.max_prefixlen - net.prefixlen
    if host_bits <= 1:
        return 0
    return 2**63 - 1 if host_bits >= 63 else 1 << host_bits


def calculate_range_offset(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> int:
    """calculateRangeOffset: the static band's size, min(max(16, size/16), 256), none for 16 addresses or fewer."""
    size = range_size(net)
    if size <= 16:
        return 0
    return min(max(16, size // 16), 256)


class PortAllocator:
    """NodePorts (portallocator.PortAllocator)."""

    def __init__(self, low: int, high: int, rng: random.Random) -> None:
        self.low, self.high = low, high
        self.size = high - low + 1
        # calculateRangeOffset: min(max(16, size/32), 128)
        self.offset = min(max(16, self.size // 32), 128)
        self.rng = rng
        self.used: set[int] = set()

    def allocate(self, port: int, field: str) -> None:
        if not self.low <= port <= self.high:
            raise invalid(f"{field}: Invalid value: {port}: provided port is not in the valid range. "
                          f"The range of valid ports is {self.low}-{self.high}")
        if port - self.low in self.used:
            raise invalid(f"{field}: Invalid value: {port}: provided port is already allocated")
        self.used.add(port - self.low)

    def allocate_next(self) -> int:
        for lo, hi in ((self.offset, self.size), (0, self.offset)):
            found = _random_free(self.rng, lo, hi, self.used)
            if found is not None:
                self.used.add(found)
                return self.low + found
        raise ApiError(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: "
                       "range is full")

    def allocate_service(self, spec: dict, old_spec: dict | None) -> None:
        """Node ports of a NodePort or LoadBalancer Service, in place.

        On create (alloc.go ``initNodePorts``) ports with the same port number share one node port, whatever
        their protocol: a TCP and a UDP port 53 get one node port. On update (``updateNodePorts``) a port
        without a node port gets a new one, and a node port named twice is allocated once.
        """
        ports = spec.get("ports") or []
        # shouldAllocateNodePorts: a LoadBalancer may opt out; node ports asked for are still honoured
        auto = spec.get("type") != "LoadBalancer" or spec.get("allocateLoadBalancerNodePorts") is not False
        if old_spec is None:
            by_number: dict[object, int] = {}
            for i, p in enumerate(ports):
                if not p.get("nodePort") and not auto:
                    continue
                shared = by_number.get(p.get("port"))
                if shared is None:
                    # findRequestedNodePort: the first node port asked for by a port of this number
                    asked = next((q["nodePort"] for q in ports
                                  if q.get("port") == p.get("port") and q.get("nodePort")), 0)
                    if asked:
                        self.allocate(asked, f"spec.ports[{i}].nodePort")
                        p["nodePort"] = asked
                    else:
                        p["nodePort"] = self.allocate_next()
                    by_number[p.get("port")] = p["nodePort"]
                elif not p.get("nodePort"):
                    p["nodePort"] = shared
                elif p["nodePort"] != shared:
                    self.allocate(p["nodePort"], f"spec.ports[{i}].nodePort")
            return
        held = {p.get("nodePort") for p in old_spec.get("ports") or [] if p.get("nodePort")}
        for i, p in enumerate(ports):
            if p.get("nodePort"):
                if p["nodePort"] not in held:
                    self.allocate(p["nodePort"], f"spec.ports[{i}].nodePort")
                    held.add(p["nodePort"])  # portAllocated: a second port naming it is not a conflict
            elif auto:
                p["nodePort"] = self.allocate_next()

    def release(self, port: int) -> None:
        self.used.discard(port - self.low)


def _random_free(rng: random.Random, lo: int, hi: int, used: set[int]) -> int | None:
    """Scan [lo, hi) from a random start, wrapping, for the first free index."""
    span = hi - lo
    if span <= 0:
        return None
    start = rng.randrange(span)
    for i in range(span):
        idx = lo + (start + i) % span
        if idx not in used:
            return idx
    return None

