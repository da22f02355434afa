"""NodeVolumeLimits: the CSINode count the contract's step writes, the limit key, VolumeAttachments."""

from __future__ import annotations

import hashlib

from kspec.cluster import NodeSpec
from kspec.harness import Harness
from kspec.scheduler import evaluate
from kspec.scheduler.plugins.nodevolumelimits import csi_attach_limit_key, volume_limits
from kspec.steps.storage import attach_limit


def test_the_attach_limit_step_writes_a_csinode() -> None:
    k = Harness()
    c = k.new_cluster([NodeSpec("node-1")])
    attach_limit(k, "node-1", 2, "ebs.csi.aws.com")
    attach_limit(k, "node-1", 3, "pd.csi.storage.gke.io")
    attach_limit(k, "node-1", 5, "ebs.csi.aws.com")
    drivers = c.api.try_get("csinodes", "node-1", "")["spec"]["drivers"]
    assert [(d["name"], d["allocatable"]["count"]) for d in drivers] == [("pd.csi.storage.gke.io", 3),
                                                                          ("ebs.csi.aws.com", 5)]


def test_a_long_driver_name_is_hashed_into_the_limit_key() -> None:
    """GetCSIAttachLimitKey: keys stay within a resource name's 63 characters."""
    short = "ebs.csi.aws.com"
    assert csi_attach_limit_key(short) == "attachable-volumes-csi-ebs.csi.aws.com"
    long = "a-very-long-csi-driver-name.storage.example.com"
    key = csi_attach_limit_key(long)
    assert key == "attachable-volumes-csi-" + long[:23] + hashlib.sha1(long.encode()).hexdigest()[:16]
    assert len(key) <= 63


def test_node_allocatable_limits_are_overridden_by_the_csinode() -> None:
    node = {"status": {"allocatable": {"attachable-volumes-csi-ebs.csi.aws.com": "39", "cpu": "4"}}}
    csi_node = {"spec": {"drivers": [{"name": "ebs.csi.aws.com", "allocatable": {"count": 25}},
                                     {"name": "other", "nodeID": "n"}]}}
    assert volume_limits(node, None) == {"attachable-volumes-csi-ebs.csi.aws.com": 39}
    assert volume_limits(node, csi_node) == {"attachable-volumes-csi-ebs.csi.aws.com": 25}


def _pvc(name: str, volume: str = "") -> dict:
    spec: dict = {"storageClassName": "ebs"}
    if volume:
        spec["volumeName"] = volume
    return {"kind": "PersistentVolumeClaim", "metadata": {"name": name}, "spec": spec}


def test_a_volume_shared_with_a_pod_on_the_node_counts_once() -> None:
    objects = [
        {"kind": "StorageClass", "metadata": {"name": "ebs"}, "provisioner": "ebs.csi.aws.com"},
        {"kind": "PersistentVolume", "metadata": {"name": "pv-1"},
         "spec": {"csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-1"}}},
        _pvc("shared", "pv-1"), _pvc("fresh"),
        {"kind": "CSINode", "metadata": {"name": "n1"},
         "spec": {"drivers": [{"name": "ebs.csi.aws.com", "nodeID": "n1", "allocatable": {"count": 1}}]}},
    ]
    node = {"metadata": {"name": "n1"}}
    existing = {"metadata": {"name": "old"}, "spec": {"nodeName": "n1", "volumes": [
        {"name": "v", "persistentVolumeClaim": {"claimName": "shared"}}]}}

    def verdict(claim: str) -> str:
        pod = {"metadata": {"name": "p"}, "spec": {"volumes": [{"name": "v", "persistentVolumeClaim":
                                                                {"claimName": claim}}]}}
        status = evaluate("NodeVolumeLimits", pod, [node], pods=[existing], objects=objects).filter["n1"]
        return status.message or status.code.title

    assert verdict("shared") == "Success"
    assert verdict("fresh") == "node(s) exceed max volume count"


def test_volume_attachments_count_towards_the_limit() -> None:
    objects = [
        {"kind": "StorageClass", "metadata": {"name": "ebs"}, "provisioner": "ebs.csi.aws.com"},
        _pvc("fresh"),
        {"kind": "CSINode", "metadata": {"name": "n1"},
         "spec": {"drivers": [{"name": "ebs.csi.aws.com", "nodeID": "n1", "allocatable": {"count": 1}}]}},
        {"kind": "VolumeAttachment", "metadata": {"name": "va-1"},
         "spec": {"nodeName": "n1", "attacher": "ebs.csi.aws.com", "source": {"persistentVolumeName": "gone"}}},
    ]
    pod = {"metadata": {"name": "p"}, "spec": {"volumes": [{"name": "v", "persistentVolumeClaim":
                                                            {"claimName": "fresh"}}]}}
    status = evaluate("NodeVolumeLimits", pod, [{"metadata": {"name": "n1"}}], objects=objects).filter["n1"]
    assert status.message == "node(s) exceed max volume count"
