"""kubernetes client-go util/flowcontrol/backoff_test.go against kspec.kubelet.backoff (the kubelet's back-off).

Upstream's fake clock is the ``now`` kspec's Backoff takes; every test steps it by one-second ``step``s.
"""

from __future__ import annotations

import pytest

from kspec.kubelet.backoff import Backoff
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes staging/src/k8s.io/client-go/util/flowcontrol/backoff_test.go"
STEP = 1000

CASES = [
    case("TestSlowBackoff", "doubles to the cap, Reset clears", kind="slow", max_steps=50,
         waits=[0, 1, 2, 4, 8, 16, 32, 50, 50, 50]),
    case("TestBackoffReset", "idle for twice the cap", kind="reset", max_steps=5),
    case("TestBackoffHighWaterMark", "stays at the cap", kind="high", max_steps=5),
    case("TestBackoffGC", "GC drops entries idle for twice the cap", kind="gc", max_steps=5,
         unmodelled="Backoff.GC: kspec never collects entries, an expired one simply starts over"),
    case("TestIsInBackOffSinceUpdate", "ticks", kind="since", max_steps=10, rows=[
        (0, False, 0), (1, False, 1), (2, True, 2), (3, False, 2), (4, True, 4), (5, True, 4), (6, True, 4),
        (7, False, 4), (8, True, 8), (9, True, 8), (10, True, 8), (11, True, 8), (12, True, 8), (13, True, 8),
        (14, True, 8), (15, False, 8), *((t, True, 10) for t in range(16, 25)), (25, False, 10),
        *((t, True, 10) for t in range(26, 35)), (35, False, 10), (56, False, 0), (57, False, 1)]),
    case("TestBackoffWithJitter", "jittered delays", kind="jitter", max_steps=60,
         unmodelled="jitter (NewFakeBackOffWithJitter): kspec's back-off is deterministic, without jitter"),
]


@pytest.mark.parametrize("data", CASES)
def test_backoff(data: dict) -> None:
    b = Backoff(STEP, data["max_steps"] * STEP)
    cap, key, now = data["max_steps"] * STEP, "_id", 1_000_000
    if data["kind"] == "slow":
        for wait in data["waits"]:
            now += STEP
            assert b.get(key) == wait * STEP
            b.next(key, now, now)
        b.next(key, now, now)
        b.reset(key)
        assert b.get(key) == 0
        return
    if data["kind"] == "since":
        start = now
        for tick, in_backoff, value in data["rows"]:
            now = start + tick * STEP
            assert b.in_backoff_since_update(key, now) is in_backoff, tick
            if in_backoff:
                assert b.get(key) == value * STEP, tick
            else:
                b.next(key, now, now)
        return
    if data["kind"] in ("gc", "jitter"):
        getattr(b, data["kind"])  # Backoff.GC / a jittered Backoff: kspec has neither
    for _ in range(data["max_steps"] + 1):  # get to backoff = maxDuration
        now += STEP
        b.next(key, now, now)
    if data["kind"] == "reset":
        assert b.in_backoff_since(key, now, now)
        last_update = now
        now += 2 * cap + STEP
        assert not b.in_backoff_since(key, last_update, now)
    else:  # high: the high watermark holds until 2*maxDuration
        now += cap + STEP
        b.next(key, now, now)
        assert b.get(key) == cap
