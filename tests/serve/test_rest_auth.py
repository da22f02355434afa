"""The REST surface of kubectl auth whoami, auth can-i --list and create token, without kubectl.

kubectl's typed clients send these bodies in protobuf; they are built here with test_protobuf's encoder.
"""

from __future__ import annotations

import json

from kspec.cluster import Cluster
from kspec.serve.rest import Response, Rest
from tests.serve.test_protobuf import PB, envelope, ld, vf

SA_TOKEN = "/api/v1/namespaces/default/serviceaccounts/default/token"


def post(rest: Rest, path: str, body: bytes, ctype: str = PB,
         headers: tuple[tuple[str, str], ...] = ()) -> tuple[int, dict]:
    out = rest.handle("POST", path, "", "application/json", ctype, body, headers)
    assert isinstance(out, Response)
    return out.code, json.loads(out.body)


def get(rest: Rest, path: str) -> dict:
    out = rest.handle("GET", path, "", "application/json", "", b"")
    assert isinstance(out, Response) and out.code == 200
    return json.loads(out.body)


def test_discovery_serves_the_review_kinds_and_the_token_subresource() -> None:
    rest = Rest(Cluster(nodes=1))
    groups = {g["name"] for g in get(rest, "/apis")["groups"]}
    assert "authentication.k8s.io" in groups
    authn = {r["name"]: r for r in get(rest, "/apis/authentication.k8s.io/v1")["resources"]}
    assert authn == {"selfsubjectreviews": {
        "name": "selfsubjectreviews", "singularName": "selfsubjectreview", "namespaced": False,
        "kind": "SelfSubjectReview", "verbs": ["create"], "shortNames": []}}
    authz = {r["name"]: r for r in get(rest, "/apis/authorization.k8s.io/v1")["resources"]}
    assert authz["selfsubjectrulesreviews"]["verbs"] == ["create"]
    assert "selfsubjectrulesreviews/status" not in authz
    core = {r["name"]: r for r in get(rest, "/api/v1")["resources"]}
    assert core["serviceaccounts/token"] == {"name": "serviceaccounts/token", "singularName": "", "namespaced": True,
                                             "group": "authentication.k8s.io", "version": "v1",
                                             "kind": "TokenRequest", "verbs": ["create"]}


def test_a_protobuf_self_subject_review_answers_the_impersonated_user() -> None:
    rest = Rest(Cluster(nodes=1))
    body = envelope("authentication.k8s.io/v1", "SelfSubjectReview", ld(1, b""))
    code, out = post(rest, "/apis/authentication.k8s.io/v1/selfsubjectreviews", body,
                     headers=(("Impersonate-User", "alice"), ("Impersonate-Group", "dev")))
    assert code == 201
    assert out["status"]["userInfo"] == {"username": "alice", "groups": ["dev", "system:authenticated"]}


def test_a_protobuf_rules_review_reads_the_namespace_from_its_spec() -> None:
    rest = Rest(Cluster(nodes=1))
    body = envelope("authorization.k8s.io/v1", "SelfSubjectRulesReview", ld(2, ld(1, "kube-system")))
    code, out = post(rest, "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", body,
                     headers=(("Impersonate-User", "alice"),))
    assert code == 201 and out["kind"] == "SelfSubjectRulesReview"
    assert {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]} \
        in out["status"]["resourceRules"]
    code, err = post(rest, "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                     envelope("authorization.k8s.io/v1", "SelfSubjectRulesReview", ld(2, b"")))
    assert (code, err["message"]) == (400, "no namespace on request")


def test_a_protobuf_token_request_with_its_expiration_seconds() -> None:
    rest = Rest(Cluster(nodes=1))
    body = envelope("authentication.k8s.io/v1", "TokenRequest", ld(2, ld(1, "vault") + vf(4, 900)))
    code, out = post(rest, SA_TOKEN, body)
    assert code == 201 and out["kind"] == "TokenRequest"
    assert out["spec"] == {"audiences": ["vault"], "expirationSeconds": 900}
    assert out["status"]["expirationTimestamp"] == "2025-01-01T00:15:00Z"
    code, err = post(rest, SA_TOKEN, json.dumps({"spec": {"expirationSeconds": 60}}).encode(), "application/json")
    assert (code, err["reason"]) == (422, "Invalid")
    assert err["message"].endswith("spec.expirationSeconds: Invalid value: 60: may not specify a duration less "
                                   "than 10 minutes")
    wrong = rest.handle("GET", SA_TOKEN, "", "application/json", "", b"")
    assert isinstance(wrong, Response) and wrong.code == 405
