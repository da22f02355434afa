"""The StatefulSet controller (pkg/controller/statefulset): stable names, ordered start and stop.

Pods are ``<set>-<ordinal>`` with ``hostname``/``subdomain``, the pod-name and
pod-index labels and the ``controller-revision-hash`` of their template;
``volumeClaimTemplates`` become PVCs ``<claim>-<set>-<ordinal>``. OrderedReady
creates one ordinal at a time, waiting for each to be Running and Ready, and
removes from the highest ordinal; Parallel does not wait. RollingUpdate
replaces pods from the highest ordinal down to the partition, one at a time;
OnDelete only uses the new template for pods that were deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.controllers import history, statefulset_utils
from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import (
    claim,
    is_pod_available,
    is_running_and_ready,
    owned_index,
    pod_from_template,
    selector_of,
)
from kspec.errors import ApiError
from kspec.lazystart import never
from kspec.objects import Obj, clone, controller_of, split_key

if TYPE_CHECKING:
    from kspec.cluster import Cluster

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"


def ordinal_of(set_name: str, pod: Obj) -> int:
    """getParentNameAndOrdinal: -1 when the name is not ``<set>-<n>``."""
    name = pod["metadata"]["name"]
    prefix, _, tail = name.rpartition("-")
    return int(tail) if prefix == set_name and tail.isdigit() else -1


def claim_name(template_name: str, set_name: str, ordinal: int) -> str:
    """getPersistentVolumeClaimName."""
    return f"{template_name}-{set_name}-{ordinal}"


class StatefulSetController(Controller):
    NAME = "statefulset-controller"
    #: kspec/lazystart.py: every pod handler queues only a StatefulSet it finds in the store (stateful_set.go
    #: addPod/updatePod/deletePod: resolveControllerRef, getPodStatefulSets), so a pod alone never starts it
    START_ON_FIRST = ("statefulsets",)
    START_WHEN = {"pods": never}

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pods = owned_index(cluster, "pods")
        self._create_failed = False  # set by a sync whose pod or claim create the API refused
        self._rolled = False  # set by a sync whose rolling update deleted a pod

    def start(self) -> None:
        self.watch("statefulsets")
        self.api.informers.on("pods", self.add_pod, self.update_pod, self.delete_pod, on_status=self._pod_status)

    # -- pod event handlers ---------------------------------------------------------------
    def _enqueue(self, sts: Obj) -> None:
        self.queue.add(f"{sts['metadata']['namespace']}/{sts['metadata']['name']}")

    def _resolve(self, namespace: str, ref: dict[str, Any] | None) -> Obj | None:
        """resolveControllerRef: the set a controller reference names, if it is that very set (same UID)."""
        if ref is None or ref.get("kind") != "StatefulSet":
            return None
        sts = self.api.store.get("statefulsets", namespace, ref.get("name", ""))
        if sts is None or sts["metadata"].get("uid") != ref.get("uid"):
            return None
        return sts

    def sets_for_pod(self, pod: Obj) -> list[Obj]:
        """getStatefulSetsForPod: the sets in the pod's namespace whose selector matches its labels."""
        labels = pod["metadata"].get("labels")
        if not labels:
            return []
        return [sts for sts in self.api.store.list("statefulsets", pod["metadata"]["namespace"])
                if selector_of(sts).matches(labels)]

    def add_pod(self, pod: Obj) -> None:
        """addPod: the owning set, or for an orphan every set that might adopt it."""
        if pod["metadata"].get("deletionTimestamp"):
            self.delete_pod(pod)
            return
        ref = controller_of(pod)
        if ref is not None:
            sts = self._resolve(pod["metadata"]["namespace"], ref)
            if sts is not None:
                self._enqueue(sts)
            return
        for sts in self.sets_for_pod(pod):
            self._enqueue(sts)

    def update_pod(self, old: Obj, new: Obj) -> None:
        """updatePod: nothing for a resync (same resourceVersion); both owners when the controller changed."""
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return
        ns = new["metadata"]["namespace"]
        old_ref, new_ref = controller_of(old), controller_of(new)
        ref_changed = old_ref != new_ref
        if ref_changed and old_ref is not None:
            sts = self._resolve(ns, old_ref)
            if sts is not None:
                self._enqueue(sts)
        if new_ref is not None:
            sts = self._resolve(ns, new_ref)
            if sts is not None:
                self._enqueue(sts)
            return
        if ref_changed or old["metadata"].get("labels") != new["metadata"].get("labels"):
            for sts in self.sets_for_pod(new):
                self._enqueue(sts)

    def _pod_status(self, _old: Obj, new: Obj) -> None:
        """update_pod for a status-only update (informers.Handler.on_status): the controller reference and the
        labels are the old ones, so only the owning set is looked at."""
        ref = controller_of(new)
        if ref is not None:
            sts = self._resolve(new["metadata"]["namespace"], ref)
            if sts is not None:
                self._enqueue(sts)

    def delete_pod(self, pod: Obj) -> None:
        """deletePod: the owning set; an orphan's deletion concerns no one."""
        sts = self._resolve(pod["metadata"]["namespace"], controller_of(pod))
        if sts is not None:
            self._enqueue(sts)

    def _event(self, sts: Obj, verb: str, pod: Obj, error: ApiError | str | None = None) -> None:
        """recordPodEvent: ``<verb> Pod <pod> in StatefulSet <set> successful``."""
        if isinstance(error, ApiError):
            error = error.message
        if error is None:
            self.events.event(sts, "Normal", f"Successful{verb}",
                              f"{verb.lower()} Pod {pod['metadata']['name']} in StatefulSet "
                              f"{sts['metadata']['name']} successful", component=self.NAME)
        else:
            self.events.event(sts, "Warning", f"Failed{verb}",
                              f"{verb.lower()} Pod {pod['metadata']['name']} in StatefulSet "
                              f"{sts['metadata']['name']} failed error: {error}", component=self.NAME)

    # -- reconcile ----------------------------------------------------------------
    def reconcile(self, key: str) -> bool:
        ns, name = split_key(key)
        sts = self.api.try_get("statefulsets", name, ns)
        if sts is None or sts["metadata"].get("deletionTimestamp"):
            return False
        self._create_failed = False
        # getPodsForStatefulSet: only pods named after the set are claimed (isMemberOf)
        pods = claim(self, sts, self.pods, selector_of(sts), accept=lambda p: statefulset_utils.is_member_of(sts, p))
        labels = dict((sts["spec"]["selector"] or {}).get("matchLabels") or {})
        update_rev, revisions = history.sync_revision(self.api, sts, sts["spec"]["template"], labels)
        by_name = {cr["metadata"]["name"]: cr for cr in revisions}
        current_name = (sts.get("status") or {}).get("currentRevision") or update_rev["metadata"]["name"]
        current_rev = by_name.get(current_name, update_rev)
        status = self._update(sts, pods, current_rev, update_rev)
        live_revs = {current_rev["metadata"]["name"], update_rev["metadata"]["name"]}
        live_revs |= {p["metadata"].get("labels", {}).get(history.REVISION_LABEL, "") for p in pods}
        history.truncate(self.api, sts, revisions, live_revs)
        self._write_status(sts, status)
        return self._create_failed  # sync returns the create error: processNextWorkItem retries with back-off

    def _new_pod(self, sts: Obj, ordinal: int, current: Obj, update: Obj) -> Obj:
        """newVersionedStatefulSetPod: ordinals below the partition keep the current revision."""
        strategy = sts["spec"].get("updateStrategy") or {}
        use_current = False
        if strategy.get("type", "RollingUpdate") == "RollingUpdate":
            rolling = strategy.get("rollingUpdate")
            if rolling is None:
                use_current = ordinal < (sts.get("status") or {}).get("currentReplicas", 0)
            else:
                use_current = ordinal < (rolling.get("partition") or 0)
        rev = current if use_current else update
        name = f"{sts['metadata']['name']}-{ordinal}"
        pod = pod_from_template(history.template_of(rev), sts, name=name)
        pod["metadata"]["labels"].update({POD_NAME_LABEL: name, POD_INDEX_LABEL: str(ordinal),
                                          history.REVISION_LABEL: rev["metadata"]["name"]})
        statefulset_utils.update_identity(sts, pod)  # initIdentity
        statefulset_utils.update_storage(sts, pod)
        return pod

    def _create_claims(self, sts: Obj, pod: Obj) -> str | None:
        """createPersistentVolumeClaims: one PVC per template unless it exists; the errors, aggregated, or None.

        A claim being deleted is an error (the pod would lose its storage), without an event of its own.
        """
        ns, set_name = sts["metadata"]["namespace"], sts["metadata"]["name"]
        _, ordinal = statefulset_utils.parent_name_and_ordinal(pod)
        pod_name = pod["metadata"]["name"]
        errors: list[str] = []
        for template in sts["spec"].get("volumeClaimTemplates") or []:
            name = claim_name(template["metadata"]["name"], set_name, ordinal)
            try:
                existing = self.api.try_get("persistentvolumeclaims", name, ns)
            except ApiError as exc:
                errors.append(f"failed to retrieve PVC {name}: {exc.message}")
                self._claim_event(sts, pod_name, name, exc)
                continue
            if existing is not None:
                if existing["metadata"].get("deletionTimestamp"):
                    errors.append(f"pvc {name} is being deleted")
                continue
            labels = {**((template.get("metadata") or {}).get("labels") or {}),
                      **((sts["spec"]["selector"] or {}).get("matchLabels") or {})}
            pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                   "metadata": {"name": name, "namespace": ns, "labels": labels},
                   "spec": clone(template.get("spec") or {})}
            try:
                self.api.create(pvc)
            except ApiError as exc:
                errors.append(f"failed to create PVC {name}: {exc.message}")
                if exc.reason != "AlreadyExists":
                    self._claim_event(sts, pod_name, name, exc)
                continue
            self._claim_event(sts, pod_name, name, None)
        if not errors:
            return None
        return errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"  # utilerrors.NewAggregate

    def _claim_event(self, sts: Obj, pod_name: str, claim: str, error: ApiError | None) -> None:
        """recordClaimEvent."""
        set_name = sts["metadata"]["name"]
        if error is None:
            self.events.event(sts, "Normal", "SuccessfulCreate",
                              f"create Claim {claim} Pod {pod_name} in StatefulSet {set_name} success",
                              component=self.NAME)
        else:
            self.events.event(sts, "Warning", "FailedCreate",
                              f"create Claim {claim} for Pod {pod_name} in StatefulSet {set_name} failed error: "
                              f"{error.message}", component=self.NAME)

    def create_stateful_pod(self, sts: Obj, pod: Obj) -> ApiError | str | None:
        """CreateStatefulPod: the claims first, then the pod; an AlreadyExists pod is an error without an event."""
        error = self._create_claims(sts, pod)
        if error is not None:
            self._event(sts, "Create", pod, error)
            return error
        try:
            created = self.api.create(pod)
        except ApiError as exc:
            if exc.reason != "AlreadyExists":
                self._event(sts, "Create", pod, exc)
            return exc
        self.pods.observe(created)
        error = self.update_claims_for_retention(sts, created)  # "set PVC policy as much as is possible"
        if error is not None:
            self._event(sts, "Update", created, error)
            return error
        self._event(sts, "Create", created)
        return None

    # -- claim retention (stateful_pod_control.go ClaimsMatchRetentionPolicy, UpdatePodClaimForRetentionPolicy) --
    def _claims_of(self, sts: Obj, pod: Obj) -> list[Obj]:
        """The pod's existing claims, one per template (a missing one is picked up on a later sync)."""
        _, ordinal = statefulset_utils.parent_name_and_ordinal(pod)
        out = []
        for template in sts["spec"].get("volumeClaimTemplates") or []:
            name = claim_name(template["metadata"]["name"], sts["metadata"]["name"], ordinal)
            found = self.api.store.get("persistentvolumeclaims", sts["metadata"]["namespace"], name)
            if found is not None:
                out.append(found)
        return out

    def claims_match_retention(self, sts: Obj, pod: Obj) -> bool:
        """ClaimsMatchRetentionPolicy: every existing claim's owner references fit the set's policy."""
        return all(statefulset_utils.is_claim_owner_up_to_date(c, sts, pod) for c in self._claims_of(sts, pod))

    def update_claims_for_retention(self, sts: Obj, pod: Obj) -> str | None:
        """UpdatePodClaimForRetentionPolicy: rewrite the owner references of the claims that do not fit."""
        for found in self._claims_of(sts, pod):
            if statefulset_utils.is_claim_owner_up_to_date(found, sts, pod):
                continue
            claim = clone(found)
            statefulset_utils.update_claim_owner_refs(claim, sts, pod)
            try:
                self.api.update(claim)
            except ApiError as exc:
                return f"could not update claim {claim['metadata']['name']} for delete policy ownerRefs: {exc.message}"
        return None

    def update_stateful_pod(self, sts: Obj, pod: Obj) -> ApiError | str | None:
        """UpdateStatefulPod: restore the pod's identity and storage (creating missing claims), retrying conflicts
        on the pod as last read; an event only when an update was tried."""
        pod = clone(pod)
        attempted, error = False, None
        for _ in range(4):  # retry.RetryOnConflict(retry.DefaultBackoff)
            consistent = True
            if not statefulset_utils.identity_matches(sts, pod):
                statefulset_utils.update_identity(sts, pod)
                consistent = False
            if not statefulset_utils.storage_matches(sts, pod):
                statefulset_utils.update_storage(sts, pod)
                consistent = False
                claims_error = self._create_claims(sts, pod)
                if claims_error is not None:
                    self._event(sts, "Update", pod, claims_error)
                    return claims_error
            if not self.claims_match_retention(sts, pod):
                claims_error = self.update_claims_for_retention(sts, pod)
                if claims_error is not None:
                    self._event(sts, "Update", pod, claims_error)
                    return claims_error
                consistent = False
            if consistent:
                error = None
                break
            attempted = True
            try:
                self.api.update(pod)
                error = None
                break
            except ApiError as exc:
                error = exc
                live = self.api.store.get("pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
                if live is not None:
                    pod = clone(live)
                if exc.code != 409:
                    break
        if attempted:
            self._event(sts, "Update", pod, error)
        return error

    def _update(self, sts: Obj, pods: list[Obj], current: Obj, update: Obj) -> dict[str, Any]:
        """updateStatefulSet: create, recreate, condemn, then roll, one step at a time when ordered."""
        name = sts["metadata"]["name"]
        want = sts["spec"].get("replicas", 1)
        monotonic = sts["spec"].get("podManagementPolicy", "OrderedReady") != "Parallel"
        valid: list[Obj | None] = [None] * want
        condemned: list[Obj] = []
        for pod in pods:
            ordinal = ordinal_of(name, pod)
            if 0 <= ordinal < want:
                valid[ordinal] = pod
            elif ordinal >= want:
                condemned.append(pod)
        condemned.sort(key=lambda p: -ordinal_of(name, p))
        update_name = update["metadata"]["name"]
        self._rolled = False
        self._step(sts, valid, condemned, monotonic, current, update)
        # the status counts the pods as this pass found them: one it deleted still counts, one it created
        # not yet (updateStatus over replicas and condemned; isCreated is false for a pod not yet read back)
        counted = [p for p in valid if p is not None] + condemned
        return self._status(sts, counted, current["metadata"]["name"], update_name, rolled=self._rolled)

    def _step(self, sts: Obj, valid: list[Obj | None], condemned: list[Obj], monotonic: bool, current: Obj,
              update: Obj) -> None:
        first_unhealthy = next((p for p in [*valid, *reversed(condemned)]
                                if p is not None and not (is_running_and_ready(p)
                                                          and not p["metadata"].get("deletionTimestamp"))), None)
        for ordinal, pod in enumerate(valid):
            phase = pod.get("status", {}).get("phase") if pod is not None else None
            if pod is not None and phase in ("Failed", "Succeeded") and not pod["metadata"].get("deletionTimestamp"):
                # deleted and created again in the same pass (updateStatefulSet's replica loop)
                md = sts["metadata"]
                if phase == "Failed":
                    self.events.event(sts, "Warning", "RecreatingFailedPod", f"StatefulSet {md['namespace']}/"
                                      f"{md['name']} is recreating failed Pod {pod['metadata']['name']}",
                                      component=self.NAME)
                else:
                    self.events.event(sts, "Normal", "RecreatingTerminatedPod", f"StatefulSet {md['namespace']}/"
                                      f"{md['name']} is recreating terminated Pod {pod['metadata']['name']}",
                                      component=self.NAME)
                self._delete(sts, pod)
                valid[ordinal] = pod = None
            if pod is None:
                pod = self._new_pod(sts, ordinal, current, update)
                if self.create_stateful_pod(sts, pod) is not None:
                    self._create_failed = True
                    return
                if monotonic:
                    return
                continue
            if pod["metadata"].get("deletionTimestamp") and monotonic:
                return  # wait for graceful deletion before going on
            if not is_running_and_ready(pod) and monotonic:
                return  # OrderedReady: wait for this ordinal to be Running and Ready
            # enforce the set's invariants on the pod, its claims' retention owner references included
            if not (statefulset_utils.identity_matches(sts, pod) and statefulset_utils.storage_matches(sts, pod)
                    and self.claims_match_retention(sts, pod)):
                if self.update_stateful_pod(sts, pod) is not None:
                    self._create_failed = True  # the sync's error: retried with back-off
                    return
        # fix the claims of condemned pods before removing any (a WhenScaled Delete claim gets its pod as owner)
        for pod in condemned:
            if not self.claims_match_retention(sts, pod):
                if self.update_claims_for_retention(sts, pod) is not None:
                    self._create_failed = True
                    return
        for pod in condemned:
            if pod["metadata"].get("deletionTimestamp"):
                if monotonic:
                    return
                continue
            if monotonic and not is_running_and_ready(pod) and pod is not first_unhealthy:
                return
            self._delete(sts, pod)
            if monotonic:
                return
        strategy = sts["spec"].get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") != "RollingUpdate":
            return  # OnDelete
        partition = (strategy.get("rollingUpdate") or {}).get("partition") or 0
        update_name = update["metadata"]["name"]
        mrs = sts["spec"].get("minReadySeconds", 0)
        for ordinal in range(len(valid) - 1, partition - 1, -1):
            pod = valid[ordinal]
            if pod is None:
                return
            labels = pod["metadata"].get("labels") or {}
            if labels.get(history.REVISION_LABEL) != update_name and not pod["metadata"].get("deletionTimestamp"):
                self._delete(sts, pod)
                self._rolled = True  # the status's currentReplicas goes down by it (status.CurrentReplicas--)
                return
            healthy = (is_running_and_ready(pod) and not pod["metadata"].get("deletionTimestamp")
                       and is_pod_available(pod, mrs, self.clock.now))
            if not healthy:
                return

    def _delete(self, sts: Obj, pod: Obj) -> None:
        try:
            self.api.delete("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
        except ApiError as exc:
            if exc.code == 404:
                return
            self._event(sts, "Delete", pod, exc)
            raise
        self._event(sts, "Delete", pod)

    def _status(self, sts: Obj, pods: list[Obj], current_name: str, update_name: str, *,
                rolled: bool = False) -> dict[str, Any]:
        mrs, now = sts["spec"].get("minReadySeconds", 0), self.clock.now
        status: dict[str, Any] = {"observedGeneration": sts["metadata"].get("generation", 0), "replicas": 0,
                                  "readyReplicas": 0, "currentReplicas": 0, "updatedReplicas": 0,
                                  "availableReplicas": 0}
        for pod in pods:  # computeReplicaStatus: a terminating pod is a replica, ready if it is, of no revision
            status["replicas"] += 1
            if is_running_and_ready(pod):
                status["readyReplicas"] += 1
                if is_pod_available(pod, mrs, now):
                    status["availableReplicas"] += 1
            if pod["metadata"].get("deletionTimestamp"):
                continue
            rev = (pod["metadata"].get("labels") or {}).get(history.REVISION_LABEL)
            if rev == current_name:
                status["currentReplicas"] += 1
            if rev == update_name:
                status["updatedReplicas"] += 1
        if rolled:
            status["currentReplicas"] -= 1
        status["currentRevision"] = current_name
        status["updateRevision"] = update_name
        status["collisionCount"] = (sts.get("status") or {}).get("collisionCount", 0)
        # completeRollingUpdate
        strategy = (sts["spec"].get("updateStrategy") or {}).get("type", "RollingUpdate")
        if strategy == "RollingUpdate" and status["updatedReplicas"] == status["replicas"] \
                and status["readyReplicas"] == status["replicas"]:
            status["currentReplicas"] = status["updatedReplicas"]
            status["currentRevision"] = update_name
        for field in ("readyReplicas", "currentReplicas", "updatedReplicas"):
            if not status[field]:
                del status[field]
        return status

    def _write_status(self, sts: Obj, status: dict[str, Any]) -> None:
        old = sts.get("status") or {}
        if "conditions" in old:
            status["conditions"] = old["conditions"]
        if status != old:
            new = clone(sts)
            new["status"] = status
            self.api.update_status(new)
        # pods that become available later (minReadySeconds) need another look
        mrs = sts["spec"].get("minReadySeconds", 0)
        if mrs and status.get("readyReplicas", 0) != status.get("availableReplicas", 0):
            self.queue.add_after(f"{sts['metadata']['namespace']}/{sts['metadata']['name']}", mrs * 1000 + 1)
