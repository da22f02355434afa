"""kubernetes pkg/controller/replicaset/replica_set_test.go: conditions, slowStartBatch, getPodsToDelete."""

from __future__ import annotations

import pytest

from kspec.controllers import replicaset_utils as ru
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/replicaset/replica_set_test.go"


def cond(ctype: str, reason: str) -> dict:
    return {"type": ctype, "status": "True", "reason": reason}


IMAGE_PULL = cond("ImagePullBackOff", "NonExistentImage")
FAILURE = cond("ReplicaFailure", "OtherFailure")
FAILURE2 = cond("ReplicaFailure", "AnotherFailure")

GET = [
    case("TestGetCondition", "condition exists", status={"conditions": [FAILURE]}, ctype="ReplicaFailure", want=True),
    case("TestGetCondition", "condition does not exist", status={"conditions": [FAILURE]}, ctype="ImagePullBackOff",
         want=False),
]


@pytest.mark.parametrize("data", GET)
def test_get_condition(data: dict) -> None:
    assert (ru.get_condition(data["status"], data["ctype"]) is not None) is data["want"]


SET = [
    case("TestSetCondition", "set for the first time", status={}, cond=FAILURE, want={"conditions": [FAILURE]}),
    case("TestSetCondition", "simple set", status={"conditions": [IMAGE_PULL]}, cond=FAILURE,
         want={"conditions": [IMAGE_PULL, FAILURE]}),
    case("TestSetCondition", "overwrite", status={"conditions": [FAILURE]}, cond=FAILURE2,
         want={"conditions": [FAILURE2]}),
]


@pytest.mark.parametrize("data", SET)
def test_set_condition(data: dict) -> None:
    status = {k: list(v) for k, v in data["status"].items()}
    ru.set_condition(status, data["cond"])
    assert status == data["want"]


REMOVE = [
    case("TestRemoveCondition", "remove from empty status", status={}, ctype="ReplicaFailure", want={}),
    case("TestRemoveCondition", "simple remove", status={"conditions": [FAILURE]}, ctype="ReplicaFailure", want={}),
    case("TestRemoveCondition", "doesn't remove anything", status={"conditions": [FAILURE]},
         ctype="ImagePullBackOff", want={"conditions": [FAILURE]}),
]


@pytest.mark.parametrize("data", REMOVE)
def test_remove_condition(data: dict) -> None:
    status = {k: list(v) for k, v in data["status"].items()}
    ru.remove_condition(status, data["ctype"])
    assert status == data["want"]


SLOW = [
    case("TestSlowStartBatch", "callLimit = 0 (all fail)", count=10, limit=0, successes=0, err=True, calls=1),
    case("TestSlowStartBatch", "callLimit = count (all succeed)", count=10, limit=10, successes=10, err=False,
         calls=10),
    case("TestSlowStartBatch", "callLimit < count (some succeed)", count=10, limit=5, successes=5, err=True,
         calls=7),
]


@pytest.mark.parametrize("data", SLOW)
def test_slow_start_batch(data: dict) -> None:
    calls = 0
    fake = RuntimeError("fake error")

    def fn() -> Exception | None:
        nonlocal calls
        calls += 1
        return fake if calls > data["limit"] else None

    successes, err = ru.slow_start_batch(data["count"], 1, fn)
    assert successes == data["successes"]
    assert err is (fake if data["err"] else None)
    assert calls == data["calls"]  # no more calls after a batch fails


def new_pod(name: str, phase: str, node: str = "", ready: bool | None = None) -> dict:
    """newPod(name, rs, phase, nil, true) with the node and Ready condition the test sets."""
    status: dict = {"phase": phase}
    if ready is not None:
        status["conditions"] = [{"type": "Ready", "status": "True" if ready else "False"}]
    return {"metadata": {"name": name, "namespace": "default", "labels": {"name": "foo"}},
            "spec": {"nodeName": node} if node else {}, "status": status}


UNSCHED = new_pod("unscheduled-pending-pod", "Pending")
PENDING = new_pod("scheduled-pending-pod", "Pending", "fake-node")
NOT_READY = new_pod("scheduled-running-not-ready-pod", "Running", "fake-node", False)
R1 = new_pod("scheduled-running-ready-pod-on-node-1", "Running", "fake-node-1", True)
R2 = new_pod("scheduled-running-ready-pod-on-node-2", "Running", "fake-node-2", True)
T = "TestGetPodsToDelete"
ALL = [R1, R1, R2, NOT_READY, PENDING, UNSCHED]
DELETE = [
    case(T, "len(pods) = 0 (i.e., diff = 0 too)", pods=[], related=None, diff=0, want=[]),
    case(T, "diff = len(pods)", pods=[NOT_READY, R1], related=None, diff=2, want=[NOT_READY, R1]),
    case(T, "diff < len(pods)", pods=[R1, NOT_READY], related=None, diff=1, want=[NOT_READY]),
    case(T, "various pod phases and conditions, diff = len(pods)", pods=ALL, related=None, diff=6, want=ALL),
    case(T, "various pod phases and conditions, diff = len(pods), relatedPods empty", pods=ALL, related=[], diff=6,
         want=ALL),
    case(T, "scheduled vs unscheduled, diff < len(pods)", pods=[PENDING, UNSCHED], related=None, diff=1,
         want=[UNSCHED]),
    case(T, "ready vs not-ready, diff < len(pods)", pods=[R1, NOT_READY, NOT_READY], related=None, diff=2,
         want=[NOT_READY, NOT_READY]),
    case(T, "ready and colocated with another ready pod vs not colocated, diff < len(pods)", pods=[R1, R2],
         related=[R1, R2, R2], diff=1, want=[R2]),
    case(T, "pending vs running, diff < len(pods)", pods=[PENDING, NOT_READY], related=None, diff=1, want=[PENDING]),
    case(T, "various pod phases and conditions, diff < len(pods)", pods=[R1, R2, NOT_READY, PENDING, UNSCHED],
         related=None, diff=3, want=[UNSCHED, PENDING, NOT_READY]),
]


@pytest.mark.parametrize("data", DELETE)
def test_get_pods_to_delete(data: dict) -> None:
    related = data["pods"] if data["related"] is None else data["related"]
    got = ru.pods_to_delete(data["pods"], related, data["diff"], 0)
    assert [p["metadata"]["name"] for p in got] == [p["metadata"]["name"] for p in data["want"]]
