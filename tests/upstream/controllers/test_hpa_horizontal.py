"""kubernetes pkg/controller/podautoscaler/horizontal_test.go: the HPA's normalization tables against kspec.

TestConvertDesiredReplicasWithRules (no behavior), TestCalculateScaleUp/DownLimit*, TestNormalizeDesiredReplicas
(stabilizeRecommendation, a 5 minute downscale window as in the test) and TestScalingWithRules
(convertDesiredReplicasWithBehaviorRate with GenerateHPAScaleUpRules / GenerateHPAScaleDownRules defaults).
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec import Cluster
from kspec.controllers.hpa import DOWNSCALE_WINDOW_MS, HPAController, ScaleEvent, _limit
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go"
MIN = 60_000
NOW = 3_600_000

CONVERT = [case("TestConvertDesiredReplicasWithRules", name, current=c, desired=d, lowest=lo, highest=hi,
                expected=e, condition=cond)
           for name, c, d, lo, hi, e, cond in [
               ("prenormalized desired replicas within range", 5, 7, 3, 8, 7, "DesiredWithinRange"),
               ("prenormalized desired replicas < minReplicas", 3, 1, 2, 8, 2, "TooFewReplicas"),
               ("prenormalized desired zeroed replicas within range", 1, 0, 0, 10, 0, "DesiredWithinRange"),
               ("maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, 10, "TooManyReplicas"),
               ("scaleUpLimit is the limit because scaleUpLimit < maxReplicas", 3, 1000, 1, 2000, 6, "ScaleUpLimit"),
           ]]


@pytest.mark.parametrize("data", CONVERT)
def test_convert_desired_replicas_with_rules(data: dict) -> None:
    replicas, condition, _ = _limit(data["current"], data["desired"], data["lowest"], data["highest"])
    assert (replicas, condition) == (data["expected"], data["condition"])


def rules(pods: int, pods_period: int, percent: int, percent_period: int, window: int,
          select: str = "Max") -> dict[str, Any]:
    """generateScalingRules."""
    policies = []
    if pods:
        policies.append({"type": "Pods", "value": pods, "periodSeconds": pods_period})
    if percent:
        policies.append({"type": "Percent", "value": percent, "periodSeconds": percent_period})
    return {"stabilizationWindowSeconds": window, "selectPolicy": select, "policies": policies}


def hpa() -> HPAController:
    c = Cluster(nodes=0)
    c.clock.now = NOW
    return HPAController(c)


MIN_POLICY = {"stabilizationWindowSeconds": 300, "selectPolicy": "Min", "policies": [
    {"type": "Pods", "value": 2, "periodSeconds": 60}, {"type": "Percent", "value": 50, "periodSeconds": 60}]}
LIMITS = [
    case("TestCalculateScaleUpLimitWithScalingRules", "min policy", current=1, up=True, expected=2, rules=MIN_POLICY),
    case("TestCalculateScaleDownLimitWithBehaviors", "min policy", current=5, up=False, expected=3, rules=MIN_POLICY),
]


@pytest.mark.parametrize("data", LIMITS)
def test_calculate_scale_limit(data: dict) -> None:
    assert hpa()._scale_limit(data["current"], [], [], data["rules"], scaling_up=data["up"]) == data["expected"]


NORMALIZE = [case("TestNormalizeDesiredReplicas", name, recommendations=recs, desired=d, stabilized=s, log=n)
             for name, recs, d, s, n in [
                 ("empty log", [], 5, 5, 1),
                 ("stabilize", [(4, -2), (5, -1)], 3, 5, 3),
                 ("no stabilize", [(1, -2), (2, -1)], 3, 3, 3),
                 ("no stabilize - old recommendations", [(10, -10), (9, -9)], 3, 3, 2),
                 ("stabilize - old recommendations", [(10, -10), (4, -1), (5, -2), (9, -9)], 3, 5, 4),
             ]]


@pytest.mark.parametrize("data", NORMALIZE)
def test_normalize_desired_replicas(data: dict) -> None:
    assert DOWNSCALE_WINDOW_MS == 5 * MIN
    controller = hpa()
    controller._recommendations[""] = [(value, NOW + minutes * MIN) for value, minutes in data["recommendations"]]
    assert controller._stabilize("", data["desired"], NOW) == data["stabilized"]
    assert len(controller._recommendations[""]) == data["log"]


def uniform(changes: list[int], period: int) -> list[tuple[int, int]]:
    """generateEventsUniformDistribution: (change, seconds ago) at the middle of equal segments of the period."""
    segment = period / len(changes)
    return [(change, int(period - segment * (i + 1) + segment / 2)) for i, change in enumerate(changes)]


DEFAULT_UP = {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
    {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]}
DEFAULT_DOWN = {"stabilizationWindowSeconds": 300, "selectPolicy": "Max", "policies": [
    {"type": "Percent", "value": 100, "periodSeconds": 15}]}
E159, E8129 = uniform([1, 5, 9], 120), uniform([8, 12, 9, 11], 120)


def rate(name: str, current: int, desired: int, lo: int, hi: int, expected: int, condition: str, *,
         up: dict | None = None, down: dict | None = None, ups: list | None = None,
         downs: list | None = None) -> object:
    return case("TestScalingWithRules", name, current=current, desired=desired, lo=lo, hi=hi, expected=expected,
                condition=condition, up=up or DEFAULT_UP, down=down or DEFAULT_DOWN, ups=ups or [], downs=downs or [])


RATES = [
    rate("prenormalized desired replicas within range", 5, 7, 3, 8, 7, "DesiredWithinRange"),
    rate("prenormalized desired replicas < minReplicas", 3, 1, 2, 8, 2, "TooFewReplicas"),
    rate("prenormalized desired replicas within range when minReplicas is 0", 1, 0, 0, 10, 0, "DesiredWithinRange"),
    rate("maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, 10, "TooManyReplicas"),
    rate("desired replica count is more than the maximum replica count", 100, 1000, 100, 150, 150, "TooManyReplicas"),
    rate("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", 3, 1000, 1, 2000, 4,
         "ScaleUpLimit", up=rules(0, 0, 1, 60, 0)),
    rate("scaleUp with default behavior", 10, 50, 1, 1000, 20, "ScaleUpLimit"),
    rate("scaleUp with pods policy larger than percent policy", 10, 500, 1, 1000, 110, "ScaleUpLimit",
         up=rules(100, 60, 100, 60, 0)),
    rate("scaleUp with percent policy larger than pods policy", 10, 500, 1, 1000, 20, "ScaleUpLimit",
         up=rules(2, 60, 100, 60, 0)),
    rate("scaleUp with spec MaxReplicas limitation with large pod policy", 10, 50, 1, 1000, 50, "DesiredWithinRange",
         up=rules(100, 60, 0, 0, 0)),
    rate("scaleUp with spec MaxReplicas limitation with large percent policy", 10, 50, 1, 1000, 50,
         "DesiredWithinRange", up=rules(10000, 60, 0, 0, 0)),
    rate("scaleUp with pod policy limitation", 10, 50, 1, 1000, 40, "ScaleUpLimit", up=rules(30, 60, 0, 0, 0)),
    rate("scaleUp with percent policy limitation", 10, 50, 1, 1000, 30, "ScaleUpLimit", up=rules(0, 0, 200, 60, 0)),
    rate("scaleDown with percent policy larger than pod policy", 100, 2, 1, 1000, 80, "ScaleDownLimit",
         down=rules(20, 60, 1, 60, 300)),
    rate("scaleDown with pod policy larger than percent policy", 100, 2, 1, 1000, 98, "ScaleDownLimit",
         down=rules(2, 60, 1, 60, 300)),
    rate("scaleDown with spec MinReplicas=nil limitation with large pod policy", 10, 0, 1, 1000, 1, "TooFewReplicas",
         down=rules(100, 60, 0, 0, 300)),
    rate("scaleDown with spec MinReplicas limitation with large pod policy", 10, 0, 1, 1000, 1, "TooFewReplicas",
         down=rules(100, 60, 0, 0, 300)),
    rate("scaleDown with spec MinReplicas limitation with large percent policy", 10, 2, 5, 1000, 5, "TooFewReplicas",
         down=rules(0, 0, 100, 60, 300)),
    rate("scaleDown with pod policy limitation", 10, 2, 1, 1000, 5, "ScaleDownLimit", down=rules(5, 60, 0, 0, 300)),
    rate("scaleDown with percent policy limitation", 10, 5, 1, 1000, 5, "DesiredWithinRange",
         down=rules(0, 0, 50, 60, 300)),
    rate("scaleUp with spec MaxReplicas limitation with large pod policy and events", 100, 500, 1, 200, 200,
         "TooManyReplicas", up=rules(300, 60, 0, 0, 0), ups=E159),
    rate("scaleUp with spec MaxReplicas limitation with large percent policy and events", 100, 500, 1, 200, 200,
         "TooManyReplicas", up=rules(0, 0, 10000, 60, 0), ups=E159),
    rate("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events", 100,
         500, 1, 1000, 100, "ScaleUpLimit", up=rules(5, 120, 0, 0, 0), ups=E159),
    rate("scaleUp with pod policy and previous scale up events", 100, 500, 1, 1000, 235, "ScaleUpLimit",
         up=rules(150, 120, 0, 0, 0), ups=E159),
    rate("scaleUp with percent policy and previous scale up events", 100, 500, 1, 1000, 255, "ScaleUpLimit",
         up=rules(0, 0, 200, 120, 0), ups=E159),
    rate("scaleDown with default policy and previous events", 10, 5, 1, 1000, 5, "DesiredWithinRange", downs=E159),
    rate("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", 100, 0, 1, 1000,
         1, "TooFewReplicas", down=rules(115, 120, 0, 0, 300), downs=E159),
    rate("scaleDown with spec MinReplicas limitation with large pod policy and previous events", 100, 0, 5, 1000, 5,
         "TooFewReplicas", down=rules(130, 120, 0, 0, 300), downs=E159),
    rate("scaleDown with spec MinReplicas limitation with large percent policy and previous events", 100, 2, 5, 1000,
         5, "TooFewReplicas", down=rules(0, 0, 100, 120, 300), downs=E159),
    rate("scaleDown with pod policy limitation and previous events", 100, 2, 1, 1000, 100, "ScaleDownLimit",
         down=rules(5, 120, 0, 0, 300), downs=E159),
    rate("scaleDown with percent policy limitation and previous events", 100, 0, 1, 1000, 56, "ScaleDownLimit",
         down=rules(0, 0, 50, 120, 300), downs=uniform([2, 4, 6], 120)),
    rate("scaleDown with previous events preventing further scale down", 100, 0, 1, 1000, 100, "ScaleDownLimit",
         down=rules(0, 0, 10, 120, 300), downs=uniform([10, 10, 10], 120)),
    rate("scaleDown with with previous events still allowing more scale down", 10, 5, 1, 1000, 5, "DesiredWithinRange",
         down=rules(0, 0, 1000, 120, 300), downs=uniform([10, 10, 10], 120)),
    rate("check 'outdated' flag for events for one behavior for up", 100, 200, 1, 1000, 200, "DesiredWithinRange",
         up=rules(1000, 60, 0, 0, 0), ups=E8129),
    rate("check that events were not marked 'outdated' for two different policies in the behavior for up", 100, 200,
         1, 1000, 200, "DesiredWithinRange", up=rules(1000, 120, 100, 60, 0), ups=E8129),
    rate("check that events were marked 'outdated' for two different policies in the behavior for up", 100, 200, 1,
         1000, 200, "DesiredWithinRange", up=rules(1000, 30, 100, 60, 0), ups=E8129),
    rate("check 'outdated' flag for events for one behavior for down", 100, 5, 1, 1000, 5, "DesiredWithinRange",
         down=rules(1000, 60, 0, 0, 300), downs=E8129),
    rate("check that events were not marked 'outdated' for two different policies in the behavior for down", 100, 5,
         1, 1000, 5, "DesiredWithinRange", down=rules(1000, 120, 100, 60, 300), downs=E8129),
    rate("check that events were marked 'outdated' for two different policies in the behavior for down", 100, 5, 1,
         1000, 5, "DesiredWithinRange", down=rules(1000, 30, 100, 60, 300), downs=E8129),
]


@pytest.mark.parametrize("data", RATES)
def test_scaling_with_rules(data: dict) -> None:
    controller = hpa()
    controller._up[""] = [ScaleEvent(change, NOW - ago * 1000) for change, ago in data["ups"]]
    controller._down[""] = [ScaleEvent(change, NOW - ago * 1000) for change, ago in data["downs"]]
    replicas, condition, _ = controller._rate_limit("", data["current"], data["desired"], data["lo"], data["hi"],
                                                    data["up"], data["down"])
    assert (replicas, condition) == (data["expected"], data["condition"])
