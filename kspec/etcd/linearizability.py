"""Is a history of key-value operations linearizable? (Wing & Gong's search with Lowe's memoization, as Porcupine.)

A history is operations with an invocation and a return time; each must
appear to take effect at one instant between the two, in an order that a
single register per key would explain: a read returns the value of the latest
write before it (None before any). Keys are independent registers, so each key
is checked on its own (P-compositionality), which keeps the search small.

A write whose outcome is unknown (its request timed out: etcd may still commit
it) has no return: it may take effect any time after its invocation, or never
(it is then placed after everything else). A write known to have failed and a
failed read are left out: they tell nothing.

The search walks the events in time order. At a call it tries to linearize that
operation now (the register must accept it); at a return whose operation was not
linearized yet, it backtracks. A set of (linearized operations, register value)
already explored is not explored again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The return time of an operation whose outcome is unknown: after every event.
NEVER = float("inf")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation: ``kind`` "write" or "read"; ``value`` the written or read value (None: absent)."""

    key: str
    kind: str
    value: str | None
    call: float
    ret: float = NEVER  # NEVER: a write whose outcome is unknown

    def __post_init__(self) -> None:
        if self.kind not in ("write", "read"):
            raise ValueError(f'an operation is a "write" or a "read", not {self.kind!r}')
        if self.kind == "read" and self.ret == NEVER:
            raise ValueError("a read without an answer tells nothing: leave it out of the history")
        if self.ret < self.call:
            raise ValueError(f"operation returns ({self.ret}) before it is called ({self.call})")


@dataclass(frozen=True, slots=True)
class Result:
    ok: bool
    #: the first key whose history is not linearizable, with its operations in call order
    key: str | None = None
    operations: tuple[Operation, ...] = ()

    def explain(self) -> str:
        if self.ok:
            return "linearizable"
        lines = [f'key "{self.key}" is not linearizable:']
        for op in self.operations:
            ret = "?" if op.ret == NEVER else f"{op.ret:g}"
            lines.append(f"  [{op.call:g}, {ret}] {op.kind} {op.value!r}")
        return "\n".join(lines)


class _Event:
    """A call or return in the doubly linked list of pending events."""

    __slots__ = ("op", "index", "is_call", "match", "prev", "next")

    def __init__(self, op: Operation | None, index: int, is_call: bool) -> None:
        self.op = op
        self.index = index
        self.is_call = is_call
        self.match: _Event | None = None
        self.prev: _Event | None = None
        self.next: _Event | None = None


def _step(state: str | None, op: Operation) -> tuple[bool, str | None]:
    """The register's sequential specification."""
    if op.kind == "write":
        return True, op.value
    return op.value == state, state


def _lift(call: _Event) -> None:
    """Take a call and its return out of the list (the operation is linearized)."""
    for e in (call, call.match):
        assert e is not None and e.prev is not None
        e.prev.next = e.next
        if e.next is not None:
            e.next.prev = e.prev


def _unlift(call: _Event) -> None:
    """Put them back, return first, in the places they held."""
    for e in (call.match, call):
        assert e is not None and e.prev is not None
        e.prev.next = e
        if e.next is not None:
            e.next.prev = e


def check_register(ops: list[Operation], initial: str | None = None) -> bool:
    """One key's history: the search over call/return events (Wing-Gong, memoized as in Lowe's algorithm)."""
    events: list[tuple[float, int, int, _Event]] = []
    calls: list[_Event] = []
    for i, op in enumerate(ops):
        call, ret = _Event(op, i, True), _Event(op, i, False)
        call.match = ret
        calls.append(call)
        # at equal times a call sorts before a return: the two operations overlap, the lenient reading
        events.append((op.call, 0, i, call))
        events.append((op.ret, 1, i, ret))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    head = _Event(None, -1, False)
    prev = head
    for _, _, _, e in events:
        prev.next, e.prev = e, prev
        prev = e
    state = initial
    linearized = 0
    seen: set[tuple[int, str | None]] = set()
    stack: list[tuple[_Event, str | None]] = []
    entry = head.next
    while head.next is not None:
        assert entry is not None
        if entry.is_call:
            assert entry.op is not None
            accepted, after = _step(state, entry.op)
            if accepted:
                marked = linearized | (1 << entry.index)
                if (marked, after) not in seen:
                    seen.add((marked, after))
                    stack.append((entry, state))
                    state, linearized = after, marked
                    _lift(entry)
                    entry = head.next
                    continue
            entry = entry.next
        else:
            if not stack:
                return False  # an operation returned before any order could place it
            call, state = stack.pop()
            linearized &= ~(1 << call.index)
            _unlift(call)
            entry = call.next
    return True


def check(history: Iterable[Operation], initial: dict[str, str | None] | None = None) -> Result:
    """Every key's history, each on its own; the first key that fails is named, with its operations."""
    by_key: dict[str, list[Operation]] = {}
    for op in history:
        by_key.setdefault(op.key, []).append(op)
    for key in sorted(by_key):
        ops = sorted(by_key[key], key=lambda o: (o.call, o.ret))
        if not check_register(ops, (initial or {}).get(key)):
            return Result(False, key, tuple(ops))
    return Result(True)
