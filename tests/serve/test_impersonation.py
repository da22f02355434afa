"""``kubectl --as``: the Impersonate-* headers become the identity a served request runs as."""

from __future__ import annotations

import json

import pytest

from kspec.auth.user import UserInfo
from kspec.cluster import Cluster
from kspec.errors import ApiError
from kspec.serve.impersonation import impersonated
from kspec.serve.rest import Rest


@pytest.mark.parametrize(("headers", "expected"), [
    ([], None),
    ([("Impersonate-User", "jane")], UserInfo("jane", ("system:authenticated",))),
    ([("Impersonate-User", "jane"), ("Impersonate-Group", "dev"), ("Impersonate-Group", "ops")],
     UserInfo("jane", ("dev", "ops", "system:authenticated"))),
    ([("Impersonate-User", "jane"), ("Impersonate-Group", "system:authenticated")],
     UserInfo("jane", ("system:authenticated",))),
    ([("Impersonate-User", "system:serviceaccount:team:builder")],
     UserInfo("system:serviceaccount:team:builder",
              ("system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"))),
    ([("Impersonate-User", "system:anonymous")], UserInfo("system:anonymous", ("system:unauthenticated",))),
    ([("Impersonate-User", "jane"), ("Impersonate-Extra-Scopes%2Fa", "x")],
     UserInfo("jane", ("system:authenticated",), (("scopes/a", ("x",)),))),
])
def test_the_identity_follows_upstreams_impersonation_filter(headers: list[tuple[str, str]],
                                                            expected: UserInfo | None) -> None:
    assert impersonated(headers) == expected


def test_groups_without_a_user_are_refused() -> None:
    with pytest.raises(ApiError, match="without impersonating a user"):
        impersonated([("Impersonate-Group", "dev")])


def test_a_request_runs_as_the_impersonated_user_and_only_that_request() -> None:
    rest = Rest(Cluster(nodes=1))
    jane = [("Impersonate-User", "jane")]
    out = rest.handle("GET", "/api/v1/namespaces/default/pods", "", "application/json", "", b"", jane)
    assert out.code == 403  # type: ignore[union-attr]
    assert json.loads(out.body)["message"] == ('pods is forbidden: User "jane" cannot list resource "pods" in '  # type: ignore[union-attr]
                                               'API group "" in the namespace "default"')
    assert rest.api.user is None
    assert rest.handle("GET", "/api/v1/namespaces/default/pods", "", "application/json", "", b"").code == 200  # type: ignore[union-attr]
