"""The HPA's replica calculation for Pods, Object and External metric sources (autoscaling/v2).

pkg/controller/podautoscaler/replica_calculator.go: the Resource path lives on ``HPAController`` (it needs the
cpu initialization rules and the metrics-server source); these are the other sources, as pure functions of the
pods the HPA's selector matches and the metric values the custom/external metrics API returned, so the
controller and the conformance ports share them. Values are raw (milli-units), as upstream's ``int64`` usages.
"""

from __future__ import annotations

import math

from kspec.controllers.controller_utils import is_pod_ready
from kspec.objects import Obj

#: defaultTestingTolerance / the controller-manager's --horizontal-pod-autoscaler-tolerance
TOLERANCE = 0.1


class MetricError(Exception):
    """A metric could not be computed; the message is what the HPA reports."""


def within(ratio: float, tolerance: float = TOLERANCE) -> bool:
    """Tolerances.isWithin (bounds inclusive)."""
    return 1.0 - tolerance <= ratio <= 1.0 + tolerance


def group_plain(pods: list[Obj], metrics: dict[str, int]) -> tuple[int, set[str], set[str], set[str]]:
    """groupPods for a non-cpu metric: deleted and failed pods are ignored, pending ones unready, pods without a
    sample missing; readiness is only judged for cpu, so every other pod counts as ready."""
    ready, unready, missing, ignored = 0, set(), set(), set()
    for pod in pods:
        name, phase = pod["metadata"]["name"], (pod.get("status") or {}).get("phase")
        if pod["metadata"].get("deletionTimestamp") or phase == "Failed":
            ignored.add(name)
        elif phase == "Pending":
            unready.add(name)
        elif name not in metrics:
            missing.add(name)
        else:
            ready += 1
    return ready, unready, missing, ignored


def _usage_ratio(metrics: dict[str, int], target: int) -> tuple[float, int]:
    """metricsclient.GetMetricUsageRatio: the (integer) mean over the target."""
    usage = sum(metrics.values()) // len(metrics)
    return usage / target, usage


def plain_metric_replicas(pods: list[Obj], metrics: dict[str, int], target: int, current: int,
                          tolerance: float = TOLERANCE) -> tuple[int, int]:
    """calcPlainMetricReplicas (GetMetricReplicas, a Pods metric with an AverageValue target): the mean per-pod
    value over the target, with missing pods assumed at the target (scale down) or zero (scale up) and unready
    pods at zero when scaling up, never reversing the direction."""
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = group_plain(pods, metrics)
    metrics = {n: v for n, v in metrics.items() if n not in ignored and n not in unready}
    if not metrics:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    ratio, usage = _usage_ratio(metrics, target)
    scale_up_unready = bool(unready) and ratio > 1.0
    if not scale_up_unready and not missing:
        if within(ratio, tolerance):
            return current, usage
        return math.ceil(ratio * ready), usage
    for name in missing:
        metrics[name] = target if ratio < 1.0 else 0
    if scale_up_unready:
        for name in unready:
            metrics[name] = 0
    new_ratio, _ = _usage_ratio(metrics, target)
    if within(new_ratio, tolerance) or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
        return current, usage
    replicas = math.ceil(new_ratio * len(metrics))
    if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
        return current, usage
    return replicas, usage


def ready_pods_count(pods: list[Obj]) -> int:
    """getReadyPodsCount: Running pods whose Ready condition is True."""
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    return sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Running" and is_pod_ready(p))


def usage_ratio_replicas(current: int, ratio: float, pods: list[Obj], tolerance: float = TOLERANCE) -> int:
    """getUsageRatioReplicaCount: the ratio times the ready pods, or straight from the ratio at zero replicas."""
    if current == 0:
        return math.ceil(ratio)
    if within(ratio, tolerance):
        return current
    return math.ceil(ratio * ready_pods_count(pods))


def object_replicas(current: int, usage: int, target: int, pods: list[Obj],
                    tolerance: float = TOLERANCE) -> tuple[int, int]:
    """GetObjectMetricReplicas (an Object metric with a Value target)."""
    return usage_ratio_replicas(current, usage / target, pods, tolerance), usage


def _per_pod(status_replicas: int, usage: int, target: int, tolerance: float) -> tuple[int, int]:
    """The AverageValue arithmetic shared by GetObjectPerPodMetricReplicas and GetExternalPerPodMetricReplicas:
    the total over the per-pod target, reported usage rounded up per current replica."""
    replicas = status_replicas
    if not within(usage / (target * replicas), tolerance):
        replicas = math.ceil(usage / target)
    return replicas, math.ceil(usage / status_replicas)


def object_per_pod_replicas(status_replicas: int, usage: int, target: int,
                            tolerance: float = TOLERANCE) -> tuple[int, int]:
    """GetObjectPerPodMetricReplicas (an Object metric with an AverageValue target)."""
    return _per_pod(status_replicas, usage, target, tolerance)


def external_replicas(current: int, values: list[int], target: int, pods: list[Obj],
                      tolerance: float = TOLERANCE) -> tuple[int, int]:
    """GetExternalMetricReplicas (an External metric with a Value target): the sum of the matching series."""
    if not values:
        raise MetricError("no metrics returned from external metrics API")
    usage = sum(values)
    return usage_ratio_replicas(current, usage / target, pods, tolerance), usage


def external_per_pod_replicas(status_replicas: int, values: list[int], target: int,
                              tolerance: float = TOLERANCE) -> tuple[int, int]:
    """GetExternalPerPodMetricReplicas (an External metric with an AverageValue target)."""
    if not values:
        raise MetricError("no metrics returned from external metrics API")
    return _per_pod(status_replicas, sum(values), target, tolerance)
