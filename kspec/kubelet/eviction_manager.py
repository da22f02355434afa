"""Node-pressure eviction for memory (pkg/kubelet/eviction), on simulated usage.

Every 10s the manager compares ``memory.available`` (capacity minus what the
running containers use) with the hard threshold ``memory.available<100Mi``.
While it is met the node reports MemoryPressure (which then lasts for the 5m
transition period) and one pod is evicted per round, ranked as
``rankMemoryPressure`` does: usage above request first, then lower
priority, then the larger usage above request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kspec.quantity import canonical, format_bytes, to_int

if TYPE_CHECKING:
    from kspec.kubelet.kubelet import Kubelet
    from kspec.kubelet.pod_worker import PodWorker

THRESHOLD_BYTES = 100 * 1024 * 1024  # evictionHard memory.available<100Mi
TRANSITION_MS = 5 * 60 * 1000  # evictionPressureTransitionPeriod


def exceed_memory_requests(w: PodWorker) -> int:
    """exceedMemoryRequests: pods using more memory than they request come first."""
    return 0 if w.memory_usage() > w.memory_request() else 1


def priority(w: PodWorker) -> int:
    """priority: the lower pod priority comes first."""
    return int(w.pod["spec"].get("priority") or 0)


def memory(w: PodWorker) -> int:
    """memory: the larger usage above the request comes first."""
    return -(w.memory_usage() - w.memory_request())


def ordered_by(workers: list[PodWorker], *keys: Callable[[PodWorker], int]) -> list[PodWorker]:
    """orderedBy(...).Sort: each comparison in turn, the pod's namespace/name last so the order is total."""
    return sorted(workers, key=lambda w: (*(k(w) for k in keys), f"{w.namespace}/{w.name}"))


def rank_memory(workers: list[PodWorker]) -> list[PodWorker]:
    """rankMemoryPressure, orderedBy(exceedMemoryRequests, priority, memory): the first is evicted first."""
    return ordered_by(workers, exceed_memory_requests, priority, memory)


#: byEvictionPriority: memory signals are handled before any other
MEMORY_SIGNALS = ("memory.available", "allocatableMemory.available")


def by_eviction_priority(signals: list[str]) -> list[str]:
    """byEvictionPriority: thresholds on memory first, the others in their order."""
    return sorted(signals, key=lambda s: 0 if s in MEMORY_SIGNALS else 1)


def eviction_message(worker: PodWorker, available: int) -> str:
    """evictionMessage: the node's shortage, then each container above its request."""
    msg = (f"The node was low on resource: memory. Threshold quantity: {format_bytes(THRESHOLD_BYTES)}, "
           f"available: {format_bytes(available)}. ")
    for rec in worker._regular():
        c = rec.current
        if c is None or not c.running:
            continue
        req_text = (rec.spec.get("resources") or {}).get("requests", {}).get("memory")
        request = to_int(req_text) if req_text else 0
        if c.memory_bytes > request:
            # requests.String(): the request's own canonical form (64M stays 64M), "0" when unset
            msg += (f"Container {rec.name} was using {format_bytes(c.memory_bytes)}, request is "
                    f"{canonical(req_text) if req_text else '0'}, has larger consumption of memory. ")
    return msg


class EvictionManager:
    PERIOD_MS = 10_000  # evictionMonitoringPeriod

    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.memory_pressure = False
        self._last_met = -TRANSITION_MS - 1
        self.evicted: list[str] = []

    def _empty_dir_limit_eviction(self) -> bool:
        """localStorageEviction's emptyDirLimitEviction: a pod whose emptyDir holds more than its ``sizeLimit``
        is evicted at once (grace 0) with emptyDirMessageFmt."""
        store = self.kubelet.agent.volumes
        evicted = False
        for w in list(self.kubelet.workers.values()):
            if w.terminal or w.deleting:
                continue
            for vol in w.pod["spec"].get("volumes") or []:
                limit = (vol.get("emptyDir") or {}).get("sizeLimit")
                tree = store.empty_dirs.get((w.uid, vol.get("name", ""))) if limit else None
                if tree is not None and 0 < to_int(limit) < tree.usage():
                    self.evicted.append(f"{w.namespace}/{w.name}")
                    w.evict(f'Usage of EmptyDir volume "{vol.get("name", "")}" exceeds the limit "{limit}". ')
                    evicted = True
                    break
        return evicted

    def available(self) -> int:
        node = self.kubelet.api.get("nodes", self.kubelet.node_name, "")
        capacity = to_int(node["status"].get("capacity", {}).get("memory", "0"))
        used = sum(w.memory_usage() for w in self.kubelet.workers.values() if not w.terminal)
        return capacity - used

    def synchronize(self) -> None:
        now = self.kubelet.clock.now
        if self.kubelet.agent.volumes.empty_dirs and self._empty_dir_limit_eviction():
            return  # localStorageEviction evicted a pod: this round ends there
        if not self.kubelet.runtime.using_memory.get(self.kubelet.node_name) and not self.memory_pressure:
            return
        available = self.available()
        met = available < THRESHOLD_BYTES
        if met:
            self._last_met = now
        pressure = met or now - self._last_met < TRANSITION_MS
        if pressure != self.memory_pressure:
            self.memory_pressure = pressure
            self.kubelet.sync_node_status(force=True)
        if not met:
            return
        active = [w for w in self.kubelet.workers.values() if not w.terminal and not w.deleting]
        ranked = rank_memory(active)
        if ranked:
            victim = ranked[0]
            self.evicted.append(f"{victim.namespace}/{victim.name}")
            victim.evict(eviction_message(victim, available))
