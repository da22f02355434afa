"""The Job controller (pkg/controller/job): run pods to completion, retry with back-off, give up.

NonIndexed Jobs count succeeded pods up to ``completions``; Indexed Jobs give
each pod a completion index (``<job>-<index>-<5 chars>``, the index
annotation, label and ``JOB_COMPLETION_INDEX``). A failed pod is replaced after
the pod-failure back-off (10s doubling, capped at 10 minutes); more failures
than ``backoffLimit`` or running past ``activeDeadlineSeconds`` fail the Job.
As since v1.31, the ``FailureTarget``/``SuccessCriteriaMet`` condition comes
first and ``Failed``/``Complete`` once no pod is left running. A
``podFailurePolicy`` decides per failed pod (FailJob, Ignore, Count; see
pod_failure_policy.py); a suspended Job deletes its active pods and carries the
``Suspended`` condition until it is resumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.controllers import indexed_job, pod_failure_policy
from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import (
    claim,
    delete_pod,
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
INDEX_LABEL = "batch.kubernetes.io/job-completion-index"

BACKOFF_REASON = "BackoffLimitExceeded"
BACKOFF_MESSAGE = "Job has reached the specified backoff limit"
DEADLINE_REASON = "DeadlineExceeded"
DEADLINE_MESSAGE = "Job was active longer than specified deadline"
COMPLETIONS_REASON = "CompletionsReached"
COMPLETIONS_MESSAGE = "Reached expected number of succeeded pods"
SUSPENDED_REASON, SUSPENDED_MESSAGE = "JobSuspended", "Job suspended"
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


def _finish_ms(pod: Obj, now_ms: int) -> int:
    """When a pod finished: its last container's finishedAt, else now."""
    ends = [parse_timestamp(cs["state"]["terminated"]["finishedAt"])
            for cs in pod.get("status", {}).get("containerStatuses") or []
            if (cs.get("state") or {}).get("terminated", {}).get("finishedAt")]
    return max(ends) if ends else now_ms


def backoff_ms(failures: int) -> int:
    """backoffRecord.getRemainingTime's full delay after ``failures`` consecutive failures."""
    if failures <= 0:
        return 0
    delay = DEFAULT_BACKOFF_MS
    for _ in range(1, failures):
        delay *= 2
        if delay >= MAX_BACKOFF_MS:
            return MAX_BACKOFF_MS
    return delay


class JobController(Controller):
    NAME = "job-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pods = owned_index(cluster, "pods")
        self._counted: dict[str, set[str]] = {}  # job uid -> uids of finished pods already in status
        self._backoff: dict[str, tuple[int, int]] = {}  # job uid -> (failures since last success, last failure)
        self._gone: dict[str, dict[str, Obj]] = {}  # job uid -> finished pods removed before they were counted

    def start(self) -> None:
        self.watch("jobs")
        self.api.informers.on("pods", self._pod_changed, lambda _o, n: self._pod_changed(n), self._pod_deleted)

    def _pod_changed(self, pod: Obj) -> None:
        ref = controller_of(pod)
        if ref is not None and ref.get("kind") == "Job":
            self.queue.add(f"{pod['metadata']['namespace']}/{ref['name']}")

    def _pod_deleted(self, pod: Obj) -> None:
        """A finished pod that leaves the API before a sync counted it is still counted from its last state,
        as upstream's batch.kubernetes.io/job-tracking finalizer keeps it until the controller has."""
        ref = controller_of(pod)
        if ref is not None and ref.get("kind") == "Job" and pod.get("status", {}).get("phase") in ("Succeeded",
                                                                                                   "Failed"):
            uid = pod["metadata"]["uid"]
            if uid not in self._counted.get(ref["uid"], set()):
                self._gone.setdefault(ref["uid"], {})[uid] = pod
        self._pod_changed(pod)

    # -- reconcile ----------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        job = self.api.try_get("jobs", name, ns)
        if job is None or job["metadata"].get("deletionTimestamp") or finished_condition(job) is not None:
            return
        if not job["spec"].get("selector"):
            return  # nothing to select pods with (manualSelector without a selector fails validation)
        now = self.clock.now
        uid = job["metadata"]["uid"]
        pods = claim(self, job, self.pods, selector_of(job))
        gone = self._gone.pop(job["metadata"]["uid"], {})
        finished = [*pods, *(gone[k] for k in sorted(gone) if all(p["metadata"]["uid"] != k for p in pods))]
        status = clone(job.get("status") or {})
        if not status.get("startTime") and not job["spec"].get("suspend"):
            status["startTime"] = timestamp(now)
        counted = self._counted.setdefault(uid, set())
        failures, last_failure = self._backoff.get(uid, (0, 0))
        new_failure = False
        indexed = job["spec"].get("completionMode") == "Indexed"
        completions = job["spec"].get("completions") or 0
        done_indexes = _parse_indexes(status.get("completedIndexes", ""), completions)
        for pod in finished:
            phase = pod.get("status", {}).get("phase")
            pod_uid = pod["metadata"]["uid"]
            if pod_uid in counted or phase not in ("Succeeded", "Failed"):
                continue
            counted.add(pod_uid)
            if phase == "Succeeded":
                status["succeeded"] = status.get("succeeded", 0) + 1
                failures = 0
                if indexed and 0 <= _index_of(pod) < completions:  # calculateSucceededIndexes
                    done_indexes.add(_index_of(pod))
            else:
                if pod_failure_policy.match(job["spec"].get("podFailurePolicy"), pod).counts:
                    status["failed"] = status.get("failed", 0) + 1  # nonIgnoredFailedPodsCount
                failures += 1  # the pod-recreation back-off counts every failure (newBackoffRecord)
                last_failure = max(last_failure, _finish_ms(pod, now))
                new_failure = True
        self._backoff[uid] = (failures, last_failure)
        if indexed:
            status["succeeded"] = len(done_indexes)
            text = _format_indexes(done_indexes)
            if text:
                status["completedIndexes"] = text
        active = [p for p in pods if is_pod_active(p)]
        terminating = [p for p in pods if p["metadata"].get("deletionTimestamp")
                       and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")]
        target = _target_condition(job)
        if target is None:
            target = self._check_finish(job, status, finished, active, new_failure, now)
        if target is not None:
            for pod in active:
                delete_pod(self, job, pod)
            active = []
            terminating = [p for p in self.pods.owned(uid) if p["metadata"].get("deletionTimestamp")
                           and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")]
            if not terminating:
                self._finish(job, status, target, now)
        elif is_suspended(job):
            active = self._suspend(job, status, active, now)
        else:
            active = self._manage(job, status, active, terminating, failures, last_failure, now)
            self._resume(job, status, now)
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
                      new_failure: bool, now: int) -> dict[str, Any] | None:
        """The FailureTarget or SuccessCriteriaMet condition this sync reaches, added to status."""
        spec = job["spec"]
        message = _fail_job_message(job, pods)
        if message is not None:
            cond = _condition("FailureTarget", pod_failure_policy.REASON, message, now)
            status.setdefault("conditions", []).append(cond)
            return cond
        limit = spec.get("backoffLimit", 6)
        past_limit = new_failure and status.get("failed", 0) > limit
        if spec.get("template", {}).get("spec", {}).get("restartPolicy") == "OnFailure":
            # pastBackoffLimitOnFailure: container restarts of active pods count as failures
            restarts = sum(cs.get("restartCount", 0) for p in active
                           for cs in [*(p.get("status", {}).get("initContainerStatuses") or []),
                                      *(p.get("status", {}).get("containerStatuses") or [])])
            past_limit = past_limit or (restarts > 0 if limit == 0 else restarts >= limit)
        cond = None
        if past_limit:
            cond = _condition("FailureTarget", BACKOFF_REASON, BACKOFF_MESSAGE, now)
        elif self._past_deadline(job, status, now):
            cond = _condition("FailureTarget", DEADLINE_REASON, DEADLINE_MESSAGE, now)
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
        """Complete or Failed, once every pod has stopped; with the upstream events."""
        if target["type"] == "SuccessCriteriaMet":
            status["conditions"].append(_condition("Complete", target["reason"], target["message"], now))
            status["completionTime"] = timestamp(now)
            self.events.event(job, "Normal", "Completed", "Job completed", component=self.NAME)
        else:
            status["conditions"].append(_condition("Failed", target["reason"], target["message"], now))
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
                last_failure: int, now: int) -> list[Obj]:
        """manageJob: start pods up to parallelism (after the back-off), or remove extras."""
        spec = job["spec"]
        parallelism = spec.get("parallelism", 1)
        completions = spec.get("completions")
        indexed = spec.get("completionMode") == "Indexed"
        succeeded = status.get("succeeded", 0)
        if indexed:
            done = _parse_indexes(status.get("completedIndexes", ""), completions or 0)
            # activePodsForRemoval: duplicates of an index, and pods without a valid one, go first
            extra, active = indexed_job.duplicated_index_pods(active, completions or 0)
            for pod in extra:
                self._forget(job, pod)
                delete_pod(self, job, pod)
            running = {_index_of(p) for p in active}
            missing = [i for i in range(completions or 0) if i not in done and i not in running]
            wanted = min(parallelism, len(missing) + len(running))
        else:
            missing = []
            remaining = parallelism if completions is None else min(parallelism, completions - succeeded)
            if completions is None and succeeded > 0:
                remaining = 0
            wanted = max(0, remaining)
        if len(active) > wanted:
            extras = sorted(active, key=lambda p: p["metadata"]["creationTimestamp"], reverse=True)
            for pod in extras[: len(active) - wanted]:
                self._forget(job, pod)
                delete_pod(self, job, pod)
            return [p for p in active if p not in extras[: len(active) - wanted]]
        if spec.get("podReplacementPolicy") == "Failed":
            wanted -= len(terminating)  # onlyReplaceFailedPods: a terminating pod is not replaced yet
        if len(active) >= wanted:
            return active
        wait = backoff_ms(failures) - (now - last_failure) if failures else 0
        if wait > 0:
            self.queue.add_after(f"{job['metadata']['namespace']}/{job['metadata']['name']}", wait)
            return active
        created = list(active)
        for i in range(wanted - len(active)):
            index = missing[i] if indexed else None
            pod = self._pod_for(job, index)
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
