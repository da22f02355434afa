"""A whole replacement scheduler, as a third party would write one: first fit by node name.

It shows the factory hook (``kspec_make_scheduler``): choose it with
``Given the cluster uses the "first-fit" scheduler`` or ``--kspec-scheduler=first-fit``.
It handles pods whose ``schedulerName`` is ``first-fit`` or the default one, and
places each on the first node, in name order, that is schedulable, that the
pod's node selector and required node affinity match (a DaemonSet pins each
pod to its node that way; the kubelet rejects a pod bound elsewhere), whose
NoSchedule/NoExecute taints the pod tolerates, and that has room for the pod's
requests. It is deliberately simple: no scoring, no preemption, no retries
other than when a node changes.
"""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.nodeaffinity import required_node_affinity_matches
from kspec.objects import Obj, set_condition
from kspec.quantity import cpu_millis, to_int
from kspec.taints import tolerates

NAME = "first-fit"
HANDLES = (NAME, "default-scheduler")


class FirstFitScheduler:
    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.waiting: list[tuple[str, str]] = []

    def start(self) -> None:
        pods = self.api.informers.on("pods", on_add=self._maybe, on_update=lambda _o, new: self._maybe(new))
        self.api.informers.replay(pods, self.api.store.list("pods"))
        # a node change may make room: try the waiting pods again
        self.api.informers.on("nodes", on_add=lambda _n: self._retry(), on_update=lambda _o, _n: self._retry())
        self.api.informers.on("pods", on_delete=lambda _p: self._retry())

    def _maybe(self, pod: Obj) -> None:
        spec = pod["spec"]
        if spec.get("nodeName") or spec.get("schedulerName") not in HANDLES or pod["metadata"].get(
                "deletionTimestamp"):
            return
        self.cluster.clock.call_soon(lambda: self._schedule(pod["metadata"]["namespace"], pod["metadata"]["name"]))

    def _retry(self) -> None:
        waiting, self.waiting = self.waiting, []
        for ns, name in waiting:
            self.cluster.clock.call_soon(lambda ns=ns, name=name: self._schedule(ns, name))

    def _schedule(self, ns: str, name: str) -> None:
        pod = self.api.store.get("pods", ns, name)
        if pod is None or pod["spec"].get("nodeName"):
            return
        nodes = self.api.store.list("nodes")
        for node in nodes:
            if self._fits(pod, node):
                self.api.bind(ns, name, node["metadata"]["name"])
                self.cluster.events.event(pod, "Normal", "Scheduled",
                                          f"Successfully assigned {ns}/{name} to {node['metadata']['name']}",
                                          component=NAME, action="Binding")
                return
        self.waiting.append((ns, name))
        message = f"0/{len(nodes)} nodes are available: no node fits the pod (first-fit)."
        self.api.patch("pods", name, ns, lambda p: set_condition(
            p, "PodScheduled", "False", self.cluster.clock.now, "Unschedulable", message), status=True)
        self.cluster.events.event(pod, "Warning", "FailedScheduling", message, component=NAME)

    def _fits(self, pod: Obj, node: Obj) -> bool:
        if node["spec"].get("unschedulable"):
            return False
        if not required_node_affinity_matches(pod["spec"].get("nodeSelector") or {},
                                              (pod["spec"].get("affinity") or {}).get("nodeAffinity") or {},
                                              node["metadata"].get("labels") or {}, node["metadata"]["name"]):
            return False
        tolerations = pod["spec"].get("tolerations") or []
        for taint in node["spec"].get("taints") or []:
            if taint["effect"] in ("NoSchedule", "NoExecute") and not any(tolerates(t, taint) for t in tolerations):
                return False
        used = [p for p in self.api.store.list("pods") if p["spec"].get("nodeName") == node["metadata"]["name"]
                and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")]
        alloc = node["status"]["allocatable"]
        if len(used) + 1 > int(alloc.get("pods", 110)):
            return False
        cpu = sum(_requests(p, "cpu", cpu_millis) for p in [*used, pod])
        mem = sum(_requests(p, "memory", to_int) for p in [*used, pod])
        return cpu <= cpu_millis(alloc.get("cpu", "0")) and mem <= to_int(alloc.get("memory", "0"))


def _requests(pod: Obj, resource: str, parse: Any) -> int:
    return sum(parse(c.get("resources", {}).get("requests", {}).get(resource, "0")) for c in pod["spec"]["containers"])


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "scheduler" else []


@hookimpl
def kspec_make_scheduler(name: str, cluster: Any) -> FirstFitScheduler | None:
    return FirstFitScheduler(cluster) if name == NAME else None
