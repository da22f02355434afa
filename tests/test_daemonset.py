"""DaemonSet controller details that scenarios cannot reach by name (pod names are generated)."""

from __future__ import annotations

from kspec.cluster import Cluster

DS = """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 30
      containers: [{name: agent, image: "slow:1"}]
"""


def test_a_replacement_waits_until_the_deleted_daemon_pod_is_gone() -> None:
    """podsShouldBeOnNode: a node whose daemon pod is still terminating "has" one (upstream's ``exists``)."""
    c = Cluster(nodes=1)
    c.describe_image("slow:1", stop_ms=10_000)
    c.apply(DS)
    c.settle()
    [pod] = c.list("pods", selector="app=agent")
    c.delete("pod", pod["metadata"]["name"])
    c.run_for(5_000)
    names = [p["metadata"]["name"] for p in c.list("pods", selector="app=agent")]
    assert names == [pod["metadata"]["name"]], "no second pod while the first one is still terminating"
    c.run_for(10_000)
    [new] = c.list("pods", selector="app=agent")
    assert new["metadata"]["name"] != pod["metadata"]["name"]
