"""An HPA's resync is periodic work for ``settle``, and a cluster that does not settle says who keeps writing."""

from __future__ import annotations

import pytest

from kspec import Cluster
from kspec.errors import TimeoutError_
from tests.manifests import deployment

WEB = deployment(replicas=1, containers="[{name: c, image: nginx:1.27, resources: {requests: {cpu: 100m}}}]") + """---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
"""


def test_a_cluster_with_an_hpa_settles_once_its_syncs_change_nothing() -> None:
    c = Cluster(nodes=2)
    c.apply(WEB)
    c.settle("5m")  # every sync requeues the next one 15 s later: a resync, not work in progress
    assert c.get("hpa", "web")["status"]["currentReplicas"] == 1
    reasons = {e.reason for e in c.event_log if e.kind == "HorizontalPodAutoscaler"}
    assert "FailedGetResourceMetric" in reasons  # no metrics for it: the HPA warns at each sync, and settles


def test_a_cluster_that_does_not_settle_names_who_keeps_writing() -> None:
    c = Cluster(nodes=1)
    c.start()
    count = [0]

    def rewrite() -> None:
        count[0] += 1
        c.api.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "flapping"},
                     "data": {"n": str(count[0])}})
    c.clock.call_every(10_000, rewrite, label="flapper")
    with pytest.raises(TimeoutError_) as info:
        c.settle("2m")
    message = str(info.value)
    assert message.startswith("the cluster did not settle within 120s of virtual time (now t=120s): something "
                              "keeps changing\nwho keeps writing")
    assert "x flapper: MODIFIED configmaps" in message
    assert "x configmaps default/flapping" in message
    assert "leases" not in message  # the kubelets' renewals change nothing for settle
