"""NodeResourcesFit, MostAllocated: upstream's Score table."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.scheduler.noderesources import DEFAULT_RESOURCES, EXTENDED_RES, EXTENDED_RESOURCE_SET
from tests.upstream.scheduler.scoring_strategy import c, check, n, on
from tests.upstream.scheduler.st import pod, req

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/most_allocated_test.go"
F = "TestMostAllocatedScoringStrategy"
TWO = req({"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"})
X = EXTENDED_RES
BARE = [{"name": "container", "image": "pause"}]

CASES = [
    c(F, "nothing scheduled, nothing requested", pod(), [n("node1", "4000", "10000"), n("node2", "4000", "10000")],
      [0, 0], DEFAULT_RESOURCES),
    c(F, "nothing scheduled, resources requested, differently sized nodes", pod(containers=TWO),
      [n("node1", "4000", "10000"), n("node2", "6000", "10000")], [62, 50], DEFAULT_RESOURCES),
    c(F, "Resources not set, pods scheduled with error", pod(containers=TWO),
      [n("node1", "4000", "10000"), n("node2", "6000", "10000")], [0, 0], None,
      unreachable="the scheduler's configuration defaulting always gives NodeResourcesFit resources "
                  "(cpu and memory); kspec applies that default when the plugin is built"),
    c(F, "no resources requested, pods scheduled with resources", pod(),
      [n("node1", "10000", "20000"), n("node2", "10000", "20000")], [30, 42], DEFAULT_RESOURCES,
      [on("node1", cpu="3000", memory="0"), on("node1", cpu="3000", memory="0"),
       on("node2", cpu="3000", memory="0"), on("node2", cpu="3000", memory="5000")]),
    c(F, "resources requested, pods scheduled with resources", pod(containers=TWO),
      [n("node1", "10000", "20000"), n("node2", "10000", "20000")], [42, 55], DEFAULT_RESOURCES,
      [on("node1", cpu="3000", memory="0"), on("node2", cpu="3000", memory="5000")]),
    c(F, "resources requested equal node capacity",
      pod(containers=req({"cpu": "2000", "memory": "4000"}, {"cpu": "3000", "memory": "5000"})),
      [n("node1", "5000", "10000"), n("node2", "10000", "9000")], [95, 75], DEFAULT_RESOURCES),
    # upstream's table repeats the name; go test runs the second one as "<name>#01"
    c(F, "nothing scheduled, resources requested, differently sized nodes#01", pod(containers=TWO),
      [n("node1", "4000", "10000"), n("node2", "6000", "10000")], [58, 50],
      [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}]),
    c(F, "no resources requested, pods scheduled, nonzero request for resource", pod(containers=BARE),
      [n("node1", "250m", "1000Mi"), n("node2", "250m", "1000Mi")], [80, 30], DEFAULT_RESOURCES,
      [pod(node="node1", containers=BARE), pod(node="node1", containers=BARE)]),
    c(F, "resource with negative weight", pod(containers=TWO), [n("node2", "4000", "10000")],
      r"scoringStrategy\.resources\[0\]\.weight: Invalid value: -1",
      [{"name": "memory", "weight": -1}, {"name": "cpu", "weight": 1}]),
    c(F, "resource with zero weight", pod(containers=TWO), [n("node2", "4000", "10000")],
      r"scoringStrategy\.resources\[1\]\.weight: Invalid value: 0",
      [{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 0}]),
    c(F, "resource weight larger than MaxNodeScore", pod(containers=TWO), [n("node2", "4000", "10000")],
      r"scoringStrategy\.resources\[0\]\.weight: Invalid value: 101", [{"name": "memory", "weight": 101}]),
    c(F, "bypass extended resource if the pod does not request", pod(containers=TWO),
      [n("node1", "6000", "10000"), n("node2", "6000", "10000", abc_com__xyz="4")], [50, 50], EXTENDED_RESOURCE_SET),
    c(F, "honor extended resource if the pod request",
      pod(node="node1", containers=req({"cpu": "3000", "memory": "5000", X: "2"})),
      [n("node1", "6000", "10000", abc_com__xyz="4"), n("node2", "6000", "10000", abc_com__xyz="10")], [50, 40],
      EXTENDED_RESOURCE_SET),
    c(F, "if the node doesn't have a resource", pod(node="node1", containers=req({"cpu": "3000", "memory": "4000"})),
      [n("node1", "6000", "10000"), n("node2", "6000", "10000", abc_com__xyz="4")], [45, 45],
      [{"name": X, "weight": 2}, {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]),
]


@pytest.mark.parametrize("c", CASES)
def test_most_allocated_scoring_strategy(c: dict[str, Any]) -> None:
    check("MostAllocated", c)
