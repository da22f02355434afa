"""Filter plugins: taints, cordon, node affinity, ports, inter-pod affinity, topology spread."""

from __future__ import annotations

from typing import Any

from kspec.nodeaffinity import term_matches
from kspec.scheduler.cache import Cache
from kspec.scheduler.framework import SKIP, Code, CycleState
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.helper import default_normalize_score
from kspec.scheduler.plugins.interpodaffinity import InterPodAffinity
from kspec.scheduler.plugins.nodeports import conflicts
from kspec.scheduler.plugins.nodeunschedulable import NodeUnschedulable
from kspec.scheduler.plugins.podtopologyspread import PodTopologySpread
from kspec.scheduler.plugins.tainttoleration import TaintToleration


def node(name: str, labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
            "spec": spec, "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}


def pod(name: str, labels: dict[str, str] | None = None, **spec: Any) -> PodInfo:
    return PodInfo({"metadata": {"name": name, "namespace": "default", "uid": name, "labels": labels or {}},
                    "spec": {"containers": [{"name": "c", "image": "x"}], **spec}})


class Handle:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def namespace_labels(self, ns: str) -> dict[str, str]:
        return {}


def test_taint_filter_and_score_normalization() -> None:
    tt = TaintToleration(None, None)
    ni = NodeInfo(node("n", taints=[{"key": "k", "value": "v", "effect": "NoSchedule"}]))
    status = tt.filter(CycleState(), pod("p"), ni)
    assert status is not None and status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    tolerating = pod("p", tolerations=[{"key": "k", "operator": "Equal", "value": "v"}])
    assert tt.filter(CycleState(), tolerating, ni) is None
    scores = [0, 2, 1]
    default_normalize_score(scores, reverse=True)
    assert scores == [100, 0, 50]


def test_cordoned_node() -> None:
    ni = NodeInfo(node("n", unschedulable=True))
    assert NodeUnschedulable(None, None).filter(CycleState(), pod("p"), ni) is not None
    ds = pod("p", tolerations=[{"key": "node.kubernetes.io/unschedulable", "operator": "Exists",
                                "effect": "NoSchedule"}])
    assert NodeUnschedulable(None, None).filter(CycleState(), ds, ni) is None


def test_node_selector_terms() -> None:
    labels = {"gen": "5", "disk": "ssd"}
    assert term_matches({"matchExpressions": [{"key": "gen", "operator": "Gt", "values": ["4"]}]}, labels, "n")
    assert not term_matches({"matchExpressions": [{"key": "gen", "operator": "Lt", "values": ["4"]}]}, labels, "n")
    assert term_matches({"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]}, labels, "n")
    assert term_matches({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n"]}]}, labels, "n")
    assert not term_matches({}, labels, "n")


def test_host_port_conflicts() -> None:
    used = {("0.0.0.0", "TCP", 80): 1}
    assert conflicts(used, "10.0.0.1", "TCP", 80)
    assert not conflicts(used, "0.0.0.0", "UDP", 80)
    assert conflicts({("10.0.0.1", "TCP", 80): 1}, "0.0.0.0", "TCP", 80)


def test_anti_affinity_of_the_pod_and_of_existing_pods() -> None:
    cache = Cache()
    for name, zone in (("a", "z1"), ("b", "z2")):
        cache.add_node(node(name, {"zone": zone}))
    term = {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "zone"}
    cache.add_pod(pod("web-1", {"app": "web"}, affinity={
        "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}), "a")
    plugin = InterPodAffinity(None, Handle(cache))
    newcomer = pod("web-2", {"app": "web"})
    state = CycleState()
    plugin.pre_filter(state, newcomer)
    status = plugin.filter(state, newcomer, cache.nodes["a"])
    assert status is not None and status.reasons == ["node(s) didn't satisfy existing pods anti-affinity rules"]
    assert plugin.filter(state, newcomer, cache.nodes["b"]) is None
    # no existing anti-affinity term matches "other": PreFilter says Skip, as upstream (filtering_test.go)
    assert plugin.pre_filter(CycleState(), pod("other"))[1] is SKIP


def test_topology_spread_skew() -> None:
    cache = Cache()
    for name, zone in (("a", "z1"), ("b", "z1"), ("c", "z2")):
        cache.add_node(node(name, {"zone": zone}))
    cache.add_pod(pod("w1", {"app": "w"}), "a")
    plugin = PodTopologySpread(None, type("H", (), {"cache": cache})())
    spread = pod("w2", {"app": "w"}, topologySpreadConstraints=[{
        "maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "w"}}}])
    state = CycleState()
    assert plugin.pre_filter(state, spread)[1] is None
    assert plugin.filter(state, spread, cache.nodes["b"]) is not None
    assert plugin.filter(state, spread, cache.nodes["c"]) is None
