"""The node lifecycle controller (pkg/controller/nodelifecycle).

Every ``node-monitor-period`` (5s) it checks each node's last sign of life
(a new Lease renewTime or condition heartbeat, timed by when the controller
saw it). After ``node-monitor-grace-period`` (50s) without one, the node's
conditions become Unknown (``NodeStatusUnknown``: ``Kubelet stopped posting
node status.``) and its pods are marked not ready. On every node change it
keeps the condition taints in step: NoSchedule taints for conditions and
cordoning (doNoScheduleTaintingPass), and the ``not-ready`` /
``unreachable`` NoExecute taints (doNoExecuteTaintingPass).
"""

from __future__ import annotations

from dataclasses import dataclass

from kspec.controllers.base import Controller
from kspec.errors import ApiError
from kspec.objects import Obj, get_condition, timestamp

NAME = "node-lifecycle-controller"
MONITOR_PERIOD_MS = 5_000  # --node-monitor-period
GRACE_PERIOD_MS = 50_000  # --node-monitor-grace-period (50s since v1.32)
LEASE_NAMESPACE = "kube-node-lease"
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
#: nodeConditionToTaintKeyStatusMap
CONDITION_TAINTS = {
    ("Ready", "False"): NOT_READY,
    ("Ready", "Unknown"): UNREACHABLE,
    ("MemoryPressure", "True"): "node.kubernetes.io/memory-pressure",
    ("DiskPressure", "True"): "node.kubernetes.io/disk-pressure",
    ("NetworkUnavailable", "True"): "node.kubernetes.io/network-unavailable",
    ("PIDPressure", "True"): "node.kubernetes.io/pid-pressure",
}
_MANAGED = frozenset([*CONDITION_TAINTS.values(), UNSCHEDULABLE])
_WATCHED_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")


@dataclass
class _Health:
    probe_ms: int
    renew: str = ""
    heartbeat: str = ""
    ready: str = "True"
    seen: tuple[Obj | None, Obj | None] = (None, None)  # the node and lease objects the last check read


class NodeLifecycleController(Controller):
    NAME = NAME

    def start(self) -> None:
        self.health: dict[str, _Health] = {}
        self.watch("nodes")
        self.clock.call_every(MONITOR_PERIOD_MS, self.monitor, label="node monitor")

    # -- monitorNodeHealth --------------------------------------------------------------------
    def monitor(self) -> None:
        for node in sorted(self.api.list("nodes"), key=lambda n: n["metadata"]["name"]):
            try:
                self._check(node)
            except ApiError:
                continue  # no quorum: try again next period

    def _check(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        now = self.clock.now
        h = self.health.get(name)
        lease = self.api.store.get("leases", LEASE_NAMESPACE, name)
        if h is not None and h.seen[0] is node:
            # the node as last checked (its heartbeat and Ready status seen already): only the lease may be new
            if h.seen[1] is not lease:
                renew = (lease or {}).get("spec", {}).get("renewTime", "")
                if renew and renew > h.renew:
                    h.renew, h.probe_ms = renew, now
                h.seen = (node, lease)
            if now <= h.probe_ms + GRACE_PERIOD_MS:
                return  # nothing else can change before the grace period is over
        ready = get_condition(node, "Ready") or {}
        if h is None:
            h = self.health[name] = _Health(now, ready=ready.get("status", "Unknown"))
        heartbeat = ready.get("lastHeartbeatTime", "")
        if heartbeat != h.heartbeat:
            h.heartbeat, h.probe_ms = heartbeat, now
        renew = (lease or {}).get("spec", {}).get("renewTime", "")
        if renew and renew > h.renew:
            h.renew, h.probe_ms = renew, now
        status = ready.get("status", "Unknown")
        if now > h.probe_ms + GRACE_PERIOD_MS:
            if any((get_condition(node, t) or {}).get("status") != "Unknown" for t in _WATCHED_CONDITIONS):
                node = self._mark_unknown(name, bool(heartbeat))
                status = (get_condition(node, "Ready") or {}).get("status", "Unknown")
        h.seen = (node, lease)
        if status != h.ready:
            was = h.ready
            h.ready = status
            if status == "True":
                self.events.event(node, "Normal", "NodeReady", f"Node {name} status is now: NodeReady",
                                  component="node-controller")
            elif was == "True":
                self.events.event(node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady",
                                  component="node-controller")
                self._mark_pods_not_ready(name)

    def _mark_unknown(self, name: str, ever_posted: bool) -> Obj:
        now = timestamp(self.clock.now)
        reason = "NodeStatusUnknown" if ever_posted else "NodeStatusNeverUpdated"
        message = "Kubelet stopped posting node status." if ever_posted else "Kubelet never posted node status."

        def unknown(n: Obj) -> None:
            for cond in n["status"].get("conditions") or []:
                if cond["type"] in _WATCHED_CONDITIONS and cond.get("status") != "Unknown":
                    cond.update(status="Unknown", reason=reason, message=message, lastTransitionTime=now)
        return self.api.patch("nodes", name, "", unknown, status=True)

    def _mark_pods_not_ready(self, node: str) -> None:
        """MarkPodsNotReady: the Ready condition of every pod on the node becomes False."""
        now = timestamp(self.clock.now)
        for pod in self.api.list("pods"):
            if pod["spec"].get("nodeName") != node or pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
                continue
            cond = get_condition(pod, "Ready")
            if cond is None or cond.get("status") == "False":
                continue

            def not_ready(p: Obj) -> None:
                for c in p["status"].get("conditions") or []:
                    if c["type"] == "Ready":
                        c["status"] = "False"
                        c["lastTransitionTime"] = now
            md = pod["metadata"]
            self.api.patch("pods", md["name"], md["namespace"], not_ready, status=True)
            self.events.event(pod, "Warning", "NodeNotReady", "Node is not ready", component="node-controller")

    # -- tainting passes ---------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        node = self.api.try_get("nodes", key, "")
        if node is None:
            self.health.pop(key, None)
            return
        wanted: list[tuple[str, str]] = []
        for cond in node["status"].get("conditions") or []:
            taint = CONDITION_TAINTS.get((cond["type"], cond.get("status")))
            if taint is not None:
                wanted.append((taint, "NoSchedule"))
        if node["spec"].get("unschedulable"):
            wanted.append((UNSCHEDULABLE, "NoSchedule"))
        ready = (get_condition(node, "Ready") or {}).get("status")
        if ready == "False":
            wanted.append((NOT_READY, "NoExecute"))
        elif ready == "Unknown":
            wanted.append((UNREACHABLE, "NoExecute"))
        taints = node["spec"].get("taints") or []
        have = {(t["key"], t["effect"]) for t in taints}
        keep = [t for t in taints if t["key"] not in _MANAGED or (t["key"], t["effect"]) in wanted
                or t["effect"] == "PreferNoSchedule"]
        now = timestamp(self.clock.now)
        add = [{"key": k, "effect": e, **({"timeAdded": now} if e == "NoExecute" else {})}
               for k, e in wanted if (k, e) not in have]
        new = keep + add
        if new == taints:
            return

        def retaint(n: Obj) -> None:
            if new:
                n["spec"]["taints"] = new
            else:
                n["spec"].pop("taints", None)
        self.api.patch("nodes", key, "", retaint)
