"""NetworkPolicy evaluation: is one connection between two endpoints allowed, given every policy.

A pure function of the objects, with upstream's semantics (the NetworkPolicy API reference and
the e2e suite test/e2e/network/netpol): a pod is isolated for ingress when some policy with the
``Ingress`` type selects it, and then a connection reaches it only if some rule of such a policy
allows it; likewise for egress on the source side. Policies are additive (a union of allows).
Pod and namespace selectors match pods only; ``ipBlock`` matches addresses. Named ports resolve
against the destination pod's container ports. The check runs on the final pod endpoint, after
the service proxy's DNAT.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kspec.labels import Selector
from kspec.objects import Obj


@dataclass(frozen=True)
class Endpoint:
    """One end of a connection: its address, and the pod that owns it (None for a node or outside address)."""

    ip: str
    pod: Obj | None = None

    @property
    def namespace(self) -> str:
        return (self.pod or {}).get("metadata", {}).get("namespace", "") if self.pod else ""

    @property
    def labels(self) -> dict[str, str]:
        return ((self.pod or {}).get("metadata", {}).get("labels") or {}) if self.pod else {}


def policy_types(policy: Obj) -> list[str]:
    """spec.policyTypes, or upstream's default when unset: Ingress always, Egress when egress rules exist."""
    spec = policy.get("spec") or {}
    types = spec.get("policyTypes")
    if types:
        return list(types)
    return ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


def _selects(policy: Obj, pod: Obj) -> bool:
    """The policy lives in the pod's namespace and its podSelector ({} is every pod) matches the pod."""
    meta = pod.get("metadata", {})
    if policy.get("metadata", {}).get("namespace", "") != meta.get("namespace", ""):
        return False
    return Selector.from_label_selector((policy.get("spec") or {}).get("podSelector") or {}).matches(
        meta.get("labels") or {})


def _in_block(ip: str, block: Mapping) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
        if addr not in ipaddress.ip_network(block.get("cidr", ""), strict=False):
            return False
        return not any(addr in ipaddress.ip_network(e, strict=False) for e in block.get("except") or [])
    except ValueError:
        return False  # an unparsable CIDR (validation rejects it) or address matches nothing


def _peer_matches(peer: Mapping, policy_ns: str, other: Endpoint, namespaces: Mapping[str, dict[str, str]]) -> bool:
    """One NetworkPolicyPeer against the far end of the connection."""
    if "ipBlock" in peer:
        return _in_block(other.ip, peer["ipBlock"])
    if other.pod is None:
        return False  # pod and namespace selectors select pods, never node or outside addresses
    if "namespaceSelector" in peer:
        if not Selector.from_label_selector(peer["namespaceSelector"] or {}).matches(
                namespaces.get(other.namespace, {})):
            return False
    elif other.namespace != policy_ns:
        return False  # a podSelector alone selects in the policy's own namespace
    if "podSelector" in peer:
        return Selector.from_label_selector(peer["podSelector"] or {}).matches(other.labels)
    return True


def _named_port(pod: Obj | None, name: str, protocol: str) -> int | None:
    for c in (pod or {}).get("spec", {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == name and p.get("protocol", "TCP") == protocol:
                return int(p["containerPort"])
    return None


def _port_matches(rule_port: Mapping, port: int, protocol: str, dst: Endpoint) -> bool:
    """A NetworkPolicyPort: protocol (TCP by default), a number or a named port, and an optional endPort."""
    if rule_port.get("protocol", "TCP") != protocol:
        return False
    want = rule_port.get("port")
    if want is None:
        return True  # every port of that protocol
    if isinstance(want, str) and not want.isdigit():
        return _named_port(dst.pod, want, protocol) == port
    low = int(want)
    high = int(rule_port.get("endPort") or low)
    return low <= port <= high


def _rule_allows(rule: Mapping, peers_key: str, policy_ns: str, other: Endpoint, dst: Endpoint, port: int,
                 protocol: str, namespaces: Mapping[str, dict[str, str]]) -> bool:
    peers = rule.get(peers_key) or []
    if peers and not any(_peer_matches(p, policy_ns, other, namespaces) for p in peers):
        return False
    ports = rule.get("ports") or []
    return not ports or any(_port_matches(p, port, protocol, dst) for p in ports)


def _direction_allows(direction: str, policies: Iterable[Obj], subject: Endpoint, other: Endpoint, dst: Endpoint,
                      port: int, protocol: str, namespaces: Mapping[str, dict[str, str]]) -> bool:
    """Ingress (subject = destination) or Egress (subject = source): isolated only when selected."""
    if subject.pod is None:
        return True  # a node or an outside address: NetworkPolicy does not apply to it
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    isolated = False
    for policy in policies:
        if direction not in policy_types(policy) or not _selects(policy, subject.pod):
            continue
        isolated = True
        ns = policy["metadata"].get("namespace", "")
        for rule in (policy.get("spec") or {}).get(key) or []:
            if _rule_allows(rule, peers_key, ns, other, dst, port, protocol, namespaces):
                return True
    return not isolated


def allowed(policies: Iterable[Obj], namespaces: Mapping[str, dict[str, str]], src: Endpoint, dst: Endpoint,
            port: int, protocol: str = "TCP") -> bool:
    """Whether a connection from ``src`` to ``dst``:``port`` passes the egress policies of the source pod
    and the ingress policies of the destination pod. ``namespaces`` maps a namespace to its labels."""
    policies = list(policies)
    protocol = protocol.upper()
    return (_direction_allows("Egress", policies, src, dst, dst, port, protocol, namespaces)
            and _direction_allows("Ingress", policies, dst, src, dst, port, protocol, namespaces))
