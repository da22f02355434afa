"""Pure parts of the ReplicaSet controller (pkg/controller/replicaset replica_set.go, replica_set_utils.go).

slowStartBatch creates pods in batches of 1, 2, 4, ... and stops after the
first batch with a failure, so a template the API rejects costs one call, not
``replicas`` calls; getPodsToDelete ranks pods only when some are to stay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kspec.controllers.controller_utils import is_pod_available, is_pod_ready, rank_for_deletion
from kspec.labels import Selector
from kspec.objects import Obj, clone
from kspec.objects import set_condition as set_obj_condition


def slow_start_batch(count: int, initial: int, fn: Callable[[], Exception | None]) -> tuple[int, Exception | None]:
    """slowStartBatch: (successes, the first error of the first failing batch); every call of a batch runs."""
    remaining, successes = count, 0
    size = min(remaining, initial)
    while size > 0:
        errors = [err for err in (fn() for _ in range(size)) if err is not None]
        successes += size - len(errors)
        if errors:
            return successes, errors[0]
        remaining -= size
        size = min(2 * size, remaining)
    return successes, None


def pods_to_delete(pods: list[Obj], related: Iterable[Obj], diff: int, now_ms: int) -> list[Obj]:
    """getPodsToDelete: the ``diff`` first by ActivePodsWithRanks; all of them, unsorted, when none stays."""
    if diff < len(pods):
        pods = rank_for_deletion(pods, related, now_ms)
    return pods[:diff]


def get_condition(status: dict[str, Any], ctype: str) -> dict[str, Any] | None:
    """GetCondition: the status's condition of that type, if any."""
    return next((c for c in status.get("conditions") or [] if c.get("type") == ctype), None)


def set_condition(status: dict[str, Any], cond: dict[str, Any]) -> None:
    """SetCondition: no-op when status and reason are unchanged, else replace (moved to the end)."""
    current = get_condition(status, cond["type"])
    if current is not None and current.get("status") == cond.get("status") and \
            current.get("reason") == cond.get("reason"):
        return
    status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != cond["type"]] + [cond]


def remove_condition(status: dict[str, Any], ctype: str) -> None:
    """RemoveCondition: drop the condition of that type (and an emptied list)."""
    kept = [c for c in status.get("conditions") or [] if c.get("type") != ctype]
    if kept:
        status["conditions"] = kept
    else:
        status.pop("conditions", None)


def _set_count(status: dict[str, Any], field: str, value: int) -> None:
    """Counts other than replicas are omitempty in the API."""
    if value:
        status[field] = value
    else:
        status.pop(field, None)


def calculate_status(rs: Obj, pods: list[Obj], manage_error: str | None, now_ms: int) -> dict[str, Any]:
    """calculateStatus: the counts over ``pods``, and ReplicaFailure from the last manageReplicas error.

    The condition is added only when there is none yet (so a failure that repeats with a new pod name in
    its message does not rewrite the status), its reason FailedCreate or FailedDelete by which way the
    count is off; it goes once a sync succeeds.
    """
    mrs = rs["spec"].get("minReadySeconds", 0)
    template_labels = Selector.from_set((rs["spec"].get("template", {}).get("metadata") or {}).get("labels"))
    status = clone(rs.get("status") or {})
    status["replicas"] = len(pods)
    _set_count(status, "fullyLabeledReplicas",
               sum(1 for p in pods if template_labels.matches(p["metadata"].get("labels"))))
    _set_count(status, "readyReplicas", sum(1 for p in pods if is_pod_ready(p)))
    _set_count(status, "availableReplicas", sum(1 for p in pods if is_pod_available(p, mrs, now_ms)))
    if manage_error is not None and get_condition(status, "ReplicaFailure") is None:
        diff = len(pods) - rs["spec"].get("replicas", 1)
        reason = "FailedCreate" if diff < 0 else "FailedDelete" if diff > 0 else ""
        set_obj_condition({"status": status}, "ReplicaFailure", "True", now_ms, reason, manage_error)
    elif manage_error is None:
        remove_condition(status, "ReplicaFailure")
    return status
