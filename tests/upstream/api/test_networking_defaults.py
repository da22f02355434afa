"""kubernetes pkg/apis/networking/v1/defaults_test.go: TestSetDefaultNetworkPolicy (policyTypes defaulting).

The Go cases are an unnamed slice; they are named by their index here. Upstream compares the whole spec
after a round trip through the API's defaulting; kspec's defaulter is applied the same way.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.api.defaults import apply_defaults
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/networking/v1/defaults_test.go"
AB = {"matchLabels": {"a": "b"}}
CD = {"matchLabels": {"c": "d"}}
INGRESS = [{"from": [{"podSelector": CD, "namespaceSelector": CD}]}]
EGRESS = [{"to": [{"namespaceSelector": CD}]}]
EGRESS_ONLY = [{"to": [{"namespaceSelector": {"matchLabels": {"Egress": "only"}}}]}]


def spec(**fields: Any) -> dict[str, Any]:
    return {"podSelector": AB, **fields}


_F = "TestSetDefaultNetworkPolicy"
CASES = [
    case(_F, "0 empty NetworkPolicy: Ingress", original=spec(), expected=spec(policyTypes=["Ingress"])),
    case(_F, "1 empty ingress: Ingress", original=spec(ingress=[]), expected=spec(ingress=[], policyTypes=["Ingress"])),
    case(_F, "2 ingress and egress: Ingress, Egress", original=spec(ingress=INGRESS, egress=EGRESS),
         expected=spec(ingress=INGRESS, egress=EGRESS, policyTypes=["Ingress", "Egress"])),
    case(_F, "3 egress only, unset: Ingress, Egress", original=spec(egress=EGRESS),
         expected=spec(egress=EGRESS, policyTypes=["Ingress", "Egress"])),
    case(_F, "4 egress only, set to Egress: Egress", original=spec(egress=EGRESS_ONLY, policyTypes=["Egress"]),
         expected=spec(egress=EGRESS_ONLY, policyTypes=["Egress"])),
]


@pytest.mark.parametrize("data", CASES)
def test_set_default_network_policy(data: dict[str, Any]) -> None:
    obj = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np"},
           "spec": copy.deepcopy(data["original"])}
    apply_defaults(obj)
    assert obj["spec"] == data["expected"]
