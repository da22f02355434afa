"""What kube-proxy keeps of Services and Endpoints (pkg/proxy serviceport.go, endpoint.go).

A Service becomes one ``ServicePort`` per port, keyed by ``ServicePortName``
(namespace/name:portName plus protocol); an Endpoints object becomes
``Endpoint`` lists under the same keys. Headless and ExternalName Services are
not proxied (proxyutil.ShouldSkipService).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from kspec.objects import Obj

#: DefaultClientIPServiceAffinitySeconds
DEFAULT_AFFINITY_SECONDS = 10800


@dataclass(frozen=True, order=True)
class ServicePortName:
    namespace: str
    name: str
    port: str
    protocol: str = "TCP"

    def __str__(self) -> str:
        # ServicePortName.String: "<ns>/<name>" plus ":<port>" when the port is named
        return f"{self.namespace}/{self.name}" + (f":{self.port}" if self.port else "")

    @property
    def service(self) -> tuple[str, str]:
        return self.namespace, self.name


@dataclass(frozen=True)
class ServicePort:
    """BaseServicePortInfo: everything the rules need about one service port."""

    name: ServicePortName
    cluster_ips: tuple[str, ...]
    port: int
    protocol: str
    node_port: int = 0
    external_ips: tuple[str, ...] = ()
    client_ip_affinity: bool = False
    sticky_seconds: int = DEFAULT_AFFINITY_SECONDS
    internal_local: bool = False
    external_local: bool = False
    health_check_node_port: int = 0
    lb_ips: tuple[str, ...] = ()
    lb_source_ranges: tuple[str, ...] = ()

    @property
    def cluster_ip(self) -> str:
        return self.cluster_ips[0]

    @property
    def externally_accessible(self) -> bool:
        return self.node_port != 0 or bool(self.external_ips) or bool(self.lb_ips)

    @property
    def external_policy_local(self) -> bool:
        return self.externally_accessible and self.external_local

    def uses_cluster_endpoints(self) -> bool:
        # UsesClusterEndpoints: even under externalTrafficPolicy Local, external traffic from a pod on the
        # node is short-circuited to the cluster endpoints
        return not self.internal_local or self.externally_accessible

    def uses_local_endpoints(self) -> bool:
        return self.internal_local or self.external_policy_local


@dataclass(frozen=True)
class Endpoint:
    """BaseEndpointInfo: one endpoint of a Service port, with its EndpointSlice conditions."""

    ip: str
    port: int
    node: str = ""
    pod: str = ""
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    zone_hints: frozenset[str] = frozenset()
    node_hints: frozenset[str] = frozenset()

    def __str__(self) -> str:
        # net.JoinHostPort
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"

    def sort_key(self) -> str:
        return str(self)


def is_service_ip_set(svc: Obj) -> bool:
    ip = svc.get("spec", {}).get("clusterIP", "")
    return ip not in ("", "None")


def service_ports(svc: Obj) -> dict[ServicePortName, ServicePort]:
    """serviceToServiceMap: nothing for headless and ExternalName Services."""
    spec = svc.get("spec", {})
    if not is_service_ip_set(svc) or spec.get("type") == "ExternalName":
        return {}
    md = svc["metadata"]
    ips = tuple(spec.get("clusterIPs") or [spec["clusterIP"]])
    affinity = spec.get("sessionAffinity") == "ClientIP"
    timeout = (((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get("timeoutSeconds")
               or DEFAULT_AFFINITY_SECONDS)
    # LoadBalancerVIPs: ingress IPs, except those whose ipMode says the load balancer proxies (LoadBalancerIPMode)
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    lb_ips = tuple(i["ip"] for i in ingress if i.get("ip") and i.get("ipMode", "VIP") != "Proxy")
    ranges = tuple(r.strip() for r in spec.get("loadBalancerSourceRanges") or () if r.strip())
    out: dict[ServicePortName, ServicePort] = {}
    for p in spec.get("ports") or []:
        protocol = p.get("protocol", "TCP")
        key = ServicePortName(md.get("namespace", ""), md["name"], p.get("name", ""), protocol)
        out[key] = ServicePort(
            name=key, cluster_ips=ips, port=int(p["port"]), protocol=protocol,
            node_port=int(p.get("nodePort") or 0), external_ips=tuple(spec.get("externalIPs") or ()),
            client_ip_affinity=affinity, sticky_seconds=int(timeout),
            internal_local=spec.get("internalTrafficPolicy") == "Local",
            external_local=spec.get("externalTrafficPolicy") == "Local",
            # NeedsHealthCheck: only a LoadBalancer with externalTrafficPolicy Local keeps its health check port
            health_check_node_port=int(spec.get("healthCheckNodePort") or 0)
            if spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local" else 0,
            lb_ips=lb_ips if spec.get("type") == "LoadBalancer" else (), lb_source_ranges=ranges)
    return out


def endpoints_map(ep: Obj, node_name: str) -> dict[ServicePortName, tuple[Endpoint, ...]]:
    """endpointsToEndpointsMap: ready addresses per port; a port of 0 or a bad IP is skipped."""
    md = ep["metadata"]
    out: dict[ServicePortName, list[Endpoint]] = {}
    for subset in ep.get("subsets") or []:
        for port in subset.get("ports") or []:
            if not port.get("port"):
                continue
            key = ServicePortName(md.get("namespace", ""), md["name"], port.get("name", ""),
                                  port.get("protocol", "TCP"))
            for addr in subset.get("addresses") or []:
                try:
                    ipaddress.ip_address(addr.get("ip", ""))
                except ValueError:
                    continue
                out.setdefault(key, []).append(Endpoint(
                    addr["ip"], int(port["port"]), addr.get("nodeName", ""),
                    (addr.get("targetRef") or {}).get("name", ""), True))
    # the EndpointsMap keeps each list sorted by "ip:port", as kube-proxy's cache does
    return {k: tuple(sorted(v, key=Endpoint.sort_key)) for k, v in out.items()}


def slices_endpoints_map(service: tuple[str, str], slices: list[Obj]) -> dict[ServicePortName, tuple[Endpoint, ...]]:
    """EndpointSliceCache.endpointInfoByServicePort: a Service's slices merged per port.

    A port without a name or with port 0 is skipped, as is an endpoint without addresses or whose
    first address is no IP; an endpoint in several slices counts once (the node-local copy wins).
    Conditions left out read as ready, serving and not terminating.
    """
    merged: dict[ServicePortName, dict[str, Endpoint]] = {}
    for s in slices:
        if s.get("addressType") not in ("IPv4", "IPv6"):
            continue
        for port in s.get("ports") or []:
            if port.get("name") is None or not port.get("port"):
                continue
            key = ServicePortName(service[0], service[1], port["name"], port.get("protocol") or "TCP")
            into = merged.setdefault(key, {})
            for ep in s.get("endpoints") or []:
                addresses = ep.get("addresses") or []
                if not addresses:
                    continue
                try:
                    ip = str(ipaddress.ip_address(addresses[0]))
                except ValueError:
                    continue
                cond = ep.get("conditions") or {}
                hints = ep.get("hints") or {}
                info = Endpoint(ip, int(port["port"]), ep.get("nodeName") or "", (ep.get("targetRef") or {}).get(
                    "name", ""), cond.get("ready") is not False, cond.get("serving") is not False,
                    cond.get("terminating") is True,
                    frozenset(z.get("name", "") for z in hints.get("forZones") or []),
                    frozenset(n.get("name", "") for n in hints.get("forNodes") or []))
                if str(info) not in into or info.node:
                    into[str(info)] = info
    # endpointsMapFromEndpointInfo: each list sorted by "ip:port"
    return {k: tuple(sorted(v.values(), key=Endpoint.sort_key)) for k, v in merged.items() if v}
