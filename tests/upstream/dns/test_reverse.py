"""CoreDNS plugin/kubernetes/reverse_test.go: TestReverse, PTR answers from cluster IPs and endpoint IPs.

The test configures no ``fallthrough``; kubeadm's Corefile (kspec's default) falls through in-addr.arpa.
"""

from __future__ import annotations

import pytest

from tests.upstream.cases import case
from tests.upstream.dns.adapter import check, endpoints, plugin, service

SOURCE = "coredns/coredns plugin/kubernetes/reverse_test.go"

HTTP = [("http", "tcp", 80)]
# APIConnReverseTest: svc1's three slices (10.0.0.100 in two of them) and svc2's slice sharing 10.0.0.99
OBJECTS = [
    service("svc1", "testns", ["192.168.1.100"], HTTP),
    endpoints("svc1", "testns", [
        ([("10.0.0.100", "ep1a"), ("10.0.0.99", "double-ep")], HTTP),
        ([("1234:abcd::1", "ep1b"), ("fd00:77:30::a", "ip6svc1ex"), ("fd00:77:30::2:9ba6", "ip6svc1in")], HTTP),
        ([("10.0.0.100", "ep1a")], HTTP),
    ]),
    endpoints("svc2", "testns", [([("10.0.0.99", "double-ep")], HTTP)]),
]

V6A = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa."
V6B = "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa."
V6C = "6.a.b.9.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa."


def _q(i: int, qname: str, qtype: str, rcode: str = "RcodeSuccess", answer: tuple = ()) -> object:
    return case("TestReverse", f"{i} {qname} {qtype}", qname=qname, qtype=qtype, rcode=rcode, answer=list(answer))


CASES = [
    _q(0, "100.0.0.10.in-addr.arpa.", "PTR",
       answer=["100.0.0.10.in-addr.arpa. 5 IN PTR ep1a.svc1.testns.svc.cluster.local."]),
    _q(1, "100.1.168.192.in-addr.arpa.", "PTR",
       answer=["100.1.168.192.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local."]),
    _q(2, V6A, "PTR", answer=[f"{V6A} 5 IN PTR ep1b.svc1.testns.svc.cluster.local."]),
    _q(3, V6B, "PTR", answer=[f"{V6B} 5 IN PTR ip6svc1ex.svc1.testns.svc.cluster.local."]),
    _q(4, V6C, "PTR", answer=[f"{V6C} 5 IN PTR ip6svc1in.svc1.testns.svc.cluster.local."]),
    _q(5, "101.0.0.10.in-addr.arpa.", "PTR", "RcodeNameError"),
    _q(6, "example.org.cluster.local.", "PTR", "RcodeNameError"),
    _q(7, "svc1.testns.svc.cluster.local.", "PTR"),
    _q(8, "svc1.testns.svc.0.10.in-addr.arpa.", "A", "RcodeNameError"),
    _q(9, "100.0.0.10.cluster.local.", "PTR", "RcodeNameError"),
    _q(10, "99.0.0.10.in-addr.arpa.", "PTR",
       answer=["99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc1.testns.svc.cluster.local.",
               "99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc2.testns.svc.cluster.local."]),
]


@pytest.mark.parametrize("data", CASES)
def test_reverse(data: dict) -> None:
    k = plugin(OBJECTS, {"testns"}, fallthrough=())
    check(k.serve(data["qname"], data["qtype"], lambda name, qtype: None), data)
