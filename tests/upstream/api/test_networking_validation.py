"""kubernetes pkg/apis/networking/validation/validation_test.go: NetworkPolicy validation
(TestValidateNetworkPolicy, TestValidateNetworkPolicyUpdate), through the API server's dispatch table.

Upstream checks only that a success case has no errors and an error case has some; so do these.
The success cases are unnamed in Go (a slice); they are named by their index here.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import validate
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/networking/validation/validation_test.go"
AB = {"matchLabels": {"a": "b"}}
CD = {"matchLabels": {"c": "d"}}
INVALID = {"matchLabels": {"NoUppercaseOrSpecialCharsLike=Equals": "b"}}
V4 = {"ipBlock": {"cidr": "192.168.0.0/16", "except": ["192.168.3.0/24", "192.168.4.0/24"]}}
V6 = {"ipBlock": {"cidr": "fd00:192:168::/48", "except": ["fd00:192:168:3::/64", "fd00:192:168:4::/64"]}}
PORTS = [{"port": 80}, {"protocol": "TCP"}, {"protocol": "TCP", "port": 443}, {"protocol": "UDP", "port": "dns"},
         {"protocol": "SCTP", "port": 7777}]


def np(pod_selector: dict | None = None, name: str = "foo", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": "bar", "resourceVersion": "1"},
            "spec": {"podSelector": pod_selector if pod_selector is not None else {}, **spec}}


def ingress_from(*peers: dict) -> list[dict]:
    return [{"from": list(peers)}]


def egress_to(*peers: dict) -> list[dict]:
    return [{"to": list(peers)}]


def block(cidr: str | None, *excepts: str) -> dict:
    out: dict[str, Any] = {"except": list(excepts)}
    if cidr is not None:
        out["cidr"] = cidr
    return {"ipBlock": out}


_F = "TestValidateNetworkPolicy"
SUCCESS = [
    np(AB, ingress=[]),
    np(AB, ingress=[{"from": [], "ports": []}]),
    np(AB, ingress=[{"ports": PORTS}]),
    np(AB, ingress=ingress_from({"podSelector": CD})),
    np(AB, ingress=ingress_from({"namespaceSelector": CD})),
    np(AB, ingress=ingress_from({"namespaceSelector": CD, "podSelector": {"matchLabels": {"e": "f"}}})),
    np(AB, egress=egress_to({"namespaceSelector": CD}), ingress=ingress_from(V4)),
    np(AB, ingress=ingress_from(V4)),
    np(AB, egress=egress_to(V4), policyTypes=["Egress"]),
    np(AB, egress=egress_to(V4), policyTypes=["Ingress", "Egress"]),
    np(AB, egress=[{"ports": PORTS}]),
    np(AB, egress=egress_to({"namespaceSelector": CD}), ingress=ingress_from(V6)),
    np(AB, ingress=ingress_from(V6)),
    np(AB, egress=egress_to(V6), policyTypes=["Egress"]),
    np(AB, egress=egress_to(V6), policyTypes=["Ingress", "Egress"]),
]
ERRORS = {
    "namespaceSelector and ipBlock": np(AB, ingress=ingress_from({"namespaceSelector": CD, **V4})),
    "podSelector and ipBlock": np(AB, egress=egress_to({"podSelector": CD, **V4})),
    "missing from and to type": np(AB, ingress=ingress_from({}), egress=egress_to({})),
    "invalid spec.podSelector": np(INVALID, ingress=ingress_from({"namespaceSelector": CD})),
    "invalid ingress.ports.protocol": np(ingress=[{"ports": [{"protocol": "ICMP", "port": 80}]}]),
    "invalid ingress.ports.port (int)": np(ingress=[{"ports": [{"protocol": "TCP", "port": 123456789}]}]),
    "invalid ingress.ports.port (str)": np(ingress=[{"ports": [{"protocol": "TCP", "port": "!@#$"}]}]),
    "invalid ingress.from.podSelector": np(ingress=ingress_from({"podSelector": INVALID})),
    "invalid egress.to.podSelector": np(egress=egress_to({"podSelector": INVALID})),
    "invalid egress.ports.protocol": np(egress=[{"ports": [{"protocol": "ICMP", "port": 80}]}]),
    "invalid egress.ports.port (int)": np(egress=[{"ports": [{"protocol": "TCP", "port": 123456789}]}]),
    "invalid egress.ports.port (str)": np(egress=[{"ports": [{"protocol": "TCP", "port": "!@#$"}]}]),
    "invalid ingress.from.namespaceSelector": np(ingress=ingress_from({"namespaceSelector": INVALID})),
    "missing cidr field": np(ingress=ingress_from(block(None, "192.168.8.0/24", "192.168.9.0/24"))),
    "invalid cidr format": np(AB, ingress=ingress_from(block("192.168.5.6", "192.168.1.0/24", "192.168.2.0/24"))),
    "invalid ipv6 cidr format": np(AB, ingress=ingress_from(block("fd00:192:168::", "fd00:192:168:3::/64",
                                                                  "fd00:192:168:4::/64"))),
    "except field is an empty string": np(AB, ingress=ingress_from(block("192.168.8.0/24", "", " "))),
    "except IP is outside of CIDR range": np(AB, ingress=ingress_from(block("192.168.8.0/24", "192.168.9.1/24"))),
    "except IP is not strictly within CIDR range": np(AB, ingress=ingress_from(block("192.168.0.0/24",
                                                                                     "192.168.0.0/24"))),
    "except IPv6 is outside of CIDR range": np(AB, ingress=ingress_from(block("fd00:192:168:1::/64",
                                                                              "fd00:192:168:2::/64"))),
    "invalid policyTypes": np(AB, egress=egress_to(V4), policyTypes=["foo", "bar"]),
    "too many policyTypes": np(AB, egress=egress_to(V4), policyTypes=["foo", "bar", "baz"]),
}
CASES = ([case(_F, f"success {i}", policy=p, valid=True) for i, p in enumerate(SUCCESS)]
         + [case(_F, name, policy=p, valid=False) for name, p in ERRORS.items()])


@pytest.mark.parametrize("data", CASES)
def test_validate_network_policy(data: dict[str, Any]) -> None:
    errs = validate(data["policy"])
    assert (not errs) == data["valid"], [str(e) for e in errs]


_U = "TestValidateNetworkPolicyUpdate"
UPDATE = [
    case(_U, "no change", old=np(AB, ingress=[]), new=np(AB, ingress=[]), valid=True),
    case(_U, "change spec", old=np(ingress=[]), new=np(AB, ingress=[]), valid=True),
    case(_U, "change name", old=np(ingress=[]), new=np(ingress=[], name="baz"), valid=False),
]


@pytest.mark.parametrize("data", UPDATE)
def test_validate_network_policy_update(data: dict[str, Any]) -> None:
    errs = validate(data["new"], data["old"])
    assert (not errs) == data["valid"], [str(e) for e in errs]
