"""``/openapi/v2``: Swagger 2.0 JSON for clients that ask for JSON; kubectl's protobuf request gets the empty
document it accepts."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from kspec.api.kinds import KINDS
from kspec.serve import Server


def _get(server: Server, accept: str) -> tuple[str, bytes]:
    req = urllib.request.Request(server.url + "/openapi/v2", headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.headers["Content-Type"], resp.read()


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if "$ref" in node else []) + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_json_clients_get_swagger_with_every_served_kind(served: Server) -> None:
    ctype, body = _get(served, "application/json")
    doc = json.loads(body)
    assert ctype == "application/json" and doc["swagger"] == "2.0"
    tagged = {(t["group"], t["version"], t["kind"]) for d in doc["definitions"].values()
              for t in d.get("x-kubernetes-group-version-kind", [])}
    assert ("apps", "v1", "Deployment") in tagged and ("", "v1", "Pod") in tagged
    assert len(tagged) >= len({(k.group, k.version, k.kind) for k in KINDS}) - 2  # a kind or two has no schema
    strategy = doc["definitions"]["io.k8s.api.apps.v1.DeploymentStrategy"]["properties"]["rollingUpdate"]
    assert strategy["$ref"] == "#/definitions/io.k8s.api.apps.v1.RollingUpdateDeployment"
    assert "Rolling update" in strategy["description"]
    for ref in _refs(doc["definitions"]):  # every reference resolves, in v2's own words
        assert ref.removeprefix("#/definitions/") in doc["definitions"], ref
    assert "allOf" not in body.decode() and "oneOf" not in body.decode()


def test_kubectls_protobuf_request_gets_the_empty_document(served: Server) -> None:
    ctype, body = _get(served, "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
    assert body == b"" and "protobuf" in ctype
