"""Validation of a pod spec's scheduling and DNS fields: affinity, dnsConfig, topologySpreadConstraints.

The checks and messages follow pkg/apis/core/validation/validation.go (validateAffinity and the node and
pod affinity helpers, validatePodDNSConfig, validateTopologySpreadConstraints), called from ValidatePodSpec,
so a workload's pod template gets them too (with its ``spec.template.spec`` path). Objects are plain dicts,
already defaulted.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from kspec import labels as lbl
from kspec.api.validation import (
    FieldError,
    child,
    duplicate,
    forbidden,
    index,
    invalid,
    is_dns1123_label,
    is_dns1123_subdomain,
    not_supported,
    required,
    validate_label_selector,
)

Obj = dict[str, Any]

NOT_POSITIVE = "must be greater than zero"  # isNotPositiveErrorMsg
WEIGHT_RANGE = "must be in the range 1-100"
MAX_DNS_NAMESERVERS = 3  # MaxDNSNameservers
MAX_DNS_SEARCH_PATHS = 32  # MaxDNSSearchPaths
MAX_DNS_SEARCH_LIST_CHARS = 2048  # MaxDNSSearchListChars
# sets.List order (sorted), as the NotSupported errors list them
WHEN_UNSATISFIABLE = ["DoNotSchedule", "ScheduleAnyway"]
NODE_INCLUSION_POLICIES = ["Honor", "Ignore"]
# util/validation IsDNS1123SubdomainWithUnderscore (RelaxedDNSSearchValidation, on by default since v1.33)
_SUBDOMAIN_UNDERSCORE_LABEL = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_SUBDOMAIN_UNDERSCORE_FMT = _SUBDOMAIN_UNDERSCORE_LABEL + "(\\." + _SUBDOMAIN_UNDERSCORE_LABEL + ")*"
_SUBDOMAIN_UNDERSCORE_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and "
    "must start and end with an alphanumeric character"
)
_IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"  # IsValidIP


def validate_scheduling(spec: Obj, path: str) -> list[FieldError]:
    """The affinity, dnsConfig and topologySpreadConstraints checks of ValidatePodSpec, in its order."""
    errs = validate_affinity(spec.get("affinity"), child(path, "affinity"))
    errs.extend(validate_pod_dns_config(spec.get("dnsConfig"), spec.get("dnsPolicy"), child(path, "dnsConfig")))
    errs.extend(
        validate_topology_spread_constraints(spec.get("topologySpreadConstraints"),
                                             child(path, "topologySpreadConstraints"))
    )
    return errs


def _label_name(key: Any, path: str) -> list[FieldError]:
    """metav1 validation ValidateLabelName: one error per reason the key is not a qualified name."""
    key = key if isinstance(key, str) else ""
    return [invalid(path, key, msg) for msg in lbl.validate_label_key(key)]


# ---------------------------------------------------------------------------
# Affinity
# ---------------------------------------------------------------------------


def validate_affinity(affinity: Any, path: str) -> list[FieldError]:
    """validateAffinity: node affinity, pod affinity and pod anti-affinity."""
    if not isinstance(affinity, dict):
        return []
    errs: list[FieldError] = []
    node = affinity.get("nodeAffinity")
    if isinstance(node, dict):
        errs.extend(_validate_node_affinity(node, child(path, "nodeAffinity")))
    for key in ("podAffinity", "podAntiAffinity"):
        terms = affinity.get(key)
        if isinstance(terms, dict):
            errs.extend(_validate_pod_affinity(terms, child(path, key)))
    return errs


def _validate_node_affinity(node: Obj, path: str) -> list[FieldError]:
    """validateNodeAffinity: label values are checked in required terms only (preferred terms may not match)."""
    errs: list[FieldError] = []
    req = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(req, dict):
        errs.extend(validate_node_selector(req, child(path, "requiredDuringSchedulingIgnoredDuringExecution")))
    preferred = node.get("preferredDuringSchedulingIgnoredDuringExecution") or []
    p = child(path, "preferredDuringSchedulingIgnoredDuringExecution")
    for i, term in enumerate(preferred):  # ValidatePreferredSchedulingTerms
        weight = term.get("weight") or 0
        if not 0 < weight <= 100:
            errs.append(invalid(child(index(p, i), "weight"), weight, WEIGHT_RANGE))
        errs.extend(_validate_node_selector_term(term.get("preference") or {}, False, child(index(p, i), "preference")))
    return errs


def validate_node_selector(selector: Obj, path: str) -> list[FieldError]:
    """ValidateNodeSelector: at least one term, each term's requirements."""
    terms_path = child(path, "nodeSelectorTerms")
    terms = selector.get("nodeSelectorTerms") or []
    if not terms:
        return [required(terms_path, "must have at least one node selector term")]
    errs: list[FieldError] = []
    for i, term in enumerate(terms):
        errs.extend(_validate_node_selector_term(term or {}, True, index(terms_path, i)))
    return errs


def _validate_node_selector_term(term: Obj, check_values: bool, path: str) -> list[FieldError]:
    """ValidateNodeSelectorTerm: matchExpressions (label requirements) and matchFields (metadata.name only)."""
    errs: list[FieldError] = []
    for j, req in enumerate(term.get("matchExpressions") or []):
        errs.extend(_validate_node_selector_requirement(req, check_values, index(child(path, "matchExpressions"), j)))
    for j, req in enumerate(term.get("matchFields") or []):
        errs.extend(_validate_node_field_requirement(req, index(child(path, "matchFields"), j)))
    return errs


def _validate_node_selector_requirement(req: Obj, check_values: bool, path: str) -> list[FieldError]:
    """ValidateNodeSelectorRequirement: operator and value count, key, and (required terms) label values."""
    errs: list[FieldError] = []
    operator, values = req.get("operator") or "", req.get("values") or []
    if operator in ("In", "NotIn"):
        if not values:
            errs.append(required(child(path, "values"), "must be specified when `operator` is 'In' or 'NotIn'"))
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            errs.append(forbidden(child(path, "values"),
                                  "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
    elif operator in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(required(child(path, "values"),
                                 "must be specified single value when `operator` is 'Lt' or 'Gt'"))
    else:
        errs.append(invalid(child(path, "operator"), operator, "not a valid selector operator"))
    errs.extend(_label_name(req.get("key") or "", child(path, "key")))
    if check_values:
        for k, value in enumerate(values):
            text = value if isinstance(value, str) else str(value)
            errs.extend(invalid(index(child(path, "values"), k), text, m) for m in lbl.validate_label_value(text))
    return errs


def _validate_node_field_requirement(req: Obj, path: str) -> list[FieldError]:
    """ValidateNodeFieldSelectorRequirement: In/NotIn with one value, on metadata.name only."""
    errs: list[FieldError] = []
    operator, values = req.get("operator") or "", req.get("values") or []
    if operator in ("In", "NotIn"):
        if len(values) != 1:
            errs.append(required(child(path, "values"),
                                 "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
    else:
        errs.append(invalid(child(path, "operator"), operator, "not a valid selector operator"))
    key = req.get("key") or ""
    if key != "metadata.name":
        errs.append(invalid(child(path, "key"), key, "not a valid field selector key"))
    else:
        for k, value in enumerate(values):
            errs.extend(invalid(index(child(path, "values"), k), value, m) for m in is_dns1123_subdomain(str(value)))
    return errs


def _validate_pod_affinity(affinity: Obj, path: str) -> list[FieldError]:
    """validatePodAffinity / validatePodAntiAffinity: required terms, then weighted preferred terms."""
    errs: list[FieldError] = []
    req_path = child(path, "requiredDuringSchedulingIgnoredDuringExecution")
    for i, term in enumerate(affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or []):
        errs.extend(_validate_pod_affinity_term(term or {}, index(req_path, i)))
    pref_path = child(path, "preferredDuringSchedulingIgnoredDuringExecution")
    for j, weighted in enumerate(affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
        weight = weighted.get("weight") or 0
        if not 0 < weight <= 100:
            errs.append(invalid(child(index(pref_path, j), "weight"), weight, WEIGHT_RANGE))
        errs.extend(_validate_pod_affinity_term(weighted.get("podAffinityTerm") or {},
                                                child(index(pref_path, j), "podAffinityTerm")))
    return errs


def _validate_pod_affinity_term(term: Obj, path: str) -> list[FieldError]:
    """validatePodAffinityTerm: selectors, namespaces, matchLabelKeys/mismatchLabelKeys, topologyKey."""
    errs: list[FieldError] = []
    for key in ("labelSelector", "namespaceSelector"):  # ValidatePodAffinityTermSelector
        if isinstance(term.get(key), dict):
            errs.extend(validate_label_selector(term[key], child(path, key)))
    for name in term.get("namespaces") or []:
        # upstream names the field "namespace" here (sic)
        errs.extend(invalid(child(path, "namespace"), name, m) for m in _namespace_name(str(name)))
    errs.extend(_match_and_mismatch_label_keys(term, path))
    topology_key = term.get("topologyKey") or ""
    if not topology_key:
        errs.append(required(child(path, "topologyKey"), "can not be empty"))
    errs.extend(_label_name(topology_key, child(path, "topologyKey")))
    return errs


def _namespace_name(name: str) -> list[str]:
    """ValidateNamespaceName: a DNS-1123 label."""
    return is_dns1123_label(name)


def _match_and_mismatch_label_keys(term: Obj, path: str) -> list[FieldError]:
    """validateMatchLabelKeysAndMismatchLabelKeys, with upstream's field paths."""
    match, mismatch = term.get("matchLabelKeys") or [], term.get("mismatchLabelKeys") or []
    selector = term.get("labelSelector")
    errs: list[FieldError] = []
    for name, keys in (("matchLabelKeys", match), ("mismatchLabelKeys", mismatch)):  # validateLabelKeys
        if not keys:
            continue
        if not isinstance(selector, dict):
            errs.append(forbidden(child(path, name), "must not be specified when labelSelector is not set"))
            continue
        for i, key in enumerate(keys):
            errs.extend(_label_name(key, index(child(path, name), i)))
    if isinstance(selector, dict):
        # a key of matchLabelKeys found in matchExpressions after the selector already had it
        position = {key: i for i, key in enumerate(match)}
        seen = set(selector.get("matchLabels") or {})
        for expr in selector.get("matchExpressions") or []:
            key = expr.get("key") or ""
            if key in position and key in seen:
                errs.append(invalid(index(path, position[key]), key, "exists in both matchLabelKeys and labelSelector"))
            seen.add(key)
    for i, key in enumerate(match):
        if key in mismatch:
            errs.append(invalid(index(child(path, "matchLabelKeys"), i), key,
                                "exists in both matchLabelKeys and mismatchLabelKeys"))
    return errs


# ---------------------------------------------------------------------------
# DNS config
# ---------------------------------------------------------------------------


def validate_pod_dns_config(config: Any, policy: Any, path: str) -> list[FieldError]:
    """validatePodDNSConfig: dnsPolicy None needs a dnsConfig with a nameserver; limits on every dnsConfig."""
    if policy == "None":
        if not isinstance(config, dict):
            return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not config.get("nameservers"):
            return [required(child(path, "nameservers"),
                             "must provide at least one DNS nameserver when `dnsPolicy` is None")]
    if not isinstance(config, dict):
        return []
    errs: list[FieldError] = []
    nameservers = config.get("nameservers") or []
    if len(nameservers) > MAX_DNS_NAMESERVERS:
        errs.append(invalid(child(path, "nameservers"), nameservers,
                            f"must not have more than {MAX_DNS_NAMESERVERS} nameservers"))
    for i, server in enumerate(nameservers):
        if not _is_ip(server):
            errs.append(invalid(index(child(path, "nameservers"), i), server, _IP_MSG))
    searches = config.get("searches") or []
    if len(searches) > MAX_DNS_SEARCH_PATHS:
        errs.append(invalid(child(path, "searches"), searches,
                            f"must not have more than {MAX_DNS_SEARCH_PATHS} search paths"))
    if len(" ".join(str(s) for s in searches)) > MAX_DNS_SEARCH_LIST_CHARS:
        errs.append(invalid(child(path, "searches"), searches,
                            f"must not have more than {MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) "
                            "in the search list"))
    for i, search in enumerate(searches):
        search = str(search)
        if search == ".":
            continue
        search = search.removesuffix(".")
        errs.extend(invalid(index(child(path, "searches"), i), search, m) for m in _subdomain_with_underscore(search))
    for i, option in enumerate(config.get("options") or []):
        if not (option or {}).get("name"):
            errs.append(required(index(child(path, "options"), i), "must not be empty"))
    return errs


def _is_ip(value: Any) -> bool:
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return True


def _subdomain_with_underscore(value: str) -> list[str]:
    """IsDNS1123SubdomainWithUnderscore."""
    errs: list[str] = []
    if len(value) > 253:
        errs.append("must be no more than 253 characters")
    if not re.fullmatch(_SUBDOMAIN_UNDERSCORE_FMT, value):
        errs.append(lbl.regex_error(_SUBDOMAIN_UNDERSCORE_MSG, _SUBDOMAIN_UNDERSCORE_FMT, "example.com"))
    return errs


# ---------------------------------------------------------------------------
# Topology spread constraints
# ---------------------------------------------------------------------------


def validate_topology_spread_constraints(constraints: Any, path: str) -> list[FieldError]:
    """validateTopologySpreadConstraints, one constraint at a time in upstream's order of checks."""
    errs: list[FieldError] = []
    items = [c if isinstance(c, dict) else {} for c in constraints or []]
    for i, c in enumerate(items):
        p = index(path, i)
        max_skew = c.get("maxSkew") or 0
        if max_skew <= 0:  # ValidateMaxSkew
            errs.append(invalid(child(p, "maxSkew"), max_skew, NOT_POSITIVE))
        if not c.get("topologyKey"):  # ValidateTopologyKey
            errs.append(required(child(p, "topologyKey"), "can not be empty"))
        action = c.get("whenUnsatisfiable") or ""
        if action not in WHEN_UNSATISFIABLE:  # ValidateWhenUnsatisfiable
            errs.append(not_supported(child(p, "whenUnsatisfiable"), action, WHEN_UNSATISFIABLE))
        # ValidateSpreadConstraintNotRepeat: the pair is reported at the first of the constraints that share it
        pair = (c.get("topologyKey") or "", action)
        if any((rest.get("topologyKey") or "", rest.get("whenUnsatisfiable") or "") == pair for rest in items[i + 1:]):
            errs.append(duplicate(child(p, "{topologyKey, whenUnsatisfiable}"), f"{{{pair[0]}, {pair[1]}}}"))
        errs.extend(_validate_min_domains(c.get("minDomains"), action, child(p, "minDomains")))
        for key in ("nodeAffinityPolicy", "nodeTaintsPolicy"):  # validateNodeInclusionPolicy
            policy = c.get(key)
            if policy is not None and policy not in NODE_INCLUSION_POLICIES:
                errs.append(not_supported(child(p, key), policy, NODE_INCLUSION_POLICIES))
        errs.extend(_match_label_keys_in_spread(c, child(p, "matchLabelKeys")))
        if isinstance(c.get("labelSelector"), dict):
            errs.extend(validate_label_selector(c["labelSelector"], child(p, "labelSelector")))
    return errs


def _validate_min_domains(min_domains: Any, action: str, path: str) -> list[FieldError]:
    """validateMinDomains: positive, and only with whenUnsatisfiable DoNotSchedule."""
    if min_domains is None:
        return []
    errs: list[FieldError] = []
    if min_domains <= 0:
        errs.append(invalid(path, min_domains, NOT_POSITIVE))
    if action != "DoNotSchedule":
        errs.append(invalid(path, min_domains,
                            f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"))
    return errs


def _match_label_keys_in_spread(constraint: Obj, path: str) -> list[FieldError]:
    """validateMatchLabelKeysInTopologySpread: valid label names, not already in the labelSelector."""
    keys = constraint.get("matchLabelKeys") or []
    if not keys:
        return []
    errs: list[FieldError] = []
    selector = constraint.get("labelSelector")
    in_selector: set[str] = set()
    if isinstance(selector, dict):
        in_selector.update(selector.get("matchLabels") or {})
        in_selector.update(e.get("key") or "" for e in selector.get("matchExpressions") or [])
    else:
        errs.append(forbidden(path, "must not be specified when labelSelector is not set"))
    for i, key in enumerate(keys):
        errs.extend(_label_name(key, index(path, i)))
        if key in in_selector:
            errs.append(invalid(index(path, i), key, "exists in both matchLabelKeys and labelSelector"))
    return errs
