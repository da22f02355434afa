"""Pod QoS class (pkg/apis/core/v1/helper/qos ComputePodQOS)."""

from __future__ import annotations

from typing import Any

from kspec.quantity import parse_quantity

_SUPPORTED = ("cpu", "memory")


def compute_qos(pod: dict[str, Any]) -> str:
    """Guaranteed, Burstable or BestEffort; only cpu and memory count."""
    spec = pod.get("spec", {})
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    guaranteed = True
    for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        res = c.get("resources") or {}
        c_limits = set()
        for name, q in (res.get("requests") or {}).items():
            if name in _SUPPORTED and parse_quantity(q) != 0:
                requests[name] = requests.get(name, 0) + parse_quantity(q)
        for name, q in (res.get("limits") or {}).items():
            if name in _SUPPORTED and parse_quantity(q) != 0:
                c_limits.add(name)
                limits[name] = limits.get(name, 0) + parse_quantity(q)
        if c_limits != set(_SUPPORTED):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and set(requests) == set(limits) and all(requests[k] == limits[k] for k in requests):
        return "Guaranteed"
    return "Burstable"
