"""The garbage collector: background, foreground and orphan propagation, dangling owners, many owners."""

from __future__ import annotations

from kspec.cluster import Cluster
from kspec.objects import owner_reference


def _cm(name: str, *owners: dict) -> dict:
    md: dict = {"name": name, "namespace": "default"}
    if owners:
        md["ownerReferences"] = list(owners)
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": md}


def _owner(c: Cluster, name: str) -> dict:
    return c.create(_cm(name))


def _names(c: Cluster) -> list[str]:
    return [o["metadata"]["name"] for o in c.list("configmaps") if o["metadata"]["name"] != "kube-root-ca.crt"]


def test_background_cascade_deletes_dependents() -> None:
    c = Cluster(seed=1)
    owner = _owner(c, "owner")
    c.create(_cm("child-a", owner_reference(owner)))
    c.create(_cm("child-b", owner_reference(owner)))
    grandchild_owner = c.get("configmap", "child-a")
    c.create(_cm("grandchild", owner_reference(grandchild_owner)))
    c.delete("configmap", "owner")
    assert c.try_get("configmap", "owner") is None  # background: the owner goes first
    c.settle()
    assert _names(c) == []


def test_foreground_owner_waits_for_its_dependents() -> None:
    c = Cluster(seed=1)
    owner = _owner(c, "owner")
    c.create(_cm("child", owner_reference(owner, block=True)))
    c.create({**_cm("held", owner_reference(owner)),
              "metadata": {"name": "held", "namespace": "default", "finalizers": ["example.com/hold"],
                           "ownerReferences": [owner_reference(owner)]}})
    c.delete("configmap", "owner", propagation="Foreground")
    c.settle()
    live = c.get("configmap", "owner")
    assert live["metadata"]["deletionTimestamp"]
    assert "foregroundDeletion" in live["metadata"]["finalizers"]
    assert c.try_get("configmap", "child") is None
    held = c.get("configmap", "held")
    assert held["metadata"]["deletionTimestamp"]  # deleted in the foreground too, held by its finalizer
    c.patch("configmap", "held", lambda o: o["metadata"].__setitem__(
        "finalizers", [f for f in o["metadata"]["finalizers"] if f != "example.com/hold"]))
    c.settle()
    assert _names(c) == []


def test_orphan_keeps_dependents_and_drops_the_reference() -> None:
    c = Cluster(seed=1)
    owner = _owner(c, "owner")
    other = _owner(c, "other")
    c.create(_cm("child", owner_reference(owner), owner_reference(other, controller=False)))
    c.delete("configmap", "owner", propagation="Orphan")
    c.settle()
    assert c.try_get("configmap", "owner") is None
    refs = c.get("configmap", "child")["metadata"]["ownerReferences"]
    assert [r["name"] for r in refs] == ["other"]


def test_orphan_with_a_single_owner_leaves_no_references() -> None:
    c = Cluster(seed=1)
    owner = _owner(c, "owner")
    c.create(_cm("child", owner_reference(owner)))
    c.delete("configmap", "owner", propagation="Orphan")
    c.settle()
    assert not c.get("configmap", "child")["metadata"].get("ownerReferences")


def test_dangling_owner_reference_is_collected() -> None:
    c = Cluster(seed=1)
    ghost = {"apiVersion": "v1", "kind": "ConfigMap", "name": "ghost",
             "uid": "00000000-0000-4000-8000-000000000000", "controller": True}
    c.create(_cm("orphaned", ghost))
    c.settle()
    assert c.try_get("configmap", "orphaned") is None


def test_owner_reference_to_a_recreated_owner_is_dangling() -> None:
    c = Cluster(seed=1)
    first = _owner(c, "owner")
    c.delete("configmap", "owner", propagation="Orphan")
    c.settle()
    _owner(c, "owner")  # same name, new uid
    c.create(_cm("child", owner_reference(first)))
    c.settle()
    assert c.try_get("configmap", "child") is None


def test_an_object_with_two_owners_survives_losing_one() -> None:
    c = Cluster(seed=1)
    a = _owner(c, "a")
    b = _owner(c, "b")
    c.create(_cm("shared", owner_reference(a, controller=False), owner_reference(b, controller=False)))
    c.delete("configmap", "a")
    c.settle()
    shared = c.get("configmap", "shared")
    assert [r["name"] for r in shared["metadata"]["ownerReferences"]] == ["b"]
    c.delete("configmap", "b")
    c.settle()
    assert c.try_get("configmap", "shared") is None


def test_cross_kind_cascade_from_a_deployment() -> None:
    c = Cluster(seed=1)
    dep = c.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                    "spec": {"selector": {"matchLabels": {"app": "web"}},
                             "template": {"metadata": {"labels": {"app": "web"}},
                                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    c.create({"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": "web-1", "labels": {"app": "x"}, "ownerReferences": [owner_reference(dep)]},
              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    c.delete("deployment", "web")
    c.settle()
    assert c.try_get("pod", "web-1") is None
