"""etcd-io/raft ``raft_test.go``: elections, pre-vote, CheckQuorum, replication and commit, over kspec's RaftNode.

Learners, joint consensus, snapshots, leader transfer, ReadIndex, flow control
and proposal forwarding are not in kspec's model; their tests are not ported.
Upstream's local messages with term 0 (a MsgHeartbeatResp with no term, say)
are stepped with the node's own term: kspec's node has no local-message path.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.etcd.raft_adapter import (
    APP,
    APP_RESP,
    CANDIDATE,
    FOLLOWER,
    HEARTBEAT,
    HEARTBEAT_RESP,
    LEADER,
    PRE_CANDIDATE,
    PRE_VOTE,
    PRE_VOTE_RESP,
    VOTE,
    VOTE_RESP,
    Beat,
    Hup,
    Network,
    Prop,
    TestNode,
    entries,
    ents_with_config,
    log_of,
    msg,
    voted_with_config,
    want_log,
)

SOURCE = "etcd-io/raft raft_test.go"
PEERS = ["1", "2", "3"]
STATES = {"StateFollower": FOLLOWER, "StatePreCandidate": PRE_CANDIDATE, "StateCandidate": CANDIDATE,
          "StateLeader": LEADER}


def new(i: str = "1", peers: list[str] | None = None, election: int = 10, heartbeat: int = 1, **kw: Any) -> TestNode:
    return TestNode(i, peers or PEERS, election, heartbeat, seed=int(i), **kw)


# -- elections -----------------------------------------------------------------------------------------
def _election_cases(pre: bool) -> list[Any]:
    func = "TestLeaderElectionPreVote" if pre else "TestLeaderElection"
    cand, cand_term = (PRE_CANDIDATE, 0) if pre else (CANDIDATE, 1)
    e1 = ents_with_config(1, pre_vote=pre)
    e11 = ents_with_config(1, 1, pre_vote=pre)
    rows = [
        (("new", "new", "new"), LEADER, 1),
        (("new", "new", None), LEADER, 1),
        (("new", None, None), cand, cand_term),
        (("new", None, None, "new"), cand, cand_term),
        (("new", None, None, "new", "new"), LEADER, 1),
        (("new", e1, e1, e11, "new"), FOLLOWER, 1),
    ]
    return [case(func, f"#{i}", members=m, state=s, term=t, pre=pre) for i, (m, s, t) in enumerate(rows)]


@pytest.mark.parametrize("tc", _election_cases(False) + _election_cases(True))
def test_leader_election(tc: dict[str, Any]) -> None:
    n = Network.of(*tc["members"], pre_vote=tc["pre"])
    n.send(Hup("1"))
    assert n.node(1).state is tc["state"] and n.node(1).term == tc["term"]


@pytest.mark.parametrize("tc", [case("TestLeaderCycle", "", pre=False), case("TestLeaderCyclePreVote", "", pre=True)])
def test_leader_cycle(tc: dict[str, Any]) -> None:
    n = Network.of("new", "new", "new", pre_vote=tc["pre"])
    for campaigner in PEERS:
        n.send(Hup(campaigner))
        for i in PEERS:
            assert n.node(i).state is (LEADER if i == campaigner else FOLLOWER), (campaigner, i)


@pytest.mark.parametrize("tc", [case("TestLeaderElectionOverwriteNewerLogs", "", pre=False),
                                case("TestLeaderElectionOverwriteNewerLogsPreVote", "", pre=True)])
def test_leader_election_overwrite_newer_logs(tc: dict[str, Any]) -> None:
    pre = tc["pre"]
    n = Network.of(ents_with_config(1, pre_vote=pre), ents_with_config(1, pre_vote=pre),
                   ents_with_config(2, pre_vote=pre), voted_with_config("3", 2, pre_vote=pre),
                   voted_with_config("3", 2, pre_vote=pre))
    n.send(Hup("1"))
    sm1 = n.node(1)
    assert sm1.state is FOLLOWER and sm1.term == 2
    n.send(Hup("1"))
    assert sm1.state is LEADER and sm1.term == 3
    for i in n.peers:
        assert n.node(i).terms() == [1, 3]


VOTE_ANY = [case(f"Test{'Pre' if vt is PRE_VOTE else ''}VoteFromAnyState", st, vt=vt, state=STATES[st])
            for vt in (VOTE, PRE_VOTE) for st in STATES]


@pytest.mark.parametrize("tc", VOTE_ANY)
def test_vote_from_any_state(tc: dict[str, Any]) -> None:
    r = new()
    r.term = 1
    st = tc["state"]
    if st is FOLLOWER:
        r.become_follower(r.term, "3")
    elif st is PRE_CANDIDATE:
        r.become_pre_candidate()
    elif st is CANDIDATE:
        r.become_candidate()
    else:
        r.become_candidate()
        r.become_leader()
    r.read_messages()
    orig, new_term = r.term, r.term + 1
    r.step(msg(tc["vt"], "2", "1", new_term, log_term=new_term, index=42))
    [resp] = r.read_messages()
    assert resp.type is (VOTE_RESP if tc["vt"] is VOTE else PRE_VOTE_RESP) and not resp.reject
    if tc["vt"] is VOTE:
        assert (r.state, r.term, r.vote) == (FOLLOWER, new_term, "2")
    else:
        assert r.state is st and r.term == orig and r.vote in (None, "1")


# -- replication and commit ---------------------------------------------------------------------------
LOG_REPLICATION = [
    case("TestLogReplication", "#0", events=[Prop("1")], wcommitted=2),
    case("TestLogReplication", "#1", events=[Prop("1"), Hup("2"), Prop("2")], wcommitted=4),
]


@pytest.mark.parametrize("tc", LOG_REPLICATION)
def test_log_replication(tc: dict[str, Any]) -> None:
    n = Network.of("new", "new", "new")
    n.send(Hup("1"))
    for ev in tc["events"]:
        n.send(ev)
    props = [ev for ev in tc["events"] if isinstance(ev, Prop)]
    for i in n.peers:
        sm = n.node(i)
        assert sm.commit == tc["wcommitted"], i
        data = [d for _, _, d in log_of(sm)[:sm.commit] if d is not None]
        assert data == [p.data for p in props], i


@pytest.mark.parametrize("tc", [case("TestSingleNodeCommit", "")])
def test_single_node_commit(tc: dict[str, Any]) -> None:
    n = Network.of(new("1", ["1"]))
    n.send(Hup("1"))
    n.send(Prop("1", b"some data"))
    n.send(Prop("1", b"some data"))
    assert n.node(1).commit == 3


def _five_with_minority_writes() -> Network:
    n = Network.of(*["new"] * 5)
    n.send(Hup("1"))
    for other in ("3", "4", "5"):
        n.cut("1", other)
    n.send(Prop("1", b"some data"))
    n.send(Prop("1", b"some data"))
    assert n.node(1).commit == 1
    return n


@pytest.mark.parametrize("tc", [case("TestCannotCommitWithoutNewTermEntry", "")])
def test_cannot_commit_without_new_term_entry(tc: dict[str, Any]) -> None:
    n = _five_with_minority_writes()
    n.recover()
    n.ignore(APP)
    n.send(Hup("2"))
    sm = n.node(2)
    assert sm.commit == 1
    n.recover()
    n.send(Beat("2"))
    n.send(Prop("2", b"some data"))
    assert sm.commit == 5


@pytest.mark.parametrize("tc", [case("TestCommitWithoutNewTermEntry", "")])
def test_commit_without_new_term_entry(tc: dict[str, Any]) -> None:
    n = _five_with_minority_writes()
    n.recover()
    n.send(Hup("2"))
    assert n.node(1).commit == 4


@pytest.mark.parametrize("tc", [case("TestDuelingCandidates", "", pre=False,
                                     want=[(FOLLOWER, 2, 1), (FOLLOWER, 2, 1), (FOLLOWER, 2, 0)]),
                                case("TestDuelingPreCandidates", "", pre=True,
                                     want=[(LEADER, 1, 1), (FOLLOWER, 1, 1), (FOLLOWER, 1, 0)])])
def test_dueling_candidates(tc: dict[str, Any]) -> None:
    nodes = [new(i, pre_vote=tc["pre"]) for i in PEERS]
    n = Network.of(*nodes)
    n.cut("1", "3")
    n.send(Hup("1"))
    n.send(Hup("3"))
    assert nodes[0].state is LEADER
    assert nodes[2].state is (FOLLOWER if tc["pre"] else CANDIDATE)
    n.recover()
    n.send(Hup("3"))
    assert [(r.state, r.term, r.last_index) for r in nodes] == tc["want"]


@pytest.mark.parametrize("tc", [case("TestCandidateConcede", "")])
def test_candidate_concede(tc: dict[str, Any]) -> None:
    n = Network.of("new", "new", "new")
    n.isolate("1")
    n.send(Hup("1"))
    n.send(Hup("3"))
    n.recover()
    n.send(Beat("3"))
    n.send(Prop("3", b"force follower"))
    n.send(Beat("3"))
    a = n.node(1)
    assert a.state is FOLLOWER and a.term == 1
    for i in n.peers:
        assert log_of(n.node(i)) == want_log((1, None), (1, b"force follower")), i


@pytest.mark.parametrize("tc", [case("TestSingleNodeCandidate", "", pre=False),
                                case("TestSingleNodePreCandidate", "", pre=True)])
def test_single_node_candidate(tc: dict[str, Any]) -> None:
    n = Network.of("new", pre_vote=tc["pre"])
    n.send(Hup("1"))
    assert n.node(1).state is LEADER


@pytest.mark.parametrize("tc", [case("TestOldMessages", "")])
def test_old_messages(tc: dict[str, Any]) -> None:
    n = Network.of("new", "new", "new")
    n.send(Hup("1"))
    n.send(Hup("2"))
    n.send(Hup("1"))
    # an append from the term-2 leader, now stale: ignored
    n.send(msg(APP, "2", "1", 2, entries=tuple(entries([2], 3))))
    n.send(Prop("1", b"somedata"))
    for i in n.peers:
        assert log_of(n.node(i)) == want_log((1, None), (2, None), (3, None), (3, b"somedata")), i


PROPOSAL = [case("TestProposal", f"#{i}", members=m, success=s) for i, (m, s) in enumerate([
    (("new", "new", "new"), True),
    (("new", "new", None), True),
    (("new", None, None), False),
    (("new", None, None, "new"), False),
    (("new", None, None, "new", "new"), True),
])]


@pytest.mark.parametrize("tc", PROPOSAL)
def test_proposal(tc: dict[str, Any]) -> None:
    n = Network.of(*tc["members"])
    n.send(Hup("1"))
    n.send(Prop("1", b"somedata"))  # dropped by a node that is not the leader (ErrProposalDropped)
    want = want_log((1, None), (1, b"somedata")) if tc["success"] else []
    for i, p in n.peers.items():
        if p is not None:
            assert log_of(p) == want, i
    assert n.node(1).term == 1


COMMIT = [case("TestCommit", f"#{i}", matches=m, terms=t, term=term, want=w) for i, (m, t, term, w) in enumerate([
    ([1], [1], 1, 1), ([1], [1], 2, 0), ([2], [1, 2], 2, 2), ([1], [2], 2, 1),
    ([2, 1, 1], [1, 2], 1, 1), ([2, 1, 1], [1, 1], 2, 0), ([2, 1, 2], [1, 2], 2, 2), ([2, 1, 2], [1, 1], 2, 0),
    ([2, 1, 1, 1], [1, 2], 1, 1), ([2, 1, 1, 1], [1, 1], 2, 0), ([2, 1, 1, 2], [1, 2], 1, 1),
    ([2, 1, 1, 2], [1, 1], 2, 0), ([2, 1, 2, 2], [1, 2], 2, 2), ([2, 1, 2, 2], [1, 1], 2, 0),
])]


@pytest.mark.parametrize("tc", COMMIT)
def test_commit(tc: dict[str, Any]) -> None:
    ids = [str(j + 1) for j in range(len(tc["matches"]))]
    sm = new("1", ids, 10, 2, ents=entries(tc["terms"]), term=tc["term"])
    for i, m in zip(ids, tc["matches"], strict=True):
        sm.match[i], sm.next[i] = m, m + 1
    sm._maybe_commit()
    assert sm.commit == tc["want"]


PAST = [case("TestPastElectionTimeout", f"#{i}", elapse=e, p=p, round=r) for i, (e, p, r) in enumerate([
    (5, 0.0, False), (10, 0.1, True), (13, 0.4, True), (15, 0.6, True), (18, 0.9, True), (20, 1.0, False)])]


@pytest.mark.parametrize("tc", PAST)
def test_past_election_timeout(tc: dict[str, Any]) -> None:
    # pastElectionTimeout, observed: a follower that has waited ``elapse`` ticks campaigns on the next check
    sm = new("1", ["1", "2"])
    c = 0
    for _ in range(10000):
        sm.become_follower(sm.term, None)  # resetRandomizedElectionTimeout
        sm.election_elapsed = tc["elapse"] - 1
        sm.tick()
        if sm.read_messages():
            c += 1
    got = c / 10000
    if tc["round"]:
        got = int(got * 10 + 0.5) / 10
    assert got == tc["p"]


@pytest.mark.parametrize("tc", [case("TestStepIgnoreOldTermMsg", "")])
def test_step_ignore_old_term_msg(tc: dict[str, Any]) -> None:
    sm = new("1", ["1"])
    sm.term = 2
    before = (sm.state, sm.term, sm.lead, sm.commit, list(sm.log), sm.election_elapsed)
    sm.step(msg(APP, "2", "1", 1))
    assert (sm.state, sm.term, sm.lead, sm.commit, list(sm.log), sm.election_elapsed) == before and not sm.msgs


HANDLE_APP = [case("TestHandleMsgApp", f"#{i}", term=term, log_term=lt, index=x, commit=c, ents=e, windex=wi,
                   wcommit=wc, reject=rej)
              for i, (term, lt, x, c, e, wi, wc, rej) in enumerate([
                  (2, 3, 2, 3, [], 2, 0, True),
                  (2, 3, 3, 3, [], 2, 0, True),
                  (2, 1, 1, 1, [], 2, 1, False),
                  (2, 0, 0, 1, [(1, 2)], 1, 1, False),
                  (2, 2, 2, 3, [(3, 2), (4, 2)], 4, 3, False),
                  (2, 2, 2, 4, [(3, 2)], 3, 3, False),
                  (2, 1, 1, 4, [(2, 2)], 2, 2, False),
                  (1, 1, 1, 3, [], 2, 1, False),
                  (1, 1, 1, 3, [(2, 2)], 2, 2, False),
                  (2, 2, 2, 3, [], 2, 2, False),
                  (2, 2, 2, 4, [], 2, 2, False),
              ])]


@pytest.mark.parametrize("tc", HANDLE_APP)
def test_handle_msg_app(tc: dict[str, Any]) -> None:
    sm = new("1", ["1"], ents=entries([1, 2]))
    sm.become_follower(2, None)
    ents = tuple(type(sm.log[0])(t, x) for x, t in tc["ents"])
    sm._handle_append(msg(APP, "2", "1", tc["term"], log_term=tc["log_term"], index=tc["index"],
                          commit=tc["commit"], entries=ents))
    assert (sm.last_index, sm.commit) == (tc["windex"], tc["wcommit"])
    [m] = sm.read_messages()
    assert m.reject is tc["reject"]


HANDLE_HB = [case("TestHandleHeartbeat", f"#{i}", commit=c, wcommit=w) for i, (c, w) in enumerate([(3, 3), (1, 2)])]


@pytest.mark.parametrize("tc", HANDLE_HB)
def test_handle_heartbeat(tc: dict[str, Any]) -> None:
    sm = new("1", ["1", "2"], 5, ents=entries([1, 2, 3]))
    sm.become_follower(2, "2")
    sm._commit_to(2)
    sm._handle_heartbeat(msg(HEARTBEAT, "2", "1", 2, commit=tc["commit"]))
    assert sm.commit == tc["wcommit"]
    [m] = sm.read_messages()
    assert m.type is HEARTBEAT_RESP


@pytest.mark.parametrize("tc", [case("TestHandleHeartbeatResp", "")])
def test_handle_heartbeat_resp(tc: dict[str, Any]) -> None:
    sm = new("1", ["1", "2"], 5, ents=entries([1, 2, 3]))
    sm.become_candidate()
    sm.become_leader()
    sm.read_messages()
    sm._commit_to(sm.last_index)
    sm.step(msg(HEARTBEAT_RESP, "2", "1", sm.term))
    [m] = sm.read_messages()
    assert m.type is APP
    sm.step(msg(HEARTBEAT_RESP, "2", "1", sm.term))
    [m] = sm.read_messages()
    assert m.type is APP
    sm.step(msg(APP_RESP, "2", "1", sm.term, index=m.index + len(m.entries)))
    sm.read_messages()
    sm.step(msg(HEARTBEAT_RESP, "2", "1", sm.term))
    assert sm.read_messages() == []


RECV_VOTE_ROWS = [
    ("StateFollower", 0, 0, None, True), ("StateFollower", 0, 1, None, True),
    ("StateFollower", 0, 2, None, True), ("StateFollower", 0, 3, None, False),
    ("StateFollower", 1, 0, None, True), ("StateFollower", 1, 1, None, True),
    ("StateFollower", 1, 2, None, True), ("StateFollower", 1, 3, None, False),
    ("StateFollower", 2, 0, None, True), ("StateFollower", 2, 1, None, True),
    ("StateFollower", 2, 2, None, False), ("StateFollower", 2, 3, None, False),
    ("StateFollower", 3, 0, None, True), ("StateFollower", 3, 1, None, True),
    ("StateFollower", 3, 2, None, False), ("StateFollower", 3, 3, None, False),
    ("StateFollower", 3, 2, "2", False), ("StateFollower", 3, 2, "1", True),
    ("StateLeader", 3, 3, "1", True), ("StatePreCandidate", 3, 3, "1", True), ("StateCandidate", 3, 3, "1", True),
]
RECV_VOTE = [case(f"TestRecv{name}", f"#{i}", vt=vt, state=STATES[st], index=x, log_term=lt, vote=v, reject=rej)
             for name, vt in (("MsgVote", VOTE), ("MsgPreVote", PRE_VOTE))
             for i, (st, x, lt, v, rej) in enumerate(RECV_VOTE_ROWS)]


@pytest.mark.parametrize("tc", RECV_VOTE)
def test_recv_msg_vote(tc: dict[str, Any]) -> None:
    sm = new("1", ["1"], ents=entries([2, 2]))
    term = max(2, tc["log_term"])
    sm.term = term
    sm.state, sm.vote = tc["state"], tc["vote"]
    sm.step(msg(tc["vt"], "2", "1", term, index=tc["index"], log_term=tc["log_term"]))
    [m] = sm.read_messages()
    assert m.type is (VOTE_RESP if tc["vt"] is VOTE else PRE_VOTE_RESP)
    assert m.reject is tc["reject"]


TRANSITIONS = [case("TestStateTransition", f"#{i}", frm=STATES[f], to=STATES[t], allow=a, term=w, lead=ld)
               for i, (f, t, a, w, ld) in enumerate([
                   ("StateFollower", "StateFollower", True, 1, None),
                   ("StateFollower", "StatePreCandidate", True, 0, None),
                   ("StateFollower", "StateCandidate", True, 1, None),
                   ("StateFollower", "StateLeader", False, 0, None),
                   ("StatePreCandidate", "StateFollower", True, 0, None),
                   ("StatePreCandidate", "StatePreCandidate", True, 0, None),
                   ("StatePreCandidate", "StateCandidate", True, 1, None),
                   ("StatePreCandidate", "StateLeader", True, 0, "1"),
                   ("StateCandidate", "StateFollower", True, 0, None),
                   ("StateCandidate", "StatePreCandidate", True, 0, None),
                   ("StateCandidate", "StateCandidate", True, 1, None),
                   ("StateCandidate", "StateLeader", True, 0, "1"),
                   ("StateLeader", "StateFollower", True, 1, None),
                   ("StateLeader", "StatePreCandidate", False, 0, None),
                   ("StateLeader", "StateCandidate", False, 1, None),
                   ("StateLeader", "StateLeader", True, 0, "1"),
               ])]


@pytest.mark.parametrize("tc", TRANSITIONS)
def test_state_transition(tc: dict[str, Any]) -> None:
    sm = new("1", ["1"])
    sm.state = tc["frm"]
    to = tc["to"]
    try:
        if to is FOLLOWER:
            sm.become_follower(tc["term"], tc["lead"])
        elif to is PRE_CANDIDATE:
            sm.become_pre_candidate()
        elif to is CANDIDATE:
            sm.become_candidate()
        else:
            sm.become_leader()
    except RuntimeError:
        assert not tc["allow"]
        return
    assert tc["allow"]
    assert (sm.term, sm.lead) == (tc["term"], tc["lead"])


STEPDOWN = [case("TestAllServerStepdown", f"#{i}", state=STATES[s], windex=w)
            for i, (s, w) in enumerate([("StateFollower", 0), ("StatePreCandidate", 0), ("StateCandidate", 0),
                                        ("StateLeader", 1)])]


@pytest.mark.parametrize("tc", STEPDOWN)
def test_all_server_stepdown(tc: dict[str, Any]) -> None:
    sm = new()
    st = tc["state"]
    if st is FOLLOWER:
        sm.become_follower(1, None)
    elif st is PRE_CANDIDATE:
        sm.become_pre_candidate()
    else:
        sm.become_candidate()
        if st is LEADER:
            sm.become_leader()
    for kind in (VOTE, APP):
        sm.step(msg(kind, "2", "1", 3, log_term=3))
        assert (sm.state, sm.term, sm.last_index) == (FOLLOWER, 3, tc["windex"])
        assert sm.lead == (None if kind is VOTE else "2")


@pytest.mark.parametrize("tc", [case("TestCandidateResetTermMsgHeartbeat", "", kind=HEARTBEAT),
                                case("TestCandidateResetTermMsgApp", "", kind=APP)])
def test_candidate_reset_term(tc: dict[str, Any]) -> None:
    a, b, c = (new(i) for i in PEERS)
    n = Network.of(a, b, c)
    n.send(Hup("1"))
    assert (a.state, b.state, c.state) == (LEADER, FOLLOWER, FOLLOWER)
    n.isolate("3")
    n.send(Hup("2"))
    n.send(Hup("1"))
    assert (a.state, b.state) == (LEADER, FOLLOWER)
    c.become_follower(c.term, c.lead)  # resetRandomizedElectionTimeout (nothing else changes for a follower)
    for _ in range(c.randomized_election_timeout):
        c.tick()
    assert c.state is CANDIDATE
    n.recover()
    n.send(msg(tc["kind"], "1", "3", a.term))
    assert c.state is FOLLOWER and c.term == a.term


# -- CheckQuorum ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("tc", [case("TestLeaderStepdownWhenQuorumActive", "", active=True),
                                case("TestLeaderStepdownWhenQuorumLost", "", active=False)])
def test_leader_stepdown_when_quorum(tc: dict[str, Any]) -> None:
    sm = new(election=5, check_quorum=True)
    sm.become_candidate()
    sm.become_leader()
    for _ in range(sm.election_ticks + 1):
        if tc["active"]:
            sm.step(msg(HEARTBEAT_RESP, "2", "1", sm.term))
        sm.tick()
    assert sm.state is (LEADER if tc["active"] else FOLLOWER)


def _check_quorum_trio() -> tuple[Network, TestNode, TestNode, TestNode]:
    a, b, c = (new(i, check_quorum=True) for i in PEERS)
    return Network.of(a, b, c), a, b, c


@pytest.mark.parametrize("tc", [case("TestLeaderSupersedingWithCheckQuorum", "")])
def test_leader_superseding_with_check_quorum(tc: dict[str, Any]) -> None:
    n, a, b, c = _check_quorum_trio()
    b.randomized_election_timeout = b.election_ticks + 1
    for _ in range(b.election_ticks):
        b.tick()
    n.send(Hup("1"))
    assert a.state is LEADER and c.state is FOLLOWER
    n.send(Hup("3"))
    assert c.state is CANDIDATE  # b and a are in the leader's lease and ignore the vote
    for _ in range(b.election_ticks):
        b.tick()
    n.send(Hup("3"))
    assert c.state is LEADER


@pytest.mark.parametrize("tc", [case("TestLeaderElectionWithCheckQuorum", "")])
def test_leader_election_with_check_quorum(tc: dict[str, Any]) -> None:
    n, a, b, c = _check_quorum_trio()
    a.randomized_election_timeout = a.election_ticks + 1
    b.randomized_election_timeout = b.election_ticks + 2
    n.send(Hup("1"))
    assert a.state is LEADER and c.state is FOLLOWER
    a.randomized_election_timeout = a.election_ticks + 1
    b.randomized_election_timeout = b.election_ticks + 2
    for _ in range(a.election_ticks):
        a.tick()
    for _ in range(b.election_ticks):
        b.tick()
    n.send(Hup("3"))
    assert a.state is FOLLOWER and c.state is LEADER


@pytest.mark.parametrize("tc", [case("TestFreeStuckCandidateWithCheckQuorum", "")])
def test_free_stuck_candidate_with_check_quorum(tc: dict[str, Any]) -> None:
    n, a, b, c = _check_quorum_trio()
    b.randomized_election_timeout = b.election_ticks + 1
    for _ in range(b.election_ticks):
        b.tick()
    n.send(Hup("1"))
    n.isolate("1")
    n.send(Hup("3"))
    assert b.state is FOLLOWER and c.state is CANDIDATE and c.term == b.term + 1
    n.send(Hup("3"))
    assert b.state is FOLLOWER and c.state is CANDIDATE and c.term == b.term + 2
    n.recover()
    n.send(msg(HEARTBEAT, "1", "3", a.term))
    # the stuck candidate's answer carries its higher term: the leader steps down to it
    assert a.state is FOLLOWER and a.term == c.term
    n.send(Hup("3"))
    assert c.state is LEADER


@pytest.mark.parametrize("tc", [case("TestNonPromotableVoterWithCheckQuorum", "")])
def test_non_promotable_voter_with_check_quorum(tc: dict[str, Any]) -> None:
    a = new("1", ["1", "2"], check_quorum=True)
    b = new("2", ["1"], check_quorum=True)  # after applyConfChange(RemoveNode 2): not a voter in its own config
    n = Network.of(a, b)
    b.randomized_election_timeout = b.election_ticks + 1
    for _ in range(b.election_ticks):
        b.tick()
    n.send(Hup("1"))
    assert a.state is LEADER and b.state is FOLLOWER and b.lead == "1"


def _trio(*, pre: bool = False, check_quorum: bool = False) -> tuple[Network, TestNode, TestNode, TestNode]:
    """Three newTestRaft nodes moved to term 1 by becomeFollower(1, None)."""
    nodes = [new(i, check_quorum=check_quorum, pre_vote=pre) for i in PEERS]
    for r in nodes:
        r.become_follower(1, None)
    a, b, c = nodes
    return Network.of(a, b, c), a, b, c


@pytest.mark.parametrize("tc", [case("TestDisruptiveFollower", "")])
def test_disruptive_follower(tc: dict[str, Any]) -> None:
    n, n1, n2, n3 = _trio(check_quorum=True)
    n.send(Hup("1"))
    assert (n1.state, n2.state, n3.state) == (LEADER, FOLLOWER, FOLLOWER)
    n3.randomized_election_timeout = n3.election_ticks + 2
    for _ in range(n3.randomized_election_timeout - 1):
        n3.tick()
    n3.tick()
    assert (n1.state, n2.state, n3.state) == (LEADER, FOLLOWER, CANDIDATE)
    assert (n1.term, n2.term, n3.term) == (2, 2, 3)
    # the leader's heartbeat reaches the candidate, whose answer (and queued MsgVote) carries term 3
    n.send(msg(HEARTBEAT, "1", "3", n1.term))
    assert (n1.state, n2.state, n3.state) == (FOLLOWER, FOLLOWER, CANDIDATE)
    assert (n1.term, n2.term, n3.term) == (3, 2, 3)


@pytest.mark.parametrize("tc", [case("TestDisruptiveFollowerPreVote", "")])
def test_disruptive_follower_pre_vote(tc: dict[str, Any]) -> None:
    n, n1, n2, n3 = _trio(check_quorum=True)
    n.send(Hup("1"))
    assert (n1.state, n2.state, n3.state) == (LEADER, FOLLOWER, FOLLOWER)
    n.isolate("3")
    for _ in range(3):
        n.send(Prop("1", b"somedata"))
    for r in (n1, n2, n3):
        r.pre_vote = True
    n.recover()
    n.send(Hup("3"))
    assert (n1.state, n2.state, n3.state) == (LEADER, FOLLOWER, PRE_CANDIDATE)
    assert (n1.term, n2.term, n3.term) == (2, 2, 2)
    n.send(msg(HEARTBEAT, "1", "3", n1.term))
    assert n1.state is LEADER


@pytest.mark.parametrize("tc", [case("TestNodeWithSmallerTermCanCompleteElection", "")])
def test_node_with_smaller_term_can_complete_election(tc: dict[str, Any]) -> None:
    n, n1, n2, n3 = _trio(pre=True)
    n.cut("1", "3")
    n.cut("2", "3")
    n.send(Hup("1"))
    assert n1.state is LEADER and n2.state is FOLLOWER
    n.send(Hup("3"))
    assert n3.state is PRE_CANDIDATE
    n.send(Hup("2"))
    assert (n1.term, n2.term, n3.term) == (3, 3, 1)
    assert (n1.state, n2.state, n3.state) == (FOLLOWER, LEADER, PRE_CANDIDATE)
    n.recover()
    n.cut("2", "1")
    n.cut("2", "3")
    n.send(Hup("3"))
    n.send(Hup("1"))
    assert n1.state is LEADER or n3.state is LEADER


@pytest.mark.parametrize("tc", [case("TestPreVoteWithSplitVote", "")])
def test_pre_vote_with_split_vote(tc: dict[str, Any]) -> None:
    n, n1, n2, n3 = _trio(pre=True)
    n.send(Hup("1"))
    n.isolate("1")
    n.send(Hup("2"), Hup("3"))
    assert (n2.term, n3.term, n2.state, n3.state) == (3, 3, CANDIDATE, CANDIDATE)
    n.send(Hup("2"))
    assert (n2.term, n3.term, n2.state, n3.state) == (4, 4, LEADER, FOLLOWER)


@pytest.mark.parametrize("tc", [case("TestPreVoteWithCheckQuorum", "")])
def test_pre_vote_with_check_quorum(tc: dict[str, Any]) -> None:
    n, n1, n2, n3 = _trio(pre=True, check_quorum=True)
    n.send(Hup("1"))
    n.isolate("1")
    assert (n1.state, n2.state, n3.state) == (LEADER, FOLLOWER, FOLLOWER)
    n.send(Hup("3"))
    n.send(Hup("2"))
    assert n2.state is LEADER or n3.state is FOLLOWER


def _pre_vote_migration_cluster() -> tuple[Network, TestNode, TestNode, TestNode]:
    """newPreVoteMigrationCluster: 1 and 2 run pre-vote, 3 does not and climbed to term 4 while cut off."""
    n, n1, n2, n3 = _trio()
    n1.pre_vote = n2.pre_vote = True
    n.send(Hup("1"))
    n.isolate("3")
    n.send(Prop("1", b"some data"))
    n.send(Hup("3"))
    n.send(Hup("3"))
    assert (n1.state, n2.state, n3.state) == (LEADER, FOLLOWER, CANDIDATE)
    assert (n1.term, n2.term, n3.term) == (2, 2, 4)
    n3.pre_vote = True
    n.recover()
    return n, n1, n2, n3


@pytest.mark.parametrize("tc", [case("TestPreVoteMigrationCanCompleteElection", "")])
def test_pre_vote_migration_can_complete_election(tc: dict[str, Any]) -> None:
    n, _, n2, n3 = _pre_vote_migration_cluster()
    n.isolate("1")
    n.send(Hup("3"))
    n.send(Hup("2"))
    assert n2.state is FOLLOWER and n3.state is PRE_CANDIDATE
    n.send(Hup("3"))
    n.send(Hup("2"))
    assert n2.state is LEADER or n3.state is FOLLOWER


@pytest.mark.parametrize("tc", [case("TestPreVoteMigrationWithFreeStuckPreCandidate", "")])
def test_pre_vote_migration_with_free_stuck_pre_candidate(tc: dict[str, Any]) -> None:
    n, n1, n2, n3 = _pre_vote_migration_cluster()
    for _ in range(2):
        n.send(Hup("3"))
        assert (n1.state, n2.state, n3.state) == (LEADER, FOLLOWER, PRE_CANDIDATE)
    n.send(msg(HEARTBEAT, "1", "3", n1.term))
    assert n1.state is FOLLOWER and n3.term == n1.term


@pytest.mark.parametrize("tc", [case("TestCampaignWhileLeader", "", pre=False),
                                case("TestPreCampaignWhileLeader", "", pre=True)])
def test_campaign_while_leader(tc: dict[str, Any]) -> None:
    r = new("1", ["1"], 5, pre_vote=tc["pre"])
    assert r.state is FOLLOWER
    r.hup()
    assert r.state is LEADER
    term = r.term
    r.hup()
    assert r.state is LEADER and r.term == term


PROBE = "Progress probe/replicate states and their flow control are not modelled (a leader sends optimistically)"
LEADER_APP_RESP = [case("TestLeaderAppResp", f"#{i}", index=x, reject=rej, match=m, next=nx, nmsgs=k, windex=wi,
                        wcommit=wc, **marks)
                   for i, (x, rej, m, nx, k, wi, wc, marks) in enumerate([
                       (3, True, 0, 3, 0, 0, 0, {"unmodelled": PROBE}),
                       (2, True, 0, 2, 1, 1, 0, {"unmodelled": PROBE}),
                       (2, False, 2, 4, 2, 2, 2, {}),
                       (0, False, 0, 4, 1, 0, 0, {"unmodelled": PROBE}),
                   ])]


@pytest.mark.parametrize("tc", LEADER_APP_RESP)
def test_leader_app_resp(tc: dict[str, Any]) -> None:
    sm = new(ents=entries([1, 1]))
    sm.become_candidate()
    sm.become_leader()
    sm.read_messages()
    sm.step(msg(APP_RESP, "2", "1", sm.term, index=tc["index"], reject=tc["reject"], reject_hint=tc["index"]))
    assert (sm.match["2"], sm.next["2"]) == (tc["match"], tc["next"])
    msgs = sm.read_messages()
    assert len(msgs) == tc["nmsgs"]
    assert all((m.index, m.commit) == (tc["windex"], tc["wcommit"]) for m in msgs)


RECV_BEAT = [case("TestRecvMsgBeat", f"#{i}", state=STATES[s], n=k)
             for i, (s, k) in enumerate([("StateLeader", 2), ("StateCandidate", 0), ("StateFollower", 0)])]


@pytest.mark.parametrize("tc", RECV_BEAT)
def test_recv_msg_beat(tc: dict[str, Any]) -> None:
    sm = new(ents=entries([1, 1]))
    sm.term = 1
    sm.state = tc["state"]
    sm.beat()
    msgs = sm.read_messages()
    assert len(msgs) == tc["n"] and all(m.type is HEARTBEAT for m in msgs)


INCREASE_NEXT = [case("TestLeaderIncreaseNext", "#0", next=2, wnext=6),
                 case("TestLeaderIncreaseNext", "#1", next=2, wnext=2, unmodelled=PROBE)]


@pytest.mark.parametrize("tc", INCREASE_NEXT)
def test_leader_increase_next(tc: dict[str, Any]) -> None:
    sm = new("1", ["1", "2"], ents=entries([1, 2, 3]))
    sm.become_candidate()
    sm.become_leader()
    sm.next["2"] = tc["next"]
    sm.prop(b"somedata")
    assert sm.next["2"] == tc["wnext"]


SELF_VOTE = ("a node counts its own vote at once; upstream delivers it as a self-addressed message after the "
             "Ready is persisted (async self-acks are not modelled)")


def _self_addressed(r: TestNode) -> list[Any]:
    """takeMessagesAfterAppend: kspec's node sends nothing to itself, so there is never anything to take."""
    return [m for m in r.msgs if m.to == r.name]


@pytest.mark.parametrize("tc", [case("TestCandidateSelfVoteAfterLostElection", "", pre=False),
                                case("TestCandidateSelfVoteAfterLostElectionPreVote", "", pre=True)])
def test_candidate_self_vote_after_lost_election(tc: dict[str, Any]) -> None:
    sm = new(election=5, pre_vote=tc["pre"])
    sm.hup()
    steps = _self_addressed(sm)
    sm.step(msg(HEARTBEAT, "2", "1", sm.term))
    assert sm.state is FOLLOWER
    for m in steps:
        sm.step(m)
    assert sm.state is FOLLOWER
    assert sum(1 for v in sm.votes.values() if v) == 0


@pytest.mark.parametrize("tc", [case("TestCandidateDeliversPreCandidateSelfVoteAfterBecomingCandidate", "",
                                     unmodelled=SELF_VOTE)])
def test_candidate_delivers_pre_candidate_self_vote(tc: dict[str, Any]) -> None:
    sm = new(election=5, pre_vote=True)
    sm.hup()
    assert sm.state is PRE_CANDIDATE
    sm.step(msg(PRE_VOTE_RESP, "2", "1", sm.term + 1))
    sm.step(msg(PRE_VOTE_RESP, "3", "1", sm.term + 1))
    assert sm.state is CANDIDATE
    assert sum(1 for v in sm.votes.values() if v) == 0  # its own vote is not yet delivered
    sm.step(msg(VOTE_RESP, "2", "1", sm.term))
    assert sm.state is CANDIDATE


@pytest.mark.parametrize("tc", [case("TestLeaderMsgAppSelfAckAfterTermChange", "")])
def test_leader_msg_app_self_ack_after_term_change(tc: dict[str, Any]) -> None:
    sm = new(election=5)
    sm.become_candidate()
    sm.become_leader()
    sm.prop(b"somedata")
    steps = _self_addressed(sm)
    sm.step(msg(HEARTBEAT, "2", "1", sm.term + 1))
    assert sm.state is FOLLOWER
    for m in steps:
        sm.step(m)
    assert sm.state is FOLLOWER


# -- TestFastLogRejection ----------------------------------------------------------------------------------------
#: (leader log terms, follower log terms, reject hint term, reject hint index, next append term, next append index)
FAST_REJECTION = [
    ([1, 2, 2, 4, 4, 4, 4], [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3], 3, 7, 2, 3),
    ([1, 2, 2, 3, 4, 4, 4, 5], [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3], 3, 8, 3, 4),
    ([1, 1, 1, 1], [1, 2, 2, 4], 1, 1, 1, 1),
    ([1, 1, 1, 1, 1, 1], [1, 2, 2, 4], 1, 1, 1, 1),
    ([1, 1, 1, 1], [1, 2, 2, 4, 4, 4], 1, 1, 1, 1),
    ([1, 1, 1, 4, 5], [1, 1, 1, 4], 4, 4, 4, 4),
    ([2, 5, 5, 5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], 4, 6, 2, 1),
    ([2, 2, 2, 2, 2], [2, 4, 4, 4, 4, 4, 4, 4], 2, 1, 2, 1),
]


@pytest.mark.parametrize("tc", [case("TestFastLogRejection", f"#{i:02d}", leader=ld, follower=fl, hint_term=ht,
                                     hint_index=hi, next_term=nt, next_index=ni)
                                for i, (ld, fl, ht, hi, nt, ni) in enumerate(FAST_REJECTION)])
def test_fast_log_rejection(tc: dict[str, Any]) -> None:
    """The follower's rejection names the last entry at or below the probe's term; the leader's next probe skips
    the whole conflicting term. Upstream reaches the first probe through a heartbeat round (Progress.StateProbe
    sends from Next); kspec's leader, without probe states, sends that same first MsgApp directly."""
    n1 = new("1", ["1", "2"], ents=entries(tc["leader"]))
    n2 = new("2", ["1", "2"], ents=entries(tc["follower"]))
    n1.become_candidate()
    n1.become_leader()
    n1.read_messages()
    n1._send_append("2")
    [app] = n1.read_messages()
    assert app.type is APP
    n2.step(app)
    [resp] = n2.read_messages()
    assert resp.type is APP_RESP and resp.reject
    assert (resp.log_term, resp.reject_hint) == (tc["hint_term"], tc["hint_index"])
    n1.step(resp)
    [probe] = n1.read_messages()
    assert (probe.log_term, probe.index) == (tc["next_term"], tc["next_index"])
