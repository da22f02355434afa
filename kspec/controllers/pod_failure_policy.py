"""A Job's podFailurePolicy (pkg/controller/job/pod_failure_policy.go): what a failed pod means for its Job.

Rules are tried in order; the first that matches a failed pod decides: ``FailJob``
fails the whole Job at once (with a message naming the container and exit code,
or the pod condition, and the rule's index), ``Ignore`` keeps the failure out of
``status.failed`` and so out of ``backoffLimit``, ``Count`` counts it as usual,
``FailIndex`` gives up the pod's index at once (with ``backoffLimitPerIndex``).
A pod no rule matches counts as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kspec.objects import Obj

#: batch.JobReasonPodFailurePolicy
REASON = "PodFailurePolicy"


@dataclass(frozen=True)
class Match:
    """matchPodFailurePolicy's answer: the FailJob message, whether the failure counts, the action taken."""

    message: str | None = None
    counts: bool = True
    action: str | None = None
    rule: str | None = None  # the matching rule's name, when it has one


def match(policy: dict[str, Any] | None, pod: Obj) -> Match:
    """matchPodFailurePolicy: the first rule (onExitCodes or onPodConditions) that matches the failed pod."""
    if not policy:
        return Match()
    md, status = pod["metadata"], pod.get("status") or {}
    who = f"{md.get('namespace', '')}/{md.get('name', '')}"
    for index, rule in enumerate(policy.get("rules") or []):
        action = rule.get("action")
        if rule.get("onExitCodes") is not None:
            container = _matching_container(status, rule["onExitCodes"])
            if container is None:
                continue
            code = container["state"]["terminated"].get("exitCode", 0)
            found = (f"Container {container.get('name', '')} for pod {who} failed with exit code {code} matching "
                     f"{action} rule at index {index}")
        elif rule.get("onPodConditions"):
            condition = _matching_condition(status, rule["onPodConditions"])
            if condition is None:
                continue
            found = f"Pod {who} has condition {condition.get('type', '')} matching {action} rule at index {index}"
        else:
            continue
        name = rule.get("name")
        if action == "Ignore":
            return Match(counts=False, action=action, rule=name)
        if action == "Count":
            return Match(action=action, rule=name)
        if action == "FailJob":
            return Match(message=found, action=action, rule=name)
        if action == "FailIndex":
            return Match(action=action, rule=name)  # counts; only the index fails (backoffLimitPerIndex)
        # an action this controller does not know: the rule is skipped
    return Match()


def _matching_container(status: dict[str, Any], requirement: dict[str, Any]) -> dict[str, Any] | None:
    """matchOnExitCodes: regular containers first, then init containers; only terminated, non-zero exits."""
    for statuses in (status.get("containerStatuses"), status.get("initContainerStatuses")):
        for cs in statuses or []:
            terminated = (cs.get("state") or {}).get("terminated")
            if terminated is None:
                continue  # still terminating: no exit code to match
            name = requirement.get("containerName")
            code = terminated.get("exitCode", 0)
            if (name is None or name == cs.get("name")) and code != 0 and _operator_matches(code, requirement):
                return cs
    return None


def _operator_matches(code: int, requirement: dict[str, Any]) -> bool:
    """isOnExitCodesOperatorMatching: In / NotIn over the values; any other operator never matches."""
    values = requirement.get("values") or []
    operator = requirement.get("operator")
    if operator == "In":
        return code in values
    if operator == "NotIn":
        return code not in values
    return False


def _matching_condition(status: dict[str, Any], patterns: list[dict[str, Any]]) -> dict[str, Any] | None:
    """matchOnPodConditions: the pod's first condition equal in type and status to some pattern."""
    for condition in status.get("conditions") or []:
        for pattern in patterns:
            if condition.get("type") == pattern.get("type") and condition.get("status") == pattern.get("status",
                                                                                                       "True"):
                return condition
    return None
