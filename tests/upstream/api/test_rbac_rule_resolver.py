"""Rule resolution: upstream's TestDefaultRuleResolver and TestAppliesTo (rule_test.go) against
kspec/auth/rbac.py."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.auth.rbac import GROUP, RuleResolver, applies_to_index
from kspec.auth.user import UserInfo
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/registry/rbac/validation/rule_test.go"

READ_PODS = {"verbs": ["GET", "WATCH"], "apiGroups": ["v1"], "resources": ["pods"]}
READ_SERVICES = {"verbs": ["GET", "WATCH"], "apiGroups": ["v1"], "resources": ["services"]}
WRITE_NODES = {"verbs": ["PUT", "CREATE", "UPDATE"], "apiGroups": ["v1"], "resources": ["nodes"]}
ADMIN = {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}

#: staticRoles1
OBJECTS: dict[str, list[dict[str, Any]]] = {
    "roles": [{"metadata": {"namespace": "namespace1", "name": "readthings"}, "rules": [READ_PODS, READ_SERVICES]}],
    "clusterroles": [{"metadata": {"name": "cluster-admin"}, "rules": [ADMIN]},
                     {"metadata": {"name": "write-nodes"}, "rules": [WRITE_NODES]}],
    "rolebindings": [{"metadata": {"namespace": "namespace1", "name": ""},
                      "subjects": [{"kind": "User", "name": "foobar"}, {"kind": "Group", "name": "group1"}],
                      "roleRef": {"apiGroup": GROUP, "kind": "Role", "name": "readthings"}}],
    "clusterrolebindings": [{"metadata": {"name": ""},
                             "subjects": [{"kind": "User", "name": "admin"}, {"kind": "Group", "name": "admin"}],
                             "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": "cluster-admin"}}],
}


def static_resolver() -> RuleResolver:
    def get(res: str, ns: str, name: str) -> dict[str, Any] | None:
        return next((o for o in OBJECTS[res] if o["metadata"]["name"] == name
                     and o["metadata"].get("namespace", "") == ns), None)

    def lister(res: str, ns: str | None) -> list[dict[str, Any]]:
        return [o for o in OBJECTS[res] if ns is None or o["metadata"].get("namespace") == ns]

    return RuleResolver(get, lister)


F = "TestDefaultRuleResolver"
RESOLVER = [
    case(F, "case 0", user=UserInfo("foobar"), ns="namespace1", rules=[READ_PODS, READ_SERVICES]),
    case(F, "case 1", user=UserInfo("foobar"), ns="namespace2", rules=[]),
    case(F, "case 2", user=UserInfo("foobar", ("admin",)), ns="", rules=[ADMIN]),
    case(F, "case 3", user=UserInfo(""), ns="", rules=[]),
]


@pytest.mark.parametrize("c", RESOLVER)
def test_default_rule_resolver(c: dict[str, Any]) -> None:
    rules, errors = static_resolver().rules_for(c["user"], c["ns"])
    assert not errors
    key = repr
    assert sorted(rules, key=key) == sorted(c["rules"], key=key)


def u(name: str) -> dict[str, str]:
    return {"kind": "User", "name": name}


def g(name: str) -> dict[str, str]:
    return {"kind": "Group", "name": name}


F2 = "TestAppliesTo"
APPLIES = [
    case(F2, "single subject that matches username", subjects=[u("foobar")], user=UserInfo("foobar"), ns="",
         applies=True, index=0),
    case(F2, "multiple subjects, one that matches username", subjects=[u("barfoo"), u("foobar")],
         user=UserInfo("foobar"), ns="", applies=True, index=1),
    case(F2, "multiple subjects, none that match username", subjects=[u("barfoo"), u("foobar")],
         user=UserInfo("zimzam"), ns="", applies=False, index=0),
    case(F2, "multiple subjects, one that match group", subjects=[u("barfoo"), g("foobar")],
         user=UserInfo("zimzam", ("foobar",)), ns="", applies=True, index=1),
    case(F2, "multiple subjects, one that match group, should ignore namespace", subjects=[u("barfoo"), g("foobar")],
         user=UserInfo("zimzam", ("foobar",)), ns="namespace1", applies=True, index=1),
    case(F2, "multiple subjects with a service account that matches",
         subjects=[u("barfoo"), g("foobar"), {"kind": "ServiceAccount", "namespace": "kube-system", "name": "default"}],
         user=UserInfo("system:serviceaccount:kube-system:default"), ns="default", applies=True, index=2),
    case(F2, "* user subject name doesn't match all users", subjects=[u("*")], user=UserInfo("foobar"), ns="default",
         applies=False, index=0),
    case(F2, "binding to all authenticated and unauthenticated subjects matches authenticated user",
         subjects=[g("system:authenticated"), g("system:unauthenticated")],
         user=UserInfo("foobar", ("system:authenticated",)), ns="default", applies=True, index=0),
    case(F2, "binding to all authenticated and unauthenticated subjects matches anonymous user",
         subjects=[g("system:authenticated"), g("system:unauthenticated")],
         user=UserInfo("system:anonymous", ("system:unauthenticated",)), ns="default", applies=True, index=1),
]


@pytest.mark.parametrize("c", APPLIES)
def test_applies_to(c: dict[str, Any]) -> None:
    assert applies_to_index(c["user"], c["subjects"], c["ns"]) == (c["index"], c["applies"])
