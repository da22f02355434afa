"""PodTopologySpread PreScore/Score/NormalizeScore: upstream's tables (data/topology_spread_scoring.yaml)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.upstream.cases import case
from tests.upstream.scheduler.st import node, pod, run

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
SCORE = [case("TestPodTopologySpreadScore", c["name"], **_inputs(c)) for c in _DATA["score"]]


@pytest.mark.parametrize("c", PRESCORE)
def test_pre_score_state_empty_nodes(c: dict[str, Any]) -> None:
    result = run("PodTopologySpread", c, points=("PreScore",), score_nodes=c["score_nodes"])
    _constraints, _counts, weights, ignored = result.state.read("PreScorePodTopologySpread")
    assert sorted(ignored) == c["want"]["ignored"]
    assert weights == [math.log(size + 2) for size in c["want"]["sizes"]]


@pytest.mark.parametrize("c", SCORE)
def test_pod_topology_spread_score(c: dict[str, Any]) -> None:
    result = run("PodTopologySpread", c, points=("PreScore", "Score"), score_nodes=c["score_nodes"])
    assert result.scores == c["want"]
