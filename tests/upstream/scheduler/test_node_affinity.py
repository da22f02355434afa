"""NodeAffinity: upstream's PreFilter/Filter and PreScore/Score/NormalizeScore tables."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.st import (
    SKIP,
    UNRESOLVABLE,
    WRONG_OBJECT,
    as_tuple,
    node,
    node_affinity_in,
    pod,
    queueing_hint,
    run,
)

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go"
POD = "node(s) didn't match Pod's node affinity/selector"
ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
CONFLICT = "pod affinity terms conflict"  # errReasonConflict
REJECT = (UNRESOLVABLE, POD)


def e(key: str, op: str, *values: str) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "operator": op}
    if values:
        out["values"] = list(values)
    return out


def name_in(*names: str) -> dict[str, Any]:
    return e("metadata.name", "In", *names)


def required(*terms: dict[str, Any]) -> dict[str, Any]:
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}


def affinity_pod(*terms: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return pod(affinity=required(*terms), **spec)


def f(name: str, p: dict[str, Any], labels: dict[str, str] | None = None, node_name: str = "", *,
      want: Any = None, pre: Any = None, pre_nodes: list[str] | None = None, args: Any = None,
      run_pre_filter: bool = True, **marks: Any) -> Any:
    return case("TestNodeAffinity", name, pod=p, labels=labels or {}, node_name=node_name, want=want, pre=pre,
                pre_nodes=pre_nodes, args=args, run_pre_filter=run_pre_filter, **marks)


def added_fields(*names: str) -> dict[str, Any]:
    return {"addedAffinity": required({"matchFields": [name_in(*names)]})["nodeAffinity"]}


FILTER = [
    f("missing labels", pod(nodeSelector={"foo": "bar"}), want=REJECT),
    f("same labels", pod(nodeSelector={"foo": "bar"}), {"foo": "bar"}),
    f("node labels are superset", pod(nodeSelector={"foo": "bar"}), {"foo": "bar", "baz": "blah"}),
    f("node labels are subset", pod(nodeSelector={"foo": "bar", "baz": "blah"}), {"foo": "bar"}, want=REJECT),
    f("Pod with matchExpressions using In operator that matches the existing node",
      affinity_pod({"matchExpressions": [e("foo", "In", "bar", "value2")]}), {"foo": "bar"}),
    f("Pod with matchExpressions using Gt operator that matches the existing node",
      affinity_pod({"matchExpressions": [e("kernel-version", "Gt", "0204")]}), {"kernel-version": "0206"}),
    f("Pod with matchExpressions using NotIn operator that matches the existing node",
      affinity_pod({"matchExpressions": [e("mem-type", "NotIn", "DDR", "DDR2")]}), {"mem-type": "DDR3"}),
    f("Pod with matchExpressions using Exists operator that matches the existing node",
      affinity_pod({"matchExpressions": [e("GPU", "Exists")]}), {"GPU": "NVIDIA-GRID-K1"}),
    f("Pod with affinity that don't match node's labels won't schedule onto the node",
      affinity_pod({"matchExpressions": [e("foo", "In", "value1", "value2")]}), {"foo": "bar"}, want=REJECT),
    f("Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
      affinity_pod({"matchExpressions": []}), {"foo": "bar"}, want=REJECT),
    f("Pod with no Affinity will schedule onto a node", pod(), {"foo": "bar"}, pre=SKIP),
    f("Pod with Affinity but nil NodeSelector will schedule onto a node", pod(affinity={"nodeAffinity": {}}),
      {"foo": "bar"}, pre=SKIP),
    f("Pod with multiple matchExpressions ANDed that matches the existing node",
      affinity_pod({"matchExpressions": [e("GPU", "Exists"), e("GPU", "NotIn", "AMD", "INTER")]}),
      {"GPU": "NVIDIA-GRID-K1"}),
    f("Pod with multiple matchExpressions ANDed that doesn't match the existing node",
      affinity_pod({"matchExpressions": [e("GPU", "Exists"), e("GPU", "In", "AMD", "INTER")]}),
      {"GPU": "NVIDIA-GRID-K1"}, want=REJECT),
    f("Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
      affinity_pod({"matchExpressions": [e("foo", "In", "bar", "value2")]},
                   {"matchExpressions": [e("diffkey", "In", "wrong", "value2")]}), {"foo": "bar"}),
    f("Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, "
      "will schedule onto the node",
      affinity_pod({"matchExpressions": [e("foo", "Exists")]}, nodeSelector={"foo": "bar"}), {"foo": "bar"}),
    f("Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are "
      "deprecating) is not satisfied, won't schedule onto the node",
      affinity_pod({"matchExpressions": [e("foo", "Exists")]}, nodeSelector={"foo": "bar"}), {"foo": "barrrrrr"},
      want=REJECT),
    f("Pod with an invalid value in Affinity term won't be scheduled onto the node",
      affinity_pod({"matchExpressions": [e("foo", "NotIn", "invalid value: ___@#$%^")]}), {"foo": "bar"},
      want=REJECT),
    f("Pod with matchFields using In operator that matches the existing node",
      affinity_pod({"matchFields": [name_in("node1")]}), node_name="node1", pre_nodes=["node1"]),
    f("Pod with matchFields using In operator that does not match the existing node",
      affinity_pod({"matchFields": [name_in("node1")]}), node_name="node2", want=REJECT, pre_nodes=["node1"]),
    f("Pod with two terms: matchFields does not match, but matchExpressions matches",
      affinity_pod({"matchFields": [name_in("node1"), name_in("node2")]},
                   {"matchExpressions": [e("foo", "In", "bar")]}), {"foo": "bar"}, "node2"),
    f("Pod with one term: matchFields does not match, but matchExpressions matches",
      affinity_pod({"matchFields": [name_in("node1")], "matchExpressions": [e("foo", "In", "bar")]}),
      {"foo": "bar"}, "node2", pre_nodes=["node1"], want=REJECT),
    f("Pod with one term: both matchFields and matchExpressions match",
      affinity_pod({"matchFields": [name_in("node1")], "matchExpressions": [e("foo", "In", "bar")]}),
      {"foo": "bar"}, "node1", pre_nodes=["node1"]),
    f("Pod with two terms: both matchFields and matchExpressions do not match",
      affinity_pod({"matchFields": [name_in("node1")]}, {"matchExpressions": [e("foo", "In", "not-match-to-bar")]}),
      {"foo": "bar"}, "node2", want=REJECT),
    f("Pod with two terms of node.Name affinity",
      affinity_pod({"matchFields": [name_in("node1")]}, {"matchFields": [name_in("node2")]}), node_name="node2",
      pre_nodes=["node1", "node2"]),
    f("Pod with two conflicting mach field requirements",
      affinity_pod({"matchFields": [name_in("node1"), name_in("node2")]}), {"foo": "bar"}, "node2",
      pre=(UNRESOLVABLE, CONFLICT), want=REJECT),
    f("Matches added affinity and Pod's node affinity", affinity_pod({"matchExpressions": [e("zone", "In", "foo")]}),
      {"zone": "foo"}, "node2", args=added_fields("node2")),
    f("Matches added affinity but not Pod's node affinity",
      affinity_pod({"matchExpressions": [e("zone", "In", "bar")]}), {"zone": "foo"}, "node2",
      args=added_fields("node2"), want=REJECT),
    f("Doesn't match added affinity", pod(), {"zone": "foo"}, "node2",
      args={"addedAffinity": required({"matchExpressions": [e("zone", "In", "bar")]})["nodeAffinity"]},
      want=(UNRESOLVABLE, ENFORCED)),
    f("Matches node selector correctly even if PreFilter is not called", pod(nodeSelector={"foo": "bar"}),
      {"foo": "bar", "baz": "blah"}, run_pre_filter=False),
    f("Matches node affinity correctly even if PreFilter is not called",
      affinity_pod({"matchExpressions": [e("GPU", "Exists"), e("GPU", "NotIn", "AMD", "INTER")]}),
      {"GPU": "NVIDIA-GRID-K1"}, run_pre_filter=False),
]


@pytest.mark.parametrize("c", FILTER)
def test_node_affinity(c: dict[str, Any]) -> None:
    points = ("PreFilter", "Filter") if c["run_pre_filter"] else ("Filter",)
    result = run("NodeAffinity", {"pod": c["pod"], "nodes": [node(c["node_name"], labels=c["labels"])],
                                  "args": c["args"]}, points=points)
    if c["run_pre_filter"]:
        assert as_tuple(result.pre_filter) == c["pre"]
        assert result.pre_filter_nodes == (set(c["pre_nodes"]) if c["pre_nodes"] is not None else None)
    assert as_tuple(result.filter[c["node_name"]]) == c["want"]


L1, L2, L3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
L4, L5 = {"abc": "az11", "def": "az22"}, {"foo": "bar", "key": "value", "az": "az1"}


def pref(weight: int, *exprs: dict[str, Any]) -> dict[str, Any]:
    return {"weight": weight, "preference": {"matchExpressions": list(exprs)}}


AFFINITY1 = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [pref(2, e("foo", "In", "bar"))]}}
AFFINITY2 = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    pref(2, e("foo", "In", "bar")), pref(4, e("key", "In", "value")),
    pref(5, e("foo", "In", "bar"), e("key", "In", "value"), e("az", "In", "az1"))]}}


def s(name: str, p: dict[str, Any], nodes: list[tuple[str, dict[str, str]]], want: list[int], *,
      args: Any = None, run_pre_score: bool = True) -> Any:
    return case("TestNodeAffinityPriority", name, pod=p, nodes=[node(n, labels=lb) for n, lb in nodes],
                want={n: w for (n, _), w in zip(nodes, want, strict=True)}, args=args, run_pre_score=run_pre_score)


SCORE = [
    s("all nodes are same priority as NodeAffinity is nil", pod(), [("node1", L1), ("node2", L2), ("node3", L3)],
      [0, 0, 0]),
    s("no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
      pod(affinity=AFFINITY1), [("node1", L4), ("node2", L2), ("node3", L3)], [0, 0, 0]),
    s("only node1 matches the preferred scheduling requirements of pod", pod(affinity=AFFINITY1),
      [("node1", L1), ("node2", L2), ("node3", L3)], [100, 0, 0]),
    s("all nodes matches the preferred scheduling requirements of pod but with different priorities ",
      pod(affinity=AFFINITY2), [("node1", L1), ("node5", L5), ("node2", L2)], [18, 100, 36]),
    s("added affinity", pod(), [("node1", L1), ("node2", L2)], [100, 0],
      args={"addedAffinity": AFFINITY1["nodeAffinity"]}),
    s("added affinity and pod has default affinity", pod(affinity=AFFINITY1),
      [("node1", L1), ("node2", L2), ("node3", L5)], [40, 60, 100],
      args={"addedAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [pref(3, e("key", "In", "value"))]}}),
    s("calculate the priorities correctly even if PreScore is not called", pod(affinity=AFFINITY2),
      [("node1", L1), ("node5", L5), ("node2", L2)], [18, 100, 36], run_pre_score=False),
]


@pytest.mark.parametrize("c", SCORE)
def test_node_affinity_priority(c: dict[str, Any]) -> None:
    points = ("PreScore", "Score") if c["run_pre_score"] else ("Score",)
    result = run("NodeAffinity", c, points=points)
    assert result.scores == c["want"]


def n(**labels: str) -> dict[str, Any]:
    """st.MakeNode() with labels (no name)."""
    return node("", labels=labels)


POD_NA = pod(affinity=node_affinity_in("foo", ["bar"]))
ENFORCED = {"addedAffinity": node_affinity_in("foo", ["bar"])["nodeAffinity"]}
H = "Test_isSchedulableAfterNodeChange"
HINTS = [
    case(H, "backoff-wrong-new-object", args=None, old=None, new="not-a-node", want=True, unreachable=WRONG_OBJECT),
    case(H, "backoff-wrong-old-object", args=None, old="not-a-node", new=n(), want=True, unreachable=WRONG_OBJECT),
    case(H, "skip-queue-on-add", args=None, old=None, new=n(), want=False),
    case(H, "queue-on-add", args=None, old=None, new=n(foo="bar"), want=True),
    case(H, "skip-unrelated-changes", args=None, old=n(), new={**n(), "status": {"capacity": {}}}, want=False),
    case(H, "skip-unrelated-changes-on-labels", args=None, old=n(), new=n(k="v"), want=False),
    case(H, "skip-labels-changes-on-suitable-node", args=None, old=n(foo="bar"), new=n(foo="bar", k="v"),
         want=False),
    case(H, "skip-labels-changes-on-node-from-suitable-to-unsuitable", args=None, old=n(foo="bar"), new=n(k="v"),
         want=False),
    case(H, "queue-on-labels-change-makes-pod-schedulable", args=None, old=n(), new=n(foo="bar"), want=True),
    case(H, "skip-queue-on-add-scheduler-enforced-node-affinity", args=ENFORCED, old=None, new=n(), want=False),
    case(H, "queue-on-add-scheduler-enforced-node-affinity", args=ENFORCED, old=None, new=n(foo="bar"), want=True),
]


@pytest.mark.parametrize("c", HINTS)
def test_is_schedulable_after_node_change(c: dict[str, Any]) -> None:
    assert queueing_hint("NodeAffinity", c["args"], POD_NA, c["old"], c["new"]) is c["want"]
