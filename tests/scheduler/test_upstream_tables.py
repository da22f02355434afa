"""Upstream's scheduler plugin test tables, kept as data in tests/scheduler/data/.

Each YAML file names the Go test it comes from; cases marked "derived" are
worked out from the upstream formula where upstream's table has no case for
the behaviour. The builders here turn the compact rows into pods and nodes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from kspec.scheduler.cache import Cache
from kspec.scheduler.framework import SKIP, Code, CycleState
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.helper import build_broken_linear_function
from kspec.scheduler.plugins.imagelocality import ImageLocality
from kspec.scheduler.plugins.nodeports import ERR_REASON, NodePorts
from kspec.scheduler.plugins.noderesourcesfit import NodeResourcesFit
from kspec.scheduler.plugins.podtopologyspread import PodTopologySpread

DATA = Path(__file__).parent / "data"
MB = 1024 * 1024


def load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text())


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["name"] for c in cases]


def make_pod(name: str, spec: dict[str, Any], labels: dict[str, str] | None = None,
             owner: str | None = None) -> PodInfo:
    md: dict[str, Any] = {"name": name, "namespace": "default", "uid": name, "labels": labels or {}}
    if owner:
        md["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner, "uid": owner,
                                  "controller": True}]
    return PodInfo({"metadata": md, "spec": spec})


def make_node(name: str, allocatable: dict[str, str] | None = None, labels: dict[str, str] | None = None,
              images: list[Any] | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"allocatable": {"pods": "110", **(allocatable or {})}}
    if images:
        status["images"] = [{"names": names, "sizeBytes": mb * MB} for names, mb in images]
    return {"metadata": {"name": name, "labels": labels or {}}, "spec": {}, "status": status}


# -- helper.BuildBrokenLinearFunction ------------------------------------------------------------
@pytest.mark.parametrize("case", load("shape_score.yaml"), ids=lambda c: str(c["points"]))
def test_broken_linear_function(case: dict[str, Any]) -> None:
    f = build_broken_linear_function([tuple(p) for p in case["points"]])
    got = {p: f(p) for p in case["assertions"]}
    assert got == case["assertions"]


# -- NodeResourcesFit, RequestedToCapacityRatio ----------------------------------------------------
def _requests_pod(name: str, containers: list[dict[str, str]], node: str | None = None) -> PodInfo:
    spec: dict[str, Any] = {"containers": [{"name": f"c{i}", "image": "x", "resources": {"requests": req}}
                                           for i, req in enumerate(containers)]}
    if node:
        spec["nodeName"] = node
    return make_pod(name, spec)


_RTC = load("requested_to_capacity_ratio.yaml")


@pytest.mark.parametrize("case", _RTC, ids=ids(_RTC))
def test_requested_to_capacity_ratio(case: dict[str, Any]) -> None:
    plugin = NodeResourcesFit({"scoringStrategy": {"type": "RequestedToCapacityRatio",
                                                   "resources": case["resources"],
                                                   "requestedToCapacityRatio": {"shape": case["shape"]}}}, None)
    nodes = {name: NodeInfo(make_node(name, alloc)) for name, alloc in case["nodes"].items()}
    for i, existing in enumerate(case["existing"]):
        nodes[existing["node"]].add_pod(_requests_pod(f"e{i}", existing["containers"], existing["node"]))
    pod = _requests_pod("p", case["pod"])
    got = {name: plugin.score(CycleState(), pod, ni) for name, ni in nodes.items()}
    assert got == case["want"]


def test_a_pod_without_containers_asks_for_nothing() -> None:
    pod = make_pod("empty", {})
    assert (pod.cpu, pod.mem, pod.nz_cpu, pod.nz_mem) == (0, 0, 0, 0)
    assert make_pod("one", {"containers": [{"name": "c", "image": "x"}]}).nz_cpu == 100  # DefaultMilliCPURequest


# -- ImageLocality ------------------------------------------------------------------------------------
_IMAGES = load("image_locality.yaml")


class _Handle:
    def __init__(self, cache: Cache, api: Any = None) -> None:
        self.cache = cache
        self.api = api


@pytest.mark.parametrize("case", _IMAGES["cases"], ids=ids(_IMAGES["cases"]))
def test_image_locality(case: dict[str, Any]) -> None:
    cache = Cache()
    for name, images in case["nodes"].items():
        cache.add_node(make_node(name, images=_IMAGES["images"][images]))
    spec = {"containers": [{"name": f"c{i}", "image": image} for i, image in enumerate(case["containers"])],
            "initContainers": [{"name": f"i{i}", "image": image}
                               for i, image in enumerate(case.get("initContainers") or [])]}
    plugin = ImageLocality(None, _Handle(cache))
    pod = make_pod("p", spec)
    got = {name: plugin.score(CycleState(), pod, cache.nodes[name]) for name in case["nodes"]}
    assert got == case["want"]
    assert plugin.score_nodes(CycleState(), pod, [cache.nodes[n] for n in case["nodes"]]) == list(got.values())


# -- NodePorts ------------------------------------------------------------------------------------------
def _ports(entries: list[str]) -> list[dict[str, Any]]:
    out = []
    for entry in entries:
        protocol, ip, port = entry.split("/")
        p: dict[str, Any] = {"containerPort": int(port), "hostPort": int(port), "protocol": protocol}
        if ip:
            p["hostIP"] = ip
        out.append(p)
    return out


_PORTS = load("node_ports.yaml")


@pytest.mark.parametrize("case", _PORTS, ids=ids(_PORTS))
def test_node_ports(case: dict[str, Any]) -> None:
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "x",
                                            "ports": _ports(case["pod"].get("containers") or [])}]}
    inits = [{"name": "init", "image": "x", "ports": _ports(case["pod"].get("initContainers") or [])}]
    inits += [{"name": "sidecar", "image": "x", "restartPolicy": "Always",
               "ports": _ports(case["pod"].get("sidecars") or [])}]
    spec["initContainers"] = inits
    ni = NodeInfo(make_node("m1"))
    ni.add_pod(make_pod("p1", {"nodeName": "m1", "containers": [{"name": "c", "image": "x",
                                                                 "ports": _ports(case["existing"])}]}))
    plugin = NodePorts(None, None)
    pod = make_pod("p", spec)
    _, pre = plugin.pre_filter(CycleState(), pod)
    if case["want"] == "skip":
        assert pre is SKIP
        return
    assert pre is None
    status = plugin.filter(CycleState(), pod, ni)
    if case["want"] == "fit":
        assert status is None
    else:
        assert status is not None and status.code == Code.UNSCHEDULABLE and status.reasons == [ERR_REASON]


def test_a_plain_init_container_leaves_its_host_port_free_on_the_node() -> None:
    """NodeInfo counts the ports of a placed pod the same way (GetHostPorts)."""
    ni = NodeInfo(make_node("m1"))
    ni.add_pod(make_pod("init", {"nodeName": "m1", "initContainers": [
        {"name": "i", "image": "x", "ports": _ports(["TCP/0.0.0.0/8001"])}], "containers": []}))
    assert not ni.used_ports


# -- PodTopologySpread scoring ---------------------------------------------------------------------
class _Store:
    def __init__(self, services: list[dict[str, str]], replicasets: dict[str, Any]) -> None:
        self.services = [{"metadata": {"name": f"s{i}", "namespace": "default"}, "spec": {"selector": sel}}
                         for i, sel in enumerate(services)]
        self.replicasets = {name: {"metadata": {"name": name, "namespace": "default"}, "spec": {"selector": sel}}
                            for name, sel in replicasets.items()}

    def list(self, resource: str, namespace: str) -> list[dict[str, Any]]:
        return self.services if resource == "services" else []

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        return self.replicasets.get(name) if resource == "replicasets" else None


def _spread_setup(case: dict[str, Any]) -> tuple[PodTopologySpread, PodInfo, Cache, list[NodeInfo]]:
    cache = Cache()
    for name, labels in {**case["nodes"], **(case.get("failed") or {})}.items():
        cache.add_node(make_node(name, {"cpu": "4", "memory": "8Gi"}, labels))
    for node, n in (case.get("matching") or {}).items():
        for i in range(n):
            cache.add_pod(make_pod(f"{node}-{i}", {"nodeName": node, "containers": []}, case["pod"]["labels"]), node)
    api = type("API", (), {"store": _Store(case.get("services") or [], case.get("replicasets") or {})})()
    plugin = PodTopologySpread(case["args"], _Handle(cache, api))
    spec = {"containers": [{"name": "c", "image": "x"}],
            "topologySpreadConstraints": case["pod"].get("constraints") or []}
    pod = make_pod("p", spec, case["pod"]["labels"], case["pod"].get("owner"))
    return plugin, pod, cache, [cache.nodes[n] for n in case["nodes"]]


_SPREAD = load("topology_spread_scoring.yaml")


@pytest.mark.parametrize("case", _SPREAD["prescore"], ids=ids(_SPREAD["prescore"]))
def test_topology_spread_prescore_state(case: dict[str, Any]) -> None:
    plugin, pod, _, nodes = _spread_setup(case)
    state = CycleState()
    assert plugin.pre_score(state, pod, nodes) is None
    _constraints, _counts, weights, ignored = state.read("PreScorePodTopologySpread")
    assert sorted(ignored) == case["want"]["ignored"]
    assert weights == [math.log(size + 2) for size in case["want"]["sizes"]]


@pytest.mark.parametrize("case", _SPREAD["score"], ids=ids(_SPREAD["score"]))
def test_topology_spread_scores(case: dict[str, Any]) -> None:
    plugin, pod, _, nodes = _spread_setup(case)
    state = CycleState()
    assert plugin.pre_score(state, pod, nodes) is None
    scores = [plugin.score(state, pod, ni) for ni in nodes]
    plugin.normalize_score(state, pod, scores, nodes)
    assert dict(zip(case["nodes"], scores, strict=True)) == case["want"]
