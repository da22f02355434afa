"""Authorization as kube-apiserver applies it to each request, and the RBAC registry's escalation checks.

``check`` is the WithAuthorization filter: RBAC decides, a denial is the 403 that
responsewriters.Forbidden writes (``pods "web" is forbidden: User "alice" cannot get resource "pods" in API
group "" in the namespace "dev"``). ``confirm_rbac_write`` is the policy-based storage of roles and bindings
(pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased): a user may only grant
what they hold, unless allowed to ``escalate`` (roles) or ``bind`` (the role a binding refers to).
``review`` answers SubjectAccessReview, SelfSubjectAccessReview and LocalSubjectAccessReview
(pkg/registry/authorization/*subjectaccessreview), which ``kubectl auth can-i`` creates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kspec.api.kinds import Kind
from kspec.auth.rbac import GROUP, Attributes, RuleResolver, authorize, escalation_error, forbidden_message
from kspec.auth.user import UserInfo
from kspec.errors import ApiError, bad_request

if TYPE_CHECKING:
    from kspec.api.server import APIServer

Obj = dict[str, Any]


def resolver(api: APIServer) -> RuleResolver:
    store = api.store
    return RuleResolver(lambda res, ns, name: store.get(res, ns, name), lambda res, ns: store.list(res, ns))


def forbidden(attrs: Attributes, reason: str = "") -> ApiError:
    """apierrors.NewForbidden(group resource, name, forbiddenMessage[: reason])."""
    msg = forbidden_message(attrs)
    if reason:
        msg = f"{msg}: {reason}"
    gr = f"{attrs.resource}.{attrs.group}" if attrs.group else attrs.resource
    if not attrs.resource_request:
        return ApiError(403, "Forbidden", f"forbidden: {msg}")
    head = f'{gr} "{attrs.name}"' if attrs.name else gr
    return ApiError(403, "Forbidden", f"{head} is forbidden: {msg}")


def check(api: APIServer, user: UserInfo, verb: str, kind: Kind, namespace: str | None, name: str = "",
          subresource: str = "") -> None:
    """Authorize one request of ``user`` or raise its 403."""
    if user.privileged:
        return
    attrs = Attributes(user, verb, kind.resource, kind.group, namespace or "" if kind.namespaced else "", name,
                       subresource)
    allowed, reason = authorize(resolver(api), attrs)
    if not allowed:
        raise forbidden(attrs, reason)


def _escalation_allowed(user: UserInfo) -> bool:
    """rbacregistry.EscalationAllowed: system:masters may grant anything."""
    return user.privileged


def _authorized(api: APIServer, user: UserInfo, verb: str, resource: str, namespace: str, name: str) -> bool:
    attrs = Attributes(user, verb, resource, GROUP, namespace, name)
    return authorize(resolver(api), attrs)[0]


def confirm_rbac_write(api: APIServer, user: UserInfo, obj: Obj, kind: Kind, old: Obj | None) -> None:
    """The policy-based storages' escalation checks for a role or binding write by ``user``."""
    if _escalation_allowed(user):
        return
    md = obj.get("metadata") or {}
    ns = md.get("namespace", "") if kind.namespaced else ""
    name = md.get("name", "")
    gr = f"{kind.resource}.{GROUP}"
    head = f'{gr} "{name}"' if name else gr
    if kind.kind in ("Role", "ClusterRole"):
        # RoleEscalationAuthorized: the escalate verb on the role lets anything through
        if _authorized(api, user, "escalate", kind.resource, ns, name):
            return
        res = resolver(api)
        if kind.kind == "ClusterRole" and obj.get("aggregationRule"):
            full = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                    {"nonResourceURLs": ["*"], "verbs": ["*"]}]
            if escalation_error(res, user, ns, full) is not None:
                raise ApiError(403, "Forbidden", f"{head} is forbidden: must have cluster-admin privileges to "
                                                 "use the aggregationRule")
            return
        if old is not None and _only_gc_fields(obj, old):
            return
        err = escalation_error(res, user, ns, list(obj.get("rules") or []))
        if err is not None:
            raise ApiError(403, "Forbidden", f"{head} is forbidden: {err}")
        return
    ref = obj.get("roleRef") or {}
    # BindingAuthorized: the bind verb on the referenced role
    ref_resource = "roles" if ref.get("kind") == "Role" else "clusterroles"
    if _authorized(api, user, "bind", ref_resource, ns, ref.get("name", "")):
        return
    if old is not None and _only_gc_fields(obj, old):
        return
    res = resolver(api)
    rules, resolve_err = res.role_reference_rules(ref, ns)
    if resolve_err:
        raise ApiError(404, "NotFound", resolve_err.replace("role.", "roles.", 1)
                       if ref.get("kind") == "Role" else resolve_err.replace("clusterrole.", "clusterroles.", 1))
    err = escalation_error(res, user, ns, rules)
    if err is not None:
        raise ApiError(403, "Forbidden", f"{head} is forbidden: {err}")


def _only_gc_fields(obj: Obj, old: Obj) -> bool:
    """rbacregistry.IsOnlyMutatingGCFields: the update touches only ownerReferences and finalizers."""
    def rest(o: Obj) -> Obj:
        md = {k: v for k, v in (o.get("metadata") or {}).items()
              if k not in ("ownerReferences", "finalizers", "resourceVersion")}
        return {**o, "metadata": md}
    return rest(obj) == rest(old)


def review(api: APIServer, obj: Obj, kind: Kind, user: UserInfo | None) -> Obj:
    """Create a SubjectAccessReview (or a Self/Local one): the request comes back with its status."""
    spec = obj.get("spec") or {}
    if kind.kind == "SelfSubjectAccessReview":
        subject = user or _admin()
    else:
        name, groups = spec.get("user", ""), list(spec.get("groups") or [])
        if not name and not groups:
            raise ApiError(422, "Invalid", f'{kind.kind}.authorization.k8s.io "" is invalid: spec.user: Invalid '
                                           'value: "": at least one of user or group must be specified')
        subject = UserInfo(name, tuple(groups))
    ra, nra = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    if (ra is None) == (nra is None):
        raise bad_request(f"{kind.kind}: exactly one of nonResourceAttributes or resourceAttributes must be "
                          "specified")
    if ra is not None:
        ns = ra.get("namespace", "")
        if kind.kind == "LocalSubjectAccessReview":
            ns = obj["metadata"].get("namespace", "")
        attrs = Attributes(subject, ra.get("verb", ""), ra.get("resource", ""), ra.get("group", ""), ns,
                           ra.get("name", ""), ra.get("subresource", ""))
    else:
        attrs = Attributes(subject, nra.get("verb", ""), path=nra.get("path", "") or "/")
    allowed, reason = authorize(resolver(api), attrs)
    out = {**obj, "status": {"allowed": allowed}}
    if reason:
        out["status"]["reason"] = reason
    return out


def _admin() -> UserInfo:
    from kspec.auth.user import CLUSTER_ADMIN
    return CLUSTER_ADMIN


@contextmanager
def acting_as(api: APIServer, user: UserInfo | None) -> Iterator[None]:
    """Send the requests made inside as ``user``: what a plugin controller acting for a pod does with the pod's
    service account token (``pod_identity``). None: the control plane itself."""
    saved, saved_authorized = api.user, api._authorized
    api.user, api._authorized = user, False
    try:
        yield
    finally:
        api.user, api._authorized = saved, saved_authorized


def pod_identity(pod: Obj) -> UserInfo:
    """The identity a pod's API requests carry: its service account (``default`` when unset)."""
    from kspec.auth.user import service_account

    md, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    return service_account(md.get("namespace") or "default", spec.get("serviceAccountName") or "default")
