"""The service quota evaluator: upstream's TestServiceEvaluatorMatchesResources, TestServiceEvaluatorUsage and
TestServiceConstraintsFunc (pkg/quota/v1/evaluator/core/services_test.go), on ``kspec/api/quota.py``."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api import quota
from kspec.quantity import parse_quantity
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/quota/v1/evaluator/core/services_test.go"

SERVICES = quota.evaluator_for("services", "")


def test_service_evaluator_matches_resources() -> None:
    """TestServiceEvaluatorMatchesResources."""
    got = SERVICES.matching(["configmaps", "cpu", "services", "services.nodeports", "services.loadbalancers"])
    assert sorted(got) == ["services", "services.loadbalancers", "services.nodeports"]


def svc(stype: str, *ports: dict[str, int], allocate: bool | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": stype, "ports": list(ports)}
    if allocate is not None:
        spec["allocateLoadBalancerNodePorts"] = allocate
    return {"spec": spec}


def usage(nodeports: str, lbs: str) -> dict[str, str]:
    return {"services.nodeports": nodeports, "services.loadbalancers": lbs, "services": "1", "count/services": "1"}


P1, P2 = {"port": 27443}, {"port": 27444}
N1, N2 = {"port": 27443, "nodePort": 32001}, {"port": 27444, "nodePort": 32002}
U = "TestServiceEvaluatorUsage"
USAGE = [
    case(U, "loadbalancer", svc=svc("LoadBalancer"), usage=usage("0", "1")),
    case(U, "loadbalancer_ports", svc=svc("LoadBalancer", P1), usage=usage("1", "1")),
    case(U, "loadbalancer_2_ports", svc=svc("LoadBalancer", P1, P2), usage=usage("2", "1")),
    case(U, "clusterip", svc=svc("ClusterIP"), usage=usage("0", "0")),
    case(U, "nodeports", svc=svc("NodePort", P1), usage=usage("1", "0")),
    case(U, "multi-nodeports", svc=svc("NodePort", P1, P2), usage=usage("2", "0")),
    case(U, "nodeports-disabled", svc=svc("LoadBalancer", P1, P2, allocate=False), usage=usage("0", "1")),
    case(U, "nodeports-default-enabled", svc=svc("LoadBalancer", N1, N2), usage=usage("2", "1")),
    case(U, "nodeports-explicitly-enabled", svc=svc("LoadBalancer", P1, P2, allocate=True), usage=usage("2", "1")),
    case(U, "nodeports-disabled-but-specified", svc=svc("LoadBalancer", N1, N2, allocate=False),
         usage=usage("2", "1")),
]


@pytest.mark.parametrize("tc", USAGE)
def test_service_evaluator_usage(tc: dict[str, Any]) -> None:
    got = SERVICES.usage(tc["svc"], None)
    assert set(got) == set(tc["usage"])
    assert all(got[k].value == parse_quantity(v) for k, v in tc["usage"].items())


C = "TestServiceConstraintsFunc"
CONSTRAINTS = [
    case(C, "loadbalancer", svc=svc("LoadBalancer"), required=["services.loadbalancers"]),
    case(C, "clusterip", svc=svc("ClusterIP"), required=["services.loadbalancers", "services"]),
    case(C, "nodeports", svc=svc("NodePort", P1), required=["services.nodeports"]),
    case(C, "multi-nodeports", svc=svc("NodePort", P1, P2), required=["services.nodeports"]),
]


@pytest.mark.parametrize("tc", CONSTRAINTS)
def test_service_constraints_func(tc: dict[str, Any]) -> None:
    assert SERVICES.constraints(tc["required"], tc["svc"]) == ""
