"""More of kspec/lazystart.py: what a waiting start is asked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kspec import lazystart
from kspec.cluster import Cluster

SOLO = """apiVersion: v1
kind: Pod
metadata: {name: solo, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: c, image: nginx:1.27}]
"""


@pytest.fixture
def restore() -> Iterator[None]:
    saved = lazystart.ENABLED
    yield
    lazystart.ENABLED = saved


# -- a status write starts nothing -------------------------------------------------------------------------------
def test_a_status_write_asks_no_waiting_start(restore: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kubelet's status writes of a pod are not offered to the controllers waiting for a pod (their tests read
    metadata and spec, which such a write leaves as they were); its other writes are."""
    c = Cluster(nodes=1)
    c.start()
    informers = c.api.informers
    commits: list[tuple[str, bool]] = []
    asked: list[str] = []
    notify, start_first = informers.notify, informers._start_first

    def noting(event: Any, status_only: bool = False) -> None:
        if event.resource == "pods":
            commits.append((event.obj["metadata"]["resourceVersion"], status_only))
        notify(event, status_only)

    def asking(resource: str, obj: Any, old: Any) -> None:
        if resource == "pods":
            asked.append(obj["metadata"]["resourceVersion"])
        start_first(resource, obj, old)

    monkeypatch.setattr(informers, "notify", noting)
    monkeypatch.setattr(informers, "_start_first", asking)
    c.apply(SOLO)
    c.run_for(10_000)
    assert "pods" in informers._first  # the ReplicaSet controllers still wait, among others
    assert any(status for _rv, status in commits) and not all(status for _rv, status in commits)
    assert asked == [rv for rv, status in commits if not status]
