"""The EndpointSlice mirroring controller (pkg/controller/endpointslicemirroring).

A Service without a selector has hand-made Endpoints; this controller mirrors
each of its subsets into one EndpointSlice per address family (at most
``MAX_ENDPOINTS_PER_SUBSET`` addresses each; the rest are skipped with a
``TooManyAddressesToMirror`` event, invalid IPs with ``InvalidIPAddress``).
Endpoints labelled ``endpointslice.kubernetes.io/skip-mirror: "true"``, or
carrying a leader-election annotation, are not mirrored, nor are those of
Services that have a selector (the EndpointSlice controller serves those).
"""

from __future__ import annotations

import copy
import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kspec.controllers.endpointslice import ApiSliceClient, SliceOwner
from kspec.controllers.endpointslice_reconciler import SliceClient
from kspec.controllers.endpointslice_util import (
    IPV4,
    IPV6,
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    LABEL_SKIP_MIRROR,
    LAST_APPLIED_ANNOTATION,
    LEADER_ANNOTATION,
    MAX_ENDPOINTS_PER_SUBSET,
    MIRRORING_CONTROLLER_NAME,
    TRIGGER_TIME_ANNOTATION,
    EndpointSet,
    controller_ref,
    endpoints_equal_beyond_hash,
    port_map_key,
    slice_prefix,
)
from kspec.errors import ApiError
from kspec.objects import Obj, key_of, split_key

if TYPE_CHECKING:
    from kspec.cluster import Cluster
    from kspec.events import EventRecorder

NAME = "endpointslicemirroring-controller"
INVALID_IP_ADDRESS = "InvalidIPAddress"  # events.go
TOO_MANY_ADDRESSES_TO_MIRROR = "TooManyAddressesToMirror"  # events.go


def skip_mirror(labels: dict[str, str] | None) -> bool:
    """skipMirror."""
    return (labels or {}).get(LABEL_SKIP_MIRROR) == "true"


def should_mirror(endpoints: Obj | None) -> bool:
    """shouldMirror: not skipped, and not a leader-election lock."""
    if endpoints is None:
        return False
    md = endpoints["metadata"]
    return not skip_mirror(md.get("labels")) and LEADER_ANNOTATION not in (md.get("annotations") or {})


def address_to_endpoint(address: dict[str, Any], ready: bool) -> tuple[dict[str, Any], str] | None:
    """addressToEndpoint: None for an invalid IP; the IP re-stringified; nodeName, hostname, targetRef kept."""
    try:
        ip = ipaddress.ip_address(str(address.get("ip", "")))
    except ValueError:
        return None
    ep: dict[str, Any] = {"addresses": [str(ip)], "conditions": {"ready": ready}}
    if address.get("targetRef") is not None:
        ep["targetRef"] = address["targetRef"]
    if address.get("nodeName") is not None:
        ep["nodeName"] = address["nodeName"]
    if address.get("hostname"):
        ep["hostname"] = address["hostname"]
    return ep, (IPV6 if ip.version == 6 else IPV4)


def ep_ports_to_eps_ports(ports: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """epPortsToEpsPorts."""
    out = []
    for p in ports or []:
        entry: dict[str, Any] = {"name": p.get("name", ""), "port": p.get("port", 0),
                                 "protocol": p.get("protocol", "TCP")}
        if p.get("appProtocol") is not None:
            entry["appProtocol"] = p["appProtocol"]
        out.append(entry)
    return out


def addr_type_key(ports: list[dict[str, Any]] | None, address_type: str) -> str:
    """newAddrTypePortMapKey."""
    return f"{address_type}-{port_map_key(ports)}"


def new_mirrored_slice(endpoints: Obj, ports: list[dict[str, Any]], address_type: str, name: str) -> Obj:
    """newEndpointSlice (mirroring): the Endpoints' labels and annotations, owned by the Endpoints."""
    md = endpoints["metadata"]
    labels = dict(md.get("labels") or {})
    labels[LABEL_SERVICE_NAME] = md["name"]
    labels[LABEL_MANAGED_BY] = MIRRORING_CONTROLLER_NAME
    annotations = {k: v for k, v in (md.get("annotations") or {}).items()
                   if k not in (TRIGGER_TIME_ANNOTATION, LAST_APPLIED_ANNOTATION)}
    meta: dict[str, Any] = {"namespace": md.get("namespace", ""), "labels": labels,
                            "ownerReferences": [controller_ref(endpoints, "Endpoints")]}
    if annotations:
        meta["annotations"] = annotations
    if name:
        meta["name"] = name
    else:
        meta["generateName"] = slice_prefix(md["name"])
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": meta,
            "addressType": address_type, "endpoints": [], "ports": copy.deepcopy(ports)}


@dataclass
class _Desired:
    """desiredCalc: endpoints and ports per (address type, ports) key."""

    endpoints: dict[str, EndpointSet] = field(default_factory=dict)
    ports: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def init_ports(self, subset_ports: list[dict[str, Any]] | None) -> dict[str, str]:
        ports = ep_ports_to_eps_ports(subset_ports)
        keys = {}
        for address_type in (IPV4, IPV6):
            key = addr_type_key(ports, address_type)
            keys[address_type] = key
            self.endpoints.setdefault(key, EndpointSet(with_target=False))
            self.ports[key] = ports
        return keys

    def add_address(self, address: dict[str, Any], keys: dict[str, str], ready: bool) -> bool:
        converted = address_to_endpoint(address, ready)
        if converted is None:
            return False
        ep, address_type = converted
        self.endpoints[keys[address_type]].insert(ep)
        return True


@dataclass
class _Totals:
    added: int = 0
    updated: int = 0
    removed: int = 0


def total_changes(existing: Obj, desired: EndpointSet) -> _Totals:
    """totalChanges: what it takes for ``existing`` to hold exactly ``desired``."""
    totals = _Totals()
    matches = 0
    for ep in existing.get("endpoints") or []:
        got = desired.get(ep)
        if got is None:
            totals.removed += 1
        else:
            matches += 1
            if not endpoints_equal_beyond_hash(got, ep):
                totals.updated += 1
    totals.added = len(desired) - matches
    return totals


class MirroringReconciler:
    """reconciler: one slice per subset and address family; events through ``events`` when given."""

    def __init__(self, client: SliceClient, max_endpoints_per_subset: int = MAX_ENDPOINTS_PER_SUBSET,
                 events: EventRecorder | None = None) -> None:
        self.client = client
        self.max_endpoints_per_subset = max_endpoints_per_subset
        self.events = events
        self.recorded: list[tuple[str, str, str]] = []  # (type, reason, message), as a FakeRecorder holds them

    def _event(self, endpoints: Obj, reason: str, message: str) -> None:
        self.recorded.append(("Warning", reason, message))
        if self.events is not None:
            self.events.event(endpoints, "Warning", reason, message, component=NAME)

    def reconcile(self, endpoints: Obj, existing: list[Obj]) -> None:
        desired = _Desired()
        invalid = skipped = 0
        for subset in endpoints.get("subsets") or []:
            keys = desired.init_ports(subset.get("ports"))
            total = len(subset.get("addresses") or []) + len(subset.get("notReadyAddresses") or [])
            added = 0
            for field_name, ready in (("addresses", True), ("notReadyAddresses", False)):
                for address in subset.get(field_name) or []:
                    if added >= self.max_endpoints_per_subset:
                        break
                    if desired.add_address(address, keys, ready):
                        added += 1
                    else:
                        invalid += 1
            skipped += total - added
        if invalid:
            self._event(endpoints, INVALID_IP_ADDRESS,
                        f"Skipped {invalid} invalid IP addresses when mirroring to EndpointSlices")
        if skipped > invalid:
            self._event(endpoints, TOO_MANY_ADDRESSES_TO_MIRROR,
                        f"A max of {self.max_endpoints_per_subset} addresses can be mirrored to EndpointSlices per "
                        f"Endpoints subset. {skipped} addresses were skipped")

        existing_by_key: dict[str, list[Obj]] = {}
        for s in existing:
            existing_by_key.setdefault(addr_type_key(s.get("ports"), s.get("addressType", "")), []).append(s)
        to_create: list[Obj] = []
        to_update: list[Obj] = []
        to_delete: list[Obj] = []
        for key, wanted in desired.endpoints.items():
            address_type = IPV6 if key.startswith(IPV6) else IPV4
            c, u, d = self._by_port_mapping(endpoints, existing_by_key.get(key, []), wanted, desired.ports[key],
                                            address_type)
            to_create += c
            to_update += u
            to_delete += d
        for key, slices in existing_by_key.items():
            if key not in desired.endpoints:
                to_delete += slices
        self._finalize(endpoints, to_create, to_update, to_delete)

    def _by_port_mapping(self, endpoints: Obj, existing: list[Obj], desired: EndpointSet,
                         ports: list[dict[str, Any]], address_type: str) -> tuple[list[Obj], list[Obj], list[Obj]]:
        """reconcileByPortMapping: one slice per key; extra slices deleted; unchanged when it already matches."""
        if not len(desired):
            return [], [], list(existing)
        to_delete: list[Obj] = []
        name = ""
        if existing:
            to_delete = list(existing[1:])
            totals = total_changes(existing[0], desired)
            if totals.added == 0 and totals.updated == 0 and totals.removed == 0:
                return [], [], to_delete
            name = existing[0]["metadata"]["name"]
        new = new_mirrored_slice(endpoints, ports, address_type, name)
        while len(desired) and len(new["endpoints"]) < self.max_endpoints_per_subset:
            new["endpoints"].append(desired.pop_any())
        return ([], [new], to_delete) if name else ([new], [], to_delete)

    def _finalize(self, endpoints: Obj, to_create: list[Obj], to_update: list[Obj], to_delete: list[Obj]) -> None:
        """finalize: recycleSlices turns creates into updates of slices about to be deleted."""
        # recycleSlices: a create takes over the name of a slice of the same address type about to go
        for new in list(to_create):
            for i, old in enumerate(to_delete):
                if old.get("addressType") == new.get("addressType"):
                    new["metadata"]["name"] = old["metadata"]["name"]
                    new["metadata"].pop("generateName", None)
                    to_create.remove(new)
                    to_update.append(new)
                    del to_delete[i]
                    break
        ns = endpoints["metadata"].get("namespace", "")
        if not endpoints["metadata"].get("deletionTimestamp"):
            for s in to_create:
                self.client.create(s)
        for s in to_update:
            self.client.update(s)
        for s in to_delete:
            self.client.delete(ns, s["metadata"]["name"])


class EndpointSliceMirroringController(SliceOwner):
    NAME = NAME
    MANAGER = MIRRORING_CONTROLLER_NAME

    def __init__(self, cluster: Cluster, max_endpoints_per_subset: int = MAX_ENDPOINTS_PER_SUBSET) -> None:
        super().__init__(cluster)
        self.client = ApiSliceClient(cluster, NAME)
        self.reconciler = MirroringReconciler(self.client, max_endpoints_per_subset, cluster.events)

    def start(self) -> None:
        inf = self.api.informers
        handler = inf.on("endpoints", on_add=self._endpoints_added, on_update=self._endpoints_updated,
                         on_delete=self._endpoints_added)
        inf.replay(handler, self.api.store.list("endpoints"))
        inf.on("services", on_add=self._service_added, on_update=self._service_updated,
               on_delete=lambda svc: self.queue.add(key_of(svc)))
        inf.on("endpointslices", on_add=self._slice_added, on_update=self._slice_updated,
               on_delete=self._slice_deleted)

    def _endpoints_added(self, ep: Obj) -> None:
        if should_mirror(ep):
            self.queue.add(key_of(ep))

    def _endpoints_updated(self, old: Obj, new: Obj) -> None:
        if should_mirror(new) or should_mirror(old):
            self.queue.add(key_of(new))

    def _service_added(self, svc: Obj) -> None:
        if not (svc.get("spec") or {}).get("selector"):
            self.queue.add(key_of(svc))

    def _service_updated(self, old: Obj, new: Obj) -> None:
        if bool((old.get("spec") or {}).get("selector")) != bool((new.get("spec") or {}).get("selector")):
            self.queue.add(key_of(new))

    def _mirrored(self, ns: str, name: str) -> list[Obj]:
        """endpointSlicesMirroredForService."""
        return [s for s in self.api.store.list("endpointslices", ns)
                if (s["metadata"].get("labels") or {}).get(LABEL_SERVICE_NAME) == name and self._managed(s)]

    def _delete_mirrored(self, ns: str, name: str) -> None:
        for s in self._mirrored(ns, name):
            try:
                self.client.delete(ns, s["metadata"]["name"])
            except ApiError as exc:
                if exc.code != 404:
                    raise

    def reconcile(self, key: str) -> bool | None:
        """syncEndpoints."""
        ns, name = split_key(key)
        endpoints = self.api.store.get("endpoints", ns, name)
        svc = self.api.store.get("services", ns, name)
        if endpoints is None or not should_mirror(endpoints) or svc is None or (svc.get("spec") or {}).get("selector"):
            self._delete_mirrored(ns, name)
            return None
        self.reconciler.reconcile(endpoints, self._mirrored(ns, name))
        return None
