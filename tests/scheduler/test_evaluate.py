"""kspec.scheduler.evaluate: one plugin against a cluster state."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.errors import PluginError
from kspec.scheduler import evaluate
from kspec.scheduler.framework import Code, Plugin, Status


def node(name: str, **labels: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels},
            "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}}}


POD = {"metadata": {"name": "web"}, "spec": {"nodeSelector": {"zone": "b"},
                                             "containers": [{"name": "c", "image": "nginx"}]}}


def test_the_docstring_example() -> None:
    result = evaluate("NodeAffinity", POD, [node("n1", zone="a"), node("n2", zone="b")])
    assert result.filter["n1"].code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    assert result.filter["n1"].message == "node(s) didn't match Pod's node affinity/selector"
    assert result.feasible() == ["n2"]
    assert result.pre_score is not None and result.pre_score.code == Code.SKIP
    assert result.scores == {"n1": 0, "n2": 0}


def test_existing_pods_count_and_score_nodes_limit_scoring() -> None:
    busy = {"metadata": {"name": "busy"}, "spec": {"nodeName": "n1", "containers": [
        {"name": "c", "image": "x", "resources": {"requests": {"cpu": "1", "memory": "2Gi"}}}]}}
    result = evaluate("NodeResourcesFit", POD, [node("n1"), node("n2"), node("n3")], pods=[busy],
                      score_nodes=["n1", "n2"])
    assert set(result.scores) == {"n1", "n2"}
    assert result.scores["n1"] < result.scores["n2"]


def test_a_third_party_plugin_class() -> None:
    class OnlyEven(Plugin):
        NAME = "OnlyEven"

        def filter(self, state: Any, pi: Any, ni: Any) -> Status | None:
            return None if ni.name.endswith(("0", "2")) else Status(Code.UNSCHEDULABLE, "odd node")

    result = evaluate(OnlyEven, POD, [node("n1"), node("n2")])
    assert result.feasible() == ["n2"] and result.filter["n1"].reasons == ["odd node"]


def test_bad_arguments_say_what_is_wrong() -> None:
    with pytest.raises(PluginError, match='unknown scheduler plugin "Nope"'):
        evaluate("Nope", POD, [])
    with pytest.raises(PluginError, match="unknown extension point"):
        evaluate("NodeName", POD, [], points=("Bind",))
    with pytest.raises(PluginError, match='existing pod "x" has no spec.nodeName'):
        evaluate("NodeName", POD, [node("n1")], pods=[{"metadata": {"name": "x"}, "spec": {}}])
