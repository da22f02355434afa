"""Taking a finished scenario's cluster apart, so that reference counting frees it at once.

A cluster is a web of reference cycles: every component points at the cluster, its API server, clock and
informers, and they point back through registered handlers, timers and work queues. Once a scenario ended,
nothing freed it but the cyclic garbage collector, so every scenario left its whole cluster (some 1,200
objects in cycles, and everything they hold) for the collector to find: the young generation filled with it,
each pass walked it and moved the current scenario's live cluster into older generations, and garbage
collection took a tenth of a scenario's time. Emptying the attributes of the cluster's own parts breaks those
cycles: dropping the last reference then frees most of it right away.

Only objects a cluster makes for itself are emptied: the cluster, its clock, store, API server, informers,
event recorder, owner indexes, and the components and controllers whose classes are kspec's (a plugin's
component may be shared; it is left alone). Stored objects, the event log and any other data structure are
not touched: whoever kept one (a report, a comparison) still reads it whole.
"""

from __future__ import annotations

from collections import deque
from itertools import chain, compress
from operator import not_
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kspec.cluster import Cluster


def _own_parts(cluster: Cluster) -> list[Any]:
    """The objects ``cluster`` made for itself, whose attributes can go once it is finished."""
    state = vars(cluster)
    api = state.get("api")
    parts: list[Any] = [state.get("clock"), state.get("store"), api, getattr(api, "informers", None),
                        state.get("events")]
    parts += (state.get("_owned_indexes") or {}).values()
    components = [*(state.get("components") or {}).values(), *(state.get("controllers") or ())]
    parts += [c for c in components if type(c).__module__.startswith("kspec.")]
    return [p for p in parts if p is not None]


#: class -> what the walk takes of a value of it: 0 nothing, 1 a dict's values, 2 a sequence's or set's items,
#: 3 the value itself (a kspec object); worked out once per class (see ``_role``)
_NOTHING, _DICT, _ITEMS, _OBJECT = 0, 1, 2, 3
_ROLE: dict[type, int] = {dict: _DICT, list: _ITEMS, tuple: _ITEMS, set: _ITEMS, deque: _ITEMS}


def _role(kind: type) -> int:
    """What ``_values`` takes of an instance of ``kind``: the value itself when the class is kspec's, else nothing
    (a string, a number, a function, another library's object)."""
    role = _OBJECT if str(getattr(kind, "__module__", "")).startswith("kspec.") else _NOTHING
    if len(_ROLE) < 4096:
        _ROLE[kind] = role
    return role


def _values(obj: Any) -> list[Any]:
    """The kspec objects an object's attributes hold, with those among the items of its lists, tuples, sets and
    dicts.

    Each attribute's class is looked up in ``_ROLE`` by C-level ``map`` and ``compress``: most attributes are
    strings, numbers, functions and the cluster's own parts, and a Python-level test of each one (asking it for
    its ``__dict__`` first) was most of a teardown.
    """
    values = list(vars(obj).values())
    roles = _roles(values)
    out = list(compress(values, map(_OBJECT.__eq__, roles)))
    if _DICT in roles or _ITEMS in roles:
        items = [*chain.from_iterable(map(dict.values, compress(values, map(_DICT.__eq__, roles)))),
                 *chain.from_iterable(compress(values, map(_ITEMS.__eq__, roles)))]
        out += compress(items, map(_OBJECT.__eq__, _roles(items)))
    return out


def _roles(values: list[Any]) -> list[int]:
    """The ``_ROLE`` of each value's class."""
    roles = list(map(_ROLE.get, map(type, values)))
    if None in roles:  # a class not met before
        roles = [_role(type(v)) if r is None else r for v, r in zip(values, roles, strict=True)]
    return roles


def dismantle(cluster: Cluster) -> None:
    """Empty the attributes of a finished cluster, of its own parts and of the kspec objects the components
    hold that point at one of those parts (the cluster is unusable afterwards).

    Pointing at this cluster's clock, API server or informers is what makes a component's object (a node's
    kubelet, a node's proxier, the scheduler's queue) this cluster's: a shared object (a registry entry, a
    default configuration) never does, so it is left alone. One level inside the components is enough to
    leave the collector almost nothing (about 70 objects where it found 1,500); walking the whole graph
    cost more than the collection it saved.
    """
    parts = _own_parts(cluster)
    hubs = {id(cluster), *map(id, parts)}
    components = [*(vars(cluster).get("components") or {}).values(), *(vars(cluster).get("controllers") or ())]
    for component in components:
        if not type(component).__module__.startswith("kspec.") or not hasattr(component, "__dict__"):
            continue
        found = _values(component)
        for value in compress(found, map(not_, map(hubs.__contains__, map(id, found)))):  # not a part itself
            state = getattr(value, "__dict__", None)
            if state is not None and not hubs.isdisjoint(map(id, state.values())):
                state.clear()
    for part in parts:
        if hasattr(part, "__dict__"):
            vars(part).clear()
    vars(cluster).clear()
