"""The Endpoints and EndpointSlices the controllers build are created without typed decoding: decoding would copy
them unchanged (key order included), so each is checked here against ``decode`` on runs that reach every field
they fill (named and numeric ports, app protocols, headless Services, hostnames, zones, not-ready and
terminating pods, a selectorless Service's mirrored Endpoints)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kspec.api.decoding import decode
from kspec.api.server import APIServer
from kspec.cluster import Cluster, NodeSpec
from kspec.controllers import endpointslice

MANIFESTS = """
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web, tier: front}}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http, appProtocol: http}
  - {name: metrics, port: 9090, targetPort: 9090, protocol: TCP}
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: external}
spec:
  ports: [{name: db, port: 5432}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: external, labels: {team: db}, annotations: {note: kept}}
subsets:
- addresses: [{ip: 10.1.2.3, hostname: db-0, nodeName: node-1}, {ip: 10.1.2.4}]
  notReadyAddresses: [{ip: 10.1.2.5}]
  ports: [{name: db, port: 5432, protocol: TCP, appProtocol: postgres}]
"""


def _pod(name: str, ready_probe: bool = False) -> str:
    probe = "\n    readinessProbe: {httpGet: {path: /, port: 8080}}" if ready_probe else ""
    return f"""
apiVersion: v1
kind: Pod
metadata: {{name: {name}, labels: {{app: web}}}}
spec:
  hostname: {name}
  subdomain: web-headless
  containers:
  - name: app
    image: nginx:1.25
    ports: [{{name: http, containerPort: 8080}}]{probe}
"""


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Endpoints and EndpointSlice created without decoding, checked against decode (and kept)."""
    seen: list[str] = []
    real_create = APIServer.create

    def create(self: APIServer, obj: Any, **kw: Any) -> Any:
        if kw.get("_decoded") and obj.get("kind") in ("Endpoints", "EndpointSlice"):
            assert json.dumps(decode(obj)) == json.dumps(obj)
            seen.append(obj["kind"])
        return real_create(self, obj, **kw)

    real_copy = endpointslice.decoded_copy

    def copy(obj: Any) -> Any:
        out = real_copy(obj)
        assert json.dumps(out) == json.dumps(decode(obj)) and out is not obj
        return out

    monkeypatch.setattr(APIServer, "create", create)
    monkeypatch.setattr(endpointslice, "decoded_copy", copy)
    return seen


def test_the_controllers_objects_decode_to_themselves(checked: list[str]) -> None:
    c = Cluster(nodes=[NodeSpec("node-1", zone="zone-a"), NodeSpec("node-2", zone="zone-b")])
    c.apply(MANIFESTS)
    c.apply(_pod("web-1"))
    c.apply(_pod("web-2", ready_probe=True))
    c.run_for(5_000)
    c.delete("pod", "web-1")
    c.run_for(60_000)
    assert checked.count("EndpointSlice") >= 4 and checked.count("Endpoints") >= 2
    slices = c.api.list("endpointslices", "default")
    assert {s["metadata"]["labels"]["kubernetes.io/service-name"] for s in slices} >= {"web", "web-headless",
                                                                                      "external"}
