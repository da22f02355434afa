"""The slice client makes the one copy the API server stores: the caller's object is left as it was."""

from __future__ import annotations

import pytest

from kspec.api.decoding import decode
from kspec.cluster import Cluster
from kspec.controllers.endpointslice import ApiSliceClient
from kspec.errors import ApiError


def test_a_created_slice_is_a_decoded_copy_named_from_the_controllers_stream() -> None:
    c = Cluster(nodes=1)
    c.start()
    client = ApiSliceClient(c, "test")
    body = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": {"generateName": "web-", "namespace": "default",
                         "labels": {"kubernetes.io/service-name": "web"}},
            "endpoints": [{"addresses": ["10.244.0.5"], "conditions": {"ready": True}}],
            "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}
    before = decode(body)
    created = client.create(body)
    assert body == before and "name" not in body["metadata"]  # the caller's object is untouched
    name = created["metadata"]["name"]
    assert name.startswith("web-") and len(name) == len("web-") + 5
    stored = c.api.store.get("endpointslices", "default", name)
    assert stored is created and decode(stored) == stored
    assert stored["endpoints"] is not body["endpoints"]
    with pytest.raises(ApiError, match="already exists"):  # the same stream draws the same name again
        ApiSliceClient(c, "test").create(body)
    assert body == before
