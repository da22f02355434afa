"""The HTTP endpoint driven with urllib: what kubectl and client-go rely on."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from typing import Any

from kspec.serve import Server, write_kubeconfig
from kspec.serve.patches import json_patch, merge_patch, strategic_merge_patch

TABLE = "application/json;as=Table;g=meta.k8s.io;v=v1"
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
       "spec": {"containers": [{"name": "web", "image": "nginx"}]}}


def call(server: Server, method: str, path: str, body: Any = None, *, accept: str = "application/json",
         ctype: str = "application/json") -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server.url + path, data=data, method=method,
                                 headers={"Accept": accept, "Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_discovery_lists_groups_and_resources(served: Server) -> None:
    assert call(served, "GET", "/version")[1]["major"] == "1"
    assert call(served, "GET", "/api")[1]["versions"] == ["v1"]
    groups = {g["name"] for g in call(served, "GET", "/apis")[1]["groups"]}
    assert {"apps", "batch", "networking.k8s.io"} <= groups
    core = {r["name"]: r for r in call(served, "GET", "/api/v1")[1]["resources"]}
    assert core["pods"]["shortNames"] == ["po"] and core["pods"]["namespaced"] is True
    assert "watch" in core["pods"]["verbs"] and core["nodes"]["namespaced"] is False
    apps = {r["name"] for r in call(served, "GET", "/apis/apps/v1")[1]["resources"]}
    assert "deployments" in apps


def test_create_get_list_table_patch_delete(served: Server) -> None:
    code, created = call(served, "POST", "/api/v1/namespaces/default/pods", POD)
    assert code == 201 and created["metadata"]["uid"]
    assert call(served, "GET", "/api/v1/namespaces/default/pods/web")[1]["metadata"]["name"] == "web"
    listed = call(served, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")[1]
    assert listed["kind"] == "PodList" and [p["metadata"]["name"] for p in listed["items"]] == ["web"]
    assert call(served, "GET", "/api/v1/pods?labelSelector=app%3Dother")[1]["items"] == []
    assert call(served, "GET", "/api/v1/pods?fieldSelector=metadata.name%3Dweb")[1]["items"]
    table = call(served, "GET", "/api/v1/namespaces/default/pods", accept=TABLE)[1]
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"] if c["priority"] == 0] == [
        "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert table["rows"][0]["cells"][0] == "web"
    code, patched = call(served, "PATCH", "/api/v1/namespaces/default/pods/web",
                         {"metadata": {"labels": {"tier": "front"}}}, ctype="application/merge-patch+json")
    assert code == 200 and patched["metadata"]["labels"] == {"app": "web", "tier": "front"}
    code, patched = call(served, "PATCH", "/api/v1/namespaces/default/pods/web",
                         [{"op": "remove", "path": "/metadata/labels/tier"}], ctype="application/json-patch+json")
    assert code == 200 and patched["metadata"]["labels"] == {"app": "web"}
    code, _ = call(served, "DELETE", "/api/v1/namespaces/default/pods/web",
                   {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0})
    assert code == 200
    assert call(served, "GET", "/api/v1/namespaces/default/pods/web")[0] == 404


def test_errors_are_status_objects(served: Server) -> None:
    code, missing = call(served, "GET", "/api/v1/namespaces/default/pods/nope")
    assert (code, missing["kind"], missing["reason"], missing["message"]) == (
        404, "Status", "NotFound", 'pods "nope" not found')
    call(served, "POST", "/api/v1/namespaces/default/pods", POD)
    code, dup = call(served, "POST", "/api/v1/namespaces/default/pods", POD)
    assert (code, dup["reason"], dup["message"]) == (409, "AlreadyExists", 'pods "web" already exists')
    live = call(served, "GET", "/api/v1/namespaces/default/pods/web")[1]
    stale = {**live, "metadata": {**live["metadata"], "resourceVersion": "1"}}
    code, conflict = call(served, "PUT", "/api/v1/namespaces/default/pods/web", stale)
    assert code == 409 and conflict["reason"] == "Conflict"


def test_watch_sees_an_added_event(served: Server) -> None:
    rv = call(served, "GET", "/api/v1/namespaces/default/pods")[1]["metadata"]["resourceVersion"]
    sock = socket.create_connection(("127.0.0.1", int(served.url.rsplit(":", 1)[1])), timeout=10)
    sock.sendall(b"GET /api/v1/namespaces/default/pods?watch=1&resourceVersion=%s&timeoutSeconds=5 HTTP/1.1\r\n"
                 b"Host: x\r\nAccept: application/json\r\n\r\n" % rv.encode())
    time.sleep(0.2)
    call(served, "POST", "/api/v1/namespaces/default/pods", POD)
    seen = b""
    deadline = time.monotonic() + 10
    while b'"ADDED"' not in seen and time.monotonic() < deadline:
        seen += sock.recv(65536)
    sock.close()
    assert b"HTTP/1.1 200" in seen and b'"type":"ADDED"' in seen and b'"name":"web"' in seen


def test_kubeconfig_names_the_server(tmp_path: Any) -> None:
    path = write_kubeconfig(tmp_path / "kc", "http://127.0.0.1:1234")
    doc = json.loads(path.read_text())
    assert doc["clusters"][0]["cluster"]["server"] == "http://127.0.0.1:1234"
    assert doc["current-context"] == "kspec"


def test_patches() -> None:
    assert merge_patch({"a": 1, "b": {"c": 2}}, {"b": {"c": None, "d": 3}}) == {"a": 1, "b": {"d": 3}}
    assert json_patch({"a": [1, 2]}, [{"op": "add", "path": "/a/-", "value": 3},
                                      {"op": "replace", "path": "/a/0", "value": 0}]) == {"a": [0, 2, 3]}
    live = {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}
    patch = {"spec": {"containers": [{"name": "b", "image": "z"}, {"name": "a", "$patch": "delete"}]}}
    assert strategic_merge_patch(live, patch) == {"spec": {"containers": [{"name": "b", "image": "z"}]}}


def test_a_kind_without_a_printer_gets_the_default_table(served: Server) -> None:
    table = call(served, "GET", "/api/v1/namespaces/default/serviceaccounts", accept=TABLE)[1]
    assert [c["name"] for c in table["columnDefinitions"]] == ["NAME", "CREATED AT"]
    assert [r["cells"][0] for r in table["rows"]] == ["default"]


def test_scale_subresource_and_a_protobuf_body_without_its_prefix(served: Server) -> None:
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}}, "spec": POD["spec"]}}}
    assert call(served, "POST", "/apis/apps/v1/namespaces/default/deployments", deploy)[0] == 201
    scale = call(served, "GET", "/apis/apps/v1/namespaces/default/deployments/web/scale")[1]
    assert (scale["kind"], scale["spec"]["replicas"], scale["status"]["selector"]) == ("Scale", 1, "app=web")
    code, scaled = call(served, "PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                        {"spec": {"replicas": 4}}, ctype="application/merge-patch+json")
    assert code == 200 and scaled["spec"]["replicas"] == 4
    code, refused = call(served, "POST", "/api/v1/namespaces", {"x": 1}, ctype="application/vnd.kubernetes.protobuf")
    assert (code, refused["reason"]) == (400, "BadRequest")
    assert refused["message"] == ("provided data does not appear to be a protobuf message, "
                                  "expected prefix [107 56 115 0]")


def test_a_component_that_raises_does_not_stop_the_server(served: Server) -> None:
    served.call(lambda: served.cluster.clock.call_soon(lambda: 1 / 0, label="broken component"))
    started = time.monotonic()
    assert call(served, "GET", "/api/v1/namespaces/default/configmaps")[0] == 200
    assert time.monotonic() - started < 5
    assert [type(e).__name__ for e in served.failures] == ["ZeroDivisionError"]
