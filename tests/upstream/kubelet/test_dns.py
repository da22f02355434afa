"""kubernetes pkg/kubelet/network/dns/dns_test.go: resolv.conf parsing, limits, DNS type and GetPodDNS."""

from __future__ import annotations

import pytest

from kspec.kubelet import dns_config as dns
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/network/dns/dns_test.go"

LEGACY = "ExpandedDNSConfig is GA in kspec: the legacy 6-path/256-character search limits are gone"

# -- TestParseResolvConf: (data, nameservers, searches, options, isErr); upstream indexes its cases -----
PARSE = [
    ("", [], [], [], False),
    (" ", [], [], [], False),
    ("\n", [], [], [], False),
    ("\t\n\t", [], [], [], False),
    ("#comment\n", [], [], [], False),
    (" #comment\n", [], [], [], False),
    ("#comment\n#comment", [], [], [], False),
    ("#comment\nnameserver", [], [], [], True),
    ("#comment\nnameserver\nsearch", [], [], [], True),
    ("#comment\nnameserver 1.2.3.4\nsearch", ["1.2.3.4"], [], [], False),
    ("nameserver 1.2.3.4", ["1.2.3.4"], [], [], False),
    (" nameserver 1.2.3.4", ["1.2.3.4"], [], [], False),
    ("\tnameserver 1.2.3.4", ["1.2.3.4"], [], [], False),
    ("nameserver\t1.2.3.4", ["1.2.3.4"], [], [], False),
    ("nameserver \t 1.2.3.4", ["1.2.3.4"], [], [], False),
    ("nameserver 1.2.3.4\nnameserver 5.6.7.8", ["1.2.3.4", "5.6.7.8"], [], [], False),
    ("nameserver 1.2.3.4 #comment", ["1.2.3.4"], [], [], False),
    ("search ", [], [], [], False),
    ("search foo", [], ["foo"], [], False),
    ("search foo bar", [], ["foo", "bar"], [], False),
    ("search foo. bar", [], ["foo", "bar"], [], False),
    ("search foo bar bat\n", [], ["foo", "bar", "bat"], [], False),
    ("search foo\nsearch bar", [], ["bar"], [], False),
    ("nameserver 1.2.3.4\nsearch foo bar", ["1.2.3.4"], ["foo", "bar"], [], False),
    ("nameserver 1.2.3.4\nsearch foo\nnameserver 5.6.7.8\nsearch bar", ["1.2.3.4", "5.6.7.8"], ["bar"], [], False),
    ("#comment\nnameserver 1.2.3.4\n#comment\nsearch foo\ncomment", ["1.2.3.4"], ["foo"], [], False),
    ("options ", [], [], [], False),
    ("options ndots:5 attempts:2", [], [], ["ndots:5", "attempts:2"], False),
    ("options ndots:1\noptions ndots:5 attempts:3", [], [], ["ndots:5", "attempts:3"], False),
    ("nameserver 1.2.3.4\nsearch foo\nnameserver 5.6.7.8\nsearch bar\noptions ndots:5 attempts:4",
     ["1.2.3.4", "5.6.7.8"], ["bar"], ["ndots:5", "attempts:4"], False),
]
PARSE_CASES = [case("TestParseResolvConf", f"test case [{i}]", text=t, want=(n, s, o), err=e)
               for i, (t, n, s, o, e) in enumerate(PARSE)]


@pytest.mark.parametrize("data", PARSE_CASES)
def test_parse_resolv_conf(data: dict) -> None:
    if data["err"]:
        with pytest.raises(ValueError):
            dns.parse_resolv_conf(data["text"])
        return
    assert dns.parse_resolv_conf(data["text"]) == data["want"]


# -- TestFormDNSSearchFitsLimits ----------------------------------------------------------------------
P2048 = ["A" * 128] + ["A" * 127] * 15  # 2048 = 128 + 127 * 15 + 15
BASE = ["testNS.svc.TEST", "svc.TEST", "TEST"]
NUM32 = BASE + [str(i) for i in range(4, 33)]
MSG = "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: "
SEARCH = [
    case("TestFormDNSSearchFitsLimits", "valid: 3 search paths", hosts=BASE, want=BASE, events=[]),
    case("TestFormDNSSearchFitsLimits", "valid: 5 search paths", hosts=BASE + ["AAA", "BBB"],
         want=BASE + ["AAA", "BBB"], events=[]),
    case("TestFormDNSSearchFitsLimits", "invalid: longer than 256 characters in search path list",
         hosts=BASE + ["AAA", "B" * 256, "BBB"], want=BASE + ["AAA", "BBB"],
         events=[MSG + "testNS.svc.TEST svc.TEST TEST AAA BBB"]),
    case("TestFormDNSSearchFitsLimits", "valid ExpandedDNSConfig: 2048 characters in search path list",
         hosts=P2048, want=P2048, events=[]),
    case("TestFormDNSSearchFitsLimits", "invalid ExpandedDNSConfig: 2050 characters in search path list",
         hosts=P2048 + ["B"], want=P2048, events=[MSG + " ".join(P2048)]),
    case("TestFormDNSSearchFitsLimits", "invalid ExpandedDNSConfig: 256 characters search path",
         hosts=BASE + ["AAA", "B" * 256, "BBB"], want=BASE + ["AAA", "BBB"],
         events=[MSG + "testNS.svc.TEST svc.TEST TEST AAA BBB"]),
    case("TestFormDNSSearchFitsLimits", "invalid: 7 search paths", unmodelled=LEGACY,
         hosts=BASE + ["AAA", "BBB", "CCC", "DDD"], want=BASE + ["AAA", "BBB", "CCC"],
         events=[MSG + "testNS.svc.TEST svc.TEST TEST AAA BBB CCC"]),
    case("TestFormDNSSearchFitsLimits", "valid ExpandedDNSConfig: 32 search paths", hosts=NUM32, want=NUM32,
         events=[]),
    case("TestFormDNSSearchFitsLimits", "invalid ExpandedDNSConfig: 33 search paths", hosts=NUM32 + ["33"],
         want=NUM32, events=[MSG + " ".join(NUM32)]),
]


@pytest.mark.parametrize("data", SEARCH)
def test_form_dns_search_fits_limits(data: dict) -> None:
    got, event = dns.fit_searches(list(data["hosts"]))
    assert got == data["want"]
    assert ([event] if event else []) == data["events"]


# -- TestFormDNSNameserversFitsLimits -----------------------------------------------------------------
SERVERS = [
    case("TestFormDNSNameserversFitsLimits", "valid: 1 nameserver", servers=["127.0.0.1"], want=["127.0.0.1"],
         event=False),
    case("TestFormDNSNameserversFitsLimits", "valid: 3 nameservers", servers=["127.0.0.1", "10.0.0.10", "8.8.8.8"],
         want=["127.0.0.1", "10.0.0.10", "8.8.8.8"], event=False),
    case("TestFormDNSNameserversFitsLimits", "invalid: 4 nameservers, trimmed to 3",
         servers=["127.0.0.1", "10.0.0.10", "8.8.8.8", "1.2.3.4"], want=["127.0.0.1", "10.0.0.10", "8.8.8.8"],
         event=True),
]


@pytest.mark.parametrize("data", SERVERS)
def test_form_dns_nameservers_fits_limits(data: dict) -> None:
    got, event = dns.fit_nameservers(list(data["servers"]))
    assert got == data["want"]
    assert bool(event) == data["event"]


# -- TestMergeDNSOptions ------------------------------------------------------------------------------
MERGE = [
    case("TestMergeDNSOptions", "Empty dnsConfigOptions", existing=["ndots:5", "debug"], extra=[],
         want=["ndots:5", "debug"]),
    case("TestMergeDNSOptions", "No duplicated entries", existing=["ndots:5", "debug"],
         extra=[{"name": "single-request"}, {"name": "attempts", "value": "3"}],
         want=["ndots:5", "debug", "single-request", "attempts:3"]),
    case("TestMergeDNSOptions", "Overwrite duplicated entries", existing=["ndots:5", "debug"],
         extra=[{"name": "ndots", "value": "3"}, {"name": "debug"}, {"name": "single-request"},
                {"name": "attempts", "value": "3"}],
         want=["ndots:3", "debug", "single-request", "attempts:3"]),
]


@pytest.mark.parametrize("data", MERGE)
def test_merge_dns_options(data: dict) -> None:
    assert set(dns.merge_options(data["existing"], data["extra"])) == set(data["want"])  # order may change


# -- TestGetPodDNSType --------------------------------------------------------------------------------
TYPES = [
    case("TestGetPodDNSType", "valid DNSClusterFirst without hostnetwork", policy="ClusterFirst", host=False,
         want="cluster"),
    case("TestGetPodDNSType", "valid DNSClusterFirstWithHostNet with hostnetwork", policy="ClusterFirstWithHostNet",
         host=True, want="cluster"),
    case("TestGetPodDNSType", "valid DNSClusterFirstWithHostNet without hostnetwork",
         policy="ClusterFirstWithHostNet", host=False, want="cluster"),
    case("TestGetPodDNSType", "valid DNSDefault without hostnetwork", policy="Default", host=False, want="host"),
    case("TestGetPodDNSType", "valid DNSDefault with hostnetwork", policy="Default", host=True, want="host"),
    case("TestGetPodDNSType", "DNSClusterFirst with hostnetwork, fallback to DNSDefault", policy="ClusterFirst",
         host=True, want="host"),
    case("TestGetPodDNSType", "valid DNSNone", policy="None", host=False, want="none"),
    case("TestGetPodDNSType", "invalid DNS policy, should return error", policy="invalidPolicy", host=False,
         want=None),
]


@pytest.mark.parametrize("data", TYPES)
def test_get_pod_dns_type(data: dict) -> None:
    pod = {"metadata": {"name": "test_pod", "namespace": "testNS"},
           "spec": {"dnsPolicy": data["policy"], "hostNetwork": data["host"]}}
    if data["want"] is None:
        with pytest.raises(ValueError):
            dns.pod_dns_type(pod)
        return
    assert dns.pod_dns_type(pod) == data["want"]


# -- TestGetPodDNS (testGetPodDNS, run with and without ExpandedDNSConfig) --------------------------------
CLUSTER_NS = "203.0.113.1"
#: upstream reads the machine's /etc/resolv.conf in its second half; any node resolver does
NODE_RESOLV = "nameserver 10.0.0.2\nsearch corp.example lab.example\noptions timeout:2\n"
GET = [case("TestGetPodDNS", "Not ExpandedDNSConfig", max_paths=6),
       case("TestGetPodDNS", "ExpandedDNSConfig", max_paths=32)]


@pytest.mark.parametrize("data", GET)
def test_get_pod_dns(data: dict) -> None:
    domain = "kubernetes.io"
    policies = ["ClusterFirstWithHostNet", "ClusterFirst", "ClusterFirst", "Default"]
    pods = [{"metadata": {"name": f"pod{i}", "namespace": ""}, "spec": {"hostNetwork": i != 2, "dnsPolicy": p}}
            for i, p in enumerate(policies)]
    got = [dns.pod_dns(p, domain, [CLUSTER_NS], resolver_config=False) for p in pods]
    for i in (0, 2):
        assert got[i][0] == [CLUSTER_NS]
        assert got[i][1][0] == ".svc." + domain
    for i in (1, 3):
        assert got[i][0] == ["127.0.0.1"]
        assert got[i][1] == ["."]
    servers, searches, options = dns.parse_resolv_conf(NODE_RESOLV)
    host = dns.HostResolver(servers, searches, options)
    got = [dns.pod_dns(p, domain, [CLUSTER_NS], host) for p in pods]
    want_len = min(len(got[1][1]) + 3, data["max_paths"])
    for i in (0, 2):
        assert got[i][0] == [CLUSTER_NS]
        assert len(got[i][1]) == want_len
        assert got[i][1][0] == ".svc." + domain


# -- TestGetPodDNSCustom ------------------------------------------------------------------------------
NDOTS3 = {"name": "ndots", "value": "3"}
CUSTOM_HOST = dns.HostResolver(["8.8.8.8"], ["host.domain"], [])
NS_SVC, SVC, DOMAIN = "testNS.svc.kubernetes.io", "svc.kubernetes.io", "kubernetes.io"


def _cfg(servers: list[str], searches: list[str]) -> dict:
    return {"nameservers": servers, "searches": searches, "options": [NDOTS3, {"name": "debug"}]}


CUSTOM = [
    case("TestGetPodDNSCustom", "DNSNone without DNSConfig should have empty DNS settings", policy="None",
         host=False, cfg=None, want=([], [], [])),
    case("TestGetPodDNSCustom", "DNSNone with DNSConfig should have a merged DNS settings", policy="None",
         host=False, cfg=_cfg(["203.0.113.1"], ["my.domain", "second.domain"]),
         want=(["203.0.113.1"], ["my.domain", "second.domain"], ["ndots:3", "debug"])),
    case("TestGetPodDNSCustom", "DNSClusterFirst with DNSConfig should have a merged DNS settings",
         policy="ClusterFirst", host=False, cfg=_cfg(["10.0.0.11"], ["my.domain"]),
         want=(["10.0.0.10", "10.0.0.11"], [NS_SVC, SVC, DOMAIN, "host.domain", "my.domain"], ["ndots:3", "debug"])),
    case("TestGetPodDNSCustom", "DNSClusterFirstWithHostNet with DNSConfig should have a merged DNS settings",
         policy="ClusterFirstWithHostNet", host=True, cfg=_cfg(["10.0.0.11"], ["my.domain"]),
         want=(["10.0.0.10", "10.0.0.11"], [NS_SVC, SVC, DOMAIN, "host.domain", "my.domain"], ["ndots:3", "debug"])),
    case("TestGetPodDNSCustom", "DNSDefault with DNSConfig should have a merged DNS settings", policy="Default",
         host=False, cfg=_cfg(["10.0.0.11"], ["my.domain"]),
         want=(["8.8.8.8", "10.0.0.11"], ["host.domain", "my.domain"], ["ndots:3", "debug"])),
]


@pytest.mark.parametrize("data", CUSTOM)
def test_get_pod_dns_custom(data: dict) -> None:
    spec: dict = {"dnsPolicy": data["policy"], "hostNetwork": data["host"]}
    if data["cfg"] is not None:
        spec["dnsConfig"] = data["cfg"]
    pod = {"metadata": {"name": "test_pod", "namespace": "testNS"}, "spec": spec}
    servers, searches, options = dns.pod_dns(pod, DOMAIN, ["10.0.0.10"], CUSTOM_HOST)
    want_servers, want_searches, want_options = data["want"]
    assert (servers, searches) == (want_servers, want_searches)
    assert set(options) == set(want_options) and len(options) == len(want_options)
