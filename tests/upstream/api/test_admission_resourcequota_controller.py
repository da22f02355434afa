"""The quota admission's helpers: upstream's TestPrettyPrint and TestHasUsageStats
(staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/admission_test.go), on ``kspec/api/quota.py``."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api import quota
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/admission_test.go"

P = "TestPrettyPrint"
PRETTY = [
    case(P, "0", input={"cpu": "100m"}, expected="cpu=100m"),
    case(P, "1", input={"pods": "10", "services": "10", "replicationcontrollers": "10", "services.nodeports": "10",
                        "requests.cpu": "100m", "requests.memory": "100Mi", "limits.cpu": "100m",
                        "limits.memory": "100Mi"},
         expected="limits.cpu=100m,limits.memory=100Mi,pods=10,replicationcontrollers=10,requests.cpu=100m,"
                  "requests.memory=100Mi,services=10,services.nodeports=10"),
]


@pytest.mark.parametrize("tc", PRETTY)
def test_pretty_print(tc: dict[str, Any]) -> None:
    assert quota.pretty({k: quota.Q.of(v) for k, v in tc["input"].items()}) == tc["expected"]


H = "TestHasUsageStats"
STATS = [
    case(H, "empty", status={"hard": {}}, relevant=["memory"], expected=True),
    case(H, "hard-only", status={"hard": {"memory": "1Gi"}, "used": {}}, relevant=["memory"], expected=False),
    case(H, "hard-used", status={"hard": {"memory": "1Gi"}, "used": {"memory": "500Mi"}}, relevant=["memory"],
         expected=True),
    case(H, "hard-used-relevant", status={"hard": {"memory": "1Gi", "pods": "1"}, "used": {"memory": "500Mi"}},
         relevant=["memory"], expected=True),
]


@pytest.mark.parametrize("tc", STATS)
def test_has_usage_stats(tc: dict[str, Any]) -> None:
    assert quota.has_usage_stats({"status": tc["status"]}, tc["relevant"]) is tc["expected"]
