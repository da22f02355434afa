"""NodeResourcesFit reasons (SCH-07) and scoring formulas (SCH-14, SCH-15), BalancedAllocation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kspec.scheduler.framework import Code, CycleState
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.noderesourcesbalancedallocation import balanced_score
from kspec.scheduler.plugins.noderesourcesfit import (
    NodeResourcesFit,
    broken_linear,
    least_requested_score,
    most_requested_score,
)


def node(cpu: str = "4", memory: str = "8Gi", pods: str = "110", **extra: str) -> NodeInfo:
    alloc = {"cpu": cpu, "memory": memory, "pods": pods, **extra}
    return NodeInfo({"metadata": {"name": "n"}, "spec": {}, "status": {"allocatable": alloc}})


def pod(name: str = "p", **requests: str) -> PodInfo:
    res = {k.replace("_", "-"): v for k, v in requests.items()}
    return PodInfo({"metadata": {"name": name, "namespace": "default", "uid": name},
                    "spec": {"containers": [{"name": "c", "image": "x", "resources": {"requests": res}}]}})


def test_reasons_in_upstream_order_and_codes() -> None:
    fit = NodeResourcesFit(None, None)
    ni = node(cpu="2", memory="1Gi")
    ni.add_pod(pod("a", cpu="1500m"))
    status = fit.filter(CycleState(), pod(cpu="1", memory="2Gi"), ni)
    assert status is not None and status.reasons == ["Insufficient cpu", "Insufficient memory"]
    # memory asks more than the whole node: unresolvable, so preemption will not try
    assert status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    status = fit.filter(CycleState(), pod(cpu="1"), ni)
    assert status is not None and status.code == Code.UNSCHEDULABLE


def test_too_many_pods_even_without_requests() -> None:
    ni = node(pods="1")
    ni.add_pod(pod("a"))
    status = NodeResourcesFit(None, None).filter(CycleState(), pod(), ni)
    assert status is not None and status.reasons == ["Too many pods"]


def test_extended_resources() -> None:
    fit = NodeResourcesFit(None, None)
    assert fit.filter(CycleState(), pod(**{"example.com/foo": "1"}), node()) is not None
    assert fit.filter(CycleState(), pod(**{"example.com/foo": "1"}), node(**{"example.com/foo": "2"})) is None


def test_least_allocated_example_from_upstream() -> None:
    # allocatable 4000m/8Gi, requested after adding the pod 2000m/4Gi: both 50, node 50
    fit = NodeResourcesFit(None, None)
    ni = node()
    ni.add_pod(pod("a", cpu="1", memory="2Gi"))
    assert fit.score(CycleState(), pod(cpu="1", memory="2Gi"), ni) == 50
    assert fit.score_nodes(CycleState(), pod(cpu="1", memory="2Gi"), [ni]) == [50]


def test_most_allocated_and_ratio() -> None:
    most = NodeResourcesFit({"scoringStrategy": {"type": "MostAllocated"}}, None)
    ni = node()
    assert most.score(CycleState(), pod(cpu="1", memory="2Gi"), ni) == 25
    ratio = NodeResourcesFit({"scoringStrategy": {"type": "RequestedToCapacityRatio", "requestedToCapacityRatio": {
        "shape": [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}]}}}, None)
    assert ratio.score(CycleState(), pod(cpu="1", memory="2Gi"), ni) == 25
    assert broken_linear([(0, 100), (50, 0)])(25) == 50


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_scores_stay_in_range(requested: int, capacity: int) -> None:
    assert 0 <= least_requested_score(requested, capacity) <= 100
    assert 0 <= most_requested_score(requested, capacity) <= 100


def test_balanced_allocation() -> None:
    assert balanced_score([2, 4], [4, 8]) == 100
    assert balanced_score([4, 0], [4, 8]) == 50
