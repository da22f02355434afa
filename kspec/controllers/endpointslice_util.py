"""What the EndpointSlice controllers share: turning pods into endpoints, slice labels, port keys.

Follows kubernetes/endpointslice (``utils.go``, ``util/controller_utils.go``,
``util/endpointset.go``). Objects are the API's dicts: an endpoint is
``{"addresses": [...], "conditions": {...}, "targetRef": {...}, "nodeName": ...}``.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from kspec.api.validation import _mask_trailing_dash, is_dns1123_subdomain
from kspec.objects import Obj, get_condition

#: discovery/v1 well-known labels and values
LABEL_SERVICE_NAME = "kubernetes.io/service-name"  # discovery.LabelServiceName
LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"  # discovery.LabelManagedBy
LABEL_SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror"  # discovery.LabelSkipMirror
HEADLESS_LABEL = "service.kubernetes.io/headless"  # v1.IsHeadlessService
CONTROLLER_NAME = "endpointslice-controller.k8s.io"  # endpointslice controller's ControllerName
MIRRORING_CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io"  # endpointslicemirroring ControllerName
LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone"  # v1.LabelTopologyZone
TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time"  # v1.EndpointsLastChangeTriggerTime
LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"  # v1.LastAppliedConfigAnnotation
LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader"  # resourcelock.LeaderElectionRecordAnnotationKey
#: --max-endpoints-per-slice and --mirroring-max-endpoints-per-subset defaults of kube-controller-manager
MAX_ENDPOINTS_PER_SLICE = 100
MAX_ENDPOINTS_PER_SUBSET = 1000

IPV4, IPV6 = "IPv4", "IPv6"


# -- pods ----------------------------------------------------------------------------------------
def is_pod_ready(pod: Obj) -> bool:
    """IsPodReady: the Ready condition is True."""
    cond = get_condition(pod, "Ready")
    return cond is not None and cond.get("status") == "True"


def pod_ips(pod: Obj) -> list[str]:
    """status.podIPs, or the single podIP the API server syncs it from."""
    status = pod.get("status") or {}
    ips = [p.get("ip", "") for p in status.get("podIPs") or []]
    if not ips and status.get("podIP"):
        ips = [status["podIP"]]
    return [ip for ip in ips if ip]


def should_pod_be_in_endpoints(pod: Obj, include_terminating: bool) -> bool:
    """ShouldPodBeInEndpoints: no terminal pods, no pods without an IP, terminating ones only when asked."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        return False
    if not status.get("podIP") and not status.get("podIPs"):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


def should_set_hostname(pod: Obj, svc: Obj) -> bool:
    """ShouldSetHostname: the pod names a hostname and the Service as its subdomain, in its namespace."""
    spec = pod.get("spec") or {}
    return (bool(spec.get("hostname")) and spec.get("subdomain") == svc["metadata"]["name"]
            and svc["metadata"].get("namespace", "") == pod["metadata"].get("namespace", ""))


def _ip_family(ip: str) -> str | None:
    try:
        return IPV6 if ipaddress.ip_address(ip).version == 6 else IPV4
    except ValueError:
        return None


def endpoint_addresses(pod: Obj, address_type: str) -> list[str]:
    """getEndpointAddresses: the pod's IPs of the slice's family, re-stringified."""
    out = []
    for ip in pod_ips(pod):
        try:
            parsed = ipaddress.ip_address(ip)
        except ValueError:
            continue
        if (parsed.version == 6) == (address_type == IPV6) and address_type in (IPV4, IPV6):
            out.append(str(parsed))
    return out


def pod_to_endpoint(pod: Obj, node: Obj | None, svc: Obj, address_type: str) -> dict[str, Any]:
    """podToEndpoint: serving is readiness, terminating is a deletion timestamp; ready needs both (or publish)."""
    serving = is_pod_ready(pod)
    terminating = bool(pod["metadata"].get("deletionTimestamp"))
    ready = bool((svc.get("spec") or {}).get("publishNotReadyAddresses")) or (serving and not terminating)
    md = pod["metadata"]
    ep: dict[str, Any] = {
        "addresses": endpoint_addresses(pod, address_type),
        "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
        "targetRef": {"kind": "Pod", "namespace": md.get("namespace", ""), "name": md["name"],
                      "uid": md.get("uid", "")},
    }
    node_name = (pod.get("spec") or {}).get("nodeName")
    if node_name:
        ep["nodeName"] = node_name
    zone = ((node or {}).get("metadata", {}).get("labels") or {}).get(LABEL_TOPOLOGY_ZONE)
    if zone:
        ep["zone"] = zone
    if should_set_hostname(pod, svc):
        ep["hostname"] = pod["spec"]["hostname"]
    return ep


def find_port(pod: Obj, svc_port: dict[str, Any]) -> int | None:
    """FindPort: a numeric targetPort as is; a named one looked up in containers, then in sidecars."""
    target = svc_port.get("targetPort", svc_port.get("port"))
    protocol = svc_port.get("protocol", "TCP")
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    spec = pod.get("spec") or {}
    sidecars = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    for container in [*(spec.get("containers") or []), *sidecars]:
        for port in container.get("ports") or []:
            if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                return int(port["containerPort"])
    return None


def endpoint_ports(svc: Obj, pod: Obj) -> list[dict[str, Any]]:
    """getEndpointPorts: each Service port resolved against the pod; a headless Service may have none."""
    spec = svc.get("spec") or {}
    out: list[dict[str, Any]] = []
    for port in spec.get("ports") or []:
        number = find_port(pod, port)
        if number is None:
            continue  # "Failed to find port for service"
        entry: dict[str, Any] = {"name": port.get("name", ""), "port": number,
                                 "protocol": port.get("protocol", "TCP")}
        if port.get("appProtocol") is not None:
            entry["appProtocol"] = port["appProtocol"]
        out.append(entry)
    return out


# -- keys ----------------------------------------------------------------------------------------
def port_map_key(ports: Iterable[dict[str, Any]] | None) -> str:
    """NewPortMapKey: the same set of ports, in any order, is the same key.

    Upstream hashes the ports sorted by their hashes; kspec keys on the sorted JSON (same equality).
    """
    items = sorted(json.dumps({k: p.get(k) for k in ("name", "port", "protocol", "appProtocol")}, sort_keys=True)
                   for p in ports or [])
    return "[" + ",".join(items) + "]"


def endpoint_key(ep: dict[str, Any], with_target: bool = True) -> tuple[Any, ...]:
    """hashEndpoint: sorted addresses, hostname and (for the EndpointSlice controller) the target's name."""
    ref = ep.get("targetRef") or {}
    key: tuple[Any, ...] = (tuple(sorted(ep.get("addresses") or [])), ep.get("hostname") or "")
    if with_target:
        key += (ref.get("namespace", ""), ref.get("name", ""))
    return key


class EndpointSet:
    """EndpointSet: endpoints by hash, popped in the order they came (upstream pops any; kspec must be stable)."""

    def __init__(self, with_target: bool = True) -> None:
        self._items: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._with_target = with_target

    def insert(self, ep: dict[str, Any]) -> None:
        self._items[endpoint_key(ep, self._with_target)] = ep

    def get(self, ep: dict[str, Any]) -> dict[str, Any] | None:
        return self._items.get(endpoint_key(ep, self._with_target))

    def delete(self, ep: dict[str, Any]) -> None:
        self._items.pop(endpoint_key(ep, self._with_target), None)

    def pop_any(self) -> dict[str, Any]:
        key = next(iter(self._items))
        return self._items.pop(key)

    def __len__(self) -> int:
        return len(self._items)


def _ref_without_rv(ref: Any) -> Any:
    if not isinstance(ref, dict):
        return ref
    return {k: v for k, v in ref.items() if k != "resourceVersion" and v not in ("", None)}


def endpoints_equal_beyond_hash(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """EndpointsEqualBeyondHash: nodeName, zone, the three conditions and targetRef (resourceVersion aside)."""
    for key in ("nodeName", "zone"):
        if a.get(key) != b.get(key):
            return False
    ca, cb = a.get("conditions") or {}, b.get("conditions") or {}
    for key in ("ready", "serving", "terminating"):
        if ca.get(key) != cb.get(key):
            return False
    return _ref_without_rv(a.get("targetRef")) == _ref_without_rv(b.get("targetRef"))


# -- slices --------------------------------------------------------------------------------------
def is_service_ip_set(svc: Obj) -> bool:
    ip = (svc.get("spec") or {}).get("clusterIP", "")
    return ip not in ("", "None")


def is_reserved_label(key: str) -> bool:
    """isReservedLabelKey."""
    return key in (LABEL_SERVICE_NAME, LABEL_MANAGED_BY, HEADLESS_LABEL)


def set_slice_labels(slice_: Obj, svc: Obj, controller_name: str) -> tuple[dict[str, str], bool]:
    """setEndpointSliceLabels: the Service's labels, the headless mark, the name and the manager; changed?"""
    current = {k: v for k, v in (slice_.get("metadata", {}).get("labels") or {}).items() if not is_reserved_label(k)}
    wanted = {k: v for k, v in (svc["metadata"].get("labels") or {}).items() if not is_reserved_label(k)}
    changed = current != wanted
    if not is_service_ip_set(svc):
        wanted[HEADLESS_LABEL] = ""
    wanted[LABEL_SERVICE_NAME] = svc["metadata"]["name"]
    wanted[LABEL_MANAGED_BY] = controller_name
    return wanted, changed


@lru_cache(maxsize=1024)
def slice_prefix(name: str) -> str:
    """getEndpointSlicePrefix: ``<name>-`` unless that is no valid name prefix (a function of the name alone,
    remembered: every slice a Service gets asks it again)."""
    prefix = f"{name}-"
    return name if is_dns1123_subdomain(_mask_trailing_dash(prefix)) else prefix  # NameIsDNSSubdomain(prefix, true)


def controller_ref(owner: Obj, kind: str) -> dict[str, Any]:
    """metav1.NewControllerRef for a core/v1 owner."""
    return {"apiVersion": "v1", "kind": kind, "name": owner["metadata"]["name"],
            "uid": owner["metadata"].get("uid", ""), "controller": True, "blockOwnerDeletion": True}


def new_endpoint_slice(svc: Obj, ports: list[dict[str, Any]], address_type: str, controller_name: str) -> Obj:
    """newEndpointSlice: generateName ``<svc>-``, owned by the Service, its labels."""
    md = svc["metadata"]
    slice_: Obj = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                   "metadata": {"generateName": slice_prefix(md["name"]), "namespace": md.get("namespace", ""),
                                "labels": {}, "ownerReferences": [controller_ref(svc, "Service")]},
                   "addressType": address_type, "endpoints": [], "ports": ports}
    slice_["metadata"]["labels"], _ = set_slice_labels(slice_, svc, controller_name)
    return slice_


def owned_by(slice_: Obj, svc: Obj) -> bool:
    """ownedBy: an owner reference to this Service (by UID)."""
    uid = svc["metadata"].get("uid", "")
    return any(o.get("uid") == uid and o.get("kind") == "Service" and o.get("apiVersion") == "v1"
               for o in slice_["metadata"].get("ownerReferences") or [])


def get_slice_to_fill(slices: list[Obj], num_endpoints: int, max_endpoints: int) -> Obj | None:
    """getSliceToFill: the slice closest to full once ``num_endpoints`` more are added."""
    closest_diff, closest = max_endpoints, None
    for s in slices:
        diff = max_endpoints - (num_endpoints + len(s.get("endpoints") or []))
        if 0 <= diff < closest_diff:
            closest_diff, closest = diff, s
            if diff == 0:
                return s
    return closest


def address_types_for_service(svc: Obj) -> list[str]:
    """getAddressTypesForService: from spec.ipFamilies, else the cluster IP's family, else both (headless)."""
    spec = svc.get("spec") or {}
    types = [{"IPv4": IPV4, "IPv6": IPV6}[f] for f in spec.get("ipFamilies") or [] if f in ("IPv4", "IPv6")]
    if types:
        return sorted(set(types))
    if is_service_ip_set(svc):
        return [_ip_family(spec["clusterIP"]) or IPV4]
    return [IPV4, IPV6]


def service_key_of_slice(slice_: Obj) -> str | None:
    """ServiceControllerKey: ``ns/<kubernetes.io/service-name>``, or None without the label."""
    name = (slice_["metadata"].get("labels") or {}).get(LABEL_SERVICE_NAME)
    return f"{slice_['metadata'].get('namespace', '')}/{name}" if name else None


def hints_enabled(annotations: dict[str, str] | None) -> bool:
    """hintsEnabled: the topology-aware-hints (or topology-mode) annotation is Auto."""
    annotations = annotations or {}
    value = annotations.get("service.kubernetes.io/topology-aware-hints")
    if value is None:
        value = annotations.get("service.kubernetes.io/topology-mode")
    return value in ("Auto", "auto")


def unchanged_slices(existing: list[Obj], to_update: list[Obj], to_delete: list[Obj]) -> list[Obj]:
    """unchangedSlices."""
    changed = {s["metadata"].get("name") for s in [*to_update, *to_delete]}
    return [s for s in existing if s["metadata"].get("name") not in changed]


NodeGetter = Callable[[str], Obj | None]


@lru_cache(maxsize=1024)  # a function of the text alone: the same creation and transition times recur
def _parse_timestamp(text: str) -> int:
    """objects.parse_timestamp, remembered."""
    from kspec.objects import parse_timestamp
    return parse_timestamp(text)


@lru_cache(maxsize=1024)  # a function of the instant alone: every cluster's kube-dns slice stamps the same one
def rfc3339_nano(ms: int) -> str:
    """time.RFC3339Nano in UTC: the fraction only when there is one, trailing zeros dropped."""
    from kspec.objects import timestamp
    text = timestamp(ms - ms % 1000)
    if ms % 1000:
        text = text[:-1] + "." + f"{ms % 1000:03d}".rstrip("0") + "Z"
    return text


class TriggerTimeTracker:
    """TriggerTimeTracker (endpointslice util/trigger_time_tracker.go): the last-change-trigger-time to write.

    For a Service synced before, the earliest time one of its pods turned (un)ready, or the Service was
    created, since the last sync; for a new one, its creation time; "" when nothing it counts changed.
    """

    def __init__(self) -> None:
        self.states: dict[str, tuple[dict[str, int], int | None]] = {}

    def compute(self, key: str, svc: Obj, pods: list[Obj]) -> str:
        known = key in self.states
        last_pods, last_svc = self.states.get(key, ({}, None))
        earliest: int | None = None
        pod_times: dict[str, int] = {}
        for pod in pods:
            cond = get_condition(pod, "Ready")
            if cond is None or not cond.get("lastTransitionTime"):
                continue
            at = _parse_timestamp(cond["lastTransitionTime"])
            pod_times[pod["metadata"]["name"]] = at
            previous = last_pods.get(pod["metadata"]["name"])
            if previous is None or at > previous:
                earliest = at if earliest is None else min(earliest, at)
        created_text = svc["metadata"].get("creationTimestamp")
        created = _parse_timestamp(created_text) if created_text else None
        if created is not None and (last_svc is None or created > last_svc):
            earliest = created if earliest is None else min(earliest, created)
        self.states[key] = (pod_times, created)
        if not known:
            return rfc3339_nano(created) if created is not None else ""
        return rfc3339_nano(earliest) if earliest is not None else ""

    def delete(self, key: str) -> None:
        """DeleteService."""
        self.states.pop(key, None)
