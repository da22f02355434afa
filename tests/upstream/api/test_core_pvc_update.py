"""kubernetes pkg/apis/core/validation/validation_test.go TestValidatePersistentVolumeClaimUpdate, against
kspec/api/validation_storage.py validate_pvc_update (called directly, as ValidatePersistentVolumeClaimUpdate is)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.api.validation_storage import validate_pvc_update
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

RWO, ROX, RWOP = "ReadWriteOnce", "ReadOnlyMany", "ReadWriteOncePod"
BETA = "volume.beta.kubernetes.io/storage-class"
GATE_GA = "the feature gate is GA and locked on: the gate-disabled behaviour cannot be reached"


def claim(modes: tuple[str, ...], size: str = "10G", *, volume: str = "", mode: str | None = None,
          phase: str | None = None, capacity: str | None = None, anns: dict | None = None,
          cls: str | None = None, vac: str | None = None, data_source: dict | None = None,
          data_source_ref: dict | None = None) -> dict[str, Any]:
    """testVolumeClaim, testVolumeClaimWithStatus, testVolumeClaimStorageClass(...), testVolumeClaimAnnotation."""
    spec: dict[str, Any] = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    for key, value in (("volumeName", volume or None), ("volumeMode", mode), ("storageClassName", cls),
                       ("volumeAttributesClassName", vac), ("dataSource", data_source),
                       ("dataSourceRef", data_source_ref)):
        if value is not None:
            spec[key] = value
    status: dict[str, Any] = {}
    if phase:
        status["phase"] = phase
    if capacity:
        status["capacity"] = {"storage": capacity}
    md: dict[str, Any] = {"name": "foo", "namespace": "ns", "resourceVersion": "1"}
    if anns:
        md["annotations"] = dict(anns)
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": md, "spec": spec, "status": status}


VALID = claim((RWO, ROX), phase="Bound")
VALID_SC = claim((ROX,), anns={BETA: "fast"})
VALID_ANNOTATION = claim((ROX,), anns={"description": "foo-description"})
VALID_UPDATE = claim((RWO, ROX), volume="volume")
INVALID_RESOURCES = claim((RWO, ROX), "20G", volume="volume")
INVALID_MODES = claim((RWO,), volume="volume")
MODE_FILE = claim((RWO,), volume="volume", mode="Filesystem")
MODE_BLOCK = claim((RWO,), volume="volume", mode="Block")
MODE_NIL = claim((RWO,), volume="volume")
INVALID_SC = claim((ROX,), volume="volume", anns={BETA: "fast2"})
MUTABLE_ANNOTATION = claim((ROX,), volume="volume", anns={"description": "updated-or-added-foo-description"})
ADD_ANNOTATION = claim((RWO, ROX), volume="volume", anns={"description": "updated-or-added-foo-description"})
SIZE_UPDATE = claim((RWO, ROX), "15G", phase="Bound")
INVALID_SIZE = claim((RWO, ROX), "5G", phase="Bound")
UNBOUND_SIZE = claim((RWO, ROX), "12G", phase="Pending")
SC_IN_SPEC = claim((ROX,), cls="fast")
SC_IN_SPEC_CHANGED = claim((ROX,), cls="fast2")
SC_NIL = claim((ROX,))
INVALID_SC_IN_SPEC = claim((ROX,), cls="fast2")
SC_ANN_AND_SPEC = claim((ROX,), anns={BETA: "fast"}, cls="fast")
SC_ANN_NIL_SPEC = claim((ROX,), anns={BETA: "fast"})
INVALID_SC_ANN_AND_SPEC = claim((ROX,), anns={BETA: "fast2"}, cls="fast")
RWOP_CLAIM = claim((RWOP,), volume="volume")
RWOP_ANNOTATION = claim((RWOP,), volume="volume", anns={"description": "updated-or-added-foo-description"})
SHRINK_INITIAL = claim((RWO, ROX), "15G", phase="Bound", capacity="10G")
UNBOUND_SHRINK = claim((RWO, ROX), "12G", phase="Pending", capacity="10G")
SHRINK = claim((RWO, ROX), "13G", phase="Bound", capacity="10G")
SHRINK_TO_STATUS = claim((RWO, ROX), "10G", phase="Bound", capacity="10G")
INVALID_SHRINK = claim((RWO, ROX), "3G", phase="Bound", capacity="10G")
DATA_SOURCE = claim((RWO,), volume="volume", mode="Filesystem",
                    data_source={"apiGroup": "^invalid", "kind": "Foo", "name": "foo"})
DATA_SOURCE_REF = claim((RWO,), volume="volume", mode="Filesystem",
                        data_source_ref={"apiGroup": "^invalid", "kind": "Foo", "name": "foo"})
VAC_NIL = claim((RWO, ROX), phase="Bound")
VAC_EMPTY = claim((RWO, ROX), phase="Bound", vac="")
VAC1 = claim((RWO, ROX), phase="Bound", vac="vac1")
VAC2 = claim((RWO, ROX), phase="Bound", vac="vac2")


def pending(c: dict) -> dict:
    clone = copy.deepcopy(c)
    clone["status"]["phase"] = "Pending"
    return clone


def scenario(name: str, old: dict, new: dict, fails: bool, **marks: str) -> Any:
    return case("TestValidatePersistentVolumeClaimUpdate", name, old=old, new=new, fails=fails, **marks)


CASES = [
    scenario("valid-update-volumeName-only", VALID, VALID_UPDATE, False),
    scenario("valid-no-op-update", VALID_UPDATE, VALID_UPDATE, False),
    scenario("invalid-update-change-resources-on-bound-claim", VALID_UPDATE, INVALID_RESOURCES, True),
    scenario("invalid-update-change-access-modes-on-bound-claim", VALID_UPDATE, INVALID_MODES, True),
    scenario("valid-update-volume-mode-block-to-block", MODE_BLOCK, MODE_BLOCK, False),
    scenario("valid-update-volume-mode-file-to-file", MODE_FILE, MODE_FILE, False),
    scenario("invalid-update-volume-mode-to-block", MODE_FILE, MODE_BLOCK, True),
    scenario("invalid-update-volume-mode-to-file", MODE_BLOCK, MODE_FILE, True),
    scenario("invalid-update-volume-mode-nil-to-file", MODE_NIL, MODE_FILE, True),
    scenario("invalid-update-volume-mode-nil-to-block", MODE_NIL, MODE_BLOCK, True),
    scenario("invalid-update-volume-mode-block-to-nil", MODE_BLOCK, MODE_NIL, True),
    scenario("invalid-update-volume-mode-file-to-nil", MODE_FILE, MODE_NIL, True),
    scenario("invalid-update-volume-mode-empty-to-mode", VALID, MODE_BLOCK, True),
    scenario("invalid-update-volume-mode-mode-to-empty", MODE_BLOCK, VALID, True),
    scenario("invalid-update-change-storage-class-annotation-after-creation", VALID_SC, INVALID_SC, True),
    scenario("valid-update-mutable-annotation", VALID_ANNOTATION, MUTABLE_ANNOTATION, False),
    scenario("valid-update-add-annotation", VALID, ADD_ANNOTATION, False),
    scenario("valid-size-update-resize-disabled", VALID, SIZE_UPDATE, False),
    scenario("valid-size-update-resize-enabled", VALID, SIZE_UPDATE, False),
    scenario("invalid-size-update-resize-enabled", VALID, INVALID_SIZE, True,
             unreachable=GATE_GA + " (RecoverVolumeExpansionFailure: a shrink above an empty status.capacity is "
             "allowed)"),
    scenario("unbound-size-update-resize-enabled", VALID, UNBOUND_SIZE, True),
    scenario("valid-upgrade-storage-class-annotation-to-spec", VALID_SC, SC_IN_SPEC, False),
    scenario("valid-upgrade-nil-storage-class-spec-to-spec", SC_NIL, SC_IN_SPEC, False),
    scenario("invalid-upgrade-not-nil-storage-class-spec-to-spec", SC_IN_SPEC, SC_IN_SPEC_CHANGED, True),
    scenario("invalid-upgrade-to-nil-storage-class-spec-to-spec", SC_IN_SPEC, SC_NIL, True),
    scenario("valid-upgrade-storage-class-annotation-and-nil-spec-to-spec-retro", SC_ANN_NIL_SPEC, SC_ANN_AND_SPEC,
             False),
    scenario("invalid-upgrade-storage-class-annotation-and-spec-to-spec-retro", SC_ANN_AND_SPEC, SC_IN_SPEC_CHANGED,
             True),
    scenario("invalid-upgrade-storage-class-annotation-and-no-spec", SC_ANN_NIL_SPEC, SC_IN_SPEC_CHANGED, True),
    scenario("invalid-upgrade-storage-class-annotation-to-spec", VALID_SC, INVALID_SC_IN_SPEC, True),
    scenario("valid-upgrade-storage-class-annotation-to-annotation-and-spec", VALID_SC, SC_ANN_AND_SPEC, False),
    scenario("invalid-upgrade-storage-class-annotation-to-annotation-and-spec", VALID_SC, INVALID_SC_ANN_AND_SPEC,
             True),
    scenario("invalid-upgrade-storage-class-in-spec", SC_IN_SPEC, INVALID_SC_IN_SPEC, True),
    scenario("invalid-downgrade-storage-class-spec-to-annotation", SC_IN_SPEC, VALID_SC, True),
    scenario("valid-update-rwop-used-and-rwop-feature-disabled", RWOP_CLAIM, RWOP_ANNOTATION, False),
    scenario("valid-expand-shrink-resize-enabled", SHRINK_INITIAL, SHRINK, False),
    scenario("invalid-expand-shrink-resize-enabled", SHRINK_INITIAL, INVALID_SHRINK, True),
    scenario("invalid-expand-shrink-to-status-resize-enabled", SHRINK_INITIAL, SHRINK_TO_STATUS, True),
    scenario("invalid-expand-shrink-recover-disabled", SHRINK_INITIAL, SHRINK, True,
             unreachable=GATE_GA + " (RecoverVolumeExpansionFailure)"),
    scenario("unbound-size-shrink-resize-enabled", SHRINK_INITIAL, UNBOUND_SHRINK, True),
    scenario("allow-update-pvc-when-data-source-used", DATA_SOURCE, DATA_SOURCE, False),
    scenario("allow-update-pvc-when-data-source-ref-used", DATA_SOURCE_REF, DATA_SOURCE_REF, False),
    scenario("valid-update-volume-attributes-class-from-nil", VAC_NIL, VAC1, False),
    scenario("valid-update-volume-attributes-class-from-empty", VAC_EMPTY, VAC1, False),
    scenario("valid-update-volume-attributes-class", VAC1, VAC2, False),
    scenario("invalid-update-volume-attributes-class", VAC1, VAC_NIL, True),
    scenario("invalid-update-volume-attributes-class-to-nil", VAC1, VAC_NIL, True),
    scenario("invalid-update-volume-attributes-class-to-empty", VAC1, VAC_EMPTY, True),
    scenario("invalid-update-volume-attributes-class-when-claim-not-bound", pending(VAC1), pending(VAC2), True),
    scenario("invalid-update-volume-attributes-class-to-nil-without-featuregate-enabled", VAC1, VAC_NIL, True),
    scenario("invalid-update-volume-attributes-class-without-featuregate-enabled", VAC1, VAC2, True,
             unreachable=GATE_GA + " (VolumeAttributesClass)"),
]


@pytest.mark.parametrize("data", CASES)
def test_validate_persistent_volume_claim_update(data: dict) -> None:
    errs = validate_pvc_update(data["new"], data["old"])
    assert bool(errs) is data["fails"], [str(e) for e in errs]
