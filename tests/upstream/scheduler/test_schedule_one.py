"""Whole scheduling cycles and their FailedScheduling messages: upstream's schedule_one_test.go cases.

Upstream's cases register fake plugins (tf.RegisterFilterPlugin("FalseFilter", ...)) and call
``sched.SchedulePod`` / ``findNodesThatFitPod`` on a snapshot; here the same fakes, written against kspec's
plugin interface (tests/upstream/scheduler/fakeplugins.py), run in a kspec scheduler over the same nodes and
pods, and ``Scheduler.schedule_pod`` / ``find_nodes_that_fit`` are called the same way. A FitError is compared
as upstream compares it: each node's status (code, reasons, plugin; a node without one has the absent status),
the unschedulable plugins, the PreFilter message, and here also its text, the FailedScheduling message.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.cluster import Cluster, NodeSpec
from kspec.errors import PluginError
from kspec.scheduler.explain import Attempt
from kspec.scheduler.framework import Code, CycleState, Diagnosis, Status, fit_error_message
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.profile.config import configure
from kspec.scheduler.scheduler import num_feasible_nodes_to_find
from tests.upstream.cases import case
from tests.upstream.scheduler import fakeplugins as fp
from tests.upstream.scheduler.fakeplugins import Harness, node, pod

SOURCE = "kubernetes/kubernetes pkg/scheduler/schedule_one_test.go"
U, UU, ERR, SKIP = Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE, Code.ERROR, Code.SKIP
FAKE = fp.ERR_REASON_FAKE
HOST = "kubernetes.io/hostname"
VOLUMES = "VolumeBinding is not modelled (kspec simulates no PersistentVolumes or claims)"
EXTENDERS = "scheduler extenders are not modelled"

def hosts(*names: str) -> list[dict[str, Any]]:
    """Nodes with only a name and the kubernetes.io/hostname label (as TestSchedulerSchedulePod's)."""
    return [node(n, {HOST: n}) for n in names]


def fit_error(num: int, message: str, statuses: dict[str, tuple[Any, ...]] | None = None,
              absent: tuple[Any, ...] = (UU,), plugins: set[str] | None = None, pre_msg: str = "") -> dict[str, Any]:
    """framework.FitError: per-node statuses (code, reason, plugin), the absent status, UnschedulablePlugins,
    PreFilterMsg, and ``message``: FitError.Error(), the FailedScheduling message."""
    return {"num": num, "statuses": statuses or {}, "absent": absent, "plugins": plugins or set(),
            "pre_msg": pre_msg, "message": message}


def ssp(name: str, points: dict[str, list[Any]], nodes: list[dict[str, Any]], p: dict[str, Any],
        pods: list[dict[str, Any]] | None = None, want: set[str] | None = None, err: Any = None,
        evaluated: int | None = None, **reason: str) -> Any:
    return case("TestSchedulerSchedulePod", name, points=points, nodes=nodes, pod=p, pods=pods or [], want=want,
                err=err, evaluated=evaluated, **reason)


SPREAD = {"preFilter": ["PodTopologySpread"], "filter": ["PodTopologySpread"]}


def spread_pod(max_skew: int) -> dict[str, Any]:
    return pod("p", labels={"foo": ""}, topologySpreadConstraints=[{
        "maxSkew": max_skew, "topologyKey": HOST, "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}}])


def running(name: str, node_name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    p = pod(name, node_name=node_name, labels=labels)
    p["status"]["phase"] = "Running"
    return p


N123 = hosts("3", "2", "1")
FF3 = fp.fake_filter({"3": U})
PF = fp.fake_pre_filter
CASES = [
    ssp("test 1", {"filter": [fp.FalseFilter]}, hosts("node1", "node2"), pod("2"),
        err=fit_error(2, f"0/2 nodes are available: 2 {FAKE}.", {
            "node1": (U, FAKE, "FalseFilter"), "node2": (U, FAKE, "FalseFilter")}, plugins={"FalseFilter"})),
    ssp("test 2", {"filter": [fp.TrueFilter], "score": [(fp.EqualPrioritizer, 1)]}, hosts("node1", "node2"),
        pod("ignore"), want={"node1", "node2"}),
    # Fits on a node where the pod ID matches the node name
    ssp("test 3", {"filter": [fp.MatchFilter]}, hosts("node1", "node2"), pod("node2"), want={"node2"}),
    ssp("test 4", {"filter": [fp.TrueFilter], "score": [(fp.NumericMap, 1)]}, N123, pod("ignore"), want={"3"}),
    ssp("test 5", {"filter": [fp.MatchFilter], "score": [(fp.NumericMap, 1)]}, N123, pod("2"), want={"2"}),
    ssp("test 6", {"filter": [fp.TrueFilter], "score": [(fp.NumericMap, 1), (fp.ReverseNumericMap, 2)]}, N123,
        pod("2"), want={"1"}),
    ssp("test 7", {"filter": [fp.TrueFilter, fp.FalseFilter], "score": [(fp.NumericMap, 1)]}, N123, pod("2"),
        err=fit_error(3, f"0/3 nodes are available: 3 {FAKE}.", {
            n: (U, FAKE, "FalseFilter") for n in ("3", "2", "1")}, plugins={"FalseFilter"})),
    ssp("test 8", {"filter": [fp.NoPodsFilter, fp.MatchFilter], "score": [(fp.NumericMap, 1)]}, hosts("1", "2"),
        pod("2"), pods=[running("2", "2")],
        err=fit_error(2, f"0/2 nodes are available: 2 {FAKE}.", {
            "1": (U, FAKE, "MatchFilter"), "2": (U, FAKE, "NoPodsFilter")}, plugins={"MatchFilter", "NoPodsFilter"})),
    ssp("existing PVC", {}, [], pod("ignore"), unmodelled=VOLUMES),
    ssp("unknown PVC", {}, [], pod("ignore"), unmodelled=VOLUMES),
    ssp("deleted PVC", {}, [], pod("ignore"), unmodelled=VOLUMES),
    ssp("test error with priority map", {"filter": [fp.TrueFilter], "score": [(fp.FalseMap, 1), (fp.TrueMap, 2)]},
        hosts("2", "1"), pod("2"),
        err='running Score plugins: plugin "FalseMap" failed with: priority map encounters an error'),
    ssp("test podtopologyspread plugin - 2 nodes with maxskew=1", SPREAD, hosts("node1", "node2"), spread_pod(1),
        pods=[running("pod1", "node1", {"foo": ""})], want={"node2"}),
    ssp("test podtopologyspread plugin - 3 nodes with maxskew=2", {**SPREAD, "score": [(fp.EqualPrioritizer, 1)]},
        hosts("node1", "node2", "node3"), spread_pod(2),
        pods=[running("pod1a", "node1", {"foo": ""}), running("pod1b", "node1", {"foo": ""}),
              running("pod2", "node2", {"foo": ""})], want={"node2", "node3"}),
    ssp("test with filter plugin returning Unschedulable status", {"filter": [FF3], "score": [(fp.NumericMap, 1)]},
        hosts("3"), pod("test-filter"),
        err=fit_error(1, "0/1 nodes are available: 1 injecting failure for pod test-filter.", {
            "3": (U, "injecting failure for pod test-filter", "FakeFilter")}, plugins={"FakeFilter"})),
    ssp("test with extender which filters out some Nodes", {}, [], pod("test-filter"), unmodelled=EXTENDERS),
    ssp("test with filter plugin returning UnschedulableAndUnresolvable status",
        {"filter": [fp.fake_filter({"3": UU})], "score": [(fp.NumericMap, 1)]}, hosts("3"), pod("test-filter"),
        err=fit_error(1, "0/1 nodes are available: 1 injecting failure for pod test-filter.", {
            "3": (UU, "injecting failure for pod test-filter", "FakeFilter")}, plugins={"FakeFilter"})),
    ssp("test with partial failed filter plugin", {"filter": [fp.fake_filter({"1": U})],
                                                   "score": [(fp.NumericMap, 1)]},
        hosts("1", "2"), pod("test-filter")),
    ssp("test prefilter plugin returning Unschedulable status",
        {"preFilter": [PF("FakePreFilter", None, Status(UU, "injected unschedulable status"))]},
        hosts("1", "2"), pod("test-prefilter"),
        err=fit_error(2, "0/2 nodes are available: injected unschedulable status.", {},
                      (UU, "injected unschedulable status", "FakePreFilter"), {"FakePreFilter"},
                      "injected unschedulable status")),
    ssp("test prefilter plugin returning error status",
        {"preFilter": [PF("FakePreFilter", None, Status(ERR, "injected error status"))]},
        hosts("1", "2"), pod("test-prefilter"), err='running PreFilter plugin "FakePreFilter": injected error status'),
    # since this case has no score plugin, we'll only try to find one node in Filter stage
    ssp("test prefilter plugin returning node",
        {"preFilter": [PF("FakePreFilter1"), PF("FakePreFilter2", {"node2"}),
                       PF("FakePreFilter3", {"node1", "node2"})]},
        hosts("node1", "node2", "node3"), pod("test-prefilter"), want={"node2"}, evaluated=1),
    ssp("test prefilter plugin returning non-intersecting nodes",
        {"preFilter": [PF("FakePreFilter1"), PF("FakePreFilter2", {"node2"}), PF("FakePreFilter3", {"node1"})]},
        hosts("node1", "node2", "node3"), pod("test-prefilter"),
        err=fit_error(3, "0/3 nodes are available: node(s) didn't satisfy plugin(s) [FakePreFilter2 FakePreFilter3] "
                         "simultaneously.", {},
                      (UU, "node(s) didn't satisfy plugin(s) [FakePreFilter2 FakePreFilter3] simultaneously"),
                      {"FakePreFilter2", "FakePreFilter3"},
                      "node(s) didn't satisfy plugin(s) [FakePreFilter2 FakePreFilter3] simultaneously")),
    ssp("test prefilter plugin returning empty node set",
        {"preFilter": [PF("FakePreFilter1"), PF("FakePreFilter2", set())]}, hosts("node1"), pod("test-prefilter"),
        err=fit_error(1, "0/1 nodes are available: node(s) didn't satisfy plugin FakePreFilter2.", {},
                      (UU, "node(s) didn't satisfy plugin FakePreFilter2"), {"FakePreFilter2"},
                      "node(s) didn't satisfy plugin FakePreFilter2")),
    ssp("test some nodes are filtered out by prefilter plugin and other are filtered out by filter plugin",
        {"preFilter": [PF("FakePreFilter", {"node2"})], "filter": [fp.fake_filter({"node2": U})]},
        hosts("node1", "node2"), pod("test-prefilter"),
        err=fit_error(2, "0/2 nodes are available: 1 injecting failure for pod test-prefilter, 1 node(s) didn't "
                         "satisfy plugin(s) [FakePreFilter].",
                      {"node2": (U, "injecting failure for pod test-prefilter", "FakeFilter")},
                      (UU, "node(s) didn't satisfy plugin(s) [FakePreFilter]"), {"FakePreFilter", "FakeFilter"})),
    ssp("test prefilter plugin returning skip",
        {"preFilter": [PF("FakePreFilter1"), "FakeFilter2"],
         "filter": [fp.fake_filter({"node1": U}, "FakeFilter1"),
                    fp.fake_pre_filter_and_filter("FakeFilter2", Status(SKIP),
                                                  {"node1": ERR, "node2": ERR, "node3": ERR})],
         "score": [(fp.EqualPrioritizer, 1)]},
        hosts("node1", "node2", "node3"), pod("test-prefilter"), want={"node2", "node3"}, evaluated=3),
    ssp("test all prescore plugins return skip",
        {"filter": [fp.TrueFilter], "preScore": ["FakePreScoreAndScorePlugin"],
         "score": [(fp.named(fp.FakePreScoreAndScore, "FakePreScoreAndScorePlugin",
                             PRE_SCORE=Status(SKIP, "fake skip")), 1)]},
        hosts("node1", "node2"), pod("ignore"), want={"node1", "node2"}),
    ssp("test without score plugin no extra nodes are evaluated", {"filter": [fp.TrueFilter]},
        hosts("node1", "node2", "node3"), pod("pod1"), want={"node1", "node2", "node3"}, evaluated=1),
    # since this case has no score plugin, we'll only try to find one node in Filter stage
    ssp("test no score plugin, prefilter plugin returning 2 nodes",
        {"preFilter": [PF("FakePreFilter", {"node1", "node2"})]},
        hosts("node1", "node2", "node3"), pod("test-prefilter"), want={"node1", "node2"}, evaluated=1),
    ssp("test prefilter plugin returned an invalid node",
        {"preFilter": [PF("FakePreFilter", {"invalid-node"})], "filter": [fp.TrueFilter]}, hosts("1", "2"),
        pod("test-prefilter"),
        err=fit_error(2, "0/2 nodes are available: 2 node(s) didn't satisfy plugin(s) [FakePreFilter].", {},
                      (UU, "node(s) didn't satisfy plugin(s) [FakePreFilter]"), {"FakePreFilter"})),
    ssp("hostname and nodename of the node do not match", {}, [], pod("pod1"), unmodelled=VOLUMES),
]


def _effective(diagnosis: Diagnosis, names: list[str]) -> dict[str, tuple[Any, ...]]:
    """Each node's status as NodeToStatus.Get answers it (the absent status for a node without one)."""
    out = {}
    for n in names:
        st = diagnosis.node_statuses.get(n) or diagnosis.absent_status or Status(UU)
        out[n] = (st.code, *st.reasons, *([st.plugin] if st.plugin else []))
    return out


def _expected(want: dict[str, Any], names: list[str]) -> dict[str, tuple[Any, ...]]:
    return {n: tuple(want["statuses"].get(n, want["absent"])) for n in names}


def schedule(h: Harness, p: dict[str, Any]) -> tuple[str | None, Diagnosis | None, Attempt]:
    attempt = Attempt(f"default/{p['metadata']['name']}", 0, "default-scheduler", len(h.cache.nodes))
    node_name, diagnosis = h.sched.schedule_pod(h.fw, CycleState(), PodInfo(p), attempt)
    return node_name, diagnosis, attempt


@pytest.mark.parametrize("c", CASES)
def test_scheduler_schedule_pod(c: dict[str, Any]) -> None:
    h = Harness(c["points"], c["nodes"], c["pods"])
    names = [n["metadata"]["name"] for n in c["nodes"]]
    if isinstance(c["err"], str):
        with pytest.raises(PluginError) as info:
            schedule(h, c["pod"])
        assert str(info.value) == c["err"]
        return
    host, diagnosis, attempt = schedule(h, c["pod"])
    if c["err"] is not None:
        want = c["err"]
        assert host is None and diagnosis is not None
        assert _effective(diagnosis, names) == _expected(want, names)
        assert diagnosis.unschedulable_plugins == want["plugins"]
        assert diagnosis.pre_filter_msg == want["pre_msg"]
        assert fit_error_message(want["num"], diagnosis) == want["message"]
        return
    assert host is not None
    if c["want"] is not None:
        assert host in c["want"]
    evaluated = len(attempt.feasible) + len(attempt.statuses)
    assert evaluated == (c["evaluated"] if c["evaluated"] is not None else len(names))


# -- findNodesThatFitPod ------------------------------------------------------------------------------------
FIT = {"filter": [fp.TrueFilter, fp.MatchFilter]}


def find_fit(h: Harness, p: dict[str, Any]) -> tuple[list[str], Diagnosis]:
    attempt = Attempt("default/p", 0, "default-scheduler", len(h.cache.nodes))
    feasible, diagnosis = h.sched.find_nodes_that_fit(h.fw, CycleState(), PodInfo(p), h.cache.node_list(), attempt)
    return [ni.name for ni in feasible], diagnosis


@pytest.mark.parametrize("c", [case("TestFindFitAllError", "")])
def test_find_fit_all_error(c: dict[str, Any]) -> None:
    h = Harness(FIT, [node(n) for n in ("3", "2", "1")])
    _, diagnosis = find_fit(h, pod("p"))  # &v1.Pod{}: a name no node has
    assert _effective(diagnosis, ["1", "2", "3"]) == {n: (U, FAKE, "MatchFilter") for n in ("1", "2", "3")}
    assert diagnosis.unschedulable_plugins == {"MatchFilter"}


@pytest.mark.parametrize("c", [case("TestFindFitSomeError", n, node=n) for n in ("3", "2")])
def test_find_fit_some_error(c: dict[str, Any]) -> None:
    h = Harness(FIT, [node(n) for n in ("3", "2", "1")])
    _, diagnosis = find_fit(h, pod("1"))
    assert len(diagnosis.node_statuses) == 2
    assert diagnosis.unschedulable_plugins == {"MatchFilter"}
    assert diagnosis.node_statuses[c["node"]].reasons == [FAKE]


@pytest.mark.parametrize("c", [
    case("TestFindFitPredicateCallCounts", "nominated pods have lower priority, predicate is called once",
         priority=1000, count=1),
    case("TestFindFitPredicateCallCounts", "nominated pods have higher priority, predicate is called twice",
         priority=0, count=2),
])
def test_find_fit_predicate_call_counts(c: dict[str, Any]) -> None:
    fake = fp.fake_filter()
    h = Harness({"filter": [fake]}, [node("1")])
    h.sched.queue.nominate(PodInfo(pod("nominated", priority=100)), "1")
    find_fit(h, pod("1", priority=c["priority"]))
    assert fake.calls == c["count"]


@pytest.mark.parametrize("c", [
    case("TestPreferNominatedNodeFilterCallCounts", "pod has the nominated node set, filter is called only once",
         nominated="node1", codes={}, count=1),
    case("TestPreferNominatedNodeFilterCallCounts", "pod without the nominated pod, filter is called for each node",
         nominated="", codes={}, count=3),
    case("TestPreferNominatedNodeFilterCallCounts",
         "nominated pod cannot pass the filter, filter is called for each node",
         nominated="node1", codes={"node1": U}, count=4),
])
def test_prefer_nominated_node_filter_call_counts(c: dict[str, Any]) -> None:
    fake = fp.fake_filter(c["codes"])
    h = Harness({"filter": [fake], "score": [(fp.EqualPrioritizer, 1)]}, [node(n) for n in ("node1", "node2", "node3")])
    find_fit(h, pod("p", priority=1000, nominated=c["nominated"]))
    assert fake.calls == c["count"]


# -- numFeasibleNodesToFind and the fair start index -----------------------------------------------------------
def nf(name: str, nodes: int, want: int, global_pct: int | None = None, profile_pct: int | None = None) -> Any:
    return case("TestNumFeasibleNodesToFind", name, nodes=nodes, want=want, g=global_pct, p=profile_pct)


@pytest.mark.parametrize("c", [
    nf("not set percentageOfNodesToScore and nodes number not more than 50", 10, 10),
    nf("set profile percentageOfNodesToScore and nodes number not more than 50", 10, 10, profile_pct=40),
    nf("not set percentageOfNodesToScore and nodes number more than 50", 1000, 420),
    nf("set profile percentageOfNodesToScore and nodes number more than 50", 1000, 400, profile_pct=40),
    nf("set global and profile percentageOfNodesToScore and nodes number more than 50", 1000, 400,
       global_pct=100, profile_pct=40),
    nf("set global percentageOfNodesToScore and nodes number more than 50", 1000, 400, global_pct=40),
    nf("not set profile percentageOfNodesToScore and nodes number more than 50*125", 6000, 300),
    nf("set profile percentageOfNodesToScore and nodes number more than 50*125", 6000, 2400, profile_pct=40),
])
def test_num_feasible_nodes_to_find(c: dict[str, Any]) -> None:
    cluster = Cluster()
    lines = ["apiVersion: kubescheduler.config.k8s.io/v1", "kind: KubeSchedulerConfiguration"]
    if c["g"] is not None:
        lines.append(f"percentageOfNodesToScore: {c['g']}")
    lines.append("profiles:\n- schedulerName: default-scheduler")
    if c["p"] is not None:
        lines.append(f"  percentageOfNodesToScore: {c['p']}")
    configure(cluster, "\n".join(lines) + "\n")
    cluster.start()
    fw = cluster.components["scheduler"].frameworks["default-scheduler"]
    assert num_feasible_nodes_to_find(fw.percentage, c["nodes"]) == c["want"]


@pytest.mark.parametrize("c", [case("TestFairEvaluationForNodes", "")])
def test_fair_evaluation_for_nodes(c: dict[str, Any]) -> None:
    n = 500
    # percentageOfNodesToScore 30, to make numAllNodes % nodesToFind != 0
    h = Harness({"filter": [fp.TrueFilter], "score": [(fp.EqualPrioritizer, 1)]}, [node(str(i)) for i in range(n)],
                percentage=30)
    to_find = num_feasible_nodes_to_find(h.fw.percentage, n)
    for i in range(2 * (n // to_find + 1)):  # iterating over all nodes more than twice
        feasible, _ = find_fit(h, pod("p"))
        assert len(feasible) == to_find
        assert h.sched.next_start_node_index == (i + 1) * to_find % n


# -- prioritizeNodes -----------------------------------------------------------------------------------------
MB = 1024 * 1024
IMAGES1 = [(["gcr.io/40:latest", "gcr.io/40:v1"], 80 * MB), (["gcr.io/300:latest", "gcr.io/300:v1"], 300 * MB)]
IMAGES2 = [(["gcr.io/300:latest"], 300 * MB), (["gcr.io/40:latest", "gcr.io/40:v1"], 80 * MB)]
IMAGES3 = [(["gcr.io/600:latest"], 600 * MB), (["gcr.io/40:latest"], 80 * MB), (["gcr.io/900:latest"], 900 * MB)]
DEFAULT_MEMORY_REQUEST = 200 * MB  # schedutil.DefaultMemoryRequest


def make_node(name: str, images: list[tuple[list[str], int]] | None = None) -> dict[str, Any]:
    """makeNode(name, 1000m, DefaultMemoryRequest*10, images...) with 100 pods."""
    return node(name, alloc={"cpu": "1000m", "memory": str(DEFAULT_MEMORY_REQUEST * 10), "pods": "100"},
                images=images)


BA = "NodeResourcesBalancedAllocation"
SKIPPING = fp.named(fp.FakePreScoreAndScore, "FakePreScoreAndScorePlugin", PRE_SCORE=Status(SKIP, "fake skip"))


def image_pod(image: str) -> dict[str, Any]:
    p = pod("p")
    p["spec"]["containers"] = [{"name": "c", "image": image}]
    return p


def pn(name: str, points: dict[str, list[Any]], p: dict[str, Any], nodes: list[dict[str, Any]],
       want: dict[str, dict[str, int]], **reason: str) -> Any:
    return case("Test_prioritizeNodes", name, points=points, pod=p, nodes=nodes, want=want, **reason)


TWO = [make_node("node1"), make_node("node2")]
THREE_IMAGES = [make_node("node1", IMAGES1), make_node("node2", IMAGES2), make_node("node3", IMAGES3)]
PRIORITIZE = [
    pn("the score from all plugins should be recorded in PluginToNodeScores",
       {"score": [(BA, 1), (fp.Node2Prioritizer, 1)]}, pod("p"), TWO,
       {"node1": {"Node2Prioritizer": 10, BA: 0}, "node2": {"Node2Prioritizer": 100, BA: 0}}),
    pn("the score from extender should also be recorded in PluginToNodeScores with plugin scores",
       {"score": [(BA, 1)]}, pod("p"), TWO,
       {"node1": {"FakeExtender1": 300, "FakeExtender2": 20, BA: 0},
        "node2": {"FakeExtender1": 30, "FakeExtender2": 200, BA: 0}}, unmodelled=EXTENDERS),
    pn("plugin which returned skip in preScore shouldn't be executed in the score phase",
       {"preScore": ["FakePreScoreAndScorePlugin"], "score": [(BA, 1), (fp.Node2Prioritizer, 1), (SKIPPING, 1)]},
       pod("p"), TWO, {"node1": {"Node2Prioritizer": 10, BA: 0}, "node2": {"Node2Prioritizer": 100, BA: 0}}),
    pn("all score plugins are skipped", {"preScore": ["FakePreScoreAndScorePlugin"], "score": [(SKIPPING, 1)]},
       pod("p"), TWO, {"node1": {}, "node2": {}}),
    pn("the score from Image Locality plugin with image in all nodes", {"score": [("ImageLocality", 1)]},
       image_pod("gcr.io/40"), THREE_IMAGES,
       {"node1": {"ImageLocality": 5}, "node2": {"ImageLocality": 5}, "node3": {"ImageLocality": 5}}),
    pn("the score from Image Locality plugin with image in partial nodes", {"score": [("ImageLocality", 1)]},
       image_pod("gcr.io/300"), THREE_IMAGES,
       {"node1": {"ImageLocality": 18}, "node2": {"ImageLocality": 18}, "node3": {"ImageLocality": 0}}),
]


@pytest.mark.parametrize("c", PRIORITIZE)
def test_prioritize_nodes(c: dict[str, Any]) -> None:
    h = Harness(c["points"], c["nodes"])
    nodes = h.cache.node_list()
    state = CycleState()
    pi = PodInfo(c["pod"])
    assert h.fw.run_pre_score(state, pi, nodes) is None
    totals, per_plugin = h.fw.run_score(state, pi, nodes)
    got = {ni.name: {name: scores[i] for name, scores in per_plugin.items()} for i, ni in enumerate(nodes)}
    assert got == c["want"]
    assert dict(zip([ni.name for ni in nodes], totals, strict=True)) == {
        n: sum(s.values()) for n, s in c["want"].items()}


# -- the FailedScheduling message of a whole cycle -------------------------------------------------------------
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

REASONS = [
    # 100 nodes of cpu 2 (cpu/2), memory 100 (mem/5), 10 pods; the pod asks cpu 4, memory 500
    case("TestSchedulerFailedSchedulingReasons", "TestSchedulerFailedSchedulingReasons", config=FIT_ONLY,
         nodes=[NodeSpec(f"node{i}", cpu="2", memory="100", pods=10) for i in range(100)],
         requests={"cpu": "4", "memory": "500"},
         want="0/100 nodes are available: 100 Insufficient cpu, 100 Insufficient memory."),
]


@pytest.mark.parametrize("c", REASONS)
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


# -- ScheduleOne: the scheduling and binding cycles after a node is chosen ------------------------------------------
SO = "TestSchedulerScheduleOne"
# SchedulePod is mocked, as upstream's sched.SchedulePod = func(...) { return mockScheduleResult,
# injectSchedulingError }, by replacing Scheduler.schedule_pod
WAIT_PERMIT = "a Permit plugin's Wait (waiting pods, and their nominated node meanwhile) is not modelled"
PREFLIGHT = ("the NominatedNodeNameForExpectation feature (the nominated node name set before PreBind) is not "
             "modelled")
CANCEL = "cancelling a pod while its PreBind runs (external preemption) is not modelled"
DELETING = ("kspec drops a pending pod from its queue when its deletion (deletionTimestamp) arrives, so no cycle "
            "reports it; upstream's cycle pops it and records \"skip schedule deleting pod\" (FailedScheduling)")


def so(name: str, points: dict[str, list[Any]], reason: str, message: str = "", where: str = "",
       bound: bool = False, bind_error: str = "", nominated: str = "", schedule_error: str = "",
       existing_nominated: str = "", **mark: str) -> Any:
    """``reason``: the event's reason; ``message``: the FailedScheduling message (status.AsError() for the
    FailureHandler); ``where``: the queue the pod waits in after the failure (backoffQ or unschedulablePods)."""
    return case(SO, name, points=points, reason=reason, message=message, where=where, bound=bound,
                bind_error=bind_error, nominated=nominated, schedule_error=schedule_error,
                existing_nominated=existing_nominated, **mark)


def with_status(base: type, status: Status) -> type:
    return fp.named(base, base.NAME, STATUS=status)


def pre_bind(pre_flight: Status | None, status: Status | None = None) -> type:
    """tf.NewFakePreBindPlugin(preFlightStatus, preBindStatus)."""
    return fp.named(fp.FakePreBind, "FakePreBind", PRE_FLIGHT=pre_flight, STATUS=status)


SCHEDULE_ONE = [
    so("schedule pod failed", {}, "FailedScheduling", "scheduler", "backoff", schedule_error="scheduler"),
    so("reserve failed with status code error",
       {"reserve": [with_status(fp.FakeReserve, Status(ERR, "reserve error"))]},
       "FailedScheduling", 'running Reserve plugin "FakeReserve": reserve error', "backoff"),
    so("reserve failed with status code rejected",
       {"reserve": [with_status(fp.FakeReserve, Status(UU, "rejected on reserve"))]},
       "FailedScheduling", "0/1 nodes are available: 1 rejected on reserve.", "unschedulable"),
    so("permit failed with status code error", {"permit": [with_status(fp.FakePermit, Status(ERR, "permit error"))]},
       "FailedScheduling", 'running Permit plugin "FakePermit": permit error', "backoff"),
    so("permit failed with status code rejected",
       {"permit": [with_status(fp.FakePermit, Status(U, "rejected on permit"))]},
       "FailedScheduling", "0/1 nodes are available: 1 rejected on permit.", "unschedulable"),
    so("nominated node name is not set, permit plugin is working, but the feature gate NominatedNodeNameForExpectation "
       "is disabled", {"permit": [with_status(fp.FakePermit, Status(Code.WAIT, "rejected on permit"))]},
       "Scheduled", bound=True, unmodelled=WAIT_PERMIT),
    so("nominated node name is set, permit plugin is working in wait on permit phase",
       {"permit": [with_status(fp.FakePermit, Status(Code.WAIT, "rejected on permit"))]},
       "Scheduled", bound=True, unmodelled=WAIT_PERMIT),
    so("prebindpreflight failed with status code error", {"preBind": [pre_bind(Status(ERR, "on PreBindPreFlight"))]},
       "FailedScheduling", 'running PreBindPreFlight "FakePreBind": on PreBindPreFlight', "backoff"),
    so("prebindpreflight failed with status code unschedulable",
       {"preBind": [pre_bind(Status(U, "rejected on prebindpreflight"))]}, "FailedScheduling",
       'PreBindPreFlight FakePreBind returned "Unschedulable", which is unsupported. It is supposed to return '
       "Success, Skip, or Error status", "backoff"),
    # Configure it to return error on prebind to make sure it's not called.
    so("prebind isn't called and nominated node name isn't set, if preflight returns skip",
       {"preBind": [pre_bind(Status(SKIP), Status(ERR, "rejected on prebind"))]}, "Scheduled", bound=True),
    so("prebind is called and nominated node name is set, if preflight returns success",
       {"preBind": [fp.FakePreBind]}, "Scheduled", bound=True, nominated="node1", unmodelled=PREFLIGHT),
    so("prebind failed with status code error", {"preBind": [pre_bind(None, Status(ERR, "on PreBind"))]},
       "FailedScheduling", 'running PreBind plugin "FakePreBind": on PreBind', "backoff"),
    so("prebind pod cancelled during prebind (external preemption)", {}, "FailedScheduling",
       'running PreBind plugin "BlockingPreBindPlugin": context cancelled externally', "backoff", unmodelled=CANCEL),
    so("binding failed", {}, "FailedScheduling", 'running Bind plugin "DefaultBinder": binder', "backoff",
       bind_error="binder"),
    so("bind assumed pod scheduled", {}, "Scheduled", bound=True),
    so("deleting pod", {}, "FailedScheduling", "skip schedule deleting pod: default/foo", diverges=DELETING),
    so("pod with existing nominated node name on scheduling error clears nomination", {}, "FailedScheduling",
       "scheduler", "backoff", schedule_error="scheduler", existing_nominated="existing-node"),
]


@pytest.mark.parametrize("c", SCHEDULE_ONE)
def test_scheduler_schedule_one(c: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from kspec.errors import ApiError

    h = Harness(c["points"], [])
    cluster = h.cluster
    cluster.add_node(NodeSpec("node1"))
    if c["bind_error"]:
        def bind(*args: Any, **kw: Any) -> None:  # the fake client's binding reactor returns injectBindError
            raise ApiError(500, "InternalError", c["bind_error"])
        monkeypatch.setattr(cluster.api, "bind", bind)
    if c["schedule_error"]:
        def schedule_pod(*args: Any, **kw: Any) -> None:  # SchedulePod returns injectSchedulingError
            raise PluginError(c["schedule_error"])
        monkeypatch.setattr(h.sched, "schedule_pod", schedule_pod)
    cluster.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "foo", "namespace": "default"},
                    "spec": {"containers": [{"name": "c", "image": "pause"}]}})
    cluster.clock.run_now()
    if c["existing_nominated"]:  # the pod carries a nominated node name into its (next) scheduling attempt
        def nominate(obj: dict[str, Any]) -> None:
            obj.setdefault("status", {})["nominatedNodeName"] = c["existing_nominated"]
        cluster.api.patch("pods", "foo", "default", nominate, status=True)
        attempts = h.sched.cycles
        cluster.run_until(lambda: h.sched.cycles > attempts, "1m")
        assert (cluster.api.store.get("pods", "default", "foo")["status"].get("nominatedNodeName") or "") == ""
    events = [e for e in cluster.api.store.list("events")
              if (e.get("involvedObject") or e.get("regarding") or {}).get("name") == "foo"
              and e.get("reason") in ("Scheduled", "FailedScheduling")]
    assert [e["reason"] for e in events] == [c["reason"]]
    if c["message"]:
        assert (events[0].get("message") or events[0].get("note")) == c["message"]
    live = cluster.api.store.get("pods", "default", "foo")
    assert (live["spec"].get("nodeName") == "node1") == c["bound"]
    if not c["message"]:  # upstream checks the nominated node name when no error is expected
        assert (live.get("status") or {}).get("nominatedNodeName", "") == c["nominated"]
    queue = h.sched.queue
    assert {key: q.where for key, q in queue.pods.items()} == ({"default/foo": c["where"]} if c["where"] else {})


# -- whole schedulers ----------------------------------------------------------------------------------------------
class FakeNodeSelector(fp.Plugin):
    """fakeNodeSelector: passes only the node its args name (UnschedulableAndUnresolvable elsewhere)."""

    NAME = "FakeNodeSelector"

    def filter(self, state: CycleState, pi: PodInfo, ni: Any) -> Status | None:
        return None if ni.name == self.args.get("nodeName") else Status(UU)


def _profile(name: str, node_name: str) -> str:
    return f"""- schedulerName: {name}
  plugins:
    multiPoint: {{disabled: [{{name: "*"}}]}}
    filter: {{enabled: [{{name: FakeNodeSelector}}]}}
    queueSort: {{enabled: [{{name: PrioritySort}}]}}
    bind: {{enabled: [{{name: DefaultBinder}}]}}
  pluginConfig:
  - name: FakeNodeSelector
    args: {{nodeName: {node_name}}}
"""


@pytest.mark.parametrize("c", [case(
    "TestSchedulerMultipleProfilesScheduling", "",
    pods={"pod1": "match-node3", "pod2": "match-node2", "pod3": "match-node2", "pod4": "match-node3"},
    bindings={"pod1": "node3", "pod2": "node2", "pod3": "node2", "pod4": "node3"})])
def test_scheduler_multiple_profiles_scheduling(c: dict[str, Any]) -> None:
    # We use a fake filter that only allows one particular node. We create two profiles, each with a different
    # node in the filter configuration.
    cluster = Cluster(nodes=[NodeSpec("node1"), NodeSpec("node2"), NodeSpec("node3")],
                      plugins_=[fp.RegisterPlugins([FakeNodeSelector])])
    configure(cluster, "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n"
              + _profile("match-node2", "node2") + _profile("match-node3", "node3"))
    for name, scheduler in c["pods"].items():
        cluster.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                        "spec": {"schedulerName": scheduler, "containers": [{"name": "c", "image": "pause"}]}})
    cluster.settle()
    got = {name: cluster.api.store.get("pods", "default", name)["spec"].get("nodeName") for name in c["pods"]}
    assert got == c["bindings"]
    # the events were reported with the profiles' names
    controllers = {e["involvedObject"]["name"]: e["reportingComponent"] for e in cluster.api.store.list("events")
                   if e.get("reason") == "Scheduled"}
    assert controllers == c["pods"]


@pytest.mark.parametrize("c", [case("TestSchedulerNoPhantomPodAfterDelete", "")])
def test_scheduler_no_phantom_pod_after_delete(c: dict[str, Any]) -> None:
    h = Harness({"preFilter": ["NodePorts"], "filter": ["NodePorts"]}, [])
    cluster = h.cluster
    cluster.add_node(NodeSpec("node1"))

    def pod_with_port(name: str) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                "spec": {"containers": [{"name": "ctr", "image": "pause", "ports": [{"containerPort": 8080,
                                                                                    "hostPort": 8080}]}]}}
    cluster.create(pod_with_port("pod-name"))  # podWithPort("pod.Name", "", 8080)
    cluster.settle()
    assert cluster.api.store.get("pods", "default", "pod-name")["spec"]["nodeName"] == "node1"
    # We use conflicted pod ports to incur fit predicate failure.
    cluster.create(pod_with_port("bar"))
    cluster.clock.run_now()
    cluster.expect.has_event("pod", "bar", "FailedScheduling", message="0/1 nodes are available: 1 node(s) didn't "
                             "have free ports for the requested pod ports.")
    assert h.sched.queue.pods["default/bar"].unschedulable_plugins == {"NodePorts"}
    # the first pod is removed by its user: no phantom of it stays in the cache, and bar binds to node1
    cluster.delete("pod", "pod-name")
    cluster.settle()
    assert cluster.api.store.get("pods", "default", "bar")["spec"].get("nodeName") == "node1"


@pytest.mark.parametrize("c", [case("TestHandleSchedulingFailureSkipsRecreatedPod", "")])
def test_handle_scheduling_failure_skips_recreated_pod(c: dict[str, Any]) -> None:
    from kspec.scheduler.queue import QueuedPodInfo

    h = Harness({}, [node("node1")])
    cluster = h.cluster
    # the pod names another scheduler, so that only the test hands it to this one's failure handler
    spec = {"schedulerName": "test-scheduler", "containers": [{"name": "c", "image": "pause"}]}
    cluster.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}})
    old = cluster.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "foo", "namespace": "ns"},
                          "spec": dict(spec)})
    qpi = QueuedPodInfo(PodInfo(old), cluster.clock.now, 0)
    cluster.delete("pod", "foo", "ns", grace_period_seconds=0)
    recreated = cluster.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "foo", "namespace": "ns"},
                                "spec": dict(spec)})
    assert recreated["metadata"]["uid"] != old["metadata"]["uid"]
    before = cluster.api.store.get("pods", "ns", "foo")["status"]
    attempt = Attempt("ns/foo", 0, "default-scheduler", 1)
    h.sched._failure(h.fw, qpi, Status(U, "no fit"), set(), attempt, "node1")
    queue = h.sched.queue
    assert not queue.backoff and not queue.unschedulable
    assert queue.nominated_pods("node1") == []
    # the recreated pod's status remains unchanged
    assert cluster.api.store.get("pods", "ns", "foo")["status"] == before
