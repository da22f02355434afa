"""A ReplicaSet's pods are made of its stored (already decoded) template: the API does not decode them again."""

from __future__ import annotations

import pytest

from kspec.api import server
from kspec.api.decoding import decode
from tests.workloads.test_workloads_with_fakes import cluster, deploy


def test_pods_of_a_replica_set_skip_the_typed_decode_and_equal_what_it_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    c, _fake = cluster()
    decoded: list[str] = []

    def counting(obj: dict) -> dict:
        decoded.append(obj.get("kind", "") + ("" if (obj.get("metadata") or {}).get("uid") else " (new)"))
        return decode(obj)
    monkeypatch.setattr(server, "decode", counting)
    deploy(c, replicas=4)
    pods = c.api.store.list("pods", "default")
    assert len(pods) == 4
    # the set itself was decoded when written; the pods' later writes (status) are decoded as ever
    assert "Pod (new)" not in decoded and "ReplicaSet (new)" in decoded and "Pod" in decoded
    for pod in pods:  # decoding a stored pod again changes nothing
        assert decode(pod) == pod
