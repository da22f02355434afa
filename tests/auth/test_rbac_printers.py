"""kubectl get roles / clusterroles / rolebindings / clusterrolebindings (printers.go printRole, printRoleBinding)."""

from __future__ import annotations

from datetime import UTC, datetime

from kspec.printers import render, table

NOW = datetime(2025, 1, 1, 0, 10, tzinfo=UTC)
CREATED = "2025-01-01T00:00:00Z"


def test_roles_print_their_creation_time() -> None:
    role = {"kind": "ClusterRole", "metadata": {"name": "system:basic-user", "creationTimestamp": CREATED}}
    assert render(*table("clusterroles", [role], NOW)) == \
        "NAME                CREATED AT\nsystem:basic-user   2025-01-01T00:00:00Z"
    assert table("roles", [{**role, "kind": "Role"}], NOW)[0] == ["NAME", "CREATED AT"]


def test_bindings_print_kind_slash_role_and_wide_subjects_by_kind() -> None:
    binding = {"kind": "ClusterRoleBinding", "metadata": {"name": "b", "creationTimestamp": CREATED},
               "roleRef": {"kind": "ClusterRole", "name": "edit"},
               "subjects": [{"kind": "User", "name": "a"}, {"kind": "User", "name": "b"},
                            {"kind": "ServiceAccount", "name": "ci", "namespace": "tools"}]}
    assert table("clusterrolebindings", [binding], NOW) == (["NAME", "ROLE", "AGE"], [["b", "ClusterRole/edit", "10m"]])
    headers, rows = table("rolebindings", [binding], NOW, wide=True)
    assert headers == ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]
    assert rows == [["b", "ClusterRole/edit", "10m", "a, b", "", "tools/ci"]]
