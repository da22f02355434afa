"""CoreDNS plugin/kubernetes/external_test.go: External() (what the k8s_external plugin asks) against kspec.

The fake ``external`` APIConn's services and endpoints as v1 objects; only ``testns`` is exposed
(``k.Namespaces``). The request's zone is ``example.org.``; upstream's keys are compared as the domains they are
paths of (``/c/org/example/testns/svc1`` is ``svc1.testns.example.org.``). Upstream's cases are unnamed; each is
named here by its index and query name.
"""

from __future__ import annotations

import pytest

from kspec.dns.kubernetes import KubernetesPlugin
from tests.upstream.cases import case
from tests.upstream.dns.adapter import RCODES, service

SOURCE = "coredns/coredns plugin/kubernetes/external_test.go"

HTTP = [("http", "tcp", 80)]
HEADLESS_EP = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "svc-headless", "namespace": "testns"},
               "subsets": [{"ports": [{"port": 80, "name": "http", "protocol": "TCP"}],
                            "addresses": [{"ip": f"1.2.3.{4 + i}", "hostname": f"endpoint-svc-{i}",
                                           "nodeName": "test-node",
                                           "targetRef": {"kind": "Pod", "name": f"endpoint-svc-{i}"}}
                                          for i in (0, 1)]}]}
OBJECTS = [
    service("svc1", "testns", ["10.0.0.1"], HTTP, external_ips=["1.2.3.4"]),
    service("svc6", "testns", ["10.0.0.3"], HTTP, external_ips=["1:2::5"]),
    service("svc-headless", "testns", ["None"], HTTP),
    HEADLESS_EP,
]
K = "/c/org/example/testns/"
CASES = [case("TestExternal", f"{i} {qname}", qname=qname, rcode=rcode, msg=msg)
         for i, (qname, rcode, msg) in enumerate([
             ("svc1.testns.example.org.", "RcodeSuccess", [("1.2.3.4", K + "svc1")]),
             ("svc6.testns.example.org.", "RcodeSuccess", [("1:2::5", K + "svc6")]),
             ("_http._tcp.svc1.testns.example.com.", "RcodeSuccess", [("1.2.3.4", K + "svc1")]),
             ("svc0.testns.example.com.", "RcodeNameError", []),
             ("svc0.svc-nons.example.com.", "RcodeNameError", []),
             ("svc-headless.testns.example.com.", "RcodeSuccess",
              [("1.2.3.4", K + "svc-headless/endpoint-svc-0"), ("1.2.3.5", K + "svc-headless/endpoint-svc-1")]),
             ("endpoint-svc-0.svc-headless.testns.example.com.", "RcodeSuccess",
              [("1.2.3.4", K + "svc-headless/endpoint-svc-0")]),
             ("endpoint-1.svc-nons.testns.example.com.", "RcodeNameError", []),
         ])]


def _domain(key: str) -> str:
    """msg.Domain: the path's labels after the first, reversed."""
    return ".".join(reversed(key.strip("/").split("/")[1:])) + "."


@pytest.mark.parametrize("data", CASES)
def test_external(data: dict) -> None:
    k = KubernetesPlugin()
    k._put_ns({"metadata": {"name": "testns"}})
    for obj in OBJECTS:
        (k._put_svc if obj["kind"] == "Service" else k._put_ep)(obj)
    records, rcode = k.external(data["qname"], "example.org.")
    assert rcode == RCODES[data["rcode"]]
    assert [r.target for r in records] == [_domain(key) for _, key in data["msg"]]
    assert [r.host for r in records] == [host for host, _ in data["msg"]]
