"""Validation of RBAC objects: upstream's pkg/apis/rbac/validation tables against kspec/api/validation_rbac.py."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import INVALID, NOT_SUPPORTED, REQUIRED
from kspec.api.validation_rbac import (
    UPDATE_VALIDATORS,
    validate_cluster_role,
    validate_cluster_role_binding,
    validate_role,
    validate_role_binding,
)
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/rbac/validation/validation_test.go"
GROUP = "rbac.authorization.k8s.io"


def meta(name: str = "", ns: str = "") -> dict[str, Any]:
    return {k: v for k, v in (("name", name), ("namespace", ns)) if v}


def ref(kind: str = "ClusterRole", name: str = "valid", group: str = GROUP) -> dict[str, Any]:
    return {k: v for k, v in (("apiGroup", group), ("kind", kind), ("name", name)) if v}


def sa(name: str = "", ns: str = "") -> dict[str, Any]:
    return {k: v for k, v in (("kind", "ServiceAccount"), ("name", name), ("namespace", ns)) if v}


VALID_SUBJECTS = [{"name": "valid@username", "kind": "User", "apiGroup": GROUP},
                  {"name": "valid@groupname", "kind": "Group", "apiGroup": GROUP}]

F = "TestValidateClusterRoleBinding"
CRB = [
    case(F, "valid", obj={"metadata": meta("master"), "roleRef": ref(),
                          "subjects": [sa("validsaname", "foo"), *VALID_SUBJECTS]}, want=None),
    case(F, "bad group", obj={"metadata": meta("default"), "roleRef": ref(group="rbac.GroupName")},
         want=(NOT_SUPPORTED, "roleRef.apiGroup")),
    case(F, "bad kind", obj={"metadata": meta("default"), "roleRef": ref("Type")},
         want=(NOT_SUPPORTED, "roleRef.kind")),
    case(F, "reference role", obj={"metadata": meta("default"), "roleRef": ref("Role")},
         want=(NOT_SUPPORTED, "roleRef.kind")),
    case(F, "zero-length name", obj={"metadata": meta(), "roleRef": ref()}, want=(REQUIRED, "metadata.name")),
    case(F, "bad role", obj={"metadata": meta("default"), "roleRef": ref(name="")}, want=(REQUIRED, "roleRef.name")),
    case(F, "bad subject kind", obj={"metadata": meta("master"), "roleRef": ref(), "subjects": [{"name": "subject"}]},
         want=(NOT_SUPPORTED, "subjects[0].kind")),
    case(F, "bad subject name", obj={"metadata": meta("master"), "roleRef": ref(),
                                     "subjects": [sa("subject:bad", "foo")]}, want=(INVALID, "subjects[0].name")),
    case(F, "missing SA namespace", obj={"metadata": meta("master"), "roleRef": ref(), "subjects": [sa("good")]},
         want=(REQUIRED, "subjects[0].namespace")),
    case(F, "missing subject name", obj={"metadata": meta("master"), "roleRef": ref(), "subjects": [sa(ns="foo")]},
         want=(REQUIRED, "subjects[0].name")),
]

F2 = "TestValidateRoleBinding"
D = "default"
RB = [
    case(F2, "valid", obj={"metadata": meta("master", D), "roleRef": ref("Role"),
                           "subjects": [sa("validsaname"), *VALID_SUBJECTS]}, want=None),
    case(F2, "bad group", obj={"metadata": meta("default", D), "roleRef": ref(group="rbac.GroupName")},
         want=(NOT_SUPPORTED, "roleRef.apiGroup")),
    case(F2, "bad kind", obj={"metadata": meta("default", D), "roleRef": ref("Type")},
         want=(NOT_SUPPORTED, "roleRef.kind")),
    case(F2, "zero-length namespace", obj={"metadata": meta("default"), "roleRef": ref("Role")},
         want=(REQUIRED, "metadata.namespace")),
    case(F2, "zero-length name", obj={"metadata": meta(ns=D), "roleRef": ref("Role")},
         want=(REQUIRED, "metadata.name")),
    case(F2, "bad role", obj={"metadata": meta("default", D), "roleRef": ref("Role", "")},
         want=(REQUIRED, "roleRef.name")),
    case(F2, "bad subject kind", obj={"metadata": meta("master", D), "roleRef": ref("Role"),
                                      "subjects": [{"name": "subject"}]}, want=(NOT_SUPPORTED, "subjects[0].kind")),
    case(F2, "bad subject name", obj={"metadata": meta("master", D), "roleRef": ref("Role"),
                                      "subjects": [sa("subject:bad")]}, want=(INVALID, "subjects[0].name")),
    case(F2, "missing subject name", obj={"metadata": meta("master", D), "roleRef": ref("Role"), "subjects": [sa()]},
         want=(REQUIRED, "subjects[0].name")),
]


def _check(errs: list[Any], want: tuple[str, str] | None) -> None:
    if want is None:
        assert errs == []
        return
    assert errs and all((e.type, e.field) == want for e in errs), errs


@pytest.mark.parametrize("c", CRB)
def test_validate_cluster_role_binding(c: dict[str, Any]) -> None:
    _check(validate_cluster_role_binding(c["obj"]), c["want"])


@pytest.mark.parametrize("c", RB)
def test_validate_role_binding(c: dict[str, Any]) -> None:
    _check(validate_role_binding(c["obj"]), c["want"])


OLD = {"metadata": {"namespace": D, "name": "master", "resourceVersion": "1"}, "roleRef": ref("Role")}
UPDATE = [
    case("TestValidateRoleBindingUpdate", "valid", obj={**OLD}, want=None),
    case("TestValidateRoleBindingUpdate", "changedRef", obj={**OLD, "roleRef": ref("Role", "changed")},
         want=(INVALID, "roleRef")),
]


@pytest.mark.parametrize("c", UPDATE)
def test_validate_role_binding_update(c: dict[str, Any]) -> None:
    _check(UPDATE_VALIDATORS["RoleBinding"](c["obj"], OLD), c["want"])


def rule(**fields: list[str]) -> dict[str, Any]:
    return dict(fields)


ROLES = [
    case("TestValidateRoleZeroLengthNamespace", "", role={"metadata": meta("default")}, cluster=False,
         want=(REQUIRED, "metadata.namespace")),
    case("TestValidateRoleZeroLengthName", "", role={"metadata": meta(ns=D)}, cluster=False,
         want=(REQUIRED, "metadata.name")),
    case("TestValidateRoleValidRole", "", role={"metadata": meta(D, D)}, cluster=False, want=None),
    case("TestValidateRoleValidRoleNoNamespace", "", role={"metadata": meta(D)}, cluster=True, want=None),
    case("TestValidateRoleNonResourceURL", "", role={"metadata": meta(D), "rules": [
        rule(verbs=["get"], nonResourceURLs=["/*"])]}, cluster=True, want=None),
    case("TestValidateRoleNamespacedNonResourceURL", "", role={"metadata": meta(D, D), "rules": [
        rule(verbs=["get"], nonResourceURLs=["/*"])]}, cluster=False, want=(INVALID, "rules[0].nonResourceURLs")),
    case("TestValidateRoleNonResourceURLNoVerbs", "", role={"metadata": meta(D), "rules": [
        rule(verbs=[], nonResourceURLs=["/*"])]}, cluster=True, want=(REQUIRED, "rules[0].verbs")),
    case("TestValidateRoleMixedNonResourceAndResource", "", role={"metadata": meta(D, D), "rules": [
        rule(verbs=["get"], nonResourceURLs=["/*"], apiGroups=["v1"], resources=["pods"])]}, cluster=False,
        want=(INVALID, "rules[0].nonResourceURLs")),
    case("TestValidateRoleValidResource", "", role={"metadata": meta(D, D), "rules": [
        rule(verbs=["get"], apiGroups=["v1"], resources=["pods"])]}, cluster=False, want=None),
    case("TestValidateRoleNoAPIGroup", "", role={"metadata": meta(D, D), "rules": [
        rule(verbs=["get"], resources=["pods"])]}, cluster=False, want=(REQUIRED, "rules[0].apiGroups")),
    case("TestValidateRoleNoResources", "", role={"metadata": meta(D, D), "rules": [
        rule(verbs=["get"], apiGroups=["v1"])]}, cluster=False, want=(REQUIRED, "rules[0].resources")),
]


@pytest.mark.parametrize("c", ROLES)
def test_validate_role(c: dict[str, Any]) -> None:
    _check((validate_cluster_role if c["cluster"] else validate_role)(c["role"]), c["want"])
