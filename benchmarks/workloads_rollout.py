"""Benchmark: roll out a new image to many Deployments at once and print wall time and peak memory.

    python benchmarks/workloads_rollout.py                      # 2,000 Deployments x 10 replicas, 500 nodes
    python benchmarks/workloads_rollout.py --deployments 200 --nodes 50
    python benchmarks/workloads_rollout.py --fake-nodes         # controllers only (tests/workloads/fakes.py)

By default the cluster runs every registered component (scheduler, kubelet,
...); ``--fake-nodes`` replaces them with the test double so the figure is the
workload controllers' own cost.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kspec import Cluster, plugins  # noqa: E402
from kspec.cluster import NodeSpec  # noqa: E402

TEMPLATE = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: app-%d}
spec:
  replicas: %d
  selector: {matchLabels: {app: app-%d}}
  template:
    metadata: {labels: {app: app-%d}}
    spec: {containers: [{name: c, image: "nginx:1.25", resources: {requests: {cpu: 10m, memory: 16Mi}}}]}
"""


def build(nodes: int, fake: bool) -> Cluster:
    specs = [NodeSpec(f"node-{i}", cpu="64", memory="256Gi", pods=250) for i in range(1, nodes + 1)]
    c = Cluster(nodes=specs, seed=1)
    c.clock.max_callbacks_per_instant = 0  # thousands of objects at t=0 are no livelock
    if fake:
        from tests.workloads.fakes import FakeNodes

        c.started = True
        c.controllers = plugins.collect(c.pm, "kspec_controllers", cluster=c)
        for ctrl in c.controllers:
            ctrl.start()
        FakeNodes(c)
    else:
        c.start()
    return c


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deployments", type=int, default=2000)
    parser.add_argument("--replicas", type=int, default=10)
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--fake-nodes", action="store_true")
    args = parser.parse_args()

    start, cpu0 = time.perf_counter(), time.process_time()
    c = build(args.nodes, args.fake_nodes)
    docs = [TEMPLATE % (i, args.replicas, i, i) for i in range(args.deployments)]
    for i in range(0, len(docs), 100):
        c.apply("---".join(docs[i:i + 100]))
    c.settle()
    created, cpu1 = time.perf_counter(), time.process_time()
    ready = sum(1 for d in c.api.list("deployments", "default")
                if d.get("status", {}).get("readyReplicas", 0) == args.replicas)
    print(f"components: {', '.join(sorted(c.components)) or 'controllers + fake nodes'}")
    print(f"create {args.deployments} deployments x {args.replicas} replicas on {args.nodes} nodes: "
          f"{created - start:.1f}s wall ({cpu1 - cpu0:.1f}s cpu), {ready} ready, virtual t={c.clock.now / 1000:g}s")

    for i in range(args.deployments):
        c.api.patch("deployments", f"app-{i}", "default",
                    lambda d: d["spec"]["template"]["spec"]["containers"][0].__setitem__("image", "nginx:1.26"))
    c.settle()
    done, cpu2 = time.perf_counter(), time.process_time()
    ctrl = c.require("deployment-controller")
    rolled = sum(1 for d in c.api.list("deployments", "default")
                 if d["status"].get("updatedReplicas") == args.replicas == d["status"].get("availableReplicas")
                 and d["status"].get("replicas") == args.replicas)
    most = max(ctrl.rollout_bounds("default", f"app-{i}")[0] for i in range(args.deployments))
    least = min(ctrl.rollout_bounds("default", f"app-{i}")[1] for i in range(args.deployments))
    print(f"roll out a new image: {done - created:.1f}s wall ({cpu2 - cpu1:.1f}s cpu), "
          f"{rolled}/{args.deployments} rolled out, virtual t={c.clock.now / 1000:g}s, "
          f"pods per deployment between {least} available and {most} total")
    print(f"total {done - start:.1f}s wall, peak memory {peak_mib():.0f} MiB, "
          f"{c.clock.callbacks_run} callbacks, {c.api.writes} writes")


if __name__ == "__main__":
    main()
