"""The adapter for pkg/proxy/nftables/proxier_test.go: upstream's fake proxier, packet tracer and dump comparison.

``fake_proxier`` is ``NewFakeProxier(v1.IPv4Protocol)``'s settings given to kspec's nftables proxier: the
local-traffic detector on 10.0.0.0/8, the masquerade mark written 0x4000, ``--nodeport-addresses``
192.168.0.2/32 (and the IPv6 one, which the IPv4 table ignores), the Service CIDR 172.30.0.0/16, on upstream's
test node. Services go in as core/v1 objects, endpoints as EndpointSlices (``endpoint_slice``) or core/v1
Endpoints (the iptables adapter's ``endpoints``).

``trace`` follows upstream's ``tracePacket`` (helpers_test.go): filter-prerouting-pre-dnat, nat-prerouting, then
filter-input or filter-forward on the DNATted destination; every endpoint a ``numgen`` vmap can pick is an
output; ``ct state new`` always matches; dynamic (affinity) sets are empty; a jump to mark-for-masquerade only
notes the mark. ``sorted_dump`` is ``sortNFTablesTransaction``'s normal form, what assertNFTablesTransactionEqual
compares.
"""

from __future__ import annotations

import ipaddress
import random
from pathlib import Path
from typing import Any

from kspec.clock import Clock
from kspec.proxy.nft import Table
from kspec.proxy.nftables import NftablesProxier
from tests.upstream.proxy.iptables_adapter import NODE, TEST_NODE_IPS, TEST_NODE_NAME

DATA = Path(__file__).parent / "data"
BASE_RULES = (DATA / "nftables_baseRules.txt").read_text()
__all__ = ["BASE_RULES", "TEST_NODE_NAME", "endpoint_slice", "fake_proxier", "sorted_dump", "trace"]


def endpoint_slice(ns: str, name: str, endpoints: list[tuple[str, str | None, dict[str, bool] | None]],
                   ports: list[tuple[str, int, str]], num: int = 1) -> dict[str, Any]:
    """makeTestEndpointSlice: (ip, nodeName or None, conditions or None) endpoints, (name, port, protocol) ports."""
    eps = []
    for ip, node, conditions in endpoints:
        ep: dict[str, Any] = {"addresses": [ip]}
        if node:
            ep["nodeName"] = node
        if conditions is not None:
            ep["conditions"] = conditions
        eps.append(ep)
    return {"metadata": {"name": f"{name}-{num}", "namespace": ns,
                         "labels": {"kubernetes.io/service-name": name}},
            "addressType": "IPv4", "endpoints": eps,
            "ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports]}


def fake_proxier(services: list[dict[str, Any]], eps: list[dict[str, Any]], **options: Any) -> NftablesProxier:
    """NewFakeProxier (then ``options`` as a test sets them), makeServiceMap, populateEndpointSlices, a sync."""
    p = NftablesProxier(NODE, Clock(), random.Random(0))
    p.cluster_cidr = "10.0.0.0/8"
    p.masquerade_mark = "0x4000"
    p.node_port_addresses = ("192.168.0.2/32", "2001:db8::1/128")
    p.service_cidrs = ("172.30.0.0/16",)
    for key, value in options.items():
        if not hasattr(p, key):
            raise AttributeError(f"the nftables proxier has no option {key!r}")
        setattr(p, key, value)
    p.start(services, eps)
    return p


class _Tracer:
    def __init__(self, table: Table, local_ips: tuple[str, ...]) -> None:
        self.table = table
        self.local = {"127.0.0.1", "::1", *local_ips}
        self.outputs: list[str] = []
        self.masq = False

    def run(self, chain: str, pkt: dict[str, Any]) -> bool:
        """True when the chain ends in a terminal verdict (the tracer stops there)."""
        for rule in self.table.chains[chain].rules:
            result = self._rule(rule.ops, pkt)
            if result is True:
                return True
            if result == "stop":
                return False
        return False

    def _rule(self, ops: list[tuple], pkt: dict[str, Any]) -> bool | str | None:
        for op in ops:
            kind = op[0]
            if kind in ("innets", "inset", "local", "proto", "dport", "lookup", "mark"):
                if not self._match(op, pkt):
                    return None
            elif kind == "vmap":
                element = self.table.containers[op[2]].elements.get(_key(op[1], pkt))
                if element is None:
                    return None
                return self._verdict(tuple(element.value.split()), pkt)
            elif kind == "numgen":
                for index in sorted(op[2]):
                    self._verdict(op[2][index], pkt)
                return True
            elif kind in ("ctstate", "update", "setmark"):
                continue
            else:
                return self._verdict(op, pkt)
        return None

    def _match(self, op: tuple, pkt: dict[str, Any]) -> bool:
        kind = op[0]
        if kind == "innets":
            ip = ipaddress.ip_address(pkt[op[1]])
            return any(ip in net for net in op[2]) != op[3]
        if kind == "inset":
            return (pkt[op[1]] in self.table.containers[op[2]].elements) != op[3]
        if kind == "local":
            return pkt[op[1]] in self.local
        if kind == "proto":
            return pkt["proto"] == op[1]
        if kind == "dport":
            return pkt["dport"] == op[1]
        if kind == "lookup":
            return _key(op[1], pkt) in self.table.containers[op[2]].elements
        return False  # marks: the tracer follows the first packet only, before any mark is set

    def _verdict(self, op: tuple, pkt: dict[str, Any]) -> bool | str:
        kind = op[0]
        if kind == "jump" and op[1] == "mark-for-masquerade":
            self.masq = True
            return False
        if kind == "jump":
            return self.run(op[1], pkt)
        if kind == "goto":
            return True if self.run(op[1], pkt) else "stop"
        if kind in ("drop", "reject"):
            self.outputs.append(kind.upper())
            return True
        if kind == "dnat":
            host = f"[{op[1]}]" if ":" in op[1] else op[1]
            self.outputs.append(f"{host}:{op[2]}")
            return True
        if kind == "return":
            return "stop"
        return True  # accept, masquerade


def _key(fields: tuple[str, ...], pkt: dict[str, Any]) -> str:
    values = {"daddr": pkt["daddr"], "saddr": pkt["saddr"], "l4proto": pkt["proto"], "dport": str(pkt["dport"])}
    return " . ".join(values[f] for f in fields)


def trace(proxier: NftablesProxier, src: str, dst: str, dport: int, protocol: str = "tcp",
          node_ips: tuple[str, ...] = TEST_NODE_IPS) -> tuple[str, bool]:
    """tracePacket: (the outputs joined with ", ", whether the packet was marked for masquerading)."""
    tracer = _Tracer(proxier.table, node_ips)
    pkt = {"saddr": src, "daddr": dst, "dport": dport, "proto": protocol.lower()}
    if not tracer.run("filter-prerouting-pre-dnat", pkt):
        tracer.run("nat-prerouting", pkt)
        if tracer.outputs:
            host = tracer.outputs[0].rpartition(":")[0].strip("[]")
            pkt = {**pkt, "daddr": host}
        tracer.run("filter-input" if pkt["daddr"] in tracer.local else "filter-forward", pkt)
    return ", ".join(tracer.outputs), tracer.masq


_ORDER = {"table": 10, "chain": 9, "rule": 8, "set": 7, "map": 6, "element": 5}


def sorted_dump(text: str) -> list[str]:
    """sortNFTablesTransaction: no blank or comment lines; by object type, then object name, rules in their order
    within a chain, other lines of one object by their text."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]

    def key(item: tuple[int, str]) -> tuple[int, str, int, str]:
        index, line = item
        words = line.split(" ")
        kind, name = words[1], words[4] if len(words) > 4 else ""
        return (-_ORDER.get(kind, 0), name, index if kind == "rule" else 0, "" if kind == "rule" else line)

    return [line for _, line in sorted(enumerate(lines), key=key)]
