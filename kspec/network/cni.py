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


class Calico(Flannel):
    """Enforces NetworkPolicy (networking.k8s.io/v1) on every pod, as Calico's Felix does."""

    NAME = "calico"

    def allows(self, src_ip: str, src_pod: Obj | None, dst_ip: str, dst_pod: Obj, port: int, protocol: str) -> bool:
        store = self.cluster.api.store
        policies = store.list("networkpolicies")
        if not policies:
            return True
        namespaces = {n["metadata"]["name"]: n["metadata"].get("labels") or {} for n in store.list("namespaces")}
        return allowed(policies, namespaces, _endpoint(src_ip, src_pod), _endpoint(dst_ip, dst_pod), port, protocol)


def _endpoint(ip: str, pod: Obj | None) -> Endpoint:
    """A host-network pod has the node's address and is outside NetworkPolicy's reach."""
    if pod is not None and pod.get("spec", {}).get("hostNetwork"):
        pod = None
    return Endpoint(ip, pod)


IMPLEMENTATIONS = {cls.NAME: cls for cls in (Calico, Flannel)}


class ConnectionDropped(AssertionError):
    """The network dropped the connection's first packet (a NetworkPolicy denies it): the client times out.

    An AssertionError, so a step expecting the connection to succeed fails (and ``Then within ...`` retries).
    """
