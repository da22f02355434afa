"""The adapter for pkg/proxy/iptables/proxier_test.go: upstream's fake proxier and packet tracer over kspec's.

``fake_proxier`` is ``NewFakeProxier``'s settings given to kspec's iptables proxier as the options a real
kube-proxy takes or probes (clusterCIDR 10.0.0.0/8 for the local-traffic detector, the masquerade mark
written 0x4000, no ``--random-fully``, both nfacct counters present), on upstream's test node
(test-node, 192.168.0.2 and its other addresses). Services and endpoints go in as core/v1 objects
(kspec's kube-proxy reads Endpoints where upstream's reads EndpointSlices; the fields ported carry over).

``trace`` follows upstream's ``tracePacket``: nat PREROUTING, then the filter service chains on the
DNATted destination; every endpoint a ``--probability`` jump can reach is an output; rules that check
history (``-m recent --rcheck``, marks, conntrack state) never match; KUBE-MARK-MASQ only notes the mark.
"""

from __future__ import annotations

import ipaddress
import random
from typing import Any

from kspec.clock import Clock
from kspec.proxy.iptables import NFACCT_CT_STATE_INVALID, NFACCT_LOCALHOST_NODEPORTS, IptablesProxier
from kspec.proxy.netfilter import Rule

TEST_NODE_NAME = "test-node"
TEST_NODE_IP = "192.168.0.2"
TEST_NODE_IP_ALT = "192.168.1.2"
TEST_EXTERNAL_IP = "192.168.99.11"
TEST_NODE_IPV6 = "2001:db8::1"
TEST_NODE_IPV6_ALT = "2001:db8:1::2"
TEST_EXTERNAL_CLIENT = "203.0.113.2"
TEST_EXTERNAL_CLIENT_BLOCKED = "203.0.113.130"
TEST_NODE_IPS = (TEST_NODE_IP, TEST_NODE_IP_ALT, TEST_EXTERNAL_IP, TEST_NODE_IPV6, TEST_NODE_IPV6_ALT)

NODE = {"metadata": {"name": TEST_NODE_NAME},
        "status": {"addresses": [{"type": "InternalIP", "address": ip} for ip in TEST_NODE_IPS]}}


def service(ns: str, name: str, cluster_ip: str, ports: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    """makeTestService: ``ports`` as core/v1 ServicePorts (protocol TCP unless given)."""
    body = {"clusterIP": cluster_ip, "ports": [{"protocol": "TCP", **p} for p in ports], **spec}
    return {"metadata": {"name": name, "namespace": ns}, "spec": body}


def port(name: str, number: int, protocol: str = "TCP", **extra: Any) -> dict[str, Any]:
    return {"name": name, "port": number, "protocol": protocol, **extra}


def endpoints(ns: str, name: str, addresses: list[tuple[str, str | None]],
              ports: list[tuple[str, int, str]]) -> dict[str, Any]:
    """makeTestEndpointSlice as core/v1 Endpoints: (ip, nodeName or None) ready addresses, (name, port, proto)."""
    addrs = [{"ip": ip, **({"nodeName": node} if node else {})} for ip, node in addresses]
    return {"metadata": {"name": name, "namespace": ns},
            "subsets": [{"addresses": addrs,
                         "ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports]}]}


def fake_proxier(services: list[dict[str, Any]], eps: list[dict[str, Any]], **options: Any) -> IptablesProxier:
    """NewFakeProxier (then ``options`` as a test sets them), makeServiceMap, populateEndpointSlices, a sync."""
    p = IptablesProxier(NODE, Clock(), random.Random(0))
    p.cluster_cidr = "10.0.0.0/8"
    p.masquerade_mark = "0x4000"
    p.random_fully = False
    p.nfacct_counters = frozenset({NFACCT_CT_STATE_INVALID, NFACCT_LOCALHOST_NODEPORTS})
    for key, value in options.items():
        if not hasattr(p, key):
            raise AttributeError(f"the iptables proxier has no option {key!r}")
        setattr(p, key, value)
    p.start(services, eps)
    return p


class _Tracer:
    def __init__(self, proxier: IptablesProxier, local_ips: tuple[str, ...]) -> None:
        self.tables = proxier.netfilter.tables
        self.local = {"127.0.0.1", "::1", *local_ips}
        self.outputs: list[str] = []
        self.masq = False

    def _matches(self, rule: Rule, src: str, proto: str, dst: str, dport: int) -> bool:
        for want, ip in ((rule.src, src), (rule.dst, dst)):
            if want is not None and _addr_in(ip, want[1]) == want[0]:
                return False
        if rule.proto is not None and rule.proto != proto:
            return False
        for kind, negate, arg in rule.matches:
            if kind == "dport" and (dport == arg) == negate:
                return False
            if kind in ("--src-type", "--dst-type"):
                ip = src if kind == "--src-type" else dst
                if ((ip in self.local) == (arg == "LOCAL")) == negate:
                    return False
            if kind in ("mark", "ctstate") or (kind == "recent" and arg[1] == "rcheck"):
                return False
        return True

    def run(self, table: str, chain: str, src: str, proto: str, dst: str, dport: int) -> bool:
        for rule in self.tables[table].get(chain, ()):
            if not rule.target or not self._matches(rule, src, proto, dst, dport):
                continue
            if rule.target == "KUBE-MARK-MASQ":
                self.masq = True
            elif rule.target in ("ACCEPT", "REJECT", "DROP"):
                self.outputs.append(rule.target)
                return True
            elif rule.target == "DNAT":
                self.outputs.append(rule.target_args["--to-destination"])
                return True
            elif rule.target not in ("MARK", "RETURN", "MASQUERADE"):
                probabilistic = any(kind == "probability" for kind, _, _ in rule.matches)
                if self.run(table, rule.target, src, proto, dst, dport) and not probabilistic:
                    return True
        return False


def _addr_in(ip: str, want: object) -> bool:
    if isinstance(want, str):
        return ipaddress.ip_address(ip) == ipaddress.ip_address(want)
    return ipaddress.ip_address(ip) in want  # type: ignore[operator]


def trace(proxier: IptablesProxier, src: str, dst: str, dport: int, protocol: str = "tcp",
          node_ips: tuple[str, ...] = TEST_NODE_IPS) -> tuple[str, bool]:
    """tracePacket: (the outputs joined with ", ", whether the packet was marked for masquerading)."""
    tracer = _Tracer(proxier, node_ips)
    proto = protocol.lower()
    tracer.run("nat", "PREROUTING", src, proto, dst, dport)
    if tracer.outputs:
        dst = tracer.outputs[0].split(":")[0]
    for chain in ("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL"):
        tracer.run("filter", chain, src, proto, dst, dport)
    return ", ".join(tracer.outputs), tracer.masq


def flow(func: str, name: str, src: str, dst: str, dport: int, output: str, masq: bool = False,
         protocol: str = "TCP", **marks: str) -> Any:
    """One packetFlowTest as a case."""
    from tests.upstream.cases import case
    return case(func, name, src=src, dst=dst, dport=dport, output=output, masq=masq, protocol=protocol, **marks)


def check_flow(proxier: IptablesProxier, data: dict[str, Any]) -> None:
    got = trace(proxier, data["src"], data["dst"], data["dport"], data["protocol"])
    assert got == (data["output"], data["masq"]), \
        f"{data['protocol']} packet {data['src']} -> {data['dst']}:{data['dport']}\n{proxier.last_restore}"


def chain_rules(proxier: IptablesProxier, table: str, chain: str) -> str:
    """assertIPTablesChainEqual's view: the ``-A chain`` lines of one table in the last restore, in order."""
    out, current = [], ""
    for line in proxier.last_restore.splitlines():
        if line.startswith("*"):
            current = line[1:]
        elif current == table and line.startswith(f"-A {chain} "):
            out.append(line)
    return "".join(f"{line}\n" for line in out)


def _chain_key(chain: str) -> tuple[int, str]:
    """sortIPTablesRules' chain order: KUBE-NODEPORTS, KUBE-SERVICES, then by name."""
    first = {"KUBE-NODEPORTS": 0, "KUBE-SERVICES": 1}
    return first.get(chain, 2), chain


def sort_restore(data: str) -> str:
    """assertIPTablesRulesEqual's normal form: per table, chain lines and then rules grouped by chain in that order
    (a stable sort, so the rules of one chain keep their order), then the ``-X`` lines."""
    out: list[str] = []
    for block in data.strip().split("COMMIT"):
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        chains = sorted((ln for ln in lines if ln.startswith(":")), key=lambda ln: _chain_key(ln[1:].split()[0]))
        rules = sorted((ln for ln in lines if ln.startswith("-A ")), key=lambda ln: _chain_key(ln.split()[1]))
        deletes = [ln for ln in lines if ln.startswith("-X ")]
        out += [lines[0], *chains, *rules, *deletes, "COMMIT"]
    tables = {}
    for i, line in enumerate(out):
        if line.startswith("*"):
            tables[line] = out[i:out.index("COMMIT", i) + 1]
    return "\n".join(line for name in sorted(tables) for line in tables[name]) + "\n"
