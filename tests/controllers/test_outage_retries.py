"""Controllers, the scheduler and the kubelets while etcd cannot commit: refused writes are retried with back-off,
nothing raises, the clock does no more work than without the outage, and the cluster converges afterwards."""

from __future__ import annotations

from kspec.cluster import Cluster

WORKLOADS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        readinessProbe: {httpGet: {port: 80}, periodSeconds: 5}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: t, image: "batch:1"}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: nginx:1.25}]}
---
apiVersion: v1
kind: Pod
metadata: {name: too-big}
spec: {containers: [{name: a, image: nginx, resources: {requests: {cpu: "100"}}}]}
"""


def busy_cluster() -> Cluster:
    c = Cluster(nodes=3, seed=0, etcd_members=3, store="etcd")
    c.describe_image("batch:1", exit_code=0, run_ms=20_000)
    c.apply(WORKLOADS)
    c.run_for("30s")
    # a rollout under way when etcd loses its quorum
    c.set_image("deployment", "web", "nginx:1.26", "app")
    c.run_for(300)
    return c


def callbacks_over(c: Cluster, duration: str) -> int:
    before = c.clock.callbacks_run
    c.run_for(duration)
    return c.clock.callbacks_run - before


def test_an_outage_costs_the_clock_no_more_work_and_the_cluster_converges_after() -> None:
    calm = callbacks_over(busy_cluster(), "3m")
    c = busy_cluster()
    c.etcd_action("stop", "etcd-2, etcd-3")
    during = callbacks_over(c, "3m")  # every refused write retried with back-off: no storm, no exception
    assert during < 1.5 * calm
    c.etcd_action("start", "etcd-2, etcd-3")
    c.run_for("2m")
    c.settle()
    pods = c.api.list("pods")
    web = [p for p in pods if p["metadata"]["name"].startswith("web-")]
    assert sorted(p["spec"]["containers"][0]["image"] for p in web) == ["nginx:1.26"] * 4
    assert all(p["status"]["phase"] == "Running" for p in web)
    assert [p["status"]["phase"] for p in pods if p["metadata"]["name"].startswith("agent-")] == ["Running"] * 3
    jobs = c.api.list("jobs")
    assert jobs and all(j["status"].get("succeeded") == 1 for j in jobs if j["status"].get("completionTime"))
    too_big = c.api.get("pods", "too-big")
    assert too_big["status"]["phase"] == "Pending" and not too_big["spec"].get("nodeName")
