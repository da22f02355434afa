"""RaftNode on its own: elections, pre-vote, the leader lease, CheckQuorum, log repair and commit rules."""

from __future__ import annotations

import random

from kspec.etcd.raft import ELECTION_TICKS, Entry, Message, MsgType, RaftNode, State


class Net:
    """Synchronous delivery between nodes, with members that can be cut off."""

    def __init__(self, n: int, *, pre_vote: bool = True, seed: int = 0) -> None:
        self.names = [f"n{i}" for i in range(1, n + 1)]
        rng = random.Random(seed)
        self.queue: list[Message] = []
        self.down: set[str] = set()
        self.seen: list[Message] = []
        self.nodes = {name: RaftNode(name, self.names, rng, self.queue.append, pre_vote=pre_vote)
                      for name in self.names}

    def run(self) -> None:
        while self.queue:
            m = self.queue.pop(0)
            self.seen.append(m)
            if m.frm not in self.down and m.to not in self.down:
                self.nodes[m.to].step(m)

    def tick(self, times: int = 1) -> None:
        for _ in range(times):
            for name in self.names:
                if name not in self.down:
                    self.nodes[name].tick()
                    self.run()

    def leaders(self) -> list[str]:
        return [n for n in self.names if n not in self.down and self.nodes[n].state is State.LEADER]

    def elect(self, name: str) -> None:
        node = self.nodes[name]
        node.randomized_election_timeout = 1
        node.tick()
        self.run()
        assert node.state is State.LEADER


def test_a_node_that_times_out_pre_votes_then_wins_the_next_term() -> None:
    net = Net(3)
    net.elect("n1")
    types = [m.type for m in net.seen]
    assert types.index(MsgType.PRE_VOTE) < types.index(MsgType.VOTE)
    assert net.nodes["n1"].term == 1
    assert all(net.nodes[n].lead == "n1" for n in net.names)


def test_the_new_leader_commits_an_empty_entry_of_its_term() -> None:
    net = Net(3)
    net.elect("n1")
    leader = net.nodes["n1"]
    assert leader.commit == leader.last_index == 1
    assert leader.log[1].term == 1 and leader.log[1].data is None


def test_a_lone_member_never_raises_its_term_with_pre_vote() -> None:
    net = Net(3)
    net.elect("n1")
    net.down = {"n1", "n2"}
    net.tick(ELECTION_TICKS * 10)
    assert net.nodes["n3"].term == 1
    assert net.nodes["n3"].state is State.PRE_CANDIDATE


def test_without_pre_vote_a_lone_member_climbs_terms_as_etcd_3_4_did() -> None:
    net = Net(3, pre_vote=False)
    net.elect("n1")
    net.down = {"n1", "n2"}
    net.tick(ELECTION_TICKS * 10)
    assert net.nodes["n3"].term > 3
    assert net.nodes["n3"].state is State.CANDIDATE


def test_followers_in_the_leader_lease_ignore_vote_requests() -> None:
    net = Net(3)
    net.elect("n1")
    n2 = net.nodes["n2"]
    n2.step(Message(MsgType.VOTE, "n3", "n2", term=5, index=9, log_term=1))
    assert n2.term == 1 and n2.vote == "n1" and not net.queue


def test_a_leader_that_hears_from_no_quorum_steps_down_within_two_election_timeouts() -> None:
    net = Net(3)
    net.elect("n1")
    net.down = {"n2", "n3"}
    leader = net.nodes["n1"]
    ticks = 0
    while leader.state is State.LEADER:
        leader.tick()
        net.run()
        ticks += 1
    assert ELECTION_TICKS <= ticks <= 2 * ELECTION_TICKS
    assert leader.lead is None


def test_a_stale_leader_learns_the_newer_term_from_the_answer_to_its_heartbeat() -> None:
    net = Net(3)
    net.elect("n1")
    net.down = {"n1"}
    net.tick(2 * ELECTION_TICKS)
    assert net.leaders() in (["n2"], ["n3"])
    new = net.leaders()[0]
    net.down = set()
    net.nodes["n1"].tick()  # it still thinks it leads and heartbeats
    net.run()
    assert net.nodes["n1"].state is State.FOLLOWER
    assert net.nodes["n1"].term == net.nodes[new].term


def test_a_follower_with_a_conflicting_uncommitted_tail_is_repaired() -> None:
    net = Net(3)
    net.elect("n1")
    # n1 appends two entries only it has, then loses leadership
    net.down = {"n2", "n3"}
    n1 = net.nodes["n1"]
    n1.propose(lambda: "lost-1")
    n1.propose(lambda: "lost-2")
    net.run()
    assert n1.last_index == 3 and n1.commit == 1
    net.down = {"n1"}
    net.tick(2 * ELECTION_TICKS)
    [new] = net.leaders()
    net.nodes[new].propose(lambda: "kept")
    net.run()
    net.down = set()
    net.tick(3)
    assert n1.state is State.FOLLOWER
    assert [e.term for e in n1.log] == [e.term for e in net.nodes[new].log]
    assert n1.commit == net.nodes[new].commit
    assert n1.log[-1].data is not None and n1.log[-1].data() == "kept"


def test_entries_of_an_earlier_term_are_not_committed_by_counting_replicas() -> None:
    node = RaftNode("a", ["a", "b", "c"], random.Random(0), lambda m: None)
    node.assume(3, [Entry(0, 0), Entry(1, 1), Entry(2, 2)], 1, "a")
    node.match["b"] = 2  # a quorum has index 2, but it is from term 2, not the current term 3
    node._maybe_commit()
    assert node.commit == 1


def _reads(net: Net) -> list[tuple[str, int, int]]:
    got: list[tuple[str, int, int]] = []
    for node in net.nodes.values():
        node._on_read = lambda n, ctx, index: got.append((n.name, ctx, index))
    return got


def test_a_read_index_is_confirmed_by_a_quorum_heartbeat_round_through_the_leader() -> None:
    """ReadOnlySafe: a follower's MsgReadIndex goes to the leader, which answers once a quorum acked its heartbeat."""
    net = Net(3)
    net.elect("n1")
    got = _reads(net)
    net.nodes["n2"].read_index(7)
    net.run()
    assert got == [("n2", 7, 1)]
    kinds = [m.type for m in net.seen[-6:]]
    assert kinds[0] is MsgType.READ_INDEX and kinds[-1] is MsgType.READ_INDEX_RESP
    assert any(m.type is MsgType.HEARTBEAT and m.context == 7 for m in net.seen)


def test_a_leader_cut_from_its_quorum_never_confirms_a_read_and_forgets_it_when_it_steps_down() -> None:
    net = Net(3)
    net.elect("n1")
    got = _reads(net)
    net.down |= {"n2", "n3"}
    leader = net.nodes["n1"]
    leader.read_index(1)
    leader.read_index(1)  # resent: kept once
    net.run()
    assert got == [] and [ctx for ctx, _, _ in leader.pending_reads] == [1]
    net.tick(2 * ELECTION_TICKS)
    assert leader.state is not State.LEADER and leader.pending_reads == []


def test_a_read_index_without_a_leader_to_ask_is_dropped() -> None:
    net = Net(3)
    got = _reads(net)
    net.nodes["n1"].read_index(3)  # nobody leads yet
    net.nodes["n1"].submit(lambda: None)
    net.run()
    assert got == [] and net.nodes["n1"].last_index == 0
