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


def test_entries_whose_controller_changed_or_went_are_dropped() -> None:
    from kspec.cluster import Cluster

    c = Cluster(nodes=1, seed=1)
    index = owned_index(c, "configmaps")

    def cm(name: str, owner: str) -> dict:
        ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": "o", "uid": owner, "controller": True}
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "ownerReferences": [ref]}}
    for name in ("a", "b", "c"):
        c.api.create(cm(name, "X"))
    c.clock.run_now()
    assert [o["metadata"]["name"] for o in index.owned("X")] == ["a", "b", "c"]
    c.api.patch("configmaps", "b", "default", lambda o: o["metadata"]["ownerReferences"][0].__setitem__("uid", "Y"))
    c.api.patch("configmaps", "c", "default",
                lambda o: o["metadata"]["ownerReferences"][0].__setitem__("controller", False))
    c.clock.run_now()
    assert [o["metadata"]["name"] for o in index.owned("X", ordered=False)] == ["a"]
    assert index.by_owner["X"] == {("default", "a")}  # the stale entries went
    assert [o["metadata"]["name"] for o in index.owned("Y")] == ["b"]
