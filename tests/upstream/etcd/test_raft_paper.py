"""etcd-io/raft ``raft_paper_test.go``: the Raft paper's sections, one raft or a small network at a time."""

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
    LEADER,
    VOTE,
    VOTE_RESP,
    Hup,
    Network,
    Prop,
    TestNode,
    accept_and_reply,
    commit_noop_entry,
    entries,
    ids_by_size,
    log_of,
    msg,
    sort_msgs,
)

SOURCE = "etcd-io/raft raft_paper_test.go"
PEERS = ["1", "2", "3"]


def new(peers: list[str] | None = None, **kw: Any) -> TestNode:
    """newTestRaft(1, 10, 1, storage with peers)."""
    return TestNode("1", peers or PEERS, 10, 1, **kw)


def _enter(r: TestNode, state: Any) -> None:
    if state is FOLLOWER:
        r.become_follower(1, "2")
    elif state is CANDIDATE:
        r.become_candidate()
    elif state is LEADER:
        r.become_candidate()
        r.become_leader()


UPDATE_TERM = [case(f"Test{n}UpdateTermFromMessage", "", state=s)
               for n, s in (("Follower", FOLLOWER), ("Candidate", CANDIDATE), ("Leader", LEADER))]


@pytest.mark.parametrize("tc", UPDATE_TERM)
def test_update_term_from_message(tc: dict[str, Any]) -> None:
    r = new()
    _enter(r, tc["state"])
    r.step(msg(APP, "2", "1", 2))
    assert r.term == 2 and r.state is FOLLOWER


@pytest.mark.parametrize("tc", [case("TestRejectStaleTermMessage", "")])
def test_reject_stale_term_message(tc: dict[str, Any]) -> None:
    r = new(term=2)
    before = (r.state, r.term, r.vote, r.lead, list(r.log), r.commit)
    r.step(msg(APP, "2", "1", 1))
    # ignored: nothing changes (an answer telling the stale sender the newer term is only sent with
    # CheckQuorum or PreVote on, both off here)
    assert (r.state, r.term, r.vote, r.lead, list(r.log), r.commit) == before and not r.msgs


@pytest.mark.parametrize("tc", [case("TestStartAsFollower", "")])
def test_start_as_follower(tc: dict[str, Any]) -> None:
    assert new().state is FOLLOWER


@pytest.mark.parametrize("tc", [case("TestLeaderBcastBeat", "")])
def test_leader_bcast_beat(tc: dict[str, Any]) -> None:
    r = new()
    r.become_candidate()
    r.become_leader()
    for _ in range(10):
        r.prop(None)
    r.read_messages()
    r.tick()
    assert sort_msgs(r.read_messages()) == [msg(HEARTBEAT, "1", "2", 1), msg(HEARTBEAT, "1", "3", 1)]


NONLEADER_START = [case("TestFollowerStartElection", "", state=FOLLOWER),
                   case("TestCandidateStartNewElection", "", state=CANDIDATE)]


@pytest.mark.parametrize("tc", NONLEADER_START)
def test_nonleader_start_election(tc: dict[str, Any]) -> None:
    r = new()
    _enter(r, tc["state"])
    r.read_messages()
    for _ in range(1, 2 * 10):
        r.tick()
    assert r.term == 2 and r.state is CANDIDATE and r.votes.get("1") is True
    assert sort_msgs(r.read_messages()) == [msg(VOTE, "1", "2", 2), msg(VOTE, "1", "3", 2)]


ONE_ROUND = [case("TestLeaderElectionInOneRoundRPC", f"#{i}", size=size, votes=votes, state=state)
             for i, (size, votes, state) in enumerate([
                 (1, {}, LEADER),
                 (3, {2: True, 3: True}, LEADER),
                 (3, {2: True}, LEADER),
                 (5, {2: True, 3: True, 4: True, 5: True}, LEADER),
                 (5, {2: True, 3: True, 4: True}, LEADER),
                 (5, {2: True, 3: True}, LEADER),
                 (3, {2: False, 3: False}, FOLLOWER),
                 (5, {2: False, 3: False, 4: False, 5: False}, FOLLOWER),
                 (5, {2: True, 3: False, 4: False, 5: False}, FOLLOWER),
                 (3, {}, CANDIDATE),
                 (5, {2: True}, CANDIDATE),
                 (5, {2: False, 3: False}, CANDIDATE),
                 (5, {}, CANDIDATE),
             ])]


@pytest.mark.parametrize("tc", ONE_ROUND)
def test_leader_election_in_one_round_rpc(tc: dict[str, Any]) -> None:
    r = new(ids_by_size(tc["size"]))
    r.hup()
    for peer, vote in tc["votes"].items():
        r.step(msg(VOTE_RESP, str(peer), "1", r.term, reject=not vote))
    assert r.state is tc["state"] and r.term == 1


FOLLOWER_VOTE = [case("TestFollowerVote", f"#{i}", vote=v, nvote=n, reject=rej)
                 for i, (v, n, rej) in enumerate([(None, "2", False), (None, "3", False), ("2", "2", False),
                                                  ("3", "3", False), ("2", "3", True), ("3", "2", True)])]


@pytest.mark.parametrize("tc", FOLLOWER_VOTE)
def test_follower_vote(tc: dict[str, Any]) -> None:
    r = new(term=1, vote=tc["vote"])
    r.step(msg(VOTE, tc["nvote"], "1", 1))
    assert r.read_messages() == [msg(VOTE_RESP, "1", tc["nvote"], 1, reject=tc["reject"])]


FALLBACK = [case("TestCandidateFallback", f"#{i}", term=t) for i, t in enumerate([1, 2])]


@pytest.mark.parametrize("tc", FALLBACK)
def test_candidate_fallback(tc: dict[str, Any]) -> None:
    r = new()
    r.hup()
    assert r.state is CANDIDATE
    r.step(msg(APP, "2", "1", tc["term"]))
    assert r.state is FOLLOWER and r.term == tc["term"]


RANDOMIZED = [case("TestFollowerElectionTimeoutRandomized", "", state=FOLLOWER),
              case("TestCandidateElectionTimeoutRandomized", "", state=CANDIDATE)]


@pytest.mark.parametrize("tc", RANDOMIZED)
def test_nonleader_election_timeout_randomized(tc: dict[str, Any]) -> None:
    et = 10
    r = new()
    timeouts = set()
    for _ in range(50 * et):
        if tc["state"] is FOLLOWER:
            r.become_follower(r.term + 1, "2")
        else:
            r.become_candidate()
        r.read_messages()
        time = 0
        while not r.read_messages():
            r.tick()
            time += 1
        timeouts.add(time)
    assert all(d in timeouts for d in range(et, 2 * et))


NONCONFLICT = [case("TestFollowersElectionTimeoutNonconflict", "", state=FOLLOWER),
               case("TestCandidatesElectionTimeoutNonconflict", "", state=CANDIDATE)]


@pytest.mark.parametrize("tc", NONCONFLICT)
def test_nonleaders_election_timeout_nonconflict(tc: dict[str, Any]) -> None:
    ids = ids_by_size(5)
    rs = [TestNode(i, ids, 10, 1, seed=int(i)) for i in ids]
    conflicts = 0
    for _ in range(1000):
        for r in rs:
            if tc["state"] is FOLLOWER:
                r.become_follower(r.term + 1, None)
            else:
                r.become_candidate()
            r.read_messages()
        timeout_num = 0
        while timeout_num == 0:
            for r in rs:
                r.tick()
                if r.read_messages():
                    timeout_num += 1
        if timeout_num > 1:
            conflicts += 1
    assert conflicts / 1000 <= 0.3


def _new_leader(peers: list[str] | None = None) -> TestNode:
    r = new(peers)
    r.become_candidate()
    r.become_leader()
    commit_noop_entry(r)
    return r


@pytest.mark.parametrize("tc", [case("TestLeaderStartReplication", "")])
def test_leader_start_replication(tc: dict[str, Any]) -> None:
    r = _new_leader()
    li = r.last_index
    r.prop(b"some data")
    assert r.last_index == li + 1 and r.commit == li
    got = sort_msgs(r.read_messages())
    assert [(m.type, m.to, m.term, m.index, m.log_term, m.commit) for m in got] == [
        (APP, "2", 1, li, 1, li), (APP, "3", 1, li, 1, li)]
    for m in got:
        assert [(e.index, e.term, e.data()) for e in m.entries] == [(li + 1, 1, b"some data")]


@pytest.mark.parametrize("tc", [case("TestLeaderCommitEntry", "")])
def test_leader_commit_entry(tc: dict[str, Any]) -> None:
    r = _new_leader()
    li = r.last_index
    r.prop(b"some data")
    for m in r.read_messages():
        r.step(accept_and_reply(m))
    assert r.commit == li + 1
    assert r.log[li + 1].data() == b"some data"
    got = sort_msgs(r.read_messages())
    assert [(m.to, m.type, m.commit) for m in got] == [("2", APP, li + 1), ("3", APP, li + 1)]


ACK = [case("TestLeaderAcknowledgeCommit", f"#{i}", size=size, acceptors=acc, wack=wack)
       for i, (size, acc, wack) in enumerate([
           (1, set(), True), (3, set(), False), (3, {2}, True), (3, {2, 3}, True), (5, set(), False),
           (5, {2}, False), (5, {2, 3}, True), (5, {2, 3, 4}, True), (5, {2, 3, 4, 5}, True)])]


@pytest.mark.parametrize("tc", ACK)
def test_leader_acknowledge_commit(tc: dict[str, Any]) -> None:
    r = _new_leader(ids_by_size(tc["size"]))
    li = r.last_index
    r.prop(b"some data")
    for m in r.read_messages():
        if int(m.to) in tc["acceptors"]:
            r.step(accept_and_reply(m))
    assert (r.commit > li) is tc["wack"]


PRECEDING = [case("TestLeaderCommitPrecedingEntries", f"#{i}", terms=t)
             for i, t in enumerate([[], [2], [1, 2], [1]])]


@pytest.mark.parametrize("tc", PRECEDING)
def test_leader_commit_preceding_entries(tc: dict[str, Any]) -> None:
    r = new(ents=entries(tc["terms"]), term=2)
    r.become_candidate()
    r.become_leader()
    r.prop(b"some data")
    for m in r.read_messages():
        r.step(accept_and_reply(m))
    li = len(tc["terms"])
    assert r.commit == li + 2
    assert [e.term for e in r.log[1:r.commit + 1]] == [*tc["terms"], 3, 3]
    assert r.log[li + 1].data is None and r.log[li + 2].data() == b"some data"


FOLLOWER_COMMIT = [case("TestFollowerCommitEntry", f"#{i}", data=d, commit=c)
                   for i, (d, c) in enumerate([(["some data"], 1), (["some data", "some data2"], 2),
                                               (["some data2", "some data"], 2), (["some data", "some data2"], 1)])]


@pytest.mark.parametrize("tc", FOLLOWER_COMMIT)
def test_follower_commit_entry(tc: dict[str, Any]) -> None:
    r = new()
    r.become_follower(1, "2")
    ents = entries([1] * len(tc["data"]))
    for e, d in zip(ents, tc["data"], strict=True):
        e.data = (lambda d=d: d)
    r.step(msg(APP, "2", "1", 1, entries=tuple(ents), commit=tc["commit"]))
    assert r.commit == tc["commit"]
    assert [e.data() for e in r.log[1:r.commit + 1]] == tc["data"][:tc["commit"]]


CHECK_APP = [case("TestFollowerCheckMsgApp", f"#{i}", term=t, index=x, windex=w, reject=rej, hint=h, logterm=lt)
             for i, (t, x, w, rej, h, lt) in enumerate([
                 (0, 0, 1, False, 0, 0), (1, 1, 1, False, 0, 0), (2, 2, 2, False, 0, 0),
                 (1, 2, 2, True, 1, 1), (3, 3, 3, True, 2, 2)])]


@pytest.mark.parametrize("tc", CHECK_APP)
def test_follower_check_msg_app(tc: dict[str, Any]) -> None:
    r = new(ents=entries([1, 2]), commit=1)
    r.become_follower(2, "2")
    r.step(msg(APP, "2", "1", 2, log_term=tc["term"], index=tc["index"]))
    assert r.read_messages() == [msg(APP_RESP, "1", "2", 2, index=tc["windex"], reject=tc["reject"],
                                     reject_hint=tc["hint"], log_term=tc["logterm"])]


FOLLOWER_APPEND = [case("TestFollowerAppendEntries", f"#{i}", index=x, term=t, ents=e, want=w)
                   for i, (x, t, e, w) in enumerate([
                       (2, 2, (3, [3]), [1, 2, 3]), (1, 1, (2, [3, 4]), [1, 3, 4]),
                       (0, 0, (1, [1]), [1, 2]), (0, 0, (1, [3]), [3])])]


@pytest.mark.parametrize("tc", FOLLOWER_APPEND)
def test_follower_append_entries(tc: dict[str, Any]) -> None:
    r = new(ents=entries([1, 2]))
    r.become_follower(2, "2")
    start, terms = tc["ents"]
    r.step(msg(APP, "2", "1", 2, log_term=tc["term"], index=tc["index"], entries=tuple(entries(terms, start))))
    assert r.terms() == tc["want"]


FIG7 = [0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6]
SYNC = [case("TestLeaderSyncFollowerLog", f"#{i}", follower=f) for i, f in enumerate([
    [0, 1, 1, 1, 4, 4, 5, 5, 6, 6],
    [0, 1, 1, 1, 4, 4],
    [0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    [0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    [0, 1, 1, 1, 4, 4, 4, 4],
    [0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
])]


@pytest.mark.parametrize("tc", SYNC)
def test_leader_sync_follower_log(tc: dict[str, Any]) -> None:
    term = 8
    # index(0).terms(0, ...): the leading (0, 0) entry is the log's own sentinel
    lead = TestNode("1", PEERS, 10, 1, ents=entries(FIG7[1:]), term=term, commit=len(FIG7) - 1)
    follower = TestNode("2", PEERS, 10, 1, ents=entries(tc["follower"][1:]), term=term - 1)
    n = Network.of(lead, follower, None)
    n.send(Hup("1"))
    n.send(msg(VOTE_RESP, "3", "1", term + 1))
    n.send(Prop("1", b""))
    assert log_of(lead) == log_of(follower)  # ltoa: the entries (nothing is applied here)


VOTE_REQUEST = [case("TestVoteRequest", f"#{i}", terms=t, wterm=w) for i, (t, w) in enumerate([([1], 2), ([1, 2], 3)])]


@pytest.mark.parametrize("tc", VOTE_REQUEST)
def test_vote_request(tc: dict[str, Any]) -> None:
    r = new()
    ents = entries(tc["terms"])
    r.step(msg(APP, "2", "1", tc["wterm"] - 1, entries=tuple(ents)))
    r.read_messages()
    for _ in range(1, 2 * r.election_ticks):
        r._tick_election()
    got = sort_msgs(r.read_messages())
    assert [(m.type, m.to, m.term, m.index, m.log_term) for m in got] == [
        (VOTE, to, tc["wterm"], ents[-1].index, ents[-1].term) for to in ("2", "3")]


VOTER = [case("TestVoter", f"#{i}", ents=e, logterm=lt, index=x, reject=rej) for i, (e, lt, x, rej) in enumerate([
    ([1], 1, 1, False), ([1], 1, 2, False), ([1, 1], 1, 1, True),
    ([1], 2, 1, False), ([1], 2, 2, False), ([1, 1], 2, 1, False),
    ([2], 1, 1, True), ([2], 1, 2, True), ([2, 2], 1, 1, True), ([1, 1], 1, 1, True)])]


@pytest.mark.parametrize("tc", VOTER)
def test_voter(tc: dict[str, Any]) -> None:
    r = new(["1", "2"], ents=entries(tc["ents"]))
    r.step(msg(VOTE, "2", "1", 3, log_term=tc["logterm"], index=tc["index"]))
    [m] = r.read_messages()
    assert m.type is VOTE_RESP and m.reject is tc["reject"]


CURRENT_TERM = [case("TestLeaderOnlyCommitsLogFromCurrentTerm", f"#{i}", index=x, wcommit=w)
                for i, (x, w) in enumerate([(1, 0), (2, 0), (3, 3)])]


@pytest.mark.parametrize("tc", CURRENT_TERM)
def test_leader_only_commits_log_from_current_term(tc: dict[str, Any]) -> None:
    r = new(["1", "2"], ents=entries([1, 2]), term=2)
    r.become_candidate()
    r.become_leader()
    r.read_messages()
    r.prop(None)
    r.step(msg(APP_RESP, "2", "1", r.term, index=tc["index"]))
    assert r.commit == tc["wcommit"]
