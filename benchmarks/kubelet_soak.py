"""24 virtual hours of 100 nodes and 3,000 pods (a tenth crash-looping, probes everywhere).

Prints the wall and CPU time (the CPU time is the figure to compare on a shared machine), how many times
faster than real time the run was by each, clock callbacks and API writes.
    python benchmarks/kubelet_soak.py [--hours 24] [--nodes 100] [--pods 3000] [--opcodes MINUTES]

``--opcodes`` then counts the Python bytecodes a further MINUTES of virtual time execute (traced, so slow): a
figure that does not move with the load of a shared machine, for comparing two checkouts' steady hours.
"""

from __future__ import annotations

import argparse
import sys
import time
from types import FrameType
from typing import Any

from kspec.cluster import Cluster


def pod(i: int, nodes: int, crash: bool) -> dict:
    probe = {"httpGet": {"port": 80}, "periodSeconds": 10}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"p-{i}", "labels": {"app": "soak"}},
            "spec": {"nodeName": f"node-{i % nodes + 1}", "containers": [{
                "name": "app", "image": "crasher:1" if crash else "nginx:1.25",
                "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
                "readinessProbe": dict(probe), "livenessProbe": dict(probe)}]}}


_TRACE = (("f_trace_opcodes", True), ("f_trace_lines", False))


def count_opcodes(run: Any) -> int:
    """Bytecodes executed by ``run()`` (sys.settrace's opcode events; the tracer's own are not traced)."""
    count = [0]

    def counting(frame: FrameType, event: str, arg: object) -> Any:
        if event == "opcode":
            count[0] += 1
        return counting

    def local(frame: FrameType, event: str, arg: object) -> Any:
        for name, on in _TRACE:  # opcode events on, line events off (the interpreter reads these by name)
            setattr(frame, name, on)
        return counting

    sys.settrace(local)
    try:
        run()
    finally:
        sys.settrace(None)
    return count[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=24)
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--pods", type=int, default=3000)
    ap.add_argument("--opcodes", type=float, default=0, help="then count the bytecodes of this many virtual minutes")
    args = ap.parse_args()
    c = Cluster(nodes=args.nodes, seed=1)
    c.clock.max_callbacks_per_instant = 0  # thousands of objects at t=0 are no livelock
    c.describe_image("crasher:1", exit_code=1, run_ms=30_000)
    t0, cpu0 = time.perf_counter(), time.process_time()
    c.apply([pod(i, args.nodes, i % 10 == 0) for i in range(args.pods)])
    setup, setup_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    c.run_for(int(args.hours * 3_600_000))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    virtual_s = args.hours * 3600
    running = sum(1 for p in c.api.list("pods", "default") if p["status"].get("phase") == "Running")
    print(f"nodes={args.nodes} pods={args.pods} virtual={args.hours:g}h")
    print(f"wall={wall:.1f}s (setup {setup:.1f}s) cpu={cpu:.1f}s (setup {setup_cpu:.1f}s): "
          f"{virtual_s / wall:.0f}x real time by wall, {virtual_s / cpu:.0f}x by cpu")
    print(f"callbacks={c.clock.callbacks_run} api_writes={c.api.writes} "
          f"events={len(c.event_log)} running_pods={running}")
    if args.opcodes:
        ops = count_opcodes(lambda: c.run_for(int(args.opcodes * 60_000)))
        print(f"opcodes={ops} over {args.opcodes:g} more virtual minutes: {ops * 60 / args.opcodes / 1e6:.2f}M per "
              "virtual hour")


if __name__ == "__main__":
    main()
