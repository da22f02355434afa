"""Upstream raft's test harness (``newTestRaft``, ``newNetwork``, ``raft_test.go``'s helpers) over kspec's RaftNode.

Ids are upstream's numbers as strings. kspec's RaftNode has no MsgHup, MsgProp,
MsgBeat or MsgCheckQuorum messages: they are local events, so the adapter
turns them into the calls the node makes for them (``hup``, ``prop``,
``beat``, ``check_quorum``). ``newTestRaft`` runs with PreVote and
CheckQuorum off, as upstream's test config does; a test switches them on.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kspec.etcd.raft import Entry, Message, MsgType, RaftNode, State

FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER = State.FOLLOWER, State.PRE_CANDIDATE, State.CANDIDATE, State.LEADER
APP, APP_RESP, VOTE, VOTE_RESP = MsgType.APP, MsgType.APP_RESP, MsgType.VOTE, MsgType.VOTE_RESP
PRE_VOTE, PRE_VOTE_RESP = MsgType.PRE_VOTE, MsgType.PRE_VOTE_RESP
HEARTBEAT, HEARTBEAT_RESP = MsgType.HEARTBEAT, MsgType.HEARTBEAT_RESP
#: upstream's message type order (raftpb.MessageType numbers), for messageSlice's sort
_ORDER = {APP: 3, APP_RESP: 4, VOTE: 5, VOTE_RESP: 6, HEARTBEAT: 8, HEARTBEAT_RESP: 9, PRE_VOTE: 17,
          PRE_VOTE_RESP: 18}


def ids_by_size(size: int) -> list[str]:
    """idsBySize: 1..size."""
    return [str(i) for i in range(1, size + 1)]


def entries(terms: Iterable[int], start: int = 1) -> list[Entry]:
    """index(start).terms(...): entries numbered from ``start`` with these terms."""
    return [Entry(t, start + k) for k, t in enumerate(terms)]


class TestNode(RaftNode):
    """A RaftNode whose messages collect in ``msgs`` (``readMessages`` empties it)."""

    __test__ = False

    def __init__(self, name: str, peers: list[str], election: int = 10, heartbeat: int = 1, *,
                 ents: list[Entry] | None = None, term: int = 0, vote: str | None = None, commit: int = 0,
                 pre_vote: bool = False, check_quorum: bool = False, seed: int = 0,
                 journal: list[str] | None = None) -> None:
        self.msgs: list[Message] = []
        #: the role changes upstream logs ("1 became leader at term 1"), in order; nodes may share one
        self.events: list[str] = [] if journal is None else journal
        super().__init__(name, peers, random.Random(seed), self.msgs.append, pre_vote=pre_vote,
                         check_quorum=check_quorum, election_ticks=election, heartbeat_ticks=heartbeat,
                         note=lambda node, text: self.events.append(f"{node.name} {text}"))
        if ents:
            self.log = [Entry(0, 0), *ents]
        self.load_state(term, vote, commit)

    def load_state(self, term: int = 0, vote: str | None = None, commit: int | None = None) -> None:
        """loadState, then newRaft's becomeFollower(r.Term, None)."""
        self.term, self.vote = term, vote
        if commit is not None:
            self.commit = commit
        self.become_follower(term, None)

    def become_follower(self, term: int, lead: str | None) -> None:
        super().become_follower(term, lead)
        self.events.append(f"{self.name} became follower at term {term}")

    def read_messages(self) -> list[Message]:
        out = list(self.msgs)
        self.msgs.clear()
        return out

    # local events ------------------------------------------------------------------------
    def hup(self) -> None:
        """MsgHup: campaign unless leading (hup)."""
        if self.state is not LEADER:
            self._campaign(pre=self.pre_vote)

    def prop(self, data: Any = b"somedata") -> bool:
        """MsgProp: a leader appends and replicates; others drop it (forwarding is not modelled)."""
        if self.state is not LEADER:
            return False
        self.propose(lambda: data)
        return True

    def beat(self) -> None:
        """MsgBeat, a leader only."""
        if self.state is LEADER:
            self.bcast_heartbeat()

    def check_quorum_now(self) -> None:
        """MsgCheckQuorum, a leader only."""
        if self.state is LEADER:
            self._check_quorum()

    def become_candidate(self) -> None:
        self._become_candidate()

    def become_pre_candidate(self) -> None:
        self._become_pre_candidate()

    def become_leader(self) -> None:
        self._become_leader()

    def terms(self) -> list[int]:
        return [e.term for e in self.log[1:]]


def log_of(r: TestNode) -> list[tuple[int, int, Any]]:
    """ltoa: each entry's term, index and data."""
    return [(e.term, e.index, None if e.data is None else e.data()) for e in r.log[1:]]


def want_log(*entries: tuple[int, Any]) -> list[tuple[int, int, Any]]:
    """An expected ltoa from (term, data) pairs, indexed from 1."""
    return [(t, i, d) for i, (t, d) in enumerate(entries, start=1)]


def ents_with_config(*terms: int, pre_vote: bool = False) -> Callable[[str, list[str]], TestNode]:
    """entsWithConfig: a raft (election 5) holding entries of these terms, at the last one's term."""
    return lambda i, ids: TestNode(i, ids, 5, 1, ents=entries(terms), term=terms[-1], pre_vote=pre_vote, seed=int(i))


def voted_with_config(vote: str, term: int, pre_vote: bool = False) -> Callable[[str, list[str]], TestNode]:
    """votedWithConfig: a raft (election 5) with an empty log that voted for ``vote`` in ``term``."""
    return lambda i, ids: TestNode(i, ids, 5, 1, term=term, vote=vote, pre_vote=pre_vote, seed=int(i))


def msg(kind: MsgType, frm: str, to: str, term: int = 0, **kw: Any) -> Message:
    return Message(kind, frm, to, term, **kw)


def sort_msgs(msgs: list[Message]) -> list[Message]:
    """messageSlice: by recipient, then type, then sender."""
    return sorted(msgs, key=lambda m: (int(m.to), _ORDER[m.type], int(m.frm)))


def accept_and_reply(m: Message) -> Message:
    """acceptAndReply: the MsgAppResp a follower that took every entry would send."""
    assert m.type is APP
    return Message(APP_RESP, m.to, m.frm, m.term, index=m.index + len(m.entries))


def commit_noop_entry(r: TestNode) -> None:
    """commitNoopEntry: replicate the new leader's empty entry to every peer and drop what follows."""
    assert r.state is LEADER
    r._bcast_append()
    for m in r.read_messages():
        assert m.type is APP and len(m.entries) == 1 and m.entries[0].data is None
        r.step(accept_and_reply(m))
    r.read_messages()


@dataclass
class Hup:
    """MsgHup to ``to``."""
    to: str


@dataclass
class Prop:
    """MsgProp to ``to``."""
    to: str
    data: Any = b"somedata"


@dataclass
class Beat:
    to: str


@dataclass
class CheckQuorum:
    to: str


#: a network member: a TestNode, None (nopStepper), "new", or a builder called with its id and all ids
Member = TestNode | None | str | Callable[[str, list[str]], TestNode]


@dataclass
class Network:
    """newNetwork: peers by id (None is a black hole, upstream's nopStepper), with drops and ignored types."""

    peers: dict[str, TestNode | None]
    dropped: dict[tuple[str, str], float] = field(default_factory=dict)
    ignored: set[MsgType] = field(default_factory=set)
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    @classmethod
    def of(cls, *members: Member, pre_vote: bool = False, check_quorum: bool = False,
           election: int = 10, heartbeat: int = 1) -> Network:
        """Each member a TestNode, None (nopStepper), "new" (a fresh newTestRaft with the config) or a builder
        called with its id and the ids (entsWithConfig, votedWithConfig)."""
        ids = ids_by_size(len(members))
        peers: dict[str, TestNode | None] = {}
        for i, m in zip(ids, members, strict=True):
            if m == "new":
                peers[i] = TestNode(i, ids, election, heartbeat, pre_vote=pre_vote, check_quorum=check_quorum,
                                    seed=int(i))
            elif callable(m) and not isinstance(m, TestNode):
                peers[i] = m(i, ids)
            else:
                assert m is None or isinstance(m, TestNode)
                if m is not None:
                    assert m.name == i, "a member's id is its position, as in newNetwork"
                peers[i] = m
        return cls(peers)

    def node(self, i: str | int) -> TestNode:
        n = self.peers[str(i)]
        assert n is not None
        return n

    def send(self, *events: Message | Hup | Prop | Beat | CheckQuorum) -> None:
        """network.send: step each message, then whatever the recipients send, breadth first."""
        queue: list[Message] = []
        for ev in events:
            if isinstance(ev, Message):
                queue.append(ev)  # the message handed to send is not filtered, only what it causes
                continue
            node = self.peers.get(ev.to)
            if node is None:
                continue
            if isinstance(ev, Hup):
                node.hup()
            elif isinstance(ev, Prop):
                node.prop(ev.data)
            elif isinstance(ev, Beat):
                node.beat()
            else:
                node.check_quorum_now()
            queue.extend(self._filter(node.read_messages()))
        while queue:
            m = queue.pop(0)
            node = self.peers.get(m.to)
            if node is None:
                continue
            node.step(m)
            queue.extend(self._filter(node.read_messages()))

    def _filter(self, msgs: list[Message]) -> list[Message]:
        out = []
        for m in msgs:
            if m.type in self.ignored:
                continue
            perc = self.dropped.get((m.frm, m.to), 0.0)
            if perc and self.rng.random() < perc:
                continue
            out.append(m)
        return out

    def drop(self, frm: str, to: str, perc: float) -> None:
        self.dropped[(frm, to)] = perc

    def cut(self, a: str, b: str) -> None:
        self.drop(a, b, 2.0)
        self.drop(b, a, 2.0)

    def isolate(self, i: str) -> None:
        for other in self.peers:
            if other != i:
                self.cut(i, other)

    def ignore(self, kind: MsgType) -> None:
        self.ignored.add(kind)

    def recover(self) -> None:
        self.dropped.clear()
        self.ignored.clear()
