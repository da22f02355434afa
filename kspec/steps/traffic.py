"""Traffic from outside the cluster: load-balancer addresses, node ports, external IPs, and the proxy's rules."""

from __future__ import annotations

from kspec.errors import StepError
from kspec.harness import Harness
from kspec.loadbalancer import expect as lb
from kspec.loadbalancer.pool import PoolError, configure_pool, parse_pool
from kspec.steps.registry import given, then

D = "network"


@given('the load balancer pool is "{pool}"', domain=D)
def pool(k: Harness, pool: str) -> None:
    """The addresses the built-in load balancer hands out: a CIDR or first-last (172.18.255.200-172.18.255.250)."""
    try:
        parse_pool(pool)
    except PoolError as exc:
        raise StepError(str(exc)) from None
    k.setup(lambda c: configure_pool(c, pool))


@given('the cluster uses the "{implementation}" load balancer', domain=D)
def uses_load_balancer(k: Harness, implementation: str) -> None:
    """Choose the implementation of LoadBalancer Services by its registered name (built-in: pool)."""
    k.use("loadbalancer", implementation)


@then('service "{svc}"{in_ns} has a load balancer IP in "{cidr}"', domain=D)
def lb_ip_in(k: Harness, svc: str, ns: str | None, cidr: str) -> None:
    """status.loadBalancer.ingress holds an IP in the CIDR."""
    lb.load_balancer_ip_in(k.cluster, svc, cidr, ns)


@then('service "{svc}"{in_ns} has no load balancer IP', domain=D)
def no_lb_ip(k: Harness, svc: str, ns: str | None) -> None:
    """The Service's load balancer is still pending (no ingress IP)."""
    lb.no_load_balancer_ip(k.cluster, svc, ns)


@then('a connection from outside to "{target}" reaches one of pods "{pods}"{in_ns}', domain=D)
@then('a connection from outside address "{ip}" to "{target}" reaches one of pods "{pods}"{in_ns}', domain=D)
def outside_reaches(k: Harness, target: str, pods: str, ns: str | None, ip: str | None = None) -> None:
    """A connection from a client outside the cluster (203.0.113.10 unless given) lands on one of these pods."""
    lb.outside_reaches(k.cluster, ip, target, pods, ns)


@then('a connection from outside to "{target}" reaches one of pods "{pods}"{in_ns} '
       "{source:with the client's address|with a node's address}", domain=D)
@then('a connection from outside address "{ip}" to "{target}" reaches one of pods "{pods}"{in_ns} '
       "{source:with the client's address|with a node's address}", domain=D)
def outside_reaches_from(k: Harness, target: str, pods: str, ns: str | None, source: str,
                         ip: str | None = None) -> None:
    """As above, and the pod sees the client's own address (no SNAT) or a node's (masqueraded)."""
    lb.outside_reaches(k.cluster, ip, target, pods, ns, "client" if "client" in source else "node")


@then('a connection from outside to "{target}" is refused', domain=D)
@then('a connection from outside address "{ip}" to "{target}" is refused', domain=D)
def outside_refused(k: Harness, target: str, ip: str | None = None) -> None:
    """Refused: a RST (nothing listens, REJECT) or ICMP port unreachable (an IPVS virtual server with no real
    servers)."""
    lb.outside_fails(k.cluster, ip, target, "refused")


@then('a connection from outside to "{target}" times out', domain=D)
@then('a connection from outside address "{ip}" to "{target}" times out', domain=D)
def outside_times_out(k: Harness, target: str, ip: str | None = None) -> None:
    """Timed out: the packet was dropped (no local endpoint under a Local policy, source ranges, no route)."""
    lb.outside_fails(k.cluster, ip, target, "timeout")


@then('{count} connections from outside to "{target}" reach every one of pods "{pods}"{in_ns}', domain=D)
@then('{count} connections from outside address "{ip}" to "{target}" reach every one of pods "{pods}"{in_ns}',
      domain=D)
def outside_spread(k: Harness, count: int, target: str, pods: str, ns: str | None, ip: str | None = None) -> None:
    """The set of pods that many connections from outside reach is exactly these pods."""
    lb.outside_spread(k.cluster, count, ip, target, pods, ns)


@then('a connection from pod "{pod}"{in_ns} to "{target}" times out', domain=D)
def pod_times_out(k: Harness, pod: str, ns: str | None, target: str) -> None:
    """The connection's first packet is dropped (a Local policy without local endpoints, a firewall)."""
    k.cluster.expect.connection_times_out(pod, target, ns)


@then('the {mode:iptables|ipvs|nftables} rules of node "{node}" include:', domain=D, text=True)
def rules_include(k: Harness, mode: str, node: str, docstring: str) -> None:
    """Every line of the doc string is a line of the node's rules (iptables-save, ipvsadm -Ln, nft list ruleset)."""
    lb.rules_include(k.cluster, mode, node, docstring)


@then('the health check of service "{svc}"{in_ns} on node "{node}" answers {code}', domain=D)
def health_check(k: Harness, svc: str, ns: str | None, node: str, code: int) -> None:
    """What kube-proxy on the node answers on the Service's healthCheckNodePort (200 with a local endpoint)."""
    lb.health_check(k.cluster, svc, ns, node, code)
