"""kubernetes pkg/proxy/iptables/proxier_test.go: whole iptables-restore inputs, compared as upstream compares them.

kspec's proxier runs with NewFakeProxier's settings as real options (tests/upstream/proxy/iptables_adapter.py),
so each dump is compared exactly, after the chain grouping assertIPTablesRulesEqual itself applies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kspec.proxy.iptables import IptablesProxier
from tests.upstream.cases import case
from tests.upstream.proxy.iptables_adapter import TEST_NODE_NAME, endpoints, fake_proxier, port, service, sort_restore

SOURCE = "kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go"
WHOLE = "whole test"  # a test function with no subtests

_FW = ('-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 '
       "! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")
_FORWARD = [
    "-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP",
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack '
    "--ctstate RELATED,ESTABLISHED -j ACCEPT",
]
_MASQ = [
    "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
    "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
    "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE',
]
_LAST = ('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in '
         'this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')


def dump(filter_rules: list[str], nat_chains: list[str], nat_rules: list[str], deletes: list[str] = ()) -> str:
    """An expected restore input in the fake proxier's usual frame (filter chains, masquerade rules)."""
    filter_chains = ["KUBE-NODEPORTS", "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FIREWALL", "KUBE-FORWARD",
                     "KUBE-PROXY-FIREWALL"]
    nat = ["KUBE-NODEPORTS", "KUBE-SERVICES", "KUBE-MARK-MASQ", "KUBE-POSTROUTING", *nat_chains]
    return "\n".join(["*filter", *(f":{c} - [0:0]" for c in filter_chains), *filter_rules, _FW, *_FORWARD, "COMMIT",
                      "*nat", *(f":{c} - [0:0]" for c in nat), *nat_rules, *_MASQ, *(f"-X {c}" for c in deletes),
                      "COMMIT"]) + "\n"


def _svc_ip(ns: str, name: str, port_name: str, ip: str, number: int, chain: str) -> str:
    return (f'-A KUBE-SERVICES -m comment --comment "{ns}/{name}:{port_name} cluster IP" -m tcp -p tcp -d {ip} '
            f"--dport {number} -j {chain}")


def _svc_chain(svc: str, ip: str, number: int, chain: str, seps: list[tuple[str, str]]) -> list[str]:
    """A KUBE-SVC chain: the masquerade rule and one jump per (endpoint, KUBE-SEP chain)."""
    out = [f'-A {chain} -m comment --comment "{svc} cluster IP" -m tcp -p tcp -d {ip} --dport {number} '
           "! -s 10.0.0.0/8 -j KUBE-MARK-MASQ"]
    for i, (ep, sep) in enumerate(seps):
        stat = f" -m statistic --mode random --probability {1 / (len(seps) - i):0.10f}" if i < len(seps) - 1 else ""
        out.append(f'-A {chain} -m comment --comment "{svc} -> {ep}"{stat} -j {sep}')
    return out


def _sep(svc: str, sep: str, ep: str) -> list[str]:
    ip = ep.split(":")[0]
    return [f"-A {sep} -m comment --comment {svc} -s {ip} -j KUBE-MARK-MASQ",
            f"-A {sep} -m comment --comment {svc} -m tcp -p tcp -j DNAT --to-destination {ep}"]


S1, S2, S3, S4 = "KUBE-SVC-XPGD46QRK7WJZT7O", "KUBE-SVC-2VJB64SDSIJUP5T6", "KUBE-SVC-X27LE4BHSL4DOUIK", \
    "KUBE-SVC-4SW47YFZTEDKD3PK"
SVC1 = _svc_ip("ns1", "svc1", "p80", "172.30.0.41", 80, S1)
SVC2 = _svc_ip("ns2", "svc2", "p8080", "172.30.0.42", 8080, S2)
SVC3 = _svc_ip("ns3", "svc3", "p80", "172.30.0.43", 80, S3)
SVC4 = _svc_ip("ns4", "svc4", "p80", "172.30.0.44", 80, S4)


def _ep(ns: str, name: str, port_name: str, number: int, ips: list[str]) -> dict[str, Any]:
    return endpoints(ns, name, [(ip, None) for ip in ips], [(port_name, number, "TCP")])


def _repeated() -> list[tuple[str, str]]:
    """TestSyncProxyRulesRepeated: (expected, got) after each sync."""
    svc1 = service("ns1", "svc1", "172.30.0.41", [port("p80", 80)], type="ClusterIP")
    svc2 = service("ns2", "svc2", "172.30.0.42", [port("p8080", 8080)], type="ClusterIP")
    p = fake_proxier([svc1, svc2], [_ep("ns1", "svc1", "p80", 80, ["10.0.1.1"]),
                                    _ep("ns2", "svc2", "p8080", 8080, ["10.0.2.1"])])
    steps = [(dump([], ["KUBE-SEP-SNQ3ZNILQDEJNDQO", "KUBE-SEP-UHEGFW77JX3KXTOV", S2, S1], [
        SVC1, SVC2, _LAST,
        *_sep("ns1/svc1:p80", "KUBE-SEP-SNQ3ZNILQDEJNDQO", "10.0.1.1:80"),
        *_sep("ns2/svc2:p8080", "KUBE-SEP-UHEGFW77JX3KXTOV", "10.0.2.1:8080"),
        *_svc_chain("ns2/svc2:p8080", "172.30.0.42", 8080, S2, [("10.0.2.1:8080", "KUBE-SEP-UHEGFW77JX3KXTOV")]),
        *_svc_chain("ns1/svc1:p80", "172.30.0.41", 80, S1, [("10.0.1.1:80", "KUBE-SEP-SNQ3ZNILQDEJNDQO")]),
    ]), p.last_restore)]

    def sync() -> None:
        p.sync_proxy_rules()

    # Add a new service and its endpoints: only its SVC and SEP chains are written
    svc3 = service("ns3", "svc3", "172.30.0.43", [port("p80", 80)], type="ClusterIP")
    eps3 = _ep("ns3", "svc3", "p80", 80, ["10.0.3.1"])
    p.on_service(None, svc3)
    p.on_endpoints(None, eps3)
    sync()
    steps.append((dump([], ["KUBE-SEP-BSWRHOQ77KEXZLNL", S3], [
        SVC1, SVC2, SVC3, _LAST, *_sep("ns3/svc3:p80", "KUBE-SEP-BSWRHOQ77KEXZLNL", "10.0.3.1:80"),
        *_svc_chain("ns3/svc3:p80", "172.30.0.43", 80, S3, [("10.0.3.1:80", "KUBE-SEP-BSWRHOQ77KEXZLNL")]),
    ]), p.last_restore))
    # Delete a service (won't update the other services)
    p.on_service(svc2, None)
    sync()
    steps.append((dump([], ["KUBE-SEP-UHEGFW77JX3KXTOV", S2], [SVC1, SVC3, _LAST],
                       ["KUBE-SEP-UHEGFW77JX3KXTOV", S2]), p.last_restore))
    # Add a service, sync, then add its endpoints
    svc4 = service("ns4", "svc4", "172.30.0.44", [port("p80", 80)], type="ClusterIP")
    p.on_service(None, svc4)
    sync()
    steps.append((dump(['-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 has no endpoints" -m tcp -p tcp '
                        "-d 172.30.0.44 --dport 80 -j REJECT"], [], [SVC1, SVC3, _LAST]), p.last_restore))
    p.on_endpoints(None, _ep("ns4", "svc4", "p80", 80, ["10.0.4.1"]))
    sync()
    steps.append((dump([], ["KUBE-SEP-AYCN5HPXMIRJNJXU", S4], [
        SVC1, SVC3, SVC4, _LAST, *_sep("ns4/svc4:p80", "KUBE-SEP-AYCN5HPXMIRJNJXU", "10.0.4.1:80"),
        *_svc_chain("ns4/svc4:p80", "172.30.0.44", 80, S4, [("10.0.4.1:80", "KUBE-SEP-AYCN5HPXMIRJNJXU")]),
    ]), p.last_restore))
    # Change an endpoint of an existing service: its SVC and SEP chains are rewritten
    eps3b = _ep("ns3", "svc3", "p80", 80, ["10.0.3.2"])
    p.on_endpoints(eps3, eps3b)
    sync()
    steps.append((dump([], ["KUBE-SEP-BSWRHOQ77KEXZLNL", "KUBE-SEP-DKCFIS26GWF2WLWC", S3], [
        SVC1, SVC3, SVC4, _LAST, *_sep("ns3/svc3:p80", "KUBE-SEP-DKCFIS26GWF2WLWC", "10.0.3.2:80"),
        *_svc_chain("ns3/svc3:p80", "172.30.0.43", 80, S3, [("10.0.3.2:80", "KUBE-SEP-DKCFIS26GWF2WLWC")]),
    ], ["KUBE-SEP-BSWRHOQ77KEXZLNL"]), p.last_restore))
    # Add an endpoint to a service
    eps3c = _ep("ns3", "svc3", "p80", 80, ["10.0.3.2", "10.0.3.3"])
    p.on_endpoints(eps3b, eps3c)
    sync()
    svc3_chains = [*_sep("ns3/svc3:p80", "KUBE-SEP-DKCFIS26GWF2WLWC", "10.0.3.2:80"),
                   *_sep("ns3/svc3:p80", "KUBE-SEP-JVVZVJ7BSEPPRNBS", "10.0.3.3:80"),
                   *_svc_chain("ns3/svc3:p80", "172.30.0.43", 80, S3, [("10.0.3.2:80", "KUBE-SEP-DKCFIS26GWF2WLWC"),
                                                                        ("10.0.3.3:80", "KUBE-SEP-JVVZVJ7BSEPPRNBS")])]
    steps.append((dump([], ["KUBE-SEP-DKCFIS26GWF2WLWC", "KUBE-SEP-JVVZVJ7BSEPPRNBS", S3],
                       [SVC1, SVC3, SVC4, _LAST, *svc3_chains]), p.last_restore))
    # Sync with no new changes: no SVC or SEP chain is rewritten
    sync()
    steps.append((dump([], [], [SVC1, SVC3, SVC4, _LAST]), p.last_restore))
    # A dangling jump from svc3's chain to svc4's endpoint makes the partial restore deleting svc4 fail
    assert not p.need_full_sync and p.partial_restore_failures == 0
    p.netfilter.ensure_rule("nat", S3, ["-j", "KUBE-SEP-AYCN5HPXMIRJNJXU"], prepend=False)
    p.on_service(svc4, None)
    sync()
    steps.append((str(("KUBE-SEP-AYCN5HPXMIRJNJXU" in p.netfilter.tables["nat"], p.need_full_sync,
                       p.partial_restore_failures)), str((True, True, 1))))
    # On retry a full resync succeeds and deletes svc4
    sync()
    steps.append((dump([], ["KUBE-SEP-AYCN5HPXMIRJNJXU", "KUBE-SEP-DKCFIS26GWF2WLWC", "KUBE-SEP-JVVZVJ7BSEPPRNBS",
                            "KUBE-SEP-SNQ3ZNILQDEJNDQO", S4, S3, S1], [
        SVC1, SVC3, _LAST, *svc3_chains, *_sep("ns1/svc1:p80", "KUBE-SEP-SNQ3ZNILQDEJNDQO", "10.0.1.1:80"),
        *_svc_chain("ns1/svc1:p80", "172.30.0.41", 80, S1, [("10.0.1.1:80", "KUBE-SEP-SNQ3ZNILQDEJNDQO")]),
    ], ["KUBE-SEP-AYCN5HPXMIRJNJXU", S4]), p.last_restore))
    return steps


def _count(p: IptablesProxier, match: str) -> tuple[str, int, int]:
    """countEndpointsAndComments: the DNAT rule for ``match``, how many DNAT rules, how many with a comment."""
    matched, n, comments = "", 0, 0
    for line in p.last_restore.splitlines():
        if line.startswith("-A KUBE-SEP-") and "-j DNAT" in line:
            n += 1
            comments += "--comment" in line
            if match in line:
                matched = line
    return matched, n, comments


def _large_cluster_mode() -> list[tuple[str, str]]:
    """TestSyncProxyRulesLargeClusterMode (masqueradeAll, syncPeriod 30s): (expected, got) at each check."""
    threshold = 1000
    svcs = [service("ns1", "svc1", "172.30.0.41", [port("p80", 80)], type="ClusterIP"),
            service("ns2", "svc2", "172.30.0.42", [port("p8080", 8080)], type="ClusterIP"),
            service("ns3", "svc3", "172.30.0.43", [port("p8081", 8081)], type="ClusterIP")]
    half = threshold // 2 - 1
    eps = [_ep("ns1", "svc1", "p80", 80, [f"10.0.{i % 256}.{i // 256}" for i in range(half)]),
           _ep("ns2", "svc2", "p8080", 8080, [f"10.1.{i % 256}.{i // 256}" for i in range(half)])]
    p = fake_proxier(svcs, eps, masquerade_all=True, sync_period_ms=30_000)
    expected_endpoints = 2 * half
    out = [(str(("-A KUBE-SEP-DKGQUZGBKLTPAR56 -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT "
                 "--to-destination 10.0.0.0:80", expected_endpoints, expected_endpoints)), str(_count(p, "10.0.0.0")))]
    p.on_endpoints(None, _ep("ns3", "svc3", "p8081", 8081, ["203.0.113.4", "203.0.113.8", "203.0.113.12"]))
    p.sync_proxy_rules()
    out.append((str(("-A KUBE-SEP-RUVVH7YV3PHQBDOS -m tcp -p tcp -j DNAT --to-destination 203.0.113.4:8081", 3, 0)),
                str(_count(p, "203.0.113.4"))))
    p.need_full_sync = True  # forceSyncProxyRules
    p.sync_proxy_rules()
    expected_endpoints += 3
    out.append((str(("-A KUBE-SEP-DKGQUZGBKLTPAR56 -m tcp -p tcp -j DNAT --to-destination 10.0.0.0:80",
                     expected_endpoints, 0)), str(_count(p, "10.0.0.0"))))
    svc4 = service("ns4", "svc4", "172.30.0.44", [port("p8082", 8082)], type="ClusterIP")
    p.on_service(None, svc4)
    p.on_endpoints(None, _ep("ns4", "svc4", "p8082", 8082, ["10.4.0.1"]))
    p.sync_proxy_rules()
    out.append((str(("-A KUBE-SEP-SU5STNODRYEWJAUF -m tcp -p tcp -j DNAT --to-destination 10.4.0.1:8082", 1)),
                str(_count(p, "10.4.0.1")[:2])))
    # in large cluster mode a deleted service's chains stay until syncPeriod after the last clean-up
    p.last_cleanup_ms = p.clock.now
    p.on_service(svc4, None)
    p.sync_proxy_rules()
    out.append((str(("", 0, False)), str((*_count(p, "10.4.0.1")[:2], "-X " in p.last_restore))))
    p.last_cleanup_ms = p.clock.now - p.sync_period_ms - 1
    p.sync_proxy_rules()
    out.append((str(("", 0, True, True)), str((*_count(p, "10.4.0.1")[:2],
                                               "-X KUBE-SVC-EBDQOQU5SJFXRIL3" in p.last_restore,
                                               "-X KUBE-SEP-SU5STNODRYEWJAUF" in p.last_restore))))
    p.need_full_sync = True
    p.sync_proxy_rules()
    out.append((str(expected_endpoints), str(_count(p, "10.0.0.0")[1])))
    return out


CASES = [
    case("TestSyncProxyRulesRepeated", WHOLE, run=_repeated),
    case("TestSyncProxyRulesLargeClusterMode", WHOLE, run=_large_cluster_mode),
]


@pytest.mark.parametrize("data", CASES)
def test_dumps(data: dict[str, Any]) -> None:
    for i, (expected, got) in enumerate(data["run"]()):
        if expected.startswith("*"):
            expected, got = sort_restore(expected), sort_restore(got)
        assert got == expected, f"step {i + 1}"





#: TestOverallIPTablesRules' expected restore input, transcribed
OVERALL = (Path(__file__).parent / "data" / "TestOverallIPTablesRules.txt").read_text()


def _overall() -> list[tuple[str, str]]:
    """TestOverallIPTablesRules: a variety of services, one sync."""
    def svc(ns: str, name: str, ip: str, node_port: int = 0, lb: str = "", **spec: Any) -> dict[str, Any]:
        s = service(ns, name, ip, [port("p80", 80, **({"nodePort": node_port} if node_port else {}))], **spec)
        if lb:
            s["status"] = {"loadBalancer": {"ingress": [{"ip": lb}]}}
        return s

    services = [
        svc("ns1", "svc1", "172.30.0.41"),
        svc("ns2", "svc2", "172.30.0.42", 3001, "1.2.3.4", type="LoadBalancer", externalTrafficPolicy="Local",
            externalIPs=["192.168.99.22"], healthCheckNodePort=30000),
        svc("ns3", "svc3", "172.30.0.43", 3003, type="NodePort"),
        svc("ns4", "svc4", "172.30.0.44", type="NodePort", externalIPs=["192.168.99.33"]),
        svc("ns5", "svc5", "172.30.0.45", 3002, "5.6.7.8", type="LoadBalancer", externalTrafficPolicy="Cluster",
            healthCheckNodePort=30000, loadBalancerSourceRanges=[" 203.0.113.0/25"], sessionAffinity="ClientIP",
            sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10800}}),
        svc("ns6", "svc6", "172.30.0.46", type="ClusterIP"),
    ]
    eps = [_ep("ns1", "svc1", "p80", 80, ["10.180.0.1"]), _ep("ns2", "svc2", "p80", 80, ["10.180.0.2"]),
           _ep("ns3", "svc3", "p80", 80, ["10.180.0.3"]),
           endpoints("ns4", "svc4", [("10.180.0.4", None), ("10.180.0.5", TEST_NODE_NAME)], [("p80", 80, "TCP")]),
           _ep("ns5", "svc5", "p80", 80, ["10.180.0.3"])]
    return [(OVERALL, fake_proxier(services, eps).last_restore)]


CASES.append(case("TestOverallIPTablesRules", WHOLE, run=_overall))
