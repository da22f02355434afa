"""kubernetes pkg/kubelet/eviction/helpers_test.go: the pod ranking comparators, against kspec's eviction manager.

The memory ranking is the eviction manager's; the disk, inode and PID rankings are kspec.kubelet.eviction_ranking's
pure functions over pod stats (newPodDiskStats / newPodInodeStats / newPodProcessStats: each container's rootfs and
logs use, and each local volume's use, as the Go fixtures build them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from kspec.kubelet import eviction_manager as em
from kspec.kubelet import eviction_ranking as er
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

CASES = [
    case("TestOrderedByExceedsRequestMemory", "exceeds first", by=["exceedMemoryRequests"],
         pods=[("below-requests", -1, "200Mi", "199Mi"), ("exceeds-requests", 1, "100Mi", "101Mi")],
         expected=["exceeds-requests", "below-requests"]),
    case("TestOrderedByPriority", "low first", by=["priority"],
         pods=[("high-priority", 12534, "200Mi", "0"), ("medium-priority", 1, "100Mi", "0"),
               ("low-priority", -134, "", "0")],
         expected=["low-priority", "medium-priority", "high-priority"]),
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
]


@pytest.mark.parametrize("data", CASES)
def test_ordered_by(data: dict) -> None:
    keys = [COMPARATORS[name] for name in data["by"]]  # a KeyError: no such ranking in kspec
    workers = [worker(*p) for p in data["pods"]]
    assert [w.name for w in em.ordered_by(workers, *keys)] == data["expected"]  # type: ignore[arg-type]


@dataclass
class Ranked:
    """A pod with its stats summary, as the rankings read it."""

    name: str
    pod: dict
    stats: er.PodStats | None = field(default=None)


LOCAL_VOLUME = [{"name": "local-volume", "emptyDir": {}}]


def disk_pod(name: str, priority: int, storage: str, rootfs: str, logs: str, volume: str,
             volumes: list | None = LOCAL_VOLUME, inodes: bool = False) -> Ranked:
    """newPod(name, priority, [newContainer(name, newResourceList("", "", storage), ...)], volumes) with
    newPodDiskStats (or newPodInodeStats) of its rootfs, logs and per-local-volume use."""
    requests = {"ephemeral-storage": storage} if storage else {}
    pod = {"spec": {"priority": priority, "containers": [{"name": name, "resources": {"requests": requests}}],
                    "volumes": volumes or []}}
    r, lg, v = to_int(rootfs), to_int(logs), to_int(volume)
    container = er.ContainerStats(rootfs_inodes=r, logs_inodes=lg) if inodes else er.ContainerStats(r, lg)
    names = er.local_ephemeral_volumes(pod)
    stats = er.PodStats([container], volume_inodes={n: v for n in names}) if inodes else \
        er.PodStats([container], volume_bytes={n: v for n in names})
    return Ranked(name, pod, stats)


def inode_pod(name: str, priority: int, rootfs: str, logs: str, volume: str) -> Ranked:
    return disk_pod(name, priority, "", rootfs, logs, volume, inodes=True)


def process_pod(name: str, priority: int, processes: int) -> Ranked:
    """newPod(name, priority, nil, nil) with newPodProcessStats(pod, processes)."""
    return Ranked(name, {"spec": {"priority": priority, "containers": []}}, er.PodStats(processes=processes))


STORAGE = er.exceed_disk_requests(er.ALL_FS, er.EPHEMERAL_STORAGE)
STATS_COMPARATORS = {"exceedDiskRequests": STORAGE, "priority": er.priority, "disk": er.disk(er.ALL_FS),
                     "inodes": er.disk(er.ALL_FS, er.INODES), "process": er.process}
PRIORITY_DISK = [
    ("above-requests-low-priority-high-usage", LOW, "", "200Mi", "100Mi", "200Mi"),
    ("above-requests-low-priority-low-usage", LOW, "", "10Mi", "10Mi", "30Mi"),
    ("above-requests-high-priority-high-usage", HIGH, "100Mi", "200Mi", "150Mi", "250Mi"),
    ("above-requests-high-priority-low-usage", HIGH, "100Mi", "90Mi", "50Mi", "10Mi"),
    ("below-requests-low-priority-high-usage", LOW, "1Gi", "500Mi", "200Mi", "100Mi"),
    ("below-requests-low-priority-low-usage", LOW, "1Gi", "50Mi", "100Mi", "50Mi"),
    ("below-requests-high-priority-high-usage", HIGH, "1Gi", "250Mi", "500Mi", "50Mi"),
    ("below-requests-high-priority-low-usage", HIGH, "1Gi", "100Mi", "60Mi", "40Mi"),
]
STATS_CASES = [
    case("TestOrderedByExceedsRequestDisk", "exceeds first", by=["exceedDiskRequests"],
         pods=[disk_pod("below-requests", -1, "200Mi", "100Mi", "99Mi", "0Mi", volumes=None),
               disk_pod("exceeds-requests", 1, "100Mi", "90Mi", "11Mi", "0Mi", volumes=None)],
         expected=["exceeds-requests", "below-requests"]),
    case("TestOrderedbyDisk", "greediest first", by=["disk"],
         pods=[disk_pod("best-effort-high", DEFAULT, "", "50Mi", "100Mi", "150Mi"),
               disk_pod("best-effort-low", DEFAULT, "", "25Mi", "25Mi", "50Mi"),
               disk_pod("burstable-high", DEFAULT, "100Mi", "150Mi", "150Mi", "50Mi"),
               disk_pod("burstable-low", DEFAULT, "100Mi", "25Mi", "35Mi", "50Mi"),
               disk_pod("guaranteed-high", DEFAULT, "400Mi", "225Mi", "100Mi", "50Mi"),
               disk_pod("guaranteed-low", DEFAULT, "400Mi", "25Mi", "45Mi", "50Mi")],
         expected=["best-effort-high", "burstable-high", "best-effort-low", "burstable-low", "guaranteed-high",
                   "guaranteed-low"]),
    case("TestOrderedbyInodes", "greediest first", by=["inodes"],
         pods=[inode_pod("low", DEFAULT, "50000", "100000", "50000"),
               inode_pod("medium", DEFAULT, "100000", "150000", "50000"),
               inode_pod("high", DEFAULT, "200000", "150000", "50000")],
         expected=["high", "medium", "low"]),
    case("TestOrderedByPriorityDisk", "exceeds, priority, usage", by=["exceedDiskRequests", "priority", "disk"],
         pods=[disk_pod(*p) for p in reversed(PRIORITY_DISK)], expected=[p[0] for p in PRIORITY_DISK]),
    case("TestOrderedByPriorityInodes", "priority, usage", by=["priority", "inodes"],
         pods=[inode_pod("high-priority-low-usage", HIGH, "10000", "40000", "100000"),
               inode_pod("high-priority-high-usage", HIGH, "150000", "150000", "50000"),
               inode_pod("low-priority-low-usage", LOW, "60000", "30000", "10000"),
               inode_pod("low-priority-high-usage", LOW, "50000", "100000", "250000")],
         expected=["low-priority-high-usage", "low-priority-low-usage", "high-priority-high-usage",
                   "high-priority-low-usage"]),
    case("TestOrderedByPriorityProcess", "priority, process count", by=["priority", "process"],
         pods=[process_pod("high-priority-low-usage", HIGH, 5), process_pod("high-priority-high-usage", HIGH, 20),
               process_pod("low-priority-low-usage", LOW, 6), process_pod("low-priority-high-usage", LOW, 20)],
         expected=["low-priority-high-usage", "low-priority-low-usage", "high-priority-high-usage",
                   "high-priority-low-usage"]),
]


@pytest.mark.parametrize("data", STATS_CASES)
def test_ordered_by_stats(data: dict) -> None:
    keys = [STATS_COMPARATORS[name] for name in data["by"]]
    assert [r.name for r in er.ordered_by(data["pods"], *keys)] == data["expected"]


def test_rank_disk_and_pid_pressure() -> None:
    """rankDiskPressureFunc and rankPIDPressureFunc are the orderings TestOrderedByPriorityDisk/Process use."""
    pods = [disk_pod(*p) for p in reversed(PRIORITY_DISK)]
    assert [r.name for r in er.rank_disk_pressure(pods)] == [p[0] for p in PRIORITY_DISK]
    procs = [process_pod("a", HIGH, 50), process_pod("b", LOW, 1), process_pod("c", LOW, 9)]
    assert [r.name for r in er.rank_pid_pressure(procs)] == ["c", "b", "a"]
    unknown = Ranked("no-stats", {"spec": {"priority": HIGH, "containers": []}})
    assert [r.name for r in er.rank_pid_pressure([*procs, unknown])][-1] == "a"


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
