"""Whole scheduling cycles and their FailedScheduling messages: upstream's schedule_one_test.go cases, run on a
kspec Cluster with the profile upstream's test framework registers."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.cluster import Cluster, NodeSpec
from kspec.scheduler.profile.config import configure
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/scheduler/schedule_one_test.go"
#: st.RegisterQueueSortPlugin(PrioritySort), st.RegisterBindPlugin(DefaultBinder) and NodeResourcesFit as
#: PreFilter and Filter (kspec's NodeResourcesFit has no PreFilter: its Filter reads the requests itself), nothing
#: else, so no PostFilter (preemption) message
FIT_ONLY = """
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  plugins:
    multiPoint:
      enabled: [{name: PrioritySort}, {name: DefaultBinder}]
      disabled: [{name: "*"}]
    filter:
      enabled: [{name: NodeResourcesFit}]
"""

CASES = [
    # 100 nodes of cpu 2 (cpu/2), memory 100 (mem/5), 10 pods; the pod asks cpu 4, memory 500
    case("TestSchedulerFailedSchedulingReasons", "TestSchedulerFailedSchedulingReasons", config=FIT_ONLY,
         nodes=[NodeSpec(f"node{i}", cpu="2", memory="100", pods=10) for i in range(100)],
         requests={"cpu": "4", "memory": "500"},
         want="0/100 nodes are available: 100 Insufficient cpu, 100 Insufficient memory."),
]


@pytest.mark.parametrize("c", CASES)
def test_failed_scheduling_message(c: dict[str, Any]) -> None:
    cluster = Cluster()
    configure(cluster, c["config"])
    for spec in c["nodes"]:
        cluster.add_node(spec)
    cluster.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bar", "namespace": "default"},
                    "spec": {"containers": [{"name": "c", "image": "pause", "resources": {
                        "requests": c["requests"], "limits": c["requests"]}}]}})
    cluster.settle()
    cluster.expect.has_event("pod", "bar", "FailedScheduling", message=c["want"])
    assert len(c["want"]) <= 150  # "message is too spammy"
