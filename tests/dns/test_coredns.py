"""CoreDNS records, its cache, and lookups made the way a pod's resolver makes them."""

from __future__ import annotations

from kspec.cluster import Cluster
from kspec.dns.resolvconf import pod_resolv_conf
from kspec.dns.resolver import candidates

SERVICES = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: 10.96.0.20
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: sql, port: 5432}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: node-1
  containers: [{name: c, image: busybox}]
"""


def _cluster() -> Cluster:
    c = Cluster(nodes=1, seed=0)
    c.apply(SERVICES)
    # a hand-made EndpointSlice (CoreDNS reads slices; no managed-by label, so no controller touches it)
    c.api.apply({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                 "metadata": {"name": "db-manual", "namespace": "default",
                              "labels": {"kubernetes.io/service-name": "db"}},
                 "addressType": "IPv4",
                 "endpoints": [{"addresses": ["10.244.0.5"], "hostname": "db-0"}, {"addresses": ["10.244.0.6"]},
                               {"addresses": ["10.244.0.7"]}],
                 "ports": [{"name": "sql", "port": 5432, "protocol": "TCP"}]})
    c.clock.run_now()
    return c


def test_resolv_conf_for_cluster_first_and_none() -> None:
    pod = {"metadata": {"namespace": "shop"}, "spec": {}}
    conf = pod_resolv_conf(pod, "10.96.0.10")
    assert conf.text() == ("nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\n"
                           "options ndots:5\n")
    none = {"metadata": {"namespace": "shop"}, "spec": {"dnsPolicy": "None", "dnsConfig": {
        "nameservers": ["1.1.1.1"], "options": [{"name": "ndots", "value": "2"}]}}}
    assert pod_resolv_conf(none, "10.96.0.10").text() == "nameserver 1.1.1.1\noptions ndots:2\n"


def test_search_list_order_follows_ndots() -> None:
    conf = pod_resolv_conf({"metadata": {"namespace": "default"}, "spec": {}}, "10.96.0.10")
    assert candidates("web", conf)[0] == "web.default.svc.cluster.local."
    assert candidates("web", conf)[-1] == "web."
    assert candidates("a.b.c.d.e.f", conf)[0] == "a.b.c.d.e.f."
    assert candidates("web.", conf) == ["web."]


def test_headless_srv_ptr_and_endpoint_names() -> None:
    c = _cluster()
    assert sorted(c.dns_records("SRV", "_sql._tcp.db.default.svc.cluster.local")) == [
        "0 33 5432 10-244-0-6.db.default.svc.cluster.local.", "0 33 5432 10-244-0-7.db.default.svc.cluster.local.",
        "0 33 5432 db-0.db.default.svc.cluster.local."]
    assert c.dns_records("A", "db-0.db.default.svc.cluster.local") == ["10.244.0.5"]
    assert c.dns_records("PTR", "5.0.244.10.in-addr.arpa") == ["db-0.db.default.svc.cluster.local."]
    assert c.dns_records("PTR", "20.0.96.10.in-addr.arpa") == ["web.default.svc.cluster.local."]
    assert c.dns_records("PTR", "99.0.244.10.in-addr.arpa") == []
    assert c.dns_records("TXT", "dns-version.cluster.local") == ['"1.1.0"']


def test_resolution_from_a_pod_walks_the_search_list() -> None:
    c = _cluster()
    assert c.resolve("client", "web") == ["10.96.0.20"]
    assert c.resolve("client", "web.default.svc") == ["10.96.0.20"]
    assert sorted(c.resolve("client", "db")) == ["10.244.0.5", "10.244.0.6", "10.244.0.7"]
    assert c.resolve("client", "nope") == []


def test_answers_are_cached_for_30_seconds() -> None:
    c = _cluster()
    assert c.resolve("client", "late") == []
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "late"},
             "spec": {"clusterIP": "10.96.0.40", "ports": [{"port": 80}]}})
    assert c.resolve("client", "late") == []  # the NXDOMAIN is still cached
    c.run_for("30s")
    assert c.resolve("client", "late") == ["10.96.0.40"]


def test_default_dns_policy_knows_no_cluster_names() -> None:
    c = _cluster()
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hosty"},
             "spec": {"nodeName": "node-1", "dnsPolicy": "Default", "containers": [{"name": "c", "image": "busybox"}]}})
    assert c.resolve("hosty", "web.default.svc.cluster.local") == []


def test_an_external_name_query_with_port_or_protocol_labels_is_nxdomain() -> None:
    """kubernetes.go findServices: endpoint, port or protocol labels skip an ExternalName service."""
    from kspec.dns.kubernetes import KubernetesPlugin
    from kspec.dns.message import NOERROR, NXDOMAIN

    plugin = KubernetesPlugin()
    plugin.namespaces.add("ns")
    plugin.services[("ns", "ext")] = {"metadata": {"name": "ext", "namespace": "ns"},
                                      "spec": {"type": "ExternalName", "externalName": "ext.example.com"}}
    nowhere = lambda name, qtype: None  # noqa: E731 - no upstream is asked for these names
    ok = plugin.serve("ext.ns.svc.cluster.local.", "CNAME", nowhere)
    assert ok is not None and ok.rcode == NOERROR and [rr.data for rr in ok.answer] == ["ext.example.com."]
    for name in ("_http._tcp.ext.ns.svc.cluster.local.", "a.b.ext.ns.svc.cluster.local.",
                 "ep.ext.ns.svc.cluster.local."):
        for qtype in ("CNAME", "A", "SRV"):
            answer = plugin.serve(name, qtype, nowhere)
            assert answer is not None and answer.rcode == NXDOMAIN and answer.answer == [], (name, qtype)
