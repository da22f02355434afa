"""PodTopologySpread counts matching pods from the cache's pods-by-label index: the same counts, less work."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kspec.cluster import Cluster, NodeSpec
from kspec.labels import Selector
from kspec.scheduler.cache import Cache
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins import podtopologyspread as pts

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: app-%d}
spec:
  replicas: %d
  selector: {matchLabels: {app: app-%d}}
  template:
    metadata: {labels: {app: app-%d, tier: t%d}}
    spec: {containers: [{name: c, image: "nginx:1.25", resources: {requests: {cpu: 10m, memory: 16Mi}}}]}
"""
SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: svc-%d}
spec: {selector: {tier: t%d}, ports: [{port: 80}]}
"""

_labels = st.dictionaries(st.sampled_from(["app", "tier", "x"]), st.sampled_from(["a", "b", "c"]), max_size=3)
_requirement = st.tuples(st.sampled_from(["app", "tier", "x"]), st.sampled_from(["=", "in", "notin", "exists", "!"]),
                         st.sampled_from(["a", "b", "c"]))


def _node(name: str) -> dict:
    return {"metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["default", "other"]), _labels, st.booleans()),
                max_size=30),
       st.lists(_requirement, max_size=3), st.sampled_from(["default", "other"]))
def test_counts_per_node_are_count_matching_for_every_node(pods: list, reqs: list, namespace: str) -> None:
    cache = Cache()
    for i in range(4):
        cache.add_node(_node(f"n{i}"))
    for i, (node, ns, labels, terminating) in enumerate(pods):
        md = {"name": f"p{i}", "namespace": ns, "uid": f"u{i}", "labels": labels}
        if terminating:
            md["deletionTimestamp"] = "2026-01-01T00:00:00Z"
        cache.add_pod(PodInfo({"metadata": md, "spec": {"nodeName": f"n{node}"}}), f"n{node}")
    text = ",".join(f"{k}={v}" if op == "=" else f"{k} {op} ({v})" if op in ("in", "notin")
                    else k if op == "exists" else f"!{k}" for k, op, v in reqs)
    selector = Selector.parse(text)
    got = pts.matching_by_node(cache, selector, namespace)
    want = {ni.name: n for ni in cache.node_list() if (n := pts.count_matching(ni, selector, namespace))}
    if any(op in ("=", "in") for _k, op, _v in reqs):
        assert got == want
    else:
        assert got is None  # no label pair to look up: counted node by node


def _rollout() -> Cluster:
    nodes = [NodeSpec(f"node-{i}", cpu="64", memory="256Gi", pods=250, zone=f"z{i % 3}") for i in range(1, 7)]
    c = Cluster(nodes=nodes, seed=1)
    c.apply("---".join([DEPLOYMENT % (i, 4, i, i, i % 3) for i in range(8)] + [SERVICE % (i, i) for i in range(2)]))
    c.settle()
    for i in range(8):
        c.api.patch("deployments", f"app-{i}", "default",
                    lambda d: d["spec"]["template"]["spec"]["containers"][0].__setitem__("image", "nginx:1.26"))
    c.settle()
    return c


def test_default_constraints_count_from_the_index_placements_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deployment pods (and Services) with zones: PodTopologySpread's system defaults never count a node's
    pods one by one, and every pod lands where it did when they did (digest taken before the index)."""
    calls = []
    real = pts.count_matching
    monkeypatch.setattr(pts, "count_matching", lambda *a: calls.append(a) or real(*a))
    c = _rollout()
    placements = sorted(f"{p['metadata']['name']}={p['spec'].get('nodeName', '')}" for p in c.api.list("pods"))
    assert len(placements) >= 32
    assert hashlib.sha256("\n".join(placements).encode()).hexdigest()[:16] == PLACEMENTS
    assert calls == []


PLACEMENTS = "0b3d5c0dcb163dc1"
