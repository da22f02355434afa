"""DefaultPreemption's PostFilter: upstream's TestPostFilter.

Like upstream's test, the plugin runs against a real framework (a kspec Cluster whose profile has the plugins
upstream registers: PrioritySort, NodeResourcesFit, DefaultPreemption, DefaultBinder) and is handed the Filter
statuses the case gives. The incoming pod names another scheduler so that the cluster leaves it to the test.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.cluster import Cluster, NodeSpec
from kspec.scheduler.framework import Code, CycleState, Diagnosis, Status
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.profile.config import configure
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go"
CONFIG = """
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  plugins:
    multiPoint:
      enabled: [{name: PrioritySort}, {name: NodeResourcesFit}, {name: DefaultPreemption}, {name: DefaultBinder}]
      disabled: [{name: "*"}]
"""
LOW, MID, HIGH = 0, 100, 1000
CLASSES = {LOW: "low", MID: "mid", HIGH: "high"}
MEDIUM_RES = {"cpu": "200m", "memory": "200"}
LARGE_RES = {"cpu": "300m", "memory": "300"}


def one_pod(name: str) -> NodeSpec:
    """st.MakeNode().Capacity(onePodRes): one pod, and no cpu or memory."""
    return NodeSpec(name, cpu="0", memory="0", pods=1, ephemeral_storage="0")


def node_res(name: str) -> NodeSpec:
    """st.MakeNode().Capacity(nodeRes): cpu 200m, memory 400 (and MakeNode's 32 pods)."""
    return NodeSpec(name, cpu="200m", memory="400", pods=32, ephemeral_storage="0")


def large(name: str) -> NodeSpec:
    return NodeSpec(name, cpu="300m", memory="300", pods=32, ephemeral_storage="0")


def p(name: str, node: str = "", priority: int = LOW, requests: dict[str, str] | None = None) -> dict[str, Any]:
    # st.MakePod().Priority(n) sets spec.priority; through kspec's API server (priority admission) that is a
    # PriorityClass of that value
    spec: dict[str, Any] = {"priorityClassName": CLASSES[priority], "containers": [
        {"name": "c", "image": "pause", "resources": {"requests": requests} if requests else {}}]}
    if node:
        spec["nodeName"] = node
    else:
        spec["schedulerName"] = "upstream-test"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


U, UU = Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE
F = "TestPostFilter"
EXTENDERS = "scheduler extenders are not modelled"
FAILING_PLUGIN = ("kspec's PreFilter extensions (AddPod/RemovePod) cannot fail, so the Error status of a failing "
                  "RemovePod has no counterpart")
CASES = [
    case(F, "pod with higher priority can be made schedulable", pod=p("p", priority=HIGH), pods=[p("p1", "node1")],
         nodes=[one_pod("node1")], statuses={"node1": U}, nominated="node1", message=""),
    case(F, "pod with tied priority is still unschedulable", pod=p("p"), pods=[p("p1", "node1")],
         nodes=[one_pod("node1")], statuses={"node1": U}, nominated="",
         message="preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."),
    case(F, "preemption should respect filteredNodesStatuses", pod=p("p", priority=HIGH), pods=[p("p1", "node1")],
         nodes=[one_pod("node1")], statuses={"node1": UU}, nominated="",
         message="preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."),
    case(F, "pod can be made schedulable on one node", pod=p("p", priority=MID),
         pods=[p("p1", "node1", HIGH), p("p2", "node2", LOW)], nodes=[one_pod("node1"), one_pod("node2")],
         statuses={"node1": U, "node2": U}, nominated="node2", message=""),
    case(F, "preemption result filtered out by extenders", pod=p("p", priority=HIGH),
         pods=[p("p1", "node1"), p("p2", "node2")], nodes=[one_pod("node1"), one_pod("node2")],
         statuses={"node1": U, "node2": U}, nominated="node1", message="", unmodelled=EXTENDERS),
    case(F, "no candidate nodes found, no enough resource after removing low priority pods",
         pod=p("p", priority=HIGH, requests=LARGE_RES), pods=[p("p1", "node1"), p("p2", "node2")],
         nodes=[node_res("node1"), node_res("node2")], statuses={"node1": U, "node2": U}, nominated="",
         message="preemption: 0/2 nodes are available: 2 Insufficient cpu."),
    case(F, "no candidate nodes found with mixed reasons, no lower priority pod and no enough CPU resource",
         pod=p("p", priority=HIGH, requests=LARGE_RES),
         pods=[p("p1", "node1", HIGH), p("p2", "node2"), p("p3", "node3", HIGH)],
         nodes=[one_pod("node1"), node_res("node2"), one_pod("node3")],
         statuses={"node1": U, "node2": U, "node3": U}, nominated="",
         message="preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for "
                 "incoming pod."),
    case(F, "no candidate nodes found with mixed reason, 2 UnschedulableAndUnresolvable nodes and 2 nodes don't "
            "have enough CPU resource", pod=p("p", priority=HIGH, requests=LARGE_RES),
         pods=[p("p1", "node1"), p("p2", "node2")],
         nodes=[node_res("node1"), node_res("node2"), node_res("node3"), node_res("node4")],
         statuses={"node1": U, "node2": U, "node4": UU}, nominated="",
         message="preemption: 0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is not helpful for "
                 "scheduling."),
    case(F, "only one node but failed with TestPlugin", pod=p("p", priority=HIGH, requests=LARGE_RES),
         pods=[p("p1", "node1")], nodes=[large("node1")], statuses={"node1": U}, nominated=None,
         message='preemption: running RemovePod on PreFilter plugin "test-plugin": failed to remove pod: p',
         unmodelled=FAILING_PLUGIN),
    # without upstream's failing test-plugin, node1 still drops out (its only pod asks for nothing, so it has no
    # victim to offer) and node2 is nominated, as upstream expects
    case(F, "one failed with TestPlugin and the other pass", pod=p("p", priority=HIGH, requests=LARGE_RES),
         pods=[p("p1", "node1"), p("p2", "node2", requests=MEDIUM_RES)], nodes=[large("node1"), large("node2")],
         statuses={"node1": U, "node2": U}, nominated="node2", message=""),
]


@pytest.mark.parametrize("c", CASES)
def test_post_filter(c: dict[str, Any]) -> None:
    cluster = Cluster()
    configure(cluster, CONFIG)
    for spec in c["nodes"]:
        cluster.add_node(spec)
    for value, name in CLASSES.items():
        cluster.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                        "value": value})
    for obj in [*c["pods"], c["pod"]]:
        cluster.create(obj)
    cluster.settle()
    fw = cluster.components["scheduler"].frameworks["default-scheduler"]
    pi = PodInfo(cluster.api.store.get("pods", "default", "p"))
    state = CycleState()
    fw.run_pre_filter(state, pi)
    diagnosis = Diagnosis(node_statuses={n: Status(code) for n, code in c["statuses"].items()})
    result, status = fw.plugin("DefaultPreemption").post_filter(state, pi, diagnosis)
    assert status.message == c["message"]
    assert (result.nominated_node if result is not None else None) == c["nominated"]
