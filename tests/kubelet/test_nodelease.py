"""The kubelet during an etcd outage: Lease renewal with upstream's retries and back-off, status sent again."""

from __future__ import annotations

from kspec.cluster import Cluster
from kspec.kubelet.kubelet import LEASE_NAMESPACE
from kspec.kubelet.nodelease import HEARTBEAT_TIMEOUT_MS, MAX_UPDATE_RETRIES, UPDATE_TIMEOUT_MS
from kspec.objects import get_condition, parse_timestamp


def etcd_cluster(nodes: int = 1) -> Cluster:
    c = Cluster(nodes=nodes, seed=0, etcd_members=3, store="etcd")
    c.start()
    return c


def kubelet(c: Cluster, node: str = "node-1"):
    return c.require("runtime").kubelets[node]


def renew_ms(c: Cluster, node: str = "node-1") -> int:
    renew = c.api.store.get("leases", LEASE_NAMESPACE, node)["spec"]["renewTime"]  # a MicroTime
    return parse_timestamp(renew[:19] + "Z") + int(renew[20:26]) // 1000


def test_a_refused_renewal_is_retried_as_the_lease_controller_does() -> None:
    c = etcd_cluster()
    c.run_for("15s")
    c.etcd_action("stop", "etcd-2, etcd-3")
    c.run_for("2m")
    log = kubelet(c).lease.log
    updates = [t for t, kind, ok in log if kind == "update" and not ok]
    gets = [t for t, kind, ok in log if kind == "get" and not ok]
    # retryUpdateLease: 5 updates, each refused when etcd's 7s request timeout ends
    assert len(updates) == MAX_UPDATE_RETRIES
    assert [b - a for a, b in zip(updates, updates[1:], strict=False)] == [UPDATE_TIMEOUT_MS] * 4
    # backoffEnsureLease: GETs, each failing at the heartbeat client's 10s timeout, then sleeping 200ms,
    # 400ms, ... doubling up to 7s
    assert gets[0] - updates[-1] == UPDATE_TIMEOUT_MS
    gaps = [b - a - HEARTBEAT_TIMEOUT_MS for a, b in zip(gets, gets[1:], strict=False)]
    assert gaps[:6] == [200, 400, 800, 1600, 3200, 6400]
    assert all(g == 7000 for g in gaps[6:])
    assert kubelet(c).lease.retrying


def test_after_the_outage_the_lease_is_renewed_by_the_retry_loop_not_a_renew_interval_later() -> None:
    c = etcd_cluster()
    c.run_for("15s")
    c.etcd_action("stop", "etcd-2, etcd-3")
    c.run_for("2m")
    before = renew_ms(c)
    c.etcd_action("start", "etcd-2, etcd-3")
    back = c.now_ms
    assert c.run_until(lambda: renew_ms(c) > before, "20s")
    log = kubelet(c).lease.log
    assert log[-2][1:] == ("get", True) and log[-1][1:] == ("update", True)
    assert log[-1][0] == renew_ms(c) and back < log[-1][0] <= back + HEARTBEAT_TIMEOUT_MS + 7000
    assert not kubelet(c).lease.retrying


def test_without_failures_nothing_is_retried() -> None:
    c = Cluster(nodes=1, seed=0)
    c.run_for("5m")
    assert kubelet(c).lease.log == []
    assert not kubelet(c).lease.retrying


def test_a_stopped_node_ends_its_retry_loop() -> None:
    c = etcd_cluster()
    c.run_for("15s")
    c.etcd_action("stop", "etcd-2, etcd-3")
    c.run_for("12s")
    assert kubelet(c).lease.retrying
    c.stop_node("node-1")
    assert not kubelet(c).lease.retrying
    count = len(kubelet(c).lease.log)
    c.run_for("1m")
    assert len(kubelet(c).lease.log) == count


def test_a_node_status_report_refused_during_an_outage_is_posted_once_etcd_is_back() -> None:
    """tryUpdateNodeStatus: lastStatusReportTime moves only when the status was posted, so the 5-minute report
    that etcd refused is sent again at the next sync, not 5 minutes later."""
    c = etcd_cluster()
    c.run_for(295_000)
    c.etcd_action("stop", "etcd-2, etcd-3")
    c.run_for("35s")  # the report due at 5m is refused; too short for the node to go Unknown
    c.etcd_action("start", "etcd-2, etcd-3")
    back = c.now_ms

    def heartbeat() -> int:
        ready = get_condition(c.api.get("nodes", "node-1", ""), "Ready")
        return parse_timestamp(ready["lastHeartbeatTime"])

    assert c.run_until(lambda: heartbeat() >= back, "20s")
    assert get_condition(c.api.get("nodes", "node-1", ""), "Ready")["status"] == "True"
