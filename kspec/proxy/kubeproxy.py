"""The kube-proxy DaemonSet: one proxier per node, and the path a connection takes.

``connect`` is ``curl`` from a pod: the host is resolved as the pod's resolver
would (through the cluster DNS component when there is one), the SYN leaves
the client's node through that node's rules, travels to a node when it is
addressed to one (node ports are handled by the node that owns the address),
and is accepted by the pod that owns the final address if that pod is running
and listens on the port (it declares that containerPort, or declares none).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from kspec.network.cni import ConnectionDropped
from kspec.objects import Obj
from kspec.proxy.errors import ConnectError
from kspec.proxy.iptables import IptablesProxier
from kspec.proxy.ipvs import IpvsProxier
from kspec.proxy.provider import ACCEPT, Packet, Provider, node_addresses

if TYPE_CHECKING:
    from kspec.cluster import Cluster

MODES: dict[str, type[Provider]] = {"iptables": IptablesProxier, "ipvs": IpvsProxier}
_MAX_HOPS = 4


class KubeProxy:
    """The ``proxy`` component: ``connect`` and ``rules`` over every node's proxier."""

    def __init__(self, cluster: Cluster, mode: str) -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.mode = mode
        self.provider_class = MODES[mode]
        self.proxiers: dict[str, Provider] = {}
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
        inf.on("pods", self._index_pod, lambda old, new: (self._unindex_pod(old), self._index_pod(new)),
               self._unindex_pod)
        for pod in self.api.store.list("pods"):
            self._index_pod(pod)
        for node in self.api.store.list("nodes"):
            self._node_added(node)

    def _fan(self, handler: str, old: Obj | None, new: Obj | None) -> None:
        for name in sorted(self.proxiers):
            getattr(self.proxiers[name], handler)(old, new)

    def _node_added(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        for ip in node_addresses(node):
            self._nodes_by_ip[ip] = name
        if name in self.proxiers:
            return
        proxier = self.provider_class(node, self.cluster.clock, self.cluster.rng)
        self.proxiers[name] = proxier
        proxier.start(self.api.store.list("services"), self.api.store.list("endpointslices"), lazy=True)

    def _node_updated(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        for ip in node_addresses(node):
            self._nodes_by_ip[ip] = name
        if name in self.proxiers:
            self.proxiers[name].on_node(node)
        else:
            self._node_added(node)

    def _node_deleted(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        proxier = self.proxiers.pop(name, None)
        if proxier is not None:
            proxier.stop()
        self._nodes_by_ip = {ip: n for ip, n in self._nodes_by_ip.items() if n != name}

    def _index_pod(self, pod: Obj) -> None:
        ip = pod.get("status", {}).get("podIP")
        if ip and not pod["spec"].get("hostNetwork"):
            self._pods_by_ip[ip] = (pod["metadata"].get("namespace", ""), pod["metadata"]["name"])

    def _unindex_pod(self, pod: Obj) -> None:
        ip = pod.get("status", {}).get("podIP")
        key = (pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
        if ip and self._pods_by_ip.get(ip) == key:
            del self._pods_by_ip[ip]

    # -- what the steps call -------------------------------------------------------------------
    def connect(self, namespace: str, pod: str, host: str, port: int) -> str | None:
        """The name of the pod that accepts a TCP connection from ``pod`` to host:port, or None."""
        client = self.api.try_get("pods", pod, namespace)
        if client is None:
            raise ConnectError(f'pod "{pod}" does not exist in namespace "{namespace}"')
        src = client.get("status", {}).get("podIP")
        node = client["spec"].get("nodeName")
        if not src or not node:
            raise ConnectError(f'pod "{pod}" has no IP yet (phase {client.get("status", {}).get("phase", "Pending")})'
                               ": it cannot open connections")
        try:
            dropped = self._dns_drop(client, host)
            if dropped:
                raise ConnectionDropped(dropped)
            dst = self._resolve(namespace, pod, host)
            packet = Packet(src=src, dst=dst, dport=int(port))
            return self._route(node, packet, bool(client["spec"].get("hostNetwork")))
        except ConnectionDropped as exc:
            raise ConnectionDropped(f'a connection from pod "{pod}" to "{host}:{port}" timed out: {exc}') from None

    def rules(self) -> str:
        """Every node's rules (``iptables-save`` or ``ipvsadm -Ln``), for the failure dump."""
        out = []
        for name in sorted(self.proxiers):
            out.append(f"# kube-proxy ({self.mode}) on node {name}")
            out.append(self.proxiers[name].rules())
        return "\n".join(out)

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

    def _route(self, node: str, packet: Packet, local_origin: bool) -> str | None:
        for _ in range(_MAX_HOPS):
            proxier = self.proxiers.get(node)
            if proxier is not None:
                verdict, packet = proxier.process(packet, local_origin)
                if verdict not in (ACCEPT, "DNAT"):
                    return None
            target = self._pods_by_ip.get(packet.dst)
            if target is not None:
                return self._deliver(target, packet)
            owner = self._nodes_by_ip.get(packet.dst)
            if owner is None or owner == node:
                return None  # nothing listens there (or no such address): refused or dropped
            node, local_origin = owner, False
        return None

    def _deliver(self, target: tuple[str, str], packet: Packet) -> str | None:
        pod = self.api.try_get("pods", target[1], target[0])
        if pod is None or pod.get("status", {}).get("phase") != "Running":
            return None
        dropped = self._policy_drop(pod, packet)
        if dropped:
            raise ConnectionDropped(dropped)  # the SYN is dropped: the client times out
        ports = [(p.get("containerPort"), p.get("protocol", "TCP")) for c in pod["spec"].get("containers") or []
                 for p in c.get("ports") or []]
        if ports and (packet.dport, packet.proto.upper()) not in ports:
            return None  # nothing listens on that port: RST
        return pod["metadata"]["name"]

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


