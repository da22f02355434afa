"""kubernetes pkg/proxy/endpointslicecache_test.go: a Service's EndpointSlices merged into kube-proxy's map.

Slices go through kspec's EndpointsChangeTracker (keyed, like the cache's ``updatePending``, by slice name,
so a later slice of the same name replaces an earlier one) and the map it yields is compared with
upstream's, endpoint by endpoint in ``ip:port`` order: address, port, whether local to the test's host,
and the ready / serving / terminating conditions. ``generateEndpointSliceWithOffset`` is rebuilt as data.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.proxy.changetracker import EndpointsChangeTracker, apply_changes
from kspec.proxy.types import Endpoint, ServicePortName
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/proxy/endpointslicecache_test.go"


def gen(svc: str, ns: str, slice_num: int, num: int, unready_mod: int, terminating_mod: int,
        hosts: list[str], ports: list[int | None], offset: int | None = None) -> dict[str, Any]:
    """generateEndpointSliceWithOffset (offset defaults to the slice number, as generateEndpointSlice)."""
    offset = slice_num if offset is None else offset
    endpoints = []
    for i in range(1, num + 1):
        ready_cond, terminating = i % unready_mod != 0, i % terminating_mod == 0
        ep: dict[str, Any] = {"addresses": [f"10.0.{offset}.{i}"],
                              "conditions": {"ready": ready_cond and not terminating, "serving": ready_cond,
                                             "terminating": terminating}}
        if hosts:
            ep["nodeName"] = hosts[i % len(hosts)]
        endpoints.append(ep)
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"{svc}-{slice_num}", "namespace": ns,
                         "labels": {"kubernetes.io/service-name": svc}},
            "addressType": "IPv4", "endpoints": endpoints,
            "ports": [{"name": f"port-{i}", "protocol": "TCP", **({"port": p} if p is not None else {})}
                      for i, p in enumerate(ports)]}


R, U, T = (True, True, False), (False, False, False), (False, True, True)  # ready, unready, terminating


def eps(*items: tuple[str, bool, tuple[bool, bool, bool]]) -> list[tuple[str, bool, bool, bool, bool]]:
    """(ip:port, isLocal, (ready, serving, terminating))."""
    return [(e, local, *cond) for e, local, cond in items]


def _ten(unready: set[int], terminating: set[int] = frozenset()) -> list[tuple[str, bool, bool, bool, bool]]:
    order = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9]  # "ip:port" order puts 10.0.1.10 first
    return eps(*[(f"10.0.1.{i}:80", False, T if i in terminating else U if i in unready else R) for i in order])


_E = "TestEndpointsMapFromESC"
P0 = ("ns1", "svc1", "port-0")
P1 = ("ns1", "svc1", "port-1")
MAP_FROM_ESC = [
    case(_E, "1 slice, 2 hosts, ports 80,443", host="host1",
         slices=[gen("svc1", "ns1", 1, 3, 999, 999, ["host1", "host2"], [80, 443])],
         want={P0: eps(("10.0.1.1:80", False, R), ("10.0.1.2:80", True, R), ("10.0.1.3:80", False, R)),
               P1: eps(("10.0.1.1:443", False, R), ("10.0.1.2:443", True, R), ("10.0.1.3:443", False, R))}),
    case(_E, "2 slices, same port", host="",
         slices=[gen("svc1", "ns1", 1, 3, 999, 999, [], [80]), gen("svc1", "ns1", 2, 3, 999, 999, [], [80])],
         want={P0: eps(*[(f"10.0.{o}.{i}:80", False, R) for o in (1, 2) for i in (1, 2, 3)])}),
    case(_E, "2 overlapping slices, same port", host="",
         slices=[gen("svc1", "ns1", 1, 3, 999, 999, [], [80]), gen("svc1", "ns1", 1, 4, 999, 999, [], [80])],
         want={P0: eps(*[(f"10.0.1.{i}:80", False, R) for i in (1, 2, 3, 4)])}),
    case(_E, "2 slices, overlapping endpoints, some endpoints unready in 1 or both", host="",
         slices=[gen("svc1", "ns1", 1, 10, 3, 999, [], [80]), gen("svc1", "ns1", 1, 10, 6, 999, [], [80])],
         want={P0: _ten({6})}),
    case(_E, "2 slices, overlapping endpoints, some endpoints unready and some endpoints terminating", host="",
         slices=[gen("svc1", "ns1", 1, 10, 3, 5, [], [80]), gen("svc1", "ns1", 1, 10, 6, 5, [], [80])],
         want={P0: _ten({6}, {5, 10})}),
    case(_E, "2 slices, overlapping endpoints, all unready", host="",
         slices=[gen("svc1", "ns1", 1, 10, 1, 999, [], [80]), gen("svc1", "ns1", 1, 10, 1, 999, [], [80])],
         want={P0: _ten(set(range(1, 11)))}),
    case(_E, "3 slices with different services and namespaces", host="",
         slices=[gen("svc1", "ns1", 1, 3, 999, 999, [], [80]), gen("svc2", "ns1", 2, 3, 999, 999, [], [80]),
                 gen("svc1", "ns2", 3, 3, 999, 999, [], [80])],
         want={P0: eps(("10.0.1.1:80", False, R), ("10.0.1.2:80", False, R), ("10.0.1.3:80", False, R))}),
    case(_E, "Nil port should not break anything", host="host1",
         slices=[gen("svc1", "ns1", 1, 3, 999, 999, ["host1", "host2"], [None])], want={}),
    case(_E, "Different endpoints with duplicate IPs should not be filtered", host="host1",
         slices=[gen("svc1", "ns1", 1, 2, 999, 999, ["host1", "host2"], [80], offset=1),
                 gen("svc1", "ns1", 2, 2, 999, 999, ["host1", "host2"], [8080], offset=1)],
         want={P0: eps(("10.0.1.1:80", False, R), ("10.0.1.1:8080", False, R), ("10.0.1.2:80", True, R),
                       ("10.0.1.2:8080", True, R))}),
]
_I = "TestEndpointInfoByServicePort"
INFO_BY_PORT = [
    case(_I, "simple use case with 3 endpoints", host="host1",
         slices=[gen("svc1", "ns1", 1, 3, 999, 999, ["host1", "host2"], [80])],
         want={P0: eps(("10.0.1.1:80", False, R), ("10.0.1.2:80", True, R), ("10.0.1.3:80", False, R))}),
    case(_I, "4 different slices with duplicate IPs", host="host1",
         slices=[gen("svc1", "ns1", 1, 2, 999, 999, ["host1", "host2"], [80], offset=1),
                 gen("svc1", "ns1", 2, 2, 999, 999, ["host1", "host2"], [8080], offset=1)],
         want={P0: eps(("10.0.1.1:80", False, R), ("10.0.1.1:8080", False, R), ("10.0.1.2:80", True, R),
                       ("10.0.1.2:8080", True, R))}),
]


def _row(e: Endpoint, host: str) -> tuple[str, bool, bool, bool, bool]:
    return str(e), bool(e.node) and e.node == host, e.ready, e.serving, e.terminating


@pytest.mark.parametrize("data", MAP_FROM_ESC + INFO_BY_PORT)
def test_endpoints_map_from_esc(data: dict[str, Any]) -> None:
    tracker = EndpointsChangeTracker()
    for s in data["slices"]:
        tracker.update(None, s)  # updatePending: the newest slice of a name replaces the older
    merged: dict[ServicePortName, tuple[Endpoint, ...]] = {}
    apply_changes(merged, tracker)
    got = {(k.namespace, k.name, k.port): [_row(e, data["host"]) for e in v]
           for k, v in merged.items() if (k.namespace, k.name) == ("ns1", "svc1")}
    assert got == data["want"]
