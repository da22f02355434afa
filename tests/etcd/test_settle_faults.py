"""Settling with an etcd member frozen or cut off: once a quorum has a leader, nothing changes any more.

Found by ``kspec explore --etcd 3``: a paused member, or one partitioned from the others, kept ``the cluster
settles`` waiting for ten virtual minutes though the majority had a leader and nothing changed.
"""

from __future__ import annotations

import random

from kspec.clock import Clock
from kspec.etcd import EtcdStore


def started(members: int = 3, seed: int = 0, *, pre_vote: bool = True) -> EtcdStore:
    store = EtcdStore(Clock(), random.Random(seed), members, pre_vote=pre_vote)
    store.start()
    return store


def test_a_paused_member_does_not_keep_the_cluster_from_settling() -> None:
    store = started()
    store.pause(["etcd-3"])
    assert store.clock.settle(60_000)
    store.resume(["etcd-3"])
    assert store.clock.settle(60_000)


def test_a_paused_leader_is_replaced_then_the_cluster_settles() -> None:
    store = started()
    store.pause(["etcd-1"])
    assert store.clock.settle(60_000)
    assert store.leader_views()["etcd-2"] in ("etcd-2", "etcd-3")  # the majority elected a new leader


def test_a_member_cut_off_by_a_partition_does_not_keep_the_cluster_from_settling() -> None:
    store = started()
    store.partition(["etcd-1"], ["etcd-2", "etcd-3"])  # the leader is cut off: it steps down, the others elect
    assert store.clock.settle(60_000)
    views = store.leader_views()
    assert views["etcd-1"] is None and views["etcd-2"] == views["etcd-3"] in ("etcd-2", "etcd-3")
    term = store.nodes["etcd-1"].term
    store.clock.run_for(30_000)
    assert store.nodes["etcd-1"].term == term  # pre-vote: the cut-off member's term does not climb


def test_without_pre_vote_a_cut_off_member_keeps_campaigning() -> None:
    store = started(pre_vote=False)
    store.partition(["etcd-3"], ["etcd-1", "etcd-2"])
    assert not store.clock.settle(60_000)  # its term climbs with every failed election


def test_a_minority_without_a_leader_still_does_not_settle() -> None:
    store = started()
    store.stop(["etcd-2"])
    store.pause(["etcd-3"])
    assert not store.clock.settle(60_000)  # etcd-1 cannot commit: CheckQuorum steps it down, it keeps trying
