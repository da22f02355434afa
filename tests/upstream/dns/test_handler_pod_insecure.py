"""CoreDNS plugin/kubernetes/handler_pod_insecure_test.go: ``pods insecure`` answers from the name alone."""

from __future__ import annotations

import pytest

from tests.upstream.cases import case
from tests.upstream.dns.adapter import check, plugin
from tests.upstream.dns.test_handler import OBJECTS

SOURCE = "coredns/coredns plugin/kubernetes/handler_pod_insecure_test.go"


def _q(i: int, qname: str, qtype: str, rcode: str = "RcodeSuccess", answer: tuple = ()) -> object:
    return case("TestServeDNSModeInsecure", f"{i} {qname} {qtype}", qname=qname, qtype=qtype, rcode=rcode,
                answer=list(answer))


CASES = [
    _q(0, "10-240-0-1.podns.pod.cluster.local.", "A", answer=["10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1"]),
    _q(1, "172-0-0-2.podns.pod.cluster.local.", "A", answer=["172-0-0-2.podns.pod.cluster.local. 5 IN A 172.0.0.2"]),
    _q(2, "blah.podns.pod.cluster.local.", "A", "RcodeNameError"),
    _q(3, "blah.podns.pod.cluster.local.", "AAAA", "RcodeNameError"),
    _q(4, "blah.podns.pod.cluster.local.", "HINFO", "RcodeNameError"),
    _q(5, "blah.pod-nons.pod.cluster.local.", "A", "RcodeNameError"),
    _q(6, "podns.pod.cluster.local.", "A", "RcodeNameError"),
]


@pytest.mark.parametrize("data", CASES)
def test_serve_dns_mode_insecure(data: dict) -> None:
    # no k.Namespaces: every namespace is exposed; APIConnServeTest knows no "pod-nons" namespace
    k = plugin(OBJECTS, {"testns", "podns", "kube-system"})
    check(k.serve(data["qname"], data["qtype"], lambda name, qtype: None), data)
