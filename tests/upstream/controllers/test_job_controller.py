"""kubernetes pkg/controller/job/job_controller_test.go through kspec's Job controller (see job_adapter.py)."""

from __future__ import annotations

import pytest

from kspec import Cluster
from tests.upstream.cases import case
from tests.upstream.controllers.job_adapter import Rig, as_v135, cond

SOURCE = "kubernetes/kubernetes pkg/controller/job/job_controller_test.go"
F = "TestControllerSyncJob"
BACKOFF = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
SUSPENDED = cond("Suspended", "True", "JobSuspended", "Job suspended")
POD_CONTROL_ERROR = "an injected pod-control error (FakePodControl.Err)"
EXPECTATIONS = ("controller expectations: kspec's controller writes through a synchronous store and never waits "
                "for its own creates or deletes to be observed")

def sync(name: str, parallelism: int, completions: int, backoff: int = 0, *, mode: str | None = None,
         deleting: bool = False, suspend: bool = False, was_suspended: bool = False,
         replacement: str | None = None, pfp: dict | None = None, initial: dict | None = None,
         backoff_record: tuple[int, int] | None = None, pending: int = 0, active: int = 0, ready: int = 0,
         succeeded: int = 0, failed: int = 0, terminating: int = 0, indexed: tuple = (),
         creations: int = 0, deletions: int = 0, e_active: int = 0, e_ready: int = 0, e_succeeded: int = 0,
         e_completed: str = "", e_failed: int = 0, e_terminating: int | None = None, conditions: tuple = (),
         created_indexes: tuple = (), gates: tuple = (), pod_limit: int = 0, **reason: str) -> object:
    """One entry of TestControllerSyncJob's testCases (``-1`` completions: nil)."""
    return case(F, name, **reason, parallelism=parallelism, completions=completions, backoff=backoff, mode=mode,
                deleting=deleting, suspend=suspend, was_suspended=was_suspended, replacement=replacement, pfp=pfp,
                initial=initial, backoff_record=backoff_record, pending=pending, active=active, ready=ready,
                succeeded=succeeded, failed=failed, terminating=terminating, indexed=indexed, creations=creations,
                deletions=deletions, e_active=e_active, e_ready=e_ready, e_succeeded=e_succeeded,
                e_completed=e_completed, e_failed=e_failed, e_terminating=e_terminating,
                conditions=list(conditions), created_indexes=list(created_indexes), gates=set(gates),
                pod_limit=pod_limit)


IX = "Indexed"
S, FL, R, P = "Succeeded", "Failed", "Running", "Pending"
REPL = ("replacement",)
CASES = [
    sync("job start", 2, 5, 6, creations=2, e_active=2),
    sync("WQ job start", 2, -1, 6, creations=2, e_active=2),
    sync("pending pods", 2, 5, 6, pending=2, e_active=2),
    sync("correct # of pods", 3, 5, 6, active=3, ready=2, e_active=3, e_ready=2),
    sync("WQ job: correct # of pods", 2, -1, 6, active=2, e_active=2),
    sync("too few active pods", 2, 5, 6, active=1, succeeded=1, creations=1, e_active=2, e_succeeded=1),
    sync("WQ job: recreate pods when failed", 1, -1, 6, active=1, failed=1, replacement="Failed", gates=REPL,
         terminating=1, e_terminating=1, e_failed=1, e_active=1),
    sync("WQ job: turn on PodReplacementPolicy but not set PodReplacementPolicy", 1, 1, 6, active=1, failed=1,
         gates=REPL, e_terminating=1, terminating=1, e_active=1, e_failed=2),
    sync("WQ job: recreate pods when terminating or failed", 1, -1, 6, active=1, failed=1,
         replacement="TerminatingOrFailed", gates=REPL, terminating=1, e_terminating=1, e_active=1, e_failed=2),
    sync("more terminating pods than parallelism", 1, 1, 6, active=2, terminating=4, replacement="Failed",
         gates=REPL, e_terminating=5, e_active=1, deletions=1),
    sync("more terminating pods than parallelism; PodFailurePolicy used", 1, 1, 6, active=2, terminating=4,
         pfp={}, e_active=1, deletions=1),
    sync("too few active pods and active back-off", 1, 1, 6, backoff_record=(1, 0), initial={"startTime": 0}),
    sync("too few active pods and no back-offs", 1, 1, 6, backoff_record=(0, 0), creations=1, e_active=1),
    sync("too few active pods with a dynamic job", 2, -1, 6, active=1, creations=1, e_active=2),
    sync("too few active pods, with controller error", 2, 5, 6, active=1, succeeded=1, creations=1, e_active=1,
         unmodelled=POD_CONTROL_ERROR),
    sync("too many active pods", 2, 5, 6, active=3, deletions=1, e_active=2),
    sync("too many active pods; PodReplacementPolicy enabled", 2, 5, 6, active=3, gates=REPL, deletions=1,
         e_active=2, e_terminating=1),
    sync("too many active pods, with controller error", 2, 5, 6, active=3, e_active=3,
         unmodelled=POD_CONTROL_ERROR),
    sync("count ready pods when too many active pods", 2, 5, 6, active=3, ready=3, deletions=1, e_active=2,
         e_ready=2),
    sync("failed + succeed pods: reset backoff delay", 2, 5, 6, active=1, succeeded=1, failed=1, creations=1,
         e_active=2, e_succeeded=1, e_failed=1),
    sync("new failed pod", 2, 5, 6, active=1, failed=1, creations=1, e_active=2, e_failed=1),
    sync("no new pod; possible finalizer update of failed pod", 1, 1, 6,
         initial={"active": 1, "succeeded": 0, "failed": 1}, active=1, e_active=1, e_failed=1),
    sync("only new failed pod with controller error", 2, 5, 6, active=1, failed=1, creations=1, e_active=1,
         unmodelled=POD_CONTROL_ERROR),
    sync("job finish", 2, 5, 6, succeeded=5, e_succeeded=5, conditions=[cond("Complete")]),
    sync("WQ job finishing", 2, -1, 6, active=1, succeeded=1, e_active=1, e_succeeded=1),
    sync("WQ job all finished", 2, -1, 6, succeeded=2, e_succeeded=2, conditions=[cond("Complete")]),
    sync("WQ job all finished despite one failure", 2, -1, 6, succeeded=1, failed=1, e_succeeded=1, e_failed=1,
         conditions=[cond("Complete")]),
    sync("more active pods than parallelism", 2, 5, 6, active=10, deletions=8, e_active=2),
    sync("more active pods than remaining completions", 3, 4, 6, active=3, succeeded=2, deletions=1, e_active=2,
         e_succeeded=2),
    sync("status change", 2, 5, 6, active=2, succeeded=2, e_active=2, e_succeeded=2),
    sync("deleting job", 2, 5, 6, deleting=True, pending=1, active=1, succeeded=1, e_active=2, e_succeeded=1),
    sync("limited pods", 100, 200, 6, creations=10, e_active=10, pod_limit=10),
    sync("too many job failures", 2, 5, 0, deleting=True, failed=1, e_failed=1,
         conditions=[cond("Failed", "True", *BACKOFF)]),
    sync("job failures, unsatisfied expectations", 2, 5, 0, deleting=True, failed=1, e_failed=1,
         unmodelled=EXPECTATIONS),
    sync("indexed job start", 2, 5, 6, mode=IX, creations=2, e_active=2, created_indexes=[0, 1]),
    sync("indexed job with some pods deleted, podReplacementPolicy Failed", 2, 5, 6, mode=IX, creations=1,
         e_active=1, created_indexes=[0], replacement="Failed", gates=REPL, terminating=1, e_terminating=1),
    sync("indexed job with some pods deleted, podReplacementPolicy TerminatingOrFailed", 2, 5, 6, mode=IX,
         creations=2, e_active=2, created_indexes=[0, 1], replacement="TerminatingOrFailed", gates=REPL,
         terminating=1, e_terminating=1),
    sync("indexed job completed", 2, 3, 6, mode=IX, indexed=[("0", S), ("1", FL), ("1", S), ("2", S)],
         e_succeeded=3, e_failed=1, e_completed="0-2", conditions=[cond("Complete")]),
    sync("indexed job failed", 2, 3, 0, mode=IX, indexed=[("0", S), ("1", FL), ("2", R)], e_succeeded=1,
         e_failed=2, e_completed="0", conditions=[cond("Failed", "True", *BACKOFF)], deletions=1),
    sync("count terminating pods when indexed job fails and PodReplacementPolicy enabled", 2, 3, 0, mode=IX,
         indexed=[("0", S), ("1", FL), ("2", R)], gates=REPL, e_succeeded=1, e_failed=2, e_completed="0",
         conditions=[cond("FailureTarget", "True", *BACKOFF)], deletions=1, e_terminating=1),
    sync("count ready pods when job fails", 2, 3, 0, active=2, ready=2, failed=1, e_failed=3,
         conditions=[cond("Failed", "True", *BACKOFF)], deletions=2),
    sync("indexed job repeated completed index", 2, 3, 6, mode=IX, indexed=[("0", S), ("1", S), ("1", S)],
         creations=1, e_active=1, e_succeeded=2, e_completed="0,1", created_indexes=[2]),
    sync("indexed job some running and completed pods", 8, 20, 6, mode=IX,
         indexed=[("0", R), ("2", S), ("3", P), ("4", S), ("5", S), ("7", S), ("8", S), ("9", S)],
         creations=6, e_active=8, e_succeeded=6, e_completed="2,4,5,7-9", created_indexes=[1, 6, 10, 11, 12, 13]),
    sync("indexed job some failed pods", 3, 4, 6, mode=IX, indexed=[("0", FL), ("1", P), ("2", FL)], creations=2,
         e_active=3, e_failed=2, created_indexes=[0, 2]),
    sync("indexed job some pods without index", 2, 5, 6, mode=IX, active=1, succeeded=1, failed=1,
         indexed=[("invalid", R), ("invalid", S), ("invalid", FL), ("invalid", P), ("0", S), ("1", R), ("2", R)],
         deletions=3, e_active=2, e_succeeded=1, e_completed="0"),
    sync("indexed job repeated indexes", 5, 5, 6, mode=IX, succeeded=1, failed=1,
         indexed=[("invalid", R), ("0", S), ("1", R), ("2", R), ("2", P)], deletions=2, e_active=2,
         e_succeeded=1, e_completed="0"),
    sync("indexed job with indexes outside of range", 2, 5, 6, mode=IX,
         indexed=[("0", S), ("5", R), ("6", S), ("7", P), ("8", FL)], e_succeeded=1, deletions=2,
         e_completed="0"),
    sync("suspending a job with satisfied expectations", 2, 4, 6, suspend=True, active=2, deletions=2,
         conditions=[SUSPENDED]),
    sync("suspending a job with satisfied expectations; PodReplacementPolicy enabled", 2, 4, 6, suspend=True,
         active=2, gates=REPL, deletions=2, conditions=[SUSPENDED], e_terminating=2),
    sync("count ready pods when suspending a job with satisfied expectations", 2, 4, 6, suspend=True, active=2,
         ready=2, deletions=2, conditions=[SUSPENDED]),
    sync("suspending a job with unsatisfied expectations", 2, 4, 6, suspend=True, active=3, e_active=3,
         unmodelled=EXPECTATIONS),
    sync("count ready pods when suspending a job with unsatisfied expectations", 2, 4, 6, suspend=True, active=3,
         ready=3, e_active=3, e_ready=3, unmodelled=EXPECTATIONS),
    sync("suspending a job with unsatisfied expectations; PodReplacementPolicy enabled", 2, 4, 6, suspend=True,
         active=3, gates=REPL, e_active=3, e_terminating=0, unmodelled=EXPECTATIONS),
    sync("resuming a suspended job", 2, 4, 6, was_suspended=True, creations=2, e_active=2,
         conditions=[cond("Suspended", "False", "JobResumed", "Job resumed")]),
    sync("suspending a deleted job", 2, 4, 6, suspend=True, deleting=True, active=2, e_active=2),
    sync("suspending a deleted job; PodReplacementPolicy enabled", 2, 4, 6, suspend=True, deleting=True,
         active=2, gates=REPL, e_active=2, e_terminating=0),
    sync("indexed job with podIndexLabel feature disabled", 2, 5, 6, mode=IX, creations=2, e_active=2,
         created_indexes=[0, 1], gates=("noIndexLabel",),
         unmodelled="PodIndexLabel off: the gate is GA and locked on in v1.35"),
    sync("FailureTarget=False condition added manually is ignored", 1, 1, active=1, ready=1,
         initial={"active": 1, "startTime": 0,
                  "conditions": [cond("FailureTarget", "False", "ConditionAddedManually", "Testing")]},
         e_active=1, e_ready=1, conditions=[cond("FailureTarget", "False", "ConditionAddedManually", "Testing")]),
    sync("SuccessCriteriaMet=False condition added manually is ignored", 1, 1, gates=("success",), active=1,
         ready=1, initial={"active": 1, "startTime": 0,
                           "conditions": [cond("SuccessCriteriaMet", "False", "ConditionAddedManually", "Testing")]},
         e_active=1, e_ready=1,
         conditions=[cond("SuccessCriteriaMet", "False", "ConditionAddedManually", "Testing")]),
    sync("backoff limit exceeded; JobManagedBy enabled", 2, 3, 0, mode=IX, gates=("managedBy",),
         indexed=[("0", S), ("1", FL), ("2", R)], e_succeeded=1, e_failed=2, e_completed="0",
         conditions=[cond("FailureTarget", "True", *BACKOFF)], deletions=1),
]


def _status(initial: dict | None, now: int) -> dict | None:
    from kspec.objects import timestamp

    if initial is None:
        return None
    status: dict = {"startTime": timestamp(now + initial.get("startTime", 0))}
    for field in ("active", "succeeded", "failed"):
        if initial.get(field):
            status[field] = initial[field]
    if initial.get("conditions"):
        status["conditions"] = [{"type": t, "status": s, "reason": r, "message": m,
                                 "lastProbeTime": timestamp(now), "lastTransitionTime": timestamp(now)}
                                for t, s, r, m in initial["conditions"]]
    return status


@pytest.mark.parametrize("data", CASES)
def test_controller_sync_job(data: dict) -> None:
    from kspec.objects import timestamp

    rig = Rig()
    now = rig.c.clock.now
    spec: dict = {"parallelism": data["parallelism"], "backoffLimit": data["backoff"], "suspend": data["suspend"]}
    if data["completions"] >= 0:
        spec["completions"] = data["completions"]
    if data["mode"]:
        spec["completionMode"] = data["mode"]
    if data["pfp"] is not None:
        spec["podFailurePolicy"] = data["pfp"]
    if data["replacement"] and "replacement" in data["gates"]:
        spec["podReplacementPolicy"] = data["replacement"]
    status = _status(data["initial"], now)
    if data["was_suspended"]:
        status = status or {}
        status["conditions"] = [*status.get("conditions", []), {
            "type": "Suspended", "status": "True", "reason": "JobSuspended", "message": "Job suspended",
            "lastProbeTime": timestamp(now), "lastTransitionTime": timestamp(now)}]
    job = rig.put_job(spec, status, deleting=data["deleting"])
    if data["backoff_record"] is not None:
        failures, at = data["backoff_record"]
        rig.ctrl._backoff[job["metadata"]["uid"]] = (failures, now + at)
    rig.pods(pending=data["pending"], active=data["active"], succeeded=data["succeeded"], failed=data["failed"],
             terminating=data["terminating"], ready=data["ready"])
    for index, phase in data["indexed"]:
        rig.pod(phase, index=index)
    if data["pod_limit"]:
        rig.limit_pod_creations(data["pod_limit"])
    out = rig.sync()
    assert len(out.created) == data["creations"]
    if data["pod_limit"]:  # slow start: no more create calls than the batches up to the limit (1, 2, 4, ...)
        batches, size = 0, 1
        while batches <= data["pod_limit"]:
            batches, size = batches + size, size * 2
        assert rig.create_calls <= batches
    if data["mode"] == "Indexed":
        assert out.created_indexes("noIndexLabel" not in data["gates"]) == sorted(data["created_indexes"])
    assert len(out.deleted) == data["deletions"]
    assert out.count("active") == data["e_active"]
    assert out.count("ready") == data["e_ready"]
    assert out.count("succeeded") == data["e_succeeded"]
    assert out.status.get("completedIndexes", "") == data["e_completed"]
    assert out.count("failed") == data["e_failed"]
    if "replacement" in data["gates"]:
        assert out.count("terminating") == (data["e_terminating"] or 0)
    assert bool(out.status.get("startTime")) is not data["suspend"]
    assert out.conditions() == as_v135(data["conditions"], data["gates"], data["deletions"] > 0)


F_DEADLINE = "TestSyncJobPastDeadline"
DEADLINE = ("DeadlineExceeded", "Job was active longer than specified deadline")


def deadline(name: str, parallelism: int, completions: int, active_deadline: int, start_ago: int, backoff: int = 0,
             *, suspend: bool = False, active: int = 0, succeeded: int = 0, failed: int = 0, deletions: int = 0,
             e_active: int = 0, e_succeeded: int = 0, e_failed: int = 0, conditions: tuple = (), gates: tuple = (),
             **reason: str) -> object:
    """One entry of TestSyncJobPastDeadline's testCases (``start_ago``: status.startTime, seconds ago)."""
    return case(F_DEADLINE, name, **reason, parallelism=parallelism, completions=completions,
                active_deadline=active_deadline, start_ago=start_ago, backoff=backoff, suspend=suspend,
                active=active, succeeded=succeeded, failed=failed, deletions=deletions, e_active=e_active,
                e_succeeded=e_succeeded, e_failed=e_failed, conditions=list(conditions), gates=set(gates))


DEADLINE_CASES = [
    deadline("activeDeadlineSeconds less than single pod execution", 1, 1, 10, 15, 6, active=1, deletions=1,
             e_failed=1, conditions=[cond("Failed", "True", *DEADLINE)]),
    deadline("activeDeadlineSeconds bigger than single pod execution", 1, 2, 10, 15, 6, active=1, succeeded=1,
             deletions=1, e_succeeded=1, e_failed=1, conditions=[cond("Failed", "True", *DEADLINE)]),
    deadline("activeDeadlineSeconds times-out before any pod starts", 1, 1, 10, 10, 6,
             conditions=[cond("Failed", "True", *DEADLINE)]),
    deadline("activeDeadlineSeconds with backofflimit reach", 1, 1, 1, 10, failed=1, e_failed=1,
             conditions=[cond("Failed", "True", *BACKOFF)]),
    deadline("activeDeadlineSeconds is not triggered when Job is suspended", 1, 2, 10, 15, 6, suspend=True,
             conditions=[SUSPENDED]),
    deadline("activeDeadlineSeconds exceeded; JobPodReplacementPolicy enabled", 1, 2, 10, 15, 6, gates=REPL,
             active=1, succeeded=1, deletions=1, e_succeeded=1, e_failed=1,
             conditions=[cond("FailureTarget", "True", *DEADLINE)]),
    deadline("activeDeadlineSeconds exceeded; JobManagedBy enabled", 1, 2, 10, 15, 6, gates=("managedBy",),
             active=1, succeeded=1, deletions=1, e_succeeded=1, e_failed=1,
             conditions=[cond("FailureTarget", "True", *DEADLINE)]),
    deadline("activeDeadlineSeconds exceeded and backofflimit reached; JobManagedBy enabled", 1, 1, 1, 10,
             gates=("managedBy",), failed=1, e_failed=1,
             conditions=[cond("FailureTarget", "True", *BACKOFF), cond("Failed", "True", *BACKOFF)]),
]


@pytest.mark.parametrize("data", DEADLINE_CASES)
def test_sync_job_past_deadline(data: dict) -> None:
    from kspec.objects import timestamp

    rig = Rig(now_ms=60_000)
    now = rig.c.clock.now
    rig.put_job({"parallelism": data["parallelism"], "completions": data["completions"],
                 "backoffLimit": data["backoff"], "suspend": data["suspend"],
                 "activeDeadlineSeconds": data["active_deadline"]},
                {"startTime": timestamp(now - data["start_ago"] * 1000)})
    rig.pods(active=data["active"], succeeded=data["succeeded"], failed=data["failed"])
    out = rig.sync()
    assert out.created == []
    assert len(out.deleted) == data["deletions"]
    assert out.count("active") == data["e_active"]
    assert out.count("succeeded") == data["e_succeeded"]
    assert out.count("failed") == data["e_failed"]
    assert out.status.get("startTime")
    assert out.conditions() == as_v135(data["conditions"], data["gates"], data["deletions"] > 0)


@pytest.mark.parametrize("data", [case("TestSingleJobFailedCondition", "")])
def test_single_job_failed_condition(data: dict) -> None:
    """A Failed=False condition already there is turned True (ensureJobConditionStatus), not duplicated."""
    from kspec.objects import timestamp

    rig = Rig(now_ms=60_000)
    now = rig.c.clock.now
    rig.put_job({"parallelism": 1, "completions": 1, "backoffLimit": 6, "activeDeadlineSeconds": 10},
                {"startTime": timestamp(now - 15_000),
                 "conditions": [{"type": "Failed", "status": "False", "reason": DEADLINE[0], "message": DEADLINE[1],
                                 "lastProbeTime": timestamp(now), "lastTransitionTime": timestamp(now)}]})
    out = rig.sync()
    assert out.deleted == []
    failed = [c for c in out.conditions() if c[0] == "Failed"]
    assert len(failed) == 1 and failed[0][1] == "True"


@pytest.mark.parametrize("data", [case("TestSyncJobComplete", "")])
def test_sync_job_complete(data: dict) -> None:
    """Syncing a complete Job leaves its conditions as they are."""
    from kspec.objects import timestamp

    rig = Rig()
    rig.put_job({"parallelism": 1, "completions": 1, "backoffLimit": 6},
                {"conditions": [{"type": "Complete", "status": "True", "lastProbeTime": timestamp(0),
                                 "lastTransitionTime": timestamp(0)}]})
    out = rig.sync()
    assert len(out.conditions()) == 1


@pytest.mark.parametrize("data", [case("TestSyncJobDeleted", "")])
def test_sync_job_deleted(data: dict) -> None:
    """A Job the API no longer has: no pods created or deleted, no error."""
    rig = Rig()
    before = len(rig.c.api.store.list("pods", "default"))
    rig.ctrl.reconcile("default/foobar")
    assert len(rig.c.api.store.list("pods", "default")) == before


PAST = [case("TestPastDeadlineJobFinished", "New job created without start time being set", start=False),
        case("TestPastDeadlineJobFinished", "New job created with start time being set", start=True)]


@pytest.mark.parametrize("data", PAST)
def test_past_deadline_job_finished(data: dict) -> None:
    """The running controller sets startTime, then fails the Job with DeadlineExceeded, not before the deadline."""
    from kspec.objects import parse_timestamp, timestamp

    c = Cluster(nodes=0)
    c.start()
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "job1", "namespace": "default"},
           "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 6, "activeDeadlineSeconds": 1,
                    "template": {"spec": {"restartPolicy": "Never",
                                          "containers": [{"name": "c", "image": "foo/bar"}]}}}}
    made = c.api.create(job)
    if data["start"]:
        c.api.update_status({**made, "status": {"startTime": timestamp(c.clock.now)}})
    c.run_for(100)
    started = c.api.get("jobs", "job1")["status"].get("startTime")
    assert started
    for _ in range(30):
        got = c.api.get("jobs", "job1")
        failed = [x for x in got["status"].get("conditions") or []
                  if x["type"] == "Failed" and x["status"] == "True" and x.get("reason") == "DeadlineExceeded"]
        if failed:
            assert c.clock.now - parse_timestamp(got["status"]["startTime"]) >= 1000
            return
        c.run_for(100)
    raise AssertionError(got["status"])


F_PFP = "TestSyncJobWithJobPodFailurePolicy"
ZERO = "0001-01-01T00:00:00Z"  # podBuilder leaves creationTimestamp zero: long ago, for getFinishedTime


def exit_code(code: int, name: str = "", finished: bool = False) -> dict:
    """A container status terminated with ``code`` (finishedAt testFinishedAt when ``finished``)."""
    term: dict = {"exitCode": code}
    if finished:
        term["finishedAt"] = "0001-01-01T00:00:01Z"
    return {"name": name, "state": {"terminated": term}}


def pfp_pod(phase: str, *containers: dict, init: tuple = (), conditions: tuple = (), deleting: bool = False) -> dict:
    status: dict = {}
    if containers:
        status["containerStatuses"] = list(containers)
    if init:
        status["initContainerStatuses"] = list(init)
    if conditions:
        status["conditions"] = [{"type": t, "status": "True"} for t in conditions]
    return {"phase": phase, "status": status, "deleting": deleting}


def rule(action: str, op: str = "In", values: tuple = (), container: str | None = None,
         condition: str | None = None) -> dict:
    if condition:
        return {"action": action, "onPodConditions": [{"type": condition, "status": "True"}]}
    req: dict = {"operator": op, "values": list(values)}
    if container:
        req["containerName"] = container
    return {"action": action, "onExitCodes": req}


ON_EXIT = [rule("Ignore", values=(1, 2, 3)), rule("FailJob", values=(5, 6, 7))]
PFP = "PodFailurePolicy"


def fj(pod: str, code: int, index: int, container: str = "main-container") -> str:
    return (f"Container {container} for pod default/{pod} failed with exit code {code} matching FailJob rule at "
            f"index {index}")


def pfp_failed(message: str, reason: str = PFP) -> list:
    return [cond("FailureTarget", "True", reason, message), cond("Failed", "True", reason, message)]


def pfp(name: str, rules: list, pods: list, *, parallelism: int = 1, completions: int | None = 1, backoff: int = 6,
        mode: str | None = None, initial: list | None = None, conditions: list | None = None, active: int = 0,
        failed: int = 0, gates: tuple = (), **reason: str) -> object:
    """One entry of TestSyncJobWithJobPodFailurePolicy's testCases (pods named mypod-<i>)."""
    return case(F_PFP, name, **reason, rules=rules, pods=pods, parallelism=parallelism, completions=completions,
                backoff=backoff, mode=mode, initial=initial or [], conditions=conditions or [], active=active,
                failed=failed, gates=set(gates))


MAIN5 = exit_code(5, "main-container")
PFP_CASES = [
    pfp("default handling for pod failure if the container matching the exit codes does not match the containerName "
        "restriction", [rule("Ignore", values=(1, 2, 3), container="main-container"),
                        rule("FailJob", values=(5, 6, 7), container="main-container")],
        [pfp_pod("Failed", exit_code(5, "monitoring-container"), exit_code(42, "main-container", True))],
        active=1, failed=1),
    pfp("running pod should not result in job fail based on OnExitCodes", ON_EXIT, [pfp_pod("Running", MAIN5)],
        active=1),
    pfp("fail job based on OnExitCodes", ON_EXIT, [pfp_pod("Failed", MAIN5)],
        conditions=pfp_failed(fj("mypod-0", 5, 1)), failed=1),
    pfp("job marked already as failure target with failed pod", ON_EXIT, [pfp_pod("Failed", MAIN5)],
        initial=[cond("FailureTarget", "True", PFP, fj("mypod-0", 5, 1))],
        conditions=pfp_failed(fj("mypod-0", 5, 1)), failed=1),
    pfp("job marked already as failure target with failed pod, message based on already deleted pod", ON_EXIT,
        [pfp_pod("Failed", MAIN5)], initial=[cond("FailureTarget", "True", PFP, fj("already-deleted-pod", 5, 1))],
        conditions=pfp_failed(fj("already-deleted-pod", 5, 1)), failed=1),
    pfp("fail job with multiple pods", ON_EXIT, [pfp_pod("Running"), pfp_pod("Failed", MAIN5)], parallelism=2,
        completions=2, conditions=pfp_failed(fj("mypod-1", 5, 1)), failed=2),
    pfp("fail job with multiple pods; JobManagedBy enabled delays setting terminal condition", ON_EXIT,
        [pfp_pod("Running"), pfp_pod("Failed", MAIN5)], parallelism=2, completions=2, gates=("managedBy",),
        conditions=pfp_failed(fj("mypod-1", 5, 1))[:1], failed=2),
    pfp("fail indexed job based on OnExitCodes", ON_EXIT, [pfp_pod("Failed", MAIN5)], mode="Indexed",
        conditions=pfp_failed(fj("mypod-0", 5, 1)), failed=1),
    pfp("fail job based on OnExitCodes with NotIn operator", [rule("FailJob", "NotIn", (5, 6, 7))],
        [pfp_pod("Failed", exit_code(42, "main-container"))], conditions=pfp_failed(fj("mypod-0", 42, 0)),
        failed=1),
    pfp("default handling job based on OnExitCodes with NotIn operator", [rule("FailJob", "NotIn", (5, 6, 7))],
        [pfp_pod("Failed", exit_code(5, "main-container", True))], active=1, failed=1),
    pfp("fail job based on OnExitCodes for InitContainer", ON_EXIT,
        [pfp_pod("Failed", exit_code(143, "main-container"), init=(exit_code(5, "init-container"),))],
        conditions=pfp_failed(fj("mypod-0", 5, 1, "init-container")), failed=1),
    pfp("ignore pod failure; both rules are matching, the first is executed only", ON_EXIT,
        [pfp_pod("Failed", exit_code(2, "container1"), exit_code(6, "container2"))], backoff=0, active=1),
    pfp("ignore pod failure based on OnExitCodes", ON_EXIT, [pfp_pod("Failed", exit_code(1))], backoff=0, active=1),
    pfp("default job based on OnExitCodes", ON_EXIT, [pfp_pod("Failed", exit_code(10))], backoff=0,
        conditions=[cond("Failed", "True", *BACKOFF)], failed=1),
    pfp("default job based on OnExitCodes; JobManagedBy enabled triggers adding interim condition", ON_EXIT,
        [pfp_pod("Failed", exit_code(10))], backoff=0, gates=("managedBy",),
        conditions=[cond("FailureTarget", "True", *BACKOFF), cond("Failed", "True", *BACKOFF)], failed=1),
    pfp("count pod failure based on OnExitCodes; both rules are matching, the first is executed only",
        [rule("Count", values=(1, 2)), rule("Ignore", values=(2, 3))],
        [pfp_pod("Failed", exit_code(2, finished=True))], active=1, failed=1),
    pfp("count pod failure based on OnPodConditions; both rules are matching, the first is executed only",
        [rule("Count", condition="ResourceLimitExceeded"), rule("Ignore", condition="DisruptionTarget")],
        [pfp_pod("Failed", exit_code(0, finished=True), conditions=("ResourceLimitExceeded", "DisruptionTarget"))],
        active=1, failed=1),
    pfp("ignore pod failure based on OnPodConditions", [rule("Ignore", condition="DisruptionTarget")],
        [pfp_pod("Failed", conditions=("DisruptionTarget",))], backoff=0, active=1),
    pfp("ignore pod failure based on OnPodConditions, ignored failures delays pod recreation",
        [rule("Ignore", condition="DisruptionTarget")],
        [pfp_pod("Failed", conditions=("DisruptionTarget",), deleting=True)], backoff=0),
    pfp("fail job based on OnPodConditions", [rule("FailJob", condition="DisruptionTarget")],
        [pfp_pod("Failed", conditions=("DisruptionTarget",))],
        conditions=pfp_failed("Pod default/mypod-0 has condition DisruptionTarget matching FailJob rule at index 0"),
        failed=1),
    pfp("terminating Pod not considered failed when JobPodFailurePolicy is enabled and used",
        [rule("Count", condition="DisruptionTarget")], [pfp_pod("", deleting=True)], completions=None, backoff=0),
]


@pytest.mark.parametrize("data", PFP_CASES)
def test_sync_job_with_job_pod_failure_policy(data: dict) -> None:
    from kspec.objects import timestamp

    rig = Rig()
    now = rig.c.clock.now
    spec: dict = {"parallelism": data["parallelism"], "backoffLimit": data["backoff"],
                  "podFailurePolicy": {"rules": data["rules"]}, "podReplacementPolicy": "Failed"}
    if data["completions"] is not None:
        spec["completions"] = data["completions"]
    if data["mode"]:
        spec["completionMode"] = data["mode"]
    status = None
    if data["initial"]:
        status = {"conditions": [{"type": t, "status": s, "reason": r, "message": m, "lastProbeTime": timestamp(now),
                                  "lastTransitionTime": timestamp(now)} for t, s, r, m in data["initial"]]}
    rig.put_job(spec, status)
    for i, p in enumerate(data["pods"]):
        rig.pod(p["phase"], name=f"mypod-{i}", index=str(i) if data["mode"] else None, status=p["status"],
                finished=False, created=ZERO)
        if p["deleting"]:
            live = rig.c.api.store.get("pods", "default", f"mypod-{i}")
            live["metadata"]["deletionTimestamp"] = timestamp(now)
            rig.ctrl.pods.observe(rig.c.api.store.update("pods", live, live["metadata"]["resourceVersion"]))
    out = rig.sync()
    running = any(p["phase"] in (R, P) and not p["deleting"] for p in data["pods"])
    assert out.conditions() == as_v135(data["conditions"], data["gates"], running)
    assert out.count("active") == data["active"]
    assert out.count("succeeded") == 0
    assert out.count("failed") == data["failed"]


def bpod(index: str, phase: str, count: str | None = None, *, status: dict | None = None,
         counted: bool = False) -> dict:
    """buildPod().index(i).phase(p).indexFailureCount(c); ``counted``: built without trackingFinalizer()."""
    return {"index": index, "phase": phase, "count": count, "status": status or {}, "counted": counted}


def want(*, active: int = 0, failed: int = 0, succeeded: int = 0, terminating: int | None = None,
         completed: str = "", failed_indexes: str | None = None, conditions: tuple = ()) -> dict:
    """The fields of the wanted JobStatus (StartTime, CompletionTime and Ready ignored, as upstream)."""
    return {"active": active, "failed": failed, "succeeded": succeeded, "terminating": terminating,
            "completed": completed, "failed_indexes": failed_indexes, "conditions": list(conditions)}


MAX32 = 2**31 - 1
PI = ("perIndex",)
PI_REPL = ("perIndex", "replacement")
PI_MANAGED = ("perIndex", "managedBy")
F_SP = "TestSyncJobWithJobSuccessPolicy"
F_BLPI = "TestSyncJobWithJobBackoffLimitPerIndex"


def jspec(parallelism: int, completions: int, backoff: int = MAX32, *, per_index: int | None = None,
          max_failed: int | None = None, success: list | None = None, rules: list | None = None) -> dict:
    spec: dict = {"completionMode": "Indexed", "parallelism": parallelism, "completions": completions,
                  "backoffLimit": backoff}
    if per_index is not None:
        spec["backoffLimitPerIndex"] = per_index
    if max_failed is not None:
        spec["maxFailedIndexes"] = max_failed
    if success is not None:
        spec["successPolicy"] = {"rules": success}
    if rules is not None:
        spec["podFailurePolicy"] = {"rules": rules}
    return spec


def sp_rule(indexes: str | None = None, count: int | None = None) -> dict:
    out: dict = {}
    if indexes is not None:
        out["succeededIndexes"] = indexes
    if count is not None:
        out["succeededCount"] = count
    return out


SP = ("SuccessPolicy", "Matched rules at index 0")
REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")
FAILED_IX = ("FailedIndexes", "Job has failed indexes")
MAX_IX = ("MaxFailedIndexesExceeded", "Job has exceeded the specified maximal number of failed indexes")
SP01 = [sp_rule("0,1", 1)]
DISRUPTION_FAILJOB = [{"action": "FailJob", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}]
DISRUPTED = {"conditions": [{"type": "DisruptionTarget", "status": "True"}]}
DISRUPTION_MSG = "Pod default/mypod-0 has condition DisruptionTarget matching FailJob rule at index 0"


def both(ctype: str, reason: tuple) -> tuple:
    final = {"SuccessCriteriaMet": "Complete", "FailureTarget": "Failed"}[ctype]
    return (cond(ctype, "True", *reason), cond(final, "True", *reason))


def st(func: str, name: str, spec: dict, pods: list, wanted: dict, *, initial: dict | None = None,
       gates: tuple = (), **reason: str) -> object:
    return case(func, name, **reason, spec=spec, pods=pods, want=wanted, initial=initial or {}, gates=set(gates))


SP_CASES = [
    st(F_SP, "job with successPolicy; jobPodReplacementPolicy feature enabled; job has SuccessCriteriaMet condition "
       "if job meets to successPolicy and some indexes fail", jspec(3, 3, success=SP01),
       [bpod("0", FL), bpod("0", R), bpod("1", S), bpod("2", R)],
       want(failed=1, succeeded=1, terminating=2, completed="1", conditions=both("SuccessCriteriaMet", SP)[:1]),
       gates=REPL),
    st(F_SP, "job with successPolicy; jobPodReplacementPolicy feature disabled; job has SuccessCriteriaMet condition "
       "if job meets to successPolicy and some indexes fail", jspec(3, 3, success=SP01),
       [bpod("0", FL), bpod("0", R), bpod("1", S), bpod("2", R)],
       want(failed=1, succeeded=1, completed="1", conditions=both("SuccessCriteriaMet", SP))),
    st(F_SP, "job with podFailurePolicy and successPolicy; jobPodReplacementPolicy feature enabled; job has "
       "SuccessCriteriaMet condition if job meets to successPolicy and doesn't meet to podFailurePolicy",
       jspec(2, 2, success=SP01, rules=DISRUPTION_FAILJOB), [bpod("0", FL), bpod("0", R), bpod("1", S)],
       want(failed=1, succeeded=1, terminating=1, completed="1", conditions=both("SuccessCriteriaMet", SP)[:1]),
       gates=REPL),
    st(F_SP, "job with podFailurePolicy and successPolicy; jobPodReplacementPolicy feature disabled; job has "
       "SuccessCriteriaMet condition if job meets to successPolicy and doesn't meet to podFailurePolicy",
       jspec(2, 2, success=SP01, rules=DISRUPTION_FAILJOB), [bpod("0", FL), bpod("0", R), bpod("1", S)],
       want(failed=1, succeeded=1, completed="1", conditions=both("SuccessCriteriaMet", SP))),
    st(F_SP, "job with backoffLimitPerIndex and successPolicy; jobPodReplacementPolicy feature enabled; job has "
       "SuccessCriteriaMet condition if job meets to successPolicy and doesn't meet backoffLimitPerIndex",
       jspec(2, 2, per_index=2, success=SP01), [bpod("0", FL), bpod("0", R), bpod("1", S)],
       want(failed=1, succeeded=1, terminating=1, completed="1", failed_indexes="",
            conditions=both("SuccessCriteriaMet", SP)[:1]), gates=PI_REPL),
    st(F_SP, "job with successPolicy; jobPodReplacementPolicy feature enabled; job has both Complete and "
       "SuccessCriteriaMet condition when job meets to successPolicy and all pods have been already removed",
       jspec(2, 2, per_index=2, success=SP01), [bpod("0", FL), bpod("1", S)],
       want(failed=1, succeeded=1, terminating=0, completed="1", conditions=both("SuccessCriteriaMet", SP)),
       initial={"conditions": [cond("SuccessCriteriaMet", "True", *SP)]}, gates=REPL),
    st(F_SP, "job with successPolicy; jobPodReplacementPolicy feature enabled; job has SuccessCriteriaMet condition "
       "when job meets to successPolicy and some pods still are running", jspec(3, 3, per_index=3, success=SP01),
       [bpod("0", FL), bpod("1", R), bpod("1", S), bpod("2", R)],
       want(failed=1, succeeded=1, terminating=2, completed="1", conditions=both("SuccessCriteriaMet", SP)[:1]),
       initial={"conditions": [cond("SuccessCriteriaMet", "True", *SP)]}, gates=REPL),
    st(F_SP, "job with successPolicy; JobManagedBy feature enabled; job has SuccessCriteriaMet condition when job "
       "meets to successPolicy and some pods still are running", jspec(3, 3, per_index=3, success=SP01),
       [bpod("0", FL), bpod("1", R), bpod("1", S), bpod("2", R)],
       want(failed=1, succeeded=1, completed="1", conditions=both("SuccessCriteriaMet", SP)[:1]),
       initial={"conditions": [cond("SuccessCriteriaMet", "True", *SP)]}, gates=("managedBy",)),
    st(F_SP, "job with successPolicy and podFailurePolicy; jobPodReplacementPolicy feature enabled; job has a failed "
       "condition when job meets to both successPolicy and podFailurePolicy",
       jspec(2, 2, success=SP01, rules=DISRUPTION_FAILJOB),
       [bpod("0", FL, status=DISRUPTED), bpod("0", R), bpod("1", S)],
       want(failed=2, succeeded=1, terminating=1, completed="1",
            conditions=both("FailureTarget", ("PodFailurePolicy", DISRUPTION_MSG))[:1]), gates=REPL),
    st(F_SP, "job with successPolicy and backoffLimitPerIndex; jobPodReplacementPolicy feature enabled; job has a "
       "failed condition when job meets to both successPolicy and backoffLimitPerIndex",
       jspec(2, 2, per_index=1, success=SP01), [bpod("0", FL, "1"), bpod("1", S)],
       want(failed=1, succeeded=1, terminating=0, completed="1", failed_indexes="0",
            conditions=both("FailureTarget", FAILED_IX)), gates=PI_REPL),
    st(F_SP, "job with successPolicy and backoffLimit; jobPodReplacementPolicy feature enabled; job has a failed "
       "condition when job meets to both successPolicy and backoffLimit", jspec(2, 2, 1, success=SP01),
       [bpod("0", FL), bpod("0", FL), bpod("1", S)],
       want(failed=2, succeeded=1, terminating=0, completed="1", conditions=both("FailureTarget", BACKOFF)),
       gates=REPL),
    st(F_SP, "job with successPolicy and podFailurePolicy; jobPodReplacementPolicy feature enabled; job with "
       "SuccessCriteriaMet has never been transitioned to FailureTarget and Failed even if job meets "
       "podFailurePolicy", jspec(2, 2, success=[sp_rule(count=1)], rules=DISRUPTION_FAILJOB),
       [bpod("0", FL, status=DISRUPTED), bpod("1", S)],
       want(failed=1, succeeded=1, terminating=0, completed="1", conditions=both("SuccessCriteriaMet", SP)),
       initial={"succeeded": 1, "completedIndexes": "1", "conditions": [cond("SuccessCriteriaMet", "True", *SP)]},
       gates=REPL),
    st(F_SP, "job with successPolicy and backoffLimitPerIndex; jobPodReplacementPolicy feature enabled; job with "
       "SuccessCriteriaMet has never been transitioned to FailureTarget and Failed even if job meet "
       "backoffLimitPerIndex", jspec(2, 2, per_index=1, success=[sp_rule("1")]),
       [bpod("0", FL, "1"), bpod("1", S)],
       want(failed=1, succeeded=1, terminating=0, completed="1", failed_indexes="0",
            conditions=both("SuccessCriteriaMet", SP)),
       initial={"succeeded": 1, "completedIndexes": "1", "conditions": [cond("SuccessCriteriaMet", "True", *SP)]},
       gates=PI_REPL),
    st(F_SP, "job with successPolicy and backoffLimit; jobPodReplacementPolicy feature enabled; job with "
       "SuccessCriteriaMet has never been transitioned to FailureTarget and Failed even if job meets backoffLimit",
       jspec(2, 2, 1, success=SP01), [bpod("0", FL), bpod("1", S)],
       want(failed=1, succeeded=1, terminating=0, completed="1", conditions=both("SuccessCriteriaMet", SP)),
       initial={"succeeded": 1, "completedIndexes": "1", "conditions": [cond("SuccessCriteriaMet", "True", *SP)]},
       gates=REPL),
    st(F_SP, "job with successPolicy and podFailureTarget; jobPodReplacementPolicy feature enabled; job with "
       "FailureTarget has never been transitioned to SuccessCriteriaMet even if job meets successPolicy",
       jspec(2, 2, success=SP01, rules=DISRUPTION_FAILJOB),
       [bpod("0", FL, status=DISRUPTED, counted=True), bpod("1", S)],
       want(failed=1, succeeded=1, terminating=0, completed="1",
            conditions=both("FailureTarget", ("PodFailurePolicy", DISRUPTION_MSG))),
       initial={"failed": 1, "completedIndexes": "1",
                "conditions": [cond("FailureTarget", "True", "PodFailurePolicy", DISRUPTION_MSG)]}, gates=REPL),
    st(F_SP, "job without successPolicy; jobSuccessPolicy is enabled; job got SuccessCriteriaMet and Completion with "
       "CompletionsReached reason conditions", jspec(1, 1), [bpod("0", S)],
       want(succeeded=1, completed="0", conditions=both("SuccessCriteriaMet", REACHED)),
       gates=("managedBy", "success")),
    st(F_SP, "when the JobSuccessPolicy is disabled, the Job never got SuccessCriteriaMet condition even if the Job "
       "has the successPolicy field", jspec(3, 3, success=SP01), [bpod("0", R), bpod("1", S), bpod("2", R)],
       want(active=2, succeeded=1, completed="1"),
       unmodelled="JobSuccessPolicy off: the gate is GA and locked on in v1.35"),
]

BLPI_CASES = [
    st(F_BLPI, "successful job after a single failure within index", jspec(2, 2, per_index=1),
       [bpod("0", FL, "0"), bpod("0", S, "1"), bpod("1", S, "0")],
       want(failed=1, succeeded=2, terminating=0, completed="0,1", failed_indexes="",
            conditions=both("SuccessCriteriaMet", REACHED)), gates=PI_REPL),
    st(F_BLPI, "single failed pod, not counted as the replacement pod creation is delayed", jspec(2, 2, per_index=1),
       [bpod("0", FL, "0")], want(active=2, terminating=0, failed_indexes=""), gates=PI_REPL),
    st(F_BLPI, "single failed pod replaced already", jspec(2, 2, per_index=1), [bpod("0", FL, "0"), bpod("0", P, "1")],
       want(active=2, failed=1, terminating=0, failed_indexes=""), gates=PI_REPL),
    st(F_BLPI, "single failed index due to exceeding the backoff limit per index, the job continues",
       jspec(2, 2, per_index=1), [bpod("0", FL, "1")],
       want(active=1, failed=1, failed_indexes="0", terminating=0), gates=PI_REPL),
    st(F_BLPI, "single failed index due to FailIndex action, the job continues",
       jspec(2, 2, per_index=1, rules=[rule("FailIndex", values=(3,))]),
       [bpod("0", FL, "0", status={"containerStatuses": [exit_code(3)]})],
       want(active=1, failed=1, failed_indexes="0", terminating=0), gates=PI_REPL),
    st(F_BLPI, "job failed index due to FailJob action",
       jspec(2, 2, 6, per_index=1, rules=[rule("FailJob", values=(3,))]),
       [bpod("0", FL, "0", status={"containerStatuses": [exit_code(3, "x")]})],
       want(failed=1, failed_indexes="", terminating=0,
            conditions=both("FailureTarget", ("PodFailurePolicy", fj("mypod-0", 3, 0, "x")))), gates=PI_REPL),
    st(F_BLPI, "job pod failure ignored due to matching Ignore action",
       jspec(2, 2, 6, per_index=1, rules=[rule("Ignore", values=(3,))]),
       [bpod("0", FL, "0", status={"containerStatuses": [exit_code(3, "x")]})],
       want(active=2, failed_indexes="", terminating=0), gates=PI_REPL),
    st(F_BLPI, "job failed due to exceeding backoffLimit before backoffLimitPerIndex", jspec(2, 2, 1, per_index=1),
       [bpod("0", FL, "0"), bpod("1", FL, "0")],
       want(failed=2, failed_indexes="", terminating=0, conditions=both("FailureTarget", BACKOFF)), gates=PI_REPL),
    st(F_BLPI, "job failed due to failed indexes", jspec(2, 2, per_index=1), [bpod("0", FL, "1"), bpod("1", S, "0")],
       want(failed=1, succeeded=1, terminating=0, failed_indexes="0", completed="1",
            conditions=both("FailureTarget", FAILED_IX)), gates=PI_REPL),
    st(F_BLPI, "job failed due to exceeding max failed indexes", jspec(4, 4, per_index=1, max_failed=1),
       [bpod("0", FL, "1"), bpod("1", S, "0"), bpod("2", FL, "1"), bpod("3", R, "0")],
       want(failed=3, succeeded=1, terminating=1, failed_indexes="0,2", completed="1",
            conditions=both("FailureTarget", MAX_IX)[:1]), gates=PI_REPL),
    st(F_BLPI, "job with finished indexes; failedIndexes are cleaned when JobBackoffLimitPerIndex disabled",
       jspec(3, 3, per_index=1), [bpod("2", P, "1")], want(active=2, succeeded=1, terminating=0, completed="1"),
       initial={"failedIndexes": "0", "completedIndexes": "1"}, gates=REPL,
       unmodelled="JobBackoffLimitPerIndex off: the gate is GA and locked on in v1.35"),
    st(F_BLPI, "job failed due to failed indexes; JobPodReplacementPolicy and JobManagedBy disabled",
       jspec(2, 2, per_index=1), [bpod("0", FL, "1"), bpod("1", S, "0")],
       want(failed=1, succeeded=1, failed_indexes="0", completed="1", conditions=[cond("Failed", "True", *FAILED_IX)]),
       gates=PI),
    st(F_BLPI, "job failed due to failed indexes; JobManagedBy enabled", jspec(2, 2, per_index=1),
       [bpod("0", FL, "1"), bpod("1", S, "0")],
       want(failed=1, succeeded=1, failed_indexes="0", completed="1", conditions=both("FailureTarget", FAILED_IX)),
       gates=PI_MANAGED),
    st(F_BLPI, "job failed due to exceeding max failed indexes; JobPodReplacementPolicy and JobManagedBy disabled",
       jspec(4, 4, per_index=1, max_failed=1),
       [bpod("0", FL, "1"), bpod("1", S, "0"), bpod("2", FL, "1"), bpod("3", R, "0")],
       want(failed=3, succeeded=1, failed_indexes="0,2", completed="1", conditions=[cond("Failed", "True", *MAX_IX)]),
       gates=PI),
    st(F_BLPI, "job failed due to exceeding max failed indexes; JobManagedBy enabled",
       jspec(4, 4, per_index=1, max_failed=1),
       [bpod("0", FL, "1"), bpod("1", S, "0"), bpod("2", FL, "1"), bpod("3", R, "0")],
       want(failed=3, succeeded=1, failed_indexes="0,2", completed="1", conditions=both("FailureTarget", MAX_IX)[:1]),
       gates=PI_MANAGED),
]


@pytest.mark.parametrize("data", SP_CASES + BLPI_CASES)
def test_sync_job_status(data: dict) -> None:
    """TestSyncJobWithJobSuccessPolicy and TestSyncJobWithJobBackoffLimitPerIndex: one sync, the whole status."""
    from kspec.controllers.indexed_job import FAILURE_COUNT_ANNOTATION
    from kspec.objects import timestamp

    rig = Rig()
    now = rig.c.clock.now
    status = dict(data["initial"])
    if status.get("conditions"):
        status["conditions"] = [{"type": t, "status": s, "reason": r, "message": m, "lastProbeTime": timestamp(now),
                                 "lastTransitionTime": timestamp(now)} for t, s, r, m in status["conditions"]]
    job = rig.put_job(dict(data["spec"]), status or None)
    for i, p in enumerate(data["pods"]):
        notes = {FAILURE_COUNT_ANNOTATION: p["count"]} if p["count"] is not None else None
        pod = rig.pod(p["phase"], name=f"mypod-{i}", index=p["index"], status=p["status"], annotations=notes,
                      finished=False, created=ZERO)
        if p["counted"]:  # no tracking finalizer: counted in an earlier sync
            rig.ctrl._counted.setdefault(job["metadata"]["uid"], set()).add(pod["metadata"]["uid"])
    out = rig.sync()
    w = data["want"]
    running = any(p["phase"] in (R, P) for p in data["pods"])
    assert out.conditions() == as_v135(w["conditions"], data["gates"], running)
    assert (out.count("active"), out.count("failed"), out.count("succeeded")) == (w["active"], w["failed"],
                                                                                  w["succeeded"])
    assert out.status.get("completedIndexes", "") == w["completed"]
    if "perIndex" in data["gates"]:  # with JobBackoffLimitPerIndex off upstream leaves failedIndexes nil
        assert out.status.get("failedIndexes") == w["failed_indexes"]
    if "replacement" in data["gates"]:
        assert out.count("terminating") == (w["terminating"] or 0)


F_ON_FAILURE = "TestJobBackoffForOnFailure"


def on_failure(name: str, parallelism: int, completions: int, backoff: int, restarts: list, phase: str, *,
               suspend: bool = False, e_active: int = 0, e_succeeded: int = 0, e_failed: int = 0,
               conditions: tuple = (), gates: tuple = (), **reason: str) -> object:
    return case(F_ON_FAILURE, name, **reason, parallelism=parallelism, completions=completions, backoff=backoff,
                restarts=restarts, phase=phase, suspend=suspend, e_active=e_active, e_succeeded=e_succeeded,
                e_failed=e_failed, conditions=list(conditions), gates=set(gates))


FAILED_BACKOFF = [cond("Failed", "True", *BACKOFF)]
FT_BACKOFF = [cond("FailureTarget", "True", *BACKOFF)]
ON_FAILURE_CASES = [
    on_failure("backoffLimit 0 should have 1 pod active", 1, 1, 0, [0], R, e_active=1),
    on_failure("backoffLimit 1 with restartCount 0 should have 1 pod active", 1, 1, 1, [0], R, e_active=1),
    on_failure("backoffLimit 1 with restartCount 1 and podRunning should have 0 pod active", 1, 1, 1, [1], R,
               e_failed=1, conditions=FAILED_BACKOFF),
    on_failure("backoffLimit 1 with restartCount 1 and podPending should have 0 pod active", 1, 1, 1, [1], P,
               e_failed=1, conditions=FAILED_BACKOFF),
    on_failure("too many job failures with podRunning - single pod", 1, 5, 2, [2], R, e_failed=1,
               conditions=FAILED_BACKOFF),
    on_failure("too many job failures with podPending - single pod", 1, 5, 2, [2], P, e_failed=1,
               conditions=FAILED_BACKOFF),
    on_failure("too many job failures with podRunning - multiple pods", 2, 5, 2, [1, 1], R, e_failed=2,
               conditions=FAILED_BACKOFF),
    on_failure("too many job failures with podPending - multiple pods", 2, 5, 2, [1, 1], P, e_failed=2,
               conditions=FAILED_BACKOFF),
    on_failure("not enough failures", 2, 5, 3, [1, 1], R, e_active=2),
    on_failure("suspending a job", 2, 4, 6, [1, 1], R, suspend=True, conditions=[SUSPENDED]),
    on_failure("finished job", 2, 4, 6, [1, 1, 2, 0], S, suspend=True, e_succeeded=4,
               conditions=[cond("Complete", "True", *REACHED)]),
    on_failure("finished job; JobPodReplacementPolicy enabled", 2, 4, 6, [1, 1, 2, 0], S, suspend=True,
               e_succeeded=4, conditions=both("SuccessCriteriaMet", REACHED), gates=REPL),
    on_failure("finished job; JobManagedBy enabled", 2, 4, 6, [1, 1, 2, 0], S, suspend=True, e_succeeded=4,
               conditions=both("SuccessCriteriaMet", REACHED), gates=("managedBy",)),
    on_failure("too many job failures with podRunning - multiple pods; JobPodReplacementPolicy enabled", 2, 5, 2,
               [1, 1], R, e_failed=2, conditions=FT_BACKOFF, gates=REPL),
    on_failure("too many job failures with podRunning - multiple pods; JobManagedBy enabled", 2, 5, 2, [1, 1], R,
               e_failed=2, conditions=FT_BACKOFF, gates=("managedBy",)),
]


@pytest.mark.parametrize("data", ON_FAILURE_CASES)
def test_job_backoff_for_on_failure(data: dict) -> None:
    """restartPolicy OnFailure: container restarts of running and pending pods count against backoffLimit."""
    rig = Rig()
    spec = {"parallelism": data["parallelism"], "completions": data["completions"], "backoffLimit": data["backoff"],
            "suspend": data["suspend"]}
    rig.put_job(spec)
    live = rig.c.api.store.get("jobs", "default", "foobar")
    live["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
    rig.job = rig.c.api.store.update("jobs", live, live["metadata"]["resourceVersion"])
    for n in data["restarts"]:
        rig.pod(data["phase"], status={"containerStatuses": [{"name": "c", "restartCount": n}]}, finished=False)
    out = rig.sync()
    assert out.count("active") == data["e_active"]
    assert out.count("succeeded") == data["e_succeeded"]
    assert out.count("failed") == data["e_failed"]
    assert out.conditions() == as_v135(data["conditions"], data["gates"], data["phase"] in (R, P))


F_NEVER = "TestJobBackoffOnRestartPolicyNever"
NEVER_CASES = [
    case(F_NEVER, "not enough failures with backoffLimit 0 - single pod", parallelism=1, completions=1, backoff=0,
         phase=R, active=1, failed=0, e_active=1, e_failed=0, conditions=[]),
    case(F_NEVER, "not enough failures with backoffLimit 1 - single pod", parallelism=1, completions=1, backoff=1,
         phase="", active=0, failed=1, e_active=1, e_failed=1, conditions=[]),
    case(F_NEVER, "too many failures with backoffLimit 1 - single pod", parallelism=1, completions=1, backoff=1,
         phase="", active=0, failed=2, e_active=0, e_failed=2, conditions=[*FT_BACKOFF, *FAILED_BACKOFF]),
    case(F_NEVER, "not enough failures with backoffLimit 6 - multiple pods", parallelism=2, completions=2, backoff=6,
         phase=R, active=1, failed=6, e_active=2, e_failed=6, conditions=[]),
    case(F_NEVER, "too many failures with backoffLimit 6 - multiple pods", parallelism=2, completions=2, backoff=6,
         phase="", active=0, failed=7, e_active=0, e_failed=7, conditions=[*FT_BACKOFF, *FAILED_BACKOFF]),
]


@pytest.mark.parametrize("data", NEVER_CASES)
def test_job_backoff_on_restart_policy_never(data: dict) -> None:
    rig = Rig()
    rig.put_job({"parallelism": data["parallelism"], "completions": data["completions"],
                 "backoffLimit": data["backoff"]})
    rig.pods(failed=data["failed"])
    for _ in range(data["active"]):
        rig.pod(data["phase"], status={"containerStatuses": [{"name": "c", "state": {"terminated": {
            "finishedAt": "0001-01-01T00:00:01Z"}}}]}, finished=False)
    out = rig.sync()
    assert out.count("active") == data["e_active"]
    assert out.count("succeeded") == 0
    assert out.count("failed") == data["e_failed"]
    assert out.conditions() == data["conditions"]


F_ENSURE = "TestEnsureJobConditions"
ENSURE_CASES = [
    case(F_ENSURE, "append true condition", have=[], want=("Suspended", "True", "foo"),
         expect=[("Suspended", "True", "foo")], update=True),
    case(F_ENSURE, "append false condition", have=[], want=("Suspended", "False", "foo"), expect=[], update=False),
    case(F_ENSURE, "update true condition reason", have=[("Suspended", "True", "foo")],
         want=("Suspended", "True", "bar"), expect=[("Suspended", "True", "bar")], update=True),
    case(F_ENSURE, "update true condition status", have=[("Suspended", "True", "foo")],
         want=("Suspended", "False", "foo"), expect=[("Suspended", "False", "foo")], update=True),
    case(F_ENSURE, "update false condition status", have=[("Suspended", "False", "foo")],
         want=("Suspended", "True", "foo"), expect=[("Suspended", "True", "foo")], update=True),
    case(F_ENSURE, "condition already exists", have=[("Suspended", "True", "foo")],
         want=("Suspended", "True", "foo"), expect=[("Suspended", "True", "foo")], update=False),
]


@pytest.mark.parametrize("data", ENSURE_CASES)
def test_ensure_job_conditions(data: dict) -> None:
    """ensureJobConditionStatus: add a True condition, replace a differing one, never add a False one."""
    from kspec.controllers.job import _ensure_condition

    status: dict = {"conditions": [{"type": t, "status": s, "reason": r, "message": ""} for t, s, r in data["have"]]}
    ctype, value, reason = data["want"]
    assert _ensure_condition(status, ctype, value, reason, "", 0) is data["update"]
    assert [(c["type"], c["status"], c["reason"]) for c in status["conditions"]] == data["expect"]


F_MANAGED = "TestSyncJobWhenManagedBy"
UNCHANGED = {"active": 1, "ready": 1}
UPDATED = {"active": 2, "ready": 0}
MANAGED_CASES = [
    case(F_MANAGED, "job with custom value of managedBy; feature enabled; the status is unchanged",
         managed_by="custom-managed-by", want=UNCHANGED),
    case(F_MANAGED, "job with well known value of the managedBy; feature enabled; the status is updated",
         managed_by="kubernetes.io/job-controller", want=UPDATED),
    case(F_MANAGED, "job with custom value of managedBy; feature disabled; the status is updated",
         managed_by="custom-managed-by", want=UPDATED,
         unmodelled="JobManagedBy off: the gate is GA and locked on in v1.35"),
    case(F_MANAGED, "job without the managedBy; feature enabled; the status is updated", managed_by=None,
         want=UPDATED),
]


@pytest.mark.parametrize("data", MANAGED_CASES)
def test_sync_job_when_managed_by(data: dict) -> None:
    """A Job another controller manages (spec.managedBy) is left alone; the test's Job has no selector, as the
    API server would have generated one, the adapter gives it ``foo=bar``."""
    from kspec.objects import timestamp

    rig = Rig()
    spec: dict = {"parallelism": 2, "completions": 2, "backoffLimit": 6}
    if data["managed_by"] is not None:
        spec["managedBy"] = data["managed_by"]
    start = timestamp(rig.c.clock.now)
    rig.put_job(spec, {"active": 1, "ready": 1, "startTime": start})
    out = rig.sync()
    assert {"active": out.count("active"), "ready": out.count("ready")} == data["want"]
    assert out.status["startTime"] == start
    assert len(out.created) == data["want"]["active"] - (1 if data["want"] is UNCHANGED else 0)


F_INDEPENDENT = "TestGetPodCreationInfoForIndependentIndexes"
BACKOFF_MS = 10_000  # DefaultJobPodFailureBackOff


def delayed(count: str, ago_ms: int) -> dict:
    """buildPod().indexFailureCount(c).customDeletionTimestamp(now - ago)."""
    from kspec.controllers.indexed_job import FAILURE_COUNT_ANNOTATION
    from kspec.objects import timestamp

    return {"metadata": {"annotations": {FAILURE_COUNT_ANNOTATION: count}, "deletionTimestamp": timestamp(-ago_ms)},
            "status": {}}


INDEPENDENT_CASES = [
    case(F_INDEPENDENT, "simple index creation", indexes=[1, 3], delayed={}, want=([1, 3], 0)),
    case(F_INDEPENDENT, "subset of indexes can be recreated now", indexes=[1, 3], delayed={1: delayed("0", 0)},
         want=([3], 0)),
    case(F_INDEPENDENT, "subset of indexes can be recreated now as the pods failed long time ago", indexes=[1, 3],
         delayed={1: delayed("0", 0), 3: delayed("0", BACKOFF_MS)}, want=([3], 0)),
    case(F_INDEPENDENT, "no indexes can be recreated now, need to wait default pod failure backoff",
         indexes=[1, 2, 3], delayed={1: delayed("1", 0), 2: delayed("0", 0), 3: delayed("2", 0)},
         want=([], BACKOFF_MS)),
    case(F_INDEPENDENT, "no indexes can be recreated now, need to wait but 1s already passed", indexes=[1, 2, 3],
         delayed={1: delayed("1", 1000), 2: delayed("0", 1000), 3: delayed("2", 1000)},
         want=([], BACKOFF_MS - 1000)),
]


@pytest.mark.parametrize("data", INDEPENDENT_CASES)
def test_get_pod_creation_info_for_independent_indexes(data: dict) -> None:
    from kspec.controllers.job import pod_creation_info_for_independent_indexes

    assert pod_creation_info_for_independent_indexes(data["indexes"], data["delayed"], 0) == data["want"]


F_GET_PODS = "TestGetPodsForJob"
GET_PODS_CASES = [
    case(F_GET_PODS, "only matching", deleting=False,
         pods=[("pod1", "job"), ("pod2", "other"), ("pod3", "bare"), ("pod4", "job")], want=["pod1", "pod4"]),
    case(F_GET_PODS, "adopt", deleting=False, pods=[("pod1", "job"), ("pod2", "orphan"), ("pod3", "other")],
         want=["pod1", "pod2"]),
    case(F_GET_PODS, "no adopt when deleting", deleting=True, pods=[("pod1", "job"), ("pod2", "orphan")],
         want=["pod1"]),
    case(F_GET_PODS, "no adopt when deleting race", deleting=True, pods=[("pod1", "job"), ("pod2", "orphan")],
         want=["pod1"]),
    case(F_GET_PODS, "release", deleting=False, pods=[("pod1", "job"), ("pod2", "unlabeled")], want=["pod1"]),
]


@pytest.mark.parametrize("data", GET_PODS_CASES)
def test_get_pods_for_job(data: dict) -> None:
    """getPodsForJob: the Job's own pods, matching orphans adopted (unless the Job is being deleted; kspec reads
    the Job from its one store, so the cache race of the upstream case cannot arise), unmatching ones released."""
    from kspec.controllers.controller_utils import claim, selector_of

    rig = Rig()
    other = rig.put_job({"parallelism": 1, "completions": 1, "backoffLimit": 6}, name="other-job")
    job = rig.put_job({"parallelism": 1, "completions": 1, "backoffLimit": 6}, deleting=data["deleting"],
                      name="test-job")
    for name, kind in data["pods"]:
        rig.job = other if kind == "other" else job
        pod = rig.pod("Running", name=name)
        live = rig.c.api.store.get("pods", "default", name)
        if kind in ("orphan", "bare"):
            live["metadata"].pop("ownerReferences")
        if kind in ("bare", "unlabeled"):
            live["metadata"]["labels"] = {}
        if kind in ("orphan", "bare", "unlabeled"):
            pod = rig.c.api.store.update("pods", live, live["metadata"]["resourceVersion"])
        rig.ctrl.pods.observe(pod)
    pods = claim(rig.ctrl, job, rig.ctrl.pods, selector_of(job))
    assert sorted(p["metadata"]["name"] for p in pods) == data["want"]


def _job_obj(name: str, ns: str, selector: dict | None) -> dict:
    spec: dict = {"template": {"metadata": {"labels": {"foo": "bar"}},
                               "spec": {"containers": [{"name": "c", "image": "foo/bar"}]}}}
    if selector is not None:
        spec["selector"] = selector
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": ns, "uid": f"{name}-uid"},
            "spec": spec}


LOOKUP = [
    case("TestJobPodLookup", "pods without labels don't match any job", job=("basic", "default", None),
         pod=("foo1", "default", {}), want=[]),
    case("TestJobPodLookup", "matching labels, different namespace",
         job=("foo", "default", {"matchLabels": {"foo": "bar"}}), pod=("foo2", "ns", {"foo": "bar"}), want=[]),
    case("TestJobPodLookup", "matching ns and labels returns",
         job=("bar", "ns", {"matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar"]}]}),
         pod=("foo3", "ns", {"foo": "bar"}), want=["bar"]),
]


@pytest.mark.parametrize("data", LOOKUP)
def test_job_pod_lookup(data: dict) -> None:
    """getPodJobs (the upstream table's cases are unnamed; their comments name them here)."""
    rig = Rig()
    name, ns, selector = data["job"]
    rig.c.api.store.create("jobs", _job_obj(name, ns, selector))
    pod_name, pod_ns, labels = data["pod"]
    pod = {"metadata": {"name": pod_name, "namespace": pod_ns, "labels": labels}}
    assert [j["metadata"]["name"] for j in rig.ctrl.pod_jobs(pod)] == data["want"]


def _event_rig(*extra: tuple[str, dict]) -> tuple:
    """job1 and job2 (newJob: selector foo=bar) and any extra Jobs; pod1 of job1, pod2 of job2 (newPod)."""
    rig = Rig()
    jobs = {}
    for name, selector in [("job1", {"matchLabels": {"foo": "bar"}}), ("job2", {"matchLabels": {"foo": "bar"}}),
                           *extra]:
        jobs[name] = rig.c.api.store.create("jobs", _job_obj(name, "default", selector))

    def pod(name: str, owner: str | None) -> dict:
        md: dict = {"name": name, "namespace": "default", "uid": name, "labels": {"foo": "bar"}, "resourceVersion": "1"}
        if owner:
            md["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": owner,
                                      "uid": jobs[owner]["metadata"]["uid"], "controller": True}]
        return {"metadata": md, "status": {"phase": "Running"}}
    return rig, pod


def _drain(rig: Rig) -> list[str]:
    """The keys queued since the last drain (the test's queue.Get calls)."""
    queue = rig.ctrl.queue
    keys = sorted(queue._queued)
    queue._queued.clear()
    queue._order.clear()
    return keys


@pytest.mark.parametrize("data", [case("TestAddPod", "")])
def test_add_pod(data: dict) -> None:
    rig, pod = _event_rig()
    rig.ctrl._pod_added(pod("pod1", "job1"))
    assert _drain(rig) == ["default/job1"]
    rig.ctrl._pod_added(pod("pod2", "job2"))
    assert _drain(rig) == ["default/job2"]


@pytest.mark.parametrize("data", [case("TestAddPodOrphan", "")])
def test_add_pod_orphan(data: dict) -> None:
    """An orphan queues every Job whose selector matches it (job3's does not)."""
    rig, pod = _event_rig(("job3", {"matchLabels": {"other": "labels"}}))
    rig.ctrl._pod_added(pod("pod1", None))
    assert _drain(rig) == ["default/job1", "default/job2"]


@pytest.mark.parametrize("data", [case("TestUpdatePod", "")])
def test_update_pod(data: dict) -> None:
    rig, pod = _event_rig()
    p1 = pod("pod1", "job1")
    rig.ctrl._pod_updated(p1, {**p1, "metadata": {**p1["metadata"], "resourceVersion": "2"}})
    assert _drain(rig) == ["default/job1"]
    p2 = pod("pod2", "job2")
    rig.ctrl._pod_updated(p2, {**p2, "metadata": {**p2["metadata"], "resourceVersion": "2"}})
    assert _drain(rig) == ["default/job2"]


@pytest.mark.parametrize("data", [case("TestUpdatePodOrphanWithNewLabels", "")])
def test_update_pod_orphan_with_new_labels(data: dict) -> None:
    rig, pod = _event_rig()
    cur = pod("pod1", None)
    prev = {**cur, "metadata": {**cur["metadata"], "labels": {"foo2": "bar2"}}}
    rig.ctrl._pod_updated(prev, cur)
    assert len(_drain(rig)) == 2


@pytest.mark.parametrize("data", [case("TestUpdatePodChangeControllerRef", "")])
def test_update_pod_change_controller_ref(data: dict) -> None:
    rig, pod = _event_rig()
    rig.ctrl._pod_updated(pod("pod1", "job2"), pod("pod1", "job1"))
    assert len(_drain(rig)) == 2


@pytest.mark.parametrize("data", [case("TestUpdatePodRelease", "")])
def test_update_pod_release(data: dict) -> None:
    """The controller reference removed: every matching Job is queued to adopt it."""
    rig, pod = _event_rig()
    rig.ctrl._pod_updated(pod("pod1", "job1"), pod("pod1", None))
    assert len(_drain(rig)) == 2


@pytest.mark.parametrize("data", [case("TestDeletePod", "")])
def test_delete_pod(data: dict) -> None:
    rig, pod = _event_rig()
    rig.ctrl._pod_deleted(pod("pod1", "job1"))
    assert _drain(rig) == ["default/job1"]
    rig.ctrl._pod_deleted(pod("pod2", "job2"))
    assert _drain(rig) == ["default/job2"]


@pytest.mark.parametrize("data", [case("TestDeletePodOrphan", "")])
def test_delete_pod_orphan(data: dict) -> None:
    rig, pod = _event_rig(("job3", {"matchLabels": {"other": "labels"}}))
    rig.ctrl._pod_deleted(pod("pod1", None))
    assert _drain(rig) == []


@pytest.mark.parametrize("data", [case("TestSyncJobExpectations", "")])
def test_sync_job_expectations(data: dict) -> None:
    """Both pods of a 2-pod Job exist (upstream slips the second in while expectations are checked): no pod is
    created or deleted."""
    rig = Rig()
    rig.put_job({"parallelism": 2, "completions": 2, "backoffLimit": 6})
    rig.pods(pending=2)
    out = rig.sync()
    assert (out.created, out.deleted) == ([], [])
