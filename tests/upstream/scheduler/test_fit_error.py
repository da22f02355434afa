"""The FailedScheduling message (FitError.Error): upstream's TestFitError_Error."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler.framework import Code, Diagnosis, Status, fit_error_message
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/types_test.go"
F = "TestFitError_Error"
PRE = "Node(s) failed PreFilter plugin FalsePreFilter"
POST = "Error running PostFilter plugin FailedPostFilter"
F1, F2 = "Node(s) failed Filter plugin FalseFilter-1", "Node(s) failed Filter plugin FalseFilter-2"


def c(name: str, num: int, reasons: list[str], want: str, pre: str = "", post: str = "") -> Any:
    return case(F, name, num=num, reasons=reasons, pre=pre, post=post, want=want)


CASES = [
    c("nodes failed Prefilter plugin", 3, [PRE] * 3, f"0/3 nodes are available: {PRE}.", pre=PRE),
    c("nodes failed Prefilter plugin and the preemption also failed", 3, [PRE] * 3,
      f"0/3 nodes are available: {PRE}. {POST}", pre=PRE, post=POST),
    c("nodes failed one Filter plugin with an empty PostFilterMsg", 3, [F1] * 3, f"0/3 nodes are available: 3 {F1}."),
    c("nodes failed one Filter plugin with a non-empty PostFilterMsg", 3, [F1] * 3,
      f"0/3 nodes are available: 3 {F1}. {POST}", post=POST),
    c("nodes failed two Filter plugins with an empty PostFilterMsg", 3, [F1, F1, F2],
      f"0/3 nodes are available: 1 {F2}, 2 {F1}."),
    c("nodes failed two Filter plugins with a non-empty PostFilterMsg", 3, [F1, F1, F2],
      f"0/3 nodes are available: 1 {F2}, 2 {F1}. {POST}", post=POST),
    c("failed to Permit on node", 1, ["Node failed Permit plugin Permit-1"],
      "0/1 nodes are available: 1 Node failed Permit plugin Permit-1."),
    c("failed to Reserve on node", 1, ["Node failed Reserve plugin Reserve-1"],
      "0/1 nodes are available: 1 Node failed Reserve plugin Reserve-1."),
]


@pytest.mark.parametrize("c", CASES)
def test_fit_error_error(c: dict[str, Any]) -> None:
    statuses = {f"node{i + 1}": Status(Code.UNSCHEDULABLE, r) for i, r in enumerate(c["reasons"])}
    diagnosis = Diagnosis(node_statuses=statuses, pre_filter_msg=c["pre"], post_filter_msg=c["post"],
                          absent_status=Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE))
    assert fit_error_message(c["num"], diagnosis) == c["want"]
