"""CoreDNS plugin/kubernetes/parse_test.go: parseRequest against kspec.dns.kubernetes.parse_request.

The zone is the test's ``inter.webs.tests.``. kspec's plugin has neither the ``multicluster`` nor the zonal
(``_zone``) grammar: a case that needs either is unmodelled; a case that only asks that the grammar not apply
runs as it is. Upstream's cases are unnamed; each is named here by its index and query.
"""

from __future__ import annotations

import pytest

from kspec.dns.kubernetes import NameError_, parse_request
from tests.upstream.cases import case

SOURCE = "coredns/coredns plugin/kubernetes/parse_test.go"
ZONE = "inter.webs.tests."
MULTICLUSTER = "multicluster zones (a cluster label before the service): kspec's plugin has no multicluster option"
ZONAL = "zonal names (<zone>._zone.<svc>): kspec's plugin has no zonal option"

PARSE = [case("TestParseRequest", f"{i} {query}", query=query, expected=expected, zone=zone, **reason)
         for i, (query, expected, zone, reason) in enumerate([
             ("_http._tcp.webs.mynamespace.svc.inter.webs.tests.", "http.tcp...webs.mynamespace.svc", "", {}),
             ("1-2-3-4.webs.mynamespace.svc.inter.webs.tests.", "..1-2-3-4..webs.mynamespace.svc", "", {}),
             ("inter.webs.tests.", "......", "", {}),
             ("svc.inter.webs.tests.", "......", "", {}),
             ("pod.inter.webs.tests.", "......", "", {}),
             ("..webs.mynamespace.svc.inter.webs.tests.", "....webs.mynamespace.svc", "", {}),
             ("1-2-3-4.cluster1.webs.mynamespace.svc.inter.webs.tests.", "..1-2-3-4.cluster1.webs.mynamespace.svc",
              "", {"unmodelled": MULTICLUSTER}),
             ("us-west-2a._zone.webs.mynamespace.svc.inter.webs.tests.", "....webs.mynamespace.svc", "us-west-2a",
              {"unmodelled": ZONAL}),
             ("us-west-2a._zone.webs.mynamespace.svc.inter.webs.tests.", "us-west-2a.zone...webs.mynamespace.svc", "",
              {}),
             ("us-west-2a._zone.webs.mynamespace.pod.inter.webs.tests.", "us-west-2a.zone...webs.mynamespace.pod", "",
              {}),
             ("us-west-2a._zone.webs.mynamespace.svc.inter.webs.tests.", "us-west-2a.zone...webs.mynamespace.svc", "",
              {}),
         ])]


@pytest.mark.parametrize("data", PARSE)
def test_parse_request(data: dict) -> None:
    r = parse_request(data["query"], ZONE)
    assert str(r) == data["expected"]
    assert getattr(r, "zone", "") == data["zone"]


INVALID = [case("TestParseInvalidRequest", f"{i} {query}", query=query) for i, query in enumerate([
    "webs.mynamespace.pood.inter.webs.test.",  # must be for the pod or svc subdomain
    "too.long.for.what.I.am.trying.to.pod.inter.webs.tests.",  # too long
])]


@pytest.mark.parametrize("data", INVALID)
def test_parse_invalid_request(data: dict) -> None:
    with pytest.raises(NameError_):
        parse_request(data["query"], ZONE)
