"""kubernetes pkg/controller/endpointslicemirroring/reconciler_test.go TestReconcile, through kspec's reconciler.

Each case mirrors an Endpoints ``test/test-ep`` into a fake client holding the case's existing slices, then
checks upstream's way: how many client actions the reconcile added, how many slices there are, and that each
subset's addresses appear (per address family, at most maxEndpointsPerSubset) with their ready condition,
hostname and node name (``expectEndpointSlices``). The metrics' create/update/delete counters are checked
against the client's actions; the histogram metrics (added, removed, skipped per sync) are not modelled.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from kspec.controllers.endpointslice_util import LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MIRRORING_CONTROLLER_NAME
from kspec.controllers.endpointslicemirroring import MirroringReconciler
from tests.upstream.cases import case
from tests.upstream.controllers.endpointslice_adapter import FakeSliceClient

SOURCE = "kubernetes/kubernetes pkg/controller/endpointslicemirroring/reconciler_test.go"
_R = "TestReconcile"

HTTP_80 = [("http", 80, "TCP"), ("https", 443, "UDP")]
HTTP_3000 = [("http", 3000, "TCP"), ("https", 3001, "UDP")]


def addr(ip: str, hostname: str, node: str) -> dict[str, Any]:
    return {"ip": ip, "hostname": hostname, "nodeName": node}


def subset(ports: list[tuple[str, int, str]], addresses: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports]}
    if addresses:
        out["addresses"] = addresses
    return out


SUB1 = subset(HTTP_80, [addr("10.0.0.1", "pod-1", "node-1"), addr("10.0.0.2", "pod-2", "node-2")])
SUB2 = subset(HTTP_3000, [addr("10.0.1.1", "pod-11", "node-1"), addr("10.0.1.2", "pod-12", "node-2"),
                          addr("10.0.1.3", "pod-13", "node-3")])
EXISTING_PORTS = [{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "https", "port": 443, "protocol": "UDP"}]


def existing(endpoints: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The existing slice ``test-ep-1`` (labelled by the test as mirrored for test-ep)."""
    out: dict[str, Any] = {"metadata": {"name": "test-ep-1", "namespace": "test"}, "addressType": "IPv4",
                           "ports": EXISTING_PORTS}
    if endpoints is not None:
        out["endpoints"] = endpoints
    return out


def c(name: str, subsets: list[dict[str, Any]], num_slices: int, actions: int, *, slices: tuple = (),
      deletion: bool = False, max_per_subset: int = 0, created: int | None = None, updated: int = 0,
      deleted: int = 0) -> Any:
    return case(_R, name, subsets=subsets, slices=list(slices), num_slices=num_slices, actions=actions,
                deletion=deletion, max=max_per_subset or 1000, created=actions if created is None else created,
                updated=updated, deleted=deleted)


CASES = [
    c("Endpoints with no subsets", [], 0, 0),
    c("Endpoints with no addresses", [subset([("http", 80, "TCP")], [])], 0, 0),
    c("Endpoints with 1 subset, port, and address",
      [subset([("http", 80, "TCP")], [addr("10.0.0.1", "pod-1", "node-1")])], 1, 1),
    c("Endpoints with 1 subset, port, and address, pending deletion",
      [subset([("http", 80, "TCP")], [addr("10.0.0.1", "pod-1", "node-1")])], 0, 0, deletion=True),
    c("Endpoints with 1 subset, 2 ports, and 2 addresses", [SUB1], 1, 1),
    c("Endpoints with 2 subsets, multiple ports and addresses", [SUB1, SUB2], 2, 2),
    c("Endpoints with 2 subsets, multiple ports and addresses, existing empty EndpointSlice", [SUB1, SUB2], 2, 2,
      slices=(existing(),), created=1, updated=1),
    c("Endpoints with 2 subsets, multiple ports and addresses, existing EndpointSlice with some addresses",
      [SUB1, SUB2], 2, 2, slices=(existing([{"addresses": ["10.0.0.2"], "hostname": "pod-2"},
                                            {"addresses": ["10.0.0.1", "10.0.0.3"], "hostname": "pod-1"}]),),
      created=1, updated=1),
    c("Endpoints with 2 subsets, multiple ports and addresses, existing EndpointSlice identical to subset",
      [SUB1, SUB2], 2, 1, slices=(existing([
          {"addresses": ["10.0.0.1"], "hostname": "pod-1", "nodeName": "node-1", "conditions": {"ready": True}},
          {"addresses": ["10.0.0.2"], "hostname": "pod-2", "nodeName": "node-2", "conditions": {"ready": True}}]),),
      created=1),
    c("Endpoints with 2 subsets, multiple ports, and dual stack addresses",
      [subset(HTTP_80, [addr("2001:db8:2222:3333:4444:5555:6666:7777", "pod-1", "node-1"),
                        addr("10.0.0.2", "pod-2", "node-2")]),
       subset(HTTP_3000, [addr("10.0.1.1", "pod-11", "node-1"), addr("10.0.1.2", "pod-12", "node-2"),
                          addr("2001:db8:3333:4444:5555:6666:7777:8888", "pod-13", "node-3")])], 4, 4),
    c("Endpoints with 2 subsets, multiple ports, ipv6 only addresses",
      [subset(HTTP_80, [addr("2001:db8:1111:3333:4444:5555:6666:7777", "pod-1", "node-1"),
                        addr("2001:db8:2222:3333:4444:5555:6666:7777", "pod-2", "node-2")]),
       subset(HTTP_3000, [addr("2001:db8:3333:3333:4444:5555:6666:7777", "pod-11", "node-1"),
                          addr("2001:db8:4444:3333:4444:5555:6666:7777", "pod-12", "node-2"),
                          addr("2001:db8:5555:3333:4444:5555:6666:7777", "pod-13", "node-3")])], 2, 2),
    c("Endpoints with 2 subsets, multiple ports, some invalid addresses",
      [subset(HTTP_80, [addr("2001:db8:1111:3333:4444:5555:6666:7777", "pod-1", "node-1"),
                        addr("this-is-not-an-ip", "pod-2", "node-2")]),
       subset(HTTP_3000, [addr("this-is-also-not-an-ip", "pod-11", "node-1"),
                          addr("2001:db8:4444:3333:4444:5555:6666:7777", "pod-12", "node-2"),
                          addr("2001:db8:5555:3333:4444:5555:6666:7777", "pod-13", "node-3")])], 2, 2),
    c("Endpoints with 2 subsets, multiple ports, all invalid addresses",
      [subset(HTTP_80, [addr("this-is-not-an-ip1", "pod-1", "node-1"), addr("this-is-not-an-ip12", "pod-2", "node-2")]),
       subset(HTTP_3000, [addr("this-is-not-an-ip11", "pod-11", "node-1"),
                          addr("this-is-not-an-ip12", "pod-12", "node-2"),
                          addr("this-is-not-an-ip3", "pod-13", "node-3")])], 0, 0),
    c("Endpoints with 2 subsets, 1 exceeding maxEndpointsPerSubset", [SUB1, SUB2], 2, 2, max_per_subset=2),
]


def _family(ip: str) -> str | None:
    try:
        return "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"
    except ValueError:
        return None


def _ports_match(ep_ports: list[dict[str, Any]], eps_ports: list[dict[str, Any]]) -> bool:
    """portsMatch."""
    if len(ep_ports) != len(eps_ports):
        return False
    by_port = {p["port"]: p for p in ep_ports}
    for p in eps_ports:
        want = by_port.pop(p.get("port"), None)
        if want is None or (want.get("name", ""), want.get("protocol"), want.get("appProtocol")) != (
                p.get("name"), p.get("protocol"), p.get("appProtocol")):
            return False
    return True


def _expect_matching(sub: dict[str, Any], endpoints: list[dict[str, Any]], family: str, most: int) -> None:
    """expectMatchingAddresses."""
    expected: dict[str, tuple[bool, dict[str, Any]]] = {}
    for field, ready in (("addresses", True), ("notReadyAddresses", False)):
        for a in sub.get(field) or []:
            if _family(a["ip"]) == family and len(expected) < most:
                expected[a["ip"]] = (ready, a)
    assert len(expected) == len(endpoints), (family, expected, endpoints)
    for e in endpoints:
        assert len(e["addresses"]) == 1
        ready, a = expected[e["addresses"][0]]
        assert e["conditions"]["ready"] is ready
        assert e.get("hostname", "") == a.get("hostname", "")
        if a.get("nodeName") is not None:
            assert e.get("nodeName") == a["nodeName"]


@pytest.mark.parametrize("data", CASES)
def test_reconcile(data: dict[str, Any]) -> None:
    client = FakeSliceClient()
    endpoints: dict[str, Any] = {"metadata": {"name": "test-ep", "namespace": "test", "uid": "ep-uid"},
                                 "subsets": data["subsets"]}
    if data["deletion"]:
        endpoints["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    labels = {LABEL_SERVICE_NAME: "test-ep", LABEL_MANAGED_BY: MIRRORING_CONTROLLER_NAME}
    for s in data["slices"]:
        client.seed({**s, "metadata": {**s["metadata"], "labels": labels}})
    initial = len(client.actions)
    existing = client.listed("test")
    MirroringReconciler(client, data["max"]).reconcile(endpoints, existing)
    verbs = client.verbs(initial)
    assert len(verbs) == data["actions"], verbs
    assert (verbs.count("create"), verbs.count("update"), verbs.count("delete")) == (
        data["created"], data["updated"], data["deleted"])
    slices = client.listed("test", **{LABEL_MANAGED_BY: MIRRORING_CONTROLLER_NAME})
    assert len(slices) == data["num_slices"]
    if not slices:
        return
    for s in slices:
        assert s["metadata"]["name"].startswith("test-ep")
        assert s["metadata"]["labels"][LABEL_SERVICE_NAME] == "test-ep"
    for sub in data["subsets"]:
        if not sub.get("addresses") and not sub.get("notReadyAddresses"):
            continue
        matching: dict[str, list[dict[str, Any]]] = {"IPv4": [], "IPv6": []}
        for s in slices:
            if _ports_match(sub["ports"], s.get("ports") or []):
                matching[s["addressType"]] += s.get("endpoints") or []
        assert matching["IPv4"] or matching["IPv6"], f"no EndpointSlice matches subset {sub['ports']}"
        for family in ("IPv4", "IPv6"):
            _expect_matching(sub, matching[family], family, data["max"])
