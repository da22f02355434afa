"""The adapter for pkg/controller/job/job_controller_test.go: one syncJob of kspec's Job controller.

Upstream puts a Job (``newJob``: selector ``foo=bar``, one container ``foo/bar``) and its pods
(``setPodsStatuses``, ``setPodsStatusesWithIndexes``) in the informers' indexers, runs ``syncJob`` once with a
fake pod control and reads the status it would write. Here the Job and pods are written straight into kspec's
store (as the informers hold them, without admission), the controller's pod index is told about them, and
``reconcile`` runs once without the clock moving. What upstream's fake pod control records is read from the
store: pods created, and pods deleted (gone, or newly carrying a deletion timestamp; every pod is bound to a node
so a deletion leaves it terminating, as the fake leaves it in the informer).

kspec models v1.35, where the JobSuccessPolicy, JobPodReplacementPolicy, JobManagedBy and PodIndexLabel gates
are locked on. The stored test runs many cases with some of them off; :func:`as_v135` turns such a case's
expected conditions into what the same code gives with the gates on, a mechanical mapping taken from the code
the gates guard (``newSuccessCondition``: ``CompletionsReached`` and its message; ``delayTerminalCondition``:
the interim ``SuccessCriteriaMet`` / ``FailureTarget`` first, and the final ``Complete`` / ``Failed`` only once no
pod the sync deleted is still terminating, as ``enactJobFinished`` waits). Each such case has a twin in the same
file with the gate on whose expectation is exactly this mapping (e.g. "indexed job failed" and "backoff limit
exceeded; JobManagedBy enabled"). ``status.terminating`` is only compared where the case turns
JobPodReplacementPolicy on (with it off upstream leaves the field nil).
"""

from __future__ import annotations

from typing import Any

from kspec import Cluster
from kspec.api.defaults import apply_defaults
from kspec.controllers.job import INDEX_ANNOTATION, INDEX_LABEL, JobController
from kspec.errors import ApiError
from kspec.objects import clone, timestamp

FINISHED_AT = "0001-01-01T00:00:01Z"  # testFinishedAt: long ago, so no back-off is pending
NODE = "node-1"
NAME, NS = "foobar", "default"
COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")


def cond(ctype: str, status: str = "True", reason: str = "", message: str = "") -> tuple[str, str, str, str]:
    """A JobCondition as upstream's tests compare it (probe and transition times ignored)."""
    return (ctype, status, reason, message)


def as_v135(conditions: list[tuple[str, str, str, str]], gates: set[str], terminating: bool = False
            ) -> list[tuple[str, str, str, str]]:
    """Expected conditions with the gates a case leaves off turned on, as kspec (v1.35) runs.

    ``terminating``: the sync deletes pods that have not finished, which then terminate; with the delay on,
    enactJobFinished holds the final condition back while any does, so only the interim one is expected.
    """
    out: list[tuple[str, str, str, str]] = []
    delay = bool({"managedBy", "replacement"} & gates)
    for ctype, status, reason, message in conditions:
        if ctype == "Complete" and "success" not in gates and not reason:
            reason, message = COMPLETIONS_REACHED
        interim = {"Complete": "SuccessCriteriaMet", "Failed": "FailureTarget"}.get(ctype)
        if not delay and interim and (interim, status, reason, message) not in out:
            out.append((interim, status, reason, message))
        if not delay and interim and terminating:
            continue  # the final condition waits for the deleted pods
        out.append((ctype, status, reason, message))
    return out


class Rig:
    """A cluster with nothing running but the API and the Job controller called by hand."""

    def __init__(self, now_ms: int = 0) -> None:
        self.c = Cluster(nodes=0)
        self.c.start()
        self.c.clock.now = max(self.c.clock.now, now_ms)
        self.ctrl = next(x for x in self.c.controllers if isinstance(x, JobController))
        self.job: dict[str, Any] = {}
        self._n = 0
        self.create_calls = 0

    def put_job(self, spec: dict[str, Any], status: dict[str, Any] | None = None, deleting: bool = False,
                name: str = NAME) -> dict[str, Any]:
        selector = {"foo": "bar"}
        base: dict[str, Any] = {
            "selector": {"matchLabels": selector},
            "template": {"metadata": {"labels": dict(selector)},
                         "spec": {"containers": [{"name": "c", "image": "foo/bar"}]}}}
        job: dict[str, Any] = {"apiVersion": "batch/v1", "kind": "Job",
                               "metadata": {"name": name, "namespace": NS, "uid": f"{name}-uid",
                                            "creationTimestamp": timestamp(self.c.clock.now)},
                               "spec": {**base, **spec}}
        if status:
            job["status"] = status
        if deleting:
            job["metadata"]["deletionTimestamp"] = timestamp(self.c.clock.now)
            job["metadata"]["finalizers"] = ["foregroundDeletion"]
        self.job = self.c.api.store.create("jobs", job)
        return self.job

    def pod(self, phase: str, *, index: str | None = None, ready: bool = False, terminating: bool = False,
            status: dict[str, Any] | None = None, annotations: dict[str, str] | None = None,
            labels: dict[str, str] | None = None, name: str | None = None, finished: bool = True,
            created: str | None = None) -> dict[str, Any]:
        """newPod with a phase; finished pods carry a terminated container (finishedAt: testFinishedAt), unless
        ``finished`` is False (then ``status`` gives the containers); ``created``: the creation timestamp (now
        unless given; the tests' podBuilder leaves it zero)."""
        self._n += 1
        md = self.job["metadata"]
        pod_name = name or f"pod-{self._n:04d}"
        st: dict[str, Any] = {"phase": phase}
        if finished and phase in ("Succeeded", "Failed"):
            st["containerStatuses"] = [{"name": "c", "state": {"terminated": {
                "exitCode": 0 if phase == "Succeeded" else 1, "finishedAt": FINISHED_AT}}}]
        if ready:
            st["conditions"] = [{"type": "Ready", "status": "True"}]
        if status:
            st.update(status)
        meta: dict[str, Any] = {
            "name": pod_name, "namespace": NS, "uid": pod_name, "labels": {"foo": "bar", **(labels or {})},
            "creationTimestamp": created or timestamp(self.c.clock.now),
            "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": md["name"], "uid": md["uid"],
                                 "controller": True, "blockOwnerDeletion": True}]}
        notes = dict(annotations or {})
        spec: dict[str, Any] = {"containers": [{"name": "c", "image": "foo/bar"}], "nodeName": NODE}
        if index is not None:
            notes[INDEX_ANNOTATION] = index
            spec["hostname"] = f"{md['name']}-{index}"
        if notes:
            meta["annotations"] = notes
        if phase == "":
            del st["phase"]
        if terminating:
            meta["deletionTimestamp"] = timestamp(self.c.clock.now + 30_000)
            meta["deletionGracePeriodSeconds"] = 30
        body = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": st}
        apply_defaults(body)  # as the API server stored it, so a later update passes pod validation
        pod = self.c.api.store.create("pods", body)
        self.ctrl.pods.observe(pod)
        return pod

    def pods(self, pending: int = 0, active: int = 0, succeeded: int = 0, failed: int = 0, terminating: int = 0,
             ready: int = 0) -> None:
        """setPodsStatuses."""
        for _ in range(pending):
            self.pod("Pending")
        for i in range(active):
            self.pod("Running", ready=i < ready)
        for _ in range(succeeded):
            self.pod("Succeeded")
        for _ in range(failed):
            self.pod("Failed")
        for _ in range(terminating):
            self.pod("Running", terminating=True)

    def limit_pod_creations(self, limit: int) -> None:
        """FakePodControl.CreateLimit: pod creates past ``limit`` fail (the API server refuses them)."""
        create = self.c.api.create
        made = [0]

        def limited(obj: dict, **kwargs: Any) -> dict:
            if obj.get("kind") == "Pod":
                self.create_calls += 1
                if made[0] >= limit:
                    raise ApiError(500, "InternalError", f"not creating pod, limit {limit} already reached")
                made[0] += 1
            return create(obj, **kwargs)

        self.c.api.create = limited  # type: ignore[method-assign]

    def sync(self) -> Outcome:
        before = {p["metadata"]["uid"]: p for p in self.c.api.store.list("pods", NS)}
        events = len(self.ctrl.events.log)
        md = self.job["metadata"]
        self.ctrl.reconcile(f"{md['namespace']}/{md['name']}")
        after = {p["metadata"]["uid"]: p for p in self.c.api.store.list("pods", NS)}
        created = [p for uid, p in after.items() if uid not in before]
        deleted = [uid for uid, p in before.items()
                   if uid not in after or (after[uid]["metadata"].get("deletionTimestamp")
                                           and not p["metadata"].get("deletionTimestamp"))]
        job = self.c.api.store.get("jobs", md["namespace"], md["name"])
        return Outcome(job, created, deleted, self.ctrl.events.log[events:])


class Outcome:
    """What one sync did: the Job as stored, the pods created and deleted, the events."""

    def __init__(self, job: dict[str, Any], created: list[dict[str, Any]], deleted: list[str],
                 events: list[Any]) -> None:
        self.job = job
        self.status = clone(job.get("status") or {})
        self.created = created
        self.deleted = deleted
        self.events = events

    def count(self, field: str) -> int:
        return int(self.status.get(field) or 0)

    def conditions(self) -> list[tuple[str, str, str, str]]:
        return [(c.get("type", ""), c.get("status", ""), c.get("reason", ""), c.get("message", ""))
                for c in self.status.get("conditions") or []]

    def created_indexes(self, index_label: bool = True) -> list[int]:
        """checkIndexedJobPods: each created pod's index, with its hostname, generateName, label and env
        (JOB_COMPLETION_INDEX from the label, or from the annotation with PodIndexLabel off)."""
        out = []
        for p in self.created:
            ix = p["metadata"].get("annotations", {}).get(INDEX_ANNOTATION)
            assert ix is not None, p["metadata"]["name"]
            if index_label:
                assert p["metadata"]["labels"].get(INDEX_LABEL) == ix
            assert p["spec"].get("hostname") == f"{NAME}-{ix}"
            assert p["metadata"].get("generateName") == f"{NAME}-{ix}-"
            env = {e["name"]: e for c in p["spec"]["containers"] for e in c.get("env") or []}
            source = f"metadata.labels['{INDEX_LABEL}']" if index_label else \
                f"metadata.annotations['{INDEX_ANNOTATION}']"
            assert env["JOB_COMPLETION_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"] == source
            out.append(int(ix))
        return sorted(out)
