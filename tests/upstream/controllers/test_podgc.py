"""kubernetes pkg/controller/podgc/gc_controller_test.go: force-deleting pods of out-of-service and vanished nodes.

Adapter: upstream runs ``gcc.gc`` over informer stores and a fake clientset, then reads the patch and delete
actions. Here the controller gets a fake API holding the table's nodes and pods, recording the same two actions,
and one pass of its reconcile per node stands in for ``gc``. The terminated-pod threshold and the unscheduled
terminating pods paths are not modelled in kspec, so their tests are not ported.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.clock import Clock
from kspec.controllers.podgc import ORPHAN_MESSAGE, PodGCController
from kspec.objects import Obj, clone, timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/podgc/gc_controller_test.go"
OOS = "node.kubernetes.io/out-of-service"


class FakeAPI:
    """Nodes and pods by name; ``patched`` and ``deleted`` are the fake clientset's actions."""

    def __init__(self, nodes: list[Obj], pods: list[Obj]) -> None:
        self.objs: dict[tuple[str, str], Obj] = {("nodes", n["metadata"]["name"]): n for n in nodes}
        self.objs.update({("pods", p["metadata"]["name"]): p for p in pods})
        self.patched: list[str] = []
        self.deleted: list[tuple[str, int | None]] = []
        self.store = self

    def get(self, resource: str, _ns: str, name: str) -> Obj | None:
        return self.objs.get((resource, name))

    def list(self, resource: str, _ns: str | None = None) -> list[Obj]:
        return [o for (r, _), o in sorted(self.objs.items()) if r == resource]

    def patch(self, resource: str, name: str, _ns: str, mutate: Any, *, status: bool = False) -> Obj:
        obj = clone(self.objs[(resource, name)])
        mutate(obj)
        self.objs[(resource, name)] = obj
        self.patched.append(name)
        return obj

    def delete(self, resource: str, name: str, _ns: str, grace_period_seconds: int | None = None) -> None:
        self.deleted.append((name, grace_period_seconds))


class FakeCluster:
    def __init__(self, api: FakeAPI) -> None:
        self.api, self.clock, self.events = api, Clock(), None


def node(name: str, ready: str, taints: list[Obj] | None = None) -> Obj:
    return {"metadata": {"name": name}, "spec": {"taints": taints or []},
            "status": {"conditions": [{"type": "Ready", "status": ready}]}}


def pod(name: str, node_name: str, phase: str = "", deleted: bool = False, grace: int | None = None,
        finalizers: list[str] | None = None) -> Obj:
    md: dict[str, Any] = {"name": name, "namespace": "default"}
    if deleted:
        md["deletionTimestamp"] = timestamp(0)
    if grace is not None:
        md["deletionGracePeriodSeconds"] = grace
    if finalizers:
        md["finalizers"] = finalizers
    return {"metadata": md, "spec": {"nodeName": node_name}, "status": {"phase": phase} if phase else {}}


def gc(nodes: list[Obj], pods: list[Obj]) -> FakeAPI:
    api = FakeAPI(nodes, pods)
    gcc = PodGCController(FakeCluster(api))  # type: ignore[arg-type]
    for n in nodes:
        gcc.reconcile("terminating:" + n["metadata"]["name"])
    return api


def gc_terminating(nodes: list[Obj], pods: list[Obj], deleted: set[str], patched: set[str]) -> None:
    api = gc(nodes, pods)
    assert {n for n, _ in api.deleted} == deleted
    assert all(g == 0 for _, g in api.deleted)
    assert set(api.patched) == patched


def taint(effect: str, value: str = "") -> list[Obj]:
    return [{"key": OOS, "value": value, "effect": effect}] if value else [{"key": OOS, "effect": effect}]


def _five(suffix: str, node_name: str, first_node: str | None = None) -> list[Obj]:
    return [pod("a" + suffix, first_node or node_name), pod("b" + suffix, node_name, deleted=True),
            pod("c" + suffix, node_name, "Pending"), pod("d" + suffix, node_name, "Running"),
            pod("e" + suffix, node_name, "Unknown")]


MIXED_NODES = [node("worker-0", "False", taint("NoExecute")), node("worker-1", "False"), node("worker-2", "True"),
               node("worker-3", "False", taint("NoSchedule")), node("worker-4", "False", taint("PreferNoSchedule")),
               node("worker-5", "False", taint("NoExecute", "any-value"))]
MIXED_PODS = (_five("1", "worker-0") + _five("2", "worker-1") + _five("3", "worker-2") + _five("4", "worker-3")
              + _five("5", "worker-4", first_node="worker-3") + _five("6", "worker-5"))

TERMINATING = [
    ("pods have deletion timestamp set and the corresponding nodes are not ready",
     [node("worker-0", "False"), node("worker-1", "False")],
     [pod("a", "worker-0", deleted=True), pod("b", "worker-1", deleted=True)], set(), set()),
    ("some pods have deletion timestamp and/or phase set and some of the corresponding nodes have an"
     "outofservice taint that are not ready", MIXED_NODES, MIXED_PODS, {"b1", "b4", "b5", "b6"},
     {"b1", "b4", "b5", "b6"}),
    ("pods deleted from node tainted out-of-service", [node("worker", "False", taint("NoExecute"))],
     [pod("a", "worker", "Running", deleted=True), pod("b", "worker", "Failed", deleted=True),
      pod("c", "worker", "Succeeded", deleted=True)], {"a", "b", "c"}, {"a"}),
    ("pods that are only waiting for their finalizers are not deleted again",
     [node("worker", "False", taint("NoExecute"))],
     [pod("a", "worker", "Failed", deleted=True, grace=0, finalizers=["test.k8s.io/finalizer"]),
      pod("b", "worker", "Running", deleted=True, grace=0, finalizers=["test.k8s.io/finalizer"])], {"b"}, {"b"}),
]


def inspecting_patched_pod() -> None:
    """An orphaned pod gets phase Failed and the DisruptionTarget condition, then a delete with grace 0."""
    running = pod("testPod", "deletedNode", "Running")
    running["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    api = FakeAPI([], [running])
    gcc = PodGCController(FakeCluster(api))  # type: ignore[arg-type]
    gcc.reconcile("orphaned:deletedNode")  # the quarantine is over (upstream sets it to -1)
    patched = api.objs[("pods", "testPod")]["status"]
    assert patched["phase"] == "Failed"
    assert [(c["type"], c["status"], c.get("reason"), c.get("message")) for c in patched["conditions"]] == [
        ("Ready", "True", None, None), ("DisruptionTarget", "True", "DeletionByPodGC", ORPHAN_MESSAGE)]
    assert api.deleted == [("testPod", 0)]


CASES = [case("TestGCTerminating", name, check=lambda n=n, p=p, d=d, pa=pa: gc_terminating(n, p, d, pa))
         for name, n, p, d, pa in TERMINATING]
CASES.append(case("TestGCInspectingPatchedPodBeforeDeletion",
                  "orphaned pod should have DisruptionTarget condition added before deletion",
                  check=inspecting_patched_pod))


@pytest.mark.parametrize("data", CASES)
def test_podgc(data: dict) -> None:
    data["check"]()
