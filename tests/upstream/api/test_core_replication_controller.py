"""ReplicationController validation: upstream's TestValidateReplicationController and
TestValidateReplicationControllerUpdate (pkg/apis/core/validation/validation_test.go). Success cases must
validate clean; error cases must fail, each error on one of the fields upstream allows."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.api.adapter import container, errors, make_pod_spec, obj
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

Obj = dict[str, Any]
SEL = {"a": "b"}
BAD = {"NoUppercaseOrSpecialCharsLike=Equals": "b"}
GCE = [{"name": "gcepd", "gcePersistentDisk": {"pdName": "my-PD", "fsType": "ext4", "partition": 1, "readOnly": False}}]
T_VALID = {"metadata": {"labels": SEL}, "spec": make_pod_spec()}
T_RW = {"metadata": {"labels": SEL}, "spec": make_pod_spec(volumes=GCE)}
T_HOSTNET = {"metadata": {"labels": SEL}, "spec": make_pod_spec(
    [container("abc", ports=[{"containerPort": 12345, "protocol": "TCP"}])], hostNetwork=True)}
T_BAD = {"metadata": {"labels": BAD}, "spec": make_pod_spec()}
EPHEMERAL = [{"name": "debug", "image": "image", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File"}]
ALLOWED = ("metadata.name", "metadata.namespace", "spec.selector", "spec.template", "GCEPersistentDisk.ReadOnly",
           "spec.replicas", "spec.template.labels", "metadata.annotations", "metadata.labels", "status.replicas")


def rc(name: str = "abc", selector: Obj | None = SEL, template: Obj | None = T_VALID, replicas: int | None = None,
       namespace: str | None = "default", **meta: Any) -> Obj:
    spec: Obj = {}
    if replicas is not None:
        spec["replicas"] = replicas
    if selector is not None:
        spec["selector"] = dict(selector)
    if template is not None:
        spec["template"] = template
    return obj("v1", "ReplicationController", name, spec, namespace=namespace, **meta)


F = "TestValidateReplicationController"
RCS = [
    case(F, "successCases[0]", rc=rc(), valid=True),
    case(F, "successCases[1]", rc=rc("abc-123"), valid=True),
    case(F, "successCases[2]", rc=rc("abc-123", replicas=1, template=T_RW), valid=True),
    case(F, "successCases[3]", rc=rc("hostnet", replicas=1, template=T_HOSTNET), valid=True),
    case(F, "zero-length ID", rc=rc(""), valid=False),
    case(F, "missing-namespace", rc=rc("abc-123", namespace=None), valid=False),
    case(F, "empty selector", rc=rc(selector=None), valid=False),
    case(F, "selector_doesnt_match", rc=rc(selector={"foo": "bar"}), valid=False),
    case(F, "invalid manifest", rc=rc(template=None), valid=False),
    case(F, "read-write persistent disk with > 1 pod", rc=rc(namespace=None, replicas=2, template=T_RW), valid=False),
    case(F, "negative_replicas", rc=rc(replicas=-1, template=None), valid=False),
    case(F, "invalid_label", rc=rc("abc-123", labels=BAD), valid=False),
    case(F, "invalid_label 2", rc=rc("abc-123", selector=None, template=T_BAD, labels=BAD), valid=False),
    case(F, "invalid_annotation", rc=rc("abc-123", annotations=BAD), valid=False),
    case(F, "invalid restart policy 1", rc=rc("abc-123", template={
        "metadata": {"labels": SEL}, "spec": make_pod_spec(restartPolicy="OnFailure")}), valid=False),
    case(F, "invalid restart policy 2", rc=rc("abc-123", template={
        "metadata": {"labels": SEL}, "spec": make_pod_spec(restartPolicy="Never")}), valid=False),
    case(F, "template may not contain ephemeral containers", rc=rc("abc-123", replicas=1, template={
        "metadata": {"labels": SEL}, "spec": make_pod_spec(ephemeralContainers=EPHEMERAL)}), valid=False),
]


def _check(errs: list[Any], valid: bool) -> None:
    if valid:
        assert errs == [], [str(e) for e in errs]
    else:
        assert errs
        assert all(e.field.startswith("spec.template.") or e.field in ALLOWED for e in errs), [str(e) for e in errs]


@pytest.mark.parametrize("c", RCS)
def test_validate_replication_controller(c: Obj) -> None:
    _check(errors(c["rc"]), c["valid"])


U = "TestValidateReplicationControllerUpdate"
RC_UPDATES = [
    case(U, "successCases[0]", old=rc(), new=rc(replicas=3), valid=True),
    case(U, "successCases[1]", old=rc(), new=rc(replicas=1, template=T_RW), valid=True),
    case(U, "more than one read/write", old=rc(""), new=rc(replicas=2, template=T_RW), valid=False),
    case(U, "invalid selector", old=rc(""), new=rc(replicas=2, selector=BAD), valid=False),
    case(U, "invalid pod", old=rc(""), new=rc(replicas=2, template=T_BAD), valid=False),
    case(U, "negative replicas", old=rc(), new=rc(replicas=-1), valid=False),
]


@pytest.mark.parametrize("c", RC_UPDATES)
def test_validate_replication_controller_update(c: Obj) -> None:
    old, new = c["old"], c["new"]
    for o in (old, new):
        o["metadata"]["resourceVersion"] = "1"
    errs = errors(new, old)
    assert (errs == []) == c["valid"], [str(e) for e in errs]
