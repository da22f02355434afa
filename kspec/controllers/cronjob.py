"""The CronJob controller (pkg/controller/cronjob, v2): Jobs on a cron schedule, on virtual time.

At each unmet scheduled time it creates ``<cronjob>-<minutes since the Unix
epoch>`` from the job template, honouring ``concurrencyPolicy`` (Allow,
Forbid, Replace), ``startingDeadlineSeconds`` and ``suspend``; it tracks
``status.active``, ``lastScheduleTime`` and ``lastSuccessfulTime`` and keeps
``successfulJobsHistoryLimit`` / ``failedJobsHistoryLimit`` finished Jobs.
Due times are checked by a periodic one-second tick, so a cluster whose only
future work is a schedule still counts as settled.
"""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kspec.controllers import cron
from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import owned_index
from kspec.controllers.job import finished_condition
from kspec.errors import ApiError
from kspec.objects import EPOCH, Obj, clone, controller_of, owner_reference, parse_timestamp, split_key, timestamp

if TYPE_CHECKING:
    from kspec.cluster import Cluster

TICK_MS = 1000
SCHEDULED_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp"
#: mostRecentScheduleTime calls more missed start times than this "many" (manyMissed)
MAX_MISSED = 100
NONE_MISSED, FEW_MISSED, MANY_MISSED = "noneMissed", "fewMissed", "manyMissed"  # missedSchedulesType
NEXT_SCHEDULE_DELTA = timedelta(milliseconds=100)  # nextScheduleDelta


def most_recent_schedule_time(cj: Obj, now: datetime, schedule: cron.Schedule, include_deadline: bool
                              ) -> tuple[datetime, datetime | None, str]:
    """mostRecentScheduleTime: (earliest time considered, the latest unmet time or None, how many were missed).

    Like upstream it estimates the number missed from the gap between the next two times rather than
    walking every one, then walks from one interval before the estimate; for an irregular schedule the
    walk can start past ``now`` and find none. A schedule whose next two times are under a second apart
    (one that never runs) raises CronError.
    """
    status = cj.get("status") or {}
    earliest = to_datetime(parse_timestamp(status.get("lastScheduleTime") or cj["metadata"]["creationTimestamp"]))
    deadline = cj["spec"].get("startingDeadlineSeconds")
    if include_deadline and deadline is not None:
        earliest = max(earliest, now - timedelta(seconds=deadline))
    try:
        t1 = schedule.next_after(earliest)
        t2 = schedule.next_after(t1)
    except cron.CronError as exc:
        raise cron.CronError("time difference between two schedules is less than 1 second") from exc
    if now < t1:
        return earliest, None, NONE_MISSED
    if now < t2:
        return earliest, t1, NONE_MISSED
    between = round((t2 - t1).total_seconds())
    if between < 1:
        raise cron.CronError("time difference between two schedules is less than 1 second")
    missed = int((now - t1).total_seconds()) // between + 1
    recent = None
    t = schedule.next_after(t1 + timedelta(seconds=(missed - 2) * between))
    while t <= now:
        recent, t = t, schedule.next_after(t)
    return earliest, recent, MANY_MISSED if missed > MAX_MISSED else FEW_MISSED


def next_schedule_duration(cj: Obj, now: datetime, schedule: cron.Schedule) -> timedelta:
    """nextScheduleTimeDuration: how long until the next run, plus nextScheduleDelta."""
    earliest, recent, missed = most_recent_schedule_time(cj, now, schedule, False)
    if recent is None:
        recent = earliest if missed == NONE_MISSED else now
    return schedule.next_after(recent) + NEXT_SCHEDULE_DELTA - now


def job_start_time_key(job: Obj) -> tuple[bool, int, str]:
    """byJobStartTime: by status.startTime, Jobs without one last, the name breaking ties."""
    start = (job.get("status") or {}).get("startTime")
    return start is None, parse_timestamp(start) if start else 0, job["metadata"]["name"]


def to_datetime(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def to_ms(t: datetime) -> int:
    return int((t - EPOCH) / timedelta(milliseconds=1))


class CronJobController(Controller):
    NAME = "cronjob-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.jobs = owned_index(cluster, "jobs")
        self._heap: list[tuple[int, str]] = []
        self._due: dict[str, int] = {}

    def start(self) -> None:
        self.watch("cronjobs")
        self.api.informers.on("jobs", self._job_changed, lambda _o, n: self._job_changed(n), self._job_changed)
        self.clock.call_every(TICK_MS, self._tick, first=TICK_MS - self.clock.now % TICK_MS,
                              label="cronjob schedules")

    def _job_changed(self, job: Obj) -> None:
        ref = controller_of(job)
        if ref is not None and ref.get("kind") == "CronJob":
            self.queue.add(f"{job['metadata']['namespace']}/{ref['name']}")

    def _tick(self) -> None:
        while self._heap and self._heap[0][0] <= self.clock.now:
            due, key = heapq.heappop(self._heap)
            if self._due.get(key) == due:
                del self._due[key]
                self.queue.add(key)

    def _wake_at(self, key: str, due: int) -> None:
        if self._due.get(key) == due:
            return
        self._due[key] = due
        heapq.heappush(self._heap, (due, key))

    # -- reconcile ----------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        cj = self.api.try_get("cronjobs", name, ns)
        if cj is None or cj["metadata"].get("deletionTimestamp"):
            self._due.pop(key, None)
            return
        status = clone(cj.get("status") or {})
        jobs = self.jobs.owned(cj["metadata"]["uid"])
        self._track(cj, status, jobs)
        self._cleanup(cj, jobs)
        zone = cj["spec"].get("timeZone")
        if zone and not _known_zone(zone):
            self.events.event(cj, "Warning", "UnknownTimeZone",
                              f'invalid timeZone: "{zone}": unknown time zone {zone}', component=self.NAME)
            self._write(cj, status)
            return
        if "TZ" in cj["spec"]["schedule"]:  # formatSchedule
            self.events.event(cj, "Warning", "UnsupportedSchedule",
                              f'CRON_TZ or TZ used in schedule "{cj["spec"]["schedule"]}" is not officially '
                              "supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ "
                              "for more details", component=self.NAME)
        try:
            schedule = cron.parse(cj["spec"]["schedule"], zone)
        except cron.CronError as exc:
            self.events.event(cj, "Warning", "UnparseableSchedule",
                              f'unparseable schedule: "{cj["spec"]["schedule"]}" : {exc}', component=self.NAME)
            self._write(cj, status)
            return
        now = self.clock.now
        if not cj["spec"].get("suspend"):
            self._maybe_start(cj, status, schedule, now)
        self._write(cj, status)
        try:  # nextScheduleTimeDuration, from the status just written, less the margin a virtual clock needs not
            wait = next_schedule_duration({**cj, "status": status}, to_datetime(now), schedule) - NEXT_SCHEDULE_DELTA
        except cron.CronError:
            return
        self._wake_at(key, now + int(wait / timedelta(milliseconds=1)))

    def _track(self, cj: Obj, status: dict[str, Any], jobs: list[Obj]) -> None:
        """Keep status.active to running Jobs; note finished ones (SawCompletedJob)."""
        by_uid = {j["metadata"]["uid"]: j for j in jobs}
        active = []
        for ref in status.get("active") or []:
            job = by_uid.get(ref.get("uid", ""))
            if job is None:
                continue
            cond = finished_condition(job)
            if cond is None:
                active.append(ref)
                continue
            self.events.event(cj, "Normal", "SawCompletedJob",
                              f"Saw completed job: {job['metadata']['name']}, condition: {cond['type']}",
                              component=self.NAME)
            if cond["type"] == "Complete" and job.get("status", {}).get("completionTime"):
                done = job["status"]["completionTime"]
                if not status.get("lastSuccessfulTime") or parse_timestamp(done) > parse_timestamp(
                        status["lastSuccessfulTime"]):
                    status["lastSuccessfulTime"] = done
        listed = {ref.get("uid") for ref in status.get("active") or []}
        for job in jobs:  # a Job needs not be listed for its success to count (syncCronJob)
            done = (job.get("status") or {}).get("completionTime")
            if job["metadata"]["uid"] in listed or (finished_condition(job) or {}).get("type") != "Complete" \
                    or not done:
                continue
            if not status.get("lastSuccessfulTime") or parse_timestamp(done) > parse_timestamp(
                    status["lastSuccessfulTime"]):
                status["lastSuccessfulTime"] = done
        known = {ref.get("uid") for ref in active}
        for job in jobs:  # running Jobs the status does not list yet (adopted, or a lost status write)
            if finished_condition(job) is None and job["metadata"]["uid"] not in known \
                    and not job["metadata"].get("deletionTimestamp"):
                active.append(_job_ref(job))
        if active:
            status["active"] = sorted(active, key=lambda r: r["name"])
        else:
            status.pop("active", None)

    def _cleanup(self, cj: Obj, jobs: list[Obj]) -> None:
        """cleanupFinishedJobs: keep the newest N successful and M failed Jobs."""
        for ctype, field in (("Complete", "successfulJobsHistoryLimit"), ("Failed", "failedJobsHistoryLimit")):
            limit = cj["spec"].get(field)
            if limit is None:
                continue
            finished = [j for j in jobs if (finished_condition(j) or {}).get("type") == ctype
                        and not j["metadata"].get("deletionTimestamp")]
            finished.sort(key=job_start_time_key)
            for job in finished[: max(0, len(finished) - limit)]:
                self._delete_job(cj, job)

    def _delete_job(self, cj: Obj, job: Obj) -> None:
        try:
            self.api.delete("jobs", job["metadata"]["name"], job["metadata"]["namespace"], propagation="Background")
        except ApiError as exc:
            if exc.code != 404:
                raise
            return
        self.events.event(cj, "Normal", "SuccessfulDelete", f"Deleted job {job['metadata']['name']}",
                          component=self.NAME)

    def _maybe_start(self, cj: Obj, status: dict[str, Any], schedule: cron.Schedule, now: int) -> None:
        """syncCronJob from nextScheduleTime on."""
        try:
            _, scheduled, missed = most_recent_schedule_time(cj, to_datetime(now), schedule, True)
        except cron.CronError:
            return
        if scheduled is None:
            return
        name = job_from_template(cj, scheduled)["metadata"]["name"]
        if any(r.get("name") == name for r in status.get("active") or []) or (
                status.get("lastScheduleTime") and parse_timestamp(status["lastScheduleTime"]) == to_ms(scheduled)):
            return  # the scheduled time is already processed
        if missed == MANY_MISSED:
            self.events.event(cj, "Warning", "TooManyMissedTimes",
                              "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or "
                              "check clock skew", component=self.NAME)
        deadline = cj["spec"].get("startingDeadlineSeconds")
        if deadline is not None and to_ms(scheduled) + deadline * 1000 < now:
            self.events.event(cj, "Warning", "MissSchedule",
                              f"Missed scheduled time to start a job: {scheduled.strftime('%a, %d %b %Y %H:%M:%S %z')}",
                              component=self.NAME)
            return
        policy = cj["spec"].get("concurrencyPolicy", "Allow")
        if policy == "Forbid" and status.get("active"):
            self.events.event(cj, "Normal", "JobAlreadyActive",
                              "Not starting job because prior execution is running and concurrency policy is Forbid",
                              component=self.NAME)
            return
        if policy == "Replace":
            for ref in list(status.get("active") or []):
                job = self.api.try_get("jobs", ref["name"], cj["metadata"]["namespace"])
                if job is not None:
                    self._delete_job(cj, job)
            status.pop("active", None)
        job = self._job_for(cj, scheduled)
        try:
            created = self.api.create(job)
        except ApiError as exc:
            if exc.reason != "AlreadyExists":
                self.events.event(cj, "Warning", "FailedCreate", f"Error creating job: {exc.message}",
                                  component=self.NAME)
            return  # AlreadyExists: whoever created the Job is taken to have recorded it
        self.jobs.observe(created)
        self.events.event(cj, "Normal", "SuccessfulCreate", f"Created job {created['metadata']['name']}",
                          component=self.NAME)
        if finished_condition(created) is None and all(
                r.get("uid") != created["metadata"]["uid"] for r in status.get("active") or []):
            status["active"] = sorted([*(status.get("active") or []), _job_ref(created)], key=lambda r: r["name"])
        status["lastScheduleTime"] = timestamp(to_ms(scheduled))

    def _job_for(self, cj: Obj, scheduled: datetime) -> Obj:
        return job_from_template(cj, scheduled)

    def _write(self, cj: Obj, status: dict[str, Any]) -> None:
        if status != (cj.get("status") or {}):
            new = clone(cj)
            new["status"] = status
            self.api.update_status(new)


def job_from_template(cj: Obj, scheduled: datetime) -> Obj:
    """getJobFromTemplate2: name from the scheduled minute, the scheduled-timestamp annotation."""
    template = cj["spec"].get("jobTemplate") or {}
    tmeta = template.get("metadata") or {}
    annotations = dict(tmeta.get("annotations") or {})
    annotations[SCHEDULED_ANNOTATION] = scheduled.astimezone(
        schedule_tz(cj)).isoformat().replace("+00:00", "Z")
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": f"{cj['metadata']['name']}-{int(scheduled.timestamp()) // 60}",
                         "namespace": cj["metadata"]["namespace"],
                         "labels": dict(tmeta.get("labels") or {}), "annotations": annotations,
                         "ownerReferences": [owner_reference(cj)]},
            "spec": clone(template.get("spec") or {})}


def _known_zone(name: str) -> bool:
    """time.LoadLocation succeeds."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def schedule_tz(cj: Obj) -> Any:
    from datetime import UTC
    from zoneinfo import ZoneInfo

    name = cj["spec"].get("timeZone")
    try:
        return ZoneInfo(name) if name else UTC
    except Exception:  # noqa: BLE001 - an unknown zone was reported when parsing the schedule
        return UTC


def _job_ref(job: Obj) -> dict[str, Any]:
    """getRef: an ObjectReference to the Job."""
    md = job["metadata"]
    return {"apiVersion": "batch/v1", "kind": "Job", "name": md["name"], "namespace": md["namespace"],
            "uid": md["uid"], "resourceVersion": md.get("resourceVersion", "")}
