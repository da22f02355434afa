"""kube-proxy iptables mode at scale: sync time for 1,000 Services x 10 endpoints, and connect() throughput.

    python benchmarks/proxy_sync.py [services] [endpoints-per-service]

Prints the full sync (every chain written and restored), a partial sync after
one Service's endpoints change, the restore size, and connections walked per
second through the resulting rules (one node's proxier, wall-clock time).
"""

from __future__ import annotations

import random
import sys
import time

from kspec.clock import Clock
from kspec.proxy.iptables import IptablesProxier
from kspec.proxy.ipvs import IpvsProxier
from kspec.proxy.provider import Packet, Provider

NODE = {"metadata": {"name": "node-1"}, "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}]}}


def objects(services: int, per: int) -> tuple[list[dict], list[dict]]:
    svcs, eps = [], []
    for i in range(services):
        ip = f"10.96.{i // 250 + 1}.{i % 250 + 1}"
        svcs.append({"metadata": {"name": f"svc-{i}", "namespace": "default"},
                     "spec": {"clusterIP": ip, "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}})
        eps.append({"metadata": {"name": f"svc-{i}", "namespace": "default"},
                    "subsets": [{"addresses": [{"ip": f"10.{100 + i // 250}.{i % 250}.{j + 1}", "nodeName": "node-1"}
                                               for j in range(per)],
                                 "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]})
    return svcs, eps


def bench(cls: type[Provider], services: int, per: int) -> None:
    svcs, eps = objects(services, per)
    proxier = cls(NODE, Clock(), random.Random(0))
    start = time.perf_counter()
    proxier.start(svcs, eps)
    full = time.perf_counter() - start
    changed = dict(eps[0])
    changed["subsets"] = [dict(eps[0]["subsets"][0], addresses=eps[0]["subsets"][0]["addresses"][:-1])]
    proxier.on_endpoints(eps[0], changed)
    proxier.clock.run_for(proxier.MIN_SYNC_PERIOD_MS)
    start = time.perf_counter()
    proxier.clock.run_for(proxier.MIN_SYNC_PERIOD_MS + 1)
    proxier.on_endpoints(changed, eps[0])
    proxier.clock.run_for(proxier.MIN_SYNC_PERIOD_MS + 1)
    partial = time.perf_counter() - start
    rng = random.Random(1)
    n = 2000
    targets = [svcs[rng.randrange(services)]["spec"]["clusterIP"] for _ in range(n)]
    start = time.perf_counter()
    for ip in targets:
        proxier.process(Packet("10.244.9.9", ip, 80), False)
    rate = n / (time.perf_counter() - start)
    print(f"{cls.MODE:8} {services} services x {per} endpoints: full sync {full * 1000:.0f} ms, "
          f"partial sync (1 service changed) {partial * 1000:.1f} ms, connect {rate:,.0f}/s")
    if isinstance(proxier, IptablesProxier):
        lines = sum(len(c) for t in proxier.netfilter.tables.values() for c in t.values())
        print(f"{'':8} iptables rules installed: {lines:,}; last restore {len(proxier.last_restore) / 1e6:.1f} MB")


def main() -> None:
    services = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    bench(IptablesProxier, services, per)
    bench(IpvsProxier, services, per)


if __name__ == "__main__":
    main()
