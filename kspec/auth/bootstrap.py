"""Upstream's bootstrap RBAC policy: the ClusterRoles and ClusterRoleBindings a new cluster has.

Transcribed from plugin/pkg/auth/authorizer/rbac/bootstrappolicy (policy.go ``ClusterRoles``,
``ClusterRoleBindings``; their golden files testdata/cluster-roles.yaml and cluster-role-bindings.yaml):
the user-facing roles (cluster-admin, and admin, edit, view built by aggregation from the
``system:aggregate-to-*`` roles) and the ``system:`` roles of the components kspec simulates. Controller
roles (``system:controller:*``) are left out: kspec's controllers run as the control plane itself.
The objects are built once per process; ``APIServer.bootstrap`` writes them (kspec/templates.py then copies
the whole start-up state into each new cluster).
"""

from __future__ import annotations

import functools
from typing import Any

Obj = dict[str, Any]

READ = ["get", "list", "watch"]
WRITE = ["create", "delete", "deletecollection", "patch", "update"]
EVENT_WRITE = ["create", "patch", "update"]
AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
BOOTSTRAPPING = {"kubernetes.io/bootstrapping": "rbac-defaults"}


def _r(groups: list[str], resources: list[str], verbs: list[str], names: list[str] | None = None) -> Obj:
    rule: Obj = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    if names:
        rule["resourceNames"] = names
    return rule


def _urls(urls: list[str], verbs: list[str]) -> Obj:
    return {"nonResourceURLs": urls, "verbs": verbs}


def _aggregated_to(target: str) -> dict[str, str]:
    return {f"rbac.authorization.k8s.io/aggregate-to-{target}": "true"}


#: name -> (rules or None for an aggregated role, extra labels, the aggregate-to label it collects)
_ROLES: dict[str, tuple[list[Obj] | None, dict[str, str], str | None]] = {
    "cluster-admin": ([_r(["*"], ["*"], ["*"]), _urls(["*"], ["*"])], {}, None),
    "admin": (None, {}, "admin"),
    "edit": (None, _aggregated_to("admin"), "edit"),
    "view": (None, _aggregated_to("edit"), "view"),
    "system:aggregate-to-admin": ([
        _r(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
        _r(["rbac.authorization.k8s.io"], ["rolebindings", "roles"], [*WRITE[:3], "get", "list", "patch",
                                                                       "update", "watch"]),
    ], _aggregated_to("admin"), None),
    "system:aggregate-to-edit": ([
        _r([""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], READ),
        _r([""], ["serviceaccounts"], ["impersonate"]),
        _r([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], WRITE),
        _r([""], ["pods/eviction"], ["create"]),
        _r([""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                  "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"], WRITE),
        _r([""], ["serviceaccounts/token"], ["create"]),
        _r(["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
                      "replicasets/scale", "statefulsets", "statefulsets/scale"], WRITE),
        _r(["autoscaling"], ["horizontalpodautoscalers"], WRITE),
        _r(["batch"], ["cronjobs", "jobs"], WRITE),
        _r(["extensions"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses",
                            "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"],
           WRITE),
        _r(["policy"], ["poddisruptionbudgets"], WRITE),
        _r(["networking.k8s.io"], ["ingresses", "networkpolicies"], WRITE),
        _r(["coordination.k8s.io"], ["leases"], [*WRITE[:3], "get", "list", "patch", "update", "watch"]),
    ], _aggregated_to("edit"), None),
    "system:aggregate-to-view": ([
        _r([""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
                  "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
                  "services/status"], READ),
        _r([""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                  "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"], READ),
        _r([""], ["namespaces"], READ),
        _r(["discovery.k8s.io"], ["endpointslices"], READ),
        _r(["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                      "deployments/status", "replicasets", "replicasets/scale", "replicasets/status",
                      "statefulsets", "statefulsets/scale", "statefulsets/status"], READ),
        _r(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
        _r(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
        _r(["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                            "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets",
                            "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"], READ),
        _r(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
        _r(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], READ),
    ], _aggregated_to("view"), None),
    "system:auth-delegator": ([
        _r(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
        _r(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
    ], {}, None),
    "system:basic-user": ([
        _r(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"]),
        _r(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"]),
    ], {}, None),
    "system:discovery": ([_urls(["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                                 "/openapi/*", "/readyz", "/version", "/version/"], ["get"])], {}, None),
    "system:kube-controller-manager": ([
        _r(["", "events.k8s.io"], ["events"], EVENT_WRITE),
        _r(["coordination.k8s.io"], ["leases"], ["create"]),
        _r(["coordination.k8s.io"], ["leases"], ["get", "update"], ["kube-controller-manager"]),
        _r([""], ["secrets", "serviceaccounts"], ["create"]),
        _r([""], ["secrets"], ["delete"]),
        _r([""], ["configmaps", "namespaces", "secrets", "serviceaccounts"], ["get"]),
        _r([""], ["secrets", "serviceaccounts"], ["update"]),
        _r(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
        _r(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
        _r(["*"], ["*"], ["list", "watch"]),
        _r([""], ["serviceaccounts/token"], ["create"]),
    ], {}, None),
    "system:kube-dns": ([_r([""], ["endpoints", "services"], ["list", "watch"])], {}, None),
    "system:kube-scheduler": ([
        _r(["", "events.k8s.io"], ["events"], EVENT_WRITE),
        _r(["coordination.k8s.io"], ["leases"], ["create"]),
        _r(["coordination.k8s.io"], ["leases"], ["get", "update"], ["kube-scheduler"]),
        _r([""], ["nodes"], READ),
        _r([""], ["pods"], ["delete", *READ]),
        _r([""], ["bindings", "pods/binding"], ["create"]),
        _r([""], ["pods/status"], ["patch", "update"]),
        _r([""], ["replicationcontrollers", "services"], READ),
        _r(["apps", "extensions"], ["replicasets"], READ),
        _r(["apps"], ["statefulsets"], READ),
        _r(["policy"], ["poddisruptionbudgets"], READ),
        _r([""], ["persistentvolumeclaims", "persistentvolumes"], READ),
        _r(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
        _r(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
        _r(["storage.k8s.io"], ["csinodes"], READ),
        _r([""], ["namespaces"], READ),
        _r(["storage.k8s.io"], ["csidrivers"], READ),
        _r(["storage.k8s.io"], ["csistoragecapacities"], READ),
    ], {}, None),
    "system:monitoring": ([_urls(["/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis",
                                  "/readyz", "/readyz/*"], ["get"])], {}, None),
    "system:node": ([
        _r(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
        _r(["authorization.k8s.io"], ["localsubjectaccessreviews", "subjectaccessreviews"], ["create"]),
        _r([""], ["services"], READ),
        _r([""], ["nodes"], ["create", *READ]),
        _r([""], ["nodes/status"], ["patch", "update"]),
        _r([""], ["nodes"], ["patch", "update"]),
        _r([""], ["events"], EVENT_WRITE),
        _r([""], ["pods"], READ),
        _r([""], ["pods"], ["create", "delete"]),
        _r([""], ["pods/status"], ["patch", "update"]),
        _r([""], ["pods/eviction"], ["create"]),
        _r([""], ["configmaps", "secrets"], READ),
        _r([""], ["persistentvolumeclaims", "persistentvolumes"], ["get"]),
        _r([""], ["endpoints"], ["get"]),
        _r(["certificates.k8s.io"], ["certificatesigningrequests"], ["create", *READ]),
        _r(["coordination.k8s.io"], ["leases"], ["create", "delete", "get", "patch", "update"]),
        _r(["storage.k8s.io"], ["volumeattachments"], ["get"]),
        _r([""], ["serviceaccounts/token"], ["create"]),
        _r([""], ["persistentvolumeclaims/status"], ["get", "patch", "update"]),
        _r(["storage.k8s.io"], ["csidrivers"], READ),
        _r(["storage.k8s.io"], ["csinodes"], ["create", "delete", "get", "patch", "update"]),
        _r(["node.k8s.io"], ["runtimeclasses"], READ),
    ], {}, None),
    "system:node-proxier": ([
        _r([""], ["endpoints", "services"], ["list", "watch"]),
        _r([""], ["nodes"], READ),
        _r(["", "events.k8s.io"], ["events"], EVENT_WRITE),
        _r(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"]),
    ], {}, None),
    "system:persistent-volume-provisioner": ([
        _r([""], ["persistentvolumes"], ["create", "delete", *READ]),
        _r([""], ["persistentvolumeclaims"], ["get", "list", "update", "watch"]),
        _r(["storage.k8s.io"], ["storageclasses"], READ),
        _r([""], ["events"], ["watch"]),
        _r(["", "events.k8s.io"], ["events"], EVENT_WRITE),
    ], {}, None),
    "system:public-info-viewer": ([_urls(["/healthz", "/livez", "/readyz", "/version", "/version/"], ["get"])],
                                  {}, None),
    "system:service-account-issuer-discovery": ([
        _urls(["/.well-known/openid-configuration", "/openid/v1/jwks"], ["get"])], {}, None),
    "system:volume-scheduler": ([
        _r([""], ["persistentvolumes"], ["get", "list", "patch", "update", "watch"]),
        _r(["storage.k8s.io"], ["storageclasses"], READ),
        _r([""], ["persistentvolumeclaims"], ["get", "list", "patch", "update", "watch"]),
    ], {}, None),
}

#: ClusterRoleBindings: name (= its ClusterRole's) -> subjects as (kind, name[, namespace])
_BINDINGS: dict[str, list[tuple[str, ...]]] = {
    "cluster-admin": [("Group", "system:masters")],
    "system:basic-user": [("Group", "system:authenticated")],
    "system:discovery": [("Group", "system:authenticated")],
    "system:kube-controller-manager": [("User", "system:kube-controller-manager")],
    "system:kube-dns": [("ServiceAccount", "kube-dns", "kube-system")],
    "system:kube-scheduler": [("User", "system:kube-scheduler")],
    "system:monitoring": [("Group", "system:monitoring")],
    "system:node": [],
    "system:node-proxier": [("User", "system:kube-proxy")],
    "system:public-info-viewer": [("Group", "system:authenticated"), ("Group", "system:unauthenticated")],
    "system:service-account-issuer-discovery": [("Group", "system:serviceaccounts")],
    "system:volume-scheduler": [("User", "system:kube-scheduler")],
}


def _subject(parts: tuple[str, ...]) -> Obj:
    if parts[0] == "ServiceAccount":
        return {"kind": "ServiceAccount", "name": parts[1], "namespace": parts[2]}
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": parts[0], "name": parts[1]}


@functools.cache
def _cluster_roles() -> tuple[Obj, ...]:
    out: list[Obj] = []
    for name, (rules, labels, collects) in sorted(_ROLES.items()):
        role: Obj = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                     "metadata": {"name": name, "annotations": dict(AUTOUPDATE),
                                  "labels": {**BOOTSTRAPPING, **labels}}}
        if collects:
            role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": _aggregated_to(collects)}]}
        role["rules"] = rules or []
        out.append(role)
    return tuple(out)


def cluster_roles() -> list[Obj]:
    """The bootstrap ClusterRoles (fresh copies), aggregated ones with the rules aggregation gives them."""
    import copy

    from kspec.auth.aggregation import aggregated_rules

    roles = copy.deepcopy(list(_cluster_roles()))
    by_name = {r["metadata"]["name"]: r for r in roles}
    # view first: edit collects view's rules, admin edit's (the aggregation controller converges to this)
    for name in ("view", "edit", "admin"):
        by_name[name]["rules"] = aggregated_rules(by_name[name], roles)
    return roles


def cluster_role_bindings() -> list[Obj]:
    return [{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
             "metadata": {"name": name, "annotations": dict(AUTOUPDATE), "labels": dict(BOOTSTRAPPING)},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
             **({"subjects": [_subject(s) for s in subjects]} if subjects else {})}
            for name, subjects in sorted(_BINDINGS.items())]
