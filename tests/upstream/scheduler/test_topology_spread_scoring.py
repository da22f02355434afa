"""PodTopologySpread PreScore/Score/NormalizeScore: upstream's TestPreScoreStateEmptyNodes
(data/topology_spread_scoring.yaml,
the normalizing weights and ignored nodes it checks) and TestPodTopologySpreadScore."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.upstream.cases import case
from tests.upstream.scheduler.st import node, node_affinity_in, pod, ps, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go"
_DATA = yaml.safe_load((Path(__file__).parent / "data" / "topology_spread_scoring.yaml").read_text())


def _inputs(c: dict[str, Any]) -> dict[str, Any]:
    nodes = [node(name, labels=labels, alloc={"cpu": "4", "memory": "8Gi", "pods": "110"})
             for name, labels in {**c["nodes"], **(c.get("failed") or {})}.items()]
    labels = c["pod"]["labels"]
    pods = [pod(f"{name}-{i}", node=name, labels=labels) for name, count in (c.get("matching") or {}).items()
            for i in range(count)]
    objects = [{"kind": "Service", "metadata": {"name": f"s{i}"}, "spec": {"selector": sel}}
               for i, sel in enumerate(c.get("services") or [])]
    objects += [{"kind": "ReplicaSet", "metadata": {"name": name}, "spec": {"selector": sel}}
                for name, sel in (c.get("replicasets") or {}).items()]
    p = pod("p", labels=labels, containers=[{"name": "c", "image": "x"}],
            topologySpreadConstraints=c["pod"].get("constraints") or [])
    owner = c["pod"].get("owner")
    if owner:
        p["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner,
                                             "uid": owner, "controller": True}]
    return {"pod": p, "nodes": nodes, "pods": pods, "objects": objects, "args": c["args"],
            "score_nodes": list(c["nodes"]), "want": c["want"]}


PRESCORE = [case("TestPreScoreStateEmptyNodes", c["name"], **_inputs(c)) for c in _DATA["prescore"]]


@pytest.mark.parametrize("c", PRESCORE)
def test_pre_score_state_empty_nodes(c: dict[str, Any]) -> None:
    result = run("PodTopologySpread", c, points=("PreScore",), score_nodes=c["score_nodes"])
    _constraints, _counts, weights, ignored = result.state.read("PreScorePodTopologySpread")
    assert sorted(ignored) == c["want"]["ignored"]
    assert weights == [math.log(size + 2) for size in c["want"]["sizes"]]


# -- TestPodTopologySpreadScore ----------------------------------------------------------------------------------
H = "kubernetes.io/hostname"
FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
BAR = {"matchExpressions": [{"key": "bar", "operator": "Exists"}]}
TAINTS = [{"key": "node.kubernetes.io/unschedulable", "value": "", "effect": "NoSchedule"}]


def sc(max_skew: int, key: str, selector: dict[str, Any] | None = None, min_domains: int | None = None,
       affinity_policy: str | None = None, taints_policy: str | None = None,
       match_label_keys: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway"}
    for field, value in (("labelSelector", selector), ("minDomains", min_domains),
                         ("nodeAffinityPolicy", affinity_policy), ("nodeTaintsPolicy", taints_policy),
                         ("matchLabelKeys", match_label_keys)):
        if value is not None:
            out[field] = value
    return out


def nd(name: str, zone: str | None = None, key: str = H, *, foo: bool = False, taint: bool = False) -> dict[str, Any]:
    labels = {key: f"node-{name}"}
    if zone:
        labels["zone"] = zone
    if foo:
        labels["foo"] = ""
    return node(f"node-{name}", labels=labels, taints=TAINTS if taint else None)


def incoming(*constraints: dict[str, Any], labels: str = "foo", **spec: Any) -> dict[str, Any]:
    return pod("p", labels={k: "" for k in labels.split(",")}, containers=[{"name": "c", "image": "x"}],
               topologySpreadConstraints=list(constraints), **spec)


def sc_case(name: str, p: dict[str, Any], nodes: list[dict[str, Any]], pods: str, want: list[int],
            failed: list[dict[str, Any]] | None = None, objects: list[dict[str, Any]] | None = None,
            **marks: Any) -> Any:
    names = [n["metadata"]["name"] for n in nodes]
    return case("TestPodTopologySpreadScore", name, pod=p, nodes=[*nodes, *(failed or [])], pods=ps(pods),
                objects=objects or [], args={"defaultingType": "System"}, score_nodes=names,
                want=dict(zip(names, want, strict=True)), **marks)


def four(key: str = H) -> list[dict[str, Any]]:
    return [nd("a", key=key), nd("b", key=key), nd("c", key=key), nd("d", key=key)]


def zoned(*names: str) -> list[dict[str, Any]]:
    zones = {"a": "zone1", "b": "zone1", "x": "zone2", "y": "zone2", "c": "zone2", "d": "zone2"}
    return [nd(n, zones[n]) for n in names]


ON_NODE = incoming(sc(1, H, FOO))
SPREAD_2103 = "a1 a2 b1 d1 d2 d3"
SPREAD_4321 = "a1 a2 a3 a4 b1 b2 b3 c1 c2 d1"
SPREAD_4213 = "a1 a2 a3 a4 b1 b2 x1 y1 y2 y3"
POLICY_NODES = [nd("a", key="node", foo=True), nd("b", key="node", foo=True), nd("c", key="node")]
TAINT_NODES = [nd("a", key="node"), nd("b", key="node"), nd("c", key="node", taint=True)]
GATE_OFF = ("kspec has matchLabelKeys always on (MatchLabelKeysInPodTopologySpread is GA); upstream's case turns "
            "the gate off")
SCORE = [
    sc_case("one constraint on node, no existing pods", ON_NODE, [nd("a"), nd("b")], "", [100, 100]),
    sc_case("one constraint on node, only one node is candidate", ON_NODE, [nd("a")], "a1 a2 b1", [100],
            failed=[nd("b")]),
    sc_case("one constraint on node, all nodes have the same number of matching pods", ON_NODE, [nd("a"), nd("b")],
            "a1 b1", [100, 100]),
    sc_case("one constraint on node, all 4 nodes are candidates", ON_NODE, four(), SPREAD_2103, [20, 60, 100, 0]),
    sc_case("one constraint on node, null selector", incoming(sc(1, H)), four(), SPREAD_2103, [100, 100, 100, 100]),
    sc_case("one constraint on node, all 4 nodes are candidates, maxSkew=2", incoming(sc(2, H, FOO)), four(),
            SPREAD_2103, [33, 66, 100, 16]),
    sc_case("one constraint on node, all 4 nodes are candidates, maxSkew=3", incoming(sc(3, H, FOO)), four(),
            SPREAD_4321, [44, 66, 77, 100]),
    sc_case("system defaulting, nodes don't have zone, pods match service", incoming(), four(), SPREAD_4321,
            [44, 66, 77, 100], objects=[{"kind": "Service", "metadata": {"name": "s"},
                                         "spec": {"selector": {"foo": ""}}}]),
    sc_case("one constraint on node, 3 out of 4 nodes are candidates", ON_NODE, [nd("a"), nd("b"), nd("x")],
            SPREAD_4213, [33, 83, 100], failed=[nd("y")]),
    sc_case("one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key", ON_NODE,
            [nd("a"), nd("b", key="n"), nd("x")], SPREAD_4213, [16, 0, 100], failed=[nd("y")]),
    sc_case("one constraint on zone, 3 out of 4 nodes are candidates", incoming(sc(1, "zone", FOO)),
            zoned("a", "b", "x"), SPREAD_4213, [75, 75, 100], failed=zoned("y")),
    sc_case("two Constraints on zone and node, 2 out of 4 nodes are candidates",
            incoming(sc(1, "zone", FOO), sc(1, H, FOO)), zoned("a", "x"), "a1 a2 b1 x1 x2 y1 y2 y3 y4", [100, 63],
            failed=zoned("b", "y")),
    sc_case("two Constraints on zone and node, with different labelSelectors",
            incoming(sc(1, "zone", FOO), sc(1, H, BAR), labels="foo,bar"), zoned("a", "b", "x", "y"),
            "a1 b1:foo,bar y1 y2:bar", [60, 20, 100, 60]),
    sc_case("two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods",
            incoming(sc(1, "zone", FOO), sc(1, H, BAR), labels="foo,bar"), zoned("a", "b", "x", "y"),
            "b1:bar x1 y1:foo,bar", [100, 60, 40, 0]),
    sc_case("two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates",
            incoming(sc(1, "zone", FOO), sc(1, H, BAR), labels="foo,bar"), zoned("a", "b", "x"),
            "a1 b1:foo,bar y1 y2:bar", [50, 25, 100], failed=zoned("y")),
    sc_case("existing pods in a different namespace do not count", ON_NODE, [nd("a"), nd("b")], "a1/ns1 a2 b1 b2",
            [100, 33]),
    sc_case("terminating Pods should be excluded", ON_NODE, [nd("a"), nd("b")], "a! b", [100, 0]),
    sc_case("minDomains has no effect when ScheduleAnyway", incoming(sc(2, "node", FOO, min_domains=10)),
            [nd("a", key="node"), nd("b", key="node"), nd("c", key="node")], "a1 a2 b1 b2 c1", [75, 75, 100]),
    sc_case("NodeAffinityPolicy honoed with labelSelectors", incoming(sc(1, "node", FOO), nodeSelector={"foo": ""}),
            POLICY_NODES, "a1 a2 b1 c1", [0, 33, 100]),
    sc_case("NodeAffinityPolicy ignored with labelSelectors",
            incoming(sc(1, "node", FOO, affinity_policy="Ignore"), nodeSelector={"foo": ""}), POLICY_NODES,
            "a1 a2 b1 c1", [66, 100, 100]),
    sc_case("NodeAffinityPolicy honoed with nodeAffinity",
            incoming(sc(1, "node", FOO), affinity=node_affinity_in("foo", [""])), POLICY_NODES, "a1 a2 b1 c1",
            [0, 33, 100]),
    sc_case("NodeAffinityPolicy ignored with nodeAffinity",
            incoming(sc(1, "node", FOO, affinity_policy="Ignore"), affinity=node_affinity_in("foo", [""])),
            POLICY_NODES, "a1 a2 b1 c1", [66, 100, 100]),
    sc_case("NodeTaintsPolicy honored", incoming(sc(1, "node", FOO, taints_policy="Honor")), TAINT_NODES,
            "a1 a2 b1 c1", [0, 33, 100]),
    sc_case("NodeTaintsPolicy ignored", incoming(sc(1, "node", FOO)), TAINT_NODES, "a1 a2 b1 c1", [66, 100, 100]),
    sc_case("matchLabelKeys ignored when feature gate disabled",
            incoming(sc(1, "zone", FOO, match_label_keys=["baz"]), sc(1, H, BAR, match_label_keys=["baz"]),
                     labels="foo,bar,baz"), zoned("a", "b", "c", "d"), "a1 b1:foo,bar y1@c y2@c:bar",
            [60, 20, 60, 100], unmodelled=GATE_OFF),
    sc_case("matchLabelKeys ANDed with LabelSelector when LabelSelector is empty",
            incoming(sc(1, "zone", {}, match_label_keys=["foo"]), sc(1, H, {}, match_label_keys=["bar"]),
                     labels="foo,bar"), zoned("a", "b", "c", "d"), "a1 b1:foo,bar y1@c y2@c:bar", [60, 20, 60, 100]),
    sc_case("matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty",
            incoming(sc(1, "zone", FOO), sc(1, H, BAR, match_label_keys=["baz"]), labels="foo,bar,baz"),
            zoned("a", "b", "c", "d"), "a1 b1:foo,bar,baz c1 c2:bar d3@c:bar,baz", [60, 20, 60, 100]),
]


@pytest.mark.parametrize("c", SCORE)
def test_pod_topology_spread_score(c: dict[str, Any]) -> None:
    result = run("PodTopologySpread", c, points=("PreScore", "Score"), score_nodes=c["score_nodes"])
    assert result.scores == c["want"]
