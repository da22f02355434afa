"""Claim updates: what may change once a PersistentVolumeClaim exists, and who may grow it.

ValidatePersistentVolumeClaimUpdate (pkg/apis/core/validation) with RecoverVolumeExpansionFailure on (GA): the
spec is immutable but for a bound claim's storage request (and volumeAttributesClassName), a volumeName set once,
and a request may shrink only while it stays above status.capacity. The PersistentVolumeClaimResize admission
plugin (plugin/pkg/admission/storage/persistentvolume/resize) then allows growth only where the claim's
StorageClass says ``allowVolumeExpansion: true``.
"""

from __future__ import annotations

from typing import Any

from kspec.api.validation import FieldError, forbidden, invalid
from kspec.errors import ApiError
from kspec.objects import Obj, clone
from kspec.quantity import parse_quantity

MSG_IMMUTABLE = ("spec is immutable after creation except resources.requests and volumeAttributesClassName for "
                 "bound claims")
MSG_SHRINK = "field can not be less than status.capacity"
MSG_RESIZE = ("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must "
              "support resize")


def _request(claim: Obj) -> Any:
    return parse_quantity((((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}).get(
        "storage", "0"))


BETA_CLASS = "volume.beta.kubernetes.io/storage-class"


def _upgrade_from_annotation(old: Obj, new: Obj) -> bool:
    """validateStorageClassUpgradeFromAnnotation: the beta annotation's class moves into an unset spec field."""
    old_anns, new_anns = old["metadata"].get("annotations") or {}, new["metadata"].get("annotations") or {}
    new_class = (new.get("spec") or {}).get("storageClassName")
    return (BETA_CLASS in old_anns and (BETA_CLASS not in new_anns or new_anns[BETA_CLASS] == old_anns[BETA_CLASS])
            and (old.get("spec") or {}).get("storageClassName") is None and new_class == old_anns[BETA_CLASS])


def _upgrade_from_nil(old: Obj, new: Obj) -> bool:
    """validateStorageClassUpgradeFromNil: an unset class (no annotation either) may be set once (retroactive
    default StorageClass assignment)."""
    return (BETA_CLASS not in (old["metadata"].get("annotations") or {})
            and (old.get("spec") or {}).get("storageClassName") is None
            and bool((new.get("spec") or {}).get("storageClassName")))


def validate_pvc_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidatePersistentVolumeClaimUpdate's rules, with RecoverVolumeExpansionFailure and VolumeAttributesClass
    as GA has them."""
    errs: list[FieldError] = []
    new_spec, old_spec = clone(new.get("spec") or {}), clone(old.get("spec") or {})
    if not old_spec.get("volumeName"):
        old_spec["volumeName"] = new_spec.get("volumeName")  # volumeName may be set once
        if old_spec["volumeName"] is None:
            old_spec.pop("volumeName")
    if _upgrade_from_annotation(old, new):
        new_spec.pop("storageClassName", None)
    else:
        old_ann = (old["metadata"].get("annotations") or {}).get(BETA_CLASS)
        new_ann = (new["metadata"].get("annotations") or {}).get(BETA_CLASS)
        if new_ann != old_ann:  # ValidateImmutableAnnotation
            errs.append(invalid(f"metadata.annotations[{BETA_CLASS}]", new_ann or "", "field is immutable"))
        if _upgrade_from_nil(old, new):
            new_spec.pop("storageClassName", None)
    if old_spec.get("volumeAttributesClassName") is not None:
        if new_spec.get("volumeAttributesClassName") is None:
            errs.append(forbidden("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"))
        elif new_spec["volumeAttributesClassName"] == "":
            errs.append(forbidden("spec.volumeAttributesClassName",
                                  "update from non-nil value to an empty string is forbidden"))
    if (new.get("status") or {}).get("phase") == "Bound":
        for spec in (new_spec, old_spec):
            (spec.get("resources") or {}).get("requests", {}).pop("storage", None)
            spec.pop("volumeAttributesClassName", None)
    if new_spec != old_spec:
        errs.append(forbidden("spec", MSG_IMMUTABLE))
    capacity = parse_quantity(((old.get("status") or {}).get("capacity") or {}).get("storage", "0"))
    if _request(new) < _request(old) and _request(new) <= capacity:
        errs.append(forbidden("spec.resources.requests.storage", MSG_SHRINK))
    return errs


def admit_resize(new: Obj, old: Obj, api: Any) -> None:
    """PersistentVolumeClaimResize: growing a claim needs a bound claim of a class that allows expansion."""
    if _request(new) <= _request(old):
        return
    name = new["metadata"].get("name", "")
    if (old.get("status") or {}).get("phase") != "Bound":
        raise ApiError(403, "Forbidden", f'persistentvolumeclaims "{name}" is forbidden: Only bound persistent '
                       "volume claims can be expanded")
    cls_name = (new.get("spec") or {}).get("storageClassName") or ""
    cls = api.store.get("storageclasses", "", cls_name) if cls_name else None
    if cls is None or not cls.get("allowVolumeExpansion"):
        raise ApiError(403, "Forbidden", f'persistentvolumeclaims "{name}" is forbidden: {MSG_RESIZE}')
