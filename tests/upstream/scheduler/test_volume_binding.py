"""VolumeBinding: upstream's TestVolumeBinding table (PreFilter and Filter per node; Score where it is on)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.st import SKIP, UNRESOLVABLE, as_tuple, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/volumebinding/volume_binding_test.go"
BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
NODE_CONFLICT = "node(s) had volume node affinity conflict"
PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
HOSTNAME = "kubernetes.io/hostname"
CLASSES = [{"kind": "StorageClass", "metadata": {"name": "immediate-sc"}, "volumeBindingMode": "Immediate"},
           {"kind": "StorageClass", "metadata": {"name": "wait-sc"}, "volumeBindingMode": "WaitForFirstConsumer"},
           {"kind": "StorageClass", "metadata": {"name": "wait-hdd-sc"}, "volumeBindingMode": "WaitForFirstConsumer"}]
SCORING = ("volume capacity scoring (the VolumeCapacityPriority / StorageCapacityScoring alpha gate) is not "
           "simulated: VolumeBinding has no Score")


def make_pod(name: str, *claims: str) -> dict[str, Any]:
    """makePod(name).withPVCVolume(claim, "")..."""
    return {"metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [], "volumes": [{"name": "", "persistentVolumeClaim": {"claimName": c}}
                                                   for c in claims]}}


def make_node(name: str, **labels: str) -> dict[str, Any]:
    """makeNode(name): labelled with its hostname."""
    return {"metadata": {"name": name, "labels": {HOSTNAME: name, **labels}}, "spec": {}, "status": {}}


def make_pvc(name: str, cls: str, bound_pv: str = "", size: str = "", phase: str = "") -> dict[str, Any]:
    """makePVC(name, class).withBoundPV(pv) (volumeName and bind-completed).withRequestStorage(size)."""
    md: dict[str, Any] = {"name": name, "namespace": "default", "uid": f"uid-{name}", "resourceVersion": "1"}
    spec: dict[str, Any] = {"storageClassName": cls}
    if bound_pv:
        spec["volumeName"] = bound_pv
        md["annotations"] = {"pv.kubernetes.io/bind-completed": "true"}
    if size:
        spec["resources"] = {"requests": {"storage": size}}
    out: dict[str, Any] = {"kind": "PersistentVolumeClaim", "metadata": md, "spec": spec}
    if phase:
        out["status"] = {"phase": phase}
    return out


def make_pv(name: str, cls: str, phase: str = "Available", capacity: str = "",
            affinity: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """makePV(name, class).withPhase(phase).withCapacity(c).withNodeAffinity({key: values})."""
    spec: dict[str, Any] = {"storageClassName": cls}
    if capacity:
        spec["capacity"] = {"storage": capacity}
    if affinity:
        spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": k, "operator": "In", "values": v} for k, v in affinity.items()]}]}}
    return {"kind": "PersistentVolume", "metadata": {"name": name, "resourceVersion": "1"}, "spec": spec,
            "status": {"phase": phase}}


def _c(name: str, pod: dict[str, Any], nodes: list[dict[str, Any]], pvcs: list[dict[str, Any]],
       pvs: list[dict[str, Any]] | None = None, pre: Any = None, filters: list[Any] | None = None, **marks: Any) -> Any:
    return case("TestVolumeBinding", name, pod=pod, nodes=nodes, objects=[*CLASSES, *pvcs, *(pvs or [])], pre=pre,
                filters=filters or [None] * len(nodes), **marks)


def _zone_node(name: str, zone: str) -> dict[str, Any]:
    return make_node(name, **{"topology.kubernetes.io/region": f"region-{zone}", "topology.kubernetes.io/zone":
                              f"zone-{zone}"})


def _zone_pv(name: str, capacity: str, zone: str) -> dict[str, Any]:
    return make_pv(name, "wait-sc", capacity=capacity, affinity={"topology.kubernetes.io/region": [f"region-{zone}"],
                                                                 "topology.kubernetes.io/zone": [f"zone-{zone}"]})


ABC = [make_node("node-a"), make_node("node-b"), make_node("node-c")]
CASES = [
    # upstream's PreFilter now says Skip for a pod without claims (it used to return success with a skip flag)
    _c("pod has not pvcs", make_pod("pod-a"), [make_node("node-a")], [], pre=SKIP),
    _c("all bound", make_pod("pod-a", "pvc-a"), [make_node("node-a")], [make_pvc("pvc-a", "wait-sc", "pv-a")],
       [make_pv("pv-a", "wait-sc")]),
    _c("PVC does not exist", make_pod("pod-a", "pvc-a"), [make_node("node-a")], [],
       pre=(UNRESOLVABLE, 'persistentvolumeclaim "pvc-a" not found')),
    _c("Part of PVCs do not exist", make_pod("pod-a", "pvc-a", "pvc-b"), [make_node("node-a")],
       [make_pvc("pvc-a", "wait-sc", "pv-a")], pre=(UNRESOLVABLE, 'persistentvolumeclaim "pvc-b" not found')),
    _c("immediate claims not bound", make_pod("pod-a", "pvc-a"), [make_node("node-a")],
       [make_pvc("pvc-a", "immediate-sc")], pre=(UNRESOLVABLE, "pod has unbound immediate PersistentVolumeClaims")),
    _c("unbound claims no matches", make_pod("pod-a", "pvc-a"), [make_node("node-a")], [make_pvc("pvc-a", "wait-sc")],
       filters=[(UNRESOLVABLE, BIND_CONFLICT)]),
    _c("bound and unbound unsatisfied", make_pod("pod-a", "pvc-a", "pvc-b"), [make_node("node-a", foo="barbar")],
       [make_pvc("pvc-a", "wait-sc", "pv-a"), make_pvc("pvc-b", "wait-sc")],
       [make_pv("pv-a", "wait-sc", affinity={"foo": ["bar"]})], filters=[(UNRESOLVABLE, NODE_CONFLICT, BIND_CONFLICT)]),
    _c("pvc not found", make_pod("pod-a", "pvc-a"), [make_node("node-a")], [],
       pre=(UNRESOLVABLE, 'persistentvolumeclaim "pvc-a" not found')),
    _c("pv not found", make_pod("pod-a", "pvc-a"), [make_node("node-a")], [make_pvc("pvc-a", "wait-sc", "pv-a")],
       filters=[(UNRESOLVABLE, PV_NOT_EXIST)]),
    _c("pv not found claim lost", make_pod("pod-a", "pvc-a"), [make_node("node-a")],
       [make_pvc("pvc-a", "wait-sc", "pv-a", phase="Lost")],
       pre=(UNRESOLVABLE, 'persistentvolumeclaim "pvc-a" bound to non-existent persistentvolume "pv-a"')),
    _c("local volumes with close capacity are preferred", make_pod("pod-a", "pvc-a"), ABC,
       [make_pvc("pvc-a", "wait-sc", size="50Gi")],
       [make_pv(f"pv-{n}-{i}", "wait-sc", capacity=c, affinity={HOSTNAME: [f"node-{n}"]})
        for n, c in (("a", "200Gi"), ("b", "100Gi")) for i in range(2)],
       filters=[None, None, (UNRESOLVABLE, BIND_CONFLICT)], scores=[25, 50, 0], unmodelled=SCORING),
    _c("local volumes with close capacity are preferred (multiple pvcs)", make_pod("pod-a", "pvc-0", "pvc-1"), ABC,
       [make_pvc("pvc-0", "wait-sc", size="50Gi"), make_pvc("pvc-1", "wait-hdd-sc", size="100Gi")],
       [make_pv(f"pv-{n}-{i}", "wait-sc" if i < 2 else "wait-hdd-sc", capacity=c, affinity={HOSTNAME: [f"node-{n}"]})
        for n, c in (("a", "200Gi"), ("b", "100Gi")) for i in range(4)],
       filters=[None, None, (UNRESOLVABLE, BIND_CONFLICT)], scores=[38, 75, 0], unmodelled=SCORING),
    _c("zonal volumes with close capacity are preferred", make_pod("pod-a", "pvc-a"),
       [_zone_node(f"zone-{z}-node-{n}", z) for z in "abc" for n in "ab"],
       [make_pvc("pvc-a", "wait-sc", size="50Gi")],
       [_zone_pv(f"pv-{z}-{i}", c, z) for z, c in (("a", "200Gi"), ("b", "100Gi")) for i in range(2)],
       filters=[None, None, None, None, (UNRESOLVABLE, BIND_CONFLICT), (UNRESOLVABLE, BIND_CONFLICT)],
       scores=[15, 15, 30, 30, 0, 0], unmodelled=SCORING),
    _c("zonal volumes with close capacity are preferred (custom shape)", make_pod("pod-a", "pvc-a"),
       [_zone_node(f"zone-{z}-node-{n}", z) for z in "abc" for n in "ab"],
       [make_pvc("pvc-a", "wait-sc", size="50Gi")],
       [_zone_pv(f"pv-{z}-{i}", c, z) for z, c in (("a", "200Gi"), ("b", "100Gi")) for i in range(2)],
       filters=[None, None, None, None, (UNRESOLVABLE, BIND_CONFLICT), (UNRESOLVABLE, BIND_CONFLICT)],
       scores=[15, 15, 30, 30, 0, 0], unmodelled=SCORING),
]


@pytest.mark.parametrize("c", CASES)
def test_volume_binding(c: dict[str, Any]) -> None:
    result = run("VolumeBinding", {**c, "args": {"bindTimeoutSeconds": 300}}, points=("PreFilter", "Filter"))
    assert as_tuple(result.pre_filter) == c["pre"]
    if c["pre"] is not None:
        return  # the framework skips Filter when PreFilter did not succeed
    got = [as_tuple(result.filter[n["metadata"]["name"]]) for n in c["nodes"]]
    assert got == c["filters"]
    assert "scores" not in c, "VolumeBinding scores no node"
