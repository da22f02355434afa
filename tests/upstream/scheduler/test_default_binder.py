"""DefaultBinder: upstream's pkg/scheduler/framework/plugins/defaultbinder/default_binder_test.go (TestDefaultBinder),
binding a pod through a kspec API server; the fake client's binding reactor that injects an error is a failing
``api.bind``."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.cluster import Cluster, NodeSpec
from kspec.errors import ApiError
from kspec.scheduler.framework import CycleState
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.defaultbinder import DefaultBinder
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultbinder/default_binder_test.go"
NODE = "foohost.kubernetes.mydomain.com"
F = "TestDefaultBinder"
CASES = [
    case(F, "successful", inject="", want_node=NODE),
    case(F, "binding error", inject="binding error", want_node=None),
]


@pytest.mark.parametrize("c", CASES)
def test_default_binder(c: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = Cluster()
    cluster.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}})
    cluster.add_node(NodeSpec(NODE))
    pod = cluster.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "foo", "namespace": "ns"},
                          "spec": {"schedulerName": "none", "containers": [{"name": "c", "image": "pause"}]}})
    if c["inject"]:
        def bind(*args: Any, **kw: Any) -> None:
            raise ApiError(500, "InternalError", c["inject"])
        monkeypatch.setattr(cluster.api, "bind", bind)
    status = DefaultBinder(None, cluster).bind(CycleState(), PodInfo(pod), NODE)
    assert (status is not None and not status.success) == bool(c["inject"])
    bound = cluster.api.store.get("pods", "ns", "foo")["spec"].get("nodeName")
    assert bound == c["want_node"]
