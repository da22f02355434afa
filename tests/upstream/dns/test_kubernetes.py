"""CoreDNS plugin/kubernetes/kubernetes_test.go: endpointHostname and Services() against kspec's plugin.

TestServices runs ``k.Services`` for the zone ``interwebs.test.`` over APIConnServiceTest's services and
endpoints; kspec's ``KubernetesPlugin.records`` is that lookup, its ``target`` the domain upstream's ``Key`` is
the path of (``/coredns/test/interwebs/svc/testns/svc1`` is ``svc1.testns.svc.interwebs.test.``). Upstream's
cases are unnamed; each is named here by its index, query name and type.
"""

from __future__ import annotations

import pytest

from kspec.dns.kubernetes import KubernetesPlugin, endpoint_hostname
from tests.upstream.cases import case
from tests.upstream.dns.adapter import endpoints, service

SOURCE = "coredns/coredns plugin/kubernetes/kubernetes_test.go"

HOSTNAMES = [case("TestEndpointHostname", f"{i} {ip} {hostname or '-'} {pod or '-'} {mode}", ip=ip, hostname=hostname,
                  expected=expected, pod=pod, mode=mode)
             for i, (ip, hostname, expected, pod, mode) in enumerate([
                 ("10.11.12.13", "", "10-11-12-13", "", False),
                 ("10.11.12.13", "epname", "epname", "", False),
                 ("10.11.12.13", "", "10-11-12-13", "hello-abcde", False),
                 ("10.11.12.13", "epname", "epname", "hello-abcde", False),
                 ("10.11.12.13", "epname", "epname", "hello-abcde", True),
                 ("10.11.12.13", "", "hello-abcde", "hello-abcde", True),
             ])]


@pytest.mark.parametrize("data", HOSTNAMES)
def test_endpoint_hostname(data: dict) -> None:
    """object.EndpointAddress{IP, Hostname, TargetRefName} as a v1 endpoint address with its targetRef."""
    addr = {"ip": data["ip"], "hostname": data["hostname"]}
    if data["pod"]:
        addr["targetRef"] = {"kind": "Pod", "name": data["pod"]}
    assert endpoint_hostname(addr, data["mode"]) == data["expected"]


HTTP = [("http", "tcp", 80)]
# APIConnServiceTest: SvcIndex and EpIndex (the third endpoints object has no Service and no ports)
OBJECTS = [
    service("svc1", "testns", ["10.0.0.1"], HTTP),
    service("svc-dual-stack", "testns", ["10.0.0.2", "10::2"], HTTP),
    service("hdls1", "testns", ["None"]),
    service("external", "testns", external_name="coredns.io", ports=HTTP),
    endpoints("svc1", "testns", [([("172.0.0.1", "ep1a")], HTTP)]),
    endpoints("hdls1", "testns", [([("172.0.0.2", "")], HTTP)]),
]
KEY = "/coredns/test/interwebs/svc/testns/"
SERVICES = [case("TestServices", f"{i} {qname} {qtype}", qname=qname, qtype=qtype, answer=answer)
            for i, (qname, qtype, answer) in enumerate([
                ("svc1.testns.svc.interwebs.test.", "A", [("10.0.0.1", KEY + "svc1")]),
                ("_http._tcp.svc1.testns.svc.interwebs.test.", "SRV", [("10.0.0.1", KEY + "svc1")]),
                ("ep1a.svc1.testns.svc.interwebs.test.", "A", [("172.0.0.1", KEY + "svc1/ep1a")]),
                ("_http._tcp.svc-dual-stack.testns.svc.interwebs.test.", "SRV",
                 [("10.0.0.2", KEY + "svc-dual-stack"), ("10::2", KEY + "svc-dual-stack")]),
                ("external.testns.svc.interwebs.test.", "CNAME", [("coredns.io", KEY + "external")]),
                ("hdls1.testns.svc.interwebs.test.", "A", [("172.0.0.2", KEY + "hdls1/172-0-0-2")]),
            ])]


def _domain(key: str) -> str:
    """msg.Domain: the path's labels after /coredns, reversed."""
    return ".".join(reversed(key.strip("/").split("/")[1:])) + "."


@pytest.mark.parametrize("data", SERVICES)
def test_services(data: dict) -> None:
    k = KubernetesPlugin(zone="interwebs.test.")
    k._put_ns({"metadata": {"name": "testns"}})  # GetNamespaceByName finds any namespace
    for obj in OBJECTS:
        (k._put_svc if obj["kind"] == "Service" else k._put_ep)(obj)
    got = [(r.host, r.target) for r in k.records(data["qname"])]
    assert got == [(host, _domain(key)) for host, key in data["answer"]]
