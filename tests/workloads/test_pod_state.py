"""pod_state: the Deployment controller's per-pod facts, remembered per stored version."""

from __future__ import annotations

import pytest

from kspec.controllers import controller_utils as cu
from kspec.memos import Bounded


def _pod(rv: str = "", phase: str = "Running", ready: str | None = "True", deleting: bool = False) -> dict:
    md = {"name": "p", "uid": "u1", **({"resourceVersion": rv} if rv else {}),
          **({"deletionTimestamp": "2026-01-01T00:00:09Z"} if deleting else {})}
    conds = [] if ready is None else [{"type": "Ready", "status": ready, "lastTransitionTime": "2026-01-01T00:00:05Z"}]
    return {"metadata": md, "status": {"phase": phase, "conditions": conds}}


@pytest.mark.parametrize("pod", [_pod(), _pod("3"), _pod("4", ready="False"), _pod("5", ready=None),
                                 _pod("6", phase="Succeeded"), _pod("7", deleting=True), _pod("8", phase="Pending")])
def test_pod_state_is_the_predicates(pod: dict) -> None:
    want = (cu.is_pod_active(pod), cu.is_pod_ready(pod), cu.ready_since_ms(pod))
    memo: Bounded = Bounded(cu.POD_STATES_MAX)
    assert cu.pod_state(pod, memo) == want
    assert cu.pod_state(pod, memo) == want


def test_a_stored_version_is_looked_at_once_and_an_unstored_pod_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = cu.is_pod_ready
    monkeypatch.setattr(cu, "is_pod_ready", lambda p: calls.append(p) or real(p))
    memo: Bounded = Bounded(cu.POD_STATES_MAX)
    stored = _pod("12")
    for _ in range(3):
        cu.pod_state(stored, memo)
    assert len(calls) == 1
    assert cu.pod_state(_pod("13", ready="False"), memo) == (True, False, None)  # a new version: looked at
    assert len(calls) == 2
    for _ in range(2):
        cu.pod_state(_pod(), memo)
    assert len(calls) == 4
