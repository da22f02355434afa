"""etcd-io/raft's majority quorum: the datadriven ``quorum/testdata/majority_*.txt`` directives and TestQuick.

Each directive is one case, named by its file and line (datadriven names no
sub-test). ``_`` in ``idx`` is a voter whose acked index is unknown, which
upstream counts as 0; in ``votes`` it is a voter that has not answered.
The joint_*.txt files are not ported: kspec has no joint consensus.
TestQuick (quorum/quick_test.go) is in test_quorum_quick.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.etcd.quorum import UNBOUNDED, committed_index, vote_result
from tests.upstream.cases import case

SOURCE = "etcd-io/raft quorum/datadriven_test.go"


def v(line: int, cfg: str, votes: str, want: str) -> Any:
    return case("TestDataDriven", f"majority_vote.txt:{line}", cfg=cfg, votes=votes, want=want)


def c(line: int, cfg: str, idx: str, want: str) -> Any:
    return case("TestDataDriven", f"majority_commit.txt:{line}", cfg=cfg, idx=idx, want=want)


def _split(text: str) -> list[str]:
    return [x for x in text.split(",") if x]


VOTES = [
    v(2, "", "", "VoteWon"),
    v(6, "1", "_", "VotePending"),
    v(10, "1", "n", "VoteLost"),
    v(14, "123", "y", "VoteWon"),
    v(21, "4,8", "_,_", "VotePending"),
    v(26, "4,8", "n,_", "VoteLost"),
    v(30, "4,8", "y,_", "VotePending"),
    v(34, "4,8", "n,y", "VoteLost"),
    v(38, "4,8", "y,y", "VoteWon"),
    v(44, "2,4,7", "_,_,_", "VotePending"),
    v(48, "2,4,7", "n,_,_", "VotePending"),
    v(52, "2,4,7", "y,_,_", "VotePending"),
    v(56, "2,4,7", "n,n,_", "VoteLost"),
    v(60, "2,4,7", "y,n,_", "VotePending"),
    v(64, "2,4,7", "y,y,_", "VoteWon"),
    v(68, "2,4,7", "y,y,n", "VoteWon"),
    v(72, "2,4,7", "n,y,n", "VoteLost"),
    v(79, "1,2,3,4,5,6,7", "y,y,n,y,_,_,_", "VotePending"),
    v(83, "1,2,3,4,5,6,7", "_,y,y,_,n,y,n", "VotePending"),
    v(87, "1,2,3,4,5,6,7", "y,y,n,y,_,n,y", "VoteWon"),
    v(91, "1,2,3,4,5,6,7", "y,y,_,n,y,n,n", "VotePending"),
    v(95, "1,2,3,4,5,6,7", "y,y,n,y,n,n,n", "VoteLost"),
]

COMMITS = [
    c(3, "", "", "∞"),
    c(10, "1", "_", "0"),
    c(17, "1", "12", "12"),
    c(27, "1,2", "_,_", "0"),
    c(36, "1,2", "12,_", "0"),
    c(45, "1,2", "12,5", "5"),
    c(56, "1,2,3", "_,_,_", "0"),
    c(64, "1,2,3", "12,_,_", "0"),
    c(74, "1,2,3", "12,5,_", "5"),
    c(83, "1,2,3", "12,5,6", "6"),
    c(92, "1,2,3", "12,5,4", "5"),
    c(103, "1,2,3", "5,5,_", "5"),
    c(112, "1,2,3", "5,5,12", "5"),
    c(121, "1,2,3", "100,101,103", "101"),
    c(133, "1,2,3,4,5", "101,104,103,103,_", "103"),
    c(145, "1,2,3,4,5", "101,102,103,103,_", "102"),
]


@pytest.mark.parametrize("tc", VOTES)
def test_majority_vote(tc: dict[str, Any]) -> None:
    ids = _split(tc["cfg"])
    answers = _split(tc["votes"])
    assert len(answers) == len(ids)
    votes = {i: a == "y" for i, a in zip(ids, answers, strict=True) if a != "_"}
    assert vote_result(ids, votes).value == tc["want"]


@pytest.mark.parametrize("tc", COMMITS)
def test_majority_committed(tc: dict[str, Any]) -> None:
    ids = _split(tc["cfg"])
    idx = [0 if x == "_" else int(x) for x in _split(tc["idx"])]
    assert len(idx) == len(ids)
    got = committed_index(idx)
    assert (str(got) if got != UNBOUNDED else "∞") == tc["want"]
