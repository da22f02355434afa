"""Workload assertions: Deployment readiness, rollout status and rollout bounds."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.steps.registry import then

D = "workloads"


@then('deployment "{name}" has {n} ready replicas{in_ns}', domain=D)
def ready_replicas(k: Harness, name: str, n: int, ns: str | None) -> None:
    """status.readyReplicas of the Deployment."""
    k.cluster.expect.deployment_ready_replicas(name, n, ns)


@then('deployment "{name}" is rolled out{in_ns}', domain=D)
def rolled_out(k: Harness, name: str, ns: str | None) -> None:
    """What kubectl rollout status waits for."""
    k.cluster.expect.rolled_out(name, ns)


@then('deployment "{name}" is at revision {revision}{in_ns}', domain=D)
def at_revision(k: Harness, name: str, revision: int, ns: str | None) -> None:
    """The deployment.kubernetes.io/revision annotation."""
    k.cluster.expect.revision(name, revision, ns)


@then('during the rollout of deployment "{name}" there were never more than {n} pods{in_ns}', domain=D)
def never_more(k: Harness, name: str, n: int, ns: str | None) -> None:
    """Pods counted against maxSurge since the last template change never exceeded n."""
    k.cluster.expect.rollout_max_pods(name, n, ns)


@then('during the rollout of deployment "{name}" there were never fewer than {n} available pods{in_ns}',
      domain=D)
def never_fewer(k: Harness, name: str, n: int, ns: str | None) -> None:
    """Available pods since the last template change never dropped below n."""
    k.cluster.expect.rollout_min_available(name, n, ns)
