"""client-go's leader election on the virtual clock (kspec/leaderelection.py)."""

from __future__ import annotations

from kspec import Cluster
from kspec.leaderelection import (
    LEASE_DURATION_MS,
    RENEW_DEADLINE_MS,
    RETRY_PERIOD_MS,
    LeaderElector,
    Process,
)


class Candidate:
    def __init__(self, cluster: Cluster, identity: str) -> None:
        self.started: list[int] = []
        self.stopped: list[int] = []
        self.elector = LeaderElector(cluster, "test-lease", identity, lambda: self.started.append(cluster.now_ms),
                                     lambda: self.stopped.append(cluster.now_ms), "test")


def cluster() -> Cluster:
    c = Cluster(nodes=0, seed=3)
    c.start()
    return c


def lease(c: Cluster) -> dict:
    return c.get("lease", "test-lease", "kube-system")["spec"]


def test_the_first_candidate_creates_the_lease_and_leads() -> None:
    c = cluster()
    a = Candidate(c, "a_1")
    a.elector.run()
    spec = lease(c)
    assert spec["holderIdentity"] == "a_1"
    assert spec["leaseDurationSeconds"] == 15
    assert spec["leaseTransitions"] == 0
    assert a.elector.leading and a.started == [0]
    messages = [e.message for e in c.event_log if e.reason == "LeaderElection"]
    assert messages == ["a_1 became leader"]


def test_the_leader_renews_every_retry_period_and_keeps_its_acquire_time() -> None:
    c = cluster()
    a = Candidate(c, "a_1")
    a.elector.run()
    acquired = lease(c)["acquireTime"]
    c.run_for(RETRY_PERIOD_MS * 3 + 1)
    spec = lease(c)
    assert spec["acquireTime"] == acquired
    assert spec["renewTime"] == "2025-01-01T00:00:06.000000Z"


def test_a_follower_waits_while_the_lease_is_renewed() -> None:
    c = cluster()
    a, b = Candidate(c, "a_1"), Candidate(c, "b_1")
    a.elector.run()
    b.elector.run()
    c.run_for(120_000)
    assert lease(c)["holderIdentity"] == "a_1"
    assert not b.elector.leading and b.started == []


def test_a_follower_takes_over_a_lease_unrenewed_for_the_lease_duration() -> None:
    c = cluster()
    a, b = Candidate(c, "a_1"), Candidate(c, "b_1")
    a.elector.run()
    b.elector.run()
    c.run_for(5_000)
    a.elector.stop()
    last_renew = 4_000
    assert c.run_until(lambda: b.elector.leading, 60_000)
    # b last saw a's 4s renewal within one jittered retry period of it, then waited the lease duration
    assert last_renew + LEASE_DURATION_MS < b.started[0] <= last_renew + LEASE_DURATION_MS + 2 * 2.2 * RETRY_PERIOD_MS
    spec = lease(c)
    assert spec["holderIdentity"] == "b_1"
    assert spec["leaseTransitions"] == 1


def test_takeover_time_depends_on_the_seed_only() -> None:
    def takeover(seed: int) -> int:
        c = Cluster(nodes=0, seed=seed)
        c.start()
        a, b = Candidate(c, "a_1"), Candidate(c, "b_1")
        a.elector.run()
        b.elector.run()
        a.elector.stop()
        c.run_until(lambda: b.elector.leading, 60_000)
        return b.started[0]

    assert takeover(1) == takeover(1)
    assert len({takeover(s) for s in range(6)}) > 1  # the jitter is random, on the cluster's seeded random


def test_a_leader_that_cannot_renew_stops_leading_at_the_renew_deadline() -> None:
    c = cluster()
    a = Candidate(c, "a_1")
    a.elector.run()
    c.run_for(1_000)

    def steal(obj: dict) -> None:
        obj["spec"]["holderIdentity"] = "thief_1"
        obj["spec"]["renewTime"] = "2025-01-01T00:00:01.000000Z"

    c.patch("lease", "test-lease", steal, "kube-system")
    c.run_for(30_000)
    # the round that began at 2s failed at 2, 4, 6, 8 and 10s; at 2s + renew deadline the leader gives up
    assert a.stopped == [2_000 + RENEW_DEADLINE_MS]
    assert not a.elector.leading
    messages = [e.message for e in c.event_log if e.reason == "LeaderElection"]
    assert messages == ["a_1 became leader", "a_1 stopped leading"]


def test_a_killed_process_leaves_no_timers_or_watch_handlers() -> None:
    c = cluster()
    process = Process(c)
    fired: list[str] = []
    process.clock.call_every(1_000, lambda: fired.append("tick"))
    process.clock.call_later(5_000, lambda: fired.append("once"))
    process.api.informers.on("configmaps", lambda obj: fired.append("watch"))
    c.run_for(1_500)
    assert fired == ["tick"]
    process.kill()
    c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}})
    c.run_for(10_000)
    assert fired == ["tick"]


def test_a_default_cluster_has_no_election() -> None:
    c = Cluster(nodes=1, seed=0)
    c.settle()
    assert c.list("lease", "kube-system") == []
    assert not [e for e in c.event_log if e.reason == "LeaderElection"]


def test_replicas_elect_the_first_one_and_only_its_scheduler_runs() -> None:
    from kspec.leaderelection import replicate

    c = Cluster(nodes=1, seed=0)
    replicate(c, "scheduler", 3)
    c.start()
    group = c.replicated["scheduler"]
    assert [r.name for r in group.replicas] == ["kube-scheduler-1", "kube-scheduler-2", "kube-scheduler-3"]
    leader = group.leader()
    assert leader is not None and leader.name == "kube-scheduler-1"
    holder = c.get("lease", "kube-scheduler", "kube-system")["spec"]["holderIdentity"]
    assert holder.startswith("kube-scheduler-1_") and len(holder.split("_")[1]) == 36
    assert [r.process is not None for r in group.replicas] == [True, False, False]


def test_a_failover_is_the_same_on_every_run_of_a_seed() -> None:
    from kspec.leaderelection import replicate

    def run() -> list[tuple[int, str]]:
        c = Cluster(nodes=1, seed=7)
        replicate(c, "scheduler", 3)
        replicate(c, "controller manager", 2)
        c.run_for(3_000)
        for word in ("scheduler", "controller manager"):
            leader = c.replicated[word].leader()
            assert leader is not None
            c._act(leader.stop)
        c.run_for(40_000)
        assert all(c.replicated[w].leader() is not None for w in ("scheduler", "controller manager"))
        return [(e.time_ms, e.message) for e in c.event_log if e.reason == "LeaderElection"]

    first = run()
    assert len(first) == 4
    assert run() == first


def test_a_leader_without_etcd_quorum_gives_up_at_the_renew_deadline_and_campaigns_again() -> None:
    from kspec.leaderelection import replicate

    c = Cluster(nodes=1, seed=0)
    c.use_etcd(3)
    replicate(c, "scheduler", 2)
    c.run_for(5_000)
    group = c.replicated["scheduler"]
    assert group.leader() is not None and group.leader().name == "kube-scheduler-1"
    leader = c.etcd.leader()
    c.etcd_action("stop", ", ".join(m for m in c.etcd.members if m != leader))
    c.run_for(30_000)
    assert group.leader() is None  # the round that began at 6s failed until 6s + renew deadline
    lost = [e.time_ms for e in c.event_log if e.message.endswith("stopped leading")]
    assert lost == [6_000 + RENEW_DEADLINE_MS]
    c.etcd_action("start", ", ".join(m for m in c.etcd.members if m != leader))
    assert c.run_until(lambda: group.leader() is not None, 40_000)


def test_a_process_clock_takes_every_argument_the_clock_takes() -> None:
    """A replicated process arms its timers through _ProcessClock: an argument it drops breaks only HA runs."""
    import inspect

    from kspec.clock import Clock
    from kspec.leaderelection import _ProcessClock

    for name in ("call_at", "call_later", "call_soon", "call_every"):
        assert list(inspect.signature(getattr(_ProcessClock, name)).parameters) == \
            list(inspect.signature(getattr(Clock, name)).parameters), name
