"""kubectl auth whoami, auth can-i --list and create token: a real kubectl against ``kspec serve``.

The served clock stands still (speed 0), so timestamps are exact. Skipped without kubectl
(``pip install kspec[clients]``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kspec.cluster import Cluster
from kspec.serve import Server
from tests.serve.kubectl_tool import Run, kubectl_env, kubectl_runner, needs_kubectl

pytestmark = needs_kubectl

RBAC = "rbac.authorization.k8s.io"
# the rules every authenticated identity holds (system:basic-user, system:discovery, system:public-info-viewer),
# as kubectl breaks down, compacts and sorts them
BASIC = """\
selfsubjectreviews.authentication.k8s.io        []                  []               [create]
selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]
selfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]
"""
URLS = "".join(f"{'':48}{f'[{u}]':20}[]{'':15}[get]\n" for u in [
    "/api/*", "/api", "/apis/*", "/apis", "/healthz", "/healthz", "/livez", "/livez", "/openapi/*", "/openapi",
    "/readyz", "/readyz", "/version/", "/version/", "/version", "/version"])
HEADER = "Resources                                       Non-Resource URLs   Resource Names   Verbs\n"


@pytest.fixture
def kubectl(tmp_path: Path) -> Iterator[Run]:
    cluster = Cluster(nodes=1)
    cluster.apply([
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}},
        {"apiVersion": f"{RBAC}/v1", "kind": "Role", "metadata": {"name": "pod-reader", "namespace": "dev"},
         "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
                   {"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["web"], "verbs": ["get"]}]},
        {"apiVersion": f"{RBAC}/v1", "kind": "RoleBinding", "metadata": {"name": "alice-reads", "namespace": "dev"},
         "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": "pod-reader"},
         "subjects": [{"kind": "User", "apiGroup": RBAC, "name": "alice"}]},
    ])
    server = Server(cluster, speed=0).start()
    env = kubectl_env(server.url, tmp_path)
    run = kubectl_runner(env)
    try:
        yield run
    finally:
        server.stop()


def test_whoami_prints_the_admin_and_an_impersonated_user_with_groups(kubectl: Run) -> None:
    assert kubectl("auth", "whoami").stdout == ("ATTRIBUTE   VALUE\n"
                                                "Username    kubernetes-admin\n"
                                                "Groups      [system:masters system:authenticated]\n")
    assert kubectl("auth", "whoami", "--as", "alice", "--as-group", "dev", "--as-group", "ops").stdout == (
        "ATTRIBUTE   VALUE\n"
        "Username    alice\n"
        "Groups      [dev ops system:authenticated]\n")
    sa = json.loads(kubectl("auth", "whoami", "--as", "system:serviceaccount:dev:builder", "-o", "json").stdout)
    assert sa["status"]["userInfo"] == {"username": "system:serviceaccount:dev:builder", "groups": [
        "system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"]}
    assert sa["metadata"]["creationTimestamp"] == "2025-01-01T00:00:00Z"


def test_can_i_list_prints_the_rules_of_the_namespace(kubectl: Run) -> None:
    admin = kubectl("auth", "can-i", "--list").stdout
    assert admin.startswith(HEADER + "*.*                                             []                  []   "
                                     "            [*]\n")
    assert kubectl("auth", "can-i", "--list", "--as", "alice").stdout == HEADER + BASIC + URLS
    assert kubectl("auth", "can-i", "--list", "-n", "dev", "--as", "alice").stdout == (
        HEADER + BASIC
        + "pods/log                                        []                  []               [get list]\n"
          "pods                                            []                  []               [get list]\n"
        + URLS
        + "deployments.apps                                []                  [web]            [get]\n")


def _claims(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_create_token_prints_a_token_for_an_hour_or_the_duration_asked(kubectl: Run) -> None:
    token = kubectl("create", "token", "default").stdout
    assert token.count(".") == 2 and not token.endswith("\n")  # kubectl adds no newline when not on a terminal
    claims = _claims(token)
    assert claims["sub"] == "system:serviceaccount:default:default" and claims["exp"] - claims["iat"] == 3600
    ten = json.loads(kubectl("create", "token", "default", "--duration=10m", "-o", "json").stdout)
    assert ten["spec"]["expirationSeconds"] == 600
    assert ten["status"]["expirationTimestamp"] == "2025-01-01T00:10:00Z"
    short = kubectl("create", "token", "default", "--duration=5m", ok=False)
    assert short.returncode == 1
    assert short.stderr == ('error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: '
                            "spec.expirationSeconds: Invalid value: 300: may not specify a duration less than "
                            "10 minutes\n")
    missing = kubectl("create", "token", "builder", "-n", "dev", ok=False)
    assert missing.stderr == 'error: failed to create token: serviceaccounts "builder" not found\n'
    denied = kubectl("create", "token", "default", "--as", "alice", ok=False)
    assert denied.stderr == ('error: failed to create token: serviceaccounts "default" is forbidden: User "alice" '
                             'cannot create resource "serviceaccounts/token" in API group "" in the namespace '
                             '"default"\n')
