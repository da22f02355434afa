"""The chunked Filter pass gives exactly the verdicts of the node-by-node pass it speeds up."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kspec import Cluster
from kspec.cluster import NodeSpec
from kspec.scheduler.framework import CycleState, Diagnosis
from kspec.scheduler.nodeinfo import PodInfo

node_specs = st.lists(st.tuples(st.sampled_from(["1", "2", "4"]), st.booleans(), st.booleans(),
                                st.sampled_from(["a", "b"])), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None)
@given(node_specs, st.sampled_from(["500m", "1500m", "3"]), st.booleans(), st.integers(1, 12))
def test_same_verdicts(nodes: list[tuple[str, bool, bool, str]], cpu: str, selector: bool, to_find: int) -> None:
    specs = [NodeSpec(f"n{i}", cpu=c, unschedulable=u, zone=z,
                      taints=[{"key": "k", "effect": "NoSchedule"}] if t else None)
             for i, (c, u, t, z) in enumerate(nodes)]
    cluster = Cluster(nodes=specs)
    cluster.start()
    scheduler = cluster.components["scheduler"]
    fw = scheduler.frameworks["default-scheduler"]
    spec: dict = {"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": cpu}}}]}
    if selector:
        spec["nodeSelector"] = {"topology.kubernetes.io/zone": "a"}
    pi = PodInfo({"metadata": {"name": "p", "namespace": "default", "uid": "p"}, "spec": spec})
    order = scheduler.cache.node_list()
    results = []
    for run in (scheduler._pass_filters_batched, scheduler._pass_filters_one_by_one):
        state = CycleState()
        fw.run_pre_filter(state, pi)
        diagnosis = Diagnosis()
        args = (fw, state, pi, order, to_find, diagnosis)
        feasible, processed = run(*args) if run == scheduler._pass_filters_batched else run(
            *args, fw.active_filters(state))
        results.append(([n.name for n in feasible], processed,
                         {k: (v.plugin, v.reasons) for k, v in diagnosis.node_statuses.items()}))
    assert results[0] == results[1]


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2), st.integers(1, 120), st.integers(0, 149))
def test_a_zone_selector_over_several_chunks(zone: int, to_find: int, start: int) -> None:
    """A pod most nodes reject by node affinity (NodeAffinity's filter_mask: a pass or not per node and one
    Status) needs several chunks, starting anywhere in the node list: the same feasible nodes, count and
    verdicts as node by node, and every rejection is that one Status."""
    from kspec.scheduler.plugins.nodeaffinity import _REJECT
    from kspec.scheduler.scheduler import _Rotated

    cluster = Cluster(nodes=[NodeSpec(f"n{i}", zone="abc"[i % 3]) for i in range(150)])
    cluster.start()
    scheduler = cluster.components["scheduler"]
    fw = scheduler.frameworks["default-scheduler"]
    spec: dict = {"containers": [{"name": "c", "image": "x"}],
                  "nodeSelector": {"topology.kubernetes.io/zone": "abc"[zone]}}
    pi = PodInfo({"metadata": {"name": "p", "namespace": "default", "uid": "p"}, "spec": spec})
    order = scheduler.cache.node_list()
    results = []
    for batched in (True, False):
        state = CycleState()
        fw.run_pre_filter(state, pi)
        diagnosis = Diagnosis()
        if batched:
            feasible, processed = scheduler._pass_filters_batched(fw, state, pi, _Rotated(order, start), to_find,
                                                                  diagnosis)
        else:
            feasible, processed = scheduler._pass_filters_one_by_one(
                fw, state, pi, order[start:] + order[:start], to_find, diagnosis, fw.active_filters(state))
        results.append(([n.name for n in feasible], processed,
                         {k: (v.plugin, v.reasons) for k, v in diagnosis.node_statuses.items()},
                         list(diagnosis.node_statuses)))
        assert all(v is _REJECT for v in diagnosis.node_statuses.values())
    assert results[0] == results[1]


def test_node_affinity_answers_a_batch_as_a_mask_with_its_filter_verdicts() -> None:
    from kspec.scheduler.plugins.nodeaffinity import _REJECT

    cluster = Cluster(nodes=[NodeSpec(f"n{i}", zone="ab"[i % 2]) for i in range(6)])
    cluster.start()
    fw = cluster.components["scheduler"].frameworks["default-scheduler"]
    plugin = fw.plugin("NodeAffinity")
    pi = PodInfo({"metadata": {"name": "p", "namespace": "default", "uid": "p"}, "spec": {
        "containers": [{"name": "c", "image": "x"}], "nodeSelector": {"topology.kubernetes.io/zone": "b"}}})
    nodes = cluster.components["scheduler"].cache.node_list()
    state = CycleState()
    assert plugin.filter_mask(state, pi, nodes) is None  # only for the cache's own batches
    state.batch_from_cache = True
    ok, status = plugin.filter_mask(state, pi, nodes)
    assert status is _REJECT
    assert [None if passes else status for passes in ok] == [plugin.filter(state, pi, ni) for ni in nodes]
    assert ok.count(True) == 3
