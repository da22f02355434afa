"""``kspec serve``: prints the kubeconfig and the export line, serves manifests, ends on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {colour: blue}
"""


def test_serve_prints_the_kubeconfig_and_serves_the_manifests(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(MANIFEST)
    config = tmp_path / "kubeconfig"
    proc = subprocess.Popen([sys.executable, "-m", "kspec.cli", "serve", "--nodes", "1", "--paused",
                             "-f", str(manifest), "--kubeconfig", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert lines[1] == f"kubeconfig: {config}\n"
        assert lines[2] == f"export KUBECONFIG={config}\n"
        server = json.loads(config.read_text())["clusters"][0]["cluster"]["server"]
        with urllib.request.urlopen(f"{server}/api/v1/namespaces/default/configmaps/settings", timeout=10) as resp:
            assert json.loads(resp.read())["data"] == {"colour": "blue"}
        with urllib.request.urlopen(f"{server}/api/v1/nodes", timeout=10) as resp:
            assert [n["metadata"]["name"] for n in json.loads(resp.read())["items"]] == ["node-1"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_a_watcher_hanging_up_does_not_end_the_server(tmp_path: Path) -> None:
    """kubectl rollout status closes its watch; the next events written to it must not SIGPIPE the server."""
    import socket
    import time

    config = tmp_path / "kubeconfig"
    proc = subprocess.Popen([sys.executable, "-m", "kspec.cli", "serve", "--nodes", "1", "--paused",
                             "--kubeconfig", str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        [proc.stdout.readline() for _ in range(3)]
        server = json.loads(config.read_text())["clusters"][0]["cluster"]["server"]
        host, port = server.removeprefix("http://").split(":")
        watcher = socket.create_connection((host, int(port)), timeout=10)
        watcher.sendall(b"GET /api/v1/namespaces/default/configmaps?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while b"kube-root-ca.crt" not in received:  # read everything sent, so that closing sends FIN, not RST
            received += watcher.recv(65536)
        assert received.startswith(b"HTTP/1.1 200")
        watcher.close()
        for i in range(5):
            body = json.dumps({"metadata": {"name": f"c{i}"}}).encode()
            request = urllib.request.Request(f"{server}/api/v1/namespaces/default/configmaps", data=body,
                                             method="POST", headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as resp:
                assert resp.status == 201
            time.sleep(0.1)
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
