"""fieldValidation on served writes: Strict refuses unknown fields, Warn (the default) drops them with a
Warning header, Ignore drops them silently; admission's warnings travel as Warning headers too."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from kspec.serve import Server

CM = "/api/v1/namespaces/default/configmaps"
UNKNOWN = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}, "colour": "x"}


def post(server: Server, path: str, body: Any) -> tuple[int, Any, list[str]]:
    req = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Accept": "application/json", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read()), resp.headers.get_all("Warning") or []
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), exc.headers.get_all("Warning") or []


def test_warn_is_the_default_and_drops_the_field(served: Server) -> None:
    code, created, warnings = post(served, CM, UNKNOWN)
    assert code == 201 and "colour" not in created and created["data"] == {"a": "1"}
    assert warnings == ['299 - "unknown field \\"colour\\""']


def test_ignore_drops_silently_and_strict_refuses(served: Server) -> None:
    code, created, warnings = post(served, f"{CM}?fieldValidation=Ignore", UNKNOWN)
    assert (code, warnings) == (201, []) and "colour" not in created
    code, refused, _ = post(served, f"{CM}?fieldValidation=Strict", {**UNKNOWN, "metadata": {"name": "d"}})
    assert (code, refused["message"]) == (400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: '
                                                'strict decoding error: unknown field "colour"')
    code, refused, _ = post(served, f"{CM}?fieldValidation=Loose", {**UNKNOWN, "metadata": {"name": "e"}})
    assert code == 400 and refused["message"].startswith("fieldValidation must be one of")


def test_nested_unknown_fields_are_named_by_their_path(served: Server) -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "image": "nginx", "colour": "x"}]}}
    code, created, warnings = post(served, "/api/v1/namespaces/default/pods", pod)
    assert code == 201 and "colour" not in created["spec"]["containers"][0]
    assert warnings == ['299 - "unknown field \\"spec.containers[0].colour\\""']


def test_pod_security_warnings_are_warning_headers(served: Server) -> None:
    ns = {"apiVersion": "v1", "kind": "Namespace",
          "metadata": {"name": "locked", "labels": {"pod-security.kubernetes.io/warn": "restricted"}}}
    assert post(served, "/api/v1/namespaces", ns)[0] == 201
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    code, _, warnings = post(served, "/api/v1/namespaces/locked/pods", pod)
    assert code == 201 and warnings and warnings[0].startswith('299 - "would violate PodSecurity \\"restricted')
