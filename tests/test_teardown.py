"""kspec/teardown.py's walk in C empties what a Python loop over the same objects finds, and leaves the
collector no more than the loop it replaced (which also walked every controller) left it."""

from __future__ import annotations

import gc
from collections import deque
from typing import Any

import pytest

from kspec import teardown
from kspec.cluster import Cluster
from kspec.informers import WorkQueue

WORKLOAD = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: nginx:1.25, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
"""


def _old_walk(cluster: Cluster, controllers: bool = True) -> tuple[list[Any], list[Any]]:
    """The Python loop teardown.dismantle ran before (what it emptied inside the components, and its parts);
    ``controllers``: walk inside the controllers too (it did)."""
    state = vars(cluster)
    api = state.get("api")
    parts: list[Any] = [state.get("clock"), state.get("store"), api, getattr(api, "informers", None),
                        state.get("events")]
    parts += (state.get("_owned_indexes") or {}).values()
    components = [*(state.get("components") or {}).values(), *(state.get("controllers") or ())]
    parts += [c for c in components if type(c).__module__.startswith("kspec.")]
    parts = [p for p in parts if p is not None and hasattr(p, "__dict__")]
    hubs = {id(cluster), *map(id, parts)}
    held: list[Any] = []
    walked = components if controllers else list((state.get("components") or {}).values())
    for component in walked:
        if not type(component).__module__.startswith("kspec.") or not hasattr(component, "__dict__"):
            continue
        values: list[Any] = []
        for value in vars(component).values():
            kind = type(value)
            if kind is dict:
                values += value.values()
            elif kind is list or kind is tuple or kind is set or kind is deque:
                values += value
            else:
                values.append(value)
        for value in values:
            own = getattr(value, "__dict__", None)
            if own is not None and id(value) not in hubs and type(value).__module__.startswith("kspec.") \
                    and any(id(v) in hubs for v in own.values()):
                held.append(value)
    return held, parts


def _cluster(retrying: bool = False, **choices: str) -> Cluster:
    c = Cluster(nodes=3, **choices)
    c.start()
    c.apply(WORKLOAD)
    c.run_for("2m")
    if retrying:  # every controller's work queue has a retry pending (what a failed reconcile leaves)
        for controller in c.controllers:
            queue = getattr(controller, "queue", None)
            if isinstance(queue, WorkQueue):
                queue.add_after("default/retried", 5_000)
    return c


@pytest.mark.parametrize("choices", [{}, {"proxy": "ipvs"}, {"proxy": "nftables", "store": "etcd"}])
def test_the_walk_in_c_finds_what_a_python_loop_finds(choices: dict[str, str]) -> None:
    c = _cluster(**choices)
    held, infra, components = teardown._emptied(c)
    old_held, old_parts = _old_walk(c, controllers=False)
    timers = [timer for _, _, timer in vars(c.clock)["_heap"]]
    assert timers
    assert [*infra, *components] == old_parts
    assert sorted(map(id, held)) == sorted({*map(id, old_held), *map(id, timers)})
    assert len(old_held) > 5  # kubelets, proxiers, the scheduler's framework and queue
    teardown.dismantle(c)


@pytest.mark.parametrize("retrying", [False, True])
def test_a_dismantled_cluster_leaves_the_collector_no_more_than_the_old_loop_left(retrying: bool) -> None:
    """Also with a work queue's retry pending (its timer's callback holds the queue: a cycle inside a controller,
    which the old loop broke by emptying every controller's work queue, and the pending timers' emptying now)."""

    def garbage(dismantle: Any) -> int:
        c = _cluster(retrying)
        gc.collect()
        collecting = gc.isenabled()
        gc.disable()
        try:
            dismantle(c)
            del c
            return gc.collect()
        finally:
            if collecting:
                gc.enable()

    def old(cluster: Cluster) -> None:
        held, parts = _old_walk(cluster)
        for obj in [*held, *parts]:
            vars(obj).clear()
        vars(cluster).clear()

    def without_timers(cluster: Cluster) -> None:  # what the C walk would leave without emptying the timers
        held, parts = _old_walk(cluster, controllers=False)
        for obj in [*held, *parts]:
            vars(obj).clear()
        vars(cluster).clear()

    garbage(old)  # a first cluster makes per-process memos and caches
    left = garbage(teardown.dismantle)
    assert left <= garbage(old)
    if retrying:  # the pending timers' emptying is what frees the work queues
        assert garbage(without_timers) > left + 2 * 28
