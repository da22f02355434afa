"""The ReplicaSet (and ReplicationController) controller: keep ``spec.replicas`` pods alive.

As upstream's pkg/controller/replicaset: claim pods by selector and
controllerRef, create missing pods from the template (``<rs>-<5 chars>``),
delete surplus pods in the order ``controller.ActivePodsWithRanks`` ranks them,
and report replicas / fullyLabeled / ready / available with minReadySeconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import (
    available_in_ms,
    claim,
    controlled_by,
    is_pod_active,
    owned_index,
    pod_from_template,
    selector_of,
)
from kspec.controllers.replicaset_utils import calculate_status, pods_to_delete, slow_start_batch
from kspec.errors import ApiError
from kspec.labels import Selector
from kspec.objects import Obj, controller_of, split_key

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: ReplicaSetController.burstReplicas (--concurrent... BurstReplicas = 500)
BURST_REPLICAS = 500
SLOW_START_INITIAL_BATCH_SIZE = 1  # controller.SlowStartInitialBatchSize



class ReplicaSetController(Controller):
    NAME = "replicaset-controller"
    START_ON_FIRST: tuple[str, ...] = ("replicasets", "pods")
    START_WHEN: Mapping[str, Callable[[Obj], bool]] = {"pods": controlled_by("ReplicaSet")}  # kspec/lazystart.py
    RESOURCE = "replicasets"
    KIND = "ReplicaSet"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pods = owned_index(cluster, "pods")
        self.sets = owned_index(cluster, self.RESOURCE)
        self._shrinking = False

    def start(self) -> None:
        self.watch(self.RESOURCE)
        self.api.informers.on("pods", self._pod_changed, self._pod_updated, self._pod_changed,
                              on_status=self._pod_status)

    # -- pod events -> owner keys -------------------------------------------------
    def _pod_changed(self, pod: Obj) -> None:
        ref = controller_of(pod)
        ns = pod["metadata"].get("namespace", "")
        if ref is not None:
            if ref.get("kind") == self.KIND:
                self.queue.add(f"{ns}/{ref['name']}")
            return
        # an orphan: every set of the namespace whose selector matches may adopt it
        labels = pod["metadata"].get("labels")
        for rs in self.api.store.list(self.RESOURCE, ns):
            if selector_of(rs).matches(labels):
                self.queue.add(f"{ns}/{rs['metadata']['name']}")

    def _pod_status(self, _old: Obj, new: Obj) -> None:
        """_pod_updated for a status-only update (informers.Handler.on_status): controller and labels unchanged."""
        self._pod_changed(new)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        old_ref, new_ref = controller_of(old), controller_of(new)
        if old_ref != new_ref or old["metadata"].get("labels") != new["metadata"].get("labels"):
            self._pod_changed(old)
        self._pod_changed(new)

    # -- reconcile ----------------------------------------------------------------
    def reconcile(self, key: str) -> bool:
        ns, name = split_key(key)
        rs = self.api.try_get(self.RESOURCE, name, ns)
        if rs is None:
            return False
        selector = selector_of(rs)
        pods = [p for p in claim(self, rs, self.pods, selector) if is_pod_active(p)]
        error = None
        if not rs["metadata"].get("deletionTimestamp"):
            error = self._manage(rs, pods, selector)
            pods = [p for p in self.pods.owned(rs["metadata"]["uid"]) if is_pod_active(p)]
        self._update_status(rs, pods, error)
        return error is not None  # syncReplicaSet returns manageReplicasErr: retried with back-off

    def _manage(self, rs: Obj, pods: list[Obj], selector: Selector) -> tuple[str, str] | None:
        """manageReplicas: create or delete at most BURST_REPLICAS pods toward spec.replicas."""
        diff = len(pods) - rs["spec"].get("replicas", 1)
        if diff < 0:
            self._shrink_siblings_first(rs)

            def create() -> Exception | None:
                try:
                    # the template is the stored set's, decoded when the set was written: a pod made of it
                    # decodes to itself, so the typed decode (a copy of the whole pod) is skipped
                    created = self.api.create(pod_from_template(rs["spec"]["template"], rs),
                                              _decoded="resourceVersion" in rs["metadata"])
                except ApiError as exc:
                    self.events.event(rs, "Warning", "FailedCreate", f"Error creating: {exc.message}",
                                      component=self.NAME)
                    return exc
                self.pods.observe(created)
                self.events.event(rs, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}",
                                  component=self.NAME)
                return None

            # slowStartBatch: batches of 1, 2, 4, ...; the first batch with a failure is the last
            _, err = slow_start_batch(min(-diff, BURST_REPLICAS), SLOW_START_INITIAL_BATCH_SIZE, create)
            if isinstance(err, ApiError):
                return "FailedCreate", err.message
        elif diff > 0:
            victims = pods_to_delete(pods, self._related_pods(rs, pods), min(diff, BURST_REPLICAS), self.clock.now)
            for pod in victims:
                try:
                    self.api.delete("pods", pod["metadata"]["name"], rs["metadata"]["namespace"])
                except ApiError as exc:
                    if exc.code == 404:
                        continue
                    self.events.event(rs, "Warning", "FailedDelete", f"Error deleting: {exc.message}",
                                      component=self.NAME)
                    return "FailedDelete", exc.message
                self.events.event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}",
                                  component=self.NAME)
        return None

    def _shrink_siblings_first(self, rs: Obj) -> None:
        """Before growing, let sets of the same owner that were scaled down delete their surplus pods.

        Upstream runs several workers, so which of two queued sets goes first is
        a race; kspec settles it the way that keeps a Deployment's pods within
        its maxSurge, as the spec-level arithmetic intends.
        """
        ref = controller_of(rs)
        if ref is None or self._shrinking:
            return
        self._shrinking = True
        try:
            for sibling in self.sets.owned(ref["uid"]):
                if sibling["metadata"]["uid"] == rs["metadata"]["uid"]:
                    continue
                active = sum(1 for p in self.pods.owned(sibling["metadata"]["uid"], ordered=False) if is_pod_active(p))
                if active > sibling["spec"].get("replicas", 1):
                    self.reconcile(f"{sibling['metadata']['namespace']}/{sibling['metadata']['name']}")
        finally:
            self._shrinking = False

    def _related_pods(self, rs: Obj, own: list[Obj]) -> list[Obj]:
        """getIndirectlyRelatedPods: pods of every set controlled by this set's own controller."""
        ref = controller_of(rs)
        if ref is None:
            return own
        out: list[Obj] = []
        for sibling in self.sets.owned(ref["uid"]):
            out.extend(self.pods.owned(sibling["metadata"]["uid"]))
        return out

    def _update_status(self, rs: Obj, pods: list[Obj], error: tuple[str, str] | None) -> None:
        """calculateStatus + updateReplicaSetStatus; requeue when a ready pod will become available."""
        now, mrs = self.clock.now, rs["spec"].get("minReadySeconds", 0)
        status = calculate_status(rs, pods, error[1] if error else None, now)
        if rs["metadata"].get("generation"):
            status["observedGeneration"] = rs["metadata"]["generation"]
        if status != (rs.get("status") or {}):
            # update_status of the ReplicaSet as read: only the status is decoded and nothing else is copied
            md = rs["metadata"]
            self.api.write_status(self.RESOURCE, md["name"], md["namespace"], status,
                                  resource_version=md.get("resourceVersion") or None)
        waits = [w for p in pods if (w := available_in_ms(p, mrs, now)) is not None]
        if waits:
            self.queue.add_after(f"{rs['metadata']['namespace']}/{rs['metadata']['name']}", min(waits))


class ReplicationControllerController(ReplicaSetController):
    """The same loop for core/v1 ReplicationControllers (map selectors)."""

    NAME = "replicationcontroller-controller"
    START_ON_FIRST = ("replicationcontrollers", "pods")
    START_WHEN = {"pods": controlled_by("ReplicationController")}
    RESOURCE = "replicationcontrollers"
    KIND = "ReplicationController"
