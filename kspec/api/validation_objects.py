"""Validation of the plain core objects: Secret types, Namespaces, Endpoints and ResourceQuotas.

Upstream: pkg/apis/core/validation ValidateSecret / ValidateSecretUpdate (the per-type key rules),
ValidateNamespace, ValidateEndpoints (validateEndpointSubsets, validateEndpointAddress, validateEndpointPort,
ValidateEndpointIP), ValidateResourceQuota (ValidateResourceQuotaSpec, validateResourceQuotaScopes,
validateScopedResourceSelectorRequirement) and validateResourceName.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from kspec import labels as lbl
from kspec.api.validation import (
    FIELD_IMMUTABLE,
    IS_NEGATIVE,
    FieldError,
    _errors_for,
    child,
    duplicate,
    forbidden,
    index,
    invalid,
    is_dns1123_label,
    is_dns1123_subdomain,
    not_supported,
    required,
    validate_object_meta,
)
from kspec.api.validation_service import (
    _is_valid_ip,
    validate_app_protocol,
    validate_non_special_ip,
    validate_port_and_protocol,
)
from kspec.quantity import parse_quantity

Obj = dict[str, Any]

# --- Secrets -------------------------------------------------------------------------------------------------

SERVICE_ACCOUNT_NAME_KEY = "kubernetes.io/service-account.name"  # core.ServiceAccountNameKey
REDACTED = "<secret contents redacted>"


def _decoded(value: Any) -> bytes | None:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return None


def _json_object_error(raw: bytes) -> str | None:
    """json.Unmarshal into map[string]interface{}: the error text, or None when it is a JSON object."""
    text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        return "unexpected end of JSON input"
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            return "unexpected end of JSON input"
        return f"invalid character {text[exc.pos]!r} looking for beginning of value"
    if parsed is not None and not isinstance(parsed, dict):
        kind = {list: "array", str: "string", bool: "bool"}.get(type(parsed), "number")
        return f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
    return None


def validate_secret_type(obj: Obj) -> list[FieldError]:
    """ValidateSecret's per-type rules: the keys each well-known type needs."""
    kind = obj.get("type") or ""
    data = obj.get("data") or {}
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if kind == "kubernetes.io/service-account-token":
        if not annotations.get(SERVICE_ACCOUNT_NAME_KEY):
            return [required(index("metadata.annotations", SERVICE_ACCOUNT_NAME_KEY))]
    elif kind in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if kind == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key not in data:
            return [required(index("data", key))]
        raw = _decoded(data[key])
        error = _json_object_error(raw) if raw is not None else None
        if error:
            return [invalid(index("data", key), REDACTED, error)]
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            return [required(index("data", "username")), required(index("data", "password"))]
    elif kind == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            return [required(index("data", "ssh-privatekey"))]
    elif kind == "kubernetes.io/tls":
        return [required(index("data", key)) for key in ("tls.crt", "tls.key") if key not in data]
    return []


def validate_secret_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateSecretUpdate's own rule: the type is immutable."""
    if (new.get("type") or "") != (old.get("type") or ""):
        return [invalid("type", new.get("type") or "", FIELD_IMMUTABLE)]
    return []


# --- Namespaces ------------------------------------------------------------------------------------------------

STANDARD_FINALIZERS = {"kubernetes"}  # helper.IsStandardFinalizerName (core.FinalizerKubernetes)


def validate_finalizer_name(name: str, path: str) -> list[FieldError]:
    """validateFinalizerName: a qualified name, and a bare one must be a standard finalizer."""
    errs = _errors_for(path, name, lbl.validate_label_key(name))
    if not errs and "/" not in name and name not in STANDARD_FINALIZERS:
        errs.append(invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


def validate_namespace(obj: Obj) -> list[FieldError]:
    """ValidateNamespace: cluster-scoped metadata with a DNS-1123 label name, and valid spec.finalizers."""
    errs = validate_object_meta(obj, False, is_dns1123_label)
    for i, name in enumerate((obj.get("spec") or {}).get("finalizers") or []):
        errs.extend(validate_finalizer_name(str(name), index("spec.finalizers", i)))
    return errs


# --- Endpoints -------------------------------------------------------------------------------------------------



def _validate_endpoint_address(address: Obj, path: str) -> list[FieldError]:
    """validateEndpointAddress: a valid, non-special IP; hostname a DNS label; nodeName a DNS subdomain."""
    ip = str(address.get("ip") or "")
    errs: list[FieldError] = []
    ip_errs = _is_valid_ip(child(path, "ip"), ip)
    errs.extend(ip_errs)
    if address.get("hostname"):
        errs.extend(_errors_for(child(path, "hostname"), address["hostname"], is_dns1123_label(address["hostname"])))
    if address.get("nodeName"):  # kspec writes "" for a pod not yet on a node
        node = str(address["nodeName"])
        errs.extend(_errors_for(child(path, "nodeName"), node, is_dns1123_subdomain(node)))
    if not ip_errs:
        errs.extend(validate_non_special_ip(ip, child(path, "ip")))
    return errs


def _validate_endpoint_port(port: Obj, require_name: bool, path: str) -> list[FieldError]:
    """validateEndpointPort: name (required among several), port number, protocol, appProtocol."""
    errs: list[FieldError] = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(required(child(path, "name")))
    elif name:
        errs.extend(_errors_for(child(path, "name"), name, is_dns1123_label(name)))
    errs.extend(validate_port_and_protocol(port, path))
    errs.extend(validate_app_protocol(port, path))
    return errs


def validate_endpoints(obj: Obj) -> list[FieldError]:
    """ValidateEndpoints: metadata, then each subset's addresses and ports."""
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    for i, subset in enumerate(obj.get("subsets") or []):
        path = index("subsets", i)
        if not subset.get("addresses") and not subset.get("notReadyAddresses"):
            errs.append(required(path, "must specify `addresses` or `notReadyAddresses`"))
        for key in ("addresses", "notReadyAddresses"):
            for j, address in enumerate(subset.get(key) or []):
                errs.extend(_validate_endpoint_address(address or {}, index(child(path, key), j)))
        ports = subset.get("ports") or []
        for j, port in enumerate(ports):
            errs.extend(_validate_endpoint_port(port or {}, len(ports) > 1, index(child(path, "ports"), j)))
    return errs


# --- Resource names and quotas ---------------------------------------------------------------------------------

#: helper.standardResources: the bare names a resource list may use
STANDARD_RESOURCES = {
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
    "resourcequotas", "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports",
    "services.loadbalancers", "requests.storage", "storage",
}
#: helper.standardQuotaResources
STANDARD_QUOTA_RESOURCES = STANDARD_RESOURCES - {"storage"}
#: helper.integerResources: object counts
INTEGER_RESOURCES = {"pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
                     "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"}
QUOTA_SCOPES = {"Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
                "CrossNamespacePodAffinity", "VolumeAttributesClass"}
POD_OBJECT_COUNT = {"pods"}  # podObjectCountQuotaResources
POD_COMPUTE = {"cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"}
PVC_STORAGE = {"persistentvolumeclaims", "requests.storage"}  # the VolumeAttributesClass scope's resources
EXISTS_ONLY_SCOPES = {"BestEffort", "NotBestEffort", "Terminating", "NotTerminating", "CrossNamespacePodAffinity"}
CONFLICTING_SCOPES = ({"BestEffort", "NotBestEffort"}, {"Terminating", "NotTerminating"})
INVALID_QUOTA_RESOURCE = "must be a standard resource for quota"  # isInvalidQuotaResource
NOT_INTEGER = "must be an integer"  # isNotIntegerErrorMsg


def validate_resource_name(name: str, path: str) -> list[FieldError]:
    """validateResourceName: a qualified name; a bare one must be a standard resource (or hugepages-*)."""
    errs = _errors_for(path, name, lbl.validate_label_key(name))
    if errs:
        return errs
    if "/" not in name and name not in STANDARD_RESOURCES and not name.startswith("hugepages-"):
        return [invalid(path, name, "must be a standard resource type or fully qualified")]
    return []


def is_extended_resource(name: str) -> bool:
    """helper.IsExtendedResourceName: not native (no kubernetes.io domain), not requests.*, quota-qualifiable."""
    if "/" not in name or "kubernetes.io/" in name or name.startswith("requests."):
        return False
    return not lbl.validate_label_key("requests." + name)


def validate_quantity_value(name: str, value: Any, path: str) -> list[FieldError]:
    """ValidateResourceQuantityValue: not negative; object counts and extended resources whole numbers."""
    try:
        amount = parse_quantity(value)
    except ValueError as exc:
        return [invalid(path, value, str(exc))]
    errs: list[FieldError] = []
    if amount < 0:
        errs.append(invalid(path, str(value), IS_NEGATIVE))
    if (name in INTEGER_RESOURCES or is_extended_resource(name)) and (amount * 1000) % 1000 != 0:
        errs.append(invalid(path, str(value), NOT_INTEGER))
    return errs


def _scope_fits(scope: str, resource: str) -> bool:
    """helper.IsResourceQuotaScopeValidForResource."""
    if scope in ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"):
        return resource in POD_OBJECT_COUNT | POD_COMPUTE
    if scope == "BestEffort":
        return resource in POD_OBJECT_COUNT
    if scope == "VolumeAttributesClass":
        return resource in PVC_STORAGE
    return True


def _validate_scopes(spec: Obj, hard: list[str]) -> list[FieldError]:
    """validateResourceQuotaScopes."""
    scopes = list(spec.get("scopes") or [])
    errs: list[FieldError] = []
    for scope in scopes:
        if scope not in QUOTA_SCOPES:
            errs.append(invalid("spec.scopes", scopes, "unsupported scope"))
        errs.extend(invalid("spec.scopes", scopes, "unsupported scope applied to resource")
                    for name in hard if name in STANDARD_QUOTA_RESOURCES and not _scope_fits(scope, name))
    errs.extend(invalid("spec.scopes", scopes, "conflicting scopes")
                for pair in CONFLICTING_SCOPES if pair <= set(scopes))
    return errs


def _validate_scope_selector(spec: Obj, hard: list[str]) -> list[FieldError]:
    """validateScopedResourceSelectorRequirement."""
    selector = spec.get("scopeSelector")
    if not isinstance(selector, dict):
        return []
    path = "spec.scopeSelector.matchExpressions"
    errs: list[FieldError] = []
    names: set[str] = set()
    for req in selector.get("matchExpressions") or []:
        scope, operator, values = req.get("scopeName") or "", req.get("operator") or "", req.get("values") or []
        if scope not in QUOTA_SCOPES:
            errs.append(invalid(child(path, "scopeName"), scope, "unsupported scope"))
        errs.extend(invalid(path, selector, "unsupported scope applied to resource")
                    for name in hard if name in STANDARD_QUOTA_RESOURCES and not _scope_fits(scope, name))
        if scope in EXISTS_ONLY_SCOPES and operator != "Exists":
            errs.append(invalid(child(path, "operator"), operator,
                                "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, "
                                "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
                                "ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"))
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(required(child(path, "values"), "must be at least one value when `operator` is 'In' or "
                                                            "'NotIn' for scope selector"))
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errs.append(invalid(child(path, "values"), values,
                                    "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"))
        else:
            errs.append(invalid(child(path, "operator"), operator, "not a valid selector operator"))
        names.add(scope)
    errs.extend(invalid(path, selector, "conflicting scopes") for pair in CONFLICTING_SCOPES if pair <= names)
    return errs


def validate_resource_quota(obj: Obj) -> list[FieldError]:
    """ValidateResourceQuota: metadata, spec.hard names and values, scopes and the scope selector, status."""
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    spec = obj.get("spec") or {}
    hard = spec.get("hard") or {}
    for name in sorted(hard):
        path = index("spec.hard", name)
        errs.extend(validate_resource_name(name, path))
        if "/" not in name and name not in STANDARD_QUOTA_RESOURCES:
            errs.append(invalid(path, name, INVALID_QUOTA_RESOURCE))
        errs.extend(validate_quantity_value(name, hard[name], path))
    errs.extend(_validate_scopes(spec, sorted(hard)))
    errs.extend(_validate_scope_selector(spec, sorted(hard)))
    status = obj.get("status") or {}
    for bag in ("hard", "used"):
        for name, value in sorted((status.get(bag) or {}).items()):
            path = index(child("status", bag), name)
            errs.extend(validate_resource_name(name, path))
            errs.extend(validate_quantity_value(name, value, path))
    return errs


# --- LimitRanges -----------------------------------------------------------------------------------------------

LIMIT_TYPES = {"Pod", "Container", "PersistentVolumeClaim"}  # helper.IsStandardLimitRangeType


def _limit_type_errors(value: str, path: str) -> list[FieldError]:
    """validateLimitRangeTypeName: a qualified name; a bare one must be a standard limit type."""
    errs = _errors_for(path, value, lbl.validate_label_key(value))
    if not errs and "/" not in value and value not in LIMIT_TYPES:
        errs.append(invalid(path, value, "must be a standard limit type or fully qualified"))
    return errs


def _limit_resource_errors(limit_type: str, name: str, path: str) -> list[FieldError]:
    """validateLimitRangeResourceName: container resource names for Pod/Container items, any resource else."""
    if limit_type in ("Pod", "Container"):
        from kspec.api.validation import _validate_resource_name

        return _validate_resource_name(name, path)
    return validate_resource_name(name, path)


def _overcommit_allowed(name: str) -> bool:
    """helper.IsOvercommitAllowed: native resources other than hugepages."""
    native = "/" not in name or "kubernetes.io/" in name
    return native and not name.startswith("hugepages-")


def _range_checks(path: str, k: str, q: dict[str, dict[str, Any]]) -> list[FieldError]:
    """The per-resource ordering checks: min <= defaultRequest <= default <= max, ratio >= 1 and <= max/min."""
    from kspec.quantity import canonical

    def value(bag: str) -> Any:
        return parse_quantity(q[bag][k]) if k in q[bag] else None

    def text(bag: str) -> str:
        return canonical(q[bag][k])

    lo, hi, dflt, req, ratio = (value(b) for b in ("min", "max", "default", "defaultRequest", "maxLimitRequestRatio"))
    errs: list[FieldError] = []
    if lo is not None and hi is not None and lo > hi:
        errs.append(invalid(index(child(path, "min"), k), text("min"),
                            f"min value {text('min')} is greater than max value {text('max')}"))
    if req is not None and lo is not None and lo > req:
        errs.append(invalid(index(child(path, "defaultRequest"), k), text("defaultRequest"),
                            f"min value {text('min')} is greater than default request value {text('defaultRequest')}"))
    if req is not None and hi is not None and req > hi:
        errs.append(invalid(index(child(path, "defaultRequest"), k), text("defaultRequest"),
                            f"default request value {text('defaultRequest')} is greater than max value {text('max')}"))
    if req is not None and dflt is not None and req > dflt:
        errs.append(invalid(index(child(path, "defaultRequest"), k), text("defaultRequest"),
                            f"default request value {text('defaultRequest')} is greater than default limit value "
                            f"{text('default')}"))
    if dflt is not None and lo is not None and lo > dflt:
        errs.append(invalid(index(child(path, "default"), k), text("min"),
                            f"min value {text('min')} is greater than default value {text('default')}"))
    if dflt is not None and hi is not None and dflt > hi:
        errs.append(invalid(index(child(path, "default"), k), text("max"),
                            f"default value {text('default')} is greater than max value {text('max')}"))
    if ratio is not None and ratio < 1:
        errs.append(invalid(index(child(path, "maxLimitRequestRatio"), k), text("maxLimitRequestRatio"),
                            f"ratio {text('maxLimitRequestRatio')} is less than 1"))
    if ratio is not None and lo is not None and hi is not None and lo:
        limit = float(hi / lo)
        if float(ratio) > limit:
            errs.append(invalid(index(child(path, "maxLimitRequestRatio"), k), text("maxLimitRequestRatio"),
                                f"ratio {text('maxLimitRequestRatio')} is greater than max/min = {limit:f}"))
    if not _overcommit_allowed(k) and dflt is not None and req is not None and dflt != req:
        errs.append(invalid(index(child(path, "defaultRequest"), k), text("defaultRequest"),
                            f"default value {text('default')} must equal to defaultRequest value "
                            f"{text('defaultRequest')} in {k}"))
    return errs


def validate_limit_range(obj: Obj) -> list[FieldError]:
    """ValidateLimitRange: known, unique item types; resource names; no defaults for Pod items; a storage bound
    for PersistentVolumeClaim items; and the ordering of min, defaults, max and the limit/request ratio."""
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    seen: set[str] = set()
    for i, item in enumerate((obj.get("spec") or {}).get("limits") or []):
        path = index("spec.limits", i)
        kind = str(item.get("type") or "")
        errs.extend(_limit_type_errors(kind, child(path, "type")))
        if kind in seen:
            errs.append(duplicate(child(path, "type"), kind))
        seen.add(kind)
        q: dict[str, dict[str, Any]] = {b: dict(item.get(b) or {}) for b in (
            "min", "max", "default", "defaultRequest", "maxLimitRequestRatio")}
        keys: set[str] = set()
        for bag in ("max", "min"):
            for k in sorted(q[bag]):
                errs.extend(_limit_resource_errors(kind, k, index(child(path, bag), k)))
                keys.add(k)
        if kind == "Pod":
            for bag in ("default", "defaultRequest"):
                if q[bag]:
                    errs.append(forbidden(child(path, bag), "may not be specified when `type` is 'Pod'"))
                q[bag] = {}
        else:
            for bag in ("default", "defaultRequest"):
                for k in sorted(q[bag]):
                    errs.extend(_limit_resource_errors(kind, k, index(child(path, bag), k)))
                    keys.add(k)
        if kind == "PersistentVolumeClaim" and "storage" not in q["min"] and "storage" not in q["max"]:
            errs.append(required(child(path, "limits"),
                                 "either minimum or maximum storage value is required, but neither was provided"))
        for k in sorted(q["maxLimitRequestRatio"]):
            errs.extend(_limit_resource_errors(kind, k, index(child(path, "maxLimitRequestRatio"), k)))
            keys.add(k)
        for k in sorted(keys):
            errs.extend(_range_checks(path, k, q))
    return errs


# --- Nodes -----------------------------------------------------------------------------------------------------

PREFER_AVOID_PODS = "scheduler.alpha.kubernetes.io/preferAvoidPods"  # core.PreferAvoidPodsAnnotationKey
TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]


def validate_node_annotations(annotations: Obj) -> list[FieldError]:
    """ValidateNodeSpecificAnnotations / ValidateAvoidPodsInNodeAnnotations: the preferAvoidPods annotation is
    JSON whose entries each name a controller (podSignature.podController.controller true)."""
    if PREFER_AVOID_PODS not in annotations:
        return []
    path = "metadata.annotations"
    try:
        avoids = json.loads(annotations[PREFER_AVOID_PODS])
    except json.JSONDecodeError as exc:
        return [invalid(child(path, "AvoidPods"), PREFER_AVOID_PODS, str(exc))]
    errs: list[FieldError] = []
    entries = avoids.get("preferAvoidPods") if isinstance(avoids, dict) else None
    for i, entry in enumerate(entries or []):
        entry_path = index(child(path, PREFER_AVOID_PODS), i)
        controller = ((entry or {}).get("podSignature") or {}).get("podController")
        if controller is None:
            errs.append(required(child(entry_path, "PodSignature")))
        elif not controller.get("controller"):
            errs.append(invalid(child(entry_path, "PodSignature", "PodController", "Controller"), False,
                                "must point to a controller"))
    return errs


def validate_node_taints(taints: list[Obj]) -> list[FieldError]:
    """validateNodeTaints (upstream's path is metadata.taints): key, value, effect; unique by key and effect."""
    from kspec.api.validation import DUPLICATE, GoStruct

    errs: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(taints):
        path = index("metadata.taints", i)
        key, value, effect = taint.get("key") or "", taint.get("value") or "", taint.get("effect") or ""
        errs.extend(_errors_for(child(path, "key"), key, lbl.validate_label_key(key)))
        value_errs = lbl.validate_label_value(value)
        if value_errs:
            errs.append(invalid(child(path, "value"), value, ";".join(value_errs)))
        if not effect:
            errs.append(required(child(path, "effect")))
        elif effect not in TAINT_EFFECTS:
            errs.append(not_supported(child(path, "effect"), effect, TAINT_EFFECTS))
        if (key, effect) in seen:
            value_struct = GoStruct(Key=key, Value=value, Effect=effect, TimeAdded=taint.get("timeAdded"))
            errs.append(FieldError(DUPLICATE, path, value_struct, "taints must be unique by key and effect pair"))
        seen.add((key, effect))
    return errs


def validate_node_resources(obj: Obj) -> list[FieldError]:
    """ValidateNodeResources: capacity and allocatable quantities (not negative, counts whole)."""
    status = obj.get("status") or {}
    errs: list[FieldError] = []
    for bag in ("capacity", "allocatable"):
        for name, value in sorted((status.get(bag) or {}).items()):
            errs.extend(validate_quantity_value(name, value, child("status", bag, name)))
    return errs


def validate_pod_cidrs(cidrs: list[str]) -> list[FieldError]:
    """ValidateNode's podCIDRs: valid CIDRs; several must be one per IP family, without duplicates."""
    import ipaddress

    from kspec.api.validation_service import _is_valid_cidr

    path = "spec.podCIDRs"
    errs: list[FieldError] = []
    for i, cidr in enumerate(cidrs):
        errs.extend(_is_valid_cidr(index(path, i), str(cidr)))
    if len(cidrs) > 1 and not errs:
        versions = [ipaddress.ip_network(str(c), strict=False).version for c in cidrs]
        if len(cidrs) > 2 or len(set(versions)) < 2:
            errs.append(invalid(path, cidrs, "may specify no more than one CIDR for each IP family"))
        seen: set[str] = set()
        for i, cidr in enumerate(cidrs):
            if cidr in seen:
                errs.append(duplicate(index(path, i), cidr))
            seen.add(cidr)
    return errs


def validate_node(obj: Obj) -> list[FieldError]:
    """ValidateNode: metadata (a DNS subdomain name), the preferAvoidPods annotation, taints, resources and
    podCIDRs."""
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    errs = validate_object_meta(obj, False, is_dns1123_subdomain)
    errs.extend(validate_node_annotations(meta.get("annotations") or {}))
    errs.extend(validate_node_taints(spec.get("taints") or []))
    errs.extend(validate_node_resources(obj))
    errs.extend(validate_pod_cidrs(spec.get("podCIDRs") or []))
    return errs


def validate_node_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateNodeUpdate (after ValidateObjectMetaUpdate): annotations, resources, unique status addresses;
    podCIDRs and providerID fixed once set; taints."""
    meta, spec, old_spec = new.get("metadata") or {}, new.get("spec") or {}, old.get("spec") or {}
    errs = validate_node_annotations(meta.get("annotations") or {}) + validate_node_resources(new)
    seen: list[Obj] = []
    for i, address in enumerate((new.get("status") or {}).get("addresses") or []):
        if address in seen:
            errs.append(duplicate(index("status.addresses", i), address))
        seen.append(address)
    old_cidrs, cidrs = list(old_spec.get("podCIDRs") or []), list(spec.get("podCIDRs") or [])
    if old_cidrs:
        message = 'node updates may not change podCIDR except from "" to valid'
        if len(old_cidrs) != len(cidrs):
            errs.append(forbidden("spec.podCIDRs", message))
        else:
            errs.extend(forbidden("spec.podCIDRs", message) for a, b in zip(old_cidrs, cidrs, strict=True) if a != b)
    if old_spec.get("providerID") and old_spec.get("providerID") != spec.get("providerID"):
        errs.append(forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid'))
    errs.extend(validate_node_taints(spec.get("taints") or []))
    if spec.get("externalID") != old_spec.get("externalID"):
        errs.append(forbidden("spec.externalID", "may not be updated"))
    return errs


# --- Pod sysctls -----------------------------------------------------------------------------------------------

SYSCTL_MAX_LENGTH = 253  # SysctlMaxLength
_SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"  # SysctlSegmentFmt
SYSCTL_REGEX = f"^({_SYSCTL_SEGMENT}[\\./])*{_SYSCTL_SEGMENT}$"  # SysctlContainSlashFmt, anchored
#: sysctl.GetNamespace's IPC-namespaced names and prefix
IPC_SYSCTLS = {"kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
               "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni"}


def is_valid_sysctl_name(name: str) -> bool:
    """IsValidSysctlName: dot- or slash-separated segments, at most 253 characters."""
    import re

    return len(name) <= SYSCTL_MAX_LENGTH and re.fullmatch(SYSCTL_REGEX, name) is not None


def _normalize_sysctl(name: str) -> str:
    """NormalizeName: when the first separator is a slash, dots and slashes swap (net/ipv4/... -> net.ipv4...)."""
    first = min((i for i in (name.find("."), name.find("/")) if i >= 0), default=-1)
    if first == -1 or name[first] == ".":
        return name
    return name.translate(str.maketrans("./", "/."))


def validate_sysctls(security_context: Obj, host_network: bool, host_ipc: bool, path: str,
                     allow_namespaced_for_host: bool = False) -> list[FieldError]:
    """validateSysctls: names required, valid and unique; with hostNetwork/hostIPC no sysctl of that namespace."""
    import re

    errs: list[FieldError] = []
    names: set[str] = set()
    for i, sysctl in enumerate(security_context.get("sysctls") or []):
        name = str((sysctl or {}).get("name") or "")
        name_path = child(index(path, i), "name")
        if not name:
            errs.append(required(name_path))
        elif not is_valid_sysctl_name(name):
            errs.append(invalid(name_path, name, f"must have at most {SYSCTL_MAX_LENGTH} characters and match "
                                                 f"regex {SYSCTL_REGEX}"))
        elif name in names:
            errs.append(duplicate(name_path, name))
        if not allow_namespaced_for_host:  # ValidateHostSysctl
            dotted = _normalize_sysctl(name)
            if host_network and dotted.startswith("net."):
                errs.append(invalid(name_path, dotted, "may not be specified when 'hostNetwork' is true"))
            elif host_ipc and (dotted in IPC_SYSCTLS or re.match(r"fs\.mqueue\.", dotted)):
                errs.append(invalid(name_path, dotted, "may not be specified when 'hostIPC' is true"))
        names.add(name)
    return errs


# --- Lifecycle sleep actions -----------------------------------------------------------------------------------


def validate_sleep_action(seconds: Any, grace: Any, path: str) -> list[FieldError]:
    """validateSleepAction with AllowPodLifecycleSleepActionZeroValue (on by default): 0 <= seconds <= the pod's
    terminationGracePeriodSeconds; nothing is checked without a grace period."""
    if grace is None or not isinstance(seconds, int) or isinstance(seconds, bool):
        return []
    if seconds < 0 or seconds > grace:
        return [invalid(path, seconds, f"must be non-negative and less than terminationGracePeriodSeconds ({grace})")]
    return []


def validate_pod_sleep_actions(spec: Obj, path: str) -> list[FieldError]:
    """The sleep actions of every container's postStart/preStop hooks against the pod's grace period."""
    errs: list[FieldError] = []
    grace = spec.get("terminationGracePeriodSeconds")
    for key in ("initContainers", "containers"):
        for i, ctr in enumerate(spec.get(key) or []):
            lifecycle = (ctr or {}).get("lifecycle") or {}
            for hook in ("postStart", "preStop"):
                sleep = (lifecycle.get(hook) or {}).get("sleep")
                if isinstance(sleep, dict):
                    hook_path = child(index(child(path, key), i), "lifecycle", hook, "sleep")
                    errs.extend(validate_sleep_action(sleep.get("seconds", 0), grace, hook_path))
    return errs
