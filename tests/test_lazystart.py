"""Controllers start with the first object they watch, and the run is the eager start's, callback for callback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kspec import lazystart
from kspec.cluster import Cluster
from tests.manifests import replicaset

WORK = """---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  ttlSecondsAfterFinished: 5
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox:1.36, command: ["true"]}]
---
""" + replicaset() + """---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: user}
spec:
  containers: [{name: c, image: nginx:1.27}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
"""
QUOTA = """apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec:
  hard: {pods: "10"}
"""


#: the resources WORK and QUOTA make objects of: every controller watching them has started (but WAITING)
TRIGGERED = ("pods", "jobs", "replicasets", "persistentvolumeclaims", "persistentvolumes", "resourcequotas")


@pytest.fixture
def eager() -> Iterator[None]:
    saved = lazystart.ENABLED
    lazystart.ENABLED = False
    yield
    lazystart.ENABLED = saved


def _who(handler: Any) -> str:
    fn = handler.on_add or handler.on_update or handler.on_delete
    owner = getattr(fn, "__self__", None)
    return type(owner).__name__ if owner is not None else fn.__qualname__


#: wait for what WORK never makes (their START_WHEN): a pod a ReplicationController or a DaemonSet controls, a
#: PodDisruptionBudget, a DaemonSet or a StatefulSet: started eagerly only
WAITING = ("ReplicationControllerController", "DisruptionController", "DaemonSetController",
           "StatefulSetController")


def _handlers(c: Cluster) -> dict[str, list[str]]:
    return {r: [w for h in hs if (w := _who(h)) not in WAITING]
            for r, hs in sorted(c.api.informers._handlers.items())}


def _run(c: Cluster) -> dict[str, Any]:
    c.start()
    c.run_for(2_000)
    c.apply(QUOTA)
    c.run_for(1_000)
    c.apply(WORK)
    c.run_for(30_000)
    c.delete("pod", "user")
    c.settle()
    return {"events": [str(e) for e in c.event_log], "callbacks": c.clock.callbacks_run, "writes": c.api.writes,
            "now": c.clock.now, "recent": [t.label for t in c.clock._recent],
            "handlers": {r: hs for r, hs in _handlers(c).items() if r in TRIGGERED},
            "objects": {r: c.list(r, None) for r in ("pods", "jobs", "replicasets", "persistentvolumeclaims",
                                                       "persistentvolumes", "resourcequotas")}}


def test_a_controller_waits_for_the_first_object_it_watches() -> None:
    c = Cluster(nodes=1)
    c.start()
    assert "horizontalpodautoscalers" not in _handlers(c)  # the HPA controller alone watches them
    assert set(c.api.informers._first) >= {"jobs", "pods", "horizontalpodautoscalers", "persistentvolumeclaims",
                                           "volumeattachments", "resourcequotas", "replicasets"}
    assert c.has("job-controller")  # there, only not started yet
    c.apply(QUOTA)
    assert "resourcequotas" in _handlers(c)
    assert "resourcequotas" not in c.api.informers._first


def test_the_run_is_the_eager_one(eager: None) -> None:
    reference = _run(Cluster(nodes=2))
    lazystart.ENABLED = True
    lazy = _run(Cluster(nodes=2))
    assert lazy["callbacks"] > 500
    assert lazy == reference


def test_handlers_take_the_eager_order(eager: None) -> None:
    e = Cluster(nodes=1)
    e.start()
    e.apply(QUOTA)
    e.apply(WORK)
    lazystart.ENABLED = True
    lz = Cluster(nodes=1)
    lz.start()
    lz.apply(QUOTA)
    lz.apply(WORK)
    assert {r: _handlers(lz)[r] for r in TRIGGERED} == {r: _handlers(e)[r] for r in TRIGGERED}
    assert _handlers(lz)["pods"].index("ReplicaSetController") < _handlers(lz)["pods"].index("JobController")


def test_deferring_counts_the_watched_objects_without_listing_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from kspec.controllers.job import JobController

    c = Cluster(nodes=1)
    listed: list[str] = []
    real = c.api.store.list
    monkeypatch.setattr(c.api.store, "list", lambda resource, ns=None: listed.append(resource) or real(resource, ns))
    first, second = JobController(c), JobController(c)
    listed.clear()
    assert lazystart.defer(c, first)
    assert listed == []
    monkeypatch.delattr(type(c.api.store), "count")  # a store without count: asked by listing
    assert lazystart.defer(c, second)
    assert set(listed) == set(JobController.START_ON_FIRST)


def test_micro_timestamps_are_remembered() -> None:
    from kspec.objects import micro_timestamp

    assert micro_timestamp(1_234).endswith(":01.234000Z")
    before = micro_timestamp.cache_info().hits
    assert micro_timestamp(1_234) is micro_timestamp(1_234)
    assert micro_timestamp.cache_info().hits >= before + 2
