"""MemoryStore.list answers a repeated list from what it listed before while nothing was written."""

from __future__ import annotations

from kspec.store import MemoryStore


def _obj(name: str, ns: str = "default", v: int = 0) -> dict:
    return {"metadata": {"name": name, "namespace": ns}, "v": v}


def test_a_repeated_list_is_remembered_and_every_write_shows() -> None:
    s = MemoryStore()
    s.create("pods", _obj("b"))
    s.create("pods", _obj("a"))
    first = s.list("pods")
    assert [o["metadata"]["name"] for o in first] == ["a", "b"]
    assert s._listed["pods"][3] == first
    first.append("mine")  # callers own what they get
    again = s.list("pods")
    assert again is not first and [o["metadata"]["name"] for o in again] == ["a", "b"]
    s.update("pods", _obj("a", v=1))
    assert [o["v"] for o in s.list("pods")] == [1, 0]
    s.delete("pods", "default", "b")
    assert [o["metadata"]["name"] for o in s.list("pods")] == ["a"]
    s.create("pods", _obj("c", ns="kube-system"))
    assert [o["metadata"]["name"] for o in s.list("pods")] == ["a", "c"]
    assert [o["metadata"]["name"] for o in s.list("pods", "kube-system")] == ["c"]


def test_a_table_replaced_or_loaded_is_listed_afresh() -> None:
    s = MemoryStore()
    s.create("pods", _obj("a"))
    s.list("pods")
    s._data = {"pods": {("default", "z"): _obj("z")}}  # what a template restore does
    assert [o["metadata"]["name"] for o in s.list("pods")] == ["z"]
    other = MemoryStore()
    other.create("pods", _obj("y"))
    s.load(other)
    assert sorted(o["metadata"]["name"] for o in s.list("pods")) == ["y", "z"]
    s._data["pods"][("default", "x")] = _obj("x")  # a test writing behind the store's back
    assert [o["metadata"]["name"] for o in s.list("pods")] == ["x", "y", "z"]
