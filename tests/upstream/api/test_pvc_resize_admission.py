"""kubernetes plugin/pkg/admission/storage/persistentvolume/resize/admission_test.go: the PersistentVolumeClaimResize
admission plugin (kspec/api/validation_storage.py admit_resize) against classes gold (expandable) and silver."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation_storage import admit_resize
from kspec.errors import ApiError
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes plugin/pkg/admission/storage/persistentvolume/resize/admission_test.go"

CLASSES = {"gold": {"metadata": {"name": "gold"}, "provisioner": "kubernetes.io/glusterfs",
                    "allowVolumeExpansion": True},
           "silver": {"metadata": {"name": "silver"}, "provisioner": "kubernetes.io/glusterfs",
                      "allowVolumeExpansion": False}}
DYNAMIC = ("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must "
           "support resize")


class _Store:
    """The storage class lister the plugin reads."""

    def get(self, resource: str, namespace: str, name: str) -> dict | None:
        return CLASSES.get(name) if resource == "storageclasses" else None


class _API:
    store = _Store()


def pvc(volume: str, request: str, capacity: str, phase: str, cls: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"resources": {"requests": {"storage": request}}}
    if volume:
        spec["volumeName"] = volume
    if cls is not None:
        spec["storageClassName"] = cls
    return {"metadata": {"name": "foo", "namespace": "default"}, "spec": spec,
            "status": {"capacity": {"storage": capacity}, "phase": phase}}


CASES = [
    case("TestPVCResizeAdmission", "pvc-resize, update, no error", old=pvc("volume1", "1Gi", "1Gi", "Bound", "gold"),
         new=pvc("volume1", "2Gi", "2Gi", "Bound", "gold"), error=None),
    case("TestPVCResizeAdmission", "pvc-resize, update, dynamically provisioned error",
         old=pvc("volume3", "1Gi", "1Gi", "Bound", None), new=pvc("volume3", "2Gi", "2Gi", "Bound", None),
         error=DYNAMIC),
    case("TestPVCResizeAdmission", "pvc-resize, update, dynamically provisioned error#01",
         old=pvc("volume4", "1Gi", "1Gi", "Bound", "silver"), new=pvc("volume4", "2Gi", "2Gi", "Bound", "silver"),
         error=DYNAMIC),
    case("TestPVCResizeAdmission", "PVC update with no change in size",
         old=pvc("", "1Gi", "0Gi", "Pending", "silver"), new=pvc("volume4", "1Gi", "1Gi", "Bound", "silver"),
         error=None),
    case("TestPVCResizeAdmission", "expand pvc in pending state", old=pvc("", "1Gi", "0Gi", "Pending", "silver"),
         new=pvc("", "2Gi", "0Gi", "Pending", "silver"), error="Only bound persistent volume claims can be expanded"),
]


@pytest.mark.parametrize("data", CASES)
def test_pvc_resize_admission(data: dict) -> None:
    if data["error"] is None:
        admit_resize(data["new"], data["old"], _API())
        return
    with pytest.raises(ApiError) as err:
        admit_resize(data["new"], data["old"], _API())
    assert data["error"] in err.value.message and err.value.code == 403
