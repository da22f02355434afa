"""The admission plugins kspec runs around a create, in kube-apiserver's order.

NamespaceLifecycle runs first, in ``APIServer._prepare`` (no new content in a terminating namespace). Then,
mutating: LimitRanger (defaults) before the per-kind plugins of ``kspec/api/admission.py`` (ServiceAccount,
Priority, DefaultTolerationSeconds, ...). After validation, validating: LimitRanger (min/max/ratio),
PodSecurity, ResourceQuota last, as in upstream's RecommendedPluginOrder. Each returns nothing or raises the
plugin's Forbidden error; PodSecurity may add warnings, which the request returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.api import limitranger, podsecurity, quota
from kspec.errors import forbidden

if TYPE_CHECKING:
    from kspec.api.kinds import Kind
    from kspec.api.server import APIServer

Obj = dict[str, Any]
_LIMITED = ("Pod", "PersistentVolumeClaim")
#: NamespaceLifecycle's immortalNamespaces
IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")


def check_delete(kind: Kind, name: str) -> None:
    """NamespaceLifecycle on a delete: the immortal namespaces stay."""
    if kind.kind == "Namespace" and name in IMMORTAL_NAMESPACES:
        raise forbidden(f'namespaces "{name}" is forbidden: this namespace may not be deleted')


def _exist(api: APIServer, resource: str) -> bool:
    """Whether any object of ``resource`` exists, cluster-wide: the cheap test that keeps LimitRanger and
    ResourceQuota out of the way of clusters that have none."""
    count = getattr(api.store, "count", None)
    return count(resource) > 0 if count is not None else True


def charges_quota(api: APIServer) -> bool:
    """Whether ResourceQuota may charge a namespaced create (any quota exists): all that ``validate`` can do for a
    kind that is no pod, claim or workload, which ``APIServer.create_owned`` asks first."""
    return _exist(api, "resourcequotas")


def mutate(obj: Obj, api: APIServer) -> None:
    """The mutating plugins that run before the per-kind ones: LimitRanger's defaults for a new pod."""
    if obj.get("kind") == "Pod" and _exist(api, "limitranges"):
        limitranger.admit(obj, api)


def validate(obj: Obj, api: APIServer, kind: Kind, *, dry_run: bool = False) -> list[str]:
    """The validating plugins for a create; returns the warnings for the caller."""
    if not kind.namespaced:
        return []
    if kind.kind in _LIMITED and _exist(api, "limitranges"):
        limitranger.validate(obj, api)
    # PodSecurity reads pods and the pod templates of workloads alone (its _pod_spec): other kinds skip the call
    warnings = podsecurity.admit(obj, api) if kind.kind == "Pod" or kind.kind in podsecurity.TEMPLATE_KINDS else []
    if _exist(api, "resourcequotas"):
        quota.check_request(api, obj, kind, dry_run=dry_run)
    return warnings


def validate_update(obj: Obj, old: Obj, api: APIServer, kind: Kind) -> list[str]:
    """The validating plugins for an update: PodSecurity warns about existing pods when a namespace's enforce
    level changes; ResourceQuota charges a Service or claim what it grows by. Returns the warnings."""
    if kind.kind == "Namespace":
        return podsecurity.namespace_update_warnings(obj, old, api)
    if kind.namespaced and _exist(api, "resourcequotas"):
        quota.check_request(api, obj, kind, old=old)
    return []
