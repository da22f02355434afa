"""What kube-apiserver's etcd client gets back for a write the cluster cannot commit.

kube-apiserver passes an etcd error through unchanged: ``store.Create`` returns
the client's error, ``InterpretCreateError`` knows none of these, and
``ErrorToAPIStatus`` turns it into a 500 whose message is ``err.Error()``
(``convertStorageErrorOrNot``, reason Unknown). kubectl prints
``Error from server: <message>``. The client does not retry a failed
mutation (only unsent ones), so the first answer is the one a person sees.

The server takes up to ``ReqTimeout`` (7s) to give that answer; the simulation
answers at once from the cluster as it is now, because the API server's
synchronous call needs an answer now.
"""

from __future__ import annotations

#: EtcdServer's ReqTimeout: 5s + 2 x election timeout (1s), how long a proposal waits for commit.
REQUEST_TIMEOUT_MS = 5000 + 2 * 1000
#: parseProposeCtxErr: the long message only when this member became leader within 2 x election timeout.
LEADER_FAIL_WINDOW_MS = 2 * 1000

#: Raw ``context.DeadlineExceeded`` from a member with no leader: raft drops the proposal
#: (``propc = nil`` in raft's node.go) and the request waits out ReqTimeout; gRPC code Unknown.
CONTEXT_DEADLINE_EXCEEDED = "rpc error: code = Unknown desc = context deadline exceeded"
#: errors.ErrTimeout, from parseProposeCtxErr: the proposal reached a leader that could not commit it.
REQUEST_TIMED_OUT = "etcdserver: request timed out"
#: errors.ErrTimeoutDueToLeaderFail: the proposal was forwarded to a leader that is gone,
#: and a new one is elected within 2 x election timeout of the request.
REQUEST_TIMED_OUT_LEADER_FAIL = "etcdserver: request timed out, possibly due to previous leader failure"
#: errors.ErrNoLeader, what ``endpoint status`` lists for a member that knows no leader.
NO_LEADER = "etcdserver: no leader"


def write_error(*, stale_leader: bool, following_lost_leader: bool, electable: bool) -> str:
    """The message of a write that cannot commit, from the best-placed live member's view.

    ``stale_leader``: a member still leads without a quorum behind it (until
    CheckQuorum steps it down). ``following_lost_leader``: a member still
    follows a leader it can no longer reach, so it forwards the proposal into
    the void. ``electable``: a majority of members can reach each other, so a
    new leader will be elected before the request times out.
    """
    if stale_leader:
        return REQUEST_TIMED_OUT
    if following_lost_leader:
        return REQUEST_TIMED_OUT_LEADER_FAIL if electable else REQUEST_TIMED_OUT
    return CONTEXT_DEADLINE_EXCEEDED
