"""The Endpoints controller: a Service's selected pods as ready and not-ready addresses.

Follows pkg/controller/endpoint: pods matching the Service's selector in its
namespace, with an IP, not in a terminal phase, become addresses; a pod whose
Ready condition is True (or any pod when ``publishNotReadyAddresses``) is a
ready address, others are not-ready addresses; terminating pods are left out
unless published not-ready. Services without a selector are left alone (their
Endpoints are the user's).
"""

from __future__ import annotations

from typing import Any

from kspec.controllers.base import Controller
from kspec.labels import Selector
from kspec.objects import Obj, get_condition, key_of, split_key

NAME = "endpoints-controller"
MANAGED_BY_LABEL = "endpoints.kubernetes.io/managed-by"  # labelManagedBy
MANAGED_BY = "endpoint-controller"  # ControllerName
HEADLESS_LABEL = "service.kubernetes.io/headless"  # v1.IsHeadlessService


class EndpointsController(Controller):
    NAME = NAME

    def start(self) -> None:
        self.watch("services")
        # existing pods are covered by every service's initial reconcile
        # a status-only update keeps the labels: the old ones select the same Services (informers.Handler.on_status)
        self.api.informers.on("pods", on_add=self._pod_changed, on_update=lambda old, new: self._pod_changed(new, old),
                              on_delete=self._pod_changed, on_status=lambda _old, new: self._pod_changed(new))

    def _pod_changed(self, pod: Obj, old: Obj | None = None) -> None:
        ns = pod["metadata"].get("namespace", "")
        labels = [pod["metadata"].get("labels") or {}]
        if old is not None:
            labels.append(old["metadata"].get("labels") or {})
        for svc in self.api.store.list("services", ns):
            selector = svc.get("spec", {}).get("selector")
            if selector and any(Selector.from_set(selector).matches(lb) for lb in labels):
                self.queue.add(key_of(svc))

    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        svc = self.api.store.get("services", ns, name)
        existing = self.api.store.get("endpoints", ns, name)
        if svc is None or not svc.get("spec", {}).get("selector") or svc["spec"].get("type") == "ExternalName":
            if svc is None and existing is not None:
                self.api.delete("endpoints", name, ns)
            return
        subsets = self._subsets(svc)
        # the Service's labels, the controller's own, and the headless label when no cluster IP is set
        labels = {**(svc["metadata"].get("labels") or {}), MANAGED_BY_LABEL: MANAGED_BY}
        if svc["spec"].get("clusterIP") in (None, "", "None"):
            labels[HEADLESS_LABEL] = ""
        if existing is None:
            # built fresh in its decoded shape (no null, plain values: decoding would copy it unchanged,
            # tests/controllers/test_slice_decoded.py), so it is created without
            self.api.create({"apiVersion": "v1", "kind": "Endpoints",
                             "metadata": {"name": name, "namespace": ns, "labels": labels},
                             **({"subsets": subsets} if subsets else {})}, _decoded=True)
            return
        # syncService: equal subsets and labels (the headless label aside) need no write
        current = {k: v for k, v in (existing["metadata"].get("labels") or {}).items() if k != HEADLESS_LABEL}
        if (existing.get("subsets") or []) == subsets and current == {
                k: v for k, v in labels.items() if k != HEADLESS_LABEL}:
            return

        def write(ep: Obj) -> None:
            ep["metadata"]["labels"] = labels
            if subsets:
                ep["subsets"] = subsets
            else:
                ep.pop("subsets", None)
        self.api.patch("endpoints", name, ns, write)

    def _subsets(self, svc: Obj) -> list[dict[str, Any]]:
        spec = svc["spec"]
        publish = bool(spec.get("publishNotReadyAddresses"))
        selector = Selector.from_set(spec["selector"])
        ready: list[dict[str, Any]] = []
        not_ready: list[dict[str, Any]] = []
        ports: list[dict[str, Any]] | None = None
        for pod in self.api.store.list("pods", svc["metadata"]["namespace"]):
            if not selector.matches(pod["metadata"].get("labels")):
                continue
            status = pod.get("status", {})
            # ShouldPodBeInEndpoints: no IP or a terminal phase means no address
            if not status.get("podIP") or status.get("phase") in ("Succeeded", "Failed"):
                continue
            terminating = bool(pod["metadata"].get("deletionTimestamp"))
            if terminating and not publish:
                continue
            address = {"ip": status["podIP"], "targetRef": {"kind": "Pod", "namespace": pod["metadata"]["namespace"],
                                     "name": pod["metadata"]["name"], "uid": pod["metadata"].get("uid", "")}}
            address["nodeName"] = pod["spec"].get("nodeName", "")  # NodeName: &pod.Spec.NodeName, even when empty
            if pod["spec"].get("hostname") and pod["spec"].get("subdomain") == svc["metadata"]["name"]:
                address["hostname"] = pod["spec"]["hostname"]
            cond = get_condition(pod, "Ready")
            is_ready = publish or (cond is not None and cond.get("status") == "True" and not terminating)
            (ready if is_ready else not_ready).append(address)
            if ports is None:
                ports = [_endpoint_port(p, pod) for p in spec.get("ports") or []]
        if not ready and not not_ready:
            return []
        subset: dict[str, Any] = {}
        if ready:
            subset["addresses"] = sorted(ready, key=lambda a: a["ip"])
        if not_ready:
            subset["notReadyAddresses"] = sorted(not_ready, key=lambda a: a["ip"])
        subset["ports"] = [p for p in ports or [] if p is not None]
        return [subset]


def _endpoint_port(port: dict[str, Any], pod: Obj) -> dict[str, Any] | None:
    """The service port's target resolved against the pod (podutil.FindPort)."""
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, str) and not target.isdigit():
        found = next((cp["containerPort"] for c in pod["spec"].get("containers") or []
                      for cp in c.get("ports") or [] if cp.get("name") == target
                      and cp.get("protocol", "TCP") == port.get("protocol", "TCP")), None)
        if found is None:
            return None
        target = found
    out = {"port": int(target), "protocol": port.get("protocol", "TCP")}
    if port.get("name"):
        out["name"] = port["name"]
    return out
