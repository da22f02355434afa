"""kubernetes pkg/controller/statefulset/stateful_set_test.go: the controller's pod handlers, claiming, and syncs.

Upstream calls the controller's addPod / updatePod / deletePod handlers and reads its work queue, claims pods
with getPodsForStatefulSet, and runs whole syncs through a fake worker. kspec's controller has the same
handlers (``add_pod``, ``update_pod``, ``delete_pod``, ``sets_for_pod``) and queue; the sets and pods here live
in a cluster without kubelets (see test_stateful_set_control.py for the sync driver).
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.controllers import statefulset_utils as su
from kspec.controllers.controller_utils import claim, selector_of
from kspec.objects import clone, timestamp
from tests.upstream.cases import case
from tests.upstream.controllers.test_stateful_set_control import SetEnv, _replicas, _status
from tests.upstream.controllers.test_stateful_set_utils import new_pod, new_stateful_set

SOURCE = "kubernetes/kubernetes pkg/controller/statefulset/stateful_set_test.go"


class HandlerEnv(SetEnv):
    """newFakeStatefulSetController: sets added to the lister, pods handed to the handlers."""

    def add_set(self, name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
        sts = new_stateful_set(3, name)
        for field in ("uid", "creationTimestamp"):
            sts["metadata"].pop(field)
        if labels is not None:
            sts["spec"]["selector"] = {"matchLabels": labels}
            sts["spec"]["template"]["metadata"]["labels"] = dict(labels)
        return self.c.api.create(sts)

    def pod_of(self, sts: dict[str, Any], ordinal: int, owned: bool = True) -> dict[str, Any]:
        """newStatefulSetPod, with the set's controller reference unless ``owned`` is false."""
        pod = new_pod(sts, ordinal)
        pod["metadata"]["resourceVersion"] = "1"
        if owned:
            pod["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "StatefulSet",
                                                   "name": sts["metadata"]["name"], "uid": sts["metadata"]["uid"],
                                                   "controller": True, "blockOwnerDeletion": True}]
        else:
            pod["metadata"].pop("ownerReferences", None)
        return pod

    def drain(self) -> None:
        """Forget what setting up queued (upstream's lister writes do not enqueue)."""
        self.ctrl.queue._order.clear()
        self.ctrl.queue._queued.clear()

    def queued(self) -> list[str]:
        return list(self.ctrl.queue._order)


def _bumped(pod: dict[str, Any]) -> dict[str, Any]:
    """fakeResourceVersion."""
    new = clone(pod)
    new["metadata"]["resourceVersion"] = str(int(new["metadata"].get("resourceVersion") or 0) + 1)
    return new


def _handlers() -> HandlerEnv:
    env = HandlerEnv(new_stateful_set(3, "unused"))
    env.c.api.delete("statefulsets", "unused", "default")
    return env


# -- the pod handlers -------------------------------------------------------------------------------------------
def add_pod(env: HandlerEnv) -> None:
    set1, set2 = env.add_set("foo"), env.add_set("foo2")
    env.drain()
    env.ctrl.add_pod(env.pod_of(set1, 0))
    assert env.queued() == ["default/foo"]
    env.drain()
    env.ctrl.add_pod(env.pod_of(set2, 0))
    assert env.queued() == ["default/foo2"]


def add_pod_orphan(env: HandlerEnv) -> None:
    set1 = env.add_set("foo")
    env.add_set("foo2")
    env.add_set("foo3", {"foo3": "bar"})
    env.drain()
    env.ctrl.add_pod(env.pod_of(set1, 0, owned=False))  # the sets whose selector matches are queued
    assert sorted(env.queued()) == ["default/foo", "default/foo2"]


def add_pod_no_set(env: HandlerEnv) -> None:
    sts = env.add_set("foo")
    pod = env.pod_of(sts, 0)
    env.c.api.delete("statefulsets", "foo", "default")
    env.drain()
    env.ctrl.add_pod(pod)
    assert env.queued() == []


def update_pod(env: HandlerEnv) -> None:
    set1, set2 = env.add_set("foo"), env.add_set("foo2")
    env.drain()
    pod1 = env.pod_of(set1, 0)
    env.ctrl.update_pod(pod1, _bumped(pod1))
    assert env.queued() == ["default/foo"]
    env.drain()
    pod2 = env.pod_of(set2, 0)
    env.ctrl.update_pod(pod2, _bumped(pod2))
    assert env.queued() == ["default/foo2"]


def update_pod_with_no_set(env: HandlerEnv) -> None:
    sts = env.add_set("foo")
    pod = env.pod_of(sts, 0)
    env.c.api.delete("statefulsets", "foo", "default")
    env.drain()
    env.ctrl.update_pod(pod, _bumped(pod))
    assert env.queued() == []


def update_pod_with_same_version(env: HandlerEnv) -> None:
    sts = env.add_set("foo")
    env.drain()
    pod = env.pod_of(sts, 0)
    env.ctrl.update_pod(pod, pod)
    assert env.queued() == []


def update_pod_orphan_with_new_labels(env: HandlerEnv) -> None:
    sts = env.add_set("foo")
    env.add_set("foo2")
    env.drain()
    pod = env.pod_of(sts, 0, owned=False)
    old = _bumped(pod)
    old["metadata"]["labels"] = {"foo2": "bar2"}
    env.ctrl.update_pod(old, pod)
    assert len(env.queued()) == 2


def update_pod_change_controller_ref(env: HandlerEnv) -> None:
    set1, set2 = env.add_set("foo"), env.add_set("foo2")
    env.drain()
    pod = env.pod_of(set1, 0)
    old = _bumped(pod)
    old["metadata"]["ownerReferences"] = env.pod_of(set2, 0)["metadata"]["ownerReferences"]
    env.ctrl.update_pod(old, pod)
    assert len(env.queued()) == 2


def update_pod_release(env: HandlerEnv) -> None:
    sts = env.add_set("foo")
    env.add_set("foo2")
    env.drain()
    pod = env.pod_of(sts, 0)
    released = _bumped(pod)
    released["metadata"].pop("ownerReferences")
    env.ctrl.update_pod(pod, released)
    assert len(env.queued()) == 2


def delete_pod(env: HandlerEnv) -> None:
    set1, set2 = env.add_set("foo"), env.add_set("foo2")
    env.drain()
    env.ctrl.delete_pod(env.pod_of(set1, 0))
    assert env.queued() == ["default/foo"]
    env.drain()
    env.ctrl.delete_pod(env.pod_of(set2, 0))
    assert env.queued() == ["default/foo2"]


def delete_pod_orphan(env: HandlerEnv) -> None:
    set1 = env.add_set("foo")
    env.add_set("foo2")
    env.drain()
    env.ctrl.delete_pod(env.pod_of(set1, 0, owned=False))
    assert env.queued() == []


def get_stateful_sets_for_pod(env: HandlerEnv) -> None:
    set1 = env.add_set("foo")
    env.add_set("foo2")
    assert len(env.ctrl.sets_for_pod(env.pod_of(set1, 0))) == 2


# -- claiming --------------------------------------------------------------------------------------------------------
def _claimed(env: HandlerEnv, sts: dict[str, Any], pods: list[dict[str, Any]]) -> set[str]:
    for pod in pods:
        pod["metadata"].pop("resourceVersion", None)
        env.ctrl.pods.observe(env.c.api.create(pod))  # observed, as the pod informer would deliver it
    out = claim(env.ctrl, sts, env.ctrl.pods, selector_of(sts), accept=lambda p: su.is_member_of(sts, p))
    return {p["metadata"]["name"] for p in out}


def get_pods_for_stateful_set_adopt(env: HandlerEnv) -> None:
    sts = env.add_set("foo")
    pod1 = env.pod_of(sts, 1)
    pod2 = env.pod_of(sts, 2, owned=False)  # an orphan with matching labels and name
    pod3 = env.pod_of(sts, 3, owned=False)  # wrong labels
    pod3["metadata"]["labels"] = {}
    pod4 = env.pod_of(sts, 4, owned=False)  # wrong name
    pod4["metadata"]["name"] = "x" + pod4["metadata"]["name"]
    # pod2 is claimed, pod3 and pod4 ignored
    assert _claimed(env, sts, [pod1, pod2, pod3, pod4]) == {"foo-1", "foo-2"}


def get_pods_for_stateful_set_release(env: HandlerEnv) -> None:
    sts = env.add_set("foo")
    pod1 = env.pod_of(sts, 1)
    pod2 = env.pod_of(sts, 2)  # owned, with the wrong name
    pod2["metadata"]["name"] = "x" + pod2["metadata"]["name"]
    pod3 = env.pod_of(sts, 3)  # owned, with the wrong labels
    pod3["metadata"]["labels"] = {}
    pod4 = env.pod_of(sts, 4, owned=False)  # an orphan that does not match
    pod4["metadata"]["labels"] = {}
    # only pod1: pod2 and pod3 are released, pod4 ignored
    assert _claimed(env, sts, [pod1, pod2, pod3, pod4]) == {"foo-1"}


# -- whole syncs ------------------------------------------------------------------------------------------------
def _scale_up(env: SetEnv) -> None:
    """scaleUpStatefulSetController: the highest pod moved along, a sync after each step."""
    assert env.sync() is None
    for _ in range(100):
        if (env.set().get("status") or {}).get("readyReplicas", 0) >= env.set()["spec"]["replicas"]:
            break
        last = len(env.pods()) - 1
        env.set_phase(last, "Pending")
        assert env.sync() is None
        env.set_phase(last, "Running")
        assert env.sync() is None
        env.set_ready(last)
        assert env.sync() is None
        env.monotonic()
    env.monotonic()


def controller_creates(env: SetEnv) -> None:
    _scale_up(env)
    assert _status(env)[0] == 3


def controller_deletes(env: SetEnv) -> None:
    _scale_up(env)
    assert _status(env)[0] == 3
    env.edit(_replicas(0))
    assert env.scale_down(env.monotonic) is None
    assert _status(env)[0] == 0


def controller_respects_termination(env: SetEnv) -> None:
    _scale_up(env)
    env.add_terminating_pod(3)
    env.add_terminating_pod(4)
    assert env.sync() is None
    assert len(env.pods()) == 5  # the terminating pods are left to terminate
    pods = env.pods()
    env.remove(pods[3])
    env.remove(pods[4])
    env.edit(_replicas(0))
    assert env.scale_down(env.monotonic) is None
    assert _status(env)[0] == 0


def controller_blocks_scaling(env: SetEnv) -> None:
    _scale_up(env)
    env.edit(_replicas(5))
    pod = clone(env.pods()[0])  # setPodTerminated: ordinal 0 terminating
    pod["metadata"]["deletionTimestamp"] = timestamp(env.c.clock.now)
    env._put(pod)
    assert env.sync() is None
    assert len(env.pods()) == 3, "StatefulSet does not block scaling"
    env.remove(env.pods()[0])
    assert env.sync() is None
    assert len(env.pods()) == 3, "StatefulSet does not resume when terminated Pod is removed"


def controller_deletion_timestamp(env: SetEnv) -> None:
    sts = env.set()
    env.c.api.store.update("statefulsets", {**sts, "metadata": {**sts["metadata"],
                                                                "deletionTimestamp": timestamp(0),
                                                                "finalizers": ["test"]}})
    assert env.sync() is None
    assert env.pods() == []  # a set being deleted creates no pods


def controller_deletion_timestamp_race(env: SetEnv) -> None:
    sts = env.set()
    orphan = new_pod(sts, 1)
    orphan["metadata"].pop("ownerReferences", None)
    env.c.api.store.create("pods", orphan)
    env.c.api.store.update("statefulsets", {**sts, "metadata": {**sts["metadata"],
                                                                "deletionTimestamp": timestamp(0),
                                                                "finalizers": ["test"]}})
    assert env.sync() is None
    pods = env.pods()
    assert len(pods) == 1  # neither adopted nor joined by new pods
    assert not pods[0]["metadata"].get("ownerReferences")


HANDLERS = [("TestStatefulSetControllerAddPod", add_pod), ("TestStatefulSetControllerAddPodOrphan", add_pod_orphan),
            ("TestStatefulSetControllerAddPodNoSet", add_pod_no_set),
            ("TestStatefulSetControllerUpdatePod", update_pod),
            ("TestStatefulSetControllerUpdatePodWithNoSet", update_pod_with_no_set),
            ("TestStatefulSetControllerUpdatePodWithSameVersion", update_pod_with_same_version),
            ("TestStatefulSetControllerUpdatePodOrphanWithNewLabels", update_pod_orphan_with_new_labels),
            ("TestStatefulSetControllerUpdatePodChangeControllerRef", update_pod_change_controller_ref),
            ("TestStatefulSetControllerUpdatePodRelease", update_pod_release),
            ("TestStatefulSetControllerDeletePod", delete_pod),
            ("TestStatefulSetControllerDeletePodOrphan", delete_pod_orphan),
            ("TestStatefulSetControllerGetStatefulSetsForPod", get_stateful_sets_for_pod),
            ("TestGetPodsForStatefulSetAdopt", get_pods_for_stateful_set_adopt),
            ("TestGetPodsForStatefulSetRelease", get_pods_for_stateful_set_release)]


@pytest.mark.parametrize("tc", [case(name, "", fn=fn) for name, fn in HANDLERS]
                         + [case("TestStatefulSetControllerDeletePodTombstone", "", fn=delete_pod, tombstone=True,
                                 unreachable=("kspec's informers deliver every delete: there is no "
                                              "DeletedFinalStateUnknown tombstone to unwrap"))])
def test_handlers(tc: dict[str, Any]) -> None:
    if tc.get("tombstone"):
        raise NotImplementedError("no tombstones in kspec's informers")
    tc["fn"](_handlers())


SYNCS = [("TestStatefulSetControllerCreates", controller_creates),
         ("TestStatefulSetControllerDeletes", controller_deletes),
         ("TestStatefulSetControllerRespectsTermination", controller_respects_termination),
         ("TestStatefulSetControllerBlocksScaling", controller_blocks_scaling),
         ("TestStatefulSetControllerDeletionTimestamp", controller_deletion_timestamp),
         ("TestStatefulSetControllerDeletionTimestampRace", controller_deletion_timestamp_race)]


@pytest.mark.parametrize("tc", [case(name, "", fn=fn) for name, fn in SYNCS])
def test_syncs(tc: dict[str, Any]) -> None:
    tc["fn"](SetEnv(new_stateful_set(3)))
