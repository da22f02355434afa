"""CoreDNS plugin/kubernetes/handler_case_test.go: mixed-case queries through ServeDNS.

It runs APIConnServeTest (test_handler.OBJECTS) with ``ignore empty_service``. The adapter compares names
case-insensitively (kspec answers in the lower case it normalizes queries to; upstream preserves the query's case,
which DNS treats as the same name). Upstream's cases are unnamed; each is named here by its index, name and type.
"""

from __future__ import annotations

import pytest

from tests.upstream.cases import case
from tests.upstream.dns.adapter import check, plugin
from tests.upstream.dns.test_handler import OBJECTS

SOURCE = "coredns/coredns plugin/kubernetes/handler_case_test.go"
SOA = "the zone apex SOA record as an answer: kspec's DNS keeps only the SOA's negative-caching TTL"


def _q(func: str, i: int, qname: str, qtype: str, rcode: str = "RcodeSuccess", answer: tuple = (),
       extra: tuple = (), **kw: object) -> object:
    return case(func, f"{i} {qname} {qtype}", qname=qname, qtype=qtype, rcode=rcode, answer=list(answer),
                extra=list(extra), **kw)


CASES = [
    _q("TestPreserveCase", 0, "not-a-service.testns.svc.ClUsTeR.lOcAl.", "A", "RcodeNameError"),
    _q("TestPreserveCase", 1, "SvC1.TeStNs.SvC.cLuStEr.LoCaL.", "A",
       answer=["SvC1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN A 10.0.0.1"]),
    _q("TestPreserveCase", 2, "_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL.", "SRV",
       answer=["_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN SRV 0 100 80 svc1.testns.svc.cLuStEr.LoCaL."],
       extra=["svc1.testns.svc.cLuStEr.LoCaL. 5 IN A 10.0.0.1"]),
    _q("TestPreserveCase", 3, "Cluster.local.", "SOA",
       answer=["Cluster.local. 5 IN SOA ns.dns.Cluster.local. hostmaster.Cluster.local. 1499347823 7200 1800 86400 5"],
       unmodelled=SOA),
]


@pytest.mark.parametrize("data", CASES)
def test_preserve_case(data: dict) -> None:
    k = plugin(OBJECTS, {"testns"})
    k.ignore_empty_service = True
    check(k.serve(data["qname"], data["qtype"], lambda name, qtype: None), data)
