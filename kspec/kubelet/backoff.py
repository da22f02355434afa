"""client-go's ``flowcontrol.Backoff`` (without jitter) on the virtual clock.

The kubelet keeps two: container restarts (CrashLoopBackOff, 10s doubling to
5m), keyed by getStableKey (pod and container, with the container's hash), and
image pulls (ImagePullBackOff, same numbers), keyed by pod uid and image.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

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

    def reset(self, key: str) -> None:
        """Backoff.Reset: the key starts over."""
        self._entries.pop(key, None)

    def forget(self, uid: str) -> None:
        """Drop every entry of a pod: the keys whose ``_``-separated fields include its uid."""
        for key in [k for k in self._entries if uid in k.split("_")]:
            del self._entries[key]


def hash_container(container: dict[str, Any]) -> str:
    """kubecontainer.HashContainer, in hex: FNV-32a over the JSON of the fields that may change on a running
    pod (pickFieldsToHash: name and image). Stands in for upstream's value; only equality matters."""
    data = json.dumps({"image": container.get("image", ""), "name": container.get("name", "")},
                      separators=(",", ":"), sort_keys=True).encode()
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return format(h, "x")


def stable_key(pod: dict[str, Any], container: dict[str, Any]) -> str:
    """getStableKey: pod name, namespace, uid, container name and hash, so a changed container (a new image)
    starts with no back-off."""
    md = pod["metadata"]
    return (f"{md['name']}_{md.get('namespace', 'default')}_{md['uid']}_{container['name']}_"
            f"{hash_container(container)}")
