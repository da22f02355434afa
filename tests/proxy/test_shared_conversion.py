"""Every node's proxier sees the same informer event: a Service is converted once for all."""

from __future__ import annotations

from kspec.cluster import Cluster
from kspec.proxy.changetracker import EndpointsChangeTracker, ServiceChangeTracker

SVC = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
       "spec": {"clusterIP": "10.96.0.20", "ports": [{"port": 80, "protocol": "TCP"}]}}


def test_one_conversion_per_object_shared_by_the_trackers() -> None:
    a, b = ServiceChangeTracker(), ServiceChangeTracker()
    a.update(None, SVC)
    b.update(None, SVC)
    assert a.drain()[("default", "web")].current is b.drain()[("default", "web")].current
    # endpoints are not shared: each tracker merges a Service's slices of its own (EndpointSliceCache)


def test_a_changed_object_is_converted_afresh() -> None:
    a = ServiceChangeTracker()
    a.update(None, SVC)
    changed = {**SVC, "spec": {**SVC["spec"], "ports": [{"port": 81, "protocol": "TCP"}]}}
    a.update(SVC, changed)
    [(name, port)] = a.drain()[("default", "web")].current.items()
    assert port.port == 81


def test_the_proxiers_of_a_cluster_route_as_before() -> None:
    c = Cluster(nodes=3)
    c.start()
    rules = c.require("proxy").rules()
    assert rules.count("KUBE-SVC-") >= 3  # the kubernetes and kube-dns Services on each node's rules


SLICE = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
         "metadata": {"name": "web-abc", "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
         "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
         "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": True}, "nodeName": "node-1"}]}


def test_the_same_slices_are_converted_once_for_every_tracker() -> None:
    """Each tracker keeps its own map (EndpointSliceCache), but the same slice objects give the same frozen
    endpoints: converted once, not once per node and event."""
    a, b = EndpointsChangeTracker(), EndpointsChangeTracker()
    a.update(None, SLICE)
    b.update(None, SLICE)
    current_a = a.drain()[("default", "web")].current
    current_b = b.drain()[("default", "web")].current
    assert current_a == current_b and current_a is not current_b
    [(_, eps_a)], [(_, eps_b)] = current_a.items(), current_b.items()
    assert eps_a is eps_b


def test_a_changed_slice_is_converted_afresh() -> None:
    a = EndpointsChangeTracker()
    a.update(None, SLICE)
    a.drain()
    changed = {**SLICE, "endpoints": [{**SLICE["endpoints"][0], "conditions": {"ready": False}}]}
    a.update(SLICE, changed)
    [(_, eps)] = a.drain()[("default", "web")].current.items()
    assert [e.ready for e in eps] == [False]
