"""kubernetes pkg/controller/endpointslice/endpointslice_controller_test.go: syncService through kspec's controller.

The test's informer stores become a small fake store (services, pods and nodes as the test adds them; the
slices are the fake client's), the fake clientset is ``FakeSliceClient``; ``syncService(key)`` is the
controller's ``reconcile(key)``. Checked as upstream checks: the client's actions, the slices listed, their
endpoints and ports (``assert.ElementsMatch``: in any order) and the last-change-trigger-time annotation.

The stored version of TestSyncService predates getEndpointAddresses re-stringifying pod IPs (the
reconciler_test of the same package expects ``1234::5678:0:0:9abc:def0``), so its IPv6 case expects the
address as ``ip.String()`` writes it.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.controllers.endpointslice import EndpointSliceController
from kspec.controllers.endpointslice_reconciler import Reconciler
from kspec.controllers.endpointslice_util import (
    CONTROLLER_NAME,
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    TRIGGER_TIME_ANNOTATION,
    TriggerTimeTracker,
    controller_ref,
)
from tests.upstream.cases import case
from tests.upstream.controllers.endpointslice_adapter import FakeSliceClient

SOURCE = "kubernetes/kubernetes pkg/controller/endpointslice/endpointslice_controller_test.go"
NS = "default"
CREATED = "2024-05-01T10:00:00Z"


class _Store:
    """The informer stores the controller reads."""

    def __init__(self, client: FakeSliceClient) -> None:
        self.client = client
        self.objects: dict[str, dict[tuple[str, str], dict[str, Any]]] = {"services": {}, "pods": {}, "nodes": {}}

    def add(self, resource: str, obj: dict[str, Any]) -> None:
        self.objects[resource][(obj["metadata"].get("namespace", ""), obj["metadata"]["name"])] = obj

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        return self.objects[resource].get((namespace, name))

    def list(self, resource: str, namespace: str | None = None) -> list[dict[str, Any]]:
        if resource == "endpointslices":
            return self.client.listed(namespace or "")
        return [o for (ns, _), o in sorted(self.objects[resource].items()) if namespace is None or ns == namespace]


class _Api:
    def __init__(self, store: _Store) -> None:
        self.store = store


def new_controller(nodes: tuple[str, ...] = ("node-1",)) -> tuple[FakeSliceClient, _Store, EndpointSliceController]:
    """newController: the controller over fake stores and a fake client."""
    client = FakeSliceClient()
    store = _Store(client)
    for name in nodes:
        store.add("nodes", {"metadata": {"name": name}})
    ctrl = EndpointSliceController.__new__(EndpointSliceController)
    ctrl.api = _Api(store)  # type: ignore[assignment]
    ctrl.reconciler = Reconciler(client, lambda n: store.get("nodes", "", n), 100, CONTROLLER_NAME)
    ctrl.triggers = TriggerTimeTracker()
    return client, store, ctrl


def new_pod(n: int, ready: bool = True, *, name: str | None = None, ips: tuple[str, ...] | None = None,
            terminating: bool = False, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """newPod(n, namespace, ready, 0, terminating), or a TestSyncService pod."""
    addresses = list(ips) if ips else [f"1.2.3.{4 + n}"]
    md: dict[str, Any] = {"namespace": NS, "name": name or f"pod{n}", "labels": labels or {"foo": "bar"},
                          "resourceVersion": str(n)}
    if terminating:
        md["deletionTimestamp"] = CREATED
    return {"metadata": md, "spec": {"containers": [{"name": "container-1"}], "nodeName": "node-1"},
            "status": {"podIP": addresses[0], "podIPs": [{"ip": ip} for ip in addresses],
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def create_service(store: _Store, name: str, **spec: Any) -> dict[str, Any]:
    """createService: a selector foo=bar, port 80, IPv4, created now."""
    svc = {"metadata": {"name": name, "namespace": NS, "uid": f"uid-{name}", "creationTimestamp": CREATED},
           "spec": {"selector": {"foo": "bar"}, "ports": [{"targetPort": 80}], "ipFamilies": ["IPv4"], **spec}}
    store.add("services", svc)
    return svc


def _one(func: str, name: str = "", **data: Any) -> Any:
    return case(func, name, **data)


@pytest.mark.parametrize("data", [_one("TestSyncServiceNoSelector")])
def test_sync_service_no_selector(data: dict[str, Any]) -> None:
    client, store, ctrl = new_controller()
    store.add("services", {"metadata": {"name": "testing-1", "namespace": NS},
                           "spec": {"ports": [{"targetPort": 80}]}})
    assert not ctrl.reconcile(f"{NS}/testing-1")
    assert client.actions == []


_X = "TestServiceExternalNameTypeSync"
EXTERNAL_NAME = [
    case(_X, "External name with selector and ports should not receive endpoint slices",
         spec={"selector": {"foo": "bar"}, "ports": [{"port": 80}], "type": "ExternalName"}),
    case(_X, "External name with ports should not receive endpoint slices",
         spec={"ports": [{"port": 80}], "type": "ExternalName"}),
    case(_X, "External name with selector should not receive endpoint slices",
         spec={"selector": {"foo": "bar"}, "type": "ExternalName"}),
    case(_X, "External name without selector and ports should not receive endpoint slices",
         spec={"type": "ExternalName"}),
]


@pytest.mark.parametrize("data", EXTERNAL_NAME)
def test_service_external_name_type_sync(data: dict[str, Any]) -> None:
    client, store, ctrl = new_controller()
    store.add("pods", new_pod(1))
    store.add("services", {"metadata": {"name": "testing-1", "namespace": NS}, "spec": data["spec"]})
    assert not ctrl.reconcile(f"{NS}/testing-1")
    assert client.actions == [] and client.listed(NS) == []


@pytest.mark.parametrize("data", [_one("TestSyncServicePendingDeletion")])
def test_sync_service_pending_deletion(data: dict[str, Any]) -> None:
    client, store, ctrl = new_controller()
    store.add("services", {"metadata": {"name": "testing-1", "namespace": NS, "deletionTimestamp": CREATED},
                           "spec": {"selector": {"foo": "bar"}, "ports": [{"targetPort": 80}]}})
    assert not ctrl.reconcile(f"{NS}/testing-1")
    assert client.actions == []


@pytest.mark.parametrize("data", [_one("TestSyncServiceWithSelector")])
def test_sync_service_with_selector(data: dict[str, Any]) -> None:
    client, store, ctrl = new_controller()
    create_service(store, "testing-1")
    assert not ctrl.reconcile(f"{NS}/testing-1")
    assert client.verbs() == ["create"]
    (s,) = client.listed(NS)
    assert s["metadata"]["name"].startswith("testing-1")
    assert s["metadata"]["labels"][LABEL_SERVICE_NAME] == "testing-1"
    assert (s["ports"], s["endpoints"]) == ([], [])
    assert s["metadata"]["annotations"][TRIGGER_TIME_ANNOTATION]


@pytest.mark.parametrize("data", [_one("TestSyncServiceMissing")])
def test_sync_service_missing(data: dict[str, Any]) -> None:
    client, store, ctrl = new_controller()
    ctrl.triggers.states[f"{NS}/stillthere"] = ({}, None)
    store.add("services", {"metadata": {"name": "stillthere", "namespace": NS},
                           "spec": {"ports": [{"targetPort": 80}], "selector": {"foo": "bar"}}})
    ctrl.triggers.states[f"{NS}/notthere"] = ({}, None)
    assert not ctrl.reconcile(f"{NS}/notthere")
    assert client.actions == []
    assert f"{NS}/notthere" not in ctrl.triggers.states
    assert f"{NS}/stillthere" in ctrl.triggers.states


@pytest.mark.parametrize("data", [_one("TestSyncServicePodSelection")])
def test_sync_service_pod_selection(data: dict[str, Any]) -> None:
    client, store, ctrl = new_controller()
    store.add("pods", new_pod(1))
    store.add("pods", new_pod(2, labels={"foo": "boo"}))
    create_service(store, "testing-1")
    assert not ctrl.reconcile(f"{NS}/testing-1")
    assert client.verbs()[-1:] == ["create"]
    (s,) = client.listed(NS)
    assert len(s["endpoints"]) == 1 and s["metadata"]["annotations"][TRIGGER_TIME_ANNOTATION]
    ref = {k: v for k, v in s["endpoints"][0]["targetRef"].items() if v}
    assert ref == {"kind": "Pod", "namespace": NS, "name": "pod1"}


@pytest.mark.parametrize("data", [_one("TestSyncServiceEndpointSlicePendingDeletion")])
def test_sync_service_endpoint_slice_pending_deletion(data: dict[str, Any]) -> None:
    client, store, ctrl = new_controller()
    svc = create_service(store, "testing-1")
    assert not ctrl.reconcile(f"{NS}/testing-1")
    client.seed({"metadata": {"name": "epSlice-1", "namespace": NS, "ownerReferences": [controller_ref(svc, "Service")],
                              "labels": {LABEL_SERVICE_NAME: "testing-1", LABEL_MANAGED_BY: CONTROLLER_NAME},
                              "deletionTimestamp": CREATED},
                 "addressType": "IPv4"})
    before = len(client.actions)
    assert not ctrl.reconcile(f"{NS}/testing-1")
    assert len(client.actions) == before  # a slice being deleted is ignored


# -- TestSyncService -----------------------------------------------------------------------------------------
PORTS = [{"name": "tcp-example", "targetPort": 80, "protocol": "TCP"},
         {"name": "udp-example", "targetPort": 161, "protocol": "UDP"},
         {"name": "sctp-example", "targetPort": 3456, "protocol": "SCTP"}]
WANT_PORTS = [{"name": "sctp-example", "protocol": "SCTP", "port": 3456},
              {"name": "udp-example", "protocol": "UDP", "port": 161},
              {"name": "tcp-example", "protocol": "TCP", "port": 80}]


def ep(address: str, pod: str, ready: bool, serving: bool, terminating: bool) -> dict[str, Any]:
    return {"conditions": {"ready": ready, "serving": serving, "terminating": terminating}, "addresses": [address],
            "targetRef": {"kind": "Pod", "namespace": NS, "name": pod}, "nodeName": "node-1"}


def sp(name: str, ips: tuple[str, ...], ready: bool = True, terminating: bool = False) -> dict[str, Any]:
    return new_pod(0, ready, name=name, ips=ips, terminating=terminating)


_S = "TestSyncService"
SYNC_SERVICE = [
    case(_S, "pods with multiple IPs and Service with ipFamilies=ipv4", families=["IPv4"],
         pods=[sp("pod0", ("10.0.0.1",)), sp("pod1", ("10.0.0.2", "fd08::5678:0000:0000:9abc:def0"))],
         want=[ep("10.0.0.1", "pod0", True, True, False), ep("10.0.0.2", "pod1", True, True, False)]),
    case(_S, "pods with multiple IPs and Service with ipFamilies=ipv6", families=["IPv6"],
         pods=[sp("pod0", ("10.0.0.1",)), sp("pod1", ("10.0.0.2", "fd08::5678:0000:0000:9abc:def0"))],
         want=[ep("fd08::5678:0:0:9abc:def0", "pod1", True, True, False)]),
    case(_S, "Terminating pods", families=["IPv4"],
         pods=[sp("pod0", ("10.0.0.1",)), sp("pod1", ("10.0.0.2",), terminating=True)],
         want=[ep("10.0.0.1", "pod0", True, True, False), ep("10.0.0.2", "pod1", False, True, True)]),
    case(_S, "Not ready terminating pods", families=["IPv4"],
         pods=[sp("pod0", ("10.0.0.1",)), sp("pod1", ("10.0.0.2",), ready=False, terminating=True)],
         want=[ep("10.0.0.1", "pod0", True, True, False), ep("10.0.0.2", "pod1", False, False, True)]),
    case(_S, "Ready and Complete pods with same IPs", families=["IPv4"],
         pods=[sp("pod0", ("10.0.0.1",)), sp("pod1", ("10.0.0.1",), ready=False)],
         want=[ep("10.0.0.1", "pod0", True, True, False), ep("10.0.0.1", "pod1", False, False, False)]),
    case(_S, "Two Ready pods with same IPs", families=["IPv4"],
         pods=[sp("pod0", ("10.0.0.1",)), sp("pod1", ("10.0.0.1",))],
         want=[ep("10.0.0.1", "pod0", True, True, False), ep("10.0.0.1", "pod1", True, True, False)]),
]


def _clean(e: dict[str, Any]) -> str:
    """One endpoint or port as a comparable value, Go's zero-valued fields left out."""
    e = dict(e)
    if "targetRef" in e:
        e["targetRef"] = {k: v for k, v in (e.get("targetRef") or {}).items() if v}
    return repr(sorted(e.items()))


@pytest.mark.parametrize("data", SYNC_SERVICE)
def test_sync_service(data: dict[str, Any]) -> None:
    client, store, ctrl = new_controller()
    for pod in data["pods"]:
        store.add("pods", pod)
    store.add("services", {"metadata": {"name": "foobar", "namespace": NS, "creationTimestamp": CREATED},
                           "spec": {"ports": PORTS, "selector": {"foo": "bar"}, "ipFamilies": data["families"]}})
    assert not ctrl.reconcile(f"{NS}/foobar")
    assert client.verbs()[-1:] == ["create"]
    (s,) = client.listed(NS)
    assert s["metadata"]["annotations"][TRIGGER_TIME_ANNOTATION] == CREATED
    assert sorted(map(_clean, s["ports"])) == sorted(map(_clean, WANT_PORTS))  # assert.ElementsMatch
    assert sorted(map(_clean, s["endpoints"])) == sorted(map(_clean, data["want"]))
