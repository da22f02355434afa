"""The ``dns`` component: CoreDNS behind the kube-dns Service, and lookups made from pods.

The plugin chain is kubeadm's Corefile for the ``cluster.local`` server block:
loadbalance, cache 30, kubernetes, then ``forward . /etc/resolv.conf`` for
everything else. A simulated cluster has no internet, so what is forwarded
gets NXDOMAIN. CoreDNS is not a pod here: a query to the kube-dns cluster IP
reaches it directly rather than through the service proxy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kspec.dns import resolver
from kspec.dns.cache import Cache
from kspec.dns.errors import ResolveError
from kspec.dns.kubernetes import TTL, KubernetesPlugin
from kspec.dns.loadbalance import round_robin
from kspec.dns.message import NXDOMAIN, Response, fqdn
from kspec.dns.resolvconf import CLUSTER_DOMAIN, ResolvConf, parse, pod_resolv_conf
from kspec.errors import KspecError, StepError

if TYPE_CHECKING:
    from kspec.cluster import Cluster

NAME = "coredns"
RTYPES = ("A", "AAAA", "SRV", "PTR", "CNAME", "TXT")


class CoreDNS:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.kubernetes = KubernetesPlugin()
        self.cache = Cache(lambda: cluster.clock.now)

    def start(self) -> None:
        self.kubernetes.watch(self.api.informers, self.api.store)

    @property
    def address(self) -> str:
        """The kube-dns Service's cluster IP (10.96.0.10), which pods use as their nameserver."""
        svc = self.kubernetes.services.get(("kube-system", "kube-dns"))
        return (svc or {}).get("spec", {}).get("clusterIP", "") if svc else ""

    # -- the server -------------------------------------------------------------------------------
    def serve(self, name: str, qtype: str) -> Response:
        """One query through the plugin chain."""
        name = fqdn(name)
        cached = self.cache.get(name, qtype)
        if cached is None:
            cached = self._answer(name, qtype)
            self.cache.put(name, qtype, cached)
        cached.answer = round_robin(cached.answer, self.cluster.rng)
        return cached

    def _answer(self, name: str, qtype: str) -> Response:
        if self.kubernetes.serves(name.lower()):
            response = self.kubernetes.serve(name, qtype, self._forward)
            if response is not None:
                return response
        return self._forward(name, qtype)

    def _forward(self, name: str, qtype: str) -> Response:
        """``forward . /etc/resolv.conf``: the world outside the cluster, which a simulation lacks."""
        return Response(NXDOMAIN, [], TTL)

    # -- what the steps call ----------------------------------------------------------------------
    def query(self, rtype: str, name: str) -> list[str]:
        """``dig +short <rtype> <name> @10.96.0.10``: the records of that type in the answer."""
        rtype = rtype.upper()
        if rtype not in RTYPES:
            raise StepError(f'unknown DNS record type "{rtype}": use one of {", ".join(RTYPES)}')
        return [rr.data for rr in self.serve(name, rtype).answer if rr.rtype == rtype]

    def resolve_from_pod(self, namespace: str, pod: str, name: str) -> list[str]:
        """The IPv4 addresses ``getaddrinfo(name)`` returns inside the pod, in the order given."""
        conf = self.resolv_conf(namespace, pod)
        if not conf.nameservers or conf.nameservers[0] != self.address:
            return []  # the node's resolver (or none): it knows no cluster names and has no internet
        response = resolver.search(name, conf, lambda candidate: self.serve(candidate, "A"))
        return [rr.data for rr in response.answer if rr.rtype == "A"] if response is not None else []

    def resolv_conf(self, namespace: str, pod: str) -> ResolvConf:
        """The pod's /etc/resolv.conf: the kubelet's when it has written one, else by the kubelet's rules."""
        obj = self.api.try_get("pods", pod, namespace)
        if obj is None:
            raise ResolveError(f'pod "{pod}" does not exist in namespace "{namespace}"')
        runtime = self.cluster.components.get("runtime")
        written = getattr(runtime, "resolv_conf", None)
        if written is not None:
            try:
                text = written(namespace, pod)
            except KspecError:
                text = None
            if text:
                return parse(text)
        return pod_resolv_conf(obj, self.address, CLUSTER_DOMAIN)
