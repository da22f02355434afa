"""kubernetes/endpointslice utils_test.go: the EndpointSlice controller's helpers, through kspec's.

Upstream's pods (``newPod``), Services (``newServiceAndEndpointMeta``) and nodes become kspec's API dicts;
a Go pointer left nil is a key left out. ``TestServiceControllerKey``'s error is kspec's None.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.controllers.endpointslice_util import (
    CONTROLLER_NAME,
    HEADLESS_LABEL,
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    address_types_for_service,
    endpoint_ports,
    hints_enabled,
    new_endpoint_slice,
    pod_to_endpoint,
    service_key_of_slice,
    set_slice_labels,
)
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes staging/src/k8s.io/endpointslice/utils_test.go"

NS = "test"
HINTS = "service.kubernetes.io/topology-aware-hints"  # v1.DeprecatedAnnotationTopologyAwareHints
MODE = "service.kubernetes.io/topology-mode"  # v1.AnnotationTopologyMode


def new_pod(n: int, ready: bool, terminating: bool = False, **spec: Any) -> dict[str, Any]:
    """newPod(n, namespace, ready, nPorts=1, terminating)."""
    md: dict[str, Any] = {"namespace": NS, "name": f"pod{n}", "labels": {"foo": "bar"}, "resourceVersion": str(n)}
    if terminating:
        md["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    ip = f"1.2.3.{4 + n}"
    return {"apiVersion": "v1", "metadata": md,
            "spec": {"containers": [{"name": "container-1"}], "nodeName": "node-1", **spec},
            "status": {"podIP": ip, "podIPs": [{"ip": ip}],
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def new_service(name: str, **spec: Any) -> dict[str, Any]:
    """newServiceAndEndpointMeta."""
    return {"metadata": {"name": name, "namespace": NS, "uid": f"{NS}-{name}"},
            "spec": {"ports": [{"targetPort": 80, "protocol": "TCP", "name": name}], "selector": {"foo": "bar"},
                     "ipFamilies": ["IPv4"], **spec}}


def endpoint(ready: bool, serving: bool, terminating: bool, *, pod: str = "pod1", addresses: tuple = ("1.2.3.5",),
             **extra: Any) -> dict[str, Any]:
    return {"addresses": list(addresses),
            "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
            "targetRef": {"kind": "Pod", "namespace": NS, "name": pod, "uid": ""}, "nodeName": "node-1", **extra}


NODE1 = {"metadata": {"name": "node-1", "labels": {"topology.kubernetes.io/zone": "us-central1-a",
                                                   "topology.kubernetes.io/region": "us-central1"}}}
MULTI_IP = new_pod(1, True)
MULTI_IP["status"]["podIPs"] = [{"ip": "1.2.3.4"}, {"ip": "1234::5678:0000:0000:9abc:def0"}]
ZONE = {"zone": "us-central1-a"}

_P = "TestPodToEndpoint"
POD_TO_ENDPOINT = [
    case(_P, "Ready pod", pod=new_pod(1, True), svc="foo", node=None, want=endpoint(True, True, False)),
    case(_P, "Ready pod + publishNotReadyAddresses", pod=new_pod(1, True), svc="publishnotready", node=None,
         want=endpoint(True, True, False)),
    case(_P, "Unready pod", pod=new_pod(1, False), svc="foo", node=None, want=endpoint(False, False, False)),
    case(_P, "Unready pod + publishNotReadyAddresses", pod=new_pod(1, False), svc="publishnotready", node=None,
         want=endpoint(True, False, False)),
    case(_P, "Ready pod + node labels", pod=new_pod(1, True), svc="foo", node=NODE1,
         want=endpoint(True, True, False, **ZONE)),
    case(_P, "Multi IP Ready pod + node labels", pod=MULTI_IP, svc="foo", node=NODE1,
         want=endpoint(True, True, False, addresses=("1.2.3.4",), **ZONE)),
    case(_P, "Ready pod + hostname", pod=new_pod(1, True, subdomain="foo", hostname="example-hostname"), svc="foo",
         node=NODE1, want=endpoint(True, True, False, hostname="example-hostname", **ZONE)),
    case(_P, "Ready pod (again)", pod=new_pod(1, True), svc="foo", node=None, want=endpoint(True, True, False)),
    case(_P, "Ready terminating pod", pod=new_pod(1, True, True), svc="foo", node=None,
         want=endpoint(False, True, True)),
    case(_P, "Not ready terminating pod", pod=new_pod(1, False, True), svc="foo", node=None,
         want=endpoint(False, False, True)),
]


@pytest.mark.parametrize("data", POD_TO_ENDPOINT)
def test_pod_to_endpoint(data: dict[str, Any]) -> None:
    svc = new_service(data["svc"], **({"publishNotReadyAddresses": True} if data["svc"] == "publishnotready" else {}))
    assert pod_to_endpoint(data["pod"], data["node"], svc, "IPv4") == data["want"]


BASE_SVC = {"metadata": {"name": "foo", "namespace": "test", "uid": "svc-uid"},
            "spec": {"clusterIP": "1.1.1.1", "ports": [{"port": 80}], "selector": {"foo": "bar"}}}
OWNER = {"apiVersion": "v1", "kind": "Service", "name": "foo", "uid": "svc-uid", "controller": True,
         "blockOwnerDeletion": True}
RESERVED = {LABEL_SERVICE_NAME: "foo", LABEL_MANAGED_BY: CONTROLLER_NAME}

_N = "TestNewEndpointSlice"
NEW_SLICE = [
    case(_N, "Service without labels", labels=None, annotations=None, cluster_ip=None, want=RESERVED),
    case(_N, "Service with labels", labels={"foo": "bar"}, annotations=None, cluster_ip=None,
         want={**RESERVED, "foo": "bar"}),
    case(_N, "Headless Service with labels", labels={"foo": "bar"}, annotations=None, cluster_ip="None",
         want={**RESERVED, HEADLESS_LABEL: "", "foo": "bar"}),
    case(_N, "Service with multiple labels", labels={"foo": "bar", "foo2": "bar2"}, annotations=None,
         cluster_ip=None, want={**RESERVED, "foo": "bar", "foo2": "bar2"}),
    case(_N, "Evil service hijacking endpoint slices labels",
         labels={LABEL_SERVICE_NAME: "bad", LABEL_MANAGED_BY: "actor", "foo": "bar"}, annotations=None,
         cluster_ip=None, want={**RESERVED, "foo": "bar"}),
    case(_N, "Service with annotations", labels=None, annotations={"foo": "bar"}, cluster_ip=None, want=RESERVED),
]


def _svc(labels: dict | None = None, annotations: dict | None = None, cluster_ip: str | None = None) -> dict:
    svc = {"metadata": dict(BASE_SVC["metadata"]), "spec": dict(BASE_SVC["spec"])}
    if labels is not None:
        svc["metadata"]["labels"] = labels
    if annotations is not None:
        svc["metadata"]["annotations"] = annotations
    if cluster_ip is not None:
        svc["spec"]["clusterIP"] = cluster_ip
    return svc


@pytest.mark.parametrize("data", NEW_SLICE)
def test_new_endpoint_slice(data: dict[str, Any]) -> None:
    ports = [{"name": "foo", "protocol": "TCP"}]
    got = new_endpoint_slice(_svc(data["labels"], data["annotations"], data["cluster_ip"]), ports, "IPv4",
                             CONTROLLER_NAME)
    assert got["metadata"] == {"generateName": "foo-", "namespace": "test", "labels": data["want"],
                               "ownerReferences": [OWNER]}
    assert (got["ports"], got["addressType"], got["endpoints"]) == (ports, "IPv4", [])


_K = "TestServiceControllerKey"
CONTROLLER_KEY = [
    case(_K, "empty EndpointSlice", slice={"metadata": {}}, want=None),
    case(_K, "valid EndpointSlice", slice={"metadata": {"namespace": "ns", "labels": {LABEL_SERVICE_NAME: "svc"}}},
         want="ns/svc"),
]


@pytest.mark.parametrize("data", CONTROLLER_KEY)
def test_service_controller_key(data: dict[str, Any]) -> None:
    assert service_key_of_slice(data["slice"]) == data["want"]


_G = "TestGetEndpointPorts"
GET_PORTS = [
    case(_G, "service with AppProtocol on one port",
         ports=[{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP",
                 "appProtocol": "example.com/custom-protocol"}],
         containers=[{"ports": []}],
         want=[{"name": "http", "port": 80, "protocol": "TCP", "appProtocol": "example.com/custom-protocol"}]),
    case(_G, "service with named port and AppProtocol on one port",
         ports=[{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP"},
                {"name": "https", "protocol": "TCP", "targetPort": "https", "appProtocol": "https"}],
         containers=[{"ports": [{"name": "https", "containerPort": 443, "protocol": "TCP"}]}],
         want=[{"name": "http", "port": 80, "protocol": "TCP"},
               {"name": "https", "port": 443, "protocol": "TCP", "appProtocol": "https"}]),
]


@pytest.mark.parametrize("data", GET_PORTS)
def test_get_endpoint_ports(data: dict[str, Any]) -> None:
    svc = {"metadata": {"name": "s"}, "spec": {"ports": data["ports"]}}
    assert endpoint_ports(svc, {"spec": {"containers": data["containers"]}}) == data["want"]


_L = "TestSetEndpointSliceLabels"
SET_LABELS = [
    case(_L, "Service without labels and empty endpoint slice", slice_labels=None, labels=None, cluster_ip=None,
         want=RESERVED, update=False),
    case(_L, "Headless service with labels and empty endpoint slice", slice_labels=None, labels={"foo": "bar"},
         cluster_ip="None", want={**RESERVED, HEADLESS_LABEL: "", "foo": "bar"}, update=True),
    case(_L, "Headless service without labels and empty endpoint slice", slice_labels=None, labels=None,
         cluster_ip="None", want={**RESERVED, HEADLESS_LABEL: ""}, update=False),
    case(_L, "Non Headless service with Headless label and empty endpoint slice", slice_labels=None,
         labels={HEADLESS_LABEL: ""}, cluster_ip=None, want=RESERVED, update=False),
    case(_L, "Headless Service change to ClusterIP Service with headless label",
         slice_labels={**RESERVED, HEADLESS_LABEL: ""}, labels={HEADLESS_LABEL: ""}, cluster_ip=None, want=RESERVED,
         update=False),
    case(_L, "Headless Service change to ClusterIP Service", slice_labels={**RESERVED, HEADLESS_LABEL: ""},
         labels=None, cluster_ip=None, want=RESERVED, update=False),
    case(_L, "Headless service and endpoint slice with same labels", slice_labels={**RESERVED, "foo": "bar"},
         labels={"foo": "bar"}, cluster_ip="None", want={**RESERVED, HEADLESS_LABEL: "", "foo": "bar"},
         update=False),
    case(_L, "Service with labels and empty endpoint slice", slice_labels=None, labels={"foo": "bar"},
         cluster_ip=None, want={**RESERVED, "foo": "bar"}, update=True),
    case(_L, "Slice with labels and service without labels", slice_labels={**RESERVED, "foo": "bar"}, labels=None,
         cluster_ip=None, want=RESERVED, update=True),
    case(_L, "Slice with headless label and service with ClusterIP", slice_labels={**RESERVED, HEADLESS_LABEL: ""},
         labels=None, cluster_ip=None, want=RESERVED, update=False),
    case(_L, "Slice with reserved labels and service with labels", slice_labels=RESERVED, labels={"foo": "bar"},
         cluster_ip=None, want={**RESERVED, "foo": "bar"}, update=True),
    case(_L, "Evil service trying to hijack slice labels only well-known slice labels", slice_labels=RESERVED,
         labels={LABEL_SERVICE_NAME: "bad", LABEL_MANAGED_BY: "actor", HEADLESS_LABEL: "invalid"}, cluster_ip=None,
         want=RESERVED, update=False),
    case(_L, "Evil service trying to hijack slice labels with updates", slice_labels=RESERVED,
         labels={LABEL_SERVICE_NAME: "bad", LABEL_MANAGED_BY: "actor", "foo": "bar"}, cluster_ip=None,
         want={**RESERVED, "foo": "bar"}, update=True),
]


@pytest.mark.parametrize("data", SET_LABELS)
def test_set_endpoint_slice_labels(data: dict[str, Any]) -> None:
    s = {"metadata": {"labels": data["slice_labels"]} if data["slice_labels"] is not None else {}}
    labels, updated = set_slice_labels(s, _svc(data["labels"], None, data["cluster_ip"]), CONTROLLER_NAME)
    assert (labels, updated) == (data["want"], data["update"])


_A = "TestSupportedServiceAddressType"
V4, V6 = "IPv4", "IPv6"
ADDRESS_TYPES = [
    case(_A, "v4 service with no ip families (cluster upgrade)", spec={"clusterIP": "10.0.0.10"}, want=[V4]),
    case(_A, "v6 service with no ip families (cluster upgrade)", spec={"clusterIP": "2000::1"}, want=[V6]),
    case(_A, "v4 service", spec={"ipFamilies": [V4]}, want=[V4]),
    case(_A, "v6 services", spec={"ipFamilies": [V6]}, want=[V6]),
    case(_A, "v4,v6 service", spec={"ipFamilies": [V4, V6]}, want=[V4, V6]),
    case(_A, "v6,v4 service", spec={"ipFamilies": [V6, V4]}, want=[V6, V4]),
    case(_A, "headless with no selector and no families (old api-server)", spec={"clusterIP": "None"},
         want=[V6, V4]),
    case(_A, "headless with selector and no families (old api-server)",
         spec={"selector": {"foo": "bar"}, "clusterIP": "None"}, want=[V6, V4]),
    case(_A, "headless with no selector with families", spec={"clusterIP": "None", "ipFamilies": [V4, V6]},
         want=[V4, V6]),
    case(_A, "headless with selector with families",
         spec={"selector": {"foo": "bar"}, "clusterIP": "None", "ipFamilies": [V4, V6]}, want=[V4, V6]),
]


@pytest.mark.parametrize("data", ADDRESS_TYPES)
def test_supported_service_address_type(data: dict[str, Any]) -> None:
    # upstream compares the sets
    assert sorted(address_types_for_service({"spec": data["spec"]})) == sorted(data["want"])


_H = "Test_hintsEnabled"
HINTS_ENABLED = [
    case(_H, "empty annotations", annotations=None, want=False),
    case(_H, "different annotations", annotations={"topology-hints": "enabled"}, want=False),
    case(_H, "hints annotation == enabled", annotations={HINTS: "enabled"}, want=False),
    case(_H, "hints annotation == aUto", annotations={HINTS: "aUto"}, want=False),
    case(_H, "hints annotation == auto", annotations={HINTS: "auto"}, want=True),
    case(_H, "hints annotation == Auto", annotations={HINTS: "Auto"}, want=True),
    case(_H, "hints annotation == disabled", annotations={HINTS: "disabled"}, want=False),
    case(_H, "mode annotation == enabled", annotations={MODE: "enabled"}, want=False),
    case(_H, "mode annotation == aUto", annotations={MODE: "aUto"}, want=False),
    case(_H, "mode annotation == auto", annotations={MODE: "auto"}, want=True),
    case(_H, "mode annotation == Auto", annotations={MODE: "Auto"}, want=True),
    case(_H, "mode annotation == disabled", annotations={MODE: "disabled"}, want=False),
    case(_H, "mode annotation == enabled (2)", annotations={MODE: "enabled"}, want=False),
    case(_H, "mode annotation == aUto (2)", annotations={MODE: "aUto"}, want=False),
    case(_H, "mode annotation == auto (2)", annotations={MODE: "auto"}, want=True),
    case(_H, "mode annotation == Auto (2)", annotations={MODE: "Auto"}, want=True),
    case(_H, "mode annotation == disabled (2)", annotations={MODE: "disabled"}, want=False),
    case(_H, "mode annotation == disabled, hints annotation == auto", annotations={MODE: "disabled", HINTS: "auto"},
         want=True),
    case(_H, "mode annotation == auto, hints annotation == disabled", annotations={MODE: "auto", HINTS: "disabled"},
         want=False),
]


@pytest.mark.parametrize("data", HINTS_ENABLED)
def test_hints_enabled(data: dict[str, Any]) -> None:
    assert hints_enabled(data["annotations"]) is data["want"]
