"""NodePorts: upstream's PreFilter/Filter table (data/node_ports.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kspec.scheduler import framework as fwk
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.nodeports import NodePorts
from tests.upstream.cases import case
from tests.upstream.scheduler.st import SKIP, UNSCHED, as_tuple, node, pod, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeports/node_ports_test.go"
ERR = "node(s) didn't have free ports for the requested pod ports"
_DATA = yaml.safe_load((Path(__file__).parent / "data" / "node_ports.yaml").read_text())


def ports(entries: list[str]) -> list[dict[str, Any]]:
    """PROTOCOL/hostIP/hostPort entries as container ports."""
    out = []
    for entry in entries:
        protocol, ip, port = entry.split("/")
        p: dict[str, Any] = {"containerPort": int(port), "hostPort": int(port), "protocol": protocol}
        if ip:
            p["hostIP"] = ip
        out.append(p)
    return out


def _case(c: dict[str, Any]) -> Any:
    spec = c["pod"]
    containers = [{"name": "c", "image": "x", "ports": ports(spec.get("containers") or [])}]
    inits = [{"name": "init", "image": "x", "ports": ports(spec.get("initContainers") or [])},
             {"name": "sidecar", "image": "x", "restartPolicy": "Always", "ports": ports(spec.get("sidecars") or [])}]
    existing = pod("p1", node="m1", containers=[{"name": "c", "image": "x", "ports": ports(c["existing"])}])
    return case("TestNodePorts", c["name"], pod=pod("p", containers=containers, initContainers=inits),
                nodes=[node("m1")], pods=[existing], want=c["want"])


CASES = [_case(c) for c in _DATA]


@pytest.mark.parametrize("c", CASES)
def test_node_ports(c: dict[str, Any]) -> None:
    result = run("NodePorts", c, points=("PreFilter", "Filter"))
    if c["want"] == "skip":
        assert as_tuple(result.pre_filter) == SKIP
        return
    assert as_tuple(result.pre_filter) is None
    assert as_tuple(result.filter["m1"]) == (None if c["want"] == "fit" else (UNSCHED, ERR))


def with_host_port(port: int, node: str = "") -> dict[str, Any]:
    """st.MakePod().HostPort(port): one container with that host port."""
    return pod(node=node, containers=[{"name": "c", "image": "x",
                                       "ports": [{"containerPort": port, "hostPort": port}]}])


H = "Test_isSchedulableAfterPodDeleted"
HINTS = [
    case(H, "backoff-wrong-old-object", old="not-a-pod", want=True,
         unreachable="the informers hand kspec's queue pods only; there is no non-pod object to reject"),
    case(H, "skip-queue-on-unscheduled", old=pod(), want=False),
    case(H, "skip-queue-on-non-hostport", old=pod(node="fake-node"), want=False),
    case(H, "skip-queue-on-unrelated-hostport", old=with_host_port(8081, "fake-node"), want=False),
    case(H, "queue-on-released-hostport", old=with_host_port(8080, "fake-node"), want=True),
]


@pytest.mark.parametrize("c", HINTS)
def test_is_schedulable_after_pod_deleted(c: dict[str, Any]) -> None:
    plugin = NodePorts(None, None)
    pi = PodInfo({"metadata": {"name": "p", "namespace": "default"}, "spec": with_host_port(8080)["spec"]})
    assert plugin.queueing_hint(fwk.POD_DELETE, pi, c["old"], None) is c["want"]
