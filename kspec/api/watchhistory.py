"""The watch cache's event history: what a watch resuming from a resourceVersion is sent.

Upstream (``storage/cacher/watch_cache.go``): per resource, a cyclic buffer of the latest events; its
capacity starts at 100 and doubles (up to 100*1024) while the buffer is full and its oldest event is younger
than ``eventFreshDuration`` (75 s), and halves (not below 100) when even the event a quarter from the end is
older (``resizeCacheLocked``). A watch from resourceVersion N gets every buffered event newer than N
(``getAllEventsSinceLocked``); when N is older than the buffer reaches it gets 410 Expired
``too old resource version: N (M)``, M being the revision the buffer starts after.

kspec keeps the history only where real clients resume watches (``kspec serve`` starts it): every spec's
cluster would otherwise pay for it on every commit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kspec.errors import ApiError

if TYPE_CHECKING:
    from kspec.api.server import APIServer
    from kspec.objects import Obj
    from kspec.store import WatchEvent

#: watch_cache.go defaultLowerBoundCapacity / defaultUpperBoundCapacity
LOWER_BOUND_CAPACITY = 100
UPPER_BOUND_CAPACITY = 100 * 1024
#: cacher's DefaultEventFreshDuration: the bookmark frequency (1 m) plus 15 s
EVENT_FRESH_MS = 75_000


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One committed change as the cacher keeps it: the object carries the event's resourceVersion."""

    type: str
    obj: Obj
    old: Obj | None
    revision: int
    time_ms: int


class _Buffer:
    """One resource's cyclic buffer with upstream's dynamic capacity."""

    def __init__(self) -> None:
        self.events: deque[HistoryEvent] = deque()
        self.capacity = LOWER_BOUND_CAPACITY
        self.removed = False  # an event fell out since the history started (upstream: removedEventSinceRelist)

    def add(self, event: HistoryEvent) -> None:
        events = self.events
        if len(events) >= self.capacity:
            if event.time_ms - events[0].time_ms < EVENT_FRESH_MS:
                self.capacity = min(self.capacity * 2, UPPER_BOUND_CAPACITY)
            elif event.time_ms - events[len(events) - self.capacity // 4].time_ms > EVENT_FRESH_MS:
                self.capacity = max(self.capacity // 2, LOWER_BOUND_CAPACITY)
        while len(events) >= self.capacity:
            events.popleft()
            self.removed = True
        events.append(event)


class EventHistory:
    """Every resource's recent events from the revision it started at; listeners see each new one at commit."""

    def __init__(self, api: APIServer) -> None:
        self.api = api
        self.store = api.store  # the store it follows (a cluster may swap its store before it starts)
        self.start_revision: int = getattr(api.store, "revision", 0)
        self._buffers: dict[str, _Buffer] = {}
        self._listeners: dict[str, list[Callable[[HistoryEvent], None]]] = {}
        api.store.subscribe(self._on_commit)

    def _on_commit(self, event: WatchEvent) -> None:
        obj = event.obj
        if event.type == "DELETED":
            # the deleted object is sent with the deletion's revision, as etcd3's watcher decodes prevKv
            obj = {**obj, "metadata": {**obj.get("metadata", {}), "resourceVersion": str(event.revision)}}
        kept = HistoryEvent(event.type, obj, event.old, event.revision, self.api.clock.now)
        self._buffers.setdefault(event.resource, _Buffer()).add(kept)
        for listener in list(self._listeners.get(event.resource, ())):
            listener(kept)

    def since(self, resource: str, revision: int) -> list[HistoryEvent]:
        """The events of ``resource`` after ``revision``, or ApiError 410 when the buffer no longer reaches it."""
        buffer = self._buffers.get(resource)
        oldest = self.start_revision + 1
        if buffer is not None and buffer.removed and buffer.events:
            oldest = buffer.events[0].revision
        if revision < oldest - 1:
            raise ApiError(410, "Expired", f"too old resource version: {revision} ({oldest - 1})")
        if buffer is None:
            return []
        return [e for e in buffer.events if e.revision > revision]

    def listen(self, resource: str, fn: Callable[[HistoryEvent], None]) -> None:
        self._listeners.setdefault(resource, []).append(fn)

    def forget(self, resource: str, fn: Callable[[HistoryEvent], None]) -> None:
        listeners = self._listeners.get(resource, [])
        if fn in listeners:
            listeners.remove(fn)


def history_of(api: APIServer) -> EventHistory:
    """The API server's event history, started on first use (by ``kspec serve``)."""
    history = getattr(api, "_event_history", None)
    if history is None or history.store is not api.store:
        history = EventHistory(api)
        api._event_history = history  # type: ignore[attr-defined]
    return history
