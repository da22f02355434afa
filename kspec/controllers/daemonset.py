"""The DaemonSet controller (pkg/controller/daemon): one pod on every node that should run it.

A node should run the pod when the template's node selector and required
node affinity match it and every NoSchedule/NoExecute taint is tolerated,
counting the tolerations the controller adds itself
(``AddOrUpdateDaemonPodTolerations``). Pods are pinned to their node with a
``metadata.name`` node-affinity term and left to the scheduler. RollingUpdate
replaces old pods while at most ``maxUnavailable`` pods are unavailable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.controllers import history
from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import (
    claim,
    controlled_by,
    delete_pod,
    is_pod_active,
    is_pod_available,
    is_pod_ready,
    owned_index,
    pod_fits_node_selection,
    pod_from_template,
    selector_of,
)
from kspec.controllers.deployment_util import scaled_value
from kspec.errors import ApiError
from kspec.lazystart import never
from kspec.objects import Obj, clone, controller_of, split_key
from kspec.taints import tolerates

if TYPE_CHECKING:
    from kspec.cluster import Cluster

TEMPLATE_GENERATION_LABEL = "pod-template-generation"
#: failedPodsBackoff: flowcontrol.NewBackOff(1*time.Second, 15*time.Minute)
FAILED_BACKOFF_MS = 1000
FAILED_BACKOFF_MAX_MS = 15 * 60_000


def daemon_tolerations(spec: Obj) -> list[dict[str, Any]]:
    """AddOrUpdateDaemonPodTolerations: the pod's tolerations plus the node-problem ones."""
    tolerations = [dict(t) for t in spec.get("tolerations") or []]
    added = [("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
             ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"),
             ("node.kubernetes.io/pid-pressure", "NoSchedule"), ("node.kubernetes.io/unschedulable", "NoSchedule")]
    if spec.get("hostNetwork"):
        added.append(("node.kubernetes.io/network-unavailable", "NoSchedule"))
    for key, effect in added:
        # AddOrUpdateTolerationInPodSpec replaces a toleration with the same key and effect
        tolerations = [t for t in tolerations if not (t.get("key") == key and t.get("effect") == effect)]
        tolerations.append({"key": key, "operator": "Exists", "effect": effect})
    return tolerations


def pin_to_node(spec: Obj, node: str) -> None:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: the only required term is metadata.name In [node]."""
    affinity = spec.setdefault("affinity", {})
    node_affinity = affinity.setdefault("nodeAffinity", {})
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}


def target_node(pod: Obj) -> str:
    """GetTargetNodeName: spec.nodeName, or the node its affinity pins it to."""
    if pod["spec"].get("nodeName"):
        return pod["spec"]["nodeName"]
    required = (((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    for term in required.get("nodeSelectorTerms") or []:
        for field in term.get("matchFields") or []:
            if field.get("key") == "metadata.name" and field.get("operator") == "In" and field.get("values"):
                return field["values"][0]
    return ""


def should_run(spec: Obj, node: Obj) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should run, may keep running)."""
    if spec.get("nodeName") not in (None, "", node["metadata"]["name"]):
        return False, False  # predicates: fitsNodeName
    if not pod_fits_node_selection(spec, node):
        return False, False
    tolerations = daemon_tolerations(spec)
    run = True
    for taint in node["spec"].get("taints") or []:
        if taint["effect"] not in ("NoSchedule", "NoExecute"):
            continue
        if any(tolerates(t, taint) for t in tolerations):
            continue
        if taint["effect"] == "NoExecute":
            return False, False
        run = False
    return run, True


class DaemonSetController(Controller):
    NAME = "daemonset-controller"
    #: kspec/lazystart.py: with no DaemonSet, the pod handler queues only a pod a DaemonSet controls
    #: (daemon_controller.go addPod: its controllerRef) and the node handlers queue nothing (addNode, updateNode:
    #: the DaemonSets they look at are none)
    START_ON_FIRST = ("daemonsets", "pods")
    START_WHEN = {"pods": controlled_by("DaemonSet"), "nodes": never}

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pods = owned_index(cluster, "pods")
        self._backoff: dict[tuple[str, int, str], tuple[int, int]] = {}  # key -> (delay, last update)

    def start(self) -> None:
        self.watch("daemonsets")
        self.api.informers.on("pods", self._pod_changed, lambda _o, n: self._pod_changed(n), self._pod_changed)
        self.api.informers.on("nodes", self._node_changed, self._node_updated, self._node_changed)

    def _pod_changed(self, pod: Obj) -> None:
        ref = controller_of(pod)
        if ref is not None and ref.get("kind") == "DaemonSet":
            self.queue.add(f"{pod['metadata']['namespace']}/{ref['name']}")

    def _node_changed(self, _node: Obj) -> None:
        for ds in self.api.store.list("daemonsets"):
            self.queue.add(f"{ds['metadata']['namespace']}/{ds['metadata']['name']}")

    def _node_updated(self, old: Obj, new: Obj) -> None:
        if not self.api.store.list("daemonsets"):
            return  # no DaemonSet: _node_changed would queue nothing (a node's status writes, most of its updates)
        # only what decides where daemons run: labels, taints, unschedulable, Ready
        if (old["metadata"].get("labels"), old["spec"], _ready(old)) != (
                new["metadata"].get("labels"), new["spec"], _ready(new)):
            self._node_changed(new)

    # -- reconcile ----------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        ds = self.api.try_get("daemonsets", name, ns)
        if ds is None or ds["metadata"].get("deletionTimestamp"):
            return
        pods = claim(self, ds, self.pods, selector_of(ds))
        labels = dict((ds["spec"]["selector"] or {}).get("matchLabels") or {})
        revision, revisions = history.sync_revision(self.api, ds, ds["spec"]["template"], labels)
        pod_hash = revision["metadata"]["labels"][history.REVISION_LABEL]
        nodes = self.api.store.list("nodes")
        self._manage(ds, nodes, _nodes_to_pods(pods), pod_hash)
        pods = self.pods.owned(ds["metadata"]["uid"])
        by_node = _nodes_to_pods(pods)
        if (ds["spec"].get("updateStrategy") or {}).get("type", "RollingUpdate") == "RollingUpdate":
            self._rolling_update(ds, nodes, by_node, pod_hash)
        live = {f"{ds['metadata']['name']}-{(p['metadata'].get('labels') or {}).get(history.REVISION_LABEL, '')}"
                for p in pods}
        history.truncate(self.api, ds, revisions, live | {revision["metadata"]["name"]})
        self._update_status(ds, nodes, self.pods.owned(ds["metadata"]["uid"]), pod_hash)

    def _manage(self, ds: Obj, nodes: list[Obj], by_node: dict[str, list[Obj]], pod_hash: str) -> None:
        """manage / podsShouldBeOnNode: create where missing, replace failed pods, remove extras and misfits.

        A node "has" a daemon pod while any pod targets it, even one being deleted
        (upstream's ``exists``), so a replacement waits for the old pod to go.
        """
        names = {n["metadata"]["name"] for n in nodes}
        key = f"{ds['metadata']['namespace']}/{ds['metadata']['name']}"
        for node in nodes:
            node_name = node["metadata"]["name"]
            run, keep = should_run(ds["spec"]["template"].get("spec") or {}, node)
            present = by_node.get(node_name, [])
            daemons = [p for p in present if not p["metadata"].get("deletionTimestamp")]
            if run and not present:
                self._create(ds, node_name, pod_hash)
            elif keep:
                running = []
                for pod in daemons:
                    phase = pod.get("status", {}).get("phase")
                    if phase == "Failed":
                        wait = self._in_backoff(ds, node_name)
                        if wait:
                            # "Deleting failed pod on node has been limited by backoff": the kubelet keeps
                            # rejecting the pod, so do not fight it in a hot loop
                            self.queue.add_after(key, wait)
                            continue
                        self.events.event(ds, "Warning", "FailedDaemonPod",
                                          f"Found failed daemon pod {pod['metadata']['namespace']}/"
                                          f"{pod['metadata']['name']} on node {node_name}, will try to kill it",
                                          component=self.NAME)
                        delete_pod(self, ds, pod)
                    elif phase == "Succeeded":
                        self.events.event(ds, "Normal", "SucceededDaemonPod",
                                          f"Found succeeded daemon pod {pod['metadata']['namespace']}/"
                                          f"{pod['metadata']['name']} on node {node_name}, will try to delete it",
                                          component=self.NAME)
                        delete_pod(self, ds, pod)
                    else:
                        running.append(pod)
                # keep the oldest, remove the rest (duplicates after races)
                running.sort(key=lambda p: (p["metadata"]["creationTimestamp"], p["metadata"]["name"]))
                for pod in running[1:]:
                    delete_pod(self, ds, pod)
            else:
                for pod in daemons:
                    delete_pod(self, ds, pod)
        for node_name in sorted(set(by_node) - names):
            for pod in by_node[node_name]:
                if node_name and not pod["metadata"].get("deletionTimestamp"):
                    delete_pod(self, ds, pod)

    def _in_backoff(self, ds: Obj, node: str) -> int:
        """flowcontrol.Backoff: IsInBackOffSinceUpdate, else Next (1s doubling to 15m); the wait left or 0."""
        # failedPodsBackoffKey: uid/observedGeneration/node, so a new generation starts without back-off
        key = (ds["metadata"]["uid"], (ds.get("status") or {}).get("observedGeneration", 0), node)
        now = self.clock.now
        delay, last = self._backoff.get(key, (0, 0))
        if delay and now - last < delay:
            return delay - (now - last)
        if not delay or now - last > 2 * FAILED_BACKOFF_MAX_MS:
            delay = FAILED_BACKOFF_MS
        else:
            delay = min(delay * 2, FAILED_BACKOFF_MAX_MS)
        self._backoff[key] = (delay, now)
        return 0

    def _create(self, ds: Obj, node: str, pod_hash: str) -> None:
        pod = pod_from_template(ds["spec"]["template"], ds)
        pod["metadata"]["labels"][history.REVISION_LABEL] = pod_hash
        pod["metadata"]["labels"][TEMPLATE_GENERATION_LABEL] = str(ds["metadata"].get("generation", 1))
        pod["spec"]["tolerations"] = daemon_tolerations(pod["spec"])
        pin_to_node(pod["spec"], node)
        try:
            created = self.api.create(pod)
        except ApiError as exc:
            self.events.event(ds, "Warning", "FailedCreate", f"Error creating: {exc.message}", component=self.NAME)
            return
        self.pods.observe(created)
        self.events.event(ds, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}",
                          component=self.NAME)

    def _rolling_update(self, ds: Obj, nodes: list[Obj], by_node: dict[str, list[Obj]], pod_hash: str) -> None:
        """rollingUpdate (maxSurge 0): delete old pods while fewer than maxUnavailable are unavailable."""
        mrs, now = ds["spec"].get("minReadySeconds", 0), self.clock.now
        wanted = [n["metadata"]["name"] for n in nodes
                  if should_run(ds["spec"]["template"].get("spec") or {}, n)[0]]
        rolling = (ds["spec"].get("updateStrategy") or {}).get("rollingUpdate") or {}
        budget = scaled_value(rolling.get("maxUnavailable", 1), len(wanted), True)
        if budget == 0 and not scaled_value(rolling.get("maxSurge", 0), len(wanted), True):
            budget = 1
        unavailable, old_available, old_unavailable = 0, [], []
        for node in wanted:
            daemons = [p for p in by_node.get(node, []) if is_pod_active(p)]
            new = [p for p in daemons if (p["metadata"].get("labels") or {}).get(history.REVISION_LABEL) == pod_hash]
            old = [p for p in daemons if not any(p is q for q in new)]
            if not daemons or not any(is_pod_available(p, mrs, now) for p in daemons):
                unavailable += 1
            for pod in old:
                (old_available if is_pod_available(pod, mrs, now) else old_unavailable).append(pod)
        for pod in old_unavailable:  # unavailable old pods cost nothing to replace
            delete_pod(self, ds, pod)
        for pod in old_available:
            if unavailable >= budget:
                break
            delete_pod(self, ds, pod)
            unavailable += 1

    def _update_status(self, ds: Obj, nodes: list[Obj], pods: list[Obj], pod_hash: str) -> None:
        """updateDaemonSetStatus."""
        mrs, now = ds["spec"].get("minReadySeconds", 0), self.clock.now
        desired = current = misscheduled = ready = updated = available = 0
        by_node: dict[str, list[Obj]] = {}
        for pod in pods:
            if not pod["metadata"].get("deletionTimestamp"):
                by_node.setdefault(target_node(pod), []).append(pod)
        for node in nodes:
            run, _ = should_run(ds["spec"]["template"].get("spec") or {}, node)
            daemons = by_node.get(node["metadata"]["name"], [])
            if run:
                desired += 1
                if daemons:
                    current += 1
                    pod = sorted(daemons, key=lambda p: p["metadata"]["creationTimestamp"])[0]
                    if is_pod_ready(pod):
                        ready += 1
                        if is_pod_available(pod, mrs, now):
                            available += 1
                    if (pod["metadata"].get("labels") or {}).get(history.REVISION_LABEL) == pod_hash:
                        updated += 1
            elif daemons:
                misscheduled += 1
        status: dict[str, Any] = {"currentNumberScheduled": current, "desiredNumberScheduled": desired,
                                  "numberMisscheduled": misscheduled, "numberReady": ready,
                                  "observedGeneration": ds["metadata"].get("generation", 0)}
        if updated:
            status["updatedNumberScheduled"] = updated
        if available:
            status["numberAvailable"] = available
        if desired - available:
            status["numberUnavailable"] = desired - available
        old = ds.get("status") or {}
        if "conditions" in old:
            status["conditions"] = old["conditions"]
        if "collisionCount" in old:
            status["collisionCount"] = old["collisionCount"]
        if status != old:
            new = clone(ds)
            new["status"] = status
            self.api.update_status(new)
        if mrs and ready != available:
            self.queue.add_after(f"{ds['metadata']['namespace']}/{ds['metadata']['name']}", mrs * 1000 + 1)


def _nodes_to_pods(pods: list[Obj]) -> dict[str, list[Obj]]:
    """getNodesToDaemonPods: pods by target node, leaving out finished pods already being deleted."""
    by_node: dict[str, list[Obj]] = {}
    for pod in pods:
        if pod["metadata"].get("deletionTimestamp") and pod.get("status", {}).get("phase") in ("Failed", "Succeeded"):
            continue
        by_node.setdefault(target_node(pod), []).append(pod)
    return by_node


def _ready(node: Obj) -> str:
    for cond in node.get("status", {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return cond.get("status", "")
    return ""
