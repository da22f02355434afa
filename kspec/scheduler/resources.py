"""What a pod asks for and what a node offers, as integers (milli-cpu, bytes, counts).

Follows component-helpers ``resource.PodRequests``: regular containers add
up, restartable (sidecar) init containers run alongside them, and a regular
init container only needs its own request plus the sidecars started before it.
"""

from __future__ import annotations

from typing import Any

from kspec.quantity import cpu_millis, to_int

CPU = "cpu"
MEMORY = "memory"
EPHEMERAL = "ephemeral-storage"
PODS = "pods"
#: schedutil.DefaultMilliCPURequest / DefaultMemoryRequest (GetNonzeroRequests)
DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024
#: resources the scheduler never treats as extended (hugepages are; attachable volumes are not modelled)
_NOT_SCALAR = frozenset({CPU, MEMORY, EPHEMERAL, PODS, "storage"})


_PARSED: dict[tuple[bool, Any], int] = {}


def quantity_value(resource: str, q: Any) -> int:
    """cpu in millicores, everything else as Value() (memoized: specs repeat the same few strings)."""
    key = (resource == CPU, q)
    value = _PARSED.get(key)
    if value is None:
        value = cpu_millis(q) if resource == CPU else to_int(q)
        if len(_PARSED) < 100_000:
            _PARSED[key] = value
    return value


def _container_requests(container: dict[str, Any], non_zero: bool) -> dict[str, int]:
    requests = (container.get("resources") or {}).get("requests") or {}
    out = {name: quantity_value(name, q) for name, q in requests.items()}
    if non_zero:
        # NonMissingContainerRequests: defaults only for a request that is absent
        out.setdefault(CPU, DEFAULT_MILLI_CPU)
        out.setdefault(MEMORY, DEFAULT_MEMORY)
    return out


def _add(into: dict[str, int], more: dict[str, int]) -> None:
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


def _max(into: dict[str, int], other: dict[str, int]) -> None:
    for k, v in other.items():
        if v > into.get(k, 0):
            into[k] = v


def pod_requests(spec: dict[str, Any], *, non_zero: bool = False) -> dict[str, int]:
    """resource.PodRequests (with NonMissingContainerRequests when ``non_zero``), overhead included."""
    total: dict[str, int] = {}
    for c in spec.get("containers") or []:
        _add(total, _container_requests(c, non_zero))
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for c in spec.get("initContainers") or []:
        req = _container_requests(c, non_zero)
        if c.get("restartPolicy") == "Always":
            _add(sidecars, req)
            _max(init_max, sidecars)
        else:
            with_sidecars = dict(sidecars)
            _add(with_sidecars, req)
            _max(init_max, with_sidecars)
    _add(total, sidecars)
    _max(total, init_max)
    overhead = spec.get("overhead") or {}
    _add(total, {k: quantity_value(k, q) for k, q in overhead.items()})
    return total


def pod_requests_both(spec: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """``(pod_requests(spec), pod_requests(spec, non_zero=True))``; a pod of one container and nothing
    else (the common pod) has its requests read once."""
    containers = spec.get("containers") or []
    if len(containers) != 1 or spec.get("initContainers") or spec.get("overhead"):
        return pod_requests(spec), pod_requests(spec, non_zero=True)
    req = _container_requests(containers[0], False)
    nz = dict(req)
    nz.setdefault(CPU, DEFAULT_MILLI_CPU)
    nz.setdefault(MEMORY, DEFAULT_MEMORY)
    return req, nz


def scalar_resources(values: dict[str, int]) -> dict[str, int]:
    """The extended (scalar) resources of a request or allocatable list, zero entries dropped."""
    return {k: v for k, v in sorted(values.items()) if k not in _NOT_SCALAR and v}


def node_allocatable(node: dict[str, Any]) -> dict[str, int]:
    alloc = (node.get("status") or {}).get("allocatable") or {}
    return {name: quantity_value(name, q) for name, q in alloc.items()}
