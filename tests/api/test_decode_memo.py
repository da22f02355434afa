"""decode's memo: a remembered body decodes as a fresh decode would, and what decoding reads tells bodies apart."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api import decoding
from kspec.errors import ApiError
from kspec.manifests import YamlMapping, load

POD = """apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: app, image: nginx:1.25, ports: [{containerPort: 80}], resources: {requests: {cpu: 100m}}}]
"""


def _outcome(body: Any) -> Any:
    try:
        return ("ok", decoding.decode(body))
    except ApiError as exc:
        return ("error", exc.code, exc.message)


def _fresh(body: Any) -> Any:
    try:
        return ("ok", decoding._decode(body))
    except ApiError as exc:
        return ("error", exc.code, exc.message)


def _bodies() -> list[Any]:
    pod = load(POD, "<m>", 1, 0)[0]
    plain = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}
    repeated = YamlMapping(plain)
    repeated.duplicates = ("data",)
    return [
        pod,
        plain,
        repeated,  # equal to ``plain``, but a YAML mapping that repeated a key: refused
        {**plain, "data": {"a": 1}},  # an integer where a string belongs: refused
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": ()}},  # a tuple
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 3.0}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 3}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": True}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "bad": 1}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"f": lambda: 0}},  # unpicklable
    ]


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_a_remembered_body_decodes_as_a_fresh_decode(order: str) -> None:
    decoding._DECODED.clear()
    bodies = _bodies() if order == "forward" else _bodies()[::-1]
    for _round in range(3):  # the first decodes, the later ones are answered from the memo
        for body in bodies:
            want, got = _fresh(body), _outcome(body)
            assert got == want
            assert repr(got) == repr(want)  # the same types too (3 stays apart from 3.0, lists from tuples)
    assert len(decoding._DECODED) == 5  # the bodies that decoded; the refused ones are decoded each time


def test_each_call_gets_a_copy_of_its_own() -> None:
    decoding._DECODED.clear()
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"a": "b"}}}
    first = decoding.decode(body)
    first["metadata"]["labels"]["a"] = "changed"
    second = decoding.decode(body)
    third = decoding.decode(body)
    assert second == third == body
    assert second is not third and second["metadata"] is not third["metadata"]
    second["metadata"]["labels"]["a"] = "changed"
    assert decoding.decode(body) == body


def test_an_update_body_is_decoded_without_the_memo() -> None:
    decoding._DECODED.clear()
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "resourceVersion": "7"}}
    assert decoding.decode(body) == decoding.decode(body) == body
    assert len(decoding._DECODED) == 0
