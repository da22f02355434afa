"""DaemonSet validation: upstream's ValidateDaemonSetUpdate table (pkg/apis/apps/validation).

ValidateDaemonSetUpdate does not hold the selector immutable: apps/v1's strategy adds that check, so the
adapter leaves out kspec's ``spec.selector`` immutability error. apps/v1 has no ``spec.templateGeneration``
(the registry keeps it on the internal object), so cases about it are unreachable through the API.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import FIELD_IMMUTABLE
from tests.upstream.api.adapter import container, errors, make_pod_spec, obj
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/apps/validation/validation_test.go"

SEL, SEL2 = {"a": "b"}, {"c": "d"}
BAD_SEL = {"NoUppercaseOrSpecialCharsLike=Equals": "b"}
SPEC_ABC = make_pod_spec([container("abc")])
SPEC_DEF = make_pod_spec([container("def")])
SPEC_NODE = make_pod_spec(nodeSelector=SEL, nodeName="xyz")
SPEC_VOLUME = make_pod_spec(volumes=[{"name": "gcepd", "gcePersistentDisk": {"pdName": "my-PD", "fsType": "ext4",
                                                                               "partition": 1}}])


def tmpl(labels: dict[str, str], spec: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"labels": dict(labels)}, "spec": spec}


T_ABC, T_ABC2, T_DEF = tmpl(SEL, SPEC_ABC), tmpl(SEL2, SPEC_ABC), tmpl(SEL2, SPEC_DEF)
T_ABC_EQ = tmpl(SEL, {**SPEC_ABC, "imagePullSecrets": []})
T_NODE, T_VOLUME = tmpl(SEL, SPEC_NODE), tmpl(SEL, SPEC_VOLUME)
T_INVALID = tmpl(SEL, make_pod_spec([]))
ON_DELETE = {"type": "OnDelete"}
ROLLING = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}


def ds(selector: dict[str, str] = SEL, template: dict[str, Any] = T_ABC, strategy: dict[str, Any] = ON_DELETE,
       name: str = "abc") -> dict[str, Any]:
    return obj("apps/v1", "DaemonSet", name, {"selector": {"matchLabels": selector}, "template": template,
                                             "updateStrategy": strategy})


_TEMPLATE_GENERATION = ("apps/v1 has no spec.templateGeneration; the registry sets the internal field, so "
                        "a client cannot send it")
F = "TestValidateDaemonSetUpdate"
CASES = [
    case(F, "no change", old=ds(), new=ds(), n=0),
    case(F, "change template and selector", old=ds(), new=ds(SEL2, T_ABC2), n=0),
    case(F, "change template", old=ds(), new=ds(template=T_NODE), n=0),
    case(F, "change container image name", old=ds(), new=ds(SEL2, T_DEF), n=0),
    case(F, "change update strategy", old=ds(), new=ds(strategy=ROLLING), n=0),
    case(F, "unchanged templateGeneration upon semantically equal template update", old=ds(),
         new=ds(template=T_ABC_EQ, strategy=ROLLING), n=0),
    case(F, "Read-write volume verification", old=ds(), new=ds(template=T_VOLUME), n=0),
    case(F, "change daemon name", old=ds(name=""), new=ds(), n=1),
    case(F, "invalid selector", old=ds(), new=ds(BAD_SEL), n=1),
    case(F, "invalid pod", old=ds(), new=ds(template=T_INVALID), n=1),
    case(F, "invalid update strategy", old=ds(), new=ds(strategy={"type": "Random"}), n=1),
    case(F, "negative templateGeneration", unreachable=_TEMPLATE_GENERATION, old=ds(), new=ds(), n=1),
    case(F, "decreased templateGeneration", unreachable=_TEMPLATE_GENERATION, old=ds(), new=ds(), n=1),
    case(F, "unchanged templateGeneration upon template update", unreachable=_TEMPLATE_GENERATION,
         old=ds(), new=ds(SEL2, T_ABC2), n=1),
]


@pytest.mark.parametrize("c", CASES)
def test_validate_daemonset_update(c: dict[str, Any]) -> None:
    old, new = c["old"], c["new"]
    old["metadata"]["resourceVersion"], new["metadata"]["resourceVersion"] = "1", "2"
    errs = [e for e in errors(new, old) if not (e.field == "spec.selector" and e.detail == FIELD_IMMUTABLE)]
    assert len(errs) == c["n"], [str(e) for e in errs]


T_VALID = tmpl(SEL, make_pod_spec())
T_HOSTNET = tmpl(SEL, make_pod_spec([container("abc", ports=[{"containerPort": 12345, "protocol": "TCP"}])],
                                    hostNetwork=True))
NO_LABELS = {"metadata": {}, "spec": make_pod_spec()}  # podtest.SetLabels on MakePodSpec drops the labels
BAD_LABELS = {"NoUppercaseOrSpecialCharsLike=Equals": "bar"}
EPHEMERAL = tmpl(SEL, make_pod_spec(ephemeralContainers=[{"name": "debug", "image": "image",
                                                          "imagePullPolicy": "IfNotPresent",
                                                          "terminationMessagePolicy": "File"}]))


def ds_spec(selector: dict[str, Any] | None = None, template: dict[str, Any] | None = T_VALID,
            strategy: dict[str, Any] | None = None, name: str = "abc", namespace: str | None = "default",
            **meta: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if selector is not None:
        spec["selector"] = selector
    if template is not None:
        spec["template"] = template
    if strategy is not None:
        spec["updateStrategy"] = strategy
    return obj("apps/v1", "DaemonSet", name, spec, namespace=namespace, **meta)


# TestValidateDaemonSet's error cases carry no update strategy: ValidateDaemonSet reports it too, and the
# test accepts any field under spec.updateStrategy
_ALLOWED = ("metadata.name", "metadata.namespace", "spec.selector", "spec.template", "GCEPersistentDisk.ReadOnly",
            "spec.template.labels", "metadata.annotations", "metadata.labels")
D = "TestValidateDaemonSet"
VALIDATE = [
    case(D, "successCases[0]", ds=ds_spec({"matchLabels": SEL}, strategy=ON_DELETE), ok=True),
    case(D, "successCases[1]", ds=ds_spec({"matchLabels": SEL}, strategy=ON_DELETE, name="abc-123"), ok=True),
    case(D, "successCases[2]", ds=ds_spec({"matchLabels": SEL}, T_HOSTNET, ON_DELETE, name="hostnet"), ok=True),
    case(D, "zero-length ID", ds=ds_spec({"matchLabels": SEL}, name=""), ok=False),
    case(D, "missing-namespace", ds=ds_spec({"matchLabels": SEL}, name="abc-123", namespace=None), ok=False),
    case(D, "nil selector", ds=ds_spec(None), ok=False),
    case(D, "empty selector", ds=ds_spec({}), ok=False),
    case(D, "selector_doesnt_match", ds=ds_spec({"matchLabels": {"foo": "bar"}}), ok=False),
    case(D, "invalid template", ds=ds_spec({"matchLabels": SEL}, None), ok=False),
    case(D, "invalid_label", ds=ds_spec({"matchLabels": SEL}, name="abc-123", labels=BAD_LABELS), ok=False),
    case(D, "invalid_label 2", ds=ds_spec(None, {"metadata": {}, "spec": make_pod_spec()}, name="abc-123",
                                          labels=BAD_LABELS), ok=False),
    case(D, "invalid_annotation", ds=ds_spec({"matchLabels": SEL}, name="abc-123", annotations=BAD_LABELS),
         ok=False),
    case(D, "invalid restart policy 1", ds=ds_spec({"matchLabels": SEL}, {"metadata": {}, "spec": make_pod_spec(
        restartPolicy="OnFailure")}, name="abc-123"), ok=False),
    case(D, "invalid restart policy 2", ds=ds_spec({"matchLabels": SEL}, {"metadata": {}, "spec": make_pod_spec(
        restartPolicy="Never")}, name="abc-123"), ok=False),
    case(D, "template may not contain ephemeral containers", ds=ds_spec({"matchLabels": SEL}, EPHEMERAL, ON_DELETE),
         ok=False),
]


@pytest.mark.parametrize("c", VALIDATE)
def test_validate_daemonset(c: dict[str, Any]) -> None:
    errs = errors(c["ds"])
    if c["ok"]:
        assert errs == []
        return
    assert errs
    stray = [str(e) for e in errs if not (e.field.startswith(("spec.template.", "spec.updateStrategy"))
                                          or e.field in _ALLOWED)]
    assert stray == []


S = "TestDaemonSetUpdateMaxSurge"
MAX_SURGE = [
    case(S, "invalid: unset", ru={}, err=True),
    case(S, "invalid: zero percent", ru={"maxUnavailable": "0%"}, err=True),
    case(S, "invalid: zero", ru={"maxUnavailable": 0}, err=True),
    case(S, "valid: one", ru={"maxUnavailable": 1}, err=False),
    case(S, "valid: one percent", ru={"maxUnavailable": "1%"}, err=False),
    case(S, "valid: 100%", ru={"maxUnavailable": "100%"}, err=False),
    case(S, "invalid: greater than 100%", ru={"maxUnavailable": "101%"}, err=True),
    case(S, "valid: surge and unavailable set", ru={"maxUnavailable": "1%", "maxSurge": "1%"}, err=True),
    case(S, "invalid: surge enabled, unavailable zero percent", ru={"maxUnavailable": "0%"}, err=True),
    case(S, "invalid: surge enabled, unavailable zero", ru={"maxUnavailable": 0}, err=True),
    case(S, "valid: surge enabled, unavailable one", ru={"maxUnavailable": 1}, err=False),
    case(S, "valid: surge enabled, unavailable one percent", ru={"maxUnavailable": "1%"}, err=False),
    case(S, "valid: surge enabled, unavailable 100%", ru={"maxUnavailable": "100%"}, err=False),
    case(S, "invalid: surge enabled, unavailable greater than 100%", ru={"maxUnavailable": "101%"}, err=True),
    case(S, "invalid: surge enabled, surge zero percent", ru={"maxSurge": "0%"}, err=True),
    case(S, "invalid: surge enabled, surge zero", ru={"maxSurge": 0}, err=True),
    case(S, "valid: surge enabled, surge one", ru={"maxSurge": 1}, err=False),
    case(S, "valid: surge enabled, surge one percent", ru={"maxSurge": "1%"}, err=False),
    case(S, "valid: surge enabled, surge 100%", ru={"maxSurge": "100%"}, err=False),
    case(S, "invalid: surge enabled, surge greater than 100%", ru={"maxSurge": "101%"}, err=True),
    case(S, "invalid: surge enabled, surge and unavailable set", ru={"maxUnavailable": "1%", "maxSurge": "1%"},
         err=True),
    case(S, "invalid: surge enabled, surge and unavailable zero percent",
         ru={"maxUnavailable": "0%", "maxSurge": "0%"}, err=True),
    case(S, "invalid: surge enabled, surge and unavailable zero", ru={"maxUnavailable": 0, "maxSurge": 0}, err=True),
    case(S, "invalid: surge enabled, surge and unavailable mixed zero", ru={"maxUnavailable": 0, "maxSurge": "0%"},
         err=True),
]


@pytest.mark.parametrize("c", MAX_SURGE)
def test_daemonset_update_max_surge(c: dict[str, Any]) -> None:
    """ValidateRollingUpdateDaemonSet, through a DaemonSet whose strategy is RollingUpdate with this block."""
    errs = errors(ds(strategy={"type": "RollingUpdate", "rollingUpdate": c["ru"]}))
    assert [e.field for e in errs if not e.field.startswith("spec.updateStrategy.rollingUpdate")] == []
    assert bool(errs) == c["err"], [str(e) for e in errs]
