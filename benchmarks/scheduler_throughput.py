"""Scheduler throughput at upstream's scalability envelope: 5,000 nodes, then 150,000 pods.

    python benchmarks/scheduler_throughput.py [--nodes 5000] [--pods 150000] [--seed 1] [--digest]

Pods are created through the API first (not timed: that is admission, not
scheduling); then the clock runs and the default profile schedules them all
on the virtual clock. Printed: pods scheduled per second of wall time (the
figure kube-scheduler's perf gate measures: 680-810 pods/s at 5,000 nodes),
node evaluations per second and peak memory (max RSS). The mix: 70% plain
pods with cpu/memory requests, 10% best-effort, 10% with required node
affinity to a zone, 10% with required anti-affinity between replicas of
their group (hostname topology). ``--digest`` also prints a sha256 of every
pod's node, in creation order: a speed-up must leave it unchanged (the
placements are pinned in tests/scheduler/test_placements.py).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kspec.cluster import Cluster, NodeSpec  # noqa: E402
from kspec.scheduler.scheduler import Scheduler  # noqa: E402

ZONES = ("zone-a", "zone-b", "zone-c")


def pod(i: int) -> dict:
    kind = i % 10
    spec: dict = {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10"}]}
    if kind != 9:
        spec["containers"][0]["resources"] = {"requests": {"cpu": f"{100 + (i % 5) * 50}m",
                                                           "memory": f"{128 + (i % 4) * 64}Mi"}}
    labels = {"app": f"group-{i % 500}"}
    if kind == 7:
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In",
                                                         "values": [ZONES[i % 3]]}]}]}}}
    if kind == 8:
        labels = {"anti": f"group-{i % 1000}"}
        spec["affinity"] = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": labels}, "topologyKey": "kubernetes.io/hostname"}]}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i}", "namespace": "default",
                                                            "labels": labels}, "spec": spec}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--pods", type=int, default=150_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--digest", action="store_true", help="print a sha256 of the placements")
    args = ap.parse_args()

    t0 = time.perf_counter()
    nodes = [NodeSpec(f"node-{i}", cpu="32", memory="128Gi", pods=110, zone=ZONES[i % 3])
             for i in range(args.nodes)]
    cluster = Cluster(nodes=nodes, seed=args.seed)
    cluster.clock.max_callbacks_per_instant = 0  # thousands of objects at t=0 are no livelock
    # the scheduler alone, as scheduler_perf runs it: no kubelets, proxies or controllers
    cluster.started = True
    scheduler = Scheduler(cluster)
    cluster.components["scheduler"] = scheduler
    scheduler.start()
    cluster.clock.run_now()
    t1 = time.perf_counter()
    print(f"{args.nodes} nodes built in {t1 - t0:.1f}s")
    api = cluster.api
    for i in range(args.pods):
        api.create(pod(i))
    t2 = time.perf_counter()
    c2 = time.process_time()
    print(f"{args.pods} pods created through the API in {t2 - t1:.1f}s ({args.pods / (t2 - t1):.0f} pods/s)")
    cluster.clock.run_now()
    t3 = time.perf_counter()
    cpu = time.process_time() - c2
    bound = sum(1 for p in api.store.list("pods") if p["spec"].get("nodeName"))
    elapsed = t3 - t2
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scheduled {bound}/{args.pods} pods in {elapsed:.1f}s wall: {bound / elapsed:.0f} pods/s "
          f"({scheduler.cycles} cycles); {cpu:.1f}s cpu: {bound / cpu:.0f} pods per cpu-second")
    print(f"peak memory (max RSS): {peak_mb:.0f} MiB")
    if args.digest:
        print(f"placements sha256: {placements_digest(api, args.pods)}")
        print(f"last attempts sha256: {attempts_digest(scheduler)}")


def placements_digest(api, pods: int) -> str:
    """A sha256 of ``pod-i -> node`` for every pod in creation order (empty for a pending pod)."""
    h = hashlib.sha256()
    for i in range(pods):
        node = api.store.get("pods", "default", f"pod-{i}")["spec"].get("nodeName") or ""
        h.update(f"pod-{i}={node}\n".encode())
    return h.hexdigest()


def attempts_digest(scheduler: Scheduler) -> str:
    """A sha256 of the attempts the scheduler remembers: filter verdicts in the order they were recorded,
    feasible nodes, per-plugin scores and totals (what ``explain`` shows)."""
    h = hashlib.sha256()
    for key, a in scheduler.explainer._attempts.items():
        verdicts = [(name, st.code.title, st.plugin, st.message) for name, st in a.statuses.items()]
        scores = [(plugin, list(values)) for plugin, values in a.scores.items()]
        h.update(repr((key, a.node, a.message, verdicts, a.feasible, scores, list(a.totals))).encode())
    return h.hexdigest()


if __name__ == "__main__":
    main()
