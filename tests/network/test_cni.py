"""The ``network`` component: chosen by name, calico drops what a policy denies, flannel ignores policies;
and the API server's defaulting and validation of NetworkPolicy beyond upstream's table (endPort)."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path

import pytest

from kspec import plugins
from kspec.api.validation import validate
from kspec.cluster import Cluster
from kspec.errors import ApplyError, PluginError
from kspec.lint import lint

PODS = """
apiVersion: v1
kind: Pod
metadata: {name: server, labels: {app: server}}
spec:
  nodeName: node-1
  containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: node-2
  containers: [{name: c, image: curl}]
"""
DENY = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec:
  podSelector: {matchLabels: {app: server}}
"""


def cluster(network: str | None = None) -> Cluster:
    c = Cluster(nodes=2)
    if network:
        c.use("network", network)
    c.apply(PODS)
    c.settle()
    return c


def test_the_registered_networks_are_calico_and_flannel() -> None:
    c = Cluster()
    assert sorted(plugins.registered_names(c.pm, "network")) == ["calico", "flannel"]
    with pytest.raises(PluginError, match='unknown network "cilium": the registered network implementations '
                                          'are "calico", "flannel"'):
        c.use("network", "cilium")


def test_calico_is_the_default_and_drops_what_a_policy_denies() -> None:
    c = cluster()
    server_ip = c.api.get("pods", "server", "default")["status"]["podIP"]
    assert c.connect("client", server_ip, 8080) == "server"
    c.apply(DENY)
    conn = c.connection("client", server_ip, 8080)
    assert conn.outcome == "timeout" and conn.reason.startswith("the calico network dropped the packet")


def test_flannel_ignores_policies() -> None:
    c = cluster("flannel")
    c.apply(DENY)
    server_ip = c.api.get("pods", "server", "default")["status"]["podIP"]
    assert c.connect("client", server_ip, 8080) == "server"


def test_the_api_server_defaults_policy_types_and_protocols() -> None:
    c = Cluster()
    c.apply(DENY + "  egress: [{ports: [{port: 53}]}]\n")
    spec = c.api.get("networkpolicies", "deny", "default")["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["egress"][0]["ports"][0]["protocol"] == "TCP"


def test_the_api_server_rejects_an_invalid_policy() -> None:
    c = Cluster()
    with pytest.raises(ApplyError, match="may not specify both ipBlock and another peer"):
        c.apply(DENY + "  ingress: [{from: [{podSelector: {}, ipBlock: {cidr: 10.0.0.0/8}}]}]\n")


def _port_errors(port: dict) -> list[str]:
    obj = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
           "metadata": {"name": "p", "namespace": "default"},
           "spec": {"podSelector": {}, "ingress": [{"ports": [port]}]}}
    return [str(e) for e in validate(obj)]


@pytest.mark.parametrize(("port", "errors"), [
    ({"port": 8000, "endPort": 9000}, []),
    ({"port": 8000, "endPort": 8000}, []),
    ({"port": 9000, "endPort": 8000},
     ["spec.ingress[0].ports[0].endPort: Invalid value: 9000: must be greater than or equal to `port`"]),
    ({"port": 8000, "endPort": 70000},
     ["spec.ingress[0].ports[0].endPort: Invalid value: 70000: must be between 1 and 65535, inclusive"]),
    ({"port": "http", "endPort": 9000},
     ["spec.ingress[0].ports[0].endPort: Invalid value: 9000: may not be specified when `port` is non-numeric"]),
    ({"endPort": 9000},
     ["spec.ingress[0].ports[0].endPort: Invalid value: 9000: may not be specified when `port` is not specified"]),
])
def test_end_port(port: dict, errors: list[str]) -> None:
    """ValidateNetworkPolicyPort's endPort rules (upstream v1.22+)."""
    assert _port_errors(port) == errors


EGRESS_DENY = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-egress}
spec:
  podSelector: {}
  policyTypes: [Egress]
"""
ALLOW_DNS = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns}
spec:
  podSelector: {}
  egress:
  - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{protocol: UDP, port: dns}]
"""


def test_an_egress_deny_drops_the_dns_query_of_a_name_until_dns_is_allowed() -> None:
    c = cluster()
    c.apply("{apiVersion: v1, kind: Service, metadata: {name: server}, spec: {selector: {app: server}, "
            "ports: [{port: 8080}]}}")
    c.settle()
    assert c.connect("client", "server.default", 8080) == "server"
    c.apply(EGRESS_DENY)
    conn = c.connection("client", "server.default", 8080)
    assert conn.outcome == "timeout"
    assert re.search(r'dropped its DNS query to 10\.96\.0\.10:53/UDP .* "server\.default" does not resolve',
                     conn.reason)
    c.apply(ALLOW_DNS)  # the named port "dns" resolves against CoreDNS's container ports
    conn = c.connection("client", "server.default", 8080)
    assert conn.outcome == "timeout" and conn.reason.startswith("the calico network dropped the packet from")


def test_lint_checks_the_network_name_without_running(tmp_path: Path) -> None:
    feature = tmp_path / "n.feature"
    feature.write_text('Feature: n\n  Scenario: s\n    Given a cluster with 2 nodes\n'
                       '    And the cluster uses the "cilium" network\n'
                       '    And the cluster uses the "flannel" network\n')
    assert [p.message for p in lint([feature])] == [
        'unknown network "cilium": the registered network implementations are "calico", "flannel"']


def test_kubectl_get_netpol_prints_the_pod_selector() -> None:
    """printNetworkPolicy: NAME, POD-SELECTOR (metav1.FormatLabelSelector, <none> for every pod), AGE."""
    from datetime import datetime

    from kspec.printers import canonical_resource, table
    now = datetime(2026, 1, 1, 0, 1, tzinfo=UTC)
    meta = {"namespace": "default", "creationTimestamp": "2026-01-01T00:00:00Z"}
    policies = [{"metadata": {"name": "all", **meta}, "spec": {"podSelector": {}}},
                {"metadata": {"name": "api", **meta}, "spec": {"podSelector": {"matchLabels": {"app": "api"}}}}]
    assert canonical_resource("netpol") == "networkpolicies"
    assert table("networkpolicies", policies, now) == (["NAME", "POD-SELECTOR", "AGE"],
                                                       [["all", "<none>", "60s"], ["api", "app=api", "60s"]])
