"""VolumeRestrictions: upstream's disk-conflict and ReadWriteOncePod tables and queueing hints."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler import framework as fwk
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.volumerestrictions import VolumeRestrictions
from tests.upstream.cases import case
from tests.upstream.scheduler.st import SKIP, UNRESOLVABLE, UNSCHED, as_tuple, node, pod, run
from tests.upstream.scheduler.volumes import pod_with_claims, pvc

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions_test.go"
DISK = (UNSCHED, "node(s) had no available disk")
RWOP = (UNSCHED, "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode")

GCE = ({"gcePersistentDisk": {"pdName": "foo"}}, {"gcePersistentDisk": {"pdName": "bar"}})
AWS = ({"awsElasticBlockStore": {"volumeID": "foo"}}, {"awsElasticBlockStore": {"volumeID": "bar"}})
RBD = ({"rbd": {"monitors": ["a", "b"], "pool": "foo", "image": "bar", "fsType": "ext4"}},
       {"rbd": {"monitors": ["c", "d"], "pool": "foo", "image": "bar", "fsType": "ext4"}})
ISCSI = ({"iscsi": {"targetPortal": "127.0.0.1:3260", "iqn": "iqn.2016-12.server:storage.target01", "fsType": "ext4",
                    "lun": 0}},
         {"iscsi": {"targetPortal": "127.0.0.1:3260", "iqn": "iqn.2017-12.server:storage.target01", "fsType": "ext4",
                    "lun": 0}})


def with_volume(vol: dict[str, Any], name: str = "", node_name: str = "") -> dict[str, Any]:
    """st.MakePod().Volume(vol)."""
    return pod(name, node=node_name, volumes=[{"name": "", **vol}])


def _disk_cases(func: str, states: tuple[dict[str, Any], dict[str, Any]], extra: bool) -> list[Any]:
    a, b = states
    out = [
        case(func, "nothing", pod=pod("p"), pods=[], pre=SKIP, want=None),
        case(func, "one state", pod=pod("p"), pods=[with_volume(a, "e", "node-1")], pre=SKIP, want=None),
        case(func, "same state", pod=with_volume(a, "p"), pods=[with_volume(a, "e", "node-1")], pre=None, want=DISK),
        case(func, "different state", pod=with_volume(b, "p"), pods=[with_volume(a, "e", "node-1")], pre=None,
             want=None),
    ]
    if extra:
        out.append(case(func, "pod with a volume that doesn't have restrictions",
                        pod=pod("p", volumes=[{"name": "volume with no restriction"}]), pods=[], pre=SKIP, want=None))
    return out


POD_ONE = pod_with_claims("pod-with-one-pvc", "claim-with-rwop-1", node="node-1")
POD_TWO = pod_with_claims("pod-with-two-pvcs", "claim-with-rwop-1", "claim-with-rwop-2", node="node-1")
POD_ONE_CONFLICT = pod_with_claims("pod-with-one-conflict", "claim-with-rwop-1", node="node-1")
POD_TWO_CONFLICTS = pod_with_claims("pod-with-two-conflicts", "claim-with-rwop-1", "claim-with-rwop-2", node="node-1")
POD_RWX = pod_with_claims("pod-with-rwx", "claim-with-rwx", node="node-1")
RWOP1 = pvc("claim-with-rwop-1", modes=["ReadWriteOncePod"])
RWOP2 = pvc("claim-with-rwop-2", modes=["ReadWriteOncePod"])
RWX = pvc("claim-with-rwx", modes=["ReadWriteMany"])


def _unbound(p: dict[str, Any]) -> dict[str, Any]:
    """The pod to schedule: upstream's carries .Node("node-1") too, which only matters for existing pods."""
    return {"metadata": p["metadata"], "spec": {k: v for k, v in p["spec"].items() if k != "nodeName"}}


A = "TestAccessModeConflicts"
CASES = [
    *_disk_cases("TestGCEDiskConflicts", GCE, True),
    *_disk_cases("TestAWSDiskConflicts", AWS, False),
    *_disk_cases("TestRBDDiskConflicts", RBD, False),
    *_disk_cases("TestISCSIDiskConflicts", ISCSI, False),
    case(A, "nothing", pod=pod("p"), pods=[], objects=[], pre=SKIP, want=None),
    case(A, "failed to get PVC", pod=_unbound(POD_ONE), pods=[], objects=[],
         pre=(UNRESOLVABLE, 'persistentvolumeclaim "claim-with-rwop-1" not found'), want=None),
    case(A, "no access mode conflict", pod=_unbound(POD_ONE), pods=[POD_RWX], objects=[RWOP1, RWX], pre=SKIP,
         want=None),
    case(A, "access mode conflict, unschedulable", pod=_unbound(POD_ONE_CONFLICT), pods=[POD_ONE, POD_RWX],
         objects=[RWOP1, RWX], pre=None, want=RWOP),
    case(A, "two conflicts, unschedulable", pod=_unbound(POD_TWO_CONFLICTS), pods=[POD_TWO, POD_RWX],
         objects=[RWOP1, RWOP2, RWX], pre=None, want=RWOP),
]


@pytest.mark.parametrize("c", CASES)
def test_volume_restrictions(c: dict[str, Any]) -> None:
    c = {**c, "nodes": [node("node-1")]}
    result = run("VolumeRestrictions", c, points=("PreFilter", "Filter"))
    assert as_tuple(result.pre_filter) == c["pre"]
    if c["pre"] is None:  # if PreFilter fails, then Filter will not run
        assert as_tuple(result.filter["node-1"]) == c["want"]


D = "Test_isSchedulableAfterPodDeleted"
DELETED = [
    case(D, "queue-new-object-gcedisk-conflict", pod=with_volume(GCE[0]), old=with_volume(GCE[0]), want=True),
    case(D, "skip-new-object-gcedisk-no-conflict", pod=with_volume(GCE[0]), old=with_volume(GCE[1]), want=False),
    case(D, "queue-new-object-awsdisk-conflict", pod=with_volume(AWS[0]), old=with_volume(AWS[0]), want=True),
    case(D, "skip-new-object-awsdisk-no-conflict", pod=with_volume(AWS[0]), old=with_volume(AWS[1]), want=False),
    case(D, "queue-new-object-rbddisk-conflict", pod=with_volume(RBD[0]), old=with_volume(RBD[0]), want=True),
    case(D, "skip-new-object-rbddisk-no-conflict", pod=with_volume(RBD[0]), old=with_volume(RBD[1]), want=False),
    case(D, "queue-new-object-iscsidisk-conflict", pod=with_volume(ISCSI[0]), old=with_volume(ISCSI[0]), want=True),
    case(D, "skip-new-object-iscsidisk-no-conflict", pod=with_volume(ISCSI[0]), old=with_volume(ISCSI[1]),
         want=False),
    case(D, "queue-has-same-claim", pod=pod_with_claims("pod1", "claim-rwop"),
         old=pod_with_claims("pod2", "claim-rwop"), want=True),
    case(D, "skip-no-same-claim", pod=pod_with_claims("pod1", "claim-1-rwop"),
         old=pod_with_claims("pod2", "claim-2-rwop"), want=False),
]


def _pi(p: dict[str, Any]) -> PodInfo:
    md = {"name": "p", **p["metadata"]}
    return PodInfo({"metadata": md, "spec": p["spec"]})


@pytest.mark.parametrize("c", DELETED)
def test_is_schedulable_after_pod_deleted(c: dict[str, Any]) -> None:
    assert VolumeRestrictions(None, None).queueing_hint(fwk.POD_DELETE, _pi(c["pod"]), c["old"], None) is c["want"]


PVC1 = pvc("claim-with-rwx-1", modes=["ReadWriteMany"])
PVC2 = pvc("claim-with-rwx-2", modes=["ReadWriteMany"])
P_ONE = pod_with_claims("pod-with-one-pvc", "claim-with-rwx-1", node="node-1")
P_TWO = pod_with_claims("pod-with-two-pvcs", "claim-with-rwx-1", "claim-with-rwx-2", node="node-1")
P_OTHER_NS = pod_with_claims("pod-with-one-pvc", "claim-with-rwx-1", ns="kube-system", node="claim-with-rwx-2")
C = "Test_isSchedulableAfterPersistentVolumeClaimChange"
CLAIMS = [
    case(C, "queue-new-object-pvc-belong-pod", pod=P_TWO, new=PVC1, want=True),
    case(C, "skip-new-object-unused", pod=P_ONE, new=PVC2, want=False),
    case(C, "skip-nil-old-object", pod=P_ONE, new=PVC2, want=False),
    case(C, "skip-new-object-not-belong-pod", pod=P_ONE, new=PVC2, want=False),
    case(C, "skip-new-object-namespace-not-equal-pod", pod=P_OTHER_NS, new=PVC1, want=False),
]


@pytest.mark.parametrize("c", CLAIMS)
def test_is_schedulable_after_pvc_change(c: dict[str, Any]) -> None:
    assert VolumeRestrictions(None, None).queueing_hint(fwk.PVC_ADD, _pi(c["pod"]), None, c["new"]) is c["want"]
