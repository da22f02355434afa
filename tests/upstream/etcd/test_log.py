"""etcd-io/raft ``log_test.go``: the raftLog rules kspec's RaftNode carries inline (its log is a list from index 0).

kspec keeps no snapshot and compacts nothing: a snapshot at (index, term) is
stood in for by a log whose entries up to that index carry the snapshot's term,
which answers the same wherever upstream does not reach below the snapshot.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.etcd.raft_adapter import APP, TestNode, entries, msg

SOURCE = "etcd-io/raft log_test.go"
COMPACTED = "log compaction (ErrCompacted below a snapshot) is not modelled: kspec keeps every entry"


def node_with(terms: list[int], commit: int = 0, start: int = 1, snap_term: int = 0) -> TestNode:
    """A raft whose log holds entries ``start``.. with these terms (below ``start``, the snapshot's term)."""
    log = entries([snap_term] * (start - 1) + list(terms))
    return TestNode("1", ["1"], ents=log, commit=commit)


BY_TERM = [case("TestFindConflictByTerm", f"#{i}", snap=snap, terms=terms, index=x, term=t, want=w, **marks)
           for i, (snap, terms, x, t, w, marks) in enumerate([
               ((0, 0), [2, 2, 5, 5, 5], 100, 2, 100, {}),
               ((0, 0), [2, 2, 5, 5, 5], 5, 6, 5, {}),
               ((0, 0), [2, 2, 5, 5, 5], 5, 5, 5, {}),
               ((0, 0), [2, 2, 5, 5, 5], 5, 4, 2, {}),
               ((0, 0), [2, 2, 5, 5, 5], 5, 2, 2, {}),
               ((0, 0), [2, 2, 5, 5, 5], 5, 1, 0, {}),
               ((0, 0), [2, 2, 5, 5, 5], 1, 2, 1, {}),
               ((0, 0), [2, 2, 5, 5, 5], 1, 1, 0, {}),
               ((0, 0), [2, 2, 5, 5, 5], 0, 0, 0, {}),
               ((10, 3), [3, 3, 4, 4, 4], 30, 3, 30, {}),
               ((10, 3), [3, 3, 4, 4, 4], 14, 9, 14, {}),
               ((10, 3), [3, 3, 4, 4, 4], 14, 4, 14, {}),
               ((10, 3), [3, 3, 4, 4, 4], 14, 3, 12, {}),
               ((10, 3), [3, 3, 4, 4, 4], 14, 2, 9, {"unmodelled": COMPACTED}),
               ((10, 3), [3, 3, 4, 4, 4], 11, 5, 11, {}),
               ((10, 3), [3, 3, 4, 4, 4], 10, 5, 10, {}),
               ((10, 3), [3, 3, 4, 4, 4], 10, 3, 10, {}),
               ((10, 3), [3, 3, 4, 4, 4], 10, 2, 9, {"unmodelled": COMPACTED}),
               ((10, 3), [3, 3, 4, 4, 4], 9, 2, 9, {"unmodelled": COMPACTED}),
               ((10, 3), [3, 3, 4, 4, 4], 4, 2, 4, {"unmodelled": COMPACTED}),
               ((10, 3), [3, 3, 4, 4, 4], 0, 0, 0, {}),
           ])]


@pytest.mark.parametrize("tc", BY_TERM)
def test_find_conflict_by_term(tc: dict[str, Any]) -> None:
    (snap_index, snap_term), terms = tc["snap"], tc["terms"]
    r = node_with(terms, start=snap_index + 1, snap_term=snap_term)
    index, term = r._find_conflict_by_term(tc["index"], tc["term"])
    assert index == tc["want"]
    # the term at the answer, 0 when out of bounds (zeroTermOnOutOfBounds)
    assert term == (r.term_at(index) or 0)


UP_TO_DATE = [case("TestIsUpToDate", str(i), last=x, term=t, want=w) for i, (x, t, w) in enumerate([
    (2, 4, True), (3, 4, True), (4, 4, True), (2, 2, False), (3, 2, False), (4, 2, False),
    (2, 3, False), (3, 3, True), (4, 3, True)])]


@pytest.mark.parametrize("tc", UP_TO_DATE)
def test_is_up_to_date(tc: dict[str, Any]) -> None:
    assert node_with([1, 2, 3])._is_up_to_date(tc["last"], tc["term"]) is tc["want"]


FIND_CONFLICT = [case("TestFindConflict", str(i), start=s, terms=t, want=w) for i, (s, t, w) in enumerate([
    (1, [], 0), (1, [1, 2, 3], 0), (2, [2, 3], 0), (3, [3], 0), (1, [1, 2, 3, 4, 4], 4), (2, [2, 3, 4, 5], 4),
    (3, [3, 4, 4], 4), (4, [4, 4], 4), (1, [4, 4], 1), (2, [1, 4, 4], 2), (3, [1, 2, 4, 4], 3)])]


@pytest.mark.parametrize("tc", FIND_CONFLICT)
def test_find_conflict(tc: dict[str, Any]) -> None:
    assert node_with([1, 2, 3])._find_conflict(tuple(entries(tc["terms"], tc["start"]))) == tc["want"]


MAYBE_APPEND = [case("TestLogMaybeAppend", str(i), prev=p, committed=c, start=s, terms=t, lasti=li, append=a,
                     wcommit=wc, panic=pn)
                for i, (p, c, s, t, li, a, wc, pn) in enumerate([
                    ((2, 3), 3, 4, [4], 0, False, 1, False),
                    ((3, 4), 3, 5, [4], 0, False, 1, False),
                    ((3, 3), 3, 4, [], 3, True, 3, False),
                    ((3, 3), 4, 4, [], 3, True, 3, False),
                    ((3, 3), 2, 4, [], 3, True, 2, False),
                    ((3, 3), 0, 4, [], 3, True, 1, False),
                    ((0, 0), 3, 1, [], 0, True, 1, False),
                    ((3, 3), 3, 4, [4], 4, True, 3, False),
                    ((3, 3), 4, 4, [4], 4, True, 4, False),
                    ((3, 3), 5, 4, [4], 4, True, 4, False),
                    ((3, 3), 5, 4, [4, 4], 5, True, 5, False),
                    ((2, 2), 3, 3, [4], 3, True, 3, False),
                    ((1, 1), 3, 2, [4], 2, True, 2, False),
                    ((0, 0), 3, 1, [4], 1, True, 1, True),
                    ((1, 1), 3, 2, [4, 4], 3, True, 3, False),
                ])]


@pytest.mark.parametrize("tc", MAYBE_APPEND)
def test_log_maybe_append(tc: dict[str, Any]) -> None:
    r = node_with([1, 2, 3], commit=1)
    (prev_term, prev_index) = tc["prev"]
    ents = tuple(entries(tc["terms"], tc["start"]))
    m = msg(APP, "2", "1", 100, index=prev_index, log_term=prev_term, entries=ents, commit=tc["committed"])
    try:
        last = r._maybe_append(m)
    except AssertionError:
        assert tc["panic"]
        return
    assert not tc["panic"]
    assert (last or 0, last is not None, r.commit) == (tc["lasti"], tc["append"], tc["wcommit"])
    if last is not None and ents:
        assert r.log[r.last_index - len(ents) + 1:] == list(ents)


COMMIT_TO = [case("TestCommitTo", str(i), commit=c, want=w, panic=p)
             for i, (c, w, p) in enumerate([(3, 3, False), (1, 2, False), (4, 0, True)])]


@pytest.mark.parametrize("tc", COMMIT_TO)
def test_commit_to(tc: dict[str, Any]) -> None:
    r = node_with([1, 2, 3], commit=2)
    try:
        r._commit_to(tc["commit"])
    except AssertionError:
        assert tc["panic"]
        return
    assert not tc["panic"] and r.commit == tc["want"]

