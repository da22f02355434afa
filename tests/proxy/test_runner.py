"""kube-proxy's sync runner: when requests for a sync (service or endpoint changes) turn into syncs."""

from __future__ import annotations

import pytest

from kspec.clock import Clock
from kspec.proxy.runner import SyncRunner

# (min interval ms, times of Run() calls, times of the syncs they cause)
CASES = [
    # pkg/proxy/runner bounded_frequency_runner_test.go Test_BoundedFrequencyRunner (its maxInterval steps
    # left out): run at once; Run at 500 and 999 wait for the 1s cooldown; a Run right after that sync
    # (1000, 1001) waits for the next one.
    (1000, [0, 500, 999, 1000, 1001], [0, 1000, 2000]),
    # once the cooldown has passed with nothing queued, a Run runs at once
    (1000, [0, 2000, 3500], [0, 2000, 3500]),
    # the current runner has no burst: a change 10ms after a sync waits out the full minSyncPeriod
    (1000, [0, 10], [0, 1000]),
    (1000, [0, 10, 20, 30, 1500, 1600, 4000], [0, 1000, 2000, 4000]),
    # a min interval of 0 (the ipvs proxier here) syncs every request at its own instant
    (0, [0, 0, 5], [0, 5]),
]


@pytest.mark.parametrize("min_ms, runs, syncs", CASES)
def test_requests_to_syncs(min_ms: int, runs: list[int], syncs: list[int]) -> None:
    clock = Clock()
    seen: list[int] = []
    runner = SyncRunner(clock, lambda: seen.append(clock.now), min_ms, "sync-runner")
    for t in runs:
        clock.call_at(t, runner.run, label="change")
    clock.run_to(max(runs) + 10 * max(min_ms, 1))
    assert sorted(set(seen)) == seen
    assert seen == syncs
