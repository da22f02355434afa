"""Server-side validation of objects held as plain dicts, with upstream's error text.

Checks and messages follow pkg/apis/core/validation, pkg/apis/apps/validation,
pkg/apis/batch/validation, autoscaling and policy validation, and apimachinery's
ObjectMeta/label validation. Objects are expected to be defaulted first
(``kspec.api.defaults.apply_defaults``), as the API server defaults before it
validates. Errors render like apimachinery ``field.Error.Error()`` in v1.34+,
where composite bad values are printed as JSON.
"""

from __future__ import annotations

import ipaddress
import json
import marshal
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kspec import labels as lbl
from kspec.errors import ApiError
from kspec.labels import _VALID_KEYS, _VALID_VALUES
from kspec.memos import Bounded
from kspec.quantity import canonical, parse_quantity

Obj = dict[str, Any]

REQUIRED = "FieldValueRequired"
INVALID = "FieldValueInvalid"
NOT_SUPPORTED = "FieldValueNotSupported"
DUPLICATE = "FieldValueDuplicate"
FORBIDDEN = "FieldValueForbidden"
NOT_FOUND = "FieldValueNotFound"
TOO_LONG = "FieldValueTooLong"

_TYPE_TEXT = {
    REQUIRED: "Required value",
    INVALID: "Invalid value",
    NOT_SUPPORTED: "Unsupported value",
    DUPLICATE: "Duplicate value",
    FORBIDDEN: "Forbidden",
    NOT_FOUND: "Not found",
    TOO_LONG: "Too long",
}
_VALUELESS = {REQUIRED, FORBIDDEN, TOO_LONG}

FIELD_IMMUTABLE = "field is immutable"  # apimachineryvalidation.FieldImmutableErrorMsg
IS_NEGATIVE = "must be greater than or equal to 0"  # IsNegativeErrorMsg
UPDATABLE_POD_SPEC_FIELDS = [  # updatablePodSpecFields
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
]


class GoStruct(dict):
    """A dict standing for an internal Go struct, printed as JSON with Go field names."""


def go_json(value: Any) -> str:
    """json.Marshal output: compact, map keys sorted, HTML characters escaped."""
    if isinstance(value, GoStruct):
        text = "{" + ",".join(f"{json.dumps(k)}:{go_json(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, dict):
        text = (
            "{" + ",".join(f"{json.dumps(str(k))}:{go_json(value[k])}" for k in sorted(value, key=str)) + "}"
        )
    elif isinstance(value, list | tuple):
        text = "[" + ",".join(go_json(v) for v in value) + "]"
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_value(value: Any) -> str:
    """How ErrorBody prints a bad value: %v for numbers/bools, %q for strings, JSON otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return go_json(value)


@dataclass(frozen=True)
class FieldError:
    """One field.Error; str() is exactly field.Error.Error()."""

    type: str
    field: str
    value: Any = ""
    detail: str = ""

    def body(self) -> str:
        """ErrorBody: the message without the field path."""
        text = _TYPE_TEXT[self.type]
        if self.type not in _VALUELESS:
            text += ": " + render_value(self.value)
        return f"{text}: {self.detail}" if self.detail else text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(REQUIRED, path, "", detail)


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError(INVALID, path, value, detail)


def not_supported(path: str, value: Any, supported: Iterable[str]) -> FieldError:
    quoted = ", ".join(json.dumps(v) for v in supported)
    return FieldError(NOT_SUPPORTED, path, value, f"supported values: {quoted}" if quoted else "")


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError(DUPLICATE, path, value)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(FORBIDDEN, path, "", detail)


def not_found(path: str, value: Any) -> FieldError:
    return FieldError(NOT_FOUND, path, value)


def child(path: str, *names: str) -> str:
    """field.Path.Child: dotted names."""
    for name in names:
        path = f"{path}.{name}" if path else name
    return path


def index(path: str, i: int | str) -> str:
    """field.Path.Index / Key: a bracketed subscript."""
    return f"{path}[{i}]"


# ---------------------------------------------------------------------------
# Rendering of API errors
# ---------------------------------------------------------------------------


def qualified_kind(obj: Obj) -> str:
    """schema.GroupKind.String(): Kind for the core group, Kind.group otherwise."""
    api_version = str(obj.get("apiVersion") or "v1")
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    kind = str(obj.get("kind") or "")
    return f"{kind}.{group}" if group else kind


def invalid_message(obj: Obj, errors: list[FieldError]) -> str:
    """apierrors.NewInvalid message: `Kind "name" is invalid: <e>` or `...: [<e1>, <e2>]`."""
    name = str((obj.get("metadata") or {}).get("name") or "")
    head = f"{qualified_kind(obj)} {json.dumps(name, ensure_ascii=False)} is invalid"
    messages: list[str] = []
    for err in errors:
        text = str(err)
        if text not in messages:  # ErrorList.ToAggregate drops repeats
            messages.append(text)
    if not messages:
        return head
    if len(messages) == 1:
        return f"{head}: {messages[0]}"
    return f"{head}: [{', '.join(messages)}]"


def invalid_error(obj: Obj, errors: list[FieldError]) -> ApiError:
    """apierrors.NewInvalid: the message above, a StatusCause per error (its type, field and ErrorBody) and the
    details' group, kind and name, from which kubectl words the error."""
    api_version = str(obj.get("apiVersion") or "v1")
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    details = {"group": group, "kind": str(obj.get("kind") or ""),
               "name": str((obj.get("metadata") or {}).get("name") or "")}
    causes = [{"reason": err.type, "message": err.body(), "field": err.field} for err in errors]
    return ApiError(422, "Invalid", invalid_message(obj, errors), causes=causes, details=details)


# ---------------------------------------------------------------------------
# Generic string checks (apimachinery util/validation)
# ---------------------------------------------------------------------------

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character"
)
_DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character"
)
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_PERCENT_FMT = "[0-9]+%"
_PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"


#: (format, value) pairs that matched so far: every new cluster names the same objects
_MATCHED: Bounded[tuple[str, str], bool] = Bounded(50_000)


def _matches(fmt: str, value: str) -> bool:
    key = (fmt, value)
    if key in _MATCHED:
        return True
    if re.fullmatch(fmt, value) is None or "\n" in value:
        return False
    return _MATCHED.remember(key, True)


def _max_len(n: int) -> str:
    # util/validation.MaxLenError ("characters" wording)
    return f"must be no more than {n} characters"


def is_dns1123_label(value: str) -> list[str]:
    """IsDNS1123Label."""
    errs = [_max_len(63)] if len(value) > 63 else []
    if not _matches(_DNS1123_LABEL_FMT, value):
        if _matches(lbl.DNS1123_SUBDOMAIN_FMT, value):
            errs.append("must not contain dots")
        else:
            errs.append(lbl.regex_error(_DNS1123_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """IsDNS1123Subdomain."""
    errs = [_max_len(253)] if len(value) > 253 else []
    if not _matches(lbl.DNS1123_SUBDOMAIN_FMT, value):
        errs.append(lbl.regex_error(lbl.DNS1123_SUBDOMAIN_MSG, lbl.DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label."""
    errs = [_max_len(63)] if len(value) > 63 else []
    if not _matches(_DNS1035_FMT, value):
        errs.append(lbl.regex_error(_DNS1035_MSG, _DNS1035_FMT, "my-name", "abc-123"))
    return errs


def is_config_map_key(value: str) -> list[str]:
    """IsConfigMapKey."""
    errs = [_max_len(253)] if len(value) > 253 else []
    if not _matches(_CONFIG_KEY_FMT, value):
        errs.append(lbl.regex_error(_CONFIG_KEY_MSG, _CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def is_valid_port_num(port: Any) -> list[str]:
    """IsValidPortNum."""
    ok = isinstance(port, int) and not isinstance(port, bool) and 1 <= port <= 65535
    return [] if ok else ["must be between 1 and 65535, inclusive"]


def is_valid_port_name(name: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME)."""
    errs = [_max_len(15)] if len(name) > 15 else []
    if not _matches("[-a-z0-9]+", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _mask_trailing_dash(name: str) -> str:
    # maskTrailingDash: generateName may end in '-'
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


NameCheck = Callable[[str], list[str]]


#: (name check, name) pairs the check found valid: every new cluster names the same objects
_VALID_NAMES: Bounded[tuple[NameCheck, str], bool] = Bounded(50_000)


def _valid_name(check: NameCheck, name: Any) -> bool:
    """``check(name)`` reports nothing (remembered: the checks are pure functions of the text)."""
    if type(name) is not str or not name:
        return False
    key = (check, name)
    if key in _VALID_NAMES:
        return True
    return not check(name) and _VALID_NAMES.remember(key, True)


def _known_valid_meta(meta: Any, namespaced: bool, name_check: NameCheck) -> bool:
    """What ``validate_object_meta`` would find no error in, decided with memos and set comparisons: a valid
    name (and generateName, if any), a valid namespace exactly when namespaced, no negative generation, labels
    and annotations known valid (``_known_valid_labels``, ``_known_valid_annotations``). False sends the
    metadata through the full check, which then words the errors."""
    get = meta.get
    name, namespace, generate_name = get("name"), get("namespace"), get("generateName")
    try:  # a memo hit first (only non-empty strings are remembered), the check itself on a miss
        if (name_check, name) not in _VALID_NAMES and not _valid_name(name_check, name):
            return False
        if namespaced:
            if (is_dns1123_label, namespace) not in _VALID_NAMES and not _valid_name(is_dns1123_label, namespace):
                return False
        elif namespace:
            return False
    except TypeError:  # an unhashable name or namespace
        return False
    if generate_name and not (type(generate_name) is str and _valid_name(
            name_check, _mask_trailing_dash(generate_name))):
        return False
    generation = get("generation")
    if generation is not None and (type(generation) is not int or generation < 0):
        return False
    labels, annotations = get("labels"), get("annotations")
    return (not labels or _known_valid_labels(labels)) and (not annotations or _known_valid_annotations(annotations))


def _errors_for(path: str, value: Any, messages: list[str]) -> list[FieldError]:
    return [invalid(path, value, m) for m in messages]


def _nonnegative(path: str, value: Any) -> list[FieldError]:
    """ValidateNonnegativeField."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        return [invalid(path, value, IS_NEGATIVE)]
    return []


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------


def _known_valid_labels(labels: Any) -> bool:
    """Every key and value of ``labels`` was found valid before (the memos of ``labels.validate_label_key`` and
    ``validate_label_value``), so the full check would report nothing: set comparisons made in C, where the
    check walks each pair. False (the full check decides) for anything else: a new key or value, a value that
    is not a string (the check validates its ``str()``), an unhashable value, a labels field that is no
    mapping."""
    try:
        return labels.keys() <= _VALID_KEYS.keys() and _VALID_VALUES.keys() >= set(labels.values())
    except (AttributeError, TypeError):
        return False


def validate_labels(labels: Any, path: str) -> list[FieldError]:
    """ValidateLabels (keys and values; sorted for deterministic output)."""
    if not labels or _known_valid_labels(labels):
        return []
    errs: list[FieldError] = []
    for key in sorted((labels or {}).keys(), key=str):
        errs.extend(_errors_for(path, key, lbl.validate_label_key(str(key))))
        value = labels[key]
        errs.extend(_errors_for(path, value, lbl.validate_label_value(str(value))))
    return errs


def _known_valid_annotations(annotations: Any) -> bool:
    """Every key was found a valid label key before, so its lower-case form is valid too (lower-casing keeps a
    qualified name qualified: the prefix is lower-case already, the name part's characters stay in their
    class, the length is unchanged), and keys and values, all strings, are within the size limit (the byte
    count ``validate_annotations_size`` makes, of the joined texts). False (the full check decides) for
    anything else."""
    try:
        return annotations.keys() <= _VALID_KEYS.keys() and len("".join(annotations).encode()) + len(
            "".join(annotations.values()).encode()) <= _ANNOTATIONS_SIZE_LIMIT
    except (AttributeError, TypeError):
        return False


#: TotalAnnotationSizeLimitB (validation_limits.validate_annotations_size's limit)
_ANNOTATIONS_SIZE_LIMIT = 256 * 1024


def validate_annotations(annotations: Any, path: str) -> list[FieldError]:
    """ValidateAnnotations: keys are qualified names (case-insensitive); total size at most 256 KiB."""
    if not annotations or _known_valid_annotations(annotations):
        return []
    errs: list[FieldError] = []
    for key in sorted((annotations or {}).keys(), key=str):
        errs.extend(_errors_for(path, key, lbl.validate_label_key(str(key).lower())))
    from kspec.api.validation_limits import validate_annotations_size  # counted in bytes
    return errs + validate_annotations_size(annotations, path)


def validate_object_meta(obj: Obj, namespaced: bool, name_check: NameCheck) -> list[FieldError]:
    """ValidateObjectMeta: name/generateName, namespace, labels and annotations."""
    meta = obj.get("metadata") or {}
    if _known_valid_meta(meta, namespaced, name_check):
        return []
    errs: list[FieldError] = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        errs.extend(
            _errors_for(
                "metadata.generateName", generate_name, name_check(_mask_trailing_dash(generate_name))
            )
        )
    name = meta.get("name") or ""
    if not name:
        errs.append(required("metadata.name", "name or generateName is required"))
    else:
        errs.extend(_errors_for("metadata.name", name, name_check(name)))
    if namespaced:
        namespace = meta.get("namespace") or ""
        if not namespace:
            errs.append(required("metadata.namespace"))
        else:
            errs.extend(_errors_for("metadata.namespace", namespace, is_dns1123_label(namespace)))
    elif meta.get("namespace"):
        errs.append(forbidden("metadata.namespace", "not allowed on this type"))
    errs.extend(_nonnegative("metadata.generation", meta.get("generation")))
    errs.extend(validate_labels(meta.get("labels"), "metadata.labels"))
    errs.extend(validate_annotations(meta.get("annotations"), "metadata.annotations"))
    return errs


def validate_object_meta_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateObjectMetaUpdate: name, namespace and uid are immutable."""
    new_meta, old_meta = new.get("metadata") or {}, old.get("metadata") or {}
    errs: list[FieldError] = []
    for key in ("name", "namespace", "uid", "creationTimestamp"):
        if (new_meta.get(key) or "") != (old_meta.get(key) or ""):
            errs.append(invalid(f"metadata.{key}", new_meta.get(key) or "", FIELD_IMMUTABLE))
    return errs


# ---------------------------------------------------------------------------
# Pod spec
# ---------------------------------------------------------------------------

_PROTOCOLS = ["SCTP", "TCP", "UDP"]
_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
_TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
_TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
_STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
# helper.standardResources (quota names included)
_STANDARD_RESOURCES = {
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
    "resourcequotas", "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports",
    "services.loadbalancers", "requests.storage", "storage",
}


def _enum(value: Any, path: str, supported: list[str]) -> list[FieldError]:
    """The switch pattern used for restartPolicy, dnsPolicy, pull policy: Required or Unsupported."""
    if value in (None, ""):
        return [required(path)]
    if value not in supported:
        return [not_supported(path, value, supported)]
    return []


def _validate_container_ports(ports: Any, path: str) -> list[FieldError]:
    # validateContainerPorts
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports or []):
        p = index(path, i)
        name = port.get("name") or ""
        if name:
            name_errs = is_valid_port_name(name)
            if name_errs:
                errs.extend(_errors_for(child(p, "name"), name, name_errs))
            elif name in names:
                errs.append(duplicate(child(p, "name"), name))
            names.add(name)
        container_port = port.get("containerPort") or 0
        if container_port == 0:
            errs.append(required(child(p, "containerPort")))
        else:
            errs.extend(
                _errors_for(child(p, "containerPort"), container_port, is_valid_port_num(container_port))
            )
        if port.get("hostPort"):
            errs.extend(
                _errors_for(child(p, "hostPort"), port["hostPort"], is_valid_port_num(port["hostPort"]))
            )
        protocol = port.get("protocol") or ""
        if not protocol:
            errs.append(required(child(p, "protocol")))
        elif protocol not in _PROTOCOLS:
            errs.append(not_supported(child(p, "protocol"), protocol, _PROTOCOLS))
    return errs


def _validate_port_num_or_name(port: Any, path: str) -> list[FieldError]:
    # ValidatePortNumOrName
    if isinstance(port, str):
        return _errors_for(path, port, is_valid_port_name(port))
    return _errors_for(path, port if port is not None else 0, is_valid_port_num(port or 0))


def _validate_handler(handler: Obj, path: str) -> list[FieldError]:
    """validateHandler: exactly one of exec, httpGet, tcpSocket, grpc, sleep."""
    errs: list[FieldError] = []
    count = 0
    for kind in ("exec", "httpGet", "tcpSocket", "grpc", "sleep"):
        action = handler.get(kind)
        if action is None:
            continue
        if count:
            errs.append(forbidden(child(path, kind), "may not specify more than 1 handler type"))
            continue
        count += 1
        errs.extend(_validate_action(kind, action or {}, child(path, kind)))
    if count == 0:
        errs.append(required(path, "must specify a handler type"))
    return errs


def _validate_action(kind: str, action: Obj, path: str) -> list[FieldError]:
    if kind == "exec":
        return [] if action.get("command") else [required(child(path, "command"))]
    if kind == "httpGet":
        errs = [] if action.get("path") else [required(child(path, "path"))]
        errs.extend(_validate_port_num_or_name(action.get("port"), child(path, "port")))
        scheme = action.get("scheme") or ""
        if scheme not in ("HTTP", "HTTPS"):
            errs.append(not_supported(child(path, "scheme"), scheme, ["HTTP", "HTTPS"]))
        for i, header in enumerate(action.get("httpHeaders") or []):
            # validateHTTPHeader: IsHTTPHeaderName
            name = (header or {}).get("name") or ""
            if not re.fullmatch(r"[-A-Za-z0-9]+", name):
                errs.append(invalid(child(index(child(path, "httpHeaders"), i), "name"), name,
                                    "a valid HTTP header must consist of alphanumeric characters or '-' "
                                    "(e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"))
        return errs
    if kind in ("tcpSocket", "grpc"):
        return _validate_port_num_or_name(action.get("port"), child(path, "port"))
    return []


def _validate_probe(probe: Any, path: str, kind: str) -> list[FieldError]:
    """validateProbe plus the liveness/startup successThreshold==1 rule."""
    if not isinstance(probe, dict):
        return []
    errs = _validate_handler(probe, path)
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        errs.extend(_nonnegative(child(path, key), probe.get(key, 0)))
    grace = probe.get("terminationGracePeriodSeconds")
    if grace is not None and grace <= 0:
        errs.append(invalid(child(path, "terminationGracePeriodSeconds"), grace, "must be greater than 0"))
    if kind in ("livenessProbe", "startupProbe") and probe.get("successThreshold", 1) != 1:
        errs.append(invalid(child(path, "successThreshold"), probe.get("successThreshold"), "must be 1"))
    if kind == "readinessProbe" and grace is not None:
        errs.append(
            invalid(
                child(path, "terminationGracePeriodSeconds"), grace, "must not be set for readinessProbes"
            )
        )
    return errs


def _validate_resource_name(name: str, path: str) -> list[FieldError]:
    # validateContainerResourceName
    if "/" not in name:
        if name not in _STANDARD_CONTAINER_RESOURCES and not name.startswith("hugepages-"):
            # validateResourceName first: a bare name must be a standard resource (helper.IsStandardResourceName)
            errs = [] if name in _STANDARD_RESOURCES else [
                invalid(path, name, "must be a standard resource type or fully qualified")]
            return errs + [invalid(path, name, "must be a standard resource for containers")]
        return []
    errs = _errors_for(path, name, lbl.validate_label_key(name))
    native = name.startswith("kubernetes.io/") or "/" not in name
    if not errs and native:
        return [invalid(path, name, "must be a standard resource for containers")]
    return errs


def _quantity(value: Any, path: str) -> tuple[Any, list[FieldError]]:
    try:
        return parse_quantity(value), []
    except ValueError as exc:
        return None, [invalid(path, value, str(exc))]


def _is_integer_resource(name: str) -> bool:
    # IsIntegerResourceName: extended resources (prefixed, not kubernetes.io) must be whole numbers
    return "/" in name and not name.startswith("kubernetes.io/") and not name.startswith("requests.")


def _validate_quantity_value(name: str, value: Any, qty: Any, path: str) -> list[FieldError]:
    # ValidateResourceQuantityValue
    errs: list[FieldError] = []
    if qty < 0:
        errs.append(invalid(path, canonical(value), IS_NEGATIVE))
    if _is_integer_resource(name) and qty.denominator != 1:
        errs.append(invalid(path, canonical(value), "must be an integer"))
    return errs


def _validate_resources(resources: Any, path: str) -> list[FieldError]:
    """validateResourceRequirements: names, quantities and request <= limit."""
    resources = resources or {}
    limits, requests = resources.get("limits") or {}, resources.get("requests") or {}
    errs: list[FieldError] = []
    parsed_limits: dict[str, Any] = {}
    for name in sorted(limits):
        p = index(child(path, "limits"), name)
        errs.extend(_validate_resource_name(name, p))
        qty, q_errs = _quantity(limits[name], p)
        errs.extend(q_errs)
        if qty is not None:
            parsed_limits[name] = qty
            errs.extend(_validate_quantity_value(name, limits[name], qty, p))
    req_path = child(path, "requests")
    for name in sorted(requests):
        p = index(req_path, name)
        errs.extend(_validate_resource_name(name, p))
        qty, q_errs = _quantity(requests[name], p)
        errs.extend(q_errs)
        if qty is None:
            continue
        errs.extend(_validate_quantity_value(name, requests[name], qty, p))
        errs.extend(_request_vs_limit(name, requests[name], qty, limits, parsed_limits, path))
    return errs


def _request_vs_limit(
    name: str, raw: Any, qty: Any, limits: Obj, parsed: dict[str, Any], path: str
) -> list[FieldError]:
    overcommit = not name.startswith("hugepages-") and not _is_integer_resource(name)
    req_path = child(path, "requests")
    if name in parsed:
        limit_text = canonical(limits[name])
        if qty != parsed[name] and not overcommit:
            return [invalid(req_path, canonical(raw), f"must be equal to {name} limit of {limit_text}")]
        if qty > parsed[name]:
            return [
                invalid(
                    req_path, canonical(raw), f"must be less than or equal to {name} limit of {limit_text}"
                )
            ]
    elif not overcommit:
        return [required(child(path, "limits"), "Limit must be set for non overcommitable resources")]
    return []


def _validate_container_common(c: Obj, path: str) -> list[FieldError]:
    """validateContainerCommon: name, image, ports, pull policy, resources."""
    errs: list[FieldError] = []
    name = c.get("name") or ""
    if not name:
        errs.append(required(child(path, "name")))
    else:
        errs.extend(_errors_for(child(path, "name"), name, is_dns1123_label(name)))
    if not c.get("image"):
        errs.append(required(child(path, "image")))
    errs.extend(
        _enum(
            c.get("terminationMessagePolicy"),
            child(path, "terminationMessagePolicy"),
            _TERMINATION_MESSAGE_POLICIES,
        )
    )
    errs.extend(_validate_container_ports(c.get("ports"), child(path, "ports")))
    errs.extend(_validate_env(c.get("env"), child(path, "env")))
    errs.extend(_validate_env_from(c.get("envFrom"), child(path, "envFrom")))
    errs.extend(_enum(c.get("imagePullPolicy"), child(path, "imagePullPolicy"), _PULL_POLICIES))
    errs.extend(_validate_resources(c.get("resources"), child(path, "resources")))
    return errs


def _validate_env(env: Any, path: str) -> list[FieldError]:
    # ValidateEnv with the relaxed (GA) name rule: printable ASCII other than '='
    errs: list[FieldError] = []
    for i, var in enumerate(env or []):
        name = (var or {}).get("name") or ""
        p = child(index(path, i), "name")
        if not name:
            errs.append(required(p))
        elif any(not (" " <= ch <= "~") or ch == "=" for ch in name):
            errs.append(
                invalid(
                    p,
                    name,
                    "a valid environment variable name must consist only of printable "
                    "ASCII characters other than '='",
                )
            )
        errs.extend(_validate_value_from(var or {}, child(index(path, i), "valueFrom")))
    return errs


# validEnvDownwardAPIFieldPathExpressions, sorted
_ENV_FIELD_PATHS = ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                    "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"]
# podshelper.ConvertDownwardAPIFieldLabel's known labels
_DOWNWARD_LABELS = {"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
                    "metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
                    "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP",
                    "status.podIPs", "spec.host"}


def _split_subscript(field_path: str) -> tuple[str, str] | None:
    """fieldpath.SplitMaybeSubscriptedPath: metadata.labels['key'] -> (metadata.labels, key)."""
    if not field_path.endswith("']"):
        return None
    head, sep, key = field_path[:-2].partition("['")
    return (head, key) if sep and head else None


def _validate_field_selector(ref: Obj, path: str) -> list[FieldError]:
    """validateObjectFieldSelector with the env var's downward API expressions."""
    version, field_path = ref.get("apiVersion") or "", ref.get("fieldPath") or ""
    if not version:
        return [required(child(path, "apiVersion"))]
    if not field_path:
        return [required(child(path, "fieldPath"))]
    split = _split_subscript(field_path)
    problem = ""
    if version != "v1":
        problem = f"unsupported pod version: {version}"
    elif split is not None and split[0] not in ("metadata.annotations", "metadata.labels"):
        problem = f"field label does not support subscript: {field_path}"
    elif split is None and field_path not in _DOWNWARD_LABELS:
        problem = f"field label not supported: {field_path}"
    if problem:
        return [invalid(child(path, "fieldPath"), field_path, f"error converting fieldPath: {problem}")]
    if split is not None:
        key = split[1].lower() if split[0] == "metadata.annotations" else split[1]
        return _errors_for(path, split[1], lbl.validate_label_key(key))
    internal = "spec.nodeName" if field_path == "spec.host" else field_path
    if internal not in _ENV_FIELD_PATHS:
        return [not_supported(child(path, "fieldPath"), internal, _ENV_FIELD_PATHS)]
    return []


def _validate_key_selector(ref: Obj, path: str) -> list[FieldError]:
    """validateConfigMapKeySelector / validateSecretKeySelector: name and key."""
    errs: list[FieldError] = []
    name, key = ref.get("name") or "", ref.get("key") or ""
    if not name:
        errs.append(required(child(path, "name")))
    else:
        errs.extend(_errors_for(child(path, "name"), name, is_dns1123_subdomain(name)))
    if not key:
        errs.append(required(child(path, "key")))
    else:
        errs.extend(_errors_for(child(path, "key"), key, is_config_map_key(key)))
    return errs


def _validate_value_from(var: Obj, path: str) -> list[FieldError]:
    """validateEnvVarValueFrom: exactly one source, not next to a value."""
    source = var.get("valueFrom")
    if not isinstance(source, dict):
        return []
    errs: list[FieldError] = []
    count = 0
    for key in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"):
        ref = source.get(key)
        if ref is None:
            continue
        count += 1
        if key == "fieldRef":
            errs.extend(_validate_field_selector(ref or {}, child(path, key)))
        elif key in ("configMapKeyRef", "secretKeyRef"):
            errs.extend(_validate_key_selector(ref or {}, child(path, key)))
    if count == 0:
        errs.append(invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` "
                                      "or `secretKeyRef`"))
    elif var.get("value"):
        errs.append(invalid(path, "", "may not be specified when `value` is not empty"))
    elif count > 1:
        errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_env_from(sources: Any, path: str) -> list[FieldError]:
    """ValidateEnvFrom: a relaxed-rule prefix and exactly one named ConfigMap or Secret (DNS subdomain)."""
    errs: list[FieldError] = []
    for i, source in enumerate(sources or []):
        source = source or {}
        prefix = source.get("prefix") or ""
        if prefix and any(not (" " <= ch <= "~") or ch == "=" for ch in prefix):
            errs.append(invalid(child(index(path, i), "prefix"), prefix,
                                "a valid environment variable name must consist only of printable ASCII "
                                "characters other than '='"))
        count = 0
        for key in ("configMapRef", "secretRef"):
            if source.get(key) is None:
                continue
            count += 1
            name = (source.get(key) or {}).get("name") or ""
            p = child(index(path, i), key, "name")
            if not name:
                errs.append(required(p))
            else:
                errs.extend(_errors_for(p, name, is_dns1123_subdomain(_mask_trailing_dash(name))))
        if count == 0:
            errs.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif count > 1:
            errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_lifecycle(lifecycle: Any, path: str) -> list[FieldError]:
    """validateLifecycle: postStart and preStop each need exactly one valid handler."""
    errs: list[FieldError] = []
    for hook in ("postStart", "preStop"):
        handler = (lifecycle or {}).get(hook)
        if isinstance(handler, dict):
            errs.extend(_validate_handler(handler, child(path, hook)))
    return errs


def _unique_host_ports(containers: Any, path: str) -> list[FieldError]:
    """AccumulateUniqueHostPorts: a protocol/hostIP/hostPort triple at most once across the list."""
    seen: set[str] = set()
    errs: list[FieldError] = []
    for ci, ctr in enumerate(containers or []):
        for pi, port in enumerate((ctr or {}).get("ports") or []):
            if not port.get("hostPort"):
                continue
            key = f"{port.get('protocol') or ''}/{port.get('hostIP') or ''}/{port['hostPort']}"
            if key in seen:
                errs.append(duplicate(child(index(child(index(path, ci), "ports"), pi), "hostPort"), key))
            seen.add(key)
    return errs


def _validate_volume_mounts(spec: Obj, path: str) -> list[FieldError]:
    """ValidateVolumeMounts: name and mountPath set, the name a pod volume, mount paths unique, sub paths
    relative without '..', subPath xor subPathExpr, recursiveReadOnly and propagation rules."""
    volumes = {v.get("name"): v for v in spec.get("volumes") or [] if isinstance(v, dict)}
    errs: list[FieldError] = []
    for key in ("containers", "initContainers"):
        for ci, ctr in enumerate(spec.get(key) or []):
            paths: set[str] = set()
            for mi, mount in enumerate((ctr or {}).get("volumeMounts") or []):
                mount = mount or {}
                name, target = mount.get("name") or "", mount.get("mountPath") or ""
                mount_path = index(child(index(child(path, key), ci), "volumeMounts"), mi)
                if not name:
                    errs.append(required(child(mount_path, "name")))
                elif name not in volumes:
                    errs.append(not_found(child(mount_path, "name"), name))
                if not target:
                    errs.append(required(child(mount_path, "mountPath")))
                elif target in paths:
                    errs.append(invalid(child(mount_path, "mountPath"), target, "must be unique"))
                paths.add(target)
                errs.extend(_mount_sub_paths(mount, volumes.get(name) or {}, mount_path))
                errs.extend(_mount_propagation(mount, ctr or {}, child(mount_path, "mountPropagation")))
    return errs


def _mount_sub_paths(mount: Obj, volume: Obj, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    sub, expr = mount.get("subPath") or "", mount.get("subPathExpr") or ""
    if sub and expr:
        errs.append(invalid(child(path, "subPathExpr"), expr, "subPathExpr and subPath are mutually exclusive"))
    if sub:  # validateLocalDescendingPath
        if sub.startswith("/"):
            errs.append(invalid(child(path, "subPath"), sub, "must be a relative path"))
        if ".." in sub.replace("\\", "/").split("/"):
            errs.append(invalid(child(path, "subPath"), sub, "must not contain '..'"))
    if "image" in volume and (sub or expr):
        key = "subPath" if sub else "subPathExpr"
        errs.append(invalid(child(path, key), sub or expr, "not allowed in image volume sources"))
    rro = mount.get("recursiveReadOnly")
    if rro is not None:
        p = child(path, "recursiveReadOnly")
        if rro not in ("Disabled", "IfPossible", "Enabled"):
            errs.append(not_supported(p, rro, ["Disabled", "Enabled", "IfPossible"]))
        elif rro != "Disabled" and not mount.get("readOnly"):
            errs.append(forbidden(p, "may only be specified when readOnly is true"))
        elif rro == "Enabled" and mount.get("mountPropagation") not in (None, "None"):
            errs.append(forbidden(p, "may only be specified when mountPropagation is None or not specified"))
    return errs


def _mount_propagation(mount: Obj, ctr: Obj, path: str) -> list[FieldError]:
    """validateMountPropagation: a known mode; Bidirectional only for privileged containers."""
    mode = mount.get("mountPropagation")
    if mode is None:
        return []
    supported = ["Bidirectional", "HostToContainer", "None"]
    errs = [] if mode in supported else [not_supported(path, mode, supported)]
    if mode == "Bidirectional" and not (ctr.get("securityContext") or {}).get("privileged"):
        errs.append(forbidden(path, "Bidirectional mount propagation is available only to privileged containers"))
    return errs


def _validate_containers(containers: Any, path: str) -> list[FieldError]:
    """validateContainers: at least one, names unique, probes, no per-container restartPolicy."""
    if not containers:
        return [required(path)]
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, c in enumerate(containers):
        p = index(path, i)
        errs.extend(_validate_container_common(c, p))
        if c.get("name") in names:
            errs.append(duplicate(child(p, "name"), c.get("name")))
        names.add(c.get("name"))
        errs.extend(_validate_lifecycle(c.get("lifecycle"), child(p, "lifecycle")))
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            errs.extend(_validate_probe(c.get(probe), child(p, probe), probe))
        if c.get("restartPolicy") is not None:
            errs.append(forbidden(child(p, "restartPolicy"), "may not be set for non-init containers"))
    return errs


def _validate_init_containers(init: Any, regular: Any, path: str) -> list[FieldError]:
    """validateInitContainers: names unique across init and regular; probes only for sidecars."""
    errs: list[FieldError] = []
    names = {c.get("name") for c in regular or []}
    for i, c in enumerate(init or []):
        p = index(path, i)
        errs.extend(_validate_container_common(c, p))
        policy = c.get("restartPolicy")
        if policy is not None and policy != "Always":
            errs.append(not_supported(child(p, "restartPolicy"), policy, ["Always"]))
        if c.get("name") in names:
            errs.append(duplicate(child(p, "name"), c.get("name")))
        elif c.get("name"):
            names.add(c.get("name"))
        for probe in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
            if policy == "Always":
                errs.extend(
                    _validate_probe(c.get(probe), child(p, probe), probe) if probe != "lifecycle"
                    else _validate_lifecycle(c.get(probe), child(p, probe))
                )
            elif c.get(probe) is not None:
                errs.append(
                    forbidden(
                        child(p, probe), "may not be set for init containers without restartPolicy=Always"
                    )
                )
    return errs


def validate_tolerations(tolerations: Any, path: str) -> list[FieldError]:
    """ValidateTolerations: key format, Exists/Equal rules, effect values."""
    errs: list[FieldError] = []
    for i, t in enumerate(tolerations or []):
        p = index(path, i)
        key, operator, value, effect = (
            t.get("key") or "",
            t.get("operator") or "",
            t.get("value") or "",
            t.get("effect") or "",
        )
        if key:
            errs.extend(_errors_for(child(p, "key"), key, lbl.validate_label_key(key)))
        if not key and operator != "Exists":
            errs.append(
                invalid(
                    child(p, "operator"),
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values '
                    'and all keys"',
                )
            )
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                invalid(
                    child(p, "effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"
                )
            )
        if operator in ("Equal", ""):
            value_errs = lbl.validate_label_value(value)
            if value_errs:
                errs.append(invalid(child(p, "operator"), value, ";".join(value_errs)))
        elif operator == "Exists":
            if value:
                errs.append(
                    invalid(child(p, "operator"), value, "value must be empty when `operator` is 'Exists'")
                )
        else:
            errs.append(not_supported(child(p, "operator"), operator, ["Equal", "Exists"]))
        if effect and effect not in _TAINT_EFFECTS:
            errs.append(not_supported(child(p, "effect"), effect, _TAINT_EFFECTS))
    return errs


#: pod specs that validated clean, by _spec_key: a workload's template is validated again on every write of the
#: workload (a roll-out scales thousands of ReplicaSets), and the pods made from one template (or one manifest,
#: scenario after scenario) share a spec but for their token volume's name; a spec with errors is validated every
#: time
_CLEAN_SPECS: Bounded[bytes, bool] = Bounded(4096)
#: the ServiceAccount admission's generated volume name, kube-api-access- and 5 of names.SimpleNameGenerator's
_TOKEN_VOLUME = re.compile(r"kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}")
#: what stands for that name in a key: bytes, which no decoded spec holds (and the key's count of it proves so)
TOKEN_STAND_IN = b"\x00kspec token volume\x00"


def _spec_key(spec: Obj, path: str) -> bytes | None:
    """The memo key of a spec: its path and its value serialized (marshal version 2: no references, so equal
    values in the same key order give the same bytes and different values different bytes; four times faster than
    JSON), with its one generated token volume name replaced by TOKEN_STAND_IN in those bytes. A key is used only
    when that name occurs in them exactly where volumes and mounts are named, and the stand-in nowhere: then the
    replacement is undone by putting the name back, so two specs with one key differ only by that name, renamed
    everywhere (a bijection between valid names of the same shape: same prefix, length and alphabet, so the
    serialized lengths agree too), and every check (DNS labels, uniqueness, mount references, lengths) gives both
    the same verdict. None (no memo) for anything else or a spec that is not plain data."""
    token = ""
    for v in spec.get("volumes") or ():
        name = v.get("name") if isinstance(v, dict) else None
        if isinstance(name, str) and _TOKEN_VOLUME.fullmatch(name):
            if token:
                return None  # two of them: not the admission's one
            token = name
    put = 1  # the token volume's own name
    if token:
        if not isinstance(spec["volumes"], list):
            return None
        for group in ("initContainers", "containers"):
            containers = spec.get(group)
            if not isinstance(containers, list):
                continue
            for c in containers:
                mounts = c.get("volumeMounts") if isinstance(c, dict) else None
                if isinstance(mounts, list):
                    put += sum(1 for m in mounts if isinstance(m, dict) and m.get("name") == token)
    try:
        data = marshal.dumps(spec, 2)
    except (ValueError, RecursionError):  # not plain data (never so once decoded), or nested too deep
        return None
    if TOKEN_STAND_IN in data:
        return None
    if token:
        # a str is its length then its bytes: a name's bytes cannot run into its neighbours' (the length bytes
        # hold a NUL, which a name has not), so each counted name is one occurrence and the count finds any other
        encoded = token.encode()
        if data.count(encoded) != put:
            return None
        data = data.replace(encoded, TOKEN_STAND_IN)
    return path.encode() + b"\x00" + data


def validate_pod_spec(spec: Obj, path: str) -> list[FieldError]:
    """ValidatePodSpec (the commonly hit subset), in upstream's order."""
    key = _spec_key(spec, path)
    if key is None:
        return _validate_pod_spec(spec, path)
    if key in _CLEAN_SPECS:
        return []
    errs = _validate_pod_spec(spec, path)
    if not errs:
        _CLEAN_SPECS.remember(key, True)
    return errs


def _validate_pod_spec(spec: Obj, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(required(child(path, "terminationGracePeriodSeconds")))
    errs.extend(_validate_volumes(spec.get("volumes"), child(path, "volumes")))
    errs.extend(_validate_containers(spec.get("containers"), child(path, "containers")))
    errs.extend(_unique_host_ports(spec.get("containers"), child(path, "containers")))
    errs.extend(
        _validate_init_containers(
            spec.get("initContainers"), spec.get("containers"), child(path, "initContainers")
        )
    )
    errs.extend(_unique_host_ports(spec.get("initContainers"), child(path, "initContainers")))
    errs.extend(_validate_volume_mounts(spec, path))
    errs.extend(_enum(spec.get("restartPolicy"), child(path, "restartPolicy"), _RESTART_POLICIES))
    errs.extend(_enum(spec.get("dnsPolicy"), child(path, "dnsPolicy"), _DNS_POLICIES))
    errs.extend(validate_labels(spec.get("nodeSelector"), child(path, "nodeSelector")))
    from kspec.api.validation_scheduling import validate_scheduling  # affinity, dnsConfig, spread constraints
    errs.extend(validate_scheduling(spec, path))
    for key, check in (("serviceAccountName", is_dns1123_subdomain), ("nodeName", is_dns1123_subdomain)):
        if spec.get(key):
            errs.extend(_errors_for(child(path, key), spec[key], check(spec[key])))
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and not 1 <= deadline <= 2**31 - 1:
        errs.append(
            invalid(
                child(path, "activeDeadlineSeconds"), deadline, "must be between 1 and 2147483647, inclusive"
            )
        )
    for key in ("hostname", "subdomain"):
        if spec.get(key):
            errs.extend(_errors_for(child(path, key), spec[key], is_dns1123_label(spec[key])))
    errs.extend(validate_tolerations(spec.get("tolerations"), child(path, "tolerations")))
    errs.extend(_validate_pod_spec_extras(spec, path))
    if spec.get("priorityClassName"):
        errs.extend(
            _errors_for(
                child(path, "priorityClassName"),
                spec["priorityClassName"],
                is_dns1123_subdomain(spec["priorityClassName"]),
            )
        )
    return errs


def _validate_pod_spec_extras(spec: Obj, path: str) -> list[FieldError]:
    """ValidatePodSpec's host network ports, host aliases, readiness gates, runtime class and the pod
    security context's IDs, fsGroupChangePolicy and process-namespace rules."""
    errs: list[FieldError] = []
    is_pod = path == "spec"  # PodValidationOptions.ResourceIsPod: a template may leave hostPort unset
    if spec.get("hostNetwork"):  # validateHostNetwork
        for key in ("containers", "initContainers"):
            for ci, ctr in enumerate(spec.get(key) or []):
                for pi, port in enumerate((ctr or {}).get("ports") or []):
                    if not port.get("hostPort") and not is_pod:
                        continue
                    if port.get("hostPort") != port.get("containerPort"):
                        p = child(index(child(index(child(path, key), ci), "ports"), pi), "hostPort")
                        errs.append(invalid(p, port.get("hostPort") or 0,
                                            "must match `containerPort` when `hostNetwork` is true"))
    for i, alias in enumerate(spec.get("hostAliases") or []):  # ValidateHostAliases
        p = index(child(path, "hostAliases"), i)
        ip = (alias or {}).get("ip") or ""
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            errs.append(invalid(child(p, "ip"), ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
        for j, host in enumerate((alias or {}).get("hostnames") or []):
            errs.extend(_errors_for(index(child(p, "hostnames"), j), host, is_dns1123_subdomain(str(host))))
    for i, gate in enumerate(spec.get("readinessGates") or []):  # validateReadinessGates
        kind = (gate or {}).get("conditionType") or ""
        errs.extend(_errors_for(child(index(child(path, "readinessGates"), i), "conditionType"), kind,
                                lbl.validate_label_key(kind)))
    if spec.get("runtimeClassName"):
        errs.extend(_errors_for(child(path, "runtimeClassName"), spec["runtimeClassName"],
                                is_dns1123_subdomain(spec["runtimeClassName"])))
    ctx = spec.get("securityContext") or {}
    sp = child(path, "securityContext")
    ids = [("runAsUser", ctx.get("runAsUser")), ("fsGroup", ctx.get("fsGroup"))]
    ids += [(f"supplementalGroups[{i}]", g) for i, g in enumerate(ctx.get("supplementalGroups") or [])]
    for key, value in ids:  # ValidateNonnegativeField-style ID range checks (IsValidUserID / IsValidGroupID)
        if isinstance(value, int) and not 0 <= value <= 2147483647:
            errs.append(invalid(child(sp, key), value, "must be between 0 and 2147483647, inclusive"))
    policy = ctx.get("fsGroupChangePolicy")
    if policy is not None and policy not in ("OnRootMismatch", "Always"):
        errs.append(not_supported(child(sp, "fsGroupChangePolicy"), policy, ["OnRootMismatch", "Always"]))
    if spec.get("shareProcessNamespace") and spec.get("hostPID"):  # both sit in the internal securityContext
        errs.append(invalid(child(sp, "shareProcessNamespace"), True,
                            "ShareProcessNamespace and HostPID cannot both be enabled"))
    change_policy = ctx.get("seLinuxChangePolicy")  # validatePodSELinuxChangePolicy (every policy allowed)
    if change_policy is not None and change_policy not in ("MountOption", "Recursive"):
        errs.append(not_supported(child(sp, "seLinuxChangePolicy"), change_policy, ["MountOption", "Recursive"]))
    group_policy = ctx.get("supplementalGroupsPolicy")  # validateSupplementalGroupsPolicy
    if group_policy is not None and group_policy not in ("Merge", "Strict"):
        errs.append(not_supported(child(sp, "supplementalGroupsPolicy"), group_policy, ["Merge", "Strict"]))
    from kspec.api.validation_objects import validate_pod_sleep_actions, validate_sysctls
    errs.extend(validate_sysctls(ctx, bool(spec.get("hostNetwork")), bool(spec.get("hostIPC")), child(sp, "sysctls")))
    errs.extend(validate_pod_sleep_actions(spec, path))
    return errs


def _validate_volumes(volumes: Any, path: str) -> list[FieldError]:
    # ValidateVolumes: names (DNS label, unique) and one source
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, vol in enumerate(volumes or []):
        p = index(path, i)
        name = vol.get("name") or ""
        if not [k for k in vol if k != "name"]:
            errs.append(required(p, "must specify a volume type"))
        if not name:
            errs.append(required(child(p, "name")))
        else:
            errs.extend(_errors_for(child(p, "name"), name, is_dns1123_label(name)))
        if name in names:
            errs.append(duplicate(child(p, "name"), name))
        names.add(name)
    return errs


def validate_pod_template(template: Any, path: str) -> list[FieldError]:
    """ValidatePodTemplateSpec: template labels/annotations and the pod spec."""
    if not isinstance(template, dict):
        return [required(path)]
    meta = template.get("metadata") or {}
    errs = validate_labels(meta.get("labels"), child(path, "labels"))
    errs.extend(validate_annotations(meta.get("annotations"), child(path, "annotations")))
    errs.extend(validate_pod_spec(template.get("spec") or {}, child(path, "spec")))
    if (template.get("spec") or {}).get("ephemeralContainers"):
        errs.append(forbidden(child(path, "spec", "ephemeralContainers"),
                              "ephemeral containers not allowed in pod template"))
    return errs


def _validate_pod(obj: Obj) -> list[FieldError]:
    # ValidatePodCreate -> validatePodMetadataAndSpec
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    spec = obj.get("spec") or {}
    errs.extend(validate_pod_spec(spec, "spec"))
    for key in ("containers", "initContainers"):
        for i, c in enumerate(spec.get(key) or []):
            image = c.get("image") or ""
            if image != image.strip():
                errs.append(
                    invalid(
                        child(index(child("spec", key), i), "image"),
                        image,
                        "must not have leading or trailing whitespace",
                    )
                )
    if spec.get("ephemeralContainers"):
        errs.append(forbidden("spec.ephemeralContainers", "cannot be set on create"))
    return errs


# ---------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------


def _int_or_percent_value(value: Any) -> tuple[int, bool]:
    """getIntOrPercentValue: (number, is_percent)."""
    if isinstance(value, str):
        if re.fullmatch(_PERCENT_FMT, value):
            return int(value[:-1]), True
        return 0, False
    return (value if isinstance(value, int) else 0), False


def validate_int_or_percent(value: Any, path: str) -> list[FieldError]:
    """ValidatePositiveIntOrPercent."""
    if isinstance(value, str):
        if not re.fullmatch(_PERCENT_FMT, value):
            return [invalid(path, value, lbl.regex_error(_PERCENT_MSG, _PERCENT_FMT, "1%", "93%"))]
        return []
    return _nonnegative(path, value)


def not_more_than_100_percent(value: Any, path: str) -> list[FieldError]:
    """IsNotMoreThan100Percent."""
    number, is_percent = _int_or_percent_value(value)
    if is_percent and number > 100:
        return [invalid(path, value, "must not be greater than 100%")]
    return []


def selector_value(selector: Any) -> GoStruct | None:
    """A metav1.LabelSelector as json.Marshal prints it: struct field order, empty fields omitted."""
    if not isinstance(selector, dict):
        return None
    value = GoStruct()
    if selector.get("matchLabels"):
        value["matchLabels"] = selector["matchLabels"]
    if selector.get("matchExpressions"):
        value["matchExpressions"] = [
            GoStruct({k: e.get(k, "") for k in ("key", "operator", "values") if e.get(k) or k != "values"})
            for e in selector["matchExpressions"]
        ]
    return value


def _validate_selector(selector: Any, path: str, kind: str) -> list[FieldError]:
    """Required, well-formed and non-empty label selector for a workload."""
    if selector is None:
        return [required(path)]
    errs = validate_label_selector(selector, path)
    if not (selector.get("matchLabels") or selector.get("matchExpressions")):
        errs.append(invalid(path, selector_value(selector), f"empty selector is invalid for {kind}"))
    return errs


def validate_label_selector(selector: Obj, path: str) -> list[FieldError]:
    """metav1 ValidateLabelSelector."""
    errs = validate_labels(selector.get("matchLabels"), child(path, "matchLabels"))
    for i, expr in enumerate(selector.get("matchExpressions") or []):
        p = index(child(path, "matchExpressions"), i)
        operator, values = expr.get("operator") or "", expr.get("values") or []
        if operator in ("In", "NotIn") and not values:
            errs.append(required(child(p, "values"), "must be specified when `operator` is 'In' or 'NotIn'"))
        elif operator in ("Exists", "DoesNotExist") and values:
            errs.append(
                forbidden(
                    child(p, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                )
            )
        elif operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            errs.append(invalid(child(p, "operator"), operator, "not a valid selector operator"))
        key = expr.get("key") or ""
        errs.extend(_errors_for(child(p, "key"), key, lbl.validate_label_key(key)))
        for j, value in enumerate(values):
            errs.extend(
                _errors_for(index(child(p, "values"), j), value, lbl.validate_label_value(str(value)))
            )
    return errs


def _template_matches(selector: Any, template: Any, path: str) -> list[FieldError]:
    """`selector` does not match template `labels` (skipped when the selector is unusable or empty)."""
    try:
        sel = lbl.Selector.from_label_selector(selector)
    except ValueError:
        return [invalid(child(path, "selector"), selector_value(selector), "invalid label selector")]
    template_labels = ((template or {}).get("metadata") or {}).get("labels") or {}
    if sel.is_empty() or sel.nothing or sel.matches(template_labels):
        return []
    return [
        invalid(
            child(path, "template", "metadata", "labels"),
            template_labels,
            "`selector` does not match template `labels`",
        )
    ]


def _validate_always_template(spec: Obj, path: str, kind: str) -> list[FieldError]:
    """Template checks shared by Deployment, ReplicaSet and DaemonSet (restartPolicy Always)."""
    template = spec.get("template")
    errs = validate_pod_template(template, child(path, "template"))
    tspec = (template or {}).get("spec") or {}
    policy = tspec.get("restartPolicy") or ""
    if policy != "Always":
        errs.append(not_supported(child(path, "template", "spec", "restartPolicy"), policy, ["Always"]))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(
            forbidden(
                child(path, "template", "spec", "activeDeadlineSeconds"),
                f"activeDeadlineSeconds in {kind} is not Supported",
            )
        )
    return errs


def validate_rolling_update_deployment(rolling: Obj, path: str) -> list[FieldError]:
    """ValidateRollingUpdateDeployment: both zero is rejected; maxUnavailable at most 100%."""
    unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
    errs = validate_int_or_percent(unavailable, child(path, "maxUnavailable"))
    errs.extend(validate_int_or_percent(surge, child(path, "maxSurge")))
    if _int_or_percent_value(unavailable)[0] == 0 and _int_or_percent_value(surge)[0] == 0:
        errs.append(invalid(child(path, "maxUnavailable"), unavailable, "may not be 0 when `maxSurge` is 0"))
    errs.extend(not_more_than_100_percent(unavailable, child(path, "maxUnavailable")))
    return errs


def _validate_deployment_strategy(strategy: Obj, path: str) -> list[FieldError]:
    # ValidateDeploymentStrategy
    kind = strategy.get("type")
    if kind == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            return [
                forbidden(
                    child(path, "rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"
                )
            ]
        return []
    if kind == "RollingUpdate":
        if strategy.get("rollingUpdate") is None:
            return [required(child(path, "rollingUpdate"), "this should be defaulted and never be nil")]
        return validate_rolling_update_deployment(strategy["rollingUpdate"], child(path, "rollingUpdate"))
    value = GoStruct(Type=kind or "", RollingUpdate=_rolling_struct(strategy.get("rollingUpdate")))
    return [not_supported(path, value, ["Recreate", "RollingUpdate"])]


def _rolling_struct(rolling: Any) -> GoStruct | None:
    if not isinstance(rolling, dict):
        return None
    return GoStruct(MaxUnavailable=rolling.get("maxUnavailable"), MaxSurge=rolling.get("maxSurge"))


def _validate_deployment(obj: Obj) -> list[FieldError]:
    # ValidateDeployment / ValidateDeploymentSpec
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    spec = obj.get("spec") or {}
    errs.extend(_nonnegative("spec.replicas", spec.get("replicas")))
    errs.extend(_validate_selector(spec.get("selector"), "spec.selector", "deployment"))
    errs.extend(_template_matches(spec.get("selector"), spec.get("template"), "spec"))
    errs.extend(_validate_always_template(spec, "spec", "ReplicaSet"))
    errs.extend(_validate_deployment_strategy(spec.get("strategy") or {}, "spec.strategy"))
    errs.extend(_nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0)))
    errs.extend(_nonnegative("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit")))
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs.extend(_nonnegative("spec.progressDeadlineSeconds", deadline))
        if deadline <= spec.get("minReadySeconds", 0):
            errs.append(
                invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds")
            )
    return errs


def _validate_replicaset(obj: Obj) -> list[FieldError]:
    # ValidateReplicaSet / ValidateReplicaSetSpec (the "deployment" wording is upstream's)
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    spec = obj.get("spec") or {}
    errs.extend(_nonnegative("spec.replicas", spec.get("replicas")))
    errs.extend(_nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0)))
    errs.extend(_validate_selector(spec.get("selector"), "spec.selector", "deployment"))
    errs.extend(_template_matches(spec.get("selector"), spec.get("template"), "spec"))
    errs.extend(_validate_always_template(spec, "spec", "ReplicaSet"))
    return errs


def _validate_replication_controller(obj: Obj) -> list[FieldError]:
    # ValidateReplicationControllerSpec: map selector, non-empty, must match the template
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    spec = obj.get("spec") or {}
    errs.extend(_nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0)))
    selector = spec.get("selector") or {}
    if not selector:
        errs.append(required("spec.selector"))
    errs.extend(_nonnegative("spec.replicas", spec.get("replicas")))
    template = spec.get("template")
    if template is None:
        return errs + [required("spec.template")]
    template_labels = (template.get("metadata") or {}).get("labels") or {}
    if selector and not lbl.Selector.from_set(selector).matches(template_labels):
        errs.append(
            invalid(
                "spec.template.metadata.labels",
                template_labels,
                "`selector` does not match template `labels`",
            )
        )
    errs.extend(_validate_always_template(spec, "spec", "ReplicationController"))
    return errs


def _validate_daemonset(obj: Obj) -> list[FieldError]:
    # ValidateDaemonSetSpec
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    spec = obj.get("spec") or {}
    selector = spec.get("selector")
    if selector is not None:
        errs.extend(validate_label_selector(selector, "spec.selector"))
    errs.extend(
        # a selector that does not convert only skips the match check (err == nil && !Matches)
        [e for e in _template_matches(selector, spec.get("template"), "spec") if e.field != "spec.selector"]
        if selector is not None
        else [
            invalid(
                "spec.template.metadata.labels",
                ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {},
                "`selector` does not match template `labels`",
            )
        ]
    )
    if selector is not None and not (selector.get("matchLabels") or selector.get("matchExpressions")):
        errs.append(
            invalid("spec.selector", selector_value(selector), "empty selector is invalid for daemonset")
        )
    errs.extend(_validate_always_template(spec, "spec", "DaemonSet"))
    errs.extend(_nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0)))
    errs.extend(_validate_daemonset_strategy(spec.get("updateStrategy") or {}, "spec.updateStrategy"))
    errs.extend(_nonnegative("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit")))
    return errs


def _validate_daemonset_strategy(strategy: Obj, path: str) -> list[FieldError]:
    # ValidateDaemonSetUpdateStrategy / ValidateRollingUpdateDaemonSet
    kind = strategy.get("type")
    if kind == "OnDelete":
        return []
    if kind != "RollingUpdate":
        value = GoStruct(Type=kind or "", RollingUpdate=_rolling_struct(strategy.get("rollingUpdate")))
        return [not_supported(path, value, ["RollingUpdate", "OnDelete"])]
    rolling = strategy.get("rollingUpdate")
    if rolling is None:
        return [required(child(path, "rollingUpdate"))]
    p = child(path, "rollingUpdate")
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    errs = validate_int_or_percent(unavailable, child(p, "maxUnavailable"))
    errs.extend(validate_int_or_percent(surge, child(p, "maxSurge")))
    errs.extend(not_more_than_100_percent(unavailable, child(p, "maxUnavailable")))
    errs.extend(not_more_than_100_percent(surge, child(p, "maxSurge")))
    has_unavailable, has_surge = (
        _int_or_percent_value(unavailable)[0] != 0,
        _int_or_percent_value(surge)[0] != 0,
    )
    if has_unavailable and has_surge:
        errs.append(invalid(child(p, "maxSurge"), surge, "may not be set when maxUnavailable is non-zero"))
    elif not has_unavailable and not has_surge:
        errs.append(required(child(p, "maxUnavailable"), "cannot be 0 when maxSurge is 0"))
    return errs


def _validate_statefulset(obj: Obj) -> list[FieldError]:
    # ValidateStatefulSet / ValidateStatefulSetSpec (names are DNS-1123 labels)
    errs = validate_object_meta(obj, True, is_dns1123_label)
    spec = obj.get("spec") or {}
    policy = spec.get("podManagementPolicy") or ""
    if not policy:
        errs.append(required("spec.podManagementPolicy"))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"))
    errs.extend(_validate_statefulset_strategy(spec.get("updateStrategy") or {}))
    for key in ("whenDeleted", "whenScaled"):
        value = (spec.get("persistentVolumeClaimRetentionPolicy") or {}).get(key)
        if spec.get("persistentVolumeClaimRetentionPolicy") is not None and value not in ("Retain", "Delete"):
            errs.append(
                not_supported(
                    f"spec.persistentVolumeClaimRetentionPolicy.{key}", value or "", ["Retain", "Delete"]
                )
            )
    errs.extend(_nonnegative("spec.replicas", spec.get("replicas")))
    errs.extend(_nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0)))
    if isinstance(spec.get("ordinals"), dict):
        errs.extend(_nonnegative("spec.ordinals.start", spec["ordinals"].get("start", 0)))
    errs.extend(_validate_selector(spec.get("selector"), "spec.selector", "statefulset"))
    template = spec.get("template") or {}
    if spec.get("selector") is None:
        # LabelSelectorAsSelector(nil) is labels.Nothing(): not Empty, matches no template
        errs.append(invalid("spec.template.metadata.labels", ((template.get("metadata") or {}).get("labels")),
                            "`selector` does not match template `labels`"))
    match_errs = _template_matches(spec.get("selector"), spec.get("template"), "spec")
    errs.extend(match_errs)
    if not any(e.field == "spec.selector" for e in match_errs):  # a selector that does not parse skips it
        # ValidatePodTemplateSpecForStatefulSet: only the template's labels and annotations, not its pod spec
        meta = template.get("metadata") or {}
        errs.extend(validate_labels(meta.get("labels"), "spec.template.labels"))
        errs.extend(validate_annotations(meta.get("annotations"), "spec.template.annotations"))
    tspec = template.get("spec") or {}
    if (tspec.get("restartPolicy") or "") != "Always":
        errs.append(
            not_supported("spec.template.spec.restartPolicy", tspec.get("restartPolicy") or "", ["Always"])
        )
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(
            forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                "activeDeadlineSeconds in StatefulSet is not Supported",
            )
        )
    return errs


def _validate_statefulset_strategy(strategy: Obj) -> list[FieldError]:
    kind = strategy.get("type") or ""
    rolling = strategy.get("rollingUpdate")
    if not kind:
        return [required("spec.updateStrategy")]
    if kind == "OnDelete":
        if rolling is not None:
            return [
                invalid(
                    "spec.updateStrategy.rollingUpdate",
                    rolling,
                    "only allowed for updateStrategy 'RollingUpdate'",
                )
            ]
        return []
    if kind != "RollingUpdate":
        value = GoStruct(Type=kind, RollingUpdate=rolling)
        return [invalid("spec.updateStrategy", value, "must be 'RollingUpdate' or 'OnDelete'")]
    if rolling is None:
        return []
    errs = _nonnegative("spec.updateStrategy.rollingUpdate.partition", rolling.get("partition", 0))
    if rolling.get("maxUnavailable") is not None:
        p = "spec.updateStrategy.rollingUpdate.maxUnavailable"
        errs.extend(validate_int_or_percent(rolling["maxUnavailable"], p))
        if _int_or_percent_value(rolling["maxUnavailable"])[0] == 0:
            errs.append(invalid(p, rolling["maxUnavailable"], "cannot be 0"))
        errs.extend(not_more_than_100_percent(rolling["maxUnavailable"], p))
    return errs


# -- Job podFailurePolicy (pkg/apis/batch/validation validatePodFailurePolicy) --------------------------
_PFP_MAX_RULES = 20  # maxPodFailurePolicyRules
_PFP_MAX_EXIT_CODES = 255  # maxPodFailurePolicyOnExitCodesValues
_PFP_MAX_PATTERNS = 20  # maxPodFailurePolicyOnPodConditionsPatterns
_PFP_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"]  # supportedPodFailurePolicyActions, sorted
_PFP_OPERATORS = ["In", "NotIn"]
_PFP_STATUSES = ["False", "True", "Unknown"]


@dataclass(frozen=True)
class _BodyError(FieldError):
    """A field.Error whose body FieldError cannot spell: TooMany, or a value left out (field.OmitValueType)."""

    text: str = ""

    def body(self) -> str:
        return self.text


def _too_many(path: str, actual: int, most: int) -> FieldError:
    return _BodyError(INVALID, path, actual, "", f"Too many: {actual}: must have at most {most} items")


def _invalid_omit_value(path: str, detail: str) -> FieldError:
    return _BodyError(INVALID, path, "", detail, f"Invalid value: {detail}")


def _go_quoted_list(values: list[str]) -> str:
    """fmt's %q of a []string: ["a" "b"]."""
    return "[" + " ".join(json.dumps(v) for v in values) + "]"


def _validate_pod_failure_policy(spec: Obj, path: str) -> list[FieldError]:
    """validatePodFailurePolicy, with validatePodFailurePolicyRule and its onExitCodes / onPodConditions checks."""
    errs: list[FieldError] = []
    policy = spec.get("podFailurePolicy")
    rules = policy.get("rules") if isinstance(policy, dict) else None
    rules = rules if isinstance(rules, list) else []
    rules_path = child(path, "rules")
    if len(rules) > _PFP_MAX_RULES:
        errs.append(_too_many(rules_path, len(rules), _PFP_MAX_RULES))
    pod_spec = (spec.get("template") or {}).get("spec") or {}
    names = {c.get("name") for key in ("containers", "initContainers") for c in pod_spec.get(key) or []
             if isinstance(c, dict)}
    for i, rule in enumerate(rules):
        rule = rule if isinstance(rule, dict) else {}
        rule_path = index(rules_path, i)
        action = rule.get("action") or ""
        if not action:
            errs.append(required(child(rule_path, "action"), f"valid values: {_go_quoted_list(_PFP_ACTIONS)}"))
        elif action == "FailIndex":
            if spec.get("backoffLimitPerIndex") is None:
                errs.append(invalid(child(rule_path, "action"), action, "requires the backoffLimitPerIndex to be set"))
        elif action not in _PFP_ACTIONS:
            errs.append(not_supported(child(rule_path, "action"), action, _PFP_ACTIONS))
        exit_codes, patterns = rule.get("onExitCodes"), rule.get("onPodConditions") or []
        if exit_codes is not None:
            errs.extend(_validate_pfp_exit_codes(exit_codes, child(rule_path, "onExitCodes"), names))
        if patterns:
            errs.extend(_validate_pfp_patterns(patterns, child(rule_path, "onPodConditions")))
        if exit_codes is not None and patterns:
            errs.append(_invalid_omit_value(rule_path, "specifying both OnExitCodes and OnPodConditions is not "
                                                       "supported"))
        if exit_codes is None and not patterns:
            errs.append(_invalid_omit_value(rule_path, "specifying one of OnExitCodes and OnPodConditions is "
                                                       "required"))
    return errs


def _validate_pfp_exit_codes(req: Any, path: str, names: set[Any]) -> list[FieldError]:
    """validatePodFailurePolicyRuleOnExitCodes."""
    req = req if isinstance(req, dict) else {}
    errs: list[FieldError] = []
    operator = req.get("operator") or ""
    if not operator:
        errs.append(required(child(path, "operator"), f"valid values: {_go_quoted_list(_PFP_OPERATORS)}"))
    elif operator not in _PFP_OPERATORS:
        errs.append(not_supported(child(path, "operator"), operator, _PFP_OPERATORS))
    name = req.get("containerName")
    if name is not None and name not in names:
        errs.append(invalid(child(path, "containerName"), name,
                            "must be one of the container or initContainer names in the pod template"))
    values = req.get("values")
    values_path = child(path, "values")
    codes = values if isinstance(values, list) else []
    if not codes:
        errs.append(invalid(values_path, values, "at least one value is required"))
    elif len(codes) > _PFP_MAX_EXIT_CODES:
        errs.append(_too_many(values_path, len(codes), _PFP_MAX_EXIT_CODES))
    seen: set[Any] = set()
    ordered = True
    for j, code in enumerate(codes):
        if operator == "In" and code == 0:
            errs.append(invalid(index(values_path, j), code, "must not be 0 for the In operator"))
        if code in seen:
            errs.append(duplicate(index(values_path, j), code))
        seen.add(code)
        if j > 0 and codes[j - 1] > code:
            ordered = False
    if not ordered:
        errs.append(invalid(values_path, codes, "must be ordered"))
    return errs


def _validate_pfp_patterns(patterns: Any, path: str) -> list[FieldError]:
    """validatePodFailurePolicyRuleOnPodConditions: qualified condition types, a known status."""
    patterns = patterns if isinstance(patterns, list) else []
    errs: list[FieldError] = []
    if len(patterns) > _PFP_MAX_PATTERNS:
        errs.append(_too_many(path, len(patterns), _PFP_MAX_PATTERNS))
    for j, pattern in enumerate(patterns):
        pattern = pattern if isinstance(pattern, dict) else {}
        ctype = str(pattern.get("type") or "")
        errs.extend(_errors_for(child(index(path, j), "type"), ctype, lbl.validate_label_key(ctype)))
        status = pattern.get("status") or ""
        if not status:
            errs.append(required(child(index(path, j), "status"), f"valid values: {_go_quoted_list(_PFP_STATUSES)}"))
        elif status not in _PFP_STATUSES:
            errs.append(not_supported(child(index(path, j), "status"), status, _PFP_STATUSES))
    return errs


def _validate_pod_replacement_policy(spec: Obj, path: str) -> list[FieldError]:
    """validatePodReplacementPolicy: only Failed when a podFailurePolicy is set."""
    value = spec.get("podReplacementPolicy")
    if value is None:
        return []
    allowed = ["Failed"] if spec.get("podFailurePolicy") is not None else ["Failed", "TerminatingOrFailed"]
    return [] if value in allowed else [not_supported(path, value, allowed)]


def _validate_job_spec(spec: Obj, path: str, generated_selector: bool) -> list[FieldError]:
    """ValidateJobSpec (common subset): counts, selector/template match, restartPolicy."""
    errs: list[FieldError] = []
    for key in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ):
        errs.extend(_nonnegative(child(path, key), spec.get(key)))
    from kspec.api.validation_batch import validate_completion_mode
    errs.extend(validate_completion_mode(spec, path))
    selector = spec.get("selector")
    if selector is None and not generated_selector:
        errs.append(required(child(path, "selector")))
    elif selector is not None:
        errs.extend(validate_label_selector(selector, child(path, "selector")))
        errs.extend(_template_matches(selector, spec.get("template"), path))
    if spec.get("podFailurePolicy") is not None:
        errs.extend(_validate_pod_failure_policy(spec, child(path, "podFailurePolicy")))
    errs.extend(_validate_pod_replacement_policy(spec, child(path, "podReplacementPolicy")))
    template = spec.get("template")
    errs.extend(validate_pod_template(template, child(path, "template")))
    policy = ((template or {}).get("spec") or {}).get("restartPolicy") or ""
    if policy not in ("OnFailure", "Never"):
        errs.append(
            not_supported(child(path, "template", "spec", "restartPolicy"), policy, ["OnFailure", "Never"])
        )
    elif spec.get("podFailurePolicy") is not None and policy != "Never":
        errs.append(invalid(child(path, "template", "spec", "restartPolicy"), policy,
                            'only "Never" is supported when podFailurePolicy is specified'))
    return errs


def _validate_job(obj: Obj) -> list[FieldError]:
    # ValidateJob: the selector is required (the registry has generated it by now unless manualSelector)
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    return errs + _validate_job_spec(obj.get("spec") or {}, "spec", generated_selector=False)


def _validate_job_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateJobSpecUpdate: selector, completionMode and the pod template are immutable; completions
    too, unless an Indexed Job keeps completions == parallelism (elastic Indexed Jobs)."""
    errs = _immutable(new, old, "selector", "completionMode")
    spec, old_spec = new.get("spec") or {}, old.get("spec") or {}
    elastic = (spec.get("completionMode") == "Indexed" and spec.get("completions") is not None
               and old_spec.get("completions") is not None
               and spec.get("completions") == spec.get("parallelism")
               and old_spec.get("completions") == old_spec.get("parallelism"))
    if not elastic:
        errs.extend(_immutable(new, old, "completions"))
    # validatePodTemplateUpdate; a suspended Job that never started may change it (scheduling directives)
    if not (old_spec.get("suspend") and not (old.get("status") or {}).get("startTime")):
        new_t, old_t = spec.get("template") or {}, old_spec.get("template") or {}
        if (new_t.get("spec") or {}) != (old_t.get("spec") or {}):
            errs.append(invalid("spec.template", new_t, FIELD_IMMUTABLE))
    return errs


def _validate_schedule(schedule: str, path: str) -> list[FieldError]:
    """validateScheduleFormat: robfig/cron ParseStandard's error; no TZ in the schedule."""
    from kspec.api.validation_batch import validate_schedule_format
    return validate_schedule_format(schedule, path)


def _validate_cronjob(obj: Obj) -> list[FieldError]:
    # ValidateCronJobCreate: name fits a 52-character budget, schedule, job template
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    name = (obj.get("metadata") or {}).get("name") or ""
    if len(name) > 52:
        errs.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    spec = obj.get("spec") or {}
    schedule = spec.get("schedule") or ""
    errs.extend(
        [required("spec.schedule")] if not schedule else _validate_schedule(schedule, "spec.schedule")
    )
    policy = spec.get("concurrencyPolicy") or ""
    supported = ["Allow", "Forbid", "Replace"]
    if not policy:
        errs.append(required("spec.concurrencyPolicy"))
    elif policy not in supported:
        errs.append(not_supported("spec.concurrencyPolicy", policy, supported))
    for key in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        errs.extend(_nonnegative(f"spec.{key}", spec.get(key)))
    from kspec.api.validation_batch import validate_time_zone
    errs.extend(validate_time_zone(spec, "spec.timeZone"))
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    errs.extend(_validate_job_spec(job_spec, "spec.jobTemplate.spec", generated_selector=True))
    return errs


# ---------------------------------------------------------------------------
# Services and other core kinds
# ---------------------------------------------------------------------------

def _validate_service(obj: Obj) -> list[FieldError]:
    """ValidateService (kspec/api/validation_service.py)."""
    from kspec.api.validation_service import validate_service

    return validate_service(obj)


def _validate_service_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateServiceUpdate (kspec/api/validation_service.py)."""
    from kspec.api.validation_service import validate_service_update

    return validate_service_update(new, old)


def _validate_namespace(obj: Obj) -> list[FieldError]:
    """ValidateNamespace (kspec/api/validation_objects.py)."""
    from kspec.api.validation_objects import validate_namespace

    return validate_namespace(obj)


def _validate_node(obj: Obj) -> list[FieldError]:
    """ValidateNode (kspec/api/validation_objects.py)."""
    from kspec.api.validation_objects import validate_node

    return validate_node(obj)


def _validate_node_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateNodeUpdate (kspec/api/validation_objects.py)."""
    from kspec.api.validation_objects import validate_node_update

    return validate_node_update(new, old)


def _validate_data_keys(obj: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    for bag in ("data", "binaryData", "stringData"):
        for key in sorted((obj.get(bag) or {}).keys()):
            errs.extend(_errors_for(index(bag, key), key, is_config_map_key(key)))
    binary = obj.get("binaryData") or {}
    for key in sorted(obj.get("data") or {}):
        if key in binary and obj.get("kind") == "ConfigMap":
            errs.append(invalid(index("data", key), key, "duplicate of key present in binaryData"))
    return errs


def _validate_configmap(obj: Obj) -> list[FieldError]:
    # ValidateConfigMap
    from kspec.api.validation_limits import validate_data_size
    return validate_object_meta(obj, True, is_dns1123_subdomain) + _validate_data_keys(obj) + validate_data_size(obj)


def _validate_secret(obj: Obj) -> list[FieldError]:
    # ValidateSecret: key names, the per-type keys (kspec/api/validation_objects.py), the size
    from kspec.api.validation_limits import validate_data_size
    from kspec.api.validation_objects import validate_secret_type
    return (validate_object_meta(obj, True, is_dns1123_subdomain) + _validate_data_keys(obj)
            + validate_secret_type(obj) + validate_data_size(obj))


def _validate_priority_class(obj: Obj) -> list[FieldError]:
    # ValidatePriorityClass
    from kspec.api.validation_limits import validate_priority_class_rules
    return validate_object_meta(obj, False, is_dns1123_subdomain) + validate_priority_class_rules(obj)


def _validate_endpoints(obj: Obj) -> list[FieldError]:
    """ValidateEndpoints (kspec/api/validation_objects.py)."""
    from kspec.api.validation_objects import validate_endpoints

    return validate_endpoints(obj)


def _validate_limit_range(obj: Obj) -> list[FieldError]:
    """ValidateLimitRange (kspec/api/validation_objects.py)."""
    from kspec.api.validation_objects import validate_limit_range

    return validate_limit_range(obj)


def _validate_resource_quota(obj: Obj) -> list[FieldError]:
    """ValidateResourceQuota (kspec/api/validation_objects.py)."""
    from kspec.api.validation_objects import validate_resource_quota

    return validate_resource_quota(obj)


def _validate_hpa(obj: Obj) -> list[FieldError]:
    # validateHorizontalPodAutoscalerSpec
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    spec = obj.get("spec") or {}
    min_replicas, max_replicas = spec.get("minReplicas"), spec.get("maxReplicas") or 0
    if min_replicas is not None and min_replicas < 1:
        errs.append(invalid("spec.minReplicas", min_replicas, "must be greater than or equal to 1"))
    if max_replicas < 1:
        errs.append(invalid("spec.maxReplicas", max_replicas, "must be greater than 0"))
    if min_replicas is not None and max_replicas < min_replicas:
        errs.append(
            invalid("spec.maxReplicas", max_replicas, "must be greater than or equal to `minReplicas`")
        )
    ref = spec.get("scaleTargetRef") or {}
    for key in ("kind", "name"):
        if not ref.get(key):
            errs.append(required(f"spec.scaleTargetRef.{key}"))
    from kspec.api.validation_autoscaling import validate_hpa_metrics
    return errs + validate_hpa_metrics(spec)


def _validate_pdb(obj: Obj) -> list[FieldError]:
    # ValidatePodDisruptionBudgetSpec; the bad value prints as the internal Go struct
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    spec = obj.get("spec") or {}
    min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
    if min_available is not None and max_unavailable is not None:
        value = GoStruct(
            MinAvailable=min_available,
            Selector=selector_value(spec.get("selector")),
            MaxUnavailable=max_unavailable,
            UnhealthyPodEvictionPolicy=spec.get("unhealthyPodEvictionPolicy"),
        )
        errs.append(invalid("spec", value, "minAvailable and maxUnavailable cannot be both set"))
    for key in ("minAvailable", "maxUnavailable"):
        if spec.get(key) is not None:
            errs.extend(validate_int_or_percent(spec[key], f"spec.{key}"))
            errs.extend(not_more_than_100_percent(spec[key], f"spec.{key}"))
    if spec.get("selector") is not None:
        errs.extend(validate_label_selector(spec["selector"], "spec.selector"))
    return errs


def _validate_endpoint_slice(obj: Obj) -> list[FieldError]:
    from kspec.api.validation_discovery import validate_endpoint_slice  # discovery.k8s.io/v1
    return validate_endpoint_slice(obj)


def _validate_endpoint_slice_update(new: Obj, old: Obj) -> list[FieldError]:
    from kspec.api.validation_discovery import validate_endpoint_slice_update
    return validate_endpoint_slice_update(new, old)


def _validate_network_policy(obj: Obj) -> list[FieldError]:
    from kspec.api.validation_networking import validate_network_policy  # networking.k8s.io/v1
    return validate_network_policy(obj)


def _validate_network_policy_update(new: Obj, old: Obj) -> list[FieldError]:
    from kspec.api.validation_networking import validate_network_policy_spec  # metadata: validate()'s
    return validate_network_policy_spec(new.get("spec") or {}, "spec")


def _validate_ingress(obj: Obj) -> list[FieldError]:
    from kspec.api.validation_ingress import validate_ingress  # networking.k8s.io/v1
    return validate_ingress(obj)


def _validate_ingress_class(obj: Obj) -> list[FieldError]:
    from kspec.api.validation_ingress import validate_ingress_class
    return validate_ingress_class(obj)


def _validate_ingress_class_update(new: Obj, old: Obj) -> list[FieldError]:
    from kspec.api.validation_ingress import validate_ingress_class_update
    return validate_ingress_class_update(new, old)


def _validate_generic(obj: Obj) -> list[FieldError]:
    return validate_object_meta(obj, bool((obj.get("metadata") or {}).get("namespace")), is_dns1123_subdomain)


def known_valid_generic(meta: Obj) -> bool:
    """``validate`` of a new object of a kind without a validator of its own (``_validate_generic``, the
    metadata alone), whose metadata is ``meta``, reports nothing: its memo fast path, without the three calls to
    reach it. False: ask ``validate``, which decides and words the errors."""
    return _known_valid_meta(meta, bool(meta.get("namespace")), is_dns1123_subdomain)


VALIDATORS: dict[str, Callable[[Obj], list[FieldError]]] = {
    "Pod": _validate_pod,
    "Service": _validate_service,
    "Deployment": _validate_deployment,
    "ReplicaSet": _validate_replicaset,
    "ReplicationController": _validate_replication_controller,
    "StatefulSet": _validate_statefulset,
    "DaemonSet": _validate_daemonset,
    "Job": _validate_job,
    "CronJob": _validate_cronjob,
    "HorizontalPodAutoscaler": _validate_hpa,
    "PodDisruptionBudget": _validate_pdb,
    "Namespace": _validate_namespace,
    "Node": _validate_node,
    "ConfigMap": _validate_configmap,
    "Secret": _validate_secret,
    "PriorityClass": _validate_priority_class,
    "Endpoints": _validate_endpoints,
    "EndpointSlice": _validate_endpoint_slice,
    "Ingress": _validate_ingress,
    "IngressClass": _validate_ingress_class,
    "ResourceQuota": _validate_resource_quota,
    "LimitRange": _validate_limit_range,
    "NetworkPolicy": _validate_network_policy,
}


# ---------------------------------------------------------------------------
# Updates
# ---------------------------------------------------------------------------


def _diff(old: Any, new: Any, path: str = "") -> list[str]:
    """A short, deterministic description of what changed (stands in for cmp.Diff)."""
    if isinstance(old, dict) and isinstance(new, dict):
        lines: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            lines.extend(_diff(old.get(key), new.get(key), child(path, str(key))))
        return lines
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        lines = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            lines.extend(_diff(a, b, index(path, i)))
        return lines
    if old == new:
        return []
    return [f"- {path}: {go_json(old)}", f"+ {path}: {go_json(new)}"]


def _validate_pod_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and a grace fix may change."""
    errs = _validate_pod(new)
    errs = [e for e in errs if e.field != "spec.ephemeralContainers"]
    new_spec, old_spec = new.get("spec") or {}, old.get("spec") or {}
    for key in ("containers", "initContainers"):
        if len(new_spec.get(key) or []) != len(old_spec.get(key) or []):
            return errs + [forbidden(f"spec.{key}", "pod updates may not add or remove containers")]
    errs.extend(
        _deadline_update(new_spec.get("activeDeadlineSeconds"), old_spec.get("activeDeadlineSeconds"))
    )
    errs.extend(_tolerations_update(new_spec.get("tolerations") or [], old_spec.get("tolerations") or []))
    munged = json.loads(json.dumps(new_spec))
    for key in ("containers", "initContainers"):
        for c_new, c_old in zip(munged.get(key) or [], old_spec.get(key) or [], strict=True):
            c_new["image"] = c_old.get("image")
    for key in ("activeDeadlineSeconds", "tolerations", "schedulingGates"):
        munged.pop(key, None)
        if key in old_spec:
            munged[key] = old_spec[key]
    old_grace = old_spec.get("terminationGracePeriodSeconds")
    if old_grace is not None and old_grace < 0 and munged.get("terminationGracePeriodSeconds") == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    if munged != old_spec:
        detail = "pod updates may not change fields other than " + ",".join(UPDATABLE_POD_SPEC_FIELDS)
        errs.append(forbidden("spec", detail + "\n" + "\n".join(_diff(old_spec, munged, "spec"))))
    return errs


def _deadline_update(new: Any, old: Any) -> list[FieldError]:
    path = "spec.activeDeadlineSeconds"
    if new is None:
        return (
            [invalid(path, None, "must not update from a positive integer to nil value")]
            if old is not None
            else []
        )
    if not 0 <= new <= 2**31 - 1:
        return [invalid(path, new, "must be between 0 and 2147483647, inclusive")]
    if old is not None and old < new:
        return [invalid(path, new, "must be less than or equal to previous value")]
    return []


def _tolerations_update(new: list[Obj], old: list[Obj]) -> list[FieldError]:
    # validateOnlyAddedTolerations: tolerationSeconds may change, nothing else
    def strip(t: Obj) -> Obj:
        return {k: v for k, v in t.items() if k != "tolerationSeconds"}

    for t_old in old:
        if not any(strip(t_old) == strip(t_new) for t_new in new):
            return [
                forbidden(
                    "spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"
                )
            ]
    return []


def _immutable(new: Obj, old: Obj, *keys: str) -> list[FieldError]:
    """ValidateImmutableField for spec.<key> entries."""
    errs: list[FieldError] = []
    for key in keys:
        new_value, old_value = (new.get("spec") or {}).get(key), (old.get("spec") or {}).get(key)
        if new_value != old_value:
            shown = selector_value(new_value) if key == "selector" else new_value
            errs.append(invalid(f"spec.{key}", shown, FIELD_IMMUTABLE))
    return errs


def _validate_statefulset_update(new: Obj, old: Obj) -> list[FieldError]:
    errs = _validate_statefulset(new)
    errs = [e for e in errs if not e.field.startswith("metadata.name")]
    mutable = {
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
    }
    new_rest = {k: v for k, v in (new.get("spec") or {}).items() if k not in mutable}
    old_rest = {k: v for k, v in (old.get("spec") or {}).items() if k not in mutable}
    if new_rest != old_rest:
        errs.append(
            forbidden(
                "spec",
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                "'minReadySeconds' are forbidden",
            )
        )
    return errs


def _secret_type_update(new: Obj, old: Obj) -> list[FieldError]:
    from kspec.api.validation_objects import validate_secret_update
    return validate_secret_update(new, old)


def _immutable_data(new: Obj, old: Obj) -> list[FieldError]:
    # ValidateConfigMapUpdate / ValidateSecretUpdate when `immutable` is set
    if not old.get("immutable"):
        return []
    errs: list[FieldError] = []
    if not new.get("immutable"):
        errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
    for bag in ("data", "binaryData"):
        if (new.get(bag) or None) != (old.get(bag) or None):
            errs.append(forbidden(bag, "field is immutable when `immutable` is set"))
    return errs


def _validate_pvc_update(new: Obj, old: Obj) -> list[FieldError]:
    from kspec.api.validation_storage import validate_pvc_update
    return validate_pvc_update(new, old)


UPDATE_VALIDATORS: dict[str, Callable[[Obj, Obj], list[FieldError]]] = {
    "PersistentVolumeClaim": _validate_pvc_update,
    "Pod": _validate_pod_update,
    "Deployment": lambda new, old: _validate_deployment(new) + _immutable(new, old, "selector"),
    "ReplicaSet": lambda new, old: _validate_replicaset(new) + _immutable(new, old, "selector"),
    "DaemonSet": lambda new, old: _validate_daemonset(new) + _immutable(new, old, "selector"),
    "StatefulSet": _validate_statefulset_update,
    "Job": lambda new, old: _validate_job(new) + _validate_job_update(new, old),
    "ConfigMap": lambda new, old: _immutable_data(new, old) + _validate_configmap(new),
    "EndpointSlice": _validate_endpoint_slice_update,
    "IngressClass": _validate_ingress_class_update,
    "Secret": lambda new, old: _secret_type_update(new, old) + _immutable_data(new, old) + _validate_secret(new),
    "Service": _validate_service_update,
    "Node": _validate_node_update,
    "NetworkPolicy": _validate_network_policy_update,
}


def validate(obj: Obj, old: Obj | None = None) -> list[FieldError]:
    """Validate a (defaulted) object on create, or as an update of `old`; [] means valid."""
    kind = str(obj.get("kind") or "")
    if old is None:
        return VALIDATORS.get(kind, _validate_generic)(obj)
    errs = validate_object_meta_update(obj, old)
    update = UPDATE_VALIDATORS.get(kind)
    if update is not None:
        return errs + update(obj, old)
    return errs + VALIDATORS.get(kind, _validate_generic)(obj)


def _register_rbac() -> None:
    """rbac.authorization.k8s.io/v1 (kspec/api/validation_rbac.py)."""
    from kspec.api import validation_rbac

    VALIDATORS.update(validation_rbac.VALIDATORS)
    UPDATE_VALIDATORS.update(validation_rbac.UPDATE_VALIDATORS)


_register_rbac()
