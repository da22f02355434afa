"""A node write that only moved heartbeat times is not a change (clock.changes): the quick comparison agrees with
the definition (everything but resourceVersion and the conditions' lastHeartbeatTime equal)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kspec.api.server import _heartbeat_only, _strip_heartbeats
from kspec.store import WatchEvent

NODE: dict[str, Any] = {
    "apiVersion": "v1", "kind": "Node",
    "metadata": {"name": "node-1", "resourceVersion": "7", "labels": {"kubernetes.io/hostname": "node-1"}},
    "spec": {"podCIDR": "10.244.1.0/24"},
    "status": {"conditions": [
        {"type": "Ready", "status": "True", "reason": "KubeletReady", "lastHeartbeatTime": "t0",
         "lastTransitionTime": "t0"},
        {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": "t0", "lastTransitionTime": "t0"}],
        "images": [{"names": ["pause"], "sizeBytes": 1}], "allocatable": {"cpu": "2"}},
}


def _edit(node: dict[str, Any], edit: str) -> None:
    status, md = node["status"], node["metadata"]
    conds = status.get("conditions") or []
    if edit == "heartbeat":
        for c in conds:
            c["lastHeartbeatTime"] = "t1"
    elif edit == "version":
        md["resourceVersion"] = "8"
    elif edit == "no version":
        md.pop("resourceVersion", None)
    elif edit == "ready" and conds:
        conds[0]["status"] = "False"
    elif edit == "transition" and conds:
        conds[-1]["lastTransitionTime"] = "t1"
    elif edit == "one condition" and conds:
        conds.pop()
    elif edit == "conditions empty":
        status["conditions"] = []
    elif edit == "conditions missing":
        status.pop("conditions", None)
    elif edit == "conditions none":
        status["conditions"] = None
    elif edit == "images":
        status["images"] = [*status["images"], {"names": ["nginx"], "sizeBytes": 2}]
    elif edit == "volumes":
        status["volumesInUse"] = ["kubernetes.io/csi/x"]
    elif edit == "label":
        md["labels"] = {**md["labels"], "zone": "a"}
    elif edit == "spec":
        node["spec"] = {**node.get("spec", {}), "unschedulable": True}
    elif edit == "no spec":
        node.pop("spec", None)


EDITS = ["heartbeat", "version", "no version", "ready", "transition", "one condition", "conditions empty",
         "conditions missing", "conditions none", "images", "volumes", "label", "spec", "no spec"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(EDITS), max_size=4), st.lists(st.sampled_from(EDITS), max_size=4))
def test_the_quick_comparison_is_the_definition(old_edits: list[str], new_edits: list[str]) -> None:
    old, new = copy.deepcopy(NODE), copy.deepcopy(NODE)
    for edit in old_edits:
        _edit(old, edit)
    for edit in new_edits:
        _edit(new, edit)
    expected = _strip_heartbeats(new) == _strip_heartbeats(old)
    assert _heartbeat_only(WatchEvent("MODIFIED", "nodes", new, old, 9)) is expected


def test_heartbeats_alone_are_not_a_change_and_new_images_are() -> None:
    old, new = copy.deepcopy(NODE), copy.deepcopy(NODE)
    _edit(new, "heartbeat")
    _edit(new, "version")
    assert _heartbeat_only(WatchEvent("MODIFIED", "nodes", new, old, 9))
    _edit(new, "images")
    assert not _heartbeat_only(WatchEvent("MODIFIED", "nodes", new, old, 9))
    assert not _heartbeat_only(WatchEvent("ADDED", "nodes", new, None, 9))
    assert not _heartbeat_only(WatchEvent("MODIFIED", "pods", copy.deepcopy(NODE), NODE, 9))
