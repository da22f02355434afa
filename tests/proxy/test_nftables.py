"""nftables mode: chain names, the table's layout, syncs (full and partial), and walking the rules."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from kspec import Cluster
from kspec.clock import Clock
from kspec.proxy.nftables import NftablesProxier, chain_base, endpoint_base, hash_and_truncate
from kspec.proxy.provider import ACCEPT, DROP, REJECT, Packet
from kspec.proxy.types import Endpoint, ServicePortName

NODE = {"metadata": {"name": "node-1"}, "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}]}}
NAME = ServicePortName("default", "web", "http", "TCP")


def _svc(name: str = "web", ip: str = "10.96.0.20", **spec: object) -> dict:
    body = {"clusterIP": ip, "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}]}
    node_port = spec.pop("node_port", 0)
    if node_port:
        body["type"] = "NodePort"
        body["ports"][0]["nodePort"] = node_port
    body.update(spec)
    return {"metadata": {"name": name, "namespace": "default"}, "spec": body}


def _slice(name: str, ips: list[str], node: str = "node-1") -> dict:
    return {"metadata": {"name": f"{name}-abc", "namespace": "default", "labels": {"kubernetes.io/service-name": name}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            "endpoints": [{"addresses": [ip], "nodeName": node} for ip in ips]}


def _proxier(svcs: list[dict], slices: list[dict], seed: int = 0) -> NftablesProxier:
    p = NftablesProxier(NODE, Clock(), random.Random(seed))
    p.start(svcs, slices)
    return p


def test_chain_names_are_upstreams_hash_and_name() -> None:
    assert chain_base(ServicePortName("ns1", "svc1", "p80", "TCP")) == "ULMVA6XW-ns1/svc1/tcp/p80"
    assert endpoint_base(ServicePortName("ns1", "svc1", "p80", "TCP"), Endpoint("10.180.0.1", 80)) == \
        "5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"
    assert endpoint_base(NAME, Endpoint("fd00::1", 80)).endswith("__fd00..1/80")  # no colons in a chain name
    long = hash_and_truncate("x" * 300)
    assert len(long) == 240 and long.endswith("...")


def test_layout_has_upstreams_base_chains_maps_and_service_chains() -> None:
    p = _proxier([_svc(node_port=30080)], [_slice("web", ["10.244.0.5", "10.244.0.6"])])
    rules = p.rules()
    assert "table ip kube-proxy {" in rules
    assert "\t\ttype filter hook prerouting priority dstnat - 10; policy accept;" in rules
    assert "\t\ttype nat hook postrouting priority srcnat; policy accept;" in rules
    base = chain_base(NAME)
    assert f"\t\telements = {{ 10.96.0.20 . tcp . 80 : goto service-{base} }}" in rules
    assert f"\t\telements = {{ tcp . 30080 : goto external-{base} }}" in rules
    # nftables mode's node ports default to the node's primary address only
    assert "\t\telements = { 172.18.0.2 }" in rules
    assert "ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports" in rules
    assert f"numgen random mod 2 vmap {{ 0 : goto endpoint-{endpoint_base(NAME, Endpoint('10.244.0.5', 8080))}" in rules
    assert "meta l4proto tcp dnat to 10.244.0.6:8080" in rules
    assert "ip daddr 10.96.0.20 ip saddr != 10.244.0.0/16 jump mark-for-masquerade" in rules


def test_connections_are_dnatted_rejected_or_dropped_as_the_rules_say() -> None:
    p = _proxier([_svc(), _svc("empty", "10.96.0.21")], [_slice("web", ["10.244.0.5"])])
    verdict, pkt = p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)
    assert (verdict, pkt.dst, pkt.dport, pkt.dnat) == (ACCEPT, "10.244.0.5", 8080, True)
    assert p.process(Packet("10.244.1.9", "10.96.0.20", 81), False)[0] == REJECT  # cluster-ips-check
    assert p.process(Packet("10.244.1.9", "10.96.0.21", 80), False)[0] == REJECT  # no endpoints: reject-chain
    assert p.process(Packet("10.244.1.9", "10.96.9.9", 80), False)[0] == DROP  # an unallocated cluster IP
    verdict, pkt = p.process(Packet("10.244.1.9", "8.8.8.8", 53, "udp"), False)
    assert (verdict, pkt.dst) == (ACCEPT, "8.8.8.8")  # not a Service: untouched


def test_external_traffic_is_masqueraded_to_the_node_in_postrouting() -> None:
    p = _proxier([_svc(node_port=30080)], [_slice("web", ["10.244.1.5"], node="node-2")])
    verdict, pkt = p.process(Packet("203.0.113.10", "172.18.0.2", 30080), False)
    assert (verdict, pkt.dst, pkt.src) == (ACCEPT, "10.244.1.5", "172.18.0.2")
    assert pkt.mark == 0  # the masquerading chain clears the mark before it masquerades


def test_local_policy_without_local_endpoints_drops_outside_traffic_but_short_circuits_pods() -> None:
    p = _proxier([_svc(node_port=30080, externalTrafficPolicy="Local")], [_slice("web", ["10.244.1.5"], "node-2")])
    assert p.process(Packet("203.0.113.10", "172.18.0.2", 30080), False)[0] == DROP
    verdict, pkt = p.process(Packet("10.244.0.9", "172.18.0.2", 30080), False)
    assert (verdict, pkt.dst, pkt.src) == (ACCEPT, "10.244.1.5", "10.244.0.9")  # short-circuit pod traffic


def test_client_ip_affinity_is_a_dynamic_set_with_the_timeout() -> None:
    svc = _svc(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 5}})
    p = _proxier([svc], [_slice("web", [f"10.244.0.{i}" for i in range(2, 8)])])
    first = p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)[1].dst
    assert {p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)[1].dst for _ in range(20)} == {first}
    affinity = [c for c in p.table.containers.values() if c.name.startswith("affinity-")]
    assert len(affinity) == 6 and all(c.timeout_s == 5 and c.flags == "dynamic,timeout" for c in affinity)
    p.clock.run_for(6000)
    assert all(expiry < p.clock.now for c in affinity for expiry in c.dynamic.values())  # timed out
    p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)  # picked afresh, and held for 5s again
    assert max(expiry for c in affinity for expiry in c.dynamic.values()) == p.clock.now + 5000


def test_partial_sync_rewrites_only_the_changed_service_and_diffs_the_maps() -> None:
    p = _proxier([_svc(), _svc("api", "10.96.0.30")], [_slice("web", ["10.244.0.5"]), _slice("api", ["10.244.0.7"])])
    p.clock.run_for(2000)
    p.on_endpoints(_slice("api", ["10.244.0.7"]), _slice("api", ["10.244.0.8"]))
    p.clock.run_for(2000)
    tx = p.last_transaction
    assert not any("web" in line for line in tx)  # the unchanged Service: neither chains nor elements
    assert not any(line.startswith("add table") for line in tx)  # no setup in a partial sync
    old = "endpoint-" + endpoint_base(ServicePortName("default", "api", "http", "TCP"), Endpoint("10.244.0.7", 8080))
    assert f"flush chain ip kube-proxy {old}" in tx
    assert old in p.stale_chains and old in p.table.chains  # flushed now ...
    p.on_service(None, _svc("db", "10.96.0.40"))
    p.clock.run_for(2000)
    assert old not in p.table.chains and not p.stale_chains  # ... deleted a second later
    assert p.process(Packet("10.244.1.9", "10.96.0.30", 80), False)[1].dst == "10.244.0.8"


def test_removing_a_service_removes_its_elements() -> None:
    p = _proxier([_svc()], [_slice("web", ["10.244.0.5"])])
    p.clock.run_for(2000)
    p.on_service(_svc(), None)
    p.clock.run_for(2000)
    assert "10.96.0.20" not in p.table.containers["cluster-ips"].elements
    assert p.table.last_operations == 4  # 2 element deletes, 2 chain flushes (TestSyncProxyRulesRepeated's count)
    assert p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)[0] == DROP  # now an unallocated cluster IP


def test_a_change_is_synced_no_sooner_than_min_sync_period() -> None:
    p = _proxier([_svc()], [_slice("web", ["10.244.0.5"])])
    p.on_endpoints(_slice("web", ["10.244.0.5"]), _slice("web", ["10.244.0.6"]))
    p.clock.run_for(999)
    assert p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)[1].dst == "10.244.0.5"
    p.clock.run_for(2)
    assert p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)[1].dst == "10.244.0.6"


def test_the_cluster_routes_through_nftables() -> None:
    c = Cluster(nodes=2, proxy="nftables", seed=0)
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
             "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
             "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    c.settle()
    reached = {c.components["proxy"].connect("default", "client", "web", 80) for _ in range(30)}
    assert len(reached) == 2 and all(name and name.startswith("web-") for name in reached)
    assert "chain services {" in c.components["proxy"].rules_of("node-1")


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 1000))
def test_every_connection_lands_on_a_ready_endpoint(n: int, seed: int) -> None:
    ips = [f"10.244.0.{i + 2}" for i in range(n)]
    p = _proxier([_svc()], [_slice("web", ips)], seed)
    for _ in range(10):
        verdict, pkt = p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)
        assert verdict == ACCEPT and pkt.dst in ips and pkt.dport == 8080


def test_service_cidrs_of_the_family_bound_the_drop_of_unallocated_cluster_ips() -> None:
    p = NftablesProxier(NODE, Clock(), random.Random(0))
    p.on_service_cidrs_changed(["10.96.0.0/12", "10.100.0.0/16", "fd00:10:96::/112"])
    p.start([_svc()], [_slice("web", ["10.244.0.5"])])
    assert 'ip daddr { 10.96.0.0/12,10.100.0.0/16 } drop comment "Drop traffic to unallocated ClusterIPs"' \
        in p.rules()
    assert p.process(Packet("10.244.1.9", "10.100.9.9", 80), False)[0] == DROP


def test_a_failed_partial_sync_is_retried_as_a_full_one_after_sync_period() -> None:
    from kspec.proxy.nft import Element

    p = _proxier([_svc()], [_slice("web", ["10.244.0.5"])])
    p.clock.run_for(2000)
    p.table.containers["cluster-ips"].elements["10.96.0.30"] = Element()  # something else wrote the element
    p.on_service(None, _svc("api", "10.96.0.30"))
    p.on_endpoints(None, _slice("api", ["10.244.0.7"]))
    p.clock.run_for(2000)
    assert p.sync_failures == 1 and p.need_full_sync  # nft refused the transaction: nothing of it applied
    assert p.process(Packet("10.244.1.9", "10.96.0.30", 80), False)[0] == REJECT
    p.clock.run_for(30_000)  # syncPeriod: the retry is a full sync, which flushes the sets first
    assert p.process(Packet("10.244.1.9", "10.96.0.30", 80), False)[1].dst == "10.244.0.7"
