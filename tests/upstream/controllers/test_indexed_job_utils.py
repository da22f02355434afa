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
    case(T, "with failed indexes", active=[("3", P), ("9", P)], succeeded=[(1, 1), (5, 5), (9, 9)],
         failed=[(2, 2), (6, 7)], cnt=5, completions=20, want=[0, 4, 8, 10, 11]),
]


@pytest.mark.parametrize("data", PENDING)
def test_first_pending_indexes(data: dict) -> None:
    got = ij.first_pending_indexes(hollow(data["active"]), data["succeeded"], data["cnt"], data["completions"],
                                   data.get("failed"))
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


# -- backoffLimitPerIndex -----------------------------------------------------------------------------------------

def bpod(uid: str, index: str, phase: str, count: str | None = None, *, counted: bool = False,
         status: dict | None = None, deleted_at: str | None = None) -> dict:
    """buildPod().uid(u).index(i).phase(p).indexFailureCount(c); ``counted``: no trackingFinalizer()."""
    notes = {ij.INDEX_ANNOTATION: index}
    if count is not None:
        notes[ij.FAILURE_COUNT_ANNOTATION] = count
    md: dict = {"uid": uid, "annotations": notes}
    if deleted_at:
        md["deletionTimestamp"] = deleted_at
    return {"metadata": md, "spec": {}, "status": {"phase": phase, **(status or {})}, "counted": counted}


def job(completions: int | None = 2, per_index: int | None = 1, rules: list | None = None,
        failed_indexes: str | None = None) -> dict:
    spec: dict = {"completionMode": "Indexed"}
    if completions is not None:
        spec["completions"] = completions
    if per_index is not None:
        spec["backoffLimitPerIndex"] = per_index
    if rules is not None:
        spec["podFailurePolicy"] = {"rules": rules}
    status = {} if failed_indexes is None else {"failedIndexes": failed_indexes}
    return {"metadata": {"name": "j", "namespace": "default"}, "spec": spec, "status": status}


EXIT3 = {"containerStatuses": [{"state": {"terminated": {"exitCode": 3}}}]}
FAIL_INDEX_3 = [{"action": "FailIndex", "onExitCodes": {"operator": "In", "values": [3]}}]
IGNORE_DISRUPTION = [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}]
DISRUPTED = {"conditions": [{"type": "DisruptionTarget", "status": "True"}]}

T = "TestIsIndexFailed"
IS_FAILED = [
    case(T, "failed pod exceeding backoffLimitPerIndex, when backoffLimitPerIndex=0", job=job(per_index=0),
         pod=bpod("a", "0", F, "0"), want=True),
    case(T, "failed pod exceeding backoffLimitPerIndex, when backoffLimitPerIndex=1", job=job(per_index=1),
         pod=bpod("a", "1", F, "1"), want=True),
    case(T, "matching FailIndex pod failure policy", job=job(rules=FAIL_INDEX_3),
         pod=bpod("a", "0", F, "0", status=EXIT3), want=True),
]


@pytest.mark.parametrize("data", IS_FAILED)
def test_is_index_failed(data: dict) -> None:
    from kspec.controllers.job import is_pod_failed, only_replace_failed_pods

    pod = data["pod"]
    failed = is_pod_failed(pod, only_replace_failed_pods(data["job"]))
    assert ij.is_index_failed(data["job"], pod, failed) is data["want"]


def _per_index(j: dict, pods: list[dict]):  # type: ignore[no-untyped-def]
    """The syncJobCtx the tests build: active pods, succeeded indexes of pods not counted yet, failed indexes."""
    from kspec.controllers.controller_utils import is_pod_active
    from kspec.controllers.job import PerIndex, only_replace_failed_pods

    completions = j["spec"].get("completions") or 0
    counted = {p["metadata"]["uid"] for p in pods if p["counted"]}
    succeeded = {ij.completion_index(p) for p in pods if p["status"]["phase"] == S and not p["counted"]
                 and 0 <= ij.completion_index(p) < completions}
    active = [p for p in pods if is_pod_active(p)]
    return PerIndex(j, pods, counted, succeeded, active, only_replace_failed_pods(j), j["status"])


T = "TestCalculateFailedIndexes"
CALC_FAILED = [
    case(T, "one new index failed", job=job(per_index=1), pods=[bpod("a", "0", F, "0"), bpod("b", "1", F, "1")],
         want=[(1, 1)]),
    case(T, "pod without finalizer is ignored", job=job(per_index=0), pods=[bpod("a", "0", F, "0", counted=True)],
         want=[]),
    case(T, "pod outside completions is ignored", job=job(per_index=0), pods=[bpod("a", "3", F, "0", counted=True)],
         want=[]),
    case(T, "extend the failed indexes", job=job(per_index=0, failed_indexes="0"), pods=[bpod("a", "1", F, "0")],
         want=[(0, 1)]),
    case(T, "prev failed indexes empty", job=job(per_index=0, failed_indexes=""), pods=[bpod("a", "1", F, "0")],
         want=[(1, 1)]),
    case(T, "prev failed indexes outside the completions", job=job(per_index=0, failed_indexes="9"),
         pods=[bpod("a", "1", F, "0")], want=[(1, 1)]),
]


@pytest.mark.parametrize("data", CALC_FAILED)
def test_calculate_failed_indexes(data: dict) -> None:
    got = _per_index(data["job"], data["pods"]).failed
    assert ij.with_ordered_indexes([], sorted(got)) == data["want"]


T = "TestGetPodsWithDelayedDeletionPerIndex"
NOW = "2025-01-01T00:00:10Z"
DELAYED = [
    case(T, "failed pods are kept corresponding to non-failed indexes are kept", job=job(3, 1),
         pods=[bpod("a", "0", F, "0"), bpod("b", "1", F, "1"), bpod("c", "2", F, "0")], want=["a", "c"]),
    case(T, "failed pod without finalizer; the pod's deletion is not delayed as it already started", job=job(2, 0),
         pods=[bpod("a", "0", F, "0", counted=True)], want=[]),
    case(T, "failed pod with expected finalizer removal; the pod's deletion is not delayed as it already started",
         job=job(2, 0), pods=[bpod("a", "0", F, "0", counted=True)], want=[]),
    case(T, "failed pod with index outside of completions; the pod's deletion is not delayed", job=job(2, 0),
         pods=[bpod("a", "4", F, "0")], want=[]),
    case(T, "failed pod for active index; the pod's deletion is not delayed as it is already replaced", job=job(2, 1),
         pods=[bpod("a1", "0", F, "0"), bpod("a2", "0", R, "1")], want=[]),
    case(T, "failed pod for succeeded index; the pod's deletion is not delayed as it is already replaced",
         job=job(2, 1), pods=[bpod("a1", "0", F, "0"), bpod("a2", "0", S, "1")], want=[]),
    case(T, "multiple failed pods for index with different failure count; only the pod with highest failure count "
         "is kept", job=job(2, 4), pods=[bpod("a1", "0", F, "0"), bpod("a3", "0", F, "2"), bpod("a2", "0", F, "1")],
         want=["a3"]),
    case(T, "multiple failed pods for index with different finish times; only the last failed pod is kept",
         job=job(2, 4), pods=[bpod("a1", "0", F, "1", deleted_at="2025-01-01T00:00:09Z"),
                              bpod("a3", "0", F, "1", deleted_at=NOW),
                              bpod("a2", "0", F, "1", deleted_at="2025-01-01T00:00:08Z")], want=["a3"]),
]


@pytest.mark.parametrize("data", DELAYED)
def test_get_pods_with_delayed_deletion_per_index(data: dict) -> None:
    delayed = _per_index(data["job"], data["pods"]).delayed
    assert sorted(p["metadata"]["uid"] for p in delayed.values()) == data["want"]


T = "TestGetNewIndexFailureCountValue"
NEW_COUNT = [
    case(T, "first pod created", job=job(), pod=None, want=(0, 0)),
    case(T, "failed pod being replaced with 0 index failure count", job=job(), pod=bpod("a", "0", F, "0"),
         want=(1, 0)),
    case(T, "failed pod being replaced with >0 index failure count", job=job(), pod=bpod("a", "0", F, "3"),
         want=(4, 0)),
    case(T, "failed pod being replaced, matching the ignore rule", job=job(rules=IGNORE_DISRUPTION),
         pod=bpod("a", "3", F, "3", status=DISRUPTED), want=(3, 1)),
]


@pytest.mark.parametrize("data", NEW_COUNT)
def test_get_new_index_failure_count_value(data: dict) -> None:
    assert ij.new_index_failure_counts(data["job"], data["pod"]) == data["want"]


T = "TestGetIndexFailureCount"
COUNT = [
    case(T, "no annotation", value=None, want=0),
    case(T, "valid value", value="2", want=2),
    case(T, "valid maxint32 value", value=str(2**31 - 1), want=2**31 - 1),
    case(T, "too large value", value=str(2**31), want=0),
    case(T, "negative value", value="-1", want=0),
    case(T, "invalid int value", value="xyz", want=0),
]


@pytest.mark.parametrize("data", COUNT)
def test_get_index_failure_count(data: dict) -> None:
    notes = {} if data["value"] is None else {ij.FAILURE_COUNT_ANNOTATION: data["value"]}
    assert ij.index_failure_count({"metadata": {"annotations": notes}}) == data["want"]
