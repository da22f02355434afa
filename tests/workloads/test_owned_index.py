"""OwnedIndex.owned: the unordered form (for callers that only count) sees the same objects as the sorted one."""

from __future__ import annotations

from kspec.controllers.controller_utils import owned_index
from tests.workloads.test_workloads_with_fakes import cluster, deploy


def test_unordered_owned_is_the_same_set_as_ordered() -> None:
    c, _fake = cluster()
    deploy(c, replicas=5)
    pods = owned_index(c, "pods")
    (rs,) = owned_index(c, "replicasets").owned(c.api.store.list("deployments")[0]["metadata"]["uid"])
    uid = rs["metadata"]["uid"]
    ordered = pods.owned(uid)
    unordered = pods.owned(uid, ordered=False)
    assert len(ordered) == 5
    assert [p["metadata"]["name"] for p in ordered] == sorted(p["metadata"]["name"] for p in unordered)
