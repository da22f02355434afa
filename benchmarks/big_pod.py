"""One pod with many containers: admitted, scheduled and started (kubelet status writes linear in containers).

Prints the wall and CPU time from apply until every container is ready, and the pod status writes it took.
    python benchmarks/big_pod.py [--containers 2000] [--variant same-image|images|probes|init]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from kspec.cluster import Cluster


def big_pod(containers: int, variant: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": f"c-{i}", "image": "nginx:1.25"} for i in range(containers)]}
    if variant == "images":
        for i, c in enumerate(spec["containers"]):
            c["image"] = f"registry.example/img-{i}:1"
    elif variant == "probes":
        for c in spec["containers"]:
            c["readinessProbe"] = {"httpGet": {"port": 80}, "periodSeconds": 10}
    elif variant == "init":
        spec["initContainers"] = [{"name": f"i-{i}", "image": "busybox:1"} for i in range(containers)]
        spec["containers"] = spec["containers"][:1]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big"}, "spec": spec}


def ready(c: Cluster) -> bool:
    status = c.api.get("pods", "big", "default")["status"]
    return status.get("phase") == "Running" and all(s.get("ready") for s in status.get("containerStatuses") or [])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--containers", type=int, default=2000)
    ap.add_argument("--variant", choices=["same-image", "images", "probes", "init"], default="same-image")
    args = ap.parse_args()
    c = Cluster(nodes=1, seed=1)
    c.describe_image("busybox:1", exit_code=0, run_ms=0)
    c.start()
    pod_writes = 0

    def count(event: Any) -> None:
        nonlocal pod_writes
        pod_writes += event.resource == "pods"
    c.store.subscribe(count)
    t0, cpu0 = time.perf_counter(), time.process_time()
    c.apply(big_pod(args.containers, args.variant))
    c.run_until(lambda: ready(c), 600_000)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(f"containers={args.containers} variant={args.variant} ready={ready(c)} virtual={c.clock.now}ms")
    print(f"wall={wall:.2f}s cpu={cpu:.2f}s pod_writes={pod_writes} api_writes={c.api.writes}")


if __name__ == "__main__":
    main()
