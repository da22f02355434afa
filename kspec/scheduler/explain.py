"""Why a pod went where it went: the per-node filter verdicts and per-plugin scores of each attempt.

kspec keeps the last scheduling attempt of each pod (bounded, oldest
successes forgotten first) and renders it as kube-scheduler-simulator does:
one row per node with the plugin that filtered it out, or its scores.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import repeat
from operator import add, is_, mul
from typing import Any

from kspec import printers
from kspec.scheduler.framework import Status

#: attempts remembered (a failed attempt is never forgotten while its pod is pending)
MAX_RECORDS = 1000


@dataclass
class Attempt:
    pod: str  # namespace/name
    time_ms: int
    profile: str
    num_nodes: int
    statuses: Mapping[str, Status] = field(default_factory=dict)
    #: plugin -> weighted score per feasible node (lists, kept as tuples)
    scores: dict[str, Sequence[int]] = field(default_factory=dict)
    #: the totals less ``totals_offset``, which every node shares (the scheduler ranks nodes without it): small
    #: ints, which a kept tuple holds without int objects of its own to free, cold, a thousand cycles later;
    #: None when they are the sum of the scores that are not runs (``Same``), summed only when read
    base_totals: Sequence[int] | None = field(default_factory=list)
    totals_offset: int = 0
    node: str = ""
    message: str = ""
    pre_filter: Status | None = None
    absent: Status | None = None
    #: the feasible nodes (anything with a ``name``), turned into ``feasible`` names only when read
    feasible_nodes: list[Any] = field(default_factory=list)
    #: or, kept instead, a list of names and the feasible nodes' places in it: a kept list of long-lived
    #: nodes costs every young garbage collection a cache miss per node, a list of fresh ints does not
    feasible_at: tuple[list[str], Sequence[int]] | None = None
    _feasible: list[str] | None = None

    @property
    def totals(self) -> Sequence[int]:
        """Each feasible node's total score."""
        base = self.base_totals
        if base is None:
            base = _summed(self.scores)
        return Shifted(base, self.totals_offset) if self.totals_offset else base

    @totals.setter
    def totals(self, values: Sequence[int]) -> None:
        self.base_totals, self.totals_offset = values, 0

    @property
    def feasible(self) -> list[str]:
        if self._feasible is None:
            if self.feasible_at is not None:
                names, places = self.feasible_at
                self._feasible = list(map(names.__getitem__, places))
            else:
                self._feasible = [n.name for n in self.feasible_nodes]
        return self._feasible

    @feasible.setter
    def feasible(self, names: list[str]) -> None:
        self._feasible = names

    def pack(self) -> None:
        """Keep the numbers as tuples or runs (``Same``, ``range``), the scores as one
        ``PackedScores`` and the verdicts as a ``PackedStatuses``: the garbage collector visits every item of
        a kept list or dict at each collection of its generation, and a thousand kept attempts of hundreds
        of nodes each made that a fifth of a large cluster's scheduling time. Reads see the same values."""
        if type(self.scores) is dict:
            self.scores = PackedScores.of(self.scores)
        self.base_totals = _frozen(self.base_totals)
        if not self.feasible_nodes and type(self.feasible_nodes) is list:
            self.feasible_nodes = ()  # type: ignore[assignment]  # the shared empty tuple: nothing to walk
        if self.feasible_at is not None:
            names, places = self.feasible_at
            self.feasible_at = (names, _frozen(places))
        if type(self.statuses) is dict and self.statuses:
            self.statuses = PackedStatuses.from_dict(self.statuses)


def _summed(scores: Mapping[str, Sequence[int]]) -> list[int]:
    """The node by node sum of the scores that are not runs (the runs are the totals' offset): the base
    totals run_score_parts ranked the nodes by, the same ints."""
    varying = [values for values in scores.values() if type(values) is not Same]
    if not varying:
        return [0] * len(next(iter(scores.values())))
    totals = list(varying[0])
    for values in varying[1:]:
        totals = list(map(add, totals, values))
    return totals


def _frozen(values: Any) -> Any:
    """A list as a tuple (which the first collection to see it stops tracking, when it holds ints); runs
    (``Same``, ``range``) are kept as they are."""
    return tuple(values) if type(values) is list else values


class Shifted(Sequence[int]):
    """``[v + offset for v in base]``, read-only, without the list."""

    __slots__ = ("base", "offset")

    def __init__(self, base: Sequence[int], offset: int) -> None:
        self.base, self.offset = base, offset

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return list(map(partial(add, self.offset), self.base[i]))
        return self.base[i] + self.offset

    def __iter__(self) -> Iterator[int]:
        return map(partial(add, self.offset), self.base)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))


class PackedScores(Mapping[str, Sequence[int]]):
    """A read-only ``{plugin: weighted scores}`` in one object: the plugins' names and their scores (packed
    by ``_frozen``), a run being kept as its value and length and read as a ``Same``. A dict of a few
    ``Same`` objects per attempt was most of what a kept attempt gave the collector to walk. The items are
    one flat tuple (plugin, kind, scores or the run's value or bytes, the run's length or the weight,
    plugin, ...): nested tuples stop being tracked one level per collection, so a flat one leaves the young
    generations untracked. Scores given as ``ByteScores`` (the bytes the range check made) are kept as those
    bytes: a few hundred bytes the collector never visits instead of a tuple of as many pointers."""

    __slots__ = ("_flat",)

    def __init__(self, flat: tuple[Any, ...]) -> None:
        self._flat = flat

    @classmethod
    def of(cls, scores: Mapping[str, Sequence[int]]) -> PackedScores:
        flat: list[Any] = []
        for plugin, values in scores.items():
            kind = type(values)
            if kind is ByteScores:
                flat += (plugin, _BYTES, values.data, values.weight)  # type: ignore[attr-defined]
            elif kind is Same:
                flat += (plugin, _RUN, values.value, values.n)  # type: ignore[attr-defined]
            else:
                flat += (plugin, _TUPLE, _frozen(values), 0)
        return cls(tuple(flat))

    def __getitem__(self, plugin: str) -> Sequence[int]:
        flat = self._flat
        for i in range(0, len(flat), 4):
            if flat[i] == plugin:
                kind = flat[i + 1]
                if kind == _RUN:
                    return Same(flat[i + 2], flat[i + 3])
                if kind == _BYTES:
                    return ByteScores(flat[i + 2], flat[i + 3]).values()
                return flat[i + 2]
        raise KeyError(plugin)

    def __iter__(self) -> Iterator[str]:
        return iter(self._flat[::4])

    def __len__(self) -> int:
        return len(self._flat) // 4

    def __repr__(self) -> str:
        return repr({plugin: list(values) for plugin, values in self.items()})


#: PackedScores' kinds of kept scores
_TUPLE, _RUN, _BYTES = 0, 1, 2


class ByteScores(Sequence[int]):
    """Normalized scores (each 0..255) kept as ``bytes`` with the plugin's weight: ``[b * weight for b in
    data]``, read-only. Bytes are never tracked by the collector and take one byte a node."""

    __slots__ = ("data", "weight")

    def __init__(self, data: bytes, weight: int) -> None:
        self.data, self.weight = data, weight

    def values(self) -> tuple[int, ...]:
        """The weighted scores, as a tuple."""
        weight = self.weight
        return tuple(self.data) if weight == 1 else tuple(map(partial(mul, weight), self.data))

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return list(self.values()[i])
        return self.data[i] * self.weight

    def __iter__(self) -> Iterator[int]:
        return iter(self.values())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ByteScores | Same | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))


class Same(Sequence[Any]):
    """``[value] * n``, read-only, in two slots."""

    __slots__ = ("value", "n")

    def __init__(self, value: Any, n: int) -> None:
        self.value, self.n = value, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self.value] * len(range(*i.indices(self.n)))
        if not -self.n <= i < self.n:
            raise IndexError("Same index out of range")
        return self.value

    def __iter__(self) -> Iterator[Any]:
        return iter([self.value] * self.n)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Same):
            return (self.value, self.n) == (other.value, other.n)
        return list(self) == list(other) if isinstance(other, list | tuple) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"[{self.value}] * {self.n}"


class PackedStatuses(Mapping[str, Status]):
    """A read-only ``{node: Status}`` in node order, held as the node names (or a list of names and the
    nodes' places in it) and their statuses: a ``Same`` when one Status object answers for every node (a
    zone's node affinity), else a tuple. The dict is built only when read by name."""

    __slots__ = ("_names", "_places", "_statuses", "_dict")

    def __init__(self, names: Sequence[str], statuses: Sequence[Status], places: Sequence[int] | None = None
                 ) -> None:
        self._names = names
        self._places = places
        self._statuses = statuses
        self._dict: dict[str, Status] | None = None

    @classmethod
    def of(cls, names: list[str], statuses: list[Status], places: list[int] | None = None,
           same: Status | None = None) -> PackedStatuses:
        """From parallel lists (copied, as tuples or runs); ``same``: the one Status object every entry of
        ``statuses`` is, when the caller knows it."""
        if same is not None:
            kept: Sequence[Status] = Same(same, len(statuses))
        elif statuses and all(map(is_, statuses, repeat(statuses[0]))):
            kept = Same(statuses[0], len(statuses))
        else:
            kept = tuple(statuses)
        return cls(names if places is not None else tuple(names), kept,
                   tuple(places) if places is not None else None)

    @classmethod
    def from_dict(cls, statuses: dict[str, Status]) -> PackedStatuses:
        return cls.of(list(statuses), list(statuses.values()))

    def _get(self) -> dict[str, Status]:
        if self._dict is None:
            self._dict = dict(zip(self, self._statuses, strict=True))
        return self._dict

    def __getitem__(self, name: str) -> Status:
        return self._get()[name]

    def __iter__(self) -> Iterator[str]:
        if self._places is None:
            return iter(self._names)
        return map(self._names.__getitem__, self._places)

    def __len__(self) -> int:
        return len(self._statuses)

    def values(self) -> Any:
        return list(self._statuses)

    def __eq__(self, other: object) -> bool:
        return self._get() == other if isinstance(other, Mapping) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._get())


class Explainer:
    def __init__(self, limit: int = MAX_RECORDS) -> None:
        self.limit = limit
        self._attempts: OrderedDict[str, Attempt] = OrderedDict()
        self.count = 0

    def record(self, attempt: Attempt) -> None:
        self.count += 1
        attempt.pack()
        self._attempts[attempt.pod] = attempt
        self._attempts.move_to_end(attempt.pod)
        while len(self._attempts) > self.limit:
            victim = next((k for k, a in self._attempts.items() if a.node), None)
            if victim is None:
                break
            del self._attempts[victim]

    def last(self, namespace: str, name: str) -> Attempt | None:
        return self._attempts.get(f"{namespace}/{name}")

    # -- assertions -------------------------------------------------------------------------------
    def expect_filtered(self, namespace: str, pod: str, node: str, plugin: str) -> None:
        """AssertionError unless the pod's last attempt filtered ``node`` out with ``plugin``."""
        attempt = self.last(namespace, pod)
        if attempt is None:
            raise AssertionError(f'pod "{pod}" has not been through a scheduling attempt')
        status = attempt.statuses.get(node)
        if status is None and attempt.pre_filter is not None:
            status = attempt.pre_filter
        if status is None and attempt.absent is not None and node not in attempt.feasible:
            status = attempt.absent
        if status is None:
            verdict = "passed every filter" if node in attempt.feasible else "was not evaluated"
            raise AssertionError(f'in the last scheduling attempt of pod "{pod}", node "{node}" {verdict}; '
                                 f'expected it filtered out by "{plugin}"\n{self.render(attempt)}')
        if status.plugin != plugin:
            raise AssertionError(f'pod "{pod}" was filtered out of node "{node}" by "{status.plugin}" '
                                 f'({status.message}), expected "{plugin}"')

    # -- rendering --------------------------------------------------------------------------------
    def render(self, attempt: Attempt) -> str:
        head = ["NODE", "RESULT", "FILTERED BY", "REASON", *attempt.scores, "TOTAL"]
        rows: list[list[str]] = []
        index = {n: i for i, n in enumerate(attempt.feasible)}
        names = sorted({*attempt.statuses, *attempt.feasible})
        for name in names:
            if name in index:
                i = index[name]
                rows.append([name, "selected" if name == attempt.node else "feasible", "", "",
                             *(str(s[i]) for s in attempt.scores.values()),
                             str(attempt.totals[i]) if attempt.totals else ""])
            else:
                st = attempt.statuses[name]
                rows.append([name, st.code.title, st.plugin, st.message, *([""] * len(attempt.scores)), ""])
        lines = [f"scheduling attempt for pod {attempt.pod} at t={attempt.time_ms / 1000:g}s "
                 f"(profile {attempt.profile}, {attempt.num_nodes} nodes): "
                 + (f"bound to {attempt.node}" if attempt.node else attempt.message or "no node")]
        if attempt.pre_filter is not None:
            lines.append(f"PreFilter {attempt.pre_filter.plugin}: {attempt.pre_filter.message}")
        if rows:
            lines.append(printers.render(head, rows))
        return "\n".join(lines)

    def text(self, namespace: str, name: str) -> str:
        attempt = self.last(namespace, name)
        if attempt is None:
            return f"pod {namespace}/{name} has not been through a scheduling attempt"
        return self.render(attempt)


def expect_filtered(cluster: object, pod: str, node: str, plugin: str, namespace: str = "default") -> None:
    """``Then pod P was filtered out of node N by "Plugin"`` on a cluster whose scheduler explains itself."""
    scheduler = cluster.require("scheduler", "scheduler")  # type: ignore[attr-defined]
    check = getattr(scheduler, "expect_filtered", None)
    if check is None:
        raise AssertionError(f"the {type(scheduler).__name__} scheduler does not record filter verdicts")
    check(pod, node, plugin, namespace)
