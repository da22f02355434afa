"""MemoryStore.list answers a repeated list from what it listed before while nothing was written."""

from __future__ import annotations

import itertools
import random

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


def test_a_write_to_another_resource_keeps_the_memo_and_lists_equal_fresh_ones_in_any_write_order() -> None:
    def fresh(s: MemoryStore, resource: str, ns: str | None = None) -> list:
        table = s._data.get(resource, {})
        return [table[k] for k in sorted(table) if ns is None or k[0] == ns]

    s = MemoryStore()
    s.create("pods", _obj("a"))
    s.create("pods", _obj("b", ns="kube-system"))
    s.list("pods")
    s.list("pods", "default")
    kept, kept_in = s._listed["pods"][3], s._listed_in[("pods", "default")][3]
    s.create("leases", _obj("node-1", ns="kube-node-lease"))  # what the kubelets write at start
    s.update("leases", _obj("node-1", ns="kube-node-lease", v=1))
    assert s.list("pods") == fresh(s, "pods") and s._listed["pods"][3] is kept
    assert s.list("pods", "default") == fresh(s, "pods", "default") and s._listed_in[("pods", "default")][3] is kept_in
    rng = random.Random(7)
    for step in range(300):
        resource, ns = rng.choice(["pods", "services"]), rng.choice(["default", "kube-system"])
        name = rng.choice("abcde")
        verb = rng.choice(["create", "update", "delete", "list"])
        if verb == "create" and s.get(resource, ns, name) is None:
            s.create(resource, _obj(name, ns, step))
        elif verb == "update" and s.get(resource, ns, name) is not None:
            s.update(resource, _obj(name, ns, step))
        elif verb == "delete" and s.get(resource, ns, name) is not None:
            s.delete(resource, ns, name)
        for r, n in itertools.product(["pods", "services"], [None, "default", "kube-system"]):
            assert list(map(id, s.list(r, n))) == list(map(id, fresh(s, r, n))), (step, r, n)
