"""The scheduling queue: priority order, back-off, the unschedulable pool and event-driven moves."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from kspec.clock import Clock
from kspec.scheduler.framework import NODE_ADD, NODE_TAINT, POD_DELETE
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.prioritysort import PrioritySort
from kspec.scheduler.queue import ACTIVE, BACKOFF, MAX_IN_UNSCHEDULABLE_MS, UNSCHEDULABLE, SchedulingQueue


def pod(name: str, priority: int = 0) -> PodInfo:
    return PodInfo({"metadata": {"name": name, "namespace": "default", "uid": name},
                    "spec": {"priority": priority, "containers": [{"name": "c", "image": "x"}]}})


class FakeFramework:
    def __init__(self) -> None:
        self.queue_sort = PrioritySort(None, None)
        self.events: dict[str, tuple[str, ...]] = {"NodeResourcesFit": (NODE_ADD, POD_DELETE),
                                                   "TaintToleration": (NODE_ADD, NODE_TAINT)}
        self.hints: dict[str, Any] = {}

    def run_pre_enqueue(self, pi: PodInfo) -> None:
        return None


def make() -> tuple[Clock, SchedulingQueue]:
    clock = Clock()
    fw = FakeFramework()
    q = SchedulingQueue(clock, lambda _name: fw)  # type: ignore[arg-type, return-value]
    q.start()
    return clock, q


def test_higher_priority_pops_first_then_fifo() -> None:
    _, q = make()
    for name, prio in (("a", 0), ("b", 10), ("c", 0), ("d", 10)):
        q.add(pod(name, prio))
    order = [q.pop().key for _ in range(4)]  # type: ignore[union-attr]
    assert order == ["default/b", "default/d", "default/a", "default/c"]
    assert q.pop() is None


def test_backoff_doubles_from_one_to_ten_seconds() -> None:
    _, q = make()
    q.add(pod("a"))
    qpi = q.pop()
    assert qpi is not None
    durations = []
    for attempts in range(1, 7):
        qpi.attempts = attempts
        durations.append(q.backoff_ms(qpi))
    assert durations == [1000, 2000, 4000, 8000, 10000, 10000]


def test_unschedulable_pod_moves_only_on_an_event_its_plugin_registered() -> None:
    clock, q = make()
    q.add(pod("a"))
    qpi = q.pop()
    assert qpi is not None
    q.add_unschedulable(qpi, {"TaintToleration"})
    assert qpi.where == UNSCHEDULABLE
    q.move_all(POD_DELETE)
    assert qpi.where == UNSCHEDULABLE
    clock.run_for(5000)  # back-off over: the move goes straight to the active queue
    q.move_all(NODE_TAINT)
    assert qpi.where == ACTIVE


def test_a_move_during_backoff_goes_to_the_backoff_queue_then_the_flush() -> None:
    clock, q = make()
    q.add(pod("a"))
    qpi = q.pop()
    assert qpi is not None
    q.add_unschedulable(qpi, {"NodeResourcesFit"})
    q.move_all(POD_DELETE)
    assert qpi.where == BACKOFF
    clock.run_for(1000)
    assert qpi.where == ACTIVE


def test_stuck_pods_are_retried_after_five_minutes() -> None:
    clock, q = make()
    q.add(pod("a"))
    qpi = q.pop()
    assert qpi is not None
    q.add_unschedulable(qpi, {"TaintToleration"})
    clock.run_for(MAX_IN_UNSCHEDULABLE_MS)
    assert qpi.where == UNSCHEDULABLE
    clock.run_for(30_000)
    assert qpi.where == ACTIVE


def test_a_deleted_pod_leaves_the_queue() -> None:
    _, q = make()
    q.add(pod("a"))
    q.delete("default/a")
    assert q.pop() is None


def test_nominated_pods_of_lower_priority_are_ignored() -> None:
    _, q = make()
    high, low = pod("high", 100), pod("low", 1)
    q.nominate(high, "node-1")
    assert q.nominated_for("node-1", low) == [high]
    assert q.nominated_for("node-1", pod("higher", 200)) == []
    q.nominate(high, "")
    assert q.nominated_for("node-1", low) == []


__all__ = ["SimpleNamespace"]
