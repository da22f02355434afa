"""ReplicaSet and Deployment update validation: upstream's TestValidateReplicaSet, TestValidateReplicaSetUpdate
and TestValidateDeploymentUpdate (error counts). The selector's immutability is apps/v1's strategy check,
not ValidateXUpdate's, so the adapter leaves kspec's ``spec.selector`` immutability error out."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import FIELD_IMMUTABLE
from tests.upstream.api.adapter import container, errors, make_pod_spec, obj
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/apps/validation/validation_test.go"

SEL = {"a": "b"}
BAD = {"NoUppercaseOrSpecialCharsLike=Equals": "b"}
GCE = [{"name": "gcepd", "gcePersistentDisk": {"pdName": "my-PD", "fsType": "ext4", "partition": 1}}]
T_VALID = {"metadata": {"labels": SEL}, "spec": make_pod_spec()}
T_HOSTNET = {"metadata": {"labels": SEL}, "spec": make_pod_spec(
    [container("abc", ports=[{"containerPort": 12345, "protocol": "TCP"}])], hostNetwork=True)}
T_RW = {"metadata": {"labels": SEL}, "spec": make_pod_spec(volumes=GCE)}
T_BAD_NO_CONTAINERS = {"metadata": {"labels": BAD}, "spec": make_pod_spec([])}
T_BAD = {"metadata": {"labels": BAD}, "spec": make_pod_spec()}


def rs(name: str = "abc", selector: dict[str, Any] | None = None, template: dict[str, Any] | None = T_VALID,
       replicas: int | None = None, namespace: str | None = "default", kind: str = "ReplicaSet",
       **meta: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if replicas is not None:
        spec["replicas"] = replicas
    if selector is not None:
        spec["selector"] = {"matchLabels": selector}
    if template is not None:
        spec["template"] = template
    if kind == "Deployment":
        spec["strategy"] = {"type": "Recreate"}
    return obj("apps/v1", kind, name, spec, namespace=namespace, **meta)


_ALLOWED = ("metadata.name", "metadata.namespace", "spec.selector", "spec.template", "GCEPersistentDisk.ReadOnly",
            "spec.replicas", "spec.template.labels", "metadata.annotations", "metadata.labels", "status.replicas")
R = "TestValidateReplicaSet"
VALIDATE = [
    case(R, "successCases[0]", rs=rs(selector=SEL), ok=True),
    case(R, "successCases[1]", rs=rs("abc-123", SEL), ok=True),
    case(R, "successCases[2]", rs=rs("hostnet", SEL, T_HOSTNET), ok=True),
    case(R, "successCases[3]", rs=rs("abc-123", SEL, T_RW, replicas=1), ok=True),
    case(R, "zero-length ID", rs=rs("", SEL), ok=False),
    case(R, "missing-namespace", rs=rs("abc-123", SEL, namespace=None), ok=False),
    case(R, "empty selector", rs=rs(), ok=False),
    case(R, "selector_doesnt_match", rs=rs(selector={"foo": "bar"}), ok=False),
    case(R, "invalid manifest", rs=rs(selector=SEL, template=None), ok=False),
    case(R, "read-write persistent disk with > 1 pod", rs=rs(selector=SEL, template=T_RW, replicas=2, namespace=None),
         ok=False),
    case(R, "negative_replicas", rs=rs(selector=SEL, template=None, replicas=-1), ok=False),
    case(R, "invalid_label", rs=rs("abc-123", SEL, labels={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}),
         ok=False),
    case(R, "invalid_label 2", rs=rs("abc-123", template=T_BAD, labels={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}),
         ok=False),
    case(R, "invalid_annotation", rs=rs("abc-123", SEL, annotations={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}),
         ok=False),
    case(R, "invalid restart policy 1", rs=rs("abc-123", SEL, {"metadata": {"labels": SEL},
                                                               "spec": make_pod_spec(restartPolicy="OnFailure")}),
         ok=False),
    case(R, "invalid restart policy 2", rs=rs("abc-123", SEL, {"metadata": {"labels": SEL},
                                                               "spec": make_pod_spec(restartPolicy="Never")}),
         ok=False),
]


@pytest.mark.parametrize("c", VALIDATE)
def test_validate_replicaset(c: dict[str, Any]) -> None:
    errs = errors(c["rs"])
    if c["ok"]:
        assert errs == []
        return
    assert errs
    assert [str(e) for e in errs if not (e.field.startswith("spec.template.") or e.field in _ALLOWED)] == []


def _update_cases(func: str, kind: str) -> list[Any]:
    return [
        case(func, "positive replicas", old=rs(selector=SEL, kind=kind),
             new=rs(selector=SEL, replicas=3 if kind == "ReplicaSet" else 1,
                    template=T_VALID if kind == "ReplicaSet" else T_RW, kind=kind), n=0),
        case(func, "Read-write volume verification", old=rs(selector=SEL, kind=kind),
             new=rs(selector=SEL, template=T_RW, replicas=3 if kind == "ReplicaSet" else 2, kind=kind), n=0),
        case(func, "invalid selector", old=rs("", SEL, kind=kind), new=rs(selector=BAD, replicas=2, kind=kind), n=3),
        case(func, "invalid pod", old=rs("", SEL, kind=kind),
             new=rs(selector=SEL, template=T_BAD_NO_CONTAINERS, replicas=2, kind=kind), n=4),
        case(func, "negative replicas", old=rs(selector=SEL, kind=kind),
             new=rs(selector=SEL, replicas=-1, template=T_VALID if kind == "ReplicaSet" else T_RW, kind=kind), n=1),
    ]


UPDATE = _update_cases("TestValidateReplicaSetUpdate", "ReplicaSet") + _update_cases(
    "TestValidateDeploymentUpdate", "Deployment")


@pytest.mark.parametrize("c", UPDATE)
def test_validate_update(c: dict[str, Any]) -> None:
    old, new = c["old"], c["new"]
    old["metadata"]["resourceVersion"], new["metadata"]["resourceVersion"] = "1", "2"
    errs = [e for e in errors(new, old) if not (e.field == "spec.selector" and e.detail == FIELD_IMMUTABLE)]
    assert len(errs) == c["n"], [str(e) for e in errs]
