"""A bound pod's status write does not rebuild its PodInfo or drop its node's memoized results, and leaves the
cache exactly as the rebuild would: the same pods in the same order everywhere (the node's pods, the label index,
the affinity lists and node maps, host ports)."""

from __future__ import annotations

import copy
from typing import Any

from kspec.cluster import Cluster
from kspec.scheduler.cache import Cache
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.scheduler import _same_pod_info


def _node(name: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}


def _pod(name: str, *, labels: dict[str, str], anti: bool = False, port: int = 0) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "100m"}}}
    if port:
        container["ports"] = [{"containerPort": port, "hostPort": port}]
    spec: dict[str, Any] = {"nodeName": "n1", "containers": [container]}
    if anti:
        spec["affinity"] = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": labels}, "topologyKey": "kubernetes.io/hostname"}]}}
    return {"metadata": {"name": name, "namespace": "default", "uid": f"u-{name}", "labels": labels,
                         "resourceVersion": "1"}, "spec": spec, "status": {"phase": "Pending"}}


def _shape(cache: Cache) -> Any:
    ni = cache.nodes["n1"]
    return (list(cache.pod_node), list(ni.pods), [p.uid for p in ni.pods_with_affinity],
            [p.uid for p in ni.pods_with_required_anti_affinity], list(ni.used_ports),
            [(k, list(v)) for k, v in cache.pods_by_label.items()], [(k, list(v)) for k, v in cache.anti_terms.items()],
            list(cache.affinity_nodes), list(cache.anti_affinity_nodes), list(cache.scoring_affinity_nodes),
            cache.floor_exact, (cache.floor_pods, cache.floor_cpu, cache.floor_mem),
            (ni.req_cpu, ni.free_cpu, ni.free_pods),
            {u: p.pod["metadata"]["resourceVersion"] for u, p in ni.pods.items()})


def test_reinserting_a_status_write_leaves_the_cache_as_a_rebuild_would() -> None:
    pods = [_pod("a", labels={"app": "x"}, anti=True, port=80), _pod("b", labels={"app": "y"}),
            _pod("c", labels={"app": "x"}, anti=True), _pod("d", labels={"solo": "1"}, port=81),
            # plain pods (Cache.reinsert_pod's in-place path): shared, several and single-pod label buckets
            _pod("e", labels={"app": "y", "tier": "web"}), _pod("f", labels={"tier": "web", "only": "f"}),
            _pod("g", labels={"last": "g"}), _pod("h", labels={})]
    for moved in range(len(pods)):
        rebuilt, kept = Cache(), Cache()
        for cache in (rebuilt, kept):
            cache.add_node(_node("n1"))
            for p in pods:
                cache.add_pod(PodInfo(p), "n1")
        new = copy.deepcopy(pods[moved])
        new["metadata"]["resourceVersion"] = "2"
        new["status"] = {"phase": "Running"}
        assert _same_pod_info(pods[moved], new)
        kept_pi = kept.nodes["n1"].pods[new["metadata"]["uid"]]
        memo = kept.nodes["n1"].memo
        memo["k"] = 1
        rebuilt.add_pod(PodInfo(new), "n1")
        assert kept.reinsert_pod(new["metadata"]["uid"], "n1", new)
        assert _shape(kept) == _shape(rebuilt)
        assert kept.nodes["n1"].pods[new["metadata"]["uid"]] is kept_pi and kept_pi.pod is new
        assert kept.nodes["n1"].memo is memo  # the node's results were kept


def test_what_a_pod_info_is_made_of_is_not_the_same() -> None:
    base = _pod("a", labels={"app": "x"})
    for change in (lambda p: p["metadata"]["labels"].update(app="z"),
                   lambda p: p["metadata"].__setitem__("deletionTimestamp", "2024-01-01T00:00:00Z"),
                   lambda p: p["status"].__setitem__("nominatedNodeName", "n2"),
                   lambda p: p["status"].__setitem__("startTime", "2024-01-01T00:00:00Z"),
                   lambda p: p["spec"]["containers"][0]["resources"]["requests"].update(cpu="50m")):
        new = copy.deepcopy(base)
        change(new)
        assert not _same_pod_info(base, new)
    rv_only = copy.deepcopy(base)
    rv_only["metadata"]["resourceVersion"] = "9"
    assert _same_pod_info(base, rv_only)


def test_a_start_time_that_is_the_creation_time_is_the_same_start() -> None:
    """PodInfo.start_ms reads startTime, else creationTimestamp: a startTime of the creation time's text
    changes nothing a PodInfo holds; another start time does."""
    base = _pod("a", labels={"app": "x"})
    base["metadata"]["creationTimestamp"] = "2024-01-01T00:00:00Z"
    started = copy.deepcopy(base)
    started["status"]["startTime"] = "2024-01-01T00:00:00Z"
    assert _same_pod_info(base, started)
    assert PodInfo(base).start_ms == PodInfo(started).start_ms
    later = copy.deepcopy(base)
    later["status"]["startTime"] = "2024-01-01T00:00:01Z"
    assert not _same_pod_info(base, later) and not _same_pod_info(started, later)


def test_a_running_pods_status_writes_keep_its_pod_info() -> None:
    c = Cluster(nodes=1, seed=0)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
             "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}})
    c.run_for(1_000)
    scheduler: Any = c.components["scheduler"]
    pod = c.get("pod", "web")
    ni = scheduler.cache.nodes[pod["spec"]["nodeName"]]
    pi = ni.pods[pod["metadata"]["uid"]]
    c.run_for(30_000)  # the kubelet writes the pod's status (Running, Ready)
    pod = c.api.store.get("pods", "default", "web")
    assert pod["status"]["phase"] == "Running"
    assert ni.pods[pod["metadata"]["uid"]] is pi and pi.pod is pod


def test_a_first_pods_run_builds_one_podinfo_per_version_it_must_and_none_of_the_old_one(monkeypatch) -> None:
    """The first pod is queued (one PodInfo), its binding comes back as the assumed one (none), and the kubelet's
    first status write sets a startTime that is the creation time's text (started the instant it was made: the
    same start, so the PodInfo is kept) and shares the spec: no PodInfo of the old version is built to compare
    requests either. A pod without an affinity section has empty terms."""
    built: list[str] = []
    real = PodInfo.__init__

    def counting(self: PodInfo, pod: dict[str, Any]) -> None:
        built.append(pod["metadata"]["resourceVersion"])
        real(self, pod)
    c = Cluster(nodes=3)
    c.start()
    monkeypatch.setattr(PodInfo, "__init__", counting)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
             "spec": {"containers": [{"name": "app", "image": "nginx"}]}})
    assert c.get("pod", "web")["status"]["phase"] == "Running"
    assert len(built) == 1, built
    pi = PodInfo(c.api.get("pods", "web", "default"))
    assert (pi.required_affinity, pi.required_anti_affinity, pi.preferred_affinity,
            pi.preferred_anti_affinity, pi.has_affinity, pi.has_scoring_affinity) == ((), (), (), (), False, False)
