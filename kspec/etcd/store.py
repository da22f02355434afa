"""``EtcdStore``: the API server's storage as a cluster of etcd members agreeing through Raft.

A write commits at once when the leader with the highest term can reach a
quorum of running members, and otherwise fails with the error kube-apiserver
would get (``kspec.etcd.client``); no virtual time passes inside a write. The
committed log is applied, in order, to one ``MemoryStore``, which the
simulation reads: ``get``/``list`` always serve the applied state, as the
API server's watch cache does (``read_error`` says whether a linearizable
read would be served now; controllers here read their informer caches, which
keep serving). A write that a leader without quorum accepted stays in its log
and commits later if that leader's term survives, as in real etcd.
``kv`` sends etcd's own Put and Range to one member on the virtual clock
(``kspec.etcd.kv``).

kspec models current etcd (3.5+): ``--pre-vote=true``, so a member cut off
from the majority keeps its term and rejoins without forcing an election.
ETCD-OBSERVED ran 3.4 with pre-vote off, where a lone member's term climbs
with each failed election; ``pre_vote=False`` reproduces that.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from functools import partial

from kspec.clock import Clock, Timer
from kspec.errors import StepError
from kspec.etcd import client, status
from kspec.etcd.kv import LEADER_CHANGED, KeyValue
from kspec.etcd.network import LATENCY_MS, Network
from kspec.etcd.quorum import quorum
from kspec.etcd.raft import TICK_MS, Entry, RaftNode, State
from kspec.objects import Obj
from kspec.store import MemoryStore, StoreError, Unavailable, WatchEvent

#: Looked up once: an Enum member read off its class costs ~0.1-0.2us in Python 3.11.
_LEADER = State.LEADER

NAME = "etcd"
DEFAULT_MEMBERS = 3
#: The term of a new cluster's first leader (its members bootstrap at term 1).
BOOTSTRAP_TERM = 2
JOURNAL_LINES = 200


def _still_electing() -> None:
    """The marker timer's callback: its only job is to exist (see ``EtcdStore._watch``)."""


class EtcdStore:
    """A Store whose writes go through Raft; ``leader()``, ``stop``/``start``/``partition``/``heal`` drive it."""

    name = NAME

    def __init__(self, clock: Clock, rng: random.Random, members: int = DEFAULT_MEMBERS, *,
                 pre_vote: bool = True, latency_ms: int = LATENCY_MS) -> None:
        if members < 1:
            raise StepError(f"etcd needs at least 1 member, not {members}")
        self.clock = clock
        self.inner = MemoryStore()
        # a generator of its own, seeded from the cluster's, so ticking does not shift other components' draws
        self._rng = random.Random(rng.getrandbits(64))
        self.members = [f"etcd-{i}" for i in range(1, members + 1)]
        self.network = Network(clock, latency_ms)
        self.nodes = {name: RaftNode(name, self.members, self._rng, self.network.send, pre_vote=pre_vote,
                                     on_commit=self._on_commit, on_elected=self._on_elected, note=self._note,
                                     heartbeat=self.network.heartbeat_now)
                      for name in self.members}
        self.network.nodes = self.nodes
        self._node_list = list(self.nodes.values())
        self.journal: deque[tuple[int, str, str]] = deque(maxlen=JOURNAL_LINES)
        self.leader_history: list[tuple[int, str, int]] = []
        self.violations: list[str] = []
        self._results: dict[int, object] = {}
        #: When True, a write made outside any clock callback (a spec's own request) is held on the virtual
        #: clock as etcd holds it, up to REQUEST_TIMEOUT_MS; callbacks' writes still answer at once.
        self.hold_requests = False
        #: Entries whose client was already told the write failed, by index: their results have no reader.
        self._orphans: dict[int, Entry] = {}
        #: The answers of orphans applied while a held request waits (None when none waits).
        self._orphan_results: dict[int, object] | None = None
        self._tickers: list[Timer] = []
        self._marker: Timer | None = None
        self._checked: tuple[int, bool] = (-1, False)  # (version of what was checked, unsettled)
        self._leader_seen: tuple[int, RaftNode | None] = (-1, None)  # (version, committing leader)
        #: When each member last started (a restart resets its peer streams: parseProposeCtxErr's isConnectedSince)
        self.started_at: dict[str, int] = {}
        self._kv: KeyValue | None = None
        self.committed = self._bootstrap()
        self.applied = len(self.committed) - 1

    def _bootstrap(self) -> list[Entry]:
        """A new cluster after its first election: etcd-1 leads at term 2 and every member has the same log.

        The log holds what etcd writes before any client does: one ConfChange
        per initial member (term 1), the leader's empty entry, each member
        publishing its attributes, and the cluster version (8 entries for 3
        members, as ``endpoint status`` shows on a fresh cluster).
        """
        n = len(self.members)
        log = [Entry(0, 0), *(Entry(1, i) for i in range(1, n + 1))]
        log += [Entry(BOOTSTRAP_TERM, i) for i in range(n + 1, 2 * n + 3)]
        first = self.members[0]
        for node in self.nodes.values():
            node.assume(BOOTSTRAP_TERM, log, len(log) - 1, first)
        self.leader_history.append((BOOTSTRAP_TERM, first, self.clock.now))
        return list(log)

    # -- lifecycle and faults ----------------------------------------------------------
    def start(self, members: list[str] | None = None) -> None:
        """Without arguments: begin ticking (once the cluster starts). With members: restart those crashed members."""
        if not self._tickers:
            # each member is its own process: its ticks keep their own phase within the interval, so two
            # followers with the same randomized timeout rarely campaign at the very same instant
            self._tickers = [self.clock.call_every(TICK_MS, partial(self._tick, name),
                                                   first=1 + self._rng.randrange(TICK_MS), label=f"{name} raft ticks")
                             for name in self.members]
        if members is not None:
            names = self._names(members)
            running = [m for m in names if self.network.live(m)]
            if running:
                raise StepError(f'etcd member "{running[0]}" is already running')
            for name in names:
                self.network.start(name)
                self.started_at[name] = self.clock.now
                self.nodes[name].restart()
                self._note(self.nodes[name], "restarted with its data")
        self._watch()

    def stop(self, members: list[str]) -> None:
        """Crash members (kill -9): they keep their log and term, and answer nothing until started."""
        names = self._names(members)
        stopped = [m for m in names if not self.network.live(m)]
        if stopped:
            raise StepError(f'etcd member "{stopped[0]}" is already stopped')
        for name in names:
            self.network.stop(name)
            self._note(self.nodes[name], "stopped")
        self._watch()

    def pause(self, members: list[str]) -> None:
        """Freeze members as SIGSTOP does: no ticks, no messages processed; what is sent to them waits."""
        names = self._names(members)
        for name in names:
            if not self.network.live(name):
                raise StepError(f'etcd member "{name}" is stopped, it cannot be paused')
            if name in self.network.paused:
                raise StepError(f'etcd member "{name}" is already paused')
        for name in names:
            self.network.pause(name)
            self._note(self.nodes[name], "paused")
        self._watch()

    def resume(self, members: list[str]) -> None:
        """Continue paused members (SIGCONT): each processes what arrived meanwhile, then ticks on."""
        names = self._names(members)
        for name in names:
            if name not in self.network.paused:
                raise StepError(f'etcd member "{name}" is not paused')
        for name in names:
            self._note(self.nodes[name], "resumed")
            self.network.resume(name)
        self._watch()

    def partition(self, left: list[str], right: list[str]) -> None:
        """Drop every message between the two groups (members in neither group still reach both)."""
        a, b = self._names(left), self._names(right)
        both = [m for m in a if m in b]
        if both:
            raise StepError(f'etcd member "{both[0]}" cannot be on both sides of a partition')
        self.network.partition(a, b)
        self.journal.append((self.clock.now, "network", f"partitioned {', '.join(a)} from {', '.join(b)}"))
        self._watch()

    def heal(self) -> None:
        self.network.heal()
        self.journal.append((self.clock.now, "network", "partition healed"))
        self._watch()

    def _names(self, members: list[str]) -> list[str]:
        if not members:
            raise StepError("name at least one etcd member")
        for name in members:
            if name not in self.nodes:
                raise StepError(f'unknown etcd member "{name}": the members are {", ".join(self.members)}')
        return list(dict.fromkeys(members))

    # -- time ----------------------------------------------------------------------------
    def _tick(self, name: str) -> None:
        if self.network.live(name) and name not in self.network.paused:
            self.nodes[name].tick()
            self.network.flush()
            self._watch()

    def _watch(self) -> None:
        """Keep one one-shot timer armed while the members do not agree on a leader that can commit.

        Raft's ticks are periodic work, so without this ``settle`` would call a
        cluster in the middle of an election settled. A cluster that cannot
        elect anyone keeps electing, and ``settle`` then gives up after its
        limit, as it does for anything that keeps changing.
        """
        if self.network.observer is not None:
            self.network.observer()
        if not self._tickers:
            return
        if self._marker is not None:
            self._marker.cancel()
            self._marker = None
        version = self._version()
        if self._checked[0] != version:
            self._checked = (version, self._unsettled())
        if self._checked[1]:
            self._marker = self.clock.call_later(TICK_MS + 1, _still_electing, label="etcd election in progress")

    def _unsettled(self) -> bool:
        """Some member will still change: it campaigns, or a leader without a quorum will step down. A paused
        member changes nothing until a step resumes it; nor does one cut off from a majority that has a
        committing leader, when pre-vote keeps its term (its pre-votes fail and leave no trace)."""
        q = quorum(len(self.members))
        committing: RaftNode | None | bool = False  # looked up once, when first needed
        for name in self.members:
            if not self.network.live(name) or name in self.network.paused:
                continue
            node = self.nodes[name]
            if node.state is _LEADER and self._backing(node) < q:
                return True  # CheckQuorum will step it down
            if node.lead is not None and self.network.reachable(name, node.lead):
                lead = self.nodes[node.lead]
                if lead.state is _LEADER and lead.term == node.term:
                    continue
            if committing is False:
                committing = self._committing_leader()
            if committing is not None and node.pre_vote and not self._reaches_quorum(name):
                continue
            return True
        return False

    def _reaches_quorum(self, name: str) -> bool:
        return sum(1 for m in self.members if self.network.reachable(name, m)) >= quorum(len(self.members))

    # -- leadership ------------------------------------------------------------------------
    def _live_leaders(self) -> list[RaftNode]:
        """Running members that believe they lead, the newest term first."""
        leaders = [self.nodes[m] for m in self.members
                   if self.network.live(m) and self.nodes[m].state is _LEADER]
        return sorted(leaders, key=lambda n: -n.term)

    def leader(self) -> str | None:
        """The running member that leads in the newest term (what ``endpoint status`` shows as leader)."""
        leaders = self._live_leaders()
        return leaders[0].name if leaders else None

    def _stale_leader(self) -> RaftNode | None:
        """A running, unpaused member that still believes it leads though it cannot commit (newest term first)."""
        for node in self._live_leaders():
            if node.name not in self.network.paused:
                return node
        return None

    def leader_views(self) -> dict[str, str | None]:
        """Each answering member's leader, as ``etcdctl endpoint status`` shows it (stopped and paused ones do
        not answer).

        A follower names the leader it last heard until its election timeout makes it campaign, even when
        that leader is dead. A leader names itself until CheckQuorum makes it step down, about an election
        timeout after it last heard from a quorum (ETCD-OBSERVED: "the leader keeps IS LEADER true until it
        steps down", 1.2-1.95 s after both followers of three were killed).
        """
        views: dict[str, str | None] = {}
        for name in self.members:
            if not self.network.live(name) or name in self.network.paused:
                continue
            node = self.nodes[name]
            lead = node.lead
            if lead == name and node.state is not _LEADER:
                lead = None
            views[name] = lead
        return views

    def _backing(self, leader: RaftNode) -> int:
        """Members (itself included) that would take the leader's appends now."""
        return sum(1 for m in self.members
                   if self.network.reachable(leader.name, m) and self.nodes[m].term <= leader.term)

    def _version(self) -> int:
        """Moves whenever the topology or any member's state, term or leader changes (each count only grows)."""
        return self.network.version + sum([n.changes for n in self._node_list])

    def _committing_leader(self) -> RaftNode | None:
        version = self._version()
        if self._leader_seen[0] == version:
            return self._leader_seen[1]
        found = None
        q = quorum(len(self.members))
        for node in self._live_leaders():
            if self._backing(node) >= q:
                found = node
                break
        self._leader_seen = (version, found)
        return found

    def _electable(self) -> bool:
        """Some running member reaches a majority (itself included), so an election can succeed."""
        q = quorum(len(self.members))
        live = [m for m in self.members if self.network.live(m)]
        return any(sum(1 for b in live if self.network.reachable(a, b)) >= q for a in live)

    def write_error(self) -> str | None:
        """The error kube-apiserver would get for a write now, or None when a write would commit."""
        if self._committing_leader() is not None:
            return None
        live = [self.nodes[m] for m in self.members if self.network.live(m)]
        return client.write_error(
            stale_leader=any(n.state is _LEADER for n in live),
            following_lost_leader=any(n.lead is not None and n.lead != n.name for n in live),
            electable=self._electable())

    def read_error(self, *, serializable: bool = False) -> str | None:
        """The error a Range would fail with now, None when it would be served (``kspec.etcd.kv`` has the details).

        A serializable Range is served by any answering member from its own state (held by a paused one). A
        linearizable one needs a leader that a quorum follows (ReadIndex); without one it fails with
        ``etcdserver: leader changed`` when a majority can elect a new leader, which the member then learns of,
        and ``etcdserver: request timed out`` after the request timeout when none can.
        """
        if serializable:
            answering = any(self.network.live(m) and m not in self.network.paused for m in self.members)
            return None if answering else client.CONTEXT_DEADLINE_EXCEEDED
        if self._committing_leader() is not None:
            return None
        return LEADER_CHANGED if self._electable() else client.REQUEST_TIMED_OUT

    @property
    def kv(self) -> KeyValue:
        """Put and Range requests to one member at a time, answered on the virtual clock."""
        if self._kv is None:
            self._kv = KeyValue(self)
        return self._kv

    # -- Store: writes through Raft ------------------------------------------------------------
    def check_write(self) -> None:
        error = self.write_error()
        if error is not None:
            raise Unavailable(error)

    def _write(self, op: Callable[[], Obj]) -> Obj:
        leader = self._committing_leader()
        if leader is None and self.hold_requests and self.clock._current is None:
            return self._held_write(op)
        if leader is None:
            error = self.write_error() or client.REQUEST_TIMED_OUT
            stale = self._stale_leader()
            if stale is not None:
                # a leader that lost its quorum still appends the proposal; the client times out, yet the entry
                # commits later if that leader's term survives (issue 12: present after recovery in 16/16 real runs)
                entry = stale.propose(op)
                self._orphans[entry.index] = entry
                self.network.flush()
            raise Unavailable(error)
        entry = self.network.propose_now(leader, op)  # the round trips to the quorum, at this instant
        if self.applied < entry.index:
            raise Unavailable(client.REQUEST_TIMED_OUT)  # not reached: the quorum was checked above
        outcome = self._results.pop(entry.index)
        if isinstance(outcome, StoreError):
            raise outcome
        return outcome  # type: ignore[return-value]

    def _held_write(self, op: Callable[[], Obj]) -> Obj:
        """A proposal that waits for commit up to the request timeout, moving the virtual clock (issue 12).

        From the member the request reaches: a leader without quorum appends it and the request succeeds if
        the entry is applied in time (EtcdServer waits on the request ID, whatever the term); a member following
        a lost leader forwards it into the void and it times out; a member that knows no leader blocks the
        proposal (raft's ``propc = nil``) until one is elected, then forwards it.
        """
        deadline = self.clock.now + client.REQUEST_TIMEOUT_MS
        error = self.write_error() or client.REQUEST_TIMED_OUT
        stale = self._stale_leader()
        if stale is not None:
            self._orphan_results = {}
            try:
                entry = stale.propose(op)
                self._orphans[entry.index] = entry
                self.network.flush()
                self.clock.run_until(lambda: self.applied >= entry.index, deadline - self.clock.now)
                if self.applied >= entry.index and self.committed[entry.index] is entry:
                    return self._get_applied(entry)
            finally:
                self._orphan_results = None
            self.clock.run_to(max(deadline, self.clock.now))
            raise Unavailable(client.REQUEST_TIMED_OUT)
        if error != client.CONTEXT_DEADLINE_EXCEEDED:  # forwarded to a leader that is gone
            # the request reaches the first answering member that still follows a lost leader; only if that member
            # wins the next election within 2 x election timeout does it give the long message (etcd sets
            # leadElectedTime on the new leader alone, parseProposeCtxErr)
            sent = self.clock.now
            target = next((m for m in self.members if self.network.live(m) and m not in self.network.paused
                           and self.nodes[m].lead not in (None, m)), None)
            self.clock.run_to(deadline)
            won = any(name == target and sent <= at <= sent + client.LEADER_FAIL_WINDOW_MS
                      for _term, name, at in self.leader_history)
            raise Unavailable(client.REQUEST_TIMED_OUT_LEADER_FAIL if won else client.REQUEST_TIMED_OUT)
        if not self.clock.run_until(lambda: self._committing_leader() is not None, deadline - self.clock.now):
            raise Unavailable(error)
        leader = self._committing_leader()
        assert leader is not None
        entry = self.network.propose_now(leader, op)
        if self.applied < entry.index:
            raise Unavailable(client.REQUEST_TIMED_OUT)
        return self._pop_result(entry.index)

    def _get_applied(self, entry: Entry) -> Obj:
        """The answer to an entry applied while its client waited (``_on_commit`` kept it as an orphan's)."""
        assert self._orphan_results is not None
        result = self._orphan_results.pop(entry.index)
        if isinstance(result, StoreError):
            raise result
        return result  # type: ignore[return-value]

    def _pop_result(self, index: int) -> Obj:
        outcome = self._results.pop(index)
        if isinstance(outcome, StoreError):
            raise outcome
        return outcome  # type: ignore[return-value]

    def create(self, resource: str, obj: Obj) -> Obj:
        return self._write(partial(self.inner.create, resource, obj))

    def update(self, resource: str, obj: Obj, expect_rv: str | None = None) -> Obj:
        return self._write(partial(self.inner.update, resource, obj, expect_rv))

    def delete(self, resource: str, namespace: str, name: str, expect_rv: str | None = None) -> Obj:
        return self._write(partial(self.inner.delete, resource, namespace, name, expect_rv))

    def _on_commit(self, node: RaftNode) -> None:
        """Apply newly committed entries, in index order, to the state machine (once, whoever commits first)."""
        while self.applied < node.commit:
            entry = node.log[self.applied + 1]
            self.applied += 1
            self.committed.append(entry)
            if entry.data is None:
                continue
            if self._orphans and self._orphans.pop(entry.index, None) is entry:
                try:
                    result: object = entry.data()
                except StoreError as exc:  # a failed compare is still a committed transaction
                    result = exc
                if self._orphan_results is not None:
                    self._orphan_results[entry.index] = result  # a held request may be waiting for it
                continue
            try:
                self._results[entry.index] = entry.data()
            except StoreError as exc:  # a failed compare is still a committed transaction
                self._results[entry.index] = exc

    def _on_elected(self, node: RaftNode) -> None:
        self.leader_history.append((node.term, node.name, self.clock.now))
        # Leader Completeness: a new leader's log holds every committed entry
        if node.last_index < self.applied or node.log[self.applied] is not self.committed[self.applied]:
            self.violations.append(f"{node.name} became leader at term {node.term} without entry {self.applied}")

    def _note(self, node: RaftNode, text: str) -> None:
        self.journal.append((self.clock.now, node.name, text))

    # -- Store: reads from the applied state ----------------------------------------------------
    @property
    def revision(self) -> int:
        return self.inner.revision

    @property
    def _data(self) -> dict[str, dict[tuple[str, str], Obj]]:
        """The applied key space, for ``MemoryStore.load`` when a scenario swaps this store for memory."""
        return self.inner._data

    def get(self, resource: str, namespace: str, name: str) -> Obj | None:
        return self.inner.get(resource, namespace, name)

    def list(self, resource: str, namespace: str | None = None) -> list[Obj]:
        return self.inner.list(resource, namespace)

    def count(self, resource: str) -> int:
        return self.inner.count(resource)

    def subscribe(self, fn: Callable[[WatchEvent], None]) -> None:
        self.inner.subscribe(fn)

    def load(self, other: object) -> None:
        """Carry over what an earlier store held (nodes and namespaces made before the store was chosen)."""
        source = getattr(other, "inner", other)
        if isinstance(source, MemoryStore):
            self.inner.load(source)

    # -- what etcdctl shows -----------------------------------------------------------------------
    def status_table(self) -> str:
        """``etcdctl endpoint status -w table`` against every member."""
        rows = []
        for name in self.members:
            if not self.network.live(name):
                continue
            node = self.nodes[name]
            # RAFT TERM is the term of the last applied entry (EtcdServer.apply calls setTerm), so a
            # candidate's new terms do not show; RAFT INDEX is the committed index
            rows.append(status.MemberStatus(
                status.endpoint(name), status.member_id(name), node.state is _LEADER,
                node.log[node.commit].term, node.commit, () if node.lead is not None else (client.NO_LEADER,)))
        return status.render(rows, [m for m in self.members if not self.network.live(m)])
