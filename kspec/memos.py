"""Per-process memos that hold one cluster's objects, emptied when a scenario ends.

Some memos keep the objects they were computed from alive so that an ``id()`` key stays theirs (a stored
pod's spec, for example). Within one cluster's run that is the point; across the scenarios of a long pytest
run it made every finished scenario leave its objects behind until the memo reached its bound (thousands of
pod specs). A memo registered here is emptied by the pytest plugin when a scenario's test ends, so the
memory a run keeps does not grow with the number of scenarios. Only memos whose entries cannot serve another
cluster belong here: memos keyed by content (quantity texts, rule texts) are useful to every scenario.
"""

from __future__ import annotations

from typing import Protocol, TypeVar


class _Clearable(Protocol):
    def clear(self) -> None: ...


M = TypeVar("M", bound=_Clearable)
K = TypeVar("K")
V = TypeVar("V")


class Bounded(dict[K, V]):
    """A per-process memo that starts over once it holds ``limit`` entries: its memory stays bounded in a long
    run, with nothing on the hot path but a length check when something new is remembered (reads are a plain
    dict's)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: K, value: V) -> V:
        """Store ``value`` under ``key`` (emptying the memo first when it is full) and return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

_SCENARIO_MEMOS: list[_Clearable] = []


def per_scenario(memo: M) -> M:
    """Register ``memo`` (anything with ``clear()``) to be emptied when a scenario ends; returns it."""
    _SCENARIO_MEMOS.append(memo)
    return memo


def release() -> None:
    """Empty every per-scenario memo: no finished scenario's objects stay reachable through them."""
    for memo in _SCENARIO_MEMOS:
        memo.clear()
