"""Builders for upstream's scheduler test objects (pkg/scheduler/testing wrappers: st.MakePod, st.MakeNode)
as plain dicts, and the adapter that runs a case through ``kspec.scheduler.evaluate``.

A status in case data is a tuple ``(code, reason, ...)`` with upstream's code name
("Unschedulable", "UnschedulableAndUnresolvable", "Skip", "Error"); success is None.
"""

from __future__ import annotations

from typing import Any

from kspec.scheduler import Evaluation, evaluate
from kspec.scheduler.framework import Status

MB = 1024 * 1024
UNSCHED = "Unschedulable"
UNRESOLVABLE = "UnschedulableAndUnresolvable"
SKIP = ("Skip",)


def pod(name: str = "", *, ns: str = "default", labels: dict[str, str] | None = None, node: str = "",
        uid: str = "", priority: int | None = None, containers: list[dict[str, Any]] | None = None,
        **spec: Any) -> dict[str, Any]:
    """st.MakePod(): ``spec`` keys are PodSpec fields; ``containers`` defaults to none (as MakePod)."""
    md: dict[str, Any] = {"namespace": ns}
    if name:
        md["name"] = name
    if labels:
        md["labels"] = dict(labels)
    if uid:
        md["uid"] = uid
    body: dict[str, Any] = {"containers": list(containers or []), **spec}
    if node:
        body["nodeName"] = node
    if priority is not None:
        body["priority"] = priority
    return {"metadata": md, "spec": body}


def req(*requests: dict[str, Any], image: str = "pause") -> list[dict[str, Any]]:
    """Containers with these requests (st.MakePod().Req(...) once per container)."""
    return [{"name": f"c{i}", "image": image, "resources": {"requests": dict(r)} if r else {}}
            for i, r in enumerate(requests)]


def node(name: str, *, labels: dict[str, str] | None = None, alloc: dict[str, Any] | None = None,
         taints: list[dict[str, Any]] | None = None, unschedulable: bool = False,
         images: list[tuple[list[str], int]] | None = None) -> dict[str, Any]:
    """st.MakeNode(): capacity and allocatable are the same (``alloc``)."""
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    status: dict[str, Any] = {}
    if alloc is not None:
        status["allocatable"] = {k: str(v) for k, v in alloc.items()}
        status["capacity"] = dict(status["allocatable"])
    if images:
        status["images"] = [{"names": names, "sizeBytes": size} for names, size in images]
    return {"metadata": {"name": name, "labels": dict(labels or {})}, "spec": spec, "status": status}


def node_affinity_in(key: str, values: list[str], op: str = "In") -> dict[str, Any]:
    """st.MakePod().NodeAffinityIn(key, values): one required term with one expression."""
    expr: dict[str, Any] = {"key": key, "operator": op}
    if values:
        expr["values"] = values
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [expr]}]}}}


def as_tuple(status: Status | None) -> tuple[str, ...] | None:
    if status is None or status.success:
        return None
    return (status.code.title, *status.reasons)


def run(plugin: str, c: dict[str, Any], **kw: Any) -> Evaluation:
    """Evaluate the case's pod against its nodes and pods with the case's args and objects."""
    return evaluate(plugin, c["pod"], c.get("nodes") or [], pods=c.get("pods") or [], args=c.get("args"),
                    objects=c.get("objects") or [], **kw)




#: the reason for upstream's hint cases that hand the plugin something other than a node
WRONG_OBJECT = "the informers hand kspec's queue nodes only; there is no non-node object to reject"


def queueing_hint(plugin: str, args: Any, p: dict[str, Any], old: dict[str, Any] | None,
                  new: dict[str, Any]) -> bool:
    """isSchedulableAfterNodeChange as kspec's queue asks it: the node events an add or update carries
    (``node_update_events``), those the plugin registered, and its hint for each; QueueSkip is False."""
    from kspec.builtin.scheduler import IN_TREE
    from kspec.scheduler import framework as fwk
    from kspec.scheduler.nodeinfo import PodInfo
    from kspec.scheduler.scheduler import node_update_events

    instance = next(f for f in IN_TREE if f.NAME == plugin)(args, None)
    events = [fwk.NODE_ADD] if old is None else node_update_events(old, new)
    pi = PodInfo({"metadata": {"name": "p", "namespace": "default"}, "spec": p["spec"]})
    return any(instance.queueing_hint(e, pi, old, new) for e in events if e in instance.EVENTS)


def ps(spec: str) -> list[dict[str, Any]]:
    """Existing pods for the topology spread tables: "a1" is p-a1 on node-a labelled foo; "b1@a" puts it on
    node-a; ":bar" / ":foo,bar" set the labels; "/ns1" the namespace; a trailing "!" makes it terminating."""
    out = []
    for entry in spec.split():
        terminating = entry.endswith("!")
        entry = entry.rstrip("!")
        entry, _, ns = entry.partition("/")
        entry, _, labels = entry.partition(":")
        name, _, on = entry.partition("@")
        p = pod(f"p-{name}", ns=ns or "default", node=f"node-{on or name[0]}",
                labels={k: "" for k in (labels or "foo").split(",")})
        if terminating:
            p["metadata"]["deletionTimestamp"] = "2020-01-01T00:00:00Z"
        out.append(p)
    return out
