"""The kubelet's node Lease renewal when the API cannot commit: upstream's retry and back-off, on the virtual clock.

component-helpers ``apimachinery/lease`` (the controller the kubelet runs for ``kube-node-lease``): every renew
interval ``sync`` tries ``retryUpdateLease`` (``maxUpdateRetries`` = 5 updates in a row); if all fail it falls
back to ``backoffEnsureLease``, a loop of GETs with a sleep that doubles from 200 ms up to ``maxBackoff``
(7 s) until one answers, then 5 more updates; only then does ``sync`` return and the next one come a renew
interval later. ``sync`` blocks while it loops, so no other renewal starts meanwhile.

A failed request takes time before its error comes back: an update is held by etcd up to its request timeout
(7 s) before kube-apiserver answers; a GET is a quorum read the etcd client retries until the kubelet's
heartbeat client gives up (its timeout is ``nodeStatusUpdateFrequency``, 10 s). A write from a clock callback
answers at once in kspec, so the next attempt is scheduled when the failed one would have answered. With a
store that never fails nothing here runs: the renewal is the one write per renew interval it always was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kspec.errors import ApiError
from kspec.etcd.client import REQUEST_TIMEOUT_MS

if TYPE_CHECKING:
    from kspec.clock import Timer
    from kspec.kubelet.kubelet import Kubelet

#: maxUpdateRetries: updates tried in a row before falling back to ensuring the Lease exists
MAX_UPDATE_RETRIES = 5
#: backoffEnsureLease: the sleep starts at 100 ms and doubles before each wait, so the first wait is 200 ms
FIRST_SLEEP_MS = 100
#: maxBackoff
MAX_BACKOFF_MS = 7_000
#: the kubelet's heartbeat client timeout: nodeStatusUpdateFrequency (10 s), at most the lease duration
HEARTBEAT_TIMEOUT_MS = 10_000
#: how long a refused update took to come back: etcd's request timeout (7 s)
UPDATE_TIMEOUT_MS = REQUEST_TIMEOUT_MS


class NodeLease:
    """One kubelet's Lease renewal loop; ``log`` keeps (time ms, "update"/"get", ok) for every attempt that failed
    and the one that ended a run of failures."""

    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.clock = kubelet.clock
        self.log: list[tuple[int, str, bool]] = []
        self._timer: Timer | None = None

    @property
    def retrying(self) -> bool:
        """A sync is looping through failed requests (upstream's sync has not returned)."""
        return self._timer is not None

    def sync(self) -> None:
        """controller.sync, at each renew interval: nothing new starts while a previous sync still retries."""
        if self._timer is None:
            self._update(0, after_ensure=False)

    def stop(self) -> None:
        """The kubelet lost the API or its node: the loop ends (a new sync starts when it is back)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _later(self, delay_ms: int, fn: Callable[[], None]) -> None:
        self._timer = self.clock.call_later(delay_ms, fn, label=f"kubelet {self.kubelet.node_name} lease retry")

    def _update(self, attempt: int, *, after_ensure: bool) -> None:
        """retryUpdateLease: attempt ``attempt`` (0-based) of ``maxUpdateRetries``."""
        self._timer = None
        try:
            self.kubelet.write_lease()
        except ApiError as exc:
            self.log.append((self.clock.now, "update", False))
            if exc.code == 409:  # an optimistic-lock error: read the newer Lease, then go on updating
                self._ensure(FIRST_SLEEP_MS, then_attempt=attempt + 1, after_ensure=after_ensure)
                return
            self._later(_took(exc, UPDATE_TIMEOUT_MS), lambda: self._next(attempt + 1, after_ensure))
            return
        if self.log and self.log[-1][1:] != ("update", True):
            self.log.append((self.clock.now, "update", True))  # the renewal that ends a run of failures

    def _next(self, attempt: int, after_ensure: bool) -> None:
        """The update loop goes on, or, its attempts used up, sync falls back to ensuring the Lease (once)."""
        self._timer = None
        if attempt < MAX_UPDATE_RETRIES:
            self._update(attempt, after_ensure=after_ensure)
        elif not after_ensure:
            # "failed to update lease using latest lease, fallback to ensure lease"
            self._ensure(FIRST_SLEEP_MS, then_attempt=0, after_ensure=True)
        # else "failed 5 attempts to update lease, will retry after 10s": this sync returns

    def _ensure(self, sleep_ms: int, *, then_attempt: int, after_ensure: bool) -> None:
        """backoffEnsureLease: GET the Lease (a quorum read) until it answers, sleeping longer after each failure."""
        self._timer = None
        try:
            self.kubelet.api.watch_cache.quorum_read()  # leaseClient.Get without resourceVersion
        except ApiError as exc:
            self.log.append((self.clock.now, "get", False))
            sleep_ms = min(2 * sleep_ms, MAX_BACKOFF_MS)
            self._later(_took(exc, HEARTBEAT_TIMEOUT_MS) + sleep_ms,
                        lambda: self._ensure(sleep_ms, then_attempt=then_attempt, after_ensure=after_ensure))
            return
        self.log.append((self.clock.now, "get", True))
        self._next(then_attempt, after_ensure)


def _took(exc: ApiError, timeout_ms: int) -> int:
    """How long a refused request took: a storage outage (5xx) answers at its timeout, anything else at once."""
    return timeout_ms if exc.code >= 500 else 0
