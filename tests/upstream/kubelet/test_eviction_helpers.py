"""kubernetes pkg/kubelet/eviction/helpers_test.go: the pod ranking comparators, against kspec's eviction manager.

The memory ranking is the eviction manager's; the disk, inode and PID rankings are kspec.kubelet.eviction_ranking's
pure functions over pod stats (newPodDiskStats / newPodInodeStats / newPodProcessStats: each container's rootfs and
logs use, and each local volume's use, as the Go fixtures build them). The threshold helpers (flag parsing,
thresholdsMet, grace periods, node conditions, containerfs thresholds, signal observations) are
kspec.kubelet.eviction_thresholds'; upstream's metav1 times become integer milliseconds, durations nanoseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import pytest

from kspec.kubelet import eviction_manager as em
from kspec.kubelet import eviction_ranking as er
from kspec.kubelet import eviction_thresholds as et
from kspec.quantity import parse_quantity, to_int
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


# -- thresholds (kspec.kubelet.eviction_thresholds) ----------------------------------------------------------------
MEM, ALLOC, NODEFS, IMAGEFS = et.MEMORY_AVAILABLE, et.ALLOCATABLE_MEMORY_AVAILABLE, et.NODEFS_AVAILABLE, \
    et.IMAGEFS_AVAILABLE
NODEFS_INODES, IMAGEFS_INODES = et.NODEFS_INODES_FREE, et.IMAGEFS_INODES_FREE
SECOND_NS = 1_000_000_000


def tv(value: str | float) -> et.ThresholdValue:
    """ThresholdValue{Quantity: quantityMustParse(value)} for a string, {Percentage: value} for a number."""
    if isinstance(value, str):
        return et.ThresholdValue(parse_quantity(value))
    return et.ThresholdValue(percentage=et.float32(value))


def th(signal: str, value: str | float, reclaim: str | float | None = None, grace_ns: int = 0) -> et.Threshold:
    return et.Threshold(signal, et.OP_LESS_THAN, tv(value), grace_ns, None if reclaim is None else tv(reclaim))


def thresholds_equal(expected: list[et.Threshold], actual: list[et.Threshold]) -> bool:
    """thresholdsEqual / thresholdEqual: the same set, compared by grace period, operator, signal and values."""
    def equal(a: et.Threshold, b: et.Threshold) -> bool:
        return (a.grace_period_ns == b.grace_period_ns and a.operator == b.operator and a.signal == b.signal
                and et.compare_threshold_value(a.min_reclaim or et.ThresholdValue(),
                                               b.min_reclaim or et.ThresholdValue())
                and et.compare_threshold_value(a.value, b.value))
    return len(expected) == len(actual) and all(any(equal(a, b) for b in actual) for a in expected) and \
        all(any(equal(a, b) for b in expected) for a in actual)


G30 = 30 * SECOND_NS


def ptc(name: str, hard: dict, soft: dict | None = None, grace: dict | None = None, reclaim: dict | None = None,
        expected: list | None = None, error: bool = False, allocatable: list | None = None) -> object:
    return case("TestParseThresholdConfig", name, allocatable=allocatable or [], hard=hard, soft=soft or {},
                grace=grace or {}, reclaim=reclaim or {}, expected=expected or [], error=error)


PARSE_CONFIG = [
    ptc("no values", {}),
    ptc("all memory eviction values", {MEM: "150Mi"}, {MEM: "300Mi"}, {MEM: "30s"}, {MEM: "0"},
        [th(ALLOC, "150Mi", "0"), th(MEM, "150Mi", "0"), th(MEM, "300Mi", "0", G30)], allocatable=["pods"]),
    ptc("all memory eviction values in percentages", {MEM: "10%"}, {MEM: "30%"}, {MEM: "30s"}, {MEM: "5%"},
        [th(MEM, 0.1, 0.05), th(MEM, 0.3, 0.05, G30)]),
    ptc("disk eviction values", {IMAGEFS: "150Mi", NODEFS: "100Mi"}, {IMAGEFS: "300Mi", NODEFS: "200Mi"},
        {IMAGEFS: "30s", NODEFS: "30s"}, {IMAGEFS: "2Gi", NODEFS: "1Gi"},
        [th(IMAGEFS, "150Mi", "2Gi"), th(NODEFS, "100Mi", "1Gi"), th(IMAGEFS, "300Mi", "2Gi", G30),
         th(NODEFS, "200Mi", "1Gi", G30)]),
    ptc("disk eviction values in percentages", {IMAGEFS: "15%", NODEFS: "10.5%"}, {IMAGEFS: "30%", NODEFS: "20.5%"},
        {IMAGEFS: "30s", NODEFS: "30s"}, {IMAGEFS: "10%", NODEFS: "5%"},
        [th(IMAGEFS, 0.15, 0.1), th(NODEFS, 0.105, 0.05), th(IMAGEFS, 0.3, 0.1, G30), th(NODEFS, 0.205, 0.05, G30)]),
    ptc("inode eviction values", {IMAGEFS_INODES: "150Mi", NODEFS_INODES: "100Mi"},
        {IMAGEFS_INODES: "300Mi", NODEFS_INODES: "200Mi"}, {IMAGEFS_INODES: "30s", NODEFS_INODES: "30s"},
        {IMAGEFS_INODES: "2Gi", NODEFS_INODES: "1Gi"},
        [th(IMAGEFS_INODES, "150Mi", "2Gi"), th(NODEFS_INODES, "100Mi", "1Gi"), th(IMAGEFS_INODES, "300Mi", "2Gi", G30),
         th(NODEFS_INODES, "200Mi", "1Gi", G30)]),
    ptc("disable via 0%", {MEM: "0%"}, {MEM: "0%"}),
    ptc("disable via 100%", {MEM: "100%"}, {MEM: "100%"}),
    ptc("invalid-signal", {"mem.available": "150Mi"}, error=True),
    ptc("hard-signal-negative", {MEM: "-150Mi"}, error=True),
    ptc("hard-signal-negative-percentage", {MEM: "-15%"}, error=True),
    ptc("hard-signal-percentage-greater-than-100%", {MEM: "150%"}, error=True),
    ptc("soft-signal-negative", {}, {MEM: "-150Mi"}, error=True),
    ptc("valid-and-invalid-signal", {MEM: "150Mi", "invalid.foo": "150Mi"}, error=True),
    ptc("soft-no-grace-period", {}, {MEM: "150Mi"}, error=True),
    ptc("soft-negative-grace-period", {}, {MEM: "150Mi"}, {MEM: "-30s"}, error=True),
    ptc("negative-reclaim", {}, reclaim={MEM: "-300Mi"}, error=True),
]


@pytest.mark.parametrize("data", PARSE_CONFIG)
def test_parse_threshold_config(data: dict) -> None:
    args = (data["allocatable"], data["hard"], data["soft"], data["grace"], data["reclaim"])
    if data["error"]:
        with pytest.raises(et.ThresholdError):
            et.parse_threshold_config(*args)
        return
    assert thresholds_equal(data["expected"], et.parse_threshold_config(*args))


ADD_ALLOCATABLE = [
    case("TestAddAllocatableThresholds", "non-memory-signal", thresholds=[th(IMAGEFS, "150Mi", "0")],
         expected=[th(IMAGEFS, "150Mi", "0")]),
    case("TestAddAllocatableThresholds", "memory-signal-with-grace", thresholds=[th(MEM, "150Mi", "0", 10)],
         expected=[th(MEM, "150Mi", "0", 10)]),
    case("TestAddAllocatableThresholds", "memory-signal-without-grace", thresholds=[th(MEM, "150Mi", "0")],
         expected=[th(ALLOC, "150Mi", "0"), th(MEM, "150Mi", "0")]),
    case("TestAddAllocatableThresholds", "memory-signal-without-grace-two-thresholds",
         thresholds=[th(MEM, "150Mi", "0"), th(MEM, "200Mi", "1Gi")],
         expected=[th(ALLOC, "150Mi", "0"), th(MEM, "150Mi", "0"), th(ALLOC, "200Mi", "1Gi"), th(MEM, "200Mi", "1Gi")]),
]


@pytest.mark.parametrize("data", ADD_ALLOCATABLE)
def test_add_allocatable_thresholds(data: dict) -> None:
    assert thresholds_equal(data["expected"], et.add_allocatable_thresholds(data["thresholds"]))


@pytest.mark.parametrize("data", [case("TestGetReclaimableThreshold", "")])
def test_get_reclaimable_threshold(data: dict) -> None:
    """TestGetReclaimableThreshold (its one case is named ""): sorted by eviction priority, a reclaimable
    threshold is found."""
    thresholds = [th(ALLOC, "150Mi", "0"), th(MEM, "150Mi", "0"), th(IMAGEFS, "150Mi", "2Gi"),
                  th(NODEFS, "100Mi", "1Gi"), th(et.CONTAINERFS_AVAILABLE, "100Mi", "1Gi")]
    order = em.by_eviction_priority([t.signal for t in thresholds])
    ranked = sorted(thresholds, key=lambda t: order.index(t.signal))
    assert et.reclaimable_threshold(ranked) is not None



def obs(available: str | None = None, capacity: str | None = None, at: int | None = None) -> et.Observation:
    return et.Observation(None if available is None else parse_quantity(available),
                          None if capacity is None else parse_quantity(capacity), at)


HARD = th(MEM, "1Gi", "500Mi")
PERCENT = [th(MEM, 0.2, 0.05), et.Threshold(NODEFS, et.OP_LESS_THAN, tv(0.3))]
THRESHOLDS_MET = [
    case("TestThresholdsMet", "empty", enforce=False, thresholds=[], observations={}, expected=[]),
    case("TestThresholdsMet", "threshold-met-memory", enforce=False, thresholds=[HARD],
         observations={MEM: obs("500Mi")}, expected=[HARD]),
    case("TestThresholdsMet", "threshold-not-met", enforce=False, thresholds=[HARD], observations={MEM: obs("2Gi")},
         expected=[]),
    case("TestThresholdsMet", "threshold-met-with-min-reclaim", enforce=True, thresholds=[HARD],
         observations={MEM: obs("1.05Gi")}, expected=[HARD]),
    case("TestThresholdsMet", "threshold-not-met-with-min-reclaim", enforce=True, thresholds=[HARD],
         observations={MEM: obs("2Gi")}, expected=[]),
    case("TestPercentageThresholdsMet", "BothMet", enforce=False, thresholds=PERCENT,
         observations={MEM: obs("100Mi", "1000Mi"), NODEFS: obs("100Gi", "1000Gi")}, expected=PERCENT),
    case("TestPercentageThresholdsMet", "NoneMet", enforce=False, thresholds=PERCENT,
         observations={MEM: obs("300Mi", "1000Mi"), NODEFS: obs("400Gi", "1000Gi")}, expected=[]),
    case("TestPercentageThresholdsMet", "DiskMet", enforce=False, thresholds=PERCENT,
         observations={MEM: obs("300Mi", "1000Mi"), NODEFS: obs("100Gi", "1000Gi")}, expected=[PERCENT[1]]),
    case("TestPercentageThresholdsMet", "MemoryMet", enforce=False, thresholds=PERCENT,
         observations={MEM: obs("100Mi", "1000Mi"), NODEFS: obs("400Gi", "1000Gi")}, expected=[PERCENT[0]]),
    case("TestPercentageThresholdsMet", "MemoryMetWithMinReclaim", enforce=True, thresholds=PERCENT,
         observations={MEM: obs("225Mi", "1000Mi")}, expected=[PERCENT[0]]),
    case("TestPercentageThresholdsMet", "MemoryNotMetWithMinReclaim", enforce=True, thresholds=PERCENT,
         observations={MEM: obs("300Mi", "1000Mi")}, expected=[]),
]


@pytest.mark.parametrize("data", THRESHOLDS_MET)
def test_thresholds_met(data: dict) -> None:
    assert et.thresholds_met(data["thresholds"], data["observations"], data["enforce"]) == data["expected"]


T0 = 1_451_606_400_000  # 2016-01-01T00:00:00Z
T1 = T0 + 60_000  # 2016-01-01T00:01:00Z
UPDATED = et.Threshold(MEM)
UPDATED_STATS = [
    case("TestThresholdsUpdatedStats", "empty", thresholds=[], observations={}, last={}, expected=[]),
    case("TestThresholdsUpdatedStats", "no-time", thresholds=[UPDATED], observations={MEM: obs()}, last={},
         expected=[UPDATED]),
    case("TestThresholdsUpdatedStats", "no-last-observation", thresholds=[UPDATED], observations={MEM: obs(at=T0)},
         last={}, expected=[UPDATED]),
    case("TestThresholdsUpdatedStats", "time-machine", thresholds=[UPDATED], observations={MEM: obs(at=T0)},
         last={MEM: obs(at=T1)}, expected=[]),
    case("TestThresholdsUpdatedStats", "same-observation", thresholds=[UPDATED], observations={MEM: obs(at=T0)},
         last={MEM: obs(at=T0)}, expected=[]),
    case("TestThresholdsUpdatedStats", "new-observation", thresholds=[UPDATED], observations={MEM: obs(at=T1)},
         last={MEM: obs(at=T0)}, expected=[UPDATED]),
]


@pytest.mark.parametrize("data", UPDATED_STATS)
def test_thresholds_updated_stats(data: dict) -> None:
    assert et.thresholds_updated_stats(data["thresholds"], data["observations"], data["last"]) == data["expected"]


NOW = T1
PLAIN_HARD = et.Threshold(MEM, et.OP_LESS_THAN, tv("1Gi"))
SOFT = et.Threshold(MEM, et.OP_LESS_THAN, tv("2Gi"), 60 * SECOND_NS)
FIRST_OBSERVED = [
    case("TestThresholdsFirstObservedAt", "empty", thresholds=[], last={}, expected={}),
    case("TestThresholdsFirstObservedAt", "no-previous-observation", thresholds=[PLAIN_HARD], last={},
         expected={PLAIN_HARD: NOW}),
    case("TestThresholdsFirstObservedAt", "previous-observation", thresholds=[PLAIN_HARD],
         last={PLAIN_HARD: NOW - 60_000}, expected={PLAIN_HARD: NOW - 60_000}),
]


@pytest.mark.parametrize("data", FIRST_OBSERVED)
def test_thresholds_first_observed_at(data: dict) -> None:
    assert et.thresholds_first_observed_at(data["thresholds"], data["last"], NOW) == data["expected"]


GRACE = [
    case("TestThresholdsMetGracePeriod", "empty", observed_at={}, expected=[]),
    case("TestThresholdsMetGracePeriod", "hard-threshold-met", observed_at={PLAIN_HARD: NOW}, expected=[PLAIN_HARD]),
    case("TestThresholdsMetGracePeriod", "soft-threshold-not-met", observed_at={SOFT: NOW}, expected=[]),
    case("TestThresholdsMetGracePeriod", "soft-threshold-met", observed_at={SOFT: NOW - 120_000}, expected=[SOFT]),
]


@pytest.mark.parametrize("data", GRACE)
def test_thresholds_met_grace_period(data: dict) -> None:
    assert et.thresholds_met_grace_period(data["observed_at"], NOW) == data["expected"]


CONDITIONS = [
    case("TestNodeConditions", "empty-list", inputs=[], expected=[]),
    case("TestNodeConditions", "memory.available", inputs=[et.Threshold(MEM)], expected=["MemoryPressure"]),
]


@pytest.mark.parametrize("data", CONDITIONS)
def test_node_conditions(data: dict) -> None:
    assert et.node_conditions(data["inputs"]) == data["expected"]


LAST_OBSERVED = [
    case("TestNodeConditionsLastObservedAt", "no-previous-observation", conditions=["MemoryPressure"], last={},
         expected={"MemoryPressure": NOW}),
    case("TestNodeConditionsLastObservedAt", "previous-observation", conditions=["MemoryPressure"],
         last={"MemoryPressure": NOW - 60_000}, expected={"MemoryPressure": NOW}),
    case("TestNodeConditionsLastObservedAt", "old-observation", conditions=[],
         last={"MemoryPressure": NOW - 60_000}, expected={"MemoryPressure": NOW - 60_000}),
]


@pytest.mark.parametrize("data", LAST_OBSERVED)
def test_node_conditions_last_observed_at(data: dict) -> None:
    assert et.node_conditions_last_observed_at(data["conditions"], data["last"], NOW) == data["expected"]


OBSERVED_SINCE = [
    case("TestNodeConditionsObservedSince", "in-period", period_ms=120_000, expected=["MemoryPressure"]),
    case("TestNodeConditionsObservedSince", "out-of-period", period_ms=30_000, expected=[]),
]


@pytest.mark.parametrize("data", OBSERVED_SINCE)
def test_node_conditions_observed_since(data: dict) -> None:
    observed = {"MemoryPressure": NOW - 60_000}
    assert et.node_conditions_observed_since(observed, data["period_ms"], NOW) == data["expected"]


HAS_CONDITION = [
    case("TestHasNodeConditions", "has-condition", inputs=["Ready", "DiskPressure", "MemoryPressure"], result=True),
    case("TestHasNodeConditions", "does-not-have-condition", inputs=["Ready", "DiskPressure"], result=False),
]


@pytest.mark.parametrize("data", HAS_CONDITION)
def test_has_node_conditions(data: dict) -> None:
    assert et.has_node_condition(data["inputs"], "MemoryPressure") is data["result"]


PERCENTAGES = [
    case("TestParsePercentage", "blah", error=True, value=0.0),
    case("TestParsePercentage", "25.5%", error=False, value=et.float32(0.255)),
    case("TestParsePercentage", "foo%", error=True, value=0.0),
    case("TestParsePercentage", "12%345", error=True, value=0.0),
]


@pytest.mark.parametrize("data", PERCENTAGES)
def test_parse_percentage(data: dict, request: pytest.FixtureRequest) -> None:
    text = request.node.callspec.id.split("/", 1)[1]
    if data["error"]:
        with pytest.raises(et.ThresholdError):
            et.parse_percentage(text)
        return
    assert et.parse_percentage(text) == data["value"]


COMPARE = [
    case("TestCompareThresholdValue", "0", a=et.ThresholdValue(Fraction(123)), b=et.ThresholdValue(Fraction(123)),
         equal=True),
    case("TestCompareThresholdValue", "1", a=et.ThresholdValue(Fraction(123)), b=et.ThresholdValue(Fraction(456)),
         equal=False),
    case("TestCompareThresholdValue", "2", a=et.ThresholdValue(Fraction(123)), b=tv(0.1), equal=False),
    case("TestCompareThresholdValue", "3", a=tv(0.1), b=tv(0.1), equal=True),
    case("TestCompareThresholdValue", "4", a=tv(0.2), b=tv(0.1), equal=False),
]


@pytest.mark.parametrize("data", COMPARE)
def test_compare_threshold_value(data: dict) -> None:
    assert et.compare_threshold_value(data["a"], data["b"]) is data["equal"]
    assert et.compare_threshold_value(data["b"], data["a"]) is data["equal"]


CONTAINERFS, CONTAINERFS_INODES = et.CONTAINERFS_AVAILABLE, et.CONTAINERFS_INODES_FREE
G1 = 1  # time.Duration(1)
NODE_FS = [th(NODEFS, "100Mi", "1Gi"), th(NODEFS, "200Mi", "1Gi", G1), th(NODEFS_INODES, "200Mi", "2Gi", G1),
           th(NODEFS_INODES, "100Mi", "1Gi")]
SINGLE_IMAGE_FS = [th(IMAGEFS, "100Mi", "1Gi"), th(IMAGEFS, "300Mi", "2Gi", G1),
                   th(IMAGEFS_INODES, "150Mi", "2Gi", G1), th(IMAGEFS_INODES, "150Mi", "2Gi")]
IMAGE_FS = [th(IMAGEFS, "150Mi", "1.5Gi"), th(IMAGEFS, "300Mi", "3Gi", G1), th(IMAGEFS_INODES, "150Mi", "2Gi", G1),
            th(IMAGEFS_INODES, "300Mi", "2Gi")]
CONTAINER_FS = [th(CONTAINERFS, "500Mi", "5Gi"), th(CONTAINERFS, "500Mi", "5Gi", G1),
                th(CONTAINERFS_INODES, "500Mi", "5Gi", G1), th(CONTAINERFS_INODES, "500Mi", "5Gi")]
FROM_NODE_FS = (th(CONTAINERFS, "100Mi", "1Gi"), th(CONTAINERFS, "200Mi", "1Gi", G1),
                th(CONTAINERFS_INODES, "100Mi", "1Gi"), th(CONTAINERFS_INODES, "200Mi", "2Gi", G1))
FROM_IMAGE_FS = (th(CONTAINERFS, "150Mi", "1.5Gi"), th(CONTAINERFS, "300Mi", "3Gi", G1),
                 th(CONTAINERFS_INODES, "300Mi", "2Gi"), th(CONTAINERFS_INODES, "150Mi", "2Gi", G1))


def cfs(name: str, image_fs: bool, container_fs: bool, thresholds: list, expected: tuple, error: bool) -> object:
    return case("TestAddContainerFsThresholds", name, image_fs=image_fs, container_fs=container_fs,
                thresholds=thresholds, expected=expected, error=error)


CONTAINER_FS_CASES = [
    cfs("single filesystem", False, False, NODE_FS + SINGLE_IMAGE_FS, FROM_NODE_FS, False),
    cfs("image filesystem", True, False, NODE_FS + IMAGE_FS, FROM_IMAGE_FS, False),
    cfs("container and image are separate", True, True, NODE_FS + IMAGE_FS, FROM_NODE_FS, False),
    cfs("single filesystem; existing containerfsstats", False, False, NODE_FS + SINGLE_IMAGE_FS + CONTAINER_FS,
        FROM_NODE_FS, True),
    cfs("image filesystem; expect error", True, False, NODE_FS + IMAGE_FS + CONTAINER_FS, FROM_IMAGE_FS, True),
    cfs("container and image are separate; expect error", True, True, NODE_FS + IMAGE_FS + CONTAINER_FS,
        FROM_NODE_FS, True),
]


@pytest.mark.parametrize("data", CONTAINER_FS_CASES)
def test_add_container_fs_thresholds(data: dict) -> None:
    """Each of the hard/soft containerfs.available/inodesFree thresholds is found and equals the expected one."""
    result, error = et.update_container_fs_thresholds(data["thresholds"], data["image_fs"], data["container_fs"])
    assert (error is not None) is data["error"]
    hard_fs, soft_fs, hard_inodes, soft_inodes = data["expected"]
    found = {}
    for t in result:
        if t.signal in (CONTAINERFS, CONTAINERFS_INODES):
            want = {(CONTAINERFS, True): hard_fs, (CONTAINERFS, False): soft_fs,
                    (CONTAINERFS_INODES, True): hard_inodes,
                    (CONTAINERFS_INODES, False): soft_inodes}[(t.signal, et.is_hard(t))]
            assert thresholds_equal([want], [t])
            found[(t.signal, et.is_hard(t))] = t
    assert len(found) == 4


@pytest.mark.parametrize("data", [case("TestMakeSignalObservations", "")])
def test_make_signal_observations(data: dict) -> None:
    """The fake summary's node memory, pods container, nodefs, imagefs, containerfs and rlimit become the
    observations; each pod's stats are found by its UID."""
    gi, mi = 1024 ** 3, 1024 ** 2
    summary = {
        "node": {
            "memory": {"availableBytes": gi, "workingSetBytes": gi},
            "runtime": {"imageFs": {"availableBytes": mi, "capacityBytes": 2 * mi, "inodesFree": 1024,
                                    "inodes": mi},
                        "containerFs": {"availableBytes": 2 * mi, "capacityBytes": 8 * mi, "inodesFree": 2048,
                                        "inodes": 2048}},
            "rlimit": {"maxpid": 255816, "curproc": 1000},
            "fs": {"availableBytes": 1024, "capacityBytes": 2048, "inodesFree": 1024, "inodes": mi},
            "systemContainers": [{"name": "pods", "memory": {"availableBytes": gi, "workingSetBytes": gi}}],
        },
        "pods": [{"podRef": {"name": n, "namespace": ns, "uid": uid}, "memory": {"workingSetBytes": gi}}
                 for n, ns, uid in [("pod1", "ns1", "uuid1"), ("pod1", "ns2", "uuid2"), ("pod3", "ns3", "uuid3")]],
    }
    assert parse_quantity("5Gi") == 5 * gi  # allocatable thresholds are 100%: the threshold equals the capacity
    observations, stats = et.make_signal_observations(summary)
    expected = {ALLOC: (gi, 2 * gi), MEM: (gi, 2 * gi), NODEFS: (1024, 2048), NODEFS_INODES: (1024, mi),
                IMAGEFS: (mi, 2 * mi), CONTAINERFS: (2 * mi, 8 * mi), IMAGEFS_INODES: (1024, mi),
                CONTAINERFS_INODES: (2048, 2048), et.PID_AVAILABLE: (255816 - 1000, 255816)}
    for signal, (available, capacity) in expected.items():
        assert (observations[signal].available, observations[signal].capacity) == (available, capacity), signal
    for uid in ("uuid1", "uuid2", "uuid3"):
        assert stats[uid]["memory"]["workingSetBytes"] == gi
