"""The HPA replica calculation (replica_calculator.go) and its limits, against a cluster with fake pods."""

from __future__ import annotations

from kspec import Cluster
from kspec.controllers.hpa import HPAController, _limit, _within
from kspec.objects import timestamp


def pods(n: int, request: str = "100m", ready_at_ms: int = 0, phase: str = "Running") -> list[dict]:
    return [{"metadata": {"name": f"p{i}"},
             "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": request}}}]},
             "status": {"phase": phase, "startTime": timestamp(0),
                        "conditions": [{"type": "Ready", "status": "True",
                                        "lastTransitionTime": timestamp(ready_at_ms)}]}} for i in range(n)]


def controller(now_ms: int = 10 * 60_000) -> HPAController:
    c = Cluster(nodes=0)
    c.clock.now = now_ms
    return HPAController(c)


def test_tolerance_bounds_are_inclusive() -> None:
    assert _within(0.9) and _within(1.1) and not _within(1.11) and not _within(0.89)


def test_ceil_of_ratio_times_ready_pods() -> None:
    hpa = controller()
    usage = {f"p{i}": 200 for i in range(3)}
    assert hpa._resource_replicas(pods(3), usage, 50, 3) == (12, 200, 200)
    # within tolerance: 105% of a 100% target keeps the count
    assert hpa._resource_replicas(pods(3), {f"p{i}": 105 for i in range(3)}, 100, 3)[0] == 3


def test_missing_metrics_on_scale_down_count_as_full_usage() -> None:
    hpa = controller()
    usage = {"p0": 10, "p1": 10}  # p2 has no metric
    # ratio 0.1 -> with p2 at max(100, 50)% the new ratio is (10+10+100)/300*100/50 = 0.8 -> ceil(0.8*3) = 3
    assert hpa._resource_replicas(pods(3), usage, 50, 3)[0] == 3


def test_unready_pods_count_as_zero_on_scale_up() -> None:
    hpa = controller(now_ms=60_000)  # inside the 5 minute cpu initialization period
    fresh = pods(2, ready_at_ms=55_000)  # ready 5s ago: its sample does not cover a window yet
    settled = pods(1)
    settled[0]["metadata"]["name"] = "old"
    usage = {"old": 300, "p0": 300, "p1": 300}
    # only "old" is ready: ratio 3.0; unready at 0% -> (300+0+0)/300 = 1.0 -> within tolerance: keep 3
    assert hpa._resource_replicas([*settled, *fresh], usage, 100, 3)[0] == 3


def test_scale_up_limit_without_behavior() -> None:
    assert _limit(1, 10, 1, 20)[:2] == (4, "ScaleUpLimit")
    assert _limit(5, 30, 1, 20)[:2] == (10, "ScaleUpLimit")
    assert _limit(5, 30, 1, 8)[:2] == (8, "TooManyReplicas")
    assert _limit(5, 0, 2, 8)[:2] == (2, "TooFewReplicas")


def test_downscale_stabilization_keeps_the_highest_recent_recommendation() -> None:
    hpa = controller()
    assert hpa._stabilize("k", 6, 0) == 6
    assert hpa._stabilize("k", 2, 60_000) == 6
    assert hpa._stabilize("k", 2, 301_000) == 2
