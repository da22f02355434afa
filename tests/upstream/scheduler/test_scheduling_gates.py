"""SchedulingGates' PreEnqueue: upstream's pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates_test.go
(TestPreEnqueue)."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler.framework import Code
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.schedulinggates import SchedulingGates
from tests.upstream.cases import case
from tests.upstream.scheduler.fakeplugins import pod

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates_test.go"
F = "TestPreEnqueue"
CASES = [
    case(F, "pod does not carry scheduling gates", gates=[], want=None),
    case(F, "pod carries scheduling gates", gates=["foo", "bar"],
         want=(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "waiting for scheduling gates: [foo bar]")),
]


@pytest.mark.parametrize("c", CASES)
def test_pre_enqueue(c: dict[str, Any]) -> None:
    p = pod("p", schedulingGates=[{"name": g} for g in c["gates"]]) if c["gates"] else pod("p")
    got = SchedulingGates(None, None).pre_enqueue(PodInfo(p))
    assert (None if got is None else (got.code, got.message)) == c["want"]
