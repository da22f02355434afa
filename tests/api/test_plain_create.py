"""A create of a plain kind (no defaulter, no mutating plugin, generic validation: a Lease) skips those steps and
asks validation's fast path first: the stored objects, the errors and the watch events are those of the full path
(every step run, here by giving the kind a defaulter that changes nothing). A StorageClass is no longer plain
(SetDefaults_StorageClass); its creates stay in the run, on the full path both times."""

from __future__ import annotations

from typing import Any

import pytest

from kspec import teardown
from kspec.api import defaults
from kspec.cluster import Cluster
from kspec.errors import ApiError

BODIES: list[dict[str, Any]] = [
    {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
     "metadata": {"name": "node-9", "namespace": "kube-node-lease", "labels": {"a": "b"}},
     "spec": {"holderIdentity": "node-9", "leaseDurationSeconds": 40}},
    {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"generateName": "x-"}},
    {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "Bad_Name"}},
    {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "l", "labels": {"a": "not ok!"}}},
    {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
     "metadata": {"name": "l2", "annotations": {"Bad Key": "x"}, "generation": -1}},
    {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "node-9", "namespace": "nowhere"}},
    {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
     "provisioner": "example.com/fast"},
    {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast", "namespace": "x"},
     "provisioner": "example.com/fast"},
    {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "-fast"},
     "provisioner": "example.com/fast"},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}},
]


def _run() -> list[Any]:
    c = Cluster(nodes=1, seed=3)
    c.start()
    seen: list[Any] = []
    c.api.store.subscribe(lambda e: seen.append((e.type, e.resource, e.obj)))
    out: list[Any] = []
    for body in BODIES:
        for _ in range(2):  # the second one: AlreadyExists
            try:
                out.append(("ok", c.api.create(body)))
            except ApiError as exc:
                out.append(("error", exc.code, exc.message))
    out.append(seen)
    teardown.dismantle(c)
    return out


def test_plain_create_is_the_full_path(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _run()
    with monkeypatch.context() as m:
        for kind in ("Lease",):
            m.setitem(defaults.DEFAULTERS, kind, lambda obj: None)
        full = _run()
    assert fast == full
    assert [o[0] for o in fast[:-1]].count("ok") == 5
