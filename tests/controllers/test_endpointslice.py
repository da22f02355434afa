"""EndpointSlices end to end: the two controllers, the managed-by label, validation, the failure dump."""

from __future__ import annotations

import pytest

from kspec.cluster import Cluster
from kspec.controllers.endpointslice_util import (
    CONTROLLER_NAME,
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    MIRRORING_CONTROLLER_NAME,
)
from kspec.dump import dump
from kspec.errors import ApiError

SVC = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
       "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}}


def _pod(name: str, node: str = "node-1") -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default",
                                                           "labels": {"app": "web"}},
            "spec": {"nodeName": node, "containers": [{"name": "app", "image": "nginx"}]}}


def _slices(c: Cluster, svc: str = "web") -> list[dict]:
    return sorted((s for s in c.api.store.list("endpointslices", "default")
                   if (s["metadata"].get("labels") or {}).get(LABEL_SERVICE_NAME) == svc),
                  key=lambda s: s["metadata"]["name"])


def _slice(name: str, svc: str = "web", **labels: str) -> dict:
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name, "namespace": "default", "labels": {LABEL_SERVICE_NAME: svc, **labels}},
            "addressType": "IPv4", "endpoints": [{"addresses": ["10.244.9.9"]}],
            "ports": [{"name": "http", "port": 8080}]}


def _cluster() -> Cluster:
    c = Cluster(nodes=2, seed=3)
    c.create(SVC)
    for i in (1, 2):
        c.create(_pod(f"web-{i}", f"node-{i}"))
    c.run_for(30_000)
    return c


def test_a_service_gets_one_slice_of_its_pods_with_labels_owner_and_ports() -> None:
    c = _cluster()
    (s,) = _slices(c)
    assert s["metadata"]["name"].startswith("web-") and len(s["metadata"]["name"]) == len("web-") + 5
    assert s["metadata"]["labels"] == {LABEL_SERVICE_NAME: "web", LABEL_MANAGED_BY: CONTROLLER_NAME}
    assert s["metadata"]["ownerReferences"][0]["kind"] == "Service"
    assert s["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]
    assert s["addressType"] == "IPv4"
    assert sorted(e["targetRef"]["name"] for e in s["endpoints"]) == ["web-1", "web-2"]
    assert {e["nodeName"] for e in s["endpoints"]} == {"node-1", "node-2"}
    assert all(e["conditions"] == {"ready": True, "serving": True, "terminating": False} for e in s["endpoints"])


def test_a_slice_of_the_controller_that_it_does_not_own_is_deleted() -> None:
    """The managed-by label claims a slice for the controller; one not owned by the Service is removed."""
    c = _cluster()
    c.create(_slice("web-impostor", **{LABEL_MANAGED_BY: CONTROLLER_NAME}))
    c.run_for(5_000)
    assert "web-impostor" not in [s["metadata"]["name"] for s in _slices(c)]


def test_a_hand_made_slice_without_the_label_is_left_alone() -> None:
    c = _cluster()
    c.create(_slice("web-manual"))
    c.run_for(5_000)
    assert "web-manual" in [s["metadata"]["name"] for s in _slices(c)]


def test_a_deleted_slice_comes_back() -> None:
    c = _cluster()
    (s,) = _slices(c)
    c.api.delete("endpointslices", s["metadata"]["name"], "default")
    c.run_for(5_000)
    (again,) = _slices(c)
    assert sorted(e["targetRef"]["name"] for e in again["endpoints"]) == ["web-1", "web-2"]


def test_the_slices_go_with_their_service() -> None:
    c = _cluster()
    c.delete("service", "web")
    c.run_for(5_000)
    assert _slices(c) == []


def test_mirroring_skips_endpoints_marked_skip_mirror_and_services_with_selectors() -> None:
    c = Cluster(nodes=1, seed=3)
    for name, selector, labels in (("a", None, {}), ("b", None, {"endpointslice.kubernetes.io/skip-mirror": "true"}),
                                   ("c", {"x": "y"}, {})):
        spec: dict = {"ports": [{"port": 80}]}
        if selector:
            spec["selector"] = selector
        c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                  "spec": spec})
        c.api.apply({"apiVersion": "v1", "kind": "Endpoints",
                  "metadata": {"name": name, "namespace": "default", "labels": labels},
                  "subsets": [{"addresses": [{"ip": "192.0.2.1"}], "notReadyAddresses": [{"ip": "192.0.2.2"}],
                               "ports": [{"port": 80}]}]})
    c.run_for(5_000)
    (mirrored,) = _slices(c, "a")
    assert mirrored["metadata"]["labels"][LABEL_MANAGED_BY] == MIRRORING_CONTROLLER_NAME
    assert mirrored["metadata"]["ownerReferences"][0]["kind"] == "Endpoints"
    assert [(e["addresses"], e["conditions"]) for e in mirrored["endpoints"]] == [
        (["192.0.2.1"], {"ready": True}), (["192.0.2.2"], {"ready": False})]
    assert _slices(c, "b") == []
    assert all(s["metadata"]["labels"][LABEL_MANAGED_BY] == CONTROLLER_NAME for s in _slices(c, "c"))


def test_the_kubernetes_service_has_its_apiserver_slice() -> None:
    c = Cluster(seed=0)
    s = c.api.get("endpointslices", "kubernetes", "default")
    assert s["metadata"]["labels"] == {LABEL_SERVICE_NAME: "kubernetes"}  # no manager: no controller touches it
    assert s["ports"] == [{"name": "https", "port": 6443, "protocol": "TCP"}]


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.pop("addressType"), "addressType: Required value"),
    (lambda s: s.update(addressType="IP"), 'addressType: Unsupported value: "IP": supported values: "FQDN", '
                                           '"IPv4", "IPv6"'),
    (lambda s: s.update(endpoints=[{"addresses": ["10.0.0.1"]}] * 1001),
     "endpoints: Too many: 1001: must have at most 1000 items"),
    (lambda s: s.update(endpoints=[{"addresses": []}]), "endpoints[0].addresses: Required value: must contain at "
                                                         "least 1 address"),
    (lambda s: s.update(endpoints=[{"addresses": ["fd00::1"]}]),
     'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'),
    (lambda s: s.update(endpoints=[{"addresses": ["127.0.0.1"]}]),
     'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range'),
    (lambda s: s.update(ports=[{"name": "http", "port": 1}, {"name": "http", "port": 2}]),
     'ports[1].name: Duplicate value: "http"'),
    (lambda s: s.update(ports=[{"name": "Bad_Name", "port": 1}]), 'ports[0].name: Invalid value: "Bad_Name"'),
    (lambda s: s.update(ports=[{"name": "a", "port": 1, "protocol": "ICMP"}]),
     'ports[0].protocol: Unsupported value: "ICMP"'),
])
def test_validation(change, message) -> None:  # noqa: ANN001 - parametrized callables
    c = Cluster(seed=0)
    obj = _slice("bad")
    change(obj)
    with pytest.raises(ApiError) as err:
        c.api.create(obj)
    assert message in str(err.value)


def test_address_type_is_immutable_and_port_defaults_apply() -> None:
    c = Cluster(seed=0)
    created = c.api.create(_slice("s"))
    assert created["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]
    created = dict(created, addressType="IPv6", endpoints=[{"addresses": ["fd00::1"]}])
    with pytest.raises(ApiError) as err:
        c.api.update(created)
    assert 'addressType: Invalid value: "IPv6": field is immutable' in str(err.value)


def test_a_step_about_endpoint_slices_dumps_them() -> None:
    c = _cluster()
    text = dump(c, step='in the endpoint slices of service "web", pod "web-1" is not ready')
    assert "$ kubectl get endpointslices -A" in text
    assert "NAME" in text and "ADDRESSTYPE" in text
    other = dump(c, step='pod "web-1" is Running')
    assert "endpointslices" not in other


def test_a_pod_on_a_vanished_node_is_left_out_with_a_warning() -> None:
    """reconcileByAddressType skips it and fails the sync: FailedToUpdateEndpointSlices, then back-off retries."""
    c = _cluster()
    c.api.store.delete("nodes", "", "node-2")  # the node object is gone, its pod still listed
    c.api.patch("services", "web", "default", lambda s: s["metadata"].setdefault("annotations", {}).update(a="b"))
    c.run_for(2_000)
    (s,) = _slices(c)
    assert [e["targetRef"]["name"] for e in s["endpoints"]] == ["web-1"]
    warnings = [e for e in c.events.log if e.reason == "FailedToUpdateEndpointSlices"]
    assert warnings and warnings[0].message == (
        "Error updating Endpoint Slices for Service default/web: skipping Pod web-2 for Service default/web: "
        "Node node-2 Not Found")
