"""kubernetes pkg/controller/replicaset/replica_set_utils_test.go: calculateStatus."""

from __future__ import annotations

import pytest

from kspec.controllers.replicaset_utils import calculate_status
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/replicaset/replica_set_utils_test.go"

LABELS = {"name": "foo"}
FULL = {"name": "foo", "type": "production"}
NOW = 1_700_000_000_000


def new_rs(replicas: int, selector: dict, min_ready: int = 0, conditions: list | None = None) -> dict:
    """newReplicaSet: the selector as given, the template labelled name=foo,type=production."""
    spec = {"replicas": replicas, "selector": {"matchLabels": dict(selector)}, "minReadySeconds": min_ready,
            "template": {"metadata": {"labels": dict(FULL)}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}
    return {"metadata": {"name": "foobar", "namespace": "default"}, "spec": spec,
            "status": {"conditions": conditions} if conditions else {}}


def new_pod(name: str, rs: dict, phase: str) -> dict:
    """newPod(name, rs, phase, nil, true): labelled with the selector; a Running pod is Ready (no time)."""
    status: dict = {"phase": phase}
    if phase == "Running":
        status["conditions"] = [{"type": "Ready", "status": "True"}]
    return {"metadata": {"name": name, "namespace": "default",
                         "labels": dict(rs["spec"]["selector"]["matchLabels"])}, "spec": {}, "status": status}


NOT_FULL = new_rs(1, LABELS)
FULLY = new_rs(2, FULL)
LONG = new_rs(1, FULL, 3600)


def counts(replicas: int, full: int, ready: int, available: int) -> dict:
    return {"replicas": replicas, "fullyLabeledReplicas": full, "readyReplicas": ready,
            "availableReplicas": available}


T = "TestCalculateStatus"
STATUS = [
    case(T, "1 fully labelled pod", rs=FULLY, pods=[new_pod("pod1", FULLY, "Running")], want=counts(1, 1, 1, 1)),
    case(T, "1 not fully labelled pod", rs=NOT_FULL, pods=[new_pod("pod1", NOT_FULL, "Running")],
         want=counts(1, 0, 1, 1)),
    case(T, "2 fully labelled pods", rs=FULLY,
         pods=[new_pod("pod1", FULLY, "Running"), new_pod("pod2", FULLY, "Running")], want=counts(2, 2, 2, 2)),
    case(T, "2 not fully labelled pods", rs=NOT_FULL,
         pods=[new_pod("pod1", NOT_FULL, "Running"), new_pod("pod2", NOT_FULL, "Running")], want=counts(2, 0, 2, 2)),
    case(T, "1 fully labelled pod, 1 not fully labelled pod", rs=NOT_FULL,
         pods=[new_pod("pod1", NOT_FULL, "Running"), new_pod("pod2", FULLY, "Running")], want=counts(2, 1, 2, 2)),
    case(T, "1 non-ready pod", rs=FULLY, pods=[new_pod("pod1", FULLY, "Pending")], want=counts(1, 1, 0, 0)),
    case(T, "1 ready but non-available pod", rs=LONG, pods=[new_pod("pod1", LONG, "Running")],
         want=counts(1, 1, 1, 0)),
]


@pytest.mark.parametrize("data", STATUS)
def test_calculate_status(data: dict) -> None:
    got = calculate_status(data["rs"], data["pods"], None, NOW)
    assert got == {k: v for k, v in data["want"].items() if v or k == "replicas"}  # zero counts are omitempty


RS = new_rs(2, LABELS)
FAILING = new_rs(10, LABELS, conditions=[{"type": "ReplicaFailure", "status": "True"}])
ERR = "fake manageReplicasErr"
T = "TestCalculateStatusConditions"
CONDITIONS = [
    case(T, "manageReplicasErr != nil && failureCond == nil, diff < 0", rs=RS, pods=1, err=ERR,
         want=[{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "message": ERR}]),
    case(T, "manageReplicasErr != nil && failureCond == nil, diff > 0", rs=RS, pods=3, err=ERR,
         want=[{"type": "ReplicaFailure", "status": "True", "reason": "FailedDelete", "message": ERR}]),
    case(T, "manageReplicasErr == nil && failureCond != nil", rs=FAILING, pods=1, err=None, want=None),
    case(T, "manageReplicasErr != nil && failureCond != nil", rs=FAILING, pods=1, err=ERR,
         want=[{"type": "ReplicaFailure", "status": "True"}]),
    case(T, "manageReplicasErr == nil && failureCond == nil", rs=RS, pods=1, err=None, want=None),
]


@pytest.mark.parametrize("data", CONDITIONS)
def test_calculate_status_conditions(data: dict) -> None:
    pods = [new_pod(f"pod{i + 1}", data["rs"], "Running") for i in range(data["pods"])]
    got = calculate_status(data["rs"], pods, data["err"], NOW).get("conditions")
    if got:  # the test copies the transition time over
        got = [{k: v for k, v in c.items() if k != "lastTransitionTime"} for c in got]
    assert got == data["want"]
