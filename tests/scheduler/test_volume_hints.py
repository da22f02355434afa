"""The volume plugins' queueing hints: which storage events bring a rejected pod back."""

from __future__ import annotations

from kspec.scheduler import framework as fwk
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.volumebinding import VolumeBinding

POD = PodInfo({"metadata": {"name": "web", "namespace": "default"},
               "spec": {"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}},
                                    {"name": "c", "csi": {"driver": "ebs.csi.aws.com"}}]}})


def hint(event: str, old: object, new: object) -> bool:
    return VolumeBinding(None, None).queueing_hint(event, POD, old, new)


def test_claim_events_of_the_pods_own_claims() -> None:
    mine = {"metadata": {"name": "data", "namespace": "default"}}
    assert hint(fwk.PVC_ADD, None, mine)
    assert not hint(fwk.PVC_ADD, None, {"metadata": {"name": "data", "namespace": "other"}})
    assert not hint(fwk.PVC_UPDATE, mine, {"metadata": {"name": "logs", "namespace": "default"}})


def test_storage_class_updates_matter_for_allowed_topologies_only() -> None:
    old = {"metadata": {"name": "sc"}, "allowedTopologies": [{"matchLabelExpressions": [{"key": "z",
                                                                                        "values": ["a"]}]}]}
    new = {**old, "allowedTopologies": [{"matchLabelExpressions": [{"key": "z", "values": ["b"]}]}]}
    assert hint(fwk.STORAGE_CLASS_ADD, None, new)
    assert hint(fwk.STORAGE_CLASS_UPDATE, old, new)
    assert not hint(fwk.STORAGE_CLASS_UPDATE, old, {**old, "metadata": {"name": "sc", "labels": {"x": "y"}}})


def test_csinode_updates_matter_for_migrated_plugins_only() -> None:
    ann = "storage.alpha.kubernetes.io/migrated-plugins"
    old = {"metadata": {"name": "n", "annotations": {ann: ""}}}
    assert hint(fwk.CSI_NODE_ADD, None, old)
    assert hint(fwk.CSI_NODE_UPDATE, old, {"metadata": {"name": "n", "annotations": {ann: "kubernetes.io/gce-pd"}}})
    assert not hint(fwk.CSI_NODE_UPDATE, old, {"metadata": {"name": "n", "annotations": {ann: ""}, "labels": {}}})


def test_storage_capacity_that_grows() -> None:
    old = {"metadata": {"name": "cap"}, "capacity": "1Gi"}
    assert hint(fwk.CSI_STORAGE_CAPACITY_ADD, None, old)
    assert hint(fwk.CSI_STORAGE_CAPACITY_UPDATE, old, {**old, "capacity": "2Gi"})
    assert not hint(fwk.CSI_STORAGE_CAPACITY_UPDATE, old, {**old, "capacity": "512Mi"})
    assert not hint(fwk.CSI_STORAGE_CAPACITY_UPDATE, old, {**old, "maximumVolumeSize": "1Gi"})
    assert hint(fwk.CSI_STORAGE_CAPACITY_UPDATE, old, {**old, "maximumVolumeSize": "3Gi"})


def test_a_csi_driver_that_stops_tracking_capacity() -> None:
    tracking = {"metadata": {"name": "ebs.csi.aws.com"}, "spec": {"storageCapacity": True}}
    assert hint(fwk.CSI_DRIVER_UPDATE, tracking, {**tracking, "spec": {"storageCapacity": False}})
    assert not hint(fwk.CSI_DRIVER_UPDATE, tracking, tracking)
    other = {"metadata": {"name": "other"}, "spec": {"storageCapacity": True}}
    assert not hint(fwk.CSI_DRIVER_UPDATE, other, {**other, "spec": {}})
