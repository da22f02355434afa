"""The kubelet's pod admission (pkg/kubelet/lifecycle predicate.go).

Before a pod runs, the kubelet re-checks what the scheduler checked, with its
own view of the node: the OS the pod asks for, the resources of the pods
already admitted, the node name, host ports, required node affinity (on a
fresh copy of the node when the cached one fails), and NoExecute taints
(static pods excepted). The first failure is the pod's rejection reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kspec.memos import Bounded, per_scenario
from kspec.nodeaffinity import required_node_affinity_matches
from kspec.objects import Obj
from kspec.quantity import cpu_millis, to_int
from kspec.scheduler.nodeinfo import host_ports
from kspec.scheduler.plugins.nodeports import conflicts
from kspec.taints import tolerates

HOST_OS = "linux"  # runtime.GOOS of the kubelet
OS_LABEL = "kubernetes.io/os"
CONFIG_SOURCE = "kubernetes.io/config.source"  # types.ConfigSourceAnnotationKey; "file" marks a static pod
NODE_AFFINITY, NODE_NAME, NODE_PORTS, TAINT_TOLERATION = "NodeAffinity", "NodeName", "NodePorts", "TaintToleration"
REASONS = {
    NODE_AFFINITY: "node(s) didn't match Pod's node affinity/selector",  # nodeaffinity.ErrReasonPod
    NODE_NAME: "node(s) didn't match the requested node name",  # nodename.ErrReason
    NODE_PORTS: "node(s) didn't have free ports for the requested pod ports",  # nodeports.ErrReason
    TAINT_TOLERATION: "node(s) had taints that the pod didn't tolerate",  # tainttoleration.ErrReasonNotMatch
}
OS_SELECTOR_REASON = "PodOSSelectorNodeLabelDoesNotMatch"
OS_SELECTOR_MESSAGE = "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label"
OS_FIELD_REASON = "PodOSNotSupported"
OS_FIELD_MESSAGE = "Failed to admit pod as the OS field doesn't match node OS"
SUPPLEMENTAL_REASON = "SupplementalGroupsPolicyNotSupported"
SUPPLEMENTAL_MESSAGE = "SupplementalGroupsPolicy=Strict is not supported in this node"

#: ("resource", name, requested, used, capacity) for InsufficientResourceError,
#: ("predicate", plugin, reason) for PredicateFailureError
Reason = tuple[Any, ...]


def is_extended_resource(name: str) -> bool:
    """IsExtendedResourceName: a domain-prefixed name outside kubernetes.io, not a ``requests.`` quota name."""
    native = "/" not in name or "kubernetes.io/" in name  # IsNativeResource
    return not native and not name.startswith("requests.")


def remove_missing_extended_resources(pod: Obj, node: Obj) -> Obj:
    """removeMissingExtendedResources: drop requests for extended resources the node does not list at all.

    Limits stay; an allocatable of 0 still counts as listed. A pod that requests no extended resource is
    returned as it is (the stored object, whose requests _facts remembers), not as a copy of itself.
    """
    spec = pod.get("spec") or {}
    if not any(is_extended_resource(name) for field in ("containers", "initContainers")
               for c in spec.get(field) or () for name in ((c.get("resources") or {}).get("requests") or ())):
        return pod
    alloc = (node.get("status") or {}).get("allocatable") or {}
    spec = dict(spec)
    for field in ("containers", "initContainers"):
        if field not in spec:
            continue
        out = []
        for c in spec[field]:
            resources = dict(c.get("resources") or {})
            if "requests" in resources:
                resources["requests"] = {k: v for k, v in resources["requests"].items()
                                         if not is_extended_resource(k) or k in alloc}
            out.append({**c, "resources": resources} if c.get("resources") is not None else c)
        spec[field] = out
    return {**pod, "spec": spec}


def _read(resource: str) -> Callable[[Any], int]:
    return cpu_millis if resource == "cpu" else to_int


#: pod_requests of stored (read-only) pods by the identity of their spec, kept alive here so the id is not
#: reused: every admission sums the requests of every pod on the node, and a pod's status writes share its spec;
#: emptied when a scenario ends (kspec/memos.py), so a long pytest run does not keep every scenario's pod specs
_REQUESTS: Bounded[int, tuple[Obj, dict[str, int], list[tuple[str, str, int]]]] = per_scenario(Bounded(20_000))


def _facts(pod: Obj) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    """(requests, host ports) of a pod, remembered for stored pods."""
    spec = pod.get("spec") or {}
    if not (pod.get("metadata") or {}).get("resourceVersion"):
        return _pod_requests(spec), host_ports(spec)  # not a stored object: it may still change
    known = _REQUESTS.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1], known[2]
    requests, ports = _pod_requests(spec), host_ports(spec)
    _REQUESTS.remember(id(spec), (spec, requests, ports))
    return requests, ports


def pod_requests(pod: Obj) -> dict[str, int]:
    """PodRequests: per resource, max(sum over regular containers, largest init container); read-only."""
    return _facts(pod)[0]


def _pod_requests(spec: Obj) -> dict[str, int]:
    names = {k for c in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]
             for k in ((c.get("resources") or {}).get("requests") or {})}
    out: dict[str, int] = {}
    for name in names:
        read = _read(name)

        def req(c: Obj, name: str = name, read: Callable[[Any], int] = read) -> int:
            value = ((c.get("resources") or {}).get("requests") or {}).get(name)
            return read(value) if value is not None else 0
        regular = sum(req(c) for c in spec.get("containers") or [])
        init = max((req(c) for c in spec.get("initContainers") or []), default=0)
        out[name] = max(regular, init)
    return out


def insufficient_resources(pod: Obj, node: Obj, node_pods: list[Obj]) -> list[Reason]:
    """noderesources.Fits: pod count, then cpu, memory, ephemeral storage and scalar resources."""
    alloc = (node.get("status") or {}).get("allocatable") or {}
    out: list[Reason] = []
    allowed = to_int(alloc.get("pods", "0"))
    if len(node_pods) + 1 > allowed:
        out.append(("resource", "pods", 1, len(node_pods), allowed))
    want = {k: v for k, v in pod_requests(pod).items() if k != "pods"}
    if not any(want.values()):
        return out
    used: dict[str, int] = {}
    for p in node_pods:
        for k, v in pod_requests(p).items():
            used[k] = used.get(k, 0) + v
    natives = ["cpu", "memory", "ephemeral-storage"]
    for name in natives + sorted(k for k in want if k not in natives):
        req = want.get(name, 0)
        if req <= 0:
            continue
        cap = _read(name)(alloc.get(name, "0"))
        if req > cap - used.get(name, 0):
            out.append(("resource", name, req, used.get(name, 0), cap))
    return out


def _affinity_matches(pod: Obj, node: Obj) -> bool:
    spec = pod.get("spec") or {}
    md = node.get("metadata") or {}
    return required_node_affinity_matches(spec.get("nodeSelector") or {},
                                          (spec.get("affinity") or {}).get("nodeAffinity") or {},
                                          md.get("labels") or {}, md.get("name", ""))


def is_static_pod(pod: Obj) -> bool:
    return ((pod.get("metadata") or {}).get("annotations") or {}).get(CONFIG_SOURCE) == "file"


def general_filter(pod: Obj, node: Obj, node_pods: list[Obj], fresh_node: Callable[[], Obj] | None = None,
                   skip_ignorable: bool = False) -> list[Reason]:
    """generalFilter: AdmissionCheck's failures (resources, node affinity, node name, host ports), then NoExecute.

    When node affinity is the only failure the node is fetched again (``fresh_node``) and re-checked, as
    the cached copy may miss a label just added; ``skip_ignorable`` leaves node affinity out.
    """
    spec = pod.get("spec") or {}
    reasons: list[Reason] = insufficient_resources(pod, node, node_pods)
    if not skip_ignorable and not _affinity_matches(pod, node):
        reasons.append(("predicate", NODE_AFFINITY, REASONS[NODE_AFFINITY]))
    if spec.get("nodeName") and spec["nodeName"] != (node.get("metadata") or {}).get("name"):
        reasons.append(("predicate", NODE_NAME, REASONS[NODE_NAME]))
    wanted = host_ports(spec)
    if wanted:  # the node's ports in use matter only to a pod that asks for some
        used: dict[tuple[str, str, int], int] = {port: 1 for p in node_pods for port in _facts(p)[1]}
        if any(conflicts(used, ip, proto, port) for ip, proto, port in wanted):
            reasons.append(("predicate", NODE_PORTS, REASONS[NODE_PORTS]))
    if reasons == [("predicate", NODE_AFFINITY, REASONS[NODE_AFFINITY])] and fresh_node is not None:
        if _affinity_matches(pod, fresh_node()):
            reasons = []
    if not is_static_pod(pod):
        taints = [t for t in (node.get("spec") or {}).get("taints") or [] if t.get("effect") == "NoExecute"]
        tolerations = spec.get("tolerations") or []
        if any(not any(tolerates(tol, t) for tol in tolerations) for t in taints):
            reasons.append(("predicate", TAINT_TOLERATION, REASONS[TAINT_TOLERATION]))
    return reasons


def describe(reason: Reason) -> tuple[str, str]:
    """The pod's (reason, message) for a failure: ``OutOf<resource>`` or the predicate's name."""
    if reason[0] == "resource":
        _, name, requested, used, capacity = reason
        return f"OutOf{name}", (f"Node didn't have enough resource: {name}, requested: {requested}, used: {used}, "
                                f"capacity: {capacity}")
    _, plugin, text = reason
    return plugin, f"Predicate {plugin} failed: {text}"


def reject_os_selector(pod: Obj, node: Obj) -> bool:
    """rejectPodAdmissionBasedOnOSSelector: the pod's OS label against the node's (reset to the real OS)."""
    wanted = ((pod.get("metadata") or {}).get("labels") or {}).get(OS_LABEL)
    if wanted is None:
        return False
    node_os = ((node.get("metadata") or {}).get("labels") or {}).get(OS_LABEL)
    if node_os != HOST_OS:
        node_os = HOST_OS  # the kubelet sets its node's label to the OS it runs on
    return wanted != node_os


def reject_os_field(pod: Obj) -> bool:
    """rejectPodAdmissionBasedOnOSField: spec.os.name, when set, must be the kubelet's OS."""
    os = (pod.get("spec") or {}).get("os")
    return os is not None and os.get("name") != HOST_OS


def reject_supplemental_groups_policy(pod: Obj, node: Obj) -> bool:
    """rejectPodAdmissionBasedOnSupplementalGroupsPolicy: Strict needs a node that reports supporting it."""
    policy = ((pod.get("spec") or {}).get("securityContext") or {}).get("supplementalGroupsPolicy")
    if policy != "Strict":
        return False
    return not ((node.get("status") or {}).get("features") or {}).get("supplementalGroupsPolicy")


def admit(pod: Obj, node: Obj, node_pods: list[Obj], fresh_node: Callable[[], Obj] | None = None
          ) -> tuple[str, str] | None:
    """predicateAdmitHandler.Admit: checks preemption cannot help first, then generalFilter; the first reason."""
    if reject_os_selector(pod, node):
        return OS_SELECTOR_REASON, OS_SELECTOR_MESSAGE
    if reject_os_field(pod):
        return OS_FIELD_REASON, OS_FIELD_MESSAGE
    if reject_supplemental_groups_policy(pod, node):
        return SUPPLEMENTAL_REASON, SUPPLEMENTAL_MESSAGE
    reasons = general_filter(remove_missing_extended_resources(pod, node), node, node_pods, fresh_node)
    return describe(reasons[0]) if reasons else None
