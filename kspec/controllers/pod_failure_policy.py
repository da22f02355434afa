"""A Job's podFailurePolicy (pkg/controller/job/pod_failure_policy.go matchPodFailurePolicy).

The first rule that matches a failed pod decides: FailJob fails the Job with a message naming the
container or condition, Ignore keeps the failure out of the backoffLimit count, Count counts it, and
FailIndex fails the pod's index. A rule with an unknown action or operator is skipped; with no rule
matching, the failure counts.
"""

from __future__ import annotations

from typing import Any

from kspec.objects import Obj

FAIL_JOB, IGNORE, COUNT, FAIL_INDEX = "FailJob", "Ignore", "Count", "FailIndex"
KNOWN_ACTIONS = (FAIL_JOB, IGNORE, COUNT, FAIL_INDEX)
POD_FAILURE_POLICY_REASON = "PodFailurePolicy"  # batch.JobReasonPodFailurePolicy


def _exit_code_match(requirement: dict[str, Any], pod: Obj) -> tuple[str, int] | None:
    """getMatchingContainerFromList over init and regular containers: the first failed one the requirement takes.

    Containers still running or that exited with code 0 are passed over.
    """
    operator = requirement.get("operator")
    values = set(requirement.get("values") or [])
    if operator not in ("In", "NotIn"):
        return None
    status = pod.get("status") or {}
    for cs in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        terminated = (cs.get("state") or {}).get("terminated")
        if terminated is None:
            continue
        code = int(terminated.get("exitCode", 0))
        if code == 0:
            continue
        if (code in values) == (operator == "In"):
            return cs.get("name", ""), code
    return None


def _condition_match(patterns: list[dict[str, Any]], pod: Obj) -> str | None:
    """The first pod condition some pattern names with the same status."""
    for cond in (pod.get("status") or {}).get("conditions") or []:
        for pattern in patterns:
            if cond.get("type") == pattern.get("type") and cond.get("status") == pattern.get("status", "True"):
                return cond["type"]
    return None


def match_pod_failure_policy(policy: dict[str, Any] | None, pod: Obj) -> tuple[str | None, bool, dict | None]:
    """matchPodFailurePolicy: (the Job failure message, whether the failure counts, the matching rule)."""
    if not policy:
        return None, True, None
    key = f"{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}"
    for index, rule in enumerate(policy.get("rules") or []):
        action = rule.get("action")
        if action not in KNOWN_ACTIONS:
            continue
        if rule.get("onExitCodes") is not None:
            found = _exit_code_match(rule["onExitCodes"], pod)
            if found is None:
                continue
            name, code = found
            message = (f"Container {name} for pod {key} failed with exit code {code} matching {action} rule at "
                       f"index {index}")
        elif rule.get("onPodConditions"):
            ctype = _condition_match(rule["onPodConditions"], pod)
            if ctype is None:
                continue
            message = f"Pod {key} has condition {ctype} matching {action} rule at index {index}"
        else:
            continue
        if action == FAIL_JOB:
            return message, True, rule
        return None, action != IGNORE, rule
    return None, True, None
