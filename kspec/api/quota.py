"""Resource quota: the usage evaluators, the ResourceQuota admission plugin and the usage the quota controller
writes to ``status.used``.

Upstream: pkg/quota/v1/evaluator/core (pods.go, services.go, persistent_volume_claims.go), the generic object
count evaluator (apiserver pkg/quota/v1/generic), and the admission plugin's CheckRequest
(apiserver pkg/admission/plugin/resourcequota/controller.go). Quantities keep the format of the first non-zero
value added, as ``Quantity.Add`` does, so ``512Mi + 512Mi`` prints ``1Gi``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kspec.api.qos import compute_qos
from kspec.errors import forbidden
from kspec.quantity import _canonical_binary, _canonical_decimal, parse_with_format

if TYPE_CHECKING:
    from kspec.api.kinds import Kind
    from kspec.api.server import APIServer

Obj = dict[str, Any]
Usage = dict[str, "Q"]


@dataclass(frozen=True)
class Q:
    """A quantity with its format, as resource.Quantity carries one."""

    value: Fraction
    fmt: str = "DecimalSI"

    @staticmethod
    def of(text: Any) -> Q:
        value, fmt = parse_with_format(text)
        return Q(value, fmt)

    def __add__(self, other: Q) -> Q:
        # Quantity.Add: a zero receiver takes the addend's format
        return Q(self.value + other.value, other.fmt if self.value == 0 else self.fmt)

    def __str__(self) -> str:
        if self.fmt == "BinarySI" and self.value.denominator == 1 and abs(self.value) >= 1024:
            return _canonical_binary(self.value)
        return _canonical_decimal(self.value, exponent_form=self.fmt == "DecimalExponent")


ONE = Q(Fraction(1))
ZERO = Q(Fraction(0))


def add(a: Usage, b: Usage) -> Usage:
    """quota.Add."""
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] + v if k in out else v
    return out


def pretty(usage: Usage) -> str:
    """prettyPrint: ``name=value`` sorted by name, comma-separated."""
    return ",".join(f"{k}={usage[k]}" for k in sorted(usage))


# -- pods -------------------------------------------------------------------------------------------------------

#: podResources
POD_RESOURCES = ("count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
                 "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods")
POD_PREFIXES = ("hugepages-", "requests.hugepages-")
#: validationSet: a quota on these makes every container state them (upstream calls it a mistake)
VALIDATION_SET = ("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory")
_NATIVE_PREFIXES = ("kubernetes.io/", "requests.kubernetes.io/")


def _is_extended_for_quota(name: str) -> bool:
    """isExtendedResourceNameForQuota: a requests.<domain>/<name> that is not native."""
    return name.startswith("requests.") and "/" in name and not name.startswith(_NATIVE_PREFIXES)


def _is_extended(name: str) -> bool:
    """helper.IsExtendedResourceName: a qualified name outside kubernetes.io, not requests.-prefixed."""
    return "/" in name and not name.startswith(("kubernetes.io/", "requests."))


def container_usage(requests: dict[str, Any], limits: dict[str, Any]) -> Usage:
    """podComputeUsageHelper."""
    out: Usage = {"pods": ONE}
    for res in ("cpu", "memory", "ephemeral-storage"):
        if res in requests:
            out[res] = out[f"requests.{res}"] = Q.of(requests[res])
        if res in limits:
            out[f"limits.{res}"] = Q.of(limits[res])
    for res, value in requests.items():
        if res.startswith("hugepages-"):
            out[res] = out[f"requests.{res}"] = Q.of(value)
        if _is_extended(res):
            out[f"requests.{res}"] = Q.of(value)
    return out


def _max_into(total: dict[str, Q], rl: dict[str, Any]) -> None:
    for k, v in rl.items():
        q = Q.of(v)
        if k not in total or q.value > total[k].value:
            total[k] = q


def pod_resources(pod: Obj, field: str) -> dict[str, Q]:
    """resourcehelper.PodRequests / PodLimits: the containers' sum (a resized container's requests at least what
    its status reports), at least each init container's own, plus the pod overhead; pod-level resources
    (spec.resources) replace the containers' cpu and memory."""
    spec = pod.get("spec") or {}
    statuses = {s.get("name", ""): s for s in (pod.get("status") or {}).get("containerStatuses") or []}
    total: dict[str, Q] = {}
    for c in spec.get("containers") or []:
        own: dict[str, Q] = {}
        _max_into(own, (c.get("resources") or {}).get(field) or {})
        status = statuses.get(c.get("name", "")) if field == "requests" else None
        if status:
            _max_into(own, ((status.get("resources") or {}).get("requests") or {}))
        for k, q in own.items():
            total[k] = total[k] + q if k in total else q
    for c in spec.get("initContainers") or []:
        _max_into(total, (c.get("resources") or {}).get(field) or {})
    for k, v in ((spec.get("resources") or {}).get(field) or {}).items():
        if k in ("cpu", "memory"):
            total[k] = Q.of(v)
    for k, v in (spec.get("overhead") or {}).items():
        if field == "requests" or k in total:
            total[k] = total[k] + Q.of(v) if k in total else Q.of(v)
    return total


def pod_is_charged(pod: Obj, now_ms: int | None) -> bool:
    """QuotaV1Pod: not finished, and not stuck past its deletion grace period."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    md = pod.get("metadata") or {}
    if now_ms is not None and md.get("deletionTimestamp") and md.get("deletionGracePeriodSeconds") is not None:
        from kspec.objects import parse_timestamp
        if now_ms > parse_timestamp(md["deletionTimestamp"]) + int(md["deletionGracePeriodSeconds"]) * 1000:
            return False
    return True


def pod_usage(pod: Obj, now_ms: int | None = None) -> Usage:
    """PodUsageFunc: the object count always; compute resources while the pod is charged."""
    out: Usage = {"count/pods": ONE}
    if not pod_is_charged(pod, now_ms):
        return out
    return add(out, container_usage({k: str(v) for k, v in pod_resources(pod, "requests").items()},
                                    {k: str(v) for k, v in pod_resources(pod, "limits").items()}))


def pod_matches_scope(scope: Obj, pod: Obj) -> bool:
    """podMatchesScopeFunc."""
    name = scope.get("scopeName")
    spec = pod.get("spec") or {}
    if name in ("Terminating", "NotTerminating"):
        ads = spec.get("activeDeadlineSeconds")
        terminating = ads is not None and ads >= 0
        return terminating if name == "Terminating" else not terminating
    if name in ("BestEffort", "NotBestEffort"):
        best_effort = compute_qos(pod) == "BestEffort"
        return best_effort if name == "BestEffort" else not best_effort
    if name == "PriorityClass":
        pc = spec.get("priorityClassName") or ""
        if scope.get("operator") == "Exists":
            return bool(pc)
        return _selector_matches(scope, {"PriorityClass": pc} if pc else {})
    if name == "CrossNamespacePodAffinity":
        return _cross_namespace_affinity(spec)
    return False


def _selector_matches(scope: Obj, labels: dict[str, str]) -> bool:
    """ScopedResourceSelectorRequirementsAsSelector, matched against {scopeName: value}."""
    op = scope.get("operator")
    key = scope.get("scopeName", "")
    values = scope.get("values") or []
    if op == "In":
        return labels.get(key) in values
    if op == "NotIn":
        return labels.get(key) not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    return False


def _cross_namespace_affinity(spec: Obj) -> bool:
    """usesCrossNamespacePodAffinity."""
    affinity = spec.get("affinity") or {}
    for kind in ("podAffinity", "podAntiAffinity"):
        terms = affinity.get(kind) or {}
        for t in terms.get("requiredDuringSchedulingIgnoredDuringExecution") or []:
            if t.get("namespaces") or t.get("namespaceSelector") is not None:
                return True
        for w in terms.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            t = w.get("podAffinityTerm") or {}
            if t.get("namespaces") or t.get("namespaceSelector") is not None:
                return True
    return False


def pod_constraints(required: Iterable[str], pod: Obj) -> str:
    """podEvaluator.Constraints: with cpu or memory under quota every container must state them."""
    required_set = set(required) & set(VALIDATION_SET)
    missing: dict[str, list[str]] = {}
    spec = pod.get("spec") or {}
    if spec.get("resources"):
        return ""  # pod-level resources stand for the containers' (PodLevelResources)
    for c in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        res = c.get("resources") or {}
        have = set(container_usage(res.get("requests") or {}, res.get("limits") or {}))
        for name in sorted(required_set - have):
            names = missing.setdefault(name, [])
            if c.get("name", "") not in names:
                names.append(c.get("name", ""))
    if not missing:
        return ""
    parts = [f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing)]
    return "must specify " + "; ".join(parts)


# -- evaluators -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Evaluator:
    """quota.Evaluator for one group/resource."""

    resource: str  # the registry resource (plural)
    group: str
    matching: Callable[[Iterable[str]], list[str]]
    usage: Callable[[Obj, int | None], Usage]
    scope: Callable[[Obj, Obj], bool]
    constraints: Callable[[Iterable[str], Obj], str] = lambda required, obj: ""

    def matches(self, quota: Obj, obj: Obj) -> bool:
        """generic.Matches: the quota limits one of its resources and every scope selects the object."""
        if not self.matching(((quota.get("status") or {}).get("hard") or {}).keys()):
            return False
        return all(self.scope(s, obj) for s in scope_selectors(quota))


def object_count_name(resource: str, group: str) -> str:
    """ObjectCountQuotaResourceNameFor: count/<resource>[.<group>]."""
    return f"count/{resource}.{group}" if group else f"count/{resource}"


#: legacyObjectCountAliases
LEGACY_COUNTS = {"configmaps": "configmaps", "resourcequotas": "resourcequotas",
                 "replicationcontrollers": "replicationcontrollers", "secrets": "secrets"}


def _no_scope(scope: Obj, obj: Obj) -> bool:
    """MatchesNoScopeFunc: a scoped quota never selects objects other than pods."""
    return False


def count_evaluator(resource: str, group: str) -> Evaluator:
    """generic.NewObjectCountEvaluator."""
    names = [object_count_name(resource, group)]
    if not group and resource in LEGACY_COUNTS:
        names.append(LEGACY_COUNTS[resource])
    return Evaluator(resource, group, lambda hard: [n for n in hard if n in names],
                     lambda obj, now: {n: ONE for n in names}, _no_scope)


def _pod_matching(hard: Iterable[str]) -> list[str]:
    return [n for n in hard if n in POD_RESOURCES or n.startswith(POD_PREFIXES) or _is_extended_for_quota(n)]


SERVICE_RESOURCES = ("count/services", "services", "services.nodeports", "services.loadbalancers")


def service_usage(svc: Obj, now: int | None = None) -> Usage:
    """serviceEvaluator.Usage: the count; node ports of NodePort and LoadBalancer Services (only the explicit
    ones when allocateLoadBalancerNodePorts is false); load balancers."""
    spec = svc.get("spec") or {}
    out: Usage = {"count/services": ONE, "services": ONE, "services.loadbalancers": ZERO,
                  "services.nodeports": ZERO}
    stype = spec.get("type", "ClusterIP")
    ports = spec.get("ports") or []
    if stype == "NodePort":
        out["services.nodeports"] = Q(Fraction(len(ports)))
    elif stype == "LoadBalancer":
        out["services.loadbalancers"] = ONE
        if spec.get("allocateLoadBalancerNodePorts") is False:
            out["services.nodeports"] = Q(Fraction(sum(1 for p in ports if p.get("nodePort"))))
        else:
            out["services.nodeports"] = Q(Fraction(len(ports)))
    return out


_PVC_SUFFIXES = (".storageclass.storage.k8s.io/requests.storage", ".storageclass.storage.k8s.io/persistentvolumeclaims")


def pvc_usage(claim: Obj, now: int | None = None) -> Usage:
    """pvcEvaluator.Usage: the count and the requested storage (rounded up to a whole number, at least what
    status.allocatedResources holds), also per storage class."""
    out: Usage = {"count/persistentvolumeclaims": ONE, "persistentvolumeclaims": ONE}
    spec = claim.get("spec") or {}
    sc = spec.get("storageClassName") or ""
    if sc:
        out[f"{sc}.storageclass.storage.k8s.io/persistentvolumeclaims"] = ONE
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    allocated = ((claim.get("status") or {}).get("allocatedResources") or {}).get("storage")
    if storage is not None:
        q = Q.of(storage)
        if allocated is not None and Q.of(allocated).value > q.value:
            q = Q.of(allocated)
        if q.value.denominator != 1:
            q = Q(Fraction(math.ceil(q.value)), q.fmt)  # roundUpBytes
        out["requests.storage"] = q
        if sc:
            out[f"{sc}.storageclass.storage.k8s.io/requests.storage"] = q
    return out


def pvc_matches_scope(scope: Obj, claim: Obj) -> bool:
    """pvcMatchesScopeFunc: VolumeAttributesClass against the spec's, the current and the target class."""
    if scope.get("scopeName") != "VolumeAttributesClass":
        return False
    status = claim.get("status") or {}
    names = [n for n in ((claim.get("spec") or {}).get("volumeAttributesClassName"),
                         status.get("currentVolumeAttributesClassName"),
                         (status.get("modifyVolumeStatus") or {}).get("targetVolumeAttributesClassName")) if n]
    if not names:
        return _selector_matches(scope, {})
    return any(_selector_matches(scope, {"VolumeAttributesClass": n}) for n in names)


def _pvc_matching(hard: Iterable[str]) -> list[str]:
    return [n for n in hard if n in ("count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage")
            or n.endswith(_PVC_SUFFIXES)]


EVALUATORS: dict[tuple[str, str], Evaluator] = {
    ("", "pods"): Evaluator("pods", "", _pod_matching, pod_usage, pod_matches_scope, pod_constraints),
    ("", "services"): Evaluator("services", "", lambda hard: [n for n in hard if n in SERVICE_RESOURCES],
                                service_usage, _no_scope),
    ("", "persistentvolumeclaims"): Evaluator("persistentvolumeclaims", "", _pvc_matching, pvc_usage,
                                              pvc_matches_scope),
}


def evaluator_for(resource: str, group: str) -> Evaluator:
    """The registry's evaluator, or an object count evaluator made on first use (quotaEvaluator.Evaluate)."""
    found = EVALUATORS.get((group, resource))
    if found is None:
        found = EVALUATORS[(group, resource)] = count_evaluator(resource, group)
    return found


def scope_selectors(quota: Obj) -> list[Obj]:
    """getScopeSelectorsFromQuota: each scope as an Exists requirement, then the scopeSelector's."""
    spec = quota.get("spec") or {}
    out = [{"scopeName": s, "operator": "Exists"} for s in spec.get("scopes") or []]
    out += list((spec.get("scopeSelector") or {}).get("matchExpressions") or [])
    return out


# -- the quota controller's usage -------------------------------------------------------------------------------

def calculate_usage(api: APIServer, quota: Obj, kinds: Iterable[Kind]) -> dict[str, str]:
    """quota.CalculateUsage: for every hard resource an evaluator knows, the namespace's objects' usage that the
    quota's scopes select (zero when none)."""
    ns = quota["metadata"]["namespace"]
    hard = list(((quota.get("spec") or {}).get("hard") or {}).keys())
    scopes = scope_selectors(quota)
    used: Usage = {}
    now = api.clock.now
    for kind in kinds:
        if not kind.namespaced:
            continue
        ev = evaluator_for(kind.resource, kind.group)
        names = ev.matching(hard)
        if not names:
            continue
        for n in names:
            used.setdefault(n, ZERO)
        for obj in api.store.list(kind.resource, ns):
            if not all(ev.scope(s, obj) for s in scopes):
                continue
            usage = ev.usage(obj, now)
            for n in names:
                if n in usage:
                    used[n] = used[n] + usage[n]
    return {k: str(used[k]) for k in sorted(used)}


# -- admission --------------------------------------------------------------------------------------------------

def has_usage_stats(quota: Obj, relevant: Iterable[str]) -> bool:
    """hasUsageStats: every hard limit among ``relevant`` has a usage recorded (the controller has counted)."""
    status = quota.get("status") or {}
    used = status.get("used") or {}
    wanted = set(relevant)
    return all(name in used for name in (status.get("hard") or {}) if name in wanted)


#: the evaluators whose Handles admits an update: a Service changing type or ports, a claim growing
UPDATE_HANDLED = frozenset({("", "services"), ("", "persistentvolumeclaims")})


def check_request(api: APIServer, obj: Obj, kind: Kind, *, old: Obj | None = None, dry_run: bool = False) -> None:
    """The ResourceQuota admission plugin (CheckRequest) for a create, or with ``old`` an update: refuse what a
    quota's constraints or hard limits refuse, else charge every matching quota's status.used, as the plugin
    writes it before the object. An update is charged only what it adds (SubtractWithNonNegativeResult)."""
    if old is not None and (kind.group, kind.resource) not in UPDATE_HANDLED:
        return
    ns = obj["metadata"].get("namespace", "")
    quotas = sorted(api.store.list("resourcequotas", ns), key=lambda q: q["metadata"]["name"])
    if not quotas:
        return
    ev = evaluator_for(kind.resource, kind.group)
    name = obj["metadata"].get("name", "")
    interesting: list[Obj] = []
    for quota in quotas:
        if not ev.matches(quota, obj):
            continue
        status = quota.get("status") or {}
        restricted = ev.matching((status.get("hard") or {}).keys())
        err = ev.constraints(restricted, obj)
        if err:
            raise forbidden(f'{kind.group_resource} "{name}" is forbidden: failed quota: '
                            f'{quota["metadata"]["name"]}: {err}')
        if not has_usage_stats(quota, restricted):
            raise forbidden(f'{kind.group_resource} "{name}" is forbidden: status unknown for quota: '
                            f'{quota["metadata"]["name"]}, resources: {",".join(sorted(restricted))}')
        interesting.append(quota)
    if not interesting:
        return
    usage = ev.usage(obj, api.clock.now)
    updates: list[tuple[Obj, dict[str, str]]] = []
    for quota in interesting:
        delta = usage
        if old is not None and ev.matches(quota, old):
            before = ev.usage(old, api.clock.now)
            delta = {k: Q(max(v.value - before[k].value, Fraction(0)), v.fmt) if k in before else v
                     for k, v in usage.items()}
        delta = {k: v for k, v in delta.items() if v.value != 0}  # quota.RemoveZeros
        status = quota.get("status") or {}
        hard = {k: Q.of(v) for k, v in (status.get("hard") or {}).items()}
        used = {k: Q.of(v) for k, v in (status.get("used") or {}).items()}
        requested = {k: v for k, v in delta.items() if k in hard}  # quota.Mask
        if not requested:
            continue
        new_used = add(used, requested)
        exceeded = sorted(k for k in requested if new_used[k].value > hard[k].value)
        if exceeded:
            raise forbidden(
                f'{kind.group_resource} "{name}" is forbidden: exceeded quota: {quota["metadata"]["name"]}, '
                f"requested: {pretty({k: requested[k] for k in exceeded})}, "
                f"used: {pretty({k: used[k] for k in exceeded if k in used})}, "
                f"limited: {pretty({k: hard[k] for k in exceeded})}")
        updates.append((quota, {**(status.get("used") or {}), **{k: str(new_used[k]) for k in requested}}))
    if dry_run:
        return
    for quota, used_text in updates:
        status = {**(quota.get("status") or {}), "used": used_text}
        api.write_status("resourcequotas", quota["metadata"]["name"], ns, status)

