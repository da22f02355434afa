"""The bootstrap policy: upstream's bootstrappolicy/policy_test.go checks that map to kspec/auth/bootstrap.py."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.auth import bootstrap
from kspec.auth.rbac import covers
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy_test.go"
READ = ["get", "list", "watch"]  # bootstrappolicy.Read


def _rule(groups: list[str], resource: str) -> dict[str, Any]:
    return {"apiGroups": groups, "resources": [resource], "verbs": list(READ)}


#: viewEscalatingNamespaceResources and ungettableResources
ESCALATING = [_rule([""], res) for res in ("pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets",
                                           "services/proxy")]
UNGETTABLE = [_rule(["apps", "extensions"], "deployments/rollback")]


def _role(name: str) -> dict[str, Any]:
    return next(r for r in bootstrap.cluster_roles() if r["metadata"]["name"] == name)


CASES = [case("TestEditViewRelationship", ""), case("TestClusterRoleLabel", "")]


@pytest.mark.parametrize("c", CASES[:1])
def test_edit_view_relationship(c: dict[str, Any]) -> None:
    view = _role("system:aggregate-to-view")["rules"]
    assert not [r for r in ESCALATING if covers(view, [r])[0]], "view has extra powers"
    assert not [r for r in UNGETTABLE if covers(view + ESCALATING, [r])[0]], "view has ungettable resources"


@pytest.mark.parametrize("c", CASES[1:])
def test_cluster_role_label(c: dict[str, Any]) -> None:
    want = {"kubernetes.io/bootstrapping": "rbac-defaults"}
    for role in bootstrap.cluster_roles():
        assert role["metadata"]["labels"].get("kubernetes.io/bootstrapping") == "rbac-defaults", role["metadata"]
    for binding in bootstrap.cluster_role_bindings():
        assert binding["metadata"]["labels"] == want, binding["metadata"]
