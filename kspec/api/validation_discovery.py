"""discovery.k8s.io/v1 EndpointSlice validation (defaulting is kspec/api/defaults.py's).

Upstream: pkg/apis/discovery/validation/validation.go
(ValidateEndpointSlice, ValidateEndpointSliceUpdate): an address type of
IPv4, IPv6 or FQDN (immutable), at most 1000 endpoints of 1 to 100 addresses
valid for that type, DNS-label hostnames, at most 100 ports with unique
DNS-label names and a supported protocol, at most 8 zone hints.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from kspec import labels as lbl
from kspec.api.validation import (
    FIELD_IMMUTABLE,
    FieldError,
    _errors_for,
    _too_many,
    child,
    duplicate,
    index,
    invalid,
    is_dns1123_label,
    is_dns1123_subdomain,
    not_supported,
    required,
    validate_labels,
    validate_object_meta,
)
from kspec.objects import Obj

SUPPORTED_ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"]  # supportedAddressTypes
DEPRECATED_ADDRESS_TYPES = ["IP"]  # deprecatedAddressTypes: accepted on update only
SUPPORTED_PROTOCOLS = ["SCTP", "TCP", "UDP"]  # supportedPortProtocols
MAX_TOPOLOGY_LABELS = 16
MAX_ADDRESSES = 100
MAX_PORTS = 100
MAX_ENDPOINTS = 1000
MAX_ZONE_HINTS = 8


def _non_special_ip(address: str, path: str) -> list[FieldError]:
    """ValidateNonSpecialIP."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return [invalid(path, address, "must be a valid IP address")]
    errs = []
    if ip.is_unspecified:
        errs.append(invalid(path, address, f"may not be unspecified ({address})"))
    if ip.is_loopback:
        errs.append(invalid(path, address, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip.is_link_local and ((ip.version == 4 and ip in ipaddress.ip_network("169.254.0.0/16"))
                             or (ip.version == 6 and ip in ipaddress.ip_network("fe80::/10"))):
        errs.append(invalid(path, address, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    if (ip.version == 4 and ip in ipaddress.ip_network("224.0.0.0/24")) or (
            ip.version == 6 and ip in ipaddress.ip_network("ff02::/16")):
        errs.append(invalid(path, address,
                            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
    return errs


def _ip_of_family(address: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(address).version == version
    except ValueError:
        return False


def _fqdn(address: str, path: str) -> list[FieldError]:
    """IsFullyQualifiedDomainName: at least two labels, a DNS-1123 subdomain."""
    name = address[:-1] if address.endswith(".") else address
    if not name:
        return [required(path)]
    errs = _errors_for(path, address, is_dns1123_subdomain(name))
    if not errs and len(name.split(".")) < 2:
        errs.append(invalid(path, address, "should be a domain with at least two segments separated by dots"))
    return errs


def _validate_address(address: Any, address_type: str, path: str) -> list[FieldError]:
    address = str(address)
    # IsValidIPv4Address / IsValidIPv6Address, then ValidateNonSpecialIP: both report, as upstream's do
    if address_type == "IPv4":
        family = [] if _ip_of_family(address, 4) else [invalid(path, address, "must be a valid IPv4 address")]
        return family + _non_special_ip(address, path)
    if address_type == "IPv6":
        family = [] if _ip_of_family(address, 6) else [invalid(path, address, "must be a valid IPv6 address")]
        return family + _non_special_ip(address, path)
    if address_type == "FQDN":
        return _fqdn(address, path)
    if address_type == "IP":
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return [invalid(path, address, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    return []


def _validate_hints(hints: Any, path: str) -> list[FieldError]:
    """validateHints: at most 8 zones, each named once, each a valid label value."""
    zones = (hints or {}).get("forZones") or []
    zpath = child(path, "forZones")
    if len(zones) > MAX_ZONE_HINTS:
        return [_too_many(zpath, len(zones), MAX_ZONE_HINTS)]
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, zone in enumerate(zones):
        name = str((zone or {}).get("name", ""))
        npath = child(index(zpath, i), "name")
        if name in seen:
            errs.append(duplicate(npath, name))
        seen.add(name)
        errs.extend(_errors_for(npath, name, lbl.validate_label_value(name)))
    return errs


def _validate_endpoints(endpoints: list[Any], address_type: str) -> list[FieldError]:
    if len(endpoints) > MAX_ENDPOINTS:
        return [_too_many("endpoints", len(endpoints), MAX_ENDPOINTS)]
    errs: list[FieldError] = []
    for i, ep in enumerate(endpoints):
        ep = ep or {}
        ipath = index("endpoints", i)
        apath = child(ipath, "addresses")
        addresses = ep.get("addresses") or []
        if not addresses:
            errs.append(required(apath, "must contain at least 1 address"))
        elif len(addresses) > MAX_ADDRESSES:
            errs.append(_too_many(apath, len(addresses), MAX_ADDRESSES))
        for j, address in enumerate(addresses):
            errs.extend(_validate_address(address, address_type, index(apath, j)))
        if ep.get("nodeName") is not None:
            errs.extend(_errors_for(child(ipath, "nodeName"), ep["nodeName"], is_dns1123_subdomain(ep["nodeName"])))
        topology = ep.get("deprecatedTopology") or {}
        tpath = child(ipath, "deprecatedTopology")
        if len(topology) > MAX_TOPOLOGY_LABELS:
            errs.append(_too_many(tpath, len(topology), MAX_TOPOLOGY_LABELS))
        errs.extend(validate_labels(topology, tpath))
        if ep.get("hostname") is not None:
            errs.extend(_errors_for(child(ipath, "hostname"), ep["hostname"], is_dns1123_label(ep["hostname"])))
        if ep.get("hints") is not None:
            errs.extend(_validate_hints(ep["hints"], child(ipath, "hints")))
    return errs


def _validate_ports(ports: list[Any]) -> list[FieldError]:
    if len(ports) > MAX_PORTS:
        return [_too_many("ports", len(ports), MAX_PORTS)]
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        port = port or {}
        ppath = index("ports", i)
        name = str(port.get("name") or "")
        if name:
            errs.extend(_errors_for(child(ppath, "name"), name, is_dns1123_label(name)))
        if name in names:
            errs.append(duplicate(child(ppath, "name"), name))
        names.add(name)
        protocol = port.get("protocol")
        if protocol is None:
            errs.append(required(child(ppath, "protocol")))
        elif protocol not in SUPPORTED_PROTOCOLS:
            errs.append(not_supported(child(ppath, "protocol"), protocol, SUPPORTED_PROTOCOLS))
        if port.get("appProtocol") is not None:
            errs.extend(_errors_for(child(ppath, "appProtocol"), port["appProtocol"],
                                    lbl.validate_label_key(str(port["appProtocol"]))))
    return errs


def validate_endpoint_slice(obj: Obj, address_types: list[str] | None = None) -> list[FieldError]:
    """ValidateEndpointSlice (create: IPv4, IPv6, FQDN)."""
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    address_type = obj.get("addressType") or ""
    valid = address_types or SUPPORTED_ADDRESS_TYPES
    if not address_type:
        errs.append(required("addressType"))
    elif address_type not in valid:
        errs.append(not_supported("addressType", address_type, valid))
    errs.extend(_validate_endpoints(obj.get("endpoints") or [], address_type))
    errs.extend(_validate_ports(obj.get("ports") or []))
    return errs


def validate_endpoint_slice_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateEndpointSliceUpdate: the deprecated IP type is still accepted; addressType is immutable."""
    errs = validate_endpoint_slice(new, sorted(SUPPORTED_ADDRESS_TYPES + DEPRECATED_ADDRESS_TYPES))
    if new.get("addressType") != old.get("addressType"):
        errs.append(invalid("addressType", new.get("addressType"), FIELD_IMMUTABLE))
    return errs
