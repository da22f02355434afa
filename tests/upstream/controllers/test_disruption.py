"""kubernetes pkg/controller/disruption/disruption_test.go: PodDisruptionBudget status through kspec's controller.

Each upstream test is a short story (add a budget, controllers and pods, sync, verify the status); here it is
a list of steps run against a cluster whose only actor is the disruption controller's reconcile. Names with
spaces ("pod 0") become dashed: the API server would refuse them and nothing depends on them.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec import Cluster
from kspec.controllers.disruption import DisruptionController
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/disruption/disruption_test.go"

FOO = {"foo": "bar"}
RC_LABELS = {"foo": "bar", "baz": "quux"}
D_LABELS = {"foo": "bar", "baz": "quuux"}
KINDS = {"rs": ("apps/v1", "ReplicaSet", "replicasets"), "rc": ("v1", "ReplicationController",
                                                                 "replicationcontrollers"),
         "ss": ("apps/v1", "StatefulSet", "statefulsets"), "d": ("apps/v1", "Deployment", "deployments")}


def expect(allowed: int, healthy: int, desired: int, expected: int, disrupted: tuple = ()) -> tuple:
    """ps.VerifyPdbStatus."""
    return ("expect", allowed, healthy, desired, expected, list(disrupted))


def two_controllers() -> list[tuple]:
    """TestTwoControllers: its loops unrolled, with its constants."""
    size, one, two = 11, 4, 7
    steps: list[tuple] = [("pdb", "min", "28%", None), ("owner", "rc", "foobar", size, RC_LABELS), ("sync",),
                          expect(0, 0, 0, 0)]
    unavailable = size - one - 1
    for i in range(1, size + 1):
        steps += [("pod", f"quux-{i}", ("rc", "foobar"), RC_LABELS, i > unavailable), ("sync",)]
        if i <= unavailable:
            steps.append(expect(0, 0, one, size))
        elif i - unavailable <= one:
            steps.append(expect(0, i - unavailable, one, size))
        else:
            steps.append(expect(1, i - unavailable, one, size))
    steps += [("owner", "d", "foobar", size, D_LABELS), ("sync",), expect(1, one + 1, one, size),
              ("owner", "rs", "foobar", size, D_LABELS), ("sync",), expect(1, one + 1, one, size)]
    unavailable = 2 * size - (two + 2) - unavailable
    for i in range(1, size + 1):
        steps += [("pod", f"quuux-{i}", ("rs", "foobar"), D_LABELS, i > unavailable), ("sync",)]
        if i <= unavailable:
            steps.append(expect(0, one + 1, two, 2 * size))
        elif i - unavailable <= two - (one + 1):
            steps.append(expect(0, (one + 1) + (i - unavailable), two, 2 * size))
        else:
            steps.append(expect(i - unavailable - (two - (one + 1)), (one + 1) + (i - unavailable), two, 2 * size))
    steps += [expect(2, 2 + two, two, 2 * size),
              ("ready", f"quux-{size}", False), ("sync",), expect(1, 1 + two, two, 2 * size),
              ("ready", f"quux-{size - 1}", False), ("sync",), expect(0, two, two, 2 * size),
              ("ready", f"quux-{size}", True), ("sync",), expect(1, 1 + two, two, 2 * size)]
    return steps


def grow(owner: tuple | None, labels: dict, prefix: str, n: int, ready_at: int) -> list[tuple]:
    """TestReplicationController / TestStatefulSetController: pods added one by one."""
    steps: list[tuple] = []
    for i in range(n):
        steps += [("pod", f"{prefix}-{i}", owner, labels, True), ("sync",),
                  expect(0, i + 1, 2, 3) if i < ready_at else expect(1, 3, 2, 3)]
    return steps


CUSTOM = "a custom resource's scale subresource (scale client and discovery): kspec has no custom resources"
CASES = [
    case("TestNoSelector", "empty selector matches all pods", steps=[
        ("pdb", "min", 3, {}), ("sync",), expect(0, 0, 3, 0),
        ("pod", "yo-yo-yo", None, FOO, True), ("sync",), expect(0, 1, 3, 1)]),
    case("TestUnavailable", "counts go up, then one pod is unready", steps=[
        ("pdb", "min", 3, None), ("sync",),
        *[s for i in range(4) for s in (expect(0, i, 3, i), ("pod", f"yo-yo-yo-{i}", None, FOO, True), ("sync",))],
        expect(1, 4, 3, 4), ("ready", "yo-yo-yo-0", False), ("sync",), expect(0, 3, 3, 4)]),
    case("TestIntegerMaxUnavailable", "no disruption for pods without a controller", steps=[
        ("pdb", "max", 1, None), ("sync",), ("allowed", 0),
        ("pod", "naked", None, FOO, True), ("sync",), ("allowed", 0)]),
    case("TestIntegerMaxUnavailableWithScaling", "scale of the controller changes", steps=[
        ("pdb", "max", 2, None), ("owner", "rs", "foobar", 7, FOO), ("pod", "pod", ("rs", "foobar"), FOO, True),
        ("sync",), expect(0, 1, 5, 7), ("scale", "rs", "foobar", 5), ("sync",), expect(0, 1, 3, 5)]),
    case("TestPercentageMaxUnavailableWithScaling", "scale of the controller changes", steps=[
        ("pdb", "max", "30%", None), ("owner", "rs", "foobar", 7, FOO), ("pod", "pod", ("rs", "foobar"), FOO, True),
        ("sync",), expect(0, 1, 4, 7), ("scale", "rs", "foobar", 3), ("sync",), expect(0, 1, 2, 3)]),
    case("TestNakedPod", "a percentage allows no disruption of a pod without a controller", steps=[
        ("pdb", "min", "28%", None), ("sync",), ("allowed", 0),
        ("pod", "naked", None, FOO, True), ("sync",), ("allowed", 0)]),
    case("TestStatusForUnmanagedPod", "unmanaged pods are no sync error", steps=[
        ("pdb", "min", "28%", None), ("sync",), ("allowed", 0),
        ("pod", "unmanaged", None, FOO, True), ("sync",), ("no_sync_error",)]),
    case("TestTotalUnmanagedPods", "unmanaged pods are collected", steps=[
        ("pdb", "min", "28%", None), ("sync",), ("allowed", 0),
        ("pod", "unmanaged", None, FOO, True), ("sync",), ("unmanaged", 1), ("no_sync_error",)]),
    case("TestReplicaSet", "a ReplicaSet without a Deployment counts", steps=[
        ("pdb", "min", "20%", None), ("owner", "rs", "foobar", 10, FOO),
        ("pod", "pod", ("rs", "foobar"), FOO, True), ("sync",), expect(0, 1, 2, 10)]),
    case("TestScaleResource", "custom resource scale", steps=[("custom",)], unmodelled=CUSTOM),
    *(case("TestScaleFinderNoResource", name, steps=[("custom",)], unmodelled=CUSTOM)
      for name in ("resource implements scale", "resource implements unsupported data format for scale subresource",
                   "resource does not implement scale")),
    case("TestMultipleControllers", "one controller allows a disruption", steps=[
        ("pdb", "min", "1%", None), ("pod", "pod-0", None, FOO, True), ("pod", "pod-1", None, FOO, True),
        ("sync",), ("allowed", 0), ("owner", "rc", "rc-1", 1, FOO), ("own", "rc", "rc-1", ["pod-0", "pod-1"]),
        ("sync",), ("allowed", 1)]),
    case("TestReplicationController", "pods join one by one, then a rogue pod", steps=[
        ("pdb", "min", "34%", None), ("owner", "rc", "foobar", 3, RC_LABELS), ("sync",), expect(0, 0, 0, 0),
        *grow(("rc", "foobar"), RC_LABELS, "foobar", 3, 2),
        ("pod", "rogue", None, FOO, True), ("sync",), ("allowed", 2)]),
    case("TestStatefulSetController", "pods join one by one", steps=[
        ("pdb", "min", "34%", None), ("owner", "ss", "foobar", 3, RC_LABELS), ("sync",), expect(0, 0, 0, 0),
        *grow(("ss", "foobar"), RC_LABELS, "foobar", 3, 2)]),
    case("TestTwoControllers", "two controllers' pods", steps=two_controllers()),
    case("TestPDBNotExist", "a missing budget is no error", steps=[("pdb", "min", "67%", None),
                                                                   ("sync", "notExist")]),
    case("TestUpdateDisruptedPods", "disruptedPods entries expire or go with their pod", steps=[
        ("pdb", "min", 1, None), ("disrupted", {"p1": 0, "p2": -5 * 60_000, "p3": 0, "notthere": 0}),
        ("pod", "p1", None, FOO, True), ("deleting", "p1"), ("pod", "p2", None, FOO, True),
        ("pod", "p3", None, FOO, True), ("sync",), expect(0, 1, 1, 3, ["p3"])]),
]


class Story:
    """The cluster a story runs in: the disruption controller's view of budgets, controllers and pods."""

    def __init__(self) -> None:
        self.c = Cluster(nodes=0)
        self.c.clock.now = 3_600_000
        self.c.start()
        self.ctrl = next(x for x in self.c.controllers if isinstance(x, DisruptionController))
        self.owners: dict[tuple[str, str], dict] = {}
        self.last: tuple[int | None, list[str]] | None = None

    def pdb(self, kind: str, value: Any, selector: dict | None) -> None:
        field = "minAvailable" if kind == "min" else "maxUnavailable"
        self.c.api.create({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                           "metadata": {"name": "foobar", "namespace": "default"},
                           "spec": {field: value, "selector": {"matchLabels": FOO} if selector is None else selector}})

    def owner(self, kind: str, name: str, replicas: int, labels: dict) -> None:
        api_version, k, _ = KINDS[kind]
        template = {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
        spec: dict = {"replicas": replicas, "template": template,
                      "selector": labels if kind == "rc" else {"matchLabels": labels}}
        if kind == "ss":
            spec["serviceName"] = "foobar"
        self.owners[(kind, name)] = self.c.api.create({"apiVersion": api_version, "kind": k, "metadata": {
            "name": name, "namespace": "default", "labels": labels}, "spec": spec})

    def _ref(self, kind: str, name: str) -> dict:
        api_version, k, _ = KINDS[kind]
        return {"apiVersion": api_version, "kind": k, "name": name, "controller": True,
                "uid": self.owners[(kind, name)]["metadata"]["uid"]}

    def pod(self, name: str, owner: tuple | None, labels: dict, ready: bool) -> None:
        md: dict = {"name": name, "namespace": "default", "labels": labels}
        if owner is not None:
            md["ownerReferences"] = [self._ref(*owner)]
        pod = self.c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": md,
                                 "spec": {"containers": [{"name": "c", "image": "i"}]}})
        self.ready(name, ready, pod)

    def ready(self, name: str, ready: bool, pod: dict | None = None) -> None:
        pod = pod or self.c.api.get("pods", name, "default")
        conditions = [{"type": "Ready", "status": "True"}] if ready else []
        self.c.api.update_status({**pod, "status": {**pod.get("status", {}), "conditions": conditions}})

    def own(self, kind: str, name: str, pods: list[str]) -> None:
        for pod_name in pods:
            pod = self.c.api.get("pods", pod_name, "default")
            self.c.api.store.update("pods", {**pod, "metadata": {**pod["metadata"],
                                                                 "ownerReferences": [self._ref(kind, name)]}})

    def scale(self, kind: str, name: str, replicas: int) -> None:
        obj = self.c.api.store.get(KINDS[kind][2], "default", name)
        self.c.api.store.update(KINDS[kind][2], {**obj, "spec": {**obj["spec"], "replicas": replicas}})

    def deleting(self, name: str) -> None:
        pod = self.c.api.store.get("pods", "default", name)
        self.c.api.store.update("pods", {**pod, "metadata": {**pod["metadata"], "deletionTimestamp": "x"}})

    def disrupted(self, entries: dict[str, int]) -> None:
        from kspec.objects import timestamp

        pdb = self.c.api.get("poddisruptionbudgets", "foobar", "default")
        self.c.api.update_status({**pdb, "status": {"disruptedPods": {
            k: timestamp(self.c.clock.now + offset) for k, offset in entries.items()}}})

    def sync(self, name: str = "foobar") -> None:
        self.ctrl.reconcile(f"default/{name}")
        pods = [p for p in self.c.api.store.list("pods", "default")]
        self.last = self.ctrl._expected_scale(pods)

    def status(self) -> dict:
        return self.c.api.get("poddisruptionbudgets", "foobar", "default").get("status") or {}


@pytest.mark.parametrize("data", CASES)
def test_disruption(data: dict) -> None:
    story = Story()
    for step in data["steps"]:
        action, *args = step
        if action == "custom":
            raise NotImplementedError("no custom resources with a scale subresource in kspec")
        if action == "expect":
            allowed, healthy, desired, expected, disrupted = args
            status = story.status()
            got = (status.get("disruptionsAllowed"), status.get("currentHealthy"), status.get("desiredHealthy"),
                   status.get("expectedPods"), sorted(status.get("disruptedPods") or {}))
            assert got == (allowed, healthy, desired, expected, disrupted), step
            cond = next(c for c in status["conditions"] if c["type"] == "DisruptionAllowed")
            assert cond["status"] == ("True" if allowed > 0 else "False")
        elif action == "allowed":
            assert story.status().get("disruptionsAllowed") == args[0], step
        elif action == "no_sync_error":
            assert all(c.get("reason") != "SyncFailed" for c in story.status().get("conditions") or [])
        elif action == "unmanaged":
            assert story.last is not None and len(story.last[1]) == args[0]
        else:
            getattr(story, action)(*args)
