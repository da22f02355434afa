"""The kube-proxy DaemonSet: one proxier per node, and the path a connection takes.

``connect`` is ``curl`` from a pod: the host is resolved as the pod's resolver
would (through the cluster DNS component when there is one), the SYN leaves
the client's node through that node's rules, travels to a node when it is
addressed to one (node ports are handled by the node that owns the address),
and is accepted by the pod that owns the final address if that pod is running
and listens on the port (it declares that containerPort, or declares none).

Dormant proxiers. Most scenarios never open a connection nor make a Service,
yet every node's proxier converted the default Services and their slices at
start. In iptables mode (whose syncs are deferred until the rules are read,
``Provider.start(lazy=True)``) kube-proxy builds no proxier until something
needs one, and the run is the eager one:

- while dormant, no proxier would have touched the clock: each was built and
  synced at start (``mark_run``: last run then, no timer), and every
  Service/EndpointSlice event since left its change trackers empty (a pair of
  template trackers fed the same events says so), so none asked its runner
  for a sync; no node changed its addresses or zone, none came or went;
- the first event that would leave a change to sync (a Service other than the
  defaults, new endpoints), a node that comes, goes or changes, and anything
  that reads the proxiers (a connection, a rules dump, a health check,
  ``proxiers``) first build them as the start did (the same lists, the same
  node objects, the last run at start) and replay the events since: what an
  eager proxier holds then, with no clock read and nothing scheduled. The
  event that woke them is then handled as before, so their runners schedule
  the same syncs at the same place in the clock's order.

The events kept for the replay are folded into the start's lists now and
then (the Service tracker keeps nothing between syncs; the endpoints
tracker's cache is the template's). ``KSPEC_EAGER_PROXY=1`` (or ``DORMANT =
False``) builds every proxier at start, to compare runs.
"""

from __future__ import annotations

import importlib
import ipaddress
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from kspec.connection import REACHED, REFUSED, TIMEOUT, Connection
from kspec.objects import Obj
from kspec.proxy.changetracker import EndpointsChangeTracker, ServiceChangeTracker, service_of
from kspec.proxy.errors import ConnectError
from kspec.proxy.iptables import LARGE_CLUSTER_ENDPOINTS, IptablesProxier
from kspec.proxy.provider import ACCEPT, DROP, Packet, Provider, node_addresses, node_zone

if TYPE_CHECKING:
    from kspec.cluster import Cluster



class _Modes(Mapping[str, type[Provider]]):
    """The proxier class of each mode; the ipvs and nftables modules are imported when a cluster first uses one
    (most runs use iptables only, and importing the other two cost every cold start a few milliseconds)."""

    _WHERE = {"iptables": ("kspec.proxy.iptables", "IptablesProxier"), "ipvs": ("kspec.proxy.ipvs", "IpvsProxier"),
              "nftables": ("kspec.proxy.nftables", "NftablesProxier")}

    def __getitem__(self, mode: str) -> type[Provider]:
        if mode == "iptables":
            return IptablesProxier
        module, name = self._WHERE[mode]
        return getattr(importlib.import_module(module), name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._WHERE)

    def __len__(self) -> int:
        return len(self._WHERE)


MODES: Mapping[str, type[Provider]] = _Modes()
_MAX_HOPS = 4
#: Off under ``KSPEC_EAGER_PROXY=1``: every node's proxier is then built at start (to compare runs).
DORMANT = os.environ.get("KSPEC_EAGER_PROXY", "") in ("", "0")
#: How many events a dormant kube-proxy keeps for the replay before folding them into the start's lists.
_MAX_LOG = 32


def _few_endpoints(slices: list[Obj]) -> bool:
    """Whether the slices hold too few endpoints for iptables' large cluster mode (LARGE_CLUSTER_ENDPOINTS, counted
    per service port): the start's sync then writes no rules (``Provider.start(lazy=True)``), nor reads the clock."""
    total = 0
    for s in slices:
        total += len(s.get("endpoints") or ()) * max(1, len(s.get("ports") or ()))
        for subset in s.get("subsets") or ():  # a core/v1 Endpoints object among them
            total += len(subset.get("addresses") or ()) * max(1, len(subset.get("ports") or ()))
    return total <= LARGE_CLUSTER_ENDPOINTS


class _Dormant:
    """What building the proxiers later needs (see the module docstring), and what tells when to."""

    def __init__(self, since: int, services: list[Obj], slices: list[Obj]) -> None:
        self.since = since  # when the start built (and synced) them
        self.nodes: dict[str, tuple[Obj, tuple[str, ...], str]] = {}  # name -> (node, its IPs, zone), in order
        self.services = services
        self.slices = slices
        self.log: list[tuple[str, Obj | None, Obj | None]] = []  # the Service/EndpointSlice events since
        # every proxier's trackers see the same events: one pair says whether theirs would hold a change. The
        # Service tracker keeps nothing between syncs (the start's lists need not be fed to it); the endpoints
        # tracker's cache of a Service is fed the start's slices of that Service before its first event (a
        # Service's changes depend on its own slices alone)
        self.service_changes = ServiceChangeTracker()
        self.endpoints_changes = EndpointsChangeTracker()
        self.unseeded = slices  # the start's slices not fed to endpoints_changes yet

    def quiet(self, handler: str, old: Obj | None, new: Obj | None) -> bool:
        """Record the event; False when it leaves the proxiers a change to sync (they must wake first)."""
        if handler == "on_service":
            tracker: ServiceChangeTracker | EndpointsChangeTracker = self.service_changes
        else:
            tracker = self.endpoints_changes
            self._seed(new if new is not None else old)
        if tracker.update(old, new):
            return False
        self.log.append((handler, old, new))
        if len(self.log) > _MAX_LOG:
            # every event so far left each tracker empty: its maps are what the start's lists give, and the
            # endpoints tracker's cache is the template's (with the slices not fed to it yet); starting from
            # those needs no replay
            self.slices, self.log = [*self.endpoints_changes.objects(), *self.unseeded], []
        return True

    def _seed(self, obj: Obj | None) -> None:
        """Feed the start's slices of ``obj``'s Service to the endpoints tracker, as the start fed them all."""
        key = service_of(obj) if obj is not None and self.unseeded else None
        if key is None:
            return
        rest = []
        for s in self.unseeded:
            if service_of(s) == key:
                self.endpoints_changes.update(None, s)
            else:
                rest.append(s)
        if len(rest) < len(self.unseeded):
            self.unseeded = rest
            self.endpoints_changes.drain()


class KubeProxy:
    """The ``proxy`` component: ``connect`` and ``rules`` over every node's proxier."""

    def __init__(self, cluster: Cluster, mode: str) -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.mode = mode
        self.provider_class = MODES[mode]
        self._proxiers: dict[str, Provider] = {}
        self._dormant: _Dormant | None = None
        self._pods_by_ip: dict[str, tuple[str, str]] = {}
        self._nodes_by_ip: dict[str, str] = {}

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        inf = self.api.informers
        inf.on("nodes", self._node_added, lambda _old, new: self._node_updated(new), self._node_deleted)
        inf.on("services", lambda o: self._fan("on_service", None, o), lambda a, b: self._fan("on_service", a, b),
               lambda o: self._fan("on_service", o, None))
        # kube-proxy reads EndpointSlices (OnEndpointSliceAdd/Update/Delete), not core/v1 Endpoints
        inf.on("endpointslices", lambda o: self._fan("on_endpoints", None, o),
               lambda a, b: self._fan("on_endpoints", a, b), lambda o: self._fan("on_endpoints", o, None))
        inf.on("pods", self._index_pod, self._reindex_pod, self._unindex_pod, on_status=self._reindex_pod)
        for pod in self.api.store.list("pods"):
            self._index_pod(pod)
        nodes = self.api.store.list("nodes")
        slices = self.api.store.list("endpointslices") if DORMANT and self.provider_class.DEFERRABLE else None
        if slices is not None and not self._proxiers and _few_endpoints(slices):
            dormant = _Dormant(self.cluster.clock.now, self.api.store.list("services"), slices)
            for node in nodes:
                name = node["metadata"]["name"]
                ips = node_addresses(node)
                for ip in ips:
                    self._nodes_by_ip[ip] = name
                dormant.nodes.setdefault(name, (node, ips, node_zone(node)))
            self._dormant = dormant
            return
        for node in nodes:
            self._node_added(node)

    @property
    def proxiers(self) -> dict[str, Provider]:
        """Every node's proxier, by node name (built now if they were dormant)."""
        self._wake()
        return self._proxiers

    def _wake(self) -> None:
        """Build the dormant proxiers as the start did and replay the events since (see the module docstring)."""
        dormant = self._dormant
        if dormant is None:
            return
        self._dormant = None
        for name, (node, _ips, _zone) in dormant.nodes.items():
            proxier = self.provider_class(node, self.cluster.clock, self.cluster.rng)
            self._proxiers[name] = proxier
            proxier.start(dormant.services, dormant.slices, lazy=True)
            proxier.runner.last_run = dormant.since  # its start's mark_run
        for handler, old, new in dormant.log:
            self._fan(handler, old, new)

    def _fan(self, handler: str, old: Obj | None, new: Obj | None) -> None:
        dormant = self._dormant
        if dormant is not None:
            if dormant.quiet(handler, old, new):
                return
            self._wake()
        proxiers = self._proxiers
        for name in sorted(proxiers):
            getattr(proxiers[name], handler)(old, new)

    def _node_added(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        for ip in node_addresses(node):
            self._nodes_by_ip[ip] = name
        dormant = self._dormant
        if dormant is not None:
            if name in dormant.nodes:
                return
            self._wake()
        if name in self._proxiers:
            return
        proxier = self.provider_class(node, self.cluster.clock, self.cluster.rng)
        self._proxiers[name] = proxier
        proxier.start(self.api.store.list("services"), self.api.store.list("endpointslices"), lazy=True)

    def _node_updated(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        ips = node_addresses(node)
        for ip in ips:
            self._nodes_by_ip[ip] = name
        dormant = self._dormant
        if dormant is not None:
            known = dormant.nodes.get(name)
            if known is not None and ips == known[1] and node_zone(node) == known[2]:
                return  # Provider.on_node would change nothing
            self._wake()
        if name in self._proxiers:
            self._proxiers[name].on_node(node)
        else:
            self._node_added(node)

    def _node_deleted(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        if self._dormant is not None:
            self._dormant.nodes.pop(name, None)  # its proxier never scheduled anything: stop() would cancel nothing
        proxier = self._proxiers.pop(name, None)
        if proxier is not None:
            proxier.stop()
        self._nodes_by_ip = {ip: n for ip, n in self._nodes_by_ip.items() if n != name}

    def _index_pod(self, pod: Obj) -> None:
        ip = pod.get("status", {}).get("podIP")
        if ip and not pod["spec"].get("hostNetwork"):
            self._pods_by_ip[ip] = (pod["metadata"].get("namespace", ""), pod["metadata"]["name"])

    def _reindex_pod(self, old: Obj, new: Obj) -> None:
        """_unindex_pod(old) then _index_pod(new), for any update (a status-only one too: informers'
        on_status). An update keeps the name, so with the same IP the entry ends as those two leave it without
        them: nothing to do without an IP; else the pod's entry (the map is only looked up, never iterated),
        or, for a hostNetwork pod, no entry of its own."""
        ip = new.get("status", {}).get("podIP")
        if ip != old.get("status", {}).get("podIP"):
            self._unindex_pod(old)
            self._index_pod(new)
        elif ip:
            if new["spec"].get("hostNetwork"):
                self._unindex_pod(old)
            else:
                self._pods_by_ip[ip] = (new["metadata"].get("namespace", ""), new["metadata"]["name"])

    def _unindex_pod(self, pod: Obj) -> None:
        ip = pod.get("status", {}).get("podIP")
        key = (pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
        if ip and self._pods_by_ip.get(ip) == key:
            del self._pods_by_ip[ip]

    # -- what the steps call -------------------------------------------------------------------
    def connect(self, namespace: str, pod: str, host: str, port: int) -> str | None:
        """The name of the pod that accepts a TCP connection from ``pod`` to host:port, or None."""
        return self.connection(namespace, pod, host, port).pod

    def connection(self, namespace: str, pod: str, host: str, port: int) -> Connection:
        """A TCP connection from ``pod`` to host:port: which pod accepts it, or whether it is refused or dropped."""
        client = self.api.try_get("pods", pod, namespace)
        if client is None:
            raise ConnectError(f'pod "{pod}" does not exist in namespace "{namespace}"')
        src = client.get("status", {}).get("podIP")
        node = client["spec"].get("nodeName")
        if not src or not node:
            raise ConnectError(f'pod "{pod}" has no IP yet (phase {client.get("status", {}).get("phase", "Pending")})'
                               ": it cannot open connections")
        dropped = self._dns_drop(client, host)
        if dropped:
            return Connection(TIMEOUT, reason=dropped)
        dst = self._resolve(namespace, pod, host)
        packet = Packet(src=src, dst=dst, dport=int(port))
        return self._route(node, packet, bool(client["spec"].get("hostNetwork")))

    def connection_from_outside(self, client: str, host: str, port: int) -> Connection:
        """A TCP connection from ``client``, an address outside the cluster, to host:port.

        ``host`` is a node's name or address (its node ports), a load-balancer IP (the ``loadbalancer``
        component picks the node), or an external IP of a Service (routed to the nodes by the network
        outside, as an administrator sets it up: kspec spreads such connections over every node). Pod and
        cluster IPs are not routed from outside: such a connection times out.
        """
        dst = self._outside_address(host)
        packet = Packet(src=client, dst=dst, dport=int(port))
        node = self._nodes_by_ip.get(dst)
        if node is None:
            lb = self.cluster.components.get("loadbalancer")
            kind, picked = lb.route(dst, int(port), packet.proto, client) if lb is not None else ("none", None)
            if kind == "node":
                node = picked
            elif kind == "timeout":
                return Connection(TIMEOUT)
            elif dst in self._external_ips():
                node = self.cluster.rng.choice(sorted(self.proxiers)) if self.proxiers else None
        if node is None:
            return Connection(TIMEOUT)
        return self._route(node, packet, False)

    def health_check(self, node: str, namespace: str, name: str) -> tuple[int, str] | None:
        """What kube-proxy on ``node`` answers on the Service's healthCheckNodePort, or None if it serves none."""
        proxier = self.proxiers.get(node)
        return proxier.health_check(namespace, name) if proxier is not None else None

    def runs_on(self, node: str) -> bool:
        """Whether kube-proxy runs on ``node`` (its /healthz answers)."""
        return node in self.proxiers

    def rules_of(self, node: str) -> str:
        """One node's rules, as ``iptables-save``, ``ipvsadm -Ln`` or ``nft list ruleset`` prints them."""
        proxier = self.proxiers.get(node)
        if proxier is None:
            raise ConnectError(f'node "{node}" does not exist (the nodes are {", ".join(sorted(self.proxiers))})')
        return proxier.rules()

    def rules(self) -> str:
        """Every node's rules (``iptables-save``, ``ipvsadm -Ln`` or ``nft list ruleset``), for the failure dump."""
        out = []
        for name in sorted(self.proxiers):
            out.append(f"# kube-proxy ({self.mode}) on node {name}")
            out.append(self.proxiers[name].rules())
        return "\n".join(out)

    def _outside_address(self, host: str) -> str:
        try:
            ipaddress.ip_address(host)
            return host
        except ValueError:
            pass
        node = self.api.try_get("nodes", host, "")
        if node is not None and node_addresses(node):
            return node_addresses(node)[0]
        raise ConnectError(f'from outside the cluster, "{host}" does not resolve (a node name, a load-balancer '
                           f"IP or an external IP is reachable from outside; curl: (6) Could not resolve host: "
                           f"{host})")

    def _external_ips(self) -> set[str]:
        return {ip for svc in self.api.store.list("services")
                for ip in (svc.get("spec") or {}).get("externalIPs") or []}

    # -- the path of a connection ----------------------------------------------------------------
    def _resolve(self, namespace: str, pod: str, host: str) -> str:
        try:
            ipaddress.ip_address(host)
            return host
        except ValueError:
            pass
        dns = self.cluster.components.get("dns")
        if dns is not None:
            answers = dns.resolve_from_pod(namespace, pod, host)
            if answers:
                return answers[0]  # getaddrinfo's first address (the server already shuffled them)
        else:
            found = self._service_address(namespace, host)
            if found:
                return found
        node = self.api.try_get("nodes", host, "")
        if node is not None and node_addresses(node):
            return node_addresses(node)[0]
        raise ConnectError(f'from pod "{pod}", "{host}" does not resolve (curl: (6) Could not resolve host: {host})')

    def _service_address(self, namespace: str, host: str) -> str | None:
        """Without cluster DNS: ``svc``, ``svc.ns`` or ``svc.ns.svc.cluster.local`` looked up directly."""
        parts = host.rstrip(".").split(".")
        name, ns = parts[0], parts[1] if len(parts) > 1 else namespace
        svc = self.api.try_get("services", name, ns) if self.api.try_get("namespaces", ns, "") else None
        if svc is None:
            return None
        ip = svc["spec"].get("clusterIP", "")
        if ip not in ("", "None"):
            return ip
        ips = sorted({e["addresses"][0] for s in self.api.store.list("endpointslices", ns)
                      if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name
                      and s.get("addressType") in ("IPv4", "IPv6")
                      for e in s.get("endpoints") or []
                      if e.get("addresses") and (e.get("conditions") or {}).get("ready") is not False})
        return self.cluster.rng.choice(ips) if ips else None

    def _route(self, node: str, packet: Packet, local_origin: bool) -> Connection:
        from kspec.proxy.ipvs import MASQUERADE_BIT  # imported once a connection is asked for (see _Modes)

        for _ in range(_MAX_HOPS):
            proxier = self.proxiers.get(node)
            if proxier is not None:
                verdict, packet = proxier.process(packet, local_origin)
                if verdict == DROP:
                    return Connection(TIMEOUT)
                if verdict not in (ACCEPT, "DNAT"):
                    return Connection(REFUSED)
                if packet.mark & MASQUERADE_BIT:
                    # KUBE-POSTROUTING: MASQUERADE to the address of the node the packet leaves
                    packet.src = proxier.node_ips[0] if proxier.node_ips else packet.src
            target = self._pods_by_ip.get(packet.dst)
            if target is not None:
                return self._deliver(target, packet)
            owner = self._nodes_by_ip.get(packet.dst)
            if owner is None:
                return Connection(TIMEOUT)  # no such address on the network: the SYN goes unanswered
            if owner == node:
                return Connection(REFUSED)  # the node's own address, and nothing listens there
            # the packet crosses to the node that owns the address: marks and conntrack state stay behind
            node, local_origin = owner, False
            packet.mark, packet.dnat = 0, False
        return Connection(TIMEOUT)

    def _deliver(self, target: tuple[str, str], packet: Packet) -> Connection:
        pod = self.api.try_get("pods", target[1], target[0])
        if pod is None or pod.get("status", {}).get("phase") != "Running":
            return Connection(REFUSED)
        dropped = self._policy_drop(pod, packet)
        if dropped:
            return Connection(TIMEOUT, reason=dropped)  # the SYN is dropped: the client times out
        ports = [(p.get("containerPort"), p.get("protocol", "TCP")) for c in pod["spec"].get("containers") or []
                 for p in c.get("ports") or []]
        if ports and (packet.dport, packet.proto.upper()) not in ports:
            return Connection(REFUSED)  # nothing listens on that port: RST
        return Connection(REACHED, pod["metadata"]["name"], packet.src)

    def _dns_drop(self, client: Obj, host: str) -> str:
        """A name needs a DNS query first, which the pod network may drop (an egress policy without a DNS
        allow): why, or "" when the query gets through."""
        network, dns = self.cluster.components.get("network"), self.cluster.components.get("dns")
        try:
            ipaddress.ip_address(host)
            return ""
        except ValueError:
            pass
        server = getattr(dns, "address", "") if dns is not None else ""
        if network is None or not server or network.allows_dns(client["status"]["podIP"], client, server):
            return ""
        return (f"the {network.NAME} network dropped its DNS query to {server}:53/UDP (a NetworkPolicy denies it), "
                f'so "{host}" does not resolve (curl: (28) Resolving timed out)')

    def _policy_drop(self, pod: Obj, packet: Packet) -> str:
        """The pod network's NetworkPolicy check on the final endpoint, after DNAT (and SNAT, if any): why the
        packet is dropped, or "" when it passes."""
        network = self.cluster.components.get("network")
        if network is None:
            return ""
        owner = self._pods_by_ip.get(packet.src)
        src_pod = self.api.try_get("pods", owner[1], owner[0]) if owner else None
        if network.allows(packet.src, src_pod, packet.dst, pod, packet.dport, packet.proto.upper()):
            return ""
        meta = pod["metadata"]
        return (f"the {network.NAME} network dropped the packet from {packet.src} to pod {meta.get('namespace')}/"
                f"{meta['name']} ({packet.dst}:{packet.dport}/{packet.proto.upper()}): a NetworkPolicy denies it")


