"""Workload controller phrases: Jobs, CronJobs, StatefulSets, DaemonSets, HPAs, pausing and cpu usage."""

from __future__ import annotations

from kspec.controllers.expect_workloads import expect_workloads, set_paused, set_suspended, use_cpu
from kspec.harness import Harness
from kspec.steps.registry import then, when

D = "workloads"
SCALABLE = "deployment|replicaset|statefulset|replicationcontroller"
EVENTFUL = "deployment|replicaset|statefulset|daemonset|job|cronjob|horizontalpodautoscaler|hpa|node"


@when('I pause deployment "{name}"{in_ns}', domain=D)
def pause(k: Harness, name: str, ns: str | None) -> None:
    """kubectl rollout pause."""
    set_paused(k.cluster, name, True, ns or "default")


@when('I resume deployment "{name}"{in_ns}', domain=D)
def resume(k: Harness, name: str, ns: str | None) -> None:
    """kubectl rollout resume."""
    set_paused(k.cluster, name, False, ns or "default")


@when('I suspend job "{name}"{in_ns}', domain=D)
def suspend_job(k: Harness, name: str, ns: str | None) -> None:
    """Set spec.suspend: the Job controller deletes the active pods and marks the Job Suspended."""
    set_suspended(k.cluster, name, True, ns or "default")


@when('I resume job "{name}"{in_ns}', domain=D)
def resume_job(k: Harness, name: str, ns: str | None) -> None:
    """Clear spec.suspend: the Job starts pods again and its startTime restarts."""
    set_suspended(k.cluster, name, False, ns or "default")


@when('pods labeled "{selector}" use {quantity} of cpu{in_ns}', domain="metrics")
def pods_use_cpu(k: Harness, selector: str, quantity: str, ns: str | None) -> None:
    """The simulated metrics-server reports this cpu usage for each matching pod (new ones too)."""
    use_cpu(k.cluster, quantity, selector=selector, namespace=ns or "default")


@when('pod "{pod}" uses {quantity} of cpu{in_ns}', domain="metrics")
def pod_uses_cpu(k: Harness, pod: str, quantity: str, ns: str | None) -> None:
    """The simulated metrics-server reports this cpu usage for one pod."""
    use_cpu(k.cluster, quantity, pod=pod, namespace=ns or "default")


@when('the pods of deployment "{name}" use {quantity} of cpu{in_ns}', domain="metrics")
def deployment_uses_cpu(k: Harness, name: str, quantity: str, ns: str | None) -> None:
    """Every pod the deployment selects (new ones too) uses this much cpu."""
    use_cpu(k.cluster, quantity, deployment=name, namespace=ns or "default")


@then('job "{name}" is complete{in_ns}', domain=D)
def job_complete(k: Harness, name: str, ns: str | None) -> None:
    """The Job has the Complete condition."""
    expect_workloads(k.cluster).job_complete(name, ns)


@then('job "{name}" has failed{in_ns}', domain=D)
def job_failed(k: Harness, name: str, ns: str | None) -> None:
    """The Job has the Failed condition."""
    expect_workloads(k.cluster).job_failed(name, None, ns)


@then('job "{name}" has failed with reason "{reason}"{in_ns}', domain=D)
def job_failed_reason(k: Harness, name: str, reason: str, ns: str | None) -> None:
    """The Job's Failed condition has this reason (BackoffLimitExceeded, DeadlineExceeded, ...)."""
    expect_workloads(k.cluster).job_failed(name, reason, ns)


@then('job "{name}" has {n} {field:succeeded|failed|active} pods{in_ns}', domain=D)
def job_pods(k: Harness, name: str, n: int, field: str, ns: str | None) -> None:
    """status.succeeded / failed / active of the Job."""
    expect_workloads(k.cluster).job_pods(name, field, n, ns)


@then('cronjob "{name}" has created {n} jobs{in_ns}', domain=D)
def cronjob_jobs(k: Harness, name: str, n: int, ns: str | None) -> None:
    """How many Jobs the CronJob owns now (history limits remove old ones)."""
    expect_workloads(k.cluster).cronjob_jobs(name, n, active=False, ns=ns)


@then('cronjob "{name}" has {n} active jobs{in_ns}', domain=D)
def cronjob_active(k: Harness, name: str, n: int, ns: str | None) -> None:
    """status.active of the CronJob."""
    expect_workloads(k.cluster).cronjob_jobs(name, n, active=True, ns=ns)


@then('{kind:statefulset|replicaset|daemonset|replicationcontroller} "{name}" has {n} ready replicas{in_ns}',
      domain=D)
def ready_replicas(k: Harness, kind: str, name: str, n: int, ns: str | None) -> None:
    """status.readyReplicas (numberReady for a DaemonSet)."""
    expect_workloads(k.cluster).ready_replicas(kind, name, n, ns)


@then('{kind:statefulset|daemonset} "{name}" has {n} updated replicas{in_ns}', domain=D)
def updated_replicas(k: Harness, kind: str, name: str, n: int, ns: str | None) -> None:
    """Pods from the current template: status.updatedReplicas (updatedNumberScheduled for a DaemonSet)."""
    expect_workloads(k.cluster).updated_replicas(kind, name, n, ns)


@then('{kind:' + SCALABLE + '} "{name}" is scaled to {n} replicas{in_ns}', domain=D)
def scaled_to(k: Harness, kind: str, name: str, n: int, ns: str | None) -> None:
    """spec.replicas (what kubectl scale or an autoscaler set)."""
    expect_workloads(k.cluster).scaled_to(kind, name, n, ns)


@then('{kind:deployment|replicaset|statefulset|daemonset|job|horizontalpodautoscaler|hpa} "{name}" has condition '
      '"{ctype}" with reason "{reason}"{in_ns}', domain=D)
def has_condition(k: Harness, kind: str, name: str, ctype: str, reason: str, ns: str | None) -> None:
    """A status condition of that type with that reason."""
    expect_workloads(k.cluster).condition(kind, name, ctype, reason, ns)


@then('deployment "{name}" has {n} replica sets{in_ns}', domain=D)
def replica_sets(k: Harness, name: str, n: int, ns: str | None) -> None:
    """How many ReplicaSets the Deployment owns (old revisions included)."""
    expect_workloads(k.cluster).replicaset_count(name, n, ns)


@when('I delete {kind:[a-z.]+} "{name}" with cascade {mode:background|foreground|orphan}{in_ns}', domain="objects")
def delete_cascade(k: Harness, kind: str, name: str, mode: str, ns: str | None) -> None:
    """kubectl delete --cascade=background|foreground|orphan."""
    k.cluster.delete(kind, name, ns or "default", propagation=mode.capitalize())


@then('daemonset "{name}" runs on nodes "{nodes}"{in_ns}', domain=D)
def daemonset_nodes(k: Harness, name: str, nodes: str, ns: str | None) -> None:
    """The nodes the DaemonSet's (non-terminating) pods are for, order-insensitive."""
    expect_workloads(k.cluster).daemonset_nodes(name, nodes, ns)


@then('{kind:' + EVENTFUL + '} "{name}" has event "{reason}"{in_ns}', domain=D)
def workload_event(k: Harness, kind: str, name: str, reason: str, ns: str | None) -> None:
    """An event with that reason about the object."""
    expect_workloads(k.cluster).has_event(kind, name, reason, ns=ns)


@then('{kind:' + EVENTFUL + '} "{name}" has event "{reason}" with message "{message}"{in_ns}', domain=D)
def workload_event_message(k: Harness, kind: str, name: str, reason: str, message: str, ns: str | None) -> None:
    """An event with that reason and exactly that message."""
    expect_workloads(k.cluster).has_event(kind, name, reason, message=message, ns=ns)


@then('{kind:' + EVENTFUL + '} "{name}" has event "{reason}" with message containing "{text}"{in_ns}', domain=D)
def workload_event_containing(k: Harness, kind: str, name: str, reason: str, text: str, ns: str | None) -> None:
    """An event with that reason whose message contains the text."""
    expect_workloads(k.cluster).has_event(kind, name, reason, containing=text, ns=ns)


@then('horizontalpodautoscaler "{name}" wants {n} replicas{in_ns}', domain=D)
def hpa_wants(k: Harness, name: str, n: int, ns: str | None) -> None:
    """status.desiredReplicas of the HPA."""
    expect_workloads(k.cluster).hpa_desired(name, n, ns)
