"""Progress of long virtual waits, for the person at the terminal.

A wait of days of virtual time on a big cluster can take a while of real time;
after a few seconds kspec says how far it got, at most every few seconds:
``kspec: waiting 24h0m0s of virtual time: 3h12m0s done after 5.0s``. Wall time
is read here only to pace these lines; the simulation never sees it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from kspec.durations import format_duration

if TYPE_CHECKING:
    from kspec.clock import Clock

FIRST_AFTER_S = 5.0  # say nothing about waits shorter than this
EVERY_S = 5.0  # then at most one line per this many seconds


def wall_clock() -> float:
    """Seconds of real time, for pacing the progress lines only."""
    return time.monotonic()


class WaitProgress:
    """The clock's progress hook for one wait: prints a line when enough wall time passed since the last."""

    def __init__(self, total_ms: int, start_ms: int, stream: TextIO | None = None,
                 wall: Callable[[], float] | None = None) -> None:
        self.total_ms = total_ms
        self.start_ms = start_ms
        self.stream = stream
        self.wall = wall or wall_clock
        self.t0 = self.wall()
        self.next_at = FIRST_AFTER_S
        self.lines = 0

    def __call__(self, now_ms: int) -> None:
        elapsed = self.wall() - self.t0
        if elapsed < self.next_at:
            return
        self.next_at = elapsed + EVERY_S
        self.lines += 1
        stream = self.stream or sys.__stderr__ or sys.stderr  # past pytest's capture: shown while it runs
        stream.write(f"kspec: waiting {format_duration(self.total_ms)} of virtual time: "
                     f"{format_duration(now_ms - self.start_ms)} done after {elapsed:.1f}s\n")
        stream.flush()


@contextmanager
def waiting(clock: Clock, total_ms: int) -> Iterator[WaitProgress]:
    """Report progress while ``clock`` runs through ``total_ms`` of virtual time (nested waits keep the outer)."""
    if clock.progress is not None:
        yield clock.progress  # type: ignore[misc]
        return
    progress = WaitProgress(total_ms, clock.now)
    clock.progress = progress
    try:
        yield progress
    finally:
        clock.progress = None
