"""The adapter for TestLeastAllocatedScoringStrategy and TestMostAllocatedScoringStrategy: NodeResourcesFit's
Score on every node, under one scoring strategy."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.errors import StepError
from tests.upstream.cases import case
from tests.upstream.scheduler.st import node, pod, req, run


def n(name: str, cpu: str, memory: str, **extended: str) -> dict[str, Any]:
    return node(name, alloc={"cpu": cpu, "memory": memory, **{k.replace("__", "/").replace("_", "."): v
                                                                 for k, v in extended.items()}})


def c(func: str, name: str, requested: dict[str, Any], nodes: list[dict[str, Any]], want: list[int] | str,
      resources: list[dict[str, Any]] | None, existing: list[dict[str, Any]] | None = None, **marks: Any) -> Any:
    return case(func, name, pod=requested, nodes=nodes, pods=existing or [], resources=resources,
                want=want if isinstance(want, str) else dict(zip([x["metadata"]["name"] for x in nodes], want,
                                                               strict=True)), **marks)


def on(node_name: str, **requests: str) -> dict[str, Any]:
    """st.MakePod().Node(node).Req(requests)."""
    return pod(node=node_name, containers=req(requests) if requests else [])


def check(strategy: str, c: dict[str, Any]) -> None:
    args = {"scoringStrategy": {"type": strategy, "resources": c["resources"]}}
    if isinstance(c["want"], str):
        with pytest.raises(StepError, match=c["want"]):
            run("NodeResourcesFit", {**c, "args": args}, points=("Score",))
        return
    result = run("NodeResourcesFit", {**c, "args": args}, points=("PreScore", "Score"))
    assert result.scores == c["want"]
