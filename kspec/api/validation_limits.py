"""Size limits and reserved ranges: ConfigMap/Secret data size, PriorityClass values and names.

Upstream: pkg/apis/core/validation ValidateConfigMap / ValidateSecret (api.MaxSecretSize, 1 MiB,
counted in bytes after base64 decoding), pkg/apis/scheduling/validation ValidatePriorityClass
(HighestUserDefinablePriority, the system- prefix and IsKnownSystemPriorityClass).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from kspec.api.validation import TOO_LONG, FieldError, forbidden, not_supported

MAX_SECRET_SIZE = 1024 * 1024  # api.MaxSecretSize
HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000  # scheduling.HighestUserDefinablePriority
SYSTEM_PRIORITY_CLASS_PREFIX = "system-"
#: scheduling.SystemPriorityClasses(): name -> value (globalDefault false for both)
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2_000_001_000, "system-cluster-critical": 2_000_000_000}


def too_long(path: str, limit: int) -> FieldError:
    """field.TooLong with the byte limit."""
    return FieldError(TOO_LONG, path, "", f"must have at most {limit} bytes")


def _decoded_len(text: Any) -> int:
    try:
        return len(base64.b64decode(str(text).replace("\n", "").replace("\r", ""), validate=True))
    except (binascii.Error, ValueError):
        return len(str(text))


def validate_data_size(obj: dict[str, Any]) -> list[FieldError]:
    """The total size of a ConfigMap's data and binaryData, or a Secret's data, is at most 1 MiB."""
    if obj.get("kind") == "Secret":
        total = sum(_decoded_len(v) for v in (obj.get("data") or {}).values())
        total += sum(len(str(v).encode()) for v in (obj.get("stringData") or {}).values())
        return [too_long("data", MAX_SECRET_SIZE)] if total > MAX_SECRET_SIZE else []
    total = sum(len(str(v).encode()) for v in (obj.get("data") or {}).values())
    total += sum(_decoded_len(v) for v in (obj.get("binaryData") or {}).values())
    # ValidateConfigMap passes an empty path: the error is about the whole object
    return [too_long("", MAX_SECRET_SIZE)] if total > MAX_SECRET_SIZE else []


def validate_annotations_size(annotations: Any, path: str) -> list[FieldError]:
    """ValidateAnnotationsSize: keys and values together at most 256 KiB, counted in bytes."""
    limit = 256 * 1024  # TotalAnnotationSizeLimitB
    total = sum(len(str(k).encode()) + len(str(v).encode()) for k, v in (annotations or {}).items())
    return [too_long(path, limit)] if total > limit else []


def _system_class_error(name: str, value: Any, global_default: Any) -> str | None:
    """IsKnownSystemPriorityClass's error, or None for a known system class as defined."""
    if name not in SYSTEM_PRIORITY_CLASSES:
        return f"{name} is not a known system priority class"
    if value != SYSTEM_PRIORITY_CLASSES[name]:
        return f"value of {name} PriorityClass must be {SYSTEM_PRIORITY_CLASSES[name]}"
    if bool(global_default):
        return f"globalDefault of {name} PriorityClass must be false"
    return None


def validate_priority_class_rules(obj: dict[str, Any]) -> list[FieldError]:
    """ValidatePriorityClass beyond metadata: reserved names and values, preemptionPolicy."""
    name = str((obj.get("metadata") or {}).get("name") or "")
    value = obj.get("value") or 0
    errs: list[FieldError] = []
    if name.startswith(SYSTEM_PRIORITY_CLASS_PREFIX):
        problem = _system_class_error(name, value, obj.get("globalDefault"))
        if problem is not None:
            errs.append(forbidden("metadata.name", f"priority class names with '{SYSTEM_PRIORITY_CLASS_PREFIX}' "
                                  f"prefix are reserved for system use only. error: {problem}"))
    elif value > HIGHEST_USER_DEFINABLE_PRIORITY:
        errs.append(forbidden("value", "maximum allowed value of a user defined priority is "
                              f"{HIGHEST_USER_DEFINABLE_PRIORITY}"))
    policy = obj.get("preemptionPolicy")
    if policy is not None and policy not in ("Never", "PreemptLowerPriority"):
        # ValidatePreemptionPolicy
        errs.append(not_supported("preemptionPolicy", policy, ["Never", "PreemptLowerPriority"]))
    return errs
