"""CoreDNS's kubernetes plugin (plugin/kubernetes), as kubeadm configures it.

Corefile: ``kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure;
fallthrough in-addr.arpa ip6.arpa; ttl 30 }``. Names are
``<svc>.<ns>.svc.cluster.local`` (cluster IP, or every ready endpoint of a
headless Service), ``<endpoint>.<svc>.<ns>.svc...`` (its hostname, else its IP
with dashes), ``_<port>._<proto>.<svc>...`` (SRV), ExternalName CNAMEs,
``<a-b-c-d>.<ns>.pod.cluster.local`` and ``dns-version.cluster.local`` (TXT).
The data comes from informers on services, EndpointSlices and namespaces
(each slice read as CoreDNS's ``object.EndpointSliceToEndpoints`` reads it:
one subset of its ready endpoints, filed under its ``kubernetes.io/service-name``),
kept in indexes so a query is a few dictionary lookups.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from kspec.dns.message import NOERROR, NXDOMAIN, RR, SERVFAIL, Response, fqdn
from kspec.informers import Informers
from kspec.objects import Obj
from kspec.store import Store

#: Index lazily (``KubernetesPlugin.watch``); off under KSPEC_EAGER_START=1, as kspec/lazystart.py's starts
DEFER_INDEXING = os.environ.get("KSPEC_EAGER_START", "") in ("", "0")
MAX_DEFERRED = 512  # handler calls logged before they are made anyway
ZONE = "cluster.local."
REVERSE_ZONES = ("in-addr.arpa.", "ip6.arpa.")
TTL = 30  # kubeadm's Corefile sets "ttl 30" (the plugin default is 5)
DNS_SCHEMA_VERSION = "1.1.0"  # DNSSchemaVersion
SCHEMA_TTL = 28800


class NameError_(Exception):
    """errNoItems / errNsNotExposed / errInvalidRequest: the answer is NXDOMAIN."""


@dataclass
class Record:
    """msg.Service: a host (IP or name) with its port and the key its SRV target comes from."""

    host: str
    port: int = 0
    target: str = ""  # the domain the record lives under (msg.Domain(Key))

    @property
    def is_ip(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
            return True
        except ValueError:
            return False


@dataclass
class Request:
    """recordRequest (parse.go)."""

    port: str = ""
    protocol: str = ""
    endpoint: str = ""
    service: str = ""
    namespace: str = ""
    pod_or_svc: str = ""

    def __str__(self) -> str:
        """recordRequest.String(): port.protocol.endpoint.cluster.service.namespace.podOrSvc (no multicluster
        in kspec, so the cluster is always empty)."""
        return ".".join((self.port, self.protocol, self.endpoint, "", self.service, self.namespace, self.pod_or_svc))


def parse_request(name: str, zone: str = ZONE) -> Request:
    """parseRequest: the labels in front of the zone (dnsutil.TrimZone drops as many trailing labels as the zone
    has), right to left."""
    labels, zone_labels = name.rstrip(".").split("."), len(zone.rstrip(".").split("."))
    base = ".".join(labels[:-zone_labels]) if len(labels) > zone_labels else ""
    r = Request()
    if base in ("", "svc", "pod"):
        return r
    segs = base.split(".")
    r.pod_or_svc = segs.pop()
    if r.pod_or_svc not in ("svc", "pod"):
        raise NameError_("invalid query name")
    if not segs:
        return r
    r.namespace = segs.pop()
    if not segs:
        return r
    r.service = segs.pop()
    if len(segs) == 1:
        r.endpoint = segs[0]
    elif len(segs) == 2:
        r.port, r.protocol = segs[0].removeprefix("_"), segs[1].removeprefix("_")
    elif segs:
        raise NameError_("invalid query name")
    return r


def endpoint_hostname(addr: dict, endpoint_name_mode: bool = False) -> str:
    """endpointHostname: the hostname, else (with ``endpoint_pod_names``) the pod's name, else the IP with dots
    (or colons) as dashes."""
    if addr.get("hostname"):
        return addr["hostname"]
    if endpoint_name_mode and (addr.get("targetRef") or {}).get("name"):
        return addr["targetRef"]["name"]
    ip = addr.get("ip", "")
    return ip.replace(".", "-") if "." in ip else ip.replace(":", "-")


def _match(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _match_port(r: Request, name: str, protocol: str) -> bool:
    """matchPortAndProtocol: an empty port or protocol in the request matches any."""
    return (r.port == "" or _match(r.port, name)) and (r.protocol == "" or _match(r.protocol, protocol))


def reverse_address(name: str) -> str:
    """dnsutil.ExtractAddressFromReverse: ``4.3.2.1.in-addr.arpa.`` -> ``1.2.3.4``."""
    name = name.rstrip(".").lower()
    if name.endswith(".in-addr.arpa"):
        parts = name[: -len(".in-addr.arpa")].split(".")
        return ".".join(reversed(parts)) if len(parts) == 4 else ""
    if name.endswith(".ip6.arpa"):
        nibbles = name[: -len(".ip6.arpa")].split(".")
        if len(nibbles) != 32:
            return ""
        text = "".join(reversed(nibbles))
        try:
            return str(ipaddress.ip_address(":".join(text[i:i + 4] for i in range(0, 32, 4))))
        except ValueError:
            return ""
    return ""


class _Index:
    """One of KubernetesPlugin's indexes (kept as ``_idx_<name>``), read after the logged handler calls are made
    (``KubernetesPlugin.watch``)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = f"_idx_{name}"

    def __get__(self, plugin: Any, owner: type | None = None) -> Any:
        if plugin is None:
            return self
        if plugin._log is not None:
            plugin.flush()
        return getattr(plugin, self.attr)


class KubernetesPlugin:
    """The records of the cluster, indexed from informers (dnsController's indexers)."""

    def __init__(self, fallthrough: tuple[str, ...] = REVERSE_ZONES, zone: str = ZONE,
                 ignore_empty_service: bool = False) -> None:
        self.zone = zone  # the forward zone served (kubeadm's cluster.local.)
        #: the ``ignore empty_service`` option: a cluster-IP Service without endpoint addresses is NXDOMAIN
        self.ignore_empty_service = ignore_empty_service
        #: the ``pods`` option: "insecure" (kubeadm's: the address is read from the name) or "disabled"
        self.pod_mode = "insecure"
        self.fallthrough = fallthrough  # the zones whose unknown names go on to the next plugin
        self._idx_services: dict[tuple[str, str], Obj] = {}
        #: per Service, its endpoints objects by slice name (a core/v1 Endpoints under "")
        self._idx_endpoints: dict[tuple[str, str], dict[str, Obj]] = {}
        self._idx_namespaces: set[str] = set()
        self._idx_by_cluster_ip: dict[str, tuple[str, str]] = {}
        self._idx_by_endpoint_ip: dict[str, set[tuple[str, str]]] = {}
        #: the handler calls not made yet, in delivery order (``watch``): (the unbound handler, its object)
        self._log: list[tuple[Callable[[KubernetesPlugin, Obj], None], Obj]] | None = None

    # -- the indexes, brought up to date by every read ------------------------------------
    services: dict[tuple[str, str], Obj] = _Index()  # type: ignore[assignment]
    endpoints: dict[tuple[str, str], dict[str, Obj]] = _Index()  # type: ignore[assignment]
    namespaces: set[str] = _Index()  # type: ignore[assignment]
    by_cluster_ip: dict[str, tuple[str, str]] = _Index()  # type: ignore[assignment]
    by_endpoint_ip: dict[str, set[tuple[str, str]]] = _Index()  # type: ignore[assignment]

    def watch(self, informers: Informers, store: Store) -> None:
        """Register the handlers and replay what exists; with ``DEFER_INDEXING`` the handlers' work waits.

        The indexes are read only by a query (or ``address``), and most scenarios never make one, yet indexing
        the bootstrap namespaces, Services and slices was a fortieth of a cluster's start. Deferred, each
        handler call (the replays' adds included) is logged instead, in the order it came, and the first read
        of an index (``services``, ``endpoints``, ``namespaces``, ``by_cluster_ip``, ``by_endpoint_ip``)
        makes the logged calls first, in that order, then stops deferring. The indexes a read sees are then
        the eager ones: the handlers change nothing but these indexes, read nothing but the object they are
        given (a stored object, never changed in place), and raise for no stored object; the informers
        schedule one delivery per change whoever handles it, so the clock runs the same callbacks. A log
        grown to ``MAX_DEFERRED`` calls is made at once (a long run that never asks DNS keeps no history).
        ``KSPEC_EAGER_START=1`` indexes at once, as before; tests/dns/test_deferred_index.py compares both.
        """
        log: list[tuple[Callable[[KubernetesPlugin, Obj], None], Obj]] | None = [] if DEFER_INDEXING else None
        self._log = log
        cls = KubernetesPlugin
        for resource, put, drop in (("namespaces", cls._put_ns, cls._drop_ns),
                                    ("services", cls._put_svc, cls._drop_svc),
                                    ("endpointslices", cls._put_ep, cls._drop_ep)):
            on_put, on_drop = self._handler(put), self._handler(drop)
            handler = informers.on(resource, on_put, lambda old, new, put=on_put, drop=on_drop: (drop(old), put(new)),
                                   on_drop)
            if log is None:
                informers.replay(handler, store.list(resource))
            elif informers.replaying:
                log.extend(zip(repeat(put), store.list(resource)))  # Informers.replay's adds, logged

    def _handler(self, fn: Callable[[KubernetesPlugin, Obj], None]) -> Callable[[Obj], None]:
        """The informer handler for ``fn``: logged while deferring, else called."""
        def handle(obj: Obj) -> None:
            log = self._log
            if log is None:
                fn(self, obj)
                return
            log.append((fn, obj))
            if len(log) >= MAX_DEFERRED:
                self.flush()
        return handle

    def flush(self) -> None:
        """Make the logged handler calls, in order, and stop deferring."""
        log, self._log = self._log, None
        for fn, obj in log or ():
            fn(self, obj)

    @staticmethod
    def _key(obj: Obj) -> tuple[str, str]:
        return obj["metadata"].get("namespace", ""), obj["metadata"]["name"]

    def _put_ns(self, ns: Obj) -> None:
        self._idx_namespaces.add(ns["metadata"]["name"])

    def _drop_ns(self, ns: Obj) -> None:
        self._idx_namespaces.discard(ns["metadata"]["name"])

    def _put_svc(self, svc: Obj) -> None:
        key = self._key(svc)
        self._idx_services[key] = svc
        for ip in _cluster_ips(svc):
            self._idx_by_cluster_ip[ip] = key

    def _drop_svc(self, svc: Obj) -> None:
        key = self._key(svc)
        self._idx_services.pop(key, None)
        for ip in _cluster_ips(svc):
            if self._idx_by_cluster_ip.get(ip) == key:
                del self._idx_by_cluster_ip[ip]

    def _put_ep(self, obj: Obj) -> None:
        filed = _as_endpoints(obj)
        if filed is None:
            return
        key, name, ep = filed
        self._idx_endpoints.setdefault(key, {})[name] = ep
        for subset in ep.get("subsets") or []:
            for addr in subset.get("addresses") or []:
                self._idx_by_endpoint_ip.setdefault(addr.get("ip", ""), set()).add(key)

    def _drop_ep(self, obj: Obj) -> None:
        filed = _as_endpoints(obj)
        if filed is None:
            return
        key, name, _ = filed
        held = self._idx_endpoints.get(key) or {}
        held.pop(name, None)
        if not held:
            self._idx_endpoints.pop(key, None)
        still = {a.get("ip", "") for ep in held.values() for sub in ep.get("subsets") or []
                 for a in sub.get("addresses") or []}
        for subset in (_as_endpoints(obj) or (key, name, {}))[2].get("subsets") or []:
            for addr in subset.get("addresses") or []:
                if addr.get("ip", "") not in still:
                    self._idx_by_endpoint_ip.get(addr.get("ip", ""), set()).discard(key)

    def _subsets(self, key: tuple[str, str]) -> list[dict]:
        """Every subset of the Service's endpoints objects, slice by slice in name order."""
        held = self.endpoints.get(key) or {}
        return [subset for name in sorted(held) for subset in held[name].get("subsets") or []]

    # -- serving (handler.go ServeDNS) ----------------------------------------------------------
    def serves(self, name: str) -> bool:
        return name.endswith(self.zone) or name == self.zone or name.endswith(REVERSE_ZONES)

    def serve(self, name: str, qtype: str, lookup: object) -> Response | None:
        """The response, or None to fall through to the next plugin (reverse names it does not know)."""
        name = fqdn(name.lower())
        extra: list[RR] = []
        try:
            if qtype == "PTR":
                answer = self._ptr(name)
            elif qtype == "TXT":
                answer = self._txt(name)
            elif qtype == "SRV":
                answer, extra = self._srv(name)
            elif qtype == "CNAME":
                records = [r for r in self.records(name) if not r.is_ip]
                answer = [RR(name, "CNAME", TTL, fqdn(records[0].host))] if records else []
            elif qtype in ("A", "AAAA"):
                answer = self._address(name, qtype, lookup, 0)
            else:
                self._address(name, "A", lookup, 0)  # a fake A lookup tells NODATA from NXDOMAIN
                answer = []
        except NameError_:
            if self.fallthrough and name.endswith(self.fallthrough):
                return None  # fallthrough in-addr.arpa ip6.arpa
            return Response(NXDOMAIN, [], TTL)
        return Response(NOERROR, answer, TTL if not answer else 0, extra)

    def records(self, name: str) -> list[Record]:
        """Records(): the matching services, endpoints or pod for a forward name."""
        if name.endswith(REVERSE_ZONES):
            raise NameError_("reverse name")
        if name == f"ns.dns.{self.zone}":
            ip = next((ip for ip in _cluster_ips(self.services.get(("kube-system", "kube-dns"), {}))), "")
            return [Record(ip, 0, name)] if ip else []
        if not name.endswith(self.zone):
            return []  # not this plugin's zone: nothing here
        r = parse_request(name, self.zone)
        if not r.pod_or_svc:
            return []
        if r.namespace not in self.namespaces:
            raise NameError_("namespace not exposed")
        if r.pod_or_svc == "pod":
            return self._pods(r)
        return self._services(r)

    def _pods(self, r: Request) -> list[Record]:
        """findPods in ``insecure`` mode: the address is read from the name, unchecked (``disabled``: no pod
        records at all)."""
        if self.pod_mode == "disabled":
            raise NameError_("pod records disabled")
        if not r.service:
            raise NameError_("no pod name")  # findPods: an empty name parses to no IP: errNoItems
        podname = r.service
        if podname.count("-") == 3 and "--" not in podname:
            ip = podname.replace("-", ".")
        else:
            ip = podname.replace("-", ":")
        try:
            ipaddress.ip_address(ip)
        except ValueError as exc:
            raise NameError_("not a pod address") from exc
        return [Record(ip, 0, f"{podname}.{r.namespace}.pod.{self.zone}")]

    def _services(self, r: Request) -> list[Record]:
        """findServices."""
        if not r.service:
            return []
        svc = self.services.get((r.namespace, r.service))
        if svc is None:
            raise NameError_("no items found")
        spec = svc.get("spec", {})
        base = f"{r.service}.{r.namespace}.svc.{self.zone}"
        out: list[Record] = []
        if spec.get("type") == "ExternalName":
            # findServices: an external service has no endpoints, nor port/protocol pseudo-subdomains, so a
            # query with an endpoint, port or protocol label is NXDOMAIN
            if r.endpoint or r.port or r.protocol:
                raise NameError_("no items found")
            target = spec.get("externalName", "")
            if target and not Record(target).is_ip:
                return [Record(target.rstrip("."), 0, base)]
            raise NameError_("no items found")
        if spec.get("clusterIP") == "None" or r.endpoint:
            for subset in self._subsets((r.namespace, r.service)):
                # object.Endpoints adds a port -1 sentinel to a subset without ports
                ports = subset.get("ports") or [{"port": -1}]
                for addr in subset.get("addresses") or []:
                    host = endpoint_hostname(addr)
                    if r.endpoint and not _match(r.endpoint, host):
                        continue
                    for p in ports:
                        if _match_port(r, p.get("name", ""), p.get("protocol", "TCP")):
                            out.append(Record(addr["ip"], int(p["port"]), f"{host}.{base}"))
            if not out:
                raise NameError_("no items found")
            return out
        if self.ignore_empty_service and not any(subset.get("addresses")
                                                 for subset in self._subsets((r.namespace, r.service))):
            raise NameError_("no items found")  # findServices: no endpoint is able to answer
        matched = False
        for p in spec.get("ports") or []:
            if _match_port(r, p.get("name", ""), p.get("protocol", "TCP")):
                matched = True
                out += [Record(ip, int(p["port"]), base) for ip in _cluster_ips(svc)]
        if not matched:
            raise NameError_("no items found")
        return out

    def external(self, name: str, zone: str, headless: bool = True) -> tuple[list[Record], str]:
        """External() (for the k8s_external plugin): ``[_port._proto.|endpoint.]<svc>.<ns>.<zone>`` answered
        from a Service's external IPs, or a headless Service's endpoints; the records and the rcode."""
        labels, zone_labels = name.lower().rstrip(".").split("."), len(zone.rstrip(".").split("."))
        segs = labels[:-zone_labels] if len(labels) > zone_labels else []
        if not segs:
            return [], SERVFAIL
        namespace = segs.pop()
        if namespace not in self.namespaces:
            return [], NXDOMAIN
        if not segs:
            return [], NOERROR
        service = segs.pop()
        r = Request(namespace=namespace, service=service)
        if len(segs) == 1:
            r.endpoint = segs.pop().removeprefix("_")
        elif len(segs) == 2:
            r.port, r.protocol = segs[0].removeprefix("_"), segs[1].removeprefix("_")
            segs = []
        if segs:
            return [], NXDOMAIN
        svc = self.services.get((namespace, service))
        if svc is None:
            return [], NXDOMAIN
        spec, base = svc.get("spec", {}), f"{service}.{namespace}.{fqdn(zone)}"
        out: list[Record] = []
        if headless and not spec.get("externalIPs") and spec.get("clusterIP") == "None":
            for subset in self._subsets((namespace, service)):
                for addr in subset.get("addresses") or []:
                    host = endpoint_hostname(addr)
                    if r.endpoint and not _match(r.endpoint, host):
                        continue
                    out += [Record(addr["ip"], int(p["port"]), f"{host}.{base}") for p in subset.get("ports") or []
                            if _match_port(r, p.get("name", ""), p.get("protocol", "TCP"))]
        else:
            out = [Record(ip, int(p["port"]), base) for ip in spec.get("externalIPs") or []
                   for p in spec.get("ports") or [] if _match_port(r, p.get("name", ""), p.get("protocol", "TCP"))]
        return out, NOERROR if out else NXDOMAIN

    # -- the record types (plugin/backend_lookup.go) ---------------------------------------------
    def _address(self, name: str, qtype: str, lookup: object, depth: int) -> list[RR]:
        """A()/AAAA(): addresses, chasing in-zone CNAMEs and asking upstream for the others."""
        if name == self.zone:
            return []
        records: list[RR] = []
        seen: set[str] = set()
        for rec in self.records(name):
            if not rec.is_ip:
                target = fqdn(rec.host)
                if target == name or depth > 7:
                    continue
                cname = RR(name, "CNAME", TTL, target)
                if target.endswith(self.zone):
                    try:
                        chased = self._address(target, qtype, lookup, depth + 1)
                    except NameError_:
                        chased = []
                    if chased:
                        records += [cname, *chased]
                    continue
                upstream = lookup(target, qtype)  # type: ignore[operator]
                records += [cname, *upstream.answer]
                continue
            family = "AAAA" if ":" in rec.host else "A"
            if family == qtype and rec.host not in seen:
                seen.add(rec.host)
                records.append(RR(name, qtype, TTL, rec.host))
        return records

    def _srv(self, name: str) -> tuple[list[RR], list[RR]]:
        """SRV(): priority 0, weight floor(100/N) (at least 1); CNAME services are left out.

        The additional section holds each target's address (SRV adds an A or AAAA per IP service).
        """
        services = [r for r in self.records(name) if r.is_ip]
        if not services:
            return [], []
        weight = max(1, (100 * 100) // (100 * len(services)))
        out: list[RR] = []
        extra: list[RR] = []
        seen: set[tuple[str, int]] = set()
        for rec in services:
            if rec.port == -1 or (fqdn(rec.target), rec.port) in seen:
                continue
            seen.add((fqdn(rec.target), rec.port))
            out.append(RR(name, "SRV", TTL, f"0 {weight} {rec.port} {fqdn(rec.target)}"))
        for rec in services:
            address = RR(fqdn(rec.target), "AAAA" if ":" in rec.host else "A", TTL, rec.host)
            if rec.port != -1 and address not in extra:
                extra.append(address)
        return out, extra

    def _txt(self, name: str) -> list[RR]:
        if name == f"dns-version.{self.zone}":
            return [RR(name, "TXT", SCHEMA_TTL, f'"{DNS_SCHEMA_VERSION}"')]
        self.records(name)  # NXDOMAIN for names that do not exist
        return []

    def _ptr(self, name: str) -> list[RR]:
        """Reverse(): a cluster IP names its Service; an endpoint IP names each endpoint it is."""
        ip = reverse_address(name)
        if not ip:
            self.records(name)
            return []
        svc = self.by_cluster_ip.get(ip)
        if svc is not None:
            return [RR(name, "PTR", TTL, f"{svc[1]}.{svc[0]}.svc.{self.zone}")]
        out: list[RR] = []
        for ns, svc_name in sorted(self.by_endpoint_ip.get(ip, ())):
            for subset in self._subsets((ns, svc_name)):
                for addr in subset.get("addresses") or []:
                    ptr = RR(name, "PTR", TTL, f"{endpoint_hostname(addr)}.{svc_name}.{ns}.svc.{self.zone}")
                    if addr.get("ip") == ip and ptr not in out:  # one name however many slices list it
                        out.append(ptr)
        if not out:
            raise NameError_("no items found")
        return out


def _cluster_ips(svc: Obj) -> list[str]:
    spec = svc.get("spec", {}) if svc else {}
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [ip for ip in ips if ip not in ("", "None")]


def _as_endpoints(obj: Obj) -> tuple[tuple[str, str], str, Obj] | None:
    """(Service key, name among its objects, an Endpoints-shaped record), or None for a slice of no Service.

    EndpointSliceToEndpoints: one subset holding the ready endpoints' addresses (hostname, node name,
    pod name kept) and the slice's ports, or the port -1 sentinel when it has none. A core/v1
    Endpoints object is taken as it is.
    """
    md = obj["metadata"]
    ns = md.get("namespace", "")
    if obj.get("kind") == "Endpoints" or (not obj.get("kind") and "addressType" not in obj):
        return (ns, md["name"]), "", obj
    service = (md.get("labels") or {}).get("kubernetes.io/service-name")
    if not service or obj.get("addressType") not in ("IPv4", "IPv6"):
        return None
    ports = [{"name": p.get("name") or "", "port": p.get("port"), "protocol": p.get("protocol") or "TCP"}
             for p in obj.get("ports") or []] or [{"port": -1}]
    addresses = []
    for ep in obj.get("endpoints") or []:
        if (ep.get("conditions") or {}).get("ready") is False:
            continue  # EndpointReady: nil counts as ready
        for ip in ep.get("addresses") or []:
            addr: dict = {"ip": ip}
            if ep.get("hostname"):
                addr["hostname"] = ep["hostname"]
            if ep.get("nodeName"):
                addr["nodeName"] = ep["nodeName"]
            addresses.append(addr)
    # kspec orders a slice's addresses by IP (CoreDNS keeps the slice's order; the answer is shuffled after)
    subset = {"addresses": sorted(addresses, key=lambda a: a["ip"]), "ports": ports}
    return (ns, service), md["name"], {"metadata": {"name": md["name"], "namespace": ns}, "subsets": [subset]}
