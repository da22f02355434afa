"""Defaulting and validation of rbac.authorization.k8s.io/v1 objects (pkg/apis/rbac/v1/defaults.go,
pkg/apis/rbac/validation/validation.go), in apimachinery's field-error words."""

from __future__ import annotations

from typing import Any

from kspec.api.validation import (
    FieldError,
    child,
    index,
    invalid,
    is_dns1123_subdomain,
    not_supported,
    required,
    validate_object_meta,
)

Obj = dict[str, Any]
GROUP = "rbac.authorization.k8s.io"


def is_valid_path_segment_name(name: str) -> list[str]:
    """path.IsValidPathSegmentName (ValidateRBACName): role names may hold colons, not slashes."""
    for bad in (".", ".."):
        if name == bad:
            return [f"may not be '{bad}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


# -- defaults (SetDefaults_Subject, SetDefaults_RoleBinding/ClusterRoleBinding) ------------------------------
def default_binding(obj: Obj) -> None:
    ref = obj.get("roleRef")
    if isinstance(ref, dict) and not ref.get("apiGroup"):
        ref["apiGroup"] = GROUP
    for subject in obj.get("subjects") or []:
        if isinstance(subject, dict) and not subject.get("apiGroup"):
            if subject.get("kind") in ("User", "Group"):
                subject["apiGroup"] = GROUP
            elif subject.get("kind") == "ServiceAccount":
                subject["apiGroup"] = ""


# -- validation -------------------------------------------------------------------------------------------
def validate_policy_rule(rule: Obj, namespaced: bool, path: str) -> list[FieldError]:
    """ValidatePolicyRule."""
    errs: list[FieldError] = []
    if not rule.get("verbs"):
        errs.append(required(child(path, "verbs"), "verbs must contain at least one value"))
    urls = rule.get("nonResourceURLs") or []
    if urls:
        if namespaced:
            errs.append(invalid(child(path, "nonResourceURLs"), urls,
                                "namespaced rules cannot apply to non-resource URLs"))
        if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
            errs.append(invalid(child(path, "nonResourceURLs"), urls,
                                "rules cannot apply to both regular resources and non-resource URLs"))
        return errs
    if not rule.get("apiGroups"):
        errs.append(required(child(path, "apiGroups"), "resource rules must supply at least one api group"))
    if not rule.get("resources"):
        errs.append(required(child(path, "resources"), "resource rules must supply at least one resource"))
    return errs


def _meta(obj: Obj, namespaced: bool) -> list[FieldError]:
    return validate_object_meta(obj, namespaced, is_valid_path_segment_name)


def validate_role(obj: Obj) -> list[FieldError]:
    errs = _meta(obj, True)
    for i, rule in enumerate(obj.get("rules") or []):
        errs += validate_policy_rule(rule, True, index("rules", i))
    return errs


def validate_cluster_role(obj: Obj) -> list[FieldError]:
    """ValidateClusterRole: an aggregationRule needs selectors (their syntax is the label selector's)."""
    errs = _meta(obj, False)
    for i, rule in enumerate(obj.get("rules") or []):
        errs += validate_policy_rule(rule, False, index("rules", i))
    agg = obj.get("aggregationRule")
    if agg is not None and not agg.get("clusterRoleSelectors"):
        errs.append(required(child("aggregationRule", "clusterRoleSelectors"),
                             "at least one clusterRoleSelector required if aggregationRule is non-nil"))
    return errs


def validate_subject(subject: Obj, namespaced: bool, path: str) -> list[FieldError]:
    """ValidateRoleBindingSubject."""
    errs: list[FieldError] = []
    name, kind, group = subject.get("name", ""), subject.get("kind", ""), subject.get("apiGroup", "")
    if not name:
        errs.append(required(child(path, "name")))
    if kind == "ServiceAccount":
        if name:
            errs += [invalid(child(path, "name"), name, m) for m in is_dns1123_subdomain(name)]
        if group:
            errs.append(not_supported(child(path, "apiGroup"), group, [""]))
        if not namespaced and not subject.get("namespace"):
            errs.append(required(child(path, "namespace")))
    elif kind in ("User", "Group"):
        if group != GROUP:
            errs.append(not_supported(child(path, "apiGroup"), group, [GROUP]))
    else:
        errs.append(not_supported(child(path, "kind"), kind, ["ServiceAccount", "User", "Group"]))
    return errs


def _validate_binding(obj: Obj, namespaced: bool) -> list[FieldError]:
    errs = _meta(obj, namespaced)
    ref = obj.get("roleRef") or {}
    # roleRef.apiGroup may be empty only before defaulting; kinds: a RoleBinding may refer to either
    if ref.get("apiGroup", "") != GROUP:
        errs.append(not_supported("roleRef.apiGroup", ref.get("apiGroup", ""), [GROUP]))
    kinds = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
    if ref.get("kind", "") not in kinds:
        errs.append(not_supported("roleRef.kind", ref.get("kind", ""), kinds))
    if not ref.get("name"):
        errs.append(required("roleRef.name"))
    else:
        errs += [invalid("roleRef.name", ref["name"], m) for m in is_valid_path_segment_name(ref["name"])]
    for i, subject in enumerate(obj.get("subjects") or []):
        errs += validate_subject(subject, namespaced, index("subjects", i))
    return errs


def validate_role_binding(obj: Obj) -> list[FieldError]:
    return _validate_binding(obj, True)


def validate_cluster_role_binding(obj: Obj) -> list[FieldError]:
    return _validate_binding(obj, False)


def _ref_immutable(new: Obj, old: Obj) -> list[FieldError]:
    if (new.get("roleRef") or {}) != (old.get("roleRef") or {}):
        return [invalid("roleRef", new.get("roleRef"), "cannot change roleRef")]
    return []


VALIDATORS = {"Role": validate_role, "ClusterRole": validate_cluster_role, "RoleBinding": validate_role_binding,
              "ClusterRoleBinding": validate_cluster_role_binding}
UPDATE_VALIDATORS = {
    "Role": lambda new, old: validate_role(new),
    "ClusterRole": lambda new, old: validate_cluster_role(new),
    "RoleBinding": lambda new, old: validate_role_binding(new) + _ref_immutable(new, old),
    "ClusterRoleBinding": lambda new, old: validate_cluster_role_binding(new) + _ref_immutable(new, old),
}
DEFAULTERS = {"RoleBinding": default_binding, "ClusterRoleBinding": default_binding}
