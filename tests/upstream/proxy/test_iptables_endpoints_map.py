"""kubernetes pkg/proxy/iptables/proxier_test.go TestUpdateEndpointsMap: kube-proxy's endpoints map across updates.

Upstream feeds EndpointSlices; kspec's kube-proxy reads core/v1 Endpoints, so each Service's slices become the
subsets of its one Endpoints object (slice N is subset N). Each case checks the map after the previous objects
and after the updates: every ServicePortName's endpoints as "ip:port" in order, and which are local
(checkEndpointExpectations), and the count of local ready endpoint IPs per Service (LocalReadyEndpoints).
``ConntrackCleanupRequired`` is not checked: kspec does not model conntrack entries.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.proxy.iptables_adapter import TEST_NODE_NAME, fake_proxier

SOURCE = "kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go"

Subset = tuple[str, str, list[tuple[str, bool]], list[tuple[str, int]]]  # (namespace, service, addresses, ports)


def _s(ns: str, name: str, addrs: list[tuple[str, bool]], ports: list[tuple[str, int]]) -> Subset:
    return ns, name, addrs, ports


SUBSET1 = _s("ns1", "ep1", [("10.1.1.1", False)], [("p11", 11)])
SUBSET2 = _s("ns1", "ep1", [("10.1.1.2", False)], [("p12", 12)])
NAMED_PORT_LOCAL = [_s("ns1", "ep1", [("10.1.1.1", True)], [("p11", 11)])]
NAMED_PORT = [SUBSET1]
NAMED_PORT_RENAMED = [_s("ns1", "ep1", [("10.1.1.1", False)], [("p11-2", 11)])]
NAMED_PORT_RENUMBERED = [_s("ns1", "ep1", [("10.1.1.1", False)], [("p11", 22)])]
NAMED_PORTS_LOCAL_NO_LOCAL = [_s("ns1", "ep1", [("10.1.1.1", False), ("10.1.1.2", True)], [("p11", 11), ("p12", 12)])]
MULTIPLE_SUBSETS = [SUBSET1, SUBSET2]
SUBSET_LOCAL = _s("ns1", "ep1", [("10.1.1.2", True)], [("p12", 12)])
MULTIPLE_SUBSETS_WITH_LOCAL = [SUBSET1, SUBSET_LOCAL]
SUBSET_MULTIPLE_PORTS_LOCAL = _s("ns1", "ep1", [("10.1.1.1", True)], [("p11", 11), ("p12", 12)])
SUBSET3 = _s("ns1", "ep1", [("10.1.1.3", False)], [("p13", 13)])
MULTIPLE_SUBSETS_MULTIPLE_PORTS_LOCAL = [SUBSET_MULTIPLE_PORTS_LOCAL, SUBSET3]
MULTIPLE_SUBSETS_IPS_PORTS = [
    _s("ns1", "ep1", [("10.1.1.1", False), ("10.1.1.2", True)], [("p11", 11), ("p12", 12)]),
    _s("ns1", "ep1", [("10.1.1.3", False), ("10.1.1.4", True)], [("p13", 13), ("p14", 14)]),
    _s("ns2", "ep2", [("10.2.2.1", False), ("10.2.2.2", True)], [("p21", 21), ("p22", 22)]),
]
COMPLEX_BEFORE: list[Subset | None] = [
    SUBSET1, None,
    _s("ns2", "ep2", [("10.2.2.2", True), ("10.2.2.22", True)], [("p22", 22)]),
    _s("ns2", "ep2", [("10.2.2.3", True)], [("p23", 23)]), None,
    _s("ns4", "ep4", [("10.4.4.4", True), ("10.4.4.5", True)], [("p44", 44)]),
    _s("ns4", "ep4", [("10.4.4.6", True)], [("p45", 45)]),
]
COMPLEX_AFTER: list[Subset | None] = [
    _s("ns1", "ep1", [("10.1.1.1", False), ("10.1.1.11", False)], [("p11", 11)]),
    _s("ns1", "ep1", [("10.1.1.2", False)], [("p12", 12), ("p122", 122)]), None, None,
    _s("ns3", "ep3", [("10.3.3.3", False)], [("p33", 33)]),
    _s("ns4", "ep4", [("10.4.4.4", True)], [("p44", 44)]), None,
]
EMPTY = [_s("ns1", "ep1", [], [])]


def _spn(ns: str, name: str, port: str) -> str:
    return f"{ns}/{name}:{port}/UDP"


def _m(**kw: list[tuple[str, bool]]) -> dict[str, list[tuple[str, bool]]]:
    """{"ns1/ep1:p11": [("10.1.1.1:11", isLocal)]}, keyed as ns__name__port."""
    return {_spn(*k.split("__")): v for k, v in kw.items()}


_E1 = {"ns1__ep1__p11": [("10.1.1.1:11", False)]}
_E1L = {"ns1__ep1__p11": [("10.1.1.1:11", True)]}
_IPS_PORTS = {
    "ns1__ep1__p11": [("10.1.1.1:11", False), ("10.1.1.2:11", True)],
    "ns1__ep1__p12": [("10.1.1.1:12", False), ("10.1.1.2:12", True)],
    "ns1__ep1__p13": [("10.1.1.3:13", False), ("10.1.1.4:13", True)],
    "ns1__ep1__p14": [("10.1.1.3:14", False), ("10.1.1.4:14", True)],
    "ns2__ep2__p21": [("10.2.2.1:21", False), ("10.2.2.2:21", True)],
    "ns2__ep2__p22": [("10.2.2.1:22", False), ("10.2.2.2:22", True)],
}
_LNL = {"ns1__ep1__p11": [("10.1.1.1:11", False), ("10.1.1.2:11", True)],
        "ns1__ep1__p12": [("10.1.1.1:12", False), ("10.1.1.2:12", True)]}
_MPL = {"ns1__ep1__p11": [("10.1.1.1:11", True)], "ns1__ep1__p12": [("10.1.1.1:12", True)],
        "ns1__ep1__p13": [("10.1.1.3:13", False)]}
_MS = {"ns1__ep1__p11": [("10.1.1.1:11", False)], "ns1__ep1__p12": [("10.1.1.2:12", False)]}

_F = "TestUpdateEndpointsMap"
CASES = [
    case(_F, "nothing", prev=[], cur=[], old=_m(), result=_m(), local={}),
    case(_F, "no change, named port, local", prev=NAMED_PORT_LOCAL, cur=NAMED_PORT_LOCAL, old=_m(**_E1L),
         result=_m(**_E1L), local={"ns1/ep1": 1}),
    case(_F, "no change, multiple subsets", prev=MULTIPLE_SUBSETS, cur=MULTIPLE_SUBSETS, old=_m(**_MS),
         result=_m(**_MS), local={}),
    case(_F, "no change, multiple subsets, multiple ports, local", prev=MULTIPLE_SUBSETS_MULTIPLE_PORTS_LOCAL,
         cur=MULTIPLE_SUBSETS_MULTIPLE_PORTS_LOCAL, old=_m(**_MPL), result=_m(**_MPL), local={"ns1/ep1": 1}),
    case(_F, "no change, multiple endpoints, subsets, IPs, and ports", prev=MULTIPLE_SUBSETS_IPS_PORTS,
         cur=MULTIPLE_SUBSETS_IPS_PORTS, old=_m(**_IPS_PORTS), result=_m(**_IPS_PORTS),
         local={"ns1/ep1": 2, "ns2/ep2": 1}),
    case(_F, "add an Endpoints", prev=[None], cur=NAMED_PORT_LOCAL, old=_m(), result=_m(**_E1L),
         local={"ns1/ep1": 1}),
    case(_F, "remove an Endpoints", prev=NAMED_PORT_LOCAL, cur=[None], old=_m(**_E1L), result=_m(), local={}),
    case(_F, "add an IP and port", prev=NAMED_PORT, cur=NAMED_PORTS_LOCAL_NO_LOCAL, old=_m(**_E1), result=_m(**_LNL),
         local={"ns1/ep1": 1}),
    case(_F, "remove an IP and port", prev=NAMED_PORTS_LOCAL_NO_LOCAL, cur=NAMED_PORT, old=_m(**_LNL),
         result=_m(**_E1), local={}),
    case(_F, "add a subset", prev=[SUBSET1, None], cur=MULTIPLE_SUBSETS_WITH_LOCAL, old=_m(**_E1),
         result=_m(ns1__ep1__p11=[("10.1.1.1:11", False)], ns1__ep1__p12=[("10.1.1.2:12", True)]),
         local={"ns1/ep1": 1}),
    case(_F, "remove a subset", prev=MULTIPLE_SUBSETS, cur=[SUBSET1, None], old=_m(**_MS), result=_m(**_E1),
         local={}),
    case(_F, "rename a port", prev=NAMED_PORT, cur=NAMED_PORT_RENAMED, old=_m(**_E1),
         result={_spn("ns1", "ep1", "p11-2"): [("10.1.1.1:11", False)]}, local={}),
    case(_F, "renumber a port", prev=NAMED_PORT, cur=NAMED_PORT_RENUMBERED, old=_m(**_E1),
         result=_m(ns1__ep1__p11=[("10.1.1.1:22", False)]), local={}),
    case(_F, "complex add and remove", prev=COMPLEX_BEFORE, cur=COMPLEX_AFTER,
         old=_m(ns1__ep1__p11=[("10.1.1.1:11", False)],
                ns2__ep2__p22=[("10.2.2.22:22", True), ("10.2.2.2:22", True)],
                ns2__ep2__p23=[("10.2.2.3:23", True)],
                ns4__ep4__p44=[("10.4.4.4:44", True), ("10.4.4.5:44", True)],
                ns4__ep4__p45=[("10.4.4.6:45", True)]),
         result=_m(ns1__ep1__p11=[("10.1.1.11:11", False), ("10.1.1.1:11", False)],
                   ns1__ep1__p12=[("10.1.1.2:12", False)], ns1__ep1__p122=[("10.1.1.2:122", False)],
                   ns3__ep3__p33=[("10.3.3.3:33", False)], ns4__ep4__p44=[("10.4.4.4:44", True)]),
         local={"ns4/ep4": 1}),
    case(_F, "change from 0 endpoint address to 1 unnamed port", prev=EMPTY, cur=NAMED_PORT, old=_m(),
         result=_m(**_E1), local={}),
]


def _objects(slices: list[Subset | None]) -> dict[tuple[str, str], dict[str, Any] | None]:
    """Each Service's slices as one core/v1 Endpoints (None when it has no slice)."""
    out: dict[tuple[str, str], dict[str, Any] | None] = {}
    for s in slices:
        if s is None:
            continue
        ns, name, addrs, ports = s
        ep = out.get((ns, name)) or {"metadata": {"name": name, "namespace": ns}, "subsets": []}
        subset: dict[str, Any] = {}
        if addrs:
            subset["addresses"] = [{"ip": ip, **({"nodeName": TEST_NODE_NAME} if local else {})}
                                   for ip, local in addrs]
        if ports:
            subset["ports"] = [{"name": n, "port": p, "protocol": "UDP"} for n, p in ports]
        ep["subsets"].append(subset)
        out[(ns, name)] = ep
    return out


def _snapshot(p: Any) -> tuple[dict[str, list[tuple[str, bool]]], dict[str, int]]:
    got = {f"{k.namespace}/{k.name}:{k.port}/{k.protocol}": [(str(e), e.node == TEST_NODE_NAME) for e in v]
           for k, v in p.endpoints_map.items() if v}
    local: dict[str, set[str]] = {}
    for k, v in p.endpoints_map.items():  # LocalReadyEndpoints: distinct local ready IPs per Service
        for e in v:
            if e.ready and e.node == TEST_NODE_NAME:
                local.setdefault(f"{k.namespace}/{k.name}", set()).add(e.ip)
    return got, {k: len(v) for k, v in local.items()}


@pytest.mark.parametrize("data", CASES)
def test_update_endpoints_map(data: dict[str, Any]) -> None:
    p = fake_proxier([], list(filter(None, _objects(data["prev"]).values())))
    assert _snapshot(p)[0] == data["old"]
    before, after = _objects(data["prev"]), _objects(data["cur"])
    for key in sorted(set(before) | set(after)):
        p.on_endpoints(before.get(key), after.get(key))
    p.sync_proxy_rules()
    assert _snapshot(p) == (data["result"], data["local"])
