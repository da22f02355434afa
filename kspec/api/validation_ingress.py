"""networking.k8s.io/v1 Ingress and IngressClass validation (v1 has no defaults for either: pathType is required).

Upstream: pkg/apis/networking/validation/validation.go (ValidateIngressCreate,
ValidateIngressSpec, validateIngressRules, validateHTTPIngressPath,
validateIngressBackend, validateIngressTLS, ValidateIngressClass). Messages are
upstream's; the code is kspec's own.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from kspec.api.validation import (
    FIELD_IMMUTABLE,
    TOO_LONG,
    FieldError,
    _errors_for,
    child,
    index,
    invalid,
    is_dns1035_label,
    is_dns1123_subdomain,
    is_valid_port_name,
    is_valid_port_num,
    not_supported,
    required,
    validate_object_meta,
)
from kspec.objects import Obj

#: supportedPathTypes
PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
#: invalidPathSequences and invalidPathSuffixes (validateHTTPIngressPath, Exact and Prefix paths)
INVALID_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_SUFFIXES = ("/..", "/.")
#: IngressClass spec.controller: maxLength
MAX_CONTROLLER_LEN = 250
#: annotationIngressClass, the class before spec.ingressClassName
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
_WILDCARD_FMT = re.compile(r"^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DOMAIN_PREFIXED = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/\S+$")


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """IsWildcardDNS1123Subdomain: ``*.`` then a DNS-1123 subdomain (the wildcard only as the first label)."""
    errs = ["must be no more than 253 characters"] if len(value) > 253 else []
    if not _WILDCARD_FMT.match(value):
        errs.append("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which "
                    "must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric "
                    "character (e.g. '*.example.com', regex used for validation is "
                    "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    return errs


def _validate_host(host: Any, path: str) -> list[FieldError]:
    if not isinstance(host, str) or not host:
        return []
    try:
        ipaddress.ip_address(host)
        return [invalid(path, host, "must be a DNS name, not an IP address")]
    except ValueError:
        pass
    if "*" in host:
        return _errors_for(path, host, is_wildcard_dns1123_subdomain(host))
    return _errors_for(path, host, is_dns1123_subdomain(host))


def validate_http_path(p: Obj, path: str) -> list[FieldError]:
    """validateHTTPIngressPath: pathType required; Exact/Prefix paths absolute and normalised."""
    errs: list[FieldError] = []
    value = p.get("path") or ""
    kind = p.get("pathType")
    if not kind:
        return [required(child(path, "pathType"), "pathType must be specified")]
    if kind in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.append(invalid(child(path, "path"), value, "must be an absolute path"))
        for seq in INVALID_SEQUENCES:
            if seq in value:
                errs.append(invalid(child(path, "path"), value, f"must not contain '{seq}'"))
        for suffix in INVALID_SUFFIXES:
            if value.endswith(suffix):
                errs.append(invalid(child(path, "path"), value, f"cannot end with '{suffix}'"))
    elif kind == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.append(invalid(child(path, "path"), value, "must be an absolute path"))
    else:
        errs.append(not_supported(child(path, "pathType"), kind, PATH_TYPES))
    return errs + validate_backend(p.get("backend") or {}, child(path, "backend"))


def validate_backend(backend: Obj, path: str) -> list[FieldError]:
    """validateIngressBackend: exactly one of service and resource; a service port by name or number."""
    service, resource = backend.get("service"), backend.get("resource")
    if service and resource:
        return [invalid(path, "", "cannot set both resource and service backends")]
    if resource:
        return _validate_typed_ref(resource, child(path, "resource"))
    if not service:
        return [invalid(path, "", "resource or service backend is required")]
    errs = []
    name = service.get("name") or ""
    if not name:
        errs.append(required(child(path, "service", "name")))  # serviceNameFieldPath
    else:
        errs.extend(_errors_for(child(path, "service", "name"), name, is_dns1035_label(name)))
    port = service.get("port") or {}
    ppath = child(path, "service", "port")
    has_name, has_number = bool(port.get("name")), port.get("number") not in (None, 0)
    if has_name and has_number:
        errs.append(invalid(path, "", "cannot set both port name & port number"))
    elif has_name:
        errs.extend(_errors_for(child(ppath, "name"), port["name"], is_valid_port_name(port["name"])))
    elif has_number:
        errs.extend(_errors_for(child(ppath, "number"), port["number"], is_valid_port_num(port["number"])))
    else:
        errs.append(required(path, "port name or number is required"))
    return errs


def validate_ingress_spec(spec: Obj, path: str = "spec") -> list[FieldError]:
    """ValidateIngressSpec."""
    errs: list[FieldError] = []
    rules = spec.get("rules") or []
    if not rules and not spec.get("defaultBackend"):
        errs.append(invalid(path, rules, "either `defaultBackend` or `rules` must be specified"))
    if spec.get("defaultBackend"):
        errs.extend(validate_backend(spec["defaultBackend"], child(path, "defaultBackend")))
    for i, rule in enumerate(rules):
        rpath = index(child(path, "rules"), i)
        errs.extend(_validate_host(rule.get("host"), child(rpath, "host")))
        http = rule.get("http")
        if http is not None:
            paths = http.get("paths") or []
            if not paths:
                errs.append(required(child(rpath, "http", "paths")))
            for j, p in enumerate(paths):
                errs.extend(validate_http_path(p or {}, index(child(rpath, "http", "paths"), j)))
    for i, tls in enumerate(spec.get("tls") or []):
        secret = (tls or {}).get("secretName") or ""
        if secret:  # validateTLSSecretName
            errs.extend(_errors_for(child(index(child(path, "tls"), i), "secretName"), secret,
                                    is_dns1123_subdomain(secret)))
        for j, host in enumerate((tls or {}).get("hosts") or []):
            if isinstance(host, str) and "*" in host:
                errs.extend(_errors_for(index(child(index(child(path, "tls"), i), "hosts"), j), host,
                                        is_wildcard_dns1123_subdomain(host)))
            elif isinstance(host, str):
                errs.extend(_errors_for(index(child(index(child(path, "tls"), i), "hosts"), j), host,
                                        is_dns1123_subdomain(host)))
    name = spec.get("ingressClassName")
    if name:
        errs.extend(_errors_for(child(path, "ingressClassName"), name, is_dns1123_subdomain(name)))
    return errs


def validate_ingress(obj: Obj) -> list[FieldError]:
    """ValidateIngressCreate / ValidateIngressUpdate: metadata and the spec; on create, not both the legacy
    class annotation and spec.ingressClassName (upstream's path for it starts at ``annotations``)."""
    errs = validate_object_meta(obj, True, is_dns1123_subdomain) + validate_ingress_spec(obj.get("spec") or {})
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if LEGACY_CLASS_ANNOTATION in annotations and (obj.get("spec") or {}).get("ingressClassName") is not None:
        errs.append(invalid(f"annotations.{LEGACY_CLASS_ANNOTATION}", annotations[LEGACY_CLASS_ANNOTATION],
                            "can not be set when the class field is also set"))
    return errs


def _validate_typed_ref(ref: Obj, path: str) -> list[FieldError]:
    """validateIngressTypedLocalObjectReference: kind and name required, apiGroup a DNS subdomain."""
    errs: list[FieldError] = []
    if ref.get("apiGroup"):
        errs.extend(_errors_for(child(path, "apiGroup"), ref["apiGroup"], is_dns1123_subdomain(ref["apiGroup"])))
    for key in ("kind", "name"):
        value = ref.get(key) or ""
        if not value:
            errs.append(required(child(path, key), f"{key} is required"))
        elif value in (".", "..") or "/" in value or "%" in value:  # IsValidPathSegmentName
            errs.append(invalid(child(path, key), value, f"may not be '{value}'" if value in (".", "..")
                                else "may not contain '/'" if "/" in value else "may not contain '%'"))
    return errs


def validate_ingress_class(obj: Obj) -> list[FieldError]:
    """ValidateIngressClass: a domain-prefixed controller of at most 250 characters."""
    errs = validate_object_meta(obj, False, is_dns1123_subdomain)
    controller = (obj.get("spec") or {}).get("controller") or ""
    path = "spec.controller"
    if len(controller) > MAX_CONTROLLER_LEN:
        errs.append(FieldError(TOO_LONG, path, controller, f"must have at most {MAX_CONTROLLER_LEN} bytes"))
    if not controller:  # IsDomainPrefixedPath
        errs.append(required(path))
    elif not _DOMAIN_PREFIXED.match(controller):
        errs.append(invalid(path, controller, "must be a domain-prefixed path (such as \"acme.io/foo\")"))
    return errs


def validate_ingress_class_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateIngressClassUpdate: spec.controller is immutable."""
    errs: list[FieldError] = []
    if (new.get("spec") or {}).get("controller") != (old.get("spec") or {}).get("controller"):
        errs.append(invalid("spec.controller", (new.get("spec") or {}).get("controller"), FIELD_IMMUTABLE))
    return errs + validate_ingress_class(new)

