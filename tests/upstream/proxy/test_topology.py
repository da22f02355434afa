"""kubernetes pkg/proxy/topology_test.go TestCategorizeEndpoints: which endpoints a node's proxier uses.

Upstream's ``BaseEndpointInfo`` becomes kspec's ``Endpoint`` (``isLocal`` is a nodeName of the proxier's own
node), its ``BaseServicePortInfo`` a ``ServicePort`` with the same traffic policies and node port. Go's nil
result ("the Service does not use this kind of endpoints") and an empty one both come back as an empty
list in kspec; the check is upstream's: where nil is expected, no endpoint may be returned.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.proxy.provider import categorize_endpoints
from kspec.proxy.types import Endpoint, ServicePort, ServicePortName
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/proxy/topology_test.go"
NODE = "test-node"
_C = "TestCategorizeEndpoints"


def ep(text: str, *, ready: bool = True, serving: bool | None = None, terminating: bool = False,
       local: bool = False, zones: tuple[str, ...] = ()) -> Endpoint:
    """BaseEndpointInfo{endpoint, zoneHints, ready, serving, terminating, isLocal}."""
    ip, port = text.rsplit(":", 1)
    return Endpoint(ip, int(port), NODE if local else "", "", ready, ready if serving is None else serving,
                    terminating, frozenset(zones))


def svc(*, internal_local: bool = False, external_local: bool = False, node_port: int = 0) -> ServicePort:
    return ServicePort(ServicePortName("ns", "svc", "p"), ("10.0.0.1",), 80, "TCP", node_port=node_port,
                       internal_local=internal_local, external_local=external_local)


A3, A4, A5, A6 = "10.1.2.3:80", "10.1.2.4:80", "10.1.2.5:80", "10.1.2.6:80"
E0, E1, E2, E3 = "10.0.0.0:80", "10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"
ZA = {"topology.kubernetes.io/zone": "zone-a"}


def c(name: str, endpoints: list[Endpoint], cluster: set[str] | None, local: set[str] | None, *,
      labels: dict[str, str] | None = None, service: ServicePort | None = None, all_: set[str] | None = None,
      only_remote: bool = False, **reason: str) -> Any:
    return case(_C, name, endpoints=endpoints, cluster=cluster, local=local, labels=labels or {},
                svc=service or svc(), all=all_, only_remote=only_remote, **reason)


CASES = [
    c("should use topology since all endpoints have hints, node has a zone label and and there are endpoints for "
      "the node's zone", [ep(A3, zones=("zone-a",)), ep(A4, zones=("zone-b",)), ep(A5, zones=("zone-c",)),
                          ep(A6, zones=("zone-a",))], {A3, A6}, None, labels=ZA),
    c("externalTrafficPolicy: Local, topology ignored for Local endpoints",
      [ep(A3, zones=("zone-a",), local=True), ep(A4, zones=("zone-b",), local=True), ep(A5, zones=("zone-c",)),
       ep(A6, zones=("zone-a",))], {A3, A6}, {A3, A4}, labels=ZA,
      service=svc(external_local=True, node_port=8080), all_={A3, A4, A6}),
    c("internalTrafficPolicy: Local, topology ignored for Local endpoints",
      [ep(A3, zones=("zone-a",), local=True), ep(A4, zones=("zone-b",), local=True), ep(A5, zones=("zone-c",)),
       ep(A6, zones=("zone-a",))], {A3, A6}, {A3, A4}, labels=ZA,
      service=svc(internal_local=True, node_port=8080), all_={A3, A4, A6}),
    c("empty node labels", [ep(A3, zones=("zone-a",))], {A3}, None),
    c("empty zone label", [ep(A3, zones=("zone-a",))], {A3}, None, labels={"topology.kubernetes.io/zone": ""}),
    c("node in different zone, no endpoint filtering", [ep(A3, zones=("zone-a",))], {A3}, None,
      labels={"topology.kubernetes.io/zone": "zone-b"}),
    c("unready endpoint", [ep(A3, zones=("zone-a",)), ep(A4, zones=("zone-b",)), ep(A5, zones=("zone-c",)),
                           ep(A6, zones=("zone-a",), ready=False)], {A3}, None, labels=ZA),
    c("only unready endpoints in same zone (should not filter)",
      [ep(A3, zones=("zone-a",), ready=False), ep(A4, zones=("zone-b",)), ep(A5, zones=("zone-c",)),
       ep(A6, zones=("zone-a",), ready=False)], {A4, A5}, None, labels=ZA),
    c("missing hints, no filtering applied", [ep(A3, zones=("zone-a",)), ep(A4, zones=("zone-b",)), ep(A5),
                                              ep(A6, zones=("zone-a",))], {A3, A4, A5, A6}, None, labels=ZA),
    c("multiple hints per endpoint, filtering includes any endpoint with zone included",
      [ep(A3, zones=("zone-a", "zone-b", "zone-c")), ep(A4, zones=("zone-b", "zone-c")),
       ep(A5, zones=("zone-b", "zone-d")), ep(A6, zones=("zone-c",))], {A3, A4, A6}, None,
      labels={"topology.kubernetes.io/zone": "zone-c"}),
    c("conflicting topology and localness require merging allEndpoints",
      [ep(E0, zones=("zone-a",), local=True), ep(E1, zones=("zone-b",), local=True), ep(E2, zones=("zone-a",)),
       ep(E3, zones=("zone-b",))], {E0, E2}, {E0, E1}, labels=ZA,
      service=svc(external_local=True, node_port=8080), all_={E0, E1, E2}),
    c("internalTrafficPolicy: Local, with empty endpoints", [], None, set(), service=svc(internal_local=True)),
    c("internalTrafficPolicy: Local, but all endpoints are remote", [ep(E0), ep(E1)], None, set(),
      service=svc(internal_local=True), only_remote=True),
    c("internalTrafficPolicy: Local, all endpoints are local", [ep(E0, local=True), ep(E1, local=True)], None,
      {E0, E1}, service=svc(internal_local=True)),
    c("internalTrafficPolicy: Local, some endpoints are local", [ep(E0, local=True), ep(E1)], None, {E0},
      service=svc(internal_local=True)),
    c("Cluster traffic policy, endpoints not Ready", [ep(E0, ready=False), ep(E1, ready=False)], set(), None),
    c("Cluster traffic policy, some endpoints are Ready", [ep(E0, ready=False), ep(E1)], {E1}, None),
    c("Cluster traffic policy, all endpoints are terminating",
      [ep(E0, ready=False, serving=True, terminating=True, local=True),
       ep(E1, ready=False, serving=True, terminating=True)], {E0, E1}, None),
    c("iTP: Local, eTP: Cluster, some endpoints local", [ep(E0, local=True), ep(E1)], {E0, E1}, {E0},
      service=svc(internal_local=True, node_port=8080), all_={E0, E1}),
    c("iTP: Cluster, eTP: Local, some endpoints local", [ep(E0, local=True), ep(E1)], {E0, E1}, {E0},
      service=svc(external_local=True, node_port=8080), all_={E0, E1}),
    c("iTP: Local, eTP: Local, some endpoints local", [ep(E0, local=True), ep(E1)], {E0, E1}, {E0},
      service=svc(internal_local=True, external_local=True, node_port=8080), all_={E0, E1}),
    c("iTP: Local, eTP: Local, all endpoints remote", [ep(E0), ep(E1)], {E0, E1}, set(),
      service=svc(internal_local=True, external_local=True, node_port=8080), all_={E0, E1}),
    c("iTP: Local, eTP: Local, all endpoints remote and terminating",
      [ep(E0, ready=False, serving=True, terminating=True), ep(E1, ready=False, serving=True, terminating=True)],
      {E0, E1}, set(), service=svc(internal_local=True, external_local=True, node_port=8080), all_={E0, E1},
      only_remote=True),
    c("iTP: Cluster, eTP: Local, with terminating endpoints",
      [ep(E0), ep(E1, ready=False, serving=False, local=True),
       ep(E2, ready=False, serving=True, terminating=True, local=True),
       ep(E3, ready=False, serving=True, terminating=True)], {E0}, {E2},
      service=svc(external_local=True, node_port=8080), all_={E0, E2}),
    c("externalTrafficPolicy ignored if not externally accessible", [ep(E0), ep(E1, local=True)], {E0, E1}, None,
      service=svc(external_local=True), all_={E0, E1}),
    c("no cluster endpoints for iTP:Local internal-only service", [ep(E0), ep(E1, local=True)], None, {E1},
      service=svc(internal_local=True), all_={E1}),
]


def _check(expected: set[str] | None, actual: list[Endpoint]) -> None:
    got = [str(e) for e in actual]
    if expected is None:
        assert got == [], f"expected no endpoints, got {got}"  # Go: nil expected, non-nil returned
    else:
        assert sorted(got) == sorted(expected) and len(set(got)) == len(got)


@pytest.mark.parametrize("data", CASES)
def test_categorize_endpoints(data: dict[str, Any]) -> None:
    zone = data["labels"].get("topology.kubernetes.io/zone", "")
    cluster, local, reachable, has_any = categorize_endpoints(data["endpoints"], data["svc"], NODE, zone)
    _check(data["cluster"], cluster)
    _check(data["local"], local)
    if data["cluster"] is not None and data["local"] is None:
        want_all = data["cluster"]
    elif data["local"] is not None and data["cluster"] is None:
        want_all = data["local"]
    else:
        want_all = data["all"]
    _check(want_all, reachable)
    assert has_any == (len(want_all or ()) > 0 or data["only_remote"])
