"""What ``kubectl auth can-i`` and ``kubectl apply`` send and print around authorization."""

from __future__ import annotations

from typing import Any

from kspec.api.kinds import kind_for, resource_for
from kspec.auth.user import UserInfo
from kspec.errors import ApiError

Obj = dict[str, Any]


def access_review(verb: str, resource: str, user: UserInfo, name: str = "", namespace: str | None = None) -> Obj:
    """The SubjectAccessReview ``kubectl auth can-i VERB RESOURCE [NAME] -n NS --as USER`` amounts to.

    ``resource`` is ``pods``, a short name (``po``), ``deployments.apps``, ``pods/log`` (a subresource) or a
    non-resource URL (``/healthz``); kubectl resolves the name through discovery, and an unknown one is
    asked about as written (``group`` after its first dot)."""
    spec: Obj = {"user": user.name, "groups": list(user.groups)}
    if resource.startswith("/"):
        spec["nonResourceAttributes"] = {"path": resource, "verb": verb}
    else:
        base, _, sub = resource.partition("/")
        try:
            kind = resource_for(base)
            res, group, namespaced = kind.resource, kind.group, kind.namespaced
        except ApiError:
            res, _, group = base.partition(".")
            namespaced = True
        attrs: Obj = {"verb": verb, "resource": res, "group": group}
        if namespaced:
            attrs["namespace"] = namespace or "default"
        if sub:
            attrs["subresource"] = sub
        if name:
            attrs["name"] = name
        spec["resourceAttributes"] = attrs
    return {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "metadata": {}, "spec": spec}


def retrieving_context(obj: Obj, origin: str) -> str:
    """kubectl apply's prefix when its GET of the live object is refused (cmdutil.AddSourceToErr of
    ``retrieving current configuration of:`` and resource.Info.String())."""
    md = obj.get("metadata") or {}
    try:
        kind = kind_for(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        group, version, resource, kname = kind.group, kind.version, kind.resource, kind.kind
        ns = (md.get("namespace") or "default") if kind.namespaced else ""
    except ApiError:
        return f'error when retrieving current configuration of:\nName: "{md.get("name", "")}", Namespace: ' \
               f'"{md.get("namespace", "")}"\nfrom server for: "{origin}": '
    return (f'error when retrieving current configuration of:\nResource: "{group}/{version}, Resource={resource}", '
            f'GroupVersionKind: "{group}/{version}, Kind={kname}"\nName: "{md.get("name", "")}", Namespace: '
            f'"{ns}"\nfrom server for: "{origin}": ')


def parse_account(text: str) -> tuple[str, str]:
    """``shop/builder`` -> (namespace, name), as ``--as system:serviceaccount:shop:builder`` names it."""
    ns, sep, name = text.partition("/")
    if not sep or not ns or not name or "/" in name:
        from kspec.errors import StepError
        raise StepError(f'service account "{text}": write it as "<namespace>/<name>", e.g. "shop/builder"')
    return ns, name


def expect_access(cluster: Any, who: UserInfo, verb: str, resource: str, allowed: bool, name: str = "",
                  namespace: str | None = None) -> None:
    """Assert what ``kubectl auth can-i`` answers, saying the command and the authorizer's reason."""
    review = cluster.api.create(access_review(verb, resource, who, name, namespace))
    if bool(review["status"]["allowed"]) == allowed:
        return
    attrs = review["spec"].get("resourceAttributes") or {}
    command = f"kubectl auth can-i {verb} {resource}{' ' + name if name else ''}"
    if attrs.get("namespace"):
        command += f" -n {attrs['namespace']}"
    command += f" --as {who.name}"
    reason = review["status"].get("reason") or "no RBAC rule allows it"
    raise AssertionError(f"{command} answers {'yes' if not allowed else 'no'}, expected "
                         f"{'yes' if allowed else 'no'} ({reason})")
