"""kubernetes pkg/controller/endpointslicemirroring/utils_test.go: the mirrored slice and endpoint, through kspec's.

An empty Go map (``Annotations: map[string]string{}``) is a key left out in the API's JSON, and so here.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.controllers.endpointslice_util import (
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    MIRRORING_CONTROLLER_NAME,
    TRIGGER_TIME_ANNOTATION,
)
from kspec.controllers.endpointslicemirroring import address_to_endpoint, new_mirrored_slice
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/endpointslicemirroring/utils_test.go"
RESERVED = {LABEL_SERVICE_NAME: "foo", LABEL_MANAGED_BY: MIRRORING_CONTROLLER_NAME}
OWNER = {"apiVersion": "v1", "kind": "Endpoints", "name": "foo", "uid": "ep-uid", "controller": True,
         "blockOwnerDeletion": True}
_N = "TestNewEndpointSlice"
NEW_SLICE = [
    case(_N, "create slice from endpoints", labels=None, annotations=None, want_labels=RESERVED, want_annotations={}),
    case(_N, "create slice from endpoints with annotations", labels=None, annotations={"foo": "bar"},
         want_labels=RESERVED, want_annotations={"foo": "bar"}),
    case(_N, "create slice from endpoints with labels", labels={"foo": "bar"}, annotations=None,
         want_labels={"foo": "bar", **RESERVED}, want_annotations={}),
    case(_N, "create slice from endpoints with labels and annotations", labels={"foo": "bar"},
         annotations={"foo2": "bar2"}, want_labels={"foo": "bar", **RESERVED}, want_annotations={"foo2": "bar2"}),
    case(_N, "create slice from endpoints with labels and annotations triggertime", labels={"foo": "bar"},
         annotations={"foo2": "bar2", TRIGGER_TIME_ANNOTATION: "date"}, want_labels={"foo": "bar", **RESERVED},
         want_annotations={"foo2": "bar2"}),
]


@pytest.mark.parametrize("data", NEW_SLICE)
def test_new_endpoint_slice(data: dict[str, Any]) -> None:
    md: dict[str, Any] = {"name": "foo", "namespace": "test", "uid": "ep-uid"}
    if data["labels"] is not None:
        md["labels"] = dict(data["labels"])
    if data["annotations"] is not None:
        md["annotations"] = dict(data["annotations"])
    endpoints = {"metadata": md, "subsets": [{"ports": [{"port": 80}]}]}
    ports = [{"name": "foo", "protocol": "TCP"}]
    got = new_mirrored_slice(endpoints, ports, "IPv4", "")
    assert got["metadata"].get("annotations", {}) == data["want_annotations"]
    assert {k: v for k, v in got["metadata"].items() if k != "annotations"} == {
        "namespace": "test", "labels": data["want_labels"], "ownerReferences": [OWNER], "generateName": "foo-"}
    assert (got["ports"], got["addressType"], got["endpoints"]) == (ports, "IPv4", [])
    assert md.get("labels") == data["labels"]  # the Endpoints' labels are left as they were


@pytest.mark.parametrize("data", [case("TestAddressToEndpoint", "")])
def test_address_to_endpoint(data: dict[str, Any]) -> None:
    ref = {"apiVersion": "v1", "kind": "Pod", "namespace": "default", "name": "foo"}
    converted = address_to_endpoint({"ip": "10.1.2.3", "hostname": "foo", "nodeName": "node-abc", "targetRef": ref},
                                    True)
    assert converted == ({"addresses": ["10.1.2.3"], "hostname": "foo", "conditions": {"ready": True},
                          "targetRef": ref, "nodeName": "node-abc"}, "IPv4")
