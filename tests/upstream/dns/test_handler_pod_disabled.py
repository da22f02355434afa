"""CoreDNS plugin/kubernetes/handler_pod_disabled_test.go: ``pods disabled`` answers no pod name.

APIConnServeTest (test_handler.OBJECTS). Upstream's cases are unnamed; each is named here by its index, name and
type.
"""

from __future__ import annotations

import pytest

from tests.upstream.cases import case
from tests.upstream.dns.adapter import check, plugin
from tests.upstream.dns.test_handler import OBJECTS

SOURCE = "coredns/coredns plugin/kubernetes/handler_pod_disabled_test.go"

CASES = [case("TestServeDNSModeDisabled", f"{i} {qname} A", qname=qname, qtype="A", rcode="RcodeNameError",
              answer=[], extra=[])
         for i, qname in enumerate(["10-240-0-1.podns.pod.cluster.local.", "172-0-0-2.podns.pod.cluster.local."])]


@pytest.mark.parametrize("data", CASES)
def test_serve_dns_mode_disabled(data: dict) -> None:
    k = plugin(OBJECTS, {"testns", "podns", "kube-system"})
    k.pod_mode = "disabled"
    check(k.serve(data["qname"], data["qtype"], lambda name, qtype: None), data)
