"""Server-side apply over the endpoint: ownership in managedFields, conflicts, force, removal of dropped fields."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from kspec.errors import ApiError
from kspec.serve import Server
from kspec.serve.apply import apply, field_set, from_fields_v1, path_string, to_fields_v1

APPLY = "application/apply-patch+yaml"
CM = "/api/v1/namespaces/default/configmaps"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"


def deployment(replicas: int, image: str = "nginx", **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", **extra},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": image,
                                                           "ports": [{"containerPort": 80}]}]}}}}


def send(server: Server, method: str, path: str, body: Any, ctype: str = APPLY) -> tuple[int, Any]:
    req = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method=method,
                                 headers={"Accept": "application/json", "Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_field_sets_follow_the_list_keys() -> None:
    paths = field_set(deployment(2))
    assert ("f:spec", "f:replicas") in paths
    container = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}')
    assert container in paths and (*container, "f:image") in paths
    port = (*container, "f:ports", 'k:{"containerPort":80,"protocol":"TCP"}')
    assert (*port, "f:containerPort") in paths
    assert ("f:metadata", "f:name") not in paths  # stripped: no manager owns an object's identity
    assert path_string((*container, "f:image")) == '.spec.template.spec.containers[name="web"].image'
    assert path_string(port) == '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]'
    assert from_fields_v1(to_fields_v1(paths)) == paths


def test_two_conflicts_are_listed_by_manager() -> None:
    live = apply(None, deployment(2), "a", force=False, api_version="apps/v1", now="2025-01-01T00:00:00Z")
    with pytest.raises(ApiError) as refused:
        apply(live, deployment(3, "httpd"), "b", force=False, api_version="apps/v1", now="2025-01-01T00:00:01Z")
    assert refused.value.code == 409
    assert refused.value.message == ('Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\n'
                                     '- .spec.template.spec.containers[name="web"].image')
    assert refused.value.causes[0] == {"reason": "FieldManagerConflict", "message": 'conflict with "a"',
                                       "field": ".spec.replicas"}


def test_create_then_apply_again_without_a_field_removes_it(served: Server) -> None:
    code, created = send(served, "PATCH", f"{CM}/c?fieldManager=me",
                         {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                          "data": {"a": "1", "b": "2"}})
    assert code == 201 and created["data"] == {"a": "1", "b": "2"}
    entry = created["metadata"]["managedFields"][0]
    assert (entry["manager"], entry["operation"], entry["fieldsType"]) == ("me", "Apply", "FieldsV1")
    assert entry["fieldsV1"] == {"f:data": {"f:a": {}, "f:b": {}}}
    code, applied = send(served, "PATCH", f"{CM}/c?fieldManager=me",
                         {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}})
    assert code == 200 and applied["data"] == {"a": "1"}
    live = served.call(lambda: served.cluster.api.get("configmaps", "c", "default"))
    assert live["data"] == {"a": "1"}


def test_an_update_manager_conflicts_and_force_takes_the_field(served: Server) -> None:
    code, _ = send(served, "POST", f"{DEPLOY}?fieldManager=kubectl-create", deployment(1), "application/json")
    assert code == 201
    code, refused = send(served, "PATCH", f"{DEPLOY}/web?fieldManager=kubectl", deployment(2))
    assert (code, refused["reason"]) == (409, "Conflict")
    assert refused["message"].startswith('Apply failed with 1 conflict: conflict with "kubectl-create" using '
                                         "apps/v1 at ")
    assert refused["message"].endswith(": .spec.replicas")
    code, same = send(served, "PATCH", f"{DEPLOY}/web?fieldManager=kubectl", deployment(1))
    assert code == 200  # the same value: both managers own it, no conflict
    code, forced = send(served, "PATCH", f"{DEPLOY}/web?fieldManager=kubectl&force=true", deployment(2))
    assert code == 200 and forced["spec"]["replicas"] == 2
    managers = {e["manager"]: e for e in forced["metadata"]["managedFields"]}
    assert "f:replicas" not in managers["kubectl-create"]["fieldsV1"]["f:spec"]
    assert "f:replicas" in managers["kubectl"]["fieldsV1"]["f:spec"]


def test_patch_options_upstream_refuses(served: Server) -> None:
    code, refused = send(served, "PATCH", f"{CM}/c", {"metadata": {"name": "c"}})
    assert (code, refused["message"]) == (422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required '
                                               "value: is required for apply patch")
    code, refused = send(served, "PATCH", f"{CM}/c?force=true", {"data": {}}, "application/merge-patch+json")
    assert (code, refused["message"]) == (422, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may '
                                               "not be specified for non-apply patch")
