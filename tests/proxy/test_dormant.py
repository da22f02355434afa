"""Dormant proxiers (kspec/proxy/kubeproxy.py): a run is the one eager proxiers give, whatever wakes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kspec.cluster import Cluster, NodeSpec
from kspec.proxy import iptables, kubeproxy

SERVICES = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: np}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{port: 81, targetPort: 8080, nodePort: 30080}]
"""
PODS = "".join(f"""---
apiVersion: v1
kind: Pod
metadata: {{name: web-{i}, labels: {{app: web}}}}
spec:
  containers: [{{name: app, image: nginx, ports: [{{containerPort: 8080}}]}}]
""" for i in range(3)) + """---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: app, image: curl}]
"""


def _try(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the same error either way is part of the run
        return f"{type(e).__name__}: {e}"


def _observe(c: Cluster) -> dict[str, Any]:
    """What a run shows (before anything reads the proxiers): events, clock, writes, what is scheduled."""
    clock = c.clock
    return {"events": [str(e) for e in c.event_log], "callbacks": clock.callbacks_run, "now": clock.now,
            "writes": c.api.writes, "recent": [t.label for t in clock._recent],
            "heap": sorted((w, s, t.label) for w, s, t in clock._heap if not t.cancelled)}


def _proxiers(c: Cluster) -> dict[str, Any]:
    """Every proxier's state (this wakes dormant ones): maps, rate limit, health server, rules."""
    proxy = c.components["proxy"]
    out = {}
    for name, p in sorted(proxy.proxiers.items()):
        timer = p.runner._timer
        out[name] = (p.runner.last_run, None if timer is None or timer.cancelled else (timer.when, timer.seq),
                     dict(p.svc_port_map), dict(p.endpoints_map), sorted(p.endpoints_changes._slices.items()),
                     p.node_ips, p.zone, p.need_full_sync, dict(p.health_server.services), p._deferred,
                     p.last_cleanup_ms, p.large_cluster_mode, p.rules())
    return out


def _both(monkeypatch: pytest.MonkeyPatch, script: Callable[[Cluster, list[Any]], None]) -> None:
    runs = []
    for dormant in (False, True):
        monkeypatch.setattr(kubeproxy, "DORMANT", dormant)
        c = Cluster(nodes=3, seed=5)
        c.start()
        seen: list[Any] = []
        script(c, seen)
        seen.append(_observe(c))
        seen.append(_proxiers(c))
        seen.append(_observe(c))
        runs.append(seen)
    assert runs[1] == runs[0]


def _services_and_connections(c: Cluster, seen: list[Any]) -> None:
    c.run_for(2_000)
    seen.append(_observe(c))
    c.apply(PODS)
    c.run_for(3_000)
    c.apply(SERVICES)
    c.run_for(300)  # a sync due within minSyncPeriod
    seen.append(_observe(c))
    c.settle()
    proxy = c.components["proxy"]
    for host, port in (("web", 80), ("np", 81), ("node-2", 30080), ("web.default.svc.cluster.local", 80)):
        seen.append(_try(lambda h=host, p=port: c.connection("client", h, p)))
    seen.append(_try(lambda: proxy.connection_from_outside("203.0.113.10", "node-1", 30080)))
    seen.append(proxy.health_check("node-1", "default", "np"))
    c.delete("pod", "web-1")
    c.run_for(500)
    seen.append(_try(lambda: c.connection("client", "web", 80)))
    c.delete("svc", "np")
    c.run_for(1_500)
    seen.append(_observe(c))


def test_services_node_ports_and_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    _both(monkeypatch, _services_and_connections)


def _nothing_reads(c: Cluster, seen: list[Any]) -> None:
    c.apply(PODS)
    c.run_for(30_000)
    c.settle()


def test_a_run_that_never_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    _both(monkeypatch, _nothing_reads)


def _read_first(c: Cluster, seen: list[Any]) -> None:
    c.apply(PODS)
    c.run_for(5_000)
    pod = c.get("pod", "web-0")
    seen.append(_try(lambda: c.connection("client", pod["status"]["podIP"], 8080)))  # wakes them: no Service
    seen.append(_try(lambda: c.connection("client", "kubernetes", 443)))
    c.apply(SERVICES)
    c.run_for(700)
    seen.append(_try(lambda: c.connection("client", "web", 80)))  # the old rules: the sync is not due yet
    c.run_for(700)
    seen.append(_try(lambda: c.connection("client", "web", 80)))


def test_a_connection_wakes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    _both(monkeypatch, _read_first)


def _rules_first(c: Cluster, seen: list[Any]) -> None:
    c.run_for(1_200)
    seen.append(c.components["proxy"].rules_of("node-2"))
    seen.append(c.components["proxy"].health_check("node-1", "default", "kubernetes"))
    c.apply(SERVICES)
    c.settle()


def test_a_rules_dump_wakes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    _both(monkeypatch, _rules_first)


def _nodes_change(c: Cluster, seen: list[Any]) -> None:
    c.run_for(4_000)
    c.delete("node", "node-3", "")  # dormant: its proxier is dropped
    c.run_for(2_000)
    c.label_node("node-1", "team=a")  # neither addresses nor zone: stays dormant
    c.run_for(1_000)
    c.label_node("node-2", "topology.kubernetes.io/zone=z1")  # the zone: wakes them
    c.run_for(300)
    seen.append(_observe(c))
    c.add_node(NodeSpec("node-4"))
    c.apply(SERVICES)
    c.settle()


def test_nodes_that_change_come_and_go(monkeypatch: pytest.MonkeyPatch) -> None:
    _both(monkeypatch, _nodes_change)


def _added_node(c: Cluster, seen: list[Any]) -> None:
    c.run_for(2_500)
    c.add_node(NodeSpec("node-4", zone="z2"))  # a new node while dormant wakes them
    c.run_for(500)
    c.apply(SERVICES)
    c.run_for(800)
    seen.append(_observe(c))


def test_a_new_node_wakes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    _both(monkeypatch, _added_node)


def _quiet_patches(c: Cluster, slices: bool = True) -> None:
    """Service and EndpointSlice updates that change no port and no endpoint: kept, then folded."""
    for i in range(2 * kubeproxy._MAX_LOG + 3):
        c.patch("service", "kubernetes", lambda o, i=i: o["metadata"].setdefault("labels", {}).update(n=str(i)))
        c.run_for(100)
    if not slices:
        return
    dns = c.list("endpointslices", "kube-system")[0]["metadata"]["name"]
    for i in range(kubeproxy._MAX_LOG + 5):
        for name, ns in ((dns, "kube-system"), ("kubernetes", "default")) if i % 3 else ((dns, "kube-system"),):
            c.patch("endpointslices", name, lambda o, i=i: o["metadata"].setdefault("annotations", {}).update(
                n=str(i)), ns)
        c.run_for(50)


def _quiet_events(c: Cluster, seen: list[Any], slices: bool = True) -> None:
    _quiet_patches(c, slices)
    seen.append(_observe(c))
    c.apply(PODS)
    c.apply(SERVICES)
    c.run_for(1_100)
    seen.append(_try(lambda: c.connection("client", "web", 80)))


@pytest.mark.parametrize("slices", [True, False])
def test_quiet_events_are_replayed_or_folded(monkeypatch: pytest.MonkeyPatch, slices: bool) -> None:
    _both(monkeypatch, lambda c, seen: _quiet_events(c, seen, slices))


ORPHAN = """
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ghost-1
  labels: {kubernetes.io/service-name: ghost}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints: [{addresses: [10.244.1.9], conditions: {ready: true}}]
"""


def _endpoints_first(c: Cluster, seen: list[Any]) -> None:
    c.run_for(1_500)
    c.apply(ORPHAN)  # a slice of no Service yet: the endpoints trackers hold a change, the runners a sync
    c.run_for(400)
    seen.append(_observe(c))
    dns = c.list("endpointslices", "kube-system")[0]["metadata"]["name"]
    c.patch("endpointslices", dns, lambda o: o.update(endpoints=[{"addresses": ["10.244.2.7"]}]), "kube-system")
    c.run_for(2_000)


def test_an_endpoint_slice_wakes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    _both(monkeypatch, _endpoints_first)


def test_a_large_cluster_at_start_is_built_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past LARGE_CLUSTER_ENDPOINTS the start's sync writes the rules (at start, reading the clock): no dormancy."""
    monkeypatch.setattr(iptables, "LARGE_CLUSTER_ENDPOINTS", 0)
    monkeypatch.setattr(kubeproxy, "LARGE_CLUSTER_ENDPOINTS", 0)
    _both(monkeypatch, _services_and_connections)
    _both(monkeypatch, _stale_chains)


def _stale_chains(c: Cluster, seen: list[Any]) -> None:
    """In large cluster mode stale chains go once per syncPeriod, counted from the start's sync."""
    c.run_for(5_000)
    c.apply(SERVICES)
    c.run_for(27_500)
    c.delete("svc", "np")
    c.run_for(1_500)


def test_a_plain_scenario_builds_no_proxier() -> None:
    c = Cluster(nodes=3)
    c.start()
    c.apply(PODS)
    c.run_for(10_000)
    proxy = c.components["proxy"]
    if not kubeproxy.DORMANT:
        pytest.skip("KSPEC_EAGER_PROXY=1")
    assert proxy._dormant is not None and not proxy._proxiers
    assert proxy.runs_on("node-2") and proxy._dormant is None and sorted(proxy._proxiers) == ["node-1", "node-2",
                                                                                              "node-3"]


def test_quiet_events_leave_them_dormant() -> None:
    if not kubeproxy.DORMANT:
        pytest.skip("KSPEC_EAGER_PROXY=1")
    c = Cluster(nodes=2)
    c.start()
    _quiet_patches(c)
    dormant = c.components["proxy"]._dormant
    assert dormant is not None and not dormant.unseeded and len(dormant.log) <= kubeproxy._MAX_LOG
