"""Service validation: pkg/apis/core/validation ValidateService and ValidateServiceUpdate, in upstream's order.

Upstream's service strategy normalises ``clusterIP``/``clusterIPs`` (normalizeClusterIPs) before it validates:
a client that sets only the singular field gets the plural one filled in. kspec validates the object it was
handed, so the checks here read the normalised view (:func:`effective_cluster_ips`) instead of mutating it.
Upstream allocates a ``healthCheckNodePort`` before validating, so it can require one for a LoadBalancer with
``externalTrafficPolicy: Local``; kspec allocates no health-check port, so a zero one is not reported.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from kspec import labels as lbl
from kspec.api.validation import (
    FieldError,
    GoStruct,
    _errors_for,
    _validate_port_num_or_name,
    child,
    duplicate,
    forbidden,
    index,
    invalid,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_valid_port_num,
    not_supported,
    required,
    validate_labels,
    validate_object_meta,
)

Obj = dict[str, Any]

SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]
IP_FAMILIES = ["IPv4", "IPv6"]
IP_FAMILY_POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"]
TRAFFIC_POLICIES = ["Cluster", "Local"]
#: ServiceTrafficDistribution values: PreferClose, and PreferSameZone/PreferSameNode (PreferSameTrafficDistribution)
TRAFFIC_DISTRIBUTIONS = ("PreferClose", "PreferSameZone", "PreferSameNode")
TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"  # core.DeprecatedAnnotationTopologyAwareHints
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"  # core.AnnotationTopologyMode
SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"  # core.AnnotationLoadBalancerSourceRangesKey
IP_MESSAGE = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
CIDR_MESSAGE = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
LB_ONLY = "may only be used when `type` is 'LoadBalancer'"


def is_headless(spec: Obj) -> bool:
    """isHeadlessService: clusterIPs holds exactly "None"."""
    ips = spec.get("clusterIPs") or []
    return len(ips) == 1 and ips[0] == "None"


def effective_cluster_ips(spec: Obj, old_spec: Obj | None) -> list[str]:
    """clusterIPs as upstream's normalizeClusterIPs leaves them before validation."""
    ip, ips = spec.get("clusterIP") or "", list(spec.get("clusterIPs") or [])
    if old_spec is None:
        return [ip] if ip and not ips else ips
    old_ip, old_ips = old_spec.get("clusterIP") or "", list(old_spec.get("clusterIPs") or [])
    if old_ips and not ips and old_ip == ip:
        ips = old_ips  # an old client that left clusterIPs out
    if old_ip != ip:
        same = ips == old_ips
        if old_ip and not ip and same:
            ips = []
        if ip and same:
            ips = [ip]
    return ips


def _ip(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(str(value))
    except ValueError:
        return None


def _is_valid_ip(path: str, value: Any) -> list[FieldError]:
    """IsValidIP."""
    return [] if _ip(value) is not None else [invalid(path, value, IP_MESSAGE)]


def _is_valid_cidr(path: str, value: str) -> list[FieldError]:
    """IsValidCIDR (host bits may be set, as net.ParseCIDR allows)."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return [invalid(path, value, CIDR_MESSAGE)]
    return [] if "/" in value else [invalid(path, value, CIDR_MESSAGE)]


def validate_non_special_ip(value: str, path: str) -> list[FieldError]:
    """ValidateNonSpecialIP: an external IP may not be unspecified, loopback or link-local."""
    ip = _ip(value)
    if ip is None:
        return [invalid(path, value, "must be a valid IP address")]
    errs: list[FieldError] = []
    if ip.is_unspecified:
        errs.append(invalid(path, value, f"may not be unspecified ({value})"))
    if ip.is_loopback:
        errs.append(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip.is_link_local and not ip.is_multicast:
        errs.append(invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    link_local_multicast = (ipaddress.ip_network("224.0.0.0/24") if ip.version == 4
                            else ipaddress.ip_network("ff02::/16"))
    if ip in link_local_multicast:
        errs.append(invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
    return errs


def _validate_service_port(port: Obj, require_name: bool, names: set[str], path: str) -> list[FieldError]:
    """validateServicePort: name (a DNS label, unique), port, protocol, targetPort, appProtocol."""
    errs: list[FieldError] = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(required(child(path, "name")))
    elif name:
        errs.extend(_errors_for(child(path, "name"), name, is_dns1123_label(name)))
        if name in names:
            errs.append(duplicate(child(path, "name"), name))
        names.add(name)
    errs.extend(validate_port_and_protocol(port, path))
    errs.extend(_validate_port_num_or_name(port.get("targetPort"), child(path, "targetPort")))
    errs.extend(validate_app_protocol(port, path))
    return errs


def validate_port_and_protocol(port: Obj, path: str) -> list[FieldError]:
    """The port number and protocol a Service port and an Endpoints port both check."""
    errs = list(_errors_for(child(path, "port"), port.get("port", 0), is_valid_port_num(port.get("port", 0))))
    protocol = port.get("protocol") or ""
    if not protocol:
        errs.append(required(child(path, "protocol")))
    elif protocol not in PROTOCOLS:
        errs.append(not_supported(child(path, "protocol"), protocol, PROTOCOLS))
    return errs


def validate_app_protocol(port: Obj, path: str) -> list[FieldError]:
    """appProtocol, when set, is a label key (validateServicePort / validateEndpointPort)."""
    if port.get("appProtocol") is None:
        return []
    app = str(port["appProtocol"])
    return list(_errors_for(child(path, "appProtocol"), app, lbl.validate_label_key(app)))


def _validate_external_name(spec: Obj, cluster_ips: list[str]) -> list[FieldError]:
    errs: list[FieldError] = []
    if cluster_ips:
        errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
    if spec.get("ipFamilies"):
        errs.append(forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
    if spec.get("ipFamilyPolicy") is not None:
        errs.append(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
    cname = (spec.get("externalName") or "").removesuffix(".")
    if cname:
        errs.extend(_errors_for("spec.externalName", cname, is_dns1123_subdomain(cname)))
    else:
        errs.append(required("spec.externalName"))
    return errs


def _validate_session_affinity(spec: Obj) -> list[FieldError]:
    """sessionAffinity and validateClientIPAffinityConfig."""
    affinity = spec.get("sessionAffinity") or ""
    config = spec.get("sessionAffinityConfig")
    if not affinity:
        return [required("spec.sessionAffinity")]
    if affinity not in ("ClientIP", "None"):
        return [not_supported("spec.sessionAffinity", affinity, ["ClientIP", "None"])]
    if affinity == "None":
        if config is not None:
            return [forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None")]
        return []
    path = "spec.sessionAffinityConfig"
    if config is None:
        return [required(path, "when session affinity type is ClientIP")]
    if config.get("clientIP") is None:
        return [required(child(path, "clientIP"), "when session affinity type is ClientIP")]
    timeout = config["clientIP"].get("timeoutSeconds")
    if timeout is None:
        return [required(child(path, "clientIP", "timeoutSeconds"), "when session affinity type is ClientIP")]
    if not 0 < timeout <= 86400:
        return [invalid(child(path, "clientIP", "timeoutSeconds"), timeout,
                        "must be greater than 0 and less than 86400")]
    return []


def validate_cluster_ips(spec: Obj, cluster_ips: list[str]) -> list[FieldError]:
    """ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs agree, families and policy are known, the
    IPs are valid, at most two and one per family, and each matches its ipFamilies entry."""
    if spec.get("type") == "ExternalName":
        return []
    path = "spec.clusterIPs"
    errs: list[FieldError] = []
    cluster_ip = spec.get("clusterIP") or ""
    if cluster_ip:
        if not cluster_ips:
            errs.append(required(path))
        elif cluster_ips[0] != cluster_ip:
            errs.append(invalid(path, cluster_ips, "first value must match `clusterIP`"))
    elif cluster_ips:
        errs.append(invalid(path, cluster_ips, "must be empty when `clusterIP` is not specified"))
    families = spec.get("ipFamilies") or []
    seen: set[str] = set()
    for i, family in enumerate(families):
        if family not in IP_FAMILIES:
            errs.append(not_supported(index("spec.ipFamilies", i), family, IP_FAMILIES))
        if family in seen:
            errs.append(duplicate(index("spec.ipFamilies", i), family))
        seen.add(family)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.append(not_supported("spec.ipFamilyPolicy", policy, IP_FAMILY_POLICIES))
    bad_ips = False
    for i, ip in enumerate(cluster_ips):
        if i == 0 and ip == "None":
            if len(cluster_ips) > 1:
                bad_ips = True
                errs.append(invalid(path, cluster_ips, "'None' must be the first and only value"))
            continue
        ip_errs = _is_valid_ip(index(path, i), ip)
        bad_ips = bad_ips or bool(ip_errs)
        errs.extend(ip_errs)
    if len(cluster_ips) > 2:
        errs.append(invalid(path, cluster_ips, "may only hold up to 2 values"))
    if bad_ips:
        return errs
    if len(cluster_ips) > 1 and len({_ip(ip).version for ip in cluster_ips}) < 2:  # type: ignore[union-attr]
        errs.append(invalid(path, cluster_ips, "may specify no more than one IP for each IP family"))
    if not (len(cluster_ips) == 1 and cluster_ips[0] == "None") and cluster_ips and families:
        for i, ip in enumerate(cluster_ips[:len(families)]):
            v6 = _ip(ip).version == 6  # type: ignore[union-attr]
            if families[i] == "IPv4" and v6:
                errs.append(invalid(index(path, i), ip, f"expected an IPv4 value as indicated by `ipFamilies[{i}]`"))
            if families[i] == "IPv6" and not v6:
                errs.append(invalid(index(path, i), ip, f"expected an IPv6 value as indicated by `ipFamilies[{i}]`"))
    return errs


def _duplicate_ports(ports: list[Obj]) -> list[FieldError]:
    """Duplicate (protocol, nodePort) and (protocol, port) pairs; the key prints as core.ServicePort."""
    errs: list[FieldError] = []
    node_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        key = (port.get("protocol") or "", port.get("nodePort") or 0)
        if not key[1]:
            continue
        if key in node_ports:
            errs.append(duplicate(child(index("spec.ports", i), "nodePort"), key[1]))
        node_ports.add(key)
    seen: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        key = (port.get("protocol") or "", port.get("port") or 0)
        if key in seen:
            errs.append(duplicate(index("spec.ports", i), GoStruct(
                Name="", Protocol=key[0], AppProtocol=None, Port=key[1], TargetPort=0, NodePort=0)))
        seen.add(key)
    return errs


def _validate_source_ranges(obj: Obj, spec: Obj) -> list[FieldError]:
    """loadBalancerSourceRanges, or the legacy annotation when the field is empty: LoadBalancer only, CIDRs."""
    errs: list[FieldError] = []
    is_lb = spec.get("type") == "LoadBalancer"
    ranges = spec.get("loadBalancerSourceRanges") or []
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if ranges:
        path = "spec.LoadBalancerSourceRanges"  # sic: upstream's field path
        if not is_lb:
            errs.append(forbidden(path, LB_ONLY))
        for i, value in enumerate(ranges):
            errs.extend(_is_valid_cidr(index(path, i), str(value).strip()))
    elif SOURCE_RANGES in annotations:
        path = index("metadata.annotations", SOURCE_RANGES)
        if not is_lb:
            errs.append(forbidden(path, LB_ONLY))
        value = str(annotations[SOURCE_RANGES]).strip()
        if value:
            for cidr in value.split(","):
                errs.extend(_is_valid_cidr(path, cidr.strip()))
    return errs


def externally_accessible(spec: Obj) -> bool:
    """service.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with external IPs."""
    kind = spec.get("type")
    return kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(spec.get("externalIPs")))


def validate_external_traffic_policy(spec: Obj) -> list[FieldError]:
    """validateServiceExternalTrafficPolicy: the policy only (and then always) for externally-accessible
    services; healthCheckNodePort only for a LoadBalancer with policy Local, and a valid port there."""
    errs: list[FieldError] = []
    policy = spec.get("externalTrafficPolicy") or ""
    if not externally_accessible(spec):
        if policy:
            errs.append(invalid("spec.externalTrafficPolicy", policy,
                                "may only be set for externally-accessible services"))
    elif not policy:
        errs.append(required("spec.externalTrafficPolicy"))
    elif policy not in TRAFFIC_POLICIES:
        errs.append(not_supported("spec.externalTrafficPolicy", policy, TRAFFIC_POLICIES))
    port = spec.get("healthCheckNodePort") or 0
    needs_health_check = spec.get("type") == "LoadBalancer" and policy == "Local"
    if not needs_health_check and port:
        errs.append(invalid("spec.healthCheckNodePort", port,
                            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
    elif needs_health_check and port:
        errs.extend(_errors_for("spec.healthCheckNodePort", port, is_valid_port_num(port)))
    return errs


def _validate_internal_traffic_policy(spec: Obj) -> list[FieldError]:
    """validateServiceInternalTrafficFieldsValue."""
    policy = spec.get("internalTrafficPolicy")
    if policy is None:
        if spec.get("type") in ("NodePort", "LoadBalancer", "ClusterIP"):
            return [required("spec.internalTrafficPolicy")]
        return []
    if policy not in TRAFFIC_POLICIES:
        return [not_supported("spec.internalTrafficPolicy", policy, TRAFFIC_POLICIES)]
    return []


def validate_load_balancer_class(spec: Obj, old_spec: Obj | None) -> list[FieldError]:
    """validateLoadBalancerClassField: fixed once set while the Service stays a LoadBalancer; a qualified name,
    and only on a LoadBalancer."""
    errs: list[FieldError] = []
    path = "spec.loadBalancerClass"
    new_class, is_lb = spec.get("loadBalancerClass"), spec.get("type") == "LoadBalancer"
    if old_spec is not None and old_spec.get("type") == "LoadBalancer" and is_lb \
            and old_spec.get("loadBalancerClass") != new_class:
        errs.append(invalid(path, new_class, "may not change once set"))
    if new_class is not None:
        if is_lb:
            errs.extend(_errors_for(path, new_class, lbl.validate_label_key(str(new_class))))
        else:
            errs.append(forbidden(path, LB_ONLY))
    return errs


def _upgrade_downgrade_cluster_ips(spec: Obj, ips: list[str], old_spec: Obj) -> list[FieldError]:
    """validateUpgradeDowngradeClusterIPs: a secondary IP may be added or released (the latter only with
    SingleStack), the primary never changes; ExternalName and headless-to-headless are exempt."""
    if "ExternalName" in (spec.get("type"), old_spec.get("type")):
        return []
    old_ips = list(old_spec.get("clusterIPs") or [])
    if is_headless({"clusterIPs": ips}) and is_headless(old_spec):
        return []
    path = "spec.clusterIPs"
    errs: list[FieldError] = []
    if len(old_ips) == len(ips):
        errs.extend(invalid(index(path, i), ips, "may not change once set")
                    for i, ip in enumerate(old_ips) if ip != ips[i])
    elif len(old_ips) > len(ips):
        if not ips:
            errs.append(invalid(index(path, 0), ips, "primary clusterIP can not be unset"))
        if old_ips and ips and ips[0] != old_ips[0]:
            errs.append(invalid(path, ips, "may not change once set"))
        if len(ips) == 1 and spec.get("ipFamilyPolicy") != "SingleStack":
            errs.append(invalid(index(path, 0), ips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing "
                                                     "the secondary clusterIP"))
    elif old_ips and ips[0] != old_ips[0]:
        errs.append(invalid(index(path, 0), ips, "may not change once set"))
    return errs


def _upgrade_downgrade_ip_families(spec: Obj, ips: list[str], old_spec: Obj) -> list[FieldError]:
    """validateUpgradeDowngradeIPFamilies: the same rules for ipFamilies; headless services may change them."""
    if "ExternalName" in (spec.get("type"), old_spec.get("type")):
        return []
    if is_headless({"clusterIPs": ips}) or is_headless(old_spec):
        return []
    families, old_families = list(spec.get("ipFamilies") or []), list(old_spec.get("ipFamilies") or [])
    path = "spec.ipFamilies"
    errs: list[FieldError] = []
    if len(old_families) == len(families):
        errs.extend(invalid(index(path, 0), families, "may not change once set")
                    for i, family in enumerate(old_families) if family != families[i])
    elif len(old_families) > len(families):
        if not ips:
            errs.append(invalid(index(path, 0), families, "primary ipFamily can not be unset"))
        if families and families[0] != old_families[0]:
            errs.append(invalid(index(path, 0), ips, "may not change once set"))
        if len(families) == 1 and spec.get("ipFamilyPolicy") != "SingleStack":
            errs.append(invalid(index("spec.clusterIPs", 0), ips, "`ipFamilyPolicy` must be set to 'SingleStack' "
                                                                  "when releasing the secondary ipFamily"))
    elif old_families and families and families[0] != old_families[0]:
        errs.append(invalid(index(path, 0), ips, "may not change once set"))
    return errs


def validate_service_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateServiceUpdate (after ValidateObjectMetaUpdate): cluster IPs and families may only be upgraded
    or downgraded, the load balancer class is fixed, then the new object is validated as on create."""
    spec, old_spec = new.get("spec") or {}, old.get("spec") or {}
    ips = effective_cluster_ips(spec, old_spec)
    return (_upgrade_downgrade_cluster_ips(spec, ips, old_spec) + _upgrade_downgrade_ip_families(spec, ips, old_spec)
            + validate_load_balancer_class(spec, old_spec) + validate_service(new, old))


def validate_service(obj: Obj, old: Obj | None = None) -> list[FieldError]:
    """ValidateService: metadata, topology annotations, ports, type rules, affinity, IPs and traffic fields."""
    errs = validate_object_meta(obj, True, is_dns1035_label)
    meta = obj.get("metadata") or {}
    annotations = meta.get("annotations") or {}
    if TOPOLOGY_MODE in annotations and TOPOLOGY_HINTS in annotations \
            and annotations[TOPOLOGY_MODE] != annotations[TOPOLOGY_HINTS]:
        errs.append(invalid(index("metadata.annotations", TOPOLOGY_MODE), annotations[TOPOLOGY_MODE],
                            f"must match annotations[{TOPOLOGY_HINTS}] when both are specified"))
    spec = obj.get("spec") or {}
    old_spec = (old.get("spec") or {}) if old is not None else None
    cluster_ips = effective_cluster_ips(spec, old_spec)
    view = {**spec, "clusterIPs": cluster_ips}
    kind = spec.get("type") or ""
    ports = spec.get("ports") or []
    headless = is_headless(view)
    if not ports and not headless and kind != "ExternalName":
        errs.append(required("spec.ports"))
    if kind in ("LoadBalancer", "NodePort") and headless:
        errs.append(invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {kind} services"))
    if kind == "ExternalName":
        errs.extend(_validate_external_name(spec, cluster_ips))
    names: set[str] = set()
    for i, port in enumerate(ports):
        errs.extend(_validate_service_port(port, len(ports) > 1, names, index("spec.ports", i)))
    if spec.get("selector") is not None:
        errs.extend(validate_labels(spec["selector"], "spec.selector"))
    errs.extend(_validate_session_affinity(spec))
    errs.extend(validate_cluster_ips(view, cluster_ips))
    for i, ip in enumerate(spec.get("externalIPs") or []):
        ip_errs = _is_valid_ip(index("spec.externalIPs", i), ip)
        errs.extend(ip_errs or validate_non_special_ip(str(ip), index("spec.externalIPs", i)))
    if not kind:
        errs.append(required("spec.type"))
    elif kind not in SERVICE_TYPES:
        errs.append(not_supported("spec.type", kind, SERVICE_TYPES))
    if kind == "ClusterIP":
        for i, port in enumerate(ports):
            if port.get("nodePort"):
                errs.append(forbidden(child(index("spec.ports", i), "nodePort"),
                                      "may not be used when `type` is 'ClusterIP'"))
    errs.extend(_duplicate_ports(ports))
    errs.extend(_validate_source_ranges(obj, spec))
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        errs.append(forbidden("spec.allocateLoadBalancerNodePorts", LB_ONLY))
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(required("allocateLoadBalancerNodePorts"))  # sic: upstream's path has no spec.
    errs.extend(validate_load_balancer_class(spec, None))
    errs.extend(validate_external_traffic_policy(spec))
    errs.extend(_validate_internal_traffic_policy(spec))
    distribution = spec.get("trafficDistribution")
    if distribution is not None and distribution not in TRAFFIC_DISTRIBUTIONS:
        errs.append(not_supported("spec.trafficDistribution", distribution, list(TRAFFIC_DISTRIBUTIONS)))
    return errs
