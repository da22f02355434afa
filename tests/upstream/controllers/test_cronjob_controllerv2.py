"""kubernetes pkg/controller/cronjob/cronjob_controllerv2_test.go: TestControllerV2SyncCronJob through kspec's
CronJob controller.

The adapter writes the test's CronJob (and the Job it ran before) straight into the store, as upstream hands
them to syncCronJob without admission, sets the virtual clock to the case's ``now`` and runs one reconcile.
It then reads what upstream's fakes record: Jobs created and deleted, events and warnings, whether the status
was written, ``status.active``, ``lastSuccessfulTime`` and when the controller wakes next. Where the test's
fakes keep two views apart (a lister missing a Job the API server has, a CronJob whose cached status lags the
stored one) kspec has one store, so the adapter stores what the API server holds. kspec wakes at the next
scheduled time itself, upstream ``nextScheduleDelta`` (100ms) after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kspec import Cluster
from kspec.controllers.cronjob import NEXT_SCHEDULE_DELTA, CronJobController, job_from_template
from kspec.errors import ApiError
from kspec.objects import EPOCH, timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/cronjob/cronjob_controllerv2_test.go"
F = "TestControllerV2SyncCronJob"


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


TOP = _t("2016-05-19T10:00:00Z")
JUST_AFTER_PRIOR, JUST_BEFORE_PRIOR = _t("2016-05-19T09:01:00Z"), _t("2016-05-19T08:59:00Z")
JUST_AFTER, JUST_BEFORE = _t("2016-05-19T10:01:00Z"), _t("2016-05-19T09:59:00Z")
JUST_BEFORE_NEXT, WEEK_AFTER = _t("2016-05-19T10:59:00Z"), _t("2016-05-26T10:00:00Z")
SHORT, MEDIUM, LONG = 10, 2 * 60 * 60, 1_000_000
ON_THE_HOUR, EVERY_HOUR, ERROR_SCHEDULE = "0 * * * ?", "@every 1h", "obvious error schedule"
NEW_YORK = "America/New_York"
S, M, H = timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1)
MS = timedelta(milliseconds=1)
DELTA = NEXT_SCHEDULE_DELTA


def sync(name: str, policy: str = "Allow", schedule: str = ON_THE_HOUR, *, deadline: int | None = None,
         suspend: bool = False, zone: str | None = None, ran: bool = False, active: bool = False,
         cj_created: datetime | None = None, job_created: datetime = JUST_AFTER_PRIOR,
         last_schedule: datetime | None = None, now: datetime, create: bool = False, delete: bool = False,
         expect_active: int = 0, warnings: int = 0, requeue: timedelta | None = None, update: bool = False,
         exists_at: datetime | None = None, **reason: str) -> object:
    """One entry of testCases; ``exists_at``: a Job for that scheduled time already exists (jobCreateError)."""
    return case(F, name, policy=policy, schedule=schedule, deadline=deadline, suspend=suspend, zone=zone, ran=ran,
                active=active, cj_created=cj_created, job_created=job_created, last_schedule=last_schedule, now=now,
                create=create, delete=delete, expect_active=expect_active, warnings=warnings, requeue=requeue,
                update=update, exists_at=exists_at, **reason)


NS_TERMINATING = "a Job create refused because the namespace is terminating (an injected create error)"
GET_FAILS = "a Job get that fails with BadRequest (an injected API error)"
CASES = [
    sync("never ran, not valid schedule, A", schedule=ERROR_SCHEDULE, now=JUST_BEFORE, warnings=1),
    sync("never ran, not valid schedule, F", "Forbid", ERROR_SCHEDULE, now=JUST_BEFORE, warnings=1),
    sync("never ran, not valid schedule, R", "Forbid", ERROR_SCHEDULE, now=JUST_BEFORE, warnings=1),
    sync("never ran, not valid time zone", zone="bad timezone", now=JUST_BEFORE, warnings=1),
    sync("never ran, not time, A", now=JUST_BEFORE, requeue=M + DELTA),
    sync("never ran, not time, F", "Forbid", now=JUST_BEFORE, requeue=M + DELTA),
    sync("never ran, not time, R", "Replace", now=JUST_BEFORE, requeue=M + DELTA),
    sync("never ran, not time in zone", zone=NEW_YORK, now=JUST_BEFORE, requeue=M + DELTA),
    sync("never ran, is time, A", now=JUST_AFTER, create=True, expect_active=1, requeue=H - M + DELTA, update=True),
    sync("never ran, is time, F", "Forbid", now=JUST_AFTER, create=True, expect_active=1, requeue=H - M + DELTA,
         update=True),
    sync("never ran, is time, R", "Replace", now=JUST_AFTER, create=True, expect_active=1, requeue=H - M + DELTA,
         update=True),
    sync("never ran, is time in zone, but time zone disabled", zone=NEW_YORK, now=JUST_AFTER, create=True,
         expect_active=1, requeue=H - M + DELTA, update=True),
    sync("never ran, is time in zone", zone=NEW_YORK, now=JUST_AFTER, create=True, expect_active=1,
         requeue=H - M + DELTA, update=True),
    sync("never ran, is time in zone, but TZ is also set in schedule", schedule="TZ=UTC " + ON_THE_HOUR,
         zone=NEW_YORK, now=JUST_AFTER, create=True, warnings=1, expect_active=1, requeue=H - M + DELTA,
         update=True),
    sync("never ran, is time, suspended", suspend=True, now=JUST_AFTER),
    sync("never ran, is time, past deadline", deadline=SHORT, now=JUST_AFTER + M * (SHORT + 1),
         requeue=H - M - M * (SHORT + 1) + DELTA),
    sync("never ran, is time, not past deadline", deadline=LONG, now=JUST_AFTER, create=True, expect_active=1,
         requeue=H - M + DELTA, update=True),
    sync("prev ran but done, not time, A", ran=True, now=JUST_BEFORE, requeue=M + DELTA, update=True),
    sync("prev ran but done, not time, F", "Forbid", ran=True, now=JUST_BEFORE, requeue=M + DELTA, update=True),
    sync("prev ran but done, not time, R", "Replace", ran=True, now=JUST_BEFORE, requeue=M + DELTA, update=True),
    sync("prev ran but done, is time, A", ran=True, now=JUST_AFTER, create=True, expect_active=1,
         requeue=H - M + DELTA, update=True),
    sync("prev ran but done, is time, create job failed, A", ran=True, now=JUST_AFTER, update=True, exists_at=TOP),
    sync("prev ran but done, is time, job not present in CJ active status, create job failed, A", ran=True,
         now=JUST_AFTER, update=True, exists_at=TOP),
    sync("prev ran but done, is time, F", "Forbid", ran=True, now=JUST_AFTER, create=True, expect_active=1,
         requeue=H - M + DELTA, update=True),
    sync("prev ran but done, is time, R", "Replace", ran=True, now=JUST_AFTER, create=True, expect_active=1,
         requeue=H - M + DELTA, update=True),
    sync("prev ran but done, is time, suspended", suspend=True, ran=True, now=JUST_AFTER, update=True),
    sync("prev ran but done, is time, past deadline", deadline=SHORT, ran=True, now=JUST_AFTER,
         requeue=H - M + DELTA, update=True),
    sync("prev ran but done, is time, not past deadline", deadline=LONG, ran=True, now=JUST_AFTER, create=True,
         expect_active=1, requeue=H - M + DELTA, update=True),
    sync("still active, not time, A", ran=True, active=True, now=JUST_BEFORE, expect_active=1, requeue=M + DELTA),
    sync("still active, not time, F", "Forbid", ran=True, active=True, now=JUST_BEFORE, expect_active=1,
         requeue=M + DELTA),
    sync("still active, not time, R", "Replace", ran=True, active=True, now=JUST_BEFORE, expect_active=1,
         requeue=M + DELTA),
    sync("still active, is time, A", ran=True, active=True, now=JUST_AFTER, create=True, expect_active=2,
         requeue=H - M + DELTA, update=True),
    sync("still active, is time, F", "Forbid", ran=True, active=True, now=JUST_AFTER, expect_active=1,
         requeue=H - M + DELTA, not_scheduled=1),
    sync("still active, is time, R", "Replace", ran=True, active=True, now=JUST_AFTER, create=True, delete=True,
         expect_active=1, requeue=H - M + DELTA, update=True),
    sync("still active, is time, get job failed, R", "Replace", ran=True, active=True, now=JUST_AFTER,
         expect_active=1, warnings=1, unmodelled=GET_FAILS),
    sync("still active, is time, suspended", suspend=True, ran=True, active=True, now=JUST_AFTER, expect_active=1),
    sync("still active, is time, past deadline", deadline=SHORT, ran=True, active=True, now=JUST_AFTER,
         expect_active=1, requeue=H - M + DELTA),
    sync("still active, is time, not past deadline", deadline=LONG, ran=True, active=True, now=JUST_AFTER,
         create=True, expect_active=2, requeue=H - M + DELTA, update=True),
    *(sync(f"prev ran but done, long overdue, {what}, {p[0]}", p, deadline=dl, ran=True, now=WEEK_AFTER,
           create=True, expect_active=1, warnings=w, requeue=H + DELTA, update=True)
      for what, dl, w in (("not past deadline", LONG, 1), ("no deadline", None, 1)) for p in ("Allow", "Replace",
                                                                                             "Forbid")),
    *(sync(f"prev ran but done, long overdue, {what}, {p[0]}", p, deadline=dl, ran=True, now=WEEK_AFTER,
           create=True, expect_active=1, requeue=H + DELTA, update=True)
      for p in ("Allow", "Replace", "Forbid") for what, dl in (("past medium deadline", MEDIUM),
                                                               ("past short deadline", SHORT))),
    sync("this ran but done, time drifted back, F", "Forbid", ran=True, job_created=JUST_AFTER, now=JUST_BEFORE,
         requeue=M + DELTA, update=True),
    *(sync(f"this started but went missing, not past deadline, {p}", pol, deadline=LONG, ran=True, active=True,
           job_created=TOP + 100 * MS, now=JUST_AFTER + 100 * MS, expect_active=1, requeue=H - M - 100 * MS + DELTA)
      for p, pol in (("A", "Allow"), ("f", "Forbid"), ("R", "Replace"))),
    *(sync(f"this started but is not present in cronjob active list, not past deadline, {p}", pol, deadline=LONG,
           ran=True, active=True, job_created=TOP + 100 * MS, now=JUST_AFTER + 100 * MS, expect_active=1,
           requeue=H - M - 100 * MS + DELTA)
      for p, pol in (("A", "Allow"), ("f", "Forbid"), ("R", "Replace"))),
    sync("with @every schedule, never ran, not time", schedule=EVERY_HOUR, cj_created=JUST_BEFORE,
         job_created=JUST_BEFORE, now=TOP, requeue=H - M + DELTA),
    sync("with @every schedule, never ran, is time", schedule=EVERY_HOUR, cj_created=JUST_BEFORE_PRIOR,
         job_created=JUST_BEFORE_PRIOR, now=JUST_BEFORE, requeue=H + DELTA, create=True, expect_active=1,
         update=True),
    sync("with @every schedule, never ran, is time, past deadline", schedule=EVERY_HOUR, deadline=SHORT,
         cj_created=JUST_BEFORE_PRIOR, job_created=JUST_BEFORE_PRIOR, now=JUST_BEFORE + S * (SHORT + 1),
         requeue=H - S * (SHORT + 1) + DELTA),
    sync("with @every schedule, never ran, is time, not past deadline", schedule=EVERY_HOUR, deadline=LONG,
         cj_created=JUST_BEFORE_PRIOR, job_created=JUST_BEFORE_PRIOR, now=JUST_BEFORE + S * (SHORT - 1),
         create=True, expect_active=1, requeue=H - S * (SHORT - 1) + DELTA, update=True),
    sync("with @every schedule, prev ran but done, not time", schedule=EVERY_HOUR, ran=True,
         cj_created=JUST_BEFORE_PRIOR, job_created=JUST_BEFORE_PRIOR, last_schedule=JUST_BEFORE, now=TOP,
         requeue=H - M + DELTA, update=True),
    sync("with @every schedule, prev ran but done, is time", schedule=EVERY_HOUR, ran=True,
         cj_created=JUST_BEFORE_PRIOR, job_created=JUST_BEFORE_PRIOR, last_schedule=JUST_BEFORE, now=TOP + H,
         create=True, expect_active=1, requeue=H - M + DELTA, update=True),
    sync("with @every schedule, prev ran but done, is time, past deadline", schedule=EVERY_HOUR, deadline=SHORT,
         ran=True, cj_created=JUST_BEFORE_PRIOR, job_created=JUST_BEFORE_PRIOR, last_schedule=JUST_BEFORE,
         now=JUST_BEFORE_NEXT + S * (SHORT + 1), requeue=H - S * (SHORT + 1) + DELTA, update=True),
    sync("with @every schedule, still active, not time", schedule=EVERY_HOUR, ran=True, active=True,
         cj_created=JUST_BEFORE_PRIOR, job_created=JUST_BEFORE, last_schedule=JUST_BEFORE, now=TOP,
         expect_active=1, requeue=H - M + DELTA),
    sync("with @every schedule, still active, is time", schedule=EVERY_HOUR, ran=True, active=True,
         cj_created=JUST_BEFORE_PRIOR, job_created=JUST_BEFORE_PRIOR, last_schedule=JUST_BEFORE_PRIOR,
         now=JUST_AFTER, create=True, expect_active=2, requeue=H - 2 * M + DELTA, update=True),
    sync("with @every schedule, still active, is time, past deadline", schedule=EVERY_HOUR, deadline=SHORT,
         ran=True, active=True, cj_created=JUST_BEFORE_PRIOR, job_created=JUST_BEFORE, last_schedule=JUST_BEFORE,
         now=JUST_BEFORE_NEXT + S * (SHORT + 1), expect_active=1, requeue=H - S * (SHORT + 1) + DELTA),
    sync("with @every schedule, still active, is time, not past deadline", schedule=EVERY_HOUR, deadline=LONG,
         ran=True, active=True, cj_created=JUST_BEFORE_PRIOR, job_created=JUST_BEFORE, last_schedule=JUST_BEFORE,
         now=JUST_BEFORE_NEXT + S * (SHORT - 1), create=True, expect_active=2,
         requeue=H - S * (SHORT - 1) + DELTA, update=True),
    sync("with @every schedule, prev ran but done, long overdue, no deadline", schedule=EVERY_HOUR, ran=True,
         cj_created=JUST_AFTER_PRIOR, last_schedule=JUST_AFTER, job_created=JUST_AFTER_PRIOR, now=WEEK_AFTER,
         create=True, expect_active=1, warnings=1, requeue=M + DELTA, update=True),
    sync("with @every schedule, prev ran but done, long overdue, past deadline", schedule=EVERY_HOUR,
         deadline=SHORT, ran=True, cj_created=JUST_AFTER_PRIOR, last_schedule=JUST_AFTER,
         job_created=JUST_AFTER_PRIOR, now=WEEK_AFTER + M + S * (SHORT + 1), expect_active=1,
         requeue=H - S * (SHORT + 1) + DELTA, update=True, active_unchecked=True),
    sync("do nothing if the namespace is terminating", ran=True, active=True, now=JUST_AFTER, expect_active=0,
         unmodelled=NS_TERMINATING),
]


def ms(t: datetime) -> int:
    return int((t - EPOCH) / MS)


def _put(c: Cluster, resource: str, obj: dict, at: datetime) -> dict:
    """Create ``obj`` at time ``at``; what validation refuses (a bad schedule or time zone, objects from before
    the API server checked them) goes straight into the store, as upstream's test hands it to syncCronJob."""
    c.clock.now = ms(at)
    status = obj.pop("status", None)
    try:
        made = c.api.create(obj)
    except ApiError:
        obj["metadata"] |= {"uid": "1a2b3c", "creationTimestamp": timestamp(ms(at))}
        return c.api.store.create(resource, obj)
    if status is not None:
        made = c.api.update_status({**made, "status": status})
    return made


def _cronjob(data: dict) -> dict:
    spec: dict = {"schedule": data["schedule"], "concurrencyPolicy": data["policy"], "suspend": data["suspend"],
                  "jobTemplate": {"metadata": {"labels": {"a": "b"}, "annotations": {"x": "y"}},
                                  "spec": {"parallelism": 1, "completions": 1, "template": {
                                      "metadata": {"labels": {"foo": "bar"}},
                                      "spec": {"containers": [{"name": "c", "image": "foo/bar"}],
                                               "restartPolicy": "OnFailure"}}}}}
    if data["zone"]:
        spec["timeZone"] = data["zone"]
    if data["deadline"] is not None:
        spec["startingDeadlineSeconds"] = data["deadline"]
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "mycronjob", "namespace": "snazzycats"},
            "spec": spec}


@pytest.mark.parametrize("data", CASES)
def test_controller_v2_sync_cron_job(data: dict) -> None:
    c = Cluster(nodes=0)
    c.clock.now = ms(JUST_BEFORE_PRIOR) - 3_600_000
    c.start()
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "snazzycats"}})
    ctrl = next(x for x in c.controllers if isinstance(x, CronJobController))
    cj = _cronjob(data)
    created_at = data["cj_created"] or (JUST_BEFORE_PRIOR if data["ran"] else JUST_BEFORE)
    cj = _put(c, "cronjobs", cj, created_at)
    if data["ran"]:
        job = job_from_template(cj, data["job_created"])
        if not data["active"]:
            job["status"] = {"completionTime": timestamp(ms(data["job_created"] + 10 * S)),
                             "conditions": [{"type": "Complete", "status": "True"}]}
        job = _put(c, "jobs", job, data["job_created"])
        ctrl.jobs.observe(job)  # the job informer's delivery, without running the clock
        status = {"lastScheduleTime": timestamp(ms(data["last_schedule"] or JUST_AFTER_PRIOR))}
        if data["active"]:
            status["active"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": job["metadata"]["name"],
                                 "namespace": "snazzycats", "uid": job["metadata"]["uid"]}]
        cj = c.api.update_status({**cj, "status": status})
    if data["exists_at"]:  # someone else already created the Job for that time: the create fails AlreadyExists
        other = job_from_template(cj, data["exists_at"])
        other["metadata"].pop("ownerReferences")
        ctrl.jobs.observe(_put(c, "jobs", other, data["exists_at"]))
    c.clock.now = ms(data["now"])
    before_jobs = {j["metadata"]["name"] for j in c.api.store.list("jobs", "snazzycats")}
    before_rv, before_events = cj["metadata"]["resourceVersion"], len(ctrl.events.log)
    ctrl.reconcile("snazzycats/mycronjob")
    after = c.api.store.get("cronjobs", "snazzycats", "mycronjob")
    jobs = {j["metadata"]["name"] for j in c.api.store.list("jobs", "snazzycats")}
    events = ctrl.events.log[before_events:]
    assert len(jobs - before_jobs) == (1 if data["create"] else 0), events
    assert len(before_jobs - jobs) == (1 if data["delete"] else 0)
    # "still active, is time, F" is the one case raising an event for not scheduling (JobAlreadyActive)
    expected_events = data["create"] + data["delete"] + data["warnings"] + data.get("not_scheduled", 0)
    assert [e.type for e in events].count("Warning") == data["warnings"], events
    assert len(events) == expected_events, events
    assert (after["metadata"]["resourceVersion"] != before_rv) is data["update"]
    # upstream only compares expectActive with a status update syncCronJob no longer makes (cjc.Updates stays
    # empty); the adapter checks it, except where the expectation contradicts the case (one active, none created)
    if not data.get("active_unchecked"):
        assert len((after.get("status") or {}).get("active") or []) == data["expect_active"]
    if data["ran"] and not data["active"]:
        assert after["status"]["lastSuccessfulTime"] == timestamp(ms(data["job_created"] + 10 * S))
    if data["requeue"] is not None:
        due = ctrl._due.get("snazzycats/mycronjob")
        assert due is not None and due - ms(data["now"]) == (data["requeue"] - DELTA) / MS
