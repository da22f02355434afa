"""The pod garbage collector's node paths (pkg/controller/podgc gc_controller.go).

- ``gcOrphaned``: a pod bound to a node that does not exist (any more) is marked Failed with a
  ``DisruptionTarget`` condition (``DeletionByPodGC``) and force-deleted, once the node has been missing for
  ``quarantineTime`` (40s); this is how a StatefulSet pod on a vanished node gets replaced.
- ``gcTerminating``: a terminating pod on a node that is not Ready and carries the
  ``node.kubernetes.io/out-of-service`` taint (any effect) is marked Failed, unless it finished, and
  force-deleted, unless only its finalizers hold it (non-graceful node shutdown).

Upstream checks every ``gcCheckPeriod`` (20s); here a node's deletion, or a pod seen bound to a missing node,
queues the check after the quarantine, and a node's out-of-service taint or a pod turning terminating on such a
node queues it at once (upstream acts up to 20s later). The
terminated-pod threshold (``--terminated-pod-gc-threshold``, 12,500) is not modelled.
"""

from __future__ import annotations

from kspec.controllers.attachdetach import OUT_OF_SERVICE, has_out_of_service_taint, node_ready
from kspec.controllers.base import Controller
from kspec.errors import ApiError
from kspec.objects import Obj, set_condition

QUARANTINE_MS = 40_000  # quarantineTime
ORPHAN_MESSAGE = "PodGC: node no longer exists"


def blocked_on_finalizers(pod: Obj) -> bool:
    """isPodBlockedOnFinalizers: a finished pod whose deletion (grace 0) was accepted waits only for finalizers."""
    md = pod["metadata"]
    return ((pod.get("status") or {}).get("phase") in ("Succeeded", "Failed") and bool(md.get("deletionTimestamp"))
            and md.get("deletionGracePeriodSeconds") == 0 and bool(md.get("finalizers")))


class PodGCController(Controller):
    """Keys are node names: ``orphaned:<node>`` and ``terminating:<node>``."""

    NAME = "pod-garbage-collector"

    def start(self) -> None:
        informers = self.api.informers

        def node_changed(node: Obj) -> None:
            if OUT_OF_SERVICE in {t.get("key") for t in (node.get("spec") or {}).get("taints") or ()}:
                self.queue.add("terminating:" + node["metadata"]["name"])

        def node_deleted(node: Obj) -> None:
            self.queue.add_after("orphaned:" + node["metadata"]["name"], QUARANTINE_MS)

        def pod_changed(pod: Obj) -> None:
            node = (pod.get("spec") or {}).get("nodeName")
            if not node:
                return
            live = self.api.store.get("nodes", "", node)
            if live is None:  # bound to a node that does not exist: checked again after the quarantine
                self.queue.add_after("orphaned:" + node, QUARANTINE_MS)
            elif pod["metadata"].get("deletionTimestamp") and has_out_of_service_taint(live):
                self.queue.add("terminating:" + node)

        informers.on("nodes", node_changed, lambda _o, n: node_changed(n), node_deleted)
        informers.on("pods", pod_changed, lambda _o, n: pod_changed(n), None)

    def reconcile(self, key: str) -> None:
        kind, _, node_name = key.partition(":")
        node = self.api.store.get("nodes", "", node_name)
        pods = [p for p in self.api.store.list("pods") if (p.get("spec") or {}).get("nodeName") == node_name]
        if kind == "orphaned":
            if node is not None:
                return  # the node came back (or a new one took its name)
            for pod in sorted(pods, key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"])):
                self._mark_failed_and_delete(pod, ORPHAN_MESSAGE)
            return
        if node is None or node_ready(node) or not has_out_of_service_taint(node):
            return
        for pod in sorted(pods, key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"])):
            if pod["metadata"].get("deletionTimestamp") and not blocked_on_finalizers(pod):  # isPodTerminating
                self._mark_failed_and_delete(pod, None)

    def _mark_failed_and_delete(self, pod: Obj, message: str | None) -> None:
        """markFailedAndDeletePodWithCondition: phase Failed (with the condition, if any), then delete with grace 0."""
        md = pod["metadata"]
        ns, name = md.get("namespace", ""), md["name"]
        try:
            if (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                def fail(p: Obj) -> None:
                    status = p.setdefault("status", {})
                    status["phase"] = "Failed"
                    if message is not None:
                        set_condition(p, "DisruptionTarget", "True", self.clock.now, "DeletionByPodGC", message)
                self.api.patch("pods", name, ns, fail, status=True)
            self.api.delete("pods", name, ns, grace_period_seconds=0)
        except ApiError as exc:
            if exc.code != 404:
                raise
