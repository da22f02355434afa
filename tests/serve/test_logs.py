"""pods/log: the lines a simulated container's echo commands print, per run, with upstream's errors."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from kspec.cluster import Cluster
from kspec.serve.logs import Line, printed
from kspec.serve.rest import Rest

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: %(image)s
    command: [sh, -c, "echo starting; echo 'ready to serve'; sleep 5; echo five seconds on; sleep infinity; echo never"]
"""
TWO = """\
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  initContainers: [{name: init, image: busybox, command: [echo, init done]}]
  containers:
  - {name: a, image: nginx, args: [echo, hello from a]}
  - {name: b, image: nginx}
"""


def test_echo_lines_and_sleeps_of_a_shell_script() -> None:
    assert printed({"command": ["echo", "-n", "a", "b"]}) == [Line(0, "a b")]
    assert printed({"command": ["/bin/sh", "-c"], "args": ["echo 1 && sleep 2m\necho 2 | cat; exec nginx; echo 3"]}) \
        == [Line(0, "1"), Line(120_000, "2")]
    assert printed({"command": ["nginx", "-g", "daemon off;"]}) == []
    assert printed({}) == []


def _get(rest: Rest, pod: str, **query: str) -> tuple[int, str]:
    out = rest.handle("GET", f"/api/v1/namespaces/default/pods/{pod}/log", urlencode(query), "", "", b"")
    assert not hasattr(out, "events")
    body = out.body.decode()  # type: ignore[union-attr]
    return out.code, (json.loads(body)["message"] if out.code != 200 else body)  # type: ignore[union-attr]


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(nodes=1)
    cluster.describe_image("slow:1", pull_ms=10_000)
    cluster.start()
    return cluster


def test_lines_appear_as_the_container_runs(cluster: Cluster) -> None:
    rest = Rest(cluster)
    cluster.apply(POD % {"image": "slow:1"})
    cluster.clock.run_for(1000)
    assert _get(rest, "web") == (400, 'container "app" in pod "web" is waiting to start: ContainerCreating')
    cluster.clock.run_for(10_000)
    assert _get(rest, "web") == (200, "starting\nready to serve\n")
    started = cluster.api.get("pods", "web", "default")["status"]["containerStatuses"][0]["state"]["running"]
    cluster.clock.run_for(6000)
    assert _get(rest, "web") == (200, "starting\nready to serve\nfive seconds on\n")
    assert _get(rest, "web", tailLines="1") == (200, "five seconds on\n")
    assert _get(rest, "web", sinceSeconds="3") == (200, "five seconds on\n")
    assert _get(rest, "web", sinceTime="2025-01-01T00:00:14Z") == (200, "five seconds on\n")
    assert _get(rest, "web", limitBytes="3") == (200, "sta")
    code, stamped = _get(rest, "web", timestamps="true", tailLines="2")
    assert stamped.splitlines()[0].endswith("Z ready to serve")
    assert stamped.splitlines()[0].startswith(started["startedAt"][:-1])  # nine fractional digits
    assert len(stamped.splitlines()[0].split()[0]) == len("2025-01-01T00:00:00.000000000Z")
    assert _get(rest, "web", container="app", previous="true") == (
        400, 'previous terminated container "app" in pod "web" not found')


def test_previous_is_the_last_terminated_run(cluster: Cluster) -> None:
    rest = Rest(cluster)
    cluster.describe_image("crash:1", exit_code=1, run_ms=2000)
    cluster.apply(POD % {"image": "crash:1"})
    cluster.clock.run_for(3000)  # started at once, exited after 2 s before printing "five seconds on"
    assert _get(rest, "web", previous="true") == (200, "starting\nready to serve\n")


def test_container_names_as_the_apiserver_checks_them(cluster: Cluster) -> None:
    rest = Rest(cluster)
    cluster.describe_image("busybox", exit_code=0, run_ms=1000)
    cluster.apply(TWO)
    cluster.clock.run_for(500)
    assert _get(rest, "two", container="a") == (400, 'container "a" in pod "two" is waiting to start: PodInitializing')
    cluster.settle()
    assert _get(rest, "two") == (400, "a container name must be specified for pod two, choose one of: [init a b]")
    assert _get(rest, "two", container="x") == (400, "container x is not valid for pod two")
    assert _get(rest, "two", container="a") == (200, "hello from a\n")
    assert _get(rest, "two", container="b") == (200, "")
    assert _get(rest, "two", container="init") == (200, "init done\n")
    assert _get(rest, "nope")[0] == 404


def test_the_kubelet_expands_env_references_in_the_command(cluster: Cluster) -> None:
    cluster.apply("""\
apiVersion: v1
kind: Pod
metadata: {name: hello}
spec:
  containers:
  - name: app
    image: busybox
    env:
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: GREETING, value: hi}
    command: [sh, -c, "echo $(GREETING) from $(NODE), $(UNDEFINED) and $$(escaped); sleep infinity"]
""")
    cluster.settle()
    assert _get(Rest(cluster), "hello") == (200, "hi from node-1, $(UNDEFINED) and $(escaped)\n")
