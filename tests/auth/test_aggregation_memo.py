"""The aggregated rules of the same ClusterRoles are worked out once per process."""

from __future__ import annotations

from kspec import templates
from kspec.auth import aggregation
from kspec.auth.aggregation import aggregated_rules, memo_aggregated_rules
from kspec.cluster import Cluster

EXTRA = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-view
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- apiGroups: [example.com]
  resources: [widgets]
  verbs: [get, list, watch]
"""


def test_the_same_roles_give_the_remembered_rules() -> None:
    c = Cluster(nodes=0)
    roles = c.api.store.list("clusterroles")
    view = c.api.store.get("clusterroles", "", "view")
    first = memo_aggregated_rules(view, roles)
    assert memo_aggregated_rules(view, list(roles)) is first
    assert first == aggregated_rules(view, roles) == view["rules"]


def test_new_clusters_reuse_the_bootstrap_roles_result() -> None:
    templates.clear()  # a template whose derived memo (aggregation.reconcile) is empty: the first start fills both
    Cluster(nodes=1)  # the per-process template (kspec/templates.py): the next clusters share its roles
    aggregation._MEMO.clear()
    Cluster(nodes=1).start()
    remembered = len(aggregation._MEMO)
    assert remembered >= 3  # admin, edit, view (and the others with an aggregationRule)
    Cluster(nodes=1).start()
    assert len(aggregation._MEMO) == remembered


def test_a_new_matching_role_still_changes_the_aggregate() -> None:
    c = Cluster(nodes=0)
    c.start()
    c.apply(EXTRA)
    c.settle()
    view = c.get("clusterrole", "view", "")
    assert {"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get", "list", "watch"]} \
        in view["rules"]
    other = Cluster(nodes=0)
    other.start()
    assert "example.com" not in str(other.get("clusterrole", "view", "")["rules"])
