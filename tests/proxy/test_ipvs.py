"""IPVS mode: virtual servers, round robin, persistence, refusals."""

from __future__ import annotations

import random

from kspec.clock import Clock
from kspec.proxy.ipvs import IpvsProxier
from kspec.proxy.provider import ACCEPT, REJECT, Packet
from tests.proxy.test_iptables import NODE, _ep, _svc


def _proxier(svcs: list[dict], eps: list[dict]) -> IpvsProxier:
    p = IpvsProxier(NODE, Clock(), random.Random(0))
    p.start(svcs, eps)
    return p


def test_round_robin_visits_real_servers_in_turn() -> None:
    p = _proxier([_svc()], [_ep("web", ["10.244.0.5", "10.244.0.6", "10.244.0.7"])])
    picks = [p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)[1].dst for _ in range(6)]
    assert picks == ["10.244.0.5", "10.244.0.6", "10.244.0.7"] * 2


def test_persistence_and_ipvsadm_listing() -> None:
    p = _proxier([_svc(affinity=True, node_port=30080)], [_ep("web", ["10.244.0.5", "10.244.0.6"])])
    picks = {p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)[1].dst for _ in range(6)}
    assert picks == {"10.244.0.5"}
    text = p.rules()
    assert "TCP  10.96.0.20:80 rr persistent 10800" in text
    assert "TCP  172.18.0.2:30080 rr persistent 10800" in text
    assert "  -> 10.244.0.5:8080              Masq    1      0          0" in text


def test_refused_without_real_servers_or_on_an_unserved_port() -> None:
    p = _proxier([_svc()], [_ep("web", [])])
    assert p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)[0] == REJECT
    assert p.process(Packet("10.244.1.9", "10.96.0.20", 81), False)[0] == REJECT
    assert p.process(Packet("10.244.1.9", "10.244.0.5", 8080), False)[0] == ACCEPT


def test_changes_are_synced_at_once() -> None:
    p = _proxier([_svc()], [_ep("web", [])])
    p.on_endpoints(_ep("web", []), _ep("web", ["10.244.0.5"]))
    p.clock.run_now()
    assert p.process(Packet("10.244.1.9", "10.96.0.20", 80), False)[1].dst == "10.244.0.5"
