"""TaintToleration: upstream's Filter and PreScore/Score/NormalizeScore tables."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.st import UNRESOLVABLE, WRONG_OBJECT, as_tuple, node, pod, queueing_hint, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go"
REJECT = (UNRESOLVABLE, "node(s) had untolerated taint(s)")
GATE_OFF = "kspec has the TaintTolerationComparisonOperators feature always on (Gt/Lt tolerations honoured)"
SLA = "node.kubernetes.io/sla"
PRIO = "node.example.com/priority-level"


def t(key: str, value: str, effect: str = "NoSchedule") -> dict[str, Any]:
    return {"key": key, "value": value, "effect": effect}


def tol(key: str, value: str = "", effect: str = "", op: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"key": key}
    if op:
        out["operator"] = op
    if value:
        out["value"] = value
    if effect:
        out["effect"] = effect
    return out


P = "PreferNoSchedule"


def sc(name: str, tolerations: list[dict[str, Any]], nodes: list[tuple[str, list[dict[str, Any]]]],
       want: list[int], **marks: Any) -> Any:
    return case("TestTaintTolerationScore", name, pod=pod("pod1", tolerations=tolerations),
                nodes=[node(n, taints=ts) for n, ts in nodes], want=dict(zip([n for n, _ in nodes], want, strict=True)),
                **marks)


SCORE = [
    sc("node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
       [tol("foo", "bar", P, "Equal")], [("nodeA", [t("foo", "bar", P)]), ("nodeB", [t("foo", "blah", P)])], [100, 0]),
    sc("the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many "
       "tolerable taints a node has",
       [tol("cpu-type", "arm64", P, "Equal"), tol("disk-type", "ssd", P, "Equal")],
       [("nodeA", []), ("nodeB", [t("cpu-type", "arm64", P)]),
        ("nodeC", [t("cpu-type", "arm64", P), t("disk-type", "ssd", P)])], [100, 100, 100]),
    sc("the more intolerable taints a node has, the lower score it gets.", [tol("foo", "bar", P, "Equal")],
       [("nodeA", []), ("nodeB", [t("cpu-type", "arm64", P)]),
        ("nodeC", [t("cpu-type", "arm64", P), t("disk-type", "ssd", P)])], [100, 50, 0]),
    sc("only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority "
       "function",
       [tol("cpu-type", "arm64", "NoSchedule", "Equal"), tol("disk-type", "ssd", "NoSchedule", "Equal")],
       [("nodeA", []), ("nodeB", [t("cpu-type", "arm64", "NoSchedule")]),
        ("nodeC", [t("cpu-type", "arm64", P), t("disk-type", "ssd", P)])], [100, 100, 0]),
    sc("Default behaviour No taints and tolerations, lands on node with no taints", [],
       [("nodeA", []), ("nodeB", [t("cpu-type", "arm64", P)])], [100, 0]),
    sc("Numeric Gt operator: pod with Gt toleration prefers nodes with matching SLA taint", [tol(SLA, "950", P, "Gt")],
       [("nodeA", [t(SLA, "800", P)]), ("nodeB", [t(SLA, "999", P)])], [0, 100]),
    sc("Numeric Lt operator: pod with Lt toleration prefers nodes with matching SLA taint", [tol(SLA, "800", P, "Lt")],
       [("nodeA", [t(SLA, "950", P)]), ("nodeB", [t(SLA, "700", P)])], [0, 100]),
    sc("Score ignores parse errors from numeric PreferNoSchedule taint value", [tol(SLA, "950", P, "Gt")],
       [("nodeA", []), ("nodeB", [t(SLA, "high", P)])], [100, 0]),
]


@pytest.mark.parametrize("c", SCORE)
def test_taint_toleration_score(c: dict[str, Any]) -> None:
    assert run("TaintToleration", c, points=("PreScore", "Score")).scores == c["want"]


def fc(func: str, name: str, tolerations: list[dict[str, Any]], taints: list[dict[str, Any]], want: Any = None,
       **marks: Any) -> Any:
    return case(func, name, pod=pod("pod1", tolerations=tolerations), nodes=[node("nodeA", taints=taints)],
                want=want, **marks)


F = "TestTaintTolerationFilter"
G = "TestTaintTolerationFilterWithFeatureGate"
FILTER = [
    fc(F, "A pod having no tolerations can't be scheduled onto a node with nonempty taints", [],
       [t("dedicated", "user1")], REJECT),
    fc(F, "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
       [tol("dedicated", "user1", "NoSchedule")], [t("dedicated", "user1")]),
    fc(F, "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
       [tol("dedicated", "user2", "NoSchedule", "Equal")], [t("dedicated", "user1")], REJECT),
    fc(F, "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on "
          "the node", [tol("foo", "", "NoSchedule", "Exists")], [t("foo", "bar")]),
    fc(F, "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be "
          "scheduled onto the node",
       [tol("dedicated", "user2", "NoSchedule", "Equal"), tol("foo", "", "NoSchedule", "Exists")],
       [t("dedicated", "user2"), t("foo", "bar")]),
    fc(F, "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't "
          "match, can't be scheduled onto the node", [tol("foo", "bar", P, "Equal")], [t("foo", "bar")], REJECT),
    fc(F, "The pod has a toleration that keys and values match the taint on the node, the effect of toleration is "
          "empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
       [tol("foo", "bar", "", "Equal")], [t("foo", "bar")]),
    fc(F, "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on "
          "node is PreferNoSchedule. Pod can be scheduled onto the node",
       [tol("dedicated", "user2", "NoSchedule", "Equal")], [t("dedicated", "user1", P)]),
    fc(F, "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto "
          "the node", [], [t("dedicated", "user1", P)]),
    fc(F, "Pod with Gt toleration cannot be scheduled on node when taint value is lower than threshold",
       [tol(PRIO, "950", "NoSchedule", "Gt")], [t(PRIO, "800")], REJECT),
    fc(F, "Pod with Gt toleration can be scheduled on node when taint value is higher than threshold",
       [tol(SLA, "750", "NoSchedule", "Gt")], [t(SLA, "950")]),
    fc(F, "Pod with Lt toleration cannot be scheduled on node when taint value is higher than threshold",
       [tol(PRIO, "800", "NoSchedule", "Lt")], [t(PRIO, "950")], REJECT),
    fc(F, "Pod with Lt toleration can be scheduled on node when taint value is lower than threshold",
       [tol(SLA, "950", "NoSchedule", "Lt")], [t(SLA, "800")]),
    fc(F, "Pod with Gt toleration cannot be scheduled on node with non-numeric taint value",
       [tol(SLA, "950", "NoSchedule", "Gt")], [t(SLA, "high")],
       (UNRESOLVABLE, 'failed to parse taint value "high" as int64: must be a valid decimal integer in '
                      "canonical form")),
    fc(G, "Pod with Gt toleration can be scheduled when feature gate is enabled and taint value is higher",
       [tol(SLA, "750", "NoSchedule", "Gt")], [t(SLA, "950")]),
    fc(G, "Pod with Gt toleration cannot be scheduled when feature gate is disabled",
       [tol(SLA, "750", "NoSchedule", "Gt")], [t(SLA, "950")], REJECT, unmodelled=GATE_OFF),
    fc(G, "Pod with Lt toleration can be scheduled when feature gate is enabled and taint value is lower",
       [tol(SLA, "950", "NoSchedule", "Lt")], [t(SLA, "800")]),
    fc(G, "Pod with Lt toleration cannot be scheduled when feature gate is disabled",
       [tol(SLA, "950", "NoSchedule", "Lt")], [t(SLA, "800")], REJECT, unmodelled=GATE_OFF),
    fc(G, "Pod with mixed tolerations (Equal and Gt) when feature gate is disabled - only Equal is honored",
       [tol("dedicated", "user1", "NoSchedule", "Equal"), tol(SLA, "750", "NoSchedule", "Gt")],
       [t("dedicated", "user1")]),
    fc(G, "Pod with mixed tolerations, Gt toleration needed but filtered out when feature gate is disabled",
       [tol("dedicated", "user1", "NoSchedule", "Equal"), tol(SLA, "750", "NoSchedule", "Gt")],
       [t("dedicated", "user1"), t(SLA, "950")], REJECT, unmodelled=GATE_OFF),
]


@pytest.mark.parametrize("c", FILTER)
def test_taint_toleration_filter(c: dict[str, Any]) -> None:
    assert as_tuple(run("TaintToleration", c, points=("Filter",)).filter["nodeA"]) == c["want"]


def tainted(*values: str) -> dict[str, Any]:
    return node("nodeA", taints=[t("dedicated", v) for v in values])


POD_TT = pod("pod1", tolerations=[tol("dedicated", "user2", "NoSchedule", "Equal")])
H = "TestIsSchedulableAfterNodeChange"
HINTS = [
    case(H, "backoff-wrong-new-object", p=pod(), old=None, new="not-a-node", want=True, unreachable=WRONG_OBJECT),
    case(H, "backoff-wrong-old-object", p=pod(), old="not-a-node", new=tainted("user1"), want=True,
         unreachable=WRONG_OBJECT),
    case(H, "skip-queue-on-untoleratedtaint-node-added", p=POD_TT, old=None, new=tainted("user1"), want=False),
    case(H, "queue-on-toleratedtaint-node-added", p=POD_TT, old=None, new=tainted("user2"), want=True),
    case(H, "skip-unrelated-change", p=POD_TT, old=tainted("user1"), new=tainted("user1", "user3"), want=False),
    case(H, "queue-on-taint-change", p=POD_TT, old=tainted("user1"), new=tainted("user2"), want=True),
]


@pytest.mark.parametrize("c", HINTS)
def test_is_schedulable_after_node_change(c: dict[str, Any]) -> None:
    assert queueing_hint("TaintToleration", None, c["p"], c["old"], c["new"]) is c["want"]
