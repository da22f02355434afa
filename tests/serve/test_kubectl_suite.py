"""The CI kubectl suite: a real kubectl 1.37 against ``kspec serve``, each answer compared with the cluster.

The served clock stands still (speed 0); the tests move it with ``settle``, so every run sees the same
cluster. Skipped without kubectl (``pip install kspec[clients]``).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from kspec import printers
from kspec.cluster import Cluster
from kspec.objects import EPOCH
from kspec.serve import Server
from tests.manifests import deployment
from tests.serve.kubectl_tool import KUBECTL, Run, kubectl_env, kubectl_runner, needs_kubectl

pytestmark = needs_kubectl

WEB = deployment(containers='[{name: web, image: nginx, command: '
                             '[sh, -c, "echo listening on 80; sleep 60; echo still here; sleep infinity"]}]')

Kubectl = Run


class Served:
    """A paused served cluster with one deployment; ``settle`` runs its controllers on the simulation thread."""

    def __init__(self, tmp: Path) -> None:
        self.cluster = Cluster(nodes=2)
        self.server = Server(self.cluster, speed=0.0).start()
        self.tmp = tmp
        self.env = kubectl_env(self.server.url, tmp)
        self.config = Path(self.env["KUBECONFIG"])
        self.kubectl = kubectl_runner(self.env)
        self.manifest = tmp / "web.yaml"
        self.manifest.write_text(WEB)

    def settle(self) -> None:
        self.server.call(self.cluster.settle)

    def advance(self, ms: int) -> None:
        self.server.call(lambda: self.cluster.clock.run_for(ms))

    def read(self, fn: Callable[[Cluster], object]) -> object:
        return self.server.call(lambda: fn(self.cluster))

    def popen(self, *args: str) -> subprocess.Popen[str]:
        assert KUBECTL is not None
        return subprocess.Popen([KUBECTL, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)


@pytest.fixture
def s(tmp_path: Path) -> Iterator[Served]:
    served = Served(tmp_path)
    try:
        assert served.kubectl("apply", "-f", str(served.manifest)).stdout == "deployment.apps/web created\n"
        served.settle()
        yield served
    finally:
        served.server.stop()


def _pods(s: Served) -> list[dict]:
    return sorted(s.read(lambda c: c.api.list("pods", "default")), key=lambda p: p["metadata"]["name"])  # type: ignore[arg-type]


def test_every_output_format_matches_the_cluster(s: Served) -> None:
    pods = _pods(s)
    names = [p["metadata"]["name"] for p in pods]
    now = EPOCH + timedelta(milliseconds=int(s.read(lambda c: c.clock.now)))  # type: ignore[call-overload]
    # the default table and -o wide are kspec's printers, cell for cell
    for flag, wide in (([], False), (["-o", "wide"], True)):
        headers, rows = printers.table("pods", pods, now, wide=wide)
        out = s.kubectl("get", "pods", *flag).stdout.splitlines()
        assert out[0].split() == [w for h in headers for w in h.split()]
        assert [line.split() for line in out[1:]] == [[w for cell in row for w in str(cell).split()] for row in rows]
    assert s.kubectl("get", "pods", "-o", "name").stdout.split() == [f"pod/{n}" for n in names]
    as_json = json.loads(s.kubectl("get", "pods", "-o", "json").stdout)
    assert [p["metadata"]["name"] for p in as_json["items"]] == names
    assert as_json["items"][0]["status"] == pods[0]["status"]
    as_yaml = yaml.safe_load(s.kubectl("get", "deployment", "web", "-o", "yaml").stdout)
    assert as_yaml["status"]["readyReplicas"] == 2 and as_yaml["kind"] == "Deployment"
    ips = s.kubectl("get", "pods", "-o", "jsonpath={.items[*].status.podIP}").stdout.split()
    assert ips == [p["status"]["podIP"] for p in pods]
    columns = s.kubectl("get", "pods", "-o", "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName").stdout
    assert columns.splitlines()[1:] == [f"{p['metadata']['name']}   {p['spec']['nodeName']}" for p in pods]
    template = s.kubectl("get", "pods", "-o", "go-template={{range .items}}{{.metadata.name}} {{.status.phase}}\n"
                                               "{{end}}").stdout
    assert template.splitlines() == [f"{n} Running" for n in names]
    assert s.kubectl("get", "deployment", "web", "--show-labels").stdout.splitlines()[0].split()[-1] == "LABELS"


def test_apply_twice_patch_and_scale(s: Served) -> None:
    assert s.kubectl("apply", "-f", str(s.manifest)).stdout == "deployment.apps/web unchanged\n"
    assert s.kubectl("patch", "deployment", "web", "--type=merge", "-p",
                     '{"metadata":{"labels":{"tier":"front"}}}').stdout == "deployment.apps/web patched\n"
    assert s.kubectl("patch", "deployment", "web", "--type=json", "-p",
                     '[{"op":"add","path":"/metadata/annotations/owner","value":"team-a"}]').returncode == 0
    live = s.read(lambda c: c.api.get("deployments", "web", "default"))
    assert live["metadata"]["labels"] == {"tier": "front"}  # type: ignore[index]
    assert live["metadata"]["annotations"]["owner"] == "team-a"  # type: ignore[index]
    assert s.kubectl("scale", "deployment", "web", "--replicas=3").stdout == "deployment.apps/web scaled\n"
    s.settle()
    assert len(_pods(s)) == 3
    # the apply after a patch keeps what the patch added, as kubectl's three-way merge does
    assert s.kubectl("apply", "-f", str(s.manifest)).stdout == "deployment.apps/web configured\n"
    assert s.read(lambda c: c.api.get("deployments", "web", "default")["spec"]["replicas"]) == 2


def test_rollout_status_history_and_undo(s: Served) -> None:
    first = {rs["metadata"]["name"] for rs in s.read(lambda c: c.api.list("replicasets", "default"))}  # type: ignore[attr-defined]
    s.kubectl("set", "image", "deployment/web", "web=nginx:1.27")
    status = s.popen("rollout", "status", "deployment/web", "--timeout=30s")
    for _ in range(100):  # the clock stands still: the rollout moves as the test moves it
        if status.poll() is not None:
            break
        s.advance(1000)
        time.sleep(0.05)
    out, err = status.communicate(timeout=30)
    assert status.returncode == 0, err
    assert out.splitlines()[-1] == 'deployment "web" successfully rolled out'
    history = s.kubectl("rollout", "history", "deployment/web").stdout.splitlines()
    assert [line.split()[0] for line in history[2:] if line] == ["1", "2"]
    assert s.kubectl("rollout", "undo", "deployment/web").stdout == "deployment.apps/web rolled back\n"
    s.settle()
    sets = s.read(lambda c: c.api.list("replicasets", "default"))
    active = [rs["metadata"]["name"] for rs in sets if rs["spec"]["replicas"]]  # type: ignore[attr-defined]
    assert active == sorted(first)  # the first ReplicaSet is scaled up again, not a third one made
    assert len(sets) == 2  # type: ignore[arg-type]
    image = s.kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}").stdout
    assert image == "nginx"


@pytest.mark.parametrize(("cascade", "pods_left"), [("background", 0), ("foreground", 0), ("orphan", 2)])
def test_delete_with_cascade(s: Served, cascade: str, pods_left: int) -> None:
    out = s.kubectl("delete", "deployment", "web", f"--cascade={cascade}").stdout
    assert out == 'deployment.apps "web" deleted from default namespace\n'
    s.settle()
    assert len(_pods(s)) == pods_left
    assert len(s.read(lambda c: c.api.list("replicasets", "default"))) == (1 if cascade == "orphan" else 0)  # type: ignore[arg-type]


def test_drain_moves_the_pods(s: Served) -> None:
    on_1 = [p["metadata"]["name"] for p in _pods(s) if p["spec"]["nodeName"] == "node-1"]
    assert on_1
    drained = s.popen("drain", "node-1", "--ignore-daemonsets", "--timeout=30s")
    for _ in range(100):
        if drained.poll() is not None:
            break
        s.advance(1000)
        time.sleep(0.05)
    out, err = drained.communicate(timeout=30)
    assert drained.returncode == 0, err
    lines = out.splitlines()
    assert lines[0] == "node/node-1 cordoned" and lines[-1] == "node/node-1 drained"
    assert all(f"pod/{n} evicted" in lines for n in on_1)
    s.settle()
    assert {p["spec"]["nodeName"] for p in _pods(s)} == {"node-2"}
    assert s.read(lambda c: c.api.get("nodes", "node-1")["spec"].get("unschedulable")) is True


def test_get_watch_ends_at_the_request_timeout(s: Served) -> None:
    watcher = s.popen("get", "deployments", "--watch", "--output-watch-events", "--request-timeout=2s")
    time.sleep(0.8)
    s.kubectl("scale", "deployment", "web", "--replicas=1")
    s.settle()
    out, _ = watcher.communicate(timeout=20)  # the watch's timeoutSeconds ends it
    events = [line.split()[:2] for line in out.splitlines()[1:]]
    assert events[0] == ["ADDED", "web"]
    assert ["MODIFIED", "web"] in events


def test_logs_are_what_the_containers_printed(s: Served) -> None:
    name = _pods(s)[0]["metadata"]["name"]
    assert s.kubectl("logs", name).stdout == "listening on 80\n"
    s.advance(60_000)
    assert s.kubectl("logs", name).stdout == "listening on 80\nstill here\n"
    assert s.kubectl("logs", name, "--tail=1").stdout == "still here\n"
    assert s.kubectl("logs", "deployment/web", "-c", "web").stdout.startswith("listening on 80\n")
    missing = s.kubectl("logs", name, "-c", "nope", ok=False)  # kubectl checks the name itself first
    assert missing.stderr == f"error: container nope is not valid for pod {name} out of: web\n"
    previous = s.kubectl("logs", name, "--previous", ok=False)
    assert previous.stderr == (f'Error from server (BadRequest): previous terminated container "web" in pod '
                               f'"{name}" not found\n')


def test_logs_follow_streams_lines_as_the_clock_reaches_them(s: Served) -> None:
    name = _pods(s)[0]["metadata"]["name"]
    follower = s.popen("logs", "-f", name)
    time.sleep(0.5)
    s.advance(60_000)  # "still here" is printed 60 s after the start
    time.sleep(0.3)
    s.kubectl("delete", "pod", name, "--grace-period=0")  # the run ends, and the stream with it
    s.settle()
    out, err = follower.communicate(timeout=20)
    assert follower.returncode == 0, err
    assert out == "listening on 80\nstill here\n"


def test_exec_says_plainly_that_it_is_not_supported(s: Served) -> None:
    name = _pods(s)[0]["metadata"]["name"]
    done = s.kubectl("exec", name, "--", "ls", ok=False)
    assert done.returncode == 1
    assert done.stderr == ("error: unable to upgrade connection: pods/exec is not supported by kspec serve: the "
                           "simulated containers run no processes (kubectl logs shows what they print)\n")
