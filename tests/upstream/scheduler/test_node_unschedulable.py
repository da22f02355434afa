"""NodeUnschedulable: upstream's Filter table."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.st import UNRESOLVABLE, as_tuple, node, pod, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable_test.go"

CASES = [
    case("TestNodeUnschedulable", "Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)",
         pod=pod(), nodes=[node("", unschedulable=True)], want=(UNRESOLVABLE, "node(s) were unschedulable")),
    case("TestNodeUnschedulable", "Schedule pod to normal node", pod=pod(), nodes=[node("")], want=None),
    case("TestNodeUnschedulable", "Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
         pod=pod(tolerations=[{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]),
         nodes=[node("", unschedulable=True)], want=None),
]


@pytest.mark.parametrize("c", CASES)
def test_node_unschedulable(c: dict[str, Any]) -> None:
    assert as_tuple(run("NodeUnschedulable", c, points=("Filter",)).filter[""]) == c["want"]
