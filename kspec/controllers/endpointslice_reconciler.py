"""The EndpointSlice reconciler (kubernetes/endpointslice ``reconciler.go``).

Given a Service, the pods its selector matches and the slices that exist, it
works out per address type and per distinct set of ports which slices to
create, update and delete: endpoints that stay are kept in place, changed
ones are rewritten, new ones first fill the slices being updated (fullest
first), then the unchanged slice they fit best, then new slices of at most
``max_endpoints_per_slice``; a Service with no endpoints keeps one empty
placeholder slice. Creates are turned into updates of slices that would
otherwise be deleted (``finalize``).

Where upstream iterates Go maps or pops any element of a set, kspec keeps
insertion order, so a seed always gives the same slices.
"""

from __future__ import annotations

import copy
from typing import Any, Protocol

from kspec.controllers.endpointslice_util import (
    CONTROLLER_NAME,
    MAX_ENDPOINTS_PER_SLICE,
    TRIGGER_TIME_ANNOTATION,
    EndpointSet,
    NodeGetter,
    address_types_for_service,
    endpoint_ports,
    endpoints_equal_beyond_hash,
    get_slice_to_fill,
    hints_enabled,
    new_endpoint_slice,
    owned_by,
    pod_to_endpoint,
    port_map_key,
    set_slice_labels,
    should_pod_be_in_endpoints,
    unchanged_slices,
)
from kspec.errors import ApiError
from kspec.objects import Obj

#: the trafficDistribution values the reconciler honours (PreferClose; PreferSameZone/PreferSameNode, v1.34+)
TRAFFIC_DISTRIBUTIONS = ("PreferClose", "PreferSameZone", "PreferSameNode")


class SliceClient(Protocol):
    """The three writes the reconcilers make (the discovery/v1 client)."""

    def create(self, obj: Obj) -> Obj: ...

    def update(self, obj: Obj) -> Obj: ...

    def delete(self, namespace: str, name: str) -> None: ...


def _name(s: Obj) -> str:
    return str(s["metadata"].get("name") or "")


def placeholder_equal(a: Obj, b: Obj) -> bool:
    """placeholderSliceCompare: namespace, labels, owners, address type, and no endpoints or ports on either."""
    ma, mb = a.get("metadata") or {}, b.get("metadata") or {}

    def owners(m: Obj) -> list[tuple[Any, ...]]:
        return [(o.get("apiVersion"), o.get("kind"), o.get("name"), o.get("uid"), o.get("controller"),
                 o.get("blockOwnerDeletion")) for o in m.get("ownerReferences") or []]
    return (ma.get("namespace", "") == mb.get("namespace", "")
            and (ma.get("labels") or {}) == (mb.get("labels") or {})
            and owners(ma) == owners(mb) and a.get("addressType") == b.get("addressType")
            and (a.get("endpoints") or []) == (b.get("endpoints") or [])
            and (a.get("ports") or []) == (b.get("ports") or []))


def reconcile_hints(svc: Obj, to_create: list[Obj], to_update: list[Obj],
                    unchanged: list[Obj]) -> tuple[list[Obj], list[Obj]]:
    """trafficdist.ReconcileHints: each endpoint hints its own zone (and node, for PreferSameNode)."""
    dist = (svc.get("spec") or {}).get("trafficDistribution")

    def hints(ep: dict[str, Any]) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        if ep.get("zone"):
            out["forZones"] = [{"name": ep["zone"]}]
        if dist == "PreferSameNode" and ep.get("nodeName"):
            out["forNodes"] = [{"name": ep["nodeName"]}]
        return out or None

    def apply(s: Obj) -> bool:
        changed = False
        for ep in s.get("endpoints") or []:
            want = hints(ep)
            if ep.get("hints") != want:
                changed = True
                if want is None:
                    ep.pop("hints", None)
                else:
                    ep["hints"] = want
        return changed

    for s in [*to_create, *to_update]:
        apply(s)
    for s in unchanged:
        candidate = copy.deepcopy(s)
        if apply(candidate):
            to_update.append(candidate)
    return to_create, to_update


def remove_hints(to_create: list[Obj], to_update: list[Obj], unchanged: list[Obj]) -> tuple[list[Obj], list[Obj]]:
    """topologycache.RemoveHintsFromSlices: no hints on any slice written; unchanged slices with hints rewritten."""
    for s in [*to_create, *to_update]:
        for ep in s.get("endpoints") or []:
            ep.pop("hints", None)
    for s in unchanged:
        if any("hints" in ep for ep in s.get("endpoints") or []):
            candidate = copy.deepcopy(s)
            for ep in candidate.get("endpoints") or []:
                ep.pop("hints", None)
            to_update.append(candidate)
    return to_create, to_update


class Reconciler:
    """Reconciler: turns pods into slices through a client; ``reconcile`` returns the errors it met."""

    def __init__(self, client: SliceClient, nodes: NodeGetter, max_endpoints_per_slice: int = MAX_ENDPOINTS_PER_SLICE,
                 controller_name: str = CONTROLLER_NAME) -> None:
        self.client = client
        self.nodes = nodes
        self.max_endpoints_per_slice = max_endpoints_per_slice
        self.controller_name = controller_name

    def reconcile(self, svc: Obj, pods: list[Obj], existing: list[Obj], trigger_time: str = "") -> list[str]:
        """Reconcile: slices of address types the Service no longer has are deleted; each type reconciled."""
        errors: list[str] = []
        supported = address_types_for_service(svc)
        to_delete: list[Obj] = []
        by_type: dict[str, list[Obj]] = {}
        for s in existing:
            if s.get("addressType") not in supported:
                to_delete.append(s)
                continue
            by_type.setdefault(s["addressType"], []).append(s)
        for address_type in supported:
            errors += self._reconcile_by_address_type(svc, pods, by_type.get(address_type, []), address_type,
                                                      trigger_time)
        ns = svc["metadata"].get("namespace", "")
        for s in to_delete:
            try:
                self._delete(ns, s)
            except ApiError as exc:
                errors.append(f"error deleting {_name(s)} EndpointSlice for Service {ns}/{svc['metadata']['name']}: "
                              f"{exc}")
        return errors

    def _delete(self, namespace: str, s: Obj) -> None:
        """deleteEndpointSlice: one already gone is fine."""
        try:
            self.client.delete(namespace, _name(s))
        except ApiError as exc:
            if exc.code != 404:
                raise

    def _reconcile_by_address_type(self, svc: Obj, pods: list[Obj], existing: list[Obj], address_type: str,
                                   trigger_time: str) -> list[str]:
        errors: list[str] = []
        to_create: list[Obj] = []
        to_update: list[Obj] = []
        to_delete: list[Obj] = []
        existing_by_ports: dict[str, list[Obj]] = {}
        for s in existing:
            if owned_by(s, svc):
                existing_by_ports.setdefault(port_map_key(s.get("ports")), []).append(s)
            else:
                to_delete.append(s)

        desired_ports: dict[str, list[dict[str, Any]]] = {}
        desired: dict[str, EndpointSet] = {}
        ns, svc_name = svc["metadata"].get("namespace", ""), svc["metadata"]["name"]
        publish = bool((svc.get("spec") or {}).get("publishNotReadyAddresses"))
        for pod in pods:
            if not should_pod_be_in_endpoints(pod, True):
                continue
            ports = endpoint_ports(svc, pod)
            key = port_map_key(ports)
            desired.setdefault(key, EndpointSet())
            desired_ports.setdefault(key, ports)
            node_name = (pod.get("spec") or {}).get("nodeName", "")
            node = self.nodes(node_name) if node_name else None
            if node is None and not publish:
                # the pod's node is gone: left out, and the Service retried
                errors.append(f"skipping Pod {pod['metadata']['name']} for Service {ns}/{svc_name}: "
                              f"Node {node_name} Not Found")
                continue
            endpoint = pod_to_endpoint(pod, node, svc, address_type)
            if endpoint["addresses"]:
                desired[key].insert(endpoint)

        for key, endpoints in desired.items():
            c, u, d = self._reconcile_by_port_mapping(svc, existing_by_ports.get(key, []), endpoints,
                                                      desired_ports[key], address_type)
            to_create += c
            to_update += u
            to_delete += d
        for key, slices in existing_by_ports.items():
            if key not in desired:
                to_delete += slices

        if len(existing) == len(to_delete) and not to_create:
            placeholder = new_endpoint_slice(svc, [], address_type, self.controller_name)
            if len(to_delete) == 1 and placeholder_equal(to_delete[0], placeholder):
                to_delete = []  # it exists already: no delete and create again
            else:
                to_create.append(placeholder)

        unchanged = unchanged_slices(existing, to_update, to_delete)
        dist = (svc.get("spec") or {}).get("trafficDistribution")
        use_dist = dist in TRAFFIC_DISTRIBUTIONS and not hints_enabled(svc["metadata"].get("annotations"))
        if use_dist:
            to_create, to_update = reconcile_hints(svc, to_create, to_update, unchanged)
        else:
            to_create, to_update = remove_hints(to_create, to_update, unchanged)
        try:
            self._finalize(svc, to_create, to_update, to_delete, trigger_time)
        except ApiError as exc:
            errors.append(str(exc))
        return errors

    def _reconcile_by_port_mapping(self, svc: Obj, existing: list[Obj], desired: EndpointSet,
                                   ports: list[dict[str, Any]], address_type: str
                                   ) -> tuple[list[Obj], list[Obj], list[Obj]]:
        """reconcileByPortMapping: keep, then fill slices being updated, then the best unchanged one, then new."""
        by_name: dict[str, Obj] = {}
        unchanged: dict[str, None] = {}
        to_update: dict[str, None] = {}
        to_delete: dict[str, None] = {}
        for s in existing:
            name = _name(s)
            by_name[name] = s
            kept: list[dict[str, Any]] = []
            endpoint_updated = False
            for ep in s.get("endpoints") or []:
                got = desired.get(ep)
                if got is not None:
                    kept.append(got)
                    if not endpoints_equal_beyond_hash(got, ep):
                        endpoint_updated = True
                    desired.delete(ep)
            labels, labels_changed = set_slice_labels(s, svc, self.controller_name)
            if endpoint_updated or len(s.get("endpoints") or []) != len(kept):
                if not kept:
                    to_delete[name] = None
                else:
                    new = copy.deepcopy(s)
                    new["endpoints"] = kept
                    new["metadata"]["labels"] = labels
                    by_name[name] = new
                    to_update[name] = None
            elif labels_changed:
                new = copy.deepcopy(s)
                new["metadata"]["labels"] = labels
                by_name[name] = new
                to_update[name] = None
            else:
                unchanged[name] = None

        if len(desired) and to_update:
            # fill the fullest slices being updated first (a stable sort keeps their order otherwise)
            for s in sorted((by_name[n] for n in to_update), key=lambda x: -len(x.get("endpoints") or [])):
                while len(desired) and len(s["endpoints"]) < self.max_endpoints_per_slice:
                    s["endpoints"].append(desired.pop_any())

        to_create: list[Obj] = []
        while len(desired):
            fill: Obj | None = None
            if len(desired) < self.max_endpoints_per_slice and unchanged:
                fill = get_slice_to_fill([by_name[n] for n in unchanged], len(desired), self.max_endpoints_per_slice)
            if fill is None:
                fill = new_endpoint_slice(svc, copy.deepcopy(ports), address_type, self.controller_name)
            else:
                fill = copy.deepcopy(fill)
                by_name[_name(fill)] = fill
            fill.setdefault("endpoints", [])
            if fill["endpoints"] is None:
                fill["endpoints"] = []
            while len(desired) and len(fill["endpoints"]) < self.max_endpoints_per_slice:
                fill["endpoints"].append(desired.pop_any())
            if _name(fill):
                to_update[_name(fill)] = None
                unchanged.pop(_name(fill), None)
            else:
                to_create.append(fill)
        return to_create, [by_name[n] for n in to_update], [by_name[n] for n in to_delete]

    def _finalize(self, svc: Obj, to_create: list[Obj], to_update: list[Obj], to_delete: list[Obj],
                  trigger_time: str) -> None:
        """finalize: creates recycle slices about to be deleted; no creates for a Service being deleted."""
        i = 0
        while i < len(to_delete) and to_create:
            old, new = to_delete[i], to_create[-1]
            if old.get("addressType") == new.get("addressType") and owned_by(old, svc):
                new["metadata"]["name"] = _name(old)
                to_create.pop()
                to_update.append(new)
                del to_delete[i]
            else:
                i += 1
        ns = svc["metadata"].get("namespace", "")
        if not svc["metadata"].get("deletionTimestamp"):
            for s in to_create:
                _trigger_time(s, trigger_time)
                self.client.create(s)
        for s in to_update:
            _trigger_time(s, trigger_time)
            self.client.update(s)
        for s in to_delete:
            self._delete(ns, s)


def _trigger_time(s: Obj, trigger_time: str) -> None:
    """addTriggerTimeAnnotation: set it, or clear it when there is none."""
    annotations = s["metadata"].setdefault("annotations", {}) or {}
    if trigger_time:
        annotations[TRIGGER_TIME_ANNOTATION] = trigger_time
    else:
        annotations.pop(TRIGGER_TIME_ANNOTATION, None)
    if annotations:
        s["metadata"]["annotations"] = annotations
    else:
        s["metadata"].pop("annotations", None)
