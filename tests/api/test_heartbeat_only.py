"""``_heartbeat_only`` compares two nodes in place: the same answer as stripping copies of both, which it replaced
(a node status write is compared every time one commits)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kspec.api.server import _heartbeat_only
from kspec.store import WatchEvent


def _stripped(node: dict[str, Any]) -> Any:
    """The comparison as it was written before: copies without the fields a heartbeat moves."""
    status = dict(node.get("status", {}))
    status["conditions"] = [{k: v for k, v in c.items() if k != "lastHeartbeatTime"}
                            for c in status.get("conditions") or []]
    return ({k: v for k, v in node.get("metadata", {}).items() if k != "resourceVersion"}, node.get("spec"), status)


small = st.sampled_from(["a", "b"])
condition = st.dictionaries(st.sampled_from(["type", "status", "lastHeartbeatTime", "reason"]), small, max_size=4)
status = st.fixed_dictionaries({}, optional={
    "conditions": st.one_of(st.none(), st.lists(condition, max_size=3)), "images": st.lists(small, max_size=2),
    "phase": small})
node = st.fixed_dictionaries({"metadata": st.dictionaries(
    st.sampled_from(["name", "resourceVersion", "labels"]), small, max_size=3)}, optional={
    "spec": st.dictionaries(st.sampled_from(["unschedulable", "podCIDR"]), small, max_size=2), "status": status})


@settings(max_examples=400, deadline=None)
@given(node, node, st.sampled_from(["nodes", "pods"]), st.sampled_from(["MODIFIED", "ADDED"]))
def test_the_in_place_comparison_answers_as_the_stripped_copies_did(new: Any, old: Any, resource: str,
                                                                    etype: str) -> None:
    before = resource == "nodes" and etype == "MODIFIED" and _stripped(new) == _stripped(old)
    assert _heartbeat_only(WatchEvent(etype, resource, new, old, 2)) is before


@settings(max_examples=400, deadline=None)
@given(node, st.data())
def test_near_copies_answer_as_before(new: Any, data: st.DataObject) -> None:
    """Mostly equal pairs: heartbeats and resourceVersion moved, sometimes one more field changed."""
    status = dict(new.get("status", {}))
    conds = status.get("conditions")
    if conds:
        status["conditions"] = [{**c, "lastHeartbeatTime": data.draw(small)} for c in conds]
    old = {**new, "metadata": {**new["metadata"], "resourceVersion": data.draw(small)}, "status": status}
    change = data.draw(st.sampled_from(["none", "phase", "label", "condition", "conditions-none"]))
    if change == "phase":
        old["status"] = {**status, "phase": data.draw(small)}
    elif change == "label":
        old["metadata"] = {**old["metadata"], "labels": data.draw(small)}
    elif change == "condition" and conds:
        old["status"] = {**status, "conditions": [{**status["conditions"][0], "status": data.draw(small)},
                                                   *status["conditions"][1:]]}
    elif change == "conditions-none":
        old["status"] = {**status, "conditions": data.draw(st.sampled_from([None, []]))}
    before = _stripped(new) == _stripped(old)
    assert _heartbeat_only(WatchEvent("MODIFIED", "nodes", new, old, 2)) is before


def test_a_moved_heartbeat_is_not_change_and_a_new_condition_is() -> None:
    old = {"metadata": {"name": "n", "resourceVersion": "1"}, "spec": {},
           "status": {"conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": "t1"}]}}
    moved = {**old, "metadata": {"name": "n", "resourceVersion": "2"},
             "status": {"conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": "t2"}]}}
    flipped = {**moved, "status": {"conditions": [{"type": "Ready", "status": "False", "lastHeartbeatTime": "t2"}]}}
    assert _heartbeat_only(WatchEvent("MODIFIED", "nodes", moved, old, 2))
    assert not _heartbeat_only(WatchEvent("MODIFIED", "nodes", flipped, old, 2))
    assert not _heartbeat_only(WatchEvent("MODIFIED", "nodes", moved, None, 2))


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
    expected = _stripped(new) == _stripped(old)
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
