"""iptables mode: chain names, rule text, and walking the rules."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from kspec.clock import Clock
from kspec.proxy.iptables import IptablesProxier, endpoint_chain, probability, service_chain
from kspec.proxy.provider import ACCEPT, REJECT, Packet
from kspec.proxy.types import Endpoint, ServicePortName

NODE = {"metadata": {"name": "node-1"}, "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}]}}


def _svc(name: str = "web", ip: str = "10.96.0.20", affinity: bool = False, node_port: int = 0) -> dict:
    spec = {"clusterIP": ip, "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}]}
    if affinity:
        spec["sessionAffinity"] = "ClientIP"
    if node_port:
        spec["type"] = "NodePort"
        spec["ports"][0]["nodePort"] = node_port
    return {"metadata": {"name": name, "namespace": "default"}, "spec": spec}


def _ep(name: str, ips: list[str]) -> dict:
    return {"metadata": {"name": name, "namespace": "default"},
            "subsets": [{"addresses": [{"ip": ip, "nodeName": "node-1"} for ip in ips],
                         "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}] if ips else []}


def _proxier(svcs: list[dict], eps: list[dict], seed: int = 0) -> IptablesProxier:
    p = IptablesProxier(NODE, Clock(), random.Random(seed))
    p.start(svcs, eps)
    return p


def test_chain_names_match_upstream_hashes() -> None:
    assert service_chain(ServicePortName("default", "kubernetes", "https", "TCP")) == "KUBE-SVC-NPX46M4PTMTKRN6Y"
    assert service_chain(ServicePortName("kube-system", "kube-dns", "dns", "UDP")) == "KUBE-SVC-TCOU7JCQXEZGVUNU"
    assert service_chain(ServicePortName("default", "nginx", "", "TCP")) == "KUBE-SVC-2CMXP7HKUVJN7L6M"
    sep = endpoint_chain(ServicePortName("default", "kubernetes", "https", "TCP"), Endpoint("172.18.0.2", 6443))
    assert sep == "KUBE-SEP-V2PECCYPB6X2GSCW"


def test_probabilities_are_formatted_like_go() -> None:
    assert [probability(n) for n in (3, 2)] == ["0.3333333333", "0.5000000000"]


def test_rules_have_statistic_then_unconditional_jumps() -> None:
    p = _proxier([_svc()], [_ep("web", ["10.244.0.5", "10.244.0.6", "10.244.0.7"])])
    rules = p.rules()
    assert "--probability 0.3333333333 -j KUBE-SEP-" in rules
    assert "--probability 0.5000000000 -j KUBE-SEP-" in rules
    assert '-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.20 ' \
           "--dport 80 -j KUBE-SVC-" in rules
    assert "-j DNAT --to-destination 10.244.0.7:8080" in rules


def test_no_endpoints_rejects_with_upstream_comment() -> None:
    p = _proxier([_svc()], [_ep("web", [])])
    assert '--comment "default/web:http has no endpoints" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j REJECT' \
        in p.rules()
    verdict, _ = p.process(Packet("10.244.0.9", "10.96.0.20", 80), False)
    assert verdict == REJECT


def test_connection_is_dnatted_to_an_endpoint_and_unknown_port_is_untouched() -> None:
    p = _proxier([_svc()], [_ep("web", ["10.244.0.5"])])
    verdict, pkt = p.process(Packet("10.244.0.9", "10.96.0.20", 80), False)
    assert (verdict, pkt.dst, pkt.dport) == (ACCEPT, "10.244.0.5", 8080)
    verdict, pkt = p.process(Packet("10.244.0.9", "10.96.0.20", 81), False)
    assert (pkt.dst, pkt.dnat) == ("10.96.0.20", False)


def test_client_ip_affinity_sticks_until_the_timeout() -> None:
    p = _proxier([_svc(affinity=True)], [_ep("web", ["10.244.0.5", "10.244.0.6", "10.244.0.7"])], seed=3)
    first = {p.process(Packet("10.244.0.9", "10.96.0.20", 80), False)[1].dst for _ in range(20)}
    assert len(first) == 1
    assert "--rcheck --seconds 10800 --reap" in p.rules()


def test_node_port_is_caught_by_addrtype_local() -> None:
    p = _proxier([_svc(node_port=30080)], [_ep("web", ["10.244.0.5"])])
    _, pkt = p.process(Packet("10.244.0.9", "172.18.0.2", 30080), False)
    assert pkt.dst == "10.244.0.5"
    _, pkt = p.process(Packet("10.244.0.9", "172.18.0.3", 30080), False)
    assert pkt.dst == "172.18.0.3"  # another node's address: that node handles it


def test_a_change_is_synced_no_sooner_than_min_sync_period() -> None:
    p = _proxier([_svc()], [_ep("web", [])])
    p.on_endpoints(_ep("web", []), _ep("web", ["10.244.0.5"]))
    p.clock.run_now()
    assert p.process(Packet("10.244.0.9", "10.96.0.20", 80), False)[0] == REJECT
    p.clock.run_for(1000)
    assert p.process(Packet("10.244.0.9", "10.96.0.20", 80), False)[1].dst == "10.244.0.5"


def test_partial_sync_deletes_chains_of_removed_services() -> None:
    p = _proxier([_svc(), _svc("api", "10.96.0.30")], [_ep("web", ["10.244.0.5"]), _ep("api", ["10.244.0.6"])])
    api_chain = service_chain(ServicePortName("default", "api", "http", "TCP"))
    assert api_chain in p.netfilter.tables["nat"]
    p.on_service(_svc("api", "10.96.0.30"), None)
    p.clock.run_for(1000)
    assert api_chain not in p.netfilter.tables["nat"]
    assert "-X " + api_chain in p.last_restore


@settings(max_examples=30, deadline=None)
@given(n=st.integers(min_value=1, max_value=8), seed=st.integers(min_value=0, max_value=10_000))
def test_every_connection_lands_on_a_ready_endpoint(n: int, seed: int) -> None:
    ips = [f"10.244.0.{i + 2}" for i in range(n)]
    p = _proxier([_svc()], [_ep("web", ips)], seed=seed)
    for _ in range(10):
        verdict, pkt = p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)
        assert verdict == ACCEPT and pkt.dst in ips and pkt.dport == 8080
