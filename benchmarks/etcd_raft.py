"""The etcd Raft model: write cost, idle ticking, and how long elections take.

Prints API writes per wall second through a 3- and 5-member etcd against the
memory store, the wall time of one virtual hour of an idle healthy cluster and
of an hour without quorum, and the distribution of leader-loss recovery times
over many seeds (virtual ms, to compare with ETCD-OBSERVED's 0.88-2.49s).
    python benchmarks/etcd_raft.py [--writes 20000] [--seeds 500]
"""

from __future__ import annotations

import argparse
import random
import time

from kspec.clock import Clock
from kspec.etcd import EtcdStore
from kspec.store import MemoryStore


def cm(i: int) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c-{i}", "namespace": "default"}}


def writes_per_second(store: MemoryStore | EtcdStore, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        store.create("configmaps", cm(i))
    return n / (time.perf_counter() - start)


def started(members: int, seed: int = 0) -> EtcdStore:
    store = EtcdStore(Clock(), random.Random(seed), members)
    store.start()
    return store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--writes", type=int, default=20000)
    ap.add_argument("--seeds", type=int, default=500)
    args = ap.parse_args()

    print(f"memory store: {writes_per_second(MemoryStore(), args.writes):,.0f} writes/s")
    for members in (3, 5):
        print(f"etcd, {members} members: {writes_per_second(started(members), args.writes):,.0f} writes/s")

    for label, stop in (("healthy", []), ("no quorum", ["etcd-2", "etcd-3"])):
        store = started(3)
        if stop:
            store.stop(stop)
        start = time.perf_counter()
        store.clock.run_for(3_600_000)
        print(f"1 virtual hour, 3 members, {label}: {time.perf_counter() - start:.2f}s wall, "
              f"{store.network.delivered:,} messages delivered, {store.network.dropped:,} dropped")

    times = []
    for seed in range(args.seeds):
        store = started(3, seed)
        store.clock.run_for(random.Random(seed).randrange(1000))
        t0 = store.clock.now
        store.stop([store.leader() or ""])
        store.clock.run_until(lambda s=store: s.write_error() is None, 30_000)
        times.append(store.clock.now - t0)
    times.sort()
    pct = {p: times[min(len(times) - 1, int(len(times) * p / 100))] for p in (0, 50, 90, 99, 100)}
    print(f"leader loss -> writes again, {args.seeds} seeds (virtual ms): min {pct[0]}, median {pct[50]}, "
          f"p90 {pct[90]}, p99 {pct[99]}, max {pct[100]}")


if __name__ == "__main__":
    main()
