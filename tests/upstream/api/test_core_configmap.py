"""ConfigMaps and Endpoints node names: upstream's TestValidateConfigMap, TestValidateConfigMapUpdate,
TestEndpointAddressNodeNameUpdateRestrictions, TestEndpointAddressNodeNameInvalidDNSSubdomain and
TestEndpointAddressNodeNameCanBeAnIPAddress (pkg/apis/core/validation/validation_test.go). A ConfigMap's
binaryData is base64 on the wire, as here."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from kspec.api.validation import validate
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

Obj = dict[str, Any]
MAX = 1024 * 1024  # v1.MaxSecretSize


def config_map(name: str = "validname", namespace: str = "validns", data: dict[str, str] | None = None,
               binary: dict[str, bytes] | None = None, version: str | None = None,
               immutable: bool | None = None) -> Obj:
    meta: Obj = {"name": name, "namespace": namespace}
    if version is not None:
        meta["resourceVersion"] = version
    out: Obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}
    if data is not None:
        out["data"] = dict(data)
    if binary is not None:
        out["binaryData"] = {k: base64.b64encode(v).decode() for k, v in binary.items()}
    if immutable is not None:
        out["immutable"] = immutable
    return out


F = "TestValidateConfigMap"
CONFIG_MAPS = [
    case(F, "valid", cm=config_map(data={"key": "value"}, binary={"bin": b"value"}), valid=True),
    case(F, "max key length", cm=config_map(data={"a" * 253: "value"}), valid=True),
    case(F, "leading dot key", cm=config_map(data={".ab": "value"}), valid=True),
    case(F, "empty name", cm=config_map(""), valid=False),
    case(F, "invalid name", cm=config_map("NoUppercaseOrSpecialCharsLike=Equals"), valid=False),
    case(F, "invalid key", cm=config_map(data={"a*b": "value"}), valid=False),
    case(F, "empty namespace", cm=config_map(namespace=""), valid=False),
    case(F, "invalid namespace", cm=config_map(namespace="NoUppercaseOrSpecialCharsLike=Equals"), valid=False),
    case(F, "dot key", cm=config_map(data={".": "value"}), valid=False),
    case(F, "double dot key", cm=config_map(data={"..": "value"}), valid=False),
    case(F, "over max key length", cm=config_map(data={"a" * 254: "value"}), valid=False),
    case(F, "over max size", cm=config_map(data={"key": "a" * (MAX + 1)}), valid=False),
    case(F, "duplicated key", cm=config_map(data={"key": "value1"}, binary={"key": b"value2"}), valid=False),
    case(F, "binary data invalid key", cm=config_map(binary={"a*b": b"value"}), valid=False),
    case(F, "binary data leading dot key", cm=config_map(binary={".ab": b"value"}), valid=True),
    case(F, "binary data dot key", cm=config_map(binary={".": b"value"}), valid=False),
    case(F, "binary data double dot key", cm=config_map(binary={"..": b"value"}), valid=False),
    case(F, "binary data over max key length", cm=config_map(binary={"a" * 254: b"value"}), valid=False),
    case(F, "binary data max size", cm=config_map(binary={"bin": b"a" * (MAX + 1)}), valid=False),
    case(F, "binary data non utf-8 bytes", cm=config_map(binary={"key": bytes([0, 0xFE, 0, 0xFF])}), valid=True),
]


@pytest.mark.parametrize("c", CONFIG_MAPS)
def test_validate_config_map(c: Obj) -> None:
    assert (validate(copy.deepcopy(c["cm"])) == []) == c["valid"]


def _cm(immutable: bool | None = None, **data: str) -> Obj:
    return config_map("validname", "validdns", {"key": "value", **data}, version="1", immutable=immutable)


U = "TestValidateConfigMapUpdate"
CONFIG_MAP_UPDATES = [
    case(U, "valid", new=_cm(), old=_cm(), valid=True),
    case(U, "invalid", new=config_map("validname", "validns", {"key": "value"}, version=""), old=_cm(), valid=False),
    case(U, "mark configmap immutable", old=_cm(), new=_cm(True), valid=True),
    case(U, "revert immutable configmap", old=_cm(True), new=_cm(), valid=False),
    case(U, "mark immutable configmap mutable", old=_cm(True), new=_cm(False), valid=False),
    case(U, "add data in configmap", old=_cm(), new=_cm(**{"key-2": "value-2"}), valid=True),
    case(U, "add data in immutable configmap", old=_cm(True), new=_cm(True, **{"key-2": "value-2"}), valid=False),
    case(U, "change data in configmap", old=_cm(), new=_cm(key="foo"), valid=True),
    case(U, "change data in immutable configmap", old=_cm(True), new=_cm(True, key="foo"), valid=False),
]


@pytest.mark.parametrize("c", CONFIG_MAP_UPDATES)
def test_validate_config_map_update(c: Obj) -> None:
    assert (validate(copy.deepcopy(c["new"]), copy.deepcopy(c["old"])) == []) == c["valid"]


def node_name_endpoint(node_name: str) -> Obj:
    """newNodeNameEndpoint."""
    return {"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "foo", "namespace": "default", "resourceVersion": "1"},
            "subsets": [{"notReadyAddresses": [], "ports": [{"name": "https", "port": 443, "protocol": "TCP"}],
                         "addresses": [{"ip": "8.8.8.8", "hostname": "zookeeper1", "nodeName": node_name}]}]}


@pytest.mark.parametrize("c", [case("TestEndpointAddressNodeNameUpdateRestrictions", "")])
def test_endpoint_address_node_name_update_restrictions(c: Obj) -> None:
    updated = node_name_endpoint("kubernetes-changed-nodename")
    old = node_name_endpoint("kubernetes-node-setup-by-backend")
    assert validate(copy.deepcopy(updated)) + validate(updated, old) == []


@pytest.mark.parametrize("c", [case("TestEndpointAddressNodeNameInvalidDNSSubdomain", "")])
def test_endpoint_address_node_name_invalid_dns_subdomain(c: Obj) -> None:
    assert validate(node_name_endpoint("illegal*.nodename")) != []


@pytest.mark.parametrize("c", [case("TestEndpointAddressNodeNameCanBeAnIPAddress", "")])
def test_endpoint_address_node_name_can_be_an_ip_address(c: Obj) -> None:
    assert validate(node_name_endpoint("10.10.1.1")) == []
