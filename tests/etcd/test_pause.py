"""A paused member (SIGSTOP) and each member's own view of the leader (issue 12, ETCD-OBSERVED second run)."""

from __future__ import annotations

import random

import pytest

from kspec.clock import Clock
from kspec.errors import StepError
from kspec.etcd import EtcdStore
from kspec.etcd.raft import State
from kspec.store import Unavailable


def _store(seed: int = 1, members: int = 3) -> EtcdStore:
    store = EtcdStore(Clock(), random.Random(seed), members)
    store.start()
    return store


def _run(store: EtcdStore, ms: int) -> None:
    store.clock.run_for(ms)


@pytest.mark.parametrize("seed", range(20))
def test_a_resumed_stale_leader_steps_down_within_milliseconds(seed: int) -> None:
    store = _store(seed)
    store.pause(["etcd-1"])
    old = store.nodes["etcd-1"]
    term = old.term
    _run(store, 4000)
    assert old.state is State.LEADER and old.term == term  # frozen: it never ticked nor stepped down
    new = store.leader()
    assert new is not None and new != "etcd-1" and store.nodes[new].term > term
    store.resume(["etcd-1"])
    _run(store, 20)
    assert old.state is State.FOLLOWER and old.lead == new and old.term == store.nodes[new].term


def test_messages_to_a_paused_member_wait_and_are_processed_on_resume() -> None:
    store = _store()
    store.pause(["etcd-3"])
    before = store.network.delivered
    _run(store, 500)
    held = len(store.network._held["etcd-3"])
    assert held > 0  # the leader's heartbeats sat in its socket
    store.resume(["etcd-3"])
    assert store.network.delivered >= before + held
    assert "etcd-3" not in store.network._held


def test_pausing_twice_or_a_stopped_member_is_refused() -> None:
    store = _store()
    store.pause(["etcd-2"])
    with pytest.raises(StepError, match="already paused"):
        store.pause(["etcd-2"])
    store.stop(["etcd-3"])
    with pytest.raises(StepError, match="stopped"):
        store.pause(["etcd-3"])
    with pytest.raises(StepError, match="not paused"):
        store.resume(["etcd-1"])


def test_survivors_name_a_dead_leader_until_their_election_timeout() -> None:
    store = _store(3)
    store.stop(["etcd-1"])
    assert store.leader_views() == {"etcd-2": "etcd-1", "etcd-3": "etcd-1"}
    _run(store, 900)  # an election timeout is 1s to 1.9s
    assert set(store.leader_views().values()) == {"etcd-1"}
    _run(store, 2100)
    assert "etcd-1" not in store.leader_views().values()


def test_a_leader_without_a_following_quorum_names_itself_until_checkquorum() -> None:
    """ETCD-OBSERVED: "the leader keeps IS LEADER true until it steps down (CheckQuorum)", 1.15-1.95 s."""
    store = _store()
    store.stop(["etcd-2", "etcd-3"])
    assert store.nodes["etcd-1"].state is State.LEADER
    assert store.leader_views() == {"etcd-1": "etcd-1"}
    _run(store, 1000)
    assert store.leader_views() == {"etcd-1": "etcd-1"}
    _run(store, 1000)
    assert store.leader_views() == {"etcd-1": None}


def test_a_paused_member_does_not_answer_endpoint_status() -> None:
    store = _store()
    store.pause(["etcd-1"])
    assert store.leader_views() == {"etcd-2": "etcd-1", "etcd-3": "etcd-1"}


def _cm(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}


def test_a_write_refused_by_a_leader_without_quorum_commits_when_a_follower_returns() -> None:
    store = _store(5)
    store.stop(["etcd-2", "etcd-3"])
    with pytest.raises(Unavailable, match="etcdserver: request timed out"):
        store.create("configmaps", _cm("failed-put"))
    assert store.get("configmaps", "default", "failed-put") is None
    _run(store, 4000)
    store.start(["etcd-2"])
    _run(store, 5000)
    assert store.get("configmaps", "default", "failed-put") is not None  # 16/16 real runs
    assert store.violations == []


def test_a_write_sent_when_no_member_leads_is_never_written() -> None:
    store = _store(5)
    store.stop(["etcd-2", "etcd-3"])
    _run(store, 4000)  # CheckQuorum has stepped etcd-1 down
    with pytest.raises(Unavailable, match="context deadline exceeded"):
        store.create("configmaps", _cm("late-put"))
    store.start(["etcd-2"])
    _run(store, 5000)
    assert store.get("configmaps", "default", "late-put") is None


def test_a_held_write_waits_for_the_next_leader_and_succeeds() -> None:
    store = _store(5)
    store.stop(["etcd-2", "etcd-3"])
    _run(store, 5000)
    store.start(["etcd-2"])
    store.hold_requests = True
    start = store.clock.now
    store.create("configmaps", _cm("held"))
    assert 0 < store.clock.now - start < 3000
    assert store.get("configmaps", "default", "held") is not None


def test_a_held_write_with_no_leader_fails_after_the_request_timeout() -> None:
    store = _store(5)
    store.stop(["etcd-2", "etcd-3"])
    _run(store, 5000)
    store.hold_requests = True
    start = store.clock.now
    with pytest.raises(Unavailable, match="context deadline exceeded"):
        store.create("configmaps", _cm("lost"))
    assert store.clock.now - start == 7000


def test_a_held_write_to_a_leader_without_quorum_times_out_after_7s() -> None:
    store = _store(5)
    store.stop(["etcd-2", "etcd-3"])
    store.hold_requests = True
    start = store.clock.now
    with pytest.raises(Unavailable, match="^etcdserver: request timed out$"):
        store.create("configmaps", _cm("timed-out"))
    assert store.clock.now - start == 7000


@pytest.mark.parametrize("seed", range(12))
def test_the_long_timeout_message_comes_only_from_the_next_leader(seed: int) -> None:
    store = _store(seed)
    store.stop(["etcd-1"])
    store.hold_requests = True
    start = store.clock.now
    with pytest.raises(Unavailable) as failed:
        store.create("configmaps", _cm("at-the-kill"))
    assert store.clock.now - start == 7000
    winners = [name for _term, name, at in store.leader_history if start <= at <= start + 2000]
    if "etcd-2" in winners:  # the request went to etcd-2, the first survivor
        assert str(failed.value) == "etcdserver: request timed out, possibly due to previous leader failure"
    else:
        assert str(failed.value) == "etcdserver: request timed out"
    assert store.get("configmaps", "default", "at-the-kill") is None  # never written
