"""Naming pods that controllers made (STEPS.md, "Naming pods that controllers made").

Controllers give their pods random names, so specs name them through their
workload: ``deployment/web#0`` is the first current pod of Deployment ``web``;
in a ``"{pods}"`` list, ``deployment/web`` is every one of them and
``shop/web-0`` a pod in namespace ``shop``. A prefix that is a workload kind
(kubectl's names and short names) is always a kind, never a namespace.

"Current" pods exist in the API and are not terminating (no
``deletionTimestamp``); finished pods of a Job still count. They are ordered by
creation time (``metadata.creationTimestamp``, seconds), then name.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kspec.api.kinds import resource_for
from kspec.errors import ApiError, StepError
from kspec.objects import Obj, controller_of, parse_timestamp

if TYPE_CHECKING:
    from kspec.api.server import APIServer

#: Workload resources whose pods a reference may name; Deployments and CronJobs reach theirs through the
#: ReplicaSets and Jobs they own.
WORKLOADS = ("deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs",
             "replicationcontrollers")
_THROUGH = {"deployments": "replicasets", "cronjobs": "jobs"}
_REF = re.compile(r"(?P<prefix>[^/#\s]+)/(?P<name>[^/#\s]+)(?:#(?P<index>\d+))?")
_KINDS_HELP = ("deployment (deploy), replicaset (rs), statefulset (sts), daemonset (ds), job, cronjob (cj), "
               "replicationcontroller (rc)")


def is_reference(text: str) -> bool:
    """Pod names never contain ``/`` or ``#``; anything that does is a reference to resolve."""
    return "/" in text or "#" in text


def workload_resource(prefix: str) -> str | None:
    """The workload resource a prefix names (``deploy``, ``deployments``, ``Deployment`` ...), or None."""
    try:
        resource = resource_for(prefix).resource
    except ApiError:
        return None
    return resource if resource in WORKLOADS else None


def _is_pod_kind(prefix: str) -> bool:
    try:
        return resource_for(prefix).resource == "pods"
    except ApiError:
        return False


def workload_pods(api: APIServer, resource: str, name: str, namespace: str) -> list[Obj]:
    """The workload's current, non-terminating pods, ordered by creation time, then name."""
    kind = resource_for(resource)
    owner = api.try_get(resource, name, namespace)
    if owner is None:
        raise AssertionError(f'{kind.singular} "{name}" does not exist in namespace "{namespace}"')
    owners = {owner["metadata"]["uid"]}
    if resource in _THROUGH:
        owners = {o["metadata"]["uid"] for o in api.list(_THROUGH[resource], namespace)
                  if (controller_of(o) or {}).get("uid") in owners}
    pods = [p for p in api.list("pods", namespace)
            if (controller_of(p) or {}).get("uid") in owners and not p["metadata"].get("deletionTimestamp")]
    return sorted(pods, key=_creation_order)


def _creation_order(pod: Obj) -> tuple[int, str]:
    created = pod["metadata"].get("creationTimestamp")
    return (parse_timestamp(created) if created else 0, pod["metadata"]["name"])


def _split(ref: str, where: str) -> tuple[str, str, int | None]:
    m = _REF.fullmatch(ref.strip())
    if m is None:
        raise StepError(f'{where}"{ref}" is not a pod name nor a reference to one: write a pod name, '
                        "{kind}/{name}#{i} (e.g. deployment/web#0) or, in a list, {kind}/{name} or {namespace}/{pod}")
    index = m.group("index")
    return m.group("prefix"), m.group("name"), int(index) if index is not None else None


def resolve_pod(api: APIServer, ref: str, namespace: str = "default") -> str:
    """The pod name ``ref`` stands for where a step says ``pod "{pod}"``: a name, or ``{kind}/{name}#{i}``.

    A malformed reference or an unknown kind raises StepError; a workload that does not exist, or has no
    i-th pod now, raises AssertionError (so ``within`` keeps waiting for it).
    """
    if not is_reference(ref):
        return ref
    prefix, name, index = _split(ref, "")
    if _is_pod_kind(prefix) and index is None:
        return name
    resource = workload_resource(prefix)
    if resource is None:
        raise StepError(f'unknown workload kind "{prefix}" in pod "{ref}": the kinds are {_KINDS_HELP}')
    kind = resource_for(resource).singular
    if index is None:
        raise StepError(f'pod "{ref}" names every pod of {kind} "{name}"; write {ref}#0 for the first one '
                        "(pods are ordered by creation time, then name)")
    pods = workload_pods(api, resource, name, namespace)
    if index >= len(pods):
        listed = ", ".join(f'#{i} {p["metadata"]["name"]}' for i, p in enumerate(pods)) or "none"
        raise AssertionError(f'there is no pod {ref}: {kind} "{name}" has {len(pods)} current '
                             f'pod{"" if len(pods) == 1 else "s"} ({listed})')
    return pods[index]["metadata"]["name"]


def resolve_list(api: APIServer, text: str, namespace: str = "default") -> list[tuple[str, str]]:
    """The (namespace, name) pairs a ``"{pods}"`` list stands for, sorted; ``none`` is the empty list."""
    text = text.strip()
    if text in ("", "none"):
        return []
    out: set[tuple[str, str]] = set()
    for item in (p.strip() for p in text.split(",")):
        if not item:
            continue
        if not is_reference(item):
            out.add((namespace, item))
            continue
        prefix, name, index = _split(item, "in a pod list, ")
        resource = workload_resource(prefix)
        if resource is not None:
            if index is not None:
                out.add((namespace, resolve_pod(api, item, namespace)))
            else:
                out.update((namespace, p["metadata"]["name"]) for p in workload_pods(api, resource, name, namespace))
        elif _is_pod_kind(prefix) and index is None:
            out.add((namespace, name))
        elif index is not None:
            raise StepError(f'unknown workload kind "{prefix}" in "{item}": the kinds are {_KINDS_HELP}')
        elif api.try_get("namespaces", prefix, "") is not None:
            out.add((prefix, name))
        else:
            raise StepError(f'"{prefix}" in "{item}" is neither a workload kind ({_KINDS_HELP}) nor an existing '
                            "namespace")
    return sorted(out)


def show(pods: list[tuple[str, str]], namespace: str = "default") -> str:
    """Pods as a list item would name them: bare in ``namespace``, ``ns/name`` elsewhere; ``none`` if empty."""
    names = [name if ns == namespace else f"{ns}/{name}" for ns, name in sorted(pods)]
    return ", ".join(names) if names else "none"


def missing(api: APIServer, pods: list[tuple[str, str]]) -> str:
    """``; no pod "wbe" in namespace "default"`` for the listed pods that do not exist, else "": appended to a
    failed assertion about a pod list, so a misspelt name reads as one rather than as a pod the traffic missed."""
    gone = [f'"{name}" in namespace "{ns}"' for ns, name in sorted(pods) if api.try_get("pods", name, ns) is None]
    return f"; no pod {', '.join(gone)}" if gone else ""
