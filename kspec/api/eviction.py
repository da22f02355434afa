"""The pods/eviction subresource (pkg/registry/core/pod/storage/eviction.go).

An eviction is a delete that PodDisruptionBudgets may refuse: with one
matching budget that allows no disruption it fails with 429
TooManyRequests; otherwise the budget's allowance is spent (its status
remembers the pod in ``disruptedPods``), the pod gets the DisruptionTarget
condition, and it is deleted gracefully.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kspec.errors import ApiError
from kspec.labels import Selector
from kspec.objects import Obj, get_condition, timestamp

if TYPE_CHECKING:
    from kspec.api.server import APIServer

#: eviction.go: the 429 body every budget refusal carries
VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."


def matching_budgets(api: APIServer, pod: Obj) -> list[Obj]:
    labels = pod["metadata"].get("labels") or {}
    out = []
    for pdb in api.list("poddisruptionbudgets", pod["metadata"].get("namespace", "default")):
        selector = Selector.from_label_selector(pdb["spec"].get("selector"))
        if not selector.is_empty() and selector.matches(labels):
            out.append(pdb)
    return out


def _ready(pod: Obj) -> bool:
    cond = get_condition(pod, "Ready")
    return cond is not None and cond.get("status") == "True"


def _mark_and_delete(api: APIServer, pod: Obj, grace_period_seconds: int | None = None) -> None:
    md = pod["metadata"]
    now = api.clock.now

    def mark(p: Obj) -> None:
        conds = [c for c in p.setdefault("status", {}).get("conditions") or [] if c.get("type") != "DisruptionTarget"]
        conds.append({"type": "DisruptionTarget", "status": "True", "lastTransitionTime": timestamp(now),
                      "reason": "EvictionByEvictionAPI", "message": "Eviction API: evicting"})
        p["status"]["conditions"] = conds
    api.patch("pods", md["name"], md.get("namespace", "default"), mark, status=True)
    api.delete("pods", md["name"], md.get("namespace", "default"), grace_period_seconds=grace_period_seconds)


def evict(api: APIServer, namespace: str, name: str, grace_period_seconds: int | None = None) -> None:
    """POST pods/<name>/eviction; raises ApiError as kube-apiserver answers.

    ``grace_period_seconds``: the Eviction's deleteOptions (kubectl drain --grace-period), None: the pod's own.
    """
    pod = api.get("pods", name, namespace)
    phase = pod.get("status", {}).get("phase")
    # canIgnorePDB: finished, pending or already terminating pods are just deleted
    if pod["metadata"].get("deletionTimestamp") or phase in ("Succeeded", "Failed", "Pending"):
        api.delete("pods", name, namespace, grace_period_seconds=grace_period_seconds)
        return
    budgets = matching_budgets(api, pod)
    if len(budgets) > 1:
        raise ApiError(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction "
                       "subresource does not support.")
    if not budgets:
        _mark_and_delete(api, pod, grace_period_seconds)
        return
    pdb = budgets[0]
    st = pdb.get("status") or {}
    pdb_name = pdb["metadata"]["name"]
    if st.get("observedGeneration", 0) < pdb["metadata"].get("generation", 1):
        raise ApiError(429, "TooManyRequests", VIOLATION, causes=[{
            "reason": "DisruptionBudget",
            "message": f"The disruption budget {pdb_name} is still being processed by the server."}])
    policy = pdb["spec"].get("unhealthyPodEvictionPolicy", "IfHealthyBudget")
    if not _ready(pod) and (policy == "AlwaysAllow" or st.get("currentHealthy", 0) >= st.get("desiredHealthy", 0)):
        _mark_and_delete(api, pod, grace_period_seconds)
        return
    allowed = st.get("disruptionsAllowed", 0)
    if allowed < 0:
        raise ApiError(403, "Forbidden", "pdb disruptions allowed is negative")
    if allowed == 0:
        raise ApiError(429, "TooManyRequests", VIOLATION, causes=[{
            "reason": "DisruptionBudget",
            "message": f"The disruption budget {pdb_name} needs {st.get('desiredHealthy', 0)} healthy pods and has "
                       f"{st.get('currentHealthy', 0)} currently"}])
    now = timestamp(api.clock.now)

    def spend(p: Obj) -> None:
        s = p.setdefault("status", {})
        s["disruptionsAllowed"] = s.get("disruptionsAllowed", 0) - 1
        s.setdefault("disruptedPods", {})[name] = now
    api.patch("poddisruptionbudgets", pdb_name, namespace, spend, status=True)
    _mark_and_delete(api, pod, grace_period_seconds)
