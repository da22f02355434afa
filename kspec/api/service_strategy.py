"""What the Service registry does to an update before validating it (pkg/registry/core/service/strategy.go).

A Service is a union discriminated by ``type``: when the type changes, fields that only made sense
for the old type, and that the server may have filled in itself, are wiped rather than rejected, so
that ``kubectl apply`` of a NodePort Service over a LoadBalancer one succeeds as it does upstream.
A field the user changed in the same update is kept, and validation judges it.
"""

from __future__ import annotations

from typing import Any

Spec = dict[str, Any]


def _needs_cluster_ip(spec: Spec) -> bool:
    return spec.get("type", "ClusterIP") != "ExternalName"


def _needs_node_port(spec: Spec) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def _needs_hc_node_port(spec: Spec) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _node_ports(spec: Spec) -> set[int]:
    return {int(p["nodePort"]) for p in spec.get("ports") or [] if p.get("nodePort")}


def drop_type_dependent_fields(spec: Spec, old: Spec) -> None:
    """dropTypeDependentFields: wipe what the old type needed and the new one does not, if unchanged."""
    if _needs_cluster_ip(old) and not _needs_cluster_ip(spec):
        if spec.get("clusterIP") == old.get("clusterIP") and spec.get("clusterIPs") == old.get("clusterIPs"):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if spec.get("ipFamilies") == old.get("ipFamilies"):
            spec.pop("ipFamilies", None)
        if spec.get("ipFamilyPolicy") == old.get("ipFamilyPolicy"):
            spec.pop("ipFamilyPolicy", None)
    # sameNodePorts: no net-new node port among the new ones
    if _needs_node_port(old) and not _needs_node_port(spec) and _node_ports(spec) <= _node_ports(old):
        for port in spec.get("ports") or []:
            port.pop("nodePort", None)
    if _needs_hc_node_port(old) and not _needs_hc_node_port(spec) and (
            spec.get("healthCheckNodePort") == old.get("healthCheckNodePort")):
        spec.pop("healthCheckNodePort", None)
    if old.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer":
        new_alloc, old_alloc = spec.get("allocateLoadBalancerNodePorts"), old.get("allocateLoadBalancerNodePorts")
        if new_alloc is not None and old_alloc is not None and new_alloc == old_alloc:
            del spec["allocateLoadBalancerNodePorts"]
        # canSetLoadBalancerClass / sameLoadBalancerClass
        if spec.get("loadBalancerClass") == old.get("loadBalancerClass"):
            spec.pop("loadBalancerClass", None)
