"""The cluster as a person looks at it when a scenario fails: kubectl tables and recent events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kspec import printers
from kspec.api.kinds import resource_for
from kspec.durations import format_duration
from kspec.expect import printers_now

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: Resources shown, in order, with the columns a person reads first.
SECTIONS = (
    ("nodes", ["NAME", "STATUS", "ROLES", "VERSION", "INTERNAL-IP"]),
    ("pods", ["NAME", "READY", "STATUS", "RESTARTS", "IP", "NODE"]),
    ("services", None),
    ("endpoints", None),
    ("deployments", None),
    ("replicasets", None),
    ("statefulsets", None),
    ("daemonsets", None),
    ("jobs", None),
)
USER_NAMESPACES_FIRST = ("default",)
EVENT_LIMIT = 25


def dump(cluster: Cluster, *, events: int = EVENT_LIMIT, step: str = "") -> str:
    """Tables of what exists, why pods wait, the last events; proxy rules or etcd status when the step is about them."""
    now = printers_now(cluster)
    out = [f"--- cluster state at t={format_duration(cluster.clock.now)} (virtual) ---"]
    for resource, columns in SECTIONS:
        objs = [o for o in cluster.api.store.list(resource) if _shown(resource, o)]
        if not objs:
            continue
        head, rows = printers.table(resource, objs, now, wide=True,
                                    all_namespaces=resource_for(resource).namespaced)
        if columns is not None:
            keep = [i for i, h in enumerate(head) if h in ("NAMESPACE", *columns)]
            head, rows = [head[i] for i in keep], [[r[i] for i in keep] for r in rows]
        flag = " -A" if resource_for(resource).namespaced else ""
        out += ["", f"$ kubectl get {resource}{flag}", printers.render(head, rows)]
    out += _component_sections(cluster, step)
    log = cluster.events.log[-events:]
    if log:
        out += ["", f"last {len(log)} events (virtual time, oldest first):"]
        head = ["TIME", "NAMESPACE", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        rows = [[f"{e.time_ms / 1000:.3f}s", e.namespace, e.type, e.reason, e.object, e.message] for e in log]
        out.append(printers.render(head, rows))
    else:
        out += ["", "no events recorded"]
    return "\n".join(out)


def _shown(resource: str, obj: dict) -> bool:
    """Hide the control plane's own objects, which are the same in every scenario."""
    md = obj.get("metadata", {})
    if resource == "services":
        return (md.get("namespace"), md.get("name")) not in (("default", "kubernetes"), ("kube-system", "kube-dns"))
    if resource == "endpoints":
        return (md.get("namespace"), md.get("name")) not in (("default", "kubernetes"), ("kube-system", "kube-dns"))
    return True


#: How many unscheduled pods get their per-node scheduling table in a dump.
EXPLAIN_LIMIT = 3


def _component_sections(cluster: Cluster, step: str) -> list[str]:
    """What the components can explain: scheduling verdicts, proxy rules, etcd members."""
    out: list[str] = []
    scheduler = cluster.components.get("scheduler")
    if scheduler is not None and hasattr(scheduler, "explain_text"):
        waiting = [p for p in cluster.api.store.list("pods") if not p["spec"].get("nodeName")]
        for pod in waiting[:EXPLAIN_LIMIT]:
            text = scheduler.explain_text(pod["metadata"]["namespace"], pod["metadata"]["name"])
            if text:
                out += ["", text]
    proxy = cluster.components.get("proxy")
    if proxy is not None and hasattr(proxy, "rules") and ("connection" in step or "endpoints" in step):
        out += ["", f"kube-proxy ({cluster.choices['proxy']}) rules:", proxy.rules()]
    if hasattr(cluster.store, "status_table") and ("etcd" in step or "writes to the API" in step):
        out += ["", "$ etcdctl endpoint status -w table", cluster.store.status_table()]
    return out
