"""Service validation: upstream's TestValidateServiceCreate and TestValidateServiceExternalTrafficPolicy
(pkg/apis/core/validation/validation_test.go).

Each case tweaks upstream's makeValidService (name/namespace "valid", selector key=val, affinity None, type
ClusterIP, one TCP port "p" 8675->8675, internalTrafficPolicy Cluster, no cluster IP) and compares the number
of field errors, as upstream does. A tweak is data: ``meta``/``spec`` entries to set (None deletes), ``port0``
entries to set on the first port, ``add_ports`` to append, ``annotations``/``labels``/``selector`` to add.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.api.validation import validate
from kspec.api.validation_service import validate_external_traffic_policy
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

Obj = dict[str, Any]


def make_valid_service() -> Obj:
    """makeValidService."""
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "valid", "namespace": "valid", "labels": {}, "annotations": {},
                         "resourceVersion": "1"},
            "spec": {"selector": {"key": "val"}, "sessionAffinity": "None", "type": "ClusterIP",
                     "ports": [{"name": "p", "protocol": "TCP", "port": 8675, "targetPort": 8675}],
                     "internalTrafficPolicy": "Cluster"}}


def _set(target: Obj, changes: Obj | None) -> None:
    for key, value in (changes or {}).items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)


def tweaked(c: Obj) -> Obj:
    """makeValidService with the case's tweak applied."""
    svc = make_valid_service()
    meta, spec = svc["metadata"], svc["spec"]
    _set(meta, c.get("meta"))
    for key in ("labels", "annotations"):
        meta[key].update(c.get(key) or {})
    spec["selector"].update(c.get("selector") or {})
    _set(spec, c.get("spec"))
    _set(spec["ports"][0] if spec.get("ports") else {}, c.get("port0"))
    spec["ports"] = spec.get("ports", []) + copy.deepcopy(c.get("add_ports") or [])
    if not spec["ports"]:
        del spec["ports"]
    return svc


def P(name: str, port: int, protocol: str = "TCP", target: Any = None, node: int = 0,  # noqa: N802 - Go literal
      app: str | None = None) -> Obj:
    """A core.ServicePort literal."""
    out: Obj = {"port": port, "protocol": protocol, "targetPort": port if target is None else target}
    if name:
        out["name"] = name
    if node:
        out["nodePort"] = node
    if app is not None:
        out["appProtocol"] = app
    return out


LB = {"type": "LoadBalancer", "externalTrafficPolicy": "Cluster", "allocateLoadBalancerNodePorts": True}
NP = {"type": "NodePort", "externalTrafficPolicy": "Cluster"}
RDS, SS, PDS = "RequireDualStack", "SingleStack", "PreferDualStack"
V4, V6 = "IPv4", "IPv6"
NONE = {"clusterIP": "None", "clusterIPs": ["None"]}
SRC = "service.beta.kubernetes.io/load-balancer-source-ranges"


def ips(*values: str, policy: str | None = None, families: list[str] | None = None) -> Obj:
    """clusterIP = values[0], clusterIPs = values, with an optional policy and families."""
    out: Obj = {"clusterIP": values[0], "clusterIPs": list(values)} if values else {}
    if policy:
        out["ipFamilyPolicy"] = policy
    if families is not None:
        out["ipFamilies"] = families
    return out


F = "TestValidateServiceCreate"
CREATE = [
    case(F, "missing namespace", meta={"namespace": None}, n=1),
    case(F, "invalid namespace", meta={"namespace": "-123"}, n=1),
    case(F, "missing name", meta={"name": None}, n=1),
    case(F, "invalid name", meta={"name": "-123"}, n=1),
    case(F, "too long name", meta={"name": "a" * 64}, n=1),
    case(F, "invalid generateName", meta={"generateName": "-123"}, n=1),
    case(F, "too long generateName", meta={"generateName": "a" * 64}, n=1),
    case(F, "invalid label", labels={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}, n=1),
    case(F, "invalid annotation", annotations={"NoSpecialCharsLike=Equals": "bar"}, n=1),
    case(F, "nil selector", spec={"selector": None}, n=0),
    case(F, "invalid selector", selector={"NoSpecialCharsLike=Equals": "bar"}, n=1),
    case(F, "missing session affinity", spec={"sessionAffinity": None}, n=1),
    case(F, "missing type", spec={"type": None}, n=1),
    case(F, "missing ports", spec={"ports": None}, n=1),
    case(F, "missing ports but headless", spec={"ports": None, **NONE}, n=0),
    case(F, "empty port[0] name", port0={"name": None}, n=0),
    case(F, "empty port[1] name", add_ports=[P("", 12345)], n=1),
    case(F, "empty multi-port port[0] name", port0={"name": None}, add_ports=[P("p", 12345)], n=1),
    case(F, "invalid port name", port0={"name": "INVALID"}, n=1),
    case(F, "missing protocol", port0={"protocol": None}, n=1),
    case(F, "invalid protocol", port0={"protocol": "INVALID"}, n=1),
    case(F, "invalid cluster ip", spec=ips("invalid"), n=1),
    case(F, "missing port", port0={"port": 0}, n=1),
    case(F, "invalid port", port0={"port": 65536}, n=1),
    case(F, "invalid TargetPort int", port0={"targetPort": 65536}, n=1),
    case(F, "valid port headless", port0={"port": 11722, "targetPort": 11722}, spec=NONE, n=0),
    case(F, "invalid port headless 1", port0={"port": 11722, "targetPort": 11721}, spec=NONE, n=0),
    case(F, "invalid port headless 2", port0={"port": 11722, "targetPort": "target"}, spec=NONE, n=0),
    case(F, "invalid publicIPs localhost", spec={"externalTrafficPolicy": "Cluster", "externalIPs": ["127.0.0.1"]},
         n=1),
    case(F, "invalid publicIPs unspecified", spec={"externalTrafficPolicy": "Cluster", "externalIPs": ["0.0.0.0"]},
         n=1),
    case(F, "invalid publicIPs loopback", spec={"externalTrafficPolicy": "Cluster", "externalIPs": ["127.0.0.1"]},
         n=1),
    case(F, "invalid publicIPs host", spec={"externalTrafficPolicy": "Cluster", "externalIPs": ["myhost.mydomain"]},
         n=1),
    case(F, "valid publicIPs", spec={"externalTrafficPolicy": "Cluster", "externalIPs": ["1.2.3.4"]}, n=0),
    case(F, "dup port name", port0={"name": "p"}, add_ports=[P("p", 12345)], n=1),
    case(F, "valid load balancer protocol UDP 1", spec=LB, port0={"protocol": "UDP"}, n=0),
    case(F, "valid load balancer protocol UDP 2", spec={**LB, "ports": [P("q", 12345, "UDP")]}, n=0),
    case(F, "load balancer with mix protocol", spec=LB, add_ports=[P("q", 12345, "UDP")], n=0),
    case(F, "valid 1", n=0),
    case(F, "valid 2", port0={"protocol": "UDP", "targetPort": 12345}, n=0),
    case(F, "valid 3", port0={"targetPort": "http"}, n=0),
    case(F, "valid cluster ip - none ", spec=NONE, n=0),
    case(F, "valid cluster ip - empty", spec={"clusterIPs": None}, port0={"targetPort": "http"}, n=0),
    case(F, "valid type - clusterIP", spec={"type": "ClusterIP"}, n=0),
    case(F, "valid type - loadbalancer", spec=LB, n=0),
    case(F, "valid type - loadbalancer with allocateLoadBalancerNodePorts=false",
         spec={**LB, "allocateLoadBalancerNodePorts": False}, n=0),
    case(F, "invalid type - missing AllocateLoadBalancerNodePorts for loadbalancer type",
         spec={"type": "LoadBalancer", "externalTrafficPolicy": "Cluster"}, n=1),
    case(F, "valid type loadbalancer 2 ports", spec=LB, add_ports=[P("q", 12345)], n=0),
    case(F, "valid external load balancer 2 ports", spec=LB, add_ports=[P("q", 12345)], n=0),
    case(F, "duplicate nodeports", spec=NP, add_ports=[P("q", 1, node=1), P("r", 2, node=1)], n=1),
    case(F, "duplicate nodeports (different protocols)", spec=NP,
         add_ports=[P("q", 1, node=1), P("r", 2, "UDP", node=1), P("s", 3, "SCTP", node=1)], n=0),
    case(F, "invalid duplicate ports (with same protocol)", spec={"type": "ClusterIP"},
         add_ports=[P("q", 12345, target=8080), P("r", 12345, target=80)], n=1),
    case(F, "valid duplicate ports (with different protocols)", spec={"type": "ClusterIP"},
         add_ports=[P("q", 12345, target=8080), P("r", 12345, "UDP", target=80), P("s", 12345, "SCTP", target=8088)],
         n=0),
    case(F, "valid type - cluster", spec={"type": "ClusterIP"}, n=0),
    case(F, "valid type - nodeport", spec=NP, n=0),
    case(F, "valid type - loadbalancer with allocateLoadBalancerNodePorts=true", spec=LB, n=0),
    case(F, "valid type loadbalancer 2 ports#01", spec=LB, add_ports=[P("q", 12345)], n=0),
    case(F, "valid type loadbalancer with NodePort", spec=LB, add_ports=[P("q", 12345, node=12345)], n=0),
    case(F, "valid type=NodePort service with NodePort", spec=NP, add_ports=[P("q", 12345, node=12345)], n=0),
    case(F, "valid type=NodePort service without NodePort", spec=NP, add_ports=[P("q", 12345)], n=0),
    case(F, "valid cluster service without NodePort", spec={"type": "ClusterIP"}, add_ports=[P("q", 12345)], n=0),
    case(F, "invalid cluster service with NodePort", spec={"type": "ClusterIP"},
         add_ports=[P("q", 12345, node=12345)], n=1),
    case(F, "invalid public service with duplicate NodePort", spec=NP,
         add_ports=[P("p1", 1, node=1), P("p2", 2, node=1)], n=1),
    case(F, "valid type=LoadBalancer", spec=LB, add_ports=[P("q", 12345)], n=0),
    case(F, "valid port type=LoadBalancer", spec=LB, add_ports=[P("kubelet", 10250, target=12345)], n=0),
    case(F, "valid LoadBalancer source range annotation", spec=LB, annotations={SRC: "1.2.3.0/24,  5.6.0.0/16"}, n=0),
    case(F, "valid empty LoadBalancer source range annotation", spec=LB, annotations={SRC: ""}, n=0),
    case(F, "valid whitespace-only LoadBalancer source range annotation", spec=LB, annotations={SRC: "  "}, n=0),
    case(F, "invalid LoadBalancer source range annotation (hostname)", spec=LB, annotations={SRC: "foo.bar"}, n=1),
    case(F, "invalid LoadBalancer source range annotation (invalid CIDR)", spec=LB, annotations={SRC: "1.2.3.4/33"},
         n=1),
    case(F, "invalid LoadBalancer source range annotation for non LoadBalancer type service",
         annotations={SRC: "1.2.3.0/24"}, n=1),
    case(F, "invalid empty-but-set LoadBalancer source range annotation for non LoadBalancer type service",
         annotations={SRC: ""}, n=1),
    case(F, "valid LoadBalancer source range", spec={**LB, "loadBalancerSourceRanges": ["1.2.3.0/24", "5.6.0.0/16"]},
         n=0),
    case(F, "valid LoadBalancer source range with whitespace",
         spec={**LB, "loadBalancerSourceRanges": ["1.2.3.0/24  ", " 5.6.0.0/16"]}, n=0),
    case(F, "invalid empty LoadBalancer source range", spec={**LB, "loadBalancerSourceRanges": ["   "]}, n=1),
    case(F, "invalid LoadBalancer source range (hostname)", spec={**LB, "loadBalancerSourceRanges": ["foo.bar"]}, n=1),
    case(F, "invalid LoadBalancer source range (invalid CIDR)", spec={**LB, "loadBalancerSourceRanges": ["1.2.3.4/33"]},
         n=1),
    case(F, "invalid source range for non LoadBalancer type service",
         spec={"loadBalancerSourceRanges": ["1.2.3.0/24", "5.6.0.0/16"]}, n=1),
    case(F, "invalid source range annotation ignored with valid source range field", annotations={SRC: "foo.bar"},
         spec={**LB, "loadBalancerSourceRanges": ["1.2.3.0/24", "5.6.0.0/16"]}, n=0),
    case(F, "valid ExternalName", spec={"type": "ExternalName", "externalName": "foo.bar.example.com"}, n=0),
    case(F, "valid ExternalName (trailing dot)", spec={"type": "ExternalName", "externalName": "foo.bar.example.com."},
         n=0),
    case(F, "invalid ExternalName clusterIP (valid IP)",
         spec={"type": "ExternalName", **ips("1.2.3.4"), "externalName": "foo.bar.example.com"}, n=1),
    case(F, "invalid ExternalName clusterIP (None)",
         spec={"type": "ExternalName", **NONE, "externalName": "foo.bar.example.com"}, n=1),
    case(F, "invalid ExternalName (not a DNS name)", spec={"type": "ExternalName", "externalName": "-123"}, n=1),
    case(F, "LoadBalancer type cannot have None ClusterIP", spec={**NONE, **LB}, n=1),
    case(F, "invalid node port with clusterIP None", spec={**NP, **NONE}, add_ports=[P("q", 1, node=1)], n=1),
    # ESIPP section
    case(F, "invalid externalTraffic field",
         spec={"type": "LoadBalancer", "allocateLoadBalancerNodePorts": True, "externalTrafficPolicy": "invalid"}, n=1),
    case(F, "nil internalTraffic field when feature gate is on", spec={"internalTrafficPolicy": None}, n=1),
    case(F, "internalTrafficPolicy field nil when type is ExternalName",
         spec={"internalTrafficPolicy": None, "type": "ExternalName", "externalName": "foo.bar.com"}, n=0),
    case(F, "internalTrafficPolicy field is set when type is ExternalName",
         spec={"internalTrafficPolicy": "Cluster", "type": "ExternalName", "externalName": "foo.bar.com"}, n=0),
    case(F, "invalid internalTraffic field", spec={"internalTrafficPolicy": "invalid"}, n=1),
    case(F, "internalTrafficPolicy field set to Cluster", spec={"internalTrafficPolicy": "Cluster"}, n=0),
    case(F, "internalTrafficPolicy field set to Local", spec={"internalTrafficPolicy": "Local"}, n=0),
    case(F, "negative healthCheckNodePort field", spec={
        "type": "LoadBalancer", "allocateLoadBalancerNodePorts": True, "externalTrafficPolicy": "Local",
        "healthCheckNodePort": -1}, n=1),
    case(F, "negative healthCheckNodePort field#01", spec={
        "type": "LoadBalancer", "allocateLoadBalancerNodePorts": True, "externalTrafficPolicy": "Local",
        "healthCheckNodePort": 31100}, n=0),
    case(F, "invalid timeoutSeconds field", spec={"type": "ClusterIP", "sessionAffinity": "ClientIP",
                                                  "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": -1}}}, n=1),
    case(F, "sessionAffinityConfig can't be set when session affinity is None",
         spec={**LB, "sessionAffinity": "None", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 90}}}, n=1),
    # ip families
    case(F, "invalid, service with invalid ipFamilies", spec={"ipFamilies": ["not-a-valid-ip-family"]}, n=1),
    case(F, "invalid, service with invalid ipFamilies (2nd)",
         spec={"ipFamilyPolicy": RDS, "ipFamilies": [V4, "not-a-valid-ip-family"]}, n=1),
    case(F, "IPFamilyPolicy(singleStack) is set for two families", spec={"ipFamilyPolicy": SS, "ipFamilies": [V4, V6]},
         n=0),
    case(F, "valid, IPFamilyPolicy(preferDualStack) is set for two families (note: alloc sets families)",
         spec={"ipFamilyPolicy": PDS, "ipFamilies": [V4, V6]}, n=0),
    case(F, "invalid, service with 2+ ipFamilies", spec={"ipFamilyPolicy": RDS, "ipFamilies": [V4, V6, V4]}, n=1),
    case(F, "invalid, service with same ip families", spec={"ipFamilyPolicy": RDS, "ipFamilies": [V6, V6]}, n=1),
    case(F, "valid, nil service ipFamilies", spec={"ipFamilies": None}, n=0),
    case(F, "valid, service with valid ipFamilies (v4)", spec={"ipFamilies": [V4]}, n=0),
    case(F, "valid, service with valid ipFamilies (v6)", spec={"ipFamilies": [V6]}, n=0),
    case(F, "valid, service with valid ipFamilies(v4,v6)", spec={"ipFamilyPolicy": RDS, "ipFamilies": [V4, V6]}, n=0),
    case(F, "valid, service with valid ipFamilies(v6,v4)", spec={"ipFamilyPolicy": RDS, "ipFamilies": [V6, V4]}, n=0),
    case(F, "valid, service preferred dual stack with single family", spec={"ipFamilyPolicy": PDS, "ipFamilies": [V6]},
         n=0),
    # cluster IPs
    case(F, "invalid, garbage single ip", spec=ips("garbage-ip"), n=1),
    case(F, "invalid, garbage ips", spec=ips("garbage-ip", "garbage-second-ip", policy=RDS), n=2),
    case(F, "invalid, garbage first ip", spec=ips("garbage-ip", "2001::1", policy=RDS), n=1),
    case(F, "invalid, garbage second ip", spec=ips("2001::1", "garbage-ip", policy=RDS), n=1),
    case(F, "invalid, NONE + IP", spec=ips("None", "2001::1", policy=RDS), n=1),
    case(F, "invalid, IP + NONE", spec=ips("2001::1", "None", policy=RDS), n=1),
    case(F, "invalid, EMPTY STRING + IP", spec=ips("", "2001::1", policy=RDS), n=2),
    case(F, "invalid, IP + EMPTY STRING", spec=ips("2001::1", "", policy=RDS), n=1),
    case(F, "invalid, same ip family (v6)", spec=ips("2001::1", "2001::4", policy=RDS, families=[V4, V6]), n=2),
    case(F, "invalid, same ip family (v4)", spec=ips("10.0.0.1", "10.0.0.10", policy=RDS, families=[V4, V6]), n=2),
    case(F, "invalid, more than two ips", spec=ips("10.0.0.1", "2001::1", "10.0.0.10", policy=RDS, families=[V4, V6]),
         n=1),
    case(F, " multi ip, dualstack not set (request for downgrade)",
         spec=ips("10.0.0.1", "2001::1", policy=SS, families=[V4, V6]), n=0),
    case(F, "valid, headless-no-selector + multi family + gate off",
         spec={**ips("None", policy=RDS, families=[V4, V6]), "selector": None}, n=0),
    case(F, "valid, multi ip, single ipfamilies preferDualStack", spec=ips("10.0.0.1", "2001::1", policy=PDS,
                                                                           families=[V4]), n=0),
    case(F, "valid, multi ip, single ipfamilies (must match when provided) + requireDualStack",
         spec=ips("10.0.0.1", "2001::1", policy=RDS, families=[V4]), n=0),
    case(F, "invalid, families don't match (v4=>v6)", spec=ips("10.0.0.1", families=[V6]), n=1),
    case(F, "invalid, families don't match (v6=>v4)", spec=ips("2001::1", families=[V4]), n=1),
    case(F, "valid. no field set", n=0),
    case(F, "valid, single ip", spec=ips("10.0.0.1", policy=SS), n=0),
    case(F, "valid, single family", spec={"ipFamilyPolicy": SS, "ipFamilies": [V6]}, n=0),
    case(F, "valid, single ip + single family", spec=ips("2001::1", policy=SS, families=[V6]), n=0),
    case(F, "valid, single ip + single family (dual stack requested)", spec=ips("2001::1", policy=PDS, families=[V6]),
         n=0),
    case(F, "valid, single ip, multi ipfamilies", spec=ips("10.0.0.1", policy=RDS, families=[V4, V6]), n=0),
    case(F, "valid, multi ips, multi ipfamilies (4,6)", spec=ips("10.0.0.1", "2001::1", policy=RDS, families=[V4, V6]),
         n=0),
    case(F, "valid, ips, multi ipfamilies (6,4)", spec=ips("2001::1", "10.0.0.1", policy=RDS, families=[V6, V4]), n=0),
    case(F, "valid, multi ips (6,4)", spec=ips("2001::1", "10.0.0.1", policy=RDS), n=0),
    case(F, "valid, multi ipfamilies (6,4)", spec={"ipFamilyPolicy": RDS, "ipFamilies": [V6, V4]}, n=0),
    case(F, "valid, multi ips (4,6)", spec=ips("10.0.0.1", "2001::1", policy=RDS), n=0),
    case(F, "valid,  multi ipfamilies (4,6)", spec={"ipFamilyPolicy": RDS, "ipFamilies": [V4, V6]}, n=0),
    case(F, "valid, dual stack", spec={"ipFamilyPolicy": RDS}, n=0),
    case(F, "valid appProtocol", spec={"ports": [P("", 12345, app="HTTP")]}, n=0),
    case(F, "valid custom appProtocol", spec={"ports": [P("", 12345, app="example.com/protocol")]}, n=0),
    case(F, "invalid appProtocol", spec={"ports": [P("", 12345, app="example.com/protocol_with{invalid}[characters]")]},
         n=1),
    case(F, "invalid cluster ip != clusterIP in multi ip service",
         spec={"ipFamilyPolicy": RDS, "clusterIP": "10.0.0.10", "clusterIPs": ["10.0.0.1", "2001::1"]}, n=1),
    case(F, "invalid cluster ip != clusterIP in single ip service",
         spec={"clusterIP": "10.0.0.10", "clusterIPs": ["10.0.0.1"]}, n=1),
    case(F, "Use AllocateLoadBalancerNodePorts when type is not LoadBalancer",
         spec={"allocateLoadBalancerNodePorts": True}, n=1),
    case(F, "valid LoadBalancerClass when type is LoadBalancer",
         spec={**LB, "loadBalancerClass": "test.com/test-load-balancer-class"}, n=0),
    case(F, "invalid LoadBalancerClass", spec={**LB, "loadBalancerClass": "Bad/LoadBalancerClass"}, n=1),
    case(F, "invalid: set LoadBalancerClass when type is not LoadBalancer",
         spec={"type": "ClusterIP", "loadBalancerClass": "test.com/test-load-balancer-class"}, n=1),
    case(F, "topology annotations are mismatched", annotations={
        "service.kubernetes.io/topology-aware-hints": "original", "service.kubernetes.io/topology-mode": "different"},
        n=1),
    case(F, "valid: trafficDistribution field set to PreferClose", spec={"trafficDistribution": "PreferClose"}, n=0),
    case(F, "invalid: trafficDistribution field set to Random", spec={"trafficDistribution": "Random"}, n=1),
]


@pytest.mark.parametrize("c", CREATE)
def test_validate_service_create(c: Obj) -> None:
    errs = validate(tweaked(c))
    assert len(errs) == c["n"], [str(e) for e in errs]


E = "TestValidateServiceExternalTrafficPolicy"
LB_NO_POLICY = {"type": "LoadBalancer", "allocateLoadBalancerNodePorts": True}
EXTERNAL_TRAFFIC = [
    case(E, "valid loadBalancer service with externalTrafficPolicy and healthCheckNodePort set",
         spec={**LB_NO_POLICY, "externalTrafficPolicy": "Local", "healthCheckNodePort": 34567}, n=0),
    case(E, "valid nodePort service with externalTrafficPolicy set",
         spec={"type": "NodePort", "externalTrafficPolicy": "Local"}, n=0),
    case(E, "valid clusterIP service with none of externalTrafficPolicy and healthCheckNodePort set",
         spec={"type": "ClusterIP"}, n=0),
    case(E, "cannot set healthCheckNodePort field on loadBalancer service with externalTrafficPolicy!=Local",
         spec={**LB_NO_POLICY, "externalTrafficPolicy": "Cluster", "healthCheckNodePort": 34567}, n=1),
    case(E, "cannot set healthCheckNodePort field on nodePort service",
         spec={"type": "NodePort", "externalTrafficPolicy": "Local", "healthCheckNodePort": 34567}, n=1),
    case(E, "cannot set externalTrafficPolicy or healthCheckNodePort fields on clusterIP service",
         spec={"type": "ClusterIP", "externalTrafficPolicy": "Local", "healthCheckNodePort": 34567}, n=2),
    case(E, "cannot set externalTrafficPolicy field on ExternalName service",
         spec={"type": "ExternalName", "externalTrafficPolicy": "Local"}, n=1),
    case(E, "externalTrafficPolicy is required on NodePort service", spec={"type": "NodePort"}, n=1),
    case(E, "externalTrafficPolicy is required on LoadBalancer service", spec={"type": "LoadBalancer"}, n=1),
    case(E, "externalTrafficPolicy is required on ClusterIP service with externalIPs",
         spec={"type": "ClusterIP", "externalIPs": ["1.2.3,4"]}, n=1),
]


@pytest.mark.parametrize("c", EXTERNAL_TRAFFIC)
def test_validate_service_external_traffic_policy(c: Obj) -> None:
    assert len(validate_external_traffic_policy(tweaked(c)["spec"])) == c["n"]


def _pair(c: Obj) -> tuple[Obj, Obj]:
    """TestValidateServiceUpdate's (old, new): makeValidService twice, each tweaked."""
    old, new = make_valid_service(), make_valid_service()
    _set(old["spec"], c.get("old"))
    _set(new["spec"], c.get("new"))
    _set(new["metadata"], c.get("new_meta"))
    new["metadata"]["labels"].update(c.get("new_labels") or {})
    new["metadata"]["annotations"].update(c.get("new_annotations") or {})
    return old, new


CIP, NPC, LBC = {"type": "ClusterIP"}, {"type": "NodePort", "externalTrafficPolicy": "Cluster"}, LB
OLD_LB = {"type": "LoadBalancer", "allocateLoadBalancerNodePorts": True}
OLD_CLASS = {**OLD_LB, "loadBalancerClass": "test.com/test-old"}
SET, OTHER = ips("1.2.3.4"), ips("1.2.3.5")
EMPTY = {"clusterIP": "", "clusterIPs": None}
DUAL_OLD = {**ips("1.2.3.4", "2001::1", policy=RDS, families=[V4, V6]), "type": "ClusterIP"}
SINGLE_OLD = {**ips("1.2.3.4", policy=SS, families=[V4]), "type": "ClusterIP"}
LB_CLASS = "test.com/test-load-balancer-class"


def _type_changes() -> list[Any]:
    """The "Service with X type can/cannot change its (empty|set) ClusterIP [when changing type to Y]" cases."""
    old_types = {"ClusterIP": CIP, "NodePort": {"type": "NodePort"}, "LoadBalancer": OLD_LB}
    new_types = {"ClusterIP": CIP, "NodePort": NPC, "LoadBalancer": LBC}
    out = []
    for old_t, targets in (("ClusterIP", ("ClusterIP", "NodePort", "LoadBalancer")),
                           ("NodePort", ("NodePort", "ClusterIP", "LoadBalancer")),
                           ("LoadBalancer", ("LoadBalancer", "ClusterIP", "NodePort"))):
        for new_t in targets:
            suffix = "" if new_t == old_t else f" when changing type to {new_t}"
            verb = "cannot change its ClusterIP" if (old_t, new_t) == ("ClusterIP", "LoadBalancer") \
                else "cannot change its set ClusterIP"
            out.append(case(U, f"Service with {old_t} type {verb}{suffix}",
                            old={**old_types[old_t], **SET}, new={**new_types[new_t], **OTHER}, n=1))
            out.append(case(U, f"Service with {old_t} type can change its empty ClusterIP{suffix}",
                            old={**old_types[old_t], **EMPTY}, new={**new_types[new_t], **OTHER}, n=0))
    return out


U = "TestValidateServiceUpdate"
UPDATE = [
    case(U, "no change", n=0),
    case(U, "change name", new_meta={"name": "valid2"}, n=1),
    case(U, "change namespace", new_meta={"namespace": "valid2"}, n=1),
    case(U, "change label valid", new_labels={"key": "other-value"}, n=0),
    case(U, "add label", new_labels={"key2": "value2"}, n=0),
    case(U, "change cluster IP", old=SET, new=ips("8.6.7.5"), n=1),
    case(U, "remove cluster IP", old=SET, new=EMPTY, n=1),
    case(U, "change affinity", new={"sessionAffinity": "ClientIP",
                                    "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 90}}}, n=0),
    case(U, "remove affinity", new={"sessionAffinity": None}, n=1),
    case(U, "change type", new=LBC, n=0),
    case(U, "remove type", new={"type": None}, n=1),
    case(U, "change type -> nodeport", new=NPC, n=0),
    case(U, "add loadBalancerSourceRanges", old=OLD_LB, new={**LBC, "loadBalancerSourceRanges": ["10.0.0.0/8"]}, n=0),
    case(U, "update loadBalancerSourceRanges", old={**OLD_LB, "loadBalancerSourceRanges": ["10.0.0.0/8"]},
         new={**LBC, "loadBalancerSourceRanges": ["10.100.0.0/16"]}, n=0),
    case(U, "LoadBalancer type cannot have None ClusterIP", new={**NONE, **LBC}, n=1),
    case(U, "`None` ClusterIP can NOT be changed", old={**CIP, **NONE}, new={**CIP, **SET}, n=1),
    case(U, "`None` ClusterIP can NOT be removed", old=NONE, new=EMPTY, n=1),
    case(U, "ClusterIP can NOT be changed to None", old=SET, new=NONE, n=1),
    *_type_changes()[:6],
    case(U, "Service with LoadBalancer type can change its AllocateLoadBalancerNodePorts from true to false",
         old=OLD_LB, new={**LBC, "allocateLoadBalancerNodePorts": False}, n=0),
    case(U, "Service with LoadBalancer type can change its AllocateLoadBalancerNodePorts from false to true",
         old={**OLD_LB, "allocateLoadBalancerNodePorts": False}, new=LBC, n=0),
    *_type_changes()[6:],
    case(U, "Service with ExternalName type can change its empty ClusterIP when changing type to ClusterIP",
         old={"type": "ExternalName", **EMPTY}, new={**CIP, **OTHER}, n=0),
    case(U, "Service with ExternalName type can change its set ClusterIP when changing type to ClusterIP",
         old={"type": "ExternalName", **SET}, new={**CIP, **OTHER}, n=0),
    case(U, "invalid node port with clusterIP None", old={"type": "NodePort", "ports": [
        P("p", 8675), P("q", 1, node=1)], **EMPTY}, new={**NPC, "ports": [P("p", 8675), P("q", 1, node=1)], **NONE},
        n=1),
    case(U, "convert from ExternalName", old={"type": "ExternalName"}, new=CIP, n=0),
    case(U, "invalid: convert to ExternalName", old={**CIP, **ips("10.0.0.10", policy=SS, families=[V4])},
         new={"type": "ExternalName", "externalName": "foo", **ips("10.0.0.10", policy=SS, families=[V4])}, n=3),
    case(U, "valid: convert to ExternalName", old={**CIP, **ips("10.0.0.10", policy=SS, families=[V4])},
         new={"type": "ExternalName", "externalName": "foo"}, n=0),
    case(U, "same ServiceIPFamily", old={**CIP, "ipFamilies": [V4]}, new={**CIP, "ipFamilies": [V4]}, n=0),
    case(U, "same ServiceIPFamily, change IPFamilyPolicy to singleStack", old={**CIP, "ipFamilies": [V4]},
         new={**CIP, "ipFamilyPolicy": SS, "ipFamilies": [V4]}, n=0),
    case(U, "same ServiceIPFamily, change IPFamilyPolicy singleStack => requireDualStack",
         old={**CIP, "ipFamilyPolicy": SS, "ipFamilies": [V4]}, new={**CIP, "ipFamilyPolicy": RDS, "ipFamilies": [V4]},
         n=0),
    case(U, "add a new ServiceIPFamily", old={**CIP, "ipFamilyPolicy": RDS, "ipFamilies": [V4]},
         new={**CIP, "ipFamilyPolicy": RDS, "ipFamilies": [V4, V6]}, n=0),
    case(U, "ExternalName while changing Service IPFamily", old={"type": "ExternalName", "externalName": "somename"},
         new={"type": "ExternalName", "externalName": "somename"}, n=0),
    case(U, "setting ipfamily from nil to v4", old={"ipFamilies": None},
         new={"externalName": "somename", "ipFamilies": [V4]}, n=0),
    case(U, "setting ipfamily from nil to v6", old={"ipFamilies": None},
         new={"externalName": "somename", "ipFamilies": [V6]}, n=0),
    case(U, "change primary ServiceIPFamily", old={**SET, **CIP, "ipFamilies": [V4]},
         new={**CIP, **SET, "ipFamilies": [V6]}, n=2),
    # upgrade + downgrade from/to dualstack
    case(U, "valid: upgrade to dual stack with requiredDualStack", old={**SINGLE_OLD, "ipFamilyPolicy": RDS},
         new={**CIP, **SET, "ipFamilies": [V4]}, n=0),
    case(U, "valid: upgrade to dual stack with preferDualStack", old=SINGLE_OLD,
         new={**CIP, **SET, "ipFamilyPolicy": PDS, "ipFamilies": [V4]}, n=0),
    case(U, "valid: upgrade to dual stack, no specific secondary ip", old=SINGLE_OLD,
         new={**CIP, **SET, "ipFamilyPolicy": RDS, "ipFamilies": [V4, V6]}, n=0),
    case(U, "valid: upgrade to dual stack, with specific secondary ip", old=SINGLE_OLD,
         new={**CIP, **ips("1.2.3.4", "2001::1", policy=RDS, families=[V4, V6])}, n=0),
    case(U, "valid: downgrade from dual to single", old=DUAL_OLD,
         new={**CIP, **ips("1.2.3.4", policy=SS, families=[V4])}, n=0),
    case(U, "valid: change families for a headless service", old={**CIP, **ips("None", policy=RDS, families=[V4, V6])},
         new={**CIP, **ips("None", policy=RDS, families=[V6, V4])}, n=0),
    case(U, "valid: upgrade a headless service", old={**CIP, **ips("None", policy=SS, families=[V4])},
         new={**CIP, **ips("None", policy=RDS, families=[V6, V4])}, n=0),
    case(U, "valid: downgrade a headless service", old={**CIP, **ips("None", policy=RDS, families=[V4, V6])},
         new={**CIP, **ips("None", policy=SS, families=[V6])}, n=0),
    case(U, "invalid flip families", old={**DUAL_OLD, "clusterIP": "1.2.3.40"},
         new={**CIP, **ips("2001::1", "1.2.3.5", policy=RDS, families=[V6, V4])}, n=4),
    case(U, "invalid change first ip, in dualstack service", old=DUAL_OLD,
         new={**CIP, **ips("1.2.3.5", "2001::1", policy=RDS, families=[V4, V6])}, n=1),
    case(U, "invalid, change second ip in dualstack service", old=DUAL_OLD,
         new={**CIP, **ips("1.2.3.4", "2002::1", policy=RDS, families=[V4, V6])}, n=1),
    case(U, "downgrade keeping the families", old=DUAL_OLD,
         new={**CIP, **ips("1.2.3.4", policy=SS, families=[V4, V6])}, n=0),
    case(U, "invalid, downgrade without changing to singleStack", old=DUAL_OLD,
         new={**CIP, **ips("1.2.3.4", policy=RDS, families=[V4])}, n=2),
    case(U, "invalid, downgrade and change primary ip", old=DUAL_OLD,
         new={**CIP, **ips("1.2.3.5", policy=SS, families=[V4])}, n=1),
    case(U, "invalid: upgrade to dual stack and change primary", old=SINGLE_OLD,
         new={**CIP, **ips("1.2.3.5", policy=RDS, families=[V4, V6])}, n=1),
    case(U, "update to valid app protocol", old={"ports": [P("a", 443, target=3000)]},
         new={"ports": [P("a", 443, target=3000, app="https")]}, n=0),
    case(U, "update to invalid app protocol", old={"ports": [P("a", 443, target=3000)]},
         new={"ports": [P("a", 443, target=3000, app="~https")]}, n=1),
    case(U, "Set AllocateLoadBalancerNodePorts when type is not LoadBalancer",
         new={"allocateLoadBalancerNodePorts": True}, n=1),
    case(U, "update LoadBalancer type of service without change LoadBalancerClass",
         old=OLD_CLASS, new={**LBC, "loadBalancerClass": "test.com/test-old"},
         n=0),
    case(U, "invalid: change LoadBalancerClass when update service",
         old=OLD_CLASS, new={**LBC, "loadBalancerClass": "test.com/test-new"},
         n=1),
    case(U, "invalid: unset LoadBalancerClass when update service",
         old=OLD_CLASS, new=LBC, n=1),
    case(U, "invalid: set LoadBalancerClass when update service", old=OLD_LB,
         new={**LBC, "loadBalancerClass": "test.com/test-new"}, n=1),
    case(U, "update to LoadBalancer type of service with valid LoadBalancerClass", old=CIP,
         new={**LBC, "loadBalancerClass": LB_CLASS}, n=0),
    case(U, "update to LoadBalancer type of service without LoadBalancerClass", old=CIP, new=LBC, n=0),
    case(U, "invalid: set invalid LoadBalancerClass when update service to LoadBalancer", old=CIP,
         new={**LBC, "loadBalancerClass": "Bad/LoadBalancerclass"}, n=2),
    case(U, "invalid: set LoadBalancerClass when update service to non LoadBalancer type of service", old=CIP,
         new={**CIP, "loadBalancerClass": LB_CLASS}, n=2),
    case(U, "invalid: set LoadBalancerClass when update service to non LoadBalancer type of service#01",
         old={"type": "ExternalName"}, new={"type": "ExternalName", "loadBalancerClass": LB_CLASS}, n=3),
    case(U, "invalid: set LoadBalancerClass when update service to non LoadBalancer type of service#02",
         old={"type": "NodePort"}, new={**NPC, "loadBalancerClass": LB_CLASS}, n=2),
    case(U, "invalid: set LoadBalancerClass when update from LoadBalancer service to non LoadBalancer type of service",
         old={**OLD_LB, "loadBalancerClass": LB_CLASS}, new={**CIP, "loadBalancerClass": LB_CLASS}, n=2),
    case(U, "invalid: set LoadBalancerClass when update from LoadBalancer service to non LoadBalancer type of "
            "service#01", old={**OLD_LB, "loadBalancerClass": LB_CLASS},
         new={"type": "ExternalName", "loadBalancerClass": LB_CLASS}, n=3),
    case(U, "invalid: set LoadBalancerClass when update from LoadBalancer service to non LoadBalancer type of "
            "service#02", old={**OLD_LB, "loadBalancerClass": LB_CLASS},
         new={**NPC, "loadBalancerClass": LB_CLASS}, n=2),
    case(U, "update internalTrafficPolicy from Cluster to Local", old={"internalTrafficPolicy": "Cluster"},
         new={"internalTrafficPolicy": "Local"}, n=0),
    case(U, "update internalTrafficPolicy from Local to Cluster", old={"internalTrafficPolicy": "Local"},
         new={"internalTrafficPolicy": "Cluster"}, n=0),
    case(U, "topology annotations are mismatched", new_annotations={
        "service.kubernetes.io/topology-aware-hints": "original", "service.kubernetes.io/topology-mode": "different"},
        n=1),
]


@pytest.mark.parametrize("c", UPDATE)
def test_validate_service_update(c: Obj) -> None:
    old, new = _pair(c)
    errs = validate(new, old)
    assert len(errs) == c["n"], [str(e) for e in errs]
