"""The LimitRanger admission plugin (plugin/pkg/admission/limitranger).

Its mutating half fills a new pod's missing container requests and limits from the namespace's LimitRange
``Container`` items (``defaultRequest`` and ``default``) and records what it set in the
``kubernetes.io/limit-ranger`` annotation; its validating half enforces ``min``, ``max`` and
``maxLimitRequestRatio`` per Container, per Pod and per PersistentVolumeClaim with upstream's messages.
A namespace without LimitRange objects costs one store lookup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kspec.api.quota import Q
from kspec.errors import forbidden
from kspec.quantity import canonical, parse_quantity

if TYPE_CHECKING:
    from kspec.api.server import APIServer

Obj = dict[str, Any]
ResourceList = dict[str, Any]

#: limitRangerAnnotation
ANNOTATION = "kubernetes.io/limit-ranger"
#: resource.MaxMilliValue: past it requestLimitEnforcedValues compares whole values
MAX_MILLI_VALUE = (2**63 - 1) // 1000


def limit_ranges(api: APIServer, namespace: str) -> list[Obj]:
    """The namespace's LimitRanges, by name (the plugin's lister)."""
    return sorted(api.store.list("limitranges", namespace), key=lambda o: o["metadata"]["name"])


def _containers(pod: Obj) -> Iterable[tuple[str, Obj]]:
    spec = pod.get("spec") or {}
    for c in spec.get("containers") or []:
        yield "container", c
    for c in spec.get("initContainers") or []:
        yield "init container", c


# -- mutating -------------------------------------------------------------------------------------------------

def default_requirements(limit_range: Obj) -> tuple[ResourceList, ResourceList]:
    """defaultContainerResourceRequirements: (requests, limits) from the Container items."""
    requests: ResourceList = {}
    limits: ResourceList = {}
    for item in (limit_range.get("spec") or {}).get("limits") or []:
        if item.get("type") != "Container":
            continue
        requests.update(item.get("defaultRequest") or {})
        limits.update(item.get("default") or {})
    return requests, limits


def merge_pod_defaults(pod: Obj, requests: ResourceList, limits: ResourceList) -> None:
    """mergePodResourceRequirements: set what each container leaves out, and say so in the annotation."""
    notes: list[str] = []
    for prefix, c in _containers(pod):
        res = c.setdefault("resources", {})
        set_limits = [k for k in limits if k not in (res.get("limits") or {})]
        set_requests = [k for k in requests if k not in (res.get("requests") or {})]
        if set_limits:
            target = res.setdefault("limits", {})
            for k in set_limits:
                target[k] = limits[k]
        if set_requests:
            target = res.setdefault("requests", {})
            for k in set_requests:
                target[k] = requests[k]
        if set_requests:
            notes.append(f"{', '.join(sorted(set_requests))} request for {prefix} {c.get('name', '')}")
        if set_limits:
            notes.append(f"{', '.join(sorted(set_limits))} limit for {prefix} {c.get('name', '')}")
    if notes:
        md = pod.setdefault("metadata", {})
        md.setdefault("annotations", {})[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)


def admit(obj: Obj, api: APIServer, ranges: list[Obj] | None = None) -> None:
    """LimitRanger.Admit for a new pod (PodMutateLimitFunc), for each LimitRange in turn."""
    if obj.get("kind") != "Pod":
        return
    ranges = limit_ranges(api, obj["metadata"].get("namespace", "")) if ranges is None else ranges
    for lr in ranges:
        requests, limits = default_requirements(lr)
        if requests or limits:
            merge_pod_defaults(obj, requests, limits)


# -- validating -----------------------------------------------------------------------------------------------

def _values(request: Any, limit: Any, enforced: Any) -> tuple[Fraction, Fraction, Fraction]:
    """requestLimitEnforcedValues: whole values, or thousandths when all three fit (rounded up, as MilliValue)."""
    qs = [parse_quantity(q) if q is not None else Fraction(0) for q in (request, limit, enforced)]
    whole = [Fraction(math.ceil(q)) for q in qs]
    if all(w <= MAX_MILLI_VALUE for w in whole):
        return tuple(Fraction(math.ceil(q * 1000)) for q in qs)  # type: ignore[return-value]
    return whole[0], whole[1], whole[2]


def _text(q: Any) -> str:
    return canonical(q)


def min_constraint(limit_type: str, name: str, enforced: Any, requests: ResourceList, limits: ResourceList) -> str:
    """minConstraint: a request must exist and be at least min; so must a limit, if set."""
    req, lim = requests.get(name), limits.get(name)
    observed_req, observed_lim, bound = _values(req, lim, enforced)
    if req is None:
        return f"minimum {name} usage per {limit_type} is {_text(enforced)}.  No request is specified"
    if observed_req < bound:
        return f"minimum {name} usage per {limit_type} is {_text(enforced)}, but request is {_text(req)}"
    if lim is not None and observed_lim < bound:
        return f"minimum {name} usage per {limit_type} is {_text(enforced)}, but limit is {_text(lim)}"
    return ""


def max_constraint(limit_type: str, name: str, enforced: Any, requests: ResourceList, limits: ResourceList) -> str:
    """maxConstraint: a limit must exist and be at most max; so must a request, if set."""
    req, lim = requests.get(name), limits.get(name)
    observed_req, observed_lim, bound = _values(req, lim, enforced)
    if lim is None:
        return f"maximum {name} usage per {limit_type} is {_text(enforced)}.  No limit is specified"
    if observed_lim > bound:
        return f"maximum {name} usage per {limit_type} is {_text(enforced)}, but limit is {_text(lim)}"
    if req is not None and observed_req > bound:
        return f"maximum {name} usage per {limit_type} is {_text(enforced)}, but request is {_text(req)}"
    return ""


def max_request_constraint(limit_type: str, name: str, enforced: Any, requests: ResourceList) -> str:
    """maxRequestConstraint (PersistentVolumeClaim items): the request must exist and be at most max."""
    req = requests.get(name)
    observed_req, _, bound = _values(req, None, enforced)
    if req is None:
        return f"maximum {name} usage per {limit_type} is {_text(enforced)}.  No request is specified"
    if observed_req > bound:
        return f"maximum {name} usage per {limit_type} is {_text(enforced)}, but request is {_text(req)}"
    return ""


def ratio_constraint(limit_type: str, name: str, enforced: Any, requests: ResourceList, limits: ResourceList) -> str:
    """limitRequestRatioConstraint: limit / request at most maxLimitRequestRatio."""
    req, lim = requests.get(name), limits.get(name)
    observed_req, observed_lim, _ = _values(req, lim, enforced)
    text = _text(enforced)
    if req is None or observed_req == 0:
        return (f"{name} max limit to request ratio per {limit_type} is {text}, but no request is specified or "
                "request is 0")
    if lim is None or observed_lim == 0:
        return (f"{name} max limit to request ratio per {limit_type} is {text}, but no limit is specified or "
                "limit is 0")
    observed = observed_lim / observed_req
    if observed > parse_quantity(enforced):
        return (f"{name} max limit to request ratio per {limit_type} is {text}, but provided ratio is "
                f"{float(observed):f}")
    return ""


def pod_totals(pod: Obj, field: str) -> ResourceList:
    """podRequests / podLimits: the containers' sum, at least each init container's own, printed in the format
    of the first value added (Quantity.Add), so 512Mi + 512Mi is 1Gi."""
    spec = pod.get("spec") or {}
    total: dict[str, Q] = {}
    for c in spec.get("containers") or []:
        for k, v in ((c.get("resources") or {}).get(field) or {}).items():
            total[k] = total[k] + Q.of(v) if k in total else Q.of(v)
    for c in spec.get("initContainers") or []:
        for k, v in ((c.get("resources") or {}).get(field) or {}).items():
            if k not in total or Q.of(v).value > total[k].value:
                total[k] = Q.of(v)
    return {k: str(v) for k, v in total.items()}


def _check_item(limit_type: str, item: Obj, requests: ResourceList, limits: ResourceList) -> list[str]:
    errs = []
    for name in sorted(item.get("min") or {}):
        errs.append(min_constraint(limit_type, name, item["min"][name], requests, limits))
    for name in sorted(item.get("max") or {}):
        errs.append(max_constraint(limit_type, name, item["max"][name], requests, limits))
    for name in sorted(item.get("maxLimitRequestRatio") or {}):
        errs.append(ratio_constraint(limit_type, name, item["maxLimitRequestRatio"][name], requests, limits))
    return [e for e in errs if e]


def pod_errors(limit_range: Obj, pod: Obj) -> list[str]:
    """PodValidateLimitFunc: every Container item against each container, every Pod item against the totals."""
    errs: list[str] = []
    for item in (limit_range.get("spec") or {}).get("limits") or []:
        kind = item.get("type")
        if kind == "Container":
            for _, c in _containers(pod):
                res = c.get("resources") or {}
                errs += _check_item("Container", item, res.get("requests") or {}, res.get("limits") or {})
        elif kind == "Pod":
            errs += _check_item("Pod", item, pod_totals(pod, "requests"), pod_totals(pod, "limits"))
    return errs


def claim_errors(limit_range: Obj, claim: Obj) -> list[str]:
    """PersistentVolumeClaimValidateLimitFunc: min and max on the claim's storage request."""
    errs: list[str] = []
    requests = ((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}
    for item in (limit_range.get("spec") or {}).get("limits") or []:
        if item.get("type") != "PersistentVolumeClaim":
            continue
        for name in sorted(item.get("min") or {}):
            errs.append(min_constraint("PersistentVolumeClaim", name, item["min"][name], requests, {}))
        for name in sorted(item.get("max") or {}):
            errs.append(max_request_constraint("PersistentVolumeClaim", name, item["max"][name], requests))
    return [e for e in errs if e]


def aggregate(errs: list[str]) -> str:
    """utilerrors.NewAggregate's text: one message alone, several in brackets."""
    return errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"


def validate(obj: Obj, api: APIServer, ranges: list[Obj] | None = None) -> None:
    """LimitRanger.Validate for a new Pod or PersistentVolumeClaim: the first LimitRange it violates refuses it
    as admission.NewForbidden does."""
    kind = obj.get("kind")
    if kind not in ("Pod", "PersistentVolumeClaim"):
        return
    ranges = limit_ranges(api, obj["metadata"].get("namespace", "")) if ranges is None else ranges
    for lr in ranges:
        errs = pod_errors(lr, obj) if kind == "Pod" else claim_errors(lr, obj)
        if errs:
            resource = "pods" if kind == "Pod" else "persistentvolumeclaims"
            raise forbidden(f'{resource} "{obj["metadata"].get("name", "")}" is forbidden: {aggregate(errs)}')

