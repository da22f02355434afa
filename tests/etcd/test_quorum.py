"""Quorum arithmetic against etcd-io/raft's majority.go (UPSTREAM ETCD-01, ETCD-02)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kspec.etcd.quorum import UNBOUNDED, VoteResult, committed_index, quorum, tolerated_failures, vote_result


@pytest.mark.parametrize(("members", "q", "tolerated"),
                         [(1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2), (6, 4, 2), (7, 4, 3)])
def test_failure_tolerance_table(members: int, q: int, tolerated: int) -> None:
    assert quorum(members) == q
    assert tolerated_failures(members) == tolerated


def test_vote_result_won_lost_pending() -> None:
    voters = ["a", "b", "c"]
    assert vote_result(voters, {"a": True}) is VoteResult.PENDING
    assert vote_result(voters, {"a": True, "b": True}) is VoteResult.WON
    assert vote_result(voters, {"a": True, "b": False}) is VoteResult.PENDING
    assert vote_result(voters, {"a": True, "b": False, "c": False}) is VoteResult.LOST


def test_committed_index_is_the_quorum_position() -> None:
    assert committed_index([5, 3, 9]) == 5
    assert committed_index([5, 3, 9, 1]) == 3  # 4 voters need 3
    assert committed_index([7]) == 7
    assert committed_index([]) == UNBOUNDED  # MajorityConfig.CommittedIndex


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=7))
def test_committed_index_is_held_by_a_quorum_and_is_the_highest_such(matches: list[int]) -> None:
    c = committed_index(matches)
    assert sum(1 for m in matches if m >= c) >= quorum(len(matches))
    assert sum(1 for m in matches if m >= c + 1) < quorum(len(matches))
