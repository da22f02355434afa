"""A lazily started iptables proxier writes the same rules as an eager one, whenever they are read."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from kspec.clock import Clock
from kspec.proxy import iptables
from kspec.proxy.iptables import IptablesProxier
from kspec.proxy.provider import Packet
from tests.proxy.test_iptables import NODE, _ep, _svc

NAMES = ("web", "api", "db")
IPS = {"web": "10.96.0.20", "api": "10.96.0.30", "db": "10.96.0.40"}

# one step: (what, service, endpoint count or node port, wait in ms, read the rules after it)
STEP = st.tuples(st.sampled_from(["svc", "nodeport", "ep", "del-svc", "del-ep"]), st.sampled_from(NAMES),
                 st.integers(0, 3), st.sampled_from([0, 0, 300, 1000]), st.booleans())


def _pair(services: list[str]) -> tuple[IptablesProxier, IptablesProxier]:
    out = []
    for lazy in (False, True):
        p = IptablesProxier(NODE, Clock(), random.Random(1))
        p.start([_svc(n, IPS[n]) for n in services], [_ep(n, ["10.244.0.5"]) for n in services], lazy=lazy)
        out.append(p)
    return out[0], out[1]


def _apply(p: IptablesProxier, state: dict[str, dict[str, dict | None]], what: str, name: str, n: int) -> None:
    svc, ep = state["svc"].get(name), state["ep"].get(name)
    if what in ("svc", "nodeport"):
        new = _svc(name, IPS[name], node_port=30000 + n if what == "nodeport" and n else 0)
        p.on_service(svc, new)
        state["svc"][name] = new
    elif what == "ep":
        new = _ep(name, [f"10.244.1.{i + 1}" for i in range(n)])
        p.on_endpoints(ep, new)
        state["ep"][name] = new
    elif what == "del-svc" and svc is not None:
        p.on_service(svc, None)
        state["svc"][name] = None
    elif what == "del-ep" and ep is not None:
        p.on_endpoints(ep, None)
        state["ep"][name] = None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(NAMES), unique=True), st.lists(STEP, max_size=12))
def test_lazy_and_eager_proxiers_agree(initial: list[str], steps: list[tuple[str, str, int, int, bool]]) -> None:
    eager, lazy = _pair(initial)
    states = [{"svc": {n: _svc(n, IPS[n]) for n in initial}, "ep": {n: _ep(n, ["10.244.0.5"]) for n in initial}}
              for _ in range(2)]
    for what, name, n, wait, read in steps:
        for p, state in zip((eager, lazy), states, strict=True):
            _apply(p, state, what, name, n)
            p.clock.run_for(wait)
        if read:
            assert lazy.rules() == eager.rules()
            pkt = Packet("10.244.0.9", IPS[name], 80)
            assert lazy.process(pkt, False) == eager.process(pkt, False)
    assert lazy.rules() == eager.rules()
    assert lazy.clock.callbacks_run == eager.clock.callbacks_run


def test_a_lazy_proxier_writes_no_rules_until_they_are_read() -> None:
    _, lazy = _pair(["web"])
    assert "KUBE-SERVICES" not in lazy.netfilter.tables["nat"]
    assert "KUBE-SVC-" in lazy.rules()


def test_a_large_cluster_is_synced_as_before(monkeypatch: object) -> None:
    """Crossing the large-cluster threshold changes comments of chains a partial sync keeps: written eagerly."""
    monkeypatch.setattr(iptables, "LARGE_CLUSTER_ENDPOINTS", 2)  # type: ignore[attr-defined]
    eager, lazy = _pair(["web", "api"])
    for p in (eager, lazy):
        p.on_endpoints(_ep("api", ["10.244.0.5"]), _ep("api", ["10.244.0.5", "10.244.0.6"]))
        p.clock.run_for(1000)
    assert lazy.rules() == eager.rules()
