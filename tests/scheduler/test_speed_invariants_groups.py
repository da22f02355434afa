"""Speed-ups for large replica groups and kept attempts give the answers the plain code gives."""

from __future__ import annotations

import gc

from hypothesis import given
from hypothesis import strategies as st

from kspec.labels import Selector
from kspec.scheduler.nodeinfo import AffinityTerm, PodInfo

_KEYS = st.sampled_from(["app", "tier", "anti"])
_VALUES = st.sampled_from(["a", "b", "c"])


def _pod(labels: dict[str, str], namespace: str = "default") -> PodInfo:
    return PodInfo({"metadata": {"name": "p", "namespace": namespace, "uid": "p", "labels": labels},
                    "spec": {"containers": [{"name": "c", "image": "x"}]}})


@given(st.dictionaries(_KEYS, _VALUES, max_size=3), st.dictionaries(_KEYS, _VALUES, max_size=3),
       st.sampled_from(["In", "NotIn", "Exists"]), st.sampled_from(["default", "other"]))
def test_affinity_terms_of_one_label_pair_match_as_their_selector(
        match_labels: dict[str, str], labels: dict[str, str], operator: str, namespace: str) -> None:
    """A term whose selector is one label pair matches by one lookup; any other selector as before."""
    for selector in ({"matchLabels": match_labels},
                     {"matchExpressions": [{"key": "app", "operator": operator,
                                            **({"values": ["a"]} if operator != "Exists" else {})}]}):
        term = AffinityTerm({"labelSelector": selector, "topologyKey": "kubernetes.io/hostname"}, "default")
        pod = _pod(labels, namespace)
        want = namespace == "default" and Selector.from_label_selector(selector).matches(labels)
        assert term.matches(pod, lambda ns: {}) == want
        one_pair = len(match_labels) == 1 if "matchLabels" in selector else operator == "In"
        assert (term.pair is not None) == one_pair


def test_a_large_anti_affinity_group_is_looked_up_by_place_with_filters_verdicts() -> None:
    """More rejected nodes than the few a list batch looks up (a replica group of hundreds): a batch of
    consecutive places still finds them through the label index, with the verdicts Filter gives."""
    from kspec import Cluster
    from kspec.cluster import NodeSpec
    from kspec.scheduler.framework import CycleState
    from kspec.scheduler.plugins import interpodaffinity

    n = 4 * interpodaffinity._FEW
    cluster = Cluster(nodes=[NodeSpec(f"n{i}") for i in range(n)])
    cluster.start()
    for i in range(0, n, 3):  # a replica on every third node
        cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": f"old-{i}", "namespace": "default", "labels": {"anti": "g"}}, "spec": {
            "nodeName": f"n{i}", "containers": [{"name": "c", "image": "x"}], "affinity": {"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {
                    "anti": "g"}}, "topologyKey": "kubernetes.io/hostname"}]}}}})
    cluster.clock.run_now()
    scheduler = cluster.components["scheduler"]
    cache, fw = scheduler.cache, scheduler.frameworks["default-scheduler"]
    order = cache.node_list()
    pi = PodInfo({"metadata": {"name": "p", "namespace": "default", "uid": "p", "labels": {"anti": "g"}},
                  "spec": {"containers": [{"name": "c", "image": "x"}], "affinity": {"podAntiAffinity": {
                      "requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {
                          "anti": "g"}}, "topologyKey": "kubernetes.io/hostname"}]}}}})
    plugin, state = fw.plugin("InterPodAffinity"), CycleState()
    plugin.pre_filter(state, pi)
    places = range(5, n - 3)
    nodes = [order[p] for p in places]
    state.batch_from_cache, state.node_positions = True, places
    expected = [plugin.filter(state, pi, ni) for ni in nodes]
    assert sum(s is not None for s in expected) > interpodaffinity._FEW
    checks = [(key, values, verdict) for key, values, verdict in _checks(plugin, state, pi)]
    assert plugin._few_rejected(checks, places) == expected  # found by place, not left to the per-node pass
    assert plugin.filter_nodes(state, pi, nodes) == expected
    assert plugin._few_rejected(checks, list(places)) is None  # a list batch: too many to look up one by one


def _checks(plugin, state, pi):  # type: ignore[no-untyped-def]
    """The (topology key, rejecting values, verdict) checks filter_nodes builds for a pod without affinity."""
    from kspec.scheduler.plugins import interpodaffinity

    s = state.read(interpodaffinity._STATE)
    out = []
    for t in pi.required_anti_affinity:
        values = {v for (k, v), c in s.anti.items() if k == t.topology_key and c > 0}
        if values:
            out.append((t.topology_key, values, interpodaffinity._REJECT_ANTI))
    existing: dict[str, set[str]] = {}
    for (k, v), c in s.existing.items():
        if c > 0:
            existing.setdefault(k, set()).add(v)
    out += [(k, values, interpodaffinity._REJECT_EXISTING) for k, values in existing.items()]
    return out


def test_a_kept_attempts_scores_are_one_object_for_the_collector() -> None:
    """The scores of a kept attempt are one PackedScores (no dict, no Same per plugin for the collector to
    walk), read as before; an attempt without feasible nodes keeps the shared empty tuple."""
    from kspec.scheduler.explain import Attempt, Explainer, PackedScores, Same

    a = Attempt("default/web", 1000, "default-scheduler", 3)
    a.scores = {"NodeResourcesFit": [10, 20], "TaintToleration": Same(300, 2), "ImageLocality": Same(0, 2)}
    a.totals = [310, 320]
    a.feasible_at = (["n0", "n1", "n2"], range(1, 3))
    a.node = "n2"
    plain = {p: list(v) for p, v in a.scores.items()}
    Explainer().record(a)
    gc.collect()
    gc.collect()  # one pass stops tracking the tuples of ints, the next the tuple holding them
    assert type(a.scores) is PackedScores
    assert [o for o in gc.get_referents(a.scores) if gc.is_tracked(o) and not isinstance(o, type)] == []
    assert {p: list(v) for p, v in a.scores.items()} == plain and list(a.scores) == list(plain)
    assert a.scores["TaintToleration"] == Same(300, 2) and a.scores["NodeResourcesFit"][1] == 20
    assert "Missing" not in a.scores and len(a.scores) == 3
    assert a.feasible == ["n1", "n2"] and a.feasible_nodes == ()
    failed = Attempt("default/db", 1000, "default-scheduler", 3)
    Explainer().record(failed)
    assert failed.feasible_nodes == () and failed.scores == {}


def test_consecutive_filter_batches_are_given_their_places_as_ranges() -> None:
    from kspec.scheduler.scheduler import _Rotated

    order = _Rotated(list(range(10)), 7)  # type: ignore[arg-type]
    assert order.positions(0, 3) == range(7, 10) and order.positions(4, 6) == range(1, 3)
    assert order.positions(2, 5) == [9, 0, 1]


@given(st.lists(st.one_of(st.integers(-300, 300), st.floats(-1, 101, allow_nan=False), st.booleans()),
                max_size=40))
def test_the_score_range_check_over_bytes_agrees_with_min_and_max(scores: list) -> None:  # type: ignore[type-arg]
    """_in_range says yes only when min() and max() would have found every score in range; whatever it
    refuses (floats, out of range) is checked by min() and max() as before."""
    from kspec.scheduler.runtime import _in_range

    packed = _in_range(scores)
    if packed is not None:
        assert all(0 <= s <= 100 for s in scores) and list(packed) == scores
    if all(type(s) is int for s in scores):
        assert (packed is not None) == all(0 <= s <= 100 for s in scores)


def test_byte_scores_read_as_the_weighted_list() -> None:
    from kspec.scheduler.explain import ByteScores, PackedScores, Same

    weighted = ByteScores(bytes([0, 7, 100]), 3)
    assert weighted == [0, 21, 300] and list(weighted) == [0, 21, 300] and weighted[-1] == 300
    assert weighted[1:] == [21, 300] and len(weighted) == 3
    kept = PackedScores.of({"NodeResourcesFit": ByteScores(bytes([5, 9]), 1), "TaintToleration": Same(300, 2),
                            "ImageLocality": weighted})
    assert kept["NodeResourcesFit"] == (5, 9) and kept["ImageLocality"] == (0, 21, 300)
    assert kept["TaintToleration"] == Same(300, 2) and list(kept) == ["NodeResourcesFit", "TaintToleration",
                                                                       "ImageLocality"]
    assert [type(x) for x in kept._flat[2::4]] == [bytes, int, bytes]


def test_a_kept_attempt_holds_varying_scores_as_bytes_and_no_totals() -> None:
    """The scheduler keeps each varying plugin's scores as the bytes its range check made, and no totals: they
    are the sum of the kept scores, read as run_score gave them."""
    from kspec import Cluster
    from kspec.cluster import NodeSpec

    cluster = Cluster(nodes=[NodeSpec(f"n{i}", cpu=str(2 + i), memory=f"{4 + 2 * i}Gi") for i in range(4)])
    cluster.start()
    scheduler = cluster.components["scheduler"]
    seen = []
    run_score_parts = scheduler.frameworks["default-scheduler"].run_score_parts

    def spy(*args):  # type: ignore[no-untyped-def]
        totals, offset, per_plugin = run_score_parts(*args)
        seen.append(([t + offset for t in totals], {p: list(v) for p, v in per_plugin.items()}))
        return totals, offset, per_plugin
    scheduler.frameworks["default-scheduler"].run_score_parts = spy
    cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"},
                        "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {
                            "cpu": "500m", "memory": "1Gi"}}}]}})
    cluster.clock.run_now()
    attempt = scheduler.explainer.last("default", "web")
    assert attempt is not None and attempt.node and len(seen) == 1
    totals, scores = seen[0]
    assert attempt.base_totals is None and len(set(totals)) > 1
    assert bytes in {type(x) for x in attempt.scores._flat}  # type: ignore[attr-defined]
    assert list(attempt.totals) == totals and {p: list(v) for p, v in attempt.scores.items()} == scores


def test_totals_without_the_shared_offset_rank_alike_and_are_kept_with_it() -> None:
    """run_score_parts gives the totals less the offset uniform plugins add to every node (ranked alike by
    select_host); the kept attempt holds them so and reads the totals run_score gives."""
    from kspec import Cluster
    from kspec.cluster import NodeSpec
    from kspec.scheduler.explain import Attempt, Explainer
    from kspec.scheduler.framework import CycleState

    cluster = Cluster(nodes=[NodeSpec(f"n{i}", cpu=str(2 + i)) for i in range(4)])
    cluster.start()
    scheduler = cluster.components["scheduler"]
    fw = scheduler.frameworks["default-scheduler"]
    pi = _pod({"app": "web"})
    pi.cpu, pi.mem = 500, 1 << 28
    nodes = scheduler.cache.node_list()
    state = CycleState()
    fw.run_pre_score(state, pi, nodes)
    totals, per_plugin = fw.run_score(state, pi, nodes)
    base, offset, _ = fw.run_score_parts(state, pi, nodes)
    assert offset > 0 and [t + offset for t in base] == totals
    assert len(set(totals)) > 1
    a = Attempt("default/web", 0, "default-scheduler", 4)
    a.base_totals, a.totals_offset, a.node = base, offset, "n3"
    Explainer().record(a)
    assert list(a.totals) == totals and a.totals == totals and a.totals[-1] == totals[-1]
    assert len(a.totals) == 4 and a.totals[1:3] == totals[1:3]
    assert all(type(t) is int and -5 <= t <= 256 for t in a.base_totals)  # small ints: no objects of their own
    a.totals = [1, 2, 3, 4]  # setting the totals sets them whole
    assert a.totals_offset == 0 and a.totals == [1, 2, 3, 4]


_QUANTITIES = st.sampled_from(["100m", "1", "250m", "64Mi", "1Gi", "0"])
_REQUESTS = st.dictionaries(st.sampled_from(["cpu", "memory", "ephemeral-storage", "example.com/gpu"]),
                            _QUANTITIES, max_size=3)


@given(st.lists(_REQUESTS, min_size=0, max_size=2), st.lists(_REQUESTS, max_size=1),
       st.one_of(st.none(), _REQUESTS))
def test_both_request_sums_of_a_pod_read_once_are_the_two_sums(containers: list, init: list,  # type: ignore[type-arg]
                                                              overhead: dict | None) -> None:  # type: ignore[type-arg]
    from kspec.scheduler.resources import pod_requests, pod_requests_both

    spec: dict = {"containers": [{"name": f"c{i}", "resources": {"requests": r}} for i, r in enumerate(containers)]}  # type: ignore[type-arg]
    if init:
        spec["initContainers"] = [{"name": "i", "resources": {"requests": init[0]}}]
    if overhead is not None:
        spec["overhead"] = overhead
    req, nz = pod_requests_both(spec)
    assert (req, nz) == (pod_requests(spec), pod_requests(spec, non_zero=True))
    assert list(req) == list(pod_requests(spec)) and list(nz) == list(pod_requests(spec, non_zero=True))


def test_score_tables_mark_gaps_with_an_int_and_a_result_equal_to_it_is_still_right() -> None:
    """Gaps are MISSING (an int, found fast among ints); a result equal to it is computed again, never wrong."""
    from kspec import Cluster
    from kspec.cluster import NodeSpec
    from kspec.scheduler.cache import MISSING

    cluster = Cluster(nodes=[NodeSpec(f"n{i}") for i in range(5)])
    cluster.start()
    cache = cluster.components["scheduler"].cache
    order = cache.node_list()
    calls: list[str] = []

    def fill(ni):  # type: ignore[no-untyped-def]
        calls.append(ni.name)
        return MISSING if ni.name == "n1" else len(ni.name) + ni.pos

    want = [MISSING if ni.name == "n1" else 2 + ni.pos for ni in order]
    for _ in range(2):
        assert cache.window_results("k", 3, 5, fill) == want[3:] + want[:3]
        assert cache.results("k", order, fill) == want
    assert calls.count("n0") == 1 and calls.count("n1") == 4  # kept, and computed again each time
    assert MISSING in cache._tables["k"] and None not in cache._tables["k"]


def test_pod_start_times_are_parsed_once_per_text() -> None:
    from kspec.scheduler import nodeinfo

    nodeinfo._STARTS.clear()
    first = _pod({"app": "a"})
    a = PodInfo({**first.pod, "metadata": {**first.pod["metadata"], "creationTimestamp": "1970-01-01T00:00:01.5Z"}})
    b = PodInfo({**first.pod, "metadata": {**first.pod["metadata"], "creationTimestamp": "1970-01-01T00:00:01.5Z"}})
    assert a.start_ms == b.start_ms == nodeinfo._start_ms("1970-01-01T00:00:01.5Z")
    assert list(nodeinfo._STARTS) == ["1970-01-01T00:00:01.5Z"]


def test_anti_affinity_checks_are_built_once_per_attempt_and_again_after_a_nominated_pod() -> None:
    from kspec import Cluster
    from kspec.cluster import NodeSpec
    from kspec.scheduler.framework import CycleState

    cluster = Cluster(nodes=[NodeSpec(f"n{i}") for i in range(4)])
    cluster.start()
    fw = cluster.components["scheduler"].frameworks["default-scheduler"]
    order = fw.cache.node_list()
    anti = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"anti": "g"}}, "topologyKey": "kubernetes.io/hostname"}]}}
    pi = PodInfo({"metadata": {"name": "p", "namespace": "default", "uid": "p", "labels": {"anti": "g"}},
                  "spec": {"containers": [{"name": "c", "image": "x"}], "affinity": anti}})
    other = PodInfo({"metadata": {"name": "o", "namespace": "default", "uid": "o", "labels": {"anti": "g"}},
                     "spec": {"containers": [{"name": "c", "image": "x"}], "affinity": anti}})
    plugin, state = fw.plugin("InterPodAffinity"), CycleState()
    plugin.pre_filter(state, pi)
    assert plugin.filter_nodes(state, pi, order) == [None] * 4
    copy = state.clone()
    ni = order[2].clone()
    assert plugin.filter_nodes(copy, pi, [order[0], ni]) == [None, None]  # checks built, then a pod is added
    plugin.add_pod(copy, pi, other, ni)
    verdicts = plugin.filter_nodes(copy, pi, [order[0], ni])
    assert verdicts[0] is None and verdicts[1] is not None and verdicts[1] == plugin.filter(copy, pi, ni)
    assert plugin.filter_nodes(state, pi, order) == [None] * 4  # the original attempt's checks are its own


@given(st.lists(st.integers(0, 200), min_size=1, max_size=60), st.integers(0, 2**32))
def test_select_host_reads_bytes_totals_as_the_list(totals: list[int], seed: int) -> None:
    """Totals given as bytes (two scores of 0..100 summed) pick the node the list of the same ints picks, with
    the same draw for a tie."""
    import random
    from types import SimpleNamespace

    from kspec.scheduler.scheduler import Scheduler, _top_byte

    nodes = [SimpleNamespace(name=f"n{i}") for i in range(len(totals))]
    picks = []
    for given_totals in (totals, bytes(totals)):
        host = SimpleNamespace(cluster=SimpleNamespace(rng=random.Random(seed)))
        picks.append(Scheduler.select_host(host, nodes, given_totals))  # type: ignore[arg-type]
    assert picks[0] == picks[1]
    assert _top_byte(bytes(totals)) == max(totals)


def test_two_varying_scores_of_weight_one_total_as_bytes() -> None:
    """run_score_parts sums two plugins' scores of 0..100 as bytes: the same totals as adding the lists."""
    from kspec import Cluster
    from kspec.cluster import NodeSpec
    from kspec.scheduler.framework import CycleState

    cluster = Cluster(nodes=[NodeSpec(f"n{i}", cpu=str(2 + i), memory=f"{4 + 3 * i}Gi") for i in range(5)])
    cluster.start()
    fw = cluster.components["scheduler"].frameworks["default-scheduler"]
    nodes = cluster.components["scheduler"].cache.node_list()
    pi = PodInfo({"metadata": {"name": "p", "namespace": "default", "uid": "p"}, "spec": {"containers": [
        {"name": "c", "image": "x", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]}})
    state = CycleState()
    fw.run_pre_score(state, pi, nodes)
    totals, offset, per_plugin = fw.run_score_parts(state, pi, nodes)
    varying = [list(v) for v in per_plugin.values() if len(set(v)) > 1]
    assert len(varying) == 2 and type(totals) is bytes
    assert list(totals) == [a + b for a, b in zip(*varying, strict=True)]


@given(st.integers(0, 11), st.integers(1, 12), st.lists(st.integers(0, 11), max_size=6),
       st.lists(st.integers(0, 11), min_size=1, max_size=12, unique=True))
def test_score_tables_of_bytes_give_what_the_list_tables_give(start: int, count: int, changed: list[int],
                                                               places: list[int]) -> None:
    """window_scores and scores_at (bytearrays, gaps found by memchr) answer what window_results and results
    (lists) answer, wrapping round the node list, after nodes change."""
    from kspec.scheduler.cache import Cache

    cache = Cache()
    for i in range(12):
        cache.add_node({"metadata": {"name": f"n{i}", "labels": {}}, "status": {"allocatable": {
            "cpu": "4", "memory": "8Gi", "pods": "110"}}})
    order = cache.node_list()
    version = {ni.name: 0 for ni in order}

    def fill(ni) -> int:  # type: ignore[no-untyped-def]
        return (int(ni.name[1:]) * 7 + version[ni.name]) % 101
    count = min(count, len(order))
    for _ in range(2):
        assert list(cache.window_scores("k", start, count, fill)) == cache.window_results("k", start, count, fill)
        nodes = [order[p] for p in places]
        assert list(cache.scores_at("k", nodes, fill, places)) == cache.results("k", nodes, fill, places)
        assert list(cache.scores_at("k", nodes, fill)) == cache.results("k", nodes, fill)
        for p in changed:
            version[order[p].name] += 1
            cache.node_changed(order[p])
    assert type(cache.window_scores("k", start, count, fill)) is bytearray


def test_a_pod_nothing_selects_gets_the_shared_empty_default_selector() -> None:
    from kspec import Cluster
    from kspec.cluster import NodeSpec
    from kspec.labels import Selector
    from kspec.scheduler.plugins.podtopologyspread import _EVERYTHING

    cluster = Cluster(nodes=[NodeSpec("n0")])
    cluster.start()
    plugin = cluster.components["scheduler"].frameworks["default-scheduler"].plugin("PodTopologySpread")
    bare = _pod({"app": "web"})
    assert plugin._default_selector(bare) is _EVERYTHING and _EVERYTHING == Selector.from_set({})
    cluster.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    selected = plugin._default_selector(bare)
    assert selected == Selector.from_set({"app": "web"}) and plugin._default_selector(_pod({"app": "db"})) is \
        _EVERYTHING


def test_balanced_allocation_knows_best_effort_without_a_generator() -> None:
    from kspec.scheduler.plugins.noderesourcesbalancedallocation import NodeResourcesBalancedAllocation

    default = NodeResourcesBalancedAllocation(None, None)
    custom = NodeResourcesBalancedAllocation({"resources": [{"name": "cpu"}, {"name": "example.com/gpu"}]}, None)
    assert default._cpu_and_memory and not custom._cpu_and_memory
    for cpu, mem in ((0, 0), (100, 0), (0, 1 << 20), (100, 1 << 20)):
        pi = _pod({})
        pi.cpu, pi.mem = cpu, mem
        assert default._best_effort(pi) == (not any(default._pod_request(pi, r) for r in default.resources))
        assert custom._best_effort(pi) == (cpu == 0 and not pi.scalars.get("example.com/gpu"))
