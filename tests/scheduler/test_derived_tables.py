"""Cases worked out from upstream's formulas where upstream's own tables (ported in tests/upstream/scheduler/)
have none for the behaviour."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler import evaluate
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.helper import build_broken_linear_function


@pytest.mark.parametrize(("points", "want"), [
    # 10 + (0-10)*(50-40)/(100-40) = 10 + (-100/60): Go truncates -1.67 to -1
    ([(0, 2), (40, 10), (100, 0)], {50: 9, 41: 10, 99: 1}),
    # the default RequestedToCapacityRatio shape scaled to 0..100 over a short range
    ([(0, 100), (30, 0)], {1: 97, 10: 67, 29: 4}),
])
def test_broken_linear_function_truncates_towards_zero(points: list[tuple[int, int]], want: dict[int, int]) -> None:
    f = build_broken_linear_function(points)
    assert {p: f(p) for p in want} == want


def _pod(name: str, spec: dict[str, Any]) -> PodInfo:
    return PodInfo({"metadata": {"name": name, "namespace": "default", "uid": name}, "spec": spec})


def test_a_pod_without_containers_asks_for_nothing() -> None:
    pod = _pod("empty", {})
    assert (pod.cpu, pod.mem, pod.nz_cpu, pod.nz_mem) == (0, 0, 0, 0)
    assert _pod("one", {"containers": [{"name": "c", "image": "x"}]}).nz_cpu == 100  # DefaultMilliCPURequest


def test_a_plain_init_container_leaves_its_host_port_free_on_the_node() -> None:
    """NodeInfo counts the ports of a placed pod the way util.GetHostPorts does."""
    ni = NodeInfo({"metadata": {"name": "m1"}, "spec": {}, "status": {"allocatable": {"pods": "110"}}})
    ni.add_pod(_pod("init", {"nodeName": "m1", "containers": [], "initContainers": [
        {"name": "i", "image": "x", "ports": [{"containerPort": 8001, "hostPort": 8001, "hostIP": "0.0.0.0"}]}]}))
    assert not ni.used_ports


def test_system_default_spreading_counts_nodes_without_a_zone_as_one_domain() -> None:
    """initPreScoreState and scoreForCount: with the system defaults, nodes without a zone form the domain "",
    so the zone weight is ln(2 + 2), not ln(1 + 2): raw scores a 12, b 9, c 4, d 2 (b would be 8 with one zone
    domain, normalizing to 50)."""
    zones = {"node-a": "z1", "node-b": "z1", "node-c": None, "node-d": None}
    nodes = [{"metadata": {"name": n, "labels": {"kubernetes.io/hostname": n,
                                                 **({"topology.kubernetes.io/zone": z} if z else {})}},
              "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}} for n, z in zones.items()]
    pods = [{"metadata": {"name": f"{n}-{i}", "labels": {"foo": ""}}, "spec": {"nodeName": n, "containers": []}}
            for n, count in {"node-a": 2, "node-c": 1}.items() for i in range(count)]
    pod = {"metadata": {"name": "p", "labels": {"foo": ""}}, "spec": {"containers": [{"name": "c", "image": "x"}]}}
    service = {"kind": "Service", "metadata": {"name": "s"}, "spec": {"selector": {"foo": ""}}}
    result = evaluate("PodTopologySpread", pod, nodes, pods=pods, objects=[service], args={"defaultingType": "System"},
                      points=("PreScore", "Score"))
    assert result.scores == {"node-a": 16, "node-b": 41, "node-c": 83, "node-d": 100}
