"""The waiting reason a container shows before it runs, and while a retried pull is under way.

kubelet_pods.go convertToAPIContainerStatuses: the default waiting state is PodInitializing for every
container (init or regular) of a pod that has init containers, ContainerCreating otherwise; a container whose
last start failed keeps the reason the reasonCache holds (ImagePullBackOff, CrashLoopBackOff) until a start
succeeds, so a retried pull does not flip it back to the default.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kspec.cluster import Cluster
from kspec.printers import table

INIT_POD = """apiVersion: v1
kind: Pod
metadata: {name: db}
spec:
  initContainers: [{name: migrate, image: "migrate:1"}]
  containers: [{name: app, image: "postgres:16"}]
"""


def _waiting(c: Cluster, pod: str, container: str, init: bool = False) -> str | None:
    key = "initContainerStatuses" if init else "containerStatuses"
    status = next(s for s in c.get("pod", pod)["status"][key] if s["name"] == container)
    return (status["state"].get("waiting") or {}).get("reason")


def _kubectl_status(c: Cluster, pod: str) -> str:
    now = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(milliseconds=c.now_ms)
    headers, rows = table("pods", [c.get("pod", pod)], now)
    return rows[0][headers.index("STATUS")]


def test_init_container_pulling_shows_pod_initializing_and_init_0_of_1() -> None:
    # convertToAPIContainerStatuses(..., pod.Spec.InitContainers, len(pod.Spec.InitContainers) > 0, true)
    c = Cluster(nodes=1)
    c.describe_image("migrate:1", pull_ms=20_000, exit_code=0, run_ms=1000)
    c.describe_image("postgres:16", pull_ms=20_000)
    c.apply(INIT_POD)
    c.run_for("5s")
    assert _waiting(c, "db", "migrate", init=True) == "PodInitializing"
    assert _waiting(c, "db", "app") == "PodInitializing"
    assert _kubectl_status(c, "db") == "Init:0/1"


def test_regular_container_pulling_after_init_shows_pod_initializing() -> None:
    # the regular containers' default is PodInitializing too, initialized or not (hasInitContainers)
    c = Cluster(nodes=1)
    c.describe_image("migrate:1", pull_ms=0, exit_code=0, run_ms=1000)
    c.describe_image("postgres:16", pull_ms=20_000)
    c.apply(INIT_POD)
    c.run_for("5s")
    assert _waiting(c, "db", "app") == "PodInitializing"
    assert _kubectl_status(c, "db") == "PodInitializing"


def test_retried_pull_keeps_image_pull_back_off() -> None:
    # reasonCache: the last failed start's reason stays until a start succeeds (image_manager pullImage)
    c = Cluster(nodes=1)
    c.describe_image("slow:1", pull_ms=60_000)
    c.describe_image("gone:1", missing=True)
    c.apply("""apiVersion: v1
kind: Pod
metadata: {name: gone}
spec:
  containers: [{name: c, image: "gone:1"}]
""")
    seen = [_waiting(c, "gone", "c")]
    c.run_for("5s")
    c.apply("""apiVersion: v1
kind: Pod
metadata: {name: slow}
spec:
  containers: [{name: c, image: "slow:1"}]
""")
    for _ in range(50):
        c.run_for("1s")
        reason = _waiting(c, "gone", "c")
        if seen[-1] != reason:
            seen.append(reason)
    # the retry at 10s waits behind slow:1 (pulled from 5s to 65s) on the node's serial puller
    assert seen == ["ErrImagePull", "ImagePullBackOff"]


def test_pod_without_init_containers_waits_in_container_creating() -> None:
    c = Cluster(nodes=1)
    c.describe_image("slow:1", pull_ms=20_000)
    c.apply("""apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: c, image: "slow:1"}]
""")
    c.run_for("5s")
    assert _waiting(c, "web", "c") == "ContainerCreating"
    assert _kubectl_status(c, "web") == "ContainerCreating"
