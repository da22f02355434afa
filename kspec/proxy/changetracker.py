"""ServiceChangeTracker and EndpointsChangeTracker (pkg/proxy servicechangetracker.go, endpointschangetracker.go).

Informer handlers only record what changed, per Service, as (state before the
first unsynced change, state now); a change that undoes itself disappears.
``sync`` then folds the recorded changes into the proxier's maps and learns
which Services to rewrite (``UpdatedServices``), which is what lets a sync
skip the chains of unchanged Services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kspec.objects import Obj
from kspec.proxy.types import Endpoint, ServicePort, ServicePortName, endpoints_map, service_ports

V = TypeVar("V")
ServiceKey = tuple[str, str]


@dataclass
class _Change(Generic[V]):
    previous: dict[ServicePortName, V]
    current: dict[ServicePortName, V]


class _Tracker(Generic[V]):
    """Accumulated per-Service changes since the last sync."""

    def __init__(self, convert: Callable[[Obj], dict[ServicePortName, V]]) -> None:
        self._convert = convert
        self._items: dict[ServiceKey, _Change[V]] = {}

    def update(self, previous: Obj | None, current: Obj | None) -> bool:
        """Record one informer event; True while there is something to sync."""
        obj = current if current is not None else previous
        if obj is None:
            return bool(self._items)
        key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        change = self._items.get(key)
        if change is None:
            change = _Change(self._convert(previous) if previous is not None else {}, {})
            self._items[key] = change
        change.current = self._convert(current) if current is not None else {}
        if change.previous == change.current:
            del self._items[key]
        return bool(self._items)

    def pending(self) -> bool:
        return bool(self._items)

    def drain(self) -> dict[ServiceKey, _Change[V]]:
        items, self._items = self._items, {}
        return items


def _shared(convert: Callable[[Obj], dict[ServicePortName, V]]) -> Callable[[Obj], dict[ServicePortName, V]]:
    """``convert`` once per object for every node's proxier: each one's tracker sees the same informer event.

    The conversion reads only the object (stored objects are not changed in place) and its result, frozen
    ServicePorts and Endpoints in a dict nobody writes to, can be shared. The last few objects are kept,
    each with its result (holding the object keeps its id from being reused).
    """
    recent: dict[int, tuple[Obj, dict[ServicePortName, V]]] = {}

    def converted(obj: Obj) -> dict[ServicePortName, V]:
        hit = recent.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        result = convert(obj)
        if len(recent) >= 16:
            recent.clear()
        recent[id(obj)] = (obj, result)
        return result

    return converted


_service_ports = _shared(service_ports)
_endpoints_map = _shared(lambda ep: endpoints_map(ep, ""))


class ServiceChangeTracker(_Tracker[ServicePort]):
    def __init__(self) -> None:
        super().__init__(_service_ports)


class EndpointsChangeTracker(_Tracker[tuple[Endpoint, ...]]):
    def __init__(self) -> None:
        super().__init__(_endpoints_map)


@dataclass
class UpdateResult:
    updated_services: set[ServiceKey] = field(default_factory=set)


def apply_changes(target: dict[ServicePortName, V], tracker: _Tracker[V]) -> UpdateResult:
    """ServicePortMap.Update / EndpointsMap.Update: fold the tracker into ``target``."""
    result = UpdateResult()
    for key, change in sorted(tracker.drain().items()):
        result.updated_services.add(key)
        for name in change.previous:
            target.pop(name, None)
        target.update(change.current)
    return result
