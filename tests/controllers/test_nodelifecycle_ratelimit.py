"""The node lifecycle controller's NoExecute tainting rate per zone, and what an etcd outage does to it."""

from __future__ import annotations

from kspec.cluster import Cluster
from kspec.controllers.nodelifecycle import (
    EVICTION_QPS,
    SECONDARY_EVICTION_QPS,
    STATE_FULL_DISRUPTION,
    STATE_NORMAL,
    STATE_PARTIAL_DISRUPTION,
    NodeLifecycleController,
    TokenBucket,
    swap_limiter,
)
from kspec.objects import parse_timestamp

UNREACHABLE = "node.kubernetes.io/unreachable"


def controller(c: Cluster) -> NodeLifecycleController:
    return next(x for x in c.controllers if isinstance(x, NodeLifecycleController))


def tainted_at(c: Cluster, node: str) -> int | None:
    for t in c.api.get("nodes", node, "")["spec"].get("taints") or []:
        if t["key"] == UNREACHABLE and t["effect"] == "NoExecute":
            return parse_timestamp(t["timeAdded"])
    return None


def test_two_nodes_down_at_once_are_tainted_one_eviction_period_apart() -> None:
    """doNoExecuteTaintingPass takes a token from the zone's limiter per taint: 0.1 per second, a burst of 1."""
    c = Cluster(nodes=6, seed=0)
    c.start()
    c.stop_node("node-1")
    c.stop_node("node-2")
    assert c.run_until(lambda: tainted_at(c, "node-1") is not None and tainted_at(c, "node-2") is not None, "2m")
    first, second = sorted([tainted_at(c, "node-1"), tainted_at(c, "node-2")])
    assert second - first == round(1000 / EVICTION_QPS)
    assert controller(c).zone_states == {"": STATE_NORMAL}


def test_the_token_bucket_is_full_at_first_then_gives_one_token_per_period() -> None:
    b = TokenBucket(0.1)
    assert b.try_accept(1_000)
    assert not b.try_accept(1_000)
    assert b.ready_in(5_000) == 6_000
    assert b.try_accept(11_000)
    never = TokenBucket(0)
    assert not never.try_accept(0) and never.ready_in(0) is None


def test_swap_limiter_keeps_the_same_rate_and_drains_a_new_one_when_the_old_was_waiting() -> None:
    full = TokenBucket(0.1)
    assert swap_limiter(full, 0.1, 0) is full
    fresh = swap_limiter(TokenBucket(0.1), 0.01, 0)
    assert fresh.qps == 0.01 and fresh.ready_in(0) == 0
    waiting = TokenBucket(0.1)
    waiting.try_accept(0)
    drained = swap_limiter(waiting, 0.01, 1_000)
    assert drained.ready_in(1_000) == round(1000 / 0.01)
    stopped = swap_limiter(TokenBucket(0.1), 0, 0)
    assert stopped.ready_in(0) is None
    assert swap_limiter(stopped, 0.1, 5_000).ready_in(5_000) == 10_000  # a stopped limiter never had a token


def test_set_limiter_in_zone_follows_the_zone_state_and_cluster_size() -> None:
    c = Cluster(nodes=1, seed=0)
    c.start()
    ctrl = controller(c)
    ctrl.zone_sizes = {"small": 10, "large": 51}
    for zone in ("small", "large"):
        ctrl._set_limiter_in_zone(zone, STATE_PARTIAL_DISRUPTION)
    assert ctrl.limiters["small"].qps == 0  # ReducedQPSFunc: a cluster of at most 50 nodes stops tainting
    assert ctrl.limiters["large"].qps == SECONDARY_EVICTION_QPS
    ctrl._set_limiter_in_zone("large", STATE_FULL_DISRUPTION)
    assert ctrl.limiters["large"].qps == EVICTION_QPS  # HealthyQPSFunc
    ctrl._set_limiter_in_zone("small", STATE_NORMAL)
    assert ctrl.limiters["small"].qps == EVICTION_QPS


def test_an_etcd_outage_puts_every_zone_in_full_disruption_and_stops_tainting_until_the_nodes_are_back() -> None:
    c = Cluster(nodes=3, seed=0, etcd_members=3, store="etcd")
    c.start()
    c.run_for("20s")
    ctrl = controller(c)
    c.etcd_action("stop", "etcd-2, etcd-3")
    c.run_for("2m")
    # no node status could be written: no zone was seen, no state kept
    assert ctrl.zone_states == {}
    c.etcd_action("start", "etcd-2, etcd-3")
    assert c.run_until(lambda: ctrl.zone_states == {"": STATE_FULL_DISRUPTION}, "10s")
    assert ctrl.limiters[""].qps == 0  # master disruption mode: SwapLimiter(0)
    assert all(tainted_at(c, n) is None for n in ("node-1", "node-2", "node-3"))
    assert c.run_until(lambda: ctrl.zone_states == {"": STATE_NORMAL}, "30s")
    # leaving it, the zone's limiter is back at the eviction rate, drained: the next taint waits a period
    assert ctrl.limiters[""].qps == EVICTION_QPS
    assert ctrl.limiters[""].ready_in(c.now_ms) > 0
    c.run_for("5m")
    assert all(tainted_at(c, n) is None for n in ("node-1", "node-2", "node-3"))


def test_a_node_back_before_the_next_monitor_pass_is_never_tainted_no_execute() -> None:
    """processTaintBaseEviction acts on the status a pass observed before marking the node Unknown, so the
    NoExecute taint is only queued on the following pass: a kubelet that posts Ready in between evicts nothing,
    not even a pod that tolerates an unreachable node for 0 seconds."""
    c = Cluster(nodes=2, seed=0)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "quick"},
             "spec": {"nodeName": "node-1", "containers": [{"name": "a", "image": "nginx:1.25"}],
                      "tolerations": [{"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute",
                                       "tolerationSeconds": 0}]}})
    c.run_for("5s")
    c.stop_node("node-1")

    def unknown() -> bool:
        ready = next(x for x in c.api.get("nodes", "node-1", "")["status"]["conditions"] if x["type"] == "Ready")
        return ready["status"] == "Unknown"

    assert c.run_until(unknown, "2m")
    assert tainted_at(c, "node-1") is None
    c.restore_node("node-1")
    c.run_for("1m")
    assert tainted_at(c, "node-1") is None
    assert c.api.get("pods", "quick")["status"]["phase"] == "Running"
    assert not [e for e in c.event_log if e.reason == "TaintManagerEviction"]
