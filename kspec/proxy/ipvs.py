"""kube-proxy's IPVS mode (pkg/proxy/ipvs/proxier.go) and the kernel's IPVS tables.

Every cluster IP is bound to the dummy interface ``kube-ipvs0`` and becomes a
virtual server, as does every node port on each of the node's addresses; the
ready endpoints are its real servers (weight 1, masquerading). The ``rr``
scheduler hands new connections to the real servers in turn; ClientIP
affinity is IPVS persistence with the affinity timeout. A virtual server with
no real servers answers ICMP port unreachable, and a port on a cluster IP that
no virtual server serves is rejected (KUBE-IPVS-FILTER), so both are refused.
IPVS has no ``minSyncPeriod`` default, so a change is synced at once.
Load-balancer IPs are bound and served like external IPs. The ipsets IPVS
mode keeps beside the table are kept with upstream's names and entries, and
a connection goes through what its iptables rules do with them: sources
outside ``loadBalancerSourceRanges`` are dropped (KUBE-SOURCE-RANGES-FIREWALL),
and the masquerade decisions of KUBE-SERVICES, KUBE-LOAD-BALANCER and
KUBE-NODE-PORT (Local policies keep the client address). Unlike iptables
mode, a Local-policy virtual server without local real servers answers ICMP
port unreachable (refused) instead of dropping the packet.
Not modelled: graceful termination of removed real servers (they go at once).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from kspec.proxy.provider import ACCEPT, CLUSTER_CIDR, DROP, REJECT, Packet, Provider
from kspec.proxy.types import ServicePortName

#: DefaultScheduler
DEFAULT_SCHEDULER = "rr"
#: the ipsets IPVS mode keeps (ipsetInfo in proxier.go), by name
IPSETS = ("KUBE-CLUSTER-IP", "KUBE-LOOP-BACK", "KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL", "KUBE-LOAD-BALANCER",
          "KUBE-LOAD-BALANCER-LOCAL", "KUBE-LOAD-BALANCER-FW", "KUBE-LOAD-BALANCER-SOURCE-CIDR",
          "KUBE-NODE-PORT-TCP", "KUBE-NODE-PORT-LOCAL-TCP", "KUBE-NODE-PORT-UDP", "KUBE-NODE-PORT-LOCAL-UDP",
          "KUBE-HEALTH-CHECK-NODE-PORT")
#: the bit KUBE-MARK-MASQ sets (masqueradeBit 14)
MASQUERADE_BIT = 1 << 14
IPVS_VERSION_LINE = "IP Virtual Server version 1.2.1 (size=4096)"


@dataclass
class RealServer:
    address: str
    port: int
    weight: int = 1

    def __str__(self) -> str:
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"


@dataclass
class VirtualServer:
    protocol: str
    address: str
    port: int
    scheduler: str = DEFAULT_SCHEDULER
    persistent_seconds: int = 0
    owner: ServicePortName | None = None
    destinations: list[RealServer] = field(default_factory=list)
    last: str = ""  # the rr scheduler's position: the real server it picked last
    templates: dict[str, tuple[str, int]] = field(default_factory=dict)  # client -> (real server, expiry ms)

    @property
    def key(self) -> tuple[str, str, int]:
        return self.protocol, self.address, self.port

    def schedule(self, client: str, now_ms: int) -> RealServer | None:
        live = [d for d in self.destinations if d.weight > 0]
        if not live:
            return None
        if self.persistent_seconds:
            held = self.templates.get(client)
            if held is not None and held[1] >= now_ms:
                dest = next((d for d in live if str(d) == held[0]), None)
                if dest is not None:
                    self.templates[client] = (held[0], now_ms + self.persistent_seconds * 1000)
                    return dest
        names = [str(d) for d in live]
        # ip_vs_rr_schedule: continue after the last pick, wrapping around the list
        start = names.index(self.last) + 1 if self.last in names else 0
        dest = live[start % len(live)]
        self.last = str(dest)
        if self.persistent_seconds:
            self.templates[client] = (str(dest), now_ms + self.persistent_seconds * 1000)
        return dest


def _family(ip: str) -> int:
    return 6 if ":" in ip else 4


def _in_cidr(ip: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


class IpvsProxier(Provider):
    MODE = "ipvs"
    MIN_SYNC_PERIOD_MS = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.virtual_servers: dict[tuple[str, str, int], VirtualServer] = {}
        self.bound: set[str] = set()  # addresses on kube-ipvs0
        # the IP families kube-proxy runs a proxier for: both on a dual-stack node (NewDualStackProxier)
        self.ip_families: frozenset[int] = frozenset({4, 6})
        self.cluster_cidr = CLUSTER_CIDR  # --cluster-cidr: traffic to cluster IPs from elsewhere is masqueraded
        self.masquerade_all = False
        self.ipsets: dict[str, set[str]] = {name: set() for name in IPSETS}

    def sync(self, updated: set[tuple[str, str]], full: bool) -> None:
        wanted: dict[tuple[str, str, int], tuple[VirtualServer, list[RealServer]]] = {}
        bound: set[str] = set()
        sets: dict[str, set[str]] = {name: set() for name in IPSETS}
        for name in sorted(self.svc_port_map, key=str):
            svc = self.svc_port_map[name]
            proto = svc.protocol.upper()
            low = proto.lower()
            cluster, local, _, _ = self.categorize(svc)
            internal = local if svc.internal_local else cluster
            external = local if svc.external_policy_local else cluster
            persist = svc.sticky_seconds if svc.client_ip_affinity else 0
            # one proxier per IP family (NewDualStackProxier): a family serves the Service when it has a cluster IP
            # of that family, and each virtual server gets the endpoints of its own family
            families = {_family(ip) for ip in svc.cluster_ips} & self.ip_families
            addresses = [(ip, svc.port, internal) for ip in svc.cluster_ips]
            addresses += [(ip, svc.port, external) for ip in svc.external_ips]
            addresses += [(ip, svc.port, external) for ip in svc.lb_ips]
            if svc.node_port:
                addresses += [(ip, svc.node_port, external) for ip in self.node_ips]
            for ip, port, endpoints in addresses:
                family = _family(ip)
                if family not in families:
                    continue
                if port == svc.port:
                    bound.add(ip)
                vs = VirtualServer(proto, ip, port, DEFAULT_SCHEDULER, persist, name)
                wanted[vs.key] = (vs, [RealServer(e.ip, e.port) for e in endpoints if _family(e.ip) == family])
            # the ipsets syncProxyRules fills beside the IPVS table (Entry.String() forms)
            for ip in svc.cluster_ips:
                if _family(ip) in families:
                    sets["KUBE-CLUSTER-IP"].add(f"{ip},{low}:{svc.port}")
            for e in self.endpoints_map.get(name, ()):
                if e.node == self.node_name and _family(e.ip) in families:
                    sets["KUBE-LOOP-BACK"].add(f"{e.ip},{low}:{e.port},{e.ip}")
            for ip in svc.external_ips:
                if _family(ip) in families:
                    target = "KUBE-EXTERNAL-IP-LOCAL" if svc.external_policy_local else "KUBE-EXTERNAL-IP"
                    sets[target].add(f"{ip},{low}:{svc.port}")
            for ip in svc.lb_ips:
                if _family(ip) not in families:
                    continue
                entry = f"{ip},{low}:{svc.port}"
                sets["KUBE-LOAD-BALANCER"].add(entry)
                if svc.external_policy_local:
                    sets["KUBE-LOAD-BALANCER-LOCAL"].add(entry)
                if svc.lb_source_ranges:
                    sets["KUBE-LOAD-BALANCER-FW"].add(entry)
                    for cidr in svc.lb_source_ranges:
                        if _family(cidr.split("/")[0]) == _family(ip):
                            sets["KUBE-LOAD-BALANCER-SOURCE-CIDR"].add(f"{entry},{cidr}")
            if svc.node_port and proto in ("TCP", "UDP"):
                sets[f"KUBE-NODE-PORT-{proto}"].add(str(svc.node_port))
                if svc.external_policy_local:
                    sets[f"KUBE-NODE-PORT-LOCAL-{proto}"].add(str(svc.node_port))
            if svc.health_check_node_port:
                sets["KUBE-HEALTH-CHECK-NODE-PORT"].add(str(svc.health_check_node_port))
        for key in [k for k in self.virtual_servers if k not in wanted]:
            del self.virtual_servers[key]
        for key, (vs, dests) in wanted.items():
            current = self.virtual_servers.get(key)
            if current is None or (current.persistent_seconds, current.owner) != (vs.persistent_seconds, vs.owner):
                self.virtual_servers[key] = current = vs
            keep = {str(d) for d in dests}
            current.destinations = [d for d in current.destinations if str(d) in keep]
            have = {str(d) for d in current.destinations}
            current.destinations += [d for d in dests if str(d) not in have]
        self.bound = bound - set(self.node_ips)
        self.ipsets = sets

    def process(self, packet: Packet, local_origin: bool) -> tuple[str, Packet]:
        pkt = packet.clone()
        if pkt.dst not in self.bound and pkt.dst not in self.node_ips:
            return ACCEPT, pkt
        entry = f"{pkt.dst},{pkt.proto}:{pkt.dport}"
        sets = self.ipsets
        # KUBE-PROXY-FIREWALL -> KUBE-SOURCE-RANGES-FIREWALL: a load-balancer IP with source ranges drops the rest
        if entry in sets["KUBE-LOAD-BALANCER-FW"] and not any(
                _in_cidr(pkt.src, e.rsplit(",", 1)[1]) for e in sets["KUBE-LOAD-BALANCER-SOURCE-CIDR"]
                if e.rsplit(",", 1)[0] == entry):
            return DROP, pkt
        vs = self.virtual_servers.get((pkt.proto.upper(), pkt.dst, pkt.dport))
        if vs is None:
            # KUBE-IPVS-FILTER rejects other ports on service IPs; a node's own port just has no listener
            return (REJECT, pkt) if pkt.dst in self.bound else (ACCEPT, pkt)
        masquerade = self._masquerade(pkt, entry)
        dest = vs.schedule(pkt.src, self.clock.now)
        if dest is None:
            return REJECT, pkt  # ip_vs_leave: ICMP port unreachable
        if f"{dest.address},{pkt.proto}:{dest.port},{pkt.src}" in sets["KUBE-LOOP-BACK"]:
            masquerade = True  # KUBE-POSTROUTING: a pod reaching itself through its Service (hairpin)
        pkt.dst, pkt.dport, pkt.dnat = dest.address, dest.port, True
        if masquerade:
            pkt.mark |= MASQUERADE_BIT
        return ACCEPT, pkt

    def _masquerade(self, pkt: Packet, entry: str) -> bool:
        """The KUBE-SERVICES / KUBE-LOAD-BALANCER / KUBE-NODE-PORT rules of IPVS mode that jump to KUBE-MARK-MASQ."""
        sets = self.ipsets
        if entry in sets["KUBE-CLUSTER-IP"]:
            return self.masquerade_all or not _in_cidr(pkt.src, self.cluster_cidr)
        if entry in sets["KUBE-LOAD-BALANCER"]:
            return entry not in sets["KUBE-LOAD-BALANCER-LOCAL"]  # KUBE-LOAD-BALANCER: RETURN for the Local ones
        if entry in sets["KUBE-EXTERNAL-IP"]:
            return True
        if entry in sets["KUBE-EXTERNAL-IP-LOCAL"]:
            return False
        proto = pkt.proto.upper()
        if pkt.dst in self.node_ips and proto in ("TCP", "UDP") and str(pkt.dport) in sets[f"KUBE-NODE-PORT-{proto}"]:
            return str(pkt.dport) not in sets[f"KUBE-NODE-PORT-LOCAL-{proto}"]
        return False

    def rules(self) -> str:
        """``ipvsadm -Ln``."""
        lines = [IPVS_VERSION_LINE, "Prot LocalAddress:Port Scheduler Flags",
                 "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"]
        for key in sorted(self.virtual_servers):
            vs = self.virtual_servers[key]
            flags = f" persistent {vs.persistent_seconds}" if vs.persistent_seconds else ""
            lines.append(f"{vs.protocol}  {vs.address}:{vs.port} {vs.scheduler}{flags}")
            for d in vs.destinations:
                lines.append(f"  -> {str(d):<28} {'Masq':<7} {d.weight:<6} {0:<10} {0:<10}".rstrip())
        return "\n".join(lines) + "\n"


__all__ = ["DROP", "IpvsProxier", "RealServer", "VirtualServer"]
