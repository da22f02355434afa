"""kubernetes pkg/controller/job/backoff_utils_test.go against kspec's Job controller helpers.

TestNewBackoffRecord, TestGetFinishedTime, TestGetRemainingBackoffTime, TestGetRemainingBackoffTimePerIndex.
Times are milliseconds from defaultTestTime (2009-11-10T23:00:00Z); upstream's fake clock is truncated to the
second, as the cases' times are.
"""

from __future__ import annotations

import pytest

from kspec.controllers.indexed_job import FAILURE_COUNT_ANNOTATION, IGNORED_FAILURE_COUNT_ANNOTATION
from kspec.controllers.job import finish_ms, new_backoff_record, remaining_ms, remaining_per_index_ms
from kspec.objects import parse_timestamp, timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/job/backoff_utils_test.go"
T0 = parse_timestamp("2009-11-10T23:00:00Z")


def finished(phase: str, at: int) -> dict:
    """A pod whose one container terminated ``at`` ms after defaultTestTime."""
    return {"metadata": {}, "status": {"phase": phase, "containerStatuses": [
        {"state": {"terminated": {"finishedAt": _ts(T0 + at)}}}]}}


def _ts(ms: int) -> str:
    """RFC 3339 with milliseconds, as metav1.Time keeps sub-second precision in these in-memory cases."""
    base = timestamp(ms - ms % 1000)
    return base[:-1] + f".{ms % 1000:03d}Z" if ms % 1000 else base


F_REC = "TestNewBackoffRecord"
RECORD = [
    case(F_REC, "Empty backoff store and one new failure", store=(0, None), succeeded=[], failed=[0], want=(1, 0)),
    case(F_REC, "Empty backoff store and two new failures", store=(0, None), succeeded=[], failed=[0, -1],
         want=(2, 0)),
    case(F_REC, "Empty backoff store, two failures followed by success", store=(0, None), succeeded=[0],
         failed=[-2, -1], want=(0, None)),
    case(F_REC, "Empty backoff store, two failures, one success and two more failures", store=(0, None),
         succeeded=[-2], failed=[0, -4, -3, -1], want=(2, 0)),
    case(F_REC, "Backoff store having failure count 2 and one new failure", store=(2, None), succeeded=[], failed=[0],
         want=(3, 0)),
    case(F_REC, "Empty backoff store with success and failure at same timestamp", store=(0, None), succeeded=[0],
         failed=[0], want=(0, None)),
    case(F_REC, "Empty backoff store with no success/failure", store=(0, None), succeeded=[], failed=[],
         want=(0, None)),
    case(F_REC, "Empty backoff store with one success", store=(0, None), succeeded=[0], failed=[], want=(0, None)),
]


@pytest.mark.parametrize("data", RECORD)
def test_new_backoff_record(data: dict) -> None:
    succeeded = [finished("Succeeded", t) for t in data["succeeded"]]
    failed = [finished("Failed", t) for t in data["failed"]]
    failures, last = new_backoff_record(data["store"], succeeded, failed)
    count, at = data["want"]
    assert (failures, last) == (count, None if at is None else T0 + at)


def cs(state: str, at: int | None = None, name: str = "") -> dict:
    """A container status: terminated (finishedAt ``at`` ms from T0, or zero), or running."""
    if state == "running":
        return {"name": name, "state": {"running": {}}}
    term = {} if at is None else {"finishedAt": _ts(T0 + at)}
    return {"name": name, "state": {"terminated": term}}


F_FIN = "TestGetFinishedTime"
S = 1000
FINISHED = [
    case(F_FIN, "Pod with multiple containers and all containers terminated",
         pod={"status": {"containerStatuses": [cs("t", -S), cs("t", 0), cs("t", -2 * S)]}}, want=0),
    case(F_FIN, "Pod with multiple containers; two containers in terminated state and one in running state; "
         "fallback to deletionTimestamp",
         pod={"status": {"containerStatuses": [cs("t", -S), cs("running"), cs("t", -2 * S)]},
              "metadata": {"deletionTimestamp": _ts(T0)}}, want=0),
    case(F_FIN, "fallback to deletionTimestamp",
         pod={"status": {"containerStatuses": [cs("running")]}, "metadata": {"deletionTimestamp": _ts(T0)}}, want=0),
    case(F_FIN, "fallback to deletionTimestamp, decremented by grace period",
         pod={"status": {"containerStatuses": [cs("running")]},
              "metadata": {"deletionTimestamp": _ts(T0), "deletionGracePeriodSeconds": 30}}, want=-30 * S),
    case(F_FIN, "fallback to PodReady.LastTransitionTime when status of the condition is False",
         pod={"status": {"containerStatuses": [cs("t")], "conditions": [
             {"type": "Ready", "status": "False", "reason": "PodFailed", "lastTransitionTime": _ts(T0)}]}}, want=0),
    case(F_FIN, "skip fallback to PodReady.LastTransitionTime when status of the condition is True",
         pod={"status": {"containerStatuses": [cs("t")], "conditions": [
             {"type": "Ready", "status": "True", "lastTransitionTime": _ts(T0 - 30 * S)}]},
              "metadata": {"deletionTimestamp": _ts(T0)}}, want=0),
    case(F_FIN, "fallback to creationTimestamp",
         pod={"status": {"containerStatuses": [cs("t")]}, "metadata": {"creationTimestamp": _ts(T0)}}, want=0),
    case(F_FIN, "Pod with sidecar container and all containers terminated",
         pod={"spec": {"initContainers": [{"name": "sidecar", "restartPolicy": "Always"}]},
              "status": {"containerStatuses": [cs("t", -S)], "initContainerStatuses": [cs("t", 0, "sidecar")]}},
         want=0),
]


@pytest.mark.parametrize("data", FINISHED)
def test_get_finished_time(data: dict) -> None:
    pod = {"metadata": {}, **data["pod"]}
    assert finish_ms(pod) == T0 + data["want"]


F_REM = "TestGetRemainingBackoffTime"
REMAINING = [
    case(F_REM, "no failures", failures=0, last=None, now=0, want=0),
    case(F_REM, "one failure; current time and failure time are same", failures=1, last=0, now=0, want=5),
    case(F_REM, "one failure; current time == 1 second + failure time", failures=1, last=0, now=S, want=4),
    case(F_REM, "one failure; current time == expected backoff time", failures=1, last=0, now=5 * S, want=0),
    case(F_REM, "one failure; current time == expected backoff time + 1 Second", failures=1, last=0, now=6 * S,
         want=0),
    case(F_REM, "three failures; current time and failure time are same", failures=3, last=0, now=0, want=20),
    case(F_REM, "eight failures; current time and failure time are same; backoff not exceeding maxBackoff",
         failures=8, last=0, now=0, want=640),
    case(F_REM, "nine failures; current time and failure time are same; backoff exceeding maxBackoff", failures=9,
         last=0, now=0, want=700),
]


@pytest.mark.parametrize("data", REMAINING)
def test_get_remaining_backoff_time(data: dict) -> None:
    last = None if data["last"] is None else T0 + data["last"]
    got = remaining_ms(data["failures"], last, T0 + data["now"], 5 * S, 700 * S)
    assert got == data["want"] * S


F_IDX = "TestGetRemainingBackoffTimePerIndex"


def failed_pod(count: str, ignored: str | None = None) -> dict:
    notes = {FAILURE_COUNT_ANNOTATION: count}
    if ignored is not None:
        notes[IGNORED_FAILURE_COUNT_ANNOTATION] = ignored
    return {"metadata": {"annotations": notes, "deletionTimestamp": _ts(T0)}, "status": {"phase": "Failed"}}


PER_INDEX = [
    case(F_IDX, "no failures", pod=None, want=0),
    case(F_IDX, "two prev failures; current time and failure time are same", pod=failed_pod("2"), want=20),
    case(F_IDX, "one prev failure counted and one ignored; current time and failure time are same",
         pod=failed_pod("1", "1"), want=20),
]


@pytest.mark.parametrize("data", PER_INDEX)
def test_get_remaining_backoff_time_per_index(data: dict) -> None:
    assert remaining_per_index_ms(data["pod"], T0, 5 * S, 700 * S) == data["want"] * S
