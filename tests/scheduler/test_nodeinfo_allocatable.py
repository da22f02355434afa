"""A node's allocatable is parsed once per distinct list (nodeinfo._allocatable): every NodeInfo reads the
values a fresh parse gives, whatever was parsed before, and a node built from a node object equals one whose
node was set afterwards."""

from __future__ import annotations

from typing import Any

from kspec.scheduler import nodeinfo
from kspec.scheduler.nodeinfo import NodeInfo
from kspec.scheduler.resources import node_allocatable, scalar_resources


def _node(name: str, alloc: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": {"topology.kubernetes.io/zone": "z1"}}, "spec": spec,
            "status": {"allocatable": alloc, "images": [{"names": ["nginx:1.25"], "sizeBytes": 1000}]}}


ALLOCS = [{"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"},
          {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"},
          {"cpu": "500m", "memory": "1Gi", "pods": 10, "example.com/gpu": "2", "hugepages-2Mi": "0"},
          {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi", "example.com/gpu": "1"}, {}]


def _parsed(ni: NodeInfo) -> tuple[Any, ...]:
    return (ni.alloc_cpu, ni.alloc_mem, ni.alloc_eph, ni.alloc_pods, ni.alloc_scalars)


def test_the_remembered_allocatable_is_a_fresh_parse() -> None:
    for clear in (True, False):
        for i, alloc in enumerate(ALLOCS):
            if clear:
                nodeinfo._ALLOCATABLE.clear()
            ni = NodeInfo(_node(f"n{i}", alloc))
            fresh = node_allocatable({"status": {"allocatable": alloc}})
            assert _parsed(ni) == (fresh.get("cpu", 0), fresh.get("memory", 0), fresh.get("ephemeral-storage", 0),
                                   fresh.get("pods", 0), scalar_resources(fresh))


def test_a_node_built_from_its_object_equals_one_set_afterwards() -> None:
    for node in (_node("a", ALLOCS[0]), _node("b", ALLOCS[2], unschedulable=True,
                                            taints=[{"key": "k", "effect": "NoSchedule"},
                                                    {"key": "p", "effect": "PreferNoSchedule"}])):
        built, later = NodeInfo(node), NodeInfo()
        later.set_node(node)
        assert {s: getattr(built, s) for s in NodeInfo.__slots__} == {s: getattr(later, s) for s in NodeInfo.__slots__}
