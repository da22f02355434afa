"""NodeResourcesBalancedAllocation: upstream's PreScore/Score table."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.noderesources import make_node
from tests.upstream.scheduler.st import as_tuple, pod, req, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/balanced_allocation_test.go"
F = "TestNodeResourcesBalancedAllocation"
GPU = "nvidia.com/gpu"
DRA = "the DRAExtendedResource feature (extended resources backed by DRA ResourceSlices) is not modelled"
CPU_AND_MEMORY_AND_GPU = req({"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000", GPU: "3"})
CPU_ONLY = req({"cpu": "1000m", "memory": "0"}, {"cpu": "2000m", "memory": "0"})
CPU_AND_MEMORY = req({"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000"})
DEFAULT = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
WITH_GPU = [*DEFAULT, {"name": GPU, "weight": 1}]
SCALAR = {GPU: 8}


def existing() -> list[dict[str, Any]]:
    """{Spec: cpuOnly} (on node1) and {Spec: cpuAndMemory} (on node2)."""
    return [pod(node="node1", containers=CPU_ONLY), pod(node="node2", containers=CPU_AND_MEMORY)]


def c(name: str, p: dict[str, Any], nodes: list[dict[str, Any]], want: list[int] | None, resources: Any,
      pods: list[dict[str, Any]] | None = None, run_pre_score: bool = True, pre_score: Any = None,
      **marks: Any) -> Any:
    return case(F, name, pod=p, nodes=nodes, pods=pods or [], args={"resources": resources},
                want=None if want is None else dict(zip([x["metadata"]["name"] for x in nodes], want, strict=True)),
                run_pre_score=run_pre_score, pre_score=pre_score, **marks)


CASES = [
    c("nothing scheduled, nothing requested, skip in PreScore", pod(),
      [make_node("node1", 4000, 10000), make_node("node2", 4000, 10000)], None, DEFAULT, pre_score=("Skip",)),
    c("nothing scheduled, resources requested, differently sized nodes", pod(node="node2", containers=CPU_AND_MEMORY),
      [make_node("node1", 4000, 10000), make_node("node2", 6000, 10000)], [87, 100], DEFAULT),
    c("resources requested, pods scheduled with resources", pod(node="node2", containers=CPU_AND_MEMORY),
      [make_node("node1", 10000, 20000), make_node("node2", 10000, 20000)], [82, 95], DEFAULT, existing()),
    c("resources requested, pods scheduled with resources, differently sized nodes",
      pod(node="node2", containers=CPU_AND_MEMORY),
      [make_node("node1", 10000, 20000), make_node("node2", 10000, 50000)], [82, 80], DEFAULT, existing()),
    c("requested resources at node capacity", pod(node="node1", containers=CPU_ONLY),
      [make_node("node1", 6000, 10000), make_node("node2", 6000, 10000)], [50, 75], DEFAULT, existing()),
    c("include scalar resource on a node for balanced resource allocation",
      pod(containers=req({"memory": "0", GPU: "1"})),
      [make_node("node1", 3500, 40000, SCALAR), make_node("node2", 3500, 40000, SCALAR)], [70, 65], WITH_GPU,
      [pod(node="node2", containers=CPU_AND_MEMORY), pod(node="node1", containers=CPU_AND_MEMORY_AND_GPU)]),
    c("node without the scalar resource should skip the scalar resource", pod(node="node2", containers=CPU_AND_MEMORY),
      [make_node("node1", 3500, 40000, SCALAR), make_node("node2", 3500, 40000)], [63, 63], WITH_GPU),
    c("resources requested, pods scheduled with resources if PreScore not called",
      pod(node="node2", containers=CPU_AND_MEMORY),
      [make_node("node1", 10000, 20000), make_node("node2", 10000, 20000)], [82, 95], DEFAULT, existing(),
      run_pre_score=False),
    c("include DRA resource on a node for balanced resource allocation",
      pod(containers=req({"deviceclass.resource.kubernetes.io/gpu": "1"})),
      [make_node("node1", 3500, 40000), make_node("node2", 3500, 40000)], [62, 63],
      [*DEFAULT, {"name": "deviceclass.resource.kubernetes.io/gpu", "weight": 1}], existing(), unmodelled=DRA),
    c("include DRA resource on a node for balanced resource allocation if PreScore not called",
      pod(containers=req({"deviceclass.resource.kubernetes.io/gpu": "1"})),
      [make_node("node1", 3500, 40000), make_node("node2", 3500, 40000)], [62, 63],
      [*DEFAULT, {"name": "deviceclass.resource.kubernetes.io/gpu", "weight": 1}], existing(), run_pre_score=False,
      unmodelled=DRA),
]


@pytest.mark.parametrize("c", CASES)
def test_node_resources_balanced_allocation(c: dict[str, Any]) -> None:
    points = ("PreScore", "Score") if c["run_pre_score"] else ("Score",)
    result = run("NodeResourcesBalancedAllocation", c, points=points)
    if c["run_pre_score"]:
        assert as_tuple(result.pre_score) == c["pre_score"]
    if c["want"] is not None:
        assert result.scores == c["want"]
