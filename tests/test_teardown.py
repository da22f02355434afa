"""kspec/teardown.py: the walk looks at the kspec objects a component holds, and only at them."""

from __future__ import annotations

from collections import deque

from kspec import teardown
from kspec.clock import Clock
from kspec.informers import WorkQueue


class _Holder:
    """Stands for a component: its attributes hold kspec objects, containers of them and plain values."""


def test_the_walk_takes_kspec_objects_and_those_in_containers_only() -> None:
    clock = Clock()
    queues = [WorkQueue(clock, lambda key: None, f"q{i}") for i in range(5)]
    h = _Holder()
    h.clock, h.name, h.count, h.fn, h.none = clock, "x", 3, len, None
    h.by_name = {"a": queues[0], "b": "text"}
    h.items, h.pair, h.seen, h.recent = [queues[1], 7], (queues[2],), {queues[3]}, deque([queues[4], 1.5])
    h.nested = [[queues[0]]]  # one level only, as before
    found = teardown._values(h)
    assert sorted(map(id, found)) == sorted(map(id, [clock, *queues]))


def test_a_class_is_looked_up_once() -> None:
    h = _Holder()
    h.a, h.b = WorkQueue(Clock(), lambda key: None), "s"
    teardown._values(h)
    assert teardown._ROLE[WorkQueue] == teardown._OBJECT and teardown._ROLE[str] == teardown._NOTHING
