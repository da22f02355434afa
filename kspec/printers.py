"""kubectl's human-readable table printers for plain-dict Kubernetes objects.

A port of kubernetes/kubernetes ``pkg/printers/internalversion/printers.go`` (the server-side
Table generator behind ``kubectl get``), ``apimachinery/pkg/util/duration`` and the client-side
``cli-runtime`` table printer, so scenario tests can assert on exactly what an operator would see.

Like the real apiserver, every printer produces the *wide* cell set; ``table()`` then drops the
priority-1 columns unless ``wide=True``, which is what kubectl does client-side.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kspec.api.kinds import KINDS, resource_for
from kspec.errors import ApiError

__all__ = [
    "RESOURCE_ALIASES",
    "Related",
    "canonical_resource",
    "human_duration",
    "render",
    "short_human_duration",
    "table",
]

Obj = Mapping[str, Any]

# --------------------------------------------------------------------------------------------
# Resource names
# --------------------------------------------------------------------------------------------

def canonical_resource(name: str) -> str:
    """Map what the user typed after ``kubectl get`` to the canonical plural resource name.

    The API's own REST mapping (kspec.api.kinds) decides: plural, singular, short name and the
    group-qualified form (``deployments.apps``), case-insensitively; anything else, or a resource
    with no printer here, raises the error kubectl prints.
    """
    try:
        resource = resource_for(name.strip()).resource
    except ApiError:
        resource = ""
    if resource not in _PRINTERS:
        raise ValueError(f'the server doesn\'t have a resource type "{name}"')
    return resource


@dataclass(frozen=True)
class Related:
    """Cross-object context a printer may need.

    Upstream printers are strictly per-object (they run server-side on one object at a time), so
    none of the supported printers needs anything here today; the type exists so callers can pass
    one without the signature changing when a printer that does (e.g. a describer) is added.
    """


# --------------------------------------------------------------------------------------------
# Durations (apimachinery/pkg/util/duration)
# --------------------------------------------------------------------------------------------

_MS_PER_S = 1000
_MS_PER_MIN = 60 * _MS_PER_S
_MS_PER_H = 60 * _MS_PER_MIN


def _trunc_seconds(ms: int) -> int:
    """Go's ``int(d.Seconds())``: truncate toward zero, not floor."""
    return abs(ms) // _MS_PER_S * (1 if ms >= 0 else -1)


def human_duration(ms: int) -> str:
    """``duration.HumanDuration``: ~2-3 significant figures, as in the AGE column.

    Up to 1.999s of negative skew reads as ``0s``; anything earlier is ``<invalid>``.
    """
    seconds = _trunc_seconds(ms)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = ms // _MS_PER_MIN
    if minutes < 10:
        s = (ms // _MS_PER_S) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = ms // _MS_PER_H
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(ms: int) -> str:
    """``duration.ShortHumanDuration``: a single unit, used by a few older printers and describe."""
    seconds = _trunc_seconds(ms)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60:
        return f"{seconds}s"
    minutes = ms // _MS_PER_MIN
    if minutes < 60:
        return f"{minutes}m"
    hours = ms // _MS_PER_H
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{math.trunc(ms / _MS_PER_H / 24 / 365)}y"


# --------------------------------------------------------------------------------------------
# Small helpers shared by printers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    """What every printer gets besides the object: the virtual clock and optional context."""

    now: datetime
    related: Related | None


def _get(obj: Any, *path: str) -> Any:
    """Nested dict lookup that treats missing keys and JSON nulls alike, as Go zero values."""
    cur = obj
    for key in path:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(key)
    return cur


def _list(obj: Any, *path: str) -> list[Any]:
    value = _get(obj, *path)
    return list(value) if isinstance(value, list) else []


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _parse_time(value: Any) -> datetime | None:
    """RFC3339 (or MicroTime) -> aware datetime; None plays the role of Go's zero time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def _ms_between(start: datetime, end: datetime) -> int:
    """Elapsed milliseconds, truncated toward zero like a Go Duration conversion."""
    micros = (end - start) // timedelta(microseconds=1)
    return abs(micros) // 1000 * (1 if micros >= 0 else -1)


def _since(value: Any, ctx: _Ctx) -> str:
    """``translateTimestampSince``: age relative to the virtual clock, ``<unknown>`` if unset."""
    ts = _parse_time(value)
    if ts is None:
        return "<unknown>"
    return human_duration(_ms_between(ts, _aware(ctx.now)))


def _age(obj: Obj, ctx: _Ctx) -> str:
    return _since(_get(obj, "metadata", "creationTimestamp"), ctx)


def _name(obj: Obj) -> str:
    return str(_get(obj, "metadata", "name") or "")


def _format_labels(labels: Any) -> str:
    """``labels.FormatLabels``: sorted ``k=v`` pairs, ``<none>`` when empty."""
    if not isinstance(labels, Mapping) or not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


_SELECTOR_OPS = {"In": " in ", "NotIn": " notin ", "Exists": "", "DoesNotExist": ""}


def _selector_string(selector: Any) -> str | None:
    """``metav1.LabelSelectorAsSelector(sel).String()``; None means the selector is invalid.

    Requirements are sorted by key and multi-valued sets by value, exactly as labels.Requirement
    renders them, so output does not depend on dict order.
    """
    if not isinstance(selector, Mapping):
        return ""
    reqs: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        reqs.append((key, f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key, op = str(expr.get("key", "")), expr.get("operator")
        values = sorted(str(v) for v in expr.get("values") or [])
        if op not in _SELECTOR_OPS:
            return None
        if op == "Exists":
            reqs.append((key, key))
        elif op == "DoesNotExist":
            reqs.append((key, "!" + key))
        else:
            reqs.append((key, f"{key}{_SELECTOR_OPS[op]}({','.join(values)})"))
    reqs.sort(key=lambda r: r[0])
    return ",".join(text for _, text in reqs)


def _format_label_selector(selector: Any) -> str:
    """``metav1.FormatLabelSelector``: like the selector string but ``<none>``/``<error>``."""
    text = _selector_string(selector)
    if text is None:
        return "<error>"
    return text or "<none>"


def _containers_cells(pod_spec: Any) -> list[str]:
    """``layoutContainerCells``: comma-joined container names and images of a pod template."""
    containers = _list(pod_spec, "containers")
    names = ",".join(str(c.get("name", "")) for c in containers)
    images = ",".join(str(c.get("image", "")) for c in containers)
    return [names, images]


def _int_or_string(value: Any) -> str:
    """``intstr.IntOrString.String()``."""
    return str(value) if value is not None else ""


def _bool_ptr(value: Any) -> str:
    """``printBoolPtr``: ``True``/``False``/``<unset>``."""
    if value is None:
        return "<unset>"
    return "True" if value else "False"


def _go_bool(value: Any) -> str:
    """A bool cell is rendered with ``fmt.Sprint``: lowercase."""
    return "true" if value else "false"


def _join_host_port(host: str, port: Any) -> str:
    """``net.JoinHostPort``: IPv6 literals get brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _quantity(value: Any) -> str:
    """A resource.Quantity's String(); quantities are kept as given (``<nil>`` when unset)."""
    return "<nil>" if value is None else str(value)


# --------------------------------------------------------------------------------------------
# Printers. Each returns the full (wide) cell list; columns carry kubectl's priority.
# --------------------------------------------------------------------------------------------

Column = tuple[str, int]  # (header as kubectl prints it, priority: 1 = only with -o wide)
Printer = Callable[[Obj, _Ctx], list[str]]


def _is_restartable_init(container: Any) -> bool:
    return isinstance(container, Mapping) and container.get("restartPolicy") == "Always"


def _has_condition(conditions: Iterable[Any], ctype: str) -> bool:
    """``hasPodReadyCondition``: any condition of that type with status ``True``."""
    return any(_get(c, "type") == ctype and _get(c, "status") == "True" for c in conditions)


def _first_condition_true(conditions: Iterable[Any], ctype: str) -> bool:
    """``hasJobCondition`` / ``isPodInitializedConditionTrue``: the *first* one of that type decides."""
    for c in conditions:
        if _get(c, "type") == ctype:
            return _get(c, "status") == "True"
    return False


def _later(current: datetime | None, candidate: Any) -> datetime | None:
    """``if last.Before(&t) { last = t }`` with None as Go's zero time."""
    ts = _parse_time(candidate)
    if ts is None:
        return current
    return ts if current is None or current < ts else current


def _terminated_reason(term: Mapping[str, Any], prefix: str) -> str:
    if term.get("reason"):
        return prefix + str(term["reason"])
    if _int(term.get("signal")):
        return f"{prefix}Signal:{_int(term.get('signal'))}"
    return f"{prefix}ExitCode:{_int(term.get('exitCode'))}"


# printPod
def _print_pod(pod: Obj, ctx: _Ctx) -> list[str]:
    """READY/STATUS/RESTARTS follow printPod's precedence exactly; see inline notes."""
    spec, status = _get(pod, "spec") or {}, _get(pod, "status") or {}
    conditions = _list(status, "conditions")
    restarts = sidecar_restarts = ready = 0
    total = len(_list(spec, "containers"))
    last_restart: datetime | None = None
    last_sidecar_restart: datetime | None = None

    phase = str(status.get("phase") or "")
    reason = str(status.get("reason") or "") or phase
    if any(_get(c, "type") == "PodScheduled" and _get(c, "reason") == "SchedulingGated" for c in conditions):
        reason = "SchedulingGated"

    init_specs = {c.get("name"): c for c in _list(spec, "initContainers")}
    total += sum(1 for c in init_specs.values() if _is_restartable_init(c))
    n_init = len(_list(spec, "initContainers"))

    # Init containers: the first one not finished (and not a started sidecar) names the status.
    initializing = False
    for i, cs in enumerate(_list(status, "initContainerStatuses")):
        restarts += _int(cs.get("restartCount"))
        last_restart = _later(last_restart, _get(cs, "lastState", "terminated", "finishedAt"))
        sidecar = _is_restartable_init(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += _int(cs.get("restartCount"))
            last_sidecar_restart = _later(
                last_sidecar_restart, _get(cs, "lastState", "terminated", "finishedAt")
            )
        term, waiting = _get(cs, "state", "terminated"), _get(cs, "state", "waiting")
        if term is not None and _int(term.get("exitCode")) == 0:
            continue
        if sidecar and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if term is not None:
            reason = _terminated_reason(term, "Init:")
        elif waiting is not None and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + str(waiting["reason"])
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break

    if not initializing or _first_condition_true(conditions, "Initialized"):
        # Sidecar restarts stay in the count; plain init-container restarts are dropped.
        restarts, last_restart = sidecar_restarts, last_sidecar_restart
        has_running = False
        for cs in reversed(_list(status, "containerStatuses")):
            restarts += _int(cs.get("restartCount"))
            last_restart = _later(last_restart, _get(cs, "lastState", "terminated", "finishedAt"))
            term, waiting = _get(cs, "state", "terminated"), _get(cs, "state", "waiting")
            if waiting is not None and waiting.get("reason"):
                reason = str(waiting["reason"])
            elif term is not None:
                reason = _terminated_reason(term, "")
            elif cs.get("ready") and _get(cs, "state", "running") is not None:
                has_running = True
                ready += 1
        # A finished container next to a ready running one: Running, or NotReady if the pod isn't.
        if reason == "Completed" and has_running:
            reason = "Running" if _has_condition(conditions, "Ready") else "NotReady"

    if _get(pod, "metadata", "deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif _get(pod, "metadata", "deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        reason = "Terminating"

    restarts_str = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_str = f"{restarts} ({human_duration(_ms_between(last_restart, _aware(ctx.now)))} ago)"

    # Wide cells. The v1->internal conversion fills podIPs from podIP when only the latter is set.
    pod_ips = _list(status, "podIPs")
    pod_ip = str(_get(pod_ips[0], "ip") or "") if pod_ips else str(status.get("podIP") or "")
    gates = _list(spec, "readinessGates")
    gates_str = "<none>"
    if gates:
        by_type: dict[Any, Any] = {}
        for c in conditions:
            by_type.setdefault(_get(c, "type"), _get(c, "status"))
        true_count = sum(1 for g in gates if by_type.get(_get(g, "conditionType")) == "True")
        gates_str = f"{true_count}/{len(gates)}"
    return [
        _name(pod), f"{ready}/{total}", reason, restarts_str, _age(pod, ctx),
        pod_ip or "<none>", str(spec.get("nodeName") or "") or "<none>",
        str(status.get("nominatedNodeName") or "") or "<none>", gates_str,
    ]  # fmt: skip


# printNode
def _print_node(node: Obj, ctx: _Ctx) -> list[str]:
    """Only the Ready condition feeds STATUS; a missing one is ``Unknown``."""
    conditions = {_get(c, "type"): c for c in _list(node, "status", "conditions")}
    status: list[str] = []
    if "Ready" in conditions:
        status.append("Ready" if _get(conditions["Ready"], "status") == "True" else "NotReady")
    if not status:
        status.append("Unknown")
    if _get(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")

    roles: set[str] = set()
    for key, value in (_get(node, "metadata", "labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/") :]:
            roles.add(key[len("node-role.kubernetes.io/") :])
        elif key == "kubernetes.io/role" and value:
            roles.add(str(value))

    info = _get(node, "status", "nodeInfo") or {}
    addresses = _list(node, "status", "addresses")

    def address(kind: str) -> str:
        return next((str(a.get("address")) for a in addresses if a.get("type") == kind), "<none>")

    return [
        _name(node), ",".join(status), ",".join(sorted(roles)) or "<none>", _age(node, ctx),
        str(info.get("kubeletVersion") or ""), address("InternalIP"), address("ExternalIP"),
        str(info.get("osImage") or "") or "<unknown>", str(info.get("kernelVersion") or "") or "<unknown>",
        str(info.get("containerRuntimeVersion") or "") or "<unknown>",
    ]  # fmt: skip


def _lb_ingress(svc: Obj, wide: bool) -> str:
    """``loadBalancerStatusStringer``: sorted unique IPs/hostnames, clipped to 16 unless wide."""
    found = {str(i.get("ip") or i.get("hostname")) for i in _list(svc, "status", "loadBalancer", "ingress")
             if i.get("ip") or i.get("hostname")}  # fmt: skip
    text = ",".join(sorted(found))
    return text[:13] + "..." if not wide and len(text) > 16 else text


# printService
def _print_service(svc: Obj, ctx: _Ctx) -> list[str]:
    """A missing type/protocol is read as the apiserver's default (ClusterIP, TCP)."""
    spec = _get(svc, "spec") or {}
    svc_type = str(spec.get("type") or "ClusterIP")
    cluster_ips = _list(spec, "clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    external_ips = [str(ip) for ip in _list(spec, "externalIPs")]
    # The server renders wide cells, so the LB column is never clipped in practice (wide=True).
    if svc_type in ("ClusterIP", "NodePort"):
        external = ",".join(external_ips) or "<none>"
    elif svc_type == "LoadBalancer":
        lb = _lb_ingress(svc, wide=True)
        if external_ips:
            external = ",".join(([*lb.split(",")] if lb else []) + external_ips)
        else:
            external = lb or "<pending>"
    elif svc_type == "ExternalName":
        external = str(spec.get("externalName") or "")
    else:
        external = "<unknown>"
    ports = []
    for p in _list(spec, "ports"):
        proto = p.get("protocol") or "TCP"
        node_port = _int(p.get("nodePort"))
        port = _int(p.get("port"))
        ports.append(f"{port}:{node_port}/{proto}" if node_port > 0 else f"{port}/{proto}")
    return [
        _name(svc), svc_type, str(cluster_ips[0]) if cluster_ips else "<none>", external,
        ",".join(ports) or "<none>", _age(svc, ctx), _format_labels(spec.get("selector")),
    ]  # fmt: skip


# printEndpoints (formatEndpoints)
def _print_endpoints(ep: Obj, ctx: _Ctx) -> list[str]:
    """Lists ``ip:port`` for each port x address, keeping 3 and summarising the rest."""
    subsets = _list(ep, "subsets")
    if not subsets:
        return [_name(ep), "<none>", _age(ep, ctx)]
    limit, shown, count, more = 3, [], 0, False
    for ss in subsets:
        addresses = _list(ss, "addresses")
        ports = _list(ss, "ports") or [None]  # headless services may have no ports
        for port in ports:
            count += len(addresses)
            for addr in addresses:
                if len(shown) == limit:
                    more = True
                    break
                ip = str(addr.get("ip", ""))
                shown.append(ip if port is None else _join_host_port(ip, _int(port.get("port"))))
    text = ",".join(shown)
    if more:
        text = f"{text} + {count - limit} more..."
    return [_name(ep), text, _age(ep, ctx)]


def _list_with_more(items: list[str], total: int, limit: int = 3) -> str:
    """``listWithMoreString``: ``a,b,c + N more...``, ``<unset>`` for an empty list."""
    text = ",".join(items[:limit])
    if total > limit:
        return f"{text} + {total - limit} more..."
    return text or "<unset>"


# printEndpointSlice
def _print_endpointslice(es: Obj, ctx: _Ctx) -> list[str]:
    ports = []
    for p in _list(es, "ports"):
        ports.append(str(p["port"]) if p.get("port") is not None else str(p.get("name") or "*"))
    addrs = [str(a) for e in _list(es, "endpoints") for a in _list(e, "addresses")]
    return [
        _name(es), str(es.get("addressType") or ""), _list_with_more(ports, len(ports)),
        _list_with_more(addrs, len(addrs)), _age(es, ctx),
    ]  # fmt: skip


# printNetworkPolicy
def _print_networkpolicy(np: Obj, ctx: _Ctx) -> list[str]:
    return [_name(np), _format_label_selector(_get(np, "spec", "podSelector")), _age(np, ctx)]


# printIngress: formatHosts, ingressLoadBalancerStatusStringer (clipped to 16 bytes), formatPorts
def _print_ingress(ing: Obj, ctx: _Ctx) -> list[str]:
    rules = _list(ing, "spec", "rules")
    hosts: list[str] = []
    more = False
    for rule in rules:  # up to 3 named hosts; "more" once a rule comes after the third
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(str(rule["host"]))
    text = ",".join(hosts) or "*"
    if hosts and more:
        text = f"{text} + {len(rules) - 3} more..."
    addresses = sorted({str(a.get("ip") or a.get("hostname")) for a in _list(ing, "status", "loadBalancer", "ingress")
                        if a.get("ip") or a.get("hostname")})
    address = ",".join(addresses)
    if len(address) > 16:  # -o wide would print it whole: the table here has no wide flag for ingresses
        address = address[:15] + "..."
    ports = "80, 443" if _list(ing, "spec", "tls") else "80"
    return [_name(ing), str(_get(ing, "spec", "ingressClassName") or "<none>"), text, address, ports, _age(ing, ctx)]


# printIngressClass
def _print_ingressclass(cls: Obj, ctx: _Ctx) -> list[str]:
    params = _get(cls, "spec", "parameters") or {}
    text = "<none>"
    if params:
        text = str(params.get("kind") or "") + (f".{params['apiGroup']}" if params.get("apiGroup") else "")
        text += f"/{params.get('name') or ''}"
    return [_name(cls), str(_get(cls, "spec", "controller") or ""), text, _age(cls, ctx)]


def _replicas(obj: Obj) -> int:
    """spec.replicas, defaulting to 1 as apps/v1 does when the field is absent."""
    value = _get(obj, "spec", "replicas")
    return 1 if value is None else _int(value)


# printDeployment
def _print_deployment(d: Obj, ctx: _Ctx) -> list[str]:
    """Wide SELECTOR uses the raw selector string (empty, not ``<none>``), as upstream does."""
    status = _get(d, "status") or {}
    selector = _selector_string(_get(d, "spec", "selector"))
    return [
        _name(d), f"{_int(status.get('readyReplicas'))}/{_replicas(d)}",
        str(_int(status.get("updatedReplicas"))), str(_int(status.get("availableReplicas"))), _age(d, ctx),
        *_containers_cells(_get(d, "spec", "template", "spec")),
        "<invalid>" if selector is None else selector,
    ]  # fmt: skip


# printReplicaSet
def _print_replicaset(rs: Obj, ctx: _Ctx) -> list[str]:
    status = _get(rs, "status") or {}
    return [
        _name(rs), str(_replicas(rs)), str(_int(status.get("replicas"))),
        str(_int(status.get("readyReplicas"))), _age(rs, ctx),
        *_containers_cells(_get(rs, "spec", "template", "spec")),
        _format_label_selector(_get(rs, "spec", "selector")),
    ]  # fmt: skip


# printStatefulSet
def _print_statefulset(sts: Obj, ctx: _Ctx) -> list[str]:
    ready = _int(_get(sts, "status", "readyReplicas"))
    return [
        _name(sts), f"{ready}/{_replicas(sts)}", _age(sts, ctx),
        *_containers_cells(_get(sts, "spec", "template", "spec")),
    ]  # fmt: skip


# printDaemonSet
def _print_daemonset(ds: Obj, ctx: _Ctx) -> list[str]:
    status = _get(ds, "status") or {}
    counts = ("desiredNumberScheduled", "currentNumberScheduled", "numberReady",
              "updatedNumberScheduled", "numberAvailable")  # fmt: skip
    return [
        _name(ds), *(str(_int(status.get(c))) for c in counts),
        _format_labels(_get(ds, "spec", "template", "spec", "nodeSelector")), _age(ds, ctx),
        *_containers_cells(_get(ds, "spec", "template", "spec")),
        _format_label_selector(_get(ds, "spec", "selector")),
    ]  # fmt: skip


# printJob
def _print_job(job: Obj, ctx: _Ctx) -> list[str]:
    """STATUS precedence: Complete > Failed > Terminating > Suspended > FailureTarget > Running."""
    spec, status = _get(job, "spec") or {}, _get(job, "status") or {}
    succeeded = _int(status.get("succeeded"))
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{_int(spec['completions'])}"
    elif _int(spec.get("parallelism")) > 1:
        completions = f"{succeeded}/1 of {_int(spec['parallelism'])}"
    else:
        completions = f"{succeeded}/1"
    start, end = _parse_time(status.get("startTime")), _parse_time(status.get("completionTime"))
    if start is None:
        job_duration = ""
    else:
        job_duration = human_duration(_ms_between(start, end if end is not None else _aware(ctx.now)))
    conditions = _list(status, "conditions")
    if _first_condition_true(conditions, "Complete"):
        state = "Complete"
    elif _first_condition_true(conditions, "Failed"):
        state = "Failed"
    elif _get(job, "metadata", "deletionTimestamp"):
        state = "Terminating"
    elif _first_condition_true(conditions, "Suspended"):
        state = "Suspended"
    elif _first_condition_true(conditions, "FailureTarget"):
        state = "FailureTarget"
    else:
        state = "Running"
    return [
        _name(job), state, completions, job_duration, _age(job, ctx),
        *_containers_cells(_get(spec, "template", "spec")), _format_label_selector(spec.get("selector")),
    ]  # fmt: skip


# printCronJob
def _print_cronjob(cj: Obj, ctx: _Ctx) -> list[str]:
    spec = _get(cj, "spec") or {}
    last = _get(cj, "status", "lastScheduleTime")
    return [
        _name(cj), str(spec.get("schedule") or ""), str(spec.get("timeZone") or "<none>"),
        _bool_ptr(spec.get("suspend")), str(len(_list(cj, "status", "active"))),
        _since(last, ctx) if last else "<none>", _age(cj, ctx),
        *_containers_cells(_get(spec, "jobTemplate", "spec", "template", "spec")),
        _format_label_selector(_get(spec, "jobTemplate", "spec", "selector")),
    ]  # fmt: skip


# printConfigMap
def _print_configmap(cm: Obj, ctx: _Ctx) -> list[str]:
    data = len(_get(cm, "data") or {}) + len(_get(cm, "binaryData") or {})
    return [_name(cm), str(data), _age(cm, ctx)]


# printSecret
def _print_secret(secret: Obj, ctx: _Ctx) -> list[str]:
    """stringData is merged into data by the apiserver, so count the union of keys."""
    keys = set(_get(secret, "data") or {}) | set(_get(secret, "stringData") or {})
    return [_name(secret), str(secret.get("type") or "Opaque"), str(len(keys)), _age(secret, ctx)]


# printNamespace
def _print_namespace(ns: Obj, ctx: _Ctx) -> list[str]:
    return [_name(ns), str(_get(ns, "status", "phase") or ""), _age(ns, ctx)]


def _micro_since(value: Any, ctx: _Ctx) -> str:
    """``translateMicroTimestampSince``: same as for Time, MicroTime just has more digits."""
    return _since(value, ctx)


# printEvent
def _print_event(ev: Obj, ctx: _Ctx) -> list[str]:
    """LAST SEEN falls back to firstTimestamp, then eventTime; a series overrides it and COUNT."""
    first = (
        _since(ev.get("firstTimestamp"), ctx)
        if ev.get("firstTimestamp")
        else _micro_since(ev.get("eventTime"), ctx)
    )
    last = _since(ev.get("lastTimestamp"), ctx) if ev.get("lastTimestamp") else first
    count = _int(ev.get("count"))
    if ev.get("series") is not None:
        last = _micro_since(_get(ev, "series", "lastObservedTime"), ctx)
        count = _int(_get(ev, "series", "count"))
    elif count == 0:
        count = 1
    involved = _get(ev, "involvedObject") or {}
    kind = str(involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    component = _get(ev, "source", "component") or ev.get("reportingComponent") or ""
    instance = _get(ev, "source", "host") or ev.get("reportingInstance") or ""
    source = f"{component}, {instance}" if instance else str(component)
    return [
        last, str(ev.get("type") or ""), str(ev.get("reason") or ""), target,
        str(involved.get("fieldPath") or ""), source, str(ev.get("message") or "").strip(),
        first, str(count), _name(ev),
    ]  # fmt: skip


_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))  # fmt: skip


# printPersistentVolumeClaim
def _print_pvc(pvc: Obj, ctx: _Ctx) -> list[str]:
    """CAPACITY and ACCESS MODES come from status, and only once the claim is bound to a volume."""
    spec, status = _get(pvc, "spec") or {}, _get(pvc, "status") or {}
    phase = "Terminating" if _get(pvc, "metadata", "deletionTimestamp") else str(status.get("phase") or "")
    capacity = modes = ""
    if spec.get("volumeName"):
        present = set(_list(status, "accessModes"))
        modes = ",".join(short for mode, short in _ACCESS_MODES if mode in present)
        capacity = str(_get(status, "capacity", "storage") or "0")
    annotations = _get(pvc, "metadata", "annotations") or {}
    storage_class = annotations.get("volume.beta.kubernetes.io/storage-class") or spec.get("storageClassName")
    return [
        _name(pvc), phase, str(spec.get("volumeName") or ""), capacity, modes, str(storage_class or ""),
        str(spec.get("volumeAttributesClassName") or "<unset>"), _age(pvc, ctx),
        str(spec.get("volumeMode") or "<unset>"),
    ]  # fmt: skip


# printPersistentVolume
def _print_pv(pv: Obj, ctx: _Ctx) -> list[str]:
    """CLAIM is namespace/name of the claimRef; STATUS Terminating once deletion started."""
    spec, status = _get(pv, "spec") or {}, _get(pv, "status") or {}
    phase = "Terminating" if _get(pv, "metadata", "deletionTimestamp") else str(status.get("phase") or "")
    present = set(_list(spec, "accessModes"))
    modes = ",".join(short for mode, short in _ACCESS_MODES if mode in present)
    ref = spec.get("claimRef") or {}
    claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""
    annotations = _get(pv, "metadata", "annotations") or {}
    storage_class = annotations.get("volume.beta.kubernetes.io/storage-class") or spec.get("storageClassName")
    return [
        _name(pv), str(_get(spec, "capacity", "storage") or ""), modes,
        str(spec.get("persistentVolumeReclaimPolicy") or ""), phase, claim, str(storage_class or ""),
        str(spec.get("volumeAttributesClassName") or "<unset>"), str(status.get("reason") or ""), _age(pv, ctx),
        str(spec.get("volumeMode") or "<unset>"),
    ]  # fmt: skip


# printCSIDriver
def _print_csidriver(d: Obj, ctx: _Ctx) -> list[str]:
    """attachRequired defaults to true; TOKENREQUESTS lists the audiences or says <unset>."""
    spec = _get(d, "spec") or {}
    attach = spec.get("attachRequired")
    tokens = ",".join(str(t.get("audience") or "") for t in _list(spec, "tokenRequests")) or "<unset>"
    return [
        _name(d), str(attach is None or bool(attach)).lower(), str(bool(spec.get("podInfoOnMount"))).lower(),
        str(bool(spec.get("storageCapacity"))).lower(), tokens, str(bool(spec.get("requiresRepublish"))).lower(),
        ",".join(str(m) for m in _list(spec, "volumeLifecycleModes")), _age(d, ctx),
    ]  # fmt: skip


# printCSIStorageCapacity
def _print_csistoragecapacity(c: Obj, ctx: _Ctx) -> list[str]:
    """CAPACITY is <unset> when the driver reported none."""
    return [_name(c), str(c.get("storageClassName") or ""), str(c.get("capacity") or "<unset>")]


# printStorageClass
def _print_storageclass(sc: Obj, ctx: _Ctx) -> list[str]:
    """The default class's NAME says ``(default)``."""
    name = _name(sc)
    if (_get(sc, "metadata", "annotations") or {}).get("storageclass.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    return [
        name, str(sc.get("provisioner") or ""), str(sc.get("reclaimPolicy") or "Delete"),
        str(sc.get("volumeBindingMode") or "Immediate"), str(bool(sc.get("allowVolumeExpansion"))).lower(),
        _age(sc, ctx),
    ]  # fmt: skip


def _print_volumeattachment(va: Obj, ctx: _Ctx) -> list[str]:
    """printVolumeAttachment: the PV from the source, ATTACHED from the status (false until the driver attached)."""
    return [_name(va), str(_get(va, "spec", "attacher") or ""),
            str((_get(va, "spec", "source") or {}).get("persistentVolumeName") or ""),
            str(_get(va, "spec", "nodeName") or ""), str(bool(_get(va, "status", "attached"))).lower(), _age(va, ctx)]


def _hpa_metrics(hpa: Obj) -> tuple[list[Any], list[Any]]:
    """Spec metrics and current metrics; autoscaling/v1 objects are converted as the server does."""
    spec, status = _get(hpa, "spec") or {}, _get(hpa, "status") or {}
    if "metrics" in spec or "targetCPUUtilizationPercentage" not in spec:
        return _list(spec, "metrics"), _list(status, "currentMetrics")
    target = {"type": "Utilization", "averageUtilization": spec["targetCPUUtilizationPercentage"]}
    metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": target}}]
    current = []
    if status.get("currentCPUUtilizationPercentage") is not None:
        value = {"averageUtilization": status["currentCPUUtilizationPercentage"]}
        current = [{"type": "Resource", "resource": {"name": "cpu", "current": value}}]
    return metrics, current


def _hpa_target(spec: Mapping[str, Any], status: Any, key: str) -> str:
    """One metric of ``formatHPAMetrics`` for the External/Object/Resource/ContainerResource types."""
    source = spec.get(key) or {}
    target = source.get("target") or {}
    # Go checks the status *source* pointer; its Current is a struct, so fields may still be nil.
    current = (_get(status, key, "current") or {}) if _get(status, key) is not None else None
    named = key in ("resource", "containerResource")
    prefix = f"{source.get('name', '')}: " if named else ""
    if target.get("averageValue") is not None:
        cur = "<unknown>"
        if current is not None and (named or current.get("averageValue") is not None):
            cur = _quantity(current.get("averageValue"))
        return f"{prefix}{cur}/{_quantity(target['averageValue'])}" + ("" if named else " (avg)")
    if named:
        cur = "<unknown>"
        if current is not None and current.get("averageUtilization") is not None:
            cur = f"{_int(current['averageUtilization'])}%"
        util = target.get("averageUtilization")
        return f"{prefix}{cur}/{'<auto>' if util is None else f'{_int(util)}%'}"
    cur = _quantity(current.get("value")) if current is not None else "<unknown>"
    return f"{cur}/{_quantity(target.get('value'))}"


_HPA_KEYS = {"External": "external", "Object": "object", "Resource": "resource",
             "ContainerResource": "containerResource"}  # fmt: skip


# printHorizontalPodAutoscaler (formatHPAMetrics)
def _print_hpa(hpa: Obj, ctx: _Ctx) -> list[str]:
    """TARGETS shows at most two metrics then ``+ N more...``; unknown currents are ``<unknown>``."""
    specs, statuses = _hpa_metrics(hpa)
    items: list[str] = []
    for i, metric in enumerate(specs):
        status = statuses[i] if i < len(statuses) else None
        mtype = metric.get("type")
        if mtype == "Pods":
            cur = "<unknown>"
            if _get(status, "pods") is not None:
                cur = _quantity(_get(status, "pods", "current", "averageValue"))
            items.append(f"{cur}/{_quantity(_get(metric, 'pods', 'target', 'averageValue'))}")
        elif mtype in _HPA_KEYS:
            items.append(_hpa_target(metric, status, _HPA_KEYS[mtype]))
        else:
            items.append("<unknown type>")
    targets = "<none>" if not specs else ", ".join(items[:2])
    if len(items) > 2:
        targets = f"{targets} + {len(items) - 2} more..."
    spec = _get(hpa, "spec") or {}
    ref = spec.get("scaleTargetRef") or {}
    min_pods = "<unset>" if spec.get("minReplicas") is None else str(_int(spec["minReplicas"]))
    return [
        _name(hpa), f"{ref.get('kind', '')}/{ref.get('name', '')}", targets, min_pods,
        str(_int(spec.get("maxReplicas"))), str(_int(_get(hpa, "status", "currentReplicas"))), _age(hpa, ctx),
    ]  # fmt: skip


# printPodDisruptionBudget
def _print_pdb(pdb: Obj, ctx: _Ctx) -> list[str]:
    spec = _get(pdb, "spec") or {}
    min_available = "N/A" if spec.get("minAvailable") is None else _int_or_string(spec["minAvailable"])
    max_unavailable = "N/A" if spec.get("maxUnavailable") is None else _int_or_string(spec["maxUnavailable"])
    allowed = str(_int(_get(pdb, "status", "disruptionsAllowed")))
    return [_name(pdb), min_available, max_unavailable, allowed, _age(pdb, ctx)]


# printPriorityClass
def _print_priorityclass(pc: Obj, ctx: _Ctx) -> list[str]:
    """PREEMPTIONPOLICY has priority 0 upstream, so it shows even without ``-o wide``."""
    return [
        _name(pc), str(_int(pc.get("value"))), _go_bool(pc.get("globalDefault")), _age(pc, ctx),
        str(pc.get("preemptionPolicy") or ""),
    ]  # fmt: skip


# printLease
def _print_lease(lease: Obj, ctx: _Ctx) -> list[str]:
    return [_name(lease), str(_get(lease, "spec", "holderIdentity") or ""), _age(lease, ctx)]


def _print_role(role: Obj, ctx: _Ctx) -> list[str]:
    """printRole / printClusterRole: the name and CREATED AT (RFC 3339, UTC)."""
    return [_name(role), str(_get(role, "metadata", "creationTimestamp") or "")]


def _print_role_binding(binding: Obj, ctx: _Ctx) -> list[str]:
    """printRoleBinding / printClusterRoleBinding: ROLE is Kind/name; -o wide lists the subjects by kind
    (rbac.SubjectsStrings: service accounts as namespace/name)."""
    ref = _get(binding, "roleRef") or {}
    users, groups, accounts = [], [], []
    for s in _list(binding, "subjects"):
        kind, name = s.get("kind"), str(s.get("name", ""))
        if kind == "User":
            users.append(name)
        elif kind == "Group":
            groups.append(name)
        elif kind == "ServiceAccount":
            accounts.append(f"{s.get('namespace', '')}/{name}")
    return [_name(binding), f"{ref.get('kind', '')}/{ref.get('name', '')}", _age(binding, ctx), ", ".join(users),
            ", ".join(groups), ", ".join(accounts)]


_RBAC_BINDING: list[Column] = [("NAME", 0), ("ROLE", 0), ("AGE", 0), ("USERS", 1), ("GROUPS", 1),
                               ("SERVICEACCOUNTS", 1)]
_WORKLOAD_WIDE: list[Column] = [("CONTAINERS", 1), ("IMAGES", 1), ("SELECTOR", 1)]

#: canonical resource -> (columns with priority, printer); the order of AddHandlers upstream.
_PRINTERS: dict[str, tuple[list[Column], Printer]] = {
    "pods": ([("NAME", 0), ("READY", 0), ("STATUS", 0), ("RESTARTS", 0), ("AGE", 0), ("IP", 1), ("NODE", 1),
              ("NOMINATED NODE", 1), ("READINESS GATES", 1)], _print_pod),
    "poddisruptionbudgets": ([("NAME", 0), ("MIN AVAILABLE", 0), ("MAX UNAVAILABLE", 0),
                              ("ALLOWED DISRUPTIONS", 0), ("AGE", 0)], _print_pdb),
    "replicasets": ([("NAME", 0), ("DESIRED", 0), ("CURRENT", 0), ("READY", 0), ("AGE", 0),
                     *_WORKLOAD_WIDE], _print_replicaset),
    "daemonsets": ([("NAME", 0), ("DESIRED", 0), ("CURRENT", 0), ("READY", 0), ("UP-TO-DATE", 0),
                    ("AVAILABLE", 0), ("NODE SELECTOR", 0), ("AGE", 0), *_WORKLOAD_WIDE], _print_daemonset),
    "jobs": ([("NAME", 0), ("STATUS", 0), ("COMPLETIONS", 0), ("DURATION", 0), ("AGE", 0),
              *_WORKLOAD_WIDE], _print_job),
    "cronjobs": ([("NAME", 0), ("SCHEDULE", 0), ("TIMEZONE", 0), ("SUSPEND", 0), ("ACTIVE", 0),
                  ("LAST SCHEDULE", 0), ("AGE", 0), *_WORKLOAD_WIDE], _print_cronjob),
    "services": ([("NAME", 0), ("TYPE", 0), ("CLUSTER-IP", 0), ("EXTERNAL-IP", 0), ("PORT(S)", 0),
                  ("AGE", 0), ("SELECTOR", 1)], _print_service),
    "statefulsets": ([("NAME", 0), ("READY", 0), ("AGE", 0), ("CONTAINERS", 1), ("IMAGES", 1)],
                     _print_statefulset),
    "endpoints": ([("NAME", 0), ("ENDPOINTS", 0), ("AGE", 0)], _print_endpoints),
    "nodes": ([("NAME", 0), ("STATUS", 0), ("ROLES", 0), ("AGE", 0), ("VERSION", 0), ("INTERNAL-IP", 1),
               ("EXTERNAL-IP", 1), ("OS-IMAGE", 1), ("KERNEL-VERSION", 1), ("CONTAINER-RUNTIME", 1)],
              _print_node),
    "events": ([("LAST SEEN", 0), ("TYPE", 0), ("REASON", 0), ("OBJECT", 0), ("SUBOBJECT", 1), ("SOURCE", 1),
                ("MESSAGE", 0), ("FIRST SEEN", 1), ("COUNT", 1), ("NAME", 1)], _print_event),
    "namespaces": ([("NAME", 0), ("STATUS", 0), ("AGE", 0)], _print_namespace),
    "secrets": ([("NAME", 0), ("TYPE", 0), ("DATA", 0), ("AGE", 0)], _print_secret),
    "persistentvolumeclaims": ([("NAME", 0), ("STATUS", 0), ("VOLUME", 0), ("CAPACITY", 0),
                                ("ACCESS MODES", 0), ("STORAGECLASS", 0), ("VOLUMEATTRIBUTESCLASS", 0),
                                ("AGE", 0), ("VOLUMEMODE", 1)], _print_pvc),
    "persistentvolumes": ([("NAME", 0), ("CAPACITY", 0), ("ACCESS MODES", 0), ("RECLAIM POLICY", 0),
                           ("STATUS", 0), ("CLAIM", 0), ("STORAGECLASS", 0), ("VOLUMEATTRIBUTESCLASS", 0),
                           ("REASON", 0), ("AGE", 0), ("VOLUMEMODE", 1)], _print_pv),
    "storageclasses": ([("NAME", 0), ("PROVISIONER", 0), ("RECLAIMPOLICY", 0), ("VOLUMEBINDINGMODE", 0),
                        ("ALLOWVOLUMEEXPANSION", 0), ("AGE", 0)], _print_storageclass),
    "csidrivers": ([("NAME", 0), ("ATTACHREQUIRED", 0), ("PODINFOONMOUNT", 0), ("STORAGECAPACITY", 0),
                    ("TOKENREQUESTS", 0), ("REQUIRESREPUBLISH", 0), ("MODES", 0), ("AGE", 0)], _print_csidriver),
    "csistoragecapacities": ([("NAME", 0), ("STORAGECLASSNAME", 0), ("CAPACITY", 0)], _print_csistoragecapacity),
    "deployments": ([("NAME", 0), ("READY", 0), ("UP-TO-DATE", 0), ("AVAILABLE", 0), ("AGE", 0),
                     *_WORKLOAD_WIDE], _print_deployment),
    "horizontalpodautoscalers": ([("NAME", 0), ("REFERENCE", 0), ("TARGETS", 0), ("MINPODS", 0),
                                  ("MAXPODS", 0), ("REPLICAS", 0), ("AGE", 0)], _print_hpa),
    "configmaps": ([("NAME", 0), ("DATA", 0), ("AGE", 0)], _print_configmap),
    "leases": ([("NAME", 0), ("HOLDER", 0), ("AGE", 0)], _print_lease),
    "priorityclasses": ([("NAME", 0), ("VALUE", 0), ("GLOBAL-DEFAULT", 0), ("AGE", 0),
                         ("PREEMPTIONPOLICY", 0)], _print_priorityclass),
    "endpointslices": ([("NAME", 0), ("ADDRESSTYPE", 0), ("PORTS", 0), ("ENDPOINTS", 0), ("AGE", 0)],
                       _print_endpointslice),
    "networkpolicies": ([("NAME", 0), ("POD-SELECTOR", 0), ("AGE", 0)], _print_networkpolicy),
    "ingresses": ([("NAME", 0), ("CLASS", 0), ("HOSTS", 0), ("ADDRESS", 0), ("PORTS", 0), ("AGE", 0)],
                  _print_ingress),
    "ingressclasses": ([("NAME", 0), ("CONTROLLER", 0), ("PARAMETERS", 0), ("AGE", 0)], _print_ingressclass),
    "volumeattachments": ([("NAME", 0), ("ATTACHER", 0), ("PV", 0), ("NODE", 0), ("ATTACHED", 0), ("AGE", 0)],
                          _print_volumeattachment),
    "roles": ([("NAME", 0), ("CREATED AT", 0)], _print_role),
    "clusterroles": ([("NAME", 0), ("CREATED AT", 0)], _print_role),
    "rolebindings": (_RBAC_BINDING, _print_role_binding),
    "clusterrolebindings": (_RBAC_BINDING, _print_role_binding),
}  # fmt: skip


# printResourceQuota: each hard resource as "name: used/hard", limits.* in LIMIT and the rest in REQUEST
def _print_resourcequota(rq: Obj, ctx: _Ctx) -> list[str]:
    hard = _get(rq, "status", "hard") or {}
    used = _get(rq, "status", "used") or {}
    request: list[str] = []
    limit: list[str] = []
    for name in sorted(hard):
        cell = f"{name}: {used.get(name, '0')}/{hard[name]}"
        (limit if name.split(".")[0] == "limits" and "." in name else request).append(cell)
    return [_name(rq), _age(rq, ctx), ", ".join(request), ", ".join(limit)]


# printLimitRange: the creation time as RFC 3339
def _print_limitrange(lr: Obj, ctx: _Ctx) -> list[str]:
    return [_name(lr), str(_get(lr, "metadata", "creationTimestamp") or "<unknown>")]


_PRINTERS.update({
    "resourcequotas": ([("NAME", 0), ("AGE", 0), ("REQUEST", 0), ("LIMIT", 0)], _print_resourcequota),
    "limitranges": ([("NAME", 0), ("CREATED AT", 0)], _print_limitrange),
})


def table(
    resource: str,
    objects: Sequence[Obj],
    now: datetime,
    *,
    wide: bool = False,
    related: Related | None = None,
    all_namespaces: bool = False,
) -> tuple[list[str], list[list[str]]]:
    """Header and rows ``kubectl get <resource> [-o wide] [-A]`` prints, rows in the order given.

    ``now`` is the virtual clock for AGE-like cells (a naive datetime is taken as UTC).
    ``all_namespaces`` prepends kubectl's NAMESPACE column, as ``-A`` does.
    """
    columns, printer = _PRINTERS[canonical_resource(resource)]
    ctx = _Ctx(now=now, related=related)
    keep = [i for i, (_, priority) in enumerate(columns) if wide or priority == 0]
    headers = [columns[i][0] for i in keep]
    rows = []
    for obj in objects:
        cells = printer(obj, ctx)
        rows.append([cells[i] for i in keep])
    if all_namespaces:
        headers.insert(0, "NAMESPACE")
        for obj, row in zip(objects, rows, strict=True):
            row.insert(0, str(_get(obj, "metadata", "namespace") or ""))
    return headers, rows


# --------------------------------------------------------------------------------------------
# Rendering (cli-runtime printTable + GetNewTabWriter)
# --------------------------------------------------------------------------------------------

_TAB_MIN_WIDTH = 6  # tabwriterMinWidth: a column is at least this wide, padding included
_TAB_PADDING = 3  # tabwriterPadding: spaces after the widest cell of a column


def _cell_text(cell: str) -> str:
    """``appendCellValue``: a cell is cut at the first line break and marked with ``...``."""
    for i, ch in enumerate(cell):
        if ch in "\f\n\r":
            return cell[:i] + "..."
    return cell


def render(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Lay the table out the way kubectl's tabwriter does (no trailing newline).

    Columns are padded to the widest cell plus 3 spaces (min width 6); the last column is not
    padded, so lines carry no trailing blanks. Like kubectl, an empty table prints nothing (kubectl
    then says "No resources found" on stderr).
    """
    if not rows:
        return ""
    lines = [[_cell_text(str(c)) for c in line] for line in [list(headers), *rows]]
    n_cols = max(len(line) for line in lines)
    widest = [
        max((len(line[c]) for line in lines if c < len(line) - 1), default=0) for c in range(n_cols - 1)
    ]
    widths = [max(_TAB_MIN_WIDTH, w + _TAB_PADDING) for w in widest]
    out = []
    for line in lines:
        parts = [cell.ljust(widths[c]) if c < len(line) - 1 else cell for c, cell in enumerate(line)]
        out.append("".join(parts))
    return "\n".join(out)


#: Every spelling ``kubectl get X`` accepts (plural, singular, short name) -> canonical plural, for the
#: resources printed here.
RESOURCE_ALIASES: dict[str, str] = {
    alias: k.resource for k in KINDS if k.resource in _PRINTERS for alias in (k.resource, k.singular, *k.short_names)
}
