"""kubernetes pkg/apis/discovery/validation/validation_test.go: EndpointSlice validation, as counted errors.

Upstream's internal ``Topology`` map is the v1 API's ``deprecatedTopology``; a port's name and protocol are
set as the test sets them (the defaulting that fills them in the API server is kspec/api/defaults.py's).
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation_discovery import (
    DEPRECATED_ADDRESS_TYPES,
    SUPPORTED_ADDRESS_TYPES,
    validate_endpoint_slice,
    validate_endpoint_slice_update,
)
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/discovery/validation/validation_test.go"
META = {"name": "hello", "namespace": "world"}
HTTP = [{"name": "http", "protocol": "TCP"}]


def ips(n: int) -> list[str]:
    """generateIPAddresses."""
    return [f"10.1.2.{i % 255}" for i in range(n)]


def ports(n: int) -> list[dict[str, Any]]:
    """generatePorts."""
    return [{"name": f"http-{i}", "protocol": "TCP"} for i in range(n)]


def endpoints(n: int) -> list[dict[str, Any]]:
    """generateEndpoints."""
    return [{"addresses": [f"10.1.2.{i % 255}"]} for i in range(n)]


def topology(n: int) -> dict[str, str]:
    """generateTopology."""
    return {f"topology-{i}": "example" for i in range(n)}


def es(address_type: str = "IPv4", port_list: list | None = None, eps: list | None = None,
       meta: dict | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"metadata": dict(META if meta is None else meta)}
    if address_type:
        out["addressType"] = address_type
    if port_list is not None:
        out["ports"] = port_list
    if eps is not None:
        out["endpoints"] = eps
    return out


def ep(addresses: list[str], hostname: str | None = "valid-123", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"addresses": addresses, **extra}
    if hostname is not None:
        out["hostname"] = hostname
    return out


_V = "TestValidateEndpointSlice"
APP = [{"name": n, "protocol": "TCP", "appProtocol": a} for n, a in (
    ("one", "HTTP"), ("two", "https"), ("three", "my-protocol"), ("four", "example.com/custom-protocol"))]
VALIDATE = [
    case(_V, "good-slice", errors=0, slice=es("IPv4", HTTP, [ep(ips(1))])),
    case(_V, "good-ipv6", errors=0, slice=es("IPv6", HTTP, [ep(["a00:100::4"])])),
    case(_V, "good-fqdns", errors=0, slice=es("FQDN", HTTP, [ep(["foo.example.com", "example.com", "example.com.",
                                                                 "hyphens-are-good.example.com"])])),
    case(_V, "all-protocols", errors=0, slice=es("IPv4", [{"name": "tcp", "protocol": "TCP"},
                                                          {"name": "udp", "protocol": "UDP"},
                                                          {"name": "sctp", "protocol": "SCTP"}], [ep(ips(1))])),
    case(_V, "app-protocols", errors=0, slice=es("IP", APP, [ep(ips(1))])),
    case(_V, "empty-port-name", errors=0, slice=es("IPv4", [{"name": "", "protocol": "TCP"},
                                                            {"name": "http", "protocol": "TCP"}],
                                                   [ep(ips(1), None)])),
    case(_V, "long-port-name", errors=0, slice=es("IPv4", [{"name": "a" * 63, "protocol": "TCP"}],
                                                  [ep(ips(1), None)])),
    case(_V, "empty-ports-and-endpoints", errors=0, slice=es("IPv4", [], [])),
    case(_V, "max-endpoints", errors=0, slice=es("IPv4", ports(1), endpoints(1000))),
    case(_V, "max-ports", errors=0, slice=es("IPv4", ports(100))),
    case(_V, "max-addresses", errors=0, slice=es("IPv4", HTTP, [ep(ips(100), None)])),
    case(_V, "max-topology-keys", errors=0,
         slice=es("IPv4", HTTP, [ep(ips(1), None, deprecatedTopology=topology(16))])),
    case(_V, "duplicate-port-name", errors=1, slice=es("IPv4", [{"name": "", "protocol": "TCP"},
                                                                {"name": "", "protocol": "TCP"}], [])),
    case(_V, "bad-port-name-caps", errors=1, slice=es("IPv4", [{"name": "aCapital", "protocol": "TCP"}], [])),
    case(_V, "bad-port-name-chars", errors=1, slice=es("IPv4", [{"name": "almost_valid", "protocol": "TCP"}], [])),
    case(_V, "bad-port-name-length", errors=1, slice=es("IPv4", [{"name": "a" * 64, "protocol": "TCP"}], [])),
    case(_V, "invalid-port-protocol", errors=1, slice=es("IPv4", [{"name": "http", "protocol": "foo"}])),
    case(_V, "too-many-ports", errors=1, slice=es("IPv4", ports(101))),
    case(_V, "too-many-endpoints", errors=1, slice=es("IPv4", ports(1), endpoints(1001))),
    case(_V, "no-endpoint-addresses", errors=1, slice=es("IPv4", HTTP, [ep(ips(0), None)])),
    case(_V, "too-many-addresses", errors=1, slice=es("IPv4", HTTP, [ep(ips(101), None)])),
    case(_V, "bad-topology-key", errors=1,
         slice=es("IPv4", HTTP, [ep(ips(1), None, deprecatedTopology={"--INVALID": "example"})])),
    case(_V, "too-many-topology-keys", errors=1,
         slice=es("IPv4", HTTP, [ep(ips(1), None, deprecatedTopology=topology(17))])),
    case(_V, "bad-hostname", errors=1, slice=es("IPv4", HTTP, [ep(ips(1), "--INVALID")])),
    case(_V, "bad-meta", errors=1, slice=es("IPv4", HTTP, [ep(ips(1))], meta={"name": "*&^", "namespace": "foo"})),
    case(_V, "bad-ip", errors=1, slice=es("IP", HTTP, [ep(["123.456.789.012"])])),
    case(_V, "bad-ipv4", errors=3, slice=es("IPv4", HTTP, [ep(["123.456.789.012", "2001:4860:4860::8888"])])),
    case(_V, "bad-ipv6", errors=4, slice=es("IPv6", HTTP, [ep(["123.456.789.012", "2001:4860:4860:defg"])])),
    case(_V, "bad-fqdns", errors=4, slice=es("FQDN", HTTP, [ep(["foo.*", "FOO.example.com",
                                                                "underscores_are_bad.example.com",
                                                                "*.example.com"])])),
    case(_V, "bad-app-protocol", errors=1,
         slice=es("IP", [{"name": "http", "protocol": "TCP", "appProtocol": "--"}], [ep(ips(1))])),
    case(_V, "empty-everything", errors=3, slice={"metadata": {}}),
    case(_V, "special-ipv4", errors=1, slice=es("IPv4", HTTP, [ep(["127.0.0.1"])])),
    case(_V, "special-ipv6", errors=1, slice=es("IPv6", HTTP, [ep(["fe80::9656:d028:8652:66b6"])])),
]


@pytest.mark.parametrize("data", VALIDATE)
def test_validate_endpoint_slice(data: dict[str, Any]) -> None:
    errs = validate_endpoint_slice(data["slice"], sorted(SUPPORTED_ADDRESS_TYPES + DEPRECATED_ADDRESS_TYPES))
    assert len(errs) == data["errors"], [str(e) for e in errs]


_C = "TestValidateEndpointSliceCreate"
CREATE = [
    case(_C, "good-slice", errors=0, slice=es("IPv4", HTTP, [ep(ips(1))])),
    case(_C, "deprecated-address-type", errors=1, slice=es("IP", HTTP, [ep(ips(1), None)])),
    case(_C, "bad-address-type", errors=1, slice=es("other", HTTP, [ep(ips(1), None)])),
]


@pytest.mark.parametrize("data", CREATE)
def test_validate_endpoint_slice_create(data: dict[str, Any]) -> None:
    errs = validate_endpoint_slice(data["slice"])
    assert len(errs) == data["errors"], [str(e) for e in errs]


_U = "TestValidateEndpointSliceUpdate"
UPDATE_META = {"name": "es1", "namespace": "test"}
UPDATE = [
    case(_U, "valid and identical slices", errors=0, new=es("IPv6", meta=UPDATE_META),
         old=es("IPv6", meta=UPDATE_META)),
    case(_U, "deprecated address type", errors=0, new=es("IP", meta=UPDATE_META), old=es("IP", meta=UPDATE_META)),
    case(_U, "valid and identical slices with different address types", errors=1, new=es("IP", meta=UPDATE_META),
         old=es("other", meta=UPDATE_META)),
    case(_U, "invalid slices with valid address types", errors=1,
         new=es("IP", [{"name": "", "protocol": "invalid"}], meta=UPDATE_META), old=es("IP", meta=UPDATE_META)),
]


@pytest.mark.parametrize("data", UPDATE)
def test_validate_endpoint_slice_update(data: dict[str, Any]) -> None:
    errs = validate_endpoint_slice_update(data["new"], data["old"])
    assert len(errs) == data["errors"], [str(e) for e in errs]
