"""kubectl 1.37 against the API features it negotiates: aggregated discovery, OpenAPI v3, server-side apply.

Skipped without kubectl (``pip install kspec[clients]``). Each test records the requests kubectl sent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from kspec.serve import Server
from kspec.serve.rest import Rest
from tests.serve.kubectl_tool import Run, kubectl_env, kubectl_runner, needs_kubectl

pytestmark = needs_kubectl


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
    return kubectl_runner(kubectl_env(served.url, tmp_path))


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


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
"""


def test_explain_reads_the_openapi_v3_documents(kubectl: Run, requests: list[tuple[str, str]]) -> None:
    out = kubectl("explain", "deployment.spec.strategy").stdout
    assert out.startswith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n"
                          "FIELD: strategy <DeploymentStrategy>\n")
    assert "    The deployment strategy to use to replace existing pods with new ones.\n" in out
    assert "  rollingUpdate\t<RollingUpdateDeployment>\n    Rolling update config params." in out
    assert "  type\t<string>\n    Type of deployment." in out
    assert ("GET", "/openapi/v3/apis/apps/v1") in requests
    pod = kubectl("explain", "pods.spec.containers.name").stdout
    assert "FIELD: name <string>" in pod and "Name of the container specified as a DNS_LABEL." in pod
    spec = kubectl("explain", "deployment.spec").stdout
    assert "  template\t<PodTemplateSpec> -required-\n" in spec  # upstream's required lists
    rolling = kubectl("explain", "deployment.spec.strategy.rollingUpdate").stdout
    assert "  maxSurge\t<IntOrString>\n" in rolling
    resources = kubectl("explain", "pod.spec.containers.resources").stdout
    assert "  limits\t<map[string]Quantity>\n" in resources


def test_apply_validate_strict_leaves_the_unknown_field_to_the_server(kubectl: Run, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    queries: list[str] = []
    handle = Rest.handle

    def recording(self: Rest, method: str, path: str, query: str, *args: Any) -> Any:
        if method == "POST":
            queries.append(query)
        return handle(self, method, path, query, *args)
    monkeypatch.setattr(Rest, "handle", recording)
    manifest = tmp_path / "web.yaml"
    manifest.write_text(DEPLOYMENT.replace("  replicas: 1\n", "  replicas: 1\n  foo: bar\n"))
    refused = kubectl("apply", "--validate=strict", "-f", str(manifest), ok=False)
    assert refused.returncode == 1
    assert refused.stderr == (f'Error from server (BadRequest): error when creating "{manifest}": Deployment in '
                              'version "v1" cannot be handled as a Deployment: strict decoding error: '
                              'unknown field "spec.foo"\n')
    # kubectl found fieldValidation on the PATCH operation of the v3 document, so it asked the server to check
    assert queries and "fieldValidation=Strict" in queries[0]
    manifest.write_text(DEPLOYMENT)
    assert kubectl("apply", "-f", str(manifest)).stdout == "deployment.apps/web created\n"


def test_the_openapi_v3_index_and_documents(served: Server) -> None:
    import urllib.request

    def get(path: str) -> Any:
        with urllib.request.urlopen(served.url + path, timeout=10) as resp:
            return json.loads(resp.read())
    index = get("/openapi/v3")["paths"]
    assert {"api/v1", "apis/apps/v1", "apis/autoscaling/v2", "apis/autoscaling/v1"} <= set(index)
    core = get(index["api/v1"]["serverRelativeURL"])
    pod = core["components"]["schemas"]["io.k8s.api.core.v1.Pod"]
    assert pod["x-kubernetes-group-version-kind"] == [{"group": "", "kind": "Pod", "version": "v1"}]
    assert pod["properties"]["spec"]["allOf"] == [{"$ref": "#/components/schemas/io.k8s.api.core.v1.PodSpec"}]
    assert core["components"]["schemas"]["io.k8s.api.core.v1.Container"]["required"] == ["name"]
    patch = core["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]["patch"]
    assert {"name": "fieldValidation", "in": "query", "schema": {"type": "string"}, "uniqueItems": True} in \
        patch["parameters"]
    assert get("/openapi/v3/apis/apps/v1")["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"]


def test_apply_server_side_owns_fields_and_conflicts(kubectl: Run) -> None:
    assert kubectl("apply", "--server-side", "-f", "-", stdin=DEPLOYMENT).stdout == \
        "deployment.apps/web serverside-applied\n"
    assert kubectl("apply", "--server-side", "-f", "-", stdin=DEPLOYMENT).stdout == \
        "deployment.apps/web serverside-applied\n"
    fields = json.loads(kubectl("get", "deployment", "web", "-o", "jsonpath={.metadata.managedFields}",
                                "--show-managed-fields").stdout)
    assert [(f["manager"], f["operation"]) for f in fields] == [("kubectl", "Apply")]
    three = DEPLOYMENT.replace("replicas: 1", "replicas: 3")
    refused = kubectl("apply", "--server-side", "--field-manager=other", "-f", "-", stdin=three, ok=False)
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[0] == 'error: Apply failed with 1 conflict: conflict with "kubectl": ' \
                                             ".spec.replicas"
    kubectl("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-", stdin=three)
    assert kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}").stdout == "3"


def test_apply_server_side_after_client_side_apply_conflicts_with_its_manager(kubectl: Run) -> None:
    kubectl("apply", "-f", "-", stdin=DEPLOYMENT)  # POST ?fieldManager=kubectl-client-side-apply: an Update entry
    two = DEPLOYMENT.replace("replicas: 1", "replicas: 2")
    refused = kubectl("apply", "--server-side", "-f", "-", stdin=two, ok=False)
    first = refused.stderr.splitlines()[0]
    assert first.startswith('error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" '
                            "using apps/v1 at 2025-01-01T")
    assert first.endswith("Z: .spec.replicas")
    # the unchanged fields are co-owned without conflict
    assert kubectl("apply", "--server-side", "-f", "-", stdin=DEPLOYMENT).stdout == \
        "deployment.apps/web serverside-applied\n"


def test_apply_validate_warn_and_false_drop_the_unknown_field(kubectl: Run) -> None:
    unknown = DEPLOYMENT.replace("  replicas: 1\n", "  replicas: 1\n  foo: bar\n")
    warned = kubectl("apply", "--validate=warn", "-f", "-", stdin=unknown)
    assert (warned.stdout, warned.stderr) == ("deployment.apps/web created\n", 'Warning: unknown field "spec.foo"\n')
    quiet = kubectl("apply", "--validate=false", "-f", "-", stdin=unknown.replace("name: web}", "name: web2}"))
    assert (quiet.stdout, quiet.stderr) == ("deployment.apps/web2 created\n", "")


def test_diff_and_dry_run_server_side_leave_the_object(kubectl: Run) -> None:
    kubectl("apply", "--server-side", "-f", "-", stdin=DEPLOYMENT)
    two = DEPLOYMENT.replace("replicas: 1", "replicas: 2")
    if shutil.which("diff"):  # kubectl diff runs diff(1)
        diff = kubectl("diff", "--server-side", "-f", "-", stdin=two, ok=False)
        assert diff.returncode == 1 and "-  replicas: 1\n+  replicas: 2\n" in diff.stdout
    assert kubectl("apply", "--server-side", "--dry-run=server", "-f", "-", stdin=two).stdout == \
        "deployment.apps/web serverside-applied (server dry run)\n"
    assert kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}").stdout == "1"
