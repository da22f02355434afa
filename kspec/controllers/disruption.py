"""The disruption controller: keeps each PodDisruptionBudget's status (pkg/controller/disruption).

For a budget it counts the matching pods that are healthy (Ready, not being
deleted, not just evicted), works out how many must stay healthy (from
minAvailable, or the controllers' scale less maxUnavailable) and publishes
``disruptionsAllowed``, which the eviction API spends.
"""

from __future__ import annotations

import math
from typing import Any

from kspec.controllers.base import Controller
from kspec.labels import Selector
from kspec.lazystart import never
from kspec.objects import Obj, controller_of, get_condition, parse_timestamp, split_key, timestamp

NAME = "disruption-controller"
DELETION_TIMEOUT_MS = 2 * 60 * 1000  # DeletionTimeout for disruptedPods entries


def _scaled(value: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, str) and value.endswith("%"):
        pct = int(value[:-1])
        exact = pct * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(value)


class DisruptionController(Controller):
    NAME = NAME
    #: kspec/lazystart.py: the pod handler queues only a budget of the pod's namespace (disruption.go addPod,
    #: updatePod, deletePod: getPdbForPod finds none), so a pod alone never starts it; the first budget does
    START_ON_FIRST = ("poddisruptionbudgets",)
    START_WHEN = {"pods": never}

    def start(self) -> None:
        self.watch("poddisruptionbudgets")
        self.api.informers.on("pods", self._pod, lambda _o, n: self._pod(n), self._pod)

    def _pod(self, pod: Obj) -> None:
        ns = pod["metadata"].get("namespace", "default")
        budgets = self.api.store.list("poddisruptionbudgets", ns)  # api.list's read: a handler acts for no user
        if not budgets:
            return
        labels = pod["metadata"].get("labels") or {}
        for pdb in budgets:
            if Selector.from_label_selector(pdb["spec"].get("selector")).matches(labels):
                self.queue.add(f"{ns}/{pdb['metadata']['name']}")

    def _expected_scale(self, pods: list[Obj]) -> tuple[int | None, list[str]]:
        """getExpectedScale: (the sum of the replicas of the pods' controllers, the unmanaged pods).

        A pod without a controller is unmanaged and left out of the sum; a controller that cannot be
        found makes the sum None (an error: the sync fails safe).
        """
        seen: dict[str, int] = {}
        unmanaged: list[str] = []
        for pod in pods:
            ref = controller_of(pod)
            if ref is None:
                unmanaged.append(pod["metadata"]["name"])
                continue
            ns = pod["metadata"].get("namespace", "default")
            kind = ref.get("kind")
            key = f"{kind}/{ref['name']}"
            if key in seen:
                continue
            resource = {"ReplicaSet": "replicasets", "StatefulSet": "statefulsets",
                        "ReplicationController": "replicationcontrollers", "Deployment": "deployments"}.get(kind)
            owner = self.api.try_get(resource, ref["name"], ns) if resource else None
            if owner is None:
                return None, unmanaged
            dep = controller_of(owner) if kind == "ReplicaSet" else None
            if dep is not None and dep.get("kind") == "Deployment":
                d = self.api.try_get("deployments", dep["name"], ns)
                if d is not None:
                    key, owner = f"Deployment/{dep['name']}", d
                    if key in seen:
                        continue
            seen[key] = int(owner["spec"].get("replicas", 1))
        return sum(seen.values()), unmanaged

    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        pdb = self.api.try_get("poddisruptionbudgets", name, ns)
        if pdb is None:
            return
        now = self.clock.now
        spec = pdb["spec"]
        selector = Selector.from_label_selector(spec.get("selector"))
        # policy/v1: an empty selector selects every pod of the namespace, a missing one none
        pods = [p for p in self.api.list("pods", ns) if spec.get("selector") is not None
                and selector.matches(p["metadata"].get("labels"))]
        old = pdb.get("status") or {}
        disrupted: dict[str, str] = {}
        for pod_name, when in sorted((old.get("disruptedPods") or {}).items()):
            pod = next((p for p in pods if p["metadata"]["name"] == pod_name), None)
            if pod is None or pod["metadata"].get("deletionTimestamp"):
                continue
            if parse_timestamp(when) + DELETION_TIMEOUT_MS > now:
                disrupted[pod_name] = when
        healthy = 0
        for p in pods:
            cond = get_condition(p, "Ready")
            if p["metadata"].get("deletionTimestamp") or p["metadata"]["name"] in disrupted:
                continue
            if cond is not None and cond.get("status") == "True":
                healthy += 1
        failed = False
        if "minAvailable" in spec and not (isinstance(spec["minAvailable"], str)):
            expected, desired = len(pods), int(spec["minAvailable"])
        else:
            scale, _unmanaged = self._expected_scale(pods)
            if scale is None:
                expected, desired, failed = len(pods), 0, True
            elif "maxUnavailable" in spec:
                expected = scale
                desired = max(0, scale - _scaled(spec["maxUnavailable"], scale, True))
            else:
                expected = scale
                desired = _scaled(spec.get("minAvailable", 0), scale, True)
        allowed = 0 if failed or expected <= 0 else max(0, healthy - desired)  # updatePdbStatus
        status: Obj = {"observedGeneration": pdb["metadata"].get("generation", 1), "disruptionsAllowed": allowed,
                       "currentHealthy": healthy, "desiredHealthy": desired, "expectedPods": expected}
        if disrupted:
            status["disruptedPods"] = disrupted
        ok = allowed > 0
        reason = "SyncFailed" if failed else ("SufficientPods" if ok else "InsufficientPods")
        prior = next((c for c in old.get("conditions") or [] if c.get("type") == "DisruptionAllowed"), None)
        transition = prior["lastTransitionTime"] if prior and prior.get("status") == ("True" if ok else "False") \
            else timestamp(now)
        status["conditions"] = [{"type": "DisruptionAllowed", "status": "True" if ok else "False",
                                 "reason": reason, "message": "", "observedGeneration": status["observedGeneration"],
                                 "lastTransitionTime": transition}]
        if status != old:
            self.api.patch("poddisruptionbudgets", name, ns, lambda o: o.__setitem__("status", status), status=True)
        for when in disrupted.values():
            self.queue.add_after(key, parse_timestamp(when) + DELETION_TIMEOUT_MS - now)
