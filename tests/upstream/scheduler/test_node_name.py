"""NodeName: upstream's Filter table."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.st import UNRESOLVABLE, as_tuple, node, pod, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/nodename/node_name_test.go"

CASES = [
    case("TestNodeName", "no host specified", pod=pod(), nodes=[node("")], want=None),
    case("TestNodeName", "host matches", pod=pod(node="foo"), nodes=[node("foo")], want=None),
    case("TestNodeName", "host doesn't match", pod=pod(node="bar"), nodes=[node("foo")],
         want=(UNRESOLVABLE, "node(s) didn't match the requested node name")),
]


@pytest.mark.parametrize("c", CASES)
def test_node_name(c: dict[str, Any]) -> None:
    result = run("NodeName", c, points=("Filter",))
    assert as_tuple(next(iter(result.filter.values()))) == c["want"]
