"""Benchmark: StatefulSets with one WaitForFirstConsumer claim each, against the same pods without claims.

    python benchmarks/storage_provisioning.py                         # 1,000 sets x 3 replicas, 300 nodes, 3 zones
    python benchmarks/storage_provisioning.py --sets 100 --nodes 30   # a smaller run
    python benchmarks/storage_provisioning.py --class standard        # local-path volumes (no attach)

Two clusters in one run, built alike: in the first every StatefulSet has a volumeClaimTemplate of a
WaitForFirstConsumer class (by default ``zonal``, a simulated CSI driver whose volumes follow the chosen node's
zone and are attached by the attach/detach controller; ``--class standard`` uses kind's local-path class), in
the second the same sets have no claims. Printed for each: wall time until every pod is Running, the virtual time
that took, and the scheduler's pods per second (pods bound per wall second, and per cpu-second, spent in its
scheduling cycles, which include the volume plugins and the binding; on a shared machine the cpu figure is the
steadier one).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kspec import Cluster  # noqa: E402
from kspec.cluster import NodeSpec  # noqa: E402

ZONAL = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: zonal}
provisioner: pd.csi.storage.gke.io
volumeBindingMode: WaitForFirstConsumer
"""

SET = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db-%(i)d}
spec:
  replicas: %(replicas)d
  podManagementPolicy: Parallel
  serviceName: db-%(i)d
  selector: {matchLabels: {app: db-%(i)d}}
  template:
    metadata: {labels: {app: db-%(i)d}}
    spec:
      containers:
      - name: db
        image: postgres:16
        resources: {requests: {cpu: 10m, memory: 16Mi}}
%(mounts)s%(claims)s"""

MOUNTS = "        volumeMounts: [{name: data, mountPath: /var/lib/data}]\n"
CLAIMS = """  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      storageClassName: %s
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
"""


def build(nodes: int, zones: int) -> Cluster:
    specs = [NodeSpec(f"node-{i}", cpu="64", memory="256Gi", pods=250, zone=f"zone-{i % zones}")
             for i in range(1, nodes + 1)]
    c = Cluster(nodes=specs, seed=1)
    c.clock.max_callbacks_per_instant = 0  # thousands of objects at t=0 are no livelock
    c.start()
    return c


def time_scheduler(c: Cluster) -> dict[str, float]:
    """Wrap the scheduler's scheduleOne to add up the wall time spent in its cycles."""
    scheduler: Any = c.components["scheduler"]
    spent = {"s": 0.0, "cpu": 0.0}
    one = scheduler._schedule_one

    def timed() -> None:
        t, cpu = time.perf_counter(), time.process_time()
        one()
        spent["s"] += time.perf_counter() - t
        spent["cpu"] += time.process_time() - cpu
    scheduler._schedule_one = timed
    return spent


def running(c: Cluster) -> int:
    return sum(1 for p in c.api.store.list("pods", "default") if (p.get("status") or {}).get("phase") == "Running")


def run(label: str, args: argparse.Namespace, claim_class: str | None) -> None:
    t0, cpu0 = time.perf_counter(), time.process_time()
    c = build(args.nodes, args.zones)
    spent = time_scheduler(c)
    if claim_class == "zonal":
        c.apply(ZONAL)
    docs = [SET % {"i": i, "replicas": args.replicas, "mounts": MOUNTS if claim_class else "",
                   "claims": CLAIMS % claim_class if claim_class else ""} for i in range(args.sets)]
    for i in range(0, len(docs), 100):
        c.apply("---".join(docs[i:i + 100]))
    want = args.sets * args.replicas
    done = c.run_until(lambda: running(c) == want, "30m")
    t1, cpu1 = time.perf_counter(), time.process_time()
    bound = sum(1 for p in c.api.store.list("pods", "default") if (p.get("spec") or {}).get("nodeName"))
    claims = len(c.api.store.list("persistentvolumeclaims", "default"))
    attached = len(c.api.store.list("volumeattachments")) if claim_class else 0
    print(f"{label}: {running(c)}/{want} pods Running{'' if done else ' (timed out)'} in {t1 - t0:.1f}s wall "
          f"({cpu1 - cpu0:.1f}s cpu), virtual t={c.clock.now / 1000:g}s; {claims} claims, {attached} attachments")
    print(f"  scheduler: {bound} pods bound in {spent['s']:.2f}s of scheduling cycles: "
          f"{bound / spent['s'] if spent['s'] else 0:.0f} pods/s ({spent['cpu']:.2f}s cpu: "
          f"{bound / spent['cpu'] if spent['cpu'] else 0:.0f} pods per cpu-second)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", type=int, default=1000)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=300)
    parser.add_argument("--zones", type=int, default=3)
    parser.add_argument("--class", dest="claim_class", default="zonal", choices=("zonal", "standard"))
    args = parser.parse_args()
    print(f"{args.sets} StatefulSets x {args.replicas} replicas on {args.nodes} nodes in {args.zones} zones")
    run(f"with a {args.claim_class} WaitForFirstConsumer claim per pod", args, args.claim_class)
    run("the same pods without claims", args, None)
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
