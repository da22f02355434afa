"""The Job controller (pkg/controller/job): run pods to completion, retry with back-off, give up.

NonIndexed Jobs count succeeded pods up to ``completions``; Indexed Jobs give
each pod a completion index (``<job>-<index>-<5 chars>``, the index
annotation, label and ``JOB_COMPLETION_INDEX``). A failed pod is replaced after
the pod-failure back-off (10s doubling, capped at 10 minutes); more failures
than ``backoffLimit`` or running past ``activeDeadlineSeconds`` fail the Job.
As since v1.31, the ``FailureTarget``/``SuccessCriteriaMet`` condition comes
first and ``Failed``/``Complete`` once no pod is left running. A
``podFailurePolicy`` decides per failed pod (FailJob, Ignore, Count, FailIndex;
see pod_failure_policy.py); a suspended Job deletes its active pods and carries
the ``Suspended`` condition until it is resumed.

A pod being deleted counts as failed at once unless only failed pods are
replaced (``podReplacementPolicy: Failed`` or any podFailurePolicy); once the Job
fails, every pod that has not finished counts as failed. With
``backoffLimitPerIndex`` each index backs off and is retried on its own (the
replacement carries the index's failure count annotation), an index past its
limit is listed in ``status.failedIndexes``, and the Job fails with
``FailedIndexes`` (or ``MaxFailedIndexesExceeded``). A ``successPolicy`` (see
success_policy.py) can end an Indexed Job early. A Job being deleted is still
tracked but gets no new pods; a Job whose ``spec.managedBy`` names another
controller is left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.controllers import indexed_job, pod_failure_policy, success_policy
from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import (
    claim,
    controlled_by,
    delete_pod,
    deletion_key,
    is_pod_active,
    is_pod_ready,
    owned_index,
    pod_from_template,
    selector_of,
)
from kspec.errors import ApiError
from kspec.objects import Obj, clone, controller_of, parse_timestamp, split_key, timestamp

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff
DEFAULT_BACKOFF_MS = 10_000
MAX_BACKOFF_MS = 10 * 60_000
INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index"
JOB_CONTROLLER_NAME = "kubernetes.io/job-controller"  # batch.JobControllerName, the default spec.managedBy
INDEX_LABEL = "batch.kubernetes.io/job-completion-index"

BACKOFF_REASON = "BackoffLimitExceeded"
BACKOFF_MESSAGE = "Job has reached the specified backoff limit"
DEADLINE_REASON = "DeadlineExceeded"
DEADLINE_MESSAGE = "Job was active longer than specified deadline"
COMPLETIONS_REASON = "CompletionsReached"
COMPLETIONS_MESSAGE = "Reached expected number of succeeded pods"
SUSPENDED_REASON, SUSPENDED_MESSAGE = "JobSuspended", "Job suspended"
FAILED_INDEXES_REASON, FAILED_INDEXES_MESSAGE = "FailedIndexes", "Job has failed indexes"
MAX_FAILED_INDEXES_REASON = "MaxFailedIndexesExceeded"
MAX_FAILED_INDEXES_MESSAGE = "Job has exceeded the specified maximal number of failed indexes"
RESUMED_REASON, RESUMED_MESSAGE = "JobResumed", "Job resumed"


def finished_condition(job: Obj) -> dict[str, Any] | None:
    """IsJobFinished: the Complete or Failed condition that is True."""
    for cond in job.get("status", {}).get("conditions") or []:
        if cond.get("type") in ("Complete", "Failed") and cond.get("status") == "True":
            return cond
    return None


def _target_condition(job: Obj) -> dict[str, Any] | None:
    for cond in job.get("status", {}).get("conditions") or []:
        if cond.get("type") in ("FailureTarget", "SuccessCriteriaMet") and cond.get("status") == "True":
            return cond
    return None


def _condition(ctype: str, reason: str, message: str, now_ms: int, status: str = "True") -> dict[str, Any]:
    ts = timestamp(now_ms)
    return {"type": ctype, "status": status, "lastProbeTime": ts, "lastTransitionTime": ts,
            "reason": reason, "message": message}


def _ensure_condition(status: dict[str, Any], ctype: str, value: str, reason: str, message: str,
                      now_ms: int) -> bool:
    """ensureJobConditionStatus: replace a differing condition of that type; never add one that is False."""
    conditions = status.get("conditions") or []
    for i, cond in enumerate(conditions):
        if cond.get("type") == ctype:
            if (cond.get("status"), cond.get("reason"), cond.get("message")) == (value, reason, message):
                return False
            conditions[i] = _condition(ctype, reason, message, now_ms, value)
            return True
    if value == "False":
        return False
    status["conditions"] = [*conditions, _condition(ctype, reason, message, now_ms, value)]
    return True


def is_suspended(job: Obj) -> bool:
    """jobSuspended."""
    return bool(job["spec"].get("suspend"))


def backoff_ms(failures: int, default_ms: int = DEFAULT_BACKOFF_MS, max_ms: int = MAX_BACKOFF_MS) -> int:
    """The full pod-creation delay after ``failures`` consecutive failures: ``default`` doubling, capped."""
    if failures <= 0:
        return 0
    delay = default_ms
    for _ in range(1, failures):
        delay *= 2
        if delay >= max_ms:
            return max_ms
    return delay


def remaining_ms(failures: int, last_failure: int | None, now: int, default_ms: int = DEFAULT_BACKOFF_MS,
                 max_ms: int = MAX_BACKOFF_MS) -> int:
    """getRemainingTimeForFailuresCount: what is left of the back-off since the last failure."""
    if failures <= 0 or last_failure is None:
        return 0
    return max(0, backoff_ms(failures, default_ms, max_ms) - (now - last_failure))


def remaining_per_index_ms(pod: Obj | None, now: int, default_ms: int = DEFAULT_BACKOFF_MS,
                           max_ms: int = MAX_BACKOFF_MS) -> int:
    """getRemainingTimePerIndex: the back-off of the index whose last failed pod this is (its absolute failure
    count, plus its own failure)."""
    if pod is None:
        return 0
    return remaining_ms(indexed_job.index_absolute_failure_count(pod) + 1, finish_ms(pod), now, default_ms, max_ms)


class JobController(Controller):
    NAME = "job-controller"
    START_ON_FIRST = ("jobs", "pods")
    #: its pod handlers act on a pod a Job controls, and an orphan only through the namespace's Jobs
    START_WHEN = {"pods": controlled_by("Job")}

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pods = owned_index(cluster, "pods")
        self._counted: dict[str, set[str]] = {}  # job uid -> uids of finished pods already in status
        self._backoff: dict[str, tuple[int, int]] = {}  # job uid -> (failures since last success, last failure)
        self._gone: dict[str, dict[str, Obj]] = {}  # job uid -> finished pods removed before they were counted

    def start(self) -> None:
        self.watch("jobs")
        self.api.informers.on("pods", self._pod_added, self._pod_updated, self._pod_deleted, on_status=self._pod_status)

    def _pod_changed(self, pod: Obj) -> None:
        """Queue the Job that controls the pod."""
        ref = controller_of(pod)
        if ref is not None and ref.get("kind") == "Job":
            self.queue.add(f"{pod['metadata']['namespace']}/{ref['name']}")

    def _pod_added(self, pod: Obj) -> None:
        """addPod: the controlling Job; an orphan queues every Job whose selector matches it, to adopt it."""
        if controller_of(pod) is not None or pod["metadata"].get("deletionTimestamp"):
            self._pod_changed(pod)
            return
        for job in self.pod_jobs(pod):
            self.queue.add(f"{job['metadata']['namespace']}/{job['metadata']['name']}")

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        """updatePod: a new controller and the old one both look; an orphan whose labels or controller changed
        queues every Job that could adopt it."""
        old_ref, new_ref = controller_of(old), controller_of(new)
        if old_ref != new_ref and old_ref is not None:
            self._pod_changed(old)
        if new_ref is not None:
            self._pod_changed(new)
            return
        labels_changed = (old.get("metadata", {}).get("labels") or {}) != (new["metadata"].get("labels") or {})
        if labels_changed or old_ref != new_ref:
            for job in self.pod_jobs(new):
                self.queue.add(f"{job['metadata']['namespace']}/{job['metadata']['name']}")

    def _pod_status(self, _old: Obj, new: Obj) -> None:
        """_pod_updated for a status-only update (informers.Handler.on_status): controller and labels unchanged."""
        if controller_of(new) is not None:
            self._pod_changed(new)

    def pod_jobs(self, pod: Obj) -> list[Obj]:
        """getPodJobs: the Jobs in the pod's namespace whose non-empty selector matches its labels."""
        labels = pod["metadata"].get("labels") or {}
        if not labels:
            return []
        return [job for job in self.api.store.list("jobs", pod["metadata"].get("namespace", ""))
                if job["spec"].get("selector") and (job["spec"]["selector"].get("matchLabels")
                                                    or job["spec"]["selector"].get("matchExpressions"))
                and selector_of(job).matches(labels)]

    def _pod_deleted(self, pod: Obj) -> None:
        """A pod that leaves the API before a sync counted it is still counted from its last state, as
        upstream's batch.kubernetes.io/job-tracking finalizer keeps it until the controller has: a success if it
        succeeded, else a failure (isPodFailed: a deleted pod that did not succeed)."""
        ref = controller_of(pod)
        if ref is not None and ref.get("kind") == "Job":
            uid = pod["metadata"]["uid"]
            if uid not in self._counted.get(ref["uid"], set()):
                self._gone.setdefault(ref["uid"], {})[uid] = pod
        self._pod_changed(pod)

    # -- reconcile ----------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        job = self.api.try_get("jobs", name, ns)
        if job is None or finished_condition(job) is not None:
            return
        if job["spec"].get("managedBy", JOB_CONTROLLER_NAME) != JOB_CONTROLLER_NAME:
            return  # isManagedByJobController: another controller owns this Job's pods and status
        if not job["spec"].get("selector"):
            return  # nothing to select pods with (manualSelector without a selector fails validation)
        # a Job being deleted is still tracked (its pods counted, its end recorded), but manageJob is not called
        deleting = bool(job["metadata"].get("deletionTimestamp"))
        now = self.clock.now
        uid = job["metadata"]["uid"]
        pods = claim(self, job, self.pods, selector_of(job))
        gone = self._gone.pop(job["metadata"]["uid"], {})
        gone_pods = [gone[k] for k in sorted(gone) if all(p["metadata"]["uid"] != k for p in pods)]
        status = clone(job.get("status") or {})
        if not status.get("startTime") and not job["spec"].get("suspend"):
            status["startTime"] = timestamp(now)
        counted = self._counted.setdefault(uid, set())
        indexed = job["spec"].get("completionMode") == "Indexed"
        completions = job["spec"].get("completions") or 0
        done_indexes = _parse_indexes(status.get("completedIndexes", ""), completions)
        only_failed = only_replace_failed_pods(job)
        new_succeeded: list[Obj] = []
        new_failed: list[Obj] = []
        for pod in [*pods, *gone_pods]:  # getNewFinishedPods
            pod_uid = pod["metadata"]["uid"]
            if pod_uid in counted or (indexed and not 0 <= _index_of(pod) < completions):
                continue  # getValidPodsWithFilter: an Indexed Job's pod without a valid index is never counted
            phase = pod.get("status", {}).get("phase")
            if phase == "Succeeded":
                new_succeeded.append(pod)
            elif is_pod_failed(pod, only_failed) or pod in gone_pods:
                new_failed.append(pod)
        for pod in new_succeeded:
            counted.add(pod["metadata"]["uid"])
            status["succeeded"] = status.get("succeeded", 0) + 1
            if indexed:  # calculateSucceededIndexes
                done_indexes.add(_index_of(pod))
        active = [p for p in pods if is_pod_active(p)]
        per_index = PerIndex(job, pods, counted, done_indexes, active, only_failed, status) if (
            indexed and job["spec"].get("backoffLimitPerIndex") is not None) else None
        delayed_failures = 0
        for pod in new_failed:
            counts = pod_failure_policy.match(job["spec"].get("podFailurePolicy"), pod).counts
            if per_index is not None and pod in per_index.delayed.values():
                # the pod waits for its replacement (its finalizer stays): not in status.failed yet, but in the
                # count the backoffLimit is checked against (jobCtx.failed)
                delayed_failures += counts
                continue
            counted.add(pod["metadata"]["uid"])
            if counts:
                status["failed"] = status.get("failed", 0) + 1  # nonIgnoredFailedPodsCount
        failures, last_failure = new_backoff_record(self._backoff.get(uid, (0, None)), new_succeeded, new_failed)
        self._backoff[uid] = (failures, last_failure)
        finished = [*pods, *gone_pods]
        if indexed:
            status["succeeded"] = len(done_indexes)
            text = _format_indexes(done_indexes)
            if text:
                status["completedIndexes"] = text
        if per_index is not None:
            status["failedIndexes"] = _format_indexes(per_index.failed)
        else:
            status.pop("failedIndexes", None)
        terminating = [p for p in pods if _terminating(p)]
        target = _target_condition(job)
        if target is None:
            target = self._check_finish(job, status, finished, active, now, delayed_failures, per_index)
        if target is not None:
            for pod in active:
                delete_pod(self, job, pod)
            active = []
            # trackJobStatusAndRemoveFinalizers: once the Job has its end, every pod is counted: a failed one as
            # failed and, if the Job failed, every pod that has not finished too (a valid index only, and as the
            # podFailurePolicy says)
            for pod in pods:
                pod_uid = pod["metadata"]["uid"]
                if pod_uid in counted or pod.get("status", {}).get("phase") == "Succeeded" or (
                        indexed and not 0 <= _index_of(pod) < completions):
                    continue
                if not is_pod_failed(pod, only_failed) and target["type"] != "FailureTarget":
                    continue
                counted.add(pod_uid)
                if pod_failure_policy.match(job["spec"].get("podFailurePolicy"), pod).counts:
                    status["failed"] = status.get("failed", 0) + 1
            terminating = [p for p in self.pods.owned(uid) if _terminating(p)]
            if not terminating:
                self._finish(job, status, target, now)
        elif deleting:
            pass  # syncJob calls manageJob only for a Job that is not being deleted
        elif is_suspended(job):
            active = self._suspend(job, status, active, now)
        else:
            active = self._manage(job, status, active, terminating, failures, last_failure, now, per_index)
            self._resume(job, status, now)
        if target is None:  # the pods this sync deleted are terminating too (jobCtx.terminating += deleted)
            terminating = [p for p in self.pods.owned(uid) if _terminating(p)]
        _set(status, "active", len(active))
        _set(status, "ready", sum(1 for p in active if is_pod_ready(p)))
        _set(status, "terminating", len(terminating))
        status.setdefault("uncountedTerminatedPods", {})
        if status != (job.get("status") or {}):
            new = clone(job)
            new["status"] = status
            self.api.update_status(new)
        self._schedule_deadline(job, status, now)

    def _check_finish(self, job: Obj, status: dict[str, Any], pods: list[Obj], active: list[Obj],
                      now: int, delayed_failures: int = 0, per_index: PerIndex | None = None
                      ) -> dict[str, Any] | None:
        """The FailureTarget or SuccessCriteriaMet condition this sync reaches, added to status: a FailJob rule,
        the backoffLimit (failures still waiting for their replacement count too), the deadline, failed indexes,
        the successPolicy, then the completions reached."""
        spec = job["spec"]
        message = _fail_job_message(job, pods)
        if message is not None:
            cond = _condition("FailureTarget", pod_failure_policy.REASON, message, now)
            status.setdefault("conditions", []).append(cond)
            return cond
        limit = spec.get("backoffLimit", 6)
        past_limit = status.get("failed", 0) + delayed_failures > limit  # exceedsBackoffLimit
        if spec.get("template", {}).get("spec", {}).get("restartPolicy") == "OnFailure":
            # pastBackoffLimitOnFailure: container restarts of running and pending pods count as failures
            restarts = sum(cs.get("restartCount", 0) for p in pods
                           if p.get("status", {}).get("phase") in ("Running", "Pending")
                           for cs in [*(p.get("status", {}).get("initContainerStatuses") or []),
                                      *(p.get("status", {}).get("containerStatuses") or [])])
            past_limit = past_limit or (restarts > 0 if limit == 0 else restarts >= limit)
        cond = None
        if past_limit:
            cond = _condition("FailureTarget", BACKOFF_REASON, BACKOFF_MESSAGE, now)
        elif self._past_deadline(job, status, now):
            cond = _condition("FailureTarget", DEADLINE_REASON, DEADLINE_MESSAGE, now)
        elif per_index is not None and spec.get("maxFailedIndexes") is not None and \
                len(per_index.failed) > spec["maxFailedIndexes"]:
            cond = _condition("FailureTarget", MAX_FAILED_INDEXES_REASON, MAX_FAILED_INDEXES_MESSAGE, now)
        elif per_index is not None and per_index.failed and \
                len(per_index.failed) + status.get("succeeded", 0) >= (spec.get("completions") or 0):
            cond = _condition("FailureTarget", FAILED_INDEXES_REASON, FAILED_INDEXES_MESSAGE, now)
        elif spec.get("completionMode") == "Indexed" and (message := success_policy.match(
                spec.get("successPolicy"), spec.get("completions") or 0,
                indexed_job.parse_indexes(status.get("completedIndexes", ""), spec.get("completions") or 0))):
            cond = _condition("SuccessCriteriaMet", success_policy.REASON, message, now)
        else:
            completions = spec.get("completions")
            succeeded = status.get("succeeded", 0)
            if (completions is not None and succeeded >= completions) or (
                    completions is None and succeeded > 0 and not active):
                cond = _condition("SuccessCriteriaMet", COMPLETIONS_REASON, COMPLETIONS_MESSAGE, now)
        if cond is not None:
            status.setdefault("conditions", []).append(cond)
        return cond

    def _past_deadline(self, job: Obj, status: dict[str, Any], now: int) -> bool:
        deadline = job["spec"].get("activeDeadlineSeconds")
        if deadline is None or not status.get("startTime") or is_suspended(job):
            return False
        return now - parse_timestamp(status["startTime"]) >= deadline * 1000

    def _schedule_deadline(self, job: Obj, status: dict[str, Any], now: int) -> None:
        deadline = job["spec"].get("activeDeadlineSeconds")
        if (deadline is None or not status.get("startTime") or _target_condition({"status": status})
                or is_suspended(job)):
            return
        left = parse_timestamp(status["startTime"]) + deadline * 1000 - now
        if left > 0:
            self.queue.add_after(f"{job['metadata']['namespace']}/{job['metadata']['name']}", left)

    def _finish(self, job: Obj, status: dict[str, Any], target: dict[str, Any], now: int) -> None:
        """Complete or Failed, once every pod has stopped; with the upstream events. enactJobFinished sets it with
        ensureJobConditionStatus, so a False condition of that type already there turns True."""
        if target["type"] == "SuccessCriteriaMet":
            _ensure_condition(status, "Complete", "True", target["reason"], target["message"], now)
            status["completionTime"] = timestamp(now)
            self.events.event(job, "Normal", "Completed", "Job completed", component=self.NAME)
        else:
            _ensure_condition(status, "Failed", "True", target["reason"], target["message"], now)
            self.events.event(job, "Warning", target["reason"], target["message"], component=self.NAME)

    def _suspend(self, job: Obj, status: dict[str, Any], active: list[Obj], now: int) -> list[Obj]:
        """manageJob for a suspended Job: delete every active pod (their ends count neither way), then the
        Suspended condition and event."""
        for pod in active:
            self._forget(job, pod)
            delete_pod(self, job, pod)
        if _ensure_condition(status, "Suspended", "True", SUSPENDED_REASON, SUSPENDED_MESSAGE, now):
            self.events.event(job, "Normal", "Suspended", SUSPENDED_MESSAGE, component=self.NAME)
        return []

    def _resume(self, job: Obj, status: dict[str, Any], now: int) -> None:
        """A Job that was suspended: Suspended turns False (JobResumed) and startTime restarts, so
        activeDeadlineSeconds counts only the time the Job is continuously active."""
        if _ensure_condition(status, "Suspended", "False", RESUMED_REASON, RESUMED_MESSAGE, now):
            self.events.event(job, "Normal", "Resumed", RESUMED_MESSAGE, component=self.NAME)
            status["startTime"] = timestamp(now)

    def _forget(self, job: Obj, pod: Obj) -> None:
        """A pod the controller removes itself (deleteJobPods drops its tracking finalizer first): its end is
        not counted as a success or a failure."""
        self._counted.setdefault(job["metadata"]["uid"], set()).add(pod["metadata"]["uid"])

    def _manage(self, job: Obj, status: dict[str, Any], active: list[Obj], terminating: list[Obj], failures: int,
                last_failure: int | None, now: int, per_index: PerIndex | None = None) -> list[Obj]:
        """manageJob: start pods up to parallelism (after the back-off), or remove extras; never both in one
        sync."""
        spec = job["spec"]
        parallelism = spec.get("parallelism", 1)
        completions = spec.get("completions")
        indexed = spec.get("completionMode") == "Indexed"
        succeeded = status.get("succeeded", 0)
        if completions is None:  # no completion count: once a pod succeeded, leave whatever runs running
            wanted = len(active) if succeeded > 0 else parallelism
        else:
            wanted = max(0, min(parallelism, completions - succeeded))
        at_least = max(0, len(active) - wanted)
        # activePodsForRemoval: an Indexed Job's duplicates of an index, and pods without a valid one, go first;
        # then controller.ActivePods' order (unassigned, pending, not ready, ... first)
        if indexed:
            extra, keep = indexed_job.duplicated_index_pods(active, completions or 0)
        else:
            extra, keep = [], list(active)
        if len(extra) < at_least:
            keep = sorted(keep, key=lambda p: deletion_key(p, 0, now))
            extra, keep = [*extra, *keep[: at_least - len(extra)]], keep[at_least - len(extra):]
        if extra:
            for pod in extra:
                self._forget(job, pod)
                delete_pod(self, job, pod)
            return [p for p in active if p not in extra]
        if len(active) >= wanted:
            return active
        # with backoffLimitPerIndex each index backs off on its own (below), not the whole Job
        wait = remaining_ms(failures, last_failure, now) if per_index is None else 0
        if wait > 0:
            self.queue.add_after(f"{job['metadata']['namespace']}/{job['metadata']['name']}", wait)
            return active
        diff = wanted - len(active)
        if only_replace_failed_pods(job):
            diff -= len(terminating)  # a terminating pod is not replaced until it has failed
        missing: list[int] = []
        if indexed:  # firstPendingIndexes
            done = _parse_indexes(status.get("completedIndexes", ""), completions or 0)
            running = {_index_of(p) for p in active}
            failed = per_index.failed if per_index is not None else set()
            missing = [i for i in range(completions or 0)
                       if i not in done and i not in running and i not in failed][:max(0, diff)]
            if per_index is not None:  # an index still backing off waits
                missing, wait = pod_creation_info_for_independent_indexes(missing, per_index.delayed, now)
                if wait > 0:
                    self.queue.add_after(f"{job['metadata']['namespace']}/{job['metadata']['name']}", wait)
            diff = len(missing)
        created = list(active)
        for i in range(max(0, diff)):
            index = missing[i] if indexed else None
            pod = self._pod_for(job, index)
            if per_index is not None and index is not None:  # addIndexFailureCountAnnotation
                count, ignored = indexed_job.new_index_failure_counts(job, per_index.delayed.get(index))
                notes = pod["metadata"].setdefault("annotations", {})
                notes[indexed_job.FAILURE_COUNT_ANNOTATION] = str(count)
                if ignored:
                    notes[indexed_job.IGNORED_FAILURE_COUNT_ANNOTATION] = str(ignored)
            try:
                new = self.api.create(pod)
            except ApiError as exc:
                self.events.event(job, "Warning", "FailedCreate", f"Error creating: {exc.message}",
                                  component=self.NAME)
                break
            self.pods.observe(new)
            created.append(new)
            self.events.event(job, "Normal", "SuccessfulCreate", f"Created pod: {new['metadata']['name']}",
                              component=self.NAME)
        return created

    def _pod_for(self, job: Obj, index: int | None) -> Obj:
        name = job["metadata"]["name"]
        if index is None:
            return pod_from_template(job["spec"]["template"], job, generate_name=f"{name}-")
        pod = pod_from_template(job["spec"]["template"], job,
                                generate_name=indexed_job.pod_generate_name(name, index))
        pod["metadata"].setdefault("annotations", {})[INDEX_ANNOTATION] = str(index)
        pod["metadata"]["labels"][INDEX_LABEL] = str(index)
        if not pod["spec"].get("hostname"):
            pod["spec"]["hostname"] = f"{name}-{index}"
        env = {"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
            "apiVersion": "v1", "fieldPath": f"metadata.labels['{INDEX_LABEL}']"}}}
        for container in [*(pod["spec"].get("initContainers") or []), *pod["spec"]["containers"]]:
            if not any(e.get("name") == "JOB_COMPLETION_INDEX" for e in container.get("env") or []):
                container.setdefault("env", []).append(env)
        return pod


class PerIndex:
    """backoffLimitPerIndex's view of one sync: the failed indexes (calculateFailedIndexes) and, per index, the
    failed pod whose replacement is still to be made (getPodsWithDelayedDeletionPerIndex)."""

    def __init__(self, job: Obj, pods: list[Obj], counted: set[str], succeeded: set[int], active: list[Obj],
                 only_failed: bool, status: dict[str, Any]) -> None:
        completions = job["spec"].get("completions") or 0
        self.failed = _parse_indexes(status.get("failedIndexes") or "", completions)
        fresh = [p for p in pods if p["metadata"]["uid"] not in counted and 0 <= _index_of(p) < completions]
        for pod in fresh:
            if indexed_job.is_index_failed(job, pod, is_pod_failed(pod, only_failed)):
                self.failed.add(_index_of(pod))
        busy = {_index_of(p) for p in active}
        self.delayed: dict[int, Obj] = {}
        for pod in fresh:
            ix = _index_of(pod)
            if not is_pod_failed(pod, only_failed) or ix in succeeded or ix in self.failed or ix in busy:
                continue
            last = self.delayed.get(ix)
            if last is None or (indexed_job.index_absolute_failure_count(last)
                                <= indexed_job.index_absolute_failure_count(pod)
                                and finish_ms(pod) >= finish_ms(last)):
                self.delayed[ix] = pod


def pod_creation_info_for_independent_indexes(indexes: list[int], delayed: dict[int, Obj], now: int
                                              ) -> tuple[list[int], int]:
    """getPodCreationInfoForIndependentIndexes: the indexes whose back-off is over; when there are none, how long
    until the first one's is."""
    ready: list[int] = []
    waits: list[int] = []
    for index in indexes:
        wait = remaining_per_index_ms(delayed.get(index), now)
        if wait == 0:
            ready.append(index)
        else:
            waits.append(wait)
    return ready, (0 if ready or not waits else min(waits))


def only_replace_failed_pods(job: Obj) -> bool:
    """onlyReplaceFailedPods: podReplacementPolicy Failed, or any podFailurePolicy."""
    spec = job["spec"]
    return spec.get("podReplacementPolicy") == "Failed" or spec.get("podFailurePolicy") is not None


def is_pod_failed(pod: Obj, only_failed: bool) -> bool:
    """isPodFailed: phase Failed; unless only failed pods are replaced, also a deleted pod that did not succeed
    (an orphan pod may never reach Failed)."""
    phase = pod.get("status", {}).get("phase")
    if phase == "Failed":
        return True
    return not only_failed and bool(pod["metadata"].get("deletionTimestamp")) and phase != "Succeeded"


def finish_ms(pod: Obj) -> int:
    """getFinishedTime: when the last container finished (sidecar init containers included), if every one has;
    else when Ready turned False; else the deletion timestamp less the grace period; else the creation time."""
    st = pod.get("status") or {}
    md = pod["metadata"]
    sidecars = {c.get("name") for c in (pod.get("spec") or {}).get("initContainers") or []
                if c.get("restartPolicy") == "Always"}
    statuses = [*(st.get("containerStatuses") or []),
                *(cs for cs in st.get("initContainerStatuses") or [] if cs.get("name") in sidecars)]
    ends = [((cs.get("state") or {}).get("terminated") or {}).get("finishedAt") for cs in statuses]
    if statuses and all(ends):  # latestFinishTime: none when a container has not finished
        return max(parse_timestamp(t) for t in ends if t)
    for c in st.get("conditions") or []:
        if c.get("type") == "Ready" and c.get("status") == "False" and c.get("lastTransitionTime"):
            return parse_timestamp(c["lastTransitionTime"])
    if md.get("deletionTimestamp"):
        return parse_timestamp(md["deletionTimestamp"]) - int(md.get("deletionGracePeriodSeconds") or 0) * 1000
    return parse_timestamp(md["creationTimestamp"]) if md.get("creationTimestamp") else 0


def new_backoff_record(old: tuple[int, int | None], succeeded: list[Obj], failed: list[Obj]
                       ) -> tuple[int, int | None]:
    """backoffStore.newBackoffRecord: failures since the last success and when the last of them finished.

    A new success resets the count to the failures that finished after it.
    """
    failures, last = old
    if not failed and not succeeded:
        return failures, last
    fails = sorted(finish_ms(p) for p in failed)
    if not succeeded:
        return failures + len(fails), fails[-1]
    last_success = max(finish_ms(p) for p in succeeded)
    after = [t for t in fails if t > last_success]
    return len(after), (after[-1] if after else None)


def _terminating(pod: Obj) -> bool:
    """controller.CountTerminatingPods: being deleted, not finished."""
    return bool(pod["metadata"].get("deletionTimestamp")) and pod.get("status", {}).get("phase") not in (
        "Succeeded", "Failed")


def _fail_job_message(job: Obj, pods: list[Obj]) -> str | None:
    """getFailJobMessage: the message of the first failed pod that matches a FailJob rule."""
    policy = job["spec"].get("podFailurePolicy")
    if not policy:
        return None
    for pod in pods:
        if pod.get("status", {}).get("phase") == "Failed":
            message = pod_failure_policy.match(policy, pod).message
            if message is not None:
                return message
    return None


def _set(status: dict[str, Any], field: str, value: int) -> None:
    if value:
        status[field] = value
    else:
        status.pop(field, None)


def _index_of(pod: Obj) -> int:
    return indexed_job.completion_index(pod)


def _parse_indexes(text: str, completions: int) -> set[int]:
    """parseIndexesFromString: corrupted parts and indexes past ``completions`` are dropped."""
    return {i for a, b in indexed_job.parse_indexes(text, completions) for i in range(a, b + 1)}


def _format_indexes(indexes: set[int]) -> str:
    """completedIndexes as ranges: ``1,3-5,7``."""
    return indexed_job.format_indexes(indexed_job.with_ordered_indexes([], [i for i in indexes if i >= 0]))
