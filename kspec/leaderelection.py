"""Leader election through a coordination.k8s.io Lease, and replicated control-plane components.

``LeaderElector`` follows client-go's tools/leaderelection/leaderelection.go on the virtual clock:
``acquire`` retries ``tryAcquireOrRenew`` every retry period jittered by ``JitterFactor`` 1.2 (on the
cluster's seeded random), ``renew`` retries it every retry period and gives up once the renew deadline
has passed, and another candidate takes a Lease over only once it has seen the same record unchanged
for the lease duration (the observed record and its observedTime).

``ReplicatedComponent`` runs n replicas of kube-scheduler or kube-controller-manager
(``kube-scheduler-1`` ...): each replica has an elector, and only the leader's process runs. A process
is started fresh when its replica becomes leader (new informers, new queues, as a restarted binary
lists everything) and torn down when it stops: its timers are cancelled and its watch handlers removed,
so a stopped leader does nothing more. The default cluster has no replicas and no election at all.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kspec.errors import ApiError, StepError
from kspec.informers import Handler
from kspec.objects import Obj, clone, micro_timestamp

if TYPE_CHECKING:
    from kspec.clock import Timer
    from kspec.cluster import Cluster

#: upstream defaults (component-base/config/v1alpha1 RecommendedDefaultLeaderElectionConfiguration)
LEASE_DURATION_MS = 15_000
RENEW_DEADLINE_MS = 10_000
RETRY_PERIOD_MS = 2_000
#: leaderelection.go JitterFactor
JITTER_FACTOR = 1.2
LEASE_NAMESPACE = "kube-system"

#: step word -> (Lease name and replica prefix, event source component)
COMPONENTS = {"scheduler": "kube-scheduler", "controller manager": "kube-controller-manager"}


class LeaderElector:
    """One candidate: client-go's LeaderElector with a LeaseLock."""

    def __init__(self, cluster: Any, lease: str, identity: str, on_started: Callable[[], None],
                 on_stopped: Callable[[], None], component: str) -> None:
        self.api = cluster.api
        self.clock = cluster.clock
        self.rng: random.Random = cluster.rng
        self.events = cluster.events
        self.lease = lease
        self.identity = identity
        self.component = component
        self.on_started = on_started
        self.on_stopped = on_stopped
        self.observed: dict[str, Any] = {}  # the observed record (the Lease spec as last seen or written)
        self.observed_time = 0
        self._lease_obj: Obj | None = None  # LeaseLock's cached lease, for optimistic updates
        self._timer: Timer | None = None
        self.leading = False
        self._renew_start = 0

    # -- state ------------------------------------------------------------------------------
    def is_leader(self) -> bool:
        """IsLeader: the observed record names this candidate."""
        return self.observed.get("holderIdentity") == self.identity

    def _lease_valid(self, now: int) -> bool:
        """isLeaseValid: observedTime + the record's leaseDurationSeconds is after now."""
        return self.observed_time + int(self.observed.get("leaseDurationSeconds") or 0) * 1000 > now

    # -- loops ------------------------------------------------------------------------------
    def run(self) -> None:
        """Run: acquire now, then every jittered retry period until the Lease is ours."""
        self._acquire()

    def stop(self) -> None:
        """The process dies: no more attempts (a crash records no event and leaves the Lease as it is)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.leading = False

    def _acquire(self) -> None:
        if self.try_acquire_or_renew():
            self.leading = True
            self._record("became leader")
            self.on_started()
            self._renew_round()  # wait.Until runs its function at once
            return
        # wait.JitterUntil(..., RetryPeriod, JitterFactor, sliding=true): wait.Jitter after each attempt
        delay = RETRY_PERIOD_MS + int(self.rng.random() * JITTER_FACTOR * RETRY_PERIOD_MS)
        label = f"leader election {self.identity}"
        if self.observed_time == self.clock.now:
            # this attempt saw the holder renew: the retry is periodic work (as lease renewals are for settle)
            self._timer = self._periodic(delay, self._acquire, label)
        else:  # the record went unrenewed (or could not be read): a takeover may be due, the cluster is not settled
            self._timer = self.clock.call_later(delay, self._acquire, label=label)

    def _periodic(self, delay: int, fn: Callable[[], None], label: str) -> Timer:
        """Run ``fn`` once, ``delay`` from now, as a resync that ``settle`` does not wait for (STEPS.md: settling
        leaves "lease renewals" running)."""
        return self.clock.call_at(self.clock.now + delay, fn, label=label, resync=delay)

    def _renew_round(self) -> None:
        self._renew_start = self.clock.now
        self._renew_try()

    def _renew_try(self) -> None:
        # wait.PollImmediateUntil(RetryPeriod, tryAcquireOrRenew, ctx with RenewDeadline)
        if self.try_acquire_or_renew():
            self._timer = self._periodic(RETRY_PERIOD_MS, self._renew_round, f"leader election renew {self.identity}")
            return
        if self.clock.now + RETRY_PERIOD_MS < self._renew_start + RENEW_DEADLINE_MS:
            self._timer = self.clock.call_later(RETRY_PERIOD_MS, self._renew_try,
                                                label=f"leader election renew {self.identity}")
            return
        # the renew deadline passed: "stopped leading", then OnStoppedLeading (the binary exits)
        self._timer = self.clock.call_at(self._renew_start + RENEW_DEADLINE_MS, self._lost,
                                         label=f"leader election lost {self.identity}")

    def _lost(self) -> None:
        self._timer = None
        self.leading = False
        self._record("stopped leading")
        self.on_stopped()

    # -- tryAcquireOrRenew ------------------------------------------------------------------------
    def try_acquire_or_renew(self) -> bool:
        """tryAcquireOrRenew: the fast path for a leader, else get or create the Lease and take it over
        only when its holder is empty or its record has not changed for the lease duration."""
        now = self.clock.now
        record = {"holderIdentity": self.identity, "leaseDurationSeconds": LEASE_DURATION_MS // 1000,
                  "acquireTime": micro_timestamp(now), "renewTime": micro_timestamp(now), "leaseTransitions": 0}
        if self.is_leader() and self._lease_valid(now) and self._lease_obj is not None:
            record["acquireTime"] = self.observed.get("acquireTime")
            record["leaseTransitions"] = self.observed.get("leaseTransitions", 0)
            if self._update(record):
                return True
            # "Failed to update lock optimistically ..., falling back to slow path"
        try:
            current = self.api.try_get("leases", self.lease, LEASE_NAMESPACE)
        except ApiError:
            return False
        if current is None:
            lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                     "metadata": {"name": self.lease, "namespace": LEASE_NAMESPACE}, "spec": dict(record)}
            try:
                self._lease_obj = self.api.create(lease)
            except ApiError:
                return False
            self._observe(record)
            return True
        self._lease_obj = clone(current)
        spec = dict(current.get("spec") or {})
        if spec != self.observed:
            self._observe(spec)
        if spec.get("holderIdentity") and self._lease_valid(now) and not self.is_leader():
            return False
        if self.is_leader():
            record["acquireTime"] = spec.get("acquireTime")
            record["leaseTransitions"] = spec.get("leaseTransitions", 0)
        else:
            record["leaseTransitions"] = int(spec.get("leaseTransitions") or 0) + 1
        return self._update(record)

    def _observe(self, record: dict[str, Any]) -> None:
        """setObservedRecord: remember the record and when it was seen."""
        self.observed = dict(record)
        self.observed_time = self.clock.now

    def _update(self, record: dict[str, Any]) -> bool:
        """LeaseLock.Update: write the record over the cached Lease (a Conflict if someone wrote since)."""
        assert self._lease_obj is not None
        lease = clone(self._lease_obj)
        lease["spec"] = dict(record)
        try:
            self._lease_obj = self.api.update(lease)
        except ApiError:
            return False
        self._observe(record)
        return True

    def _record(self, what: str) -> None:
        """LeaseLock.RecordEvent: "<identity> <what>" about the Lease, reason LeaderElection."""
        subject = self._lease_obj or {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                                      "metadata": {"name": self.lease, "namespace": LEASE_NAMESPACE}}
        self.events.event(subject, "Normal", "LeaderElection", f"{self.identity} {what}", component=self.component)


# -- a process's view of the cluster: what it starts, it can tear down --------------------------------------
class _ProcessClock:
    """The cluster clock as one process sees it: every timer it arms is cancelled when it dies."""

    def __init__(self, clock: Any) -> None:
        self._clock = clock
        self._timers: list[Timer] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._clock, name)

    def _keep(self, timer: Timer) -> Timer:
        if len(self._timers) > 256:  # forget fired one-shots and cancelled timers
            now = self._clock.now
            self._timers = [t for t in self._timers if not t.cancelled and (t.period or t.when >= now)]
        self._timers.append(timer)
        return timer

    def call_at(self, when: int, fn: Callable[[], object], *, label: str = "", resync: int = 0) -> Timer:
        return self._keep(self._clock.call_at(when, fn, label=label, resync=resync))

    def call_later(self, delay: int, fn: Callable[[], object], *, label: str = "") -> Timer:
        return self._keep(self._clock.call_later(delay, fn, label=label))

    def call_soon(self, fn: Callable[[], object], *, label: str = "") -> Timer:
        return self._keep(self._clock.call_soon(fn, label=label))

    def call_every(self, period: int, fn: Callable[[], object], *, first: int | None = None,
                   label: str = "") -> Timer:
        return self._keep(self._clock.call_every(period, fn, first=first, label=label))

    def kill(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()


class _ProcessInformers:
    """The cluster's informers as one process sees them: its handlers are removed when it dies."""

    def __init__(self, informers: Any) -> None:
        self._informers = informers
        self._handlers: list[Handler] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._informers, name)

    def on(self, resource: str, *args: Any, **kwargs: Any) -> Handler:
        handler = self._informers.on(resource, *args, **kwargs)
        self._handlers.append(handler)
        return handler

    def kill(self) -> None:
        for handler in self._handlers:
            self._informers.remove(handler)
        self._handlers.clear()


#: the API calls that write: what a write recorder (``ReplicatedComponent.recorder``) is told about
WRITES = frozenset({"create", "update", "update_status", "patch", "write_status", "update_owned", "bind", "apply",
                    "delete", "remove_finalizer"})

#: a write recorder: called after each write a replica's process made, with the replica, the API method's name,
#: its arguments and its result (the explorer's "one scheduler acting per lease" invariant reads these)
Recorder = Callable[["Replica", str, tuple[Any, ...], Any], None]


class _ProcessAPI:
    """The API server as one process sees it: the same server, watched through the process's informers.
    A write of a replica's process is told to its group's recorder, when one is set (observation only)."""

    def __init__(self, api: Any, informers: _ProcessInformers, replica: Replica | None = None) -> None:
        self._api = api
        self.informers = informers
        self.replica = replica

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._api, name)
        replica = self.replica
        if replica is None or replica.owner.recorder is None or name not in WRITES:
            return attr

        def recorded(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            recorder = replica.owner.recorder
            if recorder is not None:
                recorder(replica, name, args, result)
            return result
        return recorded


class Process:
    """What a controller or the scheduler is built with in place of the cluster: the cluster, with a clock
    and informers that belong to this process."""

    def __init__(self, cluster: Cluster, replica: Replica | None = None) -> None:
        self._cluster = cluster
        self.clock = _ProcessClock(cluster.clock)
        self.api = _ProcessAPI(cluster.api, _ProcessInformers(cluster.api.informers), replica)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cluster, name)

    def kill(self) -> None:
        self.clock.kill()
        self.api.informers.kill()


# -- replicas ------------------------------------------------------------------------------------------
class Replica:
    """One kube-scheduler or kube-controller-manager binary: a name, an identity per run, an elector."""

    def __init__(self, owner: ReplicatedComponent, name: str) -> None:
        self.owner = owner
        self.name = name
        self.running = False
        self.elector: LeaderElector | None = None
        self.process: Process | None = None
        self.runs = 0

    def start(self) -> None:
        """The binary starts: a new identity "<hostname>_<uuid>" (as kube-scheduler and
        kube-controller-manager build it), then it campaigns."""
        self.running = True
        self.runs += 1
        # deterministic, and independent of the cluster's random stream
        rng = random.Random(f"{self.owner.cluster.seed}/{self.name}/{self.runs}")
        identity = f"{self.name}_{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        self.elector = LeaderElector(self.owner.cluster, self.owner.lease, identity, self._started_leading,
                                     self._stopped_leading, self.owner.lease)
        self.elector.run()

    def stop(self) -> None:
        """The binary is killed: its elector and its process stop at once."""
        self.running = False
        if self.elector is not None:
            self.elector.stop()
        self._kill_process()

    @property
    def leading(self) -> bool:
        return self.running and self.elector is not None and self.elector.leading

    def _started_leading(self) -> None:
        self.process = Process(self.owner.cluster, self)
        self.owner.run_process(self.process)

    def _stopped_leading(self) -> None:
        # OnStoppedLeading: "leaderelection lost", the binary exits and the kubelet restarts it
        self._kill_process()
        self.start()

    def _kill_process(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process = None
            self.owner.stopped_process()


class ReplicatedComponent:
    """n replicas of one control-plane component electing a leader through the Lease ``lease``."""

    def __init__(self, cluster: Cluster, word: str, count: int, start: Callable[[Process], None],
                 stop: Callable[[], None]) -> None:
        self.cluster = cluster
        self.word = word
        self.lease = COMPONENTS[word]
        self.replicas = [Replica(self, f"{self.lease}-{i}") for i in range(1, count + 1)]
        self._start = start
        self._stop = stop
        #: told of every write the replicas' processes make (None: nothing is recorded, nothing is wrapped)
        self.recorder: Recorder | None = None

    def start(self) -> None:
        for replica in self.replicas:
            replica.start()

    def run_process(self, process: Process) -> None:
        self._start(process)

    def stopped_process(self) -> None:
        self._stop()

    def replica(self, name: str) -> Replica:
        for replica in self.replicas:
            if replica.name == name:
                return replica
        raise StepError(f'there is no {self.word} "{name}": the replicas are '
                        f'{", ".join(r.name for r in self.replicas)}')

    def leader(self) -> Replica | None:
        """The running replica that believes it leads."""
        return next((r for r in self.replicas if r.leading), None)


def replicate(cluster: Cluster, word: str, count: int) -> None:
    """``Given the control plane runs {n} schedulers`` (or controller managers): before the cluster starts."""
    from kspec import plugins

    if cluster.started:
        raise StepError(f"the number of {word}s must be set before the cluster starts "
                        "(put this step before any When step)")
    if count < 1 or count > 9:
        raise StepError(f"the control plane runs 1 to 9 {word}s (got {count})")

    if word == "scheduler":
        def start(process: Process) -> None:
            name = cluster.choices["scheduler"]
            if "scheduler" not in cluster.explicit and name not in plugins.registered_names(cluster.pm, "scheduler"):
                return
            comp = plugins.make_component(cluster.pm, "scheduler", name, process)
            cluster.components["scheduler"] = comp  # the leader's scheduler (the last one stays for inspection)
            cluster._guard(comp, comp.start)
    else:
        def start(process: Process) -> None:
            controllers = plugins.collect(cluster.pm, "kspec_controllers", cluster=process)
            cluster.controllers = controllers
            for ctrl in controllers:
                cluster._guard(ctrl, ctrl.start)

    cluster.replicated[word] = ReplicatedComponent(cluster, word, count, start, lambda: None)
