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


def test_failed_pod_back_off_doubles_and_a_new_generation_starts_afresh() -> None:
    """failedPodsBackoff: 1s doubling per DaemonSet, generation and node (failedPodsBackoffKey)."""
    c = Cluster(nodes=1)
    c.start()
    ds = c.require("daemonset-controller")
    gen1 = {"metadata": {"uid": "u"}, "status": {"observedGeneration": 1}}
    assert ds._in_backoff(gen1, "node-1") == 0  # first failure: delete now, wait 1s next time
    assert ds._in_backoff(gen1, "node-1") == 1000
    c.run_for(1000)
    assert ds._in_backoff(gen1, "node-1") == 0  # then 2s
    c.run_for(1500)
    assert ds._in_backoff(gen1, "node-1") == 500
    assert ds._in_backoff(gen1, "node-2") == 0
    gen2 = {"metadata": {"uid": "u"}, "status": {"observedGeneration": 2}}
    assert ds._in_backoff(gen2, "node-1") == 0
