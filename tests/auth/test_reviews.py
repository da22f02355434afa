"""SelfSubjectReview and SelfSubjectRulesReview: what kubectl auth whoami and auth can-i --list are answered."""

from __future__ import annotations

import pytest

from kspec.auth.user import UserInfo, service_account, user
from kspec.cluster import Cluster
from kspec.errors import ApiError

GROUP = "rbac.authorization.k8s.io"
WHOAMI = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}


def rules_review(namespace: str = "default") -> dict:
    return {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview",
            "spec": {"namespace": namespace}}


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster(nodes=1)
    cluster.apply([
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}},
        {"apiVersion": f"{GROUP}/v1", "kind": "Role", "metadata": {"name": "pod-reader", "namespace": "dev"},
         "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
                   {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app"], "verbs": ["get"]}]},
        {"apiVersion": f"{GROUP}/v1", "kind": "RoleBinding", "metadata": {"name": "alice-reads", "namespace": "dev"},
         "roleRef": {"apiGroup": GROUP, "kind": "Role", "name": "pod-reader"},
         "subjects": [{"kind": "User", "apiGroup": GROUP, "name": "alice"}]},
        {"apiVersion": f"{GROUP}/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "ops-view"},
         "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": "view"},
         "subjects": [{"kind": "Group", "apiGroup": GROUP, "name": "ops"}]},
    ])
    return cluster


def ask(c: Cluster, who: UserInfo | None, obj: dict) -> dict:
    c.api.user = who
    try:
        return c.api.create(obj)
    finally:
        c.api.user = None


def test_whoami_answers_the_cluster_admin_by_default_stamped_on_the_virtual_clock(c: Cluster) -> None:
    c.clock.run_for(90_000)
    out = ask(c, None, WHOAMI)
    assert out["status"] == {"userInfo": {"username": "kubernetes-admin",
                                          "groups": ["system:masters", "system:authenticated"]}}
    assert out["metadata"]["creationTimestamp"] == "2025-01-01T00:01:30Z"
    assert c.api.store.list("selfsubjectreviews", None) == []  # answered, never stored


def test_whoami_answers_the_acting_identity_with_its_groups_and_extra(c: Cluster) -> None:
    who = UserInfo("alice", ("dev", "system:authenticated"), (("scopes", ("a", "b")),))
    assert ask(c, who, WHOAMI)["status"]["userInfo"] == {
        "username": "alice", "groups": ["dev", "system:authenticated"], "extra": {"scopes": ["a", "b"]}}
    sa = ask(c, service_account("dev", "builder"), WHOAMI)["status"]["userInfo"]
    assert sa["username"] == "system:serviceaccount:dev:builder"
    assert sa["groups"] == ["system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"]


def test_rules_review_lists_the_namespaces_role_bindings_and_the_cluster_bindings(c: Cluster) -> None:
    status = ask(c, user("alice"), rules_review("dev"))["status"]
    assert status["incomplete"] is False and "evaluationError" not in status
    rules = status["resourceRules"]
    # cluster-wide bindings first (system:basic-user through system:authenticated), then the namespace's
    assert {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]} in rules
    assert rules[-2:] == [
        {"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods", "pods/log"]},
        {"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app"]}]
    assert {"verbs": ["get"], "nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"]} \
        in status["nonResourceRules"]
    elsewhere = ask(c, user("alice"), rules_review("default"))["status"]["resourceRules"]
    assert not any("pods" in r.get("resources", []) for r in elsewhere)
    ops = ask(c, user("bob", ["ops"]), rules_review("default"))["status"]["resourceRules"]
    assert any("pods" in r.get("resources", []) and r["verbs"] == ["get", "list", "watch"] for r in ops)


def test_rules_review_gives_system_masters_everything_first(c: Cluster) -> None:
    status = ask(c, None, rules_review())["status"]
    assert status["resourceRules"][0] == {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}
    assert status["nonResourceRules"][0] == {"verbs": ["*"], "nonResourceURLs": ["*"]}


def test_rules_review_reports_a_missing_role_and_a_node_identity(c: Cluster) -> None:
    c.apply({"apiVersion": f"{GROUP}/v1", "kind": "RoleBinding", "metadata": {"name": "gone", "namespace": "dev"},
             "roleRef": {"apiGroup": GROUP, "kind": "Role", "name": "missing"},
             "subjects": [{"kind": "User", "apiGroup": GROUP, "name": "alice"}]})
    status = ask(c, user("alice"), rules_review("dev"))["status"]
    assert status["evaluationError"] == f'role.{GROUP} "missing" not found'
    assert status["incomplete"] is False  # RBAC's RulesFor never says incomplete
    node = ask(c, user("system:node:node-1", ["system:nodes"]), rules_review())["status"]
    assert node["incomplete"] is True
    assert node["evaluationError"] == "node authorizer does not support user rule resolution"


def test_rules_review_needs_a_namespace(c: Cluster) -> None:
    with pytest.raises(ApiError) as info:
        ask(c, user("alice"), rules_review(""))
    assert (info.value.code, info.value.message) == (400, "no namespace on request")


def test_the_reviews_are_refused_to_an_identity_without_system_basic_user(c: Cluster) -> None:
    anonymous = UserInfo("system:anonymous", ("system:unauthenticated",))
    with pytest.raises(ApiError) as info:
        ask(c, anonymous, WHOAMI)
    assert info.value.code == 403
    assert info.value.message == ('selfsubjectreviews.authentication.k8s.io is forbidden: User "system:anonymous" '
                                  'cannot create resource "selfsubjectreviews" in API group "authentication.k8s.io" '
                                  "at the cluster scope")
