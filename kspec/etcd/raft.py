"""One etcd member's Raft state machine, after etcd-io/raft ``raft.go``, reduced to what kspec observes.

Terms, votes, pre-vote, CheckQuorum with its leader lease, log replication and
commit at a quorum. A node knows no clock and no network: its owner calls
``tick()`` every heartbeat interval and ``step(msg)`` for each message that
arrives, and carries away what it hands to ``send``. Randomness (the election
timeout) comes from the generator it is given, so a run is a function of the seed.

Client proposals forwarded by a follower (MsgProp) and linearizable reads
through ReadIndex (``read_only.go``, ReadOnlySafe: the leader confirms its
leadership with a heartbeat round carrying the request's context) are here
for ``kspec.etcd.kv``. Left out, because nothing in a scenario can reach them:
membership changes, learners, snapshots and log compaction, leadership
transfer, flow control (a leader sends every missing entry at once).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from kspec.etcd.quorum import VoteResult, committed_index, quorum, vote_result

#: etcd's --heartbeat-interval (TickMs): one Raft tick.
TICK_MS = 100
#: --election-timeout 1000ms / TickMs (ElectionTicks); randomized to [10, 19] ticks.
ELECTION_TICKS = 10
#: HeartbeatTick: a leader heartbeats every tick.
HEARTBEAT_TICKS = 1


class State(Enum):
    FOLLOWER = "StateFollower"
    PRE_CANDIDATE = "StatePreCandidate"
    CANDIDATE = "StateCandidate"
    LEADER = "StateLeader"


class MsgType(Enum):
    APP = "MsgApp"
    APP_RESP = "MsgAppResp"
    VOTE = "MsgVote"
    VOTE_RESP = "MsgVoteResp"
    PRE_VOTE = "MsgPreVote"
    PRE_VOTE_RESP = "MsgPreVoteResp"
    HEARTBEAT = "MsgHeartbeat"
    HEARTBEAT_RESP = "MsgHeartbeatResp"
    PROP = "MsgProp"
    READ_INDEX = "MsgReadIndex"
    READ_INDEX_RESP = "MsgReadIndexResp"


#: Module-level names for the members: looking one up on its Enum class costs ~0.1-0.2us in Python 3.11.
_FOLLOWER = State.FOLLOWER
_PRE_CANDIDATE = State.PRE_CANDIDATE
_CANDIDATE = State.CANDIDATE
_LEADER = State.LEADER
_MSG_APP = MsgType.APP
_MSG_APP_RESP = MsgType.APP_RESP
_MSG_VOTE = MsgType.VOTE
_MSG_VOTE_RESP = MsgType.VOTE_RESP
_MSG_PRE_VOTE = MsgType.PRE_VOTE
_MSG_PRE_VOTE_RESP = MsgType.PRE_VOTE_RESP
_MSG_HEARTBEAT = MsgType.HEARTBEAT
_MSG_HEARTBEAT_RESP = MsgType.HEARTBEAT_RESP
_MSG_PROP = MsgType.PROP
_MSG_READ_INDEX = MsgType.READ_INDEX
_MSG_READ_INDEX_RESP = MsgType.READ_INDEX_RESP
#: Messages a member sends without a term: raft treats them as local (``r.send`` leaves Term 0 for MsgProp and
#: MsgReadIndex), so they skip the term checks of Step.
_LOCAL = (_MSG_PROP, _MSG_READ_INDEX)


@dataclass(slots=True, eq=False)
class Entry:
    """A log entry; replicas share the same object, so identity says "the same entry".

    Never changed once made (not frozen only because a frozen dataclass is slow to build, one per write).
    """

    term: int
    index: int
    data: Callable[[], object] | None = None


class Message(NamedTuple):
    """One Raft message (a tuple: messages are made by the hundred thousand in a long scenario)."""

    type: MsgType
    frm: str
    to: str
    term: int
    index: int = 0
    log_term: int = 0
    entries: tuple[Entry, ...] = ()
    commit: int = 0
    reject: bool = False
    reject_hint: int = 0
    #: A read request's id (ReadIndex's RequestCtx), carried by heartbeats and their answers; 0 for none.
    context: int = 0


#: A vote request -> its response type (voteRespMsgType).
_RESPONSE_TO = {_MSG_VOTE: _MSG_VOTE_RESP, _MSG_PRE_VOTE: _MSG_PRE_VOTE_RESP}
#: The vote requests, as a tuple: ``in`` on it compares identities, where a dict or set would call Enum.__hash__.
_VOTE_REQUESTS = (_MSG_VOTE, _MSG_PRE_VOTE)


class RaftNode:
    """One voter. ``term``, ``vote``, ``log`` and ``commit`` are its HardState and WAL: a crash keeps them."""

    def __init__(self, name: str, voters: list[str], rng: random.Random, send: Callable[[Message], None], *,
                 pre_vote: bool = True, check_quorum: bool = True, election_ticks: int = ELECTION_TICKS,
                 heartbeat_ticks: int = HEARTBEAT_TICKS,
                 on_commit: Callable[[RaftNode], None] | None = None,
                 on_elected: Callable[[RaftNode], None] | None = None,
                 note: Callable[[RaftNode, str], None] | None = None,
                 heartbeat: Callable[[RaftNode], bool] | None = None,
                 on_read: Callable[[RaftNode, int, int], None] | None = None) -> None:
        self.name = name
        self.voters = list(voters)
        self.peers = [v for v in self.voters if v != name]
        self.pre_vote = pre_vote
        self.check_quorum = check_quorum
        self.election_ticks = election_ticks
        self.heartbeat_ticks = heartbeat_ticks
        #: where the committed index sits in the sorted matches (MajorityConfig.CommittedIndex), when
        #: ``match`` holds exactly the voters, as it does unless the node is not one of them (or one is named twice)
        distinct = name in self.voters and len(set(self.voters)) == len(self.voters)
        self._commit_pos = len(self.voters) - quorum(len(self.voters)) if distinct else None
        self._rng = rng
        self._send_fn = send
        self._on_commit = on_commit
        self._on_elected = on_elected
        self._note_fn = note
        #: An owner that delivers at once may carry a heartbeat round itself (True) instead of taking messages.
        self._heartbeat_fn = heartbeat
        #: Told (node, context, index) when a read request this node made is confirmed (Ready.ReadStates).
        self._on_read = on_read
        # persistent state
        self.term = 0
        self.vote: str | None = None
        self.log: list[Entry] = [Entry(0, 0)]  # index 0 is a sentinel, so log[i].index == i
        self.commit = 0
        # volatile state
        self.state = _FOLLOWER
        self.lead: str | None = None
        self.election_elapsed = 0
        self.heartbeat_elapsed = 0
        self.randomized_election_timeout = election_ticks
        self.votes: dict[str, bool] = {}
        self.match: dict[str, int] = {}
        self.next: dict[str, int] = {}
        self.recent_active: dict[str, bool] = {}
        #: The leader's pending read requests in arrival order: (context, requester, index), with who has acked
        #: each (readOnly.pendingReadIndex and readIndexQueue).
        self.pending_reads: list[tuple[int, str, int]] = []
        self._read_acks: dict[int, set[str]] = {}
        #: Bumped whenever state, term or leader changes, so an observer can skip re-checking an unchanged node.
        self.changes = 0
        self._reset(0)

    # -- log ------------------------------------------------------------------------
    @property
    def last_index(self) -> int:
        return len(self.log) - 1

    @property
    def last_term(self) -> int:
        return self.log[-1].term

    def term_at(self, index: int) -> int | None:
        return self.log[index].term if 0 <= index < len(self.log) else None

    def _is_up_to_date(self, index: int, term: int) -> bool:
        """raftLog.isUpToDate: the candidate's last entry is at least as recent as ours."""
        return term > self.last_term or (term == self.last_term and index >= self.last_index)

    def _find_conflict_by_term(self, index: int, term: int) -> tuple[int, int]:
        """raftLog.findConflictByTerm: the last index <= ``index`` whose term is <= ``term``, with its term.

        An index beyond the log comes back as it is, with term 0: nothing is known about it.
        """
        if index > self.last_index:
            return index, 0
        while index > 0 and self.log[index].term > term:
            index -= 1
        return index, self.log[index].term

    def _commit_to(self, index: int) -> None:
        if index > self.commit:
            if index > self.last_index:  # raftLog.commitTo
                raise AssertionError(f"{self.name}: tocommit({index}) is out of range [lastIndex({self.last_index})]. "
                                     "Was the raft log corrupted, truncated, or lost?")
            self.commit = index
            if self._on_commit is not None:
                self._on_commit(self)

    # -- state transitions ------------------------------------------------------------
    def _reset(self, term: int) -> None:
        self.changes += 1
        if term != self.term:
            self.term = term
            self.vote = None
        self.lead = None
        self.election_elapsed = 0
        self.heartbeat_elapsed = 0
        # resetRandomizedElectionTimeout: electionTimeout + rand(electionTimeout)
        self.randomized_election_timeout = self.election_ticks + self._rng.randrange(self.election_ticks)
        self.votes = {}
        self.match = {v: 0 for v in self.voters}
        self.next = {v: self.last_index + 1 for v in self.voters}
        self.match[self.name] = self.last_index
        self.recent_active = {v: False for v in self.voters}
        if self.pending_reads:
            self.pending_reads = []  # newReadOnly: a new term or role forgets the reads it was confirming
            self._read_acks = {}

    def become_follower(self, term: int, lead: str | None) -> None:
        self._reset(term)
        self.state = _FOLLOWER
        self.lead = lead

    def _become_pre_candidate(self) -> None:
        # neither the term nor the vote changes (becomePreCandidate)
        if self.state is _LEADER:
            raise RuntimeError("invalid transition [leader -> pre-candidate]")
        self.changes += 1
        self.votes = {}
        self.lead = None
        self.state = _PRE_CANDIDATE
        self._note(f"became pre-candidate at term {self.term}")

    def _become_candidate(self) -> None:
        if self.state is _LEADER:
            raise RuntimeError("invalid transition [leader -> candidate]")  # becomeCandidate
        self._reset(self.term + 1)
        self.vote = self.name
        self.state = _CANDIDATE
        self._note(f"became candidate at term {self.term}")

    def _become_leader(self) -> None:
        if self.state is _FOLLOWER:
            raise RuntimeError("invalid transition [follower -> leader]")  # becomeLeader
        self._reset(self.term)
        self.lead = self.name
        self.state = _LEADER
        self.recent_active[self.name] = True
        self._append(None)  # the empty entry that commits the previous terms' entries
        self._note(f"became leader at term {self.term}")
        if self._on_elected is not None:
            self._on_elected(self)

    def assume(self, term: int, log: list[Entry], commit: int, lead: str) -> None:
        """Start from a bootstrapped cluster's state: ``lead`` won the election of ``term``."""
        self.term, self.vote, self.log, self.commit = term, lead, list(log), commit
        self.become_follower(term, lead)
        if lead == self.name:
            self.changes += 1
            self.state = _LEADER
            self.match = {v: self.last_index for v in self.voters}
            self.recent_active = {v: True for v in self.voters}

    def restart(self) -> None:
        """Come back from a crash: HardState and log as they were, the rest as newRaft leaves it."""
        self.become_follower(self.term, None)

    # -- time ----------------------------------------------------------------------------
    def tick(self) -> None:
        if self.state is _LEADER:
            self._tick_heartbeat()
        else:
            self._tick_election()

    def _tick_election(self) -> None:
        self.election_elapsed += 1
        if self.election_elapsed >= self.randomized_election_timeout:
            self.election_elapsed = 0
            self._campaign(pre=self.pre_vote)  # MsgHup

    def _tick_heartbeat(self) -> None:
        self.heartbeat_elapsed += 1
        self.election_elapsed += 1
        if self.election_elapsed >= self.election_ticks:
            self.election_elapsed = 0
            if self.check_quorum:
                self._check_quorum()
        if self.state is not _LEADER:
            return
        if self.heartbeat_elapsed >= self.heartbeat_ticks:
            self.heartbeat_elapsed = 0
            if self._heartbeat_fn is not None and not self.pending_reads and self._heartbeat_fn(self):
                return
            self.bcast_heartbeat()

    def bcast_heartbeat(self, context: int = 0) -> None:
        """MsgBeat: a heartbeat to every peer (bcastHeartbeat), carrying the last pending read's context."""
        if not context and self.pending_reads:
            context = self.pending_reads[-1][0]  # readOnly.lastPendingRequestCtx
        for peer in self.peers:
            # the commit a heartbeat carries is min(match, committed) (sendHeartbeat)
            self._send(_MSG_HEARTBEAT, peer, commit=min(self.match[peer], self.commit), context=context)

    def _check_quorum(self) -> None:
        """MsgCheckQuorum: step down unless a quorum was heard from since the last check."""
        active = sum(1 for v in self.voters if v == self.name or self.recent_active[v])
        if active < quorum(len(self.voters)):
            self._note("stepped down to follower since quorum is not active")
            self.become_follower(self.term, None)
            return
        for peer in self.peers:
            self.recent_active[peer] = False

    # -- elections -------------------------------------------------------------------------
    def _campaign(self, pre: bool) -> None:
        if pre:
            self._become_pre_candidate()
            kind, term = _MSG_PRE_VOTE, self.term + 1  # pre-votes ask for the next term without taking it
        else:
            self._become_candidate()
            kind, term = _MSG_VOTE, self.term
        self.votes[self.name] = True
        if vote_result(self.voters, self.votes) is VoteResult.WON:
            self._won(pre)
            return
        for peer in self.peers:
            self._send_fn(Message(kind, self.name, peer, term, index=self.last_index, log_term=self.last_term))

    def _won(self, pre: bool) -> None:
        if pre:
            self._campaign(pre=False)
        else:
            self._become_leader()
            self._bcast_append()

    # -- messages ----------------------------------------------------------------------------
    def _send(self, kind: MsgType, to: str, *, term: int | None = None, index: int = 0, log_term: int = 0,
              entries: tuple[Entry, ...] = (), commit: int = 0, reject: bool = False, reject_hint: int = 0,
              context: int = 0) -> None:
        self._send_fn(Message(kind, self.name, to, self.term if term is None else term, index, log_term, entries,
                              commit, reject, reject_hint, context))

    def step(self, m: Message) -> None:
        """Raft's Step: settle the term first, then act by role."""
        if m.term > self.term:
            if m.type in _VOTE_REQUESTS:
                in_lease = self.check_quorum and self.lead is not None and self.election_elapsed < self.election_ticks
                if in_lease:
                    return  # heard from a leader within the election timeout: ignore the vote request
            if m.type is _MSG_PRE_VOTE or (m.type is _MSG_PRE_VOTE_RESP and not m.reject):
                pass  # a pre-vote never changes our term; a granted one changes the candidate's when it wins
            else:
                lead = m.frm if m.type in (_MSG_APP, _MSG_HEARTBEAT) else None
                self.become_follower(m.term, lead)
        elif m.term < self.term:
            if m.type in _LOCAL:  # term 0: a local message, handled whatever our term
                self._step_local(m)
                return
            if (self.check_quorum or self.pre_vote) and m.type in (_MSG_APP, _MSG_HEARTBEAT):
                self._send(_MSG_APP_RESP, m.frm)  # tells a stale leader about the newer term
            elif m.type is _MSG_PRE_VOTE:
                self._send(_MSG_PRE_VOTE_RESP, m.frm, reject=True)
            return
        if m.type in _VOTE_REQUESTS:
            self._handle_vote(m)
        elif self.state is _LEADER:
            self._step_leader(m)
        elif self.state is _FOLLOWER:
            self._step_follower(m)
        else:
            self._step_candidate(m)

    def _handle_vote(self, m: Message) -> None:
        can_vote = (self.vote == m.frm or (self.vote is None and self.lead is None)
                    or (m.type is _MSG_PRE_VOTE and m.term > self.term))
        if can_vote and self._is_up_to_date(m.index, m.log_term):
            # a grant carries the message's term, so a pre-candidate from the future counts it
            self._send(_RESPONSE_TO[m.type], m.frm, term=m.term)
            if m.type is _MSG_VOTE:
                self.election_elapsed = 0
                self.vote = m.frm
        else:
            self._send(_RESPONSE_TO[m.type], m.frm, reject=True)

    def _step_follower(self, m: Message) -> None:
        if m.type in (_MSG_APP, _MSG_HEARTBEAT):
            self.election_elapsed = 0
            if self.lead != m.frm:
                self.lead = m.frm
                self.changes += 1
            self._receive_from_leader(m)
        elif m.type is _MSG_READ_INDEX_RESP and self._on_read is not None:
            self._on_read(self, m.context, m.index)  # stepFollower: a ReadState for the server

    # -- client requests: proposals and read-index ------------------------------------------------
    def submit(self, data: Callable[[], object]) -> None:
        """A client's proposal at this member (node.Propose): appended if it leads, forwarded to the leader it
        knows, dropped otherwise (the owner holds proposals while no leader is known, as raft's propc does)."""
        self._step_local(Message(_MSG_PROP, self.name, self.name, 0, entries=(Entry(0, 0, data),)))

    def read_index(self, context: int) -> None:
        """node.ReadIndex: ask the leader for the commit index to serve a linearizable read at."""
        self._step_local(Message(_MSG_READ_INDEX, self.name, self.name, 0, context=context))

    def _step_local(self, m: Message) -> None:
        """MsgProp and MsgReadIndex: the leader acts, a follower forwards them to its leader, others drop them."""
        if self.state is _LEADER:
            if m.type is _MSG_PROP:
                for e in m.entries:
                    self.propose(e.data)  # type: ignore[arg-type]
            else:
                self._leader_read_index(m.frm, m.context)
        elif self.state is _FOLLOWER and self.lead is not None:
            self._send_fn(m._replace(frm=m.frm if m.type is _MSG_READ_INDEX else self.name, to=self.lead))
        else:
            what = "proposal" if m.type is _MSG_PROP else "index reading msg"
            self._note(f"no leader at term {self.term}; dropping {what}")

    def _leader_read_index(self, requester: str, context: int) -> None:
        """stepLeader's MsgReadIndex (ReadOnlySafe): note the commit index, confirm leadership by a heartbeat round."""
        if len(self.voters) == 1:
            self._read_state(requester, context, self.commit)
            return
        if self.log[self.commit].term != self.term:
            return  # committedEntryInCurrentTerm: a new leader cannot know the commit index yet; the server retries
        if context not in self._read_acks:  # readOnly.addRequest keeps the first of a resent request
            self.pending_reads.append((context, requester, self.commit))
            self._read_acks[context] = {self.name}
        self.bcast_heartbeat(context)

    def _read_state(self, requester: str, context: int, index: int) -> None:
        if requester == self.name:
            if self._on_read is not None:
                self._on_read(self, context, index)
        else:
            self._send(_MSG_READ_INDEX_RESP, requester, index=index, context=context)

    def _read_ack(self, peer: str, context: int) -> None:
        """readOnly.recvAck, then advance: a quorum's ack releases that read and every one queued before it."""
        acks = self._read_acks.get(context)
        if acks is None:
            return
        acks.add(peer)
        if len(acks) < quorum(len(self.voters)):
            return
        position = next(i for i, (ctx, _, _) in enumerate(self.pending_reads) if ctx == context)
        released, self.pending_reads = self.pending_reads[:position + 1], self.pending_reads[position + 1:]
        for ctx, requester, index in released:
            del self._read_acks[ctx]
            self._read_state(requester, ctx, index)

    def _receive_from_leader(self, m: Message) -> None:
        if m.type is _MSG_APP:
            self._handle_append(m)
        else:
            self._handle_heartbeat(m)

    def _step_candidate(self, m: Message) -> None:
        mine = _MSG_PRE_VOTE_RESP if self.state is _PRE_CANDIDATE else _MSG_VOTE_RESP
        if m.type is mine:
            self.votes.setdefault(m.frm, not m.reject)
            result = vote_result(self.voters, self.votes)
            if result is VoteResult.WON:
                self._won(pre=self.state is _PRE_CANDIDATE)
            elif result is VoteResult.LOST:
                self.become_follower(self.term, None)
        elif m.type in (_MSG_APP, _MSG_HEARTBEAT):
            self.become_follower(m.term, m.frm)
            self._receive_from_leader(m)

    def _step_leader(self, m: Message) -> None:
        if m.type is _MSG_APP_RESP:
            self._handle_append_response(m)
        elif m.type is _MSG_HEARTBEAT_RESP:
            self.recent_active[m.frm] = True
            if m.context and self.pending_reads:
                self._read_ack(m.frm, m.context)
                if self.state is not _LEADER:
                    return
            if self.match[m.frm] < self.last_index:
                self.next[m.frm] = self.match[m.frm] + 1  # probe again from what it is known to have
                self._send_append(m.frm)

    # -- replication --------------------------------------------------------------------------
    def _append(self, data: Callable[[], object] | None) -> Entry:
        entry = Entry(self.term, self.last_index + 1, data)
        self.log.append(entry)
        self.match[self.name] = entry.index
        self.next[self.name] = entry.index + 1
        return entry

    def propose(self, data: Callable[[], object]) -> Entry:
        """Append a client's entry and send it to every peer (the leader only)."""
        if self.state is not _LEADER:
            raise RuntimeError(f"{self.name} is not the leader")
        entry = self._append(data)
        self._bcast_append()
        self._maybe_commit()
        return entry

    def _bcast_append(self) -> None:
        """bcastAppend: every peer gets what it lacks, or an empty MsgApp carrying the commit when it lacks nothing."""
        for peer in self.peers:
            self._send_append(peer, send_if_empty=True)

    def _send_append(self, to: str, *, send_if_empty: bool = False) -> None:
        """maybeSendAppend: the entries from ``next`` on; with none, only when ``send_if_empty`` (a commit to tell)."""
        start = self.next[to]
        if start > self.last_index:
            if send_if_empty:
                prev = self.last_index
                self._send(_MSG_APP, to, index=prev, log_term=self.log[prev].term, commit=self.commit)
            return
        prev = start - 1
        self._send(_MSG_APP, to, index=prev, log_term=self.log[prev].term, entries=tuple(self.log[start:]),
                   commit=self.commit)
        self.next[to] = self.last_index + 1  # optimistic, as in StateReplicate; a rejection rewinds it

    def _handle_append(self, m: Message) -> None:
        if m.index < self.commit:
            self._send(_MSG_APP_RESP, m.frm, index=self.commit)
            return
        last_new = self._maybe_append(m)
        if last_new is not None:
            self._send(_MSG_APP_RESP, m.frm, index=last_new)
            return
        hint, hint_term = self._find_conflict_by_term(min(m.index, self.last_index), m.log_term)
        self._send(_MSG_APP_RESP, m.frm, index=m.index, reject=True, reject_hint=hint, log_term=hint_term)

    def _maybe_append(self, m: Message) -> int | None:
        """raftLog.maybeAppend: accept entries that follow a matching (index, term), truncating a conflict."""
        if self.term_at(m.index) != m.log_term:
            return None
        conflict = self._find_conflict(m.entries)
        if conflict:
            if conflict <= self.commit:
                raise AssertionError(f"{self.name}: entry {conflict} conflicts with a committed entry")
            del self.log[conflict:]
            self.log.extend(m.entries[conflict - m.entries[0].index:])
        last_new = m.index + len(m.entries)
        self._commit_to(min(m.commit, last_new))
        return last_new

    def _find_conflict(self, entries: tuple[Entry, ...]) -> int:
        """raftLog.findConflict: the first entry whose index is new or holds another term; 0 when all are held."""
        for entry in entries:
            if self.term_at(entry.index) != entry.term:
                return entry.index
        return 0

    def _handle_heartbeat(self, m: Message) -> None:
        self._commit_to(min(m.commit, self.last_index))
        self._send(_MSG_HEARTBEAT_RESP, m.frm, context=m.context)

    def _handle_append_response(self, m: Message) -> None:
        peer = m.frm
        self.recent_active[peer] = True
        if m.reject:
            if m.index <= self.match[peer]:
                return  # a stale rejection
            probe = m.reject_hint
            if m.log_term > 0:
                probe, _ = self._find_conflict_by_term(probe, m.log_term)
            self.next[peer] = max(self.match[peer] + 1, min(m.index, probe + 1))  # Progress.MaybeDecrTo
            self._send_append(peer)
            return
        if m.index > self.match[peer]:
            self.match[peer] = m.index
            self.next[peer] = max(self.next[peer], m.index + 1)
            if self._maybe_commit():
                self._bcast_append()  # stepLeader: tell every follower the new commit at once
                return
        if self.state is _LEADER and self.next[peer] <= self.last_index:
            self._send_append(peer)

    def _maybe_commit(self) -> bool:
        """Commit what a quorum holds, but only by counting entries of the current term (raft §5.4.2).

        True when the commit advanced (maybeCommit), so the caller tells the followers.
        """
        if self._commit_pos is not None:
            index = sorted(self.match.values())[self._commit_pos]
        else:
            index = committed_index(self.match[v] for v in self.voters)
        if index > self.commit and self.log[index].term == self.term:
            self._commit_to(index)
            return True
        return False

    def _note(self, text: str) -> None:
        if self._note_fn is not None:
            self._note_fn(self, text)
