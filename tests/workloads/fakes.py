"""A test double for the scheduler and kubelet, so workload controllers can be tested on their own.

``FakeNodes`` binds each new pod to a node (the one its DaemonSet affinity
names, else round-robin over Ready nodes whose taints it tolerates), then
starts it: phase Running with the upstream conditions (PodScheduled,
Initialized, ContainersReady, Ready) after ``start_ms``. Deletion of a pod on a
node finishes after ``stop_ms``. ``finish(pod, code)`` ends a pod as a
container exit would. It is honest about what it does not do: no resources,
no probes, no images.
"""

from __future__ import annotations

from typing import Any

from kspec.controllers.controller_utils import pod_fits_node_selection
from kspec.errors import ApiError
from kspec.objects import Obj, clone, set_condition, timestamp
from kspec.taints import tolerates


class FakeNodes:
    def __init__(self, cluster: Any, *, start_ms: int = 0, stop_ms: int = 0, ready: bool = True) -> None:
        self.c = cluster
        self.api = cluster.api
        self.start_ms = start_ms
        self.stop_ms = stop_ms
        self.ready = ready
        self._next = 0
        cluster.start()
        self.api.informers.on("pods", self._changed, lambda _o, n: self._changed(n))
        for pod in self.api.store.list("pods"):
            self._changed(pod)

    # -- scheduling ---------------------------------------------------------------
    def _nodes_for(self, pod: Obj) -> list[Obj]:
        nodes = []
        for node in self.api.store.list("nodes"):
            taints = [t for t in node["spec"].get("taints") or [] if t["effect"] in ("NoSchedule", "NoExecute")]
            if node["spec"].get("unschedulable"):  # the NodeUnschedulable plugin's view of a cordoned node
                taints.append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"})
            tols = pod["spec"].get("tolerations") or []
            if not all(any(tolerates(t, taint) for t in tols) for taint in taints):
                continue
            if not pod_fits_node_selection(pod["spec"], node):
                continue
            nodes.append(node)
        return nodes

    def _changed(self, pod: Obj) -> None:
        md = pod["metadata"]
        if md.get("deletionTimestamp"):
            self.c.clock.call_later(self.stop_ms, lambda: self._remove(md["namespace"], md["name"], md["uid"]))
            return
        if not pod["spec"].get("nodeName"):
            nodes = self._nodes_for(pod)
            if not nodes:
                return
            node = nodes[self._next % len(nodes)]
            self._next += 1
            try:
                self.api.bind(md["namespace"], md["name"], node["metadata"]["name"])
            except ApiError:
                return
            return
        if pod.get("status", {}).get("phase") == "Pending" and not pod.get("status", {}).get("startTime"):
            self.c.clock.call_later(self.start_ms, lambda: self._run(md["namespace"], md["name"], md["uid"]))

    def _live(self, ns: str, name: str, uid: str) -> Obj | None:
        pod = self.api.store.get("pods", ns, name)
        return pod if pod is not None and pod["metadata"]["uid"] == uid else None

    def _run(self, ns: str, name: str, uid: str) -> None:
        pod = self._live(ns, name, uid)
        if pod is None or pod["metadata"].get("deletionTimestamp") or pod["status"].get("startTime"):
            return
        now = self.c.clock.now
        new = clone(pod)
        st = new["status"]
        st["phase"] = "Running"
        st["startTime"] = timestamp(now)
        st["hostIP"] = "172.18.0.2"
        st["podIP"] = f"10.244.0.{self._next % 250 + 2}"
        st["containerStatuses"] = [{"name": c["name"], "image": c.get("image", ""), "ready": self.ready,
                                    "restartCount": 0, "started": True,
                                    "state": {"running": {"startedAt": timestamp(now)}}}
                                   for c in new["spec"]["containers"]]
        set_condition(new, "Initialized", "True", now)
        ready = "True" if self.ready else "False"
        set_condition(new, "ContainersReady", ready, now)
        set_condition(new, "Ready", ready, now)
        self.api.update_status(new)

    def set_ready(self, ns: str, name: str, ready: bool) -> None:
        def change(p: Obj) -> None:
            value = "True" if ready else "False"
            set_condition(p, "ContainersReady", value, self.c.clock.now)
            set_condition(p, "Ready", value, self.c.clock.now)
            for cs in p["status"].get("containerStatuses") or []:
                cs["ready"] = ready
        self.api.patch("pods", name, ns, change, status=True)
        self.c.clock.run_now()

    def finish(self, ns: str, name: str, code: int = 0) -> None:
        """The pod's containers exit with ``code`` (restartPolicy Never/OnFailure as a Job uses it)."""
        now = self.c.clock.now

        def end(p: Obj) -> None:
            p["status"]["phase"] = "Succeeded" if code == 0 else "Failed"
            for cs in p["status"].get("containerStatuses") or []:
                cs["ready"] = False
                cs["state"] = {"terminated": {"exitCode": code, "reason": "Completed" if code == 0 else "Error",
                                              "finishedAt": timestamp(now)}}
            set_condition(p, "ContainersReady", "False", now, "PodCompleted")
            set_condition(p, "Ready", "False", now, "PodCompleted")
        self.api.patch("pods", name, ns, end, status=True)
        self.c.clock.run_now()

    def _remove(self, ns: str, name: str, uid: str) -> None:
        pod = self._live(ns, name, uid)
        if pod is None:
            return
        try:
            self.api.delete("pods", name, ns, grace_period_seconds=0)
        except ApiError:
            return
