"""TokenRequest (serviceaccounts/token): defaults, validation and claims as kube-apiserver's TokenREST gives them."""

from __future__ import annotations

import base64
import json

import pytest

from kspec.auth.tokens import request_token
from kspec.auth.user import user
from kspec.cluster import Cluster
from kspec.errors import ApiError


def claims(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def refusal(fn) -> ApiError:  # type: ignore[no-untyped-def]
    with pytest.raises(ApiError) as info:
        fn()
    return info.value


@pytest.fixture
def c() -> Cluster:
    return Cluster(nodes=1)


def test_an_hour_by_default_from_the_virtual_clock(c: Cluster) -> None:
    c.clock.run_for(61_000)
    out = request_token(c.api, "default", "default", {})
    assert out["spec"] == {"audiences": ["https://kubernetes.default.svc.cluster.local"], "expirationSeconds": 3600}
    assert out["status"]["expirationTimestamp"] == "2025-01-01T01:01:01Z"
    assert out["metadata"] == {"name": "default", "namespace": "default", "creationTimestamp": "2025-01-01T00:01:01Z"}
    got = claims(out["status"]["token"])
    account = c.api.get("serviceaccounts", "default", "default")
    assert got["sub"] == "system:serviceaccount:default:default"
    assert got["kubernetes.io"] == {"namespace": "default",
                                    "serviceaccount": {"name": "default", "uid": account["metadata"]["uid"]}}
    assert got["exp"] - got["iat"] == 3600 and got["nbf"] == got["iat"] == 1735689661
    assert got["iss"] == "https://kubernetes.default.svc.cluster.local"
    assert list(got) == sorted(got)


def test_ten_minutes_is_the_shortest_and_2_to_the_32_seconds_the_longest(c: Cluster) -> None:
    ok = request_token(c.api, "default", "default", {"spec": {"expirationSeconds": 600, "audiences": ["vault"]}})
    assert ok["status"]["expirationTimestamp"] == "2025-01-01T00:10:00Z"
    assert claims(ok["status"]["token"])["aud"] == ["vault"]
    short = refusal(lambda: request_token(c.api, "default", "default", {"spec": {"expirationSeconds": 599}}))
    assert (short.code, short.message) == (422, 'TokenRequest.authentication.k8s.io "" is invalid: '
                                                "spec.expirationSeconds: Invalid value: 599: may not specify a "
                                                "duration less than 10 minutes")
    long = refusal(lambda: request_token(c.api, "default", "default", {"spec": {"expirationSeconds": 2**32 + 1}}))
    assert long.message.endswith("Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds")


def test_the_account_must_exist_and_match_the_body(c: Cluster) -> None:
    missing = refusal(lambda: request_token(c.api, "default", "nosuch", {}))
    assert (missing.code, missing.message) == (404, 'serviceaccounts "nosuch" not found')
    other = refusal(lambda: request_token(c.api, "default", "default", {"metadata": {"name": "x"}}))
    assert other.message == ('TokenRequest.authentication.k8s.io "default" is invalid: metadata.name: Invalid '
                             'value: "x": must match the service account name if specified')


def test_a_token_bound_to_a_pod_names_the_pod_and_its_node(c: Cluster) -> None:
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
             "spec": {"containers": [{"name": "web", "image": "nginx"}]}})
    c.settle()
    pod = c.api.get("pods", "web", "default")
    ref = {"kind": "Pod", "apiVersion": "v1", "name": "web"}
    got = claims(request_token(c.api, "default", "default", {"spec": {"boundObjectRef": ref}})["status"]["token"])
    assert got["kubernetes.io"]["pod"] == {"name": "web", "uid": pod["metadata"]["uid"]}
    assert got["kubernetes.io"]["node"]["name"] == pod["spec"]["nodeName"]
    c.apply({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "builder"}})
    wrong = refusal(lambda: request_token(c.api, "default", "builder", {"spec": {"boundObjectRef": ref}}))
    assert wrong.message == ('cannot bind token for serviceaccount "builder" to pod running with serviceaccount '
                             '"default"')
    stale = refusal(lambda: request_token(c.api, "default", "default",
                                          {"spec": {"boundObjectRef": {**ref, "uid": "old"}}}))
    assert stale.code == 409 and "does not match the UID in record" in stale.message
    odd = refusal(lambda: request_token(c.api, "default", "default", {"spec": {"boundObjectRef": {
        "kind": "Deployment", "apiVersion": "apps/v1", "name": "web"}}}))
    assert odd.message == "cannot bind token to object of type apps/v1, Kind=Deployment"


def test_tokens_are_deterministic_and_each_one_differs(c: Cluster) -> None:
    first = [request_token(c.api, "default", "default", {})["status"]["token"] for _ in range(2)]
    again = Cluster(nodes=1)
    assert [request_token(again.api, "default", "default", {})["status"]["token"] for _ in range(2)] == first
    assert first[0] != first[1]
    assert claims(first[0])["jti"] != claims(first[1])["jti"]


def test_creating_a_token_needs_create_on_serviceaccounts_token(c: Cluster) -> None:
    c.api.user = user("alice")
    try:
        denied = refusal(lambda: request_token(c.api, "default", "default", {}))
    finally:
        c.api.user = None
    assert (denied.code, denied.message) == (403, 'serviceaccounts "default" is forbidden: User "alice" cannot '
                                                  'create resource "serviceaccounts/token" in API group "" in the '
                                                  'namespace "default"')
