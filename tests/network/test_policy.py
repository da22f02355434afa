"""NetworkPolicy evaluation (kspec/network/policy.py) against upstream's documented semantics."""

from __future__ import annotations

from typing import Any

from kspec.network.policy import Endpoint, allowed, policy_types

NAMESPACES = {"shop": {"kubernetes.io/metadata.name": "shop"},
              "front": {"kubernetes.io/metadata.name": "front", "team": "web"},
              "other": {"kubernetes.io/metadata.name": "other"}}


def pod(name: str, ns: str, ip: str, ports: list[dict] | None = None, host_network: bool = False,
        **labels: str) -> Endpoint:
    obj: dict[str, Any] = {"metadata": {"name": name, "namespace": ns, "labels": labels},
                           "spec": {"containers": [{"name": "c", "ports": ports or []}]}}
    if host_network:
        obj["spec"]["hostNetwork"] = True
    return Endpoint(ip, obj)


def policy(ns: str, selector: dict | None = None, **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": "p", "namespace": ns}, "spec": {"podSelector": selector or {}, **spec}}


API = pod("api", "shop", "10.244.0.2", [{"name": "http", "containerPort": 8080}], app="api")
SHOP = pod("client", "shop", "10.244.0.3", app="client")
WEB = pod("web", "front", "10.244.1.2", role="web")
BATCH = pod("batch", "front", "10.244.1.3", role="batch")
OTHER_WEB = pod("web", "other", "10.244.2.2", role="web")
OUTSIDE = Endpoint("203.0.113.10")
DENY_ALL = policy("shop")


def ok(policies: list[dict], src: Endpoint, dst: Endpoint = API, port: int = 8080, proto: str = "TCP") -> bool:
    return allowed(policies, NAMESPACES, src, dst, port, proto)


def test_without_policies_everything_connects() -> None:
    assert ok([], WEB) and ok([], OUTSIDE)


def test_default_deny_isolates_every_pod_of_its_namespace_only() -> None:
    assert not ok([DENY_ALL], SHOP)
    assert not ok([DENY_ALL], OUTSIDE)
    assert ok([DENY_ALL], SHOP, WEB)  # front is not isolated; shop's egress is not either


def test_policy_types_default_as_upstream() -> None:
    assert policy_types(policy("shop")) == ["Ingress"]
    assert policy_types(policy("shop", egress=[{}])) == ["Ingress", "Egress"]
    assert policy_types(policy("shop", policyTypes=["Egress"])) == ["Egress"]


def test_egress_only_policy_does_not_isolate_ingress() -> None:
    assert ok([policy("shop", policyTypes=["Egress"])], WEB)
    assert not ok([policy("shop", policyTypes=["Egress"])], SHOP, WEB)


def test_pod_selector_alone_selects_in_the_policy_namespace() -> None:
    allow = policy("shop", {"matchLabels": {"app": "api"}}, ingress=[{"from": [{"podSelector": {}}]}])
    assert ok([allow], SHOP)
    assert not ok([allow], WEB)


def test_namespace_selector_alone_selects_every_pod_there() -> None:
    allow = policy("shop", ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"team": "web"}}}]}])
    assert ok([allow], WEB) and ok([allow], BATCH)
    assert not ok([allow], SHOP) and not ok([allow], OTHER_WEB)


def test_both_selectors_in_one_peer_are_anded_two_peers_are_ored() -> None:
    both = policy("shop", ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"team": "web"}},
                                              "podSelector": {"matchLabels": {"role": "web"}}}]}])
    assert ok([both], WEB)
    assert not ok([both], BATCH) and not ok([both], OTHER_WEB)
    either = policy("shop", ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"team": "web"}}},
                                               {"podSelector": {"matchLabels": {"role": "web"}}}]}])
    assert ok([either], BATCH)
    assert not ok([either], OTHER_WEB)  # the podSelector alone looks in shop only


def test_selectors_never_match_addresses_outside_the_pod_network() -> None:
    allow = policy("shop", ingress=[{"from": [{"namespaceSelector": {}}]}])
    assert ok([allow], OTHER_WEB)
    assert not ok([allow], OUTSIDE)


def test_ip_block_with_except() -> None:
    allow = policy("shop", ingress=[{"from": [{"ipBlock": {"cidr": "10.244.0.0/16", "except": ["10.244.1.0/24"]}}]}])
    assert ok([allow], OTHER_WEB)
    assert not ok([allow], WEB)
    assert not ok([allow], OUTSIDE)
    world = policy("shop", ingress=[{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}])
    assert ok([world], OUTSIDE)


def test_ports_numbers_ranges_protocols_and_named_ports() -> None:
    def rule(*ports: dict) -> list[dict]:
        return [policy("shop", ingress=[{"ports": list(ports)}])]
    assert ok(rule({"port": 8080}), WEB)
    assert not ok(rule({"port": 80}), WEB)
    assert ok(rule({"port": 8000, "endPort": 9000}), WEB)
    assert not ok(rule({"port": 8000, "endPort": 8079}), WEB)
    assert not ok(rule({"protocol": "UDP", "port": 8080}), WEB)
    assert ok(rule({"protocol": "UDP", "port": 8080}), WEB, proto="udp")
    assert ok(rule({"protocol": "TCP"}), WEB, port=1)
    assert ok(rule({"port": "http"}), WEB)
    assert not ok(rule({"port": "metrics"}), WEB)
    assert not ok(rule({"port": "http"}), WEB, port=8081)


def test_policies_are_additive() -> None:
    web_only = policy("shop", ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"team": "web"}}}]}])
    same_ns = policy("shop", ingress=[{"from": [{"podSelector": {}}]}])
    assert ok([DENY_ALL, web_only, same_ns], WEB) and ok([DENY_ALL, web_only, same_ns], SHOP)
    assert not ok([DENY_ALL, web_only, same_ns], OTHER_WEB)


def test_egress_rules_check_the_destination_and_its_named_ports() -> None:
    out = policy("front", {"matchLabels": {"role": "web"}}, policyTypes=["Egress"],
                 egress=[{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}}}],
                          "ports": [{"port": "http"}]}])
    assert ok([out], WEB)
    assert not ok([out], WEB, SHOP, port=8080)  # shop/client declares no port named http
    assert ok([out], BATCH)  # not selected: not isolated for egress
    assert not ok([out], WEB, OUTSIDE)


def test_both_ends_must_allow() -> None:
    deny_egress = policy("front", policyTypes=["Egress"])
    allow_in = policy("shop", ingress=[{}])
    assert not ok([deny_egress, allow_in], WEB)
    assert ok([allow_in], WEB)


def test_host_network_pods_are_not_subject_to_policy_via_the_component() -> None:
    from kspec.network.cni import _endpoint
    host = pod("node-agent", "shop", "172.18.0.2", host_network=True, app="api")
    assert _endpoint(host.ip, host.pod).pod is None
    assert ok([DENY_ALL], SHOP, Endpoint(host.ip))
