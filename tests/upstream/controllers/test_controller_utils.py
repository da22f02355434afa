"""kubernetes pkg/controller/controller_utils_test.go: pod deletion order, active ReplicaSets, ComputeHash."""

from __future__ import annotations

import pytest

from kspec.controllers import deployment_util as du
from kspec.controllers.controller_utils import DELETION_COST, compute_hash, deletion_key
from kspec.objects import timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/controller_utils_test.go"

H = 3600 * 1000
NOW = 400 * 24 * H
MONTH = NOW - 30 * 24 * H  # now.AddDate(0, -1, 0)
ZERO = None  # metav1.Time{}: no time at all


def pod(name: str, node: str, phase: str, ready: bool, restarts: int | list[int], ready_since: int | None,
        created: int | None, cost: str | None = None, ready_condition: bool | None = None) -> dict:
    """The test's pod(): a ready pod has a Ready condition (since ready_since) and its container restart counts."""
    meta: dict = {"name": name}
    if created is not None:
        meta["creationTimestamp"] = timestamp(created)
    if cost is not None:
        meta["annotations"] = {DELETION_COST: cost}
    status: dict = {"phase": phase}
    if ready if ready_condition is None else ready_condition:
        cond = {"type": "Ready", "status": "True" if ready else "False"}
        if ready_since is not None:
            cond["lastTransitionTime"] = timestamp(ready_since)
        status["conditions"] = [cond]
        counts = restarts if isinstance(restarts, list) else [restarts]
        status["containerStatuses"] = [{"restartCount": n} for n in counts]
    return {"metadata": meta, "spec": {"nodeName": node}, "status": status}


# -- TestSortingActivePods --------------------------------------------------------------------------
ACTIVE = [
    pod("unscheduled", "", "Pending", False, 0, ZERO, ZERO),
    pod("scheduledButPending", "bar", "Pending", False, 0, ZERO, ZERO),
    pod("unknownPhase", "foo", "Unknown", False, 0, ZERO, ZERO),
    pod("runningButNotReady", "foo", "Running", False, 0, ZERO, ZERO),
    pod("runningNoLastTransitionTime", "foo", "Running", True, [3, 0], ZERO, ZERO),
    pod("runningWithLastTransitionTime", "foo", "Running", True, [3, 0], NOW, ZERO),
    pod("runningLongerTime", "foo", "Running", True, [3, 0], MONTH, ZERO),
    pod("lowerContainerRestartCount", "foo", "Running", True, [2, 1], MONTH, NOW),
    pod("oldest", "foo", "Running", True, [2, 1], MONTH, MONTH),
]
SORTING = [case("TestSortingActivePods", "Sorts by active pod", pods=ACTIVE,
                want=[p["metadata"]["name"] for p in ACTIVE])]


@pytest.mark.parametrize("data", SORTING)
def test_sorting_active_pods(data: dict) -> None:
    for shift in range(len(data["pods"])):  # upstream shuffles 20 times; every rotation here
        pods = data["pods"][shift:] + data["pods"][:shift]
        got = sorted(pods, key=lambda p: deletion_key(p, 0, NOW))
        assert [p["metadata"]["name"] for p in got] == data["want"]


# -- TestSortingActivePodsWithRanks -------------------------------------------------------------------
P = {
    "unscheduledPod": pod("unscheduled", "", "Pending", False, 0, ZERO, ZERO),
    "scheduledPendingPod": pod("pending", "node", "Pending", False, 0, ZERO, ZERO),
    "unknownPhasePod": pod("unknown-phase", "node", "Unknown", False, 0, ZERO, ZERO),
    "runningNotReadyPod": pod("not-ready", "node", "Running", False, 0, ZERO, ZERO),
    "runningReadyNoLastTransitionTimePod": pod("ready-no-last-transition-time", "node", "Running", True, 0, ZERO,
                                               ZERO),
    "runningReadyNow": pod("ready-now", "node", "Running", True, 0, NOW, NOW),
    "runningReadyThen": pod("ready-then", "node", "Running", True, 0, MONTH, MONTH),
    "runningReadyNowHighRestarts": pod("ready-high-restarts", "node", "Running", True, 9001, NOW, NOW),
    "runningReadyNowCreatedThen": pod("ready-now-created-then", "node", "Running", True, 0, NOW, MONTH),
    "lowPodDeletionCost": pod("low-deletion-cost", "node", "Running", True, 0, NOW, MONTH, cost="10"),
    "highPodDeletionCost": pod("high-deletion-cost", "node", "Running", True, 0, NOW, MONTH, cost="100"),
    "unscheduled5Hours": pod("unscheduled-5-hours", "", "Pending", False, 0, NOW - 5 * H, NOW - 5 * H),
    "unscheduled8Hours": pod("unscheduled-10-hours", "", "Pending", False, 0, NOW - 8 * H, NOW - 8 * H),
    "ready2Hours": pod("ready-2-hours", "", "Running", True, 0, NOW - 2 * H, MONTH),
    "ready5Hours": pod("ready-5-hours", "", "Running", True, 0, NOW - 5 * H, MONTH),
    "ready10Hours": pod("ready-10-hours", "", "Running", True, 0, NOW - 8 * H, MONTH),
}
EQUAL = [(a, b) for a, b in [
    ("unscheduledPod", None), ("scheduledPendingPod", None), ("unknownPhasePod", None), ("runningNotReadyPod", None),
    ("runningReadyNowCreatedThen", None), ("runningReadyNow", None), ("runningReadyThen", None),
    ("runningReadyNowHighRestarts", None), ("runningReadyNowCreatedThen", None),
    ("unscheduled5Hours", "unscheduled8Hours"), ("ready5Hours", "ready10Hours")]]
EQUALITY = [case("TestSortingActivePodsWithRanks", f"Equality tests {i}", p1=a, p2=b or a)
            for i, (a, b) in enumerate(EQUAL)]
GATE = "the PodDeletionCost feature gate switched off: kspec runs with the default gates"
UNEQUAL = [
    (("unscheduledPod", 1), ("scheduledPendingPod", 2)), (("unscheduledPod", 2), ("scheduledPendingPod", 1)),
    (("scheduledPendingPod", 1), ("unknownPhasePod", 2)), (("unknownPhasePod", 1), ("runningNotReadyPod", 2)),
    (("runningNotReadyPod", 1), ("runningReadyNoLastTransitionTimePod", 1)),
    (("runningReadyNoLastTransitionTimePod", 1), ("runningReadyNow", 1)),
    (("runningReadyNow", 2), ("runningReadyNoLastTransitionTimePod", 1)),
    (("runningReadyNow", 1), ("runningReadyThen", 1)), (("runningReadyNow", 2), ("runningReadyThen", 1)),
    (("runningReadyNowHighRestarts", 1), ("runningReadyNow", 1)),
    (("runningReadyNow", 2), ("runningReadyNowHighRestarts", 1)),
    (("runningReadyNow", 1), ("runningReadyNowCreatedThen", 1)),
    (("runningReadyNowCreatedThen", 2), ("runningReadyNow", 1)),
    (("lowPodDeletionCost", 2), ("highPodDeletionCost", 1)),
    (("highPodDeletionCost", 2), ("lowPodDeletionCost", 1)),
    (("ready2Hours", 1), ("ready5Hours", 1)),
]
INEQUALITY = [case("TestSortingActivePodsWithRanks", f"Inequality tests {i}", lesser=a, greater=b,
                   **({"unmodelled": GATE} if i == 14 else {}))
              for i, (a, b) in enumerate(UNEQUAL)]


@pytest.mark.parametrize("data", EQUALITY)
def test_sorting_active_pods_with_ranks_equality(data: dict) -> None:
    assert deletion_key(P[data["p1"]], 1, NOW) == deletion_key(P[data["p2"]], 1, NOW)


@pytest.mark.parametrize("data", INEQUALITY)
def test_sorting_active_pods_with_ranks_inequality(data: dict) -> None:
    (lesser, lrank), (greater, grank) = data["lesser"], data["greater"]
    assert deletion_key(P[lesser], lrank, NOW) < deletion_key(P[greater], grank, NOW)


# -- TestActiveReplicaSetsFiltering / TestComputeHash -------------------------------------------------------
def rs(name: str, replicas: int) -> dict:
    return {"metadata": {"name": name}, "spec": {"replicas": replicas}}


FILTERING = [case("TestActiveReplicaSetsFiltering", "Filters active replica sets",
                  sets=[rs("zero", 0), None, rs("foo", 1), rs("bar", 2)], want=["foo", "bar"])]


@pytest.mark.parametrize("data", FILTERING)
def test_active_replica_sets_filtering(data: dict) -> None:
    assert [r["metadata"]["name"] for r in du.active(data["sets"])] == data["want"]


HASHES = [
    case("TestComputeHash", "simple", collision=1, other=2),
    case("TestComputeHash", "using math.MaxInt64", collision=None, other=2**31 - 1),
]


@pytest.mark.parametrize("data", HASHES)
def test_compute_hash(data: dict) -> None:
    assert compute_hash({}, data["collision"]) != compute_hash({}, data["other"])
