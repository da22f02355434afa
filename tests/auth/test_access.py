"""Identities, RBAC authorization and escalation prevention through the API server (kspec/auth)."""

from __future__ import annotations

import pytest

from kspec.auth.user import CLUSTER_ADMIN, service_account, user
from kspec.cluster import Cluster
from kspec.errors import ApiError, ApplyError, ArgumentError
from kspec.objects import clone

GROUP = "rbac.authorization.k8s.io"


def binding(name: str, ns: str | None, role_kind: str, role: str, *subjects: dict[str, str]) -> dict:
    kind = "RoleBinding" if ns else "ClusterRoleBinding"
    md = {"name": name, **({"namespace": ns} if ns else {})}
    return {"apiVersion": f"{GROUP}/v1", "kind": kind, "metadata": md,
            "roleRef": {"apiGroup": GROUP, "kind": role_kind, "name": role}, "subjects": list(subjects)}


def role(name: str, ns: str | None, *rules: dict) -> dict:
    md = {"name": name, **({"namespace": ns} if ns else {})}
    return {"apiVersion": f"{GROUP}/v1", "kind": "Role" if ns else "ClusterRole", "metadata": md, "rules": list(rules)}


def rule(groups: list[str], resources: list[str], verbs: list[str], **extra: list[str]) -> dict:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs, **extra}


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster(nodes=1)
    cluster.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}} for ns in ("dev", "prod")])
    return cluster


def refusal(c: Cluster, fn) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ApiError) as info:
        fn()
    assert info.value.code == 403
    return info.value.message


def test_the_default_identity_is_the_cluster_admin_and_is_never_authorized(c: Cluster) -> None:
    assert c.user is CLUSTER_ADMIN and c.api.user is None
    c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "prod"}})
    assert c.can_i("delete", "nodes", user=CLUSTER_ADMIN)


def test_forbidden_messages_name_the_request_in_each_scope(c: Cluster) -> None:
    c.api.user = user("alice")  # a request as kubectl --as alice sends it
    assert refusal(c, lambda: c.api.list("pods", "dev")) == \
        'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "dev"'
    assert refusal(c, lambda: c.api.list("nodes")) == \
        'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope'
    c.api.user = None
    c.act_as(service_account("dev", "ci"))
    assert refusal(c, lambda: c.delete("deployments", "web", "dev")) == (
        'deployments.apps "web" is forbidden: User "system:serviceaccount:dev:ci" cannot delete resource '
        '"deployments" in API group "apps" in the namespace "dev"')


def test_reads_run_as_the_admin_but_acting_calls_as_the_user(c: Cluster) -> None:
    c.act_as(user("alice"))
    assert c.get("namespace", "dev", "")["metadata"]["name"] == "dev"  # an assertion's read
    with pytest.raises(ApplyError):
        c.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "dev"}})
    c.act_as(None)
    assert c.user is CLUSTER_ADMIN


def test_act_as_refuses_anything_but_a_user_info(c: Cluster) -> None:
    with pytest.raises(ArgumentError, match="act_as"):
        c.act_as("alice")  # type: ignore[arg-type]


def test_a_binding_to_a_missing_role_is_named_in_the_reason(c: Cluster) -> None:
    c.create(binding("ghost", "dev", "ClusterRole", "no-such-role", {"kind": "User", "name": "alice"}))
    c.act_as(user("alice"))
    assert refusal(c, lambda: c.delete("pods", "web", "dev")).endswith(
        f': RBAC: clusterrole.{GROUP} "no-such-role" not found')


def test_scale_is_authorized_on_the_scale_subresource(c: Cluster) -> None:
    c.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "dev"},
              "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
                  "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}})
    c.create(role("scaler", "dev", rule(["apps"], ["deployments/scale"], ["patch"]),
                  rule(["apps"], ["deployments"], ["get"])))
    c.create(binding("scaler", "dev", "Role", "scaler", {"kind": "User", "name": "bob"}))
    c.act_as(user("bob"))
    c.scale("deployment", "web", 3, "dev")
    assert refusal(c, lambda: c.patch("deployment", "web", lambda o: None, "dev")).startswith(
        'deployments.apps "web" is forbidden: User "bob" cannot patch resource "deployments" in API group "apps"')


def test_granting_rules_one_does_not_hold_is_refused_with_the_missing_rules(c: Cluster) -> None:
    c.create(role("limited", "dev", rule([""], ["roles", "pods"], ["create", "get"]),
                  rule([GROUP], ["roles"], ["create", "get"])))
    c.create(binding("limited", "dev", "Role", "limited", {"kind": "User", "name": "alice"}))
    c.act_as(user("alice", ["devs"]))
    big = role("big", "dev", rule([""], ["pods"], ["get", "delete", "list"]), rule(["apps"], ["deployments"], ["get"]))
    msg = refusal(c, lambda: c.create(big))
    assert msg == (f'roles.{GROUP} "big" is forbidden: user "alice" (groups=["devs" "system:authenticated"]) is '
                   "attempting to grant RBAC permissions not currently held:\n"
                   '{APIGroups:[""], Resources:["pods"], Verbs:["delete" "list"]}\n'
                   '{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}')
    c.create(role("small", "dev", rule([""], ["pods"], ["get"])))  # held: allowed


def test_escalate_and_bind_verbs_let_a_user_grant_more(c: Cluster) -> None:
    c.create(role("role-admin", None, rule([GROUP], ["clusterroles", "clusterrolebindings"], ["create", "get"]),
                  rule([GROUP], ["clusterroles"], ["escalate"]),
                  rule([GROUP], ["clusterroles"], ["bind"], resourceNames=["view"])))
    c.create(binding("role-admin", None, "ClusterRole", "role-admin", {"kind": "User", "name": "carol"}))
    c.act_as(user("carol"))
    c.create(role("anything", None, rule(["*"], ["*"], ["*"])))  # escalate
    c.create(binding("v", None, "ClusterRole", "view", {"kind": "User", "name": "dan"}))  # bind on view
    assert "is attempting to grant RBAC permissions not currently held" in refusal(
        c, lambda: c.create(binding("e", None, "ClusterRole", "edit", {"kind": "User", "name": "dan"})))


def test_an_aggregation_rule_needs_cluster_admin_rights(c: Cluster) -> None:
    c.create(role("roles", None, rule([GROUP], ["clusterroles"], ["create", "get"])))
    c.create(binding("roles", None, "ClusterRole", "roles", {"kind": "User", "name": "carol"}))
    c.act_as(user("carol"))
    agg = {**role("mine", None), "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"x": "y"}}]}}
    assert refusal(c, lambda: c.create(agg)) == (
        f'clusterroles.{GROUP} "mine" is forbidden: must have cluster-admin privileges to use the aggregationRule')


def test_aggregation_follows_labels_both_ways(c: Cluster) -> None:
    extra = role("extra", None, rule(["example.com"], ["widgets"], ["get"]))
    extra["metadata"]["labels"] = {"rbac.authorization.k8s.io/aggregate-to-edit": "true"}
    c.create(extra)
    c.settle()
    for name in ("edit", "admin"):  # admin aggregates edit, so it gains the rule too
        assert rule(["example.com"], ["widgets"], ["get"]) in c.get("clusterrole", name, "")["rules"]
    assert rule(["example.com"], ["widgets"], ["get"]) not in c.get("clusterrole", "view", "")["rules"]
    c.delete("clusterrole", "extra", "")
    c.settle()
    assert rule(["example.com"], ["widgets"], ["get"]) not in c.get("clusterrole", "admin", "")["rules"]


def test_subject_access_reviews_answer_with_the_reason(c: Cluster) -> None:
    c.create(binding("alice-view", "dev", "ClusterRole", "view", {"kind": "User", "name": "alice"}))
    review = c.create({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": {
        "user": "alice", "resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "dev"}}})
    assert review["status"] == {"allowed": True, "reason": 'RBAC: allowed by RoleBinding "alice-view/dev" of '
                                                           'ClusterRole "view" to User "alice"'}
    assert c.try_get("subjectaccessreviews", "", "") is None  # never stored
    c.act_as(user("alice"))
    own = c.create({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": {
        "resourceAttributes": {"verb": "delete", "resource": "pods", "namespace": "dev"}}})
    assert own["status"] == {"allowed": False}  # system:basic-user lets every user ask about itself
    assert c.can_i("get", "/healthz", user=user("alice"))  # system:public-info-viewer
    assert c.can_i("get", "pods/log", user=user("alice"), namespace="dev")
    assert not c.can_i("get", "pods/exec", user=user("alice"), namespace="dev")
    assert c.can_i("get", "po", user=user("alice"), name="web", namespace="dev")


def test_rbac_objects_are_validated_and_defaulted(c: Cluster) -> None:
    b = binding("b", "dev", "Secret", "x", {"kind": "User", "name": "u"}, {"kind": "ServiceAccount", "name": "sa"},
                {"kind": "Robot", "name": "r"})
    with pytest.raises(ApiError) as info:
        c.create(b)
    assert info.value.message == (
        f'RoleBinding.{GROUP} "b" is invalid: [roleRef.kind: Unsupported value: "Secret": supported values: '
        '"Role", "ClusterRole", subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", '
        '"User", "Group"]')
    ok = clone(c.create(binding("b", "dev", "Role", "x", {"kind": "User", "name": "u"})))
    assert ok["subjects"][0]["apiGroup"] == GROUP
    ok["roleRef"]["name"] = "y"
    with pytest.raises(ApiError, match="cannot change roleRef"):
        c.update(ok)
    with pytest.raises(ApiError, match=r"rules\[0\].nonResourceURLs: Invalid value: .*namespaced rules cannot apply"):
        c.create(role("r", "dev", {"nonResourceURLs": ["/x"], "verbs": ["get"]}))
    c.create(role("system:odd:name", None, {"nonResourceURLs": ["/x"], "verbs": ["get"]}))  # colons allowed


def test_a_controllers_pod_is_named_by_its_generate_name_when_its_account_is_missing(c: Cluster) -> None:
    with pytest.raises(ApiError) as info:
        c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "web-", "namespace": "dev"},
                  "spec": {"serviceAccountName": "builder", "containers": [{"name": "c", "image": "i"}]}})
    assert info.value.message == ('pods "web-" is forbidden: error looking up service account dev/builder: '
                                  'serviceaccount "builder" not found')


def test_the_token_volume_is_added_once_and_skips_containers_that_mount_the_path(c: Cluster) -> None:
    path = "/var/run/secrets/kubernetes.io/serviceaccount"
    pod = c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "dev"}, "spec": {
        "initContainers": [{"name": "init", "image": "i"}],
        "containers": [{"name": "a", "image": "i"},
                       {"name": "b", "image": "i", "volumeMounts": [{"name": "own", "mountPath": path}]}],
        "volumes": [{"name": "own", "emptyDir": {}}]}})
    spec = pod["spec"]
    token = [v for v in spec["volumes"] if v["name"].startswith("kube-api-access-")]
    assert len(token) == 1 and len(token[0]["name"]) == len("kube-api-access-") + 5
    assert token[0]["projected"]["defaultMode"] == 420
    mount = {"name": token[0]["name"], "readOnly": True, "mountPath": path}
    assert spec["initContainers"][0]["volumeMounts"] == [mount]
    assert spec["containers"][0]["volumeMounts"] == [mount]
    assert spec["containers"][1]["volumeMounts"] == [{"name": "own", "mountPath": path}]


def test_the_root_ca_bundle_comes_back_in_every_namespace(c: Cluster) -> None:
    c.delete("configmap", "kube-root-ca.crt", "dev")
    c.settle()
    assert c.get("configmap", "kube-root-ca.crt", "dev")["data"]["ca.crt"].startswith("-----BEGIN CERTIFICATE-----")


def test_a_plugin_controller_acting_for_a_pod_is_authorized_as_its_service_account(c: Cluster) -> None:
    from kspec.auth.authz import acting_as, pod_identity

    c.create({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "bot", "namespace": "dev"}})
    pod = c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "dev"},
                    "spec": {"serviceAccountName": "bot", "containers": [{"name": "c", "image": "i"}]}})
    c.create(role("cm-reader", "dev", rule([""], ["configmaps"], ["list"])))
    c.create(binding("bot", "dev", "Role", "cm-reader", {"kind": "ServiceAccount", "name": "bot"}))
    with acting_as(c.api, pod_identity(pod)):
        assert [m["metadata"]["name"] for m in c.api.list("configmaps", "dev")] == ["kube-root-ca.crt"]
        msg = refusal(c, lambda: c.api.list("secrets", "dev"))
    assert msg.startswith('secrets is forbidden: User "system:serviceaccount:dev:bot" cannot list')
    assert c.api.user is None


def test_authorization_comes_before_the_namespace_check(c: Cluster) -> None:
    c.act_as(user("alice"))
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "nowhere"}}
    assert refusal(c, lambda: c.create(cm)) == ('configmaps is forbidden: User "alice" cannot create resource '
                                                '"configmaps" in API group "" in the namespace "nowhere"')
