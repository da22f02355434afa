"""START_WHEN (kspec/lazystart.py): a controller that ignores most objects of a resource it watches starts with
the first it would act on, and the run is the eager start's, callback for callback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kspec import lazystart
from kspec.cluster import Cluster
from kspec.controllers.job import JobController
from kspec.controllers.replicaset import ReplicaSetController, ReplicationControllerController
from tests.manifests import replicaset

SOLO = """apiVersion: v1
kind: Pod
metadata: {name: solo, labels: {app: web}}
spec:
  containers: [{name: c, image: nginx:1.27}]
"""
#: owned by a ReplicaSet that does not exist: the controller's handler enqueues it (a reconcile that finds nothing)
STRAY = """apiVersion: v1
kind: Pod
metadata:
  name: stray
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone, uid: "1234", controller: true}]
spec:
  containers: [{name: c, image: nginx:1.27}]
"""
RS = replicaset()


@pytest.fixture
def declared() -> Iterator[None]:
    """The ReplicaSet controllers declare what their pod handlers act on while no set exists: a pod their kind
    controls (kspec/controllers/replicaset.py)."""
    for cls in (ReplicaSetController, ReplicationControllerController):
        assert "pods" in cls.START_WHEN
    saved = lazystart.ENABLED
    yield
    lazystart.ENABLED = saved


def _started(c: Cluster, cls: type) -> bool:
    return any(getattr(getattr(h.on_add, "__self__", None), "__class__", None) is cls
               for h in c.api.informers._handlers.get("pods", ()))


#: the controllers these runs never start lazily: nothing makes a ReplicationController, a Job, a
#: PodDisruptionBudget, a DaemonSet, a StatefulSet, a claim or a pod with one
NEVER_STARTED = ("ReplicationControllerController", "JobController", "DisruptionController", "DaemonSetController",
                 "StatefulSetController", "AttachDetachController",
                 "PVCProtectionController.start.<locals>.pod_changed")


def _who(handler: Any) -> str:
    """The handler's owner; those of the controllers these runs never start lazily as absent."""
    fn = handler.on_add or handler.on_update or handler.on_delete
    owner = getattr(fn, "__self__", None)
    name = type(owner).__name__ if owner is not None else fn.__qualname__
    return "" if name in NEVER_STARTED else name


def _run(c: Cluster, steps: list[str], watch: list[bool]) -> dict[str, Any]:
    c.start()
    for text in steps:
        c.apply(text)
        c.run_for(5_000)
        watch.append(_started(c, ReplicaSetController))
    if c.api.store.get("pods", "default", "solo") is not None:  # the set may have removed it as one too many
        c.delete("pod", "solo")
    c.settle()
    return {"events": [str(e) for e in c.event_log], "callbacks": c.clock.callbacks_run, "writes": c.api.writes,
            "now": c.clock.now, "recent": [t.label for t in c.clock._recent],
            "handlers": {r: [w for h in c.api.informers._handlers.get(r, ()) if (w := _who(h))]
                         for r in ("pods", "replicasets")},
            "objects": {r: c.list(r, None) for r in ("pods", "replicasets", "events")}}


@pytest.mark.parametrize("steps", [[SOLO, RS], [SOLO, STRAY, RS], [RS, SOLO]], ids=["adopt", "stray", "set-first"])
def test_the_run_is_the_eager_one(declared: None, steps: list[str]) -> None:
    lazystart.ENABLED = False
    reference = _run(Cluster(nodes=2), steps, [])
    lazystart.ENABLED = True
    started: list[bool] = []
    lazy = _run(Cluster(nodes=2), steps, started)
    assert lazy == reference
    assert started[0] is (steps[0] is RS)  # an unowned pod alone does not start it
    assert started[-1]


def test_an_unowned_pod_leaves_the_set_controllers_waiting_and_a_set_starts_them(declared: None) -> None:
    c = Cluster(nodes=1)
    c.apply(SOLO)
    assert not _started(c, ReplicaSetController) and not _started(c, ReplicationControllerController)
    waiting = len(c.api.informers._first["pods"])
    c.apply(RS)
    assert _started(c, ReplicaSetController) and not _started(c, ReplicationControllerController)
    c.apply(SOLO.replace("solo", "solo-2"))  # asks the set controller's test no more
    assert len(c.api.informers._first["pods"]) == waiting - 1


#: owned by a Job that does not exist, then a Job whose selector matches the unowned pod (it may adopt it)
JOB_STRAY = STRAY.replace("apps/v1, kind: ReplicaSet", "batch/v1, kind: Job").replace("stray", "job-stray")
JOB = """apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox:1.36, command: ["true"]}]
"""


def _job_run(c: Cluster, steps: list[str], watch: list[bool]) -> dict[str, Any]:
    c.start()
    for text in steps:
        c.apply(text)
        c.run_for(5_000)
        watch.append(_started(c, JobController))
    c.settle()
    return {"events": [str(e) for e in c.event_log], "callbacks": c.clock.callbacks_run, "writes": c.api.writes,
            "now": c.clock.now, "recent": [t.label for t in c.clock._recent],
            "objects": {r: c.list(r, None) for r in ("pods", "jobs", "events")}}


@pytest.mark.parametrize("steps", [[SOLO, JOB], [SOLO, JOB_STRAY, JOB], [JOB, SOLO]],
                         ids=["unowned", "stray", "job-first"])
def test_the_job_controller_starts_with_a_job_or_a_pod_a_job_controls_and_the_run_is_the_eager_one(
        declared: None, steps: list[str]) -> None:
    assert "pods" in JobController.START_WHEN
    lazystart.ENABLED = False
    reference = _job_run(Cluster(nodes=2), steps, [])
    lazystart.ENABLED = True
    started: list[bool] = []
    lazy = _job_run(Cluster(nodes=2), steps, started)
    assert lazy == reference
    assert started[0] is (steps[0] is JOB)  # an unowned pod alone does not start it
    assert started[1] is (steps[1] is not SOLO or steps[0] is JOB)  # the stray pod does
