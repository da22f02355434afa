"""The peer network between etcd members: crashed members, partitions, and message delivery on the virtual clock.

Votes and log appends arrive ``latency_ms`` after they are sent, as one-shot
work, so an election in progress is something that will happen. Heartbeats and
their responses arrive within the tick that sends them: they are the periodic
chatter of a healthy cluster, and as part of the tick ``settle`` can tell them
from change. A message is dropped when, at delivery, either end is stopped or
the two ends are on opposite sides of a partition.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from kspec.clock import Clock
from kspec.etcd.raft import Message, MsgType, RaftNode

#: A small fixed one-way delay between members.
LATENCY_MS = 1
#: Periodic chatter, delivered inside the tick that sends it.
_IMMEDIATE = frozenset({MsgType.HEARTBEAT, MsgType.HEARTBEAT_RESP})


class Network:
    def __init__(self, clock: Clock, latency_ms: int = LATENCY_MS) -> None:
        self.clock = clock
        self.latency_ms = latency_ms
        self.nodes: dict[str, RaftNode] = {}
        self.stopped: set[str] = set()
        self._cuts: set[frozenset[str]] = set()
        self._queue: list[Message] = []
        #: Bumped on every stop, start, partition and heal.
        self.version = 0
        self.delivered = 0
        self.dropped = 0

    # -- topology ---------------------------------------------------------------------
    def live(self, member: str) -> bool:
        return member not in self.stopped

    def reachable(self, a: str, b: str) -> bool:
        """Both ends run and no partition separates them."""
        if a in self.stopped or b in self.stopped:
            return False
        return not self._cuts or a == b or frozenset((a, b)) not in self._cuts

    def stop(self, member: str) -> None:
        self.stopped.add(member)
        self.version += 1

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

    def _deliver(self, m: Message) -> None:
        if not self.reachable(m.frm, m.to):
            self.dropped += 1
            return
        self.delivered += 1
        self.nodes[m.to].step(m)

    def _arrive(self, batch: list[Message]) -> None:
        for m in batch:
            self._deliver(m)
        self.flush()
