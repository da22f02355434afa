"""PrioritySort's order: upstream's pkg/scheduler/framework/plugins/queuesort/priority_sort_test.go (TestLess),
against the key kspec's queue sorts by (``Less(p1, p2)`` is ``key(p1) < key(p2)``)."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.prioritysort import PrioritySort
from kspec.scheduler.queue import QueuedPodInfo
from tests.upstream.cases import case
from tests.upstream.scheduler.fakeplugins import pod

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/queuesort/priority_sort_test.go"
LOW, HIGH = 10, 100
T1, T2 = 0, 1000  # t1 := time.Now(); t2 := t1.Add(time.Second)
F = "TestLess"
CASES = [
    case(F, "p1.priority less than p2.priority", p1=(LOW, 0), p2=(HIGH, 0), want=False),  # p2 ahead of p1
    case(F, "p1.priority greater than p2.priority", p1=(HIGH, 0), p2=(LOW, 0), want=True),  # p1 ahead of p2
    case(F, "equal priority. p1 is added to schedulingQ earlier than p2", p1=(HIGH, T1), p2=(HIGH, T2), want=True),
    case(F, "equal priority. p2 is added to schedulingQ earlier than p1", p1=(HIGH, T2), p2=(HIGH, T1), want=False),
]


@pytest.mark.parametrize("c", CASES)
def test_less(c: dict[str, Any]) -> None:
    sort = PrioritySort(None, None)

    def queued(name: str, priority: int, timestamp: int) -> QueuedPodInfo:
        return QueuedPodInfo(PodInfo(pod(name, priority=priority)), timestamp, 0)

    p1, p2 = queued("p1", *c["p1"]), queued("p2", *c["p2"])
    assert (sort.sort_key(p1) < sort.sort_key(p2)) == c["want"]
