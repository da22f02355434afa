"""kubernetes pkg/kubelet/qos/policy_test.go: TestGetContainerOOMScoreAdjust against kspec.kubelet.qos."""

from __future__ import annotations

import pytest

from kspec.kubelet.qos import oom_score_adjust
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/qos/policy_test.go"

STANDARD = 8_000_000_000  # standardMemoryAmount


def pod(requests: dict | None = None, limits: dict | None = None, priority: int | None = None) -> dict:
    resources = {k: v for k, v in (("requests", requests), ("limits", limits)) if v}
    spec: dict = {"containers": [{"name": "c", "resources": resources}]}
    if priority is not None:
        spec["priority"] = priority
    return {"metadata": {}, "spec": spec}


CASES = [
    case("TestGetContainerOOMScoreAdjust", "cpuLimit", pod=pod(limits={"cpu": "10"}), capacity=4_000_000_000,
         low=999, high=999),
    case("TestGetContainerOOMScoreAdjust", "memoryLimitCPURequest",
         pod=pod(requests={"cpu": "0"}, limits={"memory": "10G"}), capacity=8_000_000_000, low=999, high=999),
    case("TestGetContainerOOMScoreAdjust", "zeroMemoryLimit", pod=pod(limits={"memory": "0"}),
         capacity=7_230_457_451, low=1000, high=1000),
    case("TestGetContainerOOMScoreAdjust", "noRequestLimit", pod=pod(), capacity=4_000_000_000, low=1000, high=1000),
    case("TestGetContainerOOMScoreAdjust", "equalRequestLimitCPUMemory",
         pod=pod(requests={"memory": "10G", "cpu": "5m"}, limits={"cpu": "5m", "memory": "10G"}),
         capacity=123_456_789, low=-997, high=-997),
    case("TestGetContainerOOMScoreAdjust", "cpuUnlimitedMemoryLimitedWithRequests",
         pod=pod(requests={"memory": str(STANDARD // 2), "cpu": "5m"}, limits={"memory": "10G"}), capacity=STANDARD,
         low=495, high=505),
    case("TestGetContainerOOMScoreAdjust", "requestNoLimit",
         pod=pod(requests={"memory": str(STANDARD - 1), "cpu": "5m"}), capacity=STANDARD, low=3, high=3),
    case("TestGetContainerOOMScoreAdjust", "critical", pod=pod(priority=2_000_000_000), capacity=4_000_000_000,
         low=-997, high=-997),
]


@pytest.mark.parametrize("data", CASES)
def test_get_container_oom_score_adjust(data: dict) -> None:
    score = oom_score_adjust(data["pod"], data["pod"]["spec"]["containers"][0], data["capacity"])
    assert data["low"] <= score <= data["high"]
