"""kubernetes pkg/controller/job/indexed_job_utils_test.go: completion-index intervals and index pods."""

from __future__ import annotations

import pytest

from kspec.controllers import indexed_job as ij
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/job/indexed_job_utils_test.go"

NO = "-"  # noIndex
S, F, R, P = "Succeeded", "Failed", "Running", "Pending"
LEGACY = "JobTrackingWithFinalizers is GA in kspec: completedIndexes from status are never ignored"


def hollow(descs: list[tuple[str, str]]) -> list[dict]:
    """hollowPodsWithIndexPhase: a pod with only its phase and (unless "-") its index annotation."""
    pods = []
    for index, phase in descs:
        meta: dict = {} if index == NO else {"annotations": {ij.INDEX_ANNOTATION: index}}
        pods.append({"metadata": meta, "spec": {}, "status": {"phase": phase}})
    return pods


def phases(pods: list[dict]) -> list[tuple[str, str]]:
    """toIndexPhases."""
    return [((p["metadata"].get("annotations") or {}).get(ij.INDEX_ANNOTATION, NO), p["status"]["phase"])
            for p in pods]


T = "TestCalculateSucceededIndexes"
SUCCEEDED = [
    case(T, "one index", prev="", pods=[("1", S)], completions=2, status=[], want=[(1, 1)]),
    case(T, "two separate", prev="", pods=[("2", F), ("5", S), ("5", S), ("10", F), ("10", S)], completions=11,
         status=[], want=[(5, 5), (10, 10)]),
    case(T, "two intervals", prev="", pods=[("0", R), ("1", P), ("2", S), ("3", S), ("5", S), ("6", S), ("7", S)],
         completions=8, status=[], want=[(2, 3), (5, 7)]),
    case(T, "one interval, ignore previous", unmodelled=LEGACY, prev="3-5",
         pods=[("0", S), ("1", F), ("1", S), ("2", S), ("2", S), ("3", F)], completions=4, status=[],
         want=[(0, 2)]),
    case(T, "one index and one interval", prev="",
         pods=[("0", S), ("1", F), ("2", S), ("3", S), ("4", S), ("5", S), (NO, S), ("-2", S)], completions=6,
         status=[], want=[(0, 0), (2, 5)]),
    case(T, "out of range", prev="",
         pods=[("0", S), ("1", S), ("2", S), ("3", F), ("4", S), ("5", S), (NO, S), ("-2", S)], completions=5,
         status=[], want=[(0, 2), (4, 4)]),
    case(T, "prev interval out of range", prev="0-5,8-10", pods=[], completions=8, status=[(0, 5)], want=[(0, 5)]),
    case(T, "prev interval partially out of range", prev="0-5,8-10", pods=[], completions=10,
         status=[(0, 5), (8, 9)], want=[(0, 5), (8, 9)]),
    case(T, "prev and new separate", prev="0,4,5,10-12", pods=[("2", S), ("7", S), ("8", S)], completions=13,
         status=[(0, 0), (4, 5), (10, 12)], want=[(0, 0), (2, 2), (4, 5), (7, 8), (10, 12)]),
    case(T, "prev between new", prev="3,4,6", pods=[("2", S), ("7", S), ("8", S)], completions=9,
         status=[(3, 4), (6, 6)], want=[(2, 4), (6, 8)]),
    case(T, "new between prev", prev="2,7,8", pods=[("3", S), ("4", S), ("6", S)], completions=9,
         status=[(2, 2), (7, 8)], want=[(2, 4), (6, 8)]),
    case(T, "new within prev", prev="2-7", pods=[("0", S), ("3", S), ("5", S), ("9", S)], completions=10,
         status=[(2, 7)], want=[(0, 0), (2, 7), (9, 9)]),
    case(T, "corrupted interval", prev="0,1-foo,bar", pods=[("3", S)], completions=4, status=[(0, 0)],
         want=[(0, 0), (3, 3)]),
]


@pytest.mark.parametrize("data", SUCCEEDED)
def test_calculate_succeeded_indexes(data: dict) -> None:
    status, got = ij.calculate_succeeded_indexes(data["prev"], hollow(data["pods"]), data["completions"])
    assert status == data["status"]
    assert got == data["want"]


T = "TestIntervalsHaveIndex"
HAS = [
    case(T, "empty", intervals=[], index=4, want=False),
    case(T, "before all", intervals=[(2, 4), (5, 7)], index=1, want=False),
    case(T, "after all", intervals=[(2, 4), (6, 8)], index=9, want=False),
    case(T, "in between", intervals=[(2, 4), (6, 8)], index=5, want=False),
    case(T, "in first", intervals=[(2, 4), (6, 8)], index=2, want=True),
    case(T, "in second", intervals=[(2, 4), (6, 8)], index=8, want=True),
]


@pytest.mark.parametrize("data", HAS)
def test_intervals_have_index(data: dict) -> None:
    assert ij.has(data["intervals"], data["index"]) is data["want"]


T = "TestFirstPendingIndexes"
PENDING = [
    case(T, "cnt greater than completions", active=[], succeeded=[], cnt=5, completions=3, want=[0, 1, 2]),
    case(T, "cnt less than completions", active=[], succeeded=[], cnt=2, completions=5, want=[0, 1]),
    case(T, "first pods active", active=[("0", R), ("1", P)], succeeded=[], cnt=3, completions=10, want=[2, 3, 4]),
    case(T, "last pods active or succeeded", active=[("6", P)], succeeded=[(4, 5)], cnt=6, completions=6,
         want=[0, 1, 2, 3]),
    case(T, "mixed", active=[("3", P), ("5", R), ("8", P), (NO, R), ("-3", R)], succeeded=[(2, 4), (9, 9)], cnt=5,
         completions=20, want=[0, 1, 6, 7, 10]),
]


@pytest.mark.parametrize("data", PENDING)
def test_first_pending_indexes(data: dict) -> None:
    got = ij.first_pending_indexes(hollow(data["active"]), data["succeeded"], data["cnt"], data["completions"])
    assert got == data["want"]


T = "TestAppendDuplicatedIndexPodsForRemoval"
DUPLICATES = [
    case(T, "all unique", pods=[(NO, P), ("2", P), ("5", R), ("6", R)], completions=6,
         rm=[(NO, P), ("6", R)], left=[("2", P), ("5", R)]),
    case(T, "all with index", pods=[("5", P), ("0", R), ("3", P), ("0", R), ("3", R), ("0", P), ("6", R), ("6", P)],
         completions=6, rm=[("0", P), ("0", R), ("3", P), ("6", R), ("6", P)], left=[("0", R), ("3", R), ("5", P)]),
    case(T, "mixed", pods=[(NO, P), ("invalid", R), ("-2", R), ("0", P), ("1", P), ("1", P), ("1", R)],
         completions=6, rm=[(NO, P), ("invalid", R), ("-2", R), ("1", P), ("1", P)], left=[("0", P), ("1", R)]),
]


@pytest.mark.parametrize("data", DUPLICATES)
def test_append_duplicated_index_pods_for_removal(data: dict) -> None:
    rm, left = ij.duplicated_index_pods(hollow(data["pods"]), data["completions"])
    assert phases(rm) == data["rm"]
    assert phases(left) == data["left"]


T = "TestPodGenerateNameWithIndex"
LONG = "hhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhh"
NAMES = [
    case(T, "short job name", job="indexed-job", index=1, want="indexed-job-1-"),
    case(T, "job name exceeds MaxGeneneratedNameLength", job=LONG + "ooooohhhhhooooo", index=1, want=LONG + "-1-"),
    case(T, "job name with index suffix exceeds MaxGeneratedNameLength", job=LONG + "oo", index=1, want=LONG + "-1-"),
]


@pytest.mark.parametrize("data", NAMES)
def test_pod_generate_name_with_index(data: dict) -> None:
    assert ij.pod_generate_name(data["job"], data["index"]) == data["want"]
