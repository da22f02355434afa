"""The virtual clock: one heap of (time, sequence, callback), integer milliseconds.

Everything in a simulated cluster happens through this heap, on one thread, so
that a run is a pure function of its inputs and seed. Periodic work (probes,
heartbeats, lease renewals) is marked as such so that ``settle`` can tell a
cluster that is merely ticking from one that is still changing.

Informer deliveries and work-queue drains (``Clock.soon``) go into the same heap without a Timer: they take the
next sequence number as ``call_soon`` would, so they run in the same place of the same order, are counted as the
same one-shots and are remembered and described by the same label (tests/test_clock.py compares the two).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import heapq
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter

from kspec.errors import ClockError

Callback = Callable[[], object]

#: How many callbacks may run at one instant before the clock calls it a livelock. The whole feature
#: suite peaks below 4,000; benchmarks that build thousands of objects at t=0 raise it per clock.
MAX_CALLBACKS_PER_INSTANT = 100_000
#: How many recent callbacks and writes a livelock report looks back on.
RECENT = 400
PROGRESS_EVERY = 4096
#: A wait at least this long runs with what existed before it frozen out of the cyclic GC's way (_frozen_heap).
FREEZE_HEAP_AFTER_MS = 600_000
#: The youngest generation's collection threshold during such a wait or a bulk apply (relaxed_collector;
#: CPython's default is 700).
LONG_WAIT_GEN0_THRESHOLD = 20_000
#: How many documents make an apply a bulk one, run with relaxed_collector.
BULK_APPLY_OBJECTS = 200


#: Set by a host that froze its start-up objects for the whole run (the pytest plugin): _frozen_heap then
#: leaves the heap alone without asking ``gc.get_freeze_count``, which walks every frozen object (7 ms per
#: call under pytest, on every settle and client request: it had doubled the features' run time).
FROZEN_BY_HOST = False
#: whether a _frozen_heap is holding its freeze now (nested waits and requests ask nothing either)
_freezing = False


@contextlib.contextmanager
def _frozen_heap(wanted: bool, relax: bool = True) -> Iterator[None]:
    """Keep the objects that exist before a long wait out of the cyclic garbage collector's full passes.

    A long wait over a big cluster replaces stored objects and writes events all along, so the collector's
    oldest generation keeps filling and each of its passes walks every object of the cluster again (a
    sixth of a virtual day's CPU). CPython's ``gc.freeze`` moves what exists into a generation it never
    scans (and, after each full pass, what survived it); ``gc.unfreeze`` afterwards hands it back, so cyclic
    garbage among it is collected later as before. Only the collector's timing changes, never the run. Left
    alone when something else (the pytest plugin after collection) froze objects already: unfreezing would
    undo its freeze. ``relax`` also raises the youngest generation's threshold (relaxed_collector).
    """
    global _freezing
    if not wanted or FROZEN_BY_HOST or _freezing or not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    gc.callbacks.append(_freeze_after_full_pass)
    _freezing = True
    try:
        with relaxed_collector(relax):
            yield
    finally:
        _freezing = False
        gc.callbacks.remove(_freeze_after_full_pass)
        gc.unfreeze()


class relaxed_collector:  # noqa: N801 (used as a context manager, like contextlib's)
    """Collect the youngest GC generation every LONG_WAIT_GEN0_THRESHOLD net allocations, not CPython's 700,
    for a long wait or a bulk apply (restored after; a threshold already higher, or 0, is left alone).

    At 700 every burst of a status write (a few hundred dicts) started a pass, 280 per virtual soak hour, and
    their survivors filled generation 1, whose passes cost more still (a sixth of a virtual hour's CPU); a
    bulk apply's growing cluster was walked by full passes again and again. The simulation makes few objects
    that outlive a callback, so at 20,000 a virtual hour sees one pass and memory stays flat. Only the
    collector's timing changes, never the run. A plain class rather than a generator: every apply enters one.
    """

    __slots__ = ("wanted", "_saved")

    def __init__(self, wanted: bool) -> None:
        self.wanted = wanted
        self._saved: tuple[int, ...] | None = None

    def __enter__(self) -> None:
        if self.wanted:
            threshold = gc.get_threshold()
            if 0 < threshold[0] < LONG_WAIT_GEN0_THRESHOLD:
                self._saved = threshold
                gc.set_threshold(LONG_WAIT_GEN0_THRESHOLD, *threshold[1:])

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None


def _freeze_after_full_pass(phase: str, info: dict[str, int]) -> None:
    """What survived a full pass during a long wait joins the frozen objects: the next pass walks only what is
    newer (else each pass of a virtual day walks more of the cluster's replaced objects again)."""
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()


@dataclass(eq=False)
class Timer:
    """A scheduled callback; ``cancel()`` removes it lazily from the heap.

    The heap holds ``(when, seq, timer)`` tuples: comparing tuples of ints is several times cheaper than a
    dataclass's generated ``__lt__``, and the order (time, then scheduling sequence) is the same.
    """

    when: int
    seq: int
    fn: Callback
    period: int = 0
    label: str = ""
    cancelled: bool = False
    _clock: Clock | None = field(default=None, repr=False)
    #: a one-shot that is a controller's periodic resync (its next one is queued when it runs): ``settle``
    #: counts it as periodic work of this interval, not as work still going on
    resync: int = 0

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            if self._clock is not None:
                self._clock._forget(self)


class _Soon(tuple):
    """A one-shot callback at the instant it was scheduled (``Clock.soon``): ``(when, seq, fn, label)``, in the heap
    beside the timers' ``(when, seq, timer)`` entries and ordered with them by the same two leading keys.

    Informer deliveries and work-queue drains are most of a run's callbacks, and nothing ever cancels them: a
    Timer for each (its constructor, its attribute dict, the tuple that holds it) was most of their cost. Read
    like a timer where one is remembered (``Clock._recent``, ``Clock._current``, ``describe``).
    """

    __slots__ = ()
    when = property(itemgetter(0))
    seq = property(itemgetter(1))
    fn = property(itemgetter(2))
    label = property(itemgetter(3))
    period = 0
    cancelled = False


class Clock:
    """A deterministic discrete-event clock.

    ``changes`` is bumped by the store on every meaningful write; ``settle``
    compares it across one round of periodic work.
    """

    def __init__(self) -> None:
        self.now: int = 0
        self._heap: list[tuple[int, int, Timer] | _Soon] = []
        self._seq = 0
        self._one_shots = 0  # live, non-periodic timers
        self._periodic: dict[int, int] = {}  # period -> live periodic timers with it
        self.changes = 0
        self.callbacks_run = 0
        #: the livelock guard's bound; 0 turns it off
        self.max_callbacks_per_instant = MAX_CALLBACKS_PER_INSTANT
        self._instant = -1
        self._instant_work = 0
        self._recent: deque[Timer | _Soon] = deque(maxlen=RECENT)
        self._writes: deque[tuple[int, str, str, dict, Timer | _Soon | None]] = deque(maxlen=RECENT)
        self._current: Timer | _Soon | None = None
        #: the handler running inside the current callback (set by informers), named in livelock reports
        self.acting: Callable[..., object] | None = None
        #: display hook (kspec.progress): called with the time every PROGRESS_EVERY callbacks of a long run
        self.progress: Callable[[int], object] | None = None

    # -- scheduling -------------------------------------------------------
    def call_at(self, when: int, fn: Callback, *, label: str = "", resync: int = 0) -> Timer:
        """``resync``: the interval of a controller's resync this one-shot is (see ``Timer.resync``)."""
        if when < self.now:
            when = self.now
        when = int(when)
        self._seq = seq = self._seq + 1
        timer = Timer(when, seq, fn, 0, label, False, self)
        heapq.heappush(self._heap, (when, seq, timer))
        if resync > 0:
            timer.resync = resync
            self._periodic[resync] = self._periodic.get(resync, 0) + 1
        else:
            self._one_shots += 1
        return timer

    def call_later(self, delay: int, fn: Callback, *, label: str = "") -> Timer:
        return self.call_at(self.now + max(0, int(delay)), fn, label=label)

    def call_soon(self, fn: Callback, *, label: str = "") -> Timer:
        """Run at the current instant, after everything already due now."""
        return self.call_at(self.now, fn, label=label)

    def soon(self, fn: Callback, label: str) -> None:
        """``call_soon`` for a callback nobody cancels: the same place in the order, no Timer."""
        self._seq = seq = self._seq + 1
        heapq.heappush(self._heap, _Soon((self.now, seq, fn, label)))
        self._one_shots += 1

    def call_every(self, period: int, fn: Callback, *, first: int | None = None, label: str = "") -> Timer:
        """Periodic work: re-armed after each run until cancelled; ignored by ``settle``.

        The returned timer stays valid across re-arming, so ``cancel()`` on it
        stops the series.
        """
        if period <= 0:
            raise ValueError("period must be positive")
        when = self.now + (period if first is None else max(0, int(first)))
        self._seq = seq = self._seq + 1
        period = int(period)
        timer = Timer(when, seq, fn, period, label, False, self)
        heapq.heappush(self._heap, (when, seq, timer))
        self._periodic[period] = self._periodic.get(period, 0) + 1
        return timer

    def _forget(self, timer: Timer) -> None:
        period = timer.period or timer.resync
        if period:
            left = self._periodic[period] - 1
            if left:
                self._periodic[period] = left
            else:
                del self._periodic[period]
        else:
            self._one_shots -= 1

    # -- running ----------------------------------------------------------
    def _drop_first(self) -> None:
        """Take the heap's first entry out as if it had run, a periodic timer's series ending there (the
        livelock guard stops the run at it)."""
        entry = heapq.heappop(self._heap)
        if entry.__class__ is _Soon:
            self._one_shots -= 1
        else:
            entry[2].cancelled = True
            self._forget(entry[2])

    def _run_due(self, until: int) -> int:
        """Run every callback due by ``until``, in order (time, then scheduling sequence), in one loop: a virtual
        day runs two million callbacks, and a call to pop each and another to run it were a tenth of it.
        Cancelled timers are dropped from the heap lazily here. Returns how many ran meanwhile (a nested run's
        included)."""
        heap = self._heap
        pop, replace, remember = heapq.heappop, heapq.heapreplace, self._recent.append
        limit = self.max_callbacks_per_instant or sys.maxsize  # the livelock guard's (0: none)
        before = self.callbacks_run
        while heap:
            entry = heap[0]
            soon = entry.__class__ is _Soon  # Clock.soon's one-shot, which nobody cancels
            if not soon and entry[2].cancelled:
                pop(heap)
                continue
            when = entry[0]
            if when > until:
                break
            self.now = when
            self.callbacks_run += 1
            if when != self._instant:
                self._instant = when
                self._instant_work = work = 1
            else:
                self._instant_work = work = self._instant_work + 1
            if work > limit:
                self._drop_first()
                raise ClockError(self.livelock_report())
            if soon:
                pop(heap)
                self._one_shots -= 1
                current: Timer | _Soon = entry
                fn = entry[2]
            else:
                timer = current = entry[2]
                fn = timer.fn
                period = timer.period
                if period:
                    # Re-arm the same Timer object so callers' handles keep working (still counted in _periodic);
                    # one heapreplace instead of a pop and a push: the keys (time, sequence) are unique, so the
                    # order in which entries come out does not depend on how the heap is laid out
                    timer.when = later = when + period
                    self._seq = seq = self._seq + 1
                    timer.seq = seq
                    replace(heap, (later, seq, timer))
                else:
                    pop(heap)
                    if timer.resync:
                        self._forget(timer)
                    else:
                        self._one_shots -= 1
                    timer.cancelled = True
            remember(current)
            if self.progress is not None and not self.callbacks_run % PROGRESS_EVERY:
                self.progress(when)
            self._current, self.acting = current, None
            try:
                fn()
            finally:
                self._current = self.acting = None
        return self.callbacks_run - before

    def note_write(self, verb: str, resource: str, obj: dict) -> None:
        """Remember a committed write and who made it, for a livelock report."""
        self._writes.append((self.now, verb, resource, obj, self.acting or self._current))

    def livelock_report(self) -> str:
        """One message naming what kept producing work at this instant: callbacks and writes, most frequent first."""
        lines = [f"more than {self.max_callbacks_per_instant} callbacks ran at t={self.now / 1000:g}s without "
                 "letting virtual time pass: a component is looping (each reaction to a change causes another "
                 "change at the same instant)"]
        return "\n".join(lines + self._churn(lambda when, resource: when == self.now and resource != "events"))

    def churn_report(self, quiet: frozenset[str] = frozenset()) -> str:
        """Why a settle did not end: what was written during the last round of periodic work (but the ``quiet``
        resources, whose writes change nothing for settle), the one-shot callbacks still waiting and the
        busiest callbacks."""
        since = self.now - max(self._periodic, default=0)
        lines = self._churn(lambda when, resource: when >= since and resource not in quiet)
        waiting = Counter(describe(e if e.__class__ is _Soon else e[2]) for e in self._heap
                          if e.__class__ is _Soon or not (e[2].cancelled or e[2].period or e[2].resync))
        if waiting:
            lines.append(f"one-shot callbacks still waiting ({sum(waiting.values())}):")
            lines += [f"  {n:>5} x {what}" for what, n in sorted(waiting.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
        return "\n".join(lines)

    def _churn(self, wanted: Callable[[int, str], bool]) -> list[str]:
        """The recent writes ``wanted(time, resource)`` picks, by writer and by object, then the busiest callbacks."""
        lines = []
        writes = [(verb, resource, obj, describe(who)) for when, verb, resource, obj, who in self._writes
                  if wanted(when, resource)]
        if writes:
            lines.append(f"who keeps writing (the last {len(writes)} writes):")
            writers = Counter(f"{who}: {verb} {resource}" for verb, resource, _obj, who in writes)
            lines += [f"  {n:>5} x {what}" for what, n in writers.most_common(6)]
            lines.append("what keeps being written:")
            objects = Counter(_object(resource, obj) for _verb, resource, obj, _who in writes)
            lines += [f"  {n:>5} x {what}" for what, n in objects.most_common(4)]
            lines.append("last writes, oldest first:")
            lines += [f"  {verb} {resource} {_name(obj)}  <- {who}" for verb, resource, obj, who in writes[-6:]]
        busy = Counter(describe(t) for t in self._recent)
        lines.append(f"busiest callbacks among the last {len(self._recent)}:")
        lines += [f"  {n:>5} x {what}" for what, n in busy.most_common(5)]
        return lines

    def run_now(self) -> int:
        """Run everything due at the current instant (writes, watch delivery, reconciles).

        The livelock guard counts afresh here: each client request may cause its own burst of work.
        """
        self._instant_work = 0
        # a request that creates thousands of objects: frozen as in settle; the threshold stays (a bulk apply
        # raises it itself)
        with _frozen_heap(True, relax=False):
            return self._run_due(self.now)

    def run_for(self, duration: int) -> None:
        """Advance exactly ``duration`` ms, running every callback due on the way, in order."""
        self.run_to(self.now + int(duration))

    def run_to(self, deadline: int) -> None:
        if deadline < self.now:
            raise ClockError(f"time only moves forward: asked for t={deadline}ms at t={self.now}ms")
        with _frozen_heap(deadline - self.now >= FREEZE_HEAP_AFTER_MS):
            self._run_due(deadline)
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
        # settling a big cluster (a roll-out of thousands of pods) allocates all along: what existed before
        # stays out of the full passes (_frozen_heap; the run is the same)
        with _frozen_heap(True):
            return self._settle(deadline)

    def _settle(self, deadline: int) -> bool:
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
        while heap and heap[0].__class__ is not _Soon and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def pending(self) -> int:
        return self._one_shots + sum(self._periodic.values())


def describe(what: Timer | Callable[..., object] | None) -> str:
    """A callback in words: its label, else the function it calls (component class and method)."""
    if what is None:
        return "a client request"
    if isinstance(what, Timer | _Soon):
        if what.label:
            return what.label
        what = what.fn
    fn: object = what
    while isinstance(fn, functools.partial):
        fn = fn.func
    name = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    return name.replace(".<locals>", "").replace(".<lambda>", "")


def _name(obj: dict) -> str:
    md = obj.get("metadata") or {}
    return f"{md['namespace']}/{md.get('name', '?')}" if md.get("namespace") else str(md.get("name", "?"))


def _object(resource: str, obj: dict) -> str:
    """The object, or for an object with a controller, its owner: a loop usually creates fresh names."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            ns = (obj.get("metadata") or {}).get("namespace")
            owner = f"{ns}/{ref.get('name')}" if ns else ref.get("name")
            return f"{resource} controlled by {ref.get('kind')} {owner}"
    return f"{resource} {_name(obj)}"
