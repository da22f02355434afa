"""VolumeRestrictions: ReadWriteOncePod conflicts through preemption's dry runs (AddPod, RemovePod, Clone)."""

from __future__ import annotations

from kspec.scheduler.evaluate import SnapshotHandle, snapshot
from kspec.scheduler.framework import CycleState
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.volumerestrictions import STATE_KEY, VolumeRestrictions

CLAIM = {"kind": "PersistentVolumeClaim", "metadata": {"name": "single"}, "spec": {"accessModes": ["ReadWriteOncePod"]}}


def _pod(name: str, node: str = "") -> dict:
    spec: dict = {"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "single"}}]}
    if node:
        spec["nodeName"] = node
    return {"metadata": {"name": name, "namespace": "default", "uid": name}, "spec": spec}


def test_removing_the_holder_in_a_dry_run_lifts_the_conflict_on_a_copy_only() -> None:
    holder = _pod("holder", "n1")
    cache = snapshot([{"metadata": {"name": "n1"}}], [holder])
    plugin = VolumeRestrictions(None, SnapshotHandle(cache, [CLAIM]))
    state = CycleState()
    pi = PodInfo(_pod("urgent"))
    _, status = plugin.pre_filter(state, pi)
    assert status is None
    ni = cache.nodes["n1"]
    assert plugin.filter(state, pi, ni).message.startswith("node has pod using PersistentVolumeClaim")
    copy = state.clone()
    assert plugin.remove_pod(copy, pi, PodInfo(holder), ni) is None
    assert plugin.filter(copy, pi, ni) is None
    assert state.read(STATE_KEY).conflicts == 1  # the original state is untouched
    assert plugin.add_pod(copy, pi, PodInfo(holder), ni) is None
    assert plugin.filter(copy, pi, ni) is not None


def test_a_pod_with_no_conflicting_claim_skips_the_filter() -> None:
    cache = snapshot([{"metadata": {"name": "n1"}}], [])
    plugin = VolumeRestrictions(None, SnapshotHandle(cache, [CLAIM]))
    _, status = plugin.pre_filter(CycleState(), PodInfo(_pod("first")))
    assert status is not None and status.code.title == "Skip"
