"""The oom_score_adj the kubelet gives a container (pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust).

Guaranteed and critical pods get -997 and BestEffort 1000; a Burstable container's score falls with
the share of the node's memory it requests, kept between 3 (above any Guaranteed container) and 999
(below any BestEffort one).
"""

from __future__ import annotations

from typing import Any

from kspec.api.qos import compute_qos
from kspec.quantity import to_int

GUARANTEED_OOM_SCORE_ADJ = -997  # guaranteedOOMScoreAdj
BESTEFFORT_OOM_SCORE_ADJ = 1000  # besteffortOOMScoreAdj
SYSTEM_CRITICAL_PRIORITY = 2_000_000_000  # scheduling.SystemCriticalPriority


def is_critical(pod: dict[str, Any]) -> bool:
    """kubelettypes.IsCriticalPod: a static or mirror pod, or one at system-critical priority."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if annotations.get("kubernetes.io/config.source", "api") != "api" or "kubernetes.io/config.mirror" in annotations:
        return True
    value = (pod.get("spec") or {}).get("priority")
    return value is not None and int(value) >= SYSTEM_CRITICAL_PRIORITY


def oom_score_adjust(pod: dict[str, Any], container: dict[str, Any], memory_capacity: int) -> int:
    """GetContainerOOMScoreAdjust."""
    if is_critical(pod):
        return GUARANTEED_OOM_SCORE_ADJ
    qos = compute_qos(pod)
    if qos == "Guaranteed":
        return GUARANTEED_OOM_SCORE_ADJ
    if qos == "BestEffort":
        return BESTEFFORT_OOM_SCORE_ADJ
    request = ((container.get("resources") or {}).get("requests") or {}).get("memory")
    score = 1000 - (1000 * (to_int(request) if request else 0)) // memory_capacity
    if score < 1000 + GUARANTEED_OOM_SCORE_ADJ:
        return 1000 + GUARANTEED_OOM_SCORE_ADJ
    if score == BESTEFFORT_OOM_SCORE_ADJ:
        return score - 1
    return score
