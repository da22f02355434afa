"""A Job's successPolicy (pkg/controller/job/success_policy.go): an Indexed Job succeeds early.

Rules are tried in order; the first whose ``succeededIndexes`` (all of them, or at
least ``succeededCount`` of them) or, without indexes, whose ``succeededCount`` the
succeeded indexes satisfy gives the Job the ``SuccessCriteriaMet`` condition with
reason ``SuccessPolicy`` and the message ``Matched rules at index <i>``.
"""

from __future__ import annotations

from typing import Any

from kspec.controllers import indexed_job

#: batch.JobReasonSuccessPolicy
REASON = "SuccessPolicy"


def match(policy: dict[str, Any] | None, completions: int, succeeded: list[tuple[int, int]]) -> str | None:
    """matchSuccessPolicy: the message of the first rule the succeeded index intervals satisfy, else None."""
    if not policy or not succeeded:
        return None
    total = sum(b - a + 1 for a, b in succeeded)
    for i, rule in enumerate(policy.get("rules") or []):
        count = rule.get("succeededCount")
        if rule.get("succeededIndexes") is not None:
            required = indexed_job.parse_indexes(rule["succeededIndexes"], completions)
            if not required:
                continue  # an unreadable rule is skipped
            if _matches_indexes(required, succeeded, count):
                return f"Matched rules at index {i}"
        elif count is not None and total >= count:
            return f"Matched rules at index {i}"
    return None


def _matches_indexes(required: list[tuple[int, int]], succeeded: list[tuple[int, int]], count: int | None) -> bool:
    """matchSucceededIndexesRule: every required index succeeded, or at least ``count`` of them."""
    done = {i for a, b in succeeded for i in range(a, b + 1)}
    wanted = [i for a, b in required for i in range(a, b + 1)]
    contains = sum(1 for i in wanted if i in done)
    return contains == len(wanted) or (count is not None and contains >= count)
