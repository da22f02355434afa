"""APIServer.create_owned: a component's create of an object it built gives what ``create(obj, _decoded=True)`` gives
(the stored object, the error, the watch events, the uid draws), and takes create's path for anything but a plain,
well-formed object in a live namespace."""

from __future__ import annotations

from typing import Any

from kspec import teardown
from kspec.auth.user import user
from kspec.cluster import Cluster
from kspec.errors import ApiError


def _lease(name: str, namespace: str | None = "kube-node-lease", **meta: Any) -> dict[str, Any]:
    md: dict[str, Any] = {"name": name, **meta}
    if namespace is not None:
        md["namespace"] = namespace
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {**md, "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name, "uid": "u"}]},
            "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": "2025-01-01T00:00:00.000000Z"}}


def _bodies() -> list[dict[str, Any]]:
    return [
        _lease("node-9"),
        _lease("node-9"),  # AlreadyExists
        _lease("node-8", namespace=None),  # the default namespace
        _lease("node-7", namespace="nowhere"),
        _lease("node-6", namespace="leaving"),  # terminating
        _lease("node-5", resourceVersion="7"),
        {**_lease(""), "metadata": {"generateName": "node-", "namespace": "kube-node-lease"}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast", "namespace": "x"},
         "provisioner": "example.com/fast"},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}},
        _lease("node-4", namespace="quota"),  # a quota in the cluster: create charges it
    ]


def _run(owned: bool) -> list[Any]:
    c = Cluster(nodes=1, seed=5)
    c.start()
    c.apply('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "leaving"}}')
    c.api.delete("namespaces", "leaving")
    seen: list[Any] = []
    c.api.store.subscribe(lambda e: seen.append((e.type, e.resource, e.obj)))
    out: list[Any] = []

    def send(body: dict[str, Any]) -> None:
        try:
            out.append(("ok", (c.api.create_owned if owned else lambda o: c.api.create(o, _decoded=True))(body)))
        except ApiError as exc:
            out.append(("error", exc.code, exc.message))
        out.append(c.api.warnings)

    for body in _bodies()[:-1]:
        send(body)
    c.apply('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "quota"}}')
    c.apply('{"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "quota"}, '
            '"spec": {"hard": {"count/leases.coordination.k8s.io": "0"}}}')
    send(_bodies()[-1])
    c.api.user = user("bob")
    send(_lease("node-3"))
    c.api.user = None
    out.append(seen)
    out.append(c.rng.getstate())
    teardown.dismantle(c)
    return out


def test_create_owned_gives_what_create_gives() -> None:
    owned, full = _run(True), _run(False)
    assert repr(owned) == repr(full)  # key order too
    assert [o[0] for o in owned[:-2] if isinstance(o, tuple)].count("ok") == 6
