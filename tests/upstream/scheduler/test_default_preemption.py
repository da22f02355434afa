"""DefaultPreemption: upstream's default_preemption_test.go.

TestPostFilter and TestPreempt run the plugin against a real framework (a kspec Cluster whose profile has the
plugins upstream registers: PrioritySort, NodeResourcesFit, DefaultPreemption, DefaultBinder), handing it the
Filter statuses the case gives; the incoming pod names another scheduler so that the cluster leaves it to the
test. TestDryRunPreemption, TestSelectBestCandidate, TestCustomSelection, TestCustomOrdering and
TestPodEligibleToPreemptOthers run kspec's preemption Evaluator on a snapshot, as upstream does: a kspec
scheduler whose cache holds exactly the case's nodes and pods, with the case's plugins (and upstream's counting
FakeFilter, tests/upstream/scheduler/fakeplugins.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.cluster import Cluster, NodeSpec
from kspec.scheduler.framework import Code, CycleState, Diagnosis, Status
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.preemption import Evaluator
from kspec.scheduler.profile.config import configure
from tests.upstream.cases import case
from tests.upstream.scheduler import fakeplugins as fp

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
    preFilter:
      enabled: [{name: test-plugin}]
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


def large(name: str, labels: dict[str, str] | None = None) -> NodeSpec:
    return NodeSpec(name, cpu="300m", memory="300", pods=32, ephemeral_storage="0", labels=labels)


class FailingTestPlugin(fp.Plugin):
    """Upstream's TestPlugin ("test-plugin", registered as a PreFilter): its AddPod and RemovePod fail on a node
    labelled error=true."""

    NAME = "test-plugin"

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[None, None]:
        return None, None

    def add_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: Any) -> Status | None:
        return Status(Code.ERROR, f"failed to add pod: {pi.name}") if ni.labels.get("error") == "true" else None

    def remove_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: Any) -> Status | None:
        return Status(Code.ERROR, f"failed to remove pod: {pi.name}") if ni.labels.get("error") == "true" else None


def p(name: str, node: str = "", priority: int = LOW, requests: dict[str, str] | None = None,
      labels: dict[str, str] | None = None) -> dict[str, Any]:
    # st.MakePod().Priority(n) sets spec.priority; through kspec's API server (priority admission) that is a
    # PriorityClass of that value
    spec: dict[str, Any] = {"priorityClassName": CLASSES[priority], "containers": [
        {"name": "c", "image": "pause", "resources": {"requests": requests} if requests else {}}]}
    if node:
        spec["nodeName"] = node
    else:
        spec["schedulerName"] = "upstream-test"
    md: dict[str, Any] = {"name": name, "namespace": "default"}
    if labels:
        md["labels"] = labels
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec}


U, UU = Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE
F = "TestPostFilter"
EXTENDERS = "scheduler extenders are not modelled"
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
         # label the node with key as "error" so that the TestPlugin will fail with error.
         pods=[p("p1", "node1")], nodes=[large("node1", {"error": "true"})], statuses={"node1": U}, nominated=None,
         message='preemption: running RemovePod on PreFilter plugin "test-plugin": failed to remove pod: p'),
    # even though node1 will fail with error but node2 will still be returned as a valid nominated node.
    case(F, "one failed with TestPlugin and the other pass", pod=p("p", priority=HIGH, requests=LARGE_RES),
         pods=[p("p1", "node1"), p("p2", "node2", requests=MEDIUM_RES)],
         nodes=[large("node1", {"error": "true"}), large("node2")],
         statuses={"node1": U, "node2": U}, nominated="node2", message=""),
]


@pytest.mark.parametrize("c", CASES)
def test_post_filter(c: dict[str, Any]) -> None:
    cluster = Cluster(plugins_=[fp.RegisterPlugins([FailingTestPlugin])])
    configure(cluster, CONFIG)
    for spec in c["nodes"]:
        cluster.add_node(spec)
    for value, name in CLASSES.items():
        cluster.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                        "value": value})
    for obj in [*c["pods"], *c.get("pdbs", []), c["pod"]]:
        cluster.create(obj)
    cluster.settle()
    fw = cluster.components["scheduler"].frameworks["default-scheduler"]
    # the framework's snapshot holds every pod of the case (internalcache.NewSnapshot(tt.pods, tt.nodes))
    assert {pi.name for ni in fw.cache.node_list() for pi in ni.pods.values()} == \
        {x["metadata"]["name"] for x in c["pods"]}
    pi = PodInfo(cluster.api.store.get("pods", "default", "p"))
    state = CycleState()
    fw.run_pre_filter(state, pi)
    diagnosis = Diagnosis(node_statuses={n: Status(code) for n, code in c["statuses"].items()})
    result, status = fw.plugin("DefaultPreemption").post_filter(state, pi, diagnosis)
    assert status.message == c["message"]
    assert (result.nominated_node if result is not None else None) == c["nominated"]


# -- TestPostFilter's further cases ------------------------------------------------------------------------------
PODGROUPS = "pod groups (spec.schedulingGroup, workload-aware and topology-aware scheduling) are not modelled"
TWO_ON_ONE_POD_NODE = ("node1 holds two pods though its capacity is one pod: a real kubelet rejects the second "
                       "(OutOfpods), so no cluster holds this snapshot")
PLACEMENT_LIMIT = "preemption: not eligible due to placement-based pod group scheduling limitation"
WAP_LIMIT = "preemption: not eligible due to workload aware preemption enabled"
PDB_KEY = "test.kubernetes.io/is-violating-pdb"  # LabelKeyIsViolatingPDB


def grouped() -> dict[str, Any]:
    """st.MakePod().Name("p-with-podgroup").PodGroupName("foo").Priority(highPriority) (named "p" here, as the
    adapter looks the incoming pod up by that name)."""
    out = p("p", priority=HIGH)
    out["spec"]["schedulingGroup"] = {"podGroupName": "foo"}
    return out


def api_pdb(name: str, value: str, min_available: str) -> dict[str, Any]:
    """st.MakePDB().Name(name).MatchLabel(LabelKeyIsViolatingPDB, value).MinAvailable(...); its status is the
    disruption controller's."""
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"minAvailable": int(min_available) if min_available.isdigit() else min_available,
                     "selector": {"matchLabels": {PDB_KEY: value}}}}


MORE_POST_FILTER = [
    case(F, "preemption should respect absent NodeToStatusReader entry meaning UnschedulableAndUnresolvable",
         pod=p("p", priority=HIGH), pods=[p("p1", "node1")], nodes=[one_pod("node1")], statuses={}, nominated="",
         message="preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."),
    case(F, "pod can be made schedulable on minHighestPriority node", pod=p("p", priority=HIGH),
         pods=[p("p1", "node1", HIGH, labels={PDB_KEY: "non-violating"}),
               p("p2", "node1", labels={PDB_KEY: "violating"}),
               p("p3", "node2", MID, labels={PDB_KEY: "violating"})],
         pdbs=[api_pdb("violating-pdb", "violating", min_available="100%"),
               api_pdb("non-violating-pdb", "non-violating", min_available="0")],
         nodes=[one_pod("node1"), one_pod("node2")], statuses={"node1": U, "node2": U}, nominated="node2",
         message="", unreachable=TWO_ON_ONE_POD_NODE),
    *[case(F, name, pod=grouped(), pods=[p("p1", "node1")], nodes=[one_pod("node1")], statuses={"node1": U},
           nominated=nominated, message=message, unmodelled=PODGROUPS) for name, nominated, message in (
        ("pod with SchedulingGroup with TAS with scheduling constraint enabled should not preempt", None,
         PLACEMENT_LIMIT),
        ("pod with SchedulingGroup with TAS with scheduling constraint enabled should not preempt even when WAP is "
         "enabled", None, PLACEMENT_LIMIT),
        ("pod with SchedulingGroup with TAS without scheduling constraint enabled should preempt", "node1", ""),
        ("pod with SchedulingGroup with TAS with WAP enabled should not preempt", None, WAP_LIMIT),
        ("pod with SchedulingGroup with WAP enabled should not preempt", None, WAP_LIMIT),
        ("pod with SchedulingGroup with TAS and WAP disabled should preempt", "node1", ""))],
]


@pytest.mark.parametrize("c", MORE_POST_FILTER)
def test_post_filter_more(c: dict[str, Any]) -> None:
    test_post_filter(c)


# -- DryRunPreemption, SelectCandidate and the custom hooks, on a snapshot ------------------------------------------
# (the plugins upstream registers run in a kspec scheduler whose cache holds exactly the case's nodes and pods)

NEG, VERY_HIGH = -100, 10000
SMALL = {"cpu": "100m", "memory": "100"}
MEDIUM = MEDIUM_RES
LARGE = LARGE_RES
VERY_LARGE = {"cpu": "500m", "memory": "500"}
LABEL_KEYS = ("hostname", "zone", "region")
FIT = {"filter": ["NodeResourcesFit"]}
PTS = {"preFilter": ["PodTopologySpread"], "filter": ["PodTopologySpread"]}
IPA = {"preFilter": ["InterPodAffinity"], "filter": ["NodeResourcesFit", "InterPodAffinity"]}

def snap_node(spec: str) -> dict[str, Any]:
    """st.MakeNode().Capacity(veryLargeRes) named by the first part of "name/zone/region", labelled
    {"hostname": name, "zone": zone, "region": region} (and MakeNode's 32 pods)."""
    parts = spec.split("/")
    return fp.node(parts[0], dict(zip(LABEL_KEYS, parts, strict=False)),
                   alloc={**VERY_LARGE, "pods": "32"})


def sp(name: str, node: str = "", priority: int = LOW, req: dict[str, str] | None = None, start: int | None = None,
       labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    """st.MakePod().Name(name).UID(name).Node(node).Priority(priority).Req(req).StartTime(epochTime<start>)."""
    return fp.pod(name, node_name=node, priority=priority, requests=req, labels=labels,
                  start="" if start is None else f"1970-01-01T00:00:00.{start:09d}Z", **spec)


def anti_affinity_exists(key: str, topology: str) -> dict[str, Any]:
    """PodAntiAffinityExists(key, topology, st.PodAntiAffinityWithRequiredReq)."""
    return {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchExpressions": [{"key": key, "operator": "Exists"}]}, "topologyKey": topology}]}}


SPREAD_2 = [{"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "DoNotSchedule",
             "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}}
            for key in ("zone", "hostname")]


def pdb(allowed: int, disrupted: tuple[str, ...] = ()) -> dict[str, Any]:
    status: dict[str, Any] = {"disruptionsAllowed": allowed}
    if disrupted:
        status["disruptedPods"] = {name: "2020-01-01T00:00:00Z" for name in disrupted}
    return {"metadata": {"name": "pdb", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "foo"}}}, "status": status}


def snapshot_harness(points: dict[str, list[Any]], nodes: list[str], pods: list[dict[str, Any]],
                     fake: type | None = None) -> fp.Harness:
    if fake is not None:  # FakeFilter is registered first, so it runs before the case's filters
        points = {**points, "filter": [fake, *points.get("filter", [])]}
    return fp.Harness(points, [snap_node(n) for n in nodes], pods)


def dry_run(h: fp.Harness, ev: Evaluator, incoming: dict[str, Any], offset: int, pdbs: list[dict[str, Any]] = ()
            ) -> list[Any]:  # type: ignore[assignment]
    pi = PodInfo(incoming)
    state = CycleState()
    h.fw.run_pre_filter(state, pi)
    infos = sorted(h.cache.node_list(), key=lambda ni: ni.name)
    candidates, _ = ev.dry_run(state, pi, infos, list(pdbs), offset, ev.num_candidates(len(infos)))
    return candidates


DR = "TestDryRunPreemption"
P1P2_LARGE = [sp("p1", "node1", MID, LARGE), sp("p2", "node2", MID, LARGE)]
P1P2 = [sp("p1", "node1", MID), sp("p2", "node2", MID)]
APP = {"app": "foo"}


def dr(name: str, points: dict[str, list[Any]], nodes: list[str], incoming: list[dict[str, Any]],
       init: list[dict[str, Any]], expected: list[list[tuple[str, list[str], int]]], calls: list[int],
       rc: Code | None = None, pdbs: list[dict[str, Any]] | None = None, args: tuple[int, int] | None = None,
       offsets: list[int] | None = None, **reason: str) -> Any:
    """``expected``: per cycle, (node, victims sorted by name, PDB violations) sorted by node; ``offsets``: the
    offsets upstream's rand.New(rand.NewSource(4)) draws for the cases that limit the candidates (their comments
    say which); with the default args every potential node is a candidate, so the offset does not matter."""
    return case(DR, name, points=points, nodes=nodes, incoming=incoming, init=init, expected=expected, calls=calls,
                rc=rc, pdbs=pdbs or [], args=args, offsets=offsets or [0] * len(incoming), **reason)


DRY_RUN = [
    dr("a pod that does not fit on any node", {"filter": [fp.FalseFilter]}, ["node1", "node2"],
       [sp("p", priority=HIGH)], P1P2, [[]], [2]),
    dr("a pod that fits with no preemption", {"filter": [fp.TrueFilter]}, ["node1", "node2"],
       [sp("p", priority=HIGH)], P1P2, [[]], [2], rc=U),
    # Name the pod as "node1" to fit "MatchFilter" plugin.
    dr("a pod that fits on one node with no preemption", {"filter": [fp.MatchFilter]}, ["node1", "node2"],
       [sp("node1", priority=HIGH)], P1P2, [[]], [2], rc=U),
    dr("a pod that fits on both nodes when lower priority pods are preempted", FIT, ["node1", "node2"],
       [sp("p", priority=HIGH, req=LARGE)], P1P2_LARGE, [[("node1", ["p1"], 0), ("node2", ["p2"], 0)]], [4]),
    dr("a pod that would fit on the nodes, but other pods running are higher priority, no preemption would happen",
       FIT, ["node1", "node2"], [sp("p", priority=LOW, req=LARGE)], P1P2_LARGE, [[]], [0]),
    dr("medium priority pod is preempted, but lower priority one stays as it is small", FIT, ["node1", "node2"],
       [sp("p", priority=HIGH, req=LARGE)],
       [sp("p1.1", "node1", LOW, SMALL), sp("p1.2", "node1", MID, LARGE), sp("p2", "node2", MID, LARGE)],
       [[("node1", ["p1.2"], 0), ("node2", ["p2"], 0)]], [5]),
    dr("mixed priority pods are preempted", FIT, ["node1", "node2"], [sp("p", priority=HIGH, req=LARGE)],
       [sp("p1.1", "node1", MID, SMALL), sp("p1.2", "node1", LOW, SMALL), sp("p1.3", "node1", MID, MEDIUM),
        sp("p1.4", "node1", HIGH, SMALL), sp("p2", "node2", HIGH, LARGE)],
       [[("node1", ["p1.2", "p1.3"], 0)]], [4]),
    dr("mixed priority pods are preempted, pick later StartTime one when priorities are equal", FIT,
       ["node1", "node2"], [sp("p", priority=HIGH, req=LARGE)],
       [sp("p1.1", "node1", LOW, SMALL, 5), sp("p1.2", "node1", LOW, SMALL, 4), sp("p1.3", "node1", MID, MEDIUM, 3),
        sp("p1.4", "node1", HIGH, SMALL, 2), sp("p2", "node2", HIGH, LARGE, 1)],
       [[("node1", ["p1.1", "p1.3"], 0)]], [4]),
    dr("pod with anti-affinity is preempted", IPA, ["node1", "node2"],
       [sp("p", priority=HIGH, req=SMALL, labels={"foo": ""})],
       [sp("p1.1", "node1", LOW, SMALL, labels={"foo": ""}, affinity=anti_affinity_exists("foo", "hostname")),
        sp("p1.2", "node1", MID, SMALL), sp("p1.3", "node1", HIGH, SMALL), sp("p2", "node2", HIGH, SMALL)],
       [[("node1", ["p1.1"], 0)]], [3]),
    dr("preemption to resolve pod topology spread filter failure", PTS,
       ["node-a/zone1", "node-b/zone1", "node-x/zone2"],
       [sp("p", priority=HIGH, labels={"foo": ""}, topologySpreadConstraints=SPREAD_2)],
       [sp("pod-a1", "node-a", MID, labels={"foo": ""}), sp("pod-a2", "node-a", LOW, labels={"foo": ""}),
        sp("pod-b1", "node-b", LOW, labels={"foo": ""}), sp("pod-x1", "node-x", HIGH, labels={"foo": ""}),
        sp("pod-x2", "node-x", HIGH, labels={"foo": ""})],
       [[("node-a", ["pod-a2"], 0), ("node-b", ["pod-b1"], 0)]], [5]),
    dr("get Unschedulable in the preemption phase when the filter plugins filtering the nodes", FIT,
       ["node1", "node2"], [sp("p", priority=HIGH, req=LARGE)], P1P2_LARGE, [[]], [2], rc=U),
    dr("preemption with violation of same pdb", FIT, ["node1"], [sp("p", priority=HIGH, req=VERY_LARGE)],
       [sp("p1.1", "node1", MID, MEDIUM, labels=APP), sp("p1.2", "node1", MID, MEDIUM, labels=APP)],
       [[("node1", ["p1.1", "p1.2"], 1)]], [3], pdbs=[pdb(1)]),
    dr("preemption with violation of the pdb with pod whose eviction was processed, the victim doesn't belong to "
       "DisruptedPods", FIT, ["node1"], [sp("p", priority=HIGH, req=VERY_LARGE)],
       [sp("p1.1", "node1", MID, MEDIUM, labels=APP), sp("p1.2", "node1", MID, MEDIUM, labels=APP)],
       [[("node1", ["p1.1", "p1.2"], 1)]], [3], pdbs=[pdb(1, ("p2",))]),
    dr("preemption with violation of the pdb with pod whose eviction was processed, the victim belongs to "
       "DisruptedPods", FIT, ["node1"], [sp("p", priority=HIGH, req=VERY_LARGE)],
       [sp("p1.1", "node1", MID, MEDIUM, labels=APP), sp("p1.2", "node1", MID, MEDIUM, labels=APP)],
       [[("node1", ["p1.1", "p1.2"], 0)]], [3], pdbs=[pdb(1, ("p1.2",))]),
    dr("preemption with violation of the pdb with pod whose eviction was processed, the victim which belongs to "
       "DisruptedPods is treated as 'nonViolating'", FIT, ["node1"], [sp("p", priority=HIGH, req=VERY_LARGE)],
       [sp("p1.1", "node1", MID, MEDIUM, labels=APP), sp("p1.2", "node1", MID, MEDIUM, labels=APP),
        sp("p1.3", "node1", MID, MEDIUM, labels=APP)],
       [[("node1", ["p1.1", "p1.2", "p1.3"], 1)]], [4], pdbs=[pdb(1, ("p1.3",))]),
    # cycle=0 => offset=4 => node5 (yes), node1 (yes)
    dr("all nodes are possible candidates, but DefaultPreemptionArgs limits to 2", FIT,
       [f"node{i}" for i in range(1, 6)], [sp("p", priority=HIGH, req=LARGE)],
       [sp(f"p{i}", f"node{i}", MID, LARGE) for i in range(1, 6)],
       [[("node1", ["p1"], 0), ("node5", ["p5"], 0)]], [4], args=(40, 1), offsets=[4]),
    # cycle=0 => offset=4 => node5 (no), node1 (yes), node2 (no), node3 (yes)
    dr("some nodes are not possible candidates, DefaultPreemptionArgs limits to 2", FIT,
       [f"node{i}" for i in range(1, 6)], [sp("p", priority=HIGH, req=LARGE)],
       [sp(f"p{i}", f"node{i}", VERY_HIGH if i in (2, 5) else MID, LARGE) for i in range(1, 6)],
       [[("node1", ["p1"], 0), ("node3", ["p3"], 0)]], [4], args=(40, 1), offsets=[4]),
    # cycle=0 => offset=4 => node5, node1; cycle=1 => offset=1 => node2, node3; cycle=2 => offset=3 => node4, node5
    dr("preemption offset across multiple scheduling cycles and wrap around", FIT,
       [f"node{i}" for i in range(1, 6)], [sp(f"tp{i}", priority=HIGH, req=LARGE) for i in range(1, 4)],
       [sp(f"p{i}", f"node{i}", MID, LARGE) for i in range(1, 6)],
       [[("node1", ["p1"], 0), ("node5", ["p5"], 0)], [("node2", ["p2"], 0), ("node3", ["p3"], 0)],
        [("node4", ["p4"], 0), ("node5", ["p5"], 0)]], [4, 4, 4], args=(40, 1), offsets=[4, 1, 3]),
    # cycle=0 => offset=4 => node5 (yes, pdb), node1 (yes, pdb), node2 (no, pdb: the violating list is full),
    # node3 (yes)
    dr("preemption looks past numCandidates until a non-PDB violating node is found", FIT,
       [f"node{i}" for i in range(1, 6)], [sp("p", priority=HIGH, req=LARGE)],
       [sp(f"p{i}", f"node{i}", MID, LARGE, labels=APP if i in (1, 2, 5) else None) for i in range(1, 6)],
       [[("node1", ["p1"], 1), ("node3", ["p3"], 0), ("node5", ["p5"], 1)]], [8], pdbs=[pdb(0)], args=(40, 2),
       offsets=[4]),
]


@pytest.mark.parametrize("c", DRY_RUN)
def test_dry_run_preemption(c: dict[str, Any]) -> None:
    fake = fp.fake_filter({n.split("/")[0]: c["rc"] for n in c["nodes"]} if c["rc"] is not None else {})
    h = snapshot_harness(c["points"], c["nodes"], c["init"], fake)
    pct, absolute = c["args"] or (10, 100)  # getDefaultDefaultPreemptionArgs
    ev = Evaluator(h.fw, "DefaultPreemption", pct, absolute)
    before = 0
    for cycle, incoming in enumerate(c["incoming"]):
        got = dry_run(h, ev, incoming, c["offsets"][cycle], c["pdbs"])
        assert sorted((x.node, sorted(v.name for v in x.victims), x.pdb_violations) for x in got) == \
            c["expected"][cycle], f"cycle {cycle}"
        assert fake.calls - before == c["calls"][cycle], f"cycle {cycle}: NumFilterCalled"
        before = fake.calls


SB = "TestSelectBestCandidate"


def sb(name: str, nodes: list[str], incoming: dict[str, Any], pods: list[dict[str, Any]], expected: set[str],
       **reason: str) -> Any:
    return case(SB, name, nodes=nodes, incoming=incoming, pods=pods, expected=expected, **reason)


N3 = ["node1", "node2", "node3"]
SELECT_BEST = [
    sb("a pod that fits on both nodes when lower priority pods are preempted", ["node1", "node2"],
       sp("p", priority=HIGH, req=LARGE), [sp("p1", "node1", MID, LARGE, 0), sp("p2", "node2", MID, LARGE, 0)],
       {"node1", "node2"}),
    sb("node with min highest priority pod is picked", N3, sp("p", priority=HIGH, req=VERY_LARGE),
       [sp("p1.1", "node1", MID, MEDIUM, 0), sp("p1.2", "node1", MID, LARGE, 0), sp("p2.1", "node2", MID, MEDIUM, 0),
        sp("p2.2", "node2", LOW, MEDIUM, 0), sp("p3.1", "node3", LOW, MEDIUM, 0), sp("p3.2", "node3", LOW, MEDIUM, 0)],
       {"node3"}),
    sb("when highest priorities are the same, minimum sum of priorities is picked", N3,
       sp("p", priority=HIGH, req=VERY_LARGE),
       [sp("p1.1", "node1", MID, MEDIUM, 0), sp("p1.2", "node1", MID, LARGE, 0), sp("p2.1", "node2", MID, LARGE, 0),
        sp("p2.2", "node2", LOW, MEDIUM, 0), sp("p3.1", "node3", MID, MEDIUM, 0), sp("p3.2", "node3", MID, MEDIUM, 0)],
       {"node2"}),
    sb("when highest priority and sum are the same, minimum number of pods is picked", N3,
       sp("p", priority=HIGH, req=VERY_LARGE),
       [sp("p1.1", "node1", MID, SMALL, 0), sp("p1.2", "node1", NEG, SMALL, 0), sp("p1.3", "node1", MID, SMALL, 0),
        sp("p1.4", "node1", NEG, SMALL, 0), sp("p2.1", "node2", MID, LARGE, 0), sp("p2.2", "node2", NEG, MEDIUM, 0),
        sp("p3.1", "node3", MID, MEDIUM, 0), sp("p3.2", "node3", NEG, SMALL, 0), sp("p3.3", "node3", LOW, SMALL, 0)],
       {"node2"}),
    # pickOneNodeForPreemption adjusts pod priorities when finding the sum of the victims. This
    # test ensures that the logic works correctly.
    sb("sum of adjusted priorities is considered", N3, sp("p", priority=HIGH, req=VERY_LARGE),
       [sp("p1.1", "node1", MID, SMALL, 0), sp("p1.2", "node1", NEG, SMALL, 0), sp("p1.3", "node1", NEG, SMALL, 0),
        sp("p2.1", "node2", MID, LARGE, 0), sp("p2.2", "node2", NEG, MEDIUM, 0), sp("p3.1", "node3", MID, MEDIUM, 0),
        sp("p3.2", "node3", NEG, SMALL, 0), sp("p3.3", "node3", LOW, SMALL, 0)],
       {"node2"}),
    sb("non-overlapping lowest high priority, sum priorities, and number of pods", [*N3, "node4"],
       sp("p", priority=VERY_HIGH, req=VERY_LARGE),
       [sp("p1.1", "node1", MID, SMALL, 0), sp("p1.2", "node1", LOW, SMALL, 0), sp("p1.3", "node1", LOW, SMALL, 0),
        sp("p2.1", "node2", HIGH, LARGE, 0), sp("p3.1", "node3", MID, MEDIUM, 0), sp("p3.2", "node3", LOW, SMALL, 0),
        sp("p3.3", "node3", LOW, SMALL, 0), sp("p3.4", "node3", LOW, MEDIUM, 0), sp("p4.1", "node4", MID, MEDIUM, 0),
        sp("p4.2", "node4", MID, SMALL, 0), sp("p4.3", "node4", MID, SMALL, 0), sp("p4.4", "node4", NEG, SMALL, 0)],
       {"node1"}),
    sb("same priority, same number of victims, different start time for each node's pod", N3,
       sp("p", priority=HIGH, req=VERY_LARGE),
       [sp("p1.1", "node1", MID, MEDIUM, 2), sp("p1.2", "node1", MID, MEDIUM, 2), sp("p2.1", "node2", MID, MEDIUM, 3),
        sp("p2.2", "node2", MID, MEDIUM, 3), sp("p3.1", "node3", MID, MEDIUM, 1), sp("p3.2", "node3", MID, MEDIUM, 1)],
       {"node2"}),
    sb("same priority, same number of victims, different start time for all pods", N3,
       sp("p", priority=HIGH, req=VERY_LARGE),
       [sp("p1.1", "node1", MID, MEDIUM, 4), sp("p1.2", "node1", MID, MEDIUM, 2), sp("p2.1", "node2", MID, MEDIUM, 5),
        sp("p2.2", "node2", MID, MEDIUM, 1), sp("p3.1", "node3", MID, MEDIUM, 3), sp("p3.2", "node3", MID, MEDIUM, 6)],
       {"node3"}),
    sb("different priority, same number of victims, different start time for all pods", N3,
       sp("p", priority=HIGH, req=VERY_LARGE),
       [sp("p1.1", "node1", LOW, MEDIUM, 4), sp("p1.2", "node1", MID, MEDIUM, 2), sp("p2.1", "node2", MID, MEDIUM, 6),
        sp("p2.2", "node2", LOW, MEDIUM, 1), sp("p3.1", "node3", LOW, MEDIUM, 3), sp("p3.2", "node3", MID, MEDIUM, 5)],
       {"node2"}),
]


@pytest.mark.parametrize("c", SELECT_BEST)
def test_select_best_candidate(c: dict[str, Any]) -> None:
    h = snapshot_harness(FIT, c["nodes"], c["pods"])
    ev = Evaluator(h.fw, "DefaultPreemption")
    best = ev.select_candidate(dry_run(h, ev, c["incoming"], 0))
    assert best is not None and best.node in c["expected"]


def label_is(key: str, value: str) -> Any:
    return lambda ni, victim, preemptor: victim.labels.get(key) == value if key in victim.labels else False


def node_is(name: str) -> Any:
    return lambda ni, victim, preemptor: ni.name == name


def preemptor_at_least(priority: int) -> Any:
    return lambda ni, victim, preemptor: preemptor.priority >= priority


def victim_at_most(priority: int) -> Any:
    return lambda ni, victim, preemptor: victim.priority <= priority


CS = "TestCustomSelection"
N4 = [*N3, "node4"]


def labelled(name: str, node: str, priority: int, value: str | None) -> dict[str, Any]:
    return sp(name, node, priority, LARGE, 0, labels={"preemptible": value} if value else None)


BY_LABEL = [labelled("v1", "node1", MID, "no"), labelled("v2", "node2", MID, "yes"),
            labelled("v3", "node3", LOW, "yes"), labelled("v4", "node4", LOW, None)]
ON_NODE1 = [sp("v2", "node1", MID, SMALL, 0), sp("v3", "node1", LOW, SMALL, 0), sp("v4", "node2", MID, LARGE, 0),
            sp("v5", "node3", LOW, LARGE, 0)]
ONE_EACH = [sp("v1", "node1", HIGH, LARGE, 0), sp("v2", "node2", MID, LARGE, 0), sp("v3", "node3", LOW, LARGE, 0)]
CUSTOM_SELECTION = [
    case(CS, "filter for matching pod label: high priority", eligible=label_is("preemptible", "yes"), nodes=N4,
         incoming=sp("p1", priority=HIGH, req=LARGE), pods=BY_LABEL, expected={"node2": ["v2"], "node3": ["v3"]}),
    case(CS, "filter for matching pod label: mid priority", eligible=label_is("preemptible", "yes"), nodes=N4,
         incoming=sp("p2", priority=MID, req=LARGE), pods=BY_LABEL, expected={"node3": ["v3"]}),
    case(CS, "filter for matching pod label: low priority", eligible=label_is("preemptible", "yes"), nodes=N4,
         incoming=sp("p3", priority=LOW, req=LARGE), pods=BY_LABEL, expected={}),
    case(CS, "filter for matching victim node: high priority", eligible=node_is("node1"), nodes=N3,
         incoming=sp("p3", priority=HIGH, req=LARGE), pods=[sp("v1", "node1", HIGH, MEDIUM, 0), *ON_NODE1],
         expected={"node1": ["v2", "v3"]}),
    case(CS, "filter for matching victim node: mid priority", eligible=node_is("node1"), nodes=N3,
         incoming=sp("p3", priority=MID, req=LARGE), pods=[sp("v1", "node1", HIGH, SMALL, 0), *ON_NODE1],
         expected={"node1": ["v3"]}),
    case(CS, "filter for matching victim node: low priority", eligible=node_is("node1"), nodes=N3,
         incoming=sp("p3", priority=LOW, req=LARGE), pods=[sp("v1", "node1", HIGH, SMALL, 0), *ON_NODE1],
         expected={}),
    # highPriority can preempt anything, but not other highPriority
    case(CS, "only pods at or above specified priority can preempted: high priority",
         eligible=preemptor_at_least(HIGH), nodes=N3, incoming=sp("p1", priority=HIGH, req=LARGE), pods=ONE_EACH,
         expected={"node2": ["v2"], "node3": ["v3"]}),
    # midPriority can't preempt anything
    case(CS, "only pods at or above specified priority can preempted: mid priority",
         eligible=preemptor_at_least(HIGH), nodes=N3, incoming=sp("p2", priority=MID, req=LARGE), pods=ONE_EACH,
         expected={}),
    # the lowPriority pod can be preempted but not the midPriority pod
    case(CS, "only pods at or below specified priority can be preempted: high priority",
         eligible=victim_at_most(MID), nodes=N3, incoming=sp("p1", priority=HIGH, req=LARGE), pods=ONE_EACH,
         expected={"node2": ["v2"], "node3": ["v3"]}),
]


@pytest.mark.parametrize("c", CUSTOM_SELECTION)
def test_custom_selection(c: dict[str, Any]) -> None:
    h = snapshot_harness(FIT, c["nodes"], c["pods"])
    ev = Evaluator(h.fw, "DefaultPreemption")
    ev.is_eligible_pod = c["eligible"]  # pl.IsEligiblePod = tt.eligiblePods
    candidates = dry_run(h, ev, c["incoming"], 0)
    assert len(candidates) == len(c["expected"])
    while candidates:
        selected = ev.select_candidate(candidates)
        assert selected is not None and selected.node in c["expected"]
        assert [v.name for v in selected.victims] == c["expected"][selected.node]
        candidates = [x for x in candidates if x.node != selected.node]


CO = "TestCustomOrdering"
CUSTOM_ORDERING = [
    # the newest two pods are selected, despite one with higher priority
    case(CO, "select newest pods", order=lambda a, b: a.start_ms < b.start_ms, incoming=sp("p2", priority=HIGH,
                                                                                          req=LARGE),
         pods=[sp("v1", "node1", LOW, MEDIUM, 2), sp("v2", "node1", LOW, MEDIUM, 0), sp("v3", "node1", MID, MEDIUM, 1)],
         expected=["v3", "v1"]),
    # the last pods in alphabetic order are selected, despite one with higher priority
    case(CO, "select alphabetically-last pods", order=lambda a, b: a.name < b.name,
         incoming=sp("p2", priority=HIGH, req=LARGE),
         pods=[{**sp("foo", "node1", LOW, MEDIUM, 0)}, sp("bar", "node1", LOW, MEDIUM, 0),
               sp("baz", "node1", MID, MEDIUM, 0)],
         expected=["baz", "foo"]),
]


@pytest.mark.parametrize("c", CUSTOM_ORDERING)
def test_custom_ordering(c: dict[str, Any]) -> None:
    h = snapshot_harness(FIT, ["node1"], c["pods"])
    ev = Evaluator(h.fw, "DefaultPreemption")
    ev.more_important_pod = c["order"]  # pl.MoreImportantPod = tt.orderPods
    candidates = dry_run(h, ev, c["incoming"], 0)
    assert len(candidates) == 1
    assert [v.name for v in candidates[0].victims] == c["expected"]


PE = "TestPodEligibleToPreemptOthers"
TAINT_NOT_MATCH = "node(s) had untolerated taint(s)"  # tainttoleration.ErrReasonNotMatch


def terminating(p_: dict[str, Any], preempted: bool = False) -> dict[str, Any]:
    p_["metadata"]["deletionTimestamp"] = "2020-01-01T00:00:00Z"
    if preempted:
        p_["status"]["conditions"] = [{"type": "DisruptionTarget", "status": "True",
                                       "reason": "PreemptionByScheduler"}]
    return p_


ELIGIBLE = [
    case(PE, "Pod with nominated node", incoming=fp.pod("p_with_nominated_node", uid="p", priority=HIGH,
                                                       nominated="node1"),
         pods=[terminating(sp("p1", "node1", LOW))], nodes=["node1"], status=Status(UU, TAINT_NOT_MATCH),
         expected=True),
    case(PE, "Pod without nominated node", incoming=fp.pod("p_without_nominated_node", uid="p", priority=HIGH),
         pods=[], nodes=[], status=None, expected=True),
    case(PE, "Pod with 'PreemptNever' preemption policy",
         incoming=fp.pod("p_with_preempt_never_policy", uid="p", priority=HIGH, preemptionPolicy="Never"),
         pods=[], nodes=[], status=None, expected=False),
    case(PE, "preemption victim pod terminating, as indicated by the dedicated DisruptionTarget condition",
         incoming=fp.pod("p_with_nominated_node", uid="p", priority=HIGH, nominated="node1"),
         pods=[terminating(sp("p1", "node1", LOW), preempted=True)], nodes=["node1"], status=None, expected=False),
    case(PE, "non-victim Pods terminating", incoming=fp.pod("p_with_nominated_node", uid="p", priority=HIGH,
                                                           nominated="node1"),
         pods=[terminating(sp("p1", "node1", LOW))], nodes=["node1"], status=None, expected=True),
]


@pytest.mark.parametrize("c", ELIGIBLE)
def test_pod_eligible_to_preempt_others(c: dict[str, Any]) -> None:
    h = fp.Harness({}, [fp.node(n) for n in c["nodes"]], c["pods"])
    ev = Evaluator(h.fw, "DefaultPreemption")
    ok, _ = ev.eligible(PodInfo(c["incoming"]), c["status"])
    assert ok == c["expected"]


# -- TestPreempt: Preempt through a real cluster ----------------------------------------------------------------
PR = "TestPreempt"


def cluster_node(spec: str) -> NodeSpec:
    """st.MakeNode().Name(name).Capacity(veryLargeRes), labelled from "name/zone/region" (and MakeNode's 32 pods)."""
    parts = spec.split("/")
    return NodeSpec(parts[0], cpu="500m", memory="500", pods=32, ephemeral_storage="0",
                    labels=dict(zip(LABEL_KEYS, parts, strict=False)))


def preempt_config(plugin: str) -> str:
    """TestPreempt registers the case's plugin, and no test-plugin."""
    base = CONFIG.split("    preFilter:")[0]
    return base.replace("{name: NodeResourcesFit}", "{name: " + plugin + "}")


def pp(name: str, node: str, priority: int, requests: dict[str, str] | None = None, foo: bool = False
       ) -> dict[str, Any]:
    return p(name, node, priority, requests, labels={"foo": ""} if foo else None)


def preemptor(policy: str | None = "PreemptLowerPriority", **kw: Any) -> dict[str, Any]:
    out = p("p", priority=HIGH, requests=VERY_LARGE, **kw)
    if policy:
        out["spec"]["preemptionPolicy"] = policy
    return out


BASIC = [pp("p1.1", "node1", LOW, SMALL), pp("p1.2", "node1", LOW, SMALL), pp("p2.1", "node2", HIGH, LARGE),
         pp("p3.1", "node3", MID, MEDIUM)]
EXTENDER_PODS = [pp("p1.1", "node1", MID, SMALL), pp("p1.2", "node1", LOW, SMALL), pp("p2.1", "node2", MID, LARGE)]
SPREAD_PREEMPTOR = p("p", priority=HIGH, labels={"foo": ""})
SPREAD_PREEMPTOR["spec"]["topologySpreadConstraints"] = SPREAD_2
PREEMPT = [
    case(PR, "basic preemption logic", pod=preemptor(), pods=BASIC, nodes=["node1", "node2", "node3"],
         plugin="NodeResourcesFit", want="node1", victims=["p1.1", "p1.2"]),
    case(PR, "preemption for topology spread constraints", pod=SPREAD_PREEMPTOR,
         pods=[pp("p-a1", "node-a", HIGH, foo=True), pp("p-a2", "node-a", HIGH, foo=True),
               pp("p-b1", "node-b", LOW, foo=True), pp("p-x1", "node-x", HIGH, foo=True),
               pp("p-x2", "node-x", HIGH, foo=True)],
         nodes=["node-a/zone1", "node-b/zone1", "node-x/zone2"], plugin="PodTopologySpread", want="node-b",
         victims=["p-b1"]),
    case(PR, "Scheduler extenders allow only node1, otherwise node3 would have been chosen", pod=preemptor(),
         pods=[*EXTENDER_PODS[:2], pp("p2.1", "node3", MID, LARGE)], nodes=["node1", "node2", "node3"],
         plugin="NodeResourcesFit", want="node1", victims=["p1.1", "p1.2"], unmodelled=EXTENDERS),
    case(PR, "Scheduler extenders do not allow any preemption", pod=preemptor(), pods=EXTENDER_PODS,
         nodes=["node1", "node2", "node3"], plugin="NodeResourcesFit", want=None, victims=[], unmodelled=EXTENDERS),
    case(PR, "One scheduler extender allows only node1, the other returns error but ignorable. Only node1 would be "
             "chosen", pod=preemptor(), pods=EXTENDER_PODS, nodes=["node1", "node2", "node3"],
         plugin="NodeResourcesFit", want="node1", victims=["p1.1", "p1.2"], unmodelled=EXTENDERS),
    # sum of priorities of all victims on node1 is larger than node2, node2 is chosen. (Neither extender has a say:
    # the first is not interested in the pod and the second passes every node, so kspec, without extenders, agrees.)
    case(PR, "One scheduler extender allows only node1, but it is not interested in given pod, otherwise node1 would "
             "have been chosen", pod=preemptor(), pods=EXTENDER_PODS, nodes=["node1", "node2"],
         plugin="NodeResourcesFit", want="node2", victims=["p2.1"]),
    case(PR, "no preempting in pod", pod=preemptor("Never"), pods=BASIC, nodes=["node1", "node2", "node3"],
         plugin="NodeResourcesFit", want=None, victims=[]),
    case(PR, "PreemptionPolicy is nil", pod=preemptor(None), pods=BASIC, nodes=["node1", "node2", "node3"],
         plugin="NodeResourcesFit", want="node1", victims=["p1.1", "p1.2"]),
]


def _preempted(cluster: Cluster) -> set[str]:
    """The pods the preemption deleted (gone, or terminating) and marked with its DisruptionTarget condition."""
    out = set()
    for x in cluster.api.store.list("pods"):
        if x["metadata"].get("deletionTimestamp"):
            conds = {c["type"]: c for c in (x.get("status") or {}).get("conditions") or []}
            target = conds.get("DisruptionTarget") or {}
            assert (target.get("status"), target.get("reason"), target.get("message")) == (
                "True", "PreemptionByScheduler", "default-scheduler: preempting to accommodate a higher priority pod")
            out.add(x["metadata"]["name"])
    return out


@pytest.mark.parametrize("c", PREEMPT)
def test_preempt(c: dict[str, Any]) -> None:
    cluster = Cluster()
    configure(cluster, preempt_config(c["plugin"]))
    for spec in c["nodes"]:
        cluster.add_node(cluster_node(spec))
    for value, name in CLASSES.items():
        cluster.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                        "value": value})
    for obj in [*c["pods"], c["pod"]]:
        cluster.create(obj)
    cluster.settle()
    fw = cluster.components["scheduler"].frameworks["default-scheduler"]
    ev = fw.plugin("DefaultPreemption").evaluator
    pi = PodInfo(cluster.api.store.get("pods", "default", "p"))
    state = CycleState()
    fw.run_pre_filter(state, pi)
    statuses = {ni.name: Status(U) for ni in fw.cache.node_list()}
    result, status = ev.preempt(state, pi, Diagnosis(node_statuses=statuses))
    assert status.success or status.rejected
    assert (result.nominated_node if result is not None and result.nominated_node else None) == c["want"]
    assert _preempted(cluster) == set(c["victims"])
    # call preempt again (nominated where the first call said) and make sure it doesn't preempt any more pods
    if result is not None and result.nominated_node:
        def nominate(obj: dict[str, Any]) -> None:
            obj.setdefault("status", {})["nominatedNodeName"] = result.nominated_node
        cluster.api.patch("pods", "p", "default", nominate, status=True)
    pi = PodInfo(cluster.api.store.get("pods", "default", "p"))
    result, status = ev.preempt(state, pi, Diagnosis())
    assert status.success or status.rejected
    assert _preempted(cluster) == set(c["victims"])
