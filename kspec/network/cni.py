"""The pod network (CNI) implementations: ``calico`` enforces NetworkPolicy, ``flannel`` only connects pods.

kube-proxy's connection model asks the network, once a packet reaches its final pod endpoint
(after DNAT), whether the policies of both ends let it through; a denied packet is dropped, so
the client's connection times out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kspec.network.policy import Endpoint, allowed
from kspec.objects import Obj

if TYPE_CHECKING:
    from kspec.cluster import Cluster


class Flannel:
    """Connectivity only: flannel has no policy engine, so NetworkPolicy objects have no effect."""

    NAME = "flannel"

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def start(self) -> None:
        """Nothing to run: the pod network is up with the nodes."""

    def allows(self, src_ip: str, src_pod: Obj | None, dst_ip: str, dst_pod: Obj, port: int, protocol: str) -> bool:
        return True

    def allows_dns(self, src_ip: str, src_pod: Obj | None, server_ip: str) -> bool:
        """Whether the pod's DNS query (UDP 53 to the kube-dns Service) gets through."""
        return True


class Calico(Flannel):
    """Enforces NetworkPolicy (networking.k8s.io/v1) on every pod, as Calico's Felix does."""

    NAME = "calico"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self._seen: tuple[int, list[Obj], dict[str, dict[str, str]]] | None = None

    def _state(self) -> tuple[list[Obj], dict[str, dict[str, str]]]:
        """Every policy and each namespace's labels, read again only after the store changed (its revision)."""
        store = self.cluster.api.store
        revision = getattr(store, "revision", None)
        if self._seen is not None and revision is not None and self._seen[0] == revision:
            return self._seen[1], self._seen[2]
        policies = store.list("networkpolicies")
        namespaces = ({n["metadata"]["name"]: n["metadata"].get("labels") or {} for n in store.list("namespaces")}
                      if policies else {})
        if revision is not None:
            self._seen = (revision, policies, namespaces)
        return policies, namespaces

    def allows(self, src_ip: str, src_pod: Obj | None, dst_ip: str, dst_pod: Obj, port: int, protocol: str) -> bool:
        policies, namespaces = self._state()
        if not policies:
            return True
        return allowed(policies, namespaces, _endpoint(src_ip, src_pod), _endpoint(dst_ip, dst_pod), port, protocol)

    def allows_dns(self, src_ip: str, src_pod: Obj | None, server_ip: str) -> bool:
        """A query goes to CoreDNS's pods behind kube-dns; kspec's CoreDNS is not a pod, so policies see one with
        the labels and ports of upstream's CoreDNS Deployment (an egress deny without a DNS allow breaks names)."""
        return self.allows(src_ip, src_pod, server_ip, COREDNS_POD, 53, "UDP")


#: What NetworkPolicies see of CoreDNS: upstream's Deployment (kube-system, k8s-app=kube-dns, ports dns,
#: dns-tcp and metrics).
COREDNS_POD: Obj = {
    "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
    "spec": {"containers": [{"name": "coredns", "ports": [
        {"name": "dns", "containerPort": 53, "protocol": "UDP"},
        {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
        {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}]}]},
}


def _endpoint(ip: str, pod: Obj | None) -> Endpoint:
    """A host-network pod has the node's address and is outside NetworkPolicy's reach."""
    if pod is not None and pod.get("spec", {}).get("hostNetwork"):
        pod = None
    return Endpoint(ip, pod)


IMPLEMENTATIONS = {cls.NAME: cls for cls in (Calico, Flannel)}
