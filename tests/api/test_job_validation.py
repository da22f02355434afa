"""Job podFailurePolicy and podReplacementPolicy validation, as pkg/apis/batch/validation words it."""

from __future__ import annotations

from typing import Any

from kspec.api.admission import admit_job
from kspec.api.defaults import apply_defaults
from kspec.api.validation import validate


def _job(restart: str = "Never", **spec: Any) -> dict:
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "namespace": "default"},
           "spec": {"template": {"spec": {"restartPolicy": restart,
                                          "containers": [{"name": "main", "image": "x"}]}}, **spec}}
    apply_defaults(job)
    job["metadata"]["uid"] = "u1"
    admit_job(job, None)  # type: ignore[arg-type]  # the registry's generated selector, as the server does
    return job


def _messages(job: dict) -> list[str]:
    return [str(e) for e in validate(job)]


def _rules(*rules: dict) -> dict:
    return {"rules": list(rules)}


def test_a_valid_policy_passes_and_pattern_status_defaults_to_true() -> None:
    job = _job(podFailurePolicy=_rules(
        {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [1, 42]}},
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]},
        {"action": "Count", "onExitCodes": {"operator": "NotIn", "values": [0, 3]}}))
    assert _messages(job) == []
    assert job["spec"]["podFailurePolicy"]["rules"][1]["onPodConditions"][0]["status"] == "True"
    assert job["spec"]["podReplacementPolicy"] == "Failed"


def test_policy_needs_restart_policy_never() -> None:
    job = _job("OnFailure", podFailurePolicy=_rules({"action": "Ignore", "onExitCodes": {"operator": "In",
                                                                                        "values": [3]}}))
    assert _messages(job) == ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is '
                              'supported when podFailurePolicy is specified']


def test_rule_errors() -> None:
    job = _job(podFailurePolicy=_rules(
        {"onExitCodes": {"operator": "In", "values": [0, 3, 3, 1]}},
        {"action": "Retry", "onExitCodes": {"containerName": "nope", "values": []}},
        {"action": "FailIndex", "onPodConditions": [{"type": "DisruptionTarget", "status": "Maybe"}],
         "onExitCodes": {"operator": "Between", "values": [1]}},
        {"action": "Count"}))
    assert _messages(job) == [
        'spec.podFailurePolicy.rules[0].action: Required value: valid values: ["Count" "FailIndex" "FailJob" '
        '"Ignore"]',
        "spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator",
        "spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3",
        "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [0,3,3,1]: must be ordered",
        'spec.podFailurePolicy.rules[1].action: Unsupported value: "Retry": supported values: "Count", '
        '"FailIndex", "FailJob", "Ignore"',
        'spec.podFailurePolicy.rules[1].onExitCodes.operator: Required value: valid values: ["In" "NotIn"]',
        'spec.podFailurePolicy.rules[1].onExitCodes.containerName: Invalid value: "nope": must be one of the '
        "container or initContainer names in the pod template",
        "spec.podFailurePolicy.rules[1].onExitCodes.values: Invalid value: []: at least one value is required",
        'spec.podFailurePolicy.rules[2].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to '
        "be set",
        'spec.podFailurePolicy.rules[2].onExitCodes.operator: Unsupported value: "Between": supported values: '
        '"In", "NotIn"',
        'spec.podFailurePolicy.rules[2].onPodConditions[0].status: Unsupported value: "Maybe": supported values: '
        '"False", "True", "Unknown"',
        "spec.podFailurePolicy.rules[2]: Invalid value: specifying both OnExitCodes and OnPodConditions is not "
        "supported",
        "spec.podFailurePolicy.rules[3]: Invalid value: specifying one of OnExitCodes and OnPodConditions is "
        "required",
    ]


def test_too_many_rules() -> None:
    rule = {"action": "Count", "onExitCodes": {"operator": "In", "values": [1]}}
    job = _job(podFailurePolicy=_rules(*[rule] * 21))
    assert _messages(job) == ["spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items"]


def test_pod_replacement_policy() -> None:
    pfp = _rules({"action": "Ignore", "onExitCodes": {"operator": "In", "values": [3]}})
    assert _messages(_job(podFailurePolicy=pfp, podReplacementPolicy="TerminatingOrFailed")) == [
        'spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"']
    assert _messages(_job(podReplacementPolicy="Sometimes")) == [
        'spec.podReplacementPolicy: Unsupported value: "Sometimes": supported values: "Failed", '
        '"TerminatingOrFailed"']
    assert _messages(_job(podReplacementPolicy="TerminatingOrFailed")) == []
