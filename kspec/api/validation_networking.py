"""networking.k8s.io/v1 NetworkPolicy validation (defaulting is kspec/api/defaults.py's).

Upstream: pkg/apis/networking/validation/validation.go (ValidateNetworkPolicy,
ValidateNetworkPolicySpec, ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer,
ValidateIPBlock; ValidateNetworkPolicyUpdate is
validate()'s metadata-update check plus the spec's): label selectors, ports (a supported
protocol, a valid number or IANA name, endPort only after a numeric port and not
below it), peers (at least one of the selectors or ipBlock, ipBlock alone),
ipBlock CIDRs with excepts strictly inside, and at most the two policy types.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from kspec.api.validation import (
    FieldError,
    _errors_for,
    child,
    forbidden,
    index,
    invalid,
    is_dns1123_subdomain,
    is_valid_port_name,
    is_valid_port_num,
    not_supported,
    required,
    validate_label_selector,
    validate_object_meta,
)
from kspec.objects import Obj

PROTOCOLS = ["TCP", "UDP", "SCTP"]
POLICY_TYPES = ["Ingress", "Egress"]
_CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_network_policy_port(port: Obj, path: str) -> list[FieldError]:
    """ValidateNetworkPolicyPort."""
    errs: list[FieldError] = []
    protocol = port.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        errs.append(not_supported(child(path, "protocol"), protocol, PROTOCOLS))
    value, end = port.get("port"), port.get("endPort")
    if value is None:
        if end is not None:
            errs.append(invalid(child(path, "endPort"), end, "may not be specified when `port` is not specified"))
    elif _is_int(value):
        errs.extend(_errors_for(child(path, "port"), value, is_valid_port_num(value)))
        if end is not None:
            if _is_int(end) and end < value:
                errs.append(invalid(child(path, "endPort"), value, "must be greater than or equal to `port`"))
            errs.extend(_errors_for(child(path, "endPort"), end, is_valid_port_num(end)))
    else:
        if end is not None:
            errs.append(invalid(child(path, "endPort"), end, "may not be specified when `port` is non-numeric"))
        errs.extend(_errors_for(child(path, "port"), value, is_valid_port_name(str(value))))
    return errs


def _cidr(text: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """netutils.ParseCIDRSloppy: address/prefix, host bits allowed."""
    if not isinstance(text, str) or "/" not in text:
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def validate_ip_block(block: Obj, path: str) -> list[FieldError]:
    """ValidateIPBlock: a CIDR, and excepts that are strict subsets of it."""
    cidr = block.get("cidr") or ""
    if not cidr:
        return [required(child(path, "cidr"), "")]
    net = _cidr(cidr)
    if net is None:
        return [invalid(child(path, "cidr"), cidr, _CIDR_MSG)]
    errs: list[FieldError] = []
    for i, text in enumerate(block.get("except") or []):
        p = index(child(path, "except"), i)
        hole = _cidr(text)
        if hole is None:
            errs.append(invalid(p, text, _CIDR_MSG))
            continue
        if (hole.version != net.version or hole.network_address not in net
                or net.prefixlen >= hole.prefixlen):
            errs.append(invalid(p, text, "must be a strict subset of `cidr`"))
    return errs


def validate_network_policy_peer(peer: Obj, path: str) -> list[FieldError]:
    """ValidateNetworkPolicyPeer: some peer, and an ipBlock never with a selector."""
    errs: list[FieldError] = []
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            count += 1
            errs.extend(validate_label_selector(peer[key], child(path, key)))
    if peer.get("ipBlock") is not None:
        count += 1
        errs.extend(validate_ip_block(peer["ipBlock"], child(path, "ipBlock")))
    if count == 0:
        errs.append(required(path, "must specify a peer"))
    elif count > 1 and peer.get("ipBlock") is not None:
        errs.append(forbidden(path, "may not specify both ipBlock and another peer"))
    return errs


def validate_network_policy_spec(spec: Obj, path: str) -> list[FieldError]:
    """ValidateNetworkPolicySpec."""
    errs = validate_label_selector(spec.get("podSelector") or {}, child(path, "podSelector"))
    for key, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(key) or []):
            rp = index(child(path, key), i)
            for j, port in enumerate(rule.get("ports") or []):
                errs.extend(validate_network_policy_port(port, index(child(rp, "ports"), j)))
            for j, peer in enumerate(rule.get(peers_key) or []):
                errs.extend(validate_network_policy_peer(peer, index(child(rp, peers_key), j)))
    types = spec.get("policyTypes") or []
    if len(types) > len(POLICY_TYPES):
        errs.append(invalid(child(path, "policyTypes"), types, "may not specify more than two policyTypes"))
        return errs
    for i, kind in enumerate(types):
        if kind not in POLICY_TYPES:
            errs.append(not_supported(index(child(path, "policyTypes"), i), kind, POLICY_TYPES))
    return errs


def validate_network_policy(obj: Obj) -> list[FieldError]:
    """ValidateNetworkPolicy: namespaced DNS-subdomain name, then the spec."""
    errs = validate_object_meta(obj, True, is_dns1123_subdomain)
    return errs + validate_network_policy_spec(obj.get("spec") or {}, "spec")

