"""CoreDNS plugin/kubernetes/handler_test.go: dnsTestCases, nsTestCases, notSyncedTestCases through ServeDNS.

Upstream's cases are unnamed; each is named here by its index, query name and type.
"""

from __future__ import annotations

import pytest

from kspec.dns.message import RR, Response
from tests.upstream.cases import case
from tests.upstream.dns.adapter import check, endpoints, plugin, service

SOURCE = "coredns/coredns plugin/kubernetes/handler_test.go"

HTTP = [("http", "tcp", 80)]
# svcIndex / epsIndex of APIConnServeTest
OBJECTS = [
    service("kubedns", "kube-system", ["10.0.0.10"], [("dns", "udp", 53)]),
    service("svc1", "testns", ["10.0.0.1"], HTTP),
    service("svcempty", "testns", ["10.0.0.1"], HTTP),
    service("svc6", "testns", ["1234:abcd::1"], HTTP),
    service("hdls1", "testns", ["None"]),
    service("external", "testns", external_name="ext.interwebs.test", ports=HTTP),
    service("external-to-service", "testns", external_name="svc1.testns.svc.cluster.local.", ports=HTTP),
    service("hdlsprtls", "testns", ["None"]),
    service("svc1", "unexposedns", ["10.0.0.2"], HTTP),
    service("svc-dual-stack", "testns", ["10.0.0.3", "10::3"], HTTP),
    endpoints("kubedns", "kube-system", [([("172.0.0.100", "")], [("dns", "udp", 53)])]),
    endpoints("svc1", "testns", [([("172.0.0.1", "ep1a")], HTTP)]),
    endpoints("svcempty", "testns", [([], HTTP)]),
    endpoints("hdls1", "testns", [([("172.0.0.2", ""), ("172.0.0.3", ""), ("172.0.0.4", "dup-name"),
                                    ("172.0.0.5", "dup-name"), ("5678:abcd::1", ""), ("5678:abcd::2", "")], HTTP)]),
    endpoints("hdlsprtls", "testns", [([("172.0.0.20", "")], [("", "", -1)])]),
]


def _q(i: int, qname: str, qtype: str, rcode: str = "RcodeSuccess", answer: tuple = (), extra: tuple = (),
       func: str = "TestServeDNS", **kw: object) -> object:
    return case(func, f"{i} {qname} {qtype}", qname=qname, qtype=qtype, rcode=rcode, answer=list(answer),
                extra=list(extra), **kw)


T = "svc1.testns.svc.cluster.local."
H = "hdls1.testns.svc.cluster.local."
D = "svc-dual-stack.testns.svc.cluster.local."
E = "svcempty.testns.svc.cluster.local."
S6 = "svc6.testns.svc.cluster.local."
HDLS_A = [f"{H} 5 IN A 172.0.0.{n}" for n in (2, 3, 4, 5)]

DNS_CASES = [
    _q(0, T, "A", answer=[f"{T} 5 IN A 10.0.0.1"]),
    _q(1, E, "A", answer=[f"{E} 5 IN A 10.0.0.1"]),
    _q(2, T, "SRV", answer=[f"{T} 5 IN SRV 0 100 80 {T}"], extra=[f"{T} 5 IN A 10.0.0.1"]),
    _q(3, E, "SRV", answer=[f"{E} 5 IN SRV 0 100 80 {E}"], extra=[f"{E} 5 IN A 10.0.0.1"]),
    _q(4, S6, "SRV", answer=[f"{S6} 5 IN SRV 0 100 80 {S6}"], extra=[f"{S6} 5 IN AAAA 1234:abcd::1"]),
    _q(5, f"_http._tcp.{T}", "SRV", answer=[f"_http._tcp.{T} 5 IN SRV 0 100 80 {T}"],
       extra=[f"{T} 5 IN A 10.0.0.1"]),
    _q(6, f"_http._tcp.{E}", "SRV", answer=[f"_http._tcp.{E} 5 IN SRV 0 100 80 {E}"],
       extra=[f"{E} 5 IN A 10.0.0.1"]),
    _q(7, H, "A", answer=HDLS_A),
    _q(8, "hdlsprtls.testns.svc.cluster.local.", "A", answer=["hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20"]),
    _q(9, "172-0-0-20.hdlsprtls.testns.svc.cluster.local.", "A",
       answer=["172-0-0-20.hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20"]),
    _q(10, f"172-0-0-2.{H}", "A", answer=[f"172-0-0-2.{H} 5 IN A 172.0.0.2"]),
    _q(11, f"172-0-0-3.{H}", "A", answer=[f"172-0-0-3.{H} 5 IN A 172.0.0.3"]),
    _q(12, f"dup-name.{H}", "A", answer=[f"dup-name.{H} 5 IN A 172.0.0.4", f"dup-name.{H} 5 IN A 172.0.0.5"]),
    _q(13, f"_http._tcp.{H}", "SRV",
       answer=[f"_http._tcp.{H} 5 IN SRV 0 16 80 {t}.{H}" for t in
               ("172-0-0-2", "172-0-0-3", "5678-abcd--1", "5678-abcd--2", "dup-name")],
       extra=[f"172-0-0-2.{H} 5 IN A 172.0.0.2", f"172-0-0-3.{H} 5 IN A 172.0.0.3",
              f"5678-abcd--1.{H} 5 IN AAAA 5678:abcd::1", f"5678-abcd--2.{H} 5 IN AAAA 5678:abcd::2",
              f"dup-name.{H} 5 IN A 172.0.0.4", f"dup-name.{H} 5 IN A 172.0.0.5"]),
    _q(14, H, "A", answer=HDLS_A),
    _q(15, "5678-abcd--2.hdls1.testns.svc.cluster.local", "AAAA", answer=[f"5678-abcd--2.{H} 5 IN AAAA 5678:abcd::2"]),
    _q(16, "external.testns.svc.cluster.local.", "CNAME",
       answer=["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."]),
    _q(17, "external.testns.svc.cluster.local.", "A",
       answer=["ext.interwebs.test. 5 IN A 1.2.3.4",
               "external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."],
       upstream=["ext.interwebs.test. 5 IN A 1.2.3.4"], truncated=True,
       unmodelled="the TC (truncated) bit an upstream answer carries; kspec's messages have no header flags"),
    _q(18, "external-to-service.testns.svc.cluster.local", "A",
       answer=[f"external-to-service.testns.svc.cluster.local. 5 IN CNAME {T}", f"{T} 5 IN A 10.0.0.1"]),
    _q(19, T, "AAAA"),
    _q(20, "svc0.testns.svc.cluster.local.", "AAAA", "RcodeNameError"),
    _q(21, "svc0.testns.svc.cluster.local.", "A", "RcodeNameError"),
    _q(22, "svc0.svc-nons.svc.cluster.local.", "A", "RcodeNameError"),
    _q(23, "dns-version.cluster.local.", "TXT", answer=["dns-version.cluster.local 28800 IN TXT 1.1.0"]),
    _q(24, f"bogusendpoint.{H}", "A", "RcodeNameError"),
    _q(25, "bogusendpoint.svc0.testns.svc.cluster.local.", "A", "RcodeNameError"),
    _q(26, S6, "AAAA", answer=[f"{S6} 5 IN AAAA 1234:abcd::1"]),
    _q(27, f"_http._tcp.{S6}", "SRV", answer=[f"_http._tcp.{S6} 5 IN SRV 0 100 80 {S6}"],
       extra=[f"{S6} 5 IN AAAA 1234:abcd::1"]),
    _q(28, H, "AAAA", answer=[f"{H} 5 IN AAAA 5678:abcd::1", f"{H} 5 IN AAAA 5678:abcd::2"]),
    _q(29, f"5678-abcd--1.{H}", "AAAA", answer=[f"5678-abcd--1.{H} 5 IN AAAA 5678:abcd::1"]),
    _q(30, "svc.cluster.local.", "A"),
    _q(31, "pod.cluster.local.", "A"),
    _q(32, "testns.svc.cluster.local.", "A"),
    _q(33, "svc.cluster.local.", "NS"),
    _q(34, "testns.svc.cluster.local.", "NS"),
    _q(35, "foo.cluster.local.", "NS", "RcodeNameError"),
    _q(36, "foo.svc.cluster.local.", "NS", "RcodeNameError"),
    _q(37, D, "A", answer=[f"{D} 5 IN A 10.0.0.3"]),
    _q(38, D, "AAAA", answer=[f"{D} 5 IN AAAA 10::3"]),
    _q(39, D, "SRV", answer=[f"{D} 5 IN SRV 0 50 80 {D}"], extra=[f"{D} 5 IN A 10.0.0.3", f"{D} 5 IN AAAA 10::3"]),
    _q(40, T, "SOA"),
    _q(41, "endpoint.external.testns.svc.cluster.local.", "CNAME", "RcodeNameError"),
]

NS_CASES = [
    _q(0, T, "A", answer=[f"{T} 5 IN A 10.0.0.1"], func="TestServeNamespaceDNS"),
    _q(1, "svc1.nsnoexist.svc.cluster.local.", "A", "RcodeNameError", func="TestServeNamespaceDNS"),
]

NOT_SYNCED_CASES = [
    _q(0, "svc0.testns.svc.cluster.local.", "A", "RcodeServerFailure", func="TestNotSyncedServeDNS",
       unmodelled="informers that have not synced: kspec's DNS serves from informers replayed at start"),
]


def _upstream(data: dict) -> object:
    """Upstub.Lookup: the stub's answer records."""
    records = [RR(n, t, 5, v) for n, _, _, t, v in (r.split(maxsplit=4) for r in data.get("upstream", []))]
    return lambda name, qtype: Response("NOERROR", records, 0)


@pytest.mark.parametrize("data", DNS_CASES)
def test_serve_dns(data: dict) -> None:
    k = plugin(OBJECTS, {"testns"})  # k.Namespaces = {"testns"}
    response = k.serve(data["qname"], data["qtype"], _upstream(data))
    assert data.get("truncated", False) is False, "kspec cannot set the TC bit"
    check(response, data)


@pytest.mark.parametrize("data", NS_CASES)
def test_serve_namespace_dns(data: dict) -> None:
    k = plugin(OBJECTS, {"testns", "kube-system", "unexposedns"})  # every existing namespace is exposed
    check(k.serve(data["qname"], data["qtype"], _upstream(data)), data)


@pytest.mark.parametrize("data", NOT_SYNCED_CASES)
def test_not_synced_serve_dns(data: dict) -> None:
    k = plugin(OBJECTS, {"testns"})
    check(k.serve(data["qname"], data["qtype"], _upstream(data)), data)
