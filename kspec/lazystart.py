"""Starting a controller when the first object it watches appears, with the run an eager start gives.

Most scenarios never make a Job, a PersistentVolumeClaim or a HorizontalPodAutoscaler, yet every cluster
started the controllers for them. A controller class may name, in ``START_ON_FIRST``, every resource it
watches; when none of them has an object at the moment the cluster would start it, its start waits for the
first object of any of them. The run is the eager one, event for event:

- such a controller's ``start`` only registers informer handlers (no timer, no write, no clock callback),
  and while the resources it watches are empty, an eager start's replays were empty and its handlers were
  never called: nothing it would have done is missing;
- the first object's commit starts it before that commit's delivery is scheduled, so the delivery reaches
  its handlers exactly as it would have (the initial replay is skipped: the only object there is that one);
- its handlers take the place in each resource's handler order that the eager start's had
  (``Informers.reserve``), so every delivery calls the handlers in the same order and their work queues
  schedule their callbacks in the same order.

A controller may also name, in ``START_WHEN``, a test for some of those resources (a pod owned by a ReplicaSet):
then only the first object its test holds for starts it. The test must hold
for every object the controller's handlers of that resource would act on (enqueue, remember, write, schedule)
while nothing has started it (its untested resources have no object, its tested ones none the test holds for),
as when a ReplicaSet controller's handlers ignore an unowned pod while there is no ReplicaSet to adopt it. The
run is still the eager one: the deliveries it skips are of objects the eager start's handlers did nothing with,
and from its start on it gets every delivery (one scheduled before the start runs after it, and finds its
handlers). A resource it watches whose objects alone never start it (every handler of it waits for an object of
another resource, as the disruption controller's pod handler for a PodDisruptionBudget) is left out of
``START_ON_FIRST`` and named in ``START_WHEN`` with the test ``never``: it is neither counted nor waited on.

A test reads an object's metadata and spec, never its status. It is asked about the object a write commits, not
the one the write replaced: that one was asked about at its own commit (none existed when the start was deferred)
and answered False, or the controller would have started then. Nor is a status-only write asked
(``Informers.notify``): its answer is the one the object got at its last other write.

``KSPEC_EAGER_START=1`` (or ``ENABLED = False``) starts everything at once, to compare runs. Controllers of
replicated controller managers (leader election) always start with their process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kspec.cluster import Cluster
    from kspec.objects import Obj

ENABLED = os.environ.get("KSPEC_EAGER_START", "") in ("", "0")


def never(_obj: Obj) -> bool:
    """The ``START_WHEN`` test of a watched resource left out of ``START_ON_FIRST``: its objects alone never start
    the controller."""
    return False


def defer(cluster: Cluster, comp: Any) -> bool:
    """Arrange for ``comp`` to start with the first object it watches; False when it must start now."""
    kinds: tuple[str, ...] = getattr(comp, "START_ON_FIRST", ())
    if not kinds or not ENABLED or "controller manager" in cluster.replicated:
        return False
    store = cluster.api.store
    count = getattr(store, "count", None)  # how many, without listing (and sorting) them
    if count is not None:
        if any(map(count, kinds)):
            return False
    elif any(store.list(kind) for kind in kinds):
        return False
    informers = cluster.api.informers
    slot = informers.reserve()
    started = False

    def start(_obj: Obj | None = None, _old: Obj | None = None) -> bool:
        nonlocal started
        if not started:
            started = True
            informers.start_in(slot, lambda: cluster._guard(comp, comp.start))
        return True

    when: Mapping[str, Callable[[Obj], bool]] = getattr(comp, "START_WHEN", None) or {}
    if not when:
        informers.on_first(kinds, start)
        return True

    def start_when(test: Callable[[Obj], bool]) -> Callable[[Obj, Obj | None], bool]:
        def start_if(obj: Obj, _old: Obj | None) -> bool:
            # once started (by another resource's object), it answers True and is not asked again; ``_old`` was
            # asked about at its own commit
            if started or test(obj):
                return start()
            return False
        return start_if

    for kind in kinds:
        informers.on_first((kind,), start_when(when[kind]) if kind in when else start)
    return True
