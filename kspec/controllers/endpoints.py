"""The Endpoints controller: a Service's selected pods as ready and not-ready addresses.

Follows pkg/controller/endpoint: pods matching the Service's selector in its
namespace, with an IP, not in a terminal phase, become addresses; a pod whose
Ready condition is True (or any pod when ``publishNotReadyAddresses``) is a
ready address, others are not-ready addresses; terminating pods are left out
unless published not-ready. Services without a selector are left alone (their
Endpoints are the user's). Each pod's ports are resolved against that pod, and
the subsets are repacked and ordered as endpoints.RepackSubsets does, so
``kubectl get endpoints`` lists ports in upstream's (md5) order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from kspec.controllers.base import Controller
from kspec.controllers.endpointslice_util import TRIGGER_TIME_ANNOTATION, TriggerTimeTracker, find_port
from kspec.labels import Selector
from kspec.objects import Obj, get_condition, key_of, split_key

NAME = "endpoints-controller"
MANAGED_BY_LABEL = "endpoints.kubernetes.io/managed-by"  # labelManagedBy
MANAGED_BY = "endpoint-controller"  # ControllerName
HEADLESS_LABEL = "service.kubernetes.io/headless"  # v1.IsHeadlessService


class EndpointsController(Controller):
    NAME = NAME

    def start(self) -> None:
        #: the trigger time tracker syncService reads (endpointsLastChangeTriggerTime)
        self.triggers = TriggerTimeTracker()
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
            if svc is None:
                if existing is not None:
                    self.api.delete("endpoints", name, ns)
                self.triggers.delete(key)
            return
        selector = Selector.from_set(svc["spec"]["selector"])
        pods = [p for p in self.api.store.list("pods", ns) if selector.matches(p["metadata"].get("labels"))]
        # computed on every sync, written only with a change (ComputeEndpointLastChangeTriggerTime)
        trigger = self.triggers.compute(key, svc, pods)
        subsets = self._subsets(svc, pods)
        # the Service's labels, the controller's own, and the headless label when no cluster IP is set
        labels = {**(svc["metadata"].get("labels") or {}), MANAGED_BY_LABEL: MANAGED_BY}
        if svc["spec"].get("clusterIP") in (None, "", "None"):
            labels[HEADLESS_LABEL] = ""
        if existing is None:
            # built fresh in its decoded shape (no null, plain values: decoding would copy it unchanged,
            # tests/controllers/test_slice_decoded.py), so it is created without
            md: dict[str, Any] = {"name": name, "namespace": ns, "labels": labels}
            if trigger:
                md["annotations"] = {TRIGGER_TIME_ANNOTATION: trigger}
            self.api.create({"apiVersion": "v1", "kind": "Endpoints", "metadata": md,
                             **({"subsets": subsets} if subsets else {})}, _decoded=True)
            return
        # syncService: equal subsets and labels (the headless label aside) need no write
        current = {k: v for k, v in (existing["metadata"].get("labels") or {}).items() if k != HEADLESS_LABEL}
        if (existing.get("subsets") or []) == subsets and current == {
                k: v for k, v in labels.items() if k != HEADLESS_LABEL}:
            return

        def write(ep: Obj) -> None:
            ep["metadata"]["labels"] = labels
            annotations = dict(ep["metadata"].get("annotations") or {})
            if trigger:
                annotations[TRIGGER_TIME_ANNOTATION] = trigger
            else:  # no new trigger time: the annotation goes
                annotations.pop(TRIGGER_TIME_ANNOTATION, None)
            if annotations:
                ep["metadata"]["annotations"] = annotations
            else:
                ep["metadata"].pop("annotations", None)
            if subsets:
                ep["subsets"] = subsets
            else:
                ep.pop("subsets", None)
        self.api.patch("endpoints", name, ns, write)

    def _subsets(self, svc: Obj, pods: list[Obj]) -> list[dict[str, Any]]:
        """syncService: one subset per selected pod and resolved port (addEndpointSubset), then RepackSubsets."""
        spec = svc["spec"]
        publish = bool(spec.get("publishNotReadyAddresses"))
        service_ports = spec.get("ports") or []
        headless = spec.get("clusterIP") == "None"
        # (address, ready, port or None): what addEndpointSubset appends, one entry per pod and port
        entries: list[tuple[dict[str, Any], bool, dict[str, Any] | None]] = []
        for pod in pods:
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
            if not service_ports:
                if headless:  # "Allow headless service not to have ports"
                    entries.append((address, is_ready, None))
                continue
            for port in service_ports:
                number = find_port(pod, port)
                if number is None:
                    continue  # "Failed to find port for service"
                entries.append((address, is_ready, _endpoint_port(port, number)))
        return repack_subsets(entries)


def _endpoint_port(port: dict[str, Any], number: int) -> dict[str, Any]:
    """endpointPortFromServicePort: the Service port's name, protocol and appProtocol, at the pod's number."""
    out: dict[str, Any] = {"port": number, "protocol": port.get("protocol", "TCP")}
    if port.get("name"):
        out["name"] = port["name"]
    if port.get("appProtocol") is not None:
        out["appProtocol"] = port["appProtocol"]
    return out


def _port_key(port: dict[str, Any] | None) -> tuple[Any, ...]:
    """A v1.EndpointPort as a map key; None is RepackSubsets' sentinel for an address with no ports."""
    if port is None:
        return ("", -1, "", None)
    return (port.get("name", ""), port["port"], port.get("protocol", ""), port.get("appProtocol"))


def _address_key(address: dict[str, Any]) -> tuple[str, str]:
    """keyEndpointAddress: the IP and the target's uid."""
    return address["ip"], (address.get("targetRef") or {}).get("uid", "")


def repack_subsets(entries: list[tuple[dict[str, Any], bool, dict[str, Any] | None]]) -> list[dict[str, Any]]:
    """endpoints.RepackSubsets: each address joins the subset of the addresses that offer exactly its ports
    (not ready wins over ready for an address seen twice), sorted as SortSubsets sorts them."""
    addresses: dict[tuple[str, str], dict[str, Any]] = {}
    ports: dict[tuple[Any, ...], dict[str, Any] | None] = {}
    by_port: dict[tuple[Any, ...], dict[tuple[str, str], bool]] = {}
    for address, ready, port in entries:
        akey = _address_key(address)
        addresses.setdefault(akey, address)
        pkey = _port_key(port)
        ports.setdefault(pkey, port)
        seen = by_port.setdefault(pkey, {})
        if seen.get(akey, True):  # mapAddressByPort: not ready always trumps ready
            seen[akey] = ready
    groups: dict[tuple[tuple[tuple[str, str], bool], ...], list[dict[str, Any]]] = {}
    for pkey, seen in by_port.items():
        group = groups.setdefault(tuple(sorted(seen.items())), [])
        port = ports[pkey]
        if port is not None:  # avoid sentinels
            group.append(port)
    subsets = []
    for members, group_ports in groups.items():
        subset: dict[str, Any] = {}
        ready = [addresses[k] for k, r in members if r]
        not_ready = [addresses[k] for k, r in members if not r]
        if ready:
            subset["addresses"] = sorted(ready, key=_address_order)
        if not_ready:
            subset["notReadyAddresses"] = sorted(not_ready, key=_address_order)
        if group_ports:
            subset["ports"] = sorted(group_ports, key=lambda p: _md5(f"(v1.EndpointPort){_spew_port(p)}"))
        subsets.append(subset)
    return sorted(subsets, key=lambda ss: _md5(_spew_subset(ss)))


def _address_order(address: dict[str, Any]) -> tuple[bytes, str]:
    """LessEndpointAddress: the IP's bytes, then the target's uid."""
    return address["ip"].encode(), (address.get("targetRef") or {}).get("uid", "")


# SortSubsets orders ports and subsets by the md5 of hashutil.DeepHashObject's text: spew's "%#v" (types in
# parentheses, strings bare, a nil pointer or slice as <nil>, slice elements without their type).
def _md5(text: str) -> bytes:
    return hashlib.md5(text.encode(), usedforsecurity=False).digest()


def _spew_port(p: dict[str, Any]) -> str:
    app = p.get("appProtocol")
    return (f"{{Name:(string){p.get('name', '')} Port:(int32){p['port']} Protocol:(v1.Protocol){p.get('protocol', '')} "
            f"AppProtocol:(*string){'<nil>' if app is None else app}}}")


def _spew_address(a: dict[str, Any]) -> str:
    ref = a.get("targetRef")
    target = "(*v1.ObjectReference)<nil>" if ref is None else (
        f"(*v1.ObjectReference){{Kind:(string){ref.get('kind', '')} Namespace:(string){ref.get('namespace', '')} "
        f"Name:(string){ref.get('name', '')} UID:(types.UID){ref.get('uid', '')} APIVersion:(string) "
        f"ResourceVersion:(string) FieldPath:(string)}}")
    node = a.get("nodeName")
    return (f"{{IP:(string){a['ip']} Hostname:(string){a.get('hostname', '')} "
            f"NodeName:(*string){'<nil>' if node is None else node} TargetRef:{target}}}")


def _spew_subset(ss: dict[str, Any]) -> str:
    def items(key: str, spew: Callable[[dict[str, Any]], str]) -> str:
        values = ss.get(key)
        return "<nil>" if not values else "[" + " ".join(spew(v) for v in values) + "]"
    return (f"(v1.EndpointSubset){{Addresses:([]v1.EndpointAddress){items('addresses', _spew_address)} "
            f"NotReadyAddresses:([]v1.EndpointAddress){items('notReadyAddresses', _spew_address)} "
            f"Ports:([]v1.EndpointPort){items('ports', _spew_port)}}}")
