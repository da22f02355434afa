"""kube-proxy at scale: a scaling series of Services x 25 endpoints on 100 nodes, for every proxy mode.

    python benchmarks/proxy_sync.py [--sizes 1000,5000,10000] [--modes iptables,ipvs] [--endpoints 25]
                                    [--nodes 100] [--connections 1000] [--repeats 3]

Upstream's scalability envelope is 10,000 Services and 100 nodes (sig-scalability thresholds); the modes
come from ``kspec.proxy.kubeproxy.MODES``, so a new mode (nftables) joins the series by itself.

One node's proxier (the Provider kube-proxy runs on ``node-000``) is fed the informers' initial lists of
Service and EndpointSlice objects directly, without an API server: the same change trackers, maps and
``syncProxyRules`` code a cluster runs, minus minutes of building the cluster. The endpoints are spread over
the 100 nodes (``nodeName``), so each Service has a few endpoints local to the proxier's node; one Service in
ten is a NodePort, half of those with ``externalTrafficPolicy: Local`` (its local endpoints only).

For each mode and size it prints: the rules produced (``iptables-save`` lines; IPVS virtual + real servers;
nftables rules plus set and map elements),
the full sync (the first one, OnServicesSynced: every chain written), the sync after one endpoint is
removed from one Service (iptables: the partial sync, only that Service's chains are rewritten, as upstream's
syncProxyRules does when needFullSync is false; ipvs: its sync is always full, as upstream's is; a new mode
whose proxier has PARTIAL_SYNC = True is labelled partial), and new connections routed per second: seeded
random connections from a pod on the node to random Service cluster IPs through ``Provider.process`` (the
node's kernel: netfilter chains walked rule by rule, or the IPVS table and ipsets), the per-hop step of
``KubeProxy._route``. Times are CPU time (``time.process_time``), the minimum over repeats, since the
machine is shared, with the cyclic GC held off while timing.
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import math
import random
import time
from collections.abc import Callable

from tabulate import tabulate

from kspec.clock import Clock
from kspec.objects import Obj
from kspec.proxy import netfilter, nft
from kspec.proxy.iptables import IptablesProxier
from kspec.proxy.ipvs import IpvsProxier
from kspec.proxy.kubeproxy import MODES
from kspec.proxy.provider import Packet, Provider

CLUSTER_IP_BASE = int(ipaddress.IPv4Address("10.96.0.10"))
POD_IP_BASE = int(ipaddress.IPv4Address("10.244.0.2"))
MIN_ROUTE_CPU = 0.3
CLIENT = "10.244.255.254"  # a pod on the proxier's node (inside --cluster-cidr 10.244.0.0/16)


def node(i: int) -> Obj:
    return {"metadata": {"name": f"node-{i:03d}"},
            "status": {"addresses": [{"type": "InternalIP", "address": f"172.18.{i // 250}.{i % 250 + 2}"}]}}


def objects(services: int, per: int, nodes: int) -> tuple[list[Obj], list[Obj]]:
    """Services (1 in 10 a NodePort, half of those Local) and one EndpointSlice each, endpoints round-robin."""
    svcs, slices = [], []
    for i in range(services):
        name = f"svc-{i:05d}"
        spec: Obj = {"clusterIP": str(ipaddress.IPv4Address(CLUSTER_IP_BASE + i)), "type": "ClusterIP",
                     "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}
        if i % 10 == 0:
            spec["type"] = "NodePort"
            spec["ports"][0]["nodePort"] = 30000 + (i // 10) % 2768
            spec["externalTrafficPolicy"] = "Local" if i % 20 == 0 else "Cluster"
        svcs.append({"kind": "Service", "metadata": {"name": name, "namespace": "default"}, "spec": spec})
        endpoints = [{"addresses": [str(ipaddress.IPv4Address(POD_IP_BASE + i * per + j))],
                      "conditions": {"ready": True, "serving": True, "terminating": False},
                      "nodeName": f"node-{(i * per + j) % nodes:03d}",
                      "targetRef": {"kind": "Pod", "name": f"{name}-{j}", "namespace": "default"}}
                     for j in range(per)]
        slices.append({"kind": "EndpointSlice", "addressType": "IPv4",
                       "metadata": {"name": f"{name}-abcde", "namespace": "default",
                                    "labels": {"kubernetes.io/service-name": name}},
                       "endpoints": endpoints, "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]})
    return svcs, slices


def rule_count(proxier: Provider) -> int:
    counted = getattr(proxier, "rule_count", None)
    if counted is not None:  # nftables: rules plus set and map elements
        return int(counted())
    if isinstance(proxier, IpvsProxier):
        return sum(1 + len(vs.destinations) for vs in proxier.virtual_servers.values())
    if isinstance(proxier, IptablesProxier):
        return sum(1 for line in proxier.rules().splitlines() if line.startswith("-A "))
    return len(proxier.rules().splitlines())


def cpu(fn: Callable[[], object]) -> float:
    """CPU seconds of ``fn``, with Python's cyclic GC held off: its full collections scan the whole heap (a
    million rule objects at 10,000 Services), a cost of the simulator's language rather than of the proxier,
    and one that lands on whichever call happens to trigger it."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        fn()
        return time.process_time() - start
    finally:
        gc.enable()


def bench(mode: str, services: int, per: int, nodes: int, connections: int, repeats: int) -> dict:
    cls = MODES[mode]
    svcs, slices = objects(services, per, nodes)
    fulls, proxier = [], None
    for _ in range(repeats if services <= 1000 else 1):  # a new proxier each time: the first sync is the full one
        proxier = cls(node(0), Clock(), random.Random(0))
        # a cold start: netfilter's parsed-rule cache is shared by every proxier in the process, so without
        # this a repeat would skip the parsing its first run did (and only sizes under its cap would benefit)
        netfilter._PARSED.clear()
        nft._PARSED.clear()
        fulls.append(cpu(lambda p=proxier: p.start(svcs, slices)))  # type: ignore[misc]
    assert proxier is not None
    rules = rule_count(proxier)
    # one endpoint removed from one Service, then put back: each a sync after the rate limit (minSyncPeriod)
    original = slices[services // 2]
    fewer = dict(original, endpoints=original["endpoints"][:-1])
    changes = []
    for r in range(2 * repeats):
        old, new = (original, fewer) if r % 2 == 0 else (fewer, original)
        proxier.clock.run_for(proxier.MIN_SYNC_PERIOD_MS + 1)
        proxier.on_endpoints(old, new)
        changes.append(cpu(lambda: proxier.clock.run_for(proxier.MIN_SYNC_PERIOD_MS + 1)))
    rng = random.Random(1)
    targets = [svcs[rng.randrange(services)]["spec"]["clusterIP"] for _ in range(connections)]
    proxier.process(Packet(CLIENT, targets[0], 80), False)  # any deferred rules written before timing
    def route() -> None:
        for ip in targets:
            proxier.process(Packet(CLIENT, ip, 80), False)

    # enough rounds over the targets for at least MIN_ROUTE_CPU seconds of CPU per repeat (a fast mode's
    # 1,000 connections take a few ms, too short to time on a loaded machine)
    rounds = max(1, math.ceil(MIN_ROUTE_CPU / max(cpu(route), 1e-6)))
    routed = [cpu(lambda: [route() for _ in range(rounds)]) / rounds for _ in range(repeats)]
    verdict, pkt = proxier.process(Packet(CLIENT, targets[0], 80), False)
    assert pkt.dnat, f"{mode}: a connection to a cluster IP was not DNATed ({verdict})"
    partial = getattr(proxier, "PARTIAL_SYNC", isinstance(proxier, IptablesProxier))
    return {"mode": mode, "services": services, "endpoints": services * per, "rules": rules,
            "full": min(fulls), "change": min(changes), "partial": partial,
            "rate": connections / max(min(routed), 1e-9)}


def row(r: dict) -> list[str]:
    kind = "partial" if r["partial"] else "full"
    return [r["mode"], f"{r['services']:,}", f"{r['endpoints']:,}", f"{r['rules']:,}", f"{r['full']:.3f}",
            f"{r['change'] * 1000:.1f} ({kind})", f"{r['rate']:,.0f}"]


def shape(ratio: float, services: float) -> str:
    """How a figure grows against the number of Services, in words."""
    if ratio < 1.5:
        return "flat"
    if ratio >= 0.6 * services:
        return "linear" if ratio <= 1.6 * services else "superlinear"
    return "sublinear"


def closing_note(rows: list[dict]) -> list[str]:
    """Per mode, each figure at the largest size over the smallest, against the growth in Services."""
    lines = []
    for mode in dict.fromkeys(r["mode"] for r in rows):
        mine = [r for r in rows if r["mode"] == mode]
        lo, hi = min(mine, key=lambda r: r["services"]), max(mine, key=lambda r: r["services"])
        if lo is hi:
            continue
        n = hi["services"] / lo["services"]
        figures = {"rules": hi["rules"] / lo["rules"], "full sync": hi["full"] / max(lo["full"], 1e-9),
                   "1 endpoint change": hi["change"] / max(lo["change"], 1e-9),
                   "per-connection cost": lo["rate"] / hi["rate"]}
        said = ", ".join(f"{k} x{v:.1f} ({shape(v, n)})" for k, v in figures.items())
        us_lo, us_hi = 1e6 / lo["rate"], 1e6 / hi["rate"]
        per_k = (us_hi - us_lo) / (hi["services"] - lo["services"]) * 1000
        lines.append(f"{mode}: Services x{n:g} ({lo['services']:,} -> {hi['services']:,}): {said}; "
                     f"a connection {us_lo:.1f} -> {us_hi:.1f} us CPU, {per_k:+.2f} us per 1,000 Services")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,10000", help="numbers of Services, comma-separated")
    ap.add_argument("--modes", default=",".join(MODES), help=f"proxy modes (default: {','.join(MODES)})")
    ap.add_argument("--endpoints", type=int, default=25, help="endpoints per Service")
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--connections", type=int, default=1000, help="connections routed per repeat")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        ap.error(f"unknown mode(s) {', '.join(unknown)}; kspec has {', '.join(MODES)}")
    rows: list[dict] = []
    for mode in modes:
        for size in sizes:
            rows.append(bench(mode, size, args.endpoints, args.nodes, args.connections, args.repeats))
            print(tabulate([row(rows[-1])], tablefmt="plain", disable_numparse=True), flush=True)
    print()
    print(tabulate([row(r) for r in rows], headers=["mode", "Services", "endpoints", "rules", "full sync s",
                                  "1 endpoint change ms", "connections/s"], tablefmt="github",
                   disable_numparse=True, colalign=("left", *["right"] * 6)))
    note = closing_note(rows)
    if note:
        print("\nHow each grows with the number of Services (largest size over smallest):")
        print("\n".join(note))


if __name__ == "__main__":
    main()
