"""Shared data of upstream's noderesources tests (test_util.go): resource sets and node builders."""

from __future__ import annotations

from typing import Any

from tests.upstream.scheduler.st import node

DEFAULT_RESOURCES = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
EXTENDED_RES = "abc.com/xyz"
EXTENDED_RESOURCE_SET = [*DEFAULT_RESOURCES, {"name": EXTENDED_RES, "weight": 1}]




def make_node(name: str, milli_cpu: int, memory: int, extended: dict[str, int] | None = None) -> dict[str, Any]:
    """makeNode(node, milliCPU, memory, extendedResource)."""
    return node(name, alloc={"cpu": f"{milli_cpu}m", "memory": str(memory), "pods": "100", **(extended or {})})
