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

``KSPEC_EAGER_START=1`` (or ``ENABLED = False``) starts everything at once, to compare runs. Controllers of
replicated controller managers (leader election) always start with their process.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kspec.cluster import Cluster

ENABLED = os.environ.get("KSPEC_EAGER_START", "") in ("", "0")


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

    def start() -> None:
        nonlocal started
        if not started:
            started = True
            informers.start_in(slot, lambda: cluster._guard(comp, comp.start))

    informers.on_first(kinds, start)
    return True
