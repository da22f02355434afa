"""The scheduling queue (internal/queue): active queue, back-off queue, unschedulable pool, nominator.

- The active queue is a heap ordered by the profile's QueueSort plugin.
- A pod that failed waits in the unschedulable pool until a cluster event
  that one of the plugins which rejected it registered for happens (and its
  queueing hint agrees), or until it has been there for
  ``podMaxInUnschedulablePodsDuration`` (5m). It then goes to the back-off
  queue if its back-off (1s doubling to 10s per attempt) has not run out.
- Flushes run as periodic timers (1s for back-off, 30s for the pool), so a
  cluster whose only pending pods are unschedulable can settle.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kspec.scheduler.framework import NODE_ADD, UNSCHEDULED_POD_UPDATE, WILDCARD
from kspec.scheduler.nodeinfo import PodInfo

if TYPE_CHECKING:
    from kspec.clock import Clock
    from kspec.scheduler.runtime import Framework

#: DefaultPodMaxInUnschedulablePodsDuration
MAX_IN_UNSCHEDULABLE_MS = 5 * 60 * 1000
#: flushBackoffQCompleted / flushUnschedulablePodsLeftover periods
BACKOFF_FLUSH_MS = 1000
UNSCHEDULABLE_FLUSH_MS = 30_000

ACTIVE, BACKOFF, UNSCHEDULABLE, IN_FLIGHT, GATED = "active", "backoff", "unschedulable", "in-flight", "gated"


class QueuedPodInfo:
    """framework.QueuedPodInfo."""

    __slots__ = ("pod_info", "key", "timestamp", "initial_attempt", "attempts", "unschedulable_plugins",
                 "seq", "where", "pending_move")

    def __init__(self, pi: PodInfo, now: int, seq: int) -> None:
        self.pod_info = pi
        self.key = pi.key
        self.timestamp = now
        self.initial_attempt: int | None = None
        self.attempts = 0
        self.unschedulable_plugins: set[str] = set()
        self.seq = seq
        self.where = ""
        self.pending_move = False


class SchedulingQueue:
    def __init__(self, clock: Clock, frameworks: Callable[[str], Framework | None], *,
                 initial_backoff_ms: int = 1000, max_backoff_ms: int = 10_000,
                 on_active: Callable[[], None] = lambda: None) -> None:
        self.clock = clock
        self.frameworks = frameworks
        self.initial_backoff_ms = initial_backoff_ms
        self.max_backoff_ms = max_backoff_ms
        self.on_active = on_active
        self.pods: dict[str, QueuedPodInfo] = {}
        self._heap: list[tuple[Any, int, QueuedPodInfo]] = []
        self._active_count = 0
        self._seq = 0
        self.unschedulable: dict[str, QueuedPodInfo] = {}
        self.backoff: dict[str, QueuedPodInfo] = {}
        self.unschedulable_since: dict[str, int] = {}
        self.nominated: dict[str, dict[str, PodInfo]] = {}  # node -> pod key -> pod (the PodNominator)
        self._nominated_node: dict[str, str] = {}
        self.timers: list[Any] = []

    def start(self) -> None:
        self.timers = [
            self.clock.call_every(BACKOFF_FLUSH_MS, self.flush_backoff, label="scheduler flushBackoffQ"),
            self.clock.call_every(UNSCHEDULABLE_FLUSH_MS, self.flush_unschedulable,
                                  label="scheduler flushUnschedulablePodsLeftover"),
        ]

    # -- adding --------------------------------------------------------------------------------
    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def add(self, pi: PodInfo) -> None:
        """A new pending pod (or a changed one that is not queued yet)."""
        existing = self.pods.get(pi.key)
        if existing is not None:
            self.update(pi)
            return
        qpi = QueuedPodInfo(pi, self.clock.now, self._next_seq())
        self.pods[pi.key] = qpi
        self._set_nominated(pi)
        self._to_active_or_gated(qpi)

    def _to_active_or_gated(self, qpi: QueuedPodInfo) -> None:
        fw = self.frameworks(qpi.pod_info.scheduler_name)
        status = fw.run_pre_enqueue(qpi.pod_info) if fw is not None else None
        if status is not None:
            qpi.where = GATED
            qpi.unschedulable_plugins = {status.plugin}
            self.unschedulable[qpi.key] = qpi
            self.unschedulable_since[qpi.key] = self.clock.now
            self.on_gated(qpi, status.message)
            return
        self._push_active(qpi)

    def on_gated(self, qpi: QueuedPodInfo, message: str) -> None:
        """Hook for the scheduler to report a gated pod (overridden by the owner)."""

    def _push_active(self, qpi: QueuedPodInfo) -> None:
        fw = self.frameworks(qpi.pod_info.scheduler_name)
        key = fw.queue_sort.sort_key(qpi) if fw is not None else (0, qpi.timestamp, qpi.seq)
        qpi.where = ACTIVE
        self.unschedulable.pop(qpi.key, None)
        self.unschedulable_since.pop(qpi.key, None)
        self.backoff.pop(qpi.key, None)
        heapq.heappush(self._heap, (key, qpi.seq, qpi))
        self._active_count += 1
        self.on_active()

    # -- popping ---------------------------------------------------------------------------------
    def pop(self) -> QueuedPodInfo | None:
        while self._heap:
            _, seq, qpi = heapq.heappop(self._heap)
            if qpi.where != ACTIVE or qpi.seq != seq or self.pods.get(qpi.key) is not qpi:
                continue  # superseded entry
            self._active_count -= 1
            qpi.where = IN_FLIGHT
            qpi.attempts += 1
            if qpi.initial_attempt is None:
                qpi.initial_attempt = self.clock.now
            qpi.pending_move = False
            return qpi
        self._active_count = 0
        return None

    def has_active(self) -> bool:
        return self._active_count > 0

    # -- after an attempt ----------------------------------------------------------------------------
    def backoff_ms(self, qpi: QueuedPodInfo) -> int:
        """calculateBackoffDuration: initial doubled per attempt after the first, capped at max."""
        duration = self.initial_backoff_ms
        for _ in range(1, qpi.attempts):
            duration *= 2
            if duration >= self.max_backoff_ms:
                return self.max_backoff_ms
        return duration

    def backing_off(self, qpi: QueuedPodInfo) -> bool:
        return qpi.timestamp + self.backoff_ms(qpi) > self.clock.now

    def add_unschedulable(self, qpi: QueuedPodInfo, plugins: set[str], *, error: bool = False) -> None:
        """AddUnschedulableIfNotPresent: to the pool, or to back-off when something moved meanwhile."""
        if self.pods.get(qpi.key) is not qpi:
            return  # deleted (or replaced) while being scheduled
        qpi.timestamp = self.clock.now
        qpi.unschedulable_plugins = set(plugins)
        if error or qpi.pending_move or not plugins:
            qpi.seq = self._next_seq()
            qpi.where = BACKOFF
            self.backoff[qpi.key] = qpi
            return
        qpi.where = UNSCHEDULABLE
        self.unschedulable[qpi.key] = qpi
        self.unschedulable_since[qpi.key] = self.clock.now

    def done(self, key: str) -> None:
        """The pod was bound: it leaves the queue."""
        qpi = self.pods.pop(key, None)
        if qpi is not None:
            self.unschedulable.pop(key, None)
            self.unschedulable_since.pop(key, None)
            self.backoff.pop(key, None)

    def delete(self, key: str) -> None:
        self.done(key)
        self._clear_nominated(key)

    def update(self, pi: PodInfo) -> None:
        """An update of a queued pod: a gated or unschedulable pod may now be worth another attempt."""
        qpi = self.pods.get(pi.key)
        if qpi is None:
            self.add(pi)
            return
        qpi.pod_info = pi
        self._set_nominated(pi)
        if qpi.where == GATED:
            self._to_active_or_gated_again(qpi)
        elif qpi.where == UNSCHEDULABLE:
            self._move(qpi, UNSCHEDULED_POD_UPDATE, None, pi.pod)
        elif qpi.where == IN_FLIGHT:
            qpi.pending_move = True

    def _to_active_or_gated_again(self, qpi: QueuedPodInfo) -> None:
        self.unschedulable.pop(qpi.key, None)
        self._to_active_or_gated(qpi)

    # -- moving on cluster events ----------------------------------------------------------------------
    def move_all(self, event: str, old: Any = None, new: Any = None) -> None:
        """MoveAllToActiveOrBackoffQueue for one cluster event."""
        # a cycle runs at one instant, so no event can arrive while a pod is in flight
        if not self.unschedulable:
            return
        for qpi in list(self.unschedulable.values()):
            if qpi.where != UNSCHEDULABLE:
                continue
            if event == WILDCARD or self._worth_retrying(qpi, event, old, new):
                self._move(qpi, event, old, new, checked=True)

    def _worth_retrying(self, qpi: QueuedPodInfo, event: str, old: Any, new: Any) -> bool:
        """isPodWorthRequeuing: some rejecting plugin registered the event and its hint agrees."""
        if not qpi.unschedulable_plugins:
            return True
        if qpi.unschedulable_plugins == {"<no nodes>"}:
            return event == NODE_ADD
        fw = self.frameworks(qpi.pod_info.scheduler_name)
        if fw is None:
            return True
        for name in sorted(qpi.unschedulable_plugins):
            if event not in fw.events.get(name, ()):
                continue
            hint = fw.hints.get(name)
            if hint is None or hint(event, qpi.pod_info, old, new):
                return True
        return False

    def _move(self, qpi: QueuedPodInfo, event: str, old: Any, new: Any, checked: bool = False) -> None:
        if not checked and not self._worth_retrying(qpi, event, old, new):
            return
        self.unschedulable.pop(qpi.key, None)
        self.unschedulable_since.pop(qpi.key, None)
        if self.backing_off(qpi):
            qpi.where = BACKOFF
            self.backoff[qpi.key] = qpi
        else:
            self._push_active(qpi)

    def flush_backoff(self) -> None:
        """flushBackoffQCompleted: pods whose back-off ran out go to the active queue."""
        if not self.backoff:
            return
        ready = [q for q in self.backoff.values() if not self.backing_off(q)]
        ready.sort(key=lambda q: (q.timestamp + self.backoff_ms(q), q.seq))
        for qpi in ready:
            self._push_active(qpi)

    def flush_unschedulable(self) -> None:
        """flushUnschedulablePodsLeftover: pods stuck longer than 5 minutes get another chance."""
        if not self.unschedulable:
            return
        now = self.clock.now
        for key, since in list(self.unschedulable_since.items()):
            qpi = self.unschedulable.get(key)
            if qpi is None or qpi.where != UNSCHEDULABLE or now - since <= MAX_IN_UNSCHEDULABLE_MS:
                continue
            self._move(qpi, WILDCARD, None, None, checked=True)

    # -- the nominator -------------------------------------------------------------------------------
    def _set_nominated(self, pi: PodInfo) -> None:
        self._clear_nominated(pi.key)
        if pi.nominated_node:
            self.nominated.setdefault(pi.nominated_node, {})[pi.key] = pi
            self._nominated_node[pi.key] = pi.nominated_node

    def nominate(self, pi: PodInfo, node: str) -> None:
        self._clear_nominated(pi.key)
        if node:
            self.nominated.setdefault(node, {})[pi.key] = pi
            self._nominated_node[pi.key] = node

    def _clear_nominated(self, key: str) -> None:
        node = self._nominated_node.pop(key, None)
        if node is not None:
            pods = self.nominated.get(node, {})
            pods.pop(key, None)
            if not pods:
                self.nominated.pop(node, None)

    def nominated_for(self, node: str, pi: PodInfo) -> list[PodInfo]:
        """Pods nominated to ``node`` with at least ``pi``'s priority (not ``pi`` itself)."""
        pods = self.nominated.get(node)
        if not pods:
            return []
        return [p for k, p in pods.items() if k != pi.key and p.priority >= pi.priority]

    def nominated_pods(self, node: str) -> list[PodInfo]:
        return list(self.nominated.get(node, {}).values())

    def pending(self) -> dict[str, list[str]]:
        """Pod keys by where they wait (for the failure dump)."""
        out: dict[str, list[str]] = {}
        for key, qpi in self.pods.items():
            out.setdefault(qpi.where, []).append(key)
        return out
