"""The nftables table model: transactions all or nothing, rule parsing, and how a packet walks hooks and chains."""

from __future__ import annotations

import random

import pytest

from kspec.proxy.nft import Context, NftError, Table, parse_rule
from kspec.proxy.provider import ACCEPT, DROP, REJECT, Packet

T = "ip kube-proxy"


def _table(*lines: str) -> Table:
    t = Table()
    t.run([f"add table {T}", *lines])
    return t


def _ctx() -> Context:
    return Context(0, random.Random(0), {"172.18.0.2", "127.0.0.1"}, "172.18.0.2")


def test_a_failed_transaction_leaves_the_table_as_it_was() -> None:
    t = Table()
    t.run(["add table ip kube-proxy", "add chain ip kube-proxy a", "add rule ip kube-proxy a drop"])
    with pytest.raises(NftError, match="still referenced"):
        t.run(["add chain ip kube-proxy b", "add rule ip kube-proxy b jump a", "flush chain ip kube-proxy a",
               "delete chain ip kube-proxy a"])
    assert list(t.chains) == ["a"] and [r.text for r in t.chains["a"].rules] == ["drop"]


def test_rules_parse_into_matches_and_one_verdict() -> None:
    assert parse_rule("ct state new jump services") == [("ctstate", frozenset({"new"})), ("jump", "services")]
    ops = parse_rule("ip saddr != { 203.0.113.0/25 , 1.2.3.4 } drop")
    assert ops[0][0] == "innets" and ops[0][3] is True and len(ops[0][2]) == 2 and ops[1] == ("drop",)
    assert parse_rule("meta l4proto tcp dnat to 10.0.0.1:80") == [("proto", "tcp"), ("dnat", "10.0.0.1", 80)]
    with pytest.raises(NftError):
        parse_rule("frobnicate")


def test_base_chains_run_by_priority_and_a_dnat_moves_the_packet_for_later_ones() -> None:
    t = _table(f"add chain {T} late {{ type filter hook prerouting priority 0 ; }}",
               f"add chain {T} nat {{ type nat hook prerouting priority -100 ; }}",
               f"add rule {T} late ip daddr 10.244.0.5 drop",
               f"add rule {T} nat ip daddr 10.96.0.1 meta l4proto tcp dnat to 10.244.0.5:80")
    pkt = Packet("10.244.1.1", "10.96.0.1", 80)
    assert t.process(pkt, False, _ctx()) == DROP  # the filter chain at priority 0 sees the DNATted address
    assert (pkt.dst, pkt.dport, pkt.dnat) == ("10.244.0.5", 80, True)


def test_goto_does_not_come_back_and_jump_does() -> None:
    t = _table(f"add chain {T} base {{ type filter hook forward priority 0 ; }}",
               f"add chain {T} a", f"add chain {T} b",
               f"add rule {T} base ip daddr 10.0.0.1 jump a", f"add rule {T} base ip daddr 10.0.0.1 reject",
               f"add rule {T} base ip daddr 10.0.0.2 goto b", f"add rule {T} base ip daddr 10.0.0.2 reject")
    assert t.process(Packet("10.1.1.1", "10.0.0.1", 80), False, _ctx()) == REJECT  # back from a, then rejected
    assert t.process(Packet("10.1.1.1", "10.0.0.2", 80), False, _ctx()) == ACCEPT  # b returns past base


def test_verdict_maps_look_up_concatenated_keys() -> None:
    t = _table(f"add chain {T} base {{ type filter hook forward priority 0 ; }}",
               f"add map {T} m {{ type ipv4_addr . inet_proto . inet_service : verdict ; }}",
               f"add element {T} m {{ 10.0.0.1 . tcp . 80 comment \"ns/svc:http\" : drop }}",
               f"add rule {T} base ip daddr . meta l4proto . th dport vmap @m")
    assert t.process(Packet("10.1.1.1", "10.0.0.1", 80), False, _ctx()) == DROP
    assert t.process(Packet("10.1.1.1", "10.0.0.1", 80, "udp"), False, _ctx()) == ACCEPT
    assert t.containers["m"].elements["10.0.0.1 . tcp . 80"].comment == "ns/svc:http"
    assert '\t\telements = { 10.0.0.1 . tcp . 80 comment "ns/svc:http" : drop }' in t.listing()


def test_adding_an_element_twice_is_refused() -> None:
    t = _table(f"add set {T} s {{ type ipv4_addr ; }}", f"add element {T} s {{ 10.0.0.1 }}")
    with pytest.raises(NftError, match="exists"):
        t.run([f"add element {T} s {{ 10.0.0.1 }}"])
