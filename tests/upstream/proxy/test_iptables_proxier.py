"""kubernetes pkg/proxy/iptables/proxier_test.go: packet flows through the rules kspec's iptables proxier writes.

Each case is one ``packetFlowTest`` of an upstream test function, traced as upstream's ``tracePacket`` does
(tests/upstream/proxy/iptables_adapter.py) over the rules of one ``syncProxyRules``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from kspec.proxy.iptables import IptablesProxier
from tests.upstream.cases import case
from tests.upstream.proxy.iptables_adapter import (
    TEST_EXTERNAL_CLIENT,
    TEST_EXTERNAL_CLIENT_BLOCKED,
    TEST_NODE_IP,
    TEST_NODE_IP_ALT,
    TEST_NODE_NAME,
    chain_rules,
    check_flow,
    endpoints,
    fake_proxier,
    flow,
    port,
    service,
)

SOURCE = "kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go"

IPV6 = "kspec's iptables proxier is IPv4 single-stack"

SETUPS: dict[str, Callable[[], IptablesProxier]] = {}


def setup(func: str) -> Callable[[Callable[[], IptablesProxier]], Callable[[], IptablesProxier]]:
    def register(build: Callable[[], IptablesProxier]) -> Callable[[], IptablesProxier]:
        SETUPS[func] = cache(build)
        return build
    return register


# -- TestNoEndpointsReject ----------------------------------------------------------------------------
@setup("TestNoEndpointsReject")
def _no_endpoints() -> IptablesProxier:
    svc = service("ns1", "svc1", "172.30.0.41", [port("p80", 80, nodePort=3001)], type="LoadBalancer",
                  externalIPs=["192.168.99.11"])
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    return fake_proxier([svc], [])


_F = "TestNoEndpointsReject"
CASES = [
    flow(_F, "pod to cluster IP with no endpoints", "10.0.0.2", "172.30.0.41", 80, "REJECT"),
    flow(_F, "external to external IP with no endpoints", TEST_EXTERNAL_CLIENT, "192.168.99.11", 80, "REJECT"),
    flow(_F, "pod to NodePort with no endpoints", "10.0.0.2", TEST_NODE_IP, 3001, "REJECT"),
    flow(_F, "external to NodePort with no endpoints", TEST_EXTERNAL_CLIENT, TEST_NODE_IP, 3001, "REJECT"),
    flow(_F, "pod to LoadBalancer IP with no endpoints", "10.0.0.2", "1.2.3.4", 80, "REJECT"),
    flow(_F, "external to LoadBalancer IP with no endpoints", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT"),
]


# -- TestClusterIPGeneral -----------------------------------------------------------------------------
@setup("TestClusterIPGeneral")
def _cluster_ip_general() -> IptablesProxier:
    svc1 = service("ns1", "svc1", "172.30.0.41", [port("http", 80)])
    svc2 = service("ns2", "svc2", "172.30.0.42", [
        port("http", 80), port("https", 443, targetPort=8443), port("dns-udp", 53, "UDP"),
        port("dns-tcp", 53, targetPort=5353), port("dns-sctp", 53, "SCTP")])
    eps1 = endpoints("ns1", "svc1", [("10.180.0.1", TEST_NODE_NAME)], [("http", 80, "TCP")])
    eps2 = endpoints("ns2", "svc2", [("10.180.0.1", TEST_NODE_NAME), ("10.180.2.1", "node2")],
                     [("http", 80, "TCP"), ("https", 8443, "TCP"), ("dns-udp", 53, "UDP"),
                      ("dns-tcp", 5353, "TCP"), ("dns-sctp", 53, "SCTP")])
    return fake_proxier([svc1, svc2], [eps1, eps2])


_F = "TestClusterIPGeneral"
_POD = "10.180.0.2"
CASES += [
    flow(_F, "simple clusterIP", _POD, "172.30.0.41", 80, "10.180.0.1:80"),
    flow(_F, "hairpin to cluster IP", "10.180.0.1", "172.30.0.41", 80, "10.180.0.1:80", masq=True),
    flow(_F, "clusterIP with multiple endpoints", _POD, "172.30.0.42", 80, "10.180.0.1:80, 10.180.2.1:80"),
    flow(_F, "clusterIP with TargetPort", _POD, "172.30.0.42", 443, "10.180.0.1:8443, 10.180.2.1:8443"),
    flow(_F, "clusterIP with TCP, UDP, and SCTP on same port (TCP)", _POD, "172.30.0.42", 53,
         "10.180.0.1:5353, 10.180.2.1:5353"),
    flow(_F, "clusterIP with TCP, UDP, and SCTP on same port (UDP)", _POD, "172.30.0.42", 53,
         "10.180.0.1:53, 10.180.2.1:53", protocol="UDP"),
    flow(_F, "clusterIP with TCP, UDP, and SCTP on same port (SCTP)", _POD, "172.30.0.42", 53,
         "10.180.0.1:53, 10.180.2.1:53", protocol="SCTP"),
    flow(_F, "TCP-only port does not match UDP traffic", _POD, "172.30.0.42", 80, "", protocol="UDP"),
    flow(_F, "svc1 does not accept svc2's ports", _POD, "172.30.0.41", 443, ""),
]

# -- TestLoadBalancer: LoadBalancer ingress IPs and the loadBalancerSourceRanges firewall -------------------
_F = "TestLoadBalancer"
_EP = "10.180.0.1:80"
CASES += [
    flow(_F, "pod to cluster IP", "10.0.0.2", "172.30.0.41", 80, _EP),
    flow(_F, "external to nodePort", TEST_EXTERNAL_CLIENT, TEST_NODE_IP, 3001, _EP, masq=True),
    flow(_F, "nodePort bypasses LoadBalancerSourceRanges", TEST_EXTERNAL_CLIENT_BLOCKED, TEST_NODE_IP, 3001, _EP,
         masq=True),
    *[flow(_F, name, src, dst, 80, out, masq=out != "DROP") for name, src, dst, out in [
        ("accepted external to LB1", TEST_EXTERNAL_CLIENT, "1.2.3.4", _EP),
        ("accepted external to LB2", TEST_EXTERNAL_CLIENT, "5.6.7.8", _EP),
        ("blocked external to LB1", TEST_EXTERNAL_CLIENT_BLOCKED, "1.2.3.4", "DROP"),
        ("blocked external to LB2", TEST_EXTERNAL_CLIENT_BLOCKED, "5.6.7.8", "DROP"),
        ("pod to LB1 (blocked by LoadBalancerSourceRanges)", "10.0.0.2", "1.2.3.4", "DROP"),
        ("pod to LB2 (blocked by LoadBalancerSourceRanges)", "10.0.0.2", "5.6.7.8", "DROP"),
        ("node to LB1 (allowed by LoadBalancerSourceRanges)", TEST_NODE_IP, "1.2.3.4", _EP),
        ("node to LB2 (allowed by LoadBalancerSourceRanges)", TEST_NODE_IP, "5.6.7.8", _EP),
        ("same node to LB1, SNATted to LB1 (implicitly allowed)", "1.2.3.4", "1.2.3.4", _EP),
        ("same node to LB2, SNATted to LB2 (implicitly allowed)", "5.6.7.8", "5.6.7.8", _EP),
    ]],
]


@setup("TestLoadBalancer")
def _load_balancer() -> IptablesProxier:
    svc = service("ns1", "svc1", "172.30.0.41", [port("p80", 80, nodePort=3001)], type="LoadBalancer",
                  loadBalancerSourceRanges=["192.168.0.0/24", " 203.0.113.0/25"])
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"ip": "5.6.7.8"}]}}
    return fake_proxier([svc], [endpoints("ns1", "svc1", [("10.180.0.1", None)], [("p80", 80, "TCP")])])


# -- TestNodePorts (IPv4 cases; IPv6 and --nodeport-addresses are not modelled) ---------------------------
def _node_ports(localhost_node_ports: bool, node_port_addresses: tuple[str, ...]) -> IptablesProxier:
    svc = service("ns1", "svc1", "172.30.0.41", [port("p80", 80, nodePort=3001)], type="NodePort")
    eps = endpoints("ns1", "svc1", [("10.180.0.1", None), ("10.180.2.1", TEST_NODE_NAME)], [("p80", 80, "TCP")])
    return fake_proxier([svc], [eps], localhost_node_ports=localhost_node_ports,
                        node_port_addresses=node_port_addresses)


_F = "TestNodePorts"
_OUT = "10.180.0.1:80, 10.180.2.1:80"
_NP_V4: list[tuple[str, bool, tuple[str, ...]]] = [
    ("ipv4, localhost-nodeports enabled", True, ()), ("ipv4, localhost-nodeports disabled", False, ()),
    ("ipv4, localhost-nodeports disabled, localhost in nodeport-addresses", False, ("192.168.0.0/24", "127.0.0.1/32")),
    ("ipv4, localhost-nodeports enabled, multiple nodeport-addresses", False,
     ("192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"))]
for _tc, _lnp, _npa in _NP_V4:
    SETUPS[f"{_F}/{_tc}"] = cache(lambda lnp=_lnp, npa=_npa: _node_ports(lnp, npa))
    _marks: dict[str, str] = {}
    CASES += [
        flow(_F, f"{_tc}/pod to cluster IP", "10.0.0.2", "172.30.0.41", 80, _OUT, **_marks),
        flow(_F, f"{_tc}/external to nodePort", TEST_EXTERNAL_CLIENT, TEST_NODE_IP, 3001, _OUT, masq=True,
             **_marks),
        flow(_F, f"{_tc}/node to nodePort", TEST_NODE_IP, TEST_NODE_IP, 3001, _OUT, masq=True, **_marks),
        flow(_F, f"{_tc}/localhost to nodePort gets masqueraded", "127.0.0.1", "127.0.0.1", 3001, _OUT, masq=True,
             **_marks) if _lnp else
        flow(_F, f"{_tc}/localhost to nodePort is ignored", "127.0.0.1", "127.0.0.1", 3001, "", **_marks),
        # allowAltNodeIP is false only where --nodeport-addresses leaves the alternate IP out
        flow(_F, f"{_tc}/external to nodePort on secondary IP", TEST_EXTERNAL_CLIENT, TEST_NODE_IP_ALT, 3001, _OUT,
             masq=True, **_marks) if "localhost in nodeport-addresses" not in _tc else
        flow(_F, f"{_tc}/secondary nodeIP ignores NodePorts", TEST_EXTERNAL_CLIENT, TEST_NODE_IP_ALT, 3001, "",
             **_marks),
    ]
for _tc in ("ipv6, localhost-nodeports enabled", "ipv6, localhost-nodeports disabled",
            "ipv6, localhost-nodeports disabled, multiple nodeport-addresses"):
    _v6 = "fd00:10:180::1]:80, [fd00:10:180::2:1]:80"
    _alt = "disabled, multiple" not in _tc
    CASES += [
        flow(_F, f"{_tc}/pod to cluster IP", "fd00:10::2", "fd00:172:30::41", 80, f"[{_v6}", unmodelled=IPV6),
        flow(_F, f"{_tc}/external to nodePort", "2600:5200::1", "2001:db8::1", 3001, f"[{_v6}", masq=True,
             unmodelled=IPV6),
        flow(_F, f"{_tc}/node to nodePort", "2001:db8::1", "2001:db8::1", 3001, f"[{_v6}", masq=True,
             unmodelled=IPV6),
        flow(_F, f"{_tc}/localhost to nodePort is ignored", "::1", "::1", 3001, "", unmodelled=IPV6),
        flow(_F, f"{_tc}/external to nodePort on secondary IP", "2600:5200::1", "2001:db8:1::2", 3001, f"[{_v6}",
             masq=True, unmodelled=IPV6) if _alt else
        flow(_F, f"{_tc}/secondary nodeIP ignores NodePorts", "2600:5200::1", "2001:db8:1::2", 3001, "",
             unmodelled=IPV6),
    ]

# -- TestHealthCheckNodePort -----------------------------------------------------------------------------
_HC_SVC = service("ns1", "svc1", "172.30.0.42", [port("p80", 80, nodePort=3001)], type="LoadBalancer",
                  healthCheckNodePort=30000, externalTrafficPolicy="Local")


@setup("TestHealthCheckNodePort")
def _health_check() -> IptablesProxier:
    return fake_proxier([_HC_SVC], [])


def _health_check_deleted() -> IptablesProxier:
    p = fake_proxier([_HC_SVC], [])
    p.on_service(_HC_SVC, None)  # fp.OnServiceDelete(svc); fp.syncProxyRules()
    p.sync_proxy_rules()
    return p


SETUPS["TestHealthCheckNodePort/deleted"] = cache(_health_check_deleted)
_F = "TestHealthCheckNodePort"
CASES += [
    flow(_F, "firewall accepts HealthCheckNodePort", "1.2.3.4", TEST_NODE_IP, 30000, "ACCEPT"),
    flow(_F, "HealthCheckNodePort no longer has any rule", "1.2.3.4", TEST_NODE_IP, 30000, "", setup="deleted"),
]

# -- TestExternalTrafficPolicyLocal / TestExternalTrafficPolicyCluster -------------------------------------
def _etp(policy: str, health_check: int) -> IptablesProxier:
    svc = service("ns1", "svc1", "172.30.0.41", [port("p80", 80, nodePort=3001, targetPort=80)],
                  type="LoadBalancer", externalTrafficPolicy=policy, externalIPs=["192.168.99.11"],
                  **({"healthCheckNodePort": health_check} if health_check else {}))
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    eps = endpoints("ns1", "svc1", [("10.180.0.1", None), ("10.180.2.1", TEST_NODE_NAME)], [("p80", 80, "TCP")])
    return fake_proxier([svc], [eps])


SETUPS["TestExternalTrafficPolicyLocal"] = cache(lambda: _etp("Local", 30000))
SETUPS["TestExternalTrafficPolicyCluster"] = cache(lambda: _etp("Cluster", 0))
_BOTH, _LOCAL = "10.180.0.1:80, 10.180.2.1:80", "10.180.2.1:80"
_F = "TestExternalTrafficPolicyLocal"
CASES += [
    flow(_F, "pod to cluster IP hits both endpoints, unmasqueraded", "10.0.0.2", "172.30.0.41", 80, _BOTH),
    flow(_F, "pod to external IP hits both endpoints, unmasqueraded", "10.0.0.2", "192.168.99.11", 80, _BOTH),
    flow(_F, "external to external IP hits only local endpoint, unmasqueraded", TEST_EXTERNAL_CLIENT,
         "192.168.99.11", 80, _LOCAL),
    flow(_F, "pod to LB IP hits only both endpoints, unmasqueraded", "10.0.0.2", "1.2.3.4", 80, _BOTH),
    flow(_F, "external to LB IP hits only local endpoint, unmasqueraded", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80,
         _LOCAL),
    flow(_F, "pod to NodePort hits both endpoints, unmasqueraded", "10.0.0.2", TEST_NODE_IP, 3001, _BOTH),
    flow(_F, "external to NodePort hits only local endpoint, unmasqueraded", TEST_EXTERNAL_CLIENT, TEST_NODE_IP,
         3001, _LOCAL),
]
_F = "TestExternalTrafficPolicyCluster"
CASES += [
    flow(_F, "pod to cluster IP hits both endpoints, unmasqueraded", "10.0.0.2", "172.30.0.41", 80, _BOTH),
    flow(_F, "pod to external IP hits both endpoints, masqueraded", "10.0.0.2", "192.168.99.11", 80, _BOTH,
         masq=True),
    flow(_F, "external to external IP hits both endpoints, masqueraded", TEST_EXTERNAL_CLIENT, "192.168.99.11", 80,
         _BOTH, masq=True),
    flow(_F, "pod to LB IP hits both endpoints, masqueraded", "10.0.0.2", "1.2.3.4", 80, _BOTH, masq=True),
    flow(_F, "external to LB IP hits both endpoints, masqueraded", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80, _BOTH,
         masq=True),
    flow(_F, "pod to NodePort hits both endpoints, masqueraded", "10.0.0.2", TEST_NODE_IP, 3001, _BOTH, masq=True),
    flow(_F, "external to NodePort hits both endpoints, masqueraded", TEST_EXTERNAL_CLIENT, TEST_NODE_IP, 3001,
         _BOTH, masq=True),
]


# -- rule checks of single chains (assertIPTablesChainEqual) ------------------------------------------------
_FIREWALL = ('-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 '
             "! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n")
_FORWARD = ('-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 '
            '-j ACCEPT\n'
            '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack '
            "--ctstate RELATED,ESTABLISHED -j ACCEPT\n")
_POSTROUTING = ("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n"
                "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n"
                '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" '
                '-j MASQUERADE{}\n')
CHAIN_CASES = [
    case("TestNodePorts", "ipv4, localhost-nodeports enabled", table="filter", chain="KUBE-FIREWALL",
         options={"localhost_node_ports": True}, expected=_FIREWALL),
    case("TestNodePorts", "ipv4, localhost-nodeports disabled", table="filter", chain="KUBE-FIREWALL",
         options={"localhost_node_ports": False}, expected=""),
    case("TestNodePorts", "ipv4, localhost-nodeports disabled, localhost in nodeport-addresses", table="filter",
         chain="KUBE-FIREWALL", options={"localhost_node_ports": False,
                                         "node_port_addresses": ("192.168.0.0/24", "127.0.0.1/32")}, expected=""),
    case("TestNodePorts", "ipv4, localhost-nodeports enabled, multiple nodeport-addresses", table="filter",
         chain="KUBE-FIREWALL", options={"localhost_node_ports": False, "node_port_addresses": (
             "192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64")}, expected=""),
    case("TestDropInvalidRule", "tcpLiberal is false and nfacctEnsured is false", table="filter",
         chain="KUBE-FORWARD", options={"nfacct_counters": frozenset()},
         expected="-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n" + _FORWARD),
    case("TestDropInvalidRule", "tcpLiberal is false and nfacctEnsured is true", table="filter",
         chain="KUBE-FORWARD", options={"nfacct_counters": frozenset({"ct_state_invalid_dropped_pkts"})},
         expected="-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name "
                  "ct_state_invalid_dropped_pkts -j DROP\n" + _FORWARD),
    case("TestDropInvalidRule", "tcpLiberal is true and nfacctEnsured is false", table="filter",
         chain="KUBE-FORWARD", options={"nfacct_counters": frozenset(), "conntrack_tcp_liberal": True},
         expected=_FORWARD),
    case("TestMasqueradeRule", "randomFully false", table="nat", chain="KUBE-POSTROUTING",
         options={"random_fully": False}, expected=_POSTROUTING.format("")),
    case("TestMasqueradeRule", "randomFully true", table="nat", chain="KUBE-POSTROUTING",
         options={"random_fully": True}, expected=_POSTROUTING.format(" --random-fully")),
]


@pytest.mark.parametrize("data", CHAIN_CASES)
def test_chain(data: dict[str, Any]) -> None:
    p = fake_proxier([], [], **data["options"])
    assert chain_rules(p, data["table"], data["chain"]) == data["expected"]


# -- the service map (TestBuildServiceMap*): what the proxier keeps of each Service --------------------------
def _svc_ports(ns: str, name: str, svc_type: str, cluster_ip: str, ports: list[tuple[str, str, int, int, int]],
               **spec: Any) -> dict[str, Any]:
    """makeTestService with addTestPort's (name, protocol, port, nodePort, targetPort)."""
    body = [{"name": n, "protocol": proto, "port": p, "nodePort": np, "targetPort": tp}
            for n, proto, p, np, tp in ports]
    return service(ns, name, cluster_ip, body, type=svc_type, **spec)


def _lb_status(ip: str) -> dict[str, Any]:
    return {"loadBalancer": {"ingress": [{"ip": ip}]}}


def _health_check_node_ports(p: IptablesProxier) -> dict[tuple[str, str], int]:
    """ServicePortMap.HealthCheckNodePorts: one per Service."""
    return {name.service: sp.health_check_node_port for name, sp in p.svc_port_map.items() if sp.health_check_node_port}


def _apply(p: IptablesProxier, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
    """OnServiceAdd/Update/Delete, then svcPortMap.Update(serviceChanges)."""
    p.on_service(old, new)
    p.sync_proxy_rules()


def _add_remove() -> list[tuple[int, dict[tuple[str, str], int]]]:
    services = [
        _svc_ports("somewhere-else", "cluster-ip", "ClusterIP", "172.30.55.4", [
            ("something", "UDP", 1234, 4321, 0), ("somethingelse", "UDP", 1235, 5321, 0),
            ("sctpport", "SCTP", 1236, 6321, 0)]),
        _svc_ports("somewhere-else", "node-port", "NodePort", "172.30.55.10", [
            ("blahblah", "UDP", 345, 678, 0), ("moreblahblah", "TCP", 344, 677, 0),
            ("muchmoreblah", "SCTP", 343, 676, 0)]),
        {**_svc_ports("somewhere", "load-balancer", "LoadBalancer", "172.30.55.11", [
            ("foobar", "UDP", 8675, 30061, 7000), ("baz", "UDP", 8676, 30062, 7001)], loadBalancerIP="1.2.3.4"),
         "status": _lb_status("1.2.3.4")},
        {**_svc_ports("somewhere", "only-local-load-balancer", "LoadBalancer", "172.30.55.12", [
            ("foobar2", "UDP", 8677, 30063, 7002), ("baz", "UDP", 8678, 30064, 7003)], loadBalancerIP="5.6.7.8",
            externalTrafficPolicy="Local", healthCheckNodePort=345), "status": _lb_status("5.6.7.8")},
    ]
    p = fake_proxier(services, [])
    seen = [(len(p.svc_port_map), _health_check_node_ports(p))]
    one = _svc_ports("somewhere-else", "cluster-ip", "ClusterIP", "172.30.55.4",
                     [("somethingelse", "UDP", 1235, 5321, 0)])
    p.on_service(services[0], one)
    for svc in services[1:]:
        p.on_service(svc, None)
    p.sync_proxy_rules()
    return [*seen, (len(p.svc_port_map), _health_check_node_ports(p))]


def _headless() -> list[tuple[int, dict[tuple[str, str], int]]]:
    p = fake_proxier([_svc_ports("somewhere-else", "headless", "ClusterIP", "None", [("rpc", "UDP", 1234, 0, 0)]),
                      _svc_ports("somewhere-else", "headless-without-port", "ClusterIP", "None", [])], [])
    return [(len(p.svc_port_map), _health_check_node_ports(p))]


def _external_name() -> list[tuple[int, dict[tuple[str, str], int]]]:
    p = fake_proxier([_svc_ports("somewhere-else", "external-name", "ExternalName", "172.30.55.4",
                                 [("blah", "UDP", 1235, 5321, 0)], externalName="foo2.bar.com")], [])
    return [(len(p.svc_port_map), _health_check_node_ports(p))]


def _service_update() -> list[tuple[int, dict[tuple[str, str], int]]]:
    v1 = _svc_ports("somewhere", "some-service", "ClusterIP", "172.30.55.4", [
        ("something", "UDP", 1234, 4321, 0), ("somethingelse", "TCP", 1235, 5321, 0)])
    v2 = {**_svc_ports("somewhere", "some-service", "LoadBalancer", "172.30.55.4", [
        ("something", "UDP", 1234, 4321, 7002), ("somethingelse", "TCP", 1235, 5321, 7003)], loadBalancerIP="1.2.3.4",
        externalTrafficPolicy="Local", healthCheckNodePort=345), "status": _lb_status("1.2.3.4")}
    p = fake_proxier([v1], [])
    seen = [(len(p.svc_port_map), _health_check_node_ports(p))]
    for old, new in ((v1, v2), (v2, v2), (v2, v1)):
        _apply(p, old, new)
        seen.append((len(p.svc_port_map), _health_check_node_ports(p)))
    return seen


_HC = {("somewhere", "only-local-load-balancer"): 345}
WHOLE = "whole test"  # a test function with no subtests
MAP_CASES = [
    case("TestBuildServiceMapAddRemove", WHOLE, run=_add_remove, expected=[(10, _HC), (1, {})]),
    case("TestBuildServiceMapServiceHeadless", WHOLE, run=_headless,
         expected=[(0, {})]),
    case("TestBuildServiceMapServiceTypeExternalName", WHOLE,
         run=_external_name, expected=[(0, {})]),
    case("TestBuildServiceMapServiceUpdate", WHOLE, run=_service_update,
         expected=[(2, {}), (2, {("somewhere", "some-service"): 345}), (2, {("somewhere", "some-service"): 345}),
                   (2, {})]),
]


@pytest.mark.parametrize("data", MAP_CASES)
def test_service_map(data: dict[str, Any]) -> None:
    assert data["run"]() == data["expected"]


# -- TestInternalTrafficPolicy -------------------------------------------------------------------------------
def _itp(policy: str, eps: list[tuple[str, str]], deleted: bool) -> IptablesProxier:
    svc = service("ns1", "svc1", "172.30.1.1", [port("", 80)], selector={"foo": "bar"},
                  internalTrafficPolicy=policy)
    ep = endpoints("ns1", "svc1", [(ip, node) for ip, node in eps], [("", 80, "TCP")])
    p = fake_proxier([svc], [ep])
    if deleted:
        p.on_endpoints(ep, None)  # fp.OnEndpointSliceDelete(endpointSlice); fp.syncProxyRules()
        p.sync_proxy_rules()
    return p


_F = "TestInternalTrafficPolicy"
_N = TEST_NODE_NAME
for _tc, _pol, _eps, _name, _out in [
    ("internalTrafficPolicy is cluster", "Cluster", [("10.0.1.1", _N), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
     "pod to ClusterIP hits all endpoints", "10.0.1.1:80, 10.0.1.2:80, 10.0.1.3:80"),
    ("internalTrafficPolicy is local and there is one local endpoint", "Local",
     [("10.0.1.1", _N), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
     "pod to ClusterIP hits only local endpoint", "10.0.1.1:80"),
    ("internalTrafficPolicy is local and there are multiple local endpoints", "Local",
     [("10.0.1.1", _N), ("10.0.1.2", _N), ("10.0.1.3", "node2")],
     "pod to ClusterIP hits all local endpoints", "10.0.1.1:80, 10.0.1.2:80"),
    ("internalTrafficPolicy is local and there are no local endpoints", "Local",
     [("10.0.1.1", "node0"), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")], "no endpoints", "DROP"),
]:
    SETUPS[f"{_F}/{_tc}"] = cache(lambda pol=_pol, eps=_eps: _itp(pol, eps, False))
    SETUPS[f"{_F}/{_tc}/deleted"] = cache(lambda pol=_pol, eps=_eps: _itp(pol, eps, True))
    CASES += [flow(_F, f"{_tc}/{_name}", "10.0.0.2", "172.30.1.1", 80, _out),
              flow(_F, f"{_tc}/endpoints deleted", "10.0.0.2", "172.30.1.1", 80, "REJECT", setup=f"{_tc}/deleted")]


# -- TestInternalExternalMasquerade: 30 flows under four settings of masqueradeAll and the local detector -----
def _masquerade(masquerade_all: bool, local_detector: bool) -> IptablesProxier:
    def lb(ns: str, name: str, ip: str, node_port: int, hc: int, ingress: str, **spec: str) -> dict[str, Any]:
        svc = service(ns, name, ip, [port("p80", 80, nodePort=node_port)], type="LoadBalancer",
                      healthCheckNodePort=hc, **spec)
        svc["status"] = {"loadBalancer": {"ingress": [{"ip": ingress}]}}
        return svc

    services = [lb("ns1", "svc1", "172.30.0.41", 3001, 30001, "1.2.3.4"),
                lb("ns2", "svc2", "172.30.0.42", 3002, 30002, "5.6.7.8", externalTrafficPolicy="Local"),
                lb("ns3", "svc3", "172.30.0.43", 3003, 30003, "9.10.11.12", internalTrafficPolicy="Local")]
    eps = [endpoints(f"ns{i}", f"svc{i}", [(f"10.180.0.{i}", TEST_NODE_NAME), (f"10.180.1.{i}", "remote")],
                     [("p80", 80, "TCP")]) for i in (1, 2, 3)]
    return fake_proxier(services, eps, masquerade_all=masquerade_all,
                        cluster_cidr="10.0.0.0/8" if local_detector else "")


_X = TEST_EXTERNAL_CLIENT
_B = [f"10.180.0.{i}:80, 10.180.1.{i}:80" for i in (1, 2, 3)]
_MASQ_FLOWS: list[tuple[str, str, str, int, str, bool]] = [
    ("pod to ClusterIP", "10.0.0.2", "172.30.0.41", 80, _B[0], False),
    ("pod to NodePort", "10.0.0.2", TEST_NODE_IP, 3001, _B[0], True),
    ("pod to LB", "10.0.0.2", "1.2.3.4", 80, _B[0], True),
    ("node to ClusterIP", TEST_NODE_IP, "172.30.0.41", 80, _B[0], True),
    ("node to NodePort", TEST_NODE_IP, TEST_NODE_IP, 3001, _B[0], True),
    ("localhost to NodePort", "127.0.0.1", "127.0.0.1", 3001, _B[0], True),
    ("node to LB", TEST_NODE_IP, "1.2.3.4", 80, _B[0], True),
    ("external to ClusterIP", _X, "172.30.0.41", 80, _B[0], True),
    ("external to NodePort", _X, TEST_NODE_IP, 3001, _B[0], True),
    ("external to LB", _X, "1.2.3.4", 80, _B[0], True),
    ("pod to ClusterIP with eTP:Local", "10.0.0.2", "172.30.0.42", 80, _B[1], False),
    ("pod to NodePort with eTP:Local", "10.0.0.2", TEST_NODE_IP, 3002, _B[1], False),
    ("pod to LB with eTP:Local", "10.0.0.2", "5.6.7.8", 80, _B[1], False),
    ("node to ClusterIP with eTP:Local", TEST_NODE_IP, "172.30.0.42", 80, _B[1], True),
    ("node to NodePort with eTP:Local", TEST_NODE_IP, TEST_NODE_IP, 3001, _B[0], True),
    ("localhost to NodePort with eTP:Local", "127.0.0.1", "127.0.0.1", 3002, _B[1], True),
    ("node to LB with eTP:Local", TEST_NODE_IP, "5.6.7.8", 80, _B[1], True),
    ("external to ClusterIP with eTP:Local", _X, "172.30.0.42", 80, _B[1], True),
    ("external to NodePort with eTP:Local", _X, TEST_NODE_IP, 3002, "10.180.0.2:80", False),
    ("external to LB with eTP:Local", _X, "5.6.7.8", 80, "10.180.0.2:80", False),
    ("pod to ClusterIP with iTP:Local", "10.0.0.2", "172.30.0.43", 80, "10.180.0.3:80", False),
    ("pod to NodePort with iTP:Local", "10.0.0.2", TEST_NODE_IP, 3003, _B[2], True),
    ("pod to LB with iTP:Local", "10.0.0.2", "9.10.11.12", 80, _B[2], True),
    ("node to ClusterIP with iTP:Local", TEST_NODE_IP, "172.30.0.43", 80, "10.180.0.3:80", True),
    ("node to NodePort with iTP:Local", TEST_NODE_IP, TEST_NODE_IP, 3003, _B[2], True),
    ("localhost to NodePort with iTP:Local", "127.0.0.1", "127.0.0.1", 3003, _B[2], True),
    ("node to LB with iTP:Local", TEST_NODE_IP, "9.10.11.12", 80, _B[2], True),
    ("external to ClusterIP with iTP:Local", _X, "172.30.0.43", 80, "10.180.0.3:80", True),
    ("external to NodePort with iTP:Local", _X, TEST_NODE_IP, 3003, _B[2], True),
    ("external to LB with iTP:Local", _X, "9.10.11.12", 80, _B[2], True),
]
_NO_DETECTOR = {"node to ClusterIP": (None, False), "node to ClusterIP with eTP:Local": (None, False),
                "node to ClusterIP with iTP:Local": (None, False), "external to ClusterIP": (None, False),
                "external to ClusterIP with eTP:Local": (None, False),
                "external to ClusterIP with iTP:Local": (None, False),
                "pod to NodePort with eTP:Local": ("10.180.0.2:80", None),
                "pod to LB with eTP:Local": ("10.180.0.2:80", None)}
_MASQ_ALL = {"pod to ClusterIP": (None, True), "pod to ClusterIP with eTP:Local": (None, True),
             "pod to ClusterIP with iTP:Local": (None, True)}
_F = "TestInternalExternalMasquerade"
for _tc, _all, _detector, _over in [
    ("base", False, True, {}),
    ("no LocalTrafficDetector", False, False, _NO_DETECTOR),
    ("masqueradeAll", True, True, _MASQ_ALL),
    ("masqueradeAll, no LocalTrafficDetector", True, False,
     {**_MASQ_ALL, **{k: v for k, v in _NO_DETECTOR.items() if "NodePort" in k or "LB" in k}}),
]:
    SETUPS[f"{_F}/{_tc}"] = cache(lambda a=_all, d=_detector: _masquerade(a, d))
    for _name, _src, _dst, _port, _out, _masq in _MASQ_FLOWS:
        _o, _m = _over.get(_name, (None, None))
        CASES.append(flow(_F, f"{_tc}/{_name}", _src, _dst, _port, _out if _o is None else _o,
                          masq=_masq if _m is None else _m))


@pytest.mark.parametrize("data", CASES)
def test_packet_flow(request: pytest.FixtureRequest, data: dict[str, Any]) -> None:
    case_id = request.node.callspec.id
    func = case_id.split("/", 1)[0]
    key = next((k for k in (f"{func}/{data.get('setup', '')}", case_id.rsplit("/", 1)[0], func) if k in SETUPS),
               func)
    check_flow(SETUPS[key](), data)


# -- TestNoEndpointsMetric: sync_proxy_rules_no_local_endpoints_total{traffic_policy} ---------------------------
_REMOTE = [("10.0.1.1", "node0"), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")]
_WITH_LOCAL = [("10.0.1.1", TEST_NODE_NAME), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")]
METRIC_CASES = [
    case("TestNoEndpointsMetric", name, itp=itp, etp=etp, eps=eps, expected={"internal": i, "external": e})
    for name, itp, etp, eps, i, e in [
        ("internalTrafficPolicy is set and there are local endpoints", "Local", "", _WITH_LOCAL, 0, 0),
        ("externalTrafficPolicy is set and there are local endpoints", "", "Local", _WITH_LOCAL, 0, 0),
        ("both policies are set and there are local endpoints", "Local", "Local", _WITH_LOCAL, 0, 0),
        ("internalTrafficPolicy is set and there are no local endpoints", "Local", "", _REMOTE, 1, 0),
        ("externalTrafficPolicy is set and there are no local endpoints", "", "Local", _REMOTE, 0, 1),
        ("both policies are set and there are no local endpoints", "Local", "Local", _REMOTE, 1, 1),
        ("both policies are set and there are no endpoints at all", "Local", "Local", [], 0, 0),
    ]
]


@pytest.mark.parametrize("data", METRIC_CASES)
def test_no_endpoints_metric(data: dict[str, Any]) -> None:
    spec: dict[str, Any] = {"selector": {"foo": "bar"}}
    if data["itp"]:
        spec["internalTrafficPolicy"] = data["itp"]
    if data["etp"]:
        spec.update(type="NodePort", externalTrafficPolicy=data["etp"])
    svc = service("ns1", "svc1", "172.30.1.1", [port("", 80, nodePort=123)], **spec)
    p = fake_proxier([svc], [endpoints("ns1", "svc1", data["eps"], [("", 80, "TCP")])] if data["eps"] else [])
    assert p.no_local_endpoints == data["expected"]


# -- TestHealthCheckNodePortWhenTerminating: what the service health server counts -------------------------------
def _hc_slice(conditions: list[dict[str, bool]]) -> dict[str, Any]:
    """The test's EndpointSlice svc1-1: 10.0.1.1 ... 10.0.1.4 on the test node, with these conditions."""
    return {"metadata": {"name": "svc1-1", "namespace": "ns1", "labels": {"kubernetes.io/service-name": "svc1"}},
            "addressType": "IPv4", "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
            "endpoints": [{"addresses": [f"10.0.1.{i}"], "conditions": cond, "nodeName": TEST_NODE_NAME}
                          for i, cond in enumerate(conditions, start=1)]}


def _when_terminating() -> list[int]:
    svc = service("ns1", "svc1", "172.30.1.1", [port("", 0, targetPort=80)], selector={"foo": "bar"})
    ready = _hc_slice([{"ready": True}, {"ready": True}, {"ready": True}, {"ready": False}])
    p = fake_proxier([svc], [ready])
    counts = [len(p.local_ready_endpoints())]
    p.on_endpoints(ready, _hc_slice([
        {"ready": False, "serving": True, "terminating": False},
        {"ready": False, "serving": True, "terminating": True},
        {"ready": False, "serving": True, "terminating": True},
        {"ready": False, "serving": False, "terminating": True}]))
    p.sync_proxy_rules()
    counts.append(len(p.local_ready_endpoints()))
    return counts


HC_CASES = [case("TestHealthCheckNodePortWhenTerminating", WHOLE, run=_when_terminating, expected=[1, 0])]


@pytest.mark.parametrize("data", HC_CASES)
def test_health_check_counts(data: dict[str, Any]) -> None:
    assert data["run"]() == data["expected"]
