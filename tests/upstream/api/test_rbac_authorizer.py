"""The RBAC authorizer: upstream's TestAuthorizer and TestRuleMatches tables against kspec/auth/rbac.py."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.auth.rbac import Attributes, RuleResolver, authorize, rule_allows
from kspec.auth.user import UserInfo
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac_test.go"
GROUP = "rbac.authorization.k8s.io"


def split(text: str) -> list[str]:
    """strings.Split(text, ","): an empty string is one empty element."""
    return text.split(",")


def new_rule(verbs: str, groups: str, resources: str, urls: str) -> dict[str, Any]:
    return {"verbs": split(verbs), "apiGroups": split(groups), "resources": split(resources),
            "nonResourceURLs": split(urls)}


def cluster_role(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "ClusterRole", "metadata": {"name": name}, "rules": list(rules)}


def subjects(*specs: str) -> list[dict[str, Any]]:
    out = []
    for spec in specs:
        kind, name = spec.split(":", 1)
        out.append({"kind": kind, "name": name, "apiGroup": "" if kind == "ServiceAccount" else GROUP})
    return out


def role_binding(ns: str, role: str, to_cluster_role: bool, *who: str) -> dict[str, Any]:
    return {"kind": "RoleBinding", "metadata": {"name": f"{role}-binding", "namespace": ns},
            "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole" if to_cluster_role else "Role", "name": role},
            "subjects": subjects(*who)}


def cluster_role_binding(role: str, *who: str) -> dict[str, Any]:
    return {"kind": "ClusterRoleBinding", "metadata": {"name": f"{role}-binding"},
            "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": role}, "subjects": subjects(*who)}


def attrs(user: str, groups: str, verb: str, resource: str, sub: str, ns: str, group: str) -> dict[str, Any]:
    """defaultAttributes: a resource request without a name."""
    return {"user": user, "groups": split(groups), "verb": verb, "resource": resource, "sub": sub, "ns": ns,
            "group": group}


def url(verb: str, path: str, *, name: str = "", groups: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"user": name, "groups": list(groups), "verb": verb, "path": path}


def resolver(objs: list[dict[str, Any]]) -> RuleResolver:
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for o in objs:
        by_kind.setdefault(o["kind"].lower() + "s", []).append(o)

    def get(res: str, ns: str, name: str) -> dict[str, Any] | None:
        return next((o for o in by_kind.get(res, []) if o["metadata"]["name"] == name
                     and o["metadata"].get("namespace", "") == ns), None)

    def lister(res: str, ns: str | None) -> list[dict[str, Any]]:
        return [o for o in by_kind.get(res, []) if ns is None or o["metadata"].get("namespace") == ns]

    return RuleResolver(get, lister)


def to_attributes(a: dict[str, Any]) -> Attributes:
    user = UserInfo(a["user"], tuple(a["groups"]))
    if "path" in a:
        return Attributes(user, a["verb"], path=a["path"])
    return Attributes(user, a["verb"], a["resource"], a["group"], a["ns"], "", a["sub"])


F = "TestAuthorizer"
AUTHORIZER = [
    case(F, "case 0", objs=[cluster_role("admin", new_rule("*", "*", "*", "*")),
                            role_binding("ns1", "admin", True, "User:admin", "Group:admins")],
         passes=[attrs("admin", "", "get", "Pods", "", "ns1", ""), attrs("admin", "", "watch", "Pods", "", "ns1", ""),
                 attrs("admin", "group1", "watch", "Foobar", "", "ns1", ""),
                 attrs("joe", "admins", "watch", "Foobar", "", "ns1", ""),
                 attrs("joe", "group1,admins", "watch", "Foobar", "", "ns1", "")],
         fails=[attrs("admin", "", "GET", "Pods", "", "ns2", ""), attrs("admin", "", "GET", "Nodes", "", "", ""),
                attrs("admin", "admins", "GET", "Pods", "", "ns2", ""),
                attrs("admin", "admins", "GET", "Nodes", "", "", "")]),
    case(F, "case 1",
         objs=[cluster_role("non-resource-url-getter", new_rule("get", "", "", "/apis")),
               cluster_role("non-resource-url", new_rule("*", "", "", "/apis")),
               cluster_role("non-resource-url-prefix", new_rule("get", "", "", "/apis/*")),
               cluster_role_binding("non-resource-url-getter", "User:foo", "Group:bar"),
               cluster_role_binding("non-resource-url", "User:admin", "Group:admin"),
               cluster_role_binding("non-resource-url-prefix", "User:prefixed", "Group:prefixed")],
         passes=[url("get", "/apis", name="foo"), url("get", "/apis", groups=("bar",)),
                 url("get", "/apis", name="admin"), url("get", "/apis", groups=("admin",)),
                 url("watch", "/apis", name="admin"), url("watch", "/apis", groups=("admin",)),
                 url("get", "/apis/v1", name="prefixed"), url("get", "/apis/v1", groups=("prefixed",)),
                 url("get", "/apis/v1/foobar", name="prefixed"), url("get", "/apis/v1/foorbar", groups=("prefixed",))],
         fails=[url("watch", "/apis", name="foo"), url("watch", "/apis", groups=("bar",)),
                url("get", "/api/v1", name="foo"), url("get", "/api/v1", groups=("bar",)),
                url("get", "/api/v1", name="admin"), url("get", "/api/v1", groups=("admin",)),
                url("get", "/api/v1", name="prefixed"), url("get", "/api/v1", groups=("prefixed",))]),
    case(F, "case 2", objs=[cluster_role("admin", new_rule("*", "*", "pods", "*")),
                            role_binding("ns1", "admin", True, "User:admin", "Group:admins")],
         passes=[attrs("admin", "", "get", "pods", "", "ns1", "")],
         fails=[attrs("admin", "", "get", "pods", "status", "ns1", "")]),
    case(F, "case 3", objs=[cluster_role("admin", new_rule("*", "*", "pods/status", "*"),
                                         new_rule("*", "*", "*/scale", "*")),
                            role_binding("ns1", "admin", True, "User:admin", "Group:admins")],
         passes=[attrs("admin", "", "get", "pods", "status", "ns1", ""),
                 attrs("admin", "", "get", "pods", "scale", "ns1", ""),
                 attrs("admin", "", "get", "deployments", "scale", "ns1", ""),
                 attrs("admin", "", "get", "anything", "scale", "ns1", "")],
         fails=[attrs("admin", "", "get", "pods", "", "ns1", "")]),
]


@pytest.mark.parametrize("c", AUTHORIZER)
def test_authorizer(c: dict[str, Any]) -> None:
    res = resolver(c["objs"])
    wrong = [a for a in c["passes"] if not authorize(res, to_attributes(a))[0]]
    wrong += [a for a in c["fails"] if authorize(res, to_attributes(a))[0]]
    assert not wrong


def rule(verbs: tuple[str, ...], groups: tuple[str, ...] = (), resources: tuple[str, ...] = (),
         urls: tuple[str, ...] = ()) -> dict[str, Any]:
    """rbacv1helpers.NewRule(verbs).Groups(...).Resources(...).URLs(...)."""
    out: dict[str, Any] = {"verbs": list(verbs)}
    if groups:
        out["apiGroups"] = list(groups)
    if resources:
        out["resources"] = list(resources)
    if urls:
        out["nonResourceURLs"] = list(urls)
    return out


def req(verb: str, group: str, resource: str, sub: str = "") -> Attributes:
    return Attributes(UserInfo(""), verb, resource, group, "", "", sub)


def nreq(verb: str, path: str) -> Attributes:
    return Attributes(UserInfo(""), verb, path=path)


def grid(expected: list[bool], sub: tuple[str, str] | None = None) -> list[tuple[Attributes, bool]]:
    """The tables' usual order: verb1/verb2 x (group1,resource1), (group2,resource1), (group1,resource2),
    (group2,resource2); with ``sub`` the second pair asks for subresource2."""
    out = []
    i = 0
    for verb in ("verb1", "verb2"):
        for group, resource in (("group1", "resource1"), ("group2", "resource1"), ("group1", "resource2"),
                                ("group2", "resource2")):
            s = "" if sub is None else (sub[1] if (group, resource) == ("group2", "resource1") else sub[0])
            out.append((req(verb, group, resource, s), expected[i]))
            i += 1
    return out


PATHS = ("/foo", "/foo/bar", "/foo/baz", "/foo/bar/one", "/foo/baz/one")
T, N = True, False
F2 = "TestRuleMatches"
RULE_MATCHES = [
    case(F2, "star verb, exact match other", rule=rule(("*",), ("group1",), ("resource1",)),
         requests=grid([T, N, N, N, T, N, N, N])),
    case(F2, "star group, exact match other", rule=rule(("verb1",), ("*",), ("resource1",)),
         requests=grid([T, T, N, N, N, N, N, N])),
    case(F2, "star resource, exact match other", rule=rule(("verb1",), ("group1",), ("*",)),
         requests=grid([T, N, T, N, N, N, N, N])),
    case(F2, "tuple expansion", rule=rule(("verb1", "verb2"), ("group1", "group2"), ("resource1", "resource2")),
         requests=grid([T] * 8)),
    case(F2, "subresource expansion", rule=rule(("*",), ("*",), ("resource1/subresource1",)),
         requests=grid([T, N, N, N, T, N, N, N], sub=("subresource1", "subresource2"))),
    case(F2, "star nonresource, exact match other", rule=rule(("verb1",), urls=("*",)),
         requests=[(nreq("verb1", p), T) for p in PATHS] + [(nreq("verb2", p), N) for p in PATHS]),
    case(F2, "star nonresource subpath", rule=rule(("verb1",), urls=("/foo/*",)),
         requests=[(nreq("verb1", p), p != "/foo") for p in PATHS]
         + [(nreq("verb1", "/not" + p[1:]), N) for p in PATHS]),
    case(F2, "star verb, exact nonresource", rule=rule(("*",), urls=("/foo", "/foo/bar/one")),
         requests=[(nreq(v, p), p in ("/foo", "/foo/bar/one")) for v in ("verb1", "verb2") for p in PATHS]),
]


@pytest.mark.parametrize("c", RULE_MATCHES)
def test_rule_matches(c: dict[str, Any]) -> None:
    wrong = [(a, want) for a, want in c["requests"] if rule_allows(a, c["rule"]) != want]
    assert not wrong
