"""The node lifecycle controller's classifyNodes events (nodeutil.RecordNodeEvent): ``Node <n> event:
Registered Node <n> in Controller`` for a node it first sees, ``... Removing Node <n> from Controller`` for one
gone, both Normal, from node-controller."""

from __future__ import annotations

from kspec.cluster import Cluster, NodeSpec


def _node_events(c: Cluster, name: str) -> list[tuple[str, str, str]]:
    return [(e["type"], e["reason"], e["message"]) for e in c.events_for("Node", name, "default")]


def test_each_node_is_registered_once_and_removed_when_deleted() -> None:
    c = Cluster(nodes=2)
    c.run_for("30s")
    assert _node_events(c, "node-1") == [("Normal", "RegisteredNode",
                                          "Node node-1 event: Registered Node node-1 in Controller")]
    c.add_node(NodeSpec("node-3"))
    c.run_for("10s")
    assert [r for _, r, _ in _node_events(c, "node-3")] == ["RegisteredNode"]
    c.delete("node", "node-2")
    c.run_for("10s")
    assert _node_events(c, "node-2")[-1] == ("Normal", "RemovingNode",
                                             "Node node-2 event: Removing Node node-2 from Controller")
    [registered] = [e for e in c.events_for("Node", "node-1", "default") if e["reason"] == "RegisteredNode"]
    assert registered["source"] == {"component": "node-controller"}
