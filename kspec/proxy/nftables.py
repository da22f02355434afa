"""kube-proxy's nftables mode (pkg/proxy/nftables/proxier.go ``syncProxyRules``).

Each sync writes one nftables transaction into the node's ``ip kube-proxy``
table (nft.py) with upstream's layout: base chains on the netfilter hooks
(``filter-prerouting-pre-dnat``, ``filter-input``, ``filter-forward``,
``filter-output``, ``filter-output-pre-dnat``, ``nat-prerouting``,
``nat-output``, ``nat-postrouting``), the ``services`` dispatch through the
``service-ips`` and ``service-nodeports`` verdict maps, ``cluster-ips`` and
``nodeport-ips`` sets, ``no-endpoint-services`` / ``no-endpoint-nodeports``
maps that reject (no endpoints) or drop (no local endpoints), the
``firewall-ips`` map for ``loadBalancerSourceRanges``, and per service port
``service-``/``local-``/``external-``/``firewall-`` chains and per endpoint
``endpoint-`` chains picked by ``numgen random mod N vmap``, with ClientIP
affinity as a dynamic set with a timeout per endpoint. A new connection is the
kernel evaluating those rules. As upstream does, a sync after the first is
partial: every map element is recomputed (and only the differences written),
but only the chains of Services whose Service or endpoints changed are
rewritten; chains no longer used are flushed and deleted a second later
(staleChains). Syncs are at least ``minSyncPeriod`` (1s) apart. Only the IPv4
table is modelled (upstream runs a second proxier with an ``ip6`` table).
Not modelled: conntrack clean-up and the hourly forced full resync.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress

from kspec.api.allocators import SERVICE_CIDR
from kspec.proxy.iptables import MASQUERADE_MARK
from kspec.proxy.nft import Context, NftError, Table
from kspec.proxy.provider import CLUSTER_CIDR, Packet, Provider, categorize_endpoints
from kspec.proxy.types import Endpoint, ServicePort, ServicePortName

TABLE = "kube-proxy"  # kubeProxyTable
#: KubeProxyConfiguration nftables defaults: minSyncPeriod 1s, syncPeriod 30s
MIN_SYNC_PERIOD_MS = 1000
SYNC_PERIOD_MS = 30_000
#: a flushed service chain is deleted once it has been stale this long (kernels before 6.2 need the delay)
STALE_CHAIN_DELAY_MS = 1000
#: nodePortAddresses default in nftables mode: the node's primary IPs only (NodePortAddressesPrimary)
PRIMARY = "primary"

# nftablesBaseChains: (name, type, hook, priority)
BASE_CHAINS = (
    ("filter-prerouting-pre-dnat", "filter", "prerouting", -110),
    ("filter-output-pre-dnat", "filter", "output", -110),
    ("filter-forward", "filter", "forward", 0),
    ("filter-input", "filter", "input", 0),
    ("filter-output", "filter", "output", 0),
    ("nat-prerouting", "nat", "prerouting", -100),
    ("nat-output", "nat", "output", -100),
    ("nat-postrouting", "nat", "postrouting", 100),
)
# nftablesJumpChains: (destination, source, extra match)
JUMP_CHAINS = (
    ("nodeport-endpoints-check", "filter-input", "ct state new"),
    ("service-endpoints-check", "filter-input", "ct state new"),
    ("service-endpoints-check", "filter-forward", "ct state new"),
    ("service-endpoints-check", "filter-output", "ct state new"),
    ("firewall-check", "filter-prerouting-pre-dnat", "ct state new"),
    ("firewall-check", "filter-output-pre-dnat", "ct state new"),
    ("services", "nat-output", ""),
    ("services", "nat-prerouting", ""),
    ("masquerading", "nat-postrouting", ""),
    ("cluster-ips-check", "filter-forward", "ct state new"),
    ("cluster-ips-check", "filter-output", "ct state new"),
)
MARK_MASQ = "mark-for-masquerade"
REJECT_CHAIN = "reject-chain"
ADDR = "ipv4_addr"
SERVICE_KEY = f"{ADDR} . inet_proto . inet_service : verdict"
PORT_KEY = "inet_proto . inet_service : verdict"
#: the containers an nftElementStorage keeps: (kind, name)
STORAGES = (("set", "cluster-ips"), ("map", "service-ips"), ("map", "firewall-ips"),
            ("map", "no-endpoint-services"), ("map", "no-endpoint-nodeports"), ("map", "service-nodeports"))


#: chain names by the name hashed: upstream computes them once per ServicePort and endpoint (newServiceInfo,
#: newEndpointInfo); every node's proxier and every sync here asks again
_NAMES: dict[str, str] = {}


def hash_and_truncate(name: str) -> str:
    """hashAndTruncate: the first 8 characters of base32(sha256(name)), a dash, the name (at most 240)."""
    out = _NAMES.get(name)
    if out is None:
        # 8 base32 characters are the first 40 bits: base32 of the digest's first 5 bytes
        encoded = base64.b32encode(hashlib.sha256(name.encode()).digest()[:5]).decode()
        out = f"{encoded}-{name}"
        out = out if len(out) <= 240 else out[:237] + "..."
        if len(_NAMES) > 500_000:
            _NAMES.clear()
        _NAMES[name] = out
    return out


def chain_base(name: ServicePortName) -> str:
    """servicePortChainNameBase: HASH-namespace/name/protocol/portName."""
    return hash_and_truncate(f"{name.namespace}/{name.name}/{name.protocol.lower()}/{name.port}")


def endpoint_base(name: ServicePortName, endpoint: Endpoint) -> str:
    """servicePortEndpointChainNameBase: ...__endpointIP/endpointPort (an IPv6 address's colons as dots)."""
    ip = endpoint.ip.replace(":", ".")
    return hash_and_truncate(f"{name.namespace}/{name.name}/{name.protocol.lower()}/{name.port}__{ip}/{endpoint.port}")


class _Elements:
    """nftElementStorage: one set or map's elements as last written, so a partial sync writes only changes."""

    def __init__(self, kind: str, name: str) -> None:
        self.kind, self.name = kind, name
        self.elements: dict[str, str] = {}
        self.leftover: set[str] = set()

    def reset(self, tx: list[str]) -> None:
        self.elements.clear()
        tx.append(f"flush {self.kind} ip {TABLE} {self.name}")
        self.leftover = set()

    def ensure(self, tx: list[str], key: str, value: str = "", comment: str = "") -> None:
        """ensureElem: add it when new; delete and re-add when its value changed."""
        body = key + (f' comment "{comment}"' if comment else "") + (f" : {value}" if value else "")
        have = self.elements.get(key)
        if have is None:
            tx.append(f"add element ip {TABLE} {self.name} {{ {body} }}")
            self.elements[key] = value
        else:
            if have != value:
                tx.append(f"delete element ip {TABLE} {self.name} {{ {key} }}")
                tx.append(f"add element ip {TABLE} {self.name} {{ {body} }}")
                self.elements[key] = value
            self.leftover.discard(key)

    def cleanup(self, tx: list[str]) -> None:
        """cleanupLeftoverKeys: delete what this sync did not ensure."""
        for key in sorted(self.leftover):
            tx.append(f"delete element ip {TABLE} {self.name} {{ {key} }}")
            del self.elements[key]
        self.leftover = set(self.elements)


def _v4(ip: str) -> bool:
    return ":" not in ip


class NftablesProxier(Provider):
    MODE = "nftables"
    MIN_SYNC_PERIOD_MS = MIN_SYNC_PERIOD_MS
    PARTIAL_SYNC = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.table = Table("ip", TABLE)
        # KubeProxyConfiguration fields (NewProxier's arguments)
        self.cluster_cidr = CLUSTER_CIDR  # the local traffic detector (DetectLocalByCIDR); "" is the no-op one
        self.masquerade_all = False
        self.masquerade_mark = MASQUERADE_MARK
        self.node_port_addresses: tuple[str, ...] = (PRIMARY,)
        self.service_cidrs: tuple[str, ...] = (SERVICE_CIDR,)  # OnServiceCIDRsChanged: the ServiceCIDR objects
        self.sync_period_ms = SYNC_PERIOD_MS
        self.flushed = False
        self.stale_chains: dict[str, int] = {}  # chain -> when it went stale (virtual ms)
        self.storages = {name: _Elements(kind, name) for kind, name in STORAGES}
        self.sync_failures = 0  # metrics.NFTablesSyncFailuresTotal
        self.no_local_endpoints = {"internal": 0, "external": 0}
        self.last_transaction: list[str] = []
        # per service port, what the last sync made of it: (ServicePort, endpoints, CategorizeEndpoints' result,
        # endpoint chain names); an unchanged Service's plan is reused, as upstream keeps its chain names
        self._plans: dict[ServicePortName, tuple] = {}

    def on_service_cidrs_changed(self, cidrs: list[str]) -> None:
        """OnServiceCIDRsChanged: the ServiceCIDR objects' ranges of this proxier's family (IPv4), for the drop of
        traffic to unallocated cluster IPs; written at the next full sync."""
        self.service_cidrs = tuple(c for c in cidrs if _v4(c))

    # -- sync -------------------------------------------------------------------------------
    def _node_port_ips(self) -> list[str] | None:
        """NodePortAddresses for IPv4: None when node ports are open on every local address (MatchAll)."""
        if not self.node_port_addresses:
            return None
        out: list[str] = []
        for entry in self.node_port_addresses:
            if entry == PRIMARY:
                out += [ip for ip in self.node_ips if _v4(ip)][:1]
                continue
            net = ipaddress.ip_network(entry.strip(), strict=False)
            if net.version != 4:
                continue
            if net.prefixlen == 0:
                return None
            out += [ip for ip in self.node_ips if _v4(ip) and ipaddress.ip_address(ip) in net]
        return list(dict.fromkeys(ip for ip in out if not ipaddress.ip_address(ip).is_loopback))

    def _setup(self, tx: list[str]) -> None:
        """setupNFTables: the table, base chains, top-level chains and their fixed rules, sets and maps."""
        t = f"ip {TABLE}"
        tx.append(f'add table {t} {{ comment "rules for kube-proxy" ; }}')
        if not self.flushed:  # add+delete once, so base chains are recreated (their priorities may have changed)
            for name, *_ in BASE_CHAINS:
                tx += [f"add chain {t} {name}", f"delete chain {t} {name}"]
            self.flushed = True
        for name, kind, hook, priority in BASE_CHAINS:
            tx += [f"add chain {t} {name} {{ type {kind} hook {hook} priority {priority} ; }}",
                   f"flush chain {t} {name}"]
        created: set[str] = set()

        def ensure(chain: str) -> None:
            if chain not in created:
                created.add(chain)
                tx.extend((f"add chain {t} {chain}", f"flush chain {t} {chain}"))

        for dst, src, extra in JUMP_CHAINS:
            ensure(dst)
            tx.append(f"add rule {t} {src} " + (f"{extra} " if extra else "") + f"jump {dst}")
        for chain in ("services", "cluster-ips-check", "masquerading", MARK_MASQ):
            ensure(chain)
        mark = self.masquerade_mark
        tx += [f"add rule {t} {MARK_MASQ} mark set mark or {mark}",
               f"add rule {t} masquerading mark and {mark} == 0 return",
               f"add rule {t} masquerading mark set mark xor {mark}",
               f"add rule {t} masquerading masquerade fully-random",
               f'add set {t} cluster-ips {{ type {ADDR} ; comment "Active ClusterIPs" ; }}',
               f'add rule {t} cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports '
               'of ClusterIPs"']
        cidrs = [c for c in self.service_cidrs if _v4(c)]
        if cidrs:
            tx.append(f"add rule {t} cluster-ips-check ip daddr {{ {','.join(cidrs)} }} drop "
                      'comment "Drop traffic to unallocated ClusterIPs"')
        tx.append(f'add set {t} nodeport-ips {{ type {ADDR} ; comment "IPs that accept NodePort traffic" ; }}')
        node_port_ips = self._node_port_ips()
        if node_port_ips is None:
            tx.append(f"delete set {t} nodeport-ips")
        else:
            tx.append(f"flush set {t} nodeport-ips")
            tx += [f"add element {t} nodeport-ips {{ {ip} }}" for ip in node_port_ips]
        tx += [f'add map {t} no-endpoint-services {{ type {SERVICE_KEY} ; comment "vmap to drop or reject packets to '
               'services with no endpoints" ; }',
               f'add map {t} no-endpoint-nodeports {{ type {PORT_KEY} ; comment "vmap to drop or reject packets to '
               'service nodeports with no endpoints" ; }',
               f'add chain {t} {REJECT_CHAIN} {{ comment "helper for @no-endpoint-services / @no-endpoint-nodeports" '
               '; }', f"flush chain {t} {REJECT_CHAIN}", f"add rule {t} {REJECT_CHAIN} reject",
               f"add rule {t} service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services"]
        node_ports = "ip daddr != 127.0.0.0/8" if node_port_ips is None else "ip daddr @nodeport-ips"
        tx += [f"add rule {t} nodeport-endpoints-check {node_ports} meta l4proto . th dport vmap "
               "@no-endpoint-nodeports",
               f'add map {t} firewall-ips {{ type {SERVICE_KEY} ; comment "destinations that are subject to '
               'LoadBalancerSourceRanges" ; }',
               f"add rule {t} firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips",
               f'add map {t} service-ips {{ type {SERVICE_KEY} ; comment "ClusterIP, ExternalIP and LoadBalancer IP '
               'traffic" ; }',
               f'add map {t} service-nodeports {{ type {PORT_KEY} ; comment "NodePort traffic" ; }}',
               f"add rule {t} services ip daddr . meta l4proto . th dport vmap @service-ips"]
        local = "fib daddr type local ip daddr != 127.0.0.0/8" if node_port_ips is None else "ip daddr @nodeport-ips"
        tx.append(f"add rule {t} services {local} meta l4proto . th dport vmap @service-nodeports")
        for storage in self.storages.values():
            storage.reset(tx)

    def sync(self, updated: set[tuple[str, str]], full: bool) -> None:
        t = f"ip {TABLE}"
        now = self.clock.now
        # stale chains from earlier syncs go once they have been stale a second (their own transaction)
        old = sorted(c for c, when in self.stale_chains.items() if when <= now - STALE_CHAIN_DELAY_MS)
        if old:
            for chain in old:
                del self.stale_chains[chain]
            try:
                self.table.run([f"delete chain {t} {c}" for c in old])
            except NftError:
                pass  # "Unable to delete stale chains; will retry later": they come back at the end of this sync
        tx: list[str] = []
        if full:
            self._setup(tx)
        active: set[str] = set()
        affinity_sets: set[str] = set()
        internal_none = external_none = 0
        st = self.storages
        plans: dict[ServicePortName, tuple] = {}

        def ensure_chain(chain: str, skip: bool) -> None:
            if chain not in active:
                active.add(chain)
                if not skip:
                    tx.extend((f"add chain {t} {chain}", f"flush chain {t} {chain}"))

        def rule(chain: str, text: str) -> None:
            tx.append(f"add rule {t} {chain} {text}")

        for name in sorted(self.svc_port_map, key=str):
            svc = self.svc_port_map[name]
            cluster_ip = next((ip for ip in svc.cluster_ips if _v4(ip)), "")
            if not cluster_ip:
                continue  # an IPv6-only Service: the ip6 table's
            proto = svc.protocol.lower()
            port_name = str(svc.name)
            skip = not full and name.service not in updated
            eps = self.endpoints_map.get(name, ())
            plan = self._plans.get(name)
            if plan is None or full or plan[0] is not svc or plan[1] is not eps:
                endpoints = [e for e in eps if _v4(e.ip)]
                categorized = categorize_endpoints(endpoints, svc, self.node_name, self.zone)
                plan = (svc, eps, categorized, {str(e): "endpoint-" + endpoint_base(name, e) for e in categorized[2]})
            plans[name] = plan
            (cluster, local, reachable, has_endpoints), ep_chains = plan[2], plan[3]
            base = chain_base(name)
            for chain in ep_chains.values():  # one per reachable endpoint
                ensure_chain(chain, skip)
                if svc.client_ip_affinity:
                    affinity_sets.add("affinity-" + chain[len("endpoint-"):])
            cluster_chain, local_chain = "service-" + base, "local-" + base
            uses_cluster = bool(cluster) and svc.uses_cluster_endpoints()
            if uses_cluster:
                ensure_chain(cluster_chain, skip)
            uses_local = bool(local) and svc.uses_local_endpoints()
            if uses_local:
                ensure_chain(local_chain, skip)
            internal_chain, has_internal = cluster_chain, has_endpoints
            if svc.internal_local:
                internal_chain, has_internal = local_chain, has_endpoints and bool(local)
            external_policy_chain, has_external = cluster_chain, has_endpoints
            if svc.external_policy_local:
                external_policy_chain, has_external = local_chain, has_endpoints and bool(local)
            external_chain = "external-" + base
            uses_external = has_endpoints and svc.externally_accessible
            if uses_external:
                ensure_chain(external_chain, skip)
            internal_verdict = external_verdict = ""
            if not has_endpoints:
                internal_verdict = external_verdict = f"goto {REJECT_CHAIN}"
            else:
                if not has_internal:
                    internal_verdict = "drop"
                    internal_none += 1
                if not has_external:
                    external_verdict = "drop"
                    external_none += 1
            port = str(svc.port)
            st["cluster-ips"].ensure(tx, cluster_ip)
            if has_internal:
                st["service-ips"].ensure(tx, f"{cluster_ip} . {proto} . {port}", f"goto {internal_chain}")
            else:
                st["no-endpoint-services"].ensure(tx, f"{cluster_ip} . {proto} . {port}", internal_verdict, port_name)
            for ip in (a for a in svc.external_ips if _v4(a)):
                if has_endpoints:
                    st["service-ips"].ensure(tx, f"{ip} . {proto} . {port}", f"goto {external_chain}")
                if not has_external:
                    st["no-endpoint-services"].ensure(tx, f"{ip} . {proto} . {port}", external_verdict, port_name)
            lb_ips = [a for a in svc.lb_ips if _v4(a)]
            ranges = [str(ipaddress.ip_network(r, strict=False)) for r in svc.lb_source_ranges if _v4(r)]
            uses_fw = bool(lb_ips) and bool(svc.lb_source_ranges)
            fw_chain = "firewall-" + base
            if uses_fw:
                ensure_chain(fw_chain, skip)
            for ip in lb_ips:
                if has_endpoints:
                    st["service-ips"].ensure(tx, f"{ip} . {proto} . {port}", f"goto {external_chain}")
                if uses_fw:
                    st["firewall-ips"].ensure(tx, f"{ip} . {proto} . {port}", f"goto {fw_chain}")
            if not has_external:
                for ip in lb_ips:
                    st["no-endpoint-services"].ensure(tx, f"{ip} . {proto} . {port}", external_verdict, port_name)
            if svc.node_port:
                key = f"{proto} . {svc.node_port}"
                if has_endpoints:  # node ports are not subject to loadBalancerSourceRanges
                    st["service-nodeports"].ensure(tx, key, f"goto {external_chain}")
                if not has_external:
                    st["no-endpoint-nodeports"].ensure(tx, key, external_verdict, port_name)
            if skip:
                continue
            if has_internal:
                if self.masquerade_all:
                    rule(internal_chain, f"ip daddr {cluster_ip} jump {MARK_MASQ}")
                elif self.cluster_cidr:
                    # off-cluster traffic to a service VIP may bounce off the node: masquerade it
                    rule(internal_chain, f"ip daddr {cluster_ip} ip saddr != {self.cluster_cidr} jump {MARK_MASQ}")
            if uses_external:
                if not svc.external_policy_local:
                    rule(external_chain, f"jump {MARK_MASQ}")  # non-local endpoints: masquerade, the node may change
                else:
                    if self.cluster_cidr:
                        rule(external_chain, f'ip saddr {self.cluster_cidr} goto {cluster_chain} '
                                             'comment "short-circuit pod traffic"')
                    rule(external_chain, f'fib saddr type local jump {MARK_MASQ} comment "masquerade local traffic"')
                    rule(external_chain, f'fib saddr type local goto {cluster_chain} '
                                         'comment "short-circuit local traffic"')
                if has_external:
                    rule(external_chain, f"goto {external_policy_chain}")
            if uses_fw:
                node_ip = next((ip for ip in self.node_ips if _v4(ip)), "")
                sources = list(ranges)
                # a VIP-like load balancer loops a node's own request back from the VIP: allow those too
                if node_ip and any(ipaddress.ip_address(node_ip) in ipaddress.ip_network(r) for r in ranges):
                    sources += lb_ips
                rule(fw_chain, f"ip saddr != {{ {' , '.join(sources)} }} drop")
            if svc.client_ip_affinity:
                for e in reachable:
                    affinity = "affinity-" + ep_chains[str(e)][len("endpoint-"):]
                    tx.append(f"add set {t} {affinity} {{ type {ADDR} ; flags dynamic,timeout ; "
                              f"timeout {svc.sticky_seconds}s ; }}")
            if uses_cluster:
                self._endpoint_rules(tx, svc, cluster_chain, cluster, ep_chains)
            if uses_local:
                self._endpoint_rules(tx, svc, local_chain, local, ep_chains)
            for e in reachable:
                chain = ep_chains[str(e)]
                rule(chain, f"ip saddr {e.ip} jump {MARK_MASQ}")  # a pod reaching itself (hairpin): SNAT
                if svc.client_ip_affinity:
                    rule(chain, f"update @affinity-{chain[len('endpoint-'):]} {{ ip saddr }}")
                rule(chain, f"meta l4proto {proto} dnat to {e}")
        # chains no longer used are flushed now and deleted a second later (staleChains)
        for chain in self.table.chains:
            if "/" in chain:
                if chain not in active:
                    tx.append(f"flush chain {t} {chain}")
                    self.stale_chains[chain] = now
                else:
                    self.stale_chains.pop(chain, None)
        for name in self.table.containers:
            if name.startswith("affinity-") and name not in affinity_sets:
                tx.append(f"delete set {t} {name}")
        for storage in st.values():
            storage.cleanup(tx)
        self.last_transaction = tx
        self._plans = plans
        try:
            self.table.run(tx)
        except NftError:
            if full:
                raise  # a full sync nft refuses is a bug in these rules, not something a node does
            # the changes are folded in already, so only a full sync can recover; retried after syncPeriod
            self.sync_failures += 1
            self.stale_chains.clear()
            self.need_full_sync = True
            for storage in st.values():
                storage.elements.clear()
            self.clock.call_at(self.clock.now + self.sync_period_ms, self.runner.run,
                               label=f"nftables sync retry on {self.node_name}")
            return
        self.no_local_endpoints = {"internal": internal_none, "external": external_none}

    def _endpoint_rules(self, tx: list[str], svc: ServicePort, chain: str, endpoints: list[Endpoint],
                        ep_chains: dict[str, str]) -> None:
        """writeServiceToEndpointRules: affinity lookups first, then one numgen vmap over the endpoints."""
        t = f"ip {TABLE}"
        if svc.client_ip_affinity:
            for e in endpoints:
                target = ep_chains[str(e)]
                tx.append(f"add rule {t} {chain} ip saddr @affinity-{target[len('endpoint-'):]} goto {target}")
        entries = " , ".join(f"{i} : goto {ep_chains[str(e)]}" for i, e in enumerate(endpoints))
        tx.append(f"add rule {t} {chain} numgen random mod {len(endpoints)} vmap {{ {entries} }}")

    # -- packets and printing ------------------------------------------------------------------
    def process(self, packet: Packet, local_origin: bool) -> tuple[str, Packet]:
        ctx = Context(self.clock.now, self.rng, self.local_addresses(),
                      next((ip for ip in self.node_ips if _v4(ip)), ""))
        pkt = packet.clone()
        verdict = self.table.process(pkt, local_origin, ctx)
        return verdict, pkt

    def rules(self) -> str:
        """``nft list ruleset``."""
        return self.table.listing()

    def dump(self) -> str:
        """The table as knftables' fake dumps it (``add ...`` lines)."""
        return self.table.dump()

    def rule_count(self) -> int:
        """Rules plus set and map elements: what the kernel holds for the Services."""
        return (sum(len(c.rules) for c in self.table.chains.values())
                + sum(len(s.elements) for s in self.table.containers.values()))


__all__ = ["NftablesProxier", "chain_base", "endpoint_base", "hash_and_truncate"]
