"""What a started cluster works out from its template's objects alone is worked out once per template
(kspec/templates.py ``pristine``), and the runs stay the eager ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kspec import templates
from kspec.cluster import Cluster
from kspec.controllers.garbagecollector import GarbageCollector

from .test_templates import fingerprint, run


@pytest.fixture
def fresh() -> Iterator[None]:
    saved = templates.ENABLED
    templates.ENABLED = True
    templates.clear()
    yield
    templates.ENABLED = saved
    templates.clear()


def _gc(c: Cluster) -> GarbageCollector:
    c.start()
    return next(ctrl for ctrl in c.controllers if isinstance(ctrl, GarbageCollector))


def _replayed(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The objects the garbage collector's start hands its handler (not the deliveries after it)."""
    calls: list[Any] = []
    starting = [False]
    real_start, real_changed = GarbageCollector.start, GarbageCollector._changed

    def start(self: GarbageCollector) -> None:
        starting[0] = True
        try:
            real_start(self)
        finally:
            starting[0] = False

    def changed(self: GarbageCollector, obj: Any) -> None:
        if starting[0]:
            calls.append(obj)
        real_changed(self, obj)

    monkeypatch.setattr(GarbageCollector, "start", start)
    monkeypatch.setattr(GarbageCollector, "_changed", changed)
    return calls


def test_the_garbage_collectors_start_up_replay_is_remembered_per_template(
        fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    templates.ENABLED = False
    eager = _gc(Cluster(nodes=3))
    templates.ENABLED = True
    Cluster(nodes=3)  # records the template
    second = _gc(Cluster(nodes=3))  # replays, and remembers what the replay found
    calls = _replayed(monkeypatch)
    third = _gc(Cluster(nodes=3))
    assert calls == []  # nothing replayed: the remembered refs
    assert list(third.ref_of_uid.items()) == list(second.ref_of_uid.items())
    assert sorted(third.ref_of_uid.values()) == sorted(eager.ref_of_uid.values())
    assert len(third.ref_of_uid) > 40


def test_a_cluster_written_to_before_its_start_replays_its_own_objects(
        fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    Cluster(nodes=2)
    _gc(Cluster(nodes=2))
    c = Cluster(nodes=2)
    c.label_node("node-1", "x=y")  # a write: the store no longer holds the template's objects alone
    assert templates.pristine(c) is None
    calls = _replayed(monkeypatch)
    gc = _gc(c)
    assert any(o["metadata"]["name"] == "node-1" and o["metadata"]["labels"].get("x") == "y" for o in calls)
    node = c.store.get("nodes", "", "node-1")
    assert gc.ref_of_uid[node["metadata"]["uid"]] == "nodes||node-1"


def test_a_restored_store_lists_the_templates_sorted_objects(fresh: None) -> None:
    Cluster(nodes=3)
    c = Cluster(nodes=3)
    t = templates.pristine(c)
    assert t is not None
    assert c.store._listed["clusterroles"][3] is t.listed["clusterroles"]
    names = [o["metadata"]["name"] for o in c.store.list("clusterroles")]
    assert names == sorted(names) and len(names) > 10
    assert c.store.list("namespaces") == [c.store._data["namespaces"][k] for k in sorted(c.store._data["namespaces"])]


def test_runs_of_clusters_using_remembered_start_work_are_the_eager_ones(fresh: None) -> None:
    templates.ENABLED = False
    reference = Cluster(nodes=3)
    reference.start()
    expected = fingerprint(reference), run(reference)
    templates.ENABLED = True
    for _ in range(3):  # records, remembers, reuses
        c = Cluster(nodes=3)
        c.start()
        assert (fingerprint(c), run(c)) == expected


def test_a_restored_cluster_draws_the_eager_uids(fresh: None) -> None:
    """The EndpointSlice uid stream is restored too: the kube-dns slice made at start once got the bootstrap
    kubernetes slice's uid again (the stream started over), and the garbage collector, which keys by uid,
    lost track of the kubernetes slice."""
    def uids(c: Cluster) -> dict[tuple[str, tuple[str, str]], str]:
        c.start()
        return {(r, k): o["metadata"]["uid"] for r, table in c.store._data.items() for k, o in table.items()}

    templates.ENABLED = False
    eager = uids(Cluster(nodes=3))
    templates.ENABLED = True
    Cluster(nodes=3)
    restored = uids(Cluster(nodes=3))
    assert restored == eager
    assert len(set(restored.values())) == len(restored)
