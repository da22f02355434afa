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
