"""autoscaling/v2 rules for HPA metrics and behavior (pkg/apis/autoscaling/validation/validation.go).

validateMetrics / validateMetricSpec / validateMetricTarget / validateBehavior / validateScalingRules,
with upstream's messages. Objects arrive decoded and defaulted, so every field has its declared type.
"""

from __future__ import annotations

from typing import Any

from kspec.api.validation import (
    FieldError,
    child,
    forbidden,
    index,
    invalid,
    is_dns1123_label,
    not_supported,
    required,
)
from kspec.quantity import canonical, parse_quantity

_SOURCES = {"ContainerResource": "containerResource", "External": "external", "Object": "object",
            "Pods": "pods", "Resource": "resource"}
_TARGET_TYPES = ("Utilization", "Value", "AverageValue")
MAX_PERIOD_SECONDS = 1800  # MaxPeriodSeconds
MAX_STABILIZATION_WINDOW_SECONDS = 3600  # MaxStabilizationWindowSeconds


def _path_segment_errors(name: str) -> list[str]:
    """path.IsValidPathSegmentName."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def _positive(value: Any, path: str) -> list[FieldError]:
    if value is None:
        return []
    try:
        ok = parse_quantity(value) > 0
        shown: Any = canonical(value)
    except ValueError:
        return []  # decoding has refused malformed quantities already
    return [] if ok else [invalid(path, shown, "must be positive")]


def _target(target: dict[str, Any], path: str) -> list[FieldError]:
    """validateMetricTarget."""
    errs: list[FieldError] = []
    kind = target.get("type") or ""
    if not kind:
        errs.append(required(child(path, "type"), "must specify a metric target type"))
    if kind not in _TARGET_TYPES:
        errs.append(invalid(child(path, "type"), kind, "must be either Utilization, Value, or AverageValue"))
    errs.extend(_positive(target.get("value"), child(path, "value")))
    errs.extend(_positive(target.get("averageValue"), child(path, "averageValue")))
    utilization = target.get("averageUtilization")
    if utilization is not None and utilization < 1:
        errs.append(invalid(child(path, "averageUtilization"), utilization, "must be greater than 0"))
    return errs


def _metric_name(metric: dict[str, Any], path: str) -> list[FieldError]:
    """validateMetricIdentifier."""
    name = metric.get("name") or ""
    if not name:
        return [required(child(path, "name"), "must specify a metric name")]
    return [invalid(child(path, "name"), name, m) for m in _path_segment_errors(name)]


def _object_ref(ref: dict[str, Any], path: str) -> list[FieldError]:
    """ValidateCrossVersionObjectReference."""
    errs: list[FieldError] = []
    for key in ("kind", "name"):
        value = ref.get(key) or ""
        if not value:
            errs.append(required(child(path, key)))
        else:
            errs.extend(invalid(child(path, key), value, m) for m in _path_segment_errors(value))
    return errs


def _source(kind: str, src: dict[str, Any], path: str) -> list[FieldError]:
    target = src.get("target") or {}
    tpath = child(path, "target")
    errs: list[FieldError] = []
    if kind in ("Resource", "ContainerResource"):
        if not src.get("name"):
            errs.append(required(child(path, "name"), "must specify a resource name"))
        if kind == "ContainerResource":
            container = src.get("container") or ""
            if not container:
                errs.append(required(child(path, "container"), "must specify a container"))
            else:
                errs.extend(invalid(child(path, "container"), container, m) for m in is_dns1123_label(container))
        errs.extend(_target(target, tpath))
        if target.get("averageUtilization") is None and target.get("averageValue") is None:
            errs.append(required(child(tpath, "averageUtilization"),
                                 "must set either a target raw value or a target utilization"))
        if target.get("averageUtilization") is not None and target.get("averageValue") is not None:
            errs.append(forbidden(child(tpath, "averageValue"),
                                  "may not set both a target raw value and a target utilization"))
        return errs
    if kind == "Object":
        errs.extend(_object_ref(src.get("describedObject") or {}, child(path, "describedObject")))
    errs.extend(_metric_name(src.get("metric") or {}, child(path, "metric")))
    errs.extend(_target(target, tpath))
    if kind == "Pods":
        if target.get("averageValue") is None:
            errs.append(required(child(tpath, "averageValue"), "must specify a positive target averageValue"))
    elif kind == "Object":
        if target.get("value") is None and target.get("averageValue") is None:
            errs.append(required(child(tpath, "averageValue"), "must set either a target value or averageValue"))
    elif target.get("value") is None and target.get("averageValue") is None:
        errs.append(required(child(tpath, "averageValue"),
                             "must set either a target value for metric or a per-pod target"))
    elif target.get("value") is not None and target.get("averageValue") is not None:
        errs.append(forbidden(child(tpath, "value"), "may not set both a target value for metric and a per-pod "
                                                     "target"))
    return errs


def _metric(spec: dict[str, Any], path: str) -> list[FieldError]:
    """validateMetricSpec: a known source type, its source populated, and no other."""
    errs: list[FieldError] = []
    kind = spec.get("type") or ""
    if not kind:
        errs.append(required(child(path, "type"), "must specify a metric source type"))
    if kind not in _SOURCES:
        errs.append(not_supported(child(path, "type"), kind, sorted(_SOURCES)))
    present = [(k, f) for k, f in _SOURCES.items() if spec.get(f) is not None]
    if present:
        first_kind, first_field = present[0]
        errs.extend(_source(first_kind, spec[first_field], child(path, first_field)))
    expected = _SOURCES.get(kind)
    if expected is not None and spec.get(expected) is None:
        errs.append(required(child(path, expected), "must populate information for the given metric source"))
    for _, field in present:
        if field != expected and len(present) > 1:
            errs.append(forbidden(child(path, field), "must populate the given metric source only"))
    return errs


def _rules(rules: dict[str, Any] | None, path: str) -> list[FieldError]:
    """validateScalingRules."""
    if rules is None:
        return []
    errs: list[FieldError] = []
    window = rules.get("stabilizationWindowSeconds")
    wpath = child(path, "stabilizationWindowSeconds")
    if window is not None and window < 0:
        errs.append(invalid(wpath, window, "must be greater than or equal to zero"))
    if window is not None and window > MAX_STABILIZATION_WINDOW_SECONDS:
        errs.append(invalid(wpath, window, f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"))
    select = rules.get("selectPolicy")
    if select is not None and select not in ("Disabled", "Max", "Min"):
        errs.append(not_supported(child(path, "selectPolicy"), select, ["Disabled", "Max", "Min"]))
    policies = rules.get("policies") or []
    ppath = child(path, "policies")
    if not policies:
        errs.append(required(ppath, "must specify at least one Policy"))
    for i, policy in enumerate(policies):
        p = index(ppath, i)
        kind = policy.get("type") or ""
        if kind not in ("Percent", "Pods"):
            errs.append(not_supported(child(p, "type"), kind, ["Percent", "Pods"]))
        value, period = policy.get("value") or 0, policy.get("periodSeconds") or 0
        if value <= 0:
            errs.append(invalid(child(p, "value"), value, "must be greater than zero"))
        if period <= 0:
            errs.append(invalid(child(p, "periodSeconds"), period, "must be greater than zero"))
        if period > MAX_PERIOD_SECONDS:
            errs.append(invalid(child(p, "periodSeconds"), period,
                                f"must be less than or equal to {MAX_PERIOD_SECONDS}"))
    return errs


def validate_hpa_metrics(spec: dict[str, Any]) -> list[FieldError]:
    """validateMetrics and validateBehavior for spec.metrics and spec.behavior."""
    errs: list[FieldError] = []
    for i, metric in enumerate(spec.get("metrics") or []):
        errs.extend(_metric(metric, index("spec.metrics", i)))
    behavior = spec.get("behavior")
    if behavior is not None:
        errs.extend(_rules(behavior.get("scaleUp"), "spec.behavior.scaleUp"))
        errs.extend(_rules(behavior.get("scaleDown"), "spec.behavior.scaleDown"))
    return errs
