"""kubectl's typed clients send protobuf bodies: a real kubectl against ``kspec serve``, compared with the store.

Skipped without kubectl (``pip install kspec[clients]``).
"""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kspec.cluster import Cluster
from kspec.serve import Server, protobuf
from tests.serve.kubectl_tool import KUBECTL, Run, kubectl_env, kubectl_runner, needs_kubectl

pytestmark = needs_kubectl


def _runner(server: Server, tmp_path: Path) -> tuple[Run, dict[str, str]]:
    env = kubectl_env(server.url, tmp_path)
    run = kubectl_runner(env)
    return run, env


@pytest.fixture
def kubectl(served: Server, tmp_path: Path) -> Run:
    return _runner(served, tmp_path)[0]


def stored(server: Server, resource: str, name: str, namespace: str = "default") -> Any:
    """The object as the kspec API holds it (read on the simulation thread)."""
    return server.call(lambda: server.cluster.api.try_get(resource, name, namespace))


def _significant(doc: Any) -> Any:
    """Without nulls and empty objects and lists: what Go's JSON writes for zero structs, and protobuf does not."""
    if isinstance(doc, dict):
        kept = {k: _significant(v) for k, v in doc.items()}
        return {k: v for k, v in kept.items() if v not in (None, {}, [])}
    if isinstance(doc, list):
        return [_significant(v) for v in doc]
    return doc


@pytest.mark.parametrize("command", [
    "namespace a", "configmap c --from-literal=a=b --from-literal=x=y", "secret generic s --from-literal=p=q",
    "secret docker-registry reg --docker-server=r.io --docker-username=u --docker-password=p",
    "deployment web --image=nginx --replicas=3 --port=80", "service nodeport np --tcp=80:8080 --node-port=30080",
    "service externalname ex --external-name=example.com", "service loadbalancer lb --tcp=443:8443",
    "job j --image=busybox -- echo hi", "cronjob cj --image=busybox --schedule=*/5_*_*_*_*", "serviceaccount sa1",
    "role r --verb=get,list --resource=pods,deployments.apps", "clusterrole cr --aggregation-rule=a=b",
    "clusterrolebinding crb --clusterrole=view --group=dev --serviceaccount=default:sa1",
    "quota q --hard=cpu=1,memory=1G,pods=2", "poddisruptionbudget pdb --selector=app=web --min-available=50%",
    "poddisruptionbudget pdb2 --selector=app=web --max-unavailable=1",
    "priorityclass high --value=1000 --description=hi --preemption-policy=Never",
    "ingress ing --class=nginx --rule=foo.com/bar=svc1:8080,tls=my-cert",
])
def test_every_create_generator_decodes_to_kubectls_own_json(served: Server, kubectl: Run, command: str) -> None:
    """The protobuf body kspec decodes equals the JSON kubectl prints for --dry-run=client -o json."""
    args = ["create", *(w.replace("_", " ") for w in command.split())]
    cut = args.index("--") if "--" in args else len(args)
    printed = json.loads(kubectl(*args[:cut], "--dry-run=client", "-o", "json", *args[cut:]).stdout)
    bodies: list[dict[str, Any]] = []
    handle = served.rest.handle

    def spy(method: str, path: str, query: str, accept: str, ctype: str, body: bytes, *rest: Any) -> Any:
        if method == "POST" and ctype == protobuf.MEDIA_TYPE:
            bodies.append(protobuf.decode(body))
        return handle(method, path, query, accept, ctype, body, *rest)
    served.rest.handle = spy  # type: ignore[method-assign]
    assert kubectl(*args).stdout.endswith(" created\n")
    assert len(bodies) == 1
    assert _significant(bodies[0]) == _significant(printed)


def test_create_namespace(served: Server, kubectl: Run) -> None:
    assert kubectl("create", "namespace", "team-a").stdout == "namespace/team-a created\n"
    ns = stored(served, "namespaces", "team-a", "")
    assert ns["metadata"]["name"] == "team-a" and ns["status"]["phase"] == "Active"


def test_create_configmap_and_secret(served: Server, kubectl: Run, tmp_path: Path) -> None:
    assert kubectl("create", "configmap", "x", "--from-literal=a=b").stdout == "configmap/x created\n"
    assert stored(served, "configmaps", "x")["data"] == {"a": "b"}
    (tmp_path / "key").write_bytes(b"\x00\xff\n")
    out = kubectl("create", "secret", "generic", "s", "--from-literal=p=q", f"--from-file=bin={tmp_path / 'key'}")
    assert out.stdout == "secret/s created\n"
    secret = stored(served, "secrets", "s")
    assert secret["type"] == "Opaque"
    assert secret["data"]["p"] == base64.b64encode(b"q").decode() == "cQ=="
    assert base64.b64decode(secret["data"]["bin"]) == b"\x00\xff\n"


def test_create_deployment_keeps_a_zero_replica_count(served: Server, kubectl: Run) -> None:
    out = kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=8080")
    assert out.stdout == "deployment.apps/web created\n"
    web = stored(served, "deployments", "web")
    assert web["spec"]["replicas"] == 2
    assert web["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert (container["name"], container["image"], container["ports"][0]["containerPort"]) == ("nginx", "nginx", 8080)
    # replicas is a pointer: a zero on the wire is a zero, not "unset" (which would default to 1)
    kubectl("create", "deployment", "idle", "--image=nginx", "--replicas=0")
    assert stored(served, "deployments", "idle")["spec"]["replicas"] == 0


def test_create_service_and_job(served: Server, kubectl: Run) -> None:
    assert kubectl("create", "service", "clusterip", "web", "--tcp=80:8080").stdout == "service/web created\n"
    port = stored(served, "services", "web")["spec"]["ports"][0]
    assert (port["port"], port["targetPort"], port["protocol"]) == (80, 8080, "TCP")
    assert kubectl("create", "job", "once", "--image=busybox").stdout == "job.batch/once created\n"
    assert stored(served, "jobs", "once")["spec"]["template"]["spec"]["containers"][0]["image"] == "busybox"


def test_auth_can_i_answers_as_the_access_review_decides(served: Server, kubectl: Run) -> None:
    assert kubectl("auth", "can-i", "list", "pods").stdout == "yes\n"
    assert kubectl("auth", "can-i", "create", "deployments.apps", "-n", "kube-system").stdout == "yes\n"
    # --as: the Impersonate-User header; jane holds nothing until a binding grants her the view role
    denied = kubectl("auth", "can-i", "list", "pods", "--as=jane", ok=False)
    assert (denied.returncode, denied.stdout) == (1, "no\n")
    forbidden = kubectl("get", "pods", "--as=jane", ok=False)
    assert forbidden.stderr == ('Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource '
                                '"pods" in API group "" in the namespace "default"\n')
    out = kubectl("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane")
    assert out.stdout == "rolebinding.rbac.authorization.k8s.io/jane-view created\n"
    binding = stored(served, "rolebindings", "jane-view")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}
    assert binding["subjects"] == [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "jane"}]
    assert kubectl("auth", "can-i", "list", "pods", "--as=jane").stdout == "yes\n"
    assert kubectl("auth", "can-i", "delete", "pods", "--as=jane", ok=False).stdout == "no\n"
    assert kubectl("auth", "can-i", "list", "pods", "--as=jane", "-n", "kube-system", ok=False).stdout == "no\n"
    assert kubectl("auth", "can-i", "list", "pods", "--as=jane", "--as-group=system:masters").stdout == "yes\n"


def test_delete_pod_with_grace_period_zero_and_force(served: Server, kubectl: Run) -> None:
    kubectl("run", "p", "--image=nginx")
    out = kubectl("delete", "pod", "p", "--grace-period=0", "--force")
    assert out.stdout == 'pod "p" force deleted from default namespace\n'
    assert stored(served, "pods", "p") is None


@pytest.fixture
def paused() -> Iterator[Server]:
    """A served cluster whose clock stands still: the test moves it."""
    server = Server(Cluster(nodes=2), speed=0).start()
    try:
        yield server
    finally:
        server.stop()


def _drain(server: Server, env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], list[int]]:
    """Run a drain, recording the grace period of every pod deletion the API server saw (an informer)."""
    assert KUBECTL is not None
    graces: list[int] = []

    def on_update(old: Any, new: Any) -> None:
        md = new["metadata"]
        if md.get("deletionTimestamp") and not old["metadata"].get("deletionTimestamp"):
            graces.append(md["deletionGracePeriodSeconds"])
    server.call(lambda: server.cluster.api.informers.on("pods", lambda o: None, on_update, lambda o: None))
    done = subprocess.run([KUBECTL, "drain", "node-1", "--ignore-daemonsets", "--timeout=60s", *args], env=env,
                          capture_output=True, text=True, timeout=90)
    return done, server.call(lambda: list(graces))


@pytest.mark.parametrize("how", ["eviction", "delete"])
def test_drain_honours_the_eviction_and_delete_options(paused: Server, tmp_path: Path, how: str) -> None:
    run, env = _runner(paused, tmp_path)
    run("create", "deployment", "web", "--image=nginx", "--replicas=4")
    paused.call(lambda: paused.cluster.run_for("30s"))
    on_node_1 = sorted(p["metadata"]["name"] for p in paused.call(lambda: paused.cluster.api.list("pods", "default"))
                       if p["spec"].get("nodeName") == "node-1")
    assert on_node_1
    extra = ["--grace-period=7"] + (["--disable-eviction"] if how == "delete" else [])
    done, graces = _drain(paused, env, *extra)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert lines[0] == "node/node-1 cordoned" and lines[-1] == "node/node-1 drained"
    verb = "evicted" if how == "eviction" else "deleted"
    assert sorted(line.split()[0] for line in lines if line.endswith(verb)) == [f"pod/{n}" for n in on_node_1]
    assert graces == [7] * len(on_node_1)  # drain's grace period, not the pods' own 30 s
    paused.call(lambda: paused.cluster.run_for("30s"))
    pods = paused.call(lambda: paused.cluster.api.list("pods", "default"))
    assert len(pods) == 4 and {p["spec"].get("nodeName") for p in pods} == {"node-2"}
