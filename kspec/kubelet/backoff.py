"""client-go's ``flowcontrol.Backoff`` (without jitter) on the virtual clock.

The kubelet keeps two: container restarts (CrashLoopBackOff, 10s doubling to
5m) and image pulls (ImagePullBackOff, same numbers), each keyed per pod.
"""

from __future__ import annotations

from dataclasses import dataclass

INITIAL_MS = 10_000  # kubelet.go initialCrashLoopBackOff / imageBackOffPeriod
MAX_MS = 300_000  # MaxCrashLoopBackOff / MaxImageBackOff


@dataclass
class _Entry:
    backoff: int
    last_update: int


class Backoff:
    """Per-key exponential back-off; an entry idle for twice the maximum starts over."""

    def __init__(self, initial_ms: int = INITIAL_MS, max_ms: int = MAX_MS) -> None:
        self.initial = initial_ms
        self.max = max_ms
        self._entries: dict[str, _Entry] = {}

    def _expired(self, event_ms: int, entry: _Entry) -> bool:
        # flowcontrol hasExpired: eventTime.Sub(lastUpdate) > 2*maxDuration
        return event_ms - entry.last_update > 2 * self.max

    def next(self, key: str, event_ms: int, now_ms: int) -> None:
        """Backoff.Next: start at the initial delay, else double up to the cap; lastUpdate is now."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_ms, entry):
            self._entries[key] = _Entry(self.initial, now_ms)
            return
        entry.backoff = min(entry.backoff * 2, self.max)
        entry.last_update = now_ms

    def get(self, key: str) -> int:
        entry = self._entries.get(key)
        return entry.backoff if entry is not None else 0

    def in_backoff_since(self, key: str, event_ms: int, now_ms: int) -> bool:
        """Backoff.IsInBackOffSince: less than the current delay has passed since ``event_ms``."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_ms, entry):
            return False
        return now_ms - event_ms < entry.backoff

    def in_backoff_since_update(self, key: str, now_ms: int) -> bool:
        """Backoff.IsInBackOffSinceUpdate: measured from the last ``next``."""
        entry = self._entries.get(key)
        if entry is None or self._expired(now_ms, entry):
            return False
        return now_ms - entry.last_update < entry.backoff

    def last_update(self, key: str) -> int:
        entry = self._entries.get(key)
        return entry.last_update if entry is not None else 0

    def forget(self, prefix: str) -> None:
        """Drop every entry of a pod (keys start with its uid)."""
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]
