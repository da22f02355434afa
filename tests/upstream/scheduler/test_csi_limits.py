"""NodeVolumeLimits (CSILimits): upstream's TestCSILimits table and its queueing hint tables."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler import framework as fwk
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.nodevolumelimits import NodeVolumeLimits
from tests.upstream.cases import case
from tests.upstream.scheduler.st import SKIP, UNRESOLVABLE, UNSCHED, as_tuple, node, run
from tests.upstream.scheduler.volumes import csi_node, pod_with_claims, pvc

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/nodevolumelimits/csi_test.go"
EBS = "ebs.csi.aws.com"
GCE = "pd.csi.storage.gke.io"
EBS_IN_TREE = "kubernetes.io/aws-ebs"
HOSTPATH_IN_TREE = "kubernetes.io/hostpath"
SC = "csi-sc"
NODE = "node-for-max-pd-test-1"
EXCEEDED = (UNSCHED, "node(s) exceed max volume count")
MIGRATION = "CSI migration (in-tree volumes counted as their CSI driver's) is not simulated"


def _pvc_pod(*claims: str) -> dict[str, Any]:
    """st.MakePod().PVC(...): an unnamed pod in the default namespace."""
    p = pod_with_claims("", *claims)
    del p["metadata"]["name"]
    return p


def _ephemeral_pod(uid: str, *names: str) -> dict[str, Any]:
    return {"metadata": {"name": "abc", "namespace": "test", "uid": uid},
            "spec": {"containers": [], "volumes": [{"name": n, "ephemeral": {}} for n in names]}}


def _ephemeral_claim(name: str, owner_uid: str | None) -> dict[str, Any]:
    claim = pvc(name, ns="test", cls=SC)
    if owner_uid is not None:
        claim["metadata"]["ownerReferences"] = [{"kind": "Pod", "name": "abc", "uid": owner_uid, "controller": True,
                                                 "apiVersion": "v1"}]
    return claim


def _with(*volumes: dict[str, Any], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"metadata": dict(meta or {}), "spec": {"containers": [], "volumes": [{"name": "", **v} for v in volumes]}}


RUNNING = _pvc_pod(f"csi-{EBS}-3")
PENDING = _pvc_pod("csi-4")
UNBOUND_2 = _pvc_pod("csi-4")
MISSING_PV = _pvc_pod("csi-6")
NO_SC = _pvc_pod("csi-5")
GCE_TWO = _pvc_pod(f"csi-{GCE}-1", f"csi-{GCE}-2")
IN_TREE_ONE = _pvc_pod(f"csi-{EBS_IN_TREE}-0")
IN_TREE_TWO = _pvc_pod(f"csi-{EBS_IN_TREE}-1", f"csi-{EBS_IN_TREE}-2")
EBS_ONE = _pvc_pod(f"csi-{EBS}-0")
EBS_TWO = _pvc_pod(f"csi-{EBS}-1", f"csi-{EBS}-2")
HOSTPATH_ONE = _pvc_pod(f"csi-{HOSTPATH_IN_TREE}-0")
EPHEMERAL = _ephemeral_pod("12345", "xyz")
EPHEMERAL_CLAIM = _ephemeral_claim("abc-xyz", "12345")
CONFLICTING_CLAIM = _ephemeral_claim("abc-xyz", None)
EPHEMERAL_TWO = _ephemeral_pod("12345II", "x", "y")
EPHEMERAL_X = _ephemeral_claim("abc-x", "12345II")
EPHEMERAL_Y = _ephemeral_claim("abc-y", "12345II")
INLINE = _with({"awsElasticBlockStore": {"volumeID": "aws-inline1"}})
INLINE_SAME_ID = _with({"awsElasticBlockStore": {"volumeID": f"csi-{EBS}-1"}})
CM_SECRET = _with({"configMap": {}}, {"secret": {}})
PVC_CM_SECRET = _with({"configMap": {}}, {"secret": {}}, {"persistentVolumeClaim": {"claimName": f"csi-{EBS}-0"}})
EPHEMERAL_CM_SECRET = _with({"configMap": {}}, {"secret": {}}, meta={"name": "abc", "namespace": "test"})
EPHEMERAL_CM_SECRET["spec"]["volumes"].append({"name": "xyz", "ephemeral": {}})
INLINE_CM_SECRET = _with({"configMap": {}}, {"secret": {}}, {"awsElasticBlockStore": {"volumeID": "aws-inline1"}})


def _pvs(drivers: list[str]) -> list[dict[str, Any]]:
    """getFakeCSIPVLister("csi", drivers...)."""
    out = []
    for driver in drivers:
        for j in range(4):
            name = f"csi-{driver}-{j}"
            if driver == EBS_IN_TREE:
                source: dict[str, Any] = {"awsElasticBlockStore": {"volumeID": name}}
            elif driver == HOSTPATH_IN_TREE:
                source = {"hostPath": {"path": "/tmp"}}
            else:
                source = {"csi": {"driver": driver, "volumeHandle": name}}
            out.append({"kind": "PersistentVolume", "metadata": {"name": name}, "spec": source})
    return out


def _pvcs(drivers: list[str]) -> list[dict[str, Any]]:
    """getFakeCSIPVCLister("csi", scName, drivers...)."""
    out = [pvc(f"csi-{d}-{j}", volume=f"csi-{d}-{j}") for d in drivers for j in range(4)]
    return [*out, pvc("csi-4", cls=SC), pvc("csi-5"), pvc("csi-6", cls=SC, volume="missing-in-action")]


def _vas(count: int, drivers: list[str]) -> list[dict[str, Any]]:
    """getFakeVolumeAttachmentLister."""
    return [{"kind": "VolumeAttachment", "metadata": {"name": f"va-{d}-{j}"},
             "spec": {"nodeName": NODE, "attacher": d, "source": {"persistentVolumeName": f"csi-{d}-{j}"}}}
            for d in drivers for j in range(count)]


def _c(name: str, new: dict[str, Any], existing: list[dict[str, Any]], drivers: list[str], limit_source: str,
       max_vols: int = 0, va_count: int = 0, extra: list[dict[str, Any]] | None = None, want: Any = None,
       pre: Any = None, **marks: Any) -> Any:
    objects: list[dict[str, Any]] = [*_pvs(drivers), *_pvcs(drivers), *(extra or []), *_vas(va_count, drivers),
                                     {"kind": "StorageClass", "metadata": {"name": SC}, "provisioner": drivers[0]}]
    if limit_source == "csinode":
        objects.append(csi_node(NODE, dict.fromkeys(drivers, max_vols)))
    elif limit_source == "csinode-with-no-limit":
        objects.append(csi_node(NODE, dict.fromkeys(drivers)))
    pods = []
    for i, p in enumerate(existing):
        p = {"metadata": {"name": f"existing-{i}", "namespace": "default", **p["metadata"]},
             "spec": {**p["spec"], "nodeName": NODE}}
        pods.append(p)
    return case("TestCSILimits", name, pod=new, pods=pods, nodes=[node(NODE, alloc={})], objects=objects, want=want,
                pre=pre, **marks)


CASES = [
    _c("should count VolumeAttachments towards volume limit when no pods exist", EBS_ONE, [], [EBS], "csinode", 2,
       va_count=2, want=EXCEEDED),
    _c("should schedule pod when VolumeAttachments count does not exceed limit", EBS_ONE, [], [EBS], "csinode", 2,
       va_count=1),
    _c("fits when node volume limit >= new pods CSI volume", EBS_ONE, [RUNNING, EBS_TWO], [EBS], "csinode", 4),
    _c("doesn't when node volume limit <= pods CSI volume", EBS_ONE, [RUNNING, EBS_TWO], [EBS], "csinode", 2,
       want=EXCEEDED),
    _c("should when driver does not support volume limits", EBS_ONE, [RUNNING, EBS_TWO], [EBS],
       "csinode-with-no-limit", 2),
    _c("count pending PVCs towards volume limit <= pods CSI volume", EBS_ONE, [PENDING, EBS_TWO], [EBS], "csinode", 2,
       want=EXCEEDED),
    _c("count multiple pending pvcs towards volume limit >= pods CSI volume", EBS_ONE, [PENDING, UNBOUND_2, EBS_TWO],
       [EBS], "csinode", 4),
    _c("should count PVCs with invalid PV name but valid SC", EBS_ONE, [MISSING_PV, EBS_TWO], [EBS], "csinode", 2,
       want=EXCEEDED),
    _c("don't count pvcs with missing SC towards volume limit", EBS_ONE, [RUNNING, NO_SC], [EBS], "csinode", 2),
    _c("count pvcs with the same type towards volume limit", EBS_ONE, [GCE_TWO, EBS_TWO], [EBS, GCE], "csinode", 2,
       want=EXCEEDED),
    _c("don't count pvcs with different type towards volume limit", GCE_TWO, [EBS_TWO, RUNNING], [EBS, GCE],
       "csinode", 2),
    _c("should count in-tree volumes if migration is enabled", IN_TREE_ONE, [IN_TREE_TWO], [EBS_IN_TREE, EBS],
       "csinode", 2, want=EXCEEDED, unmodelled=MIGRATION),
    _c("nil csi node", INLINE, [IN_TREE_TWO], [EBS_IN_TREE, EBS], ""),
    _c("should count unbound in-tree volumes if migration is enabled", PENDING, [IN_TREE_TWO], [EBS_IN_TREE, EBS],
       "csinode", 2, want=EXCEEDED, unmodelled=MIGRATION),
    _c("should not limit pod if volume used does not report limits", IN_TREE_ONE, [IN_TREE_TWO], [EBS_IN_TREE, EBS],
       "csinode-with-no-limit", 2),
    _c("should not count non-migratable in-tree volumes", HOSTPATH_ONE, [EBS_TWO], [HOSTPATH_IN_TREE, EBS],
       "csinode", 2),
    _c("should count in-tree inline volumes if migration is enabled", INLINE, [IN_TREE_TWO], [EBS_IN_TREE, EBS],
       "csinode", 2, want=EXCEEDED, unmodelled=MIGRATION),
    _c("should count in-tree and csi volumes if migration is enabled (when scheduling in-tree volumes)", IN_TREE_ONE,
       [EBS_TWO], [EBS_IN_TREE, EBS], "csinode", 2, want=EXCEEDED, unmodelled=MIGRATION),
    _c("should count in-tree, inline and csi volumes if migration is enabled (when scheduling in-tree volumes)",
       INLINE, [EBS_TWO, IN_TREE_ONE], [EBS_IN_TREE, EBS], "csinode", 3, want=EXCEEDED, unmodelled=MIGRATION),
    _c("should not count in-tree, inline and csi volumes if migration is enabled (when scheduling in-tree volumes)",
       INLINE_SAME_ID, [EBS_TWO, IN_TREE_ONE], [EBS_IN_TREE, EBS], "csinode", 3),
    _c("should count in-tree and csi volumes if migration is enabled (when scheduling csi volumes)", EBS_ONE,
       [IN_TREE_TWO], [EBS_IN_TREE, EBS], "csinode", 2, want=EXCEEDED, unmodelled=MIGRATION),
    _c("ephemeral volume missing", EPHEMERAL, [], [EBS], "csinode-with-no-limit",
       want=(UNRESOLVABLE, 'looking up PVC test/abc-xyz: persistentvolumeclaims "abc-xyz" not found')),
    _c("ephemeral volume not owned", EPHEMERAL, [], [EBS], "csinode-with-no-limit", extra=[CONFLICTING_CLAIM],
       want=("Error", "PVC test/abc-xyz was not created for pod test/abc (pod is not owner)")),
    _c("ephemeral volume unbound", EPHEMERAL, [], [EBS], "csinode-with-no-limit", extra=[EPHEMERAL_CLAIM]),
    _c("ephemeral doesn't when node volume limit <= pods CSI volume", EPHEMERAL, [RUNNING, EBS_TWO], [EBS], "csinode",
       2, extra=[EPHEMERAL_CLAIM], want=EXCEEDED),
    _c("ephemeral doesn't when node volume limit <= pods ephemeral CSI volume", EBS_ONE, [RUNNING, EPHEMERAL_TWO],
       [EBS], "csinode", 2, extra=[EPHEMERAL_X, EPHEMERAL_Y], want=EXCEEDED),
    _c("persistent doesn't when node volume limit <= pods ephemeral CSI volume + persistent volume, ephemeral "
       "disabled", EBS_ONE, [RUNNING, EPHEMERAL, EBS_TWO], [EBS], "csinode", 3, extra=[EPHEMERAL_CLAIM],
       want=EXCEEDED),
    _c("persistent doesn't when node volume limit <= pods ephemeral CSI volume + persistent volume", EBS_ONE,
       [RUNNING, EPHEMERAL, EBS_TWO], [EBS], "csinode", 3, extra=[EPHEMERAL_CLAIM], want=EXCEEDED),
    _c("persistent okay when node volume limit > pods ephemeral CSI volume + persistent volume", EBS_ONE,
       [RUNNING, EPHEMERAL, EBS_TWO], [EBS], "csinode", 5, extra=[EPHEMERAL_CLAIM]),
    _c("skip Filter when the pod only uses secrets and configmaps", CM_SECRET, [], [EBS], "csinode", 2, pre=SKIP),
    _c("don't skip Filter when the pod has pvcs", PVC_CM_SECRET, [], [EBS], "csinode", 2),
    _c("don't skip Filter when the pod has ephemeral volumes", EPHEMERAL_CM_SECRET, [], [EBS],
       "csinode-with-no-limit",
       want=(UNRESOLVABLE, 'looking up PVC test/abc-xyz: persistentvolumeclaims "abc-xyz" not found')),
    _c("don't skip Filter when the pod has inline migratable volumes", INLINE_CM_SECRET, [IN_TREE_TWO],
       [EBS_IN_TREE, EBS], "csinode", 2, want=EXCEEDED, unmodelled=MIGRATION),
]


def _lister_wording(status: Any) -> Any:
    """The fake PVC lister says "persistentvolumeclaims"; the informer's lister (kspec's wording) the singular."""
    if status is None or status == SKIP:
        return status
    return tuple(s.replace("persistentvolumeclaims ", "persistentvolumeclaim ") for s in status)


@pytest.mark.parametrize("c", CASES)
def test_csi_limits(c: dict[str, Any]) -> None:
    result = run("NodeVolumeLimits", c, points=("PreFilter", "Filter"))
    assert as_tuple(result.pre_filter) == c["pre"]
    if c["pre"] != SKIP:
        assert as_tuple(result.filter[NODE]) == _lister_wording(c["want"])


def _pi(p: dict[str, Any]) -> PodInfo:
    return PodInfo({"metadata": {"name": "p", "namespace": "default", **p["metadata"]}, "spec": p["spec"]})


Q = "TestCSILimitsQHint"
DELETED = [
    case(Q, "return a Queue when a deleted pod has a PVC", old=_pvc_pod("placeholder"), scheduled=True, want=True),
    case(Q, "return a Queue when a deleted pod has a inline migratable volume",
         old=_with({"awsElasticBlockStore": {}}), scheduled=True, want=True),
    case(Q, "return a QueueSkip when a deleted pod doesn't have any volume", old=_with(), scheduled=True, want=False),
    case(Q, "return a QueueSkip when a deleted pod is not scheduled.", old=_pvc_pod(f"csi-{EBS}-0"), scheduled=False,
         want=False),
]


@pytest.mark.parametrize("c", DELETED)
def test_csi_limits_deleted_pod_hint(c: dict[str, Any]) -> None:
    old = {"metadata": c["old"]["metadata"], "spec": {**c["old"]["spec"], "nodeName": NODE if c["scheduled"] else ""}}
    hint = NodeVolumeLimits(None, None).queueing_hint(fwk.POD_DELETE, _pi(_pvc_pod(f"csi-{EBS}-2")), old, None)
    assert hint is c["want"]


A = "TestCSILimitsAddedPVCQHint"
EPH_POD = {"metadata": {"name": "pod1", "namespace": "ns1"}, "spec": {"volumes": [{"name": "ephemeral",
                                                                                   "ephemeral": {}}]}}
ADDED = [
    case(A, "a pod isn't in the same namespace as an added PVC", pod=_with(meta={"namespace": "ns1"}),
         new=pvc("", ns="ns2"), want=False),
    case(A, "a pod is in the same namespace as an added PVC",
         pod=_with({"persistentVolumeClaim": {"claimName": "pvc1"}}, meta={"namespace": "ns1"}),
         new=pvc("pvc1", ns="ns1"), want=True),
    case(A, "a pod has an ephemeral volume related to an added PVC", pod=EPH_POD, new=pvc("pod1-ephemeral", ns="ns1"),
         want=True),
    case(A, "a pod doesn't have the same PVC as an added PVC",
         pod=_with({"persistentVolumeClaim": {"claimName": "pvc1"}}, meta={"namespace": "ns1"}),
         new=pvc("pvc2", ns="ns1"), want=False),
    case(A, "a pod doesn't have any PVC attached", pod=_with(meta={"namespace": "ns1"}), new=pvc("pvc2", ns="ns1"),
         want=False),
]


@pytest.mark.parametrize("c", ADDED)
def test_csi_limits_added_pvc_hint(c: dict[str, Any]) -> None:
    assert NodeVolumeLimits(None, None).queueing_hint(fwk.PVC_ADD, _pi(c["pod"]), None, c["new"]) is c["want"]


def _va(attacher: str, pv_name: str | None) -> dict[str, Any]:
    source: dict[str, Any] = {"persistentVolumeName": pv_name} if pv_name else {
        "inlineVolumeSpec": {"csi": {"driver": attacher}}}
    return {"metadata": {"name": "volumeattachment1"},
            "spec": {"nodeName": "fake-node", "attacher": attacher, "source": source}}


V = "TestCSILimitsDeletedVolumeAttachmentQHint"
AWS_INLINE = {"awsElasticBlockStore": {"volumeID": "test"}}
CLAIM = {"persistentVolumeClaim": {"claimName": "pvc1"}}
NS1 = {"namespace": "ns1"}
VA_DELETED = [
    case(V, "a pod has PVC when VolumeAttachment is deleting", pod=_with(CLAIM, meta=NS1),
         va=_va("test.storage.gke.io", "pv1"), want=True),
    case(V, "a pod has an Inline Migratable volume (AWSEBSDriver) when VolumeAttachment (AWSEBSDriver) is deleting "
         "(match)", pod=_with(AWS_INLINE, meta=NS1), va=_va(EBS, None), want=True),
    case(V, "a pod has an Inline Migratable volume (GCEPDDriver) when VolumeAttachment (AWSEBSDriver) is deleting "
         "(no match)", pod=_with({"gcePersistentDisk": {"pdName": "test"}}, meta=NS1), va=_va(EBS, None), want=False),
    case(V, "a pod has an Inline Migratable volume (AWSEBSDriver) and PVC when VolumeAttachment (AWSEBSDriver) is "
         "deleting", pod=_with(AWS_INLINE, CLAIM, meta=NS1), va=_va(EBS, None), want=True),
    case(V, "a pod has an Inline Migratable volume (AWSEBSDriver) and PVC when VolumeAttachment (AWSEBSDriver)  is "
         "deleting", pod=_with(AWS_INLINE, CLAIM, meta=NS1), va=_va("test.storage.gke.io", "pv1"), want=True),
    case(V, "a pod has no PVC when VolumeAttachment is deleting", pod=_with(meta=NS1),
         va=_va("test.storage.gke.io", "pv1"), want=False),
]


@pytest.mark.parametrize("c", VA_DELETED)
def test_csi_limits_deleted_volume_attachment_hint(c: dict[str, Any]) -> None:
    hint = NodeVolumeLimits(None, None).queueing_hint(fwk.VOLUME_ATTACHMENT_DELETE, _pi(c["pod"]), c["va"], None)
    assert hint is c["want"]


U = "TestCSILimitsAfterCSINodeUpdatedQHint"
UPDATED = [
    case(U, "limit raised, queue", old=1, new=2, want=True),
    case(U, "limit decreased, skip queueing", old=2, new=1, want=False),
    case(U, "limit unchanged, skip queueing", old=1, new=1, want=False),
]


@pytest.mark.parametrize("c", UPDATED)
def test_csi_limits_after_csinode_updated_hint(c: dict[str, Any]) -> None:
    p = _with({"persistentVolumeClaim": {"claimName": f"csi-{EBS}-0"}}, meta={"name": "test-pod", "namespace": "ns1"})
    old, new = csi_node("test-node", {EBS: c["old"]}), csi_node("test-node", {EBS: c["new"]})
    assert NodeVolumeLimits(None, None).queueing_hint(fwk.CSI_NODE_UPDATE, _pi(p), old, new) is c["want"]
