"""ValidatePodSpec remembers the templates' specs that validated clean: workloads are written again and again."""

from __future__ import annotations

import copy

import pytest

from kspec.api import validation

T = "spec.template.spec"
SPEC = {"containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Always",
                        "terminationMessagePolicy": "File", "terminationMessagePath": "/dev/termination-log"}],
        "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30}


def test_a_clean_spec_is_validated_once_and_a_changed_or_broken_one_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = validation._validate_containers
    monkeypatch.setattr(validation, "_validate_containers", lambda *a: calls.append(a) or real(*a))
    spec = copy.deepcopy(SPEC)
    spec["containers"][0]["name"] = "memo-test"  # a spec no other test validated
    assert validation.validate_pod_spec(spec, T) == []
    assert validation.validate_pod_spec(copy.deepcopy(spec), T) == []
    assert len(calls) == 1
    other = copy.deepcopy(spec)
    other["containers"][0]["image"] = "nginx:2"
    assert validation.validate_pod_spec(other, T) == []
    assert len(calls) == 2
    broken = copy.deepcopy(spec)
    broken["restartPolicy"] = "Sometimes"
    first = [str(e) for e in validation.validate_pod_spec(broken, T)]
    assert first and [str(e) for e in validation.validate_pod_spec(broken, T)] == first
    assert len(calls) == 4
    # the path is part of what is remembered: a spec reports under its own path
    assert [str(e) for e in validation.validate_pod_spec(broken, "spec.jobTemplate.spec.template.spec")] != first
    # a pod's own spec is validated every time (each pod has its own token volume: nothing to share)
    validation.validate_pod_spec(spec, "spec")
    validation.validate_pod_spec(spec, "spec")
    assert len(calls) == 7
