"""ValidatePodSpec remembers the specs that validated clean: workloads are written again and again, and pods made
from one template or manifest differ only by their token volume's name."""

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
    # a pod's own spec is remembered too, under its own path
    validation.validate_pod_spec(spec, "spec")
    validation.validate_pod_spec(spec, "spec")
    assert len(calls) == 6


def _pod_spec(volume: str, image: str = "nginx") -> dict:
    """A pod's spec as the ServiceAccount admission leaves it: its token volume, mounted in its container."""
    spec = copy.deepcopy(SPEC)
    spec["containers"][0]["image"] = image
    spec["containers"][0]["volumeMounts"] = [
        {"name": volume, "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]
    spec["volumes"] = [{"name": volume, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}]
    return spec


def test_pods_that_differ_only_by_their_token_volume_name_are_validated_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = validation._validate_containers
    monkeypatch.setattr(validation, "_validate_containers", lambda *a: calls.append(a) or real(*a))
    image = "token-memo-test"  # a spec no other test validated
    assert validation.validate_pod_spec(_pod_spec("kube-api-access-bcdfg", image), "spec") == []
    assert validation.validate_pod_spec(_pod_spec("kube-api-access-xz245", image), "spec") == []
    assert len(calls) == 1
    # a name of another shape is not the generated one: validated again
    assert validation.validate_pod_spec(_pod_spec("kube-api-access-abcde", image), "spec") == []
    assert len(calls) == 2
    # the renamed mount must still name the volume: a spec whose mount names another volume is refused
    broken = _pod_spec("kube-api-access-hjklm", image)
    broken["containers"][0]["volumeMounts"][0]["name"] = "kube-api-access-hjkln"
    errors = [str(e) for e in validation.validate_pod_spec(broken, "spec")]
    assert any("kube-api-access-hjkln" in e for e in errors), errors
    assert len(calls) == 3


def test_a_spec_naming_its_token_volume_elsewhere_or_holding_the_stand_in_is_not_remembered(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = validation._validate_containers
    monkeypatch.setattr(validation, "_validate_containers", lambda *a: calls.append(a) or real(*a))
    # the name where no volume or mount is named: renaming only the names would not rename it
    spec = _pod_spec("kube-api-access-bcdfg", "elsewhere-test")
    spec["containers"][0]["args"] = ["kube-api-access-bcdfg"]
    assert validation._spec_key(spec, "spec") is None
    assert validation.validate_pod_spec(spec, "spec") == []
    assert validation.validate_pod_spec(spec, "spec") == []
    assert len(calls) == 2
    # ... or inside another string (a path): renaming would change that string too
    spec = _pod_spec("kube-api-access-bcdfg", "elsewhere-test")
    spec["containers"][0]["volumeMounts"][0]["mountPath"] = "/var/kube-api-access-bcdfg"
    assert validation._spec_key(spec, "spec") is None
    # the stand-in itself (never in a decoded spec, which holds no bytes)
    spec = _pod_spec("kube-api-access-bcdfg", "stand-in-test")
    spec["containers"][0]["args"] = [validation.TOKEN_STAND_IN]
    assert validation._spec_key(spec, "spec") is None
    # two names of the generated shape: neither is known to be the admission's
    spec = _pod_spec("kube-api-access-bcdfg", "two-test")
    spec["volumes"].append({**spec["volumes"][0], "name": "kube-api-access-bcdfh"})
    assert validation._spec_key(spec, "spec") is None


def test_specs_with_one_key_differ_only_by_the_token_name() -> None:
    a, b = _pod_spec("kube-api-access-bcdfg"), _pod_spec("kube-api-access-xz245")
    assert validation._spec_key(a, "spec") == validation._spec_key(b, "spec") is not None
    assert validation._spec_key(a, "spec") != validation._spec_key(a, "spec.template.spec")
    b["containers"][0]["volumeMounts"][0]["readOnly"] = False
    assert validation._spec_key(a, "spec") != validation._spec_key(b, "spec")
    # the same value gives the same key whatever objects it is made of (marshal version 2 has no references)
    shared = _pod_spec("kube-api-access-bcdfg")
    shared["containers"][0]["image"] = shared["containers"][0]["imagePullPolicy"] = "Always"
    fresh = copy.deepcopy(shared)
    fresh["containers"][0]["image"] = "".join(["Alw", "ays"])
    assert validation._spec_key(shared, "spec") == validation._spec_key(fresh, "spec")
