"""kubernetes pkg/controller/cronjob/utils_test.go against kspec's cronjob helpers and cron parser.

Times are offsets from upstream's ``topOfTheHour()`` (2016-05-19T10:00:00Z, a Thursday).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kspec.controllers import cron
from kspec.controllers import cronjob as cj_util
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/cronjob/utils_test.go"

TOP = datetime(2016, 5, 19, 10, 0, 0, tzinfo=UTC)
H, M, S, D = 3600, 60, 1, 86400


def at(seconds: float) -> datetime:
    """deltaTimeAfterTopOfTheHour."""
    return TOP + timedelta(seconds=seconds)


def ts(seconds: float) -> str:
    return at(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


def cronjob(schedule: str, created: float, last: float | None = None, deadline: int | None = None,
            tz: str | None = None) -> dict:
    spec: dict = {"schedule": schedule, "concurrencyPolicy": "Allow", "jobTemplate": {}}
    if deadline is not None:
        spec["startingDeadlineSeconds"] = deadline
    if tz is not None:
        spec["timeZone"] = tz
    status = {"lastScheduleTime": ts(last)} if last is not None else {}
    return {"metadata": {"name": "mycronjob", "namespace": "default", "uid": "1a2b3c",
                         "creationTimestamp": ts(created)}, "spec": spec, "status": status}


# -- TestGetJobFromTemplate2 ----------------------------------------------------------------------------
FROM_TEMPLATE = [
    case("TestGetJobFromTemplate2", "UTC timezone and one annotation", tz="UTC", annotations={"x": "y"},
         expected="2016-05-19T10:00:00Z", count=2),
    case("TestGetJobFromTemplate2", "nil timezone and one annotation", tz=None, annotations={"x": "y"},
         expected="2016-05-19T10:00:00Z", count=2),
    case("TestGetJobFromTemplate2", "correct timezone and multiple annotation", tz="Europe/Rome",
         annotations={"x": "y", "z": "x"}, expected="2016-05-19T12:00:00+02:00", count=3),
]


@pytest.mark.parametrize("data", FROM_TEMPLATE)
def test_get_job_from_template2(data: dict) -> None:
    cj = cronjob("* * * * ?", 0, tz=data["tz"])
    cj["metadata"]["namespace"] = "snazzycats"
    cj["spec"]["jobTemplate"] = {
        "metadata": {"labels": {"a": "b"}, "annotations": data["annotations"]},
        "spec": {"activeDeadlineSeconds": 1, "manualSelector": False, "template": {
            "metadata": {"labels": {"foo": "bar"}}, "spec": {"containers": [{"image": "foo/bar"}]}}}}
    cj["apiVersion"], cj["kind"] = "batch/v1", "CronJob"
    job = cj_util.job_from_template(cj, TOP)
    assert job["metadata"]["name"].startswith("mycronjob-")
    assert len(job["metadata"]["labels"]) == 1
    assert len(job["metadata"]["annotations"]) == data["count"]
    assert job["metadata"]["annotations"][cj_util.SCHEDULED_ANNOTATION] == data["expected"]


# -- TestNextScheduleTime (its cases run in order on one CronJob; each is restated whole here) ---------------
NEXT = [
    case("TestNextScheduleTime", "Case 1: no known start times, and none needed yet", schedule="0 * * * ?",
         created=-10 * M, last=None, deadline=None, now=-7 * M, expected=None, error=False),
    case("TestNextScheduleTime", "Case 2: no known start times, and one needed", schedule="0 * * * ?",
         created=-10 * M, last=None, deadline=None, now=2 * S, expected=0, error=False),
    case("TestNextScheduleTime", "Case 3: known LastScheduleTime, no start needed", schedule="0 * * * ?",
         created=-10 * M, last=0, deadline=None, now=2 * M, expected=None, error=False),
    case("TestNextScheduleTime", "Case 4: known LastScheduleTime, a start needed", schedule="0 * * * ?",
         created=-10 * M, last=0, deadline=None, now=H + 5 * M, expected=H, error=False),
    case("TestNextScheduleTime", "Case 5: known LastScheduleTime, two starts needed", schedule="0 * * * ?",
         created=-2 * H, last=-H, deadline=None, now=H + 5 * M, expected=H, error=False),
    case("TestNextScheduleTime", "Case 6: now is way way ahead of last start time, and there is no deadline",
         schedule="0 * * * ?", created=-2 * H, last=-H, deadline=None, now=H + 10 * D, expected="some", error=False),
    case("TestNextScheduleTime", "Case 7: now is way way ahead of last start time, but there is a short deadline",
         schedule="0 * * * ?", created=-2 * H, last=-H, deadline=2 * H, now=H + 10 * D, expected="some", error=False),
    case("TestNextScheduleTime", "Case 8: ensure the error from mostRecentScheduleTime gets populated up",
         schedule="59 23 31 2 *", created=10 * S, last=None, deadline=2 * H, now=H, expected=None, error=True),
]


@pytest.mark.parametrize("data", NEXT)
def test_next_schedule_time(data: dict) -> None:
    cj = cronjob(data["schedule"], data["created"], data["last"], data["deadline"])
    schedule = cron.parse(data["schedule"])
    if data["error"]:
        with pytest.raises(cron.CronError):
            cj_util.most_recent_schedule_time(cj, at(data["now"]), schedule, True)
        return
    _, recent, _ = cj_util.most_recent_schedule_time(cj, at(data["now"]), schedule, True)
    if data["expected"] == "some":
        assert recent is not None
    else:
        assert recent == (None if data["expected"] is None else at(data["expected"]))


# -- TestByJobStartTime ------------------------------------------------------------------------------
NOW_T, LATER_T = "2018-01-01T02:03:04Z", "2019-01-01T02:03:04Z"
BY_START = [
    case("TestByJobStartTime", "both have nil start times", input=[("b", None), ("a", None)],
         expected=[("a", None), ("b", None)]),
    case("TestByJobStartTime", "only the first has a nil start time", input=[("a", None), ("b", NOW_T)],
         expected=[("b", NOW_T), ("a", None)]),
    case("TestByJobStartTime", "only the second has a nil start time", input=[("a", NOW_T), ("b", None)],
         expected=[("a", NOW_T), ("b", None)]),
    case("TestByJobStartTime", "both have non-nil, equal start time", input=[("b", NOW_T), ("a", NOW_T)],
         expected=[("a", NOW_T), ("b", NOW_T)]),
    case("TestByJobStartTime", "both have non-nil, different start time", input=[("a", LATER_T), ("b", NOW_T)],
         expected=[("b", NOW_T), ("a", LATER_T)]),
]


@pytest.mark.parametrize("data", BY_START)
def test_by_job_start_time(data: dict) -> None:
    jobs = [{"metadata": {"name": n}, "status": {"startTime": t} if t else {}} for n, t in data["input"]]
    got = sorted(jobs, key=cj_util.job_start_time_key)
    assert [(j["metadata"]["name"], j["status"].get("startTime")) for j in got] == data["expected"]


# -- TestMostRecentScheduleTime ----------------------------------------------------------------------
FEW, MANY, NONE = cj_util.FEW_MISSED, cj_util.MANY_MISSED, cj_util.NONE_MISSED
MOST_RECENT = [
    case("TestMostRecentScheduleTime", "now before next schedule", schedule="0 * * * *", created=0, last=None,
         deadline=None, sds=False, now=30 * S, earliest=0, recent=None, missed=NONE),
    case("TestMostRecentScheduleTime", "now just after next schedule", schedule="0 * * * *", created=0, last=None,
         deadline=None, sds=False, now=61 * M, earliest=0, recent=60 * M, missed=NONE),
    case("TestMostRecentScheduleTime", "missed 5 schedules", schedule="0 * * * *", created=10 * S, last=None,
         deadline=None, sds=False, now=301 * M, earliest=10 * S, recent=300 * M, missed=FEW),
    case("TestMostRecentScheduleTime", "complex schedule", schedule="30 6-16/4 * * 1-5", created=0, last=30 * M,
         deadline=None, sds=False, now=D + 31 * M, earliest=30 * M, recent=D + 30 * M, missed=FEW),
    case("TestMostRecentScheduleTime", "another complex schedule", schedule="30 10,11,12 * * 1-5", created=0,
         last=30 * M, deadline=None, sds=False, now=30 * H + 30 * M, earliest=30 * M, recent=None, missed=FEW),
    case("TestMostRecentScheduleTime", "complex schedule with longer diff between executions",
         schedule="30 6-16/4 * * 1-5", created=0, last=30 * M, deadline=None, sds=False, now=96 * H + 31 * M,
         earliest=30 * M, recent=96 * H + 30 * M, missed=FEW),
    case("TestMostRecentScheduleTime", "complex schedule with shorter diff between executions",
         schedule="30 6-16/4 * * 1-5", created=0, last=None, deadline=None, sds=False, now=D + 31 * M, earliest=0,
         recent=D + 30 * M, missed=FEW),
    case("TestMostRecentScheduleTime", "@every schedule", schedule="@every 1h", created=-59 * M, last=M,
         deadline=10, sds=False, now=7 * D, earliest=M, recent=6 * D + 23 * H + M, missed=MANY),
    case("TestMostRecentScheduleTime", "rogue cronjob", schedule="59 23 31 2 *", created=10 * S, last=None,
         deadline=None, sds=False, now=H, earliest=None, recent=None, missed=None),
    case("TestMostRecentScheduleTime", "earliestTime being CreationTimestamp and LastScheduleTime",
         schedule="0 * * * *", created=0, last=0, deadline=None, sds=False, now=30 * S, earliest=0, recent=None,
         missed=NONE),
    case("TestMostRecentScheduleTime", "earliestTime being LastScheduleTime", schedule="*/5 * * * *", created=0,
         last=30 * M, deadline=None, sds=False, now=31 * M, earliest=30 * M, recent=None, missed=NONE),
    case("TestMostRecentScheduleTime", "earliestTime being LastScheduleTime (within StartingDeadlineSeconds)",
         schedule="*/5 * * * *", created=0, last=30 * M, deadline=60, sds=False, now=31 * M, earliest=30 * M,
         recent=None, missed=NONE),
    case("TestMostRecentScheduleTime", "earliestTime being LastScheduleTime (outside StartingDeadlineSeconds)",
         schedule="*/5 * * * *", created=0, last=30 * M, deadline=60, sds=True, now=32 * M, earliest=31 * M,
         recent=None, missed=NONE),
]


@pytest.mark.parametrize("data", MOST_RECENT)
def test_most_recent_schedule_time(data: dict) -> None:
    cj = cronjob(data["schedule"], data["created"], data["last"], data["deadline"])
    schedule = cron.parse(data["schedule"])
    if data["missed"] is None:  # wantErr
        with pytest.raises(cron.CronError):
            cj_util.most_recent_schedule_time(cj, at(data["now"]), schedule, data["sds"])
        return
    earliest, recent, missed = cj_util.most_recent_schedule_time(cj, at(data["now"]), schedule, data["sds"])
    assert earliest == at(data["earliest"])
    assert recent == (None if data["recent"] is None else at(data["recent"]))
    assert missed == data["missed"]


# -- TestNextScheduleTimeDuration ------------------------------------------------------------------------
DURATION = [
    case("TestNextScheduleTimeDuration", "complex schedule skipping weekend", schedule="30 6-16/4 * * 1-5",
         last=30 * M, now=D + 31 * M, expected=3 * H + 59 * M),
    case("TestNextScheduleTimeDuration", "another complex schedule skipping weekend", schedule="30 10,11,12 * * 1-5",
         last=30 * M, now=30 * H + 30 * M, expected=66 * H),
    case("TestNextScheduleTimeDuration", "once a week cronjob, missed two runs", schedule="0 12 * * 4", last=2 * H,
         now=19 * D + H + 30 * M, expected=48 * H + 30 * M),
    case("TestNextScheduleTimeDuration", "no previous run of a cronjob", schedule="0 12 * * 5", last=None,
         now=6 * H, expected=20 * H),
]


@pytest.mark.parametrize("data", DURATION)
def test_next_schedule_time_duration(data: dict) -> None:
    cj = cronjob(data["schedule"], 0, data["last"])
    got = cj_util.next_schedule_duration(cj, at(data["now"]), cron.parse(data["schedule"]))
    assert got == timedelta(seconds=data["expected"]) + cj_util.NEXT_SCHEDULE_DELTA

