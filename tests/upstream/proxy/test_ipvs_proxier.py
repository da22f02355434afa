"""kubernetes pkg/proxy/ipvs/proxier_test.go: the IPVS virtual servers and real servers one sync leaves.

Each case compares kspec's IPVS table with upstream's ``expectedIPVS`` (every virtual server's protocol,
address, port, scheduler and persistence, and its real servers with their weights), or, for the whole tests,
upstream's ``checkIPVS`` and ``checkIPSet`` (kspec keeps IPVS mode's ipsets with upstream's names and entries).
The iptables expectations (``checkIptables``) are not compared: kspec applies what IPVS mode's iptables rules
do to a connection but does not print them.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from kspec.clock import Clock
from kspec.proxy.ipvs import IpvsProxier
from tests.upstream.cases import case
from tests.upstream.proxy.iptables_adapter import TEST_NODE_NAME, endpoints, port, service

SOURCE = "kubernetes/kubernetes pkg/proxy/ipvs/proxier_test.go"

Table = dict[tuple[str, str, int], tuple[str, int, list[tuple[str, int, int]]]]


def ipvs_state(p: IpvsProxier) -> Table:
    """FakeIPVS: (protocol, IP, port) -> (scheduler, persistence timeout, [(real server, port, weight)])."""
    return {(vs.protocol, vs.address, vs.port): (vs.scheduler, vs.persistent_seconds,
                                                 sorted((d.address, d.port, d.weight) for d in vs.destinations))
            for vs in p.virtual_servers.values()}


def vs(proto: str, ip: str, number: int, dests: list[str], scheduler: str = "rr", timeout: int = 0) -> Table:
    """One expected virtual server with its real servers as "ip:port" (weight 1)."""
    return {(proto, ip, number): (scheduler, timeout,
                                  sorted((d.rsplit(":", 1)[0].strip("[]"), int(d.rsplit(":", 1)[1]), 1)
                                         for d in dests))}


def fake_proxier(node_ips: list[str], services: list[dict[str, Any]], eps: list[dict[str, Any]],
                 family: int = 4) -> IpvsProxier:
    """NewFakeProxier(node IPs, ipFamily), makeServiceMap, populateEndpointSlices, syncProxyRules."""
    node = {"metadata": {"name": TEST_NODE_NAME},
            "status": {"addresses": [{"type": "InternalIP", "address": ip} for ip in node_ips]}}
    p = IpvsProxier(node, Clock(), random.Random(0))
    p.ip_families = frozenset({family})
    p.start(services, eps)
    return p


def _np(proto: str = "TCP", **spec: Any) -> dict[str, Any]:
    return service("ns1", "svc1", "10.20.30.41", [port("p80", 80, proto, nodePort=3001)], type="NodePort", **spec)


def _eps(proto: str, addrs: list[tuple[str, str | None]]) -> dict[str, Any]:
    return endpoints("ns1", "svc1", addrs, [("p80", 80, proto)])


_F = "TestNodePortIPv4"
_NODES3 = ["100.101.102.103", "100.101.102.104", "100.101.102.105", "2001:db8::1:1", "2001:db8::1:2",
           "2001:db8::1:3"]
CASES = [
    case(_F, "1 service with node port, has 2 endpoints", node_ips=["100.101.102.103", "2001:db8::1:1"],
         services=[_np()], eps=[endpoints("ns1", "svc1", [("10.180.0.1", None)], [("p80", 80, "TCP")]) | {
             "subsets": [{"addresses": [{"ip": "10.180.0.1"}], "ports": [{"name": "p80", "port": 80}]},
                         {"addresses": [{"ip": "1002:ab8::2:10"}], "ports": [{"name": "p80", "port": 80}]}]}],
         expected={**vs("TCP", "10.20.30.41", 80, ["10.180.0.1:80"]),
                   **vs("TCP", "100.101.102.103", 3001, ["10.180.0.1:80"])}),
    case(_F, "1 UDP service with node port, has endpoints", node_ips=["100.101.102.103"],
         services=[_np("UDP")], eps=[_eps("UDP", [("10.180.0.1", None)])],
         expected={**vs("UDP", "10.20.30.41", 80, ["10.180.0.1:80"]),
                   **vs("UDP", "100.101.102.103", 3001, ["10.180.0.1:80"])}),
    case(_F, "service has node port but no endpoints", node_ips=["100.101.102.103"], services=[_np()], eps=[],
         expected={**vs("TCP", "10.20.30.41", 80, []), **vs("TCP", "100.101.102.103", 3001, [])}),
    case(_F, "node port service with protocol sctp on a node with multiple nodeIPs", node_ips=_NODES3,
         services=[_np("SCTP")], eps=[_eps("SCTP", [("10.180.0.1", None)])],
         expected={**vs("SCTP", "10.20.30.41", 80, ["10.180.0.1:80"]),
                   **{k: v for ip in _NODES3[:3] for k, v in vs("SCTP", ip, 3001, ["10.180.0.1:80"]).items()}}),
    case(_F, "node port service with protocol sctp and externalTrafficPolicy local", node_ips=["100.101.102.103"],
         services=[_np("SCTP", externalTrafficPolicy="Local")],
         eps=[_eps("SCTP", [("10.180.0.1", TEST_NODE_NAME), ("10.180.1.1", "other-node")])],
         expected={**vs("SCTP", "10.20.30.41", 80, ["10.180.0.1:80", "10.180.1.1:80"]),
                   **vs("SCTP", "100.101.102.103", 3001, ["10.180.0.1:80"])}),
]


_TWO = [service("ns1", "svc1", "10.20.30.41", [port("p80", 80)]),
        service("ns2", "svc2", "1002:ab8::2:1", [port("p8080", 8080)])]
_TWO_EPS = [endpoints("ns1", "svc1", [("10.180.0.1", None)], [("p80", 80, "TCP")]),
            endpoints("ns2", "svc2", [("1009:ab8::5:6", None)], [("p8080", 8080, "TCP")])]
for _f, _fam, _expected, _empty_ip in [
    ("TestIPv4Proxier", 4, vs("TCP", "10.20.30.41", 80, ["10.180.0.1:80"]), "10.20.30.41"),
    ("TestIPv6Proxier", 6, vs("TCP", "1002:ab8::2:1", 8080, ["[1009:ab8::5:6]:8080"]), "2001::1"),
]:
    CASES += [
        case(_f, "2 services with Cluster IP, each with endpoints", node_ips=[], services=_TWO, eps=_TWO_EPS,
             family=_fam, expected=_expected),
        case(_f, "cluster IP service with no endpoints", node_ips=[], family=_fam, eps=[],
             services=[service("ns1", "svc1", _empty_ip, [port("p80", 80)])], expected=vs("TCP", _empty_ip, 80, [])),
    ]


@pytest.mark.parametrize("data", CASES)
def test_ipvs_state(data: dict[str, Any]) -> None:
    p = fake_proxier(data["node_ips"], data["services"], data["eps"], data.get("family", 4))
    assert ipvs_state(p) == data["expected"]


# -- whole tests that inspect the IPVS table by hand -------------------------------------------------------------
_EXT = ["50.60.70.81", "2012::51", "127.0.0.1"]


def _external_ips_no_endpoint() -> None:
    p = fake_proxier([], [service("ns1", "svc1", "10.20.30.41", [port("p80", 80, targetPort=80)], type="ClusterIP",
                                  externalIPs=["50.60.70.81"])], [])
    state = ipvs_state(p)
    assert len(state) == 2
    assert state[("TCP", "50.60.70.81", 80)][2] == []


def _external_ips() -> None:
    svc = service("ns1", "svc1", "10.20.30.41", [port("p80", 80, targetPort=80)], type="ClusterIP",
                  externalIPs=_EXT)
    eps = endpoints("ns1", "svc1", [("10.180.0.1", None)], [("p80", 80, "UDP")])
    state = ipvs_state(fake_proxier([], [svc], [eps]))
    assert len(state) == 3  # ipvs filters out by ipfamily
    found = [v for (proto, ip, number), v in state.items() if ip in _EXT and number == 80 and proto == "TCP"]
    assert found and all(d[:2] == ("10.180.0.1", 80) for d in found[0][2])


def _only_local_external_ips() -> None:
    svc = service("ns1", "svc1", "10.20.30.41", [port("p80", 80, targetPort=80)], type="NodePort",
                  externalIPs=_EXT, externalTrafficPolicy="Local")
    eps = endpoints("ns1", "svc1", [("10.180.0.1", TEST_NODE_NAME), ("10.180.1.1", "other-node")],
                    [("p80", 80, "TCP")])
    state = ipvs_state(fake_proxier([], [svc], [eps]))
    assert len(state) == 3
    found = [v for (proto, ip, number), v in state.items() if ip in _EXT and number == 80 and proto == "TCP"]
    assert found and [d[:2] for d in found[0][2]] == [("10.180.0.1", 80)]


WHOLE_CASES = [
    case("TestExternalIPsNoEndpoint", "whole test", run=_external_ips_no_endpoint),
    case("TestExternalIPs", "whole test", run=_external_ips),
    case("TestOnlyLocalExternalIPs", "whole test", run=_only_local_external_ips),
]


@pytest.mark.parametrize("data", WHOLE_CASES)
def test_whole(data: dict[str, Any]) -> None:
    data["run"]()


# -- LoadBalancer, Local node ports and health check ports: checkIPVS and checkIPSet ---------------------------
def check_ipvs(p: IpvsProxier, count: int, proto: str, ip: str, number: int, dests: list[str]) -> None:
    """checkIPVS: the number of virtual servers, and the real servers of the one at ip:port if it exists."""
    state = ipvs_state(p)
    assert len(state) == count
    found = state.get((proto, ip, number))
    if found is not None:
        assert len(found[2]) == len(dests)
        if len(dests) == 1:
            assert f"{found[2][0][0]}:{found[2][0][1]}" == dests[0]


def check_ipsets(p: IpvsProxier, expected: dict[str, set[str]]) -> None:
    """checkIPSet: each listed set holds exactly these entries (Entry.String() forms)."""
    for name, entries in expected.items():
        assert p.ipsets[name] == entries, name


def _lb(name: str = "svc1", node_port: int = 3001, **spec: Any) -> dict[str, Any]:
    svc = service("ns1", name, "10.20.30.41", [port("p80", 80, nodePort=node_port)], type="LoadBalancer", **spec)
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    return svc


def _load_balancer() -> None:
    p = fake_proxier([], [_lb()], [endpoints("ns1", "svc1", [("10.180.0.1", None)], [("p80", 80, "UDP")])])
    check_ipvs(p, 2, "TCP", "1.2.3.4", 3001, ["10.180.0.1:80"])
    check_ipsets(p, {"KUBE-LOAD-BALANCER": {"1.2.3.4,tcp:80"}})


def _only_local_node_ports() -> None:
    svc = service("ns1", "svc1", "10.20.30.41", [port("p80", 80, nodePort=3001)], type="NodePort",
                  externalTrafficPolicy="Local")
    eps = endpoints("ns1", "svc1", [("10.180.0.1", TEST_NODE_NAME), ("10.180.1.1", "other-node")],
                    [("p80", 80, "TCP")])
    # nodePortAddresses 100.101.102.0/24 on a node with 100.101.102.103 and 2001:db8:: leaves the IPv4 address
    p = fake_proxier(["100.101.102.103"], [svc], [eps])
    check_ipvs(p, 2, "TCP", "100.101.102.103", 3001, ["10.180.0.1:80"])
    check_ipsets(p, {"KUBE-NODE-PORT-TCP": {"3001"}, "KUBE-NODE-PORT-LOCAL-TCP": {"3001"}})


def _health_check_node_port() -> None:
    services = [_lb("valid-svc1", 3000, externalTrafficPolicy="Local", healthCheckNodePort=30000),
                _lb("valid-svc2", 3000, externalTrafficPolicy="Local", healthCheckNodePort=30001),
                _lb("invalid-svc3", 3000, externalTrafficPolicy="Cluster", healthCheckNodePort=30002)]
    for svc in services:
        svc.pop("status")
    p = fake_proxier(["100.101.102.103"], services, [])
    check_ipsets(p, {"KUBE-HEALTH-CHECK-NODE-PORT": {"30000", "30001"}})


def _load_balancer_source_ranges() -> None:
    svc = service("ns1", "svc1", "10.20.30.41", [port("p80", 80)], type="LoadBalancer",
                  loadBalancerSourceRanges=["10.0.0.0/8"])
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    p = fake_proxier([], [svc], [endpoints("ns1", "svc1", [("10.180.0.1", None)], [("p80", 80, "TCP")])])
    check_ipvs(p, 2, "TCP", "1.2.3.4", 80, ["10.180.0.1:80"])
    check_ipsets(p, {"KUBE-LOAD-BALANCER": {"1.2.3.4,tcp:80"}, "KUBE-LOAD-BALANCER-FW": {"1.2.3.4,tcp:80"},
                     "KUBE-LOAD-BALANCER-SOURCE-CIDR": {"1.2.3.4,tcp:80,10.0.0.0/8"}})


def _only_local_load_balancing() -> None:
    eps = endpoints("ns1", "svc1", [("10.180.0.1", TEST_NODE_NAME), ("10.180.1.1", "other-node")],
                    [("p80", 80, "TCP")])
    p = fake_proxier([], [_lb(externalTrafficPolicy="Local")], [eps])
    check_ipvs(p, 2, "TCP", "1.2.3.4", 80, ["10.180.0.1:80"])
    check_ipsets(p, {"KUBE-LOAD-BALANCER": {"1.2.3.4,tcp:80"}, "KUBE-LOAD-BALANCER-LOCAL": {"1.2.3.4,tcp:80"}})


LB_CASES = [
    case("TestLoadBalancer", "whole test", run=_load_balancer),
    case("TestOnlyLocalNodePorts", "whole test", run=_only_local_node_ports),
    case("TestHealthCheckNodePort", "whole test", run=_health_check_node_port),
    case("TestLoadBalancerSourceRanges", "whole test", run=_load_balancer_source_ranges),
    case("TestOnlyLocalLoadBalancing", "whole test", run=_only_local_load_balancing),
]


@pytest.mark.parametrize("data", LB_CASES)
def test_load_balancer(data: dict[str, Any]) -> None:
    data["run"]()
