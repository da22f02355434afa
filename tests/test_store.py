"""MemoryStore: keys, ordering, optimistic concurrency, revisions and the watch stream."""

from __future__ import annotations

import pytest

from kspec.store import KeyExists, KeyNotFound, MemoryStore, RevisionMismatch, WatchEvent


def _cm(name: str, ns: str = "default", **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data}


def test_create_then_get() -> None:
    s = MemoryStore()
    s.create("configmaps", _cm("a", x="1"))
    got = s.get("configmaps", "default", "a")
    assert got is not None and got["data"] == {"x": "1"}
    assert s.get("configmaps", "other", "a") is None
    assert s.get("secrets", "default", "a") is None


def test_create_twice_is_key_exists() -> None:
    s = MemoryStore()
    s.create("configmaps", _cm("a"))
    with pytest.raises(KeyExists):
        s.create("configmaps", _cm("a"))
    s.create("configmaps", _cm("a", ns="other"))  # same name, other namespace: a different key


def test_list_is_sorted_by_namespace_then_name() -> None:
    s = MemoryStore()
    for ns, name in [("b", "z"), ("a", "y"), ("b", "a"), ("a", "b"), ("c", "c")]:
        s.create("configmaps", _cm(name, ns))
    assert [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in s.list("configmaps")] == [
        ("a", "b"), ("a", "y"), ("b", "a"), ("b", "z"), ("c", "c")]
    assert [o["metadata"]["name"] for o in s.list("configmaps", "b")] == ["a", "z"]
    assert s.list("configmaps", "nope") == []
    assert s.list("secrets") == []


def test_every_write_bumps_one_global_revision() -> None:
    s = MemoryStore()
    start = s.revision
    a = s.create("configmaps", _cm("a"))
    assert a["metadata"]["resourceVersion"] == str(start + 1)
    b = s.create("secrets", {"metadata": {"name": "b", "namespace": "default"}})
    assert b["metadata"]["resourceVersion"] == str(start + 2)
    a2 = s.update("configmaps", {**_cm("a", x="2")})
    assert a2["metadata"]["resourceVersion"] == str(start + 3)
    s.delete("configmaps", "default", "a")
    assert s.revision == start + 4


def test_update_with_expected_resource_version() -> None:
    s = MemoryStore()
    rv = s.create("configmaps", _cm("a"))["metadata"]["resourceVersion"]
    s.update("configmaps", _cm("a", x="1"), expect_rv=rv)
    with pytest.raises(RevisionMismatch):
        s.update("configmaps", _cm("a", x="2"), expect_rv=rv)  # rv is stale now
    assert s.get("configmaps", "default", "a")["data"] == {"x": "1"}


def test_update_missing_is_key_not_found() -> None:
    with pytest.raises(KeyNotFound):
        MemoryStore().update("configmaps", _cm("a"))


def test_delete() -> None:
    s = MemoryStore()
    rv = s.create("configmaps", _cm("a"))["metadata"]["resourceVersion"]
    with pytest.raises(RevisionMismatch):
        s.delete("configmaps", "default", "a", expect_rv="0")
    gone = s.delete("configmaps", "default", "a", expect_rv=rv)
    assert gone["metadata"]["name"] == "a"
    assert s.get("configmaps", "default", "a") is None
    assert s.count("configmaps") == 0
    with pytest.raises(KeyNotFound):
        s.delete("configmaps", "default", "a")


def test_watch_events_in_commit_order_with_old_objects() -> None:
    s = MemoryStore()
    events: list[WatchEvent] = []
    s.subscribe(events.append)
    s.create("configmaps", _cm("a", x="1"))
    s.create("configmaps", _cm("b"))
    s.update("configmaps", _cm("a", x="2"))
    s.delete("configmaps", "default", "b")
    assert [(e.type, e.obj["metadata"]["name"]) for e in events] == [
        ("ADDED", "a"), ("ADDED", "b"), ("MODIFIED", "a"), ("DELETED", "b")]
    revisions = [e.revision for e in events]
    assert revisions == sorted(revisions) and len(set(revisions)) == 4
    assert events[0].old is None
    assert events[2].old["data"] == {"x": "1"} and events[2].obj["data"] == {"x": "2"}
    assert events[3].old["metadata"]["name"] == "b"
    assert all(e.resource == "configmaps" for e in events)


def test_load_takes_over_another_store() -> None:
    first = MemoryStore()
    first.create("configmaps", _cm("a"))
    second = MemoryStore()
    second.load(first)
    assert second.get("configmaps", "default", "a") is not None
    assert second.revision == first.revision
