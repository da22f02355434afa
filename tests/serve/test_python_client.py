"""The official Python client against the endpoint (skipped without it: ``pip install kspec[clients]``).

Each call's answer is compared with what the kspec API itself sees (read on the simulation thread).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kspec.serve import Server, write_kubeconfig

kubernetes = pytest.importorskip("kubernetes")

POD = {"metadata": {"name": "p", "labels": {"app": "p"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
DEPLOYMENT = {"metadata": {"name": "web"},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}
SERVICE = {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}


@pytest.fixture
def api(served: Server, tmp_path: Path) -> Any:
    from kubernetes import config
    return config.new_client_from_config(str(write_kubeconfig(tmp_path / "kc", served.url)))


def names(served: Server, resource: str, namespace: str | None = None) -> list[str]:
    """What the kspec API lists, read on the simulation thread."""
    return sorted(o["metadata"]["name"] for o in served.call(lambda: served.cluster.api.list(resource, namespace)))


def test_list_create_patch_delete(served: Server, api: Any) -> None:
    from kubernetes import client

    core = client.CoreV1Api(api)
    assert "kube-system" in [n.metadata.name for n in core.list_namespace().items]
    core.create_namespaced_config_map("default", {"metadata": {"name": "c"}, "data": {"a": "1"}})
    patched = core.patch_namespaced_config_map("c", "default", {"data": {"b": "2"}})
    assert patched.data == {"a": "1", "b": "2"}
    core.delete_namespaced_config_map("c", "default")
    with pytest.raises(client.ApiException) as gone:
        core.read_namespaced_config_map("c", "default")
    assert gone.value.status == 404


def test_nodes_list_with_their_system_info(served: Server, api: Any) -> None:
    from kubernetes import client

    core = client.CoreV1Api(api)
    nodes = core.list_node().items  # the client's NodeSystemInfo requires every field
    assert [n.metadata.name for n in nodes] == names(served, "nodes") == ["node-1", "node-2"]
    info = nodes[0].status.node_info
    assert info.kubelet_version == "v1.35.0" and len(info.machine_id) == 32
    assert info.boot_id != nodes[1].status.node_info.boot_id
    patched = core.patch_node("node-1", {"metadata": {"labels": {"disk": "ssd"}}})
    assert patched.metadata.labels["disk"] == "ssd"
    live = served.call(lambda: served.cluster.api.get("nodes", "node-1", ""))
    assert live["metadata"]["labels"]["disk"] == "ssd"
    core.create_node({"metadata": {"name": "node-3", "labels": {"kubernetes.io/hostname": "node-3"}}})
    assert names(served, "nodes") == ["node-1", "node-2", "node-3"]
    core.delete_node("node-3")
    assert [n.metadata.name for n in core.list_node().items] == names(served, "nodes") == ["node-1", "node-2"]


def test_pods_deployments_services_round_trip(served: Server, api: Any) -> None:
    from kubernetes import client

    core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
    assert core.create_namespaced_pod("default", POD).metadata.name == "p"
    apps.create_namespaced_deployment("default", DEPLOYMENT)
    core.create_namespaced_service("default", SERVICE)
    for _ in range(100):  # the controllers run on the virtual clock, 20x wall time here
        pods = core.list_namespaced_pod("default", label_selector="app=web").items
        if len(pods) == 2 and all(p.status.phase == "Running" for p in pods):
            break
        time.sleep(0.1)
    assert sorted(p.metadata.name for p in core.list_namespaced_pod("default").items) == names(served, "pods",
                                                                                                  "default")
    assert [d.metadata.name for d in apps.list_namespaced_deployment("default").items] == ["web"]
    assert core.read_namespaced_service("web", "default").spec.cluster_ip == served.call(
        lambda: served.cluster.api.get("services", "web", "default"))["spec"]["clusterIP"]
    scaled = apps.patch_namespaced_deployment("web", "default", {"spec": {"replicas": 3}})
    assert scaled.spec.replicas == 3
    core.patch_namespaced_pod("p", "default", {"metadata": {"labels": {"tier": "x"}}})
    assert served.call(lambda: served.cluster.api.get("pods", "p", "default"))["metadata"]["labels"] == {
        "app": "p", "tier": "x"}
    core.delete_namespaced_pod("p", "default", grace_period_seconds=0)
    apps.delete_namespaced_deployment("web", "default")
    core.delete_namespaced_service("web", "default")
    assert "web" not in names(served, "deployments", "default")
    assert "web" not in names(served, "services", "default")


def test_watch_is_bounded_by_timeout_seconds(served: Server, api: Any) -> None:
    from kubernetes import client, watch

    core = client.CoreV1Api(api)
    seen: list[tuple[str, str]] = []

    def follow() -> None:
        for event in watch.Watch().stream(core.list_namespaced_pod, "default", timeout_seconds=3):
            seen.append((event["type"], event["object"].metadata.name))

    watcher = threading.Thread(target=follow)
    started = time.monotonic()
    watcher.start()
    time.sleep(0.5)
    core.create_namespaced_pod("default", POD)
    core.delete_namespaced_pod("p", "default", grace_period_seconds=0)
    watcher.join(timeout=20)
    assert not watcher.is_alive() and time.monotonic() - started < 10
    assert seen[0] == ("ADDED", "p") and seen[-1] == ("DELETED", "p")


def test_access_review_answers_deserialise(api: Any) -> None:
    from kubernetes import client

    review = client.AuthorizationV1Api(api).create_self_subject_access_review(
        {"spec": {"resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "default"}}})
    assert review.status.allowed is True


def test_watch_resumes_from_a_listed_resource_version_and_expired_ones_raise_410(api: Any) -> None:
    from kubernetes import client, watch

    core = client.CoreV1Api(api)
    listed = core.list_namespaced_config_map("default").metadata.resource_version
    core.create_namespaced_config_map("default", {"metadata": {"name": "a"}})
    core.patch_namespaced_config_map("a", "default", {"data": {"k": "v"}})
    events = [(e["type"], e["object"].metadata.name, e["object"].data)
              for e in watch.Watch().stream(core.list_namespaced_config_map, "default",
                                            resource_version=listed, timeout_seconds=1)]
    assert events == [("ADDED", "a", None), ("MODIFIED", "a", {"k": "v"})]
    with pytest.raises(client.ApiException) as gone:
        for _ in watch.Watch().stream(core.list_namespaced_config_map, "default", resource_version="1",
                                      timeout_seconds=1):
            pass
    assert gone.value.status == 410 and gone.value.reason.startswith("Expired: too old resource version: 1 (")
