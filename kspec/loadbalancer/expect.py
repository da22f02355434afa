"""Assertions about LoadBalancer Services and traffic from outside the cluster (the traffic steps)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from kspec.connection import REACHED, Connection
from kspec.errors import StepError
from kspec.expect import outcomes, parse_target
from kspec.loadbalancer.controller import ingress_ips
from kspec.podrefs import missing

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: STEPS.md: the source address of a client outside the cluster unless a step names one
OUTSIDE_CLIENT = "203.0.113.10"
#: MAX_CONNECTIONS in kspec.expect: what one step may open
MAX_CONNECTIONS = 10_000


def _proxy(c: Cluster) -> object:
    return c.require("proxy", "service proxy (kube-proxy)")


def _cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise StepError(f'"{text}" is not a CIDR (write 172.18.255.0/24)') from None


def _client(ip: str | None) -> str:
    if ip is None:
        return OUTSIDE_CLIENT
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        raise StepError(f'"{ip}" is not an IP address') from None


def load_balancer_ip_in(c: Cluster, svc: str, cidr: str, ns: str | None) -> None:
    net = _cidr(cidr)
    c.start()
    obj = c.api.get("services", svc, ns or "default")
    ips = ingress_ips(obj)
    if not ips:
        raise AssertionError(f'service "{svc}" has no load balancer IP (still pending), expected one in {cidr}')
    if not any(ipaddress.ip_address(ip) in net for ip in ips):
        raise AssertionError(f'service "{svc}" has load balancer IP {", ".join(ips)}, expected one in {cidr}')


def no_load_balancer_ip(c: Cluster, svc: str, ns: str | None) -> None:
    c.start()
    obj = c.api.get("services", svc, ns or "default")
    ips = ingress_ips(obj)
    if ips:
        raise AssertionError(f'service "{svc}" has load balancer IP {", ".join(ips)}, expected none (pending)')


def connect_outside(c: Cluster, client: str | None, target: str) -> Connection:
    host, port = parse_target(target)
    c.start()
    return _proxy(c).connection_from_outside(_client(client), host, port)  # type: ignore[attr-defined]


def _who(client: str | None) -> str:
    return f'outside address "{client}"' if client else "outside"


def outside_reaches(c: Cluster, client: str | None, target: str, pods: str, ns: str | None,
                    source: str | None = None) -> None:
    """One connection from outside lands on one of ``pods``; ``source`` "client" or "node" checks the
    address the pod sees (the client's own, or a node's after SNAT)."""
    conn = connect_outside(c, client, target)
    listed = c.pod_list(pods, ns or "default")
    if conn.outcome != REACHED or conn.pod not in {name for _, name in listed}:
        raise AssertionError(f"a connection from {_who(client)} to \"{target}\" {conn.describe()}, expected one of "
                             f"pods {pods}{missing(c.api, listed)}")
    if source == "client" and conn.source != _client(client):
        raise AssertionError(f'a connection from {_who(client)} to "{target}" reached pod {conn.pod} from '
                             f"{conn.source}, expected the client's address {_client(client)}")
    if source == "node":
        nodes = {a["address"]: n["metadata"]["name"] for n in c.api.store.list("nodes")
                 for a in (n.get("status") or {}).get("addresses") or []}
        if conn.source not in nodes:
            raise AssertionError(f'a connection from {_who(client)} to "{target}" reached pod {conn.pod} from '
                                 f"{conn.source}, expected a node's address (source NAT)")


def outside_fails(c: Cluster, client: str | None, target: str, outcome: str) -> None:
    conn = connect_outside(c, client, target)
    if conn.outcome != outcome:
        expected = "refused" if outcome == "refused" else "to time out"
        raise AssertionError(f'a connection from {_who(client)} to "{target}" {conn.describe()}, expected it '
                             f"{expected}")


def outside_spread(c: Cluster, count: int, client: str | None, target: str, pods: str, ns: str | None) -> None:
    if not 1 <= count <= MAX_CONNECTIONS:
        raise StepError(f"{count} connections: a step opens from 1 to {MAX_CONNECTIONS:,}")
    results = [connect_outside(c, client, target) for _ in range(count)]
    got = sorted({r.pod for r in results if r.pod})
    listed = c.pod_list(pods, ns or "default")
    want = sorted({name for _, name in listed})
    if got != want or any(r.outcome != REACHED for r in results):
        raise AssertionError(f"of {count} connections from {_who(client)} to \"{target}\", {outcomes(results)}; "
                             f"expected them to reach every one of pods {', '.join(want) or 'none'}"
                             f"{missing(c.api, listed)}")


def rules_include(c: Cluster, mode: str, node: str, text: str) -> None:
    proxy = _proxy(c)
    used = getattr(proxy, "mode", "")
    if used != mode:
        raise StepError(f'the cluster uses the "{used}" proxy, so node "{node}" has no {mode} rules to show '
                        f'(choose it with: Given the cluster uses the "{mode}" proxy)')
    rules = proxy.rules_of(node)  # type: ignore[attr-defined]
    have = {line.strip() for line in rules.splitlines()}
    missing = [line.strip() for line in text.splitlines() if line.strip() and line.strip() not in have]
    if missing:
        raise AssertionError(f'the {mode} rules of node "{node}" lack:\n  ' + "\n  ".join(missing)
                             + f"\nthey are:\n{rules}")


def health_check(c: Cluster, svc: str, ns: str | None, node: str, code: int) -> None:
    c.start()
    obj = c.api.get("services", svc, ns or "default")
    port = (obj.get("spec") or {}).get("healthCheckNodePort")
    answer = _proxy(c).health_check(node, ns or "default", svc)  # type: ignore[attr-defined]
    if answer is None:
        raise AssertionError(f'kube-proxy on node "{node}" serves no health check for service "{svc}" '
                             "(only a LoadBalancer with externalTrafficPolicy Local has one)")
    if answer[0] != code:
        raise AssertionError(f'the health check of service "{svc}" on node "{node}" (port {port}) answers '
                             f"{answer[0]}, expected {code}:\n{answer[1]}")
