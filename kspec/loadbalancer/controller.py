"""The built-in ``loadbalancer`` implementation "pool": LoadBalancer Services get an address from a pool.

Two halves, as on a real cluster. The *service controller* half follows the
cloud-provider service controller (k8s.io/cloud-provider controllers/service
``syncLoadBalancerIfNeeded``): a Service of type LoadBalancer without a
``spec.loadBalancerClass`` (``wantsLoadBalancer``) gets the finalizer
``service.kubernetes.io/load-balancer-cleanup``, the events
EnsuringLoadBalancer / EnsuredLoadBalancer, and ``status.loadBalancer.ingress``
with one address of the pool (``spec.loadBalancerIP`` when it asks for a free
one); a Service that stops wanting one (another type, being deleted) gets
DeletingLoadBalancer / DeletedLoadBalancer, its address back in the pool and
its finalizer removed. A Service with a ``loadBalancerClass`` is left alone,
as the controller leaves it to the implementation of that class: with none
installed it stays pending. When the pool is empty the Service stays pending
with a SyncLoadBalancerFailed warning, and is retried when the pool changes or
an address is released.

The *data path* half is the load balancer itself, a layer-4 VIP balancer
(``ipMode: VIP``, as MetalLB or a cloud network load balancer): it delivers
each new connection to one of the nodes it considers healthy, with the
destination still the load-balancer IP and the client's address untouched,
and kube-proxy on that node does the rest. Healthy means: for
``externalTrafficPolicy: Local`` the Service's ``healthCheckNodePort`` on the
node answers 200 (kube-proxy's health check: it has a local ready endpoint);
otherwise kube-proxy's /healthz on the node answers 200 (not while the node is
being deleted or carries the ToBeDeletedByClusterAutoscaler taint). Nodes labelled
``node.kubernetes.io/exclude-from-external-load-balancers`` never take traffic
(the service controller leaves them out). With no healthy node, or on a port
the Service does not have, nothing answers: the connection times out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kspec.controllers.base import Controller
from kspec.loadbalancer.pool import AddressPool, configured_pool
from kspec.objects import Obj
from kspec.proxy.healthcheck import node_healthy

if TYPE_CHECKING:
    from kspec.cluster import Cluster

NAME = "pool"
#: servicehelper.LoadBalancerCleanupFinalizer
CLEANUP_FINALIZER = "service.kubernetes.io/load-balancer-cleanup"
#: the service controller's event source (controllerName "service-controller")
COMPONENT = "service-controller"
#: v1.LabelNodeExcludeBalancers
EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"


def wants_load_balancer(svc: Obj) -> bool:
    """wantsLoadBalancer: type LoadBalancer, no loadBalancerClass, not being deleted."""
    spec = svc.get("spec") or {}
    return (spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerClass")
            and not svc["metadata"].get("deletionTimestamp"))


def ingress_ips(svc: Obj) -> list[str]:
    return [i["ip"] for i in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            if i.get("ip")]


class PoolLoadBalancer(Controller):
    """The ``loadbalancer`` component "pool"."""

    NAME = "load-balancer-pool"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.cluster = cluster
        self.pool = AddressPool(configured_pool(cluster))
        self.assigned: dict[str, str] = {}  # "namespace/name" -> address
        self.pending: set[str] = set()

    def start(self) -> None:
        self.watch("services")

    # -- the service controller ----------------------------------------------------------
    def set_pool(self, text: str) -> None:
        """A new pool: addresses already handed out stay with their Services; pending ones are retried."""
        self.pool = AddressPool(text)
        for ip in self.assigned.values():
            self.pool.hold(ip)
        self._retry_pending()

    def _retry_pending(self) -> None:
        for key in sorted(self.pending):
            self.queue.add(key)

    def reconcile(self, key: str) -> bool | None:
        ns, _, name = key.partition("/")
        svc = self.api.store.get("services", ns, name)  # try_get's read: a reconcile acts for no user
        if svc is None:
            self._release(key)
            return None
        if wants_load_balancer(svc):
            self._ensure(key, svc)
        elif CLEANUP_FINALIZER in (svc["metadata"].get("finalizers") or []):
            self._delete(key, svc)
        else:
            self._release(key)
        return None

    def _ensure(self, key: str, svc: Obj) -> None:
        ip = self.assigned.get(key)
        wanted = (svc.get("spec") or {}).get("loadBalancerIP") or ""
        if ip is not None and wanted and wanted != ip:
            self._release(key)  # asked for another address: give this one back
            ip = None
        if ip is not None and ingress_ips(svc) == [ip] and CLEANUP_FINALIZER in (
                svc["metadata"].get("finalizers") or []):
            return
        self.events.event(svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer", component=COMPONENT)
        if CLEANUP_FINALIZER not in (svc["metadata"].get("finalizers") or []):
            svc = self.api.patch("services", svc["metadata"]["name"], key.partition("/")[0],
                                 lambda o: o["metadata"].setdefault("finalizers", []).append(CLEANUP_FINALIZER))
        if ip is None:
            ip = self.pool.allocate(wanted)
            if ip is None:
                self.pending.add(key)
                reason = (f"the address {wanted} is not free in the pool {self.pool.text}" if wanted
                          else f"no address is free in the pool {self.pool.text}")
                self.events.event(svc, "Warning", "SyncLoadBalancerFailed",
                                  f"Error syncing load balancer: failed to ensure load balancer: {reason}",
                                  component=COMPONENT)
                return
            self.assigned[key] = ip
        self.pending.discard(key)

        def write(o: Obj) -> None:
            o.setdefault("status", {})["loadBalancer"] = {"ingress": [{"ip": ip, "ipMode": "VIP"}]}

        svc = self.api.patch("services", svc["metadata"]["name"], key.partition("/")[0], write, status=True)
        self.events.event(svc, "Normal", "EnsuredLoadBalancer", "Ensured load balancer", component=COMPONENT)

    def _delete(self, key: str, svc: Obj) -> None:
        ns, name = key.partition("/")[0], svc["metadata"]["name"]
        self.events.event(svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer", component=COMPONENT)
        self._release(key)
        if (svc.get("status") or {}).get("loadBalancer"):
            svc = self.api.patch("services", name, ns, lambda o: o.setdefault("status", {}).pop("loadBalancer"),
                                 status=True)
        self.api.remove_finalizer("services", name, ns, CLEANUP_FINALIZER)
        self.events.event(svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer", component=COMPONENT)

    def _release(self, key: str) -> None:
        self.pending.discard(key)
        ip = self.assigned.pop(key, None)
        if ip is not None:
            self.pool.release(ip)
            self._retry_pending()

    # -- the data path --------------------------------------------------------------------------
    def owner(self, ip: str) -> Obj | None:
        """The Service whose load-balancer address ``ip`` is (an address this implementation announces)."""
        for key, held in self.assigned.items():
            if held == ip:
                ns, _, name = key.partition("/")
                svc = self.api.try_get("services", name, ns)
                if svc is not None and ip in ingress_ips(svc):
                    return svc
        return None

    def backend_nodes(self, svc: Obj) -> list[str]:
        """The nodes that pass the load balancer's health check for ``svc``, by name."""
        proxy = self.cluster.components.get("proxy")
        if proxy is None:
            return []
        spec = svc.get("spec") or {}
        local = spec.get("externalTrafficPolicy") == "Local" and bool(spec.get("healthCheckNodePort"))
        out = []
        for node in sorted(self.api.store.list("nodes"), key=lambda n: n["metadata"]["name"]):
            name = node["metadata"]["name"]
            if EXCLUDE_LABEL in (node["metadata"].get("labels") or {}):
                continue
            if local:
                answer = proxy.health_check(name, svc["metadata"].get("namespace", ""), svc["metadata"]["name"])
                if answer is None or answer[0] != 200:
                    continue
            elif not (proxy.runs_on(name) and node_healthy(node)):
                continue  # kube-proxy's /healthz fails (KEP-3836: a node being deleted or drained by the autoscaler)
            out.append(name)
        return out

    def route(self, ip: str, port: int, protocol: str, client: str) -> tuple[str, str | None]:
        """Where a new connection from outside to ip:port goes: ("node", name), ("timeout", None) or
        ("none", None) when ``ip`` is not an address of this load balancer."""
        svc = self.owner(ip)
        if svc is None:
            return "none", None
        ports = [(int(p["port"]), p.get("protocol", "TCP")) for p in (svc.get("spec") or {}).get("ports") or []]
        if (port, protocol.upper()) not in ports:
            return "timeout", None  # no listener for that port
        nodes = self.backend_nodes(svc)
        if not nodes:
            return "timeout", None
        return "node", self.cluster.rng.choice(nodes)
