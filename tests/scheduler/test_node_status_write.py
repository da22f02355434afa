"""A node's status write (conditions, heartbeats, images) keeps the scheduler's NodeInfo and its per-node results
(Cache.node_status_written) instead of rebuilding them (Cache.add_node): the same cache and the same run."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kspec import teardown
from kspec.cluster import Cluster
from kspec.scheduler import scheduler as scheduler_module
from kspec.scheduler.nodeinfo import NodeInfo


def _pod(i: int) -> dict[str, Any]:
    cpu = "64" if i == 5 else f"{100 + 50 * (i % 3)}m"  # pod-5 fits nowhere: an unschedulable pod waits
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i}", "labels": {"app": f"a{i % 2}"}},
            "spec": {"containers": [{"name": "app", "image": f"nginx:1.{20 + i % 4}",
                                     "resources": {"requests": {"cpu": cpu}}}]}}


def _run() -> tuple[Cluster, str]:
    c = Cluster(nodes=3, seed=7)
    c.start()
    c.apply([_pod(i) for i in range(4)])
    c.run_for(30_000)  # pulls report images; heartbeats write conditions
    c.apply([_pod(i) for i in range(4, 9)])
    c.run_for(120_000)
    pods = {p["metadata"]["name"]: (p["spec"].get("nodeName"), p["status"].get("phase"))
            for p in c.api.list("pods", "default")}
    events = [(e["reason"], e["involvedObject"]["name"], e.get("message")) for e in c.api.list("events", "default")]
    sched = c.components["scheduler"]
    explain = [sched.explain_text("default", f"pod-{i}") for i in range(9)]
    return c, json.dumps([pods, events, explain], sort_keys=True)


def test_status_writes_keep_the_node_info_as_a_rebuild_would() -> None:
    c, _ = _run()
    cache = c.components["scheduler"].cache
    image_nodes: dict[str, int] = {}
    for node in c.api.store.list("nodes"):
        ni = cache.nodes[node["metadata"]["name"]]
        fresh = NodeInfo(node)
        assert ni.node is node
        for slot in ("name", "labels", "taints", "unschedulable", "alloc_cpu", "alloc_mem", "alloc_pods", "images",
                     "zone"):
            assert getattr(ni, slot) == getattr(fresh, slot), slot
        for name in fresh.images:
            image_nodes[name] = image_nodes.get(name, 0) + 1
    assert image_nodes and cache.image_nodes == image_nodes
    teardown.dismantle(c)


def test_the_run_is_the_one_add_node_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    c, fast = _run()
    teardown.dismantle(c)
    monkeypatch.setattr(scheduler_module, "_node_status_write", lambda old, new: False)
    c, full = _run()
    teardown.dismantle(c)
    assert fast == full
    assert '"pod-5"' in fast and "FailedScheduling" in fast
