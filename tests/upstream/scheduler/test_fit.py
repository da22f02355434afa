"""NodeResourcesFit PreFilter/Filter: upstream's TestEnoughRequests, TestPreFilterDisabled, TestNotEnoughRequests
and TestStorageRequests.

The stored version of the table (commit 24fbb13) expects ``Unschedulable`` for every shortfall. Current
``fit.go`` marks a resource unresolvable when the request exceeds the node's whole allocatable, and the Filter
status is then ``UnschedulableAndUnresolvable`` (UPSTREAM.md, "Corrections", SCH-07); kspec follows the current
code, so those cases (``over=True``) expect that code, with the table's reasons unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.st import UNRESOLVABLE, UNSCHED, as_tuple, node, pod, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/fit_test.go"
A, B = "example.com/aaa", "example.com/bbb"
KA, KB = "kubernetes.io/something", "subdomain.kubernetes.io/something"
HP = "hugepages-2Mi"


def res(cpu: int = 0, mem: int = 0, storage: int = 0, **scalars: int) -> dict[str, Any]:
    """framework.Resource{MilliCPU, Memory, EphemeralStorage, ScalarResources} as a container's requests
    (newResourcePod writes the zero quantities too)."""
    out: dict[str, Any] = {"cpu": f"{cpu}m", "memory": str(mem), "pods": "0", "ephemeral-storage": str(storage)}
    for name, v in scalars.items():
        out[{"a": A, "b": B, "ka": KA, "kb": KB, "hp": HP}[name]] = str(v)
    return out


def rpod(*usage: dict[str, Any], init: list[dict[str, Any]] | None = None,
         overhead: dict[str, str] | None = None, on: str = "") -> dict[str, Any]:
    """newResourcePod / newResourceInitPod / newResourceOverheadPod."""
    spec: dict[str, Any] = {}
    if init:
        spec["initContainers"] = [{"name": f"i{i}", "image": "x", "resources": {"requests": r}}
                                  for i, r in enumerate(init)]
    if overhead:
        spec["overhead"] = overhead
    return pod(node=on, containers=[{"name": f"c{i}", "image": "x", "resources": {"requests": r}}
                                    for i, r in enumerate(usage)], **spec)


def alloc(cpu: int, mem: int, pods: int, a: int, storage: int, hp: int) -> dict[str, Any]:
    """makeAllocatableResources(milliCPU, memory, pods, extendedA, storage, hugePageA)."""
    return {"cpu": f"{cpu}m", "memory": mem, "pods": pods, A: a, "ephemeral-storage": storage, HP: hp}


def c(func: str, name: str, p: dict[str, Any], existing: dict[str, Any], *reasons: str, args: Any = None,
      over: bool = False, allocatable: dict[str, Any] | None = None, **marks: Any) -> Any:
    want = None if not reasons else (UNRESOLVABLE if over else UNSCHED, *reasons)
    existing = {**existing, "spec": {**existing["spec"], "nodeName": "node"}}
    return case(func, name, pod=p, pods=[existing], args=args,
                nodes=[node("node", alloc=allocatable or alloc(10, 20, 32, 5, 20, 5))], want=want, **marks)


def ins(r: str) -> str:
    return f"Insufficient {r}"


E = "TestEnoughRequests"
CPU, MEM = ins("cpu"), ins("memory")
ENOUGH = [
    c(E, "no resources requested always fits", pod(), rpod(res(10, 20))),
    c(E, "too many resources fails", rpod(res(1, 1)), rpod(res(10, 20)), CPU, MEM),
    c(E, "too many resources fails due to init container cpu", rpod(res(1, 1), init=[res(3, 1)]), rpod(res(8, 19)),
      CPU),
    c(E, "too many resources fails due to highest init container cpu", rpod(res(1, 1), init=[res(3, 1), res(2, 1)]),
      rpod(res(8, 19)), CPU),
    c(E, "too many resources fails due to init container memory", rpod(res(1, 1), init=[res(1, 3)]), rpod(res(9, 19)),
      MEM),
    c(E, "too many resources fails due to highest init container memory", rpod(res(1, 1), init=[res(1, 3), res(1, 2)]),
      rpod(res(9, 19)), MEM),
    c(E, "init container fits because it's the max, not sum, of containers and init containers",
      rpod(res(1, 1), init=[res(1, 1)]), rpod(res(9, 19))),
    c(E, "multiple init containers fit because it's the max, not sum, of containers and init containers",
      rpod(res(1, 1), init=[res(1, 1), res(1, 1)]), rpod(res(9, 19))),
    c(E, "both resources fit", rpod(res(1, 1)), rpod(res(5, 5))),
    c(E, "one resource memory fits", rpod(res(2, 1)), rpod(res(9, 5)), CPU),
    c(E, "one resource cpu fits", rpod(res(1, 2)), rpod(res(5, 19)), MEM),
    c(E, "equal edge case", rpod(res(5, 1)), rpod(res(5, 19))),
    c(E, "equal edge case for init container", rpod(res(4, 1), init=[res(5, 1)]), rpod(res(5, 19))),
    c(E, "extended resource fits", rpod(res(a=1)), rpod(res())),
    c(E, "extended resource fits for init container", rpod(res(), init=[res(a=1)]), rpod(res())),
    c(E, "extended resource capacity enforced", rpod(res(1, 1, a=10)), rpod(res(a=0)), ins(A), over=True),
    c(E, "extended resource capacity enforced for init container", rpod(res(), init=[res(1, 1, a=10)]),
      rpod(res(a=0)), ins(A), over=True),
    c(E, "extended resource allocatable enforced", rpod(res(1, 1, a=1)), rpod(res(a=5)), ins(A)),
    c(E, "extended resource allocatable enforced for init container", rpod(res(), init=[res(1, 1, a=1)]),
      rpod(res(a=5)), ins(A)),
    c(E, "extended resource allocatable enforced for multiple containers", rpod(res(1, 1, a=3), res(1, 1, a=3)),
      rpod(res(a=2)), ins(A), over=True),
    c(E, "extended resource allocatable admits multiple init containers",
      rpod(res(), init=[res(1, 1, a=3), res(1, 1, a=3)]), rpod(res(a=2))),
    c(E, "extended resource allocatable enforced for multiple init containers",
      rpod(res(), init=[res(1, 1, a=6), res(1, 1, a=3)]), rpod(res(a=2)), ins(A), over=True),
    c(E, "extended resource allocatable enforced for unknown resource", rpod(res(1, 1, b=1)), rpod(res()), ins(B),
      over=True),
    c(E, "extended resource allocatable enforced for unknown resource for init container",
      rpod(res(), init=[res(1, 1, b=1)]), rpod(res()), ins(B), over=True),
    c(E, "kubernetes.io resource capacity enforced", rpod(res(1, 1, ka=10)), rpod(res()), ins(KA), over=True),
    c(E, "kubernetes.io resource capacity enforced for init container", rpod(res(), init=[res(1, 1, kb=10)]),
      rpod(res()), ins(KB), over=True),
    c(E, "hugepages resource capacity enforced", rpod(res(1, 1, hp=10)), rpod(res(hp=0)), ins(HP), over=True),
    c(E, "hugepages resource capacity enforced for init container", rpod(res(), init=[res(1, 1, hp=10)]),
      rpod(res(hp=0)), ins(HP), over=True),
    c(E, "hugepages resource allocatable enforced for multiple containers", rpod(res(1, 1, hp=3), res(1, 1, hp=3)),
      rpod(res(hp=2)), ins(HP), over=True),
    c(E, "skip checking ignored extended resource", rpod(res(1, 1, b=1)), rpod(res()),
      args={"ignoredResources": [B]}),
    c(E, "resources + pod overhead fits", rpod(res(1, 1), overhead={"cpu": "3m", "memory": "13"}), rpod(res(5, 5))),
    c(E, "requests + overhead does not fit for memory", rpod(res(1, 1), overhead={"cpu": "1m", "memory": "15"}),
      rpod(res(5, 5)), MEM),
    c(E, "skip checking ignored extended resource via resource groups", rpod(res(1, 1, b=1, ka=1)), rpod(res()),
      ins(KA), args={"ignoredResourceGroups": ["example.com"]}, over=True),
    c(E, "skip checking extended resource request with quantity zero via resource groups", rpod(res(1, 1, a=0)),
      rpod(res(a=6))),
    c(E, "skip checking resource request with quantity zero", rpod({A: "1"}), rpod(res(20, 30, a=1))),
]

N = "TestNotEnoughRequests"
S = "TestStorageRequests"
ONE_POD = alloc(10, 20, 1, 0, 0, 0)
MORE = [
    c("TestPreFilterDisabled", "TestPreFilterDisabled", pod(), pod(),
      "error reading \"PreFilterNodeResourcesFit\" from cycleState: not found",
      unmodelled="kspec's Filter reads the pod's requests itself, so it needs no PreFilter state and has no "
                 "missing-state error"),
    c(N, "even without specified resources, predicate fails when there's no space for additional pod", pod(),
      rpod(res(10, 20)), "Too many pods", allocatable=ONE_POD),
    c(N, "even if both resources fit, predicate fails when there's no space for additional pod", rpod(res(1, 1)),
      rpod(res(5, 5)), "Too many pods", allocatable=ONE_POD),
    c(N, "even for equal edge case, predicate fails when there's no space for additional pod", rpod(res(5, 1)),
      rpod(res(5, 19)), "Too many pods", allocatable=ONE_POD),
    c(N, "even for equal edge case, predicate fails when there's no space for additional pod due to init container",
      rpod(res(5, 1), init=[res(5, 1)]), rpod(res(5, 19)), "Too many pods", allocatable=ONE_POD),
    c(S, "empty storage requested, and pod fits", rpod(res(1, 1)), rpod(res(2, 10))),
    c(S, "storage ephemeral local storage request exceeds allocatable", rpod(res(storage=25)), rpod(res(2, 2)),
      ins("ephemeral-storage"), over=True),
    c(S, "ephemeral local storage is sufficient", rpod(res(storage=5)), rpod(res(2, 2, storage=10))),
    c(S, "pod fits", rpod(res(storage=10)), rpod(res(2, 2))),
]


@pytest.mark.parametrize("c", ENOUGH + MORE)
def test_fit_filter(c: dict[str, Any]) -> None:
    if c["want"] and c["want"][1].startswith("error reading"):
        result = run("NodeResourcesFit", c, points=("Filter",))
        assert as_tuple(result.filter["node"]) == ("Error", c["want"][1])
        return
    result = run("NodeResourcesFit", c, points=("PreFilter", "Filter"))
    assert as_tuple(result.pre_filter) is None
    assert as_tuple(result.filter["node"]) == c["want"]
