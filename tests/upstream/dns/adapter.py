"""The adapter for CoreDNS's plugin/kubernetes tests: their fake APIConn as kspec objects, a query, a comparison.

Upstream's tests build ``object.Service`` / ``object.Endpoints`` records; here they are the Service and
Endpoints objects a cluster would hold (one Endpoints per Service: the slices of one Service are its
subsets). A case is ``(qname, qtype, rcode, answer, extra)`` with records written as upstream's
``test.A("name ttl IN A data")`` strings. The comparison is ``test.SortAndCheck``'s without the TTL (the
test runs the plugin's default ``ttl 5``; kspec's is kubeadm's ``ttl 30``) and without the authority
section (kspec keeps only the SOA's negative-caching TTL).
"""

from __future__ import annotations

from typing import Any

from kspec.dns.kubernetes import REVERSE_ZONES, KubernetesPlugin
from kspec.dns.message import NOERROR, NXDOMAIN, SERVFAIL, Response

RCODES = {"RcodeSuccess": NOERROR, "RcodeNameError": NXDOMAIN, "RcodeServerFailure": SERVFAIL}


def service(name: str, namespace: str, cluster_ips: list[str] | None = None, ports: list[tuple] = (),
            external_name: str = "", external_ips: list[str] | None = None) -> dict:
    """object.Service as a v1 Service; ports are (name, protocol, port) with upstream's lower-case protocols."""
    spec: dict[str, Any] = {"ports": [{"name": n, "protocol": p.upper(), "port": port} for n, p, port in ports]}
    if external_name:
        spec |= {"type": "ExternalName", "externalName": external_name}
    else:
        spec |= {"type": "ClusterIP", "clusterIP": (cluster_ips or [""])[0], "clusterIPs": cluster_ips or []}
    if external_ips:
        spec["externalIPs"] = external_ips
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def endpoints(service_name: str, namespace: str, subsets: list[tuple[list[tuple], list[tuple]]]) -> dict:
    """object.Endpoints: subsets of ([(ip, hostname)], [(name, protocol, port)])."""
    out = []
    for addresses, ports in subsets:
        subset: dict[str, Any] = {"addresses": [{"ip": ip, **({"hostname": h} if h else {})} for ip, h in addresses]}
        subset["ports"] = [{"name": n, "protocol": (p or "tcp").upper(), "port": port} for n, p, port in ports]
        out.append(subset)
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": service_name, "namespace": namespace},
            "subsets": out}


def plugin(objects: list[dict], namespaces: set[str], fallthrough: tuple[str, ...] = REVERSE_ZONES
           ) -> KubernetesPlugin:
    """A KubernetesPlugin fed through its informer handlers, as the dnsController's would feed it."""
    k = KubernetesPlugin(fallthrough=fallthrough)
    for ns in sorted(namespaces):
        k._put_ns({"metadata": {"name": ns}})
    for obj in objects:
        (k._put_svc if obj["kind"] == "Service" else k._put_ep)(obj)
    return k


def _rr(text: str) -> tuple[str, str, str]:
    """``"name ttl IN TYPE data"`` -> (name, type, data) in kspec's ``dig +short`` form."""
    name, _ttl, _cls, rtype, *data = text.split()
    value = " ".join(data)
    if rtype == "TXT":
        value = '"' + value.strip('"') + '"'
    return name.rstrip(".").lower() + ".", rtype, value.lower()


def _rrs(records: list) -> list[tuple[str, str, str]]:
    return sorted(_rr(r) if isinstance(r, str) else (r.name.lower(), r.rtype, r.data.lower()) for r in records)


def check(response: Response | None, data: dict, next_plugin: Response | None = None) -> None:
    """test.SortAndCheck on rcode, answer and additional sections; None from the plugin means next plugin."""
    if response is None:
        response = next_plugin or Response(NOERROR, [], 0)  # test.NextHandler(dns.RcodeSuccess, nil)
    assert response.rcode == RCODES[data["rcode"]], (response.rcode, response.answer)
    assert _rrs(response.answer) == _rrs(data.get("answer", [])), response.answer
    assert _rrs(response.extra) == _rrs(data.get("extra", [])), response.extra
