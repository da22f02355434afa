"""CoreDNS plugin/kubernetes/ns_test.go: nsAddrs, the addresses behind the zone's NS record.

Upstream finds them from the DNS pod's own IPs (localIPs) among the endpoints of every service; kspec
answers ``ns.dns.cluster.local`` with the kube-dns Service's cluster IP, for its one zone.
"""

from __future__ import annotations

import pytest

from tests.upstream.cases import case
from tests.upstream.dns.adapter import endpoints, plugin, service

SOURCE = "coredns/coredns plugin/kubernetes/ns_test.go"

WHY = "nsAddrs from the CoreDNS pod's local IPs, and zones other than cluster.local"


def _objects(external_ip: bool) -> list[dict]:
    return [service("dns-service", "kube-system", ["10.0.0.111"], external_ips=["1.2.3.4"] if external_ip else None),
            service("hdls-dns-service", "kube-system", ["None"]),
            service("dns6-service", "kube-system", ["10::111"]),
            *(endpoints(n, "kube-system", [([("10.244.0.20", "")], [])])
              for n in ("dns-service", "hdls-dns-service", "dns6-service"))]


CASES = [
    case("TestNsAddrs", "inter.webs.test", zone="inter.webs.test.", external=False, external_ip=False,
         headless=False, expected=[("dns-service.kube-system.svc.inter.webs.test.", "10.0.0.111"),
                                   ("10-244-0-20.hdls-dns-service.kube-system.svc.inter.webs.test.", "10.244.0.20"),
                                   ("dns6-service.kube-system.svc.inter.webs.test.", "10::111")], unmodelled=WHY),
    case("TestNsAddrsExternalHeadless", "example.com", zone="example.com.", external=True, external_ip=False,
         headless=True, expected=[("10-244-0-20.hdls-dns-service.kube-system.example.com.", "10.244.0.20")],
         unmodelled=WHY),
    case("TestNsAddrsExternal", "no external IP", zone="example.com.", external=True, external_ip=False,
         headless=False, expected=[]),
    case("TestNsAddrsExternal", "external IP added", zone="example.com.", external=True, external_ip=True,
         headless=False, expected=[("dns-service.kube-system.example.com.", "1.2.3.4")], unmodelled=WHY),
    case("TestNsAddrsExternalWithPreexistingExternalIP", "example.com", zone="example.com.", external=True,
         external_ip=True, headless=False, expected=[("dns-service.kube-system.example.com.", "1.2.3.4")],
         unmodelled=WHY),
]


@pytest.mark.parametrize("data", CASES)
def test_ns_addrs(data: dict) -> None:
    k = plugin(_objects(data["external_ip"]), {"kube-system"})
    records = k.records(f"ns.dns.{data['zone']}")
    assert [(r.target, r.host) for r in records] == data["expected"]
