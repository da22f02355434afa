"""The create-only review kinds: answered from the request's identity and the authorizers, never stored.

``answer`` is what ``APIServer.create`` calls for every kind of authorization.k8s.io and
authentication.k8s.io: SelfSubjectReview (``kubectl auth whoami``, pkg/registry/authentication/
selfsubjectreview), SelfSubjectRulesReview (``kubectl auth can-i --list``, pkg/registry/authorization/
selfsubjectrulesreview) here; the access reviews in ``kspec/auth/authz.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.api.kinds import Kind
from kspec.auth import authz
from kspec.auth.rbac import aggregate
from kspec.auth.user import CLUSTER_ADMIN, SYSTEM_MASTERS, UserInfo
from kspec.errors import bad_request
from kspec.objects import timestamp

if TYPE_CHECKING:
    from kspec.api.server import APIServer

Obj = dict[str, Any]

#: user.NodesGroup and the node authorizer's identity prefix (nodeidentifier.NodeIdentity)
NODES_GROUP = "system:nodes"
NODE_PREFIX = "system:node:"


def answer(api: APIServer, obj: Obj, kind: Kind, user: UserInfo | None) -> Obj:
    """Create one review as ``user`` (None: the kubeconfig's cluster admin) and return the answered object."""
    if kind.kind == "SelfSubjectReview":
        return self_subject_review(api, user or CLUSTER_ADMIN)
    if kind.kind == "SelfSubjectRulesReview":
        return self_subject_rules_review(api, obj, user or CLUSTER_ADMIN)
    return authz.review(api, obj, kind, user)


def user_info(user: UserInfo) -> Obj:
    """authenticationv1.UserInfo as JSON: username, groups and extra, each left out when empty."""
    out: Obj = {"username": user.name}
    if user.groups:
        out["groups"] = list(user.groups)
    if user.extra:
        out["extra"] = {k: list(v) for k, v in user.extra}
    return out


def self_subject_review(api: APIServer, user: UserInfo) -> Obj:
    """selfsubjectreview.REST.Create: the attributes authentication gave the request, stamped now."""
    return {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": timestamp(api.clock.now)},
            "status": {"userInfo": user_info(user)}}


def self_subject_rules_review(api: APIServer, obj: Obj, user: UserInfo) -> Obj:
    """selfsubjectrulesreview.REST.Create: every rule the authorizers enumerate for ``user`` in
    ``spec.namespace``, as the union rule resolver of kube-apiserver's chain (privileged groups, Node, RBAC)
    lists them; kubectl breaks them down, compacts and sorts them itself."""
    namespace = str((obj.get("spec") or {}).get("namespace") or "")
    if not namespace:
        raise bad_request("no namespace on request")
    resource_rules: list[Obj] = []
    non_resource_rules: list[Obj] = []
    errors: list[str] = []
    incomplete = False
    if SYSTEM_MASTERS in user.groups:
        # authorizerfactory.privilegedGroupAuthorizer.RulesFor: everything, on resources and on URLs
        resource_rules.append({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})
        non_resource_rules.append({"verbs": ["*"], "nonResourceURLs": ["*"]})
    if user.name.startswith(NODE_PREFIX) and NODES_GROUP in user.groups:
        # node.NodeAuthorizer.RulesFor: a node's permissions are not enumerable
        incomplete = True
        errors.append("node authorizer does not support user rule resolution")
    rules, rbac_errors = authz.resolver(api).rules_for(user, namespace)
    for rule in rules:  # rbac.RBACAuthorizer.RulesFor: a rule may give both kinds
        if rule.get("resources"):
            out: Obj = {"verbs": list(rule.get("verbs") or [])}
            for key in ("apiGroups", "resources", "resourceNames"):
                if rule.get(key):
                    out[key] = list(rule[key])
            resource_rules.append(out)
        if rule.get("nonResourceURLs"):
            non_resource_rules.append({"verbs": list(rule.get("verbs") or []),
                                       "nonResourceURLs": list(rule["nonResourceURLs"])})
    if rbac_errors:
        errors.append(aggregate(rbac_errors))
    status: Obj = {"resourceRules": resource_rules, "nonResourceRules": non_resource_rules,
                   "incomplete": incomplete}
    if errors:
        status["evaluationError"] = aggregate(errors)
    return {"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {},
            "spec": {}, "status": status}
