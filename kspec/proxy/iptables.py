"""kube-proxy's iptables mode (pkg/proxy/iptables/proxier.go ``syncProxyRules``).

Each sync writes iptables-restore input with upstream's chains, comments and
probabilities into the node's netfilter tables (netfilter.py), and a new
connection is the kernel walking those tables. Like upstream, a sync after the
first rewrites only the chains of Services whose Service or Endpoints changed
(KUBE-SERVICES and the other top-level chains are always rewritten), and
syncs are at least ``minSyncPeriod`` (1s) apart, so rules lag a change by up to
a second. nfacct counters and ``--random-fully`` appear as the node's kernel
allows (attributes set like kube-proxy's start-up probes). Not modelled:
topology hints, and the hourly forced full resync (nothing on a
simulated node flushes iptables behind kube-proxy's back).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from dataclasses import dataclass, field

from kspec.proxy.netfilter import Context, Netfilter, RestoreError
from kspec.proxy.provider import ACCEPT, CLUSTER_CIDR, Packet, Provider
from kspec.proxy.types import Endpoint, ServicePort, ServicePortName

KUBE_SERVICES = "KUBE-SERVICES"
KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES"
KUBE_NODEPORTS = "KUBE-NODEPORTS"
KUBE_POSTROUTING = "KUBE-POSTROUTING"
KUBE_MARK_MASQ = "KUBE-MARK-MASQ"
KUBE_FORWARD = "KUBE-FORWARD"
KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL"
KUBE_FIREWALL = "KUBE-FIREWALL"
SERVICE_CHAIN_PREFIXES = ("KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-")
#: KubeProxyConfiguration defaults: iptables.minSyncPeriod 1s, masqueradeBit 14
MIN_SYNC_PERIOD_MS = 1000
MASQUERADE_MARK = f"{1 << 14:#010x}"  # fmt.Sprintf("%#08x", 1<<masqueradeBit) == "0x00004000"
#: metrics.IPTablesCTStateInvalidDroppedNFAcctCounter and LocalhostNodePortAcceptedNFAcctCounter
NFACCT_CT_STATE_INVALID = "ct_state_invalid_dropped_pkts"
NFACCT_LOCALHOST_NODEPORTS = "localhost_nps_accepted_pkts"
#: KubeProxyConfiguration iptables.syncPeriod default: the retry delay after a failed sync, and how long large
#: cluster mode leaves stale chains before deleting them
SYNC_PERIOD_MS = 30_000
#: largeClusterEndpointsThreshold: above this many endpoints the per-endpoint comments go
LARGE_CLUSTER_ENDPOINTS = 1000

# iptablesJumpChains: (table, target chain, built-in chain, comment, extra args)
_NEW = ["-m", "conntrack", "--ctstate", "NEW"]
JUMP_CHAINS = (
    ("filter", KUBE_EXTERNAL_SERVICES, "INPUT", "kubernetes externally-visible service portals", _NEW),
    ("filter", KUBE_EXTERNAL_SERVICES, "FORWARD", "kubernetes externally-visible service portals", _NEW),
    ("filter", KUBE_NODEPORTS, "INPUT", "kubernetes health check service ports", []),
    ("filter", KUBE_SERVICES, "FORWARD", "kubernetes service portals", _NEW),
    ("filter", KUBE_SERVICES, "OUTPUT", "kubernetes service portals", _NEW),
    ("filter", KUBE_FORWARD, "FORWARD", "kubernetes forwarding rules", []),
    ("filter", KUBE_PROXY_FIREWALL, "INPUT", "kubernetes load balancer firewall", _NEW),
    ("filter", KUBE_PROXY_FIREWALL, "OUTPUT", "kubernetes load balancer firewall", _NEW),
    ("filter", KUBE_PROXY_FIREWALL, "FORWARD", "kubernetes load balancer firewall", _NEW),
    ("nat", KUBE_SERVICES, "OUTPUT", "kubernetes service portals", []),
    ("nat", KUBE_SERVICES, "PREROUTING", "kubernetes service portals", []),
    ("nat", KUBE_POSTROUTING, "POSTROUTING", "kubernetes postrouting rules", []),
    ("filter", KUBE_FIREWALL, "INPUT", "", []),
    ("filter", KUBE_FIREWALL, "OUTPUT", "", []),
)


def port_proto_hash(service_port_name: str, protocol: str) -> str:
    """portProtoHash: base32(sha256(name + protocol)), first 16 characters."""
    digest = hashlib.sha256((service_port_name + protocol).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def service_chain(name: ServicePortName, prefix: str = "KUBE-SVC-") -> str:
    """servicePortPolicyClusterChain (and the SVL/EXT/FW chains with their prefixes)."""
    return prefix + port_proto_hash(str(name), name.protocol.lower())


def endpoint_chain(name: ServicePortName, endpoint: Endpoint) -> str:
    """servicePortEndpointChainName: the hash also covers "ip:port"."""
    return "KUBE-SEP-" + port_proto_hash(str(name), name.protocol.lower() + str(endpoint))


def probability(n: int) -> str:
    """computeProbability: 1/n formatted %0.10f."""
    return f"{1.0 / n:0.10f}"


@dataclass
class _ServiceRules:
    """What one service port contributes to a restore: top-level rules and its own chains."""

    nat_top: list[str] = field(default_factory=list)
    filter_top: list[str] = field(default_factory=list)
    chains: list[str] = field(default_factory=list)
    chain_rules: list[str] = field(default_factory=list)


class IptablesProxier(Provider):
    MODE = "iptables"
    MIN_SYNC_PERIOD_MS = MIN_SYNC_PERIOD_MS
    DEFERRABLE = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.netfilter = Netfilter()
        self.large_cluster_mode = False
        # KubeProxyConfiguration fields and what kube-proxy probes on the node at start-up (NewProxier)
        self.localhost_node_ports = True  # iptables.localhostNodePorts default
        # clusterCIDR, for the detect-local rules (NewDetectLocalByCIDR); "" is the no-op detector
        self.cluster_cidr = CLUSTER_CIDR
        self.masquerade_all = False  # iptables.masqueradeAll: SNAT everything sent to a cluster IP
        self.masquerade_mark = MASQUERADE_MARK  # iptables.masqueradeBit, formatted as NewProxier does
        self.random_fully = True  # iptables.HasRandomFully(): the node's iptables supports --random-fully
        self.node_port_addresses: tuple[str, ...] = ()  # nodePortAddresses: CIDRs; empty matches every address
        self.conntrack_tcp_liberal = False  # conntrack.tcpBeLiberal: then INVALID packets are not dropped
        self.nfacct_counters: frozenset[str] = frozenset()  # nfacct counters the kernel let kube-proxy create
        self.sync_period_ms = SYNC_PERIOD_MS
        self.last_cleanup_ms: int | None = None  # lastIPTablesCleanup: when stale chains were last deleted
        self.partial_restore_failures = 0  # metrics.IPTablesPartialRestoreFailuresTotal
        self.no_local_endpoints = {"internal": 0, "external": 0}
        self.last_restore = ""
        self._cache: dict[ServicePortName, _ServiceRules] = {}

    # -- sync ---------------------------------------------------------------------------
    def still_deferrable(self) -> bool:
        # a partial sync keeps unchanged Services' chains as written: equal to a full one while the comment
        # style (large cluster mode) stays what it was when the deferral began (off)
        return sum(len(self.endpoints_map.get(name, ())) for name in self.svc_port_map) <= LARGE_CLUSTER_ENDPOINTS

    def sync(self, updated: set[tuple[str, str]], full: bool) -> None:
        if full:
            for table, dst, src, comment, extra in JUMP_CHAINS:
                args = [*extra, *(["-m", "comment", "--comment", comment] if comment else []), "-j", dst]
                self.netfilter.ensure_rule(table, src, args)
        total = sum(len(self.endpoints_map.get(name, ())) for name in self.svc_port_map)
        self.large_cluster_mode = total > LARGE_CLUSTER_ENDPOINTS
        self._count_no_local_endpoints()
        filter_chains = [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL]
        nat_chains = [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]
        mark = self.masquerade_mark
        nat_rules = [
            f"-A {KUBE_POSTROUTING} -m mark ! --mark {mark}/{mark} -j RETURN",
            f"-A {KUBE_POSTROUTING} -j MARK --xor-mark {mark}",
            f'-A {KUBE_POSTROUTING} -m comment --comment "kubernetes service traffic requiring SNAT" '
            "-j MASQUERADE" + (" --random-fully" if self.random_fully else ""),
            f"-A {KUBE_MARK_MASQ} -j MARK --or-mark {mark}",
        ]
        filter_rules: list[str] = []
        if self.localhost_node_ports and self._node_ports_on_loopback():
            filter_chains.append(KUBE_FIREWALL)
            filter_rules.append(f'-A {KUBE_FIREWALL} -m comment --comment "block incoming localnet connections" '
                                "-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT "
                                "-j DROP")
        active: set[str] = set()
        cache: dict[ServicePortName, _ServiceRules] = {}
        for name in sorted(self.svc_port_map, key=str):
            svc = self.svc_port_map[name]
            rules = None if full or name.service in updated else self._cache.get(name)
            fresh = rules is None
            if rules is None:
                rules = self._service_rules(svc)
            cache[name] = rules
            active.update(rules.chains)
            nat_rules.extend(rules.nat_top)
            filter_rules.extend(rules.filter_top)
            if fresh:
                nat_chains.extend(rules.chains)
                nat_rules.extend(rules.chain_rules)
        self._cache = cache
        # in large clusters stale chains go at most once per syncPeriod: they are harmless, and finding them is slow
        now = self.clock.now
        cleanup = (not self.large_cluster_mode or self.last_cleanup_ms is None
                   or now - self.last_cleanup_ms > self.sync_period_ms)
        deleted = [c for c in sorted(self.netfilter.tables["nat"])
                   if c.startswith(SERVICE_CHAIN_PREFIXES) and c not in active] if cleanup else []
        if cleanup:
            self.last_cleanup_ms = now
        nat_chains.extend(deleted)
        nat_rules.extend(f"-X {c}" for c in deleted)
        last = '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain"'
        for dest in self._node_port_destinations():
            nat_rules.append(f"-A {KUBE_SERVICES} {last} {dest} -j {KUBE_NODEPORTS}")
        invalid = (f" -m nfacct --nfacct-name {NFACCT_CT_STATE_INVALID}"
                   if NFACCT_CT_STATE_INVALID in self.nfacct_counters else "")
        if not self.conntrack_tcp_liberal:
            filter_rules.append(f"-A {KUBE_FORWARD} -m conntrack --ctstate INVALID{invalid} -j DROP")
        filter_rules += [
            f'-A {KUBE_FORWARD} -m comment --comment "kubernetes forwarding rules" -m mark --mark {mark}/{mark} '
            "-j ACCEPT",
            f'-A {KUBE_FORWARD} -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack '
            "--ctstate RELATED,ESTABLISHED -j ACCEPT",
        ]
        data = "\n".join(["*filter", *(f":{c} - [0:0]" for c in filter_chains), *filter_rules, "COMMIT",
                          "*nat", *(f":{c} - [0:0]" for c in nat_chains), *nat_rules, "COMMIT"]) + "\n"
        self.last_restore = data
        try:
            self.netfilter.restore(data)
        except RestoreError:
            if full:
                raise  # a full restore that fails is a bug in these rules, not something a node does
            # the deferred clean-up in syncProxyRules: the changes are folded in already, so only a full sync can
            # recover; retried after syncPeriod
            self.partial_restore_failures += 1
            self.need_full_sync = True
            self.clock.call_at(self.clock.now + self.sync_period_ms, self.runner.run,
                               label=f"iptables sync retry on {self.node_name}")

    def _node_port_cidrs(self) -> list[ipaddress.IPv4Network] | None:
        """NewNodePortAddresses for IPv4: None when node ports are open on every address (MatchAll)."""
        cidrs = [ipaddress.ip_network(c.strip(), strict=False) for c in self.node_port_addresses]
        v4 = [c for c in cidrs if isinstance(c, ipaddress.IPv4Network)]
        return None if not v4 or any(c.prefixlen == 0 for c in v4) else v4

    def _node_ports_on_loopback(self) -> bool:
        """ContainsIPv4Loopback: whether localhost node ports need the KUBE-FIREWALL martian rule."""
        cidrs = self._node_port_cidrs()
        return cidrs is None or any(c.overlaps(ipaddress.ip_network("127.0.0.0/8")) for c in cidrs)

    def _node_port_destinations(self) -> list[str]:
        """The tail call to KUBE-NODEPORTS: every local address, or each node IP --nodeport-addresses allows."""
        cidrs = self._node_port_cidrs()
        if cidrs is None:
            return ["-m addrtype --dst-type LOCAL" + ("" if self.localhost_node_ports else " ! -d 127.0.0.0/8")]
        out = []
        for ip in ["127.0.0.1", *self.node_ips]:  # GetNodeIPs: lo first, then the node's interfaces
            addr = ipaddress.ip_address(ip)
            if addr.version != 4 or not any(addr in c for c in cidrs):
                continue
            if addr.is_loopback and not self.localhost_node_ports:
                continue  # "--nodeport-addresses includes localhost but --iptables-localhost-nodeports=false"
            out.append(f"-d {ip}")
        return out

    def _count_no_local_endpoints(self) -> None:
        """metrics.SyncProxyRulesNoLocalEndpointsTotal: Local-policy service ports whose endpoints are all remote."""
        internal = external = 0
        for svc in self.svc_port_map.values():
            _cluster, local, _reachable, has_endpoints = self.categorize(svc)
            if has_endpoints and not local:
                internal += svc.internal_local
                external += svc.external_policy_local
        self.no_local_endpoints = {"internal": internal, "external": external}

    def _comment(self, text: str) -> str:
        """appendServiceCommentLocked: per-endpoint comments are dropped in large clusters."""
        return "" if self.large_cluster_mode else f" -m comment --comment {text}"

    def _service_rules(self, svc: ServicePort) -> _ServiceRules:
        out = _ServiceRules()
        name = str(svc.name)
        proto = svc.protocol.lower()
        match = f"-m {proto} -p {proto}"
        cluster, local, reachable, has_endpoints = self.categorize(svc)
        svc_chain, svl_chain = service_chain(svc.name), service_chain(svc.name, "KUBE-SVL-")
        ext_chain = service_chain(svc.name, "KUBE-EXT-")
        internal_chain, has_internal = svc_chain, has_endpoints
        if svc.internal_local:
            internal_chain, has_internal = svl_chain, has_endpoints and bool(local)
        external_chain, has_external = svc_chain, has_endpoints
        if svc.external_policy_local:
            external_chain, has_external = svl_chain, has_endpoints and bool(local)
        if not has_endpoints:
            internal_target = external_target = "REJECT"
            internal_comment = external_comment = f'"{name} has no endpoints"'
        else:
            internal_target = external_target = "DROP"
            internal_comment = external_comment = f'"{name} has no local endpoints"'
        for ip in svc.cluster_ips:
            dest = f"{match} -d {ip} --dport {svc.port}"
            if has_internal:
                out.nat_top.append(f'-A {KUBE_SERVICES} -m comment --comment "{name} cluster IP" {dest} '
                                   f"-j {internal_chain}")
            else:
                out.filter_top.append(f"-A {KUBE_SERVICES} -m comment --comment {internal_comment} {dest} "
                                      f"-j {internal_target}")
        for ip in svc.external_ips:
            dest = f"{match} -d {ip} --dport {svc.port}"
            if has_endpoints:
                out.nat_top.append(f'-A {KUBE_SERVICES} -m comment --comment "{name} external IP" {dest} '
                                   f"-j {ext_chain}")
            if not has_external:
                out.filter_top.append(f"-A {KUBE_EXTERNAL_SERVICES} -m comment --comment {external_comment} "
                                      f"{dest} -j {external_target}")
        # load-balancer ingress: through KUBE-FW-* when loadBalancerSourceRanges restrict the sources
        fw_chain = service_chain(svc.name, "KUBE-FW-")
        uses_fw = has_endpoints and bool(svc.lb_ips) and bool(svc.lb_source_ranges)
        for ip in svc.lb_ips:
            dest = f"{match} -d {ip} --dport {svc.port}"
            if has_endpoints:
                out.nat_top.append(f'-A {KUBE_SERVICES} -m comment --comment "{name} loadbalancer IP" {dest} '
                                   f"-j {fw_chain if uses_fw else ext_chain}")
            if uses_fw:
                out.filter_top.append(f'-A {KUBE_PROXY_FIREWALL} -m comment --comment "{name} traffic not accepted '
                                      f'by {fw_chain}" {dest} -j DROP')
        if not has_external:
            for ip in svc.lb_ips:
                out.filter_top.append(f"-A {KUBE_EXTERNAL_SERVICES} -m comment --comment {external_comment} "
                                      f"{match} -d {ip} --dport {svc.port} -j {external_target}")
        if svc.node_port:
            if has_endpoints and self.localhost_node_ports and NFACCT_LOCALHOST_NODEPORTS in self.nfacct_counters \
                    and ":" not in svc.cluster_ip:
                # only there to count localhost node-port packets: KUBE-NODEPORTS' next rule routes them anyway
                out.nat_top.append(f"-A {KUBE_NODEPORTS} -m comment --comment {name} {match} -d 127.0.0.0/8 "
                                   f"--dport {svc.node_port} -m nfacct --nfacct-name {NFACCT_LOCALHOST_NODEPORTS} "
                                   f"-j {ext_chain}")
            if has_endpoints:
                out.nat_top.append(f"-A {KUBE_NODEPORTS} -m comment --comment {name} {match} "
                                   f"--dport {svc.node_port} -j {ext_chain}")
            if not has_external:
                out.filter_top.append(f"-A {KUBE_EXTERNAL_SERVICES} -m comment --comment {external_comment} "
                                      f"-m addrtype --dst-type LOCAL {match} --dport {svc.node_port} "
                                      f"-j {external_target}")
        if svc.health_check_node_port:
            out.filter_top.append(f'-A {KUBE_NODEPORTS} -m comment --comment "{name} health check node port" '
                                  f"-m tcp -p tcp --dport {svc.health_check_node_port} -j ACCEPT")
        rules = out.chain_rules
        if has_internal and (self.masquerade_all or self.cluster_cidr):
            # masqueradeAll, else the local traffic detector (ClusterCIDR): masquerade what does not come from a pod
            not_local = "" if self.masquerade_all else f" ! -s {self.cluster_cidr}"
            rules.append(f'-A {internal_chain} -m comment --comment "{name} cluster IP" {match} '
                         f"-d {svc.cluster_ip} --dport {svc.port}{not_local} -j {KUBE_MARK_MASQ}")
        if has_endpoints and svc.externally_accessible:
            out.chains.append(ext_chain)
            if not svc.external_policy_local:
                rules.append(f'-A {ext_chain} -m comment --comment "masquerade traffic for {name} external '
                             f'destinations" -j {KUBE_MARK_MASQ}')
            else:
                if self.cluster_cidr:  # the short cut for pods needs a local traffic detector
                    rules.append(f'-A {ext_chain} -m comment --comment "pod traffic for {name} external '
                                 f'destinations" -s {self.cluster_cidr} -j {svc_chain}')
                rules += [
                    f'-A {ext_chain} -m comment --comment "masquerade LOCAL traffic for {name} external '
                    f'destinations" -m addrtype --src-type LOCAL -j {KUBE_MARK_MASQ}',
                    f'-A {ext_chain} -m comment --comment "route LOCAL traffic for {name} external '
                    f'destinations" -m addrtype --src-type LOCAL -j {svc_chain}',
                ]
            if has_external:
                rules.append(f"-A {ext_chain} -j {external_chain}")
        if uses_fw:
            out.chains.append(fw_chain)
            head = f'-A {fw_chain} -m comment --comment "{name} loadbalancer IP"'
            rules += [f"{head} -s {cidr} -j {ext_chain}" for cidr in svc.lb_source_ranges]
            # a VIP-like load balancer loops the node's own requests back from the VIP: allow those too
            node_ip = next((ip for ip in self.node_ips if ":" not in ip), "")
            if node_ip and any(ipaddress.ip_address(node_ip) in ipaddress.ip_network(c, strict=False)
                               for c in svc.lb_source_ranges if ":" not in c):
                rules += [f"{head} -s {ip} -j {ext_chain}" for ip in svc.lb_ips]
            rules.append(f'-A {fw_chain} -m comment --comment "other traffic to {name} will be dropped by '
                         f'{KUBE_PROXY_FIREWALL}"')
        if cluster and svc.uses_cluster_endpoints():
            out.chains.append(svc_chain)
            self._endpoint_rules(rules, svc, svc_chain, cluster)
        if local and svc.uses_local_endpoints():
            out.chains.append(svl_chain)
            self._endpoint_rules(rules, svc, svl_chain, local)
        for ep in reachable:
            chain = endpoint_chain(svc.name, ep)
            out.chains.append(chain)
            head = f"-A {chain}{self._comment(name)}"
            rules.append(f"{head} -s {ep.ip} -j {KUBE_MARK_MASQ}")
            recent = f" -m recent --name {chain} --set" if svc.client_ip_affinity else ""
            rules.append(f"{head}{recent} {match} -j DNAT --to-destination {ep}")
        return out

    def _endpoint_rules(self, rules: list[str], svc: ServicePort, chain: str, endpoints: list[Endpoint]) -> None:
        """writeServiceToEndpointRules: affinity checks first, then one rule per endpoint, 1/(n-i) each."""
        name = str(svc.name)
        if svc.client_ip_affinity:
            for ep in endpoints:
                sep = endpoint_chain(svc.name, ep)
                comment = self._comment(f'"{name} -> {ep}"')
                rules.append(f"-A {chain}{comment} -m recent --name {sep} --rcheck "
                             f"--seconds {svc.sticky_seconds} --reap -j {sep}")
        n = len(endpoints)
        for i, ep in enumerate(endpoints):
            stat = f" -m statistic --mode random --probability {probability(n - i)}" if i < n - 1 else ""
            comment = self._comment(f'"{name} -> {ep}"')
            rules.append(f"-A {chain}{comment}{stat} -j {endpoint_chain(svc.name, ep)}")

    # -- packets ----------------------------------------------------------------------------
    def process(self, packet: Packet, local_origin: bool) -> tuple[str, Packet]:
        self.flush()
        local = self.local_addresses()
        ctx = Context(self.clock.now, self.rng, local)
        pkt = packet.clone()
        verdict = self.netfilter.traverse("nat", "OUTPUT" if local_origin else "PREROUTING", pkt, ctx)
        if verdict not in (ACCEPT, "DNAT"):
            return verdict, pkt
        chain = "OUTPUT" if local_origin else ("INPUT" if pkt.dst in local else "FORWARD")
        verdict = self.netfilter.traverse("filter", chain, pkt, ctx)
        return verdict, pkt

    def rules(self) -> str:
        self.flush()
        return self.netfilter.save()
