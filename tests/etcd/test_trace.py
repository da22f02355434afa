"""The etcd model's run is a function of the seed, byte for byte, across rewrites for speed.

A fixed mix of writes, waits, crashes, restarts, partitions and heals is
played against clusters of 1 to 5 members, with and without pre-vote, and
every member's Raft state (term, vote, role, leader, log, commit, progress,
timers, the generator's state), the network counters, the journal and the
answer to each write are recorded after every action. The digest of that
trace was taken from the model before it was optimised; a change that moves
any election, message or commit by one tick changes it.
"""

from __future__ import annotations

import hashlib
import random

import pytest

from kspec.clock import Clock
from kspec.etcd import EtcdStore
from kspec.store import StoreError


def _snapshot(store: EtcdStore) -> str:
    parts = [f"t={store.clock.now} applied={store.applied} rev={store.revision}",
             f"net v={store.network.version} d={store.network.delivered} x={store.network.dropped}",
             f"stopped={sorted(store.network.stopped)} rng={hash(store._rng.getstate()[1])}"]
    for name in store.members:
        n = store.nodes[name]
        parts.append(
            f"{name} {n.state.value} term={n.term} vote={n.vote} lead={n.lead} commit={n.commit} "
            f"log={[(e.term, e.index, e.data is None) for e in n.log]} match={n.match} next={n.next} "
            f"active={n.recent_active} votes={n.votes} el={n.election_elapsed} hb={n.heartbeat_elapsed} "
            f"rto={n.randomized_election_timeout} changes={n.changes}")
    parts.append(f"journal={list(store.journal)} leaders={store.leader_history} violations={store.violations}")
    parts.append(f"committed={[(e.term, e.index) for e in store.committed]} error={store.write_error()}")
    return "\n".join(parts)


def trace(members: int, seed: int, *, pre_vote: bool = True, steps: int = 300) -> str:
    """Play a seeded random mix of actions; return the digest of the state after each."""
    store = EtcdStore(Clock(), random.Random(seed), members, pre_vote=pre_vote)
    store.start()
    script = random.Random(seed * 7919 + members)
    digest = hashlib.sha256()
    names = store.members
    for i in range(steps):
        roll = script.random()
        name = names[script.randrange(members)]
        if roll < 0.45:
            for j in range(script.randrange(1, 6)):
                obj = {"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": f"cm-{script.randrange(40)}", "namespace": "default"},
                       "data": {"i": str(i), "j": str(j)}}
                op = script.choice(("create", "update", "delete"))
                try:
                    if op == "create":
                        out = store.create("configmaps", obj)
                    elif op == "update":
                        out = store.update("configmaps", obj)
                    else:
                        out = store.delete("configmaps", "default", obj["metadata"]["name"])
                    answer = f"ok {out['metadata'].get('resourceVersion')}"
                except StoreError as exc:
                    answer = f"{type(exc).__name__}: {exc}"
                digest.update(f"{op} -> {answer}\n".encode())
        elif roll < 0.75:
            store.clock.run_for(script.choice((1, 2, 50, 100, 150, 400, 1000, 2500, 6000)))
        elif roll < 0.82:
            if store.network.live(name) and len(store.network.stopped) < members - 1:
                store.stop([name])
        elif roll < 0.90:
            if not store.network.live(name):
                store.start([name])
        elif roll < 0.95 and members > 1:
            left = [n for n in names if script.random() < 0.4] or [names[0]]
            right = [n for n in names if n not in left]
            if right:
                store.partition(left, right)
        else:
            store.heal()
        digest.update(_snapshot(store).encode())
    return digest.hexdigest()


#: Recorded from the model as it was before the speed work (commit 30bf2af), re-pinned when the leader began to
#: broadcast its commit as it advances (stepLeader's bcastAppend): against the old pins, each step's state differed
#: only in followers' commit indexes (reached one round earlier), the message counters, and two leaders' match for a
#: follower that answered with its higher commit; and the message path alone (no shortcuts) gives the same digests.
EXPECTED = {
    (1, 1, True): "c487c527f24bd5de95fcd3a329d8f7e6e731309663275ac33b012b8a87783c95",
    (3, 1, True): "7551791210b08d45ee857d6f0401b7aebd8dcbc84c2a0e5366513ee99c048305",
    (3, 2, False): "f429ae9b913a9e8e7bca30887fa93c6cd71f5e2135d07801014a1905072edc76",
    (4, 3, True): "5cfb549c664491653c7e36effd69b931c5768e49f64e47456ab2be3ebeb0e66f",
    (5, 4, True): "ff45d05734e179755f45f9fa11bb3f0b794924ee23e2717d45911d172307aaf2",
    (5, 5, False): "5085715488d9f6022c4a9d6fa6f958bf50c8270ccacf64f340dc75768a48ae56",
    (2, 6, True): "e86729e21327eac0983557d3571778c262807bfac93e6d17bd21bfa49814575f",
    (3, 7, True): "fecf1c47b4bd2059037e20ba4405d3fe7c6e89c56be3b4794b04affbe65dece9",
    (5, 8, True): "306d66e5ae9f004bf8c67288d453ad3ca411922eba23006c3ad90f9b2ad6a3b8",
}


@pytest.mark.parametrize(("members", "seed", "pre_vote"), sorted(EXPECTED))
def test_same_seed_same_run_byte_for_byte(members: int, seed: int, pre_vote: bool) -> None:
    assert trace(members, seed, pre_vote=pre_vote) == EXPECTED[(members, seed, pre_vote)]


@pytest.mark.parametrize(("members", "seed", "pre_vote"), [(3, 1, True), (5, 8, True)])
def test_shortcuts_match_the_message_path(monkeypatch: pytest.MonkeyPatch, members: int, seed: int,
                                          pre_vote: bool) -> None:
    """propose_now and heartbeat_now stand for messages: with every write and heartbeat sent as messages instead
    (commit broadcasts included), the run is the same."""
    from kspec.etcd.network import Network

    monkeypatch.setattr(Network, "_steady", lambda self, leader: None)
    monkeypatch.setattr(Network, "heartbeat_now", lambda self, leader: False)
    assert trace(members, seed, pre_vote=pre_vote) == EXPECTED[(members, seed, pre_vote)]
