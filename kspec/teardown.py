"""Taking a finished scenario's cluster apart, so that reference counting frees it at once.

A cluster is a web of reference cycles: every component points at the cluster, its API server, clock and
informers, and they point back through registered handlers, timers and work queues. Once a scenario ended,
nothing freed it but the cyclic garbage collector, so every scenario left its whole cluster (some 1,200
objects in cycles, and everything they hold) for the collector to find: the young generation filled with it,
each pass walked it and moved the current scenario's live cluster into older generations, and garbage
collection took a tenth of a scenario's time. Emptying the attributes of the cluster's own parts breaks those
cycles: dropping the last reference then frees most of it right away.

Only objects a cluster makes for itself are emptied: the cluster, its clock, store, API server, informers,
event recorder, owner indexes, the components and controllers whose classes are kspec's (a plugin's
component may be shared; it is left alone), and the clock's pending timers. Stored objects, the event log
and any other data structure are not touched: whoever kept one (a report, a comparison) still reads it whole.

The walk runs in C (``gc.get_referents``, ``map``, ``itertools.compress``): a loop in Python over every
attribute of 36 components was 19,000 bytecodes a scenario, the largest share of a scenario's own code; now
it is about 930 (a 3-node apply-one-pod scenario: 10.44M -> 9.61M machine instructions under callgrind,
with the controllers no longer walked: see ``dismantle``). A C call per item still costs about what three
bytecodes do; freeing the cluster is most of what is left. Inside the components it finds what that loop
found (one difference: a container dict's keys are looked at beside its values when they are not all
strings; such a key is emptied only if it is a kspec object that points at a part, i.e. this cluster's own).
The order in which objects are emptied does not matter: no kspec class has a ``__del__``, and freeing only
drops weak dictionaries' entries.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterable
from itertools import compress, repeat
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: the containers whose items count as what a component holds (one level inside it)
_CONTAINERS = frozenset({dict, list, tuple, set, deque})
_OWN_KINDS_LIMIT = 4096  # a bound in case classes are made on the fly: the memo only saves a check


class _OwnKinds(dict[type, bool]):
    """Per process: whether a type's instances are kspec's own objects with an attribute dict (what may be
    emptied). Read in C (``dict.__getitem__``); a type not seen yet is checked once, by ``__missing__``."""

    def __missing__(self, kind: type) -> bool:
        if len(self) >= _OWN_KINDS_LIMIT:
            self.clear()
        module = getattr(kind, "__module__", None)
        own = self[kind] = isinstance(module, str) and module.startswith("kspec.") and kind.__dictoffset__ != 0
        return own


_IS_OWN = _OwnKinds().__getitem__


def _own(objs: list[Any]) -> list[Any]:
    """The instances of kspec's classes with an attribute dict among ``objs``, in order."""
    return list(compress(objs, map(_IS_OWN, map(type, objs))))


def _held(holders: list[Any]) -> list[Any]:
    """The kspec objects the holders' attributes hold: among the values, then among the items of the lists,
    tuples, sets, deques and dicts (their values) among them."""
    values = gc.get_referents(*map(vars, holders))
    kinds = list(map(type, values))
    items = gc.get_referents(*compress(values, map(_CONTAINERS.__contains__, kinds)))
    return [*compress(values, map(_IS_OWN, kinds)), *compress(items, map(_IS_OWN, map(type, items)))]


def _empty(objs: Iterable[Any]) -> None:
    """Empty every object's attribute dict (consumed in C: no bytecode per object)."""
    deque(map(dict.clear, map(vars, objs)), maxlen=0)


def _pending(clock: Any) -> list[Any]:
    """The clock's pending timers (its heap holds ``(when, seq, timer)`` tuples, or timers)."""
    heap = vars(clock).get("_heap") or []
    return _own([*heap, *gc.get_referents(*heap)])


def _emptied(cluster: Cluster) -> tuple[list[Any], list[Any], list[Any]]:
    """What ``dismantle`` empties: the kspec objects the components hold that point at a part (each once) and
    the clock's pending timers, the cluster's own infrastructure (clock, store, API server, ...), its kspec
    components and controllers."""
    state = vars(cluster)
    api = state.get("api")
    infra = [state.get("clock"), state.get("store"), api, getattr(api, "informers", None), state.get("events"),
             *(state.get("_owned_indexes") or {}).values()]
    infra = [p for p in infra if p is not None and hasattr(p, "__dict__")]
    walked = _own([*(state.get("components") or {}).values()])
    components = [*walked, *_own([*(state.get("controllers") or ())])]
    hubs = {id(cluster), *map(id, infra), *map(id, components)}
    held = _held(walked)
    by_id = dict(zip(map(id, held), held, strict=True))  # each once, in the order found
    deque(map(by_id.pop, hubs, repeat(None)), maxlen=0)  # the parts themselves are emptied anyway
    points_at_no_part = hubs.isdisjoint
    found = [obj for obj in by_id.values() if not points_at_no_part(map(id, vars(obj).values()))]
    clock = state.get("clock")
    return [*found, *(_pending(clock) if clock in infra else ())], infra, components


def dismantle(cluster: Cluster) -> None:
    """Empty the attributes of a finished cluster, of its own parts, of the kspec objects the components hold
    that point at one of those parts, and of the clock's pending timers (the cluster is unusable afterwards).

    Pointing at this cluster's clock, API server or informers is what makes a component's object (a node's
    kubelet, a node's proxier, the scheduler's queue) this cluster's: a shared object (a registry entry, a
    default configuration) never does, so it is left alone. One level inside the components is enough to
    leave the collector almost nothing (about 70 objects where it found 1,500); walking the whole graph
    cost more than the collection it saved (even one level more made 1.2M more machine instructions a
    scenario for 18 objects fewer: the components' objects hold big tables).

    The controllers are emptied but not walked (28 of 36 parts, 4.5% of a scenario's machine instructions):
    what they hold (work queues, API clients) points at them and at the parts, which are emptied, and makes a
    cycle of its own only through a pending timer, a work queue's retry (queue -> timer -> callback -> queue):
    emptying the clock's few pending timers breaks every such cycle, whoever scheduled it. Over the 453
    scenarios of features/ the collector finds 663 objects more than with the controllers walked, all in
    the two that replicate the controller manager (a stopped replica's controllers are no cluster part; the
    collector finds them either way).
    """
    held, infra, components = _emptied(cluster)
    _empty(held)
    _empty(infra)
    _empty(components)
    vars(cluster).clear()
