"""Which cluster events a Node update carries: upstream's pkg/scheduler/eventhandlers_test.go
(TestNodeSchedulingPropertiesChange), against kspec's ``node_update_events``.

Upstream's events are ClusterEvents with labels; kspec's queue moves pods by action type, so each expected event
is given as its action type (NodeSpecUnschedulableChange is an UpdateNodeTaint).
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler import framework as fwk
from kspec.scheduler.scheduler import node_update_events
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/scheduler/eventhandlers_test.go"
#: queue.NodeSpecUnschedulableChange, NodeAllocatableChange, NodeLabelChange, NodeTaintChange, NodeConditionChange,
#: NodeAnnotationChange, by action type
UNSCHEDULABLE, ALLOCATABLE, LABEL, TAINT, CONDITION, ANNOTATION = (fwk.NODE_TAINT, fwk.NODE_ALLOCATABLE,
                                                                     fwk.NODE_LABEL, fwk.NODE_TAINT,
                                                                     fwk.NODE_CONDITION, fwk.NODE_ANNOTATION)


def mk(unschedulable: bool | None = None, capacity: dict[str, str] | None = None, labels: dict[str, str] | None = None,
       annotations: dict[str, str] | None = None, taints: list[dict[str, str]] | None = None,
       conditions: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """st.MakeNode() with Unschedulable, Capacity (capacity and allocatable), Label, Annotation, Taints, Condition."""
    md: dict[str, Any] = {"name": ""}
    if labels:
        md["labels"] = labels
    if annotations:
        md["annotations"] = annotations
    spec: dict[str, Any] = {}
    if unschedulable is not None:
        spec["unschedulable"] = unschedulable
    if taints:
        spec["taints"] = taints
    status: dict[str, Any] = {}
    if capacity:
        status["capacity"] = dict(capacity)
        status["allocatable"] = dict(capacity)
    if conditions:
        status["conditions"] = conditions
    return {"metadata": md, "spec": spec, "status": status}


def taint(value: str) -> list[dict[str, str]]:
    return [{"key": "node.kubernetes.io/unschedulable", "value": value, "effect": "NoSchedule"}]


F = "TestNodeSchedulingPropertiesChange"
CASES = [
    case(F, "no specific changed applied", new=mk(unschedulable=False), old=mk(unschedulable=False), want=[]),
    case(F, "only node spec unavailable changed", new=mk(unschedulable=False), old=mk(unschedulable=True),
         want=[UNSCHEDULABLE]),
    case(F, "only node allocatable changed",
         new=mk(capacity={"cpu": "1000m", "memory": "100m", "example.com/foo": "1"}),
         old=mk(capacity={"cpu": "1000m", "memory": "100m", "example.com/foo": "2"}), want=[ALLOCATABLE]),
    case(F, "only node label changed", new=mk(labels={"foo": "bar"}), old=mk(labels={"foo": "fuz"}), want=[LABEL]),
    case(F, "only node taint changed", new=mk(taints=taint("")), old=mk(taints=taint("foo")), want=[TAINT]),
    case(F, "only node annotation changed", new=mk(annotations={"foo": "bar"}), old=mk(annotations={"foo": "fuz"}),
         want=[ANNOTATION]),
    case(F, "only node condition changed", new=mk(),
         old=mk(conditions=[{"type": "Ready", "status": "True", "reason": "Ready", "message": "Ready"}]),
         want=[CONDITION]),
    case(F, "both node label and node taint changed", new=mk(labels={"foo": "bar"}, taints=taint("")),
         old=mk(taints=taint("foo")), want=[LABEL, TAINT]),
]


@pytest.mark.parametrize("c", CASES)
def test_node_scheduling_properties_change(c: dict[str, Any]) -> None:
    assert node_update_events(c["old"], c["new"]) == c["want"]
