"""Controllers that start on demand (kspec/lazystart.py): each waits while the scenario has nothing for it (the
disruption controller: a pod no budget selects; the DaemonSet controller: a pod no DaemonSet controls, any node;
the StatefulSet controller: any pod; the claim protection controller: a pod naming no claim; the attach/detach
controller: a pod without a claim, a claim, a volume, any node), starts with the first object it acts on, and the
run is the eager start's, callback for callback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kspec import lazystart
from kspec.cluster import Cluster, NodeSpec
from kspec.controllers.attachdetach import AttachDetachController
from kspec.controllers.daemonset import DaemonSetController
from kspec.controllers.disruption import DisruptionController
from kspec.controllers.persistentvolume import PVCProtectionController
from kspec.controllers.statefulset import StatefulSetController

Step = str | Callable[[Cluster], object]  # a manifest to apply, or an action on the cluster

SOLO = """apiVersion: v1
kind: Pod
metadata: {name: solo, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: c, image: nginx:1.27}]
"""
RS = """apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers: [{name: c, image: nginx:1.27}]
"""
PDB = """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
"""
DS = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {role: agent}
      terminationGracePeriodSeconds: 0
      containers: [{name: c, image: busybox:1.36}]
"""
#: controlled by a DaemonSet that does not exist: the controller's pod handler queues it
DS_STRAY = """apiVersion: v1
kind: Pod
metadata:
  name: ds-stray
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: gone, uid: "1234", controller: true}]
spec:
  containers: [{name: c, image: nginx:1.27}]
"""
CLASS = """apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: disk}
provisioner: ebs.csi.aws.com
volumeBindingMode: WaitForFirstConsumer
"""
CLAIM = """apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  storageClassName: disk
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
"""
USER = """apiVersion: v1
kind: Pod
metadata: {name: user}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: c, image: nginx:1.27}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
"""

STS = """apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers: [{name: c, image: nginx:1.27}]
"""
#: controlled by a StatefulSet that does not exist: no handler of the controller finds a set to queue
STS_STRAY = DS_STRAY.replace("DaemonSet", "StatefulSet").replace("ds-stray", "sts-stray")
#: made by hand before anything else: it starts the controller (and the CSI attacher, which marks it attached)
ATTACHMENT = """apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: by-hand}
spec:
  attacher: ebs.csi.aws.com
  nodeName: node-1
  source: {persistentVolumeName: elsewhere}
"""


@pytest.fixture
def restore() -> Iterator[None]:
    saved = lazystart.ENABLED
    yield
    lazystart.ENABLED = saved


def _owner(handler: Any) -> str:
    fn = handler.on_add or handler.on_update or handler.on_delete
    owner = getattr(fn, "__self__", None)
    return type(owner).__name__ if owner is not None else fn.__qualname__


def _mine(name: str, cls: type) -> bool:
    """Whether a handler so named is ``cls``'s: a method of it, or a function its start made."""
    return name == cls.__name__ or name.startswith(cls.__name__ + ".")


def _started(c: Cluster, cls: type) -> bool:
    """Whether any of ``cls``'s handlers is registered (each controller here registers one for pods)."""
    return any(_mine(_owner(h), cls) for h in c.api.informers._handlers.get("pods", ()))


def _handlers(c: Cluster) -> dict[str, list[str]]:
    return {r: [_owner(h) for h in hs] for r, hs in sorted(c.api.informers._handlers.items())}


def _in_common(mine: list[str], other: list[str]) -> list[str]:
    """``mine`` but for the owners that are not named exactly once in both lists (a shared closure such as a
    WorkQueue's, a controller the lazy run never started)."""
    return [n for n in mine if mine.count(n) == 1 and other.count(n) == 1]


def _run(c: Cluster, steps: list[Step], cls: type, watch: list[bool]) -> dict[str, Any]:
    c.start()
    for step in steps:
        if isinstance(step, str):
            c.apply(step)
        else:
            c._act(lambda step=step: step(c))  # type: ignore[misc]
        c.run_for(10_000)
        watch.append(_started(c, cls))
    c.settle()
    return {"events": [str(e) for e in c.event_log], "callbacks": c.clock.callbacks_run, "writes": c.api.writes,
            "now": c.clock.now, "recent": [t.label for t in c.clock._recent],
            "objects": {r: c.list(r, None) for r in ("pods", "nodes", "poddisruptionbudgets", "daemonsets",
                                                       "statefulsets", "persistentvolumeclaims", "persistentvolumes",
                                                       "volumeattachments", "events")}}


def _compare(nodes: Callable[[], Cluster], steps: list[Step], cls: type) -> tuple[list[bool], dict[str, Any]]:
    """Run ``steps`` eagerly and lazily: the same run, and the handlers of every controller the lazy run started
    in the eager order. Returns whether ``cls`` had started after each step of the lazy run, and the run."""
    lazystart.ENABLED = False
    eager_cluster = nodes()
    reference = _run(eager_cluster, steps, cls, [])
    lazystart.ENABLED = True
    lazy_cluster = nodes()
    started: list[bool] = []
    lazy = _run(lazy_cluster, steps, cls, started)
    assert lazy == reference
    # where the controller's handlers are among the others of each resource it watches
    eager, lazy_handlers = _handlers(eager_cluster), _handlers(lazy_cluster)
    watched = [r for r, hs in lazy_handlers.items() if any(_mine(n, cls) for n in hs)]
    assert "pods" in watched
    for r in watched:
        assert any(_mine(n, cls) for n in _in_common(lazy_handlers[r], eager[r]))
        assert _in_common(lazy_handlers[r], eager[r]) == _in_common(eager[r], lazy_handlers[r])
    return started, lazy


def _two() -> Cluster:
    return Cluster(nodes=2)


def _zoned() -> Cluster:
    return Cluster(nodes=[NodeSpec(f"node-{i}", zone="z1") for i in (1, 2)])


def _delete_one_web_pod(c: Cluster) -> None:
    pod = next(p for p in c.list("pods", None) if (p["metadata"].get("labels") or {}).get("app") == "web")
    c.delete("pod", pod["metadata"]["name"])


def _label_agent(c: Cluster) -> None:
    c.label_node("node-1", "role=agent")


def _join(c: Cluster) -> None:
    c.add_node(NodeSpec("node-3", labels={"role": "agent"}))


def _delete_user(c: Cluster) -> None:
    c.delete("pod", "user")


def _delete_claim(c: Cluster) -> None:
    c.delete("persistentvolumeclaim", "data")


# -- the disruption controller -----------------------------------------------------------------------------------
def test_the_disruption_controller_waits_for_a_budget(restore: None) -> None:
    assert DisruptionController.START_WHEN["pods"] is lazystart.never
    c = Cluster(nodes=2)
    c.apply(SOLO)
    c.apply(RS)
    c.run_for(10_000)
    _delete_one_web_pod(c)
    c.run_for(10_000)
    assert not _started(c, DisruptionController)
    c.apply(PDB)
    assert _started(c, DisruptionController)


@pytest.mark.parametrize("steps", [[SOLO, RS, PDB, _delete_one_web_pod], [PDB, SOLO, RS, _delete_one_web_pod],
                                   [RS, _delete_one_web_pod, PDB, SOLO]], ids=["pods-first", "budget-first", "later"])
def test_the_disruption_controller_run_is_the_eager_one(restore: None, steps: list[Step]) -> None:
    started, run = _compare(_two, steps, DisruptionController)
    assert "disruptionsAllowed" in run["objects"]["poddisruptionbudgets"][0]["status"]
    assert started == [i >= steps.index(PDB) for i in range(len(steps))]


# -- the DaemonSet controller ------------------------------------------------------------------------------------
def test_the_daemonset_controller_waits_for_a_daemonset_or_a_pod_one_controls(restore: None) -> None:
    assert DaemonSetController.START_WHEN["nodes"] is lazystart.never
    assert "nodes" not in DaemonSetController.START_ON_FIRST
    c = Cluster(nodes=2)
    c.apply(SOLO)
    c.apply(RS)  # pods a ReplicaSet controls
    c.label_node("node-1", "role=agent")
    c.run_for(10_000)
    assert not _started(c, DaemonSetController)
    c.apply(DS)
    assert _started(c, DaemonSetController)


@pytest.mark.parametrize("steps", [[SOLO, _label_agent, DS, _join], [SOLO, DS_STRAY, DS, _label_agent],
                                   [DS, _label_agent, SOLO, _join]], ids=["nodes-first", "stray", "set-first"])
def test_the_daemonset_controller_run_is_the_eager_one(restore: None, steps: list[Step]) -> None:
    started, run = _compare(_two, steps, DaemonSetController)
    assert [p["spec"].get("nodeName") for p in run["objects"]["pods"] if p["metadata"]["name"].startswith("agent-")]
    first = min(steps.index(s) for s in (DS, DS_STRAY) if s in steps)
    assert started == [i >= first for i in range(len(steps))]


# -- the StatefulSet controller ----------------------------------------------------------------------------------
def test_the_statefulset_controller_waits_for_a_statefulset(restore: None) -> None:
    assert StatefulSetController.START_WHEN["pods"] is lazystart.never
    c = Cluster(nodes=2)
    for step in (SOLO, STS_STRAY, RS):  # an unowned pod (that the set would adopt), a stray, a ReplicaSet's pods
        c.apply(step)
        c.run_for(10_000)
    _delete_one_web_pod(c)
    c.run_for(10_000)
    assert not _started(c, StatefulSetController)
    c.apply(STS)
    assert _started(c, StatefulSetController)


@pytest.mark.parametrize("steps", [[SOLO, STS_STRAY, STS, _delete_one_web_pod], [STS, SOLO, _delete_one_web_pod]],
                         ids=["pods-first", "set-first"])
def test_the_statefulset_controller_run_is_the_eager_one(restore: None, steps: list[Step]) -> None:
    started, run = _compare(_two, steps, StatefulSetController)
    assert {"db-0", "db-1"} <= {p["metadata"]["name"] for p in run["objects"]["pods"]}
    assert started == [i >= steps.index(STS) for i in range(len(steps))]


# -- the claim protection controller ------------------------------------------------------------------------------
def test_the_claim_protection_controller_waits_for_a_claim_or_a_pod_naming_one(restore: None) -> None:
    assert "pods" in PVCProtectionController.START_WHEN
    c = Cluster(nodes=2)
    for step in (SOLO, RS):
        c.apply(step)
        c.run_for(10_000)
    _delete_one_web_pod(c)
    c.run_for(10_000)
    assert not _started(c, PVCProtectionController)
    c.apply(USER)  # its claim does not exist yet
    assert _started(c, PVCProtectionController)


@pytest.mark.parametrize("steps", [[SOLO, USER, CLAIM, _delete_claim, _delete_user],
                                   [CLAIM, SOLO, USER, _delete_claim, _delete_user]], ids=["pod-first", "claim-first"])
def test_the_claim_protection_controller_run_is_the_eager_one(restore: None, steps: list[Step]) -> None:
    started, run = _compare(_zoned, [CLASS, *steps], PVCProtectionController)
    first = min(steps.index(USER), steps.index(CLAIM)) + 1
    assert started == [i >= first for i in range(len(steps) + 1)]
    assert run["objects"]["persistentvolumeclaims"] == []  # its finalizer removed once the pod went


# -- the attach/detach controller --------------------------------------------------------------------------------
def test_the_attach_detach_controller_waits_for_a_pod_with_a_claim(restore: None) -> None:
    c = _zoned()
    c.apply(CLASS)
    c.apply(CLAIM)
    c.apply(SOLO)
    c.run_for(10_000)
    _delete_one_web_pod(c)
    c.run_for(10_000)
    assert not _started(c, AttachDetachController)
    c.apply(USER)
    assert _started(c, AttachDetachController)
    c.run_for(30_000)
    assert [va["spec"]["nodeName"] for va in c.list("volumeattachments", None)] == [
        c.get("pod", "user")["spec"]["nodeName"]]


@pytest.mark.parametrize("steps", [[CLASS, CLAIM, SOLO, USER, _delete_user], [CLASS, USER, CLAIM, _delete_user],
                                   [ATTACHMENT, CLASS, CLAIM, USER, _delete_user]],
                         ids=["claim-first", "pod-first", "attachment-first"])
def test_the_attach_detach_controller_run_is_the_eager_one(restore: None, steps: list[Step]) -> None:
    started, run = _compare(_zoned, steps, AttachDetachController)
    assert any("SuccessfulAttachVolume" in e for e in run["events"])
    first = min(steps.index(s) for s in (USER, ATTACHMENT) if s in steps)
    assert started == [i >= first for i in range(len(steps))]


# -- a status write starts nothing -------------------------------------------------------------------------------
def test_a_status_write_asks_no_waiting_start(restore: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kubelet's status writes of a pod are not offered to the controllers waiting for a pod (their tests read
    metadata and spec, which such a write leaves as they were); its other writes are."""
    c = Cluster(nodes=1)
    c.start()
    informers = c.api.informers
    commits: list[tuple[str, bool]] = []
    asked: list[str] = []
    notify, start_first = informers.notify, informers._start_first

    def noting(event: Any, status_only: bool = False) -> None:
        if event.resource == "pods":
            commits.append((event.obj["metadata"]["resourceVersion"], status_only))
        notify(event, status_only)

    def asking(resource: str, obj: Any, old: Any) -> None:
        if resource == "pods":
            asked.append(obj["metadata"]["resourceVersion"])
        start_first(resource, obj, old)

    monkeypatch.setattr(informers, "notify", noting)
    monkeypatch.setattr(informers, "_start_first", asking)
    c.apply(SOLO)
    c.run_for(10_000)
    assert "pods" in informers._first  # the ReplicaSet controllers still wait, among others
    assert any(status for _rv, status in commits) and not all(status for _rv, status in commits)
    assert asked == [rv for rv, status in commits if not status]


def test_a_test_is_asked_about_each_committed_object_once(restore: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not about the object a write replaced: that one was asked about at its own commit."""
    from kspec.controllers.replicaset import ReplicaSetController

    seen: list[str] = []
    test = ReplicaSetController.START_WHEN["pods"]

    def counting(pod: Any) -> bool:
        seen.append(pod["metadata"]["resourceVersion"])
        return test(pod)

    monkeypatch.setattr(ReplicaSetController, "START_WHEN", {"pods": counting})
    lazystart.ENABLED = True
    c = Cluster(nodes=1)
    c.apply(SOLO)
    c.run_for(10_000)
    c.delete("pod", "solo")
    c.settle()
    writes = [(t, obj["metadata"]["resourceVersion"]) for _now, t, r, obj, _who in c.clock._writes if r == "pods"]
    assert [t for t, _rv in writes][:2] == ["ADDED", "MODIFIED"] and writes[-1][0] == "DELETED"
    assert len(seen) == len(set(seen))  # none twice
    assert set(seen) <= {rv for _t, rv in writes}
    assert seen[:2] == [rv for _t, rv in writes[:2]]  # the create and the bind


# -- the tests themselves ----------------------------------------------------------------------------------------
def _ref(kind: str, controller: bool | None) -> dict[str, Any]:
    ref: dict[str, Any] = {"apiVersion": "apps/v1", "kind": kind, "name": "x", "uid": "1"}
    if controller is not None:
        ref["controller"] = controller
    return ref


@pytest.mark.parametrize("refs", [None, [], [_ref("ReplicaSet", None)], [_ref("ReplicaSet", False)],
                                  [_ref("ReplicaSet", True)], [_ref("Job", True)],
                                  [_ref("Job", False), _ref("ReplicaSet", True)],
                                  [_ref("ReplicaSet", True), _ref("Job", True)]])
def test_controlled_by_is_controller_of(refs: list[dict[str, Any]] | None) -> None:
    from kspec.controllers.controller_utils import controlled_by
    from kspec.objects import controller_of

    pod: dict[str, Any] = {"metadata": {"name": "p"} if refs is None else {"name": "p", "ownerReferences": refs}}
    for kind in ("ReplicaSet", "Job", "DaemonSet"):
        ref = controller_of(pod)
        assert controlled_by(kind)(pod) is (ref is not None and ref.get("kind") == kind)


@pytest.mark.parametrize("volumes", [None, [], [{"name": "t", "projected": {}}],
                                     [{"name": "t", "projected": {}}, {"name": "d", "persistentVolumeClaim": {
                                         "claimName": "data"}}], [{"name": "d", "persistentVolumeClaim": {}}]])
def test_names_a_claim_holds_for_every_pod_the_claim_handlers_act_on(volumes: list[dict[str, Any]] | None) -> None:
    from kspec.controllers.attachdetach import pod_claims
    from kspec.controllers.controller_utils import names_a_claim
    from kspec.controllers.persistentvolume import claims_of

    pod: dict[str, Any] = {"metadata": {"name": "p"}, "spec": {} if volumes is None else {"volumes": volumes}}
    assert names_a_claim(pod) is bool(pod_claims(pod))  # the attach/detach controller's
    assert names_a_claim(pod) or not claims_of(pod)  # the PVC protection controller's (a claim without a name: no)
