"""``PodInfo`` and ``NodeInfo``: the scheduler's pre-digested view of pods and nodes.

Everything the plugins read on the per-node path is computed once here
(integer requests, parsed selectors, host ports), so that a Filter or Score
call is a few attribute reads and comparisons (framework/types.go NodeInfo).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from operator import attrgetter, itemgetter, methodcaller
from typing import Any

from kspec.labels import Selector
from kspec.objects import Obj, parse_timestamp
from kspec.scheduler.resources import (
    CPU,
    EPHEMERAL,
    MEMORY,
    PODS,
    node_allocatable,
    pod_requests_both,
    scalar_resources,
)

ZONE_LABEL = "topology.kubernetes.io/zone"
REGION_LABEL = "topology.kubernetes.io/region"
HOSTNAME_LABEL = "kubernetes.io/hostname"
HARD_EFFECTS = ("NoSchedule", "NoExecute")
NamespaceLabels = Callable[[str], dict[str, str]]


class AffinityTerm:
    """framework.AffinityTerm: a pod (anti-)affinity term with its namespaces resolved lazily."""

    __slots__ = ("selector", "namespaces", "ns_selector", "topology_key", "weight", "pair")

    def __init__(self, term: dict[str, Any], own_namespace: str, weight: int = 0) -> None:
        self.selector = Selector.from_label_selector(term.get("labelSelector"))
        # a selector that is one label pair (matchLabels with one entry, or In with one value): matching is
        # one dict lookup (the common anti-affinity between replicas; hundreds of pods per group are checked)
        reqs = self.selector.requirements
        self.pair: tuple[str, str] | None = None
        if len(reqs) == 1 and not self.selector.nothing and reqs[0].operator in ("=", "==", "in") \
                and len(reqs[0].values) == 1:
            self.pair = (reqs[0].key, reqs[0].values[0])
        names = term.get("namespaces") or []
        ns_sel = term.get("namespaceSelector")
        self.ns_selector = Selector.from_label_selector(ns_sel) if ns_sel is not None else None
        # no namespaces and no namespaceSelector: the pod's own namespace
        self.namespaces = frozenset(names) if names or ns_sel is not None else frozenset([own_namespace])
        self.topology_key: str = term.get("topologyKey", "")
        self.weight = weight

    def index_key(self) -> tuple[str, str] | None:
        """One label pair every matching pod must carry (an equality requirement), for indexing."""
        for req in self.selector.requirements:
            if req.operator in ("=", "==", "in") and len(req.values) == 1:
                return (req.key, req.values[0])
        return None

    def matches(self, pod: PodInfo, ns_labels: NamespaceLabels) -> bool:
        """AffinityTerm.Matches: the namespace is listed or selected, and the labels match."""
        if pod.namespace not in self.namespaces and (
                self.ns_selector is None or not self.ns_selector.matches(ns_labels(pod.namespace))):
            return False
        pair = self.pair
        if pair is not None:
            return pod.labels.get(pair[0]) == pair[1]
        return self.selector.matches(pod.labels)


def _terms(spec: dict[str, Any], kind: str, required: bool, ns: str) -> Sequence[AffinityTerm]:
    """The terms as a list, or the shared empty tuple: most pods have none, and an empty list per pod is
    one more object every full garbage collection visits."""
    section = ((spec.get("affinity") or {}).get(kind) or {})
    if required:
        return [AffinityTerm(t, ns) for t in section.get("requiredDuringSchedulingIgnoredDuringExecution") or []] \
            or ()
    return [AffinityTerm(w.get("podAffinityTerm") or {}, ns, int(w.get("weight", 0)))
            for w in section.get("preferredDuringSchedulingIgnoredDuringExecution") or []] or ()


#: a container's ports (None when absent)
_PORTS = methodcaller("get", "ports")


def host_ports(spec: dict[str, Any]) -> list[tuple[str, str, int]]:
    """util.GetHostPorts as (hostIP, protocol, hostPort): sidecar (restartPolicy Always) init containers run all
    along; other init containers do not."""
    ports: list[tuple[str, str, int]] = []
    init = spec.get("initContainers")
    containers = spec.get("containers") or []
    if not init and not any(map(_PORTS, containers)):
        return ports  # most pods: no ports declared at all
    sidecars = [c for c in init or [] if c.get("restartPolicy") == "Always"]
    for c in [*sidecars, *containers]:
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                ports.append((p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", int(p["hostPort"])))
    return ports


#: the keys of a volume that is none of a PVC, an ephemeral volume, a disk VolumeRestrictions checks or an in-tree
#: source NodeVolumeLimits counts: VolumeRestrictions, VolumeBinding, VolumeZone and NodeVolumeLimits all skip
#: a pod whose volumes have no other key (PodInfo.plain_volumes)
PLAIN_VOLUME_KEYS = frozenset(("name", "configMap", "secret", "projected", "emptyDir", "downwardAPI", "hostPath"))


class PodInfo:
    """framework.PodInfo plus the pod's requests and scheduling constraints, parsed once."""

    __slots__ = ("pod", "key", "namespace", "name", "uid", "labels", "priority", "node_name", "scheduler_name",
                 "cpu", "mem", "eph", "scalars", "nz_cpu", "nz_mem", "host_ports", "tolerations",
                 "node_selector", "node_affinity", "required_affinity", "required_anti_affinity",
                 "preferred_affinity", "preferred_anti_affinity", "spread_constraints", "images",
                 "start_ms", "terminating", "preempt_never", "nominated_node", "has_affinity",
                 "has_scoring_affinity", "plain_volumes")

    def __init__(self, pod: Obj) -> None:
        md = pod["metadata"]
        spec = pod.get("spec") or {}
        status = pod.get("status") or {}
        self.pod = pod
        self.namespace: str = md.get("namespace", "default")
        self.name: str = md["name"]
        self.key = f"{self.namespace}/{self.name}"
        self.uid: str = md.get("uid", self.key)
        self.labels: dict[str, str] = md.get("labels") or {}
        self.priority: int = int(spec.get("priority") or 0)  # corev1helpers.PodPriority: nil is 0
        self.preempt_never = spec.get("preemptionPolicy") == "Never"
        self.node_name: str = spec.get("nodeName") or ""
        self.scheduler_name: str = spec.get("schedulerName") or "default-scheduler"
        self.nominated_node: str = status.get("nominatedNodeName") or ""
        req, nz = pod_requests_both(spec)
        self.cpu = req.get(CPU, 0)
        self.mem = req.get(MEMORY, 0)
        self.eph = req.get(EPHEMERAL, 0)
        self.scalars = scalar_resources(req)
        # the defaults apply per container (NonMissingContainerRequests): a pod without any asks for nothing
        self.nz_cpu = nz.get(CPU, 0)
        self.nz_mem = nz.get(MEMORY, 0)
        # empty lists are the shared empty tuple (see _terms)
        self.host_ports: Sequence[tuple[str, str, int]] = host_ports(spec) or ()
        self.tolerations: Sequence[dict[str, Any]] = spec.get("tolerations") or ()
        self.node_selector: dict[str, str] = spec.get("nodeSelector") or {}
        self.node_affinity: dict[str, Any] = (spec.get("affinity") or {}).get("nodeAffinity") or {}
        if spec.get("affinity"):
            self.required_affinity = _terms(spec, "podAffinity", True, self.namespace)
            self.required_anti_affinity = _terms(spec, "podAntiAffinity", True, self.namespace)
            self.preferred_affinity = _terms(spec, "podAffinity", False, self.namespace)
            self.preferred_anti_affinity = _terms(spec, "podAntiAffinity", False, self.namespace)
            self.has_affinity = bool(self.required_affinity or self.required_anti_affinity
                                     or self.preferred_affinity or self.preferred_anti_affinity)
            # what InterPodAffinity's Score reads of an existing pod (required anti-affinity plays no part)
            self.has_scoring_affinity = bool(self.required_affinity or self.preferred_affinity
                                             or self.preferred_anti_affinity)
        else:  # most pods: what _terms gives for no affinity section, without reading it four times
            self.required_affinity = self.required_anti_affinity = self.preferred_affinity = \
                self.preferred_anti_affinity = ()
            self.has_affinity = self.has_scoring_affinity = False
        self.spread_constraints: Sequence[dict[str, Any]] = spec.get("topologySpreadConstraints") or ()
        # ImageLocality sumImageScores: init containers' images count too (a tuple of strings: untracked)
        self.images = tuple(c.get("image", "") for c in [*(spec.get("initContainers") or []),
                                                         *(spec.get("containers") or [])])
        # no volume (or only sources no volume plugin's PreFilter acts on): each of them skips (in C)
        self.plain_volumes = all(map(PLAIN_VOLUME_KEYS.issuperset, spec.get("volumes") or ()))
        start = status.get("startTime") or md.get("creationTimestamp")
        self.start_ms = _start_ms_memo(start) if start else 0
        self.terminating = bool(md.get("deletionTimestamp"))

    def __repr__(self) -> str:
        return f"PodInfo({self.key})"


#: a node's status.allocatable (its items) -> (cpu, memory, ephemeral-storage, pods, the scalar resources): the
#: nodes of a cluster mostly offer the same; bounded, emptied when full. The scalars dict is shared: read only
_ALLOCATABLE: dict[tuple[tuple[str, Any], ...], tuple[int, int, int, int, dict[str, int]]] = {}
MAX_ALLOCATABLE = 1024


def _allocatable(alloc: dict[str, Any]) -> tuple[int, int, int, int, dict[str, int]]:
    try:
        key = tuple(alloc.items())
        found = _ALLOCATABLE.get(key)
    except TypeError:  # a quantity that cannot be hashed: nothing remembered
        key, found = None, None
    if found is None:
        parsed = node_allocatable({"status": {"allocatable": alloc}})
        found = (parsed.get(CPU, 0), parsed.get(MEMORY, 0), parsed.get(EPHEMERAL, 0), parsed.get(PODS, 0),
                 scalar_resources(parsed))
        if key is not None:
            if len(_ALLOCATABLE) >= MAX_ALLOCATABLE:
                _ALLOCATABLE.clear()
            _ALLOCATABLE[key] = found
    return found


_MEMO_KEYS: dict[Any, int] = {}
#: how many keys are interned, and how many results one node memoizes before starting over
MAX_MEMO_KEYS = 100_000
MAX_MEMO_ENTRIES = 256


def memo_key(key: tuple[Any, ...]) -> Any:
    """A small integer standing for ``key`` in ``NodeInfo.memo``/``label_memo`` (cheap to hash); past
    MAX_MEMO_KEYS interned keys, the tuple itself."""
    k = _MEMO_KEYS.get(key)
    if k is None:
        if len(_MEMO_KEYS) >= MAX_MEMO_KEYS:
            return key
        k = _MEMO_KEYS[key] = len(_MEMO_KEYS)
    return k


_MEMO_OF = attrgetter("memo")


def memoized(nodes: list[NodeInfo], key: Any, fill: Callable[[NodeInfo], Any]) -> list[Any]:
    """``[ni.memo[key] for ni in nodes]``, calling ``fill(ni)`` (which must remember its result) first for
    the nodes that have none; the lookups run in C."""
    get = itemgetter(key)
    try:
        return list(map(get, map(_MEMO_OF, nodes)))
    except KeyError:
        for ni in nodes:
            if key not in ni.memo:
                fill(ni)
        return list(map(get, map(_MEMO_OF, nodes)))


def remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    """memo[key] = value, emptying a memo that has grown past MAX_MEMO_ENTRIES first."""
    if len(memo) >= MAX_MEMO_ENTRIES:
        memo.clear()
    memo[key] = value
    return value


class NodeInfo:
    """framework.NodeInfo: a node with the pods on it and their aggregated requests."""

    __slots__ = ("name", "node", "labels", "taints", "hard_taints", "prefer_taints", "unschedulable",
                 "alloc_cpu", "alloc_mem", "alloc_eph", "alloc_pods", "alloc_scalars", "req_cpu", "req_mem",
                 "req_eph", "req_scalars", "nz_cpu", "nz_mem", "pods", "pods_with_affinity",
                 "pods_with_required_anti_affinity", "used_ports", "images", "zone", "free_pods",
                 "free_cpu", "free_mem", "memo", "label_memo", "owner", "pos")

    def __init__(self, node: Obj | None = None) -> None:
        self.req_cpu = self.req_mem = self.req_eph = 0
        self.req_scalars: dict[str, int] = {}
        self.nz_cpu = self.nz_mem = 0
        self.pods: dict[str, PodInfo] = {}
        self.pods_with_affinity: list[PodInfo] = []
        self.pods_with_required_anti_affinity: list[PodInfo] = []
        self.used_ports: dict[tuple[str, str, int], int] = {}
        # the Cache holding this node (told of every change, for its score tables) and its place in the
        # cache's node list; a clone belongs to no cache
        self.owner: Any = None
        self.pos = -1
        if node is not None:
            self.set_node(node)  # sets every other slot
            return
        self.name = ""
        self.node: Obj = {}
        self.labels: dict[str, str] = {}
        self.taints: list[dict[str, Any]] = []
        self.hard_taints: list[dict[str, Any]] = []
        self.prefer_taints: list[dict[str, Any]] = []
        self.unschedulable = False
        self.alloc_cpu = self.alloc_mem = self.alloc_eph = self.alloc_pods = 0
        self.alloc_scalars: dict[str, int] = {}
        self.images: dict[str, int] = {}
        self.zone = ("", "")
        # plugins' per-node results that depend on requests and allocatable (a new dict on every change)
        # and on the node object alone: labels, name, taints (a new dict when the node changes)
        self.memo: dict[Any, Any] = {}
        self.label_memo: dict[Any, Any] = {}
        # what is left (allocatable minus requests), kept with the aggregates
        self.free_pods = self.free_cpu = self.free_mem = 0

    def set_node(self, node: Obj) -> None:
        self.node = node
        md = node["metadata"]
        self.name = md["name"]
        self.labels = labels = md.get("labels") or {}
        spec = node.get("spec", {})
        self.taints = taints = spec.get("taints") or []
        if taints:
            self.hard_taints = [t for t in taints if t.get("effect") in HARD_EFFECTS]
            self.prefer_taints = [t for t in taints if t.get("effect") == "PreferNoSchedule"]
        else:
            self.hard_taints = []
            self.prefer_taints = []
        self.unschedulable = bool(spec.get("unschedulable"))
        status = node.get("status") or {}
        self.alloc_cpu, self.alloc_mem, self.alloc_eph, self.alloc_pods, self.alloc_scalars = \
            _allocatable(status.get("allocatable") or {})
        self.images = node_images(status)
        self.zone = (labels.get(REGION_LABEL, ""), labels.get(ZONE_LABEL, ""))
        self.label_memo = {}
        self._refresh(node_object=True)

    # -- pods -------------------------------------------------------------------------
    def add_pod(self, pi: PodInfo, refresh: bool = True) -> None:
        """``refresh=False`` (a pod put back as it was, see Cache.reinsert_pod) keeps the memoized results."""
        old = self.pods.get(pi.uid)
        if old is not None:
            self.remove_pod(old)
        self.pods[pi.uid] = pi
        self._account(pi, 1)
        if pi.has_affinity:
            self.pods_with_affinity.append(pi)
        if pi.required_anti_affinity:
            self.pods_with_required_anti_affinity.append(pi)
        if refresh:
            self._refresh()

    def remove_pod(self, pi: PodInfo, refresh: bool = True) -> bool:
        old = self.pods.pop(pi.uid, None)
        if old is None:
            return False
        self._account(old, -1)
        if old.has_affinity:
            self.pods_with_affinity = [p for p in self.pods_with_affinity if p.uid != old.uid]
        if old.required_anti_affinity:
            self.pods_with_required_anti_affinity = [p for p in self.pods_with_required_anti_affinity
                                                     if p.uid != old.uid]
        if refresh:
            self._refresh()
        return True

    def _refresh(self, node_object: bool = False) -> None:
        """After any change: what is left, and memoized per-node results dropped."""
        self.free_pods = self.alloc_pods - len(self.pods)
        self.free_cpu = self.alloc_cpu - self.req_cpu
        self.free_mem = self.alloc_mem - self.req_mem
        self.memo = {}
        if self.owner is not None:
            self.owner.node_changed(self, node_object)

    def _account(self, pi: PodInfo, sign: int) -> None:
        self.req_cpu += sign * pi.cpu
        self.req_mem += sign * pi.mem
        self.req_eph += sign * pi.eph
        self.nz_cpu += sign * pi.nz_cpu
        self.nz_mem += sign * pi.nz_mem
        for name, v in pi.scalars.items():
            self.req_scalars[name] = self.req_scalars.get(name, 0) + sign * v
        for port in pi.host_ports:
            left = self.used_ports.get(port, 0) + sign
            if left > 0:
                self.used_ports[port] = left
            else:
                self.used_ports.pop(port, None)

    def clone(self) -> NodeInfo:
        """NodeInfo.Snapshot: a copy whose pod set can change without touching the cache."""
        new = NodeInfo.__new__(NodeInfo)
        for slot in NodeInfo.__slots__:
            setattr(new, slot, getattr(self, slot))
        new.req_scalars = dict(self.req_scalars)
        new.pods = dict(self.pods)
        new.pods_with_affinity = list(self.pods_with_affinity)
        new.pods_with_required_anti_affinity = list(self.pods_with_required_anti_affinity)
        new.used_ports = dict(self.used_ports)
        new.memo = {}
        new.owner = None
        new.pos = -1
        return new

    def __repr__(self) -> str:
        return f"NodeInfo({self.name}, pods={len(self.pods)})"


def node_images(status: Obj) -> dict[str, int]:
    """Each name of the images a node reports, with its size (ImageLocality's ImageStateSummary)."""
    images: dict[str, int] = {}
    for image in status.get("images") or ():
        for name in image.get("names") or []:
            images[name] = int(image.get("sizeBytes", 0))
    return images


#: start times by their text (pods created at one instant share it); bounded, emptied when full
_STARTS: dict[str, int | Fraction] = {}
MAX_STARTS = 4096


def _start_ms_memo(text: str) -> int | Fraction:
    """_start_ms, remembered."""
    value = _STARTS.get(text)
    if value is None:
        if len(_STARTS) >= MAX_STARTS:
            _STARTS.clear()
        value = _STARTS[text] = _start_ms(text)
    return value


def _start_ms(text: str) -> int | Fraction:
    """A start time in milliseconds, to the nanosecond (util.GetPodStartTime compares metav1.Time, which holds
    nanoseconds): preemption orders victims and nodes by it."""
    head, dot, rest = text.partition(".")
    if not dot:
        return parse_timestamp(text)
    digits = rest[:len(rest) - len(rest.lstrip("0123456789"))]
    ns = int(digits[:9].ljust(9, "0"))
    whole = parse_timestamp(head + rest[len(digits):])
    # exact: an int to the millisecond (kspec's own times), a Fraction below it
    return whole + ns // 1_000_000 if ns % 1_000_000 == 0 else whole + Fraction(ns, 1_000_000)
