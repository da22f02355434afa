"""The scheduler inside a cluster: determinism, settling, swapping, explaining."""

from __future__ import annotations

import pytest

from kspec import Cluster
from kspec.cluster import NodeSpec
from kspec.errors import PluginError, StepError
from kspec.hookspec import hookimpl
from kspec.scheduler.framework import CycleState, Plugin, Status, unresolvable
from kspec.scheduler.plugins.tainttoleration import TaintToleration
from kspec.scheduler.profile.config import configure
from kspec.scheduler.registry import PluginRegistry


def pod(name: str, cpu: str = "100m", **spec: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name[:3]}},
            "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": cpu}}}],
                     **spec}}


def run(seed: int) -> tuple[list[tuple[str, str]], list[str]]:
    c = Cluster(nodes=[NodeSpec(f"n{i}", zone=f"z{i % 2}") for i in range(6)], seed=seed)
    for i in range(30):
        c.create(pod(f"web-{i}", cpu=f"{100 + 37 * (i % 7)}m"))
    c.settle()
    placed = sorted((p["metadata"]["name"], p["spec"].get("nodeName", "")) for p in c.list("pods"))
    return placed, [f"{e.time_ms} {e.reason} {e.name} {e.message}" for e in c.event_log]


def test_same_seed_same_run() -> None:
    assert run(3) == run(3)
    assert all(node for _, node in run(3)[0])


def test_settle_finishes_with_an_unschedulable_pod() -> None:
    c = Cluster(nodes=1)
    c.create(pod("huge", cpu="64"))
    c.settle()
    assert not c.get("pod", "huge")["spec"].get("nodeName")
    cond = [x for x in c.get("pod", "huge")["status"]["conditions"] if x["type"] == "PodScheduled"][0]
    assert (cond["status"], cond["reason"]) == ("False", "Unschedulable")


def test_a_pod_deleted_while_queued_leaves_the_queue() -> None:
    c = Cluster(nodes=1)
    c.create(pod("huge", cpu="64"))
    c.settle()
    c.delete("pod", "huge")
    scheduler = c.components["scheduler"]
    assert "default/huge" not in scheduler.queue.pods


def test_no_nodes_message() -> None:
    c = Cluster(nodes=0)
    c.create(pod("web"))
    c.settle()
    c.expect.has_event("pod", "web", "FailedScheduling", message="no nodes available to schedule pods")


def test_explain_lists_verdicts() -> None:
    c = Cluster(nodes=[NodeSpec("a", taints=[{"key": "k", "effect": "NoSchedule"}]), NodeSpec("b", cpu="1")])
    c.create(pod("web", cpu="2"))
    c.settle()
    text = c.components["scheduler"].explain_text("default", "web")
    assert "TaintToleration" in text and "NodeResourcesFit" in text
    c.components["scheduler"].expect_filtered("web", "a", "TaintToleration")
    with pytest.raises(AssertionError, match='by "TaintToleration"'):
        c.components["scheduler"].expect_filtered("web", "a", "NodeAffinity")


def test_a_misspelt_filter_plugin_is_named_not_read_as_passed() -> None:
    c = Cluster(nodes=[NodeSpec("a", cpu="1")])
    c.create(pod("web", cpu="2"))
    c.settle()
    with pytest.raises(StepError, match='profile "default-scheduler" has no filter plugin "NodeResourceFit" '
                                        r'\(did you mean "NodeResourcesFit"\?\); its PreFilter and Filter plugins '
                                        'are .*TaintToleration'):
        c.components["scheduler"].expect_filtered("web", "a", "NodeResourceFit")
    c.components["scheduler"].expect_filtered("web", "a", "NodeResourcesFit")


def test_registry_refuses_duplicates_and_lists_names() -> None:
    registry = PluginRegistry()
    registry.register(TaintToleration)
    with pytest.raises(PluginError, match="already exists"):
        registry.register(TaintToleration)
    with pytest.raises(PluginError, match='registered plugins are "TaintToleration"'):
        registry.get("Nope")


def test_unknown_plugin_in_configuration_lists_registered_ones() -> None:
    c = Cluster(nodes=1)
    with pytest.raises(PluginError, match='unknown scheduler plugin "Nope".*"NodeResourcesFit"'):
        configure(c, "profiles: [{plugins: {filter: {enabled: [{name: Nope}]}}}]")
    c.start()
    with pytest.raises(StepError, match="before the cluster starts"):
        configure(c, "kind: KubeSchedulerConfiguration")


class KeepOut(Plugin):
    """A third-party filter that refuses node "a"."""

    NAME = "KeepOut"

    def filter(self, state: CycleState, pi: object, ni: object) -> Status | None:
        return unresolvable("node(s) are kept out") if ni.name == "a" else None  # type: ignore[attr-defined]


class ThirdParty:
    @hookimpl
    def kspec_scheduler_plugins(self, registry: PluginRegistry) -> None:
        registry.register(KeepOut)


def test_third_party_plugin_enabled_by_name() -> None:
    c = Cluster(nodes=[NodeSpec("a"), NodeSpec("b", cpu="1")], plugins_=[ThirdParty()])
    configure(c, "profiles: [{plugins: {multiPoint: {enabled: [{name: KeepOut}]}}}]")
    c.create(pod("web"))
    c.expect.pod_scheduled_to("web", "b")
    c.components["scheduler"].expect_filtered("web", "a", "KeepOut")


def test_unknown_scheduler_name_lists_registered() -> None:
    c = Cluster(nodes=1)
    with pytest.raises(PluginError, match='"default-scheduler"'):
        c.use("scheduler", "no-such-scheduler")
