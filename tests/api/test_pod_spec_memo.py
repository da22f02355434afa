"""ValidatePodSpec remembers the specs that validated clean: a ReplicaSet's pods share one spec."""

from __future__ import annotations

import copy

import pytest

from kspec.api import validation

SPEC = {"containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Always",
                        "terminationMessagePolicy": "File", "terminationMessagePath": "/dev/termination-log"}],
        "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30}


def test_a_clean_spec_is_validated_once_and_a_changed_or_broken_one_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = validation._validate_containers
    monkeypatch.setattr(validation, "_validate_containers", lambda *a: calls.append(a) or real(*a))
    spec = copy.deepcopy(SPEC)
    spec["containers"][0]["name"] = "memo-test"  # a spec no other test validated
    assert validation.validate_pod_spec(spec, "spec") == []
    assert validation.validate_pod_spec(copy.deepcopy(spec), "spec") == []
    assert len(calls) == 1
    other = copy.deepcopy(spec)
    other["containers"][0]["image"] = "nginx:2"
    assert validation.validate_pod_spec(other, "spec") == []
    assert len(calls) == 2
    broken = copy.deepcopy(spec)
    broken["restartPolicy"] = "Sometimes"
    first = [str(e) for e in validation.validate_pod_spec(broken, "spec")]
    assert first and [str(e) for e in validation.validate_pod_spec(broken, "spec")] == first
    assert len(calls) == 4
    # the path is part of what is remembered: a template's spec reports under its own path
    assert [str(e) for e in validation.validate_pod_spec(broken, "spec.template.spec")] != first
