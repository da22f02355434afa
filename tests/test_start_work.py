"""What a cluster's start does once instead of once per object or per cluster, with the same outcome."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.auth.aggregation import ClusterRoleAggregationController
from kspec.cluster import Cluster
from kspec.loadbalancer import pool


def test_the_aggregation_controllers_start_up_replay_enqueues_the_aggregated_roles_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real = ClusterRoleAggregationController._aggregated_keys
    monkeypatch.setattr(ClusterRoleAggregationController, "_aggregated_keys",
                        lambda self, obj: calls.append(obj) or real(self, obj))
    c = Cluster(nodes=1)
    real_start = ClusterRoleAggregationController.start
    queued: list[list[str]] = []

    def start(self: ClusterRoleAggregationController) -> None:
        real_start(self)
        queued.append(list(self.queue._order))

    monkeypatch.setattr(ClusterRoleAggregationController, "start", start)
    c.start()
    assert len(calls) == 1  # not once per bootstrap ClusterRole
    assert queued == [["admin", "edit", "view"]]  # every aggregated role, in name order, as the replay queued them
    c.settle()
    assert c.get("clusterrole", "view", "")["rules"]  # aggregated from the aggregate-to-view roles


def test_a_later_clusterrole_change_still_enqueues_every_aggregated_role(monkeypatch: pytest.MonkeyPatch) -> None:
    c = Cluster(nodes=1)
    c.start()
    ctrl = next(x for x in c.controllers if isinstance(x, ClusterRoleAggregationController))
    c.apply("""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: extra, labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
rules: [{apiGroups: [example.com], resources: [widgets], verbs: [get]}]
""")
    assert "extra" not in ctrl.queue._queued
    assert any("widgets" in r.get("resources", []) for r in c.get("clusterrole", "view", "")["rules"])


def test_the_load_balancer_pool_is_parsed_once_per_text() -> None:
    Cluster(nodes=1).start()
    before = pool.parse_pool.cache_info()
    Cluster(nodes=1).start()
    after = pool.parse_pool.cache_info()
    assert after.hits > before.hits and after.misses == before.misses
    with pytest.raises(pool.PoolError):
        pool.parse_pool("10.0.0.9-10.0.0.1")


def test_a_cluster_with_n_nodes_builds_its_node_specs_without_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from kspec.cluster import NodeSpec, nodes_from_table
    from kspec.harness import Harness
    from kspec.steps import cluster as cluster_steps

    expected = nodes_from_table([["name"], ["node-1"], ["node-2"], ["node-3"]])
    assert expected == [NodeSpec("node-1"), NodeSpec("node-2"), NodeSpec("node-3")]

    def no_table(_table: list[list[str]]) -> list[NodeSpec]:
        raise AssertionError("a count of nodes needs no table")

    monkeypatch.setattr(cluster_steps, "nodes_from_table", no_table)
    k = Harness()
    cluster_steps.cluster_with_nodes(k, 3)
    assert [n["metadata"]["name"] for n in k.cluster.list("nodes", None)] == ["node-1", "node-2", "node-3"]
