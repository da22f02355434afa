"""kubernetes pkg/kubelet/prober/prober_manager_test.go: which probe workers a pod gets, and container readiness.

Upstream calls the probe manager's AddPod / RemovePod / CleanupPods and UpdatePodStatus on hand-made pods and
cached results. kspec's kubelet starts a pod's probe workers itself once its sandbox is up and stops them
when the pod goes; here the pods run on a one-node cluster, the workers are read off the kubelet's pod
worker, each container's health endpoint is set through the runtime, and readiness is read from the
container statuses the kubelet posts.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec import Cluster
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/prober/prober_manager_test.go"
#: defaultProbe: exec, 1s timeout and period, thresholds 1 and 3
PROBE = {"exec": {"command": ["true"]}, "timeoutSeconds": 1, "periodSeconds": 1, "successThreshold": 1,
         "failureThreshold": 3}


def container(name: str, image: str = "nginx:1.25", **probes: Any) -> dict[str, Any]:
    return {"name": name, "image": image, **{f"{kind}Probe": dict(spec) for kind, spec in probes.items()}}


def pod(name: str, containers: list[dict[str, Any]], restart: str = "Always") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"nodeName": "node-1", "restartPolicy": restart, "containers": containers}}


class Env:
    def __init__(self) -> None:
        self.c = Cluster(nodes=1)
        self.c.start()
        self.agent = self.c.require("runtime", "kubelet")

    def create(self, obj: dict[str, Any]) -> dict[str, Any]:
        return self.c.api.create(obj)

    def worker(self, name: str) -> Any:
        return self.agent.worker("default", name)

    def probes(self, pod_worker: Any) -> set[tuple[str, str]]:
        """The pod's live probe workers: (container, probe type)."""
        return {(rec.name, kind) for rec in pod_worker.records.values()
                for kind, w in rec.probes.items() if not w.stopped}

    def ready(self, name: str) -> dict[str, bool]:
        live = self.c.api.get("pods", name, "default")
        return {s["name"]: s["ready"] for s in live["status"].get("containerStatuses") or []}


def add_remove_pods(env: Env) -> None:
    env.create(pod("no-probe-pod", [container("no-probe1"), container("no-probe2")]))
    env.create(pod("probe-pod", [container("no-probe1"), container("readiness", readiness=PROBE),
                                 container("no-probe2"), container("liveness", liveness=PROBE)]))
    env.c.run_for(5_000)
    no_probe, probed = env.worker("no-probe-pod"), env.worker("probe-pod")
    assert env.probes(no_probe) == set()  # a pod without probes gets no workers
    assert env.probes(probed) == {("readiness", "readiness"), ("liveness", "liveness")}
    env.c.delete("pod", "no-probe-pod")
    env.c.run_for(60_000)
    assert env.probes(probed) == {("readiness", "readiness"), ("liveness", "liveness")}
    env.c.delete("pod", "probe-pod")
    env.c.run_for(60_000)
    assert env.probes(probed) == set()  # the removed pod's workers exited


def cleanup_pods(env: Env) -> None:
    for name in ("pod-cleanup", "pod-keep"):
        env.create(pod(name, [container("prober1", readiness=PROBE), container("prober2", liveness=PROBE)]))
    env.c.run_for(5_000)
    cleanup, keep = env.worker("pod-cleanup"), env.worker("pod-keep")
    env.c.delete("pod", "pod-cleanup")
    env.c.run_for(60_000)
    assert env.probes(cleanup) == set()
    assert env.probes(keep) == {("prober1", "readiness"), ("prober2", "liveness")}


def update_pod_status(env: Env) -> None:
    env.c.describe_image("done:1", exit_code=0, run_ms=1_000)
    pending = {**PROBE, "initialDelaySeconds": 3600}  # a worker that has no result yet
    created = env.create(pod("test-pod", [
        container("unprobed-container", liveness=PROBE),
        container("probed-container-ready", readiness=PROBE),
        container("probed-container-pending", readiness=pending),
        container("probed-container-unready", readiness=PROBE),
        container("terminated-container", "done:1", readiness=PROBE)], restart="Never"))
    env.agent.runtime.set_health(created["metadata"]["uid"], "probed-container-unready", "readiness", False)
    env.c.run_for(30_000)
    assert env.ready("test-pod") == {"unprobed-container": True, "probed-container-ready": True,
                                     "probed-container-pending": False, "probed-container-unready": False,
                                     "terminated-container": False}


def update_readiness(env: Env) -> None:
    env.create(pod("test-pod", [container("test-container", readiness={**PROBE, "periodSeconds": 10})]))
    env.c.run_for(30_000)
    assert env.ready("test-pod") == {"test-container": True}
    env.c.set_probe("test-pod", "readiness", False)
    env.c.run_for(60_000)
    assert env.ready("test-pod") == {"test-container": False}


CASES = [case("TestAddRemovePods", "", fn=add_remove_pods), case("TestCleanupPods", "", fn=cleanup_pods),
         case("TestUpdatePodStatus", "", fn=update_pod_status), case("TestUpdateReadiness", "", fn=update_readiness)]


@pytest.mark.parametrize("tc", CASES)
def test_prober_manager(tc: dict[str, Any]) -> None:
    tc["fn"](Env())
