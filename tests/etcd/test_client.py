"""The error kube-apiserver passes through for a write etcd cannot commit (UPSTREAM ETCD-05 and its correction)."""

from __future__ import annotations

from kspec.etcd import client


def test_no_leader_anywhere_is_the_raw_context_deadline() -> None:
    msg = client.write_error(stale_leader=False, following_lost_leader=False, electable=False)
    assert msg == "rpc error: code = Unknown desc = context deadline exceeded"


def test_a_leader_without_quorum_times_out() -> None:
    assert client.write_error(stale_leader=True, following_lost_leader=True, electable=True) == \
        "etcdserver: request timed out"


def test_a_proposal_forwarded_to_a_dead_leader_blames_the_previous_leader_when_a_new_one_comes() -> None:
    assert client.write_error(stale_leader=False, following_lost_leader=True, electable=True) == \
        "etcdserver: request timed out, possibly due to previous leader failure"
    assert client.write_error(stale_leader=False, following_lost_leader=True, electable=False) == \
        "etcdserver: request timed out"
