"""kubernetes pkg/controller/tainteviction/taint_eviction_test.go: TestGetMinTolerationTime.

Upstream's getMinTolerationTime takes the tolerations already matched to the node's taints and answers a
duration (0: now, negative: never); kspec's min_toleration_ms matches them itself and answers -1 for "now"
and None for "never", so the adapter gives it one NoExecute taint every listed toleration tolerates.
"""

from __future__ import annotations

import pytest

from kspec.controllers.tainteviction import min_toleration_ms
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/tainteviction/taint_eviction_test.go"
F = "TestGetMinTolerationTime"

CASES = [
    case(F, "0 no tolerations", seconds=[], expected_ms=0),
    case(F, "1 nil tolerationSeconds", seconds=[None], expected_ms=-1),
    case(F, "2 one and two seconds", seconds=[1, 2], expected_ms=1000),
    case(F, "3 one second and nil", seconds=[1, None], expected_ms=1000),
    case(F, "4 nil and one second", seconds=[None, 1], expected_ms=1000),
]


@pytest.mark.parametrize("data", CASES)
def test_get_min_toleration_time(data: dict) -> None:
    taint = {"key": "testTaint1", "value": "test1", "effect": "NoExecute"}
    tolerations = [{"operator": "Exists", **({"tolerationSeconds": s} if s is not None else {})}
                   for s in data["seconds"]]
    got = min_toleration_ms([taint], tolerations)
    assert {-1: 0, None: -1}.get(got, got) == data["expected_ms"]
