"""kube-apiserver's watch cache above etcd (kspec/api/watchcache.py): which reads need a quorum, and their answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kspec.api.watchcache import (
    ELECTION_TIMEOUT_MS,
    MAX_NO_LEADER_CHECKS,
    REINITIALIZING_MESSAGE,
    REQUEST_TIMEOUT_MS,
    TIMEOUT_MESSAGE,
)
from kspec.cluster import Cluster
from kspec.errors import ApiError
from kspec.etcd import client


def etcd_cluster() -> Cluster:
    c = Cluster(nodes=1, seed=0, etcd_members=3, store="etcd")
    c.start()
    return c


def held(c: Cluster, fn: Callable[[], Any]) -> Any:
    """A spec's own request, as Harness.attempt sends it: etcd holds it on the virtual clock."""
    c.store.hold_requests = True
    try:
        return fn()
    finally:
        c.store.hold_requests = False


def lose_quorum(c: Cluster) -> None:
    c.etcd_action("stop", "etcd-2, etcd-3")


def test_read_error_linearizable_needs_a_quorum_serializable_does_not() -> None:
    c = etcd_cluster()
    assert c.store.read_error() is None
    lose_quorum(c)
    assert c.store.read_error() == client.REQUEST_TIMED_OUT
    assert c.store.read_error(serializable=True) is None
    c.etcd_action("stop", "etcd-1")
    assert c.store.read_error(serializable=True) == client.CONTEXT_DEADLINE_EXCEEDED


def test_a_consistent_list_without_quorum_waits_for_the_request_deadline_then_times_out() -> None:
    c = etcd_cluster()
    lose_quorum(c)
    c.run_for("5s")
    start = c.now_ms
    with pytest.raises(ApiError) as err:
        held(c, lambda: c.client_list("pods"))
    assert (err.value.code, err.value.reason, err.value.message) == (504, "Timeout", TIMEOUT_MESSAGE)
    assert c.now_ms - start == REQUEST_TIMEOUT_MS  # the wait shows as latency on the virtual clock


def test_a_consistent_list_held_while_a_member_restarts_is_served_once_a_quorum_answers() -> None:
    c = etcd_cluster()
    lose_quorum(c)
    c.run_for("5s")
    c.etcd_action("start", "etcd-2")
    start = c.now_ms
    pods = held(c, lambda: c.client_list("pods"))
    assert pods == []
    assert 0 < c.now_ms - start < 5_000  # an election, not the deadline


def test_a_consistent_get_reads_etcd_and_fails_at_once_from_a_component() -> None:
    c = etcd_cluster()
    lose_quorum(c)
    start = c.now_ms
    with pytest.raises(ApiError) as err:
        c.client_get("namespaces", "default", "")  # not held: the first attempt's etcd error, no time passes
    assert (err.value.code, err.value.message) == (500, client.REQUEST_TIMED_OUT)
    assert c.now_ms == start


def test_resource_version_0_is_served_from_the_cache_until_etcd_cancels_its_watch() -> None:
    c = etcd_cluster()
    lose_quorum(c)
    c.run_for(1000)
    # no leader for less than 3 election timeouts: the watch lives, the cache answers
    assert [n["metadata"]["name"] for n in c.client_list("nodes", resource_version="0")] == ["node-1"]
    assert c.client_get("namespaces", "default", resource_version="0")["metadata"]["name"] == "default"
    c.run_for((MAX_NO_LEADER_CHECKS + 1) * ELECTION_TIMEOUT_MS)
    assert not c.api.watch_cache.ready
    with pytest.raises(ApiError) as err:
        c.client_list("nodes", resource_version="0")
    assert (err.value.code, err.value.reason, err.value.message) == (429, "TooManyRequests",
                                                                    REINITIALIZING_MESSAGE)
    with pytest.raises(ApiError):
        c.client_get("namespaces", "default", resource_version="0")  # a not-ready cache sends gets to etcd
    c.etcd_action("start", "etcd-2")
    assert c.run_until(lambda: c.api.watch_cache.ready, "5s")
    assert c.api.watch_cache.reinitializations == 1
    assert [n["metadata"]["name"] for n in c.client_list("nodes", resource_version="0")] == ["node-1"]


def test_a_leader_change_within_the_election_timeouts_keeps_the_watch() -> None:
    c = etcd_cluster()
    c.etcd_action("stop", "etcd-1")  # the leader: the others elect a new one within about 2s
    c.run_for("10s")
    assert c.api.watch_cache.ready
    assert c.api.watch_cache.reinitializations == 0


def test_reads_from_a_memory_store_never_wait_and_no_monitor_runs() -> None:
    c = Cluster(nodes=1, seed=0)
    c.start()
    assert c.api.watch_cache._timer is None
    start = c.now_ms
    assert held(c, lambda: c.client_list("nodes"))[0]["metadata"]["name"] == "node-1"
    assert c.now_ms == start


def test_only_consistent_and_zero_resource_versions_are_served() -> None:
    c = etcd_cluster()
    with pytest.raises(ApiError) as err:
        c.api.watch_cache.list("pods", "default", resource_version="12")
    assert err.value.code == 400
