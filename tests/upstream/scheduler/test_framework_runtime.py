"""The framework runtime's extension points: upstream's pkg/scheduler/framework/runtime/framework_test.go.

Upstream's TestPlugin answers each extension point with the status code the case injects (the reason "injected
status", or "injected filter status" at Filter); here it is a kspec plugin class with the same answers, run by a
kspec Framework built from a profile that enables it where the case does (tests/upstream/scheduler/
fakeplugins.py's Harness). Statuses compare as upstream's statusCmpOpts do: an Error by its text, any other by
code, plugin and message.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler.framework import Code, CycleState, Diagnosis, Plugin, PreFilterResult, Status
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from tests.upstream.cases import case
from tests.upstream.scheduler import fakeplugins as fp

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/runtime/framework_test.go"
OK, ERR, U, UU, SKIP, WAIT = (Code.SUCCESS, Code.ERROR, Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                              Code.SKIP, Code.WAIT)
INJECT = "injected status"  # injectReason
INJECT_FILTER = "injected filter status"  # injectFilterReason
NODE = "testNode"


class _Injected(Plugin):
    """TestPlugin: each extension point answers NewStatus(<injected code>, reason)."""

    INJ: dict[str, Any] = {}

    def _status(self, key: str, reason: str = INJECT) -> Status | None:
        code = self.INJ.get(key, OK)
        return None if code == OK else Status(code, reason)

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        result = self.INJ.get("PreFilterResult")
        return (None if result is None else PreFilterResult(set(result))), self._status("PreFilterStatus")

    def add_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> Status | None:
        return self._status("PreFilterAddPodStatus")

    def remove_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> Status | None:
        return self._status("PreFilterRemovePodStatus")

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        return self._status("FilterStatus", INJECT_FILTER)

    def post_filter(self, state: CycleState, pi: PodInfo, diagnosis: Diagnosis) -> tuple[None, Status]:
        return None, Status(self.INJ.get("PostFilterStatus", OK), INJECT)

    def reserve(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        return self._status("ReserveStatus")

    def unreserve(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None

    def permit(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        return self._status("PermitStatus")

    def pre_bind(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        return self._status("PreBindStatus")


def tp(name: str, **inj: Any) -> type:
    """&TestPlugin{name: name, inj: injectedResult{...}}."""
    return type(name.replace(" ", "_"), (_Injected,), {"NAME": name, "INJ": inj})


def harness(point: str, plugins: list[type], pods: list[dict[str, Any]] = ()) -> fp.Harness:  # type: ignore[assignment]
    return fp.Harness({point: plugins} if plugins else {}, [fp.node(NODE)], list(pods))


def st(code: Code, message: str = "", plugin: str = "") -> tuple[Code, str, str]:
    return code, message, plugin


def same(got: Status | None, want: tuple[Code, str, str] | None) -> bool:
    """statusCmpOpts: nil and Success alike; an Error by its text; otherwise code, plugin and message."""
    if got is None or got.success or want is None or want[0] == OK:
        return (got is None or got.success) and (want is None or want[0] == OK) and (
            got is None or want is None or got.message == want[1])
    if want[0] == ERR:
        return got.code == ERR and got.message == want[1]
    return (got.code, got.message, got.plugin) == want


# -- PreFilter -------------------------------------------------------------------------------------------------------
PF = "TestRunPreFilterPlugins"
PRE_FILTER = [
    case(PF, "all PreFilter returned success", plugins=[tp("success1"), tp("success2")], result=None, skipped=set(),
         code=OK),
    case(PF, "one PreFilter plugin returned success, but another PreFilter plugin returned non-success",
         plugins=[tp("success"), tp("error", PreFilterStatus=ERR)], result=None, skipped=set(), code=ERR),
    case(PF, "one PreFilter plugin returned skip, but another PreFilter plugin returned non-success",
         plugins=[tp("skip", PreFilterStatus=SKIP), tp("error", PreFilterStatus=ERR)], result=None,
         skipped={"skip"}, code=ERR),
    case(PF, "all PreFilter plugins returned skip",
         plugins=[tp("skip1", PreFilterStatus=SKIP), tp("skip2", PreFilterStatus=SKIP),
                  tp("skip3", PreFilterStatus=SKIP)], result=None, skipped={"skip1", "skip2", "skip3"}, code=OK),
    case(PF, "some PreFilter plugins returned skip",
         plugins=[tp("skip1", PreFilterStatus=SKIP), tp("success1"), tp("skip2", PreFilterStatus=SKIP),
                  tp("success2")], result=None, skipped={"skip1", "skip2"}, code=OK),
    # to make sure the second plugin is executed, it returns Skip and we confirm it via the skipped plugins
    case(PF, "one PreFilter plugin returned Unschedulable, but another PreFilter plugin should be executed",
         plugins=[tp("unschedulable", PreFilterStatus=U), tp("skip", PreFilterStatus=SKIP)], result=None,
         skipped={"skip"}, code=U),
    # to make sure the second plugin is not executed, it returns Skip and we confirm it via the skipped plugins
    case(PF, "one PreFilter plugin returned UnschedulableAndUnresolvable, and all other plugins aren't executed",
         plugins=[tp("unresolvable", PreFilterStatus=UU), tp("skip", PreFilterStatus=SKIP)], result=None,
         skipped=set(), code=UU),
    case(PF, "all nodes are filtered out by prefilter result, but other plugins aren't executed because we consider "
             "all nodes are filtered out by UnschedulableAndUnresolvable",
         plugins=[tp("reject-all-nodes", PreFilterResult=set()), tp("skip", PreFilterStatus=SKIP)], result=set(),
         skipped=set(), code=UU),
]


@pytest.mark.parametrize("c", PRE_FILTER)
def test_run_pre_filter_plugins(c: dict[str, Any]) -> None:
    h = harness("preFilter", c["plugins"])
    state = CycleState()
    result, status = h.fw.run_pre_filter(state, PodInfo(fp.pod("p")))
    assert result.node_names == c["result"]
    assert (status.code if status is not None else OK) == c["code"]
    assert state.skip_filter == c["skipped"]


def _extension_cases(func: str, key: str, method: str) -> list[Any]:
    return [
        case(func, f"no plugins are skipped and all {method}() returned success",
             plugins=[tp("success1"), tp("success2")], skipped=set(), code=OK),
        case(func, f"one {method}() returned error", plugins=[tp("success1"), tp("error1", **{key: ERR})],
             skipped=set(), code=ERR),
        # To confirm it's skipped, it returns an error so that this case fails when it isn't skipped.
        case(func, f"one {method}() is skipped", plugins=[tp("success1"), tp("skipped", **{key: ERR})],
             skipped={"skipped"}, code=OK),
    ]


@pytest.mark.parametrize("c", _extension_cases("TestRunPreFilterExtensionRemovePod", "PreFilterRemovePodStatus",
                                               "RemovePod"))
def test_run_pre_filter_extension_remove_pod(c: dict[str, Any]) -> None:
    h = harness("preFilter", c["plugins"])
    state = CycleState()
    state.skip_filter = set(c["skipped"])
    p = PodInfo(fp.pod("p"))
    status = h.fw.run_remove_pod(state, p, p, h.cache.node_list()[0])
    assert (status.code if status is not None else OK) == c["code"]


@pytest.mark.parametrize("c", _extension_cases("TestRunPreFilterExtensionAddPod", "PreFilterAddPodStatus", "AddPod"))
def test_run_pre_filter_extension_add_pod(c: dict[str, Any]) -> None:
    h = harness("preFilter", c["plugins"])
    state = CycleState()
    state.skip_filter = set(c["skipped"])
    p = PodInfo(fp.pod("p"))
    status = h.fw.run_add_pod(state, p, p, h.cache.node_list()[0])
    assert (status.code if status is not None else OK) == c["code"]


# -- Filter ---------------------------------------------------------------------------------------------------------
FI = "TestFilterPlugins"


def filter_error(plugin: str) -> tuple[Code, str, str]:
    return st(ERR, f'running "{plugin}" filter plugin: {INJECT_FILTER}', plugin)


def fc(name: str, codes: list[Code], want: tuple[Code, str, str] | None, skipped: set[str] | None = None) -> Any:
    names = ["TestPlugin"] if len(codes) == 1 else [f"TestPlugin{i + 1}" for i in range(len(codes))]
    return case(FI, name, plugins=[tp(n, FilterStatus=code) for n, code in zip(names, codes, strict=True)],
                want=want, skipped=skipped or set())


FILTER = [
    fc("SuccessFilter", [OK], None),
    fc("ErrorFilter", [ERR], filter_error("TestPlugin")),
    fc("UnschedulableFilter", [U], st(U, INJECT_FILTER, "TestPlugin")),
    fc("UnschedulableAndUnresolvableFilter", [UU], st(UU, INJECT_FILTER, "TestPlugin")),
    # following tests cover multiple-plugins scenarios
    fc("ErrorAndErrorFilters", [ERR, ERR], filter_error("TestPlugin1")),
    fc("UnschedulableAndUnschedulableFilters", [U, U], st(U, INJECT_FILTER, "TestPlugin1")),
    fc("UnschedulableAndUnschedulableAndUnresolvableFilters", [UU, U], st(UU, INJECT_FILTER, "TestPlugin1")),
    fc("SuccessAndSuccessFilters", [OK, OK], None),
    # To make sure the second plugin isn't called, it answers Error.
    fc("SuccessAndSkipFilters", [OK, ERR], None, skipped={"TestPlugin2"}),
    fc("ErrorAndSuccessFilters", [ERR, OK], filter_error("TestPlugin1")),
    fc("SuccessAndErrorFilters", [OK, ERR], filter_error("TestPlugin2")),
    fc("SuccessAndUnschedulableFilters", [OK, U], st(U, INJECT_FILTER, "TestPlugin2")),
]


@pytest.mark.parametrize("c", FILTER)
def test_filter_plugins(c: dict[str, Any]) -> None:
    h = harness("filter", c["plugins"])
    state = CycleState()
    state.skip_filter = set(c["skipped"])
    assert same(h.fw.run_filters(state, PodInfo(fp.pod("p")), h.cache.node_list()[0]), c["want"])


# -- PostFilter -----------------------------------------------------------------------------------------------------
PO = "TestPostFilterPlugins"


def pfc(name: str, codes: list[Code], want: tuple[Code, str, str], skip_all: bool = False) -> Any:
    names = ["TestPlugin"] if len(codes) == 1 else [f"TestPlugin{i + 1}" for i in range(len(codes))]
    return case(PO, name, plugins=[tp(n, PostFilterStatus=code) for n, code in zip(names, codes, strict=True)],
                want=want, skip_all=skip_all)


POST_FILTER = [
    pfc("a single plugin makes a Pod schedulable", [OK], st(OK, INJECT)),
    pfc("skips all post filters if state has SkipPostFilterPlugins", [U, OK],
        st(U, "All PostFilter plugins are skipped"), skip_all=True),
    pfc("plugin1 failed to make a Pod schedulable, followed by plugin2 which makes the Pod schedulable", [U, OK],
        st(OK, INJECT)),
    pfc("plugin1 makes a Pod schedulable, followed by plugin2 which cannot make the Pod schedulable", [OK, U],
        st(OK, INJECT)),
    pfc("plugin1 failed to make a Pod schedulable, followed by plugin2 which makes the Pod schedulable", [ERR, OK],
        st(ERR, INJECT, "TestPlugin1")),
    pfc("plugin1 failed to make a Pod schedulable, followed by plugin2 which makes the Pod unresolvable", [U, UU],
        st(UU, INJECT, "TestPlugin2")),
    pfc("both plugins failed to make a Pod schedulable", [U, U], st(U, f"{INJECT}, {INJECT}", "TestPlugin1")),
]


@pytest.mark.parametrize("c", POST_FILTER)
def test_post_filter_plugins(c: dict[str, Any]) -> None:
    h = harness("postFilter", c["plugins"])
    state = CycleState()
    state.skip_all_post_filter = c["skip_all"]  # state.SetSkipAllPostFilterPlugins(tt.skipPlugins)
    _, status = h.fw.run_post_filter(state, PodInfo(fp.pod("p")), Diagnosis())
    assert same(status, c["want"])


# -- Filter with nominated pods ---------------------------------------------------------------------------------------
FN = "TestFilterPluginsWithNominatedPods"
LOW_POD = fp.pod("low-priority", priority=0)
HIGH_POD = fp.pod("high-priority", priority=1000)


def fnc(name: str, pre: type | None, filt: type | None, p: dict[str, Any], nominated: dict[str, Any] | None,
        want: tuple[Code, str, str] | None) -> Any:
    return case(FN, name, pre=pre, filt=filt, pod=p, nominated=nominated, want=want)


FILTER_NOMINATED = [
    fnc("node has no nominated pod", None, None, LOW_POD, None, None),
    fnc("node has a high-priority nominated pod and all filters succeed", tp("TestPlugin1", PreFilterAddPodStatus=OK),
        tp("TestPlugin2", FilterStatus=OK), LOW_POD, HIGH_POD, None),
    fnc("node has a high-priority nominated pod and pre filters fail", tp("TestPlugin1", PreFilterAddPodStatus=ERR),
        None, LOW_POD, HIGH_POD, st(ERR, f'running AddPod on PreFilter plugin "TestPlugin1": {INJECT}')),
    fnc("node has a high-priority nominated pod and filters fail", tp("TestPlugin1", PreFilterAddPodStatus=OK),
        tp("TestPlugin2", FilterStatus=ERR), LOW_POD, HIGH_POD,
        st(ERR, f'running "TestPlugin2" filter plugin: {INJECT_FILTER}', "TestPlugin2")),
    fnc("node has a low-priority nominated pod and pre filters return unschedulable",
        tp("TestPlugin1", PreFilterAddPodStatus=U), tp("TestPlugin2", FilterStatus=OK), HIGH_POD, LOW_POD, None),
]


@pytest.mark.parametrize("c", FILTER_NOMINATED)
def test_filter_plugins_with_nominated_pods(c: dict[str, Any]) -> None:
    points = {}
    if c["pre"] is not None:
        points["preFilter"] = [c["pre"]]
    if c["filt"] is not None:
        points["filter"] = [c["filt"]]
    h = fp.Harness(points, [fp.node(NODE)], [fp.pod("pod", node_name=NODE)])
    if c["nominated"] is not None:
        h.sched.queue.nominate(PodInfo(c["nominated"]), NODE)
    status = h.fw.run_filters_with_nominated(CycleState(), PodInfo(c["pod"]), h.cache.node_list()[0])
    assert same(status, c["want"])


# -- Reserve, Permit, PreBind ----------------------------------------------------------------------------------------
def point_cases(func: str, key: str, point: str, table: list[tuple[str, list[Code], Any]]) -> list[Any]:
    out = []
    for name, codes, want in table:
        names = ["TestPlugin", "TestPlugin 1"][:len(codes)]
        mark = {"unmodelled": WAIT_PERMIT} if WAIT in codes else {}
        out.append(case(func, name, plugins=[tp(n, **{key: code}) for n, code in zip(names, codes, strict=True)],
                        point=point, want=want, **mark))
    return out


def err(point: str, plugin: str) -> tuple[Code, str, str]:
    return st(ERR, f'running {point} plugin "{plugin}": {INJECT}')


WAIT_PERMIT = "a Permit plugin's Wait (waiting pods and their timeouts) is not modelled"
PRE_BIND = point_cases("TestPreBindPlugins", "PreBindStatus", "preBind", [
    ("NoPreBindPlugin", [], None),
    ("SuccessPreBindPlugins", [OK], None),
    ("UnschedulablePreBindPlugin", [U], st(U, INJECT, "TestPlugin")),
    ("ErrorPreBindPlugin", [ERR], err("PreBind", "TestPlugin")),
    ("UnschedulablePreBindPlugin", [UU], st(UU, INJECT, "TestPlugin")),
    ("SuccessErrorPreBindPlugins", [OK, ERR], err("PreBind", "TestPlugin 1")),
    ("ErrorSuccessPreBindPlugin", [ERR, OK], err("PreBind", "TestPlugin")),
    ("SuccessSuccessPreBindPlugin", [OK, OK], None),
    ("ErrorAndErrorPlugins", [ERR, ERR], err("PreBind", "TestPlugin")),
    ("UnschedulableAndSuccessPreBindPlugin", [U, OK], st(U, INJECT, "TestPlugin")),
])
RESERVE = point_cases("TestReservePlugins", "ReserveStatus", "reserve", [
    ("NoReservePlugin", [], None),
    ("SuccessReservePlugins", [OK], None),
    ("UnschedulableReservePlugin", [U], st(U, INJECT, "TestPlugin")),
    ("ErrorReservePlugin", [ERR], err("Reserve", "TestPlugin")),
    ("UnschedulableReservePlugin", [UU], st(UU, INJECT, "TestPlugin")),
    ("SuccessSuccessReservePlugins", [OK, OK], None),
    ("ErrorErrorReservePlugins", [ERR, ERR], err("Reserve", "TestPlugin")),
    ("SuccessErrorReservePlugins", [OK, ERR], err("Reserve", "TestPlugin 1")),
    ("ErrorSuccessReservePlugin", [ERR, OK], err("Reserve", "TestPlugin")),
    ("UnschedulableAndSuccessReservePlugin", [U, OK], st(U, INJECT, "TestPlugin")),
])
PERMIT = point_cases("TestPermitPlugins", "PermitStatus", "permit", [
    ("NilPermitPlugin", [], None),
    ("SuccessPermitPlugin", [OK], None),
    ("UnschedulablePermitPlugin", [U], st(U, INJECT, "TestPlugin")),
    ("ErrorPermitPlugin", [ERR], err("Permit", "TestPlugin")),
    ("UnschedulableAndUnresolvablePermitPlugin", [UU], st(UU, INJECT, "TestPlugin")),
    ("WaitPermitPlugin", [WAIT, WAIT],
     st(WAIT, "injected status, one or more plugins asked to wait and no plugin rejected pod")),
    ("SuccessSuccessPermitPlugin", [OK, OK], None),
    ("ErrorAndErrorPlugins", [ERR, ERR], err("Permit", "TestPlugin")),
])


@pytest.mark.parametrize("c", [*PRE_BIND, *RESERVE, *PERMIT])
def test_binding_cycle_points(c: dict[str, Any]) -> None:
    h = harness(c["point"], c["plugins"])
    run = {"preBind": h.fw.run_pre_bind, "reserve": h.fw.run_reserve, "permit": h.fw.run_permit}[c["point"]]
    assert same(run(CycleState(), PodInfo(fp.pod("p")), ""), c["want"])


# -- PreScore --------------------------------------------------------------------------------------------------------
class _PreScoreInjected(Plugin):
    INJ: dict[str, Any] = {}

    def pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        code = self.INJ.get("PreScoreStatus", OK)
        return None if code == OK else Status(code, INJECT)


def ps(name: str, **inj: Any) -> type:
    return type(name, (_PreScoreInjected,), {"NAME": name, "INJ": inj})


PS = "TestRunPreScorePlugins"
PRE_SCORE = [
    case(PS, "all PreScorePlugins returned success", plugins=[ps("success1"), ps("success2")], skipped=set(), code=OK),
    case(PS, "one PreScore plugin returned success, but another PreScore plugin returned non-success",
         plugins=[ps("success"), ps("error", PreScoreStatus=ERR)], skipped=set(), code=ERR),
    case(PS, "one PreScore plugin returned skip, but another PreScore plugin returned non-success",
         plugins=[ps("skip", PreScoreStatus=SKIP), ps("error", PreScoreStatus=ERR)], skipped={"skip"}, code=ERR),
    case(PS, "all PreScore plugins returned skip",
         plugins=[ps("skip1", PreScoreStatus=SKIP), ps("skip2", PreScoreStatus=SKIP), ps("skip3", PreScoreStatus=SKIP)],
         skipped={"skip1", "skip2", "skip3"}, code=OK),
    case(PS, "some PreScore plugins returned skip",
         plugins=[ps("skip1", PreScoreStatus=SKIP), ps("success1"), ps("skip2", PreScoreStatus=SKIP), ps("success2")],
         skipped={"skip1", "skip2"}, code=OK),
]


@pytest.mark.parametrize("c", PRE_SCORE)
def test_run_pre_score_plugins(c: dict[str, Any]) -> None:
    h = harness("preScore", c["plugins"])
    state = CycleState()
    status = h.fw.run_pre_score(state, PodInfo(fp.pod("p")), [])
    assert (status.code if status is not None else OK) == c["code"]
    assert state.skip_score == c["skipped"]


# -- MultiPoint expansion -------------------------------------------------------------------------------------------
class _All(Plugin):
    """testPlugin: every extension point (upstream's also PlacementGenerate and PlacementScore, not modelled)."""

    NAME = "test-plugin"

    def sort_key(self, qpi: Any) -> Any:
        return 0

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[None, None]:
        return None, None

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> None:
        return None

    def post_filter(self, state: CycleState, pi: PodInfo, diagnosis: Diagnosis) -> tuple[None, Status]:
        return None, Status(U)

    def pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> None:
        return None

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        return 0

    def reserve(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None

    def unreserve(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None

    def permit(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None

    def pre_bind(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None

    def bind(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None

    def post_bind(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None


class _Score(Plugin):
    NAME = "score-plugin-1"

    def pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> None:
        return None

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        return 1


class _ScoreNormalize(Plugin):
    NAME = "score-with-normalize-plugin-1"

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        return 1

    def normalize_score(self, state: CycleState, pi: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> None:
        return None


class _QueueSort(Plugin):
    NAME = "no-op-queue-sort-plugin"

    def sort_key(self, qpi: Any) -> Any:
        return 0


class _Bind(Plugin):
    NAME = "bind-plugin"

    def bind(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None


class _PlacementScore(Plugin):
    """placementScorePlugin1: only PlacementScore, a point kspec does not model."""

    NAME = "placement-score-plugin-1"


_Score2 = type("_Score2", (_Score,), {"NAME": "score-plugin-2"})
T, S1, S2, SN1, QS, B, PS1 = (_All.NAME, _Score.NAME, "score-plugin-2", _ScoreNormalize.NAME, _QueueSort.NAME,
                              _Bind.NAME, _PlacementScore.NAME)
ALL_POINTS = ("queueSort", "preFilter", "filter", "postFilter", "preScore", "score", "reserve", "permit", "preBind",
              "bind", "postBind")


def every(score: list[tuple[str, int]] | None = None, pre_score: list[str] | None = None,
          **points: list[str]) -> dict[str, Any]:
    """testPlugin at every point, with the score and preScore lists (and other points) given."""
    want: dict[str, Any] = {p: [T] for p in ALL_POINTS}
    want["score"] = score if score is not None else [(T, 1)]
    want["preScore"] = pre_score if pre_score is not None else [T]
    want.update(points)
    return {p: v for p, v in want.items() if v}


MP = "TestNewFrameworkMultiPointExpansion"
MULTI_POINT = [
    case(MP, "plugin expansion", plugins={"multiPoint": {"enabled": [(T, 5)]}}, want=every(score=[(T, 5)])),
    case(MP, "disable MultiPoint plugin at some extension points",
         plugins={"multiPoint": {"enabled": [T]}, "preScore": {"disabled": [T]}, "score": {"disabled": [T]}},
         want=every(score=[], pre_score=[])),
    case(MP, "Multiple MultiPoint plugins", plugins={"multiPoint": {"enabled": [T, S1, PS1]}},
         want=every(score=[(T, 1), (S1, 1)], pre_score=[T, S1])),
    case(MP, "disable MultiPoint extension",
         plugins={"multiPoint": {"enabled": [T, S1]}, "preScore": {"disabled": ["*"]}},
         want=every(score=[(T, 1), (S1, 1)], pre_score=[])),
    case(MP, "Reorder MultiPoint plugins (specified extension takes precedence)",
         plugins={"multiPoint": {"enabled": [SN1, T, S1]}, "score": {"enabled": [S1, T]}},
         want=every(score=[(S1, 1), (T, 1), (SN1, 1)], pre_score=[T, S1])),
    case(MP, "Reorder MultiPoint plugins (specified extension only takes precedence when it exists in MultiPoint)",
         plugins={"multiPoint": {"enabled": [T, S1]}, "score": {"enabled": [SN1, S1, T]}},
         want=every(score=[(S1, 1), (T, 1), (SN1, 1)], pre_score=[T, S1])),
    case(MP, "Override MultiPoint plugins weights",
         plugins={"multiPoint": {"enabled": [T, S1]}, "score": {"enabled": [(S1, 5), (T, 3)]}},
         want=every(score=[(S1, 5), (T, 3)], pre_score=[T, S1])),
    case(MP, "disable and enable MultiPoint plugins with '*'",
         plugins={"multiPoint": {"enabled": [QS, B, S1, PS1], "disabled": ["*"]}},
         want={"queueSort": [QS], "preScore": [S1], "score": [(S1, 1)], "bind": [B]}),
    case(MP, "disable and enable MultiPoint plugin by name",
         plugins={"multiPoint": {"enabled": [B, QS, S1], "disabled": [S1]}},
         want={"queueSort": [QS], "preScore": [S1], "score": [(S1, 1)], "bind": [B]}),
    case(MP, "Expect 'already registered' error", plugins={"multiPoint": {"enabled": [T, T]}},
         want="already registered"),
    case(MP, "Override MultiPoint plugins weights and avoid a plugin being loaded multiple times",
         plugins={"multiPoint": {"enabled": [T, S1, PS1]}, "score": {"enabled": [(S1, 5), (S2, 5), (T, 3)]}},
         want=every(score=[(S1, 5), (T, 3), (S2, 5)], pre_score=[T, S1])),
]


def _refs(items: list[Any]) -> str:
    out = []
    for item in items:
        name, weight = item if isinstance(item, tuple) else (item, 0)
        out.append(f'{{name: "{name}"' + (f", weight: {weight}" if weight else "") + "}")
    return "[" + ", ".join(out) + "]"


@pytest.mark.parametrize("c", MULTI_POINT)
def test_new_framework_multi_point_expansion(c: dict[str, Any]) -> None:
    """NewFramework gets the profile as written, without v1 defaults: in the v1 API that is MultiPoint
    disabling "*" besides what the case disables. Upstream's expectations at the PlacementGenerate and
    PlacementScore points (alpha workload-aware scheduling, not modelled) are left out."""
    from kspec.cluster import Cluster
    from kspec.errors import PluginError
    from kspec.scheduler.profile.config import configure

    lines = ["profiles:", "- schedulerName: default-scheduler", "  plugins:"]
    for point, sets in c["plugins"].items():
        lines.append(f"    {point}:")
        disabled = list(sets.get("disabled", []))
        if point == "multiPoint" and "*" not in disabled:
            disabled.append("*")
        if sets.get("enabled"):
            lines.append(f"      enabled: {_refs(sets['enabled'])}")
        if disabled:
            lines.append(f"      disabled: {_refs(disabled)}")
    if "multiPoint" not in c["plugins"]:
        lines += ["    multiPoint:", '      disabled: [{name: "*"}]']
    cluster = Cluster(plugins_=[fp.RegisterPlugins([_All, _Score, _Score2, _ScoreNormalize, _QueueSort, _Bind,
                                          _PlacementScore])])
    configure(cluster, "\n".join(lines) + "\n")
    if isinstance(c["want"], str):
        with pytest.raises(PluginError, match=c["want"]):
            cluster.start()
        return
    cluster.start()
    fw = cluster.components["scheduler"].frameworks["default-scheduler"]
    got: dict[str, Any] = {p: [x.NAME for x in fw.points[p]] for p in ALL_POINTS if fw.points[p]}
    if "score" in got:
        got["score"] = [(p.NAME, w) for p, w in fw.scorers]
    assert got == c["want"]


# -- Score -------------------------------------------------------------------------------------------------------------
class _ArgScore(Plugin):
    """TestScorePlugin: Score answers args scoreRes (an Error when args scoreStatus is 1)."""

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Any:
        if self.args.get("scoreStatus"):
            return Status(ERR, INJECT)
        return int(self.args.get("scoreRes", 0))


class _ArgScoreNormalize(_ArgScore):
    """TestScoreWithNormalizePlugin: NormalizeScore sets every score to args normalizeRes."""

    def normalize_score(self, state: CycleState, pi: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> Any:
        if self.args.get("normalizeStatus"):
            return Status(ERR, INJECT)
        scores[:] = [int(self.args.get("normalizeRes", 0))] * len(scores)
        return None


SP1 = type("_SP1", (_ArgScore,), {"NAME": "score-plugin-1"})
SWN1 = type("_SWN1", (_ArgScoreNormalize,), {"NAME": "score-with-normalize-plugin-1"})
SWN2 = type("_SWN2", (_ArgScoreNormalize,), {"NAME": "score-with-normalize-plugin-2"})
#: defaultWeights (buildScoreConfigDefaultWeights)
WEIGHTS = {SP1.NAME: 1, SWN1.NAME: 1, SWN2.NAME: 2}
RS = "TestRunScorePlugins"


def rs(name: str, plugins: list[type], args: dict[str, dict[str, int]], want: Any, skipped: set[str] | None = None,
       multi_point: bool = False, **reason: str) -> Any:
    """``want``: each node's weighted score per plugin, or "error"."""
    return case(RS, name, plugins=plugins, args=args, want=want, skipped=skipped or set(), multi_point=multi_point,
                **reason)


def both(scores: dict[str, int]) -> dict[str, dict[str, int]]:
    return {"node1": dict(scores), "node2": dict(scores)}


RUN_SCORE = [
    rs("no Score plugins", [], {}, both({})),
    # scorePlugin1 Score returns 1, weight=1, so want=1.
    rs("single Score plugin", [SP1], {SP1.NAME: {"scoreRes": 1}}, both({SP1.NAME: 1})),
    # scoreWithNormalizePlugin1 Score returns 10, but NormalizeScore overrides to 5, weight=1, so want=5
    rs("single ScoreWithNormalize plugin", [SWN1], {SWN1.NAME: {"scoreRes": 10, "normalizeRes": 5}},
       both({SWN1.NAME: 5})),
    # scorePlugin1 1 (weight 1); scoreWithNormalizePlugin1 3 normalized to 4 (weight 1); scoreWithNormalizePlugin2
    # 4 normalized to 5, weight 2, so 10.
    rs("3 Score plugins, 2 NormalizeScore plugins", [SP1, SWN1, SWN2],
       {SP1.NAME: {"scoreRes": 1}, SWN1.NAME: {"scoreRes": 3, "normalizeRes": 4},
        SWN2.NAME: {"scoreRes": 4, "normalizeRes": 5}}, both({SP1.NAME: 1, SWN1.NAME: 4, SWN2.NAME: 10})),
    rs("score fails", [SP1, SWN1], {SWN1.NAME: {"scoreStatus": 1}}, "error"),
    rs("normalize fails", [SP1, SWN1], {SWN1.NAME: {"normalizeStatus": 1}}, "error"),
    rs("Score plugin return score greater than MaxNodeScore", [SP1], {SP1.NAME: {"scoreRes": 101}}, "error"),
    rs("Score plugin return score less than MinNodeScore", [SP1], {SP1.NAME: {"scoreRes": -1}}, "error"),
    rs("ScoreWithNormalize plugin return score greater than MaxNodeScore", [SWN1], {SWN1.NAME: {"normalizeRes": 101}},
       "error"),
    rs("ScoreWithNormalize plugin return score less than MinNodeScore", [SWN1], {SWN1.NAME: {"normalizeRes": -1}},
       "error"),
    # scorePlugin1 Score returns 1, weight=3, so want=3.
    rs("single Score plugin with MultiPointExpansion", [SP1], {SP1.NAME: {"scoreRes": 1}}, both({SP1.NAME: 3}),
       multi_point=True),
    # To make sure the skipped plugin isn't called, it is set to fail.
    rs("one success plugin, one skip plugin", [SP1, SWN1], {SP1.NAME: {"scoreRes": 1}, SWN1.NAME: {"scoreStatus": 1}},
       both({SP1.NAME: 1}), skipped={SWN1.NAME}),
    rs("all plugins are skipped in prescore", [SP1], {SP1.NAME: {"scoreStatus": 1}}, both({}), skipped={SP1.NAME}),
    rs("skipped prescore plugin number greater than the number of score plugins", [SP1], {}, both({}),
       skipped={SP1.NAME, "score-plugin-unknown"}),
]


@pytest.mark.parametrize("c", RUN_SCORE)
def test_run_score_plugins(c: dict[str, Any]) -> None:
    from kspec.errors import PluginError

    if c["multi_point"]:  # MultiPoint enables it; the Score entry gives it weight 3
        points: dict[str, list[Any]] = {"multiPoint": list(c["plugins"]), "score": [(p.NAME, 3) for p in c["plugins"]]}
    else:
        points = {"score": [(p, WEIGHTS[p.NAME]) for p in c["plugins"]]} if c["plugins"] else {}
    h = fp.Harness(points, [fp.node("node1"), fp.node("node2")], plugin_config=c["args"] or None)
    state = CycleState()
    state.skip_score = set(c["skipped"])
    nodes = h.cache.node_list()
    if c["want"] == "error":
        with pytest.raises(PluginError):
            h.fw.run_score(state, PodInfo(fp.pod("p")), nodes)
        return
    totals, per_plugin = h.fw.run_score(state, PodInfo(fp.pod("p")), nodes)
    got = {ni.name: {n: s[i] for n, s in per_plugin.items()} for i, ni in enumerate(nodes)}
    assert got == c["want"]
    assert totals == [sum(c["want"][ni.name].values()) for ni in nodes]


# -- PreBindPreFlight ------------------------------------------------------------------------------------------------
class _PreFlightInjected(_Injected):
    def pre_bind_pre_flight(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        return self._status("PreBindPreFlightStatus")


def pf(name: str, code: Code) -> type:
    return type(name, (_PreFlightInjected,), {"NAME": name, "INJ": {"PreBindPreFlightStatus": code}})


PF2 = "TestPreBindPreFlightPlugins"
PRE_FLIGHT = [
    case(PF2, "Skip when there's no PreBind Plugin", plugins=[], want=st(SKIP)),
    case(PF2, "Success when PreBindPreFlight returns Success", plugins=[pf("TestPlugin1", SKIP), pf("TestPlugin2", OK)],
         want=None),
    case(PF2, "Skip when all PreBindPreFlight returns Skip", plugins=[pf("TestPlugin1", SKIP), pf("TestPlugin2", SKIP)],
         want=st(SKIP)),
    case(PF2, "Error when PreBindPreFlight returns Error", plugins=[pf("TestPlugin1", SKIP), pf("TestPlugin2", ERR)],
         want=st(ERR, f'running PreBindPreFlight "TestPlugin2": {INJECT}')),
    case(PF2, "Error when PreBindPreFlight returns Unschedulable", plugins=[pf("TestPlugin", U)],
         want=st(ERR, 'PreBindPreFlight TestPlugin returned "Unschedulable", which is unsupported. It is supposed '
                      "to return Success, Skip, or Error status")),
]


@pytest.mark.parametrize("c", PRE_FLIGHT)
def test_pre_bind_pre_flight_plugins(c: dict[str, Any]) -> None:
    h = harness("preBind", c["plugins"])
    got = h.fw.run_pre_bind_pre_flights(CycleState(), PodInfo(fp.pod("p")), "")
    if c["want"] is not None and c["want"][0] == SKIP:
        assert got is not None and got.code == SKIP
    else:
        assert same(got, c["want"])
