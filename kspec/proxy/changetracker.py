"""ServiceChangeTracker and EndpointsChangeTracker (pkg/proxy servicechangetracker.go, endpointschangetracker.go).

kube-proxy reads EndpointSlices: the endpoints tracker keeps every slice of a
Service (the EndpointSliceCache, endpointslicecache.go) and converts the
Service's slices together. It also takes a core/v1 Endpoints object, as one
more "slice" of its Service, for callers that still feed those (upstream's
proxier tables ported with Endpoints).

Informer handlers only record what changed, per Service, as (state before the
first unsynced change, state now); a change that undoes itself disappears.
``sync`` then folds the recorded changes into the proxier's maps and learns
which Services to rewrite (``UpdatedServices``), which is what lets a sync
skip the chains of unchanged Services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from kspec.objects import Obj
from kspec.proxy.types import (
    Endpoint,
    ServicePort,
    ServicePortName,
    endpoints_map,
    service_ports,
    slices_endpoints_map,
)

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
#: (Service, ids of its slices) -> (the slices, kept alive so that their ids stay theirs; their endpoints map)
_RECENT_SLICES: dict[tuple[Any, ...], tuple[list[Obj], dict[ServicePortName, tuple[Endpoint, ...]]]] = {}


def _slices_map(key: ServiceKey, slices: list[Obj]) -> dict[ServicePortName, tuple[Endpoint, ...]]:
    """``slices_endpoints_map`` shared the way ``_shared`` shares a Service's ports: every node's proxier
    converts the same slices (and every new cluster the bootstrap Services' slices), twice per event."""
    memo_key = (key, *map(id, slices))
    hit = _RECENT_SLICES.get(memo_key)
    if hit is not None:
        return hit[1]
    result = slices_endpoints_map(key, slices)
    if len(_RECENT_SLICES) >= 64:
        _RECENT_SLICES.clear()
    _RECENT_SLICES[memo_key] = (slices, result)
    return result


class ServiceChangeTracker(_Tracker[ServicePort]):
    def __init__(self) -> None:
        super().__init__(_service_ports)


#: the key a core/v1 Endpoints object is kept under among its Service's slices (no slice has an empty name)
_ENDPOINTS_OBJECT = ""
SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # discovery.LabelServiceName


def is_endpoints_object(obj: Obj) -> bool:
    """A core/v1 Endpoints object rather than an EndpointSlice (which always has an addressType)."""
    return obj.get("kind") == "Endpoints" or (not obj.get("kind") and "addressType" not in obj)


def service_of(obj: Obj) -> ServiceKey | None:
    """The Service an EndpointSlice belongs to (its service-name label), or an Endpoints object's own name."""
    md = obj["metadata"]
    if is_endpoints_object(obj):
        return md.get("namespace", ""), md["name"]
    name = (md.get("labels") or {}).get(SERVICE_NAME_LABEL)
    return (md.get("namespace", ""), name) if name else None


class EndpointsChangeTracker:
    """EndpointsChangeTracker over an EndpointSliceCache: per Service, its slices before and after."""

    def __init__(self) -> None:
        self._slices: dict[ServiceKey, dict[str, Obj]] = {}
        self._items: dict[ServiceKey, _Change[tuple[Endpoint, ...]]] = {}

    def _convert(self, key: ServiceKey) -> dict[ServicePortName, tuple[Endpoint, ...]]:
        objs = self._slices.get(key) or {}
        out: dict[ServicePortName, tuple[Endpoint, ...]] = {}
        legacy = objs.get(_ENDPOINTS_OBJECT)
        if legacy is not None:
            out.update(endpoints_map(legacy, ""))
        slices = [objs[name] for name in sorted(objs) if name != _ENDPOINTS_OBJECT]
        if slices:
            out.update(_slices_map(key, slices))
        return out

    def update(self, previous: Obj | None, current: Obj | None) -> bool:
        """EndpointSliceUpdate: record one informer event; True while there is something to sync."""
        obj = current if current is not None else previous
        key = service_of(obj) if obj is not None else None
        if obj is None or key is None:
            return bool(self._items)  # a slice without a service-name label is no Service's
        if obj.get("addressType") == "FQDN":
            return bool(self._items)  # kube-proxy ignores FQDN slices
        name = _ENDPOINTS_OBJECT if is_endpoints_object(obj) else obj["metadata"]["name"]
        change = self._items.get(key)
        if change is None:
            change = _Change(self._convert(key), {})
            self._items[key] = change
        objs = self._slices.setdefault(key, {})
        if current is not None:
            objs[name] = current
        else:
            objs.pop(name, None)
            if not objs:
                del self._slices[key]
        change.current = self._convert(key)
        if change.previous == change.current:
            del self._items[key]
        return bool(self._items)

    def pending(self) -> bool:
        return bool(self._items)

    def objects(self) -> list[Obj]:
        """The slices (and Endpoints objects) it holds: feeding them to a new tracker gives it the same cache."""
        return [obj for objs in self._slices.values() for obj in objs.values()]

    def drain(self) -> dict[ServiceKey, _Change[tuple[Endpoint, ...]]]:
        items, self._items = self._items, {}
        return items


@dataclass
class UpdateResult:
    updated_services: set[ServiceKey] = field(default_factory=set)


def apply_changes(target: dict[ServicePortName, V], tracker: _Tracker[V] | EndpointsChangeTracker) -> UpdateResult:
    """ServicePortMap.Update / EndpointsMap.Update: fold the tracker into ``target``."""
    result = UpdateResult()
    for key, change in sorted(tracker.drain().items()):
        result.updated_services.add(key)
        for name in change.previous:
            target.pop(name, None)
        target.update(change.current)
    return result
