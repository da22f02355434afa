"""Pure parts of the ReplicaSet controller (pkg/controller/replicaset replica_set.go, replica_set_utils.go).

slowStartBatch creates pods in batches of 1, 2, 4, ... and stops after the
first batch with a failure, so a template the API rejects costs one call, not
``replicas`` calls; getPodsToDelete ranks pods only when some are to stay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kspec.controllers.controller_utils import rank_for_deletion
from kspec.objects import Obj


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
