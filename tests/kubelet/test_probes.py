"""The simulated health endpoints behind probes, and what the prober says when they fail."""

from __future__ import annotations

import pytest

from kspec.cluster import Cluster
from kspec.errors import StepError
from kspec.kubelet.probes import failure_output


def _cluster(handler: dict[str, object]) -> Cluster:
    c = Cluster(nodes=1, seed=0)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
             "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "nginx:1.25",
                                                            "readinessProbe": handler}]}})
    c.run_for("1s")
    return c


def test_the_http_failure_output_carries_the_status() -> None:
    # probe/http/http.go DoHTTPProbe: "HTTP probe failed with statuscode: %d"
    assert failure_output({"httpGet": {"port": 80}}, "10.244.0.2", 503) == "HTTP probe failed with statuscode: 503"
    assert failure_output({"httpGet": {"port": 80}}, "10.244.0.2") == "HTTP probe failed with statuscode: 500"


def test_a_status_must_be_a_failing_one_and_needs_an_http_probe() -> None:
    c = _cluster({"httpGet": {"port": 80}})
    with pytest.raises(StepError, match="status 302 is a success for an HTTP probe"):
        c.set_probe("web", "readiness", False, status=302)
    c.set_probe("web", "readiness", False, status=404)
    tcp = _cluster({"tcpSocket": {"port": 80}})
    with pytest.raises(StepError, match="is not an httpGet probe"):
        tcp.set_probe("web", "readiness", False, status=503)
