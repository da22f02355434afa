"""Starting a pod costs work linear in its containers: status writes and status builds are counted, not timed."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.cluster import Cluster
from kspec.kubelet.pod_worker import PodWorker


def _start(containers: int, variant: str) -> tuple[int, int]:
    """(pod status writes, container statuses built) to get a pod of ``containers`` containers Running."""
    c = Cluster(nodes=1, seed=1)
    c.start()
    spec: dict[str, Any] = {"containers": [{"name": f"c-{i}", "image": "nginx:1.25"} for i in range(containers)]}
    if variant == "images":  # one pull per container on the node's serial puller
        for i, ct in enumerate(spec["containers"]):
            ct["image"] = f"registry.example/img-{i}:1"
    if variant == "probes":  # one readiness result per container
        for ct in spec["containers"]:
            ct["readinessProbe"] = {"httpGet": {"port": 80}, "periodSeconds": 10}
    if variant == "init":  # init containers run one after another
        c.describe_image("busybox:1", exit_code=0, run_ms=0)
        spec["initContainers"] = [{"name": f"i-{i}", "image": "busybox:1"} for i in range(containers)]
        spec["containers"] = spec["containers"][:1]
    writes = 0

    def count(event: Any) -> None:
        nonlocal writes
        writes += event.resource == "pods" and event.type == "MODIFIED"
    c.store.subscribe(count)
    built = 0
    original = PodWorker._container_status

    def counting(self: PodWorker, rec: Any, initializing: bool) -> Any:
        nonlocal built
        built += 1
        return original(self, rec, initializing)
    PodWorker._container_status = counting  # type: ignore[method-assign]
    try:
        c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big"}, "spec": spec})
        c.run_for(60_000)
    finally:
        PodWorker._container_status = original  # type: ignore[method-assign]
    pod = c.get("pod", "big")
    assert pod["status"]["phase"] == "Running"
    assert all(s["ready"] for s in pod["status"]["containerStatuses"])
    return writes, built


@pytest.mark.parametrize("variant", ["same-image", "images", "probes", "init"])
def test_status_writes_do_not_grow_with_containers(variant: str) -> None:
    small, _ = _start(10, variant)
    big, _ = _start(200, variant)
    assert big <= small, f"{variant}: {small} status writes for 10 containers, {big} for 200"


@pytest.mark.parametrize("variant", ["same-image", "images", "probes", "init"])
def test_status_building_is_linear_in_containers(variant: str) -> None:
    _, small = _start(50, variant)
    _, big = _start(200, variant)
    assert big <= 4 * small + 50, f"{variant}: {small} container statuses built for 50 containers, {big} for 200"
