"""NodeResourcesFit, RequestedToCapacityRatio, and helper.BuildBrokenLinearFunction: upstream's tables."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler.plugins.helper import build_broken_linear_function
from tests.upstream.cases import case
from tests.upstream.scheduler.noderesources import DEFAULT_RESOURCES, make_node
from tests.upstream.scheduler.scoring_strategy import n, on
from tests.upstream.scheduler.st import MB, pod, req, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio_test.go"
DEFAULT_SHAPE = [{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]
BIN_PACKING_SHAPE = [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 1}]
FOO, BAR = "intel.com/foo", "intel.com/bar"


def c(func: str, name: str, p: dict[str, Any], nodes: list[dict[str, Any]], want: list[int],
      resources: list[dict[str, Any]], shape: list[dict[str, int]], pods: list[dict[str, Any]] | None = None) -> Any:
    args = {"scoringStrategy": {"type": "RequestedToCapacityRatio", "resources": resources,
                                "requestedToCapacityRatio": {"shape": shape}}}
    return case(func, name, pod=p, nodes=nodes, pods=pods or [], args=args,
                want=dict(zip([x["metadata"]["name"] for x in nodes], want, strict=True)))


R = "TestRequestedToCapacityRatioScoringStrategy"
S = "TestResourceBinPackingSingleExtended"
M = "TestResourceBinPackingMultipleExtended"
TWO = req({"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"})
SINGLE = [{"name": FOO, "weight": 1}]
MULTIPLE = [{"name": FOO, "weight": 3}, {"name": BAR, "weight": 5}]


def single_nodes() -> list[dict[str, Any]]:
    return [make_node("node1", 4000, 10000 * MB, {FOO: 8}), make_node("node2", 4000, 10000 * MB, {FOO: 4})]


def multiple_nodes() -> list[dict[str, Any]]:
    return [make_node("node1", 4000, 10000 * MB, {FOO: 8, BAR: 4}),
            make_node("node2", 4000, 10000 * MB, {FOO: 4, BAR: 8})]


# st.MakePod().Obj() in upstream's pods lists is bound to no node: the snapshot leaves it out, and so does the port
CASES = [
    c(R, "nothing scheduled, nothing requested (default - least requested nodes have priority)", pod(),
      [n("node1", "4000", "10000"), n("node2", "4000", "10000")], [100, 100], DEFAULT_RESOURCES, DEFAULT_SHAPE,
      [on("node1"), on("node1")]),
    c(R, "nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have "
         "priority)", pod(containers=TWO), [n("node1", "4000", "10000"), n("node2", "6000", "10000")], [38, 50],
      DEFAULT_RESOURCES, DEFAULT_SHAPE, [on("node1"), on("node1")]),
    c(R, "no resources requested, pods scheduled with resources (default - least requested nodes have priority)",
      pod(), [n("node1", "4000", "10000"), n("node2", "6000", "10000")], [38, 50], DEFAULT_RESOURCES, DEFAULT_SHAPE,
      [on("node1", cpu="3000", memory="5000"), on("node2", cpu="3000", memory="5000")]),
    c(S, "nothing scheduled, nothing requested", pod(), single_nodes(), [0, 0], SINGLE, BIN_PACKING_SHAPE),
    c(S, "resources requested, pods scheduled with less resources", pod(containers=req({FOO: "2"})), single_nodes(),
      [2, 5], SINGLE, BIN_PACKING_SHAPE),
    c(S, "resources requested, pods scheduled with resources, on node with existing pod running ",
      pod(containers=req({FOO: "2"})), single_nodes(), [2, 10], SINGLE, BIN_PACKING_SHAPE,
      [pod(node="node2", containers=req({FOO: "2"}))]),
    c(S, "resources requested, pods scheduled with more resources", pod(containers=req({FOO: "4"})), single_nodes(),
      [5, 10], SINGLE, BIN_PACKING_SHAPE),
    c(M, "nothing scheduled, nothing requested", pod(), multiple_nodes(), [0, 0], MULTIPLE, BIN_PACKING_SHAPE),
    c(M, "resources requested, pods scheduled with less resources", pod(containers=req({FOO: "2", BAR: "2"})),
      multiple_nodes(), [4, 3], MULTIPLE, BIN_PACKING_SHAPE),
    c(M, "resources requested, pods scheduled with resources, on node with existing pod running ",
      pod(containers=req({FOO: "2", BAR: "2"})), multiple_nodes(), [4, 7], MULTIPLE, BIN_PACKING_SHAPE,
      [pod(node="node2", containers=req({FOO: "4", BAR: "2"}))]),
    c(M, "resources requested, pods scheduled with more resources", pod(containers=req({FOO: "4", BAR: "2"})),
      multiple_nodes(), [5, 5], MULTIPLE, BIN_PACKING_SHAPE),
]


@pytest.mark.parametrize("c", CASES)
def test_requested_to_capacity_ratio(c: dict[str, Any]) -> None:
    assert run("NodeResourcesFit", c, points=("Score",)).scores == c["want"]


BROKEN_LINEAR = [
    case("TestBrokenLinearFunction", "case_0", points=[(10, 1), (90, 9)],
         want={-10: 1, 0: 1, 9: 1, 10: 1, 15: 1, 19: 1, 20: 2, 89: 8, 90: 9, 99: 9, 100: 9, 110: 9}),
    case("TestBrokenLinearFunction", "case_1", points=[(0, 2), (40, 10), (100, 0)],
         want={-10: 2, 0: 2, 20: 6, 30: 8, 40: 10, 70: 5, 100: 0, 110: 0}),
    case("TestBrokenLinearFunction", "case_2", points=[(0, 2), (40, 2), (100, 2)],
         want={-10: 2, 0: 2, 20: 2, 30: 2, 40: 2, 70: 2, 100: 2, 110: 2}),
]


@pytest.mark.parametrize("c", BROKEN_LINEAR)
def test_broken_linear_function(c: dict[str, Any]) -> None:
    f = build_broken_linear_function(c["points"])
    assert {p: f(p) for p in c["want"]} == c["want"]
