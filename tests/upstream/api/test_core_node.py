"""Node validation: upstream's TestValidateNode, TestValidateNodeUpdate and TestValidateNodeCIDRs
(pkg/apis/core/validation/validation_test.go). Upstream compares validity only (TestValidateNode's error
cases also check the error fields against a map whose every entry is allowed, so any error passes)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.api.validation import validate
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

Obj = dict[str, Any]
AVOID = "scheduler.alpha.kubernetes.io/preferAvoidPods"
CONTROLLER = ('{"preferAvoidPods": [{"podSignature": {"podController": {"apiVersion": "v1", '
              '"kind": "ReplicationController", "name": "foo", "uid": "abcdef123456", "controller": %s}}, '
              '"reason": "some reason", "message": "some message"}]}')
NO_SIGNATURE = '{"preferAvoidPods": [{"reason": "some reason", "message": "some message"}]}'
EXTERNAL = [{"type": "ExternalIP", "address": "something"}]


def node(name: str = "", labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None,
         addresses: list[Obj] | None = None, capacity: dict[str, str] | None = None,
         allocatable: dict[str, str] | None = None, **spec: Any) -> Obj:
    meta: Obj = {"name": name}
    if labels is not None:
        meta["labels"] = labels
    if annotations is not None:
        meta["annotations"] = annotations
    status = {k: v for k, v in (("addresses", addresses), ("capacity", capacity), ("allocatable", allocatable))
              if v is not None}
    out: Obj = {"apiVersion": "v1", "kind": "Node", "metadata": meta}
    if spec:
        out["spec"] = spec
    if status:
        out["status"] = status
    return out


SMALL = {"cpu": "10", "memory": "0"}
BIG = {"cpu": "10", "memory": "10G"}
F = "TestValidateNode"
NODES = [
    case(F, "successCases[0]", node=node("abc", {"a": "b"}, addresses=EXTERNAL, capacity={
        "cpu": "10", "memory": "10G", "my.org/gpu": "10", "hugepages-2Mi": "10Gi", "hugepages-1Gi": "0"}), valid=True),
    case(F, "successCases[1]", node=node("abc", addresses=EXTERNAL, capacity=SMALL), valid=True),
    case(F, "successCases[2]", node=node("abc", {"a": "b"}, addresses=EXTERNAL, capacity={
        "cpu": "10", "memory": "10G", "my.org/gpu": "10", "hugepages-2Mi": "10Gi", "hugepages-1Gi": "10Gi"}),
        valid=True),
    case(F, "successCases[3]", node=node("dedicated-node1", addresses=EXTERNAL, capacity=SMALL,
                                         taints=[{"key": "GPU", "value": "true", "effect": "NoSchedule"}]), valid=True),
    case(F, "successCases[4]", node=node("abc", annotations={AVOID: CONTROLLER % "true"}, addresses=EXTERNAL,
                                         capacity=SMALL), valid=True),
    case(F, "successCases[5]", node=node("abc", addresses=EXTERNAL, capacity=SMALL, podCIDRs=["192.168.0.0/16"]),
         valid=True),
    case(F, "zero-length Name", node=node("", {"a": "b"}, addresses=[], capacity=BIG), valid=False),
    case(F, "invalid-labels", node=node("abc-123", {"NoUppercaseOrSpecialCharsLike=Equals": "b"}, capacity=BIG),
         valid=False),
    case(F, "missing-taint-key", node=node("dedicated-node1", taints=[
        {"key": "", "value": "special-user-1", "effect": "NoSchedule"}]), valid=False),
    case(F, "bad-taint-key", node=node("dedicated-node1", taints=[
        {"key": "NoUppercaseOrSpecialCharsLike=Equals", "value": "special-user-1", "effect": "NoSchedule"}]),
        valid=False),
    case(F, "bad-taint-value", node=node("dedicated-node2", addresses=EXTERNAL, capacity=SMALL, taints=[
        {"key": "dedicated", "value": "some\\bad\\value", "effect": "NoSchedule"}]), valid=False),
    case(F, "missing-taint-effect", node=node("dedicated-node3", addresses=EXTERNAL, capacity=SMALL, taints=[
        {"key": "dedicated", "value": "special-user-3", "effect": ""}]), valid=False),
    case(F, "invalid-taint-effect", node=node("dedicated-node3", addresses=EXTERNAL, capacity=SMALL, taints=[
        {"key": "dedicated", "value": "special-user-3", "effect": "NoScheduleNoAdmit"}]), valid=False),
    case(F, "duplicated-taints-with-same-key-effect", node=node("dedicated-node1", taints=[
        {"key": "dedicated", "value": "special-user-1", "effect": "NoSchedule"},
        {"key": "dedicated", "value": "special-user-2", "effect": "NoSchedule"}]), valid=False),
    case(F, "missing-podSignature", node=node("abc-123", annotations={AVOID: NO_SIGNATURE}, addresses=[],
                                              capacity=SMALL), valid=False),
    case(F, "invalid-podController", node=node("abc-123", annotations={AVOID: CONTROLLER % "false"}, addresses=[],
                                               capacity=SMALL), valid=False),
    case(F, "invalid-pod-cidr", node=node("abc", addresses=EXTERNAL, capacity=SMALL, podCIDRs=["192.168.0.0"]),
         valid=False),
    case(F, "duplicate-pod-cidr", node=node("abc", addresses=EXTERNAL, capacity=SMALL,
                                            podCIDRs=["10.0.0.1/16", "10.0.0.1/16"]), valid=False),
]


@pytest.mark.parametrize("c", NODES)
def test_validate_node(c: Obj) -> None:
    assert (validate(copy.deepcopy(c["node"])) == []) == c["valid"]


CIDR = "TestValidateNodeCIDRs"
NODE_CIDRS = [case(CIDR, name, cidrs=cidrs, valid=valid) for name, cidrs, valid in (
    ("nil-pod-cidr", None, True), ("empty-pod-cidr", [], True), ("single-pod-cidr-4", ["192.168.0.0/16"], True),
    ("single-pod-cidr-6", ["2000::/10"], True), ("multi-pod-cidr-6-4", ["2000::/10", "192.168.0.0/16"], True),
    ("multi-pod-cidr-4-6", ["192.168.0.0/16", "2000::/10"], True),
    ("invalid-pod-cidr", ["this-is-not-a-valid-cidr"], False),
    ("duplicate-pod-cidr-4", ["10.0.0.1/16", "10.0.0.1/16"], False),
    ("duplicate-pod-cidr-6", ["2000::/10", "2000::/10"], False),
    ("not-a-dualstack-no-v4", ["2000::/10", "3000::/10"], False),
    ("not-a-dualstack-no-v6", ["10.0.0.0/16", "10.1.0.0/16"], False),
    ("not-a-dualstack-repeated-v6", ["2000::/10", "10.0.0.0/16", "3000::/10"], False),
    ("not-a-dualstack-repeated-v4", ["10.0.0.0/16", "3000::/10", "10.1.0.0/16"], False))]


@pytest.mark.parametrize("c", NODE_CIDRS)
def test_validate_node_cidrs(c: Obj) -> None:
    """makeNode: an ExternalIP address "something", cpu 10 and memory 0, the given podCIDRs."""
    spec = {} if c["cidrs"] is None else {"podCIDRs": c["cidrs"]}
    assert (validate(node("n", addresses=EXTERNAL, capacity=SMALL, **spec)) == []) == c["valid"]


U = "TestValidateNodeUpdate"
EXT_RES = {"cpu": "10", "memory": "10G", "example.com/a": "5"}
NODE_UPDATES = [case(U, f"tests[{i}]", old=old, new=new, valid=valid) for i, (old, new, valid) in enumerate((
    (node(), node(), True),
    (node("foo"), node("bar"), False),
    (node("foo", {"foo": "bar"}), node("foo", {"foo": "baz"}), True),
    (node("foo"), node("foo", {"foo": "baz"}), True),
    (node("foo", {"bar": "foo"}), node("foo", {"foo": "baz"}), True),
    (node("foo", podCIDRs=[]), node("foo", podCIDRs=["192.168.0.0/16"]), True),
    (node("foo", podCIDRs=["192.123.0.0/16"]), node("foo", podCIDRs=["192.168.0.0/16"]), False),
    (node("foo", capacity={"cpu": "10000", "memory": "100"}), node("foo", capacity={"cpu": "100", "memory": "10000"}),
     True),
    (node("foo", {"bar": "foo"}, capacity={"cpu": "10000", "memory": "100"}),
     node("foo", {"bar": "fooobaz"}, capacity={"cpu": "100", "memory": "10000"}), True),
    (node("foo", {"bar": "foo"}, addresses=[{"type": "ExternalIP", "address": "1.2.3.4"}]),
     node("foo", {"bar": "fooobaz"}), True),
    (node("foo", {"foo": "baz"}), node("foo", {"Foo": "baz"}), True),
    (node("foo", unschedulable=False), node("foo", unschedulable=True), True),
    (node("foo", unschedulable=False), node("foo", addresses=[{"type": "ExternalIP", "address": "1.1.1.1"},
                                                               {"type": "ExternalIP", "address": "1.1.1.1"}]), False),
    (node("foo", unschedulable=False), node("foo", addresses=[{"type": "ExternalIP", "address": "1.1.1.1"},
                                                               {"type": "InternalIP", "address": "10.1.1.1"}]), True),
    (node("foo"), node("foo", annotations={AVOID: CONTROLLER % "true"}, unschedulable=False), True),
    (node("foo"), node("foo", annotations={AVOID: NO_SIGNATURE}), False),
    (node("foo"), node("foo", annotations={AVOID: CONTROLLER % "false"}), False),
    (node("valid-extended-resources"), node("valid-extended-resources", capacity={
        "cpu": "10", "memory": "10G", "example.com/a": "5", "example.com/b": "10"}), True),
    (node("invalid-fractional-extended-capacity"), node("invalid-fractional-extended-capacity", capacity={
        "cpu": "10", "memory": "10G", "example.com/a": "500m"}), False),
    (node("invalid-fractional-extended-allocatable"), node("invalid-fractional-extended-allocatable",
                                                           capacity=EXT_RES, allocatable={
        "cpu": "10", "memory": "10G", "example.com/a": "4.5"}), False),
    (node("update-provider-id-when-not-set"), node("update-provider-id-when-not-set", providerID="provider:///new"),
     True),
    (node("update-provider-id-when-set", providerID="provider:///old"),
     node("update-provider-id-when-set", providerID="provider:///new"), False),
    (node("pod-cidrs-as-is", podCIDRs=["192.168.0.0/16"]), node("pod-cidrs-as-is", podCIDRs=["192.168.0.0/16"]), True),
    (node("pod-cidrs-as-is-2", podCIDRs=["192.168.0.0/16", "2000::/10"]),
     node("pod-cidrs-as-is-2", podCIDRs=["192.168.0.0/16", "2000::/10"]), True),
    (node("pod-cidrs-not-same-length", podCIDRs=["192.168.0.0/16", "192.167.0.0/16", "2000::/10"]),
     node("pod-cidrs-not-same-length", podCIDRs=["192.168.0.0/16", "2000::/10"]), False),
    (node("pod-cidrs-not-same", podCIDRs=["192.168.0.0/16", "2000::/10"]),
     node("pod-cidrs-not-same", podCIDRs=["2000::/10", "192.168.0.0/16"]), False)))]


@pytest.mark.parametrize("c", NODE_UPDATES)
def test_validate_node_update(c: Obj) -> None:
    old, new = copy.deepcopy(c["old"]), copy.deepcopy(c["new"])
    for obj in (old, new):
        obj["metadata"]["resourceVersion"] = "1"
    assert (validate(new, old) == []) == c["valid"]
