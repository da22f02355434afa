"""EtcdStore: writes through Raft, the errors of an outage, faults as steps name them, what etcdctl shows."""

from __future__ import annotations

import random

import pytest

from kspec.clock import Clock
from kspec.cluster import Cluster
from kspec.errors import ApiError, StepError
from kspec.etcd import EtcdStore
from kspec.etcd.raft import State
from kspec.store import KeyExists, MemoryStore, Unavailable


def cm(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}


def started(members: int = 3, seed: int = 0) -> EtcdStore:
    store = EtcdStore(Clock(), random.Random(seed), members)
    store.start()
    return store


def wait_for_leader(store: EtcdStore, limit_ms: int = 5000) -> str:
    assert store.clock.run_until(lambda: store.write_error() is None, limit_ms), store.status_table()
    leader = store.leader()
    assert leader is not None
    return leader


def test_a_new_cluster_is_led_by_etcd_1_at_term_2_with_its_bootstrap_entries() -> None:
    store = started()
    assert store.leader() == "etcd-1"
    assert {n.term for n in store.nodes.values()} == {2}
    assert {n.commit for n in store.nodes.values()} == {8}  # what endpoint status shows on a fresh 3-member cluster


def test_a_write_commits_on_a_quorum_at_once_and_is_applied() -> None:
    store = started()
    created = store.create("configmaps", cm("a"))
    assert created["metadata"]["resourceVersion"] == "2"
    assert store.get("configmaps", "default", "a") is created
    assert store.clock.now == 0
    assert store.nodes["etcd-1"].commit == 9
    assert sum(1 for n in store.nodes.values() if n.last_index == 9) == 3


def test_a_failed_compare_is_committed_but_reported() -> None:
    store = started()
    store.create("configmaps", cm("a"))
    with pytest.raises(KeyExists):
        store.create("configmaps", cm("a"))
    assert store.revision == 2
    assert store.applied == 10


def test_losing_the_leader_times_out_writes_until_a_new_leader_is_elected() -> None:
    store = started()
    store.stop(["etcd-1"])
    with pytest.raises(Unavailable, match="possibly due to previous leader failure"):
        store.create("configmaps", cm("a"))
    leader = wait_for_leader(store)
    assert leader != "etcd-1"
    assert 800 <= store.clock.now <= 5000
    store.create("configmaps", cm("a"))


def test_one_of_three_first_times_out_at_the_stale_leader_then_has_no_leader() -> None:
    store = started()
    store.stop(["etcd-2", "etcd-3"])
    assert store.leader() == "etcd-1"
    assert store.write_error() == "etcdserver: request timed out"
    store.clock.run_for(2100)
    assert store.leader() is None
    with pytest.raises(Unavailable, match="^rpc error: code = Unknown desc = context deadline exceeded$"):
        store.create("configmaps", cm("a"))
    assert store.get("configmaps", "default", "a") is None


def test_a_restarted_member_catches_up_on_what_it_missed() -> None:
    store = started()
    store.stop(["etcd-3"])
    for i in range(5):
        store.create("configmaps", cm(f"c{i}"))
    store.start(["etcd-3"])
    store.clock.run_for(500)
    leader = store.nodes["etcd-1"]
    assert store.nodes["etcd-3"].log == leader.log
    assert store.nodes["etcd-3"].commit == leader.commit


def test_faults_name_members_clearly() -> None:
    store = started()
    with pytest.raises(StepError, match='unknown etcd member "etcd-9": the members are etcd-1, etcd-2, etcd-3'):
        store.stop(["etcd-9"])
    store.stop(["etcd-2"])
    with pytest.raises(StepError, match='"etcd-2" is already stopped'):
        store.stop(["etcd-2"])
    with pytest.raises(StepError, match='"etcd-1" is already running'):
        store.start(["etcd-1"])
    with pytest.raises(StepError, match="both sides"):
        store.partition(["etcd-1"], ["etcd-1", "etcd-3"])
    with pytest.raises(StepError, match="at least 1 member"):
        EtcdStore(Clock(), random.Random(0), 0)


def test_the_status_table_reads_like_etcdctl() -> None:
    store = started()
    store.stop(["etcd-2", "etcd-3"])
    store.clock.run_for(2100)
    lines = store.status_table().splitlines()
    assert lines[1].split("|")[1:-1] == ["   ENDPOINT  ", "        ID        ", " IS LEADER ", " RAFT TERM ",
                                         " RAFT INDEX ", "         ERRORS        "]
    row = [c.strip() for c in lines[3].split("|")[1:-1]]
    assert row[0] == "etcd-1:2379" and row[2:] == ["false", "2", "8", "etcdserver: no leader"]
    assert lines[-2:] == ["Failed to get the status of endpoint etcd-2:2379 (context deadline exceeded)",
                          "Failed to get the status of endpoint etcd-3:2379 (context deadline exceeded)"]


def test_a_healthy_cluster_is_only_periodic_work_and_an_outage_is_not() -> None:
    store = started()
    assert store.clock.settle(5000)
    store.stop(["etcd-2", "etcd-3"])
    assert not store.clock.settle(60_000)  # it keeps electing
    store.start(["etcd-2"])
    assert store.clock.settle(60_000)
    assert store.leader() is not None


def test_the_same_seed_gives_the_same_elections() -> None:
    def run(seed: int) -> list[tuple[int, str, str]]:
        store = started(5, seed)
        store.stop(["etcd-1"])
        store.partition(["etcd-2", "etcd-3"], ["etcd-4", "etcd-5"])
        store.clock.run_for(5000)
        store.heal()
        store.clock.run_for(5000)
        return list(store.journal)

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_the_cluster_swaps_to_etcd_with_what_it_already_holds() -> None:
    c = Cluster(nodes=2, seed=3)
    c.use_etcd(5)
    assert isinstance(c.store, EtcdStore) and c.store.members[-1] == "etcd-5"
    assert c.store.get("nodes", "", "node-2") is not None
    assert c.etcd.leader() == "etcd-1"
    assert c.probe_write() is None
    c.etcd_action("stop", "etcd-1, etcd-2, etcd-3")
    c.run_for("3s")
    assert c.probe_write() == "rpc error: code = Unknown desc = context deadline exceeded"
    with pytest.raises(ApiError) as info:
        c.create(cm("x"))
    assert info.value.code == 500


def test_a_replaced_etcd_store_never_ticks_and_memory_can_take_its_place() -> None:
    c = Cluster(nodes=1, seed=0, store="etcd")
    first = c.store
    c.use_etcd(3)
    c.use("store", "memory")
    assert isinstance(c.store, MemoryStore) and c.store.get("nodes", "", "node-1") is not None
    c.run_for("1s")
    assert not first._tickers


def test_a_partitioned_leader_is_replaced_and_rejoins_as_follower() -> None:
    store = started()
    store.partition(["etcd-1"], ["etcd-2", "etcd-3"])
    new = wait_for_leader(store)
    assert new != "etcd-1"
    store.clock.run_for(3000)
    assert store.nodes["etcd-1"].state is not State.LEADER
    store.heal()
    store.clock.run_for(1000)
    assert store.leader() == new
    assert store.nodes["etcd-1"].lead == new


@pytest.mark.parametrize("seed", range(20))
def test_a_member_that_missed_committed_writes_cannot_win_an_election(seed: int) -> None:
    store = started(seed=seed)
    store.stop(["etcd-3"])
    for i in range(3):
        store.create("configmaps", cm(f"c{i}"))
    store.stop(["etcd-1"])
    store.start(["etcd-3"])
    assert wait_for_leader(store) == "etcd-2"
    assert not store.violations
    store.clock.run_for(1000)
    assert store.nodes["etcd-3"].log == store.nodes["etcd-2"].log
