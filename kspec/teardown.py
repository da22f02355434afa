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


def _values(obj: Any) -> list[Any]:
    """What an object's attributes hold, with the items of the lists, tuples, sets and dicts among them."""
    out: list[Any] = []
    for value in vars(obj).values():
        kind = type(value)
        if kind is dict:
            out += value.values()
        elif kind is list or kind is tuple or kind is set or kind is deque:
            out += value
        else:
            out.append(value)
    return out


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
        for value in _values(component):
            state = getattr(value, "__dict__", None)
            if state is not None and id(value) not in hubs and type(value).__module__.startswith("kspec.") \
                    and any(id(v) in hubs for v in state.values()):
                state.clear()
    for part in parts:
        if hasattr(part, "__dict__"):
            vars(part).clear()
    vars(cluster).clear()
