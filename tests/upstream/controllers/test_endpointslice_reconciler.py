"""kubernetes/endpointslice reconciler_test.go: kspec's EndpointSlice reconciler against upstream's tables.

Upstream's fake clientset is ``FakeSliceClient`` (creates named ``<generateName>-<8 random>``, every call an
action); ``newPod``, ``newServiceAndEndpointMeta`` and ``newEmptyEndpointSlice`` are rebuilt as API dicts.
Checked as upstream checks: the client's actions (count and verbs), the slices listed afterwards and their
lengths, labels, endpoints and trigger-time annotation. The metrics (desired/actual slices, added/removed
per sync) and the EndpointSliceTracker generations are not modelled; the create/update/delete counts they
include are checked through the actions.

Data note: ``newPod(n)`` gives pod n the IP ``1.2.3.<4+n>``, which past n=251 is no IP (Go's ParseIPSloppy
returns nil and the endpoint's address becomes the string "<nil>"); a real API server refuses such a pod
IP, so those pods get ``1.2.4.<n-252>`` here, which keeps every pod a distinct endpoint as upstream's are.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.controllers.endpointslice_reconciler import Reconciler, placeholder_equal
from kspec.controllers.endpointslice_util import (
    CONTROLLER_NAME,
    HEADLESS_LABEL,
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    TRIGGER_TIME_ANNOTATION,
    controller_ref,
    new_endpoint_slice,
    pod_to_endpoint,
)
from tests.upstream.cases import case
from tests.upstream.controllers.endpointslice_adapter import FakeSliceClient

SOURCE = "kubernetes/kubernetes staging/src/k8s.io/endpointslice/reconciler_test.go"
NS = "test"
TRIGGER = "2024-05-01T10:00:00.123456789Z"
NODE1 = {"metadata": {"name": "node-1"}}


def new_pod(n: int, ready: bool, terminating: bool = False) -> dict[str, Any]:
    """newPod(n, namespace, ready, 1, terminating)."""
    ip = f"1.2.3.{4 + n}" if 4 + n <= 255 else f"1.2.4.{n - 252}"
    md: dict[str, Any] = {"namespace": NS, "name": f"pod{n}", "labels": {"foo": "bar"}, "resourceVersion": str(n)}
    if terminating:
        md["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    return {"apiVersion": "v1", "metadata": md,
            "spec": {"containers": [{"name": "container-1"}], "nodeName": "node-1"},
            "status": {"podIP": ip, "podIPs": [{"ip": ip}],
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def new_service(name: str = "foo") -> dict[str, Any]:
    """newServiceAndEndpointMeta: a v4 single-stack Service with one port named after it, no cluster IP."""
    return {"metadata": {"name": name, "namespace": NS, "uid": f"{NS}-{name}"},
            "spec": {"ports": [{"targetPort": 80, "protocol": "TCP", "name": name}], "selector": {"foo": "bar"},
                     "ipFamilies": ["IPv4"]}}


def meta_ports(name: str = "foo") -> list[dict[str, Any]]:
    return [{"name": name, "port": 80, "protocol": "TCP"}]


def new_empty_slice(n: int, svc: dict[str, Any]) -> dict[str, Any]:
    """newEmptyEndpointSlice."""
    return {"metadata": {"name": f"{svc['metadata']['name']}-{n}", "namespace": NS,
                         "ownerReferences": [controller_ref(svc, "Service")]},
            "ports": meta_ports(svc["metadata"]["name"]), "addressType": "IPv4", "endpoints": []}


def reconciler(client: FakeSliceClient, nodes: list[dict[str, Any]], most: int = 100) -> Reconciler:
    by_name = {n["metadata"]["name"]: n for n in nodes}
    return Reconciler(client, by_name.get, most, CONTROLLER_NAME)


def reconcile(r: Reconciler, svc: dict[str, Any], pods: list[dict[str, Any]], existing: list[dict[str, Any]],
              trigger: str = TRIGGER) -> None:
    """reconcileHelper: no error expected."""
    assert r.reconcile(svc, pods, copy.deepcopy(existing), trigger) == []


def lengths(client: FakeSliceClient) -> list[int]:
    """expectUnorderedSlicesWithLengths."""
    return sorted(len(s.get("endpoints") or []) for s in client.listed(NS))


def _strip(ep: dict[str, Any]) -> dict[str, Any]:
    """A Go struct compared by value: fields at their zero value are left out."""
    out = {k: v for k, v in ep.items() if v not in (None, "")}
    if isinstance(out.get("targetRef"), dict):
        out["targetRef"] = {k: v for k, v in out["targetRef"].items() if v not in (None, "")}
    return out


# -- TestReconcileEmpty ------------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [case("TestReconcileEmpty", "")])
def test_reconcile_empty(data: dict[str, Any]) -> None:
    """TestReconcileEmpty: even without pods a Service gets a placeholder slice."""
    client = FakeSliceClient()
    reconcile(reconciler(client, [NODE1]), new_service(), [], [])
    assert client.verbs() == ["create"]
    slices = client.listed(NS)
    assert len(slices) == 1
    assert slices[0]["metadata"]["name"].startswith("foo")
    assert slices[0]["metadata"]["labels"][LABEL_SERVICE_NAME] == "foo"
    assert (slices[0]["ports"], slices[0]["endpoints"]) == ([], [])


# -- TestReconcile1Pod -------------------------------------------------------------------------------------
ZONE_NODE = {"metadata": {"name": "node-1", "labels": {"topology.kubernetes.io/zone": "us-central1-a",
                                                       "topology.kubernetes.io/region": "us-central1"}}}


def _ep(address: str) -> dict[str, Any]:
    return {"addresses": [address], "conditions": {"ready": True, "serving": True, "terminating": False},
            "zone": "us-central1-a", "nodeName": "node-1", "targetRef": {"kind": "Pod", "namespace": NS,
                                                                          "name": "pod1"}}


V4 = {"IPv4": _ep("1.2.3.4")}
V6 = {"IPv6": _ep("1234::5678:0:0:9abc:def0")}
PLAIN = {LABEL_MANAGED_BY: CONTROLLER_NAME, LABEL_SERVICE_NAME: "foo"}
HEADLESS = {**PLAIN, HEADLESS_LABEL: ""}
BAD = {LABEL_SERVICE_NAME: "bad", LABEL_MANAGED_BY: "actor", HEADLESS_LABEL: "invalid"}
_1 = "TestReconcile1Pod"
RECONCILE_1POD = [
    case(_1, "no-family-service", spec={"clusterIP": "10.0.0.10", "ipFamilies": None}, labels=None, want=V4,
         want_labels=PLAIN),
    case(_1, "ipv4", spec={}, labels=None, want=V4, want_labels=HEADLESS),
    case(_1, "ipv4-clusterip", spec={"clusterIP": "1.1.1.1"}, labels=None, want=V4, want_labels=PLAIN),
    case(_1, "ipv4-labels", spec={}, labels={"foo": "bar"}, want=V4, want_labels={**HEADLESS, "foo": "bar"}),
    case(_1, "ipv4-bad-labels", spec={}, labels=BAD, want=V4, want_labels=HEADLESS),
    case(_1, "ipv6", spec={"ipFamilies": ["IPv6"]}, labels=None, want=V6, want_labels=HEADLESS),
    case(_1, "ipv6-clusterip", spec={"clusterIP": "1234::5678:0000:0000:9abc:def1", "ipFamilies": ["IPv6"]},
         labels=None, want=V6, want_labels=PLAIN),
    case(_1, "dualstack-service", spec={"ipFamilies": ["IPv4", "IPv6"], "clusterIP": "10.0.0.10",
                                        "clusterIPs": ["10.0.0.10", "2000::1"]}, labels=None, want={**V4, **V6},
         want_labels=PLAIN),
]


@pytest.mark.parametrize("data", RECONCILE_1POD)
def test_reconcile_1_pod(data: dict[str, Any]) -> None:
    svc = new_service()
    svc["spec"].update(data["spec"])
    svc["spec"] = {k: v for k, v in svc["spec"].items() if v is not None}
    if data["labels"]:
        svc["metadata"]["labels"] = data["labels"]
    pod = new_pod(1, True)
    pod["status"]["podIPs"] = [{"ip": "1.2.3.4"}, {"ip": "1234::5678:0000:0000:9abc:def0"}]
    pod["spec"]["hostname"] = "example-hostname"
    client = FakeSliceClient()
    reconcile(reconciler(client, [ZONE_NODE]), svc, [pod], [])
    assert len(client.actions) == len(data["want"])
    slices = client.listed(NS)
    assert len(slices) == len(data["want"])
    for s in slices:
        assert s["metadata"]["name"].startswith("foo")
        assert s["metadata"]["labels"] == data["want_labels"]
        assert s["metadata"]["annotations"][TRIGGER_TIME_ANNOTATION] == TRIGGER
        want = data["want"][s["addressType"]]
        assert len(s["endpoints"]) == 1
        assert _strip(s["endpoints"][0]) == want


# -- TestReconcile1EndpointSlice -----------------------------------------------------------------------------
_E = "TestReconcile1EndpointSlice"
RECONCILE_1SLICE = [
    case(_E, "No existing placeholder", existing=None, want_update=True),
    case(_E, "Existing placeholder that's the same", existing="same", want_update=False),
    case(_E, "Existing placeholder that's different", existing="different", want_update=True),
]


@pytest.mark.parametrize("data", RECONCILE_1SLICE)
def test_reconcile_1_endpoint_slice(data: dict[str, Any]) -> None:
    svc = new_service()
    client = FakeSliceClient()
    existing: list[dict[str, Any]] = []
    if data["existing"] == "same":
        existing = [client.seed(new_endpoint_slice(svc, [], "IPv4", CONTROLLER_NAME))]
    elif data["existing"] == "different":
        empty = new_empty_slice(1, svc)
        empty["metadata"]["labels"] = {"bar": "baz"}
        existing = [client.seed(empty)]
    before = len(client.actions)
    reconcile(reconciler(client, [NODE1]), svc, [], existing)
    assert len(client.actions) == before + (1 if data["want_update"] else 0)
    slices = client.listed(NS)
    assert len(slices) == 1
    if not data["want_update"]:
        assert slices[0]["metadata"]["name"].startswith("foo")
        assert slices[0]["metadata"]["labels"][LABEL_SERVICE_NAME] == "foo"
        assert (slices[0]["ports"], slices[0]["endpoints"]) == ([], [])


# -- TestPlaceHolderSliceCompare ------------------------------------------------------------------------------
_P = "TestPlaceHolderSliceCompare"
PLACEHOLDER_COMPARE = [
    case(_P, "Both nil", x=None, y=None, want=True),
    case(_P, "Y is nil", x={}, y=None, want=False),
    case(_P, "X is nil", x=None, y={}, want=False),
    case(_P, "Both are empty and non-nil", x={}, y={}, want=True),
    case(_P, "Only ObjectMeta.Name has diff", x={"metadata": {"name": "foo"}}, y={"metadata": {"name": "bar"}},
         want=True),
    case(_P, "Only ObjectMeta.Labels has diff", x={"metadata": {"labels": {"foo": "true"}}},
         y={"metadata": {"labels": {"bar": "true"}}}, want=False),
    case(_P, "Creation time is different", x={"metadata": {"creationTimestamp": "1970-01-01T00:00:01Z"}},
         y={"metadata": {"creationTimestamp": "1970-01-01T00:00:02Z"}}, want=True),
    case(_P, "Different except for ObjectMeta", x={"addressType": "IPv4"}, y={"addressType": "IPv6"}, want=False),
]


@pytest.mark.parametrize("data", PLACEHOLDER_COMPARE)
def test_placeholder_slice_compare(data: dict[str, Any]) -> None:
    x, y = data["x"], data["y"]
    got = x is None and y is None if x is None or y is None else placeholder_equal(x, y)
    assert got is data["want"]


# -- single-scenario functions -------------------------------------------------------------------------------
def _pods(n: int) -> list[dict[str, Any]]:
    return [new_pod(i, i % 3 != 0) for i in range(n)]


def _preexisting(pods: list[dict[str, Any]], svc: dict[str, Any]) -> list[dict[str, Any]]:
    """Two slices of about a quarter of the pods each (every 4th from pod 1, every 4th from pod 3)."""
    out = []
    for n, start in ((1, 1), (2, 3)):
        s = new_empty_slice(n, svc)
        s["endpoints"] = [pod_to_endpoint(pods[i], {}, svc, "IPv4") for i in range(start, len(pods) - 4, 4)]
        out.append(s)
    return out


@pytest.mark.parametrize("data", [case("TestReconcile1EndpointSlicePublishNotReadyAddresses", "")])
def test_reconcile_1_endpoint_slice_publish_not_ready_addresses(data: dict[str, Any]) -> None:
    """TestReconcile1EndpointSlicePublishNotReadyAddresses: every endpoint ready, one slice of 50."""
    svc = new_service()
    svc["spec"]["publishNotReadyAddresses"] = True
    client = FakeSliceClient()
    reconcile(reconciler(client, [NODE1]), svc, _pods(50), [])
    assert client.verbs() == ["create"]
    for s in client.listed(NS):
        assert all(e["conditions"]["ready"] for e in s["endpoints"])
    assert lengths(client) == [50]


@pytest.mark.parametrize("data", [case("TestReconcileManyPods", "")])
def test_reconcile_many_pods(data: dict[str, Any]) -> None:
    """TestReconcileManyPods: 250 pods make 3 creates, slices of 100, 100 and 50."""
    client = FakeSliceClient()
    reconcile(reconciler(client, [NODE1]), new_service(), _pods(250), [])
    assert client.verbs() == ["create"] * 3
    assert lengths(client) == [50, 100, 100]


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesSomePreexisting", "")])
def test_reconcile_endpoint_slices_some_preexisting(data: dict[str, Any]) -> None:
    """TestReconcileEndpointSlicesSomePreexisting: 1 create (100) then 1 update (62 -> 89)."""
    svc = new_service()
    pods = _pods(250)
    client = FakeSliceClient()
    existing = [client.seed(s) for s in _preexisting(pods, svc)]
    snapshot = copy.deepcopy(existing)
    before = len(client.actions)
    reconcile(reconciler(client, [NODE1]), svc, pods, existing)
    assert client.verbs(before) == ["create", "update"]
    assert lengths(client) == [61, 89, 100]
    assert existing == snapshot  # the cached slices were not mutated


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesSomePreexistingWorseAllocation", "")])
def test_reconcile_endpoint_slices_some_preexisting_worse_allocation(data: dict[str, Any]) -> None:
    """TestReconcileEndpointSlicesSomePreexistingWorseAllocation: 2 creates (100, 52) beside 74 and 74."""
    svc = new_service()
    pods = _pods(300)
    client = FakeSliceClient()
    existing = [client.seed(s) for s in _preexisting(pods, svc)]
    before = len(client.actions)
    reconcile(reconciler(client, [NODE1]), svc, pods, existing)
    assert client.verbs(before) == ["create", "create"]
    assert lengths(client) == [52, 74, 74, 100]


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesUpdating", "")])
def test_reconcile_endpoint_slices_updating(data: dict[str, Any]) -> None:
    """TestReconcileEndpointSlicesUpdating: a target port change updates all 3 slices in place."""
    svc = new_service()
    pods = _pods(250)
    client = FakeSliceClient()
    r = reconciler(client, [NODE1])
    reconcile(r, svc, pods, [])
    assert len(client.actions) == 3
    slices = client.listed(NS)
    assert lengths(client) == [50, 100, 100]
    svc["spec"]["ports"][0]["targetPort"] = 81
    reconcile(r, svc, pods, slices)
    assert client.verbs(3) == ["update"] * 3
    assert lengths(client) == [50, 100, 100]
