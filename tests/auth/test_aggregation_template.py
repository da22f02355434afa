"""The aggregated ClusterRoles' start-up sync on a template's ClusterRoles is answered from the template's memo
(kspec/auth/aggregation.py ``reconcile``): the roles end as a fresh aggregation leaves them, and any other
ClusterRole still goes through the aggregation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kspec import templates
from kspec.auth import aggregation
from kspec.cluster import Cluster

EXTRA = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": "extra", "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
         "rules": [{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get"]}]}


@pytest.fixture
def fresh() -> Iterator[None]:
    saved = templates.ENABLED
    templates.ENABLED = True
    templates.clear()
    yield
    templates.ENABLED = saved
    templates.clear()


def _roles(c: Cluster) -> list[Any]:
    c.settle()
    return c.api.store.list("clusterroles")


def _aggregations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = aggregation.memo_aggregated_rules

    def counted(role: Any, roles: list[Any]) -> list[Any]:
        calls.append(role["metadata"]["name"])
        return real(role, roles)

    monkeypatch.setattr(aggregation, "memo_aggregated_rules", counted)
    return calls


def test_the_second_cluster_of_a_template_syncs_its_aggregated_roles_from_the_memo(
        fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    templates.ENABLED = False
    eager = _roles(Cluster(nodes=2))
    templates.ENABLED = True
    calls = _aggregations(monkeypatch)
    first = _roles(Cluster(nodes=2))  # records the template
    second = _roles(Cluster(nodes=2))  # built from it
    third = _roles(Cluster(nodes=2))
    assert first == second == third == eager
    assert calls.count("view") == 2  # the recording cluster and the first built from the template, not the third


def test_a_clusterrole_written_before_the_sync_is_aggregated(fresh: None) -> None:
    _roles(Cluster(nodes=1))
    _roles(Cluster(nodes=1))  # the memo is there
    c = Cluster(nodes=1)
    c.api.create(EXTRA)
    view = next(r for r in _roles(c) if r["metadata"]["name"] == "view")
    assert any("widgets" in rule.get("resources", []) for rule in view["rules"])
