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


def _three_slices(svc: dict[str, Any], pods: list[dict[str, Any]]) -> tuple[FakeSliceClient, Reconciler, list]:
    client = FakeSliceClient()
    r = reconciler(client, [NODE1])
    reconcile(r, svc, pods, [])
    assert len(client.actions) == 3 and lengths(client) == [50, 100, 100]
    return client, r, client.listed(NS)


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesServicesLabelsUpdating", "")])
def test_reconcile_endpoint_slices_services_labels_updating(data: dict[str, Any]) -> None:
    """New Service labels update all 3 slices in place."""
    svc = new_service()
    pods = _pods(250)
    client, r, slices = _three_slices(svc, pods)
    svc["metadata"]["labels"] = {"foo": "bar"}
    reconcile(r, svc, pods, slices)
    assert client.verbs(3) == ["update"] * 3
    assert lengths(client) == [50, 100, 100]
    assert all(s["metadata"]["labels"].get("foo") == "bar" for s in client.listed(NS))


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesServicesReservedLabels", "")])
def test_reconcile_endpoint_slices_services_reserved_labels(data: dict[str, Any]) -> None:
    """Reserved labels on the Service change nothing."""
    svc = new_service()
    pods = _pods(250)
    client, r, slices = _three_slices(svc, pods)
    svc["metadata"]["labels"] = {LABEL_SERVICE_NAME: "bad", LABEL_MANAGED_BY: "actor", HEADLESS_LABEL: "invalid"}
    reconcile(r, svc, pods, slices)
    assert len(client.actions) == 3
    assert lengths(client) == [50, 100, 100]


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesRecycling", "")])
def test_reconcile_endpoint_slices_recycling(data: dict[str, Any]) -> None:
    """10 slices of 30: a no-op, then a port change repacks into 3 updates and 7 deletes."""
    svc = new_service()
    pods = _pods(300)
    existing: list[dict[str, Any]] = []
    for i, pod in enumerate(pods):
        if i % 30 == 0:
            existing.append(new_empty_slice(i // 30, svc))
        existing[i // 30]["endpoints"].append(pod_to_endpoint(pod, {}, svc, "IPv4"))
    client = FakeSliceClient()
    existing = [client.seed(s) for s in existing]
    snapshot = copy.deepcopy(existing)
    before = len(client.actions)
    r = reconciler(client, [NODE1])
    reconcile(r, svc, pods, existing)
    assert len(client.actions) == before
    svc["spec"]["ports"][0]["targetPort"] = 81
    reconcile(r, svc, pods, existing)
    verbs = client.verbs(before)
    assert len(verbs) == 10 and (verbs.count("update"), verbs.count("delete")) == (3, 7)
    assert lengths(client) == [100, 100, 100]
    assert existing == snapshot


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesUpdatePacking", "")])
def test_reconcile_endpoint_slices_update_packing(data: dict[str, Any]) -> None:
    """New endpoints go to the slice that ends closest to full, even among slices being updated."""
    svc = new_service()
    pods: list[dict[str, Any]] = []
    slices = []
    for n, span in ((1, range(0, 80)), (2, range(100, 120))):
        s = new_empty_slice(n, svc)
        for i in span:
            pod = new_pod(i, True)
            s["endpoints"].append(pod_to_endpoint(pod, {}, svc, "IPv4"))
            pods.append(pod)
        slices.append(s)
    client = FakeSliceClient()
    existing = [client.seed(s) for s in slices]
    for i, pod in enumerate(pods):
        if i % 10 == 0:
            pod["status"]["conditions"] = [{"type": "Ready", "status": "False"}]
    pods += [new_pod(i, True) for i in range(200, 215)]
    before = len(client.actions)
    reconcile(reconciler(client, [NODE1]), svc, pods, existing)
    assert client.verbs(before) == ["update", "update"]
    assert lengths(client) == [20, 95]


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesReplaceDeprecated", "")])
def test_reconcile_endpoint_slices_replace_deprecated(data: dict[str, Any]) -> None:
    """Slices of the deprecated "IP" address type are replaced by IPv4 ones, perfectly packed."""
    svc = new_service()
    plain = {"metadata": {"name": "", "namespace": ""}, "spec": {}}
    pods: list[dict[str, Any]] = []
    slices = []
    for n, span in ((1, range(0, 80)), (2, range(100, 150))):
        s = new_empty_slice(n, svc)
        s["addressType"] = "IP"
        for i in span:
            pod = new_pod(i, True)
            s["endpoints"].append(pod_to_endpoint(pod, {}, plain, "IPv4"))
            pods.append(pod)
        slices.append(s)
    client = FakeSliceClient()
    existing = [client.seed(s) for s in slices]
    reconcile(reconciler(client, [NODE1]), svc, pods, existing)
    assert client.verbs()[-2:] == ["delete", "delete"]
    assert lengths(client) == [30, 100]
    assert {s["addressType"] for s in client.listed(NS)} == {"IPv4"}


_RC = "TestReconcileEndpointSlicesRecreation"


@pytest.mark.parametrize("data", [case(_RC, "slice owned by Service", owned=True),
                                  case(_RC, "slice owned by other Service UID", owned=False)])
def test_reconcile_endpoint_slices_recreation(data: dict[str, Any]) -> None:
    svc = new_service()
    s = new_empty_slice(1, svc)
    pod = new_pod(1, True)
    s["endpoints"].append(pod_to_endpoint(pod, {}, {"metadata": {"name": "", "namespace": ""}, "spec": {}}, "IPv4"))
    if not data["owned"]:
        s["metadata"]["ownerReferences"][0]["uid"] = "different"
    client = FakeSliceClient()
    existing = [client.seed(s)]
    before = len(client.actions)
    reconcile(reconciler(client, [NODE1]), svc, [pod], existing)
    if data["owned"]:
        assert len(client.actions) == before
    else:
        assert client.verbs(before) == ["create", "delete"]
        assert len(client.listed(NS)) == 1


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesNamedPorts", "")])
def test_reconcile_endpoint_slices_named_ports(data: dict[str, Any]) -> None:
    """A named target port resolving to 5 numbers groups 300 pods into 5 slices of 60."""
    svc = {"metadata": {"name": "named-port-example", "namespace": NS},
           "spec": {"ports": [{"targetPort": "http", "protocol": "TCP"}], "selector": {"foo": "bar"},
                    "ipFamilies": ["IPv4"]}}
    pods = []
    for i in range(300):
        pod = new_pod(i, i % 3 != 0)
        pod["spec"]["containers"][0]["ports"] = [{"name": "http", "containerPort": 8080 + i % 5, "protocol": "TCP"}]
        pods.append(pod)
    client = FakeSliceClient()
    reconcile(reconciler(client, [NODE1]), svc, pods, [])
    assert client.verbs() == ["create"] * 5
    assert lengths(client) == [60] * 5
    assert sorted((s["addressType"], repr(s["ports"])) for s in client.listed(NS)) == sorted(
        ("IPv4", repr([{"name": "", "port": 8080 + i, "protocol": "TCP"}])) for i in range(5))


_M = "TestReconcileMaxEndpointsPerSlice"


@pytest.mark.parametrize("data", [case(_M, f"maxEndpointsPerSlice: {m}", most=m, want=w) for m, w in (
    (50, [50] * 5), (80, [10, 80, 80, 80]), (150, [100, 150]), (250, [250]), (500, [250]))])
def test_reconcile_max_endpoints_per_slice(data: dict[str, Any]) -> None:
    client = FakeSliceClient()
    reconcile(reconciler(client, [NODE1], data["most"]), new_service(), _pods(250), [])
    assert lengths(client) == data["want"]


@pytest.mark.parametrize("data", [case("TestReconcileEndpointSlicesMetrics", "")])
def test_reconcile_endpoint_slices_metrics(data: dict[str, Any]) -> None:
    """The writes behind the metrics: one create of 20, then one update down to 10."""
    svc = new_service()
    pods = [new_pod(i, True) for i in range(20)]
    client = FakeSliceClient()
    r = reconciler(client, [NODE1])
    reconcile(r, svc, pods, [])
    assert client.verbs() == ["create"]
    reconcile(r, svc, pods[:10], client.listed(NS))
    assert client.verbs(1) == ["update"] and lengths(client) == [10]


_F = "TestReconcilerFinalizeSvcDeletionTimestamp"
FINALIZE = [
    case(_F, "Attempt create and update, nil deletion timestamp", deleting=False, create=True, update=True,
         delete=False, want=(True, True, True)),
    case(_F, "Attempt create and update, deletion timestamp set", deleting=True, create=True, update=True,
         delete=False, want=(False, True, True)),
    case(_F, "Attempt create, update, and delete, nil deletion timestamp, recycling in action", deleting=False,
         create=True, update=True, delete=True, want=(False, True, True)),
    case(_F, "Attempt create, update, and delete, deletion timestamp set, recycling in action", deleting=True,
         create=True, update=True, delete=True, want=(False, True, True)),
    case(_F, "Attempt update delete, deletion timestamp set", deleting=True, create=False, update=True, delete=True,
         want=(False, True, False)),
]


@pytest.mark.parametrize("data", FINALIZE)
def test_reconciler_finalize_svc_deletion_timestamp(data: dict[str, Any]) -> None:
    svc = new_service()
    if data["deleting"]:
        svc["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    client = FakeSliceClient()
    r = reconciler(client, [NODE1])

    def named(name: str) -> dict[str, Any]:
        return {"metadata": {"name": name, "namespace": NS, "ownerReferences": [controller_ref(svc, "Service")]},
                "addressType": "IPv4", "ports": meta_ports()}
    to_update = client.seed(named("to-update"))
    to_update["endpoints"] = [{"addresses": ["10.2.3.4"]}]
    to_delete = client.seed(named("to-delete"))
    r._finalize(svc, [named("to-create")] if data["create"] else [], [to_update] if data["update"] else [],
                [to_delete] if data["delete"] else [], TRIGGER)
    names = {s["metadata"]["name"]: s for s in client.listed(NS)}
    assert ("to-create" in names, "to-update" in names, "to-delete" in names) == data["want"]
    if data["update"]:
        assert len(names["to-update"].get("endpoints") or []) == 1


_N = "TestReconcilerPodMissingNode"
MISSING_NODE = [
    case(_N, "Create and publishNotReady false", publish=False, nodes=["node-0"], existing=False, slices=1,
         endpoints=1, error=True, verbs=["create"]),
    case(_N, "Create and publishNotReady true", publish=True, nodes=["node-0"], existing=False, slices=1,
         endpoints=2, error=False, verbs=["create"]),
    case(_N, "Update and publishNotReady false", publish=False, nodes=["node-0"], existing=True, slices=1,
         endpoints=1, error=True, verbs=["update"]),
    case(_N, "Update and publishNotReady true and all nodes missing", publish=True, nodes=[], existing=True,
         slices=1, endpoints=2, error=False, verbs=[]),
    case(_N, "Update and publishNotReady true", publish=True, nodes=["node-0"], existing=True, slices=1,
         endpoints=2, error=False, verbs=[]),
    case(_N, "Update if publishNotReady false and no nodes are present", publish=False, nodes=[], existing=True,
         slices=1, endpoints=0, error=True, verbs=["update"]),
]


@pytest.mark.parametrize("data", MISSING_NODE)
def test_reconciler_pod_missing_node(data: dict[str, Any]) -> None:
    """A pod on a node the lister lacks is left out (and the sync fails, to retry) unless published anyway."""
    nodes = {n: {"metadata": {"name": n}} for n in ("node-0", "node-1")}
    pods = [new_pod(0, True), new_pod(1, True)]
    pods[0]["spec"]["nodeName"], pods[1]["spec"]["nodeName"] = "node-0", "node-1"
    base = new_service()
    svc = copy.deepcopy(base)
    svc["spec"]["publishNotReadyAddresses"] = data["publish"]
    client = FakeSliceClient()
    existing = []
    if data["existing"]:
        s = new_empty_slice(1, base)
        s["endpoints"] = [pod_to_endpoint(p, nodes[p["spec"]["nodeName"]], base, "IPv4") for p in pods]
        existing = [client.seed(s)]
    before = len(client.actions)
    r = reconciler(client, [nodes[n] for n in data["nodes"]])
    errors = r.reconcile(svc, pods, copy.deepcopy(existing), TRIGGER)
    assert bool(errors) is data["error"]
    assert client.verbs(before) == data["verbs"]
    slices = client.listed(NS)
    assert len(slices) == data["slices"]
    assert sum(len(s.get("endpoints") or []) for s in slices) == data["endpoints"]


# -- TestReconcileTopology and TestReconcile_TrafficDistribution ---------------------------------------------
TOPOLOGY_CACHE = "topology-aware hints (the TopologyCache's CPU-proportional allocation) are not modelled"


def _zoned_nodes() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """3 zones of 10 nodes, one pod per node (pod i*100+j on node-zone-j)."""
    nodes, pods = [], []
    for i, zone in enumerate(("zone-a", "zone-b", "zone-c")):
        for j in range(10):
            node = {"metadata": {"name": f"node-{zone}-{j}", "labels": {"topology.kubernetes.io/zone": zone}}}
            nodes.append(node)
            pod = new_pod(i * 100 + j, True)
            pod["metadata"]["namespace"] = "testing"
            pod["spec"]["nodeName"] = node["metadata"]["name"]
            pods.append(pod)
    return nodes, pods


_T = "TestReconcileTopology"
TOPOLOGY = [
    case(_T, "no change, topologyCache disabled, annotation == auto", cache=False, annotation="auto",
         slices=["zone-c"], hints=None, updates=0),
    case(_T, "enabling topologyCache, hintsAnnotation == auto", cache=True, annotation="auto", slices=["zone-c"],
         hints={"zone-a": 1, "zone-b": 1, "zone-c": 1}, updates=1, unmodelled=TOPOLOGY_CACHE),
    case(_T, "topology enabled,  hintsAnnotation==auto, ratio beyond threshold", cache=True, annotation="auto",
         slices=["zone-a-c"], hints=None, updates=0),
    case(_T, "topology enabled, hintsAnnotation==Auto, more slices and endpoints", cache=True, annotation="Auto",
         slices=["zone-a-c", "zone-a-b"], hints={"zone-a": 3, "zone-b": 3, "zone-c": 3}, updates=2,
         unmodelled=TOPOLOGY_CACHE),
    case(_T, "topology enabled, hintsAnnotation==disabled, more slices and endpoints", cache=True,
         annotation="disabled", slices=["zone-a-c", "zone-a-b"], hints=None, updates=0),
]
SLICE_PODS = {"zone-a-b": (7, 8, 16, 17, 18), "zone-a-c": (5, 6, 25, 26), "zone-c": (27, 28, 29)}


@pytest.mark.parametrize("data", TOPOLOGY)
def test_reconcile_topology(data: dict[str, Any]) -> None:
    """Without a topology cache kspec writes no hints; where upstream's writes none either, the cases agree."""
    nodes, pods = _zoned_nodes()
    by_name = {n["metadata"]["name"]: n for n in nodes}
    svc = new_service()
    svc["metadata"]["namespace"] = "testing"
    svc["metadata"]["annotations"] = {"service.kubernetes.io/topology-aware-hints": data["annotation"]}
    client = FakeSliceClient()
    existing, chosen = [], []
    for name in data["slices"]:
        members = [pods[i] for i in SLICE_PODS[name]]
        chosen += members
        existing.append(client.seed({
            "metadata": {"name": name, "namespace": "testing", "ownerReferences": [controller_ref(svc, "Service")],
                         "labels": {LABEL_MANAGED_BY: CONTROLLER_NAME, LABEL_SERVICE_NAME: "foo"}},
            "addressType": "IPv4", "ports": meta_ports(),
            "endpoints": [pod_to_endpoint(p, by_name[p["spec"]["nodeName"]], svc, "IPv4") for p in members]}))
    before = len(client.actions)
    Reconciler(client, by_name.get, 100, CONTROLLER_NAME).reconcile(svc, chosen, copy.deepcopy(existing), TRIGGER)
    assert client.verbs(before).count("update") == data["updates"]
    got: dict[str, int] = {}
    for s in client.listed("testing"):
        for e in s.get("endpoints") or []:
            for z in (e.get("hints") or {}).get("forZones") or []:
                got[z["name"]] = got.get(z["name"], 0) + 1
    assert (got or None) == data["hints"]


_D = "TestReconcile_TrafficDistribution"
TRAFFIC_DISTRIBUTION = [
    case(_D, "trafficDistribution=PreferClose, topologyAnnotation=Disabled", dist="PreferClose",
         annotation="Disabled", want={"zone-a": 1, "zone-b": 3, "zone-c": 2}, cross=0),
    case(_D, "feature gate disabled; trafficDistribution=PreferClose, topologyAnnotation=Disabled",
         dist="PreferClose", annotation="Disabled", want={"": 6}, cross=0,
         unreachable="the ServiceTrafficDistribution feature gate is GA and locked on in the versions kspec models"),
    case(_D, "trafficDistribution=PreferClose, topologyAnnotation=Auto", dist="PreferClose", annotation="Auto",
         want={"zone-a": 2, "zone-b": 2, "zone-c": 2}, cross=1, unmodelled=TOPOLOGY_CACHE),
    case(_D, "trafficDistribution=nil, topologyAnnotation=<empty>", dist=None, annotation="", want={"": 6},
         cross=0),
]


@pytest.mark.parametrize("data", TRAFFIC_DISTRIBUTION)
def test_reconcile_traffic_distribution(data: dict[str, Any]) -> None:
    """node-0 (zone-a) holds pod 0, node-1 (zone-b) pods 1-3, node-2 (zone-c) pods 4-5."""
    nodes = {f"node-{i}": {"metadata": {"name": f"node-{i}", "labels": {"topology.kubernetes.io/zone": f"zone-{z}"}}}
             for i, z in enumerate("abc")}
    pods = [new_pod(i, True) for i in range(6)]
    for pod, node in zip(pods, ("node-0", "node-1", "node-1", "node-1", "node-2", "node-2"), strict=True):
        pod["metadata"]["namespace"] = "ns1"
        pod["spec"]["nodeName"] = node
    svc = new_service()
    svc["metadata"]["namespace"] = "ns1"
    if data["dist"]:
        svc["spec"]["trafficDistribution"] = data["dist"]
    svc["metadata"]["annotations"] = {"service.kubernetes.io/topology-aware-hints": data["annotation"]}
    client = FakeSliceClient()
    assert Reconciler(client, nodes.get, 100, CONTROLLER_NAME).reconcile(svc, pods, [], TRIGGER) == []
    got: dict[str, int] = {}
    cross = 0
    for s in client.listed("ns1"):
        for e in s["endpoints"]:
            zones = (e.get("hints") or {}).get("forZones") or []
            hint = zones[0]["name"] if len(zones) == 1 else ""
            got[hint] = got.get(hint, 0) + 1
            cross += bool(hint) and e.get("zone") != hint
    assert (got, cross) == (data["want"], data["cross"])
