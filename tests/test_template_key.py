"""templates.key_for: equal node lists give one key, any difference in a field's value or type another."""

from __future__ import annotations

from kspec import templates
from kspec.cluster import Cluster, NodeSpec
from kspec.manifests import YamlMapping


def _key(nodes: list[NodeSpec], seed: int = 0) -> object:
    """The key a cluster with these nodes is built under."""
    seen: list[object] = []
    real = templates.key_for

    def spy(cluster: Cluster, specs: list[NodeSpec]) -> object:
        seen.append(real(cluster, specs))
        return seen[-1]

    templates.key_for = spy  # type: ignore[assignment]
    try:
        Cluster(nodes=nodes, seed=seed)
    finally:
        templates.key_for = real
    return seen[0]


def test_equal_node_lists_share_a_key_and_different_ones_do_not() -> None:
    base = [NodeSpec("node-1"), NodeSpec("node-2", labels={"a": "b"})]
    same = [NodeSpec("node-1"), NodeSpec("node-2", labels={"a": "b"})]
    assert _key(base) == _key(same) is not None
    for other in ([NodeSpec("node-1")], [NodeSpec("node-1"), NodeSpec("node-2", labels={"a": "c"})],
                  [NodeSpec("node-1"), NodeSpec("node-2", labels={"a": "b"}, zone="z")],
                  [NodeSpec("node-1", pods=1), NodeSpec("node-2", labels={"a": "b"})]):
        assert _key(other) != _key(base)
    assert _key(base, seed=1) != _key(base)


def test_a_value_marshal_refuses_is_keyed_by_its_repr() -> None:
    labels = YamlMapping({"a": "b"})
    key = _key([NodeSpec("node-1", labels=labels)])
    assert key == (0, repr(NodeSpec("node-1", labels=labels)))


def test_a_subclass_is_keyed_by_its_repr() -> None:
    class Special(NodeSpec):
        pass

    assert _key([Special("node-1")]) == (0, repr(Special("node-1")))
