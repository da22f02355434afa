"""kubernetes pkg/proxy/healthcheck/healthcheck_test.go: kube-proxy's service health server and /healthz.

``TestServer`` drives kspec's ``ServiceHealthServer`` through the same SyncServices / SyncEndpoints calls and
checks each handler's status, JSON payload and headers (``tHandler``); the listeners it opens are not modelled
(kspec has no sockets), so the open-port counts are read from the registered Services instead.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kspec.proxy.healthcheck import ServiceHealthServer
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/proxy/healthcheck/healthcheck_test.go"


def t_handler(hcs: ServiceHealthServer, nsn: tuple[str, str], status: int, endpoints: int,
              healthy: bool = True) -> None:
    """tHandler: status, payload and the three headers."""
    resp = hcs.serve(nsn)
    assert resp is not None
    assert resp.status == status
    payload = json.loads(resp.body)
    assert (payload["service"]["namespace"], payload["service"]["name"]) == nsn
    assert payload["localEndpoints"] == endpoints
    assert payload["serviceProxyHealthy"] is healthy
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Load-Balancing-Endpoint-Weight"] == str(endpoints)


def _counts(hcs: ServiceHealthServer) -> dict[tuple[str, str], int]:
    return {nsn: hci.endpoints for nsn, hci in hcs.services.items()}


def _server() -> None:
    hcs = ServiceHealthServer()
    assert len(hcs.services) == 0
    hcs.sync_services(None)
    hcs.sync_endpoints(None)
    assert len(hcs.services) == 0
    hcs.sync_endpoints({("a", "b"): 93})  # unknown endpoints are dropped
    assert len(hcs.services) == 0
    nsn = ("a", "b")
    hcs.sync_services({nsn: 9376})
    assert _counts(hcs) == {nsn: 0} and [h.port for h in hcs.services.values()] == [9376]
    t_handler(hcs, nsn, 503, 0)
    hcs.sync_endpoints({nsn: 18})
    assert _counts(hcs) == {nsn: 18}
    t_handler(hcs, nsn, 200, 18)
    hcs.sync_endpoints({nsn: 0})
    t_handler(hcs, nsn, 503, 0)
    hcs.sync_endpoints({nsn: 11})
    assert _counts(hcs) == {nsn: 11}
    hcs.sync_endpoints(None)
    assert _counts(hcs) == {nsn: 0}
    t_handler(hcs, nsn, 503, 0)
    hcs.sync_endpoints({nsn: 18})
    hcs.sync_services(None)
    assert len(hcs.services) == 0
    n1, n2, n3, n4 = ("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")
    hcs.sync_services({n1: 9376, n2: 12909, n3: 11113})
    assert _counts(hcs) == {n1: 0, n2: 0, n3: 0}
    for n in (n1, n2, n3):
        t_handler(hcs, n, 503, 0)
    hcs.sync_endpoints({n1: 9, n2: 3, n3: 7})
    assert _counts(hcs) == {n1: 9, n2: 3, n3: 7}
    t_handler(hcs, n1, 200, 9)
    t_handler(hcs, n2, 200, 3)
    t_handler(hcs, n3, 200, 7)
    hcs.sync_services({n2: 12909, n3: 11114, n4: 11878})  # leave n2, move n3, add n4, drop n1
    assert _counts(hcs) == {n2: 3, n3: 0, n4: 0}
    t_handler(hcs, n2, 200, 3)
    t_handler(hcs, n3, 503, 0)
    t_handler(hcs, n4, 503, 0)
    hcs.sync_endpoints({n1: 9, n2: 3, n3: 7, n4: 6})
    assert _counts(hcs) == {n2: 3, n3: 7, n4: 6}
    t_handler(hcs, n4, 200, 6)
    hcs.sync_endpoints({n3: 7, n4: 6})
    assert _counts(hcs) == {n2: 0, n3: 7, n4: 6}
    t_handler(hcs, n2, 503, 0)
    t_handler(hcs, n3, 200, 7)
    hcs.proxy_healthy = False  # a temporarily unhealthy proxy
    t_handler(hcs, n2, 503, 0, False)
    t_handler(hcs, n3, 503, 7, False)
    t_handler(hcs, n4, 503, 6, False)
    hcs.proxy_healthy = True
    t_handler(hcs, n2, 503, 0, True)
    t_handler(hcs, n3, 200, 7, True)
    t_handler(hcs, n4, 200, 6, True)


CASES = [
    case("TestServer", "whole test", run=_server),
]


@pytest.mark.parametrize("data", CASES)
def test_healthcheck(data: dict[str, Any]) -> None:
    data["run"]()
