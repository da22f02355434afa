"""Every node's proxier sees the same informer event: a Service is converted once for all."""

from __future__ import annotations

from kspec.cluster import Cluster
from kspec.proxy.changetracker import ServiceChangeTracker

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
