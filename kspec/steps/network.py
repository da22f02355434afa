"""Services, endpoints, DNS and traffic."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.steps.registry import given, then

D = "network"


@then('service "{svc}" has a cluster IP in "{cidr}"{in_ns}', domain=D)
def cluster_ip_in(k: Harness, svc: str, cidr: str, ns: str | None) -> None:
    """spec.clusterIP lies in the CIDR."""
    k.cluster.expect.cluster_ip_in(svc, cidr, ns)


@then('service "{svc}" has no cluster IP{in_ns}', domain=D)
def no_cluster_ip(k: Harness, svc: str, ns: str | None) -> None:
    """A headless service (clusterIP None)."""
    k.cluster.expect.no_cluster_ip(svc, ns)


@then('service "{svc}" has a node port in range {low}-{high}{in_ns}', domain=D)
def node_port(k: Harness, svc: str, low: int, high: int, ns: str | None) -> None:
    """Every port of the service has a nodePort in the range."""
    k.cluster.expect.node_port_in(svc, low, high, ns)


@then('the endpoints of service "{svc}" are pods "{pods}"{in_ns}', domain=D)
def endpoints(k: Harness, svc: str, pods: str, ns: str | None) -> None:
    """The ready addresses of the service's endpoints are exactly these pods."""
    k.cluster.expect.endpoints(svc, pods, ready=True, ns=ns)


@then('the not-ready endpoints of service "{svc}" are pods "{pods}"{in_ns}', domain=D)
def not_ready_endpoints(k: Harness, svc: str, pods: str, ns: str | None) -> None:
    """The not-ready addresses of the service's endpoints are exactly these pods."""
    k.cluster.expect.endpoints(svc, pods, ready=False, ns=ns)


@then('from pod "{pod}"{in_ns}, "{name}" resolves to the cluster IP of service "{svc}"', domain=D)
def resolves_to_service(k: Harness, pod: str, ns: str | None, name: str, svc: str) -> None:
    """A lookup made the way the pod's resolver makes it finds the service's cluster IP."""
    k.cluster.expect.resolves_to_service(pod, name, svc, ns)


@then('from pod "{pod}"{in_ns}, "{name}" resolves to the IPs of pods "{pods}"', domain=D)
def resolves_to_pods(k: Harness, pod: str, ns: str | None, name: str, pods: str) -> None:
    """A lookup from the pod finds exactly these pods' IPs (headless services)."""
    k.cluster.expect.resolves_to_pods(pod, name, pods, ns)


@then('from pod "{pod}"{in_ns}, "{name}" does not resolve', domain=D)
def does_not_resolve(k: Harness, pod: str, ns: str | None, name: str) -> None:
    """A lookup from the pod gets NXDOMAIN on every search path."""
    k.cluster.expect.does_not_resolve(pod, name, ns)


@then('the DNS {rtype:A|AAAA|SRV|PTR|CNAME|TXT} records of "{name}" are "{values:.*?}"', domain=D)
def dns_records(k: Harness, rtype: str, name: str, values: str) -> None:
    """A direct query; values as dig +short prints them, or none."""
    k.cluster.expect.dns_records(rtype, name, values)


@then('a connection from pod "{pod}"{in_ns} to "{target}" reaches one of pods "{pods}"', domain=D)
def connection_reaches(k: Harness, pod: str, ns: str | None, target: str, pods: str) -> None:
    """One connection through the service proxy lands on one of these pods."""
    k.cluster.expect.connection_reaches(pod, target, pods, ns)


@then('a connection from pod "{pod}"{in_ns} to "{target}" is refused', domain=D)
def connection_refused(k: Harness, pod: str, ns: str | None, target: str) -> None:
    """The connection is refused (no such port, or no endpoints)."""
    k.cluster.expect.connection_refused(pod, target, ns)


@then('{count} connections from pod "{pod}"{in_ns} to "{target}" reach every one of pods "{pods}"', domain=D)
def connections_spread(k: Harness, count: int, pod: str, ns: str | None, target: str, pods: str) -> None:
    """The set of pods that many connections reach is exactly these pods."""
    k.cluster.expect.connections_spread(count, pod, target, pods, ns)


@given('the cluster uses the "{implementation}" {component:network}', domain=D)
def uses_network(k: Harness, implementation: str, component: str) -> None:
    """Choose the pod network (CNI) by name: calico (the default, enforces NetworkPolicy) or flannel (does not)."""
    k.use(component, implementation)
