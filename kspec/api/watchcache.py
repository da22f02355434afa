"""kube-apiserver's watch cache above etcd: which reads need etcd now, and what a client gets without it.

Upstream (``storage/cacher/delegator.go``, ConsistentListFromCache on by default since v1.31):

- a list without ``resourceVersion`` is a *consistent* list: the cacher first asks etcd for the current
  revision (``GetCurrentResourceVersionFromStorage``, a linearizable Range), then serves the list from
  the cache; a get without ``resourceVersion`` goes straight to etcd. Without a quorum the Range fails
  (``etcdserver: request timed out`` after etcd's 7 s ReadIndex wait); the etcd client retries it
  (Range is safe to retry on codes.Unavailable, clientv3's retry interceptor) until the request's
  deadline, kube-apiserver's ``--request-timeout`` of 60 s, where the timeout filter answers 504
  ``Timeout: request did not complete within the allotted timeout`` (``WithTimeoutForNonLongRunningRequests``);
- a get or list with ``resourceVersion=0`` is served from the cache without asking etcd, as long as the
  cache is ready.

The cacher watches etcd with ``clientv3.WithRequireLeader`` (``storage/etcd3``): once the member it talks to
has had no leader for 3 election timeouts (etcd's ``monitorLeader``, ``maxNoLeaderCnt``), etcd cancels the
watch, the cacher re-initializes, and until its re-list (a quorum read) succeeds it is not ready: a list
from the cache gets 429 ``storage is (re)initializing``, a get is sent to etcd
(ResilientWatchCacheInitialization). Clients' informers keep their caches meanwhile and, once the cache is
back, re-list and see only what changed (an unchanged object is a sync, not an update), which is what
kspec's in-process watch delivers anyway: the components' informers stay as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.errors import ApiError
from kspec.labels import Selector

if TYPE_CHECKING:
    from kspec.api.server import APIServer
    from kspec.clock import Timer
    from kspec.objects import Obj

#: etcd's --election-timeout: monitorLeader checks the member's leader once per election timeout
ELECTION_TIMEOUT_MS = 1000
#: monitorLeader's maxNoLeaderCnt: watch streams that require a leader are cancelled after this many checks
MAX_NO_LEADER_CHECKS = 3
#: kube-apiserver's --request-timeout default (1m0s): the deadline of a request that sets no ?timeout=
REQUEST_TIMEOUT_MS = 60_000
#: apierrors.NewTimeoutError("request did not complete within the allotted timeout", 0), 504
TIMEOUT_MESSAGE = "Timeout: request did not complete within the allotted timeout"
#: the cacher while it re-initializes (429, retryAfterSeconds 1)
REINITIALIZING_MESSAGE = "storage is (re)initializing"


class WatchCache:
    """The cacher's readiness and the read paths a client's request takes through it."""

    def __init__(self, api: APIServer) -> None:
        self.api = api
        #: False from etcd cancelling the cacher's watch until its re-list succeeds
        self.ready = True
        #: how often the cacher's watch was cancelled (for tests and the failure report)
        self.reinitializations = 0
        self._no_leader_checks = 0
        self._timer: Timer | None = None

    def start(self) -> None:
        """Follow etcd's leader once per election timeout, as monitorLeader does (only above an etcd model)."""
        if self._timer is None and hasattr(self.api.store, "leader_views"):
            self._timer = self.api.clock.call_every(ELECTION_TIMEOUT_MS, self._monitor,
                                                    label="kube-apiserver watch cache")

    def _monitor(self) -> None:
        store: Any = self.api.store
        if not hasattr(store, "leader_views"):
            return
        # the etcd client moves the cacher's watch stream to a member that answers, so it survives while some
        # answering member still names a leader
        if any(lead is not None for lead in store.leader_views().values()):
            self._no_leader_checks = 0
        else:
            self._no_leader_checks += 1
        if self.ready and self._no_leader_checks >= MAX_NO_LEADER_CHECKS:
            self.ready = False  # etcd cancelled the watch: "etcdserver: no leader"; the cacher re-initializes
            self.reinitializations += 1
        elif not self.ready and self._read_error() is None:
            self.ready = True  # the reflector's re-list (a quorum read) went through

    def _read_error(self) -> str | None:
        read_error = getattr(self.api.store, "read_error", None)
        return read_error() if read_error is not None else None

    def quorum_read(self) -> None:
        """A linearizable Range as the etcd client makes it for a request: retried until it is served, or
        ApiError when it cannot be.

        A spec's own request (the store holds requests, no callback runs) waits on the virtual clock until
        a quorum answers, at most the request's 60 s deadline, then gets the timeout filter's 504. A
        component's request cannot move the clock: it gets the first attempt's etcd error at once.
        """
        error = self._read_error()
        if error is None:
            return
        store: Any = self.api.store
        clock = self.api.clock
        if not getattr(store, "hold_requests", False) or clock._current is not None:
            raise ApiError(500, "", error)  # ErrorToAPIStatus: the etcd error's text, no reason
        if not clock.run_until(lambda: self._read_error() is None, REQUEST_TIMEOUT_MS):
            raise ApiError(504, "Timeout", TIMEOUT_MESSAGE)

    # -- reads as a client sends them ------------------------------------------------------------
    def get(self, resource: str, name: str, namespace: str = "default", resource_version: str = "") -> Obj:
        """GET: ``""`` from etcd (a quorum read), ``"0"`` from the cache, or from etcd while it re-initializes."""
        _check_resource_version(resource_version)
        if resource_version == "" or not self.ready:
            self.quorum_read()
        return self.api.get(resource, name, namespace)

    def list(self, resource: str, namespace: str | None = None, selector: str | Selector | None = None,
             resource_version: str = "") -> list[Obj]:
        """LIST: ``""`` is a consistent list (etcd's current revision, then the cache), ``"0"`` the cache as is."""
        _check_resource_version(resource_version)
        if resource_version == "":
            self.quorum_read()
        elif not self.ready:
            raise ApiError(429, "TooManyRequests", REINITIALIZING_MESSAGE)
        return self.api.list(resource, namespace, selector)


def _check_resource_version(resource_version: str) -> None:
    if resource_version not in ("", "0"):
        raise ApiError(400, "BadRequest", f'resourceVersion "{resource_version}": kspec serves reads at "" '
                       '(consistent) or "0" (from the watch cache) only')
