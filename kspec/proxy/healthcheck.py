"""kube-proxy's health servers (pkg/proxy/healthcheck): the per-Service one and the proxy's own /healthz.

The service health server answers on each healthCheckNodePort of a
LoadBalancer Service with ``externalTrafficPolicy: Local``: 200 while the
node has a ready endpoint of the Service (and the proxy is healthy), 503
otherwise, with a JSON body and the X-Load-Balancing-Endpoint-Weight header,
so a cloud load balancer sends traffic only to nodes with local endpoints.
The proxier feeds it after every sync (``SyncServices`` with the health
check ports, ``SyncEndpoints`` with the local ready endpoint counts).
``/healthz`` fails once the node is being deleted or carries the cluster
autoscaler's ToBeDeletedByClusterAutoscaler taint (KEP-3836), so load
balancers drain such nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kspec.objects import Obj

#: ToBeDeletedTaint (the cluster autoscaler's taint key)
TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler"
NamespacedName = tuple[str, str]


@dataclass
class HealthCheckInstance:
    """hcInstance: one Service's port and its local endpoint count."""

    port: int
    endpoints: int = 0


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class ServiceHealthServer:
    """server (service_health.go): one listener per Service health check node port."""

    proxy_healthy: bool = True
    services: dict[NamespacedName, HealthCheckInstance] = field(default_factory=dict)

    def sync_services(self, new: dict[NamespacedName, int] | None) -> None:
        """SyncServices: a Service kept on the same port keeps its count; a new or moved one starts at 0."""
        new = new or {}
        for nsn in [n for n, hci in self.services.items() if new.get(n) != hci.port]:
            del self.services[nsn]
        for nsn, port in new.items():
            if nsn not in self.services:
                self.services[nsn] = HealthCheckInstance(port)

    def sync_endpoints(self, new: dict[NamespacedName, int] | None) -> None:
        """SyncEndpoints: counts for known Services; a Service left out has 0; unknown ones are dropped."""
        new = new or {}
        for nsn, hci in self.services.items():
            hci.endpoints = new.get(nsn, 0)

    def serve(self, nsn: NamespacedName) -> Response | None:
        """hcHandler.ServeHTTP; None when no health check listens for the Service."""
        hci = self.services.get(nsn)
        if hci is None:
            return None
        count, healthy = hci.endpoints, self.proxy_healthy
        headers = {"Content-Type": "application/json", "X-Content-Type-Options": "nosniff",
                   "X-Load-Balancing-Endpoint-Weight": str(count)}
        body = (f'{{\n\t"service": {{\n\t\t"namespace": "{nsn[0]}",\n\t\t"name": "{nsn[1]}"\n\t}},\n'
                f'\t"localEndpoints": {count},\n\t"serviceProxyHealthy": {"true" if healthy else "false"}\n}}')
        return Response(200 if count and healthy else 503, headers, body)


def node_healthy(node: Obj | None) -> bool:
    """ProxyHealthServer.SyncNode: /healthz fails for a node being deleted or tainted ToBeDeletedByClusterAutoscaler."""
    if node is None or node["metadata"].get("deletionTimestamp"):
        return False
    return not any(t.get("key") == TO_BE_DELETED_TAINT for t in (node.get("spec") or {}).get("taints") or [])
