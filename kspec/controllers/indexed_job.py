"""Completion indexes of Indexed Jobs (pkg/controller/job indexed_job_utils.go).

``status.completedIndexes`` is a list of ordered, non-adjacent intervals
(``1,3-5,7``); indexes at or past ``completions`` and corrupted parts are
dropped when it is read, so a Job whose completions shrank or whose status was
mangled keeps going instead of crashing the controller.
"""

from __future__ import annotations

from kspec.controllers.controller_utils import deletion_key
from kspec.objects import Obj

INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index"
UNKNOWN = -1  # unknownCompletionIndex
MAX_GENERATED_NAME_LENGTH = 63 - 5  # names.MaxGeneratedNameLength

Interval = tuple[int, int]


def completion_index(pod: Obj) -> int:
    """getCompletionIndex: the annotation as a non-negative number, else UNKNOWN."""
    text = (pod.get("metadata", {}).get("annotations") or {}).get(INDEX_ANNOTATION)
    if text is None:
        return UNKNOWN
    try:
        index = int(text)
    except ValueError:
        return UNKNOWN
    return index if index >= 0 else UNKNOWN


def _add(out: list[list[int]], first: int, last: int) -> None:
    if out and out[-1][1] == first - 1:
        out[-1][1] = last
    else:
        out.append([first, last])


def parse_indexes(text: str, completions: int) -> list[Interval]:
    """parseIndexesFromString: corrupted parts skipped, stops at the first index >= completions."""
    out: list[list[int]] = []
    for part in text.split(",") if text else []:
        limits = part.split("-")
        try:
            first = int(limits[0])
        except ValueError:
            continue
        if first >= completions:
            break
        last = first
        if len(limits) > 1:
            try:
                last = int(limits[1])
            except ValueError:
                continue
            last = min(last, completions - 1)
        _add(out, first, last)
    return [(a, b) for a, b in out]


def with_ordered_indexes(intervals: list[Interval], new: list[int]) -> list[Interval]:
    """orderedIntervals.withOrderedIndexes: the union of intervals and sorted new indexes, merged."""
    points = sorted({i for a, b in intervals for i in range(a, b + 1)} | set(new))
    out: list[list[int]] = []
    for i in points:
        _add(out, i, i)
    return [(a, b) for a, b in out]


def has(intervals: list[Interval], index: int) -> bool:
    """orderedIntervals.has."""
    return any(a <= index <= b for a, b in intervals)


def format_indexes(intervals: list[Interval]) -> str:
    """orderedIntervals.String: ``a`` for a single index, ``a,b`` for two adjacent ones, ``a-b`` for a longer
    range."""
    return ",".join(str(a) if a == b else f"{a},{b}" if b == a + 1 else f"{a}-{b}" for a, b in intervals)


def calculate_succeeded_indexes(completed: str, pods: list[Obj], completions: int
                                ) -> tuple[list[Interval], list[Interval]]:
    """calculateSucceededIndexes: (the intervals the status held, those plus newly succeeded pods)."""
    prev = parse_indexes(completed, completions)
    new = [ix for p in pods if p.get("status", {}).get("phase") == "Succeeded"
           for ix in [completion_index(p)] if ix != UNKNOWN and ix < completions]
    return prev, with_ordered_indexes(prev, new)


def first_pending_indexes(active: list[Obj], succeeded: list[Interval], count: int, completions: int,
                          failed: list[Interval] | None = None) -> list[int]:
    """firstPendingIndexes: the lowest ``count`` indexes neither running, succeeded nor failed."""
    busy = {completion_index(p) for p in active}
    out: list[int] = []
    for i in range(completions):
        if len(out) >= count:
            break
        if i not in busy and not has(succeeded, i) and not has(failed or [], i):
            out.append(i)
    return out


def duplicated_index_pods(pods: list[Obj], completions: int) -> tuple[list[Obj], list[Obj]]:
    """appendDuplicatedIndexPodsForRemoval: (to remove, to keep); one pod kept per valid index, the most advanced.

    Pods without a valid index or with one at or past ``completions`` are all removed.
    """
    rm: list[Obj] = []
    left: list[Obj] = []
    groups: dict[int, list[Obj]] = {}
    for pod in sorted(pods, key=completion_index):  # stable, as Go's insertion sort on small slices
        groups.setdefault(completion_index(pod), []).append(pod)
    for index, group in groups.items():
        if index == UNKNOWN or index >= completions:
            rm.extend(group)
            continue
        ordered = sorted(group, key=lambda p: deletion_key(p, 0, 0))  # controller.ActivePods: least ready first
        rm.extend(ordered[:-1])
        left.append(ordered[-1])
    return rm, left


def pod_generate_name(job_name: str, index: int) -> str:
    """podGenerateNameWithIndex: ``<job>-<index>-``, the job name cut so it fits a generated name."""
    suffix = f"-{index}-"
    prefix = job_name + suffix
    if len(prefix) > MAX_GENERATED_NAME_LENGTH:
        prefix = job_name[: MAX_GENERATED_NAME_LENGTH - len(suffix)] + suffix
    return prefix


# -- backoffLimitPerIndex (indexed_job_utils.go) ------------------------------------------------------------
FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-failure-count"
IGNORED_FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-ignored-failure-count"


def _count_annotation(pod: Obj, key: str) -> int:
    """parseIndexFailureCountAnnotation: a missing, unreadable, negative or past-int32 count is 0."""
    text = (pod.get("metadata", {}).get("annotations") or {}).get(key)
    try:
        value = int(text) if text is not None else 0
    except ValueError:
        return 0
    return value if 0 <= value <= 2**31 - 1 else 0


def index_failure_count(pod: Obj) -> int:
    """getIndexFailureCount: the failures of the pod's index before this pod (its annotation)."""
    return _count_annotation(pod, FAILURE_COUNT_ANNOTATION)


def index_absolute_failure_count(pod: Obj) -> int:
    """getIndexAbsoluteFailureCount: counted and ignored failures of the index before this pod."""
    return index_failure_count(pod) + _count_annotation(pod, IGNORED_FAILURE_COUNT_ANNOTATION)


def is_index_failed(job: Obj, pod: Obj, pod_failed: bool) -> bool:
    """isIndexFailed: a FailIndex rule matched the failed pod, or its counted failure reaches the per-index
    limit (the pod's index failure count, before it, at or past backoffLimitPerIndex)."""
    if not pod_failed:
        return False
    policy = job["spec"].get("podFailurePolicy")
    counts = True
    if policy is not None:
        from kspec.controllers import pod_failure_policy

        got = pod_failure_policy.match(policy, pod)
        if got.action == "FailIndex":
            return True
        counts = got.counts
    return counts and index_failure_count(pod) >= job["spec"]["backoffLimitPerIndex"]


def new_index_failure_counts(job: Obj, replaced: Obj | None) -> tuple[int, int]:
    """getNewIndexFailureCounts: the replacement's (failure, ignored failure) counts: the replaced pod's, plus
    its own failure, counted or ignored as the podFailurePolicy says."""
    if replaced is None:
        return 0, 0
    count = index_failure_count(replaced)
    ignored = _count_annotation(replaced, IGNORED_FAILURE_COUNT_ANNOTATION)
    policy = job["spec"].get("podFailurePolicy")
    if policy is not None:
        from kspec.controllers import pod_failure_policy

        if pod_failure_policy.match(policy, replaced).counts:
            count += 1
        else:
            ignored += 1
    else:
        count += 1
    return count, ignored
