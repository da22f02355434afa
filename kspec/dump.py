"""The cluster as a person looks at it when a scenario fails: kubectl tables and recent events.

Three levels (``--kspec-dump``): ``short`` (the default) shows the tables and, of everything else, only
what concerns the failing step: the events about the objects it named, the scheduling table of the pods
it named, the proxy rules for the service it connected to on the client's node. ``full`` shows every
event, every waiting pod's scheduling table and every node's rules; ``none`` shows nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from kspec import printers
from kspec.api.kinds import resource_for
from kspec.durations import format_duration
from kspec.errors import KspecError
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
    ("persistentvolumeclaims", ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS"]),
    ("persistentvolumes", ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM",
                           "STORAGECLASS"]),
)
EVENT_LIMIT = 25
MODES = ("short", "full", "none")
#: Kinds whose objects name what they make (ReplicaSets ``web-5d8f``, pods ``web-5d8f-x2x4q``, ``db-0``).
WORKLOAD_KINDS = frozenset({"deployment", "replicaset", "statefulset", "daemonset", "job", "cronjob",
                            "replicationcontroller"})
#: The kubelet's routine events, which every running pod has and which explain nothing about a failure.
ROUTINE_REASONS = frozenset({"Scheduled", "Pulling", "Pulled", "Created", "Started", "Killing",
                             "SuccessfulCreate", "ScalingReplicaSet"})
FULL_HINT = "--kspec-dump=full shows everything"


@dataclass
class Focus:
    """The objects a step names, which the short dump keeps to."""

    objects: set[tuple[str, str, str]] = field(default_factory=set)  # (kind, namespace, name), kind lower-case
    workloads: set[tuple[str, str]] = field(default_factory=set)  # (namespace, name) of named workloads
    target: tuple[str, int] | None = None  # host, port of a connection
    client: tuple[str, str] | None = None  # namespace, pod that opens a connection

    def names(self, kind: str) -> list[tuple[str, str]]:
        return sorted((ns, name) for k, ns, name in self.objects if k == kind)

    def names_exactly(self, kind: str, namespace: str, name: str) -> bool:
        kind = kind.lower()
        return (kind, namespace, name) in self.objects or (kind, "", name) in self.objects

    def concerns(self, kind: str, namespace: str, name: str) -> bool:
        kind = kind.lower()
        if (kind, namespace, name) in self.objects or (kind, "", name) in self.objects:
            return True
        return any(ns == namespace and name.startswith(f"{w}-") for ns, w in self.workloads)


_NAMED = re.compile(r'\b([a-z][a-z.]*) "([^"]*)"')
_IN_NS = re.compile(r' in namespace "([^"]+)"')
_TARGET = re.compile(r'to "([^"]+):(\d+)"')


def focus_of(step: str) -> Focus:
    """The objects a step's text names: ``pod "web"``, ``pods "a, b"``, ``deployment "web"``, ``deployment/web``."""
    m = _IN_NS.search(step)
    namespace = m.group(1) if m else "default"
    focus = Focus()
    for word, value in _NAMED.findall(_IN_NS.sub("", step)):
        try:
            kind = resource_for(word)
        except KspecError:
            continue
        for item in (v.strip() for v in value.split(",")):
            if not item or item == "none":
                continue
            _add(focus, kind.kind.lower(), kind.namespaced, namespace, item)
    t = _TARGET.search(step)
    if t:
        focus.target = (t.group(1), int(t.group(2)))
        if re.fullmatch(r"[a-z0-9-]+", t.group(1)):  # a service name in the client's namespace
            focus.objects.add(("service", namespace, t.group(1)))
        c = re.search(r'from pod "([^"]+)"', step)
        if c:
            focus.client = (namespace, c.group(1))
    return focus


def _add(focus: Focus, kind: str, namespaced: bool, namespace: str, item: str) -> None:
    if "/" in item:  # kind/name (a workload's pods) or namespace/name
        prefix, _, name = item.partition("/")
        try:
            workload = resource_for(prefix)
        except KspecError:
            focus.objects.add((kind, prefix, name))
            return
        focus.objects.add((workload.kind.lower(), namespace, name.split("#")[0]))
        focus.workloads.add((namespace, name.split("#")[0]))
        return
    focus.objects.add((kind, namespace if namespaced else "", item))
    if kind in WORKLOAD_KINDS:
        focus.workloads.add((namespace, item))


def timeline_line(path: str) -> str:
    """Where ``--kspec-report`` drew the failed scenario's timeline."""
    return f"timeline report: {path}"


def dump(cluster: Cluster, *, events: int = EVENT_LIMIT, step: str = "", mode: str = "short",
         timeline: str = "") -> str:
    """Tables of what exists, then what explains the failure: events, scheduling verdicts, rules.

    ``timeline``: the path of the scenario's ``--kspec-report`` page, named first when there is one.
    """
    if mode == "none":
        return timeline_line(timeline) if timeline else ""
    full = mode == "full"
    focus = focus_of(step)
    now = printers_now(cluster)
    out = [*([timeline_line(timeline)] if timeline else []),
           f"--- cluster state at t={format_duration(cluster.clock.now)} (virtual) ---"]
    # a step about endpoint slices (or a full dump) also shows them, after the Endpoints
    sections = [(r, c) for r, c in SECTIONS] if not (full or "endpoint slice" in step) else [
        x for r, c in SECTIONS for x in ([(r, c), ("endpointslices", None)] if r == "endpoints" else [(r, c)])]
    for resource, columns in sections:
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
    out += _scheduling(cluster, focus, full)
    out += _proxy_rules(cluster, focus, step, full)
    if hasattr(cluster.store, "status_table") and ("etcd" in step or "writes to the API" in step):
        out += ["", "$ etcdctl endpoint status -w table", cluster.store.status_table()]
    out += _events(cluster, focus, events, full)
    return "\n".join(out)


def _shown(resource: str, obj: dict) -> bool:
    """Hide the control plane's own objects, which are the same in every scenario."""
    md = obj.get("metadata", {})
    if resource in ("services", "endpoints", "endpointslices"):
        return (md.get("namespace"), md.get("name")) not in (("default", "kubernetes"), ("kube-system", "kube-dns"))
    return True


#: How many unscheduled pods get their per-node scheduling table in a full dump.
EXPLAIN_LIMIT = 3


def _scheduling(cluster: Cluster, focus: Focus, full: bool) -> list[str]:
    """The per-node scheduling table of the pods the step named (every waiting pod in a full dump)."""
    scheduler = cluster.components.get("scheduler")
    if scheduler is None or not hasattr(scheduler, "explain_text"):
        return []
    pods = cluster.api.store.list("pods")
    if full:
        chosen = [p for p in pods if not p["spec"].get("nodeName")][:EXPLAIN_LIMIT]
    else:
        chosen = [p for p in pods if focus.concerns("pod", p["metadata"]["namespace"], p["metadata"]["name"])
                  and (("pod", p["metadata"]["namespace"], p["metadata"]["name"]) in focus.objects
                       or not p["spec"].get("nodeName"))][:EXPLAIN_LIMIT]
    out: list[str] = []
    for pod in chosen:
        text = scheduler.explain_text(pod["metadata"]["namespace"], pod["metadata"]["name"])
        if text and (full or "not been through a scheduling attempt" not in text):
            out += ["", text]
    return out


def _events(cluster: Cluster, focus: Focus, limit: int, full: bool) -> list[str]:
    log = list(cluster.events.log)
    if full:
        shown, what = log, "every event"
    else:
        running = {(p["metadata"]["namespace"], p["metadata"]["name"]) for p in cluster.api.store.list("pods")
                   if p.get("status", {}).get("phase") in ("Running", "Succeeded")}
        # a running pod's pull/create/start events explain nothing; a waiting pod's may, and so do the
        # routine events of a workload the step names (a Deployment's ScalingReplicaSet)
        shown = [e for e in log if not (e.reason in ROUTINE_REASONS and (
            (e.namespace, e.name) in running if e.kind == "Pod"
            else not focus.names_exactly(e.kind, e.namespace, e.name)))]
        what = "events"
        if focus.objects:
            shown = [e for e in shown if focus.concerns(e.kind, e.namespace, e.name)]
            what = "events about " + ", ".join(sorted({f"{k}/{n}" for k, _, n in focus.objects}))
    shown = shown if full else shown[-limit:]
    hidden = len(log) - len(shown)
    note = f" ({hidden} routine or unrelated events hidden; {FULL_HINT})" if hidden else ""
    if not log:
        return ["", "no events recorded"]
    if not shown:
        return ["", f"{what}: none but routine ones ({hidden} hidden; {FULL_HINT})"]
    head = ["TIME", "NAMESPACE", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    rows = [[f"{e.time_ms / 1000:.3f}s", e.namespace, e.type, e.reason, e.object, e.message] for e in shown]
    title = f"last {len(shown)} {what}" if not full else f"{len(shown)} events"
    return ["", f"{title} (virtual time, oldest first){note}:", printers.render(head, rows)]


# -- proxy rules ----------------------------------------------------------------------------------------
def _proxy_rules(cluster: Cluster, focus: Focus, step: str, full: bool) -> list[str]:
    proxy = cluster.components.get("proxy")
    if proxy is None or not hasattr(proxy, "rules"):
        return []
    mode = cluster.choices.get("proxy", "")
    if full:
        if "connection" in step or "endpoints" in step:
            return ["", f"kube-proxy ({mode}) rules:", proxy.rules()]
        return []
    if focus.target is None or focus.client is None:
        return []
    client = cluster.api.try_get("pods", focus.client[1], focus.client[0])
    node = (client or {}).get("spec", {}).get("nodeName")
    proxiers = getattr(proxy, "proxiers", {})
    if not node or node not in proxiers:
        return []
    services = _target_services(cluster, focus.client[0], *focus.target)
    if not services:
        return ["", f"kube-proxy ({mode}) on node {node}: no service answers to \"{focus.target[0]}:"
                f'{focus.target[1]}", so no rules apply ({FULL_HINT})']
    text = proxiers[node].rules()
    kept = filter_rules(text, [f"{ns}/{name}" for ns, name, _ in services],
                        sorted({ip for _, _, ips in services for ip in ips}))
    names = ", ".join(f"{ns}/{name}" for ns, name, _ in services)
    total = len(text.splitlines())
    return ["", f"kube-proxy ({mode}) on node {node} (the client's node), the rules for service {names} "
            f"({len(kept)} of {total} lines; {FULL_HINT}):", *kept]


def _target_services(cluster: Cluster, namespace: str, host: str, port: int) -> list[tuple[str, str, list[str]]]:
    """(namespace, name, addresses) of the services a connection to host:port goes through."""
    out = []
    parts = host.split(".")
    for svc in cluster.api.store.list("services"):
        md, spec = svc["metadata"], svc.get("spec", {})
        ips = [ip for ip in [*(spec.get("clusterIPs") or [spec.get("clusterIP")]), *(spec.get("externalIPs") or []),
                             *(i.get("ip") for i in svc.get("status", {}).get("loadBalancer", {}).get("ingress", [])
                               if isinstance(i, dict))] if ip and ip != "None"]
        by_name = parts[0] == md["name"] and (len(parts) == 1 and md["namespace"] == namespace
                                             or len(parts) > 1 and parts[1] == md["namespace"])
        node_port = any(p.get("nodePort") == port for p in spec.get("ports", []))
        if by_name or host in ips or (node_port and _is_node(cluster, host)):
            out.append((md["namespace"], md["name"], ips))
    return out


def _is_node(cluster: Cluster, host: str) -> bool:
    return any(n["metadata"]["name"] == host for n in cluster.api.store.list("nodes"))


def filter_rules(text: str, services: list[str], addresses: list[str]) -> list[str]:
    """The lines of a rules listing about these services: naming ``ns/name`` or one of their addresses.

    Indented ``->`` lines (``ipvsadm -Ln`` real servers) follow the line above them.
    """
    # a name as iptables comments and ipvsadm print it, or inside an nftables chain name (HASH-ns/name/proto/port)
    names = [re.compile(rf"(?<![\w/.-]){re.escape(s)}(?=[:\s\"]|$)|(?<=\b[A-Z2-7]{{8}}-){re.escape(s)}/")
             for s in services]
    ips = [re.compile(rf"(?<![\d.]){re.escape(ip)}(?![\d])") for ip in addresses]
    kept, keep = [], False
    for line in text.splitlines():
        if line.startswith((" ", "\t")) and line.strip().startswith("->"):
            if keep:
                kept.append(line)
            continue
        keep = any(p.search(line) for p in (*names, *ips))
        if keep:
            kept.append(line)
    return kept


__all__ = ["MODES", "Focus", "dump", "filter_rules", "focus_of", "timeline_line"]



def digests(cluster: Cluster) -> tuple[str, str]:
    """sha256 of the event log and of every stored object (resourceVersions included): what two runs that
    must be byte-identical compare, e.g. before and after a speed-up."""
    events = json.dumps([asdict(e) for e in cluster.event_log], sort_keys=True)
    store = cluster.api.store
    objects = json.dumps({r: store.list(r) for r in sorted(store._data)}, sort_keys=True)  # type: ignore[attr-defined]
    return hashlib.sha256(events.encode()).hexdigest(), hashlib.sha256(objects.encode()).hexdigest()
