"""The scheduler's speed-ups keep results identical: tie picks, placements, bind copies, GC-friendly tables."""

from __future__ import annotations

import gc
import hashlib
import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kspec.api.server import APIServer
from kspec.clock import Clock
from kspec.events import EventRecorder
from kspec.objects import clone, set_condition
from kspec.scheduler.scheduler import nth_index
from kspec.store import MemoryStore

ROOT = Path(__file__).resolve().parents[2]


@given(st.lists(st.integers(0, 3), min_size=1, max_size=80), st.data())
def test_nth_index_is_the_nth_occurrence(values: list[int], data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(values))
    where = [i for i, v in enumerate(values) if v == value]
    nth = data.draw(st.integers(0, len(where) - 1))
    assert nth_index(values, value, nth, len(where)) == where[nth]


def test_placements_and_attempts_are_pinned() -> None:
    """The benchmark's mix on 60 nodes: these digests were taken before the speed-ups (select_host by
    counting, Filter bookkeeping in C, chunks sized by pass rate, copy-on-write bind) and must not move."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import scheduler_throughput as bench
    finally:
        sys.path.pop(0)
    from kspec.cluster import Cluster, NodeSpec
    from kspec.scheduler.scheduler import Scheduler

    nodes = [NodeSpec(f"node-{i}", cpu="4", memory="16Gi", pods=110, zone=bench.ZONES[i % 3]) for i in range(120)]
    cluster = Cluster(nodes=nodes, seed=3)
    cluster.clock.max_callbacks_per_instant = 0
    cluster.started = True
    scheduler = Scheduler(cluster)
    cluster.components["scheduler"] = scheduler
    scheduler.start()
    for i in range(1500):  # enough to fill some nodes: Insufficient cpu verdicts and unschedulable pods
        cluster.api.create(bench.pod(i))
    cluster.clock.run_now()
    assert hashlib.sha256(b"".join(
        f"{p['metadata']['name']}={p['spec'].get('nodeName', '')}\n".encode()
        for p in cluster.api.store.list("pods"))).hexdigest()[:16] == PLACEMENTS
    assert bench.attempts_digest(scheduler)[:16] == ATTEMPTS


PLACEMENTS = "8685345932dacb3e"
ATTEMPTS = "d67405728be46d09"


def _api() -> APIServer:
    api = APIServer(MemoryStore(), Clock(), random.Random(1))
    api.bootstrap()
    api.clock.run_now()
    return api


def test_bind_copies_only_what_it_writes() -> None:
    api = _api()
    api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default",
                                                               "labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    api.patch("pods", "web", "default", lambda p: set_condition(p, "PodScheduled", "False", 0, "Unschedulable"),
              status=True)
    before = api.store.get("pods", "default", "web")
    snapshot = clone(before)
    bound = api.bind("default", "web", "node-1")
    assert before == snapshot  # the previous version is untouched
    expected = clone(snapshot)  # what binding a deep copy gives
    expected["spec"]["nodeName"] = "node-1"
    set_condition(expected, "PodScheduled", "True", api.clock.now)
    expected["metadata"]["resourceVersion"] = bound["metadata"]["resourceVersion"]
    assert bound == expected
    assert list(bound) == list(expected) and list(bound["status"]) == list(expected["status"])
    for part in ("metadata", "spec", "status"):
        assert bound[part] is not before[part]
    assert bound["status"]["conditions"][0] is not before["status"]["conditions"][0]
    assert bound["spec"]["containers"] is before["spec"]["containers"]  # shared, never written


def test_event_tables_stay_untracked_by_the_garbage_collector() -> None:
    api = _api()
    events = EventRecorder(api)
    pod = api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"},
                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    events.event(pod, "Normal", "Scheduled", "assigned", component="default-scheduler")
    events.event(pod, "Normal", "Pulled", "pulled", component="kubelet", host="node-1")
    gc.collect()
    assert not gc.is_tracked(events._index) and not gc.is_tracked(events._expires)
    events.event(pod, "Normal", "Started", "started", component="kubelet", host="node-1")
    assert not gc.is_tracked(events._index) and not gc.is_tracked(events._expires)


def test_kept_attempts_hold_nothing_the_garbage_collector_walks() -> None:
    """A kept attempt's scores, totals and places are tuples or runs and its verdicts a PackedStatuses: the same
    reads and the same rendering as the lists and dict it was given."""
    from kspec.scheduler.explain import Attempt, Explainer, Same
    from kspec.scheduler.framework import Code, Status

    full, label = Status(Code.UNSCHEDULABLE, "Too many pods", plugin="NodeResourcesFit"), \
        Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) didn't match", plugin="NodeAffinity")

    def attempt() -> Attempt:
        a = Attempt("default/web", 1000, "default-scheduler", 5)
        a.statuses = {"n0": full, "n1": label, "n2": full}
        a.scores = {"NodeResourcesFit": [10, 20], "TaintToleration": Same(300, 2)}  # run_score's kinds
        a.totals = [310, 320]
        a.feasible_at = (["n0", "n1", "n2", "n3", "n4"], [3, 4])
        a.node = "n4"
        return a

    plain, kept = attempt(), attempt()
    explainer = Explainer()
    explainer.record(kept)
    assert kept is explainer.last("default", "web")
    gc.collect()  # the first collection to see a tuple of ints or strings stops tracking it

    def walked(obj: object) -> int:  # what each later collection visits inside obj
        return len(gc.get_referents(obj)) if gc.is_tracked(obj) else 0

    assert walked(plain.totals) == 2 and walked(plain.scores["NodeResourcesFit"]) == 2
    assert walked(kept.totals) == 0 and walked(kept.feasible_at[1]) == 0
    assert walked(kept.scores["NodeResourcesFit"]) == 0 and walked(kept.scores["TaintToleration"]) <= 3
    assert walked(kept.statuses._names) == 0  # type: ignore[attr-defined]
    assert kept.scores["TaintToleration"] == [300, 300] and kept.scores["TaintToleration"][-1] == 300
    assert dict(kept.statuses) == plain.statuses and kept.statuses == plain.statuses
    assert list(kept.statuses) == ["n0", "n1", "n2"] and kept.statuses["n1"] is label
    assert kept.statuses.get("n3") is None and "n2" in kept.statuses
    assert {p: list(v) for p, v in kept.scores.items()} == plain.scores and list(kept.totals) == plain.totals
    assert kept.feasible == plain.feasible == ["n3", "n4"]
    assert explainer.render(kept) == Explainer().render(plain)


def test_a_plain_pods_info_adds_no_containers_for_the_garbage_collector() -> None:
    """Empty term, port, toleration and constraint lists are the shared empty tuple, and the images a tuple
    of strings: with 150,000 pods, eight empty lists each were 1.2 million objects every full collection
    visited."""
    from kspec.scheduler.nodeinfo import PodInfo

    pod = {"metadata": {"name": "web", "namespace": "default", "uid": "u1", "labels": {"app": "web"}},
           "spec": {"containers": [{"name": "c", "image": "nginx",
                                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}
    pi = PodInfo(pod)
    gc.collect()
    own = [getattr(pi, slot) for slot in PodInfo.__slots__
           if getattr(pi, slot) is not pod and getattr(pi, slot) is not pod["metadata"]["labels"]]
    assert [v for v in own if gc.is_tracked(v)] == []
    assert pi.images == ("nginx",) and pi.required_anti_affinity == () and pi.host_ports == ()


def test_uniform_scores_are_what_scoring_every_node_gives() -> None:
    """TaintToleration and ImageLocality skip the per-node lists only when each node would score the same."""
    from kspec import Cluster
    from kspec.cluster import NodeSpec
    from kspec.scheduler.framework import CycleState
    from kspec.scheduler.nodeinfo import PodInfo

    for prefer in (False, True):
        taints = [{"key": "k", "effect": "PreferNoSchedule"}] if prefer else None
        cluster = Cluster(nodes=[NodeSpec("n0"), NodeSpec("n1", taints=taints)])
        cluster.start()
        fw = cluster.components["scheduler"].frameworks["default-scheduler"]
        pi = PodInfo({"metadata": {"name": "p", "namespace": "default", "uid": "p"},
                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
        nodes = fw.cache.node_list()
        for name in ("TaintToleration", "ImageLocality"):
            plugin, state = fw.plugin(name), CycleState()
            plugin.pre_score(state, pi, nodes) if hasattr(plugin, "pre_score") else None
            scores = plugin.score_nodes(state, pi, nodes)
            if hasattr(plugin, "normalize_score"):
                plugin.normalize_score(state, pi, scores, nodes)
            uniform = plugin.uniform_score(state, pi, nodes)
            if name == "TaintToleration" and prefer:
                assert uniform is None and scores == [100, 0]
            else:
                assert uniform is not None and scores == [uniform] * len(nodes)


def test_nodes_by_label_follow_node_changes_and_give_filters_verdicts() -> None:
    """Cache.nodes_labelled indexes nodes by label value (dropped when a node object changes);
    InterPodAffinity's batch Filter looks the few rejected nodes up there: the same verdicts as Filter."""
    from kspec import Cluster
    from kspec.cluster import NodeSpec
    from kspec.objects import clone
    from kspec.scheduler.framework import CycleState
    from kspec.scheduler.nodeinfo import PodInfo

    cluster = Cluster(nodes=[NodeSpec(f"n{i}", zone="ab"[i % 2]) for i in range(6)])
    cluster.start()
    for i, node in ((0, "n1"), (1, "n4")):
        cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": f"old-{i}", "namespace": "default", "labels": {"app": "db"}}, "spec": {
            "nodeName": node, "containers": [{"name": "c", "image": "x"}], "affinity": {"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {
                    "app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}}})
    cluster.clock.run_now()
    scheduler = cluster.components["scheduler"]
    cache, fw = scheduler.cache, scheduler.frameworks["default-scheduler"]
    order = cache.node_list()
    assert [order[p].name for p in cache.nodes_labelled("topology.kubernetes.io/zone", "a")] == ["n0", "n2", "n4"]
    pi = PodInfo({"metadata": {"name": "p", "namespace": "default", "uid": "p", "labels": {"app": "web"}},
                  "spec": {"containers": [{"name": "c", "image": "x"}]}})
    plugin, state = fw.plugin("InterPodAffinity"), CycleState()
    plugin.pre_filter(state, pi)
    nodes = [order[p] for p in (5, 4, 1, 0)]
    state.batch_from_cache, state.node_positions = True, [5, 4, 1, 0]
    expected = [plugin.filter(state, pi, ni) for ni in nodes]
    assert [s is not None for s in expected] == [n.name in ("n1", "n4") for n in nodes]
    assert plugin.filter_nodes(state, pi, nodes) == expected
    node = clone(cluster.api.store.get("nodes", "", "n4"))
    node["metadata"]["labels"]["topology.kubernetes.io/zone"] = "b"
    cache.add_node(node)
    assert [order[p].name for p in cache.nodes_labelled("topology.kubernetes.io/zone", "a")] == ["n0", "n2"]
