"""Majority quorums, as etcd-io/raft counts them (``quorum/majority.go``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum

#: What an empty configuration commits: everything (math.MaxUint64 in MajorityConfig.CommittedIndex), so it
#: never holds back the other half of a joint quorum.
UNBOUNDED = 2**64 - 1


class VoteResult(Enum):
    PENDING = "VotePending"
    LOST = "VoteLost"
    WON = "VoteWon"


def quorum(voters: int) -> int:
    """Votes needed out of ``voters``: len(voters)/2 + 1 (MajorityConfig.VoteResult)."""
    return voters // 2 + 1


def tolerated_failures(voters: int) -> int:
    """How many members may fail with the cluster still committing (ETCD-02)."""
    return voters - quorum(voters)


def vote_result(voters: Iterable[str], votes: Mapping[str, bool]) -> VoteResult:
    """Won at a quorum of yes votes, lost once the yes votes plus the missing ones cannot reach it.

    An empty configuration wins (MajorityConfig.VoteResult), for the same reason as in ``committed_index``.
    """
    ids = list(voters)
    if not ids:
        return VoteResult.WON
    granted = sum(1 for v in ids if votes.get(v) is True)
    missing = sum(1 for v in ids if v not in votes)
    q = quorum(len(ids))
    if granted >= q:
        return VoteResult.WON
    if granted + missing >= q:
        return VoteResult.PENDING
    return VoteResult.LOST


def committed_index(matches: Iterable[int]) -> int:
    """The highest index a quorum has: the value at sorted position n - (n/2 + 1) (MajorityConfig.CommittedIndex)."""
    srt = sorted(matches)
    if not srt:
        return UNBOUNDED
    return srt[len(srt) - quorum(len(srt))]
