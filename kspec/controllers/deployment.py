"""The Deployment controller (pkg/controller/deployment): ReplicaSets per template, rollouts, history.

``syncDeployment`` as upstream writes it: claim ReplicaSets, paused and
scaling events go through proportional ``scale``, otherwise ``rolloutRolling``
(``reconcileNewReplicaSet`` / ``reconcileOldReplicaSets``) or
``rolloutRecreate``; then ``syncRolloutStatus`` with the Progressing and
Available conditions and ``cleanupDeployment``. It also answers
``kubectl rollout undo`` (``rollback``) and records, from each change of a pod
or ReplicaSet, the most pods and fewest available pods since the last
template change (``rollout_bounds``).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

from kspec.controllers import deployment_util as du
from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import (
    POD_STATES_MAX,
    claim,
    compute_hash,
    owned_index,
    pod_state,
    selector_of,
)
from kspec.errors import ApiError, StepError
from kspec.memos import Bounded
from kspec.objects import Obj, clone, controller_of, owner_reference, parse_timestamp, split_key

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: how often the progress-deadline check looks at due deployments (periodic, so ``settle`` ignores it)
DEADLINE_TICK_MS = 1000


class DeploymentController(Controller):
    NAME = "deployment-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.sets = owned_index(cluster, "replicasets")
        self.pods = owned_index(cluster, "pods")
        self._bounds: dict[tuple[str, str], list[int]] = {}  # (ns, name) -> [most pods, fewest available]
        self._pod_states: Bounded[tuple[str, str], tuple[bool, bool, int | None]] = Bounded(POD_STATES_MAX)
        self._deadlines: list[tuple[int, str]] = []  # heap of (due ms, key): requeueStuckDeployment
        self._due: dict[str, int] = {}
        self.last_rollback_message = ""

    def start(self) -> None:
        self.api.informers.on("deployments", self._deployment_added, self._deployment_updated)
        self.watch("deployments")
        self.api.informers.on("replicasets", self._rs_changed, lambda _o, n: self._rs_changed(n), self._rs_changed)
        self.api.informers.on("pods", self._pod_changed, lambda _o, n: self._pod_changed(n),
                              lambda p: self._pod_changed(p, deleted=True))
        self.clock.call_every(DEADLINE_TICK_MS, self._tick, label="deployment progress deadlines")

    # -- events -------------------------------------------------------------------
    def _deployment_added(self, d: Obj) -> None:
        self._reset_bounds(d)

    def _deployment_updated(self, old: Obj, new: Obj) -> None:
        if old["spec"].get("template") != new["spec"].get("template"):
            self._reset_bounds(new)

    def _owner_key(self, rs: Obj) -> str | None:
        ref = controller_of(rs)
        if ref is None or ref.get("kind") != "Deployment":
            return None
        return f"{rs['metadata']['namespace']}/{ref['name']}"

    def _rs_changed(self, rs: Obj) -> None:
        key = self._owner_key(rs)
        ns = rs["metadata"]["namespace"]
        if key is not None:
            self.queue.add(key)
            self._sample(*split_key(key))
            return
        if controller_of(rs) is None:  # an orphan: deployments that select it may adopt it
            for d in self.api.store.list("deployments", ns):
                if selector_of(d).matches(rs["metadata"].get("labels")):
                    self.queue.add(f"{ns}/{d['metadata']['name']}")

    def _pod_changed(self, pod: Obj, deleted: bool = False) -> None:
        ref = controller_of(pod)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return
        ns = pod["metadata"]["namespace"]
        rs = self.api.store.get("replicasets", ns, ref["name"])
        key = self._owner_key(rs) if rs is not None else None
        if key is None:
            return
        self._sample(*split_key(key))
        if deleted:
            d = self.api.store.get("deployments", *split_key(key))
            if d is not None and not du.is_rolling(d):
                self.queue.add(key)  # Recreate waits for old pods to be gone

    def _tick(self) -> None:
        while self._deadlines and self._deadlines[0][0] <= self.clock.now:
            due, key = heapq.heappop(self._deadlines)
            if self._due.get(key) == due:
                del self._due[key]
                self.queue.add(key)

    def _requeue_at(self, key: str, due: int) -> None:
        if self._due.get(key, due + 1) <= due:
            return
        self._due[key] = due
        heapq.heappush(self._deadlines, (due, key))

    # -- rollout bounds -------------------------------------------------------------
    def _counts(self, d: Obj) -> tuple[int, int]:
        """Pods counted against maxSurge (active), and of those the available ones."""
        mrs, now = d["spec"].get("minReadySeconds", 0), self.clock.now
        total = available = 0
        for rs in self.sets.owned(d["metadata"]["uid"], ordered=False):
            for pod in self.pods.owned(rs["metadata"]["uid"], ordered=False):
                active, ready, since = pod_state(pod, self._pod_states)
                if active:
                    total += 1
                    # is_pod_available
                    if ready and (not mrs or (since is not None and since + mrs * 1000 < now)):
                        available += 1
        return total, available

    def _reset_bounds(self, d: Obj) -> None:
        total, available = self._counts(d)
        self._bounds[(d["metadata"]["namespace"], d["metadata"]["name"])] = [total, available]

    def _sample(self, ns: str, name: str) -> None:
        bounds = self._bounds.get((ns, name))
        d = self.api.store.get("deployments", ns, name)
        if bounds is None or d is None:
            return
        total, available = self._counts(d)
        bounds[0] = max(bounds[0], total)
        bounds[1] = min(bounds[1], available)

    def rollout_bounds(self, namespace: str, name: str) -> tuple[int, int]:
        """(most pods, fewest available pods) since the last change to the pod template."""
        d = self.api.get("deployments", name, namespace)
        bounds = self._bounds.get((namespace, name))
        if bounds is None:
            self._reset_bounds(d)
            bounds = self._bounds[(namespace, name)]
        return bounds[0], bounds[1]

    # -- kubectl rollout undo ---------------------------------------------------------
    def rollback(self, name: str, revision: int, namespace: str, api: Any = None) -> dict[str, Any]:
        """kubectl's DeploymentRollbacker: copy an old ReplicaSet's template back into the Deployment. ``api`` is
        the client's (kubectl's requests are not the controller manager's, which may not even run now)."""
        api = api or self.api
        if revision < 0:
            raise StepError(f"error: unable to find specified revision {revision} in history")
        d = api.get("deployments", name, namespace)
        target = self._revision_set(d, revision)
        if d["spec"].get("paused"):
            raise StepError("error: you cannot rollback a paused deployment; resume it first with "
                            "'kubectl rollout resume' and try again")
        if du.equal_ignore_hash(target["spec"]["template"], d["spec"]["template"]):
            self.last_rollback_message = (f"deployment.apps/{name} skipped rollback (current template already "
                                          f"matches revision {revision})")
            return clone(d)
        template = du.strip_hash(clone(target["spec"]["template"]))
        kept = {k: v for k, v in (d["metadata"].get("annotations") or {}).items() if k in du.SKIP_ANNOTATIONS}
        taken = {k: v for k, v in (target["metadata"].get("annotations") or {}).items()
                 if k not in du.SKIP_ANNOTATIONS}

        def restore(o: Obj) -> None:
            o["spec"]["template"] = template
            o["metadata"]["annotations"] = {**kept, **taken}
        updated = api.patch("deployments", name, namespace, restore)
        self.last_rollback_message = f"deployment.apps/{name} rolled back"
        return clone(updated)

    def _revision_set(self, d: Obj, wanted: int) -> Obj:
        """deploymentRevision: the set at that revision, or the previous one for 0."""
        latest: tuple[int, Obj | None] = (-1, None)
        previous: tuple[int, Obj | None] = (-1, None)
        for rs in du.by_creation(self.sets.owned(d["metadata"]["uid"])):
            rev = du.revision(rs)
            if wanted == 0:
                if latest[0] < rev:
                    previous, latest = latest, (rev, rs)
                elif previous[0] < rev:
                    previous = (rev, rs)
            elif rev == wanted:
                return rs
        if wanted > 0:
            raise StepError(f"error: unable to find specified revision {wanted} in history")
        if previous[1] is None:
            raise StepError(f'error: no rollout history found for deployment "{d["metadata"]["name"]}"')
        return previous[1]

    # -- syncDeployment ----------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        live = self.api.try_get("deployments", name, ns)
        if live is None:
            self._bounds.pop((ns, name), None)
            return
        d = clone(live)
        selector = d["spec"].get("selector") or {}
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            self.events.event(d, "Warning", "SelectingAll",
                              "This deployment is selecting all pods. A non-empty selector is required.",
                              component=self.NAME)
            if d.get("status", {}).get("observedGeneration", 0) < d["metadata"].get("generation", 0):
                d.setdefault("status", {})["observedGeneration"] = d["metadata"]["generation"]
                self._write(d)
            return
        rs_list = [rs for rs in claim(self, d, self.sets, selector_of(d))]
        if d["metadata"].get("deletionTimestamp"):
            new_rs, old = self._all_sets(d, rs_list, False)
            self._sync_status(self._all(new_rs, old), new_rs, d)
            return
        self._check_paused(d)
        if d["spec"].get("paused") or self._is_scaling_event(d, rs_list):
            self._sync(d, rs_list)
            return
        if du.is_rolling(d):
            self._rollout_rolling(d, rs_list)
        else:
            self._rollout_recreate(d, rs_list)

    @staticmethod
    def _all(new_rs: Obj | None, old: list[Obj]) -> list[Obj]:
        return [*old, new_rs] if new_rs is not None else list(old)

    def _refresh(self, sets: list[Obj]) -> list[Obj]:
        out = []
        for rs in sets:
            live = self.api.store.get("replicasets", rs["metadata"]["namespace"], rs["metadata"]["name"])
            if live is not None:
                out.append(live)
        return out

    def _write(self, d: Obj) -> None:
        """UpdateStatus as the controller uses it: the revision annotation and the status."""
        md = d["metadata"]
        live = self.api.get("deployments", md["name"], md["namespace"])
        want_rev = (md.get("annotations") or {}).get(du.REVISION)
        if want_rev is not None and (live["metadata"].get("annotations") or {}).get(du.REVISION) != want_rev:
            self.api.patch("deployments", md["name"], md["namespace"],
                           lambda o: o["metadata"].setdefault("annotations", {}).__setitem__(du.REVISION, want_rev))
        if (d.get("status") or {}) != (live.get("status") or {}):
            # patch's status write; write_status decodes (copies) the status and nothing else
            self.api.write_status("deployments", md["name"], md["namespace"], d.get("status") or {})

    def _check_paused(self, d: Obj) -> None:
        """checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed."""
        if not du.has_progress_deadline(d):
            return
        status = d.setdefault("status", {})
        cond = du.get_condition(status, "Progressing")
        if cond is not None and cond.get("reason") == du.TIMED_OUT_REASON:
            return
        paused_cond = cond is not None and cond.get("reason") == du.PAUSED_REASON
        now = self.clock.now
        if d["spec"].get("paused") and not paused_cond:
            du.set_condition(status, du.new_condition("Progressing", "Unknown", du.PAUSED_REASON,
                                                      "Deployment is paused", now))
        elif not d["spec"].get("paused") and paused_cond:
            du.set_condition(status, du.new_condition("Progressing", "Unknown", du.RESUMED_REASON,
                                                      "Deployment is resumed", now))
        else:
            return
        self._write(d)

    def _is_scaling_event(self, d: Obj, rs_list: list[Obj]) -> bool:
        new_rs, old = self._all_sets(d, rs_list, False)
        for rs in du.active(self._all(new_rs, old)):
            desired = du.desired_annotation(rs)
            if desired is not None and desired != du.replicas(d):
                return True
        return False

    # -- new and old sets -----------------------------------------------------------------
    def _all_sets(self, d: Obj, rs_list: list[Obj], create: bool) -> tuple[Obj | None, list[Obj]]:
        """getAllReplicaSetsAndSyncRevision."""
        new = du.find_new(d, rs_list)
        old = [rs for rs in rs_list if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
        return self._new_set(d, rs_list, old, create), old

    def _new_set(self, d: Obj, rs_list: list[Obj], old: list[Obj], create: bool) -> Obj | None:
        """getNewReplicaSet: sync the existing new set's annotations, or create it."""
        existing = du.find_new(d, rs_list)
        new_revision = max((du.revision(rs) for rs in old), default=0) + 1
        status = d.setdefault("status", {})
        now = self.clock.now
        if existing is not None:
            # a copy of what the annotations and minReadySeconds may change; the rest is shared, read-only
            # as the old sets are (writes go through _scale_rs's and update's own copies)
            emd = existing["metadata"]
            rs = {**existing, "metadata": {**emd, "annotations": dict(emd.get("annotations") or {})},
                  "spec": dict(existing["spec"])}
            changed = du.set_new_rs_annotations(d, rs, new_revision, True)
            mrs = d["spec"].get("minReadySeconds", 0)
            if changed or rs["spec"].get("minReadySeconds", 0) != mrs:
                if mrs:
                    rs["spec"]["minReadySeconds"] = mrs
                else:
                    rs["spec"].pop("minReadySeconds", None)
                rs = self.api.update(rs)
            needs = self._set_revision(d, (rs["metadata"].get("annotations") or {}).get(du.REVISION, ""))
            if du.has_progress_deadline(d) and du.get_condition(status, "Progressing") is None:
                du.set_condition(status, du.new_condition("Progressing", "True", du.FOUND_NEW_RS_REASON,
                                                          f'Found new replica set "{rs["metadata"]["name"]}"', now))
                needs = True
            if needs:
                self._write(d)
            return rs
        if not create:
            return None
        template = clone(d["spec"]["template"])
        pod_hash = compute_hash(template, status.get("collisionCount"))
        template.setdefault("metadata", {})["labels"] = {**(template["metadata"].get("labels") or {}),
                                                         du.HASH_LABEL: pod_hash}
        selector = clone(d["spec"]["selector"])
        selector["matchLabels"] = {**(selector.get("matchLabels") or {}), du.HASH_LABEL: pod_hash}
        rs: Obj = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": f"{d['metadata']['name']}-{pod_hash}", "namespace": d["metadata"]["namespace"],
                         "labels": dict(template["metadata"]["labels"]),
                         "ownerReferences": [owner_reference(d)]},
            "spec": {"replicas": 0, "selector": selector, "template": template},
        }
        if d["spec"].get("minReadySeconds"):
            rs["spec"]["minReadySeconds"] = d["spec"]["minReadySeconds"]
        rs["spec"]["replicas"] = du.new_rs_new_replicas(d, [*old, rs], rs)
        du.set_new_rs_annotations(d, rs, new_revision, False)
        try:
            created = self.api.create(rs)
        except ApiError as exc:
            if exc.reason != "AlreadyExists":
                if du.has_progress_deadline(d):
                    msg = f'Failed to create new replica set "{rs["metadata"]["name"]}": {exc.message}'
                    du.set_condition(status, du.new_condition("Progressing", "False", du.FAILED_RS_CREATE_REASON,
                                                              msg, now))
                    self._write(d)
                self.events.event(d, "Warning", du.FAILED_RS_CREATE_REASON,
                                  f'Failed to create new replica set "{rs["metadata"]["name"]}": {exc.message}',
                                  component=self.NAME)
                raise
            # a hash collision: bump collisionCount so the next try hashes differently
            taken = self.api.get("replicasets", rs["metadata"]["name"], rs["metadata"]["namespace"])
            ref = controller_of(taken)
            if ref is not None and ref.get("uid") == d["metadata"]["uid"] and du.equal_ignore_hash(
                    taken["spec"]["template"], d["spec"]["template"]):
                return taken
            status["collisionCount"] = status.get("collisionCount", 0) + 1
            self._write(d)
            raise ApiError(409, "Conflict", f"hash collision for replica set {rs['metadata']['name']}") from None
        self.sets.observe(created)
        if created["spec"]["replicas"] > 0:
            # sync.go getNewReplicaSet
            self.events.event(d, "Normal", "ScalingReplicaSet",
                              f"Scaled up replica set {created['metadata']['name']} from 0 to "
                              f"{created['spec']['replicas']}", component=self.NAME)
        self._set_revision(d, str(new_revision))
        if du.has_progress_deadline(d):
            du.set_condition(status, du.new_condition("Progressing", "True", du.NEW_RS_REASON,
                                                      f'Created new replica set "{created["metadata"]["name"]}"',
                                                      now))
        self._write(d)
        return created

    @staticmethod
    def _set_revision(d: Obj, rev: str) -> bool:
        """SetDeploymentRevision."""
        ann = d["metadata"].setdefault("annotations", {})
        if ann.get(du.REVISION) == rev:
            return False
        ann[du.REVISION] = rev
        return True

    # -- scaling ReplicaSets ---------------------------------------------------------------
    def _scale_and_record(self, rs: Obj, new_scale: int, d: Obj) -> tuple[bool, Obj]:
        """scaleReplicaSetAndRecordEvent."""
        if du.replicas(rs) == new_scale:
            return False, rs
        return self._scale_rs(rs, new_scale, d, "up" if du.replicas(rs) < new_scale else "down")

    def _scale_rs(self, rs: Obj, new_scale: int, d: Obj, operation: str) -> tuple[bool, Obj]:
        """scaleReplicaSet: size and the desired/max annotations, with the ScalingReplicaSet event."""
        size_changes = du.replicas(rs) != new_scale
        want, most = du.replicas(d), du.replicas(d) + du.max_surge(d)
        if not size_changes and not du.replicas_annotations_need_update(rs, want, most):
            return False, rs
        old_scale = du.replicas(rs)
        copy = clone(rs)
        copy["spec"]["replicas"] = new_scale
        du.set_replicas_annotations(copy, want, most)
        updated = self.api.update(copy)
        if size_changes:
            self.events.event(d, "Normal", "ScalingReplicaSet",
                              f"Scaled {operation} replica set {rs['metadata']['name']} to {new_scale} from "
                              f"{old_scale}", component=self.NAME)
        return size_changes, updated

    def _scale(self, d: Obj, new_rs: Obj | None, old: list[Obj]) -> None:
        """scale: proportional scaling of every active set (paused deployments and scaling events)."""
        target = du.find_active_or_latest(new_rs, old)
        if target is not None:
            if du.replicas(target) != du.replicas(d):
                self._scale_and_record(target, du.replicas(d), d)
            return
        if du.is_saturated(d, new_rs):
            for rs in du.active(old):
                self._scale_and_record(rs, 0, d)
            return
        if not du.is_rolling(d):
            return
        sets = du.active([*old, new_rs])
        allowed = du.replicas(d) + du.max_surge(d) if du.replicas(d) > 0 else 0
        to_add = allowed - du.spec_total(sets)
        operation = ""
        if to_add > 0:
            sets, operation = du.by_size_newer(sets), "up"
        elif to_add < 0:
            sets, operation = du.by_size_older(sets), "down"
        sizes: dict[str, int] = {}
        added = 0
        for rs in sets:
            if to_add != 0:
                share = du.replica_set_proportion(rs, d, to_add, added)
                sizes[rs["metadata"]["name"]] = du.replicas(rs) + share
                added += share
            else:
                sizes[rs["metadata"]["name"]] = du.replicas(rs)
        for i, rs in enumerate(sets):
            name = rs["metadata"]["name"]
            if i == 0 and to_add != 0:
                sizes[name] = max(0, sizes[name] + to_add - added)  # leftovers go to the largest set
            self._scale_rs(rs, sizes[name], d, operation)

    def _sync(self, d: Obj, rs_list: list[Obj]) -> None:
        """sync: scaling events and paused deployments."""
        new_rs, old = self._all_sets(d, rs_list, False)
        self._scale(d, new_rs, old)
        old = self._refresh(old)
        fresh = self._refresh([new_rs]) if new_rs is not None else []
        new_rs = fresh[0] if fresh else None
        if d["spec"].get("paused"):
            self._cleanup(d, old)
        self._sync_status(self._all(new_rs, old), new_rs, d)

    # -- RollingUpdate ------------------------------------------------------------------------
    def _rollout_rolling(self, d: Obj, rs_list: list[Obj]) -> None:
        new_rs, old = self._all_sets(d, rs_list, True)
        assert new_rs is not None
        all_sets = self._all(new_rs, old)
        if self._reconcile_new(all_sets, new_rs, d):
            self._sync_rollout_status(self._refresh(all_sets), self._refresh([new_rs])[0], d)
            return
        if self._reconcile_old(all_sets, du.active(old), new_rs, d):
            self._sync_rollout_status(self._refresh(all_sets), self._refresh([new_rs])[0], d)
            return
        if du.deployment_complete(d, d.get("status") or {}):
            self._cleanup(d, old)
        self._sync_rollout_status(all_sets, new_rs, d)

    def _reconcile_new(self, all_sets: list[Obj], new_rs: Obj, d: Obj) -> bool:
        """reconcileNewReplicaSet."""
        want = du.replicas(d)
        if du.replicas(new_rs) == want:
            return False
        if du.replicas(new_rs) > want:
            return self._scale_and_record(new_rs, want, d)[0]
        return self._scale_and_record(new_rs, du.new_rs_new_replicas(d, all_sets, new_rs), d)[0]

    def _reconcile_old(self, all_sets: list[Obj], old: list[Obj], new_rs: Obj, d: Obj) -> bool:
        """reconcileOldReplicaSets: first unhealthy old replicas, then old sets down to minAvailable."""
        if du.spec_total(old) == 0:
            return False
        all_pods = du.spec_total(all_sets)
        min_available = du.replicas(d) - du.max_unavailable(d)
        new_unavailable = du.replicas(new_rs) - du.status_of(new_rs, "availableReplicas")
        max_scaled_down = all_pods - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        old, cleaned = self._cleanup_unhealthy(old, d, max_scaled_down)
        scaled = self._scale_down_old(self._all(new_rs, old), old, d)
        return cleaned + scaled > 0

    def _cleanup_unhealthy(self, old: list[Obj], d: Obj, max_cleanup: int) -> tuple[list[Obj], int]:
        """cleanupUnhealthyReplicas: scale down the old sets' unavailable replicas, oldest set first."""
        old = du.by_creation(old)
        total = 0
        for i, rs in enumerate(old):
            if total >= max_cleanup:
                break
            if du.replicas(rs) == 0 or du.replicas(rs) == du.status_of(rs, "availableReplicas"):
                continue
            count = min(max_cleanup - total, du.replicas(rs) - du.status_of(rs, "availableReplicas"))
            _, old[i] = self._scale_and_record(rs, du.replicas(rs) - count, d)
            total += count
        return old, total

    def _scale_down_old(self, all_sets: list[Obj], old: list[Obj], d: Obj) -> int:
        """scaleDownOldReplicaSetsForRollingUpdate: never below minAvailable available pods."""
        min_available = du.replicas(d) - du.max_unavailable(d)
        available = du.available_total(all_sets)
        if available <= min_available:
            return 0
        total, budget = 0, available - min_available
        for rs in du.by_creation(old):
            if total >= budget:
                break
            if du.replicas(rs) == 0:
                continue
            count = min(du.replicas(rs), budget - total)
            self._scale_and_record(rs, du.replicas(rs) - count, d)
            total += count
        return total

    # -- Recreate -------------------------------------------------------------------------------
    def _rollout_recreate(self, d: Obj, rs_list: list[Obj]) -> None:
        new_rs, old = self._all_sets(d, rs_list, False)
        if self._scale_down_old_for_recreate(old, d):
            self._sync_rollout_status(self._refresh(self._all(new_rs, old)), new_rs, d)
            return
        if self._old_pods_running(new_rs, old):
            self._sync_rollout_status(self._all(new_rs, old), new_rs, d)
            return
        if new_rs is None:
            new_rs, old = self._all_sets(d, rs_list, True)
        assert new_rs is not None
        if du.replicas(new_rs) != du.replicas(d):  # scaleUpNewReplicaSetForRecreate
            _, new_rs = self._scale_and_record(new_rs, du.replicas(d), d)
        if du.deployment_complete(d, d.get("status") or {}):
            self._cleanup(d, old)
        self._sync_rollout_status(self._all(new_rs, old), new_rs, d)

    def _scale_down_old_for_recreate(self, old: list[Obj], d: Obj) -> bool:
        """scaleDownOldReplicaSetsForRecreate: every active old set to zero."""
        scaled = False
        for rs in du.active(old):
            scaled = self._scale_and_record(rs, 0, d)[0] or scaled
        return scaled

    def _old_pods_running(self, new_rs: Obj | None, old: list[Obj]) -> bool:
        """oldPodsRunning: any old set reports pods, or an old pod has not finished."""
        if du.actual_total(old) > 0:
            return True
        for rs in old:
            for pod in self.pods.owned(rs["metadata"]["uid"]):
                if pod.get("status", {}).get("phase") not in ("Failed", "Succeeded"):
                    return True
        return False

    # -- history -------------------------------------------------------------------------------
    def _cleanup(self, d: Obj, old: list[Obj]) -> None:
        """cleanupDeployment: keep revisionHistoryLimit old sets, deleting only empty ones."""
        limit = d["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        alive = [rs for rs in old if not rs["metadata"].get("deletionTimestamp")]
        diff = len(alive) - limit
        if diff <= 0:
            return
        for rs in du.by_revision(alive)[:diff]:
            if (du.status_of(rs, "replicas") != 0 or du.replicas(rs) != 0
                    or rs["metadata"].get("generation", 0) > du.status_of(rs, "observedGeneration")):
                continue
            try:
                self.api.delete("replicasets", rs["metadata"]["name"], rs["metadata"]["namespace"])
            except ApiError as exc:
                if exc.code != 404:
                    raise

    # -- status -----------------------------------------------------------------------------------
    def _calculate_status(self, all_sets: list[Obj], new_rs: Obj | None, d: Obj) -> dict[str, Any]:
        """calculateStatus."""
        available = du.available_total(all_sets)
        status: dict[str, Any] = {
            "observedGeneration": d["metadata"].get("generation", 0),
            "replicas": du.actual_total(all_sets),
            "updatedReplicas": du.actual_total([new_rs] if new_rs is not None else []),
            "readyReplicas": du.ready_total(all_sets),
            "availableReplicas": available,
            "unavailableReplicas": max(0, du.spec_total(all_sets) - available),
        }
        old = d.get("status") or {}
        if "collisionCount" in old:
            status["collisionCount"] = old["collisionCount"]
        status["conditions"] = clone(old.get("conditions") or [])
        now = self.clock.now
        if available >= du.replicas(d) - du.max_unavailable(d):
            du.set_condition(status, du.new_condition("Available", "True", du.MIN_AVAILABLE_REASON,
                                                      "Deployment has minimum availability.", now))
        else:
            du.set_condition(status, du.new_condition("Available", "False", du.MIN_UNAVAILABLE_REASON,
                                                      "Deployment does not have minimum availability.", now))
        for field in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"):
            if not status[field]:
                del status[field]  # omitempty
        return status

    def _sync_status(self, all_sets: list[Obj], new_rs: Obj | None, d: Obj) -> None:
        """syncDeploymentStatus."""
        status = self._calculate_status(all_sets, new_rs, d)
        if status != (d.get("status") or {}):
            d["status"] = status
            self._write(d)

    def _sync_rollout_status(self, all_sets: list[Obj], new_rs: Obj | None, d: Obj) -> None:
        """syncRolloutStatus: Progressing conditions, then requeueStuckDeployment."""
        status = self._calculate_status(all_sets, new_rs, d)
        now = self.clock.now
        if not du.has_progress_deadline(d):
            du.remove_condition(status, "Progressing")
        current = du.get_condition(d.get("status") or {}, "Progressing")
        complete = (status.get("replicas", 0) == status.get("updatedReplicas", 0) and current is not None
                    and current.get("reason") == du.NEW_RS_AVAILABLE_REASON)
        if du.has_progress_deadline(d) and not complete:
            rs_name = new_rs["metadata"]["name"] if new_rs is not None else ""
            if du.deployment_complete(d, status):
                msg = (f'ReplicaSet "{rs_name}" has successfully progressed.' if new_rs is not None
                       else "Deployment has successfully progressed.")
                du.set_condition(status, du.new_condition("Progressing", "True", du.NEW_RS_AVAILABLE_REASON, msg,
                                                          now))
            elif du.deployment_progressing(d, status):
                msg = f'ReplicaSet "{rs_name}" is progressing.' if new_rs is not None else "Deployment is progressing."
                cond = du.new_condition("Progressing", "True", du.RS_UPDATED_REASON, msg, now)
                if current is not None:
                    if current["status"] == "True":
                        cond["lastTransitionTime"] = current["lastTransitionTime"]
                    du.remove_condition(status, "Progressing")
                du.set_condition(status, cond)
            elif du.deployment_timed_out(d, status, now):
                msg = (f'ReplicaSet "{rs_name}" has timed out progressing.' if new_rs is not None
                       else "Deployment has timed out progressing.")
                du.set_condition(status, du.new_condition("Progressing", "False", du.TIMED_OUT_REASON, msg, now))
        failure = self._replica_failure(all_sets)
        if failure is not None:
            du.set_condition(status, failure)
        else:
            du.remove_condition(status, "ReplicaFailure")
        if status == (d.get("status") or {}):
            self._requeue_stuck(d, status)
            return
        d["status"] = status
        self._write(d)

    def _replica_failure(self, all_sets: list[Obj]) -> dict[str, Any] | None:
        """getReplicaFailures: the first ReplicaFailure condition of a set, as a Deployment condition."""
        for rs in all_sets:
            for cond in (rs.get("status") or {}).get("conditions") or []:
                if cond.get("type") == "ReplicaFailure" and cond.get("status") == "True":
                    return du.new_condition("ReplicaFailure", "True", cond.get("reason", ""),
                                            cond.get("message", ""), parse_timestamp(cond["lastTransitionTime"]))
        return None

    def _requeue_stuck(self, d: Obj, status: dict[str, Any]) -> None:
        """requeueStuckDeployment: look again once the progress deadline has passed."""
        current = du.get_condition(d.get("status") or {}, "Progressing")
        if not du.has_progress_deadline(d) or current is None:
            return
        if du.deployment_complete(d, status) or current.get("reason") == du.TIMED_OUT_REASON:
            return
        due = parse_timestamp(current["lastUpdateTime"]) + d["spec"]["progressDeadlineSeconds"] * 1000 + 1000
        self._requeue_at(f"{d['metadata']['namespace']}/{d['metadata']['name']}", due)
