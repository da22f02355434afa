"""kubectl get pv and get storageclass, as kubectl prints them."""

from __future__ import annotations

from datetime import UTC, datetime

from kspec.printers import table

NOW = datetime(2025, 1, 1, 1, 0, 0, tzinfo=UTC)
CREATED = "2025-01-01T00:00:00Z"


def test_pv_row() -> None:
    pv = {"metadata": {"name": "keep", "creationTimestamp": CREATED},
          "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadOnlyMany", "ReadWriteOnce"],
                   "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "manual",
                   "claimRef": {"namespace": "default", "name": "data"}, "volumeMode": "Filesystem"},
          "status": {"phase": "Released"}}
    head, rows = table("pv", [pv], NOW, wide=True)
    assert head == ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS",
                    "VOLUMEATTRIBUTESCLASS", "REASON", "AGE", "VOLUMEMODE"]
    assert rows == [["keep", "1Gi", "RWO,ROX", "Retain", "Released", "default/data", "manual", "<unset>", "",
                     "60m", "Filesystem"]]


def test_storageclass_row_marks_the_default() -> None:
    sc = {"metadata": {"name": "standard", "creationTimestamp": CREATED,
                       "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
          "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
          "volumeBindingMode": "WaitForFirstConsumer"}
    head, rows = table("storageclasses", [sc], NOW)
    assert head == ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]
    assert rows == [["standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", "false",
                     "60m"]]


def test_csidriver_row_defaults_attach_required_to_true() -> None:
    d = {"metadata": {"name": "ebs.csi.aws.com", "creationTimestamp": CREATED},
         "spec": {"storageCapacity": True, "volumeLifecycleModes": ["Persistent"]}}
    head, rows = table("csidrivers", [d], NOW)
    assert head == ["NAME", "ATTACHREQUIRED", "PODINFOONMOUNT", "STORAGECAPACITY", "TOKENREQUESTS",
                    "REQUIRESREPUBLISH", "MODES", "AGE"]
    assert rows == [["ebs.csi.aws.com", "true", "false", "true", "<unset>", "false", "Persistent", "60m"]]


def test_csistoragecapacity_row() -> None:
    c = {"metadata": {"name": "csisc-ebs-z1", "namespace": "kube-system", "creationTimestamp": CREATED},
         "storageClassName": "ebs", "capacity": "1Gi"}
    head, rows = table("csistoragecapacities", [c], NOW)
    assert head == ["NAME", "STORAGECLASSNAME", "CAPACITY"]
    assert rows == [["csisc-ebs-z1", "ebs", "1Gi"]]

def test_volumeattachment_row() -> None:
    va = {"metadata": {"name": "csi-0123", "creationTimestamp": CREATED},
          "spec": {"attacher": "ebs.csi.aws.com", "nodeName": "node-1", "source": {"persistentVolumeName": "pvc-1"}},
          "status": {"attached": True}}
    head, rows = table("volumeattachments", [va], NOW)
    assert head == ["NAME", "ATTACHER", "PV", "NODE", "ATTACHED", "AGE"]
    assert rows == [["csi-0123", "ebs.csi.aws.com", "pvc-1", "node-1", "true", "60m"]]
