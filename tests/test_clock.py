"""The virtual clock: ordering, cancellation, exact advancement, settling and livelock detection."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kspec import clock as clock_module
from kspec.clock import Clock
from kspec.errors import ClockError


def test_callbacks_run_in_time_then_sequence_order() -> None:
    c = Clock()
    seen: list[str] = []
    c.call_at(20, lambda: seen.append("b@20"))
    c.call_at(10, lambda: seen.append("a@10"))
    c.call_at(20, lambda: seen.append("c@20"))
    c.call_later(5, lambda: seen.append("d@5"))
    c.run_for(100)
    assert seen == ["d@5", "a@10", "b@20", "c@20"]


def test_call_soon_runs_after_work_already_due_now() -> None:
    c = Clock()
    seen: list[str] = []

    def first() -> None:
        seen.append("first")
        c.call_soon(lambda: seen.append("soon"))

    c.call_soon(first)
    c.call_soon(lambda: seen.append("second"))
    c.run_now()
    assert seen == ["first", "second", "soon"]
    assert c.now == 0


def test_call_at_in_the_past_runs_now() -> None:
    c = Clock()
    c.run_for(50)
    timer = c.call_at(10, lambda: None)
    assert timer.when == 50


def test_cancelled_one_shot_never_runs() -> None:
    c = Clock()
    seen: list[int] = []
    timer = c.call_later(10, lambda: seen.append(1))
    timer.cancel()
    timer.cancel()  # twice is harmless
    c.run_for(100)
    assert seen == []
    assert c.pending() == 0


def test_cancelled_periodic_stops() -> None:
    c = Clock()
    seen: list[int] = []
    timer = c.call_every(10, lambda: seen.append(c.now))
    c.run_for(35)
    timer.cancel()
    c.run_for(100)
    assert seen == [10, 20, 30]
    assert c.pending() == 0


def test_periodic_cancelled_from_inside_its_callback() -> None:
    c = Clock()
    seen: list[int] = []
    box: list = []

    def tick() -> None:
        seen.append(c.now)
        if len(seen) == 2:
            box[0].cancel()

    box.append(c.call_every(10, tick))
    c.run_for(100)
    assert seen == [10, 20]
    assert c.pending() == 0


def test_one_shot_cancelled_from_inside_its_callback_is_harmless() -> None:
    c = Clock()
    box: list = []
    box.append(c.call_later(5, lambda: box[0].cancel()))
    c.run_for(10)
    assert c.pending() == 0


def test_call_every_first_offset() -> None:
    c = Clock()
    seen: list[int] = []
    c.call_every(10, lambda: seen.append(c.now), first=0)
    c.run_for(25)
    assert seen == [0, 10, 20]


def test_call_every_rejects_non_positive_period() -> None:
    with pytest.raises(ValueError):
        Clock().call_every(0, lambda: None)


def test_run_for_ends_exactly_at_now_plus_duration() -> None:
    c = Clock()
    c.call_later(7, lambda: None)
    c.call_later(1000, lambda: None)
    c.run_for(123)
    assert c.now == 123
    c.run_for(0)
    assert c.now == 123
    c.run_for(877)
    assert c.now == 1000
    assert c.pending() == 0


def test_run_for_sees_the_callback_time_while_it_runs() -> None:
    c = Clock()
    times: list[int] = []
    c.call_later(40, lambda: times.append(c.now))
    c.run_for(100)
    assert times == [40]


def test_time_never_goes_backwards() -> None:
    c = Clock()
    c.run_for(100)
    with pytest.raises(ClockError, match="time only moves forward"):
        c.run_to(50)
    assert c.now == 100


def test_run_until_checks_the_predicate_after_each_instant() -> None:
    c = Clock()
    state = {"n": 0}
    checks: list[int] = []
    for t in (10, 20, 30):
        c.call_at(t, lambda: state.__setitem__("n", state["n"] + 1))

    def done() -> bool:
        checks.append(c.now)
        return state["n"] == 2

    assert c.run_until(done, 1000) is True
    assert c.now == 20
    assert checks == [0, 10, 20]


def test_run_until_runs_all_work_of_an_instant_before_checking() -> None:
    c = Clock()
    state: list[str] = []
    c.call_at(10, lambda: state.append("a"))
    c.call_at(10, lambda: state.append("b"))
    observed: list[list[str]] = []

    def done() -> bool:
        observed.append(list(state))
        return bool(state)

    c.run_until(done, 100)
    assert observed[-1] == ["a", "b"]


def test_run_until_timeout_leaves_the_clock_at_the_deadline() -> None:
    c = Clock()
    c.call_at(500, lambda: None)
    c.call_every(30, lambda: None)
    assert c.run_until(lambda: False, 200) is False
    assert c.now == 200


def test_run_until_with_nothing_scheduled_jumps_to_the_deadline() -> None:
    c = Clock()
    assert c.run_until(lambda: False, 250) is False
    assert c.now == 250


def test_settle_returns_when_only_quiet_periodic_work_is_left() -> None:
    c = Clock()
    ticks: list[int] = []
    c.call_every(100, lambda: ticks.append(c.now))
    c.call_later(30, lambda: None)
    assert c.settle(10_000) is True
    # the one-shot ran, then one full round (100ms) of periodic work changed nothing
    assert c.now <= 30 + 100
    assert ticks


def test_settle_with_nothing_scheduled_returns_at_once() -> None:
    c = Clock()
    assert c.settle(1000) is True
    assert c.now == 0


def test_settle_gives_up_at_the_limit_while_one_shot_work_keeps_appearing() -> None:
    c = Clock()

    def again() -> None:
        c.call_later(10, again)

    c.call_later(10, again)
    assert c.settle(1000) is False
    assert c.now == 1000


@pytest.mark.parametrize(("resync", "settles"), [(15_000, True), (0, False)])
def test_a_resync_requeued_at_each_run_is_periodic_work_for_settle(resync: int, settles: bool) -> None:
    """A controller's resync (the HPA's: each sync queues the next one) is a one-shot each time, but no more
    work in progress than a periodic timer; the same one-shot without ``resync`` keeps a settle waiting."""
    c = Clock()
    runs: list[int] = []

    def sync() -> None:
        runs.append(c.now)
        c.call_at(c.now + 15_000, sync, resync=resync)

    c.call_at(15_000, sync, resync=resync)
    assert c.settle(120_000) is settles
    # settled after one round of it; else waiting to the limit, a sync every 15 s
    assert runs == ([15_000] if settles else list(range(15_000, 120_001, 15_000)))
    assert c.pending() == 1


def test_a_cancelled_resync_is_forgotten() -> None:
    c = Clock()
    timer = c.call_at(100, lambda: None, resync=100)
    assert (c.pending(), c._one_shots) == (1, 0)
    timer.cancel()
    assert c.pending() == 0 and c.settle(1_000) is True


def test_a_change_during_the_round_prevents_settling() -> None:
    c = Clock()

    def tick() -> None:
        c.changes += 1  # periodic work that keeps changing the cluster

    c.call_every(50, tick)
    assert c.settle(1000) is False
    assert c.now == 1000


def test_settle_after_changes_stop() -> None:
    c = Clock()

    def tick() -> None:
        if c.now <= 200:
            c.changes += 1

    c.call_every(50, tick)
    assert c.settle(10_000) is True
    assert 200 < c.now <= 300


def test_livelock_at_one_instant_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock_module, "MAX_CALLBACKS_PER_INSTANT", 50)
    c = Clock()

    def loop() -> None:
        c.call_soon(loop)

    c.call_soon(loop)
    with pytest.raises(ClockError, match="without letting virtual time pass"):
        c.run_now()


def test_livelock_guard_covers_every_way_of_running_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """run_for, run_until and settle used to spin forever on a loop at one instant."""
    monkeypatch.setattr(clock_module, "MAX_CALLBACKS_PER_INSTANT", 50)
    for run in (lambda c: c.run_for(1000), lambda c: c.run_until(lambda: False, 1000), lambda c: c.settle(1000)):
        c = Clock()

        def loop(c: Clock = c) -> None:
            c.call_soon(lambda: loop(c), label="looper")

        c.call_later(10, loop)
        with pytest.raises(ClockError, match="at t=0.01s without letting virtual time pass"):
            run(c)


def test_livelock_report_names_the_writers_and_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock_module, "MAX_CALLBACKS_PER_INSTANT", 40)
    c = Clock()
    pod = {"metadata": {"namespace": "default", "name": "p", "ownerReferences": [
        {"kind": "DaemonSet", "name": "agent", "controller": True}]}}

    class Flipper:
        def react(self) -> None:
            c.note_write("MODIFIED", "configmaps", {"metadata": {"namespace": "default", "name": "flip"}})
            c.note_write("ADDED", "pods", pod)
            c.call_soon(self.react)

    c.call_soon(Flipper().react)
    with pytest.raises(ClockError) as info:
        c.run_now()
    report = str(info.value)
    assert "Flipper.react: MODIFIED configmaps" in report
    assert "configmaps default/flip" in report
    assert "pods controlled by DaemonSet default/agent" in report
    assert "MODIFIED configmaps default/flip  <- test_livelock_report_names_the_writers_and_objects.Flipper.react" \
        in report


def test_livelock_guard_leaves_busy_but_finite_instants_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock_module, "MAX_CALLBACKS_PER_INSTANT", 50)
    c = Clock()
    for when in range(10):  # 40 callbacks at each of ten instants: 400 in all, never 50 at one
        for _ in range(40):
            c.call_at(when, lambda: None)
    c.run_for(100)
    assert c.callbacks_run == 400


def test_next_time_skips_cancelled_timers() -> None:
    c = Clock()
    c.call_at(5, lambda: None).cancel()
    c.call_at(9, lambda: None)
    assert c.next_time() == 9


# -- property: any schedule runs in time order, FIFO within an instant, never a cancelled callback --
_ops = st.lists(
    st.one_of(
        st.tuples(st.just("at"), st.integers(0, 200)),
        st.tuples(st.just("later"), st.integers(0, 200)),
        st.tuples(st.just("cancel"), st.integers(0, 1000)),
        st.tuples(st.just("advance"), st.integers(0, 60)),
    ),
    max_size=60,
)


def _record(ran: list[tuple[int, int, int]], c: Clock, due: int, idx: int) -> None:
    ran.append((c.now, due, idx))


@settings(max_examples=150, deadline=None)
@given(_ops)
def test_random_schedules_run_in_order(ops: list[tuple[str, int]]) -> None:
    c = Clock()
    timers = []
    ran: list[tuple[int, int, int]] = []  # (time it ran, when it was due, creation index)
    cancelled: set[int] = set()
    for op, arg in ops:
        if op == "cancel":
            if timers:
                idx = arg % len(timers)
                timers[idx][1].cancel()
                if idx not in {i for _t, _d, i in ran}:
                    cancelled.add(idx)  # cancelled before it ran: it must never run
            continue
        if op == "advance":
            c.run_for(arg)
            continue
        idx = len(timers)
        due = max(arg, c.now) if op == "at" else c.now + arg
        fn = functools.partial(_record, ran, c, due, idx)
        timer = c.call_at(arg, fn) if op == "at" else c.call_later(arg, fn)
        timers.append((idx, timer))
    c.run_for(10_000)
    times = [t for t, _d, _i in ran]
    assert times == sorted(times)
    assert all(t == d for t, d, _i in ran)
    for a, b in zip(ran, ran[1:], strict=False):
        if a[0] == b[0]:
            assert a[2] < b[2], "callbacks due at one instant run in the order they were scheduled"
    ran_ids = [i for _t, _d, i in ran]
    assert not cancelled & set(ran_ids)
    assert len(set(ran_ids)) == len(ran_ids), "a one-shot runs at most once"
    assert set(ran_ids) | cancelled == set(range(len(timers))), "every live timer ran"


def test_each_request_at_one_instant_gets_its_own_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many client requests at t=0, each with a finite burst of work, are no livelock."""
    monkeypatch.setattr(clock_module, "MAX_CALLBACKS_PER_INSTANT", 50)
    c = Clock()
    for _ in range(10):
        for _ in range(40):
            c.call_soon(lambda: None)
        c.run_now()
    assert c.callbacks_run == 400 and c.now == 0


@pytest.fixture
def unfrozen_heap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No object frozen while the test runs (under pytest the plugin froze its start-up: undone, then redone)."""
    import gc

    monkeypatch.setattr("kspec.clock.FROZEN_BY_HOST", False)
    was_frozen = gc.get_freeze_count()
    gc.unfreeze()
    try:
        yield
    finally:
        if was_frozen:
            gc.freeze()


def test_a_long_wait_runs_with_what_existed_before_it_frozen_out_of_the_collectors_way(
        unfrozen_heap: None) -> None:
    """A virtual day's waits leave the objects made before them to gc.freeze (a sixth of the soak's CPU went
    to full collections walking them); short waits and waits inside a frozen process are left alone."""
    import gc

    from kspec.clock import FREEZE_HEAP_AFTER_MS, LONG_WAIT_GEN0_THRESHOLD

    clock = Clock()
    seen: list[int] = []
    thresholds: set[int] = set()
    before = gc.get_threshold()
    clock.call_every(1_000, lambda: seen.append(gc.get_freeze_count()))
    clock.call_every(1_000, lambda: thresholds.add(gc.get_threshold()[0]))
    clock.run_for(FREEZE_HEAP_AFTER_MS)
    assert seen and all(n > 0 for n in seen)
    assert gc.get_freeze_count() == 0  # handed back afterwards
    # the youngest generation is collected less often during the wait, as before it afterwards
    assert thresholds == {max(before[0], LONG_WAIT_GEN0_THRESHOLD)} and gc.get_threshold() == before
    assert not [cb for cb in gc.callbacks if getattr(cb, "__module__", "") == "kspec.clock"]
    seen.clear()
    clock.run_for(10_000)
    assert seen == [0] * 10
    gc.freeze()  # someone else froze: left as it is
    frozen = gc.get_freeze_count()
    clock.run_for(FREEZE_HEAP_AFTER_MS)
    assert gc.get_freeze_count() > frozen // 2  # not unfrozen (objects freed by refcount leave it)
    gc.unfreeze()


def test_a_bulk_apply_collects_the_youngest_generation_less_often() -> None:
    """Applying thousands of objects grows the cluster a pass of CPython's collector at every 700 allocations
    would walk again and again (a tenth of the soak's set-up): a bulk apply runs with the wait's threshold."""
    import gc

    from kspec.clock import BULK_APPLY_OBJECTS, LONG_WAIT_GEN0_THRESHOLD
    from kspec.cluster import Cluster

    before = gc.get_threshold()
    c = Cluster(nodes=1, seed=1)
    c.start()
    seen: list[int] = []
    c.api.informers.on("configmaps", on_add=lambda _obj: seen.append(gc.get_threshold()[0]))

    def cms(n: int, first: int) -> list[dict]:
        return [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm-{first + i}"}}
                for i in range(n)]
    c.apply(cms(2, 0))
    assert set(seen) == {before[0]} and gc.get_threshold() == before  # a small apply: as it was
    seen.clear()
    c.apply(cms(BULK_APPLY_OBJECTS, 2))
    assert set(seen) == {max(before[0], LONG_WAIT_GEN0_THRESHOLD)} and gc.get_threshold() == before


def test_the_relaxed_collector_restores_the_threshold_on_an_error_and_leaves_a_higher_one_alone() -> None:
    import gc

    from kspec.clock import LONG_WAIT_GEN0_THRESHOLD, relaxed_collector

    before = gc.get_threshold()
    try:
        with pytest.raises(ZeroDivisionError), relaxed_collector(True):
            assert gc.get_threshold()[0] == LONG_WAIT_GEN0_THRESHOLD
            1 / 0  # noqa: B018
        assert gc.get_threshold() == before
        gc.set_threshold(LONG_WAIT_GEN0_THRESHOLD * 2, *before[1:])
        with relaxed_collector(True):
            assert gc.get_threshold()[0] == LONG_WAIT_GEN0_THRESHOLD * 2
        with relaxed_collector(False):
            assert gc.get_threshold()[0] == LONG_WAIT_GEN0_THRESHOLD * 2
    finally:
        gc.set_threshold(*before)


def test_settle_and_run_now_run_with_what_existed_before_frozen(unfrozen_heap: None) -> None:
    """Settling a big roll-out (and the burst of work one request causes) allocates all along: full
    collections walking the whole cluster were a seventh of workloads_rollout's CPU at 400 Deployments."""
    import gc

    clock = Clock()
    seen: list[int] = []
    clock.call_soon(lambda: seen.append(gc.get_freeze_count()))
    clock.run_now()
    clock.call_later(5_000, lambda: seen.append(gc.get_freeze_count()))
    assert clock.settle(60_000)
    assert len(seen) == 2 and all(n > 0 for n in seen)
    assert gc.get_freeze_count() == 0  # handed back afterwards


def test_a_host_that_froze_its_start_up_is_not_asked_to_count_its_frozen_objects(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """gc.get_freeze_count walks every frozen object (milliseconds under pytest): asked on every settle and
    request it had doubled the features' run time; the pytest plugin's freeze is known without asking."""
    import gc

    def walked() -> int:
        raise AssertionError("gc.get_freeze_count asked")

    monkeypatch.setattr("kspec.clock.FROZEN_BY_HOST", True)
    monkeypatch.setattr(gc, "get_freeze_count", walked)
    clock = Clock()
    ran: list[int] = []
    clock.call_soon(lambda: ran.append(clock.now))
    clock.run_now()
    clock.call_later(5_000, lambda: ran.append(clock.now))
    assert clock.settle(60_000) and ran == [0, 5_000]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["soon", "call_soon", "call_at", "every", "cancel"]), st.integers(0, 30)),
                min_size=1, max_size=40))
def test_soon_takes_call_soons_place_in_the_order(ops: list[tuple[str, int]]) -> None:
    """``Clock.soon`` (no Timer) runs where ``call_soon`` would have, counted and described the same way."""
    def run(fast: bool) -> tuple[list[object], ...]:
        c = Clock()
        seen: list[object] = []
        timers = []

        def make(i: int, op: str, arg: int) -> None:
            def fn() -> None:
                seen.append((c.now, i))
                if i % 3 == 0 and arg:  # some callbacks schedule more at their instant
                    schedule(i + 1000, "soon", 0)
            return fn

        def schedule(i: int, op: str, arg: int) -> None:
            fn = make(i, op, arg)
            if op == "soon":
                if fast:
                    c.soon(fn, f"s{i}")
                else:
                    c.call_soon(fn, label=f"s{i}")
            elif op == "call_soon":
                timers.append(c.call_soon(fn, label=f"c{i}"))
            elif op == "call_at":
                timers.append(c.call_at(arg, fn, label=f"a{i}"))
            elif op == "every":
                timers.append(c.call_every(arg + 1, fn, label=f"e{i}"))
            elif timers:
                timers[arg % len(timers)].cancel()

        for i, (op, arg) in enumerate(ops):
            schedule(i, op, arg)
            if i % 7 == 6:
                c.run_for(arg)
        c.run_for(40)
        return (seen, [clock_module.describe(t) for t in c._recent], [c._seq, c.pending(), c.next_time(),
                                                                        len(c._heap), c.callbacks_run])

    assert run(True) == run(False)


def test_soon_callbacks_are_named_in_a_livelock_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock_module, "MAX_CALLBACKS_PER_INSTANT", 50)
    c = Clock()

    def loop() -> None:
        c.soon(loop, "looping queue")

    c.soon(loop, "looping queue")
    with pytest.raises(ClockError, match="looping queue"):
        c.run_now()
    assert c.pending() == 0
