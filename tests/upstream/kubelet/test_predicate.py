"""kubernetes pkg/kubelet/lifecycle/predicate_test.go: the kubelet's admission predicates."""

from __future__ import annotations

import pytest

from kspec.kubelet import admission as adm
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/lifecycle/predicate_test.go"

EXT = "foo.com/bar"
IMPLICIT = "deviceclass.resource.kubernetes.io/bar"
DRA = "DRAExtendedResource (extended resources backed by DRA claims) is not modelled"


def tpod(requests: dict, limits: dict) -> dict:
    """makeTestPod: one container and one init container with the same requests and limits."""
    c = {"resources": {"requests": dict(requests), "limits": dict(limits)}}
    return {"spec": {"containers": [c], "initContainers": [{"resources": {"requests": dict(requests),
                                                                           "limits": dict(limits)}}]}}


def tnode(alloc: dict) -> dict:
    return {"metadata": {}, "status": {"allocatable": dict(alloc)}}


T = "TestRemoveMissingExtendedResources"
REMOVE = [
    case(T, "requests in Limits should be ignored", pod=tpod({}, {EXT: "1"}), node=tnode({"foo.com/baz": "1"}),
         want=tpod({}, {EXT: "1"})),
    case(T, "requests for resources available in node should not be removed", pod=tpod({EXT: "1"}, {}),
         node=tnode({EXT: "1"}), want=tpod({EXT: "1"}, {})),
    case(T, "requests for resources unavailable in node should be removed", pod=tpod({EXT: "1"}, {}),
         node=tnode({"foo.com/baz": "1"}), want=tpod({}, {})),
    case(T, "requests for extended resources with Allocatable 0 should not be removed",
         pod=tpod({EXT: "1"}, {EXT: "1"}), node=tnode({EXT: "0"}), want=tpod({EXT: "1"}, {EXT: "1"})),
    case(T, "requests for extended resources that are not available in node should be removed",
         pod=tpod({EXT: "1"}, {EXT: "1"}), node=tnode({}), want=tpod({}, {EXT: "1"})),
    case(T, "request for extended resource backed by DRA should be removed if Allocatable is 0", unmodelled=DRA,
         pod=tpod({EXT: "1"}, {EXT: "1"}), node=tnode({EXT: "0"}), want=tpod({}, {EXT: "1"})),
    case(T, "request for extended resource backed by DRA should be removed if Allocatable is absent",
         pod=tpod({EXT: "1"}, {EXT: "1"}), node=tnode({}), want=tpod({}, {EXT: "1"})),
    case(T, "request for implicit extended resource backed by DRA should be removed", unmodelled=DRA,
         pod=tpod({IMPLICIT: "1"}, {IMPLICIT: "1"}),
         node=tnode({}), want=tpod({}, {IMPLICIT: "1"})),
]


@pytest.mark.parametrize("data", REMOVE)
def test_remove_missing_extended_resources(data: dict) -> None:
    got = adm.remove_missing_extended_resources(data["pod"], data["node"])
    # the DRA cases' pods carry no init container upstream; only the regular container's requests matter there
    assert got["spec"]["containers"] == data["want"]["spec"]["containers"]
    assert got["spec"]["initContainers"] == data["want"]["spec"]["initContainers"]


def resources(cpu_m: int, mem: int, pods: int) -> dict:
    """makeAllocatableResources(milliCPU, memory, pods, 0, 0, 0)."""
    return {"cpu": f"{cpu_m}m", "memory": str(mem), "pods": str(pods), "example.com/aaa": "0",
            "ephemeral-storage": "0", "hugepages-2Mi": "0"}


def node(labels: dict | None = None, taints: list | None = None) -> dict:
    return {"metadata": {"name": "machine1", "labels": labels or {}}, "spec": {"taints": taints or []},
            "status": {"capacity": resources(10, 20, 32), "allocatable": resources(10, 20, 32)}}


def resource_pod(cpu_m: int, mem: int) -> dict:
    """newResourcePod: one container requesting cpu and memory."""
    return {"metadata": {}, "spec": {"containers": [{"resources": {"requests": {
        "cpu": f"{cpu_m}m", "memory": str(mem)}}}]}}


def port_pod(*ports: int) -> dict:
    return {"metadata": {}, "spec": {"containers": [{"ports": [{"hostPort": p} for p in ports]}]}}


STATIC = {"annotations": {adm.CONFIG_SOURCE: "file"}}
FOO_EXISTS = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
    {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}]}}}
NO_SCHED_AND_EXEC = [{"key": "foo", "effect": "NoSchedule"}, {"key": "bar", "effect": "NoExecute"}]
AFF = ("predicate", adm.NODE_AFFINITY, adm.REASONS[adm.NODE_AFFINITY])
NAME = ("predicate", adm.NODE_NAME, adm.REASONS[adm.NODE_NAME])
FOO_BAR = {"foo": "bar"}
T = "TestGeneralPredicates"
GENERAL = [
    case(T, "no resources/port/host requested always fits", pod={"spec": {}}, existing=[resource_pod(9, 19)],
         cached=node(), sync=None, skip=False, want=[]),
    case(T, "not enough cpu and memory resource", pod=resource_pod(8, 10), existing=[resource_pod(5, 19)],
         cached=node(), sync=None, skip=False,
         want=[("resource", "cpu", 8, 5, 10), ("resource", "memory", 10, 19, 20)]),
    case(T, "host not match", pod={"spec": {"nodeName": "machine2"}}, existing=[], cached=node(), sync=None,
         skip=False, want=[NAME]),
    case(T, "hostport conflict", pod=port_pod(123), existing=[port_pod(123)], cached=node(), sync=None, skip=False,
         want=[("predicate", adm.NODE_PORTS, adm.REASONS[adm.NODE_PORTS])]),
    case(T, "taint/toleration match", pod={"spec": {"tolerations": [{"key": "foo"}, {"key": "bar"}]}}, existing=[],
         cached=node(taints=NO_SCHED_AND_EXEC), sync=None, skip=False, want=[]),
    case(T, "NoSchedule taint/toleration not match", pod={"spec": {}}, existing=[],
         cached=node(taints=[{"key": "foo", "effect": "NoSchedule"}]), sync=None, skip=False, want=[]),
    case(T, "NoExecute taint/toleration not match", pod={"spec": {}}, existing=[],
         cached=node(taints=[{"key": "bar", "effect": "NoExecute"}]), sync=None, skip=False,
         want=[("predicate", adm.TAINT_TOLERATION, adm.REASONS[adm.TAINT_TOLERATION])]),
    case(T, "PreferNoSchedule taint/toleration not match", pod={"spec": {}}, existing=[],
         cached=node(taints=[{"key": "baz", "effect": "PreferNoSchedule"}]), sync=None, skip=False, want=[]),
    case(T, "static pods ignore taints", pod={"metadata": STATIC, "spec": {}}, existing=[],
         cached=node(taints=NO_SCHED_AND_EXEC), sync=None, skip=False, want=[]),
    case(T, "node affinity failure", pod={"metadata": STATIC, "spec": {"affinity": FOO_EXISTS}}, existing=[],
         cached=node(), sync=node(), skip=False, want=[AFF]),
    case(T, "node affinity failure on cached node and node name doesn't match",
         pod={"metadata": STATIC, "spec": {"nodeName": "some-node-name", "affinity": FOO_EXISTS}}, existing=[],
         cached=node(), sync=node(FOO_BAR), skip=False, want=[AFF, NAME]),
    case(T, "node affinity failure on cached node, but not the fresh one",
         pod={"metadata": STATIC, "spec": {"affinity": FOO_EXISTS}}, existing=[], cached=node(), sync=node(FOO_BAR),
         skip=False, want=[]),
    case(T, "node affinity failure on fresh node, but not the cached one",
         pod={"metadata": STATIC, "spec": {"affinity": FOO_EXISTS}}, existing=[], cached=node(FOO_BAR), sync=node(),
         skip=False, want=[]),
    case(T, "node affinity failure but skip ignorable checks",
         pod={"metadata": STATIC, "spec": {"affinity": FOO_EXISTS}}, existing=[], cached=node(), sync=node(),
         skip=True, want=[]),
    case(T, "node affinity failure on cached node and node name doesn't match but skip ignorable checks",
         pod={"metadata": STATIC, "spec": {"nodeName": "some-node-name", "affinity": FOO_EXISTS}}, existing=[],
         cached=node(), sync=node(FOO_BAR), skip=True, want=[NAME]),
]


@pytest.mark.parametrize("data", GENERAL)
def test_general_predicates(data: dict) -> None:
    sync = data["sync"]
    got = adm.general_filter(data["pod"], data["cached"], data["existing"],
                             (lambda: sync) if sync is not None else None, data["skip"])
    assert got == data["want"]


OS = adm.HOST_OS
T = "TestRejectPodAdmissionBasedOnOSSelector"
SELECTOR = [
    case(T, "OS label match", pod_os=OS, node_os=OS, want=False),
    case(T, "dummyOS label, but the underlying OS matches", pod_os=OS, node_os="dummyOS", want=False),
    case(T, "dummyOS label, but the underlying OS doesn't match", pod_os="dummyOS", node_os="dummyOS", want=True),
    case(T, "dummyOS label, but the underlying OS doesn't match#01", pod_os="dummyOS", node_os="dummyOS", want=True),
    case(T, "OS field mismatch, OS label on node object would be reset to correct value", pod_os="dummyOS",
         node_os="dummyOS", want=True),
    case(T, "No label selector on the pod, should be admitted", pod_os=None, node_os="dummyOS", want=False),
]


@pytest.mark.parametrize("data", SELECTOR)
def test_reject_pod_admission_based_on_os_selector(data: dict) -> None:
    pod = {"metadata": {"labels": {adm.OS_LABEL: data["pod_os"]}} if data["pod_os"] else {}}
    nd = {"metadata": {"labels": {adm.OS_LABEL: data["node_os"]}}, "spec": {}}
    assert adm.reject_os_selector(pod, nd) is data["want"]


T = "TestRejectPodAdmissionBasedOnOSField"
FIELD = [
    case(T, "OS field match", os=OS, want=False),
    case(T, "OS field mismatch", os="dummyOS", want=True),
    case(T, "no OS field", os=None, want=False),
]


@pytest.mark.parametrize("data", FIELD)
def test_reject_pod_admission_based_on_os_field(data: dict) -> None:
    pod = {"spec": {"os": {"name": data["os"]}} if data["os"] else {}}
    assert adm.reject_os_field(pod) is data["want"]


WITH = {"metadata": {"name": "test"}, "status": {"features": {"supplementalGroupsPolicy": True}}}
WITHOUT = {"metadata": {"name": "test"}}
USING = {"spec": {"securityContext": {"supplementalGroupsPolicy": "Strict"}}}
NOT_USING: dict = {}
OLD = "kspec emulates one (current) version; the feature gate's emulated-version behaviour is not modelled"
T = "TestPodAdmissionBasedOnSupplementalGroupsPolicy"
SUPPLEMENTAL = [
    case(T, "feature=Beta, node=feature not supported, pod=in use: it should REJECT", node=WITHOUT, pod=USING,
         want=True),
    case(T, "feature=Beta, node=feature supported, pod=in use: it should ADMIT", node=WITH, pod=USING, want=False),
    case(T, "feature=Beta, node=feature not supported, pod=not in use: it should ADMIT", node=WITHOUT,
         pod=NOT_USING, want=False),
    case(T, "feature=Beta, node=feature supported, pod=not in use: it should ADMIT", node=WITH, pod=NOT_USING,
         want=False),
    case(T, "feature=Alpha, node=feature not supported, pod=feature used: it should ADMIT", unmodelled=OLD,
         node=WITHOUT, pod=USING, want=False),
    case(T, "feature=Alpha, node=feature not supported, pod=feature not used: it should ADMIT", node=WITHOUT,
         pod=NOT_USING, want=False),
    case(T, "feature=Alpha, node=feature supported, pod=feature used: it should ADMIT", node=WITH, pod=USING,
         want=False),
    case(T, "feature=Alpha, node=feature supported, pod=feature not used: it should ADMIT", node=WITH,
         pod=NOT_USING, want=False),
    case(T, "feature=NotReleased, node=feature not supported, pod=feature used: it should ADMIT", unmodelled=OLD,
         node=WITHOUT, pod=USING, want=False),
    case(T, "feature=NotReleased, node=feature not supported, pod=feature not used: it should ADMIT", node=WITHOUT,
         pod=NOT_USING, want=False),
]


@pytest.mark.parametrize("data", SUPPLEMENTAL)
def test_pod_admission_based_on_supplemental_groups_policy(data: dict) -> None:
    assert adm.reject_supplemental_groups_policy(data["pod"], data["node"]) is data["want"]
