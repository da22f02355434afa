"""Workload controllers end to end against FakeNodes (a scheduler + kubelet double), in virtual time."""

from __future__ import annotations

import pytest

from kspec import Cluster, plugins
from kspec.cluster import NodeSpec
from kspec.errors import StepError
from kspec.objects import controller_of
from tests.workloads.fakes import FakeNodes

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: %(replicas)d
  strategy: {type: %(strategy)s}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: "%(image)s"}]}
"""


def cluster(nodes: int = 3, **fake: int) -> tuple[Cluster, FakeNodes]:
    c = Cluster(nodes=nodes, seed=7)
    c.started = True  # controllers only: the fake stands in for scheduler and kubelet
    c.controllers = plugins.collect(c.pm, "kspec_controllers", cluster=c)
    for ctrl in c.controllers:
        ctrl.start()
    return c, FakeNodes(c, **fake)


def deploy(c: Cluster, replicas: int = 3, image: str = "nginx:1.25", strategy: str = "RollingUpdate") -> None:
    c.apply(WEB % {"replicas": replicas, "image": image, "strategy": strategy})
    c.settle()


def test_rollout_bounds_and_revisions() -> None:
    c, _ = cluster(start_ms=2000, stop_ms=1000)
    deploy(c, 10)
    c.set_image("deployment", "web", "nginx:1.26")
    c.settle()
    c.expect.rolled_out("web")
    c.expect.revision("web", 2)
    assert c.require("deployment-controller").rollout_bounds("default", "web") == (13, 8)
    messages = [e["message"] for e in c.events_for("Deployment", "web")]
    assert messages[0].startswith("Scaled up replica set web-") and messages[0].endswith(" from 0 to 10")
    assert any(m.startswith("Scaled down replica set") and m.endswith("to 8 from 10") for m in messages)


def test_recreate_never_overlaps_old_and_new_pods() -> None:
    c, _ = cluster(start_ms=1000, stop_ms=3000)
    deploy(c, 4, strategy="Recreate")
    c.set_image("deployment", "web", "nginx:1.26")
    c.settle()
    c.expect.rolled_out("web")
    most, least = c.require("deployment-controller").rollout_bounds("default", "web")
    assert (most, least) == (4, 0)


def test_rollback_errors_and_skip_message() -> None:
    c, _ = cluster()
    deploy(c)
    ctrl = c.require("deployment-controller")
    with pytest.raises(StepError, match="unable to find specified revision 5 in history"):
        c.rollback("web", 5)
    with pytest.raises(StepError, match='no rollout history found for deployment "web"'):
        c.rollback("web")
    c.set_image("deployment", "web", "nginx:1.26")
    c.settle()
    c.rollback("web", 2)
    assert ctrl.last_rollback_message == ("deployment.apps/web skipped rollback (current template already "
                                          "matches revision 2)")
    c.rollback("web", 1)
    c.settle()
    c.expect.revision("web", 3)
    images = {p["spec"]["containers"][0]["image"] for p in c.list("pods")}
    assert images == {"nginx:1.25"}


def test_scale_down_deletes_unscheduled_and_not_ready_first() -> None:
    c, fake = cluster(nodes=1)
    deploy(c, 3)
    pods = sorted(p["metadata"]["name"] for p in c.list("pods"))
    fake.set_ready("default", pods[1], False)
    c.settle()
    c.scale("deployment", "web", 2)
    c.settle()
    left = sorted(p["metadata"]["name"] for p in c.list("pods"))
    assert pods[1] not in left and len(left) == 2


def test_orphaned_pods_are_adopted_by_a_matching_replicaset() -> None:
    c, _ = cluster()
    deploy(c, 2)
    c.delete("deployment", "web", propagation="Orphan")
    c.settle()
    pods = c.list("pods")
    assert len(pods) == 2 and all(controller_of(p) is not None for p in pods)  # still owned by the old set
    for rs in c.list("rs"):
        c.delete("rs", rs["metadata"]["name"], propagation="Orphan")
    c.settle()
    assert all(controller_of(p) is None for p in c.list("pods"))
    deploy(c, 2)
    owners = {controller_of(p)["kind"] for p in c.list("pods")}
    assert owners == {"ReplicaSet"} and len(c.list("pods")) == 2  # adopted, no new pods


def test_daemonset_tolerations_and_node_pinning() -> None:
    c, _ = cluster(nodes=0)
    for spec in (NodeSpec("a"), NodeSpec("b", taints=[{"key": "x", "effect": "NoSchedule"}]),
                 NodeSpec("c", unschedulable=True)):
        c.add_node(spec)
    c.apply("""
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: fluentd}]}
""")
    c.settle()
    pods = c.list("pods")
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["a", "c"]
    keys = [(t["key"], t["effect"]) for t in pods[0]["spec"]["tolerations"]]
    assert ("node.kubernetes.io/unschedulable", "NoSchedule") in keys
    assert ("node.kubernetes.io/network-unavailable", "NoSchedule") not in keys
    ds = c.get("ds", "agent")
    assert (ds["status"]["desiredNumberScheduled"], ds["status"]["numberReady"]) == (2, 2)
    c.set_image("daemonset", "agent", "fluentd:2")
    c.settle()
    assert c.get("ds", "agent")["status"]["updatedNumberScheduled"] == 2
    assert {p["spec"]["containers"][0]["image"] for p in c.list("pods")} == {"fluentd:2"}


def test_statefulset_orders_creation_and_deletion() -> None:
    c, fake = cluster(start_ms=5000, stop_ms=2000)
    c.apply("""
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
""")
    assert [p["metadata"]["name"] for p in c.list("pods")] == ["db-0"]
    c.run_for(5000)
    assert [p["metadata"]["name"] for p in c.list("pods")] == ["db-0", "db-1"]
    c.settle()
    pod = c.get("pod", "db-2")
    assert (pod["spec"]["hostname"], pod["spec"]["subdomain"]) == ("db-2", "db")
    assert pod["metadata"]["labels"]["apps.kubernetes.io/pod-index"] == "2"
    c.scale("statefulset", "db", 1)
    assert c.get("pod", "db-2")["metadata"].get("deletionTimestamp")
    assert not c.get("pod", "db-1")["metadata"].get("deletionTimestamp")  # one at a time, highest first
    c.settle()
    assert [p["metadata"]["name"] for p in c.list("pods")] == ["db-0"]


def test_job_backoff_then_failure() -> None:
    c, fake = cluster()
    c.apply("""
apiVersion: batch/v1
kind: Job
metadata: {name: flaky}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: w, image: busybox}]
""")
    job = c.get("job", "flaky")
    uid = job["metadata"]["uid"]
    assert job["spec"]["selector"]["matchLabels"] == {"batch.kubernetes.io/controller-uid": uid}
    created = []
    for _ in range(3):
        pod = next(p for p in c.list("pods") if p["status"]["phase"] != "Failed")
        created.append(c.now_ms)
        fake.finish("default", pod["metadata"]["name"], 1)
        c.run_until(lambda: any(p["status"]["phase"] not in ("Failed",) for p in c.list("pods"))
                    or c.get("job", "flaky")["status"].get("conditions"), 60 * 60_000)
    assert [b - a for a, b in zip(created, created[1:], strict=False)] == [10_000, 20_000]
    c.settle()
    conds = {x["type"]: x["reason"] for x in c.get("job", "flaky")["status"]["conditions"]}
    assert conds == {"FailureTarget": "BackoffLimitExceeded", "Failed": "BackoffLimitExceeded"}


def test_same_seed_same_run() -> None:
    def run() -> list[tuple[int, str, str]]:
        c, _ = cluster(start_ms=1000)
        deploy(c, 5)
        c.set_image("deployment", "web", "nginx:2")
        c.settle()
        return [(e.time_ms, e.reason, e.message) for e in c.event_log]
    assert run() == run()


def test_replication_controller_keeps_its_count() -> None:
    c, _ = cluster()
    c.apply("""
apiVersion: v1
kind: ReplicationController
metadata: {name: old}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: old}}
    spec: {containers: [{name: a, image: nginx}]}
""")
    c.settle()
    pods = c.list("pods", selector="app=old")
    assert len(pods) == 2 and all(p["metadata"]["name"].startswith("old-") for p in pods)
    c.delete("pod", pods[0]["metadata"]["name"], grace_period_seconds=0)
    c.settle()
    assert len(c.list("pods", selector="app=old")) == 2
    assert c.get("rc", "old")["status"]["readyReplicas"] == 2
