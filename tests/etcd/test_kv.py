"""Put and Range at one member on the virtual clock (kspec/etcd/kv.py), and ``EtcdStore.read_error``."""

from __future__ import annotations

import random

import pytest

from kspec.clock import Clock
from kspec.errors import StepError
from kspec.etcd import EtcdStore, client
from kspec.etcd.kv import CONNECTION_LOST, DIAL_FAILED, LEADER_CHANGED
from kspec.etcd.raft import State


def _store(seed: int = 1, members: int = 3) -> EtcdStore:
    store = EtcdStore(Clock(), random.Random(seed), members)
    store.start()
    store.clock.run_for(500)
    return store


def test_read_error_follows_quorum_and_elections() -> None:
    store = _store()
    assert store.read_error() is None and store.read_error(serializable=True) is None
    store.stop(["etcd-1"])  # the leader: the survivors will elect, and a read in flight learns of a new leader
    assert store.read_error() == LEADER_CHANGED
    store.clock.run_for(3000)
    assert store.read_error() is None
    store.stop(["etcd-2"])
    assert store.read_error() == client.REQUEST_TIMED_OUT  # one of three: no election can succeed
    assert store.read_error(serializable=True) is None
    store.pause(["etcd-3"])
    assert store.read_error(serializable=True) == client.CONTEXT_DEADLINE_EXCEEDED


def test_a_linearizable_get_at_a_follower_sees_a_put_acknowledged_through_another_member() -> None:
    store = _store()
    kv = store.kv
    put = kv.put("etcd-2", "k", "v1")
    store.clock.run_for(20)
    assert put.ok and put.latency is not None and put.latency < 10
    get = kv.get("etcd-3", "k")
    assert not get.done  # the read index comes back from the leader
    store.clock.run_for(20)
    assert (get.ok, get.value) == (True, "v1")
    assert kv.value_at("etcd-3", "k") == "v1" and kv.value_at("etcd-3", "other") is None


def test_gets_arriving_during_a_read_round_wait_for_the_next_one() -> None:
    store = _store()
    store.stop(["etcd-2", "etcd-3"])  # no quorum answers the leader's heartbeat: the first round hangs
    kv = store.kv
    first = kv.get("etcd-1", "k")
    store.clock.run_for(1000)
    second = kv.get("etcd-1", "k")
    store.clock.run_for(6000)
    assert (first.error, first.latency) == (client.REQUEST_TIMED_OUT, 7000)
    assert not second.done  # its round began when the first one failed
    store.clock.run_for(7000)
    assert (second.error, second.returned) == (client.REQUEST_TIMED_OUT, 500 + 14000)


def test_a_put_at_a_member_without_a_leader_is_held_and_commits_when_one_is_elected() -> None:
    store = _store()
    store.stop(["etcd-2", "etcd-3"])
    store.clock.run_for(4000)
    assert store.nodes["etcd-1"].lead is None
    kv = store.kv
    put = kv.put("etcd-1", "k", "v")
    store.clock.run_for(100)
    assert not put.done and not put.proposed  # raft's propc is nil while no leader is known
    store.start(["etcd-2"])
    store.clock.run_for(3000)
    assert put.ok and put.proposed and kv.value_at("etcd-2", "k") == "v"


def test_a_put_that_never_left_its_member_fails_with_the_raw_deadline() -> None:
    store = _store()
    store.stop(["etcd-2", "etcd-3"])
    store.clock.run_for(4000)
    put = store.kv.put("etcd-1", "k", "v")
    store.clock.run_for(7000)
    assert (put.error, put.latency, put.proposed) == (client.CONTEXT_DEADLINE_EXCEEDED, 7000, False)
    assert store.kv.history() == []  # it never took effect: the checker leaves it out


def test_a_timed_out_put_at_a_leader_without_quorum_commits_later() -> None:
    store = _store()
    store.stop(["etcd-2", "etcd-3"])
    kv = store.kv
    put = kv.put("etcd-1", "k", "v")
    store.clock.run_for(7000)
    assert put.error == client.REQUEST_TIMED_OUT and put.proposed
    assert [op.ret for op in kv.history()] == [float("inf")]  # unknown: it may still take effect
    store.start(["etcd-2"])
    store.clock.run_for(3000)
    assert kv.value_at("etcd-2", "k") == "v" and [p.value for p in kv.committed_puts()] == ["v"]


def test_requests_to_a_paused_member_wait_for_its_resume() -> None:
    store = _store()
    store.pause(["etcd-2"])
    kv = store.kv
    sget = kv.get("etcd-2", "k", serializable=True)
    put = kv.put("etcd-2", "k", "v")
    store.clock.run_for(3000)
    assert not sget.done and not put.done and put.started is None
    store.resume(["etcd-2"])
    store.clock.run_for(20)
    assert sget.ok and sget.value is None and sget.latency == 3000
    assert put.ok and put.started == 3500


def test_a_member_that_dies_under_a_request_fails_it() -> None:
    store = _store()
    store.stop(["etcd-3"])
    store.clock.run_for(100)
    kv = store.kv
    get = kv.get("etcd-2", "k")
    store.stop(["etcd-2"])  # before the read index came back
    assert (get.error, get.latency) == (CONNECTION_LOST, 0)
    refused = kv.put("etcd-3", "k", "v")  # a stopped member: the client's dial times out
    store.clock.run_for(2000)
    assert (refused.error, refused.latency, refused.proposed) == (DIAL_FAILED, 2000, False)
    with pytest.raises(StepError, match='unknown etcd member "etcd-9"'):
        kv.get("etcd-9", "k")


def test_a_resent_read_index_is_confirmed_once() -> None:
    """requestCurrentIndex resends every 500 ms; the leader keeps the first request (readOnly.addRequest)."""
    store = _store()
    store.stop(["etcd-2", "etcd-3"])
    get = store.kv.get("etcd-1", "k")
    store.clock.run_for(1200)  # two resends
    leader = store.nodes["etcd-1"]
    assert leader.state is State.LEADER and [ctx for ctx, _, _ in leader.pending_reads] == [1]
    store.start(["etcd-2"])
    store.clock.run_for(300)
    assert get.ok and get.returned == 1762  # answered by the restarted follower's ack of the next heartbeat
