"""How a scheduling attempt reports plugin errors (schedulingCycle / handleSchedulingFailure): a PostFilter Error
joins the FitError rather than replacing it, and a failed Reserve does not go on to bind the pod."""

from __future__ import annotations

from typing import Any

from kspec.cluster import Cluster, NodeSpec
from kspec.scheduler.framework import Code, CycleState, Plugin, Status
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.profile.config import configure
from tests.upstream.scheduler.fakeplugins import RegisterPlugins


class FailingRemovePod(Plugin):
    """A PreFilter whose RemovePod fails, so preemption's dry run errs on every node."""

    NAME = "FailingRemovePod"

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[None, None]:
        return None, None

    def remove_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: Any) -> Status:
        return Status(Code.ERROR, f"failed to remove pod: {pi.name}")


class RejectingReserve(Plugin):
    NAME = "RejectingReserve"

    def reserve(self, state: CycleState, pi: PodInfo, node: str) -> Status:
        return Status(Code.UNSCHEDULABLE, "no room reserved")

    def unreserve(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None


def _pod(name: str, priority: str, cpu: str, node: str = "") -> dict[str, Any]:
    spec: dict[str, Any] = {"priorityClassName": priority, "containers": [
        {"name": "c", "image": "pause", "resources": {"requests": {"cpu": cpu}}}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def test_post_filter_error_joins_the_fit_error() -> None:
    c = Cluster(nodes=[NodeSpec("n1", cpu="1")], plugins_=[RegisterPlugins([FailingRemovePod])])
    configure(c, "profiles: [{plugins: {preFilter: {enabled: [{name: FailingRemovePod}]}}}]")
    for name, value in (("low", 0), ("high", 1000)):
        c.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                  "value": value})
    c.create(_pod("victim", "low", "800m", "n1"))
    c.settle()
    c.create(_pod("web", "high", "800m"))
    c.expect.has_event("pod", "web", "FailedScheduling", message="0/1 nodes are available: 1 Insufficient cpu. "
                       'preemption: running RemovePod on PreFilter plugin "FailingRemovePod": failed to remove pod: '
                       "web")
    cond = next(x for x in c.api.store.get("pods", "default", "web")["status"]["conditions"]
                if x["type"] == "PodScheduled")
    assert cond["reason"] == "Unschedulable"


def test_reserve_rejection_does_not_bind() -> None:
    c = Cluster(nodes=[NodeSpec("n1")], plugins_=[RegisterPlugins([RejectingReserve])])
    configure(c, "profiles: [{plugins: {reserve: {enabled: [{name: RejectingReserve}]}}}]")
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"},
              "spec": {"containers": [{"name": "c", "image": "pause"}]}})
    c.clock.run_now()
    assert not c.api.store.get("pods", "default", "web")["spec"].get("nodeName")
    c.expect.has_event("pod", "web", "FailedScheduling", message="0/1 nodes are available: 1 no room reserved.")
