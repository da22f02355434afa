"""kube-proxy reads EndpointSlices: the cache's merge rules, and the serving-terminating fallback in the rules."""

from __future__ import annotations

import random

from kspec.clock import Clock
from kspec.proxy.changetracker import EndpointsChangeTracker, apply_changes
from kspec.proxy.iptables import IptablesProxier
from kspec.proxy.types import Endpoint, ServicePortName, slices_endpoints_map

NODE = {"metadata": {"name": "node-1"}, "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}]}}
SVC = {"metadata": {"name": "web", "namespace": "default"},
       "spec": {"clusterIP": "10.96.0.20", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}}
HTTP = ServicePortName("default", "web", "http", "TCP")


def _slice(name: str, *endpoints: dict, ports: list | None = None, address_type: str = "IPv4") -> dict:
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name, "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
            "addressType": address_type, "endpoints": list(endpoints),
            "ports": ports if ports is not None else [{"name": "http", "port": 8080, "protocol": "TCP"}]}


def _ep(ip: str, node: str = "node-2", **conditions: bool) -> dict:
    return {"addresses": [ip], "nodeName": node, "conditions": conditions}


def test_slices_merge_per_port_and_skip_what_upstream_skips() -> None:
    """endpointInfoByServicePort: unnamed-nil and zero ports, address-less endpoints and FQDN slices are skipped."""
    got = slices_endpoints_map(("default", "web"), [
        _slice("web-a", _ep("10.244.1.5"), {"addresses": []}),
        _slice("web-b", _ep("10.244.1.6", ready=False, serving=True, terminating=True), _ep("10.244.1.5")),
        _slice("web-c", _ep("10.244.1.7"), ports=[{"port": 8080, "protocol": "TCP"}, {"name": "z", "port": 0}]),
        _slice("web-d", {"addresses": ["web.example.com"]}, address_type="FQDN"),
    ])
    assert list(got) == [HTTP]
    assert [(e.ip, e.ready, e.serving, e.terminating) for e in got[HTTP]] == [
        ("10.244.1.5", True, True, False), ("10.244.1.6", False, True, True)]


def test_conditions_left_out_read_as_ready_serving_not_terminating() -> None:
    (ep,) = slices_endpoints_map(("default", "web"), [_slice("s", {"addresses": ["10.0.0.1"]})])[HTTP]
    assert (ep.ready, ep.serving, ep.terminating) == (True, True, False)


def test_the_tracker_folds_a_services_slices_together() -> None:
    tracker = EndpointsChangeTracker()
    a, b = _slice("web-a", _ep("10.244.1.5")), _slice("web-b", _ep("10.244.1.6"))
    tracker.update(None, a)
    tracker.update(None, b)
    target: dict[ServicePortName, tuple[Endpoint, ...]] = {}
    result = apply_changes(target, tracker)
    assert result.updated_services == {("default", "web")}
    assert [e.ip for e in target[HTTP]] == ["10.244.1.5", "10.244.1.6"]
    tracker.update(b, None)
    apply_changes(target, tracker)
    assert [e.ip for e in target[HTTP]] == ["10.244.1.5"]
    unlabelled = {**a, "metadata": {"name": "x", "namespace": "default"}}
    assert tracker.update(None, unlabelled) is False  # no service-name label: no Service's endpoints


def test_only_terminating_endpoints_still_get_traffic_and_ready_ones_win() -> None:
    """CategorizeEndpoints' fallback in the written rules: no ready endpoint, so the serving terminating one."""
    p = IptablesProxier(NODE, Clock(), random.Random(0))
    p.start([SVC], [_slice("web-a", _ep("10.244.1.6", ready=False, serving=True, terminating=True),
                           _ep("10.244.1.7", ready=False, serving=False, terminating=True))])
    rules = p.rules()
    assert "-j DNAT --to-destination 10.244.1.6:8080" in rules
    assert "10.244.1.7:8080" not in rules
    assert "has no endpoints" not in rules
    p.on_endpoints(None, _slice("web-b", _ep("10.244.1.5", ready=True, serving=True, terminating=False)))
    p.sync_proxy_rules()
    rules = p.rules()
    assert "-j DNAT --to-destination 10.244.1.5:8080" in rules
    assert "-j DNAT --to-destination 10.244.1.6:8080" not in rules
