"""BoundedFrequencyRunner on the virtual clock (pkg/proxy/runner/bounded_frequency_runner.go).

``run()`` asks for a sync; it happens at the current instant unless the last
sync was less than ``min_interval`` ago, in which case it happens once that
interval has passed, and requests in between are coalesced into it. This is
the runner's Loop: after each run it waits ``minInterval`` before taking the
next request. The proxiers build it with ``runner.NewBoundedFrequencyRunner(
"sync-runner", proxier.syncProxyRules, minSyncPeriod, syncPeriod,
proxyutil.FullSyncPeriod)``; it has no burst (the older pkg/util/async runner
took ``burstSyncs = 2`` as a token bucket; the current one does not). Its
FullSyncPeriod runs are not modelled (a full resync writes the same rules);
the one sync that can fail, an iptables partial restore, schedules its own
retry after syncPeriod (RetryAfter).
"""

from __future__ import annotations

from collections.abc import Callable

from kspec.clock import Clock, Timer


class SyncRunner:
    def __init__(self, clock: Clock, fn: Callable[[], None], min_interval_ms: int, label: str) -> None:
        self.clock = clock
        self.fn = fn
        self.min_interval_ms = min_interval_ms
        self.label = label
        self.last_run: int | None = None
        self._timer: Timer | None = None

    def run(self) -> None:
        if self._timer is not None and not self._timer.cancelled:
            return  # already due: this request is coalesced into it
        due = self.clock.now if self.last_run is None else max(self.clock.now, self.last_run + self.min_interval_ms)
        self._timer = self.clock.call_at(due, self._fire, label=self.label)

    def run_now(self) -> None:
        """A sync outside the rate limit (startup: OnServiceSynced calls syncProxyRules directly)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._fire()

    def mark_run(self) -> None:
        """Count a run as made now without making it (the rate limit starts from here)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.last_run = self.clock.now

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        self._timer = None
        self.last_run = self.clock.now
        self.fn()
