"""CoreDNS plugin/kubernetes/handler_ignore_emptyservice_test.go: ``ignore empty_service`` through ServeDNS.

APIConnServeTest (test_handler.OBJECTS): ``svcempty`` has a cluster IP and no endpoint addresses. Upstream's
cases are unnamed; each is named here by its index, name and type.
"""

from __future__ import annotations

import pytest

from tests.upstream.cases import case
from tests.upstream.dns.adapter import check, plugin
from tests.upstream.dns.test_handler import OBJECTS

SOURCE = "coredns/coredns plugin/kubernetes/handler_ignore_emptyservice_test.go"

CASES = [
    case("TestServeDNSEmptyService", "0 svcempty.testns.svc.cluster.local. A",
         qname="svcempty.testns.svc.cluster.local.", qtype="A", rcode="RcodeNameError", answer=[], extra=[]),
    case("TestServeDNSEmptyService", "1 external.testns.svc.cluster.local. CNAME",
         qname="external.testns.svc.cluster.local.", qtype="CNAME", rcode="RcodeSuccess",
         answer=["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."], extra=[]),
]


@pytest.mark.parametrize("data", CASES)
def test_serve_dns_empty_service(data: dict) -> None:
    k = plugin(OBJECTS, {"testns"})
    k.ignore_empty_service = True
    response = k.serve(data["qname"], data["qtype"], lambda name, qtype: None)
    # test.CNAMEOrder: a CNAME comes before its target's records
    names = [rr.name for rr in (response.answer if response else [])]
    assert all(names.index(rr.data) > i for i, rr in enumerate(response.answer if response else [])
               if rr.rtype == "CNAME" and rr.data in names)
    check(response, data)
