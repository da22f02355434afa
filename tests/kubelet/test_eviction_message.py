"""evictionMessage's container clause prints the request as its Quantity prints (requests.String()): the
canonical form in the unit family the spec used, so 64M stays 64M (not 62500Ki)."""

from __future__ import annotations

from kspec.cluster import Cluster, NodeSpec

POD = """apiVersion: v1
kind: Pod
metadata: {name: hungry}
spec:
  nodeName: node-1
  containers:
  - name: app
    image: nginx:1.25
    resources: {requests: {memory: %s}}
"""


def _evicted_message(request: str) -> str:
    c = Cluster(nodes=[NodeSpec("node-1", memory="2Gi")])
    c.apply(POD % request)
    c.run_for("2s")
    c.require("runtime").set_memory("default", "hungry", "app", "1990Mi")
    c.run_for("20s")
    [evicted] = [e for e in c.events_for("Pod", "hungry") if e["reason"] == "Evicted"]
    return evicted["message"]


def test_a_decimal_request_is_printed_in_decimal_units() -> None:
    # eviction/helpers.go evictionMessage: containerMessageFmt with requests.String()
    assert "Container app was using 1990Mi, request is 64M, has larger consumption of memory." in \
        _evicted_message("64M")


def test_a_binary_request_is_printed_canonically() -> None:
    assert "request is 512Mi," in _evicted_message("0.5Gi")
