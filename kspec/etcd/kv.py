"""etcd's Put and Range as one client sees them at one member, on the virtual clock (issue 12).

A request goes to one endpoint, as ``etcdctl --endpoints=<member>`` or a
gateway call sends it, and answers later: ``Request.done`` tells when. It
follows etcd's server (``etcdserver/v3_server.go``):

- **Put** (``processInternalRaftRequestOnce``): the member proposes the entry
  (``node.Propose``: appended if it leads, forwarded to the leader it knows;
  held while it knows none, raft's ``propc = nil``) and waits for its own
  apply of that entry, up to the request timeout (7 s). A timeout is worded by
  ``parseProposeCtxErr``; a proposal that never left the member is the raw
  ``context deadline exceeded``.
- **Linearizable Range** (``linearizableReadLoop``, ``requestCurrentIndex``):
  requests that arrive while a read round is under way wait for the next one.
  A round asks Raft for a read index (ReadIndex: the leader's commit index,
  confirmed by a quorum's answers to a heartbeat), resends the request every
  500 ms (``readIndexRetryTime``), fails with ``etcdserver: leader changed``
  when this member learns of a new leader and ``etcdserver: request timed
  out`` after the request timeout, and otherwise serves every request of the
  round once this member has applied up to the index.
- **Serializable Range**: served at once from the member's own applied state,
  possibly stale.

A paused member (SIGSTOP) processes nothing: requests sent to it wait in its
socket and are taken when it resumes, after the peer messages that arrived
meanwhile; a timer that expired during the pause fires at the resume. A
stopped member fails its pending requests. The keys live beside the API's
objects: the entries are in the same Raft log, but apply to nothing in the
``MemoryStore``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kspec.clock import Timer
from kspec.errors import StepError
from kspec.etcd import client
from kspec.etcd.linearizability import Operation
from kspec.etcd.quorum import quorum
from kspec.etcd.raft import RaftNode, State

if TYPE_CHECKING:
    from kspec.etcd.store import EtcdStore

#: requestCurrentIndex resends the ReadIndex request this often while no answer came (etcd 3.5's readIndexRetryTime).
READ_INDEX_RETRY_MS = 500
#: What a client gets when the member it talks to dies under its request (the connection is reset).
CONNECTION_LOST = "rpc error: code = Unavailable desc = error reading from server: EOF"
#: etcdctl's --dial-timeout: a stopped member never answers the connection, and the client gives up after it.
DIAL_TIMEOUT_MS = 2000
#: What etcdctl prints then (ETCD-OBSERVED: "Failed to get the status of endpoint ... (context deadline exceeded)").
DIAL_FAILED = "context deadline exceeded"
#: errors.ErrLeaderChanged: a linearizable read's member saw a new leader before its read index was confirmed.
LEADER_CHANGED = "etcdserver: leader changed"
#: errors.ErrTimeoutDueToConnectionLost (parseProposeCtxErr).
TIMED_OUT_CONNECTION_LOST = "etcdserver: request timed out, possibly due to connection lost"

_LEADER = State.LEADER
_FOLLOWER = State.FOLLOWER


@dataclass(eq=False, slots=True)
class Request:
    """One client request and what it got; ``call``/``ret`` order every invocation and answer of a run."""

    id: int
    op: str  # "put" or "get"
    member: str
    key: str
    #: a put's value; a get's answer (None: the key does not exist)
    value: str | None
    serializable: bool
    invoked: int
    call: int
    returned: int | None = None
    ret: int | None = None
    error: str | None = None
    #: when the member took the request (later than ``invoked`` when it was paused)
    started: int | None = None
    proposed: bool = False

    @property
    def done(self) -> bool:
        return self.returned is not None

    @property
    def ok(self) -> bool:
        return self.done and self.error is None

    @property
    def latency(self) -> int | None:
        return None if self.returned is None else self.returned - self.invoked


@dataclass(eq=False, slots=True)
class PutData:
    """A put's Raft entry payload: the request's id is how the member finds its own entry when it applies."""

    key: str
    value: str
    request: int

    def __call__(self) -> None:
        return None  # the keys are read from the members' logs (``KeyValue.value_at``), not from the MemoryStore


@dataclass(eq=False, slots=True)
class _ReadRound:
    """One pass of linearizableReadLoop at a member."""

    context: int
    requests: list[Request]
    lead: str | None
    index: int | None = None
    timers: list[Timer] = field(default_factory=list)
    expired: bool = False


class KeyValue:
    """The etcd key space of an ``EtcdStore`` as clients see it, request by request (``store.kv``)."""

    def __init__(self, store: EtcdStore) -> None:
        self.store = store
        self.clock = store.clock
        self.requests: list[Request] = []
        self._seq = 0
        self._pending: list[Request] = []
        self._held: list[Request] = []  # sent to a paused member
        self._blocked: list[Request] = []  # puts at a member that knows no leader
        self._waiting: list[Request] = []  # puts proposed, waiting for the member's apply
        self._deadlines: dict[int, Timer] = {}
        self._expired: list[Request] = []  # timed out while their member was paused
        self._rounds: dict[str, _ReadRound] = {}
        self._queued: dict[str, list[Request]] = {}  # linearizable reads waiting for the next round
        self._contexts = 0
        self._busy = False
        for node in store.nodes.values():
            node._on_read = self._on_read
            node._on_commit = self._wrap_commit(node._on_commit)

    # -- the client's calls ------------------------------------------------------------------
    def put(self, member: str, key: str, value: str) -> Request:
        return self._send("put", member, key, value, serializable=False)

    def get(self, member: str, key: str, *, serializable: bool = False) -> Request:
        return self._send("get", member, key, None, serializable=serializable)

    def value_at(self, member: str, key: str) -> str | None:
        """The key's value in the member's applied state (its log up to its commit index)."""
        node = self.store.nodes[member]
        log = node.log
        for i in range(node.commit, 0, -1):
            data = log[i].data
            if isinstance(data, PutData) and data.key == key:
                return data.value
        return None

    def committed_puts(self) -> list[PutData]:
        """Every put in the committed log, in order."""
        return [e.data for e in self.store.committed if isinstance(e.data, PutData)]

    @property
    def pending(self) -> list[Request]:
        return list(self._pending)

    def history(self, *, serializable: bool = False) -> list[Operation]:
        """The requests as a history for ``kspec.etcd.linearizability``, ordered by ``call``/``ret``.

        A put that failed before it was proposed never took effect and is left out; one that was proposed and
        failed, or has no answer yet, is unknown. Failed and unanswered reads are left out, and serializable
        ones unless asked for (they may be stale, so a history with them need not be linearizable).
        """
        ops = []
        for r in self.requests:
            if r.op == "put":
                if r.ok:
                    ops.append(Operation(r.key, "write", r.value, r.call, r.ret or 0))
                elif r.proposed:
                    ops.append(Operation(r.key, "write", r.value, r.call))
            elif r.ok and (serializable or not r.serializable):
                ops.append(Operation(r.key, "read", r.value, r.call, r.ret or 0))
        return ops

    # -- requests --------------------------------------------------------------------------------
    def _tick_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _send(self, op: str, member: str, key: str, value: str | None, *, serializable: bool) -> Request:
        if member not in self.store.nodes:
            raise StepError(f'unknown etcd member "{member}": the members are {", ".join(self.store.members)}')
        req = Request(len(self.requests) + 1, op, member, key, value, serializable, self.clock.now, self._tick_seq())
        self.requests.append(req)
        if not self.store.network.live(member):
            self.clock.call_later(DIAL_TIMEOUT_MS, lambda: self._finish(req, error=DIAL_FAILED),
                                  label=f"etcd request {req.id} dial timeout")
            return req
        self._pending.append(req)
        self.store.network.observer = self._observe
        if member in self.store.network.paused:
            self._held.append(req)
        else:
            self._take(req)
        return req

    def _take(self, req: Request) -> None:
        """The member reads the request off its socket."""
        req.started = self.clock.now
        if req.op == "get" and req.serializable:
            self._finish(req, value=self.value_at(req.member, req.key))
        elif req.op == "get":
            self._queued.setdefault(req.member, []).append(req)
            if req.member not in self._rounds:
                self._start_round(req.member)
        else:
            self._deadlines[req.id] = self.clock.call_later(
                client.REQUEST_TIMEOUT_MS, lambda: self._put_timeout(req), label=f"etcd put {req.id} timeout")
            self._propose(req)

    def _finish(self, req: Request, *, value: str | None = None, error: str | None = None) -> None:
        if req.done:
            return
        req.returned, req.ret, req.error = self.clock.now, self._tick_seq(), error
        if req.op == "get":
            req.value = None if error is not None else value
        timer = self._deadlines.pop(req.id, None)
        if timer is not None:
            timer.cancel()
        for bucket in (self._pending, self._held, self._blocked, self._waiting, self._expired):
            if req in bucket:
                bucket.remove(req)
        if not self._pending:
            self.store.network.observer = None

    # -- puts ----------------------------------------------------------------------------------------
    def _propose(self, req: Request) -> None:
        node = self.store.nodes[req.member]
        if node.lead is None or node.state not in (_LEADER, _FOLLOWER):
            if req not in self._blocked:
                self._blocked.append(req)
            return
        if req in self._blocked:
            self._blocked.remove(req)
        req.proposed = True
        self._waiting.append(req)
        node.submit(PutData(req.key, req.value or "", req.id))
        self.store.network.flush()

    def _put_timeout(self, req: Request) -> None:
        self._deadlines.pop(req.id, None)
        if req.done:
            return
        if req.member in self.store.network.paused:
            self._expired.append(req)  # Go's timer fires when the process runs again
            return
        self._finish(req, error=self._propose_error(req) if req.proposed else client.CONTEXT_DEADLINE_EXCEEDED)

    def _propose_error(self, req: Request) -> str:
        """parseProposeCtxErr for a proposal whose wait ran out."""
        member, start = req.member, req.started or req.invoked
        elected = [at for _term, name, at in self.store.leader_history if name == member]
        if elected:
            last = elected[-1]  # leadElectedTime is set on this member alone, when it becomes leader
            if last - client.LEADER_FAIL_WINDOW_MS < start < last:
                return client.REQUEST_TIMED_OUT_LEADER_FAIL
        lead = self.store.nodes[member].lead
        if lead == member:
            connected = sum(1 for m in self.store.members if self._connected_since(member, m, start))
            if connected < quorum(len(self.store.members)):
                return TIMED_OUT_CONNECTION_LOST
        elif lead is not None and not self._connected_since(member, lead, start):
            return TIMED_OUT_CONNECTION_LOST
        return client.REQUEST_TIMED_OUT

    def _connected_since(self, a: str, b: str, since: int) -> bool:
        """isConnectedSince: the peer stream between a and b is up and was already up before ``since``."""
        if a == b:
            return True
        net = self.store.network
        if not (net.live(a) and net.live(b)) or (net._cuts and frozenset((a, b)) in net._cuts):
            return False
        started = self.store.started_at
        return max(started.get(a, 0), started.get(b, 0)) < since

    def _wrap_commit(self, inner: Callable[[RaftNode], None] | None) -> Callable[[RaftNode], None]:
        def on_commit(node: RaftNode) -> None:
            if inner is not None:
                inner(node)
            if self._waiting:
                self._applied(node)
        return on_commit

    def _applied(self, node: RaftNode) -> None:
        """A member applied up to its commit: each put waiting there whose entry it holds succeeds."""
        mine = {r.id: r for r in self._waiting if r.member == node.name}
        if not mine:
            return
        log = node.log
        for i in range(node.commit, 0, -1):
            data = log[i].data
            if isinstance(data, PutData) and data.request in mine:
                self._finish(mine.pop(data.request))
                if not mine:
                    return

    # -- linearizable reads -------------------------------------------------------------------------
    def _start_round(self, member: str) -> None:
        queued = self._queued.pop(member, [])
        if not queued:
            return
        node = self.store.nodes[member]
        self._contexts += 1
        rnd = _ReadRound(self._contexts, queued, node.lead)
        self._rounds[member] = rnd
        rnd.timers.append(self.clock.call_later(client.REQUEST_TIMEOUT_MS, lambda: self._round_timeout(member, rnd),
                                                label=f"etcd read index {rnd.context} timeout"))
        self._read_index(member, rnd)

    def _read_index(self, member: str, rnd: _ReadRound) -> None:
        if self._rounds.get(member) is not rnd or rnd.index is not None:
            return
        if member not in self.store.network.paused:
            self.store.nodes[member].read_index(rnd.context)
            self.store.network.flush()
        rnd.timers.append(self.clock.call_later(READ_INDEX_RETRY_MS, lambda: self._read_index(member, rnd),
                                                label=f"etcd read index {rnd.context} retry"))

    def _on_read(self, node: RaftNode, context: int, index: int) -> None:
        rnd = self._rounds.get(node.name)
        if rnd is None or rnd.context != context or rnd.index is not None:
            return
        rnd.index = index
        for t in rnd.timers:
            t.cancel()
        rnd.timers = []
        # the read loop serves once this member has applied the index; never from inside Raft's step
        self.clock.call_soon(lambda: self._serve(node.name, rnd), label="etcd read index confirmed")

    def _serve(self, member: str, rnd: _ReadRound) -> None:
        if self._rounds.get(member) is not rnd or rnd.index is None:
            return
        if member in self.store.network.paused or self.store.nodes[member].commit < rnd.index:
            return  # applyWait: the observer comes back when the member's commit moves
        del self._rounds[member]
        for req in rnd.requests:
            self._finish(req, value=self.value_at(member, req.key))
        self._start_round(member)

    def _round_timeout(self, member: str, rnd: _ReadRound) -> None:
        if self._rounds.get(member) is not rnd or rnd.index is not None:
            return
        if member in self.store.network.paused:
            rnd.expired = True
            return
        self._fail_round(member, rnd, client.REQUEST_TIMED_OUT)

    def _fail_round(self, member: str, rnd: _ReadRound, error: str) -> None:
        for t in rnd.timers:
            t.cancel()
        del self._rounds[member]
        for req in rnd.requests:
            self._finish(req, error=error)
        self._start_round(member)

    # -- watching the members -------------------------------------------------------------------------
    def _observe(self) -> None:
        """After every delivery, tick and fault while requests are pending: crashes, resumes, leader changes."""
        if self._busy:
            return
        self._busy = True
        try:
            self._observe_once()
        finally:
            self._busy = False

    def _observe_once(self) -> None:
        net, nodes = self.store.network, self.store.nodes
        for req in list(self._pending):
            if not net.live(req.member):
                self._finish(req, error=CONNECTION_LOST)
        for member in [m for m in self._rounds if not net.live(m)]:
            self._rounds.pop(member)
            self._queued.pop(member, None)
        for req in list(self._held):
            if req.member not in net.paused:
                self._held.remove(req)
                self._take(req)
        for req in list(self._expired):
            if req.member not in net.paused:
                self._put_timeout(req)
        for req in list(self._blocked):
            if req.member not in net.paused:
                self._propose(req)
        for member, rnd in list(self._rounds.items()):
            if member in net.paused:
                continue
            lead = nodes[member].lead
            if rnd.index is None and lead != rnd.lead:
                rnd.lead = lead
                if lead is not None:  # leaderChanged fires for a new leader, not for losing one
                    self._fail_round(member, rnd, LEADER_CHANGED)
                    continue
            if rnd.expired:
                self._fail_round(member, rnd, client.REQUEST_TIMED_OUT)
            elif rnd.index is not None:
                self._serve(member, rnd)
