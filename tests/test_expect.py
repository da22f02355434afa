"""kspec.expect: what a failed assertion says."""

from __future__ import annotations

import pytest

from kspec import Cluster
from kspec.errors import StepError


def test_a_not_ready_pod_shows_only_the_reason_and_message_its_condition_has() -> None:
    c = Cluster(nodes=2)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
             "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": "nginx"}]}})
    c.settle()
    c.stop_node("node-1")  # the node lifecycle controller marks its pods not ready, with no reason nor message
    c.run_for("2m")
    with pytest.raises(AssertionError) as failed:
        c.expect.pod_ready("p")
    assert str(failed.value) == 'pod "p" is not ready, expected ready'


def test_a_qos_class_kubernetes_does_not_have_is_a_step_error_not_a_wait() -> None:
    c = Cluster(nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
             "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    with pytest.raises(StepError, match='a QoS class is "Guaranteed", "Burstable" or "BestEffort", not "Besteffort"'):
        c.expect.qos_class("p", "Besteffort")
    c.expect.qos_class("p", "BestEffort")
