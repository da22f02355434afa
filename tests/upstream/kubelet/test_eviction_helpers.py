"""kubernetes pkg/kubelet/eviction/helpers_test.go: the pod ranking comparators, against kspec's eviction manager.

kspec models memory pressure only; the disk, inode and PID rankings have no kspec counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kspec.kubelet import eviction_manager as em
from kspec.quantity import to_int
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/eviction/helpers_test.go"

LOW, DEFAULT, HIGH = -1, 0, 1  # lowPriority, defaultPriority, highPriority


@dataclass
class FakeWorker:
    """What the ranking reads from a pod worker: the pod, its memory request and its working set (the stats)."""

    name: str
    pod: dict
    usage: int
    namespace: str = "default"

    def memory_usage(self) -> int:
        return self.usage

    def memory_request(self) -> int:
        return sum(to_int(((c.get("resources") or {}).get("requests") or {}).get("memory") or "0")
                   for c in self.pod["spec"]["containers"])


def worker(name: str, priority: int, request: str, usage: str) -> FakeWorker:
    """newPod(name, priority, [newContainer(name, newResourceList("", request, ""), ...)]) with its memory stats."""
    requests = {"memory": request} if request else {}
    return FakeWorker(name, {"spec": {"priority": priority,
                                      "containers": [{"name": name, "resources": {"requests": requests}}]}},
                      to_int(usage))


COMPARATORS = {"exceedMemoryRequests": em.exceed_memory_requests, "priority": em.priority, "memory": em.memory}
UNMODELLED = "ranking on ephemeral storage, inodes or processes: kspec models memory pressure only"

CASES = [
    case("TestOrderedByExceedsRequestMemory", "exceeds first", by=["exceedMemoryRequests"],
         pods=[("below-requests", -1, "200Mi", "199Mi"), ("exceeds-requests", 1, "100Mi", "101Mi")],
         expected=["exceeds-requests", "below-requests"]),
    case("TestOrderedByExceedsRequestDisk", "exceeds first", by=["exceedDiskRequests"], pods=[],
         expected=["exceeds-requests", "below-requests"], unmodelled=UNMODELLED),
    case("TestOrderedByPriority", "low first", by=["priority"],
         pods=[("high-priority", 12534, "200Mi", "0"), ("medium-priority", 1, "100Mi", "0"),
               ("low-priority", -134, "", "0")],
         expected=["low-priority", "medium-priority", "high-priority"]),
    case("TestOrderedbyDisk", "greediest first", by=["disk"], pods=[],
         expected=["best-effort-high", "burstable-high", "best-effort-low", "burstable-low", "guaranteed-high",
                   "guaranteed-low"], unmodelled=UNMODELLED),
    case("TestOrderedbyInodes", "greediest first", by=["inodes"], pods=[], expected=["high", "medium", "low"],
         unmodelled=UNMODELLED),
    case("TestOrderedByPriorityDisk", "exceeds, priority, usage", by=["exceedDiskRequests", "priority", "disk"],
         pods=[], expected=[], unmodelled=UNMODELLED),
    case("TestOrderedByPriorityInodes", "priority, usage", by=["priority", "inodes"], pods=[], expected=[],
         unmodelled=UNMODELLED),
    case("TestOrderedByMemory", "greediest relative to request first", by=["memory"],
         pods=[("best-effort-high", DEFAULT, "", "500Mi"), ("best-effort-low", DEFAULT, "", "300Mi"),
               ("burstable-high", DEFAULT, "100Mi", "800Mi"), ("burstable-low", DEFAULT, "100Mi", "300Mi"),
               ("guaranteed-high", DEFAULT, "1Gi", "800Mi"), ("guaranteed-low", DEFAULT, "1Gi", "200Mi")],
         expected=["burstable-high", "best-effort-high", "best-effort-low", "burstable-low", "guaranteed-high",
                   "guaranteed-low"]),
    case("TestOrderedByPriorityMemory", "exceeds, priority, usage", by=["exceedMemoryRequests", "priority", "memory"],
         pods=[("below-requests-high-priority-low-usage", HIGH, "1Gi", "200Mi"),
               ("below-requests-high-priority-high-usage", HIGH, "1Gi", "800Mi"),
               ("below-requests-low-priority-low-usage", LOW, "1Gi", "200Mi"),
               ("below-requests-low-priority-high-usage", LOW, "1Gi", "800Mi"),
               ("above-requests-high-priority-low-usage", HIGH, "100Mi", "150Mi"),
               ("above-requests-high-priority-high-usage", HIGH, "100Mi", "600Mi"),
               ("above-requests-low-priority-low-usage", LOW, "", "50Mi"),
               ("above-requests-low-priority-high-usage", LOW, "", "500Mi")],
         expected=["above-requests-low-priority-high-usage", "above-requests-low-priority-low-usage",
                   "above-requests-high-priority-high-usage", "above-requests-high-priority-low-usage",
                   "below-requests-low-priority-high-usage", "below-requests-low-priority-low-usage",
                   "below-requests-high-priority-high-usage", "below-requests-high-priority-low-usage"]),
    case("TestOrderedByPriorityProcess", "priority, process count", by=["priority", "process"], pods=[], expected=[],
         unmodelled=UNMODELLED),
]


@pytest.mark.parametrize("data", CASES)
def test_ordered_by(data: dict) -> None:
    keys = [COMPARATORS[name] for name in data["by"]]  # a KeyError: no such ranking in kspec
    workers = [worker(*p) for p in data["pods"]]
    assert [w.name for w in em.ordered_by(workers, *keys)] == data["expected"]  # type: ignore[arg-type]


SORT_BY_PRIORITY = [
    case("TestSortByEvictionPriority", "empty threshold list", signals=[], expected=[]),
    case("TestSortByEvictionPriority", "memory first",
         signals=["nodefs.available", "pid.available", "memory.available"],
         expected=["memory.available", "nodefs.available", "pid.available"]),
    case("TestSortByEvictionPriority", "allocatable memory first",
         signals=["nodefs.available", "pid.available", "allocatableMemory.available"],
         expected=["allocatableMemory.available", "nodefs.available", "pid.available"]),
]


@pytest.mark.parametrize("data", SORT_BY_PRIORITY)
def test_sort_by_eviction_priority(data: dict) -> None:
    assert em.by_eviction_priority(data["signals"]) == data["expected"]
