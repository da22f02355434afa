"""The proxier interface every kube-proxy mode implements (pkg/proxy/types.go ``Provider``).

A proxier runs on one node. Its informer handlers only record changes in the
change trackers and ask the sync runner for a sync; ``sync`` folds the changes
in and rewrites the node's rules; ``process`` is the node's kernel handling a
new TCP connection against the rules last written (so a connection made
between a change and the next sync still sees the old rules, as on a node).
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass

from kspec.clock import Clock
from kspec.objects import Obj
from kspec.proxy.changetracker import EndpointsChangeTracker, ServiceChangeTracker, UpdateResult, apply_changes
from kspec.proxy.healthcheck import ServiceHealthServer
from kspec.proxy.runner import SyncRunner
from kspec.proxy.types import Endpoint, ServicePort, ServicePortName

ACCEPT, REJECT, DROP = "ACCEPT", "REJECT", "DROP"
#: --cluster-cidr as kubeadm passes it (podSubnet), for the detect-local rules
CLUSTER_CIDR = "10.244.0.0/16"


@dataclass
class Packet:
    """The first packet of a TCP (or UDP) connection, as netfilter and IPVS see it."""

    src: str
    dst: str
    dport: int
    proto: str = "tcp"
    mark: int = 0
    dnat: bool = False

    def clone(self) -> Packet:
        return Packet(self.src, self.dst, self.dport, self.proto, self.mark, self.dnat)


def node_addresses(node: Obj) -> tuple[str, ...]:
    """The node's own IPs (what ``-m addrtype --dst-type LOCAL`` matches, besides loopback)."""
    return tuple(a["address"] for a in node.get("status", {}).get("addresses") or []
                 if a.get("type") in ("InternalIP", "ExternalIP"))


def node_zone(node: Obj) -> str:
    """The node's topology.kubernetes.io/zone label (kube-proxy's topologyLabels)."""
    return str((node.get("metadata", {}).get("labels") or {}).get("topology.kubernetes.io/zone", ""))


class Provider(ABC):
    """One node's proxier; subclasses set MODE and MIN_SYNC_PERIOD_MS and write the rules."""

    MODE = ""
    MIN_SYNC_PERIOD_MS = 0
    #: True when a full sync of the current maps writes what a full sync followed by partial syncs would
    #: (iptables: a partial sync rewrites every changed Service's chains); see ``start(lazy=True)``.
    DEFERRABLE = False

    def __init__(self, node: Obj, clock: Clock, rng: random.Random) -> None:
        self.node_name: str = node["metadata"]["name"]
        self.node_ips: tuple[str, ...] = node_addresses(node)
        self.zone: str = node_zone(node)
        self.clock = clock
        self.rng = rng
        self.service_changes = ServiceChangeTracker()
        self.endpoints_changes = EndpointsChangeTracker()
        self.svc_port_map: dict[ServicePortName, ServicePort] = {}
        self.endpoints_map: dict[ServicePortName, tuple[Endpoint, ...]] = {}
        self.runner = SyncRunner(clock, self.sync_proxy_rules, self.MIN_SYNC_PERIOD_MS,
                                 f"{self.MODE} sync on {self.node_name}")
        self.initialized = False
        self.need_full_sync = True
        self._deferred = False  # the first (full) sync has not been written yet
        self._deferred_first = False  # the next sync is the first one (start's)
        self.health_server = ServiceHealthServer()

    # -- informer handlers (OnServiceAdd/Update/Delete, OnEndpointsAdd/...) -------------------
    def on_service(self, old: Obj | None, new: Obj | None) -> None:
        if self.service_changes.update(old, new) and self.initialized:
            self.runner.run()

    def on_endpoints(self, old: Obj | None, new: Obj | None) -> None:
        if self.endpoints_changes.update(old, new) and self.initialized:
            self.runner.run()

    def on_node(self, node: Obj) -> None:
        ips = node_addresses(node)
        if ips != self.node_ips or node_zone(node) != self.zone:
            self.node_ips = ips
            self.zone = node_zone(node)  # the topology labels feed CategorizeEndpoints
            self.need_full_sync = True
            self.runner.run()

    def start(self, services: list[Obj], endpoints: list[Obj], *, lazy: bool = False) -> None:
        """The informers' initial lists, then OnServiceSynced/OnEndpointsSynced: one sync right away.

        ``lazy`` (for a DEFERRABLE mode) keeps every sync's bookkeeping (maps, rate limit, timers) but
        writes no rules until something reads them (a connection, the rules printed): then one full sync
        of the current maps writes what the syncs so far would have. A sync reads neither the clock nor
        the random generator, so nothing else can tell; most scenarios never read the rules at all.
        """
        for svc in services:
            self.service_changes.update(None, svc)
        for ep in endpoints:
            self.endpoints_changes.update(None, ep)
        self.initialized = True
        if lazy and self.DEFERRABLE:
            self._deferred = True
            self.runner.mark_run()
            self._deferred_first = True
            self.sync_proxy_rules()
        else:
            self.runner.run_now()

    def flush(self) -> None:
        """Write the rules the deferred syncs stand for, before anything reads them."""
        if self._deferred:
            self._deferred = False
            self.sync(set(), True)

    def stop(self) -> None:
        self.runner.stop()

    # -- syncing ----------------------------------------------------------------------------
    def sync_proxy_rules(self) -> None:
        before = (dict(self.svc_port_map), dict(self.endpoints_map)) if self._deferred else None
        services = apply_changes(self.svc_port_map, self.service_changes)
        endpoints = apply_changes(self.endpoints_map, self.endpoints_changes)
        full = self.need_full_sync
        self.need_full_sync = False
        # syncProxyRules feeds the service health server (it reads the maps, not the rules: deferring rules
        # does not defer it)
        self.health_server.sync_services(self.health_check_node_ports())
        self.health_server.sync_endpoints(self.local_ready_endpoints())
        if before is not None:
            first, self._deferred_first = self._deferred_first, False
            if self.still_deferrable():
                return
            if not first:
                # a later sync that changes what a full sync would write: first write the deferred rules
                after = (self.svc_port_map, self.endpoints_map)
                self.svc_port_map, self.endpoints_map = before
                self.flush()
                self.svc_port_map, self.endpoints_map = after
            else:
                self._deferred, full = False, True  # the first sync itself: written as it was
        self.sync(services.updated_services | endpoints.updated_services, full)

    def still_deferrable(self) -> bool:
        """Whether a full sync of the current maps still writes what the syncs so far would have."""
        return False

    def categorize(self, svc: ServicePort) -> tuple[list[Endpoint], list[Endpoint], list[Endpoint], bool]:
        """CategorizeEndpoints (pkg/proxy/topology.go).

        Returns (cluster, local, all reachable, any at all). Ready endpoints are used (only those hinted
        for this node or its zone when every ready endpoint carries such hints); when there are none,
        serving terminating ones are (ProxyTerminatingEndpoints), for the cluster policy and, per node,
        for the Local one.
        """
        return categorize_endpoints(self.endpoints_map.get(svc.name, ()), svc, self.node_name, self.zone)

    @abstractmethod
    def sync(self, updated: set[tuple[str, str]], full: bool) -> None:
        """Rewrite the node's rules for the current maps (only ``updated`` Services unless ``full``)."""

    @abstractmethod
    def process(self, packet: Packet, local_origin: bool) -> tuple[str, Packet]:
        """The kernel's verdict on a new connection arriving at (or leaving from) this node."""

    @abstractmethod
    def rules(self) -> str:
        """The node's rules as the mode's own tool prints them."""

    # -- the service health server (pkg/proxy/healthcheck service_health.go) ----------------------------
    def health_check_node_ports(self) -> dict[tuple[str, str], int]:
        """ServicePortMap.HealthCheckNodePorts: the Services whose health check port this node serves."""
        return {name.service: svc.health_check_node_port for name, svc in self.svc_port_map.items()
                if svc.health_check_node_port}

    def local_ready_endpoints(self) -> dict[tuple[str, str], int]:
        """EndpointsMap.LocalReadyEndpoints: ready endpoints on this node per Service, counted by IP (a pod
        behind two ports counts once); terminating ones do not count, so the check fails while only they
        are left."""
        ips: dict[tuple[str, str], set[str]] = {}
        for name, endpoints in self.endpoints_map.items():
            for e in endpoints:
                if e.ready and e.node == self.node_name:
                    ips.setdefault(name.service, set()).add(e.ip)
        return {k: len(v) for k, v in ips.items()}

    def health_check(self, namespace: str, name: str) -> tuple[int, str] | None:
        """What the service health server answers for the Service (status, JSON body), or None when this node
        serves no health check for it. It reflects the last sync, as kube-proxy's does."""
        answer = self.health_server.serve((namespace, name))
        return None if answer is None else (answer.status, answer.body)

    def local_addresses(self) -> set[str]:
        return {*self.node_ips, "127.0.0.1"}


def topology_mode(endpoints: tuple[Endpoint, ...] | list[Endpoint], node_name: str, zone: str) -> str:
    """topologyModeFromHints: same node when every ready endpoint has node hints and one names this node;
    else same zone likewise; else none."""
    ready = [e for e in endpoints if e.ready]
    if ready and all(e.node_hints for e in ready) and any(node_name in e.node_hints for e in ready):
        return "PreferSameNode"
    if ready and all(e.zone_hints for e in ready) and any(zone in e.zone_hints for e in ready):
        return "PreferSameZone"
    return ""


def _available(e: Endpoint, mode: str, node_name: str, zone: str) -> bool:
    """availableForTopology."""
    if mode == "PreferSameNode":
        return node_name in e.node_hints
    if mode == "PreferSameZone":
        return zone in e.zone_hints
    return True


def categorize_endpoints(endpoints: tuple[Endpoint, ...] | list[Endpoint], svc: ServicePort, node_name: str,
                         zone: str = "") -> tuple[list[Endpoint], list[Endpoint], list[Endpoint], bool]:
    """CategorizeEndpoints: (cluster endpoints, local endpoints, all reachable, has any endpoints)."""
    cluster: list[Endpoint] = []
    local: list[Endpoint] = []
    has_any = False
    if svc.uses_cluster_endpoints():
        mode = topology_mode(endpoints, node_name, zone)
        cluster = [e for e in endpoints if e.ready and _available(e, mode, node_name, zone)]
        if not cluster:  # no ready endpoint anywhere: the serving terminating ones
            cluster = [e for e in endpoints if e.serving and e.terminating]
        has_any = bool(cluster)
    if not svc.uses_local_endpoints():
        return cluster, local, cluster, has_any
    local_ready = local_terminating = False
    for e in endpoints:
        if e.ready:
            has_any = True
            local_ready = local_ready or e.node == node_name
        elif e.serving and e.terminating:
            has_any = True
            local_terminating = local_terminating or e.node == node_name
    if local_ready:
        local = [e for e in endpoints if e.node == node_name and e.ready]
    elif local_terminating:
        local = [e for e in endpoints if e.node == node_name and e.serving and e.terminating]
    if not svc.uses_cluster_endpoints():
        return cluster, local, local, has_any
    if not local_ready and not local_terminating:
        return cluster, local, cluster, has_any
    union = {str(e): e for e in cluster}
    union.update({str(e): e for e in local})
    return cluster, local, sorted(union.values(), key=Endpoint.sort_key), has_any


UpdatedServices = set[tuple[str, str]]
__all__ = ["ACCEPT", "DROP", "REJECT", "Packet", "Provider", "UpdateResult", "UpdatedServices"]
