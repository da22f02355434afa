"""The peer network between etcd members: crashed members, partitions, and message delivery on the virtual clock.

Votes and log appends arrive ``latency_ms`` after they are sent, as one-shot
work, so an election in progress is something that will happen. Heartbeats and
their responses arrive within the tick that sends them: they are the periodic
chatter of a healthy cluster, and as part of the tick ``settle`` can tell them
from change. A message is dropped when, at delivery, either end is stopped or
the two ends are on opposite sides of a partition. A paused member (SIGSTOP)
is neither: what is sent to it waits in its socket buffer and is processed,
in order, when it resumes.

Two exchanges dominate a run: a client write's MsgApp/MsgAppResp round and a
leader's heartbeat round. When every member involved is in the plain steady
state, ``propose_now`` and ``heartbeat_now`` apply their effects directly, in
the order the messages would, instead of building and routing the messages;
anything unusual takes the message path (tests/etcd/test_trace.py pins that a
seed's run stays the same byte for byte).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from kspec.clock import Clock
from kspec.etcd.raft import Entry, Message, MsgType, RaftNode, State

#: Looked up once: an Enum member read off its class costs ~0.1-0.2us in Python 3.11.
_FOLLOWER = State.FOLLOWER
_LEADER = State.LEADER

#: A small fixed one-way delay between members.
LATENCY_MS = 1
#: Periodic chatter, delivered inside the tick that sends it (a tuple: ``in`` compares identities, no Enum.__hash__).
_IMMEDIATE = (MsgType.HEARTBEAT, MsgType.HEARTBEAT_RESP)


class Network:
    def __init__(self, clock: Clock, latency_ms: int = LATENCY_MS) -> None:
        self.clock = clock
        self.latency_ms = latency_ms
        self.nodes: dict[str, RaftNode] = {}
        self.stopped: set[str] = set()
        #: Members frozen as by SIGSTOP: they take no ticks and process nothing until resumed.
        self.paused: set[str] = set()
        #: Messages that reached a paused member, in arrival order.
        self._held: dict[str, list[Message]] = {}
        self._cuts: set[frozenset[str]] = set()
        self._queue: list[Message] = []
        #: Bumped on every stop, start, partition and heal.
        self.version = 0
        self.delivered = 0
        self.dropped = 0
        #: ``_reachable_peers`` for a leader, kept while the topology (``version``) stays as it is
        self._plan_key: tuple[int, RaftNode, dict[str, RaftNode]] | None = None
        self._plan: list[tuple[str, RaftNode | None]] = []
        #: Called after each batch of delivered messages while ``kspec.etcd.kv`` has requests pending.
        self.observer: Callable[[], None] | None = None

    # -- topology ---------------------------------------------------------------------
    def live(self, member: str) -> bool:
        return member not in self.stopped

    def reachable(self, a: str, b: str) -> bool:
        """Both ends run (neither stopped nor paused) and no partition separates them."""
        if a in self.stopped or b in self.stopped:
            return False
        if self.paused and (a in self.paused or b in self.paused):
            return False
        return not self._cuts or a == b or frozenset((a, b)) not in self._cuts

    def stop(self, member: str) -> None:
        self.stopped.add(member)
        self.paused.discard(member)
        self._held.pop(member, None)  # a crash loses what sat unread in its sockets
        self.version += 1

    def pause(self, member: str) -> None:
        self.paused.add(member)
        self.version += 1

    def resume(self, member: str) -> None:
        """The member continues: it processes, in order, every message that arrived while it was frozen."""
        self.paused.discard(member)
        self.version += 1
        for m in self._held.pop(member, []):
            self._deliver(m)
        self.flush()

    def start(self, member: str) -> None:
        self.stopped.discard(member)
        self.version += 1

    def partition(self, left: Iterable[str], right: Iterable[str]) -> None:
        self.version += 1
        right = list(right)
        for a in left:
            for b in right:
                self._cuts.add(frozenset((a, b)))

    def heal(self) -> None:
        self.version += 1
        self._cuts.clear()

    # -- delivery -----------------------------------------------------------------------
    def send(self, m: Message) -> None:
        self._queue.append(m)

    def flush(self, *, now: bool = False) -> None:
        """Deliver or schedule everything sent so far; ``now`` delivers all at this instant (a commit in progress)."""
        while self._queue:
            batch, self._queue = self._queue, []
            later: list[Message] = []
            for m in batch:
                if now or m.type in _IMMEDIATE:
                    self._deliver(m)
                else:
                    later.append(m)
            if later:
                self.clock.call_later(self.latency_ms, partial(self._arrive, later), label="etcd peer messages")

    def propose_now(self, leader: RaftNode, data: Callable[[], object]) -> Entry:
        """``leader.propose(data)`` then ``flush(now=True)``: a client write and its round trips, at this instant.

        Most writes find every reachable follower in the leader's term, following it and holding exactly the
        log before the new entry. Then each takes the one entry and answers, in peer order, and the leader
        counts the answers until a quorum commits it; this does that directly, with the same effects in the
        same order as the messages would (MsgApp to each peer, then each MsgAppResp, then the leader's empty MsgApp
        carrying the new commit to each peer and its answer), without building them.
        Anything else (a lagging, diverged or campaigning member, messages still queued) takes the message path.
        """
        plan = None if self._queue or self.paused else self._steady(leader)
        if plan is None:
            entry = leader.propose(data)
            self.flush(now=True)
            return entry
        name = leader.name
        commit = leader.commit  # what each MsgApp carries, read before the leader counts anything
        entry = leader._append(data)
        if not leader.peers:
            # propose's own count commits only for a lone member: with peers, the leader's match is the
            # largest, and raising the largest never moves the quorum position (MajorityConfig.CommittedIndex)
            leader._maybe_commit()
        index = entry.index
        following = index + 1
        nxt = leader.next
        for peer, node in plan:  # each MsgApp (_send_append, then the follower's step)
            nxt[peer] = following  # sent, whether or not it arrives
            if node is None:
                self.dropped += 1
                continue
            self.delivered += 1
            node.election_elapsed = 0  # _step_follower
            if node.lead != name:
                node.lead = name
                node.changes += 1
            node.log.append(entry)  # _maybe_append: the previous entry matched, nothing conflicts
            if commit > node.commit:  # _commit_to(min(commit, index)); the leader's commit is below index
                node.commit = commit
                if node._on_commit is not None:
                    node._on_commit(node)
        match, active = leader.match, leader.recent_active
        # _maybe_commit after each answer: every answering peer had index - 1 and the leader index, so the
        # quorum position reaches index exactly when the answers make a quorum with the leader, and no sooner
        missing = len(leader.voters) - leader._commit_pos - 1  # quorum, less the leader
        for peer, node in plan:  # each MsgAppResp, in the order sent (_handle_append_response)
            if node is None:
                continue
            self.delivered += 1
            active[peer] = True
            match[peer] = index
            missing -= 1
            if missing == 0 and leader.commit < index:
                leader._commit_to(index)
        if leader.commit == index:
            # the answer that committed made the leader broadcast an empty MsgApp with the new commit (stepLeader's
            # bcastAppend); each reachable peer, now holding the entry, commits it and answers what the leader knows
            for _peer, node in plan:
                if node is None:
                    self.dropped += 1
                    continue
                self.delivered += 2  # the MsgApp and its MsgAppResp
                node.election_elapsed = 0
                node._commit_to(index)
        return entry

    def heartbeat_now(self, leader: RaftNode) -> bool:
        """A leader's heartbeat round, delivered directly, when its owner flushes right after the tick.

        Heartbeats and their answers are immediate, so the flush after the tick would deliver each MsgHeartbeat,
        then each MsgHeartbeatResp. When every reachable peer follows in the leader's term, this has the same
        effects in the same order without the messages; the appends a lagging peer needs are queued as the
        leader would queue them. Otherwise (False) the leader sends the messages.
        """
        if self._queue or leader.name in self.stopped or self.paused:
            return False
        name, term = leader.name, leader.term
        plan = self._reachable_peers(leader)
        for _, node in plan:
            if node is not None and (node.term != term or node.state is not _FOLLOWER):
                return False
        commit, match = leader.commit, leader.match
        for peer, node in plan:  # each MsgHeartbeat (sendHeartbeat, then _step_follower, _handle_heartbeat)
            if node is None:
                self.dropped += 1
                continue
            self.delivered += 1
            node.election_elapsed = 0
            if node.lead != name:
                node.lead = name
                node.changes += 1
            carried = min(match[peer], commit)
            node._commit_to(min(carried, len(node.log) - 1))
        last = len(leader.log) - 1
        for peer, node in plan:  # each MsgHeartbeatResp (_step_leader)
            if node is None:
                continue
            self.delivered += 1
            leader.recent_active[peer] = True
            if match[peer] < last:
                leader.next[peer] = match[peer] + 1  # probe again from what it is known to have
                leader._send_append(peer)
        return True

    def _steady(self, leader: RaftNode) -> list[tuple[str, RaftNode | None]] | None:
        """Each peer with its node when reachable, if every reachable one would take the next entry alone and
        accept it, as ``propose_now`` assumes; None otherwise."""
        if leader.state is not _LEADER or leader._commit_pos is None:
            return None
        plan = self._reachable_peers(leader)
        log = leader.log
        following = len(log)
        last, before, term = log[-1], following - 1, leader.term
        nxt, match = leader.next, leader.match
        for peer, node in plan:
            if nxt[peer] != following:
                return None
            if node is None:
                if match[peer] >= following:
                    return None
            # the follower's last entry is the leader's own (entries are shared), so logs agree up to it
            elif (match[peer] != before or node.log[-1] is not last or node.term != term
                  or node.state is not _FOLLOWER):
                return None
        return plan

    def _reachable_peers(self, leader: RaftNode) -> list[tuple[str, RaftNode | None]]:
        """Each of the leader's peers with its node, or None when a message between them would be dropped.

        Kept while the topology (``version``) and the leader stay the same: callers only read it.
        """
        key = (self.version, leader, self.nodes)
        if self._plan_key != key:
            name, stopped, cuts = leader.name, self.stopped, self._cuts
            self._plan = [(peer, None if name in stopped or peer in stopped
                           or (cuts and frozenset((name, peer)) in cuts) else self.nodes[peer])
                          for peer in leader.peers]
            self._plan_key = key
        return self._plan

    def _deliver(self, m: Message) -> None:
        if self.paused:
            # a message already sent by a member that is now paused still arrives; one to a paused member waits
            stopped = m.frm in self.stopped or m.to in self.stopped
            if not stopped and not (self._cuts and m.frm != m.to and frozenset((m.frm, m.to)) in self._cuts):
                if m.to in self.paused:
                    self._held.setdefault(m.to, []).append(m)
                    return
                self.delivered += 1
                self.nodes[m.to].step(m)
                return
        if not self.reachable(m.frm, m.to):
            self.dropped += 1
            return
        self.delivered += 1
        self.nodes[m.to].step(m)

    def _arrive(self, batch: list[Message]) -> None:
        for m in batch:
            self._deliver(m)
        self.flush()
        if self.observer is not None:
            self.observer()
