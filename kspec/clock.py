"""The virtual clock: one heap of (time, sequence, callback), integer milliseconds.

Everything in a simulated cluster happens through this heap, on one thread, so
that a run is a pure function of its inputs and seed. Periodic work (probes,
heartbeats, lease renewals) is marked as such so that ``settle`` can tell a
cluster that is merely ticking from one that is still changing.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from kspec.errors import ClockError

Callback = Callable[[], object]

#: How many callbacks may run at one instant before the clock calls it a livelock.
MAX_CALLBACKS_PER_INSTANT = 1_000_000
PROGRESS_EVERY = 4096


@dataclass(order=True)
class Timer:
    """A scheduled callback; ``cancel()`` removes it lazily from the heap."""

    when: int
    seq: int
    fn: Callback = field(compare=False)
    period: int = field(default=0, compare=False)
    label: str = field(default="", compare=False)
    cancelled: bool = field(default=False, compare=False)
    _clock: Clock | None = field(default=None, compare=False, repr=False)

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            if self._clock is not None:
                self._clock._forget(self)

    @property
    def periodic(self) -> bool:
        return self.period > 0


class Clock:
    """A deterministic discrete-event clock.

    ``changes`` is bumped by the store on every meaningful write; ``settle``
    compares it across one round of periodic work.
    """

    def __init__(self) -> None:
        self.now: int = 0
        self._heap: list[Timer] = []
        self._seq = 0
        self._one_shots = 0  # live, non-periodic timers
        self._periodic: dict[int, int] = {}  # period -> live periodic timers with it
        self.changes = 0
        self.callbacks_run = 0
        #: display hook (kspec.progress): called with the time every PROGRESS_EVERY callbacks of a long run
        self.progress: Callable[[int], object] | None = None

    # -- scheduling -------------------------------------------------------
    def call_at(self, when: int, fn: Callback, *, label: str = "") -> Timer:
        if when < self.now:
            when = self.now
        return self._push(Timer(int(when), self._next_seq(), fn, 0, label, False, self))

    def call_later(self, delay: int, fn: Callback, *, label: str = "") -> Timer:
        return self.call_at(self.now + max(0, int(delay)), fn, label=label)

    def call_soon(self, fn: Callback, *, label: str = "") -> Timer:
        """Run at the current instant, after everything already due now."""
        return self.call_at(self.now, fn, label=label)

    def call_every(self, period: int, fn: Callback, *, first: int | None = None, label: str = "") -> Timer:
        """Periodic work: re-armed after each run until cancelled; ignored by ``settle``.

        The returned timer stays valid across re-arming, so ``cancel()`` on it
        stops the series.
        """
        if period <= 0:
            raise ValueError("period must be positive")
        when = self.now + (period if first is None else max(0, int(first)))
        return self._push(Timer(when, self._next_seq(), fn, int(period), label, False, self))

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _push(self, timer: Timer) -> Timer:
        heapq.heappush(self._heap, timer)
        if timer.period:
            self._periodic[timer.period] = self._periodic.get(timer.period, 0) + 1
        else:
            self._one_shots += 1
        return timer

    def _forget(self, timer: Timer) -> None:
        if timer.period:
            left = self._periodic[timer.period] - 1
            if left:
                self._periodic[timer.period] = left
            else:
                del self._periodic[timer.period]
        else:
            self._one_shots -= 1

    # -- running ----------------------------------------------------------
    def _pop_due(self, until: int) -> Timer | None:
        heap = self._heap
        while heap and heap[0].cancelled:
            heapq.heappop(heap)
        if not heap or heap[0].when > until:
            return None
        timer = heapq.heappop(heap)
        self._forget(timer)
        timer.cancelled = True
        return timer

    def _run(self, timer: Timer) -> None:
        self.now = timer.when
        self.callbacks_run += 1
        if self.progress is not None and not self.callbacks_run % PROGRESS_EVERY:
            self.progress(self.now)
        if timer.period:
            # Re-arm the same Timer object so callers' handles keep working.
            timer.when += timer.period
            timer.seq = self._next_seq()
            timer.cancelled = False
            self._push(timer)
        timer.fn()

    def run_now(self) -> int:
        """Run everything due at the current instant (writes, watch delivery, reconciles)."""
        ran = 0
        while (timer := self._pop_due(self.now)) is not None:
            self._run(timer)
            ran += 1
            if ran > MAX_CALLBACKS_PER_INSTANT:
                raise ClockError(f"more than {MAX_CALLBACKS_PER_INSTANT} callbacks at t={self.now}ms: "
                                 "a component is looping without letting time pass")
        return ran

    def run_for(self, duration: int) -> None:
        """Advance exactly ``duration`` ms, running every callback due on the way, in order."""
        self.run_to(self.now + int(duration))

    def run_to(self, deadline: int) -> None:
        if deadline < self.now:
            raise ClockError(f"time only moves forward: asked for t={deadline}ms at t={self.now}ms")
        while (timer := self._pop_due(deadline)) is not None:
            self._run(timer)
        self.now = deadline

    def run_until(self, predicate: Callable[[], bool], timeout: int) -> bool:
        """Advance until ``predicate()`` holds (checked after each instant) or ``timeout`` ms pass."""
        deadline = self.now + int(timeout)
        self.run_now()
        while not predicate():
            nxt = self.next_time()
            if nxt is None or nxt > deadline:
                self.now = deadline
                return predicate()
            self.run_to(nxt)
        return True

    def settle(self, limit: int) -> bool:
        """Run until only periodic work is left and one full round of it changed nothing.

        Returns False when ``limit`` ms pass first. A round is the longest
        period among live periodic timers.
        """
        deadline = self.now + int(limit)
        self.run_now()
        while True:
            if self._one_shots == 0:
                round_ms = max(self._periodic, default=0)
                if round_ms == 0:
                    return True
                mark = self.changes
                end = min(self.now + round_ms, deadline)
                self.run_to(end)
                if self.changes == mark and self._one_shots == 0:
                    return True
            else:
                nxt = self.next_time()
                assert nxt is not None
                if nxt > deadline:
                    self.now = deadline
                    return False
                self.run_to(nxt)
            if self.now >= deadline:
                return False

    def next_time(self) -> int | None:
        heap = self._heap
        while heap and heap[0].cancelled:
            heapq.heappop(heap)
        return heap[0].when if heap else None

    def pending(self) -> int:
        return self._one_shots + sum(self._periodic.values())
