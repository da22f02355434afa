"""Eviction thresholds (pkg/kubelet/eviction/helpers.go): parsing the kubelet's --eviction-* flags, deciding which
thresholds the observed signals meet, their grace periods, and the node conditions they imply.

kspec's eviction manager runs one fixed hard threshold (``memory.available<100Mi``); these are upstream's general
helpers as pure functions, so a configured kubelet can be modelled with them and upstream's tables checked against
them. Times are integer milliseconds, grace periods integer nanoseconds (Go's time.Duration), quantities exact.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from fractions import Fraction

from kspec.durations import DurationError, parse_duration
from kspec.quantity import parse_quantity

MEMORY_AVAILABLE = "memory.available"
ALLOCATABLE_MEMORY_AVAILABLE = "allocatableMemory.available"
NODEFS_AVAILABLE, NODEFS_INODES_FREE = "nodefs.available", "nodefs.inodesFree"
IMAGEFS_AVAILABLE, IMAGEFS_INODES_FREE = "imagefs.available", "imagefs.inodesFree"
CONTAINERFS_AVAILABLE, CONTAINERFS_INODES_FREE = "containerfs.available", "containerfs.inodesFree"
PID_AVAILABLE = "pid.available"
#: evictionapi.OpForSignal: every signal is compared with LessThan
OP_LESS_THAN = "LessThan"
#: signalToNodeCondition
SIGNAL_TO_CONDITION = {
    MEMORY_AVAILABLE: "MemoryPressure", ALLOCATABLE_MEMORY_AVAILABLE: "MemoryPressure",
    NODEFS_AVAILABLE: "DiskPressure", NODEFS_INODES_FREE: "DiskPressure", IMAGEFS_AVAILABLE: "DiskPressure",
    IMAGEFS_INODES_FREE: "DiskPressure", CONTAINERFS_AVAILABLE: "DiskPressure",
    CONTAINERFS_INODES_FREE: "DiskPressure", PID_AVAILABLE: "PIDPressure",
}
#: signalToResource: what evicting a pod reclaims for each signal
SIGNAL_TO_RESOURCE = {
    MEMORY_AVAILABLE: "memory", ALLOCATABLE_MEMORY_AVAILABLE: "memory",
    NODEFS_AVAILABLE: "ephemeral-storage", IMAGEFS_AVAILABLE: "ephemeral-storage",
    CONTAINERFS_AVAILABLE: "ephemeral-storage", NODEFS_INODES_FREE: "inodes", IMAGEFS_INODES_FREE: "inodes",
    CONTAINERFS_INODES_FREE: "inodes", PID_AVAILABLE: "pids",
}
#: kubetypes.NodeAllocatableEnforcementKey
NODE_ALLOCATABLE_ENFORCEMENT_KEY = "pods"


class ThresholdError(ValueError):
    """An invalid --eviction-* flag value."""


def float32(value: float) -> float:
    """Round to a Go float32, as ThresholdValue.Percentage is one."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


@dataclass(frozen=True)
class ThresholdValue:
    """evictionapi.ThresholdValue: an absolute quantity, or else a fraction of capacity."""

    quantity: Fraction | None = None
    percentage: float = 0.0


@dataclass(frozen=True)
class Threshold:
    """evictionapi.Threshold (hashable, as upstream keys maps by it)."""

    signal: str
    operator: str = OP_LESS_THAN
    value: ThresholdValue = ThresholdValue()
    grace_period_ns: int = 0
    min_reclaim: ThresholdValue | None = None


@dataclass(frozen=True)
class Observation:
    """signalObservation: what is available of a signal, its capacity, and when it was sampled (ms)."""

    available: Fraction | None = None
    capacity: Fraction | None = None
    time: int | None = None


def valid_signal(signal: str) -> bool:
    return signal in SIGNAL_TO_CONDITION


def parse_percentage(text: str) -> float:
    """parsePercentage: "25.5%" -> 0.255 (a float32)."""
    try:
        return float32(float32(float(text.rstrip("%"))) / 100)
    except ValueError:
        raise ThresholdError(f'strconv.ParseFloat: parsing "{text.rstrip("%")}": invalid syntax') from None


def _quantity(text: str) -> Fraction:
    try:
        return parse_quantity(text)
    except Exception:  # noqa: BLE001 - any malformed quantity is the flag's error
        raise ThresholdError("quantities must match the regular expression") from None


def parse_threshold_statement(signal: str, value: str) -> Threshold | None:
    """parseThresholdStatement: "0%" and "100%" disable the signal; percentages lie in [0, 1]; quantities are
    positive."""
    if not valid_signal(signal):
        raise ThresholdError(f"unsupported eviction signal {signal}")
    if value.endswith("%"):
        if value in ("0%", "100%"):
            return None
        percentage = parse_percentage(value)
        if percentage < 0:
            raise ThresholdError(f"eviction percentage threshold {signal} must be >= 0%: {value}")
        if percentage > 1:
            raise ThresholdError(f"eviction percentage threshold {signal} must be <= 100%: {value}")
        return Threshold(signal, OP_LESS_THAN, ThresholdValue(percentage=percentage))
    quantity = _quantity(value)
    if quantity <= 0:
        raise ThresholdError(f"eviction threshold {signal} must be positive: {value}")
    return Threshold(signal, OP_LESS_THAN, ThresholdValue(quantity))


def _statements(statements: dict[str, str]) -> list[Threshold]:
    return [t for signal, value in statements.items() if (t := parse_threshold_statement(signal, value))]


def _grace_periods(statements: dict[str, str]) -> dict[str, int]:
    """parseGracePeriods: durations >= 0 (in ns)."""
    out = {}
    for signal, value in statements.items():
        if not valid_signal(signal):
            raise ThresholdError(f"unsupported eviction signal {signal}")
        try:
            ms = parse_duration(value)
        except DurationError as exc:
            raise ThresholdError(str(exc)) from None
        if ms < 0:
            raise ThresholdError(f"invalid eviction grace period specified: {value}, must be a positive value")
        out[signal] = ms * 1_000_000
    return out


def _min_reclaims(statements: dict[str, str]) -> dict[str, ThresholdValue]:
    """parseMinimumReclaims: positive percentages, non-negative quantities."""
    out = {}
    for signal, value in statements.items():
        if not valid_signal(signal):
            raise ThresholdError(f"unsupported eviction signal {signal}")
        if value.endswith("%"):
            percentage = parse_percentage(value)
            if percentage <= 0:
                raise ThresholdError(f"eviction percentage minimum reclaim {signal} must be positive: {value}")
            out[signal] = ThresholdValue(percentage=percentage)
            continue
        quantity = _quantity(value)
        if quantity < 0:
            raise ThresholdError(f"negative eviction minimum reclaim specified for {signal}")
        out[signal] = ThresholdValue(quantity)
    return out


def parse_threshold_config(allocatable_config: list[str], hard: dict[str, str], soft: dict[str, str],
                           grace: dict[str, str], min_reclaim: dict[str, str]) -> list[Threshold]:
    """ParseThresholdConfig: hard thresholds, then soft ones (each needs a grace period), each with its
    minimum reclaim; enforcing node allocatable copies the hard memory thresholds to allocatableMemory."""
    results = _statements(hard)
    softs = _statements(soft)
    periods = _grace_periods(grace)
    reclaims = _min_reclaims(min_reclaim)
    for t in softs:
        if t.signal not in periods:
            raise ThresholdError(f"grace period must be specified for the soft eviction threshold {t.signal}")
    results += [Threshold(t.signal, t.operator, t.value, periods[t.signal]) for t in softs]
    results = [Threshold(t.signal, t.operator, t.value, t.grace_period_ns, reclaims.get(t.signal, t.min_reclaim))
               for t in results]
    if NODE_ALLOCATABLE_ENFORCEMENT_KEY in allocatable_config:
        results = add_allocatable_thresholds(results)
    return results


def is_hard(t: Threshold) -> bool:
    """isHardEvictionThreshold: no grace period."""
    return t.grace_period_ns == 0


def add_allocatable_thresholds(thresholds: list[Threshold]) -> list[Threshold]:
    """addAllocatableThresholds: each hard memory.available threshold also guards allocatableMemory.available."""
    extra = [Threshold(ALLOCATABLE_MEMORY_AVAILABLE, t.operator, t.value, 0, t.min_reclaim)
             for t in thresholds if t.signal == MEMORY_AVAILABLE and is_hard(t)]
    return [*thresholds, *extra]


def compare_threshold_value(a: ThresholdValue, b: ThresholdValue) -> bool:
    """compareThresholdValue: equal quantities, or (both without one) equal percentages."""
    if a.quantity is not None:
        return b.quantity is not None and a.quantity == b.quantity
    if b.quantity is not None:
        return False
    return a.percentage == b.percentage


def threshold_quantity(value: ThresholdValue, capacity: Fraction | None) -> Fraction:
    """GetThresholdQuantity: the quantity, or the percentage of capacity truncated to a whole number."""
    if value.quantity is not None:
        return value.quantity
    return Fraction(int(int(capacity or 0) * value.percentage))


def thresholds_met(thresholds: list[Threshold], observations: dict[str, Observation],
                   enforce_min_reclaim: bool) -> list[Threshold]:
    """thresholdsMet: the thresholds whose signal is observed below the threshold (plus the minimum reclaim when
    enforced, so pressure holds until that much is reclaimed)."""
    met = []
    for t in thresholds:
        observed = observations.get(t.signal)
        if observed is None or observed.available is None:
            continue
        quantity = threshold_quantity(t.value, observed.capacity)
        if enforce_min_reclaim and t.min_reclaim is not None:
            quantity += threshold_quantity(t.min_reclaim, observed.capacity)
        if t.operator == OP_LESS_THAN and quantity > observed.available:
            met.append(t)
    return met


def thresholds_updated_stats(thresholds: list[Threshold], observations: dict[str, Observation],
                             last: dict[str, Observation]) -> list[Threshold]:
    """thresholdsUpdatedStats: thresholds whose signal has a newer sample than last time (or no time at all)."""
    out = []
    for t in thresholds:
        observed = observations.get(t.signal)
        if observed is None:
            continue
        previous = last.get(t.signal)
        if previous is None or not observed.time or observed.time > (previous.time or 0):
            out.append(t)
    return out


def thresholds_first_observed_at(thresholds: list[Threshold], last: dict[Threshold, int],
                                 now: int) -> dict[Threshold, int]:
    """thresholdsFirstObservedAt: when each met threshold was first seen met (now for a new one)."""
    return {t: last.get(t, now) for t in thresholds}


def thresholds_met_grace_period(observed_at: dict[Threshold, int], now: int) -> list[Threshold]:
    """thresholdsMetGracePeriod: thresholds met for at least their grace period."""
    return [t for t, at in observed_at.items() if (now - at) * 1_000_000 >= t.grace_period_ns]


def has_node_condition(conditions: list[str], item: str) -> bool:
    return item in conditions


def node_conditions(thresholds: list[Threshold]) -> list[str]:
    """nodeConditions: the pressure conditions the met thresholds imply, each once."""
    out: list[str] = []
    for t in thresholds:
        condition = SIGNAL_TO_CONDITION.get(t.signal)
        if condition and not has_node_condition(out, condition):
            out.append(condition)
    return out


def node_conditions_last_observed_at(conditions: list[str], last: dict[str, int], now: int) -> dict[str, int]:
    """nodeConditionsLastObservedAt: the conditions seen now are stamped now; others keep their time."""
    return {**last, **{c: now for c in conditions}}


def node_conditions_observed_since(observed_at: dict[str, int], period_ms: int, now: int) -> list[str]:
    """nodeConditionsObservedSince: conditions last seen within the transition period."""
    return [c for c, at in observed_at.items() if now - at < period_ms]


def reclaimable_threshold(thresholds: list[Threshold]) -> tuple[Threshold, str] | None:
    """getReclaimableThreshold: the first threshold whose signal names a resource eviction can reclaim."""
    for t in thresholds:
        if t.signal in SIGNAL_TO_RESOURCE:
            return t, SIGNAL_TO_RESOURCE[t.signal]
    return None


def update_container_fs_thresholds(thresholds: list[Threshold], image_fs: bool,
                                   separate_container_image_fs: bool) -> tuple[list[Threshold], str | None]:
    """UpdateContainerFsThresholds: containerfs.* thresholds mirror the filesystem the writable layers live on
    (imagefs when the images have their own filesystem shared with the containers, nodefs otherwise); configured
    containerfs.* thresholds are dropped, and reported as an error alongside the result."""
    error = None
    if any(t.signal in (CONTAINERFS_AVAILABLE, CONTAINERFS_INODES_FREE) for t in thresholds):
        error = "containerfs.* signals should not be specified as they are determined automatically"
    kept = [t for t in thresholds if t.signal not in (CONTAINERFS_AVAILABLE, CONTAINERFS_INODES_FREE)]
    from_image = image_fs and not separate_container_image_fs
    source = {IMAGEFS_AVAILABLE if from_image else NODEFS_AVAILABLE: CONTAINERFS_AVAILABLE,
              IMAGEFS_INODES_FREE if from_image else NODEFS_INODES_FREE: CONTAINERFS_INODES_FREE}
    copies = [Threshold(source[t.signal], t.operator, t.value, t.grace_period_ns, t.min_reclaim)
              for t in kept if t.signal in source]
    return [*kept, *copies], error


def make_signal_observations(summary: dict) -> tuple[dict[str, Observation], dict[str, dict]]:
    """makeSignalObservations: each signal's available and capacity from a stats summary (capacity of memory is
    available plus working set; PIDs available are the limit less the running processes), and the pods' stats
    by UID. The summary is statsapi.Summary as JSON (node.memory, node.fs, node.runtime.imageFs/containerFs,
    node.rlimit, node.systemContainers, pods)."""
    node = summary.get("node") or {}
    out: dict[str, Observation] = {}

    def memory(signal: str, stats: dict | None) -> None:
        if stats and stats.get("availableBytes") is not None and stats.get("workingSetBytes") is not None:
            available = Fraction(stats["availableBytes"])
            out[signal] = Observation(available, available + stats["workingSetBytes"])

    def fs(available_signal: str, inodes_signal: str, stats: dict | None) -> None:
        if not stats:
            return
        if stats.get("availableBytes") is not None and stats.get("capacityBytes") is not None:
            out[available_signal] = Observation(Fraction(stats["availableBytes"]), Fraction(stats["capacityBytes"]))
        if stats.get("inodesFree") is not None and stats.get("inodes") is not None:
            out[inodes_signal] = Observation(Fraction(stats["inodesFree"]), Fraction(stats["inodes"]))

    memory(MEMORY_AVAILABLE, node.get("memory"))
    pods_container = next((c for c in node.get("systemContainers") or [] if c.get("name") == "pods"), None)
    memory(ALLOCATABLE_MEMORY_AVAILABLE, (pods_container or {}).get("memory"))
    fs(NODEFS_AVAILABLE, NODEFS_INODES_FREE, node.get("fs"))
    runtime = node.get("runtime") or {}
    fs(IMAGEFS_AVAILABLE, IMAGEFS_INODES_FREE, runtime.get("imageFs"))
    fs(CONTAINERFS_AVAILABLE, CONTAINERFS_INODES_FREE, runtime.get("containerFs"))
    rlimit = node.get("rlimit") or {}
    if rlimit.get("maxpid") is not None and rlimit.get("curproc") is not None:
        out[PID_AVAILABLE] = Observation(Fraction(rlimit["maxpid"] - rlimit["curproc"]), Fraction(rlimit["maxpid"]))
    by_uid = {p["podRef"]["uid"]: p for p in summary.get("pods") or []}
    return out, by_uid
