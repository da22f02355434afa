"""``metrics.k8s.io/v1beta1`` (what metrics-server serves), so ``kubectl top pod`` and ``kubectl top node`` work.

The numbers are kspec's simulated metrics: the cpu usage steps give pods (kspec/metrics.py, what the HPA
reads) and the memory working set steps give containers (the runtime). As with metrics-server, only running
pods with a cpu usage are reported; a node reports the sum of its reported pods. The group is served once a
step has set some usage (a cluster without that is one without metrics-server: kubectl says "Metrics API not
available").
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from kspec.errors import ApiError
from kspec.labels import Selector
from kspec.metrics import WINDOW_MS, metrics_for
from kspec.objects import EPOCH, Obj

if TYPE_CHECKING:
    from kspec.cluster import Cluster

GROUP, VERSION = "metrics.k8s.io", "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"


def available(cluster: Cluster) -> bool:
    """Whether the cluster has a metrics source (a step set a cpu usage): metrics-server is "installed"."""
    return cluster.__dict__.get("metrics") is not None


def group() -> dict[str, Any]:
    gv = {"groupVersion": API_VERSION, "version": VERSION}
    return {"name": GROUP, "versions": [gv], "preferredVersion": gv}


def resource_list() -> dict[str, Any]:
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": API_VERSION, "resources": [
        {"name": "nodes", "singularName": "", "namespaced": False, "kind": "NodeMetrics", "verbs": ["get", "list"]},
        {"name": "pods", "singularName": "", "namespaced": True, "kind": "PodMetrics", "verbs": ["get", "list"]}]}


def _stamp(ms: int) -> str:
    return (EPOCH + timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _memory(cluster: Cluster, pod: Obj) -> dict[str, int]:
    """Working set per running container of the pod, from the simulated runtime (0 when no step set one)."""
    runtime = getattr(cluster.components.get("runtime"), "runtime", None)
    uid = pod["metadata"].get("uid")
    out: dict[str, int] = {}
    for c in getattr(runtime, "containers", {}).values():
        if c.pod_uid == uid and c.running:
            out[c.name] = c.memory_bytes
    return out


def pod_metrics(cluster: Cluster, pod: Obj) -> dict[str, Any] | None:
    """One PodMetrics; its cpu goes to the first container (kspec's usage is per pod)."""

    cpu = metrics_for(cluster).pod_cpu(pod)
    if cpu is None:
        return None
    memory = _memory(cluster, pod)
    containers = []
    for i, c in enumerate((pod.get("spec") or {}).get("containers") or []):
        containers.append({"name": c["name"], "usage": {"cpu": f"{cpu if i == 0 else 0}m",
                                                          "memory": f"{memory.get(c['name'], 0) // 1024}Ki"}})
    md = pod["metadata"]
    now = cluster.clock.now
    return {"kind": "PodMetrics", "apiVersion": API_VERSION,
            "metadata": {"name": md["name"], "namespace": md["namespace"], "creationTimestamp": _stamp(now),
                         "labels": dict(md.get("labels") or {})},
            "timestamp": _stamp(max(0, now - WINDOW_MS)), "window": f"{WINDOW_MS // 1000}s",
            "containers": containers}


def node_metrics(cluster: Cluster, node: Obj, pods: list[Obj]) -> dict[str, Any]:
    name = node["metadata"]["name"]
    cpu = memory = 0
    for pod in pods:
        if (pod.get("spec") or {}).get("nodeName") != name:
            continue
        found = pod_metrics(cluster, pod)
        if found is not None:
            cpu += sum(int(c["usage"]["cpu"][:-1]) for c in found["containers"])
            memory += sum(int(c["usage"]["memory"][:-2]) for c in found["containers"])
    now = cluster.clock.now
    return {"kind": "NodeMetrics", "apiVersion": API_VERSION,
            "metadata": {"name": name, "creationTimestamp": _stamp(now),
                         "labels": dict(node["metadata"].get("labels") or {})},
            "timestamp": _stamp(max(0, now - WINDOW_MS)), "window": f"{WINDOW_MS // 1000}s",
            "usage": {"cpu": f"{cpu}m", "memory": f"{memory}Ki"}}


def get(cluster: Cluster, rest: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
    """GET below /apis/metrics.k8s.io/v1beta1: the resource list, a list of metrics, or one."""
    if not rest:
        return resource_list()
    namespace = None
    if rest[0] == "namespaces" and len(rest) >= 3:
        namespace, rest = rest[1], rest[2:]
    resource, name = rest[0], (rest[1] if len(rest) > 1 else "")
    label = q.get("labelSelector", [""])[0]
    selector = Selector.parse(label) if label else None
    api = cluster.api
    if resource == "pods":
        pods = api.list("pods", namespace)
        if name:
            pods = [p for p in pods if p["metadata"]["name"] == name]
        found = [m for p in pods if (selector is None or selector.matches(p["metadata"].get("labels")))
                 and (m := pod_metrics(cluster, p)) is not None]
        kind = "PodMetrics"
    elif resource == "nodes" and namespace is None:
        nodes = [n for n in api.list("nodes") if (not name or n["metadata"]["name"] == name)
                 and (selector is None or selector.matches(n["metadata"].get("labels")))]
        every_pod = api.list("pods")
        found = [node_metrics(cluster, n, every_pod) for n in nodes]
        kind = "NodeMetrics"
    else:
        raise ApiError(404, "NotFound", "the server could not find the requested resource")
    if name:
        if not found:
            raise ApiError(404, "NotFound", f'{resource}.{GROUP} "{name}" not found')
        return found[0]
    return {"kind": f"{kind}List", "apiVersion": API_VERSION, "metadata": {}, "items": found}
