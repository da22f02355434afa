"""Pods and containers: what to do to them, what to check about them."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.steps.registry import then, when

D = "pods"
PHASES = "Pending|Running|Succeeded|Failed|Unknown"


@when('the {probe:readiness|liveness|startup} probe of pod "{pod}" starts {state:failing|passing}{in_ns}',
      domain=D)
def probe(k: Harness, probe: str, pod: str, state: str, ns: str | None) -> None:
    """The container's simulated health endpoint changes; the probe reacts on its own period."""
    k.cluster.set_probe(pod, probe, state == "passing", ns or "default")


@when('the {probe:readiness|liveness|startup} probe of pod "{pod}" starts failing with status {code}{in_ns}',
      domain=D)
def probe_fails_with_status(k: Harness, probe: str, pod: str, code: int, ns: str | None) -> None:
    """The container's simulated HTTP health endpoint answers this status code from now on."""
    k.cluster.set_probe(pod, probe, False, ns or "default", status=code)


@when('container "{container}" of pod "{pod}" exits with code {code}{in_ns}', domain=D)
def container_exits(k: Harness, container: str, pod: str, code: int, ns: str | None) -> None:
    """The running container exits now with that code."""
    k.cluster.exit_container(pod, container, code, ns or "default")


@then('pod "{pod}" is {phase:' + PHASES + '}{in_ns}', domain=D)
def pod_phase(k: Harness, pod: str, phase: str, ns: str | None) -> None:
    """The pod's phase."""
    k.cluster.expect.pod_phase(pod, phase, ns)


@then('pod "{pod}" is still Running{in_ns}', domain=D)
def pod_still_running(k: Harness, pod: str, ns: str | None) -> None:
    """The plain phase assertion, read as 'nothing stopped it'."""
    k.cluster.expect.pod_phase(pod, "Running", ns)


@then('pod "{pod}" is ready{in_ns}', domain=D)
def pod_ready(k: Harness, pod: str, ns: str | None) -> None:
    """The pod's Ready condition is True."""
    k.cluster.expect.pod_ready(pod, True, ns)


@then('pod "{pod}" is not ready{in_ns}', domain=D)
def pod_not_ready(k: Harness, pod: str, ns: str | None) -> None:
    """The pod's Ready condition is not True."""
    k.cluster.expect.pod_ready(pod, False, ns)


@then('pod "{pod}" is scheduled to node "{node}"{in_ns}', domain="scheduling")
def pod_on_node(k: Harness, pod: str, node: str, ns: str | None) -> None:
    """spec.nodeName is that node."""
    k.cluster.expect.pod_scheduled_to(pod, node, ns)


@then('pod "{pod}" is not scheduled{in_ns}', domain="scheduling")
def pod_unscheduled(k: Harness, pod: str, ns: str | None) -> None:
    """The pod has no node."""
    k.cluster.expect.pod_scheduled_to(pod, None, ns)


@then('pod "{pod}" has event "{reason}"{in_ns}', domain=D)
def pod_event(k: Harness, pod: str, reason: str, ns: str | None) -> None:
    """An event with that reason was recorded about the pod."""
    k.cluster.expect.has_event("pod", pod, reason, ns=ns)


@then('pod "{pod}" has event "{reason}" with message "{message:.*?}"{in_ns}', domain=D)
def pod_event_message(k: Harness, pod: str, reason: str, message: str, ns: str | None) -> None:
    """An event with that reason and exactly that message."""
    k.cluster.expect.has_event("pod", pod, reason, message=message, ns=ns)


@then('pod "{pod}" has event "{reason}" with message containing "{text:.*?}"{in_ns}', domain=D)
def pod_event_containing(k: Harness, pod: str, reason: str, text: str, ns: str | None) -> None:
    """An event with that reason whose message contains the text."""
    k.cluster.expect.has_event("pod", pod, reason, containing=text, ns=ns)


@then('pod "{pod}" has QoS class "{qos}"{in_ns}', domain=D)
def pod_qos(k: Harness, pod: str, qos: str, ns: str | None) -> None:
    """status.qosClass: Guaranteed, Burstable or BestEffort."""
    k.cluster.expect.qos_class(pod, qos, ns)


@then('container "{container}" of pod "{pod}" is waiting with reason "{reason}"{in_ns}', domain=D)
def container_waiting(k: Harness, container: str, pod: str, reason: str, ns: str | None) -> None:
    """The container's state is waiting with that reason."""
    k.cluster.expect.container_state(pod, container, "waiting", reason, ns)


@then('container "{container}" of pod "{pod}" is running{in_ns}', domain=D)
def container_running(k: Harness, container: str, pod: str, ns: str | None) -> None:
    """The container's state is running."""
    k.cluster.expect.container_state(pod, container, "running", None, ns)


@then('container "{container}" of pod "{pod}" is terminated with reason "{reason}"{in_ns}', domain=D)
def container_terminated(k: Harness, container: str, pod: str, reason: str, ns: str | None) -> None:
    """The container's state is terminated with that reason."""
    k.cluster.expect.container_state(pod, container, "terminated", reason, ns)


@then('container "{container}" of pod "{pod}" has restarted {n} times{in_ns}', domain=D)
def container_restarts(k: Harness, container: str, pod: str, n: int, ns: str | None) -> None:
    """The container's restartCount."""
    k.cluster.expect.restarts(pod, container, n, ns)


@then('pod "{pod}" has environment variable "{name}" with value "{value}"{in_ns}', domain=D)
def pod_env(k: Harness, pod: str, name: str, value: str, ns: str | None) -> None:
    """The environment the container was started with (service variables included)."""
    k.cluster.expect.environment(pod, name, value, ns)


@then('pod "{pod}" has no environment variable "{name}"{in_ns}', domain=D)
def pod_no_env(k: Harness, pod: str, name: str, ns: str | None) -> None:
    """The container was started without that variable (e.g. a service created after the pod)."""
    k.cluster.expect.no_environment(pod, name, ns)


@then('{kind:[a-z.]+} "{name}" exists{in_ns}', domain="objects")
def exists(k: Harness, kind: str, name: str, ns: str | None) -> None:
    """The object exists (a terminating pod still exists)."""
    k.cluster.expect.exists(kind, name, ns)


@then('{kind:[a-z.]+} "{name}" does not exist{in_ns}', domain="objects")
def not_exists(k: Harness, kind: str, name: str, ns: str | None) -> None:
    """The object is gone from the API."""
    k.cluster.expect.exists(kind, name, ns, present=False)


@then('there are {n} pods labeled "{selector}"{in_ns}', domain=D)
def pods_labeled(k: Harness, n: int, selector: str, ns: str | None) -> None:
    """How many pods match the label selector."""
    k.cluster.expect.pod_count(selector, n, ns=ns)


@then('there are {n} running pods labeled "{selector}"{in_ns}', domain=D)
def running_pods_labeled(k: Harness, n: int, selector: str, ns: str | None) -> None:
    """How many pods in phase Running match the label selector."""
    k.cluster.expect.pod_count(selector, n, running=True, ns=ns)
