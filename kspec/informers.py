"""Watches, informers and work queues in client-go's shape, on the virtual clock.

The API server hands every committed change to ``Informers``; each change is
delivered to the registered handlers as its own callback at the current
instant, so handlers see changes in commit order and after the write that
caused them has returned. Controllers enqueue ``namespace/name`` keys into a
de-duplicating ``WorkQueue`` and reconcile level-triggered.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Mapping
from functools import partial
from operator import is_not, itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING

from kspec.objects import Obj, key_of

if TYPE_CHECKING:
    from kspec.clock import Clock, Timer
    from kspec.store import WatchEvent

AddFn = Callable[[Obj], None]
UpdateFn = Callable[[Obj, Obj], None]
DeleteFn = Callable[[Obj], None]


class _LikeUpdate:
    """``Informers.on``'s default ``on_status``: a status-only write goes to ``on_update`` like any other."""

    def __repr__(self) -> str:
        return "LIKE_UPDATE"

    def __reduce__(self) -> str:
        return "LIKE_UPDATE"  # copied or pickled, still the one sentinel


LIKE_UPDATE: UpdateFn = _LikeUpdate()  # type: ignore[assignment]
#: Off, every status-only write is delivered to every ``on_update`` (tests compare the runs both ways)
SKIP_STATUS = True


class Handler(tuple):  # noqa: SLOT001 - no instance attributes: its fields are the tuple's items
    """ResourceEventHandlerFuncs: any of the three may be left out.

    ``ignore`` names resources a ``"*"`` handler is never called for, so a change nobody acts on (a Lease
    renewal, an Event) is not delivered at all.

    ``on_status`` is what a *status-only* update is delivered to: one the API server wrote through the status
    subresource (``write_status``, ``update(status=True)``), so that the new object's spec, metadata (its
    resourceVersion aside) and every other field but status are the old one's. A handler whose update path
    reads nothing but those (an owner index, the garbage collector for a live object) declares ``None`` and is
    not called for the kubelet's pod status writes, most of a long run's updates. The default calls
    ``on_update``.

    A tuple of its fields (and last, the function a status-only update calls) with a property for
    each: ``Informers.on`` makes one with ``tuple.__new__``, no Python constructor, for each of the seventy-odd
    handlers every cluster registers. Handlers are told apart by ``order``, unique to each.
    """

    __slots__ = ()

    def __new__(cls, on_add: AddFn | None = None, on_update: UpdateFn | None = None, on_delete: DeleteFn | None = None,
                ignore: frozenset[str] = frozenset(), order: tuple[int, int] = (0, 0),
                on_status: UpdateFn | None = LIKE_UPDATE) -> Handler:
        return _new(cls, (on_add, on_update, on_delete, ignore, order, on_status,
                          on_update if on_status is LIKE_UPDATE else on_status))

    on_add: AddFn | None = property(itemgetter(0))  # type: ignore[assignment]
    on_update: UpdateFn | None = property(itemgetter(1))  # type: ignore[assignment]
    on_delete: DeleteFn | None = property(itemgetter(2))  # type: ignore[assignment]
    ignore: frozenset[str] = property(itemgetter(3))  # type: ignore[assignment]
    #: registration order: a deferred start's handlers (kspec/lazystart.py) take the place an eager start's had
    order: tuple[int, int] = property(itemgetter(4))  # type: ignore[assignment]
    on_status: UpdateFn | None = property(itemgetter(5))  # type: ignore[assignment]

    def __getnewargs__(self) -> tuple[object, ...]:  # type: ignore[override]
        """What ``__new__`` takes back (copy, pickle): the six fields."""
        return self[:6]

    def __repr__(self) -> str:
        return (f"Handler(on_add={self[0]!r}, on_update={self[1]!r}, on_delete={self[2]!r}, ignore={self[3]!r}, "
                f"order={self[4]!r}, on_status={self[5]!r})")


_new = tuple.__new__
#: the handler functions a delivery of each type calls: (on_add, on_update, on_delete, status_fn)
_FUNCTION = {"ADDED": itemgetter(0), "MODIFIED": itemgetter(1), "DELETED": itemgetter(2), "STATUS": itemgetter(6)}
_not_none = partial(is_not, None)
_order = itemgetter(4)  # a handler's order, read without a Python call (bisect.insort's key)
_NONE: Mapping[str, object] = MappingProxyType({})  # WorkQueue's failures and delays before their first entry


class Informers:
    """Fans committed changes out to handlers by resource (``"*"`` for every resource)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._handlers: dict[str, list[Handler]] = {}
        self._for: dict[str, list[Handler]] = {}  # resource -> its handlers then the "*" ones, in order
        #: (resource, event type) -> the functions of those handlers for that type, in order: what a delivery calls
        self._calls: dict[tuple[str, str], list[Callable[..., None]]] = {}
        self.delivered = 0
        self._registered = 0  # handlers registered (and places reserved), for Handler.order
        self._slot: int | None = None  # the reserved place handlers now registered go to
        self._in_slot = 0
        #: whether a start now gets the initial replay (not when it is the deferred start of lazystart.py); read by
        #: every start that replays, so a plain attribute (set only by ``start_in``)
        self.replaying = True
        #: resource -> starts waiting for its first object (kspec/lazystart.py)
        self._first: dict[str, list[Callable[[Obj, Obj | None], bool]]] = {}

    def on(self, resource: str, on_add: AddFn | None = None, on_update: UpdateFn | None = None,
           on_delete: DeleteFn | None = None, *, ignore: frozenset[str] = frozenset(),
           on_status: UpdateFn | None = LIKE_UPDATE) -> Handler:
        slot = self._slot
        if slot is None:  # the next place: after every handler registered or reserved so far
            self._registered += 1
            order = (self._registered, 0)
        else:
            self._in_slot += 1
            order = (slot, self._in_slot)
        handler = _new(Handler, (on_add, on_update, on_delete, ignore, order, on_status,
                                 on_update if on_status is LIKE_UPDATE else on_status))
        handlers = self._handlers.get(resource)
        if handlers is None:
            self._handlers[resource] = [handler]
        elif slot is None or not handlers or handlers[-1].order < order:  # empty: every handler was removed
            handlers.append(handler)
        else:
            bisect.insort(handlers, handler, key=_order)
        if self._for:  # what deliveries worked out is stale (empty while a cluster starts)
            self._for.clear()
            self._calls.clear()
        return handler

    # -- deferred starts (kspec/lazystart.py) -------------------------------------------------------
    def reserve(self) -> int:
        """A place in the handlers' order for a start that comes later: its handlers go where they would be now."""
        self._registered += 1
        return self._registered

    def on_first(self, resources: tuple[str, ...], start: Callable[[Obj, Obj | None], bool]) -> None:
        """Call ``start(obj, old)`` when one of ``resources``' objects is committed (``old``: the object it replaced),
        before its delivery is scheduled, until it answers True (it started, or need wait no more)."""
        for resource in resources:
            self._first.setdefault(resource, []).append(start)

    def _start_first(self, resource: str, obj: Obj, old: Obj | None) -> None:
        """Ask the starts waiting for this commit's resource, in the order they began to wait; one answering False
        waits on."""
        left = []
        for start in self._first.pop(resource):
            if not start(obj, old):
                left.append(start)
        if left:
            self._first[resource] = left

    def start_in(self, slot: int, start: Callable[[], None]) -> None:
        """Run ``start`` with its handlers registered at the reserved ``slot`` and without the initial replay:
        the objects of the resources it watches are the one being committed, which its delivery brings."""
        saved = self._slot, self._in_slot, self.replaying
        self._slot, self._in_slot, self.replaying = slot, 0, False
        try:
            start()
        finally:
            self._slot, self._in_slot, self.replaying = saved

    def remove(self, handler: Handler) -> None:
        for handlers in self._handlers.values():
            if handler in handlers:
                handlers.remove(handler)
        self._for.clear()
        self._calls.clear()

    def _handlers_for(self, resource: str) -> list[Handler]:
        found = self._for.get(resource)
        if found is None:
            found = self._for[resource] = [*self._handlers.get(resource, ()), *(
                h for h in self._handlers.get("*", ()) if resource not in h.ignore)]
        return found

    def replay(self, handler: Handler, existing: list[Obj]) -> None:
        """The informer's initial List: an add for every object that already exists."""
        if existing and self.replaying:
            add = handler[0]  # on_add
            if add is not None:
                for obj in existing:
                    add(obj)

    def notify(self, event: WatchEvent, status_only: bool = False) -> None:
        """Called by the API server on commit; schedules delivery at the current instant. ``status_only``: the
        write changed the status alone (see ``Handler.on_status``)."""
        clock = self.clock
        resource = event.resource
        # Clock.note_write written out: one call fewer on every commit
        clock._writes.append((clock.now, event.type, resource, event.obj, clock.acting or clock._current))
        if self._first and not status_only and resource in self._first:  # a status write starts nothing (lazystart)
            self._start_first(resource, event.obj, event.old)
        handlers = self._for.get(resource)
        if handlers is None:
            handlers = self._handlers_for(resource)
        if handlers:
            if status_only and SKIP_STATUS:
                clock.soon(partial(self._deliver_status, event), f"watch {resource}")
            else:
                clock.soon(partial(self._deliver, event), f"watch {resource}")

    def _callbacks(self, resource: str, etype: str) -> list[Callable[..., None]]:
        """The handler functions a change of this type (``STATUS``: a status-only MODIFIED) to this resource goes
        to. The list is never changed in place (registering or removing a handler drops them all), so a delivery
        can iterate it as a snapshot."""
        key = (resource, etype)
        found = self._calls.get(key)
        if found is None:
            found = self._calls[key] = list(filter(_not_none, map(_FUNCTION[etype], self._handlers_for(resource))))
        return found

    def _deliver_status(self, event: WatchEvent) -> None:
        """A status-only update: to the handlers' ``on_status`` functions."""
        self.delivered += 1
        clock = self.clock
        obj = event.obj
        old = event.old or obj
        fns = self._calls.get((event.resource, "STATUS"))
        for fn in self._callbacks(event.resource, "STATUS") if fns is None else fns:
            clock.acting = fn
            fn(old, obj)
        clock.acting = None

    def _deliver(self, event: WatchEvent) -> None:
        self.delivered += 1
        clock = self.clock
        obj = event.obj
        etype = event.type
        fns = self._calls.get((event.resource, etype))
        if fns is None:
            fns = self._callbacks(event.resource, etype)
        if etype == "MODIFIED":
            old = event.old or obj
            for fn in fns:
                clock.acting = fn
                fn(old, obj)
        else:
            for fn in fns:
                clock.acting = fn
                fn(obj)
        clock.acting = None


class WorkQueue:
    """A de-duplicating queue of keys processed one at a time on the clock.

    A key added while queued is not queued twice; a key added while being
    processed is queued again once. Failed keys back off exponentially in
    virtual time (workqueue.DefaultTypedControllerRateLimiter's per-item part:
    5ms doubling to 1000s).
    """

    BASE_DELAY_MS = 5
    MAX_DELAY_MS = 1_000_000

    _scheduled = False  # whether a _drain is scheduled
    #: key -> failures, and key -> its requeue timer: most queues never fail nor delay a key, so each is made on
    #: its first entry (until then the shared empty _NONE, read-only)
    _failures: dict[str, int] = _NONE  # type: ignore[assignment]
    _delayed: dict[str, Timer] = _NONE  # type: ignore[assignment]

    def __init__(self, clock: Clock, process: Callable[[str], None], name: str = "") -> None:
        self.clock = clock
        self.process = process
        self.name = name
        self._queued: set[str] = set()
        self._order: deque[str] = deque()

    def add(self, key: str) -> None:
        if key in self._queued:
            return
        self._queued.add(key)
        self._order.append(key)
        if not self._scheduled:
            self._scheduled = True
            self.clock.soon(self._drain, f"workqueue {self.name}")

    def add_after(self, key: str, delay_ms: int, *, resync: bool = False) -> None:
        """Add ``key`` in ``delay_ms``; ``resync``: the controller's periodic resync, which ``Clock.settle`` counts
        as periodic work."""
        if delay_ms <= 0:
            self.add(key)
            return
        existing = self._delayed.get(key)
        due = self.clock.now + delay_ms
        if existing is not None and not existing.cancelled and existing.when <= due:
            return
        if existing is not None:
            existing.cancel()
        elif self._delayed is _NONE:
            self._delayed = {}
        self._delayed[key] = self.clock.call_at(due, lambda: self._fire(key), label=f"requeue {key}",
                                                resync=delay_ms if resync else 0)

    def _fire(self, key: str) -> None:
        self._delayed.pop(key, None)
        self.add(key)

    def add_rate_limited(self, key: str) -> None:
        if self._failures is _NONE:
            self._failures = {}
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        self.add_after(key, min(self.BASE_DELAY_MS * 2**failures, self.MAX_DELAY_MS))

    def add_object(self, obj: Obj) -> None:
        """``enqueue_handler``'s on_add and on_delete for the default key, ``key_of`` written out (a call fewer on
        every delivery to a ``Controller.watch``): ``namespace/name``, or ``name``; nothing without one."""
        md = obj.get("metadata", {})
        ns = md.get("namespace", "")
        key = f"{ns}/{md.get('name', '')}" if ns else md.get("name", "")
        if key and key not in self._queued:  # add, written out
            self._queued.add(key)
            self._order.append(key)
            if not self._scheduled:
                self._scheduled = True
                self.clock.soon(self._drain, f"workqueue {self.name}")

    def update_object(self, _old: Obj, new: Obj) -> None:
        """``enqueue_handler``'s on_update for the default key."""
        self.add_object(new)

    def forget(self, key: str) -> None:
        if self._failures:  # after every successful reconcile: most queues never failed
            self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._queued)

    def _drain(self) -> None:
        # one key per callback keeps other components' work interleaved fairly
        key = self._order.popleft()
        self._queued.discard(key)
        if self._order:
            self.clock.soon(self._drain, f"workqueue {self.name}")
        else:
            self._scheduled = False
        self.process(key)


def enqueue_handler(queue: WorkQueue, key: Callable[[Obj], str | None] = key_of) -> dict[str, Callable]:
    """Informer handler functions that enqueue the object's key on any change."""

    def add(obj: Obj) -> None:
        k = key(obj)
        if k:
            queue.add(k)

    return {"on_add": add, "on_update": lambda _old, new: add(new), "on_delete": add}
