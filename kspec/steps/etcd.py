"""etcd membership, partitions, leadership, and what the API does without quorum."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.steps.registry import then, when

D = "etcd"


@when('I stop etcd member "{member}"', domain=D)
def stop_member(k: Harness, member: str) -> None:
    """The member crashes (kill -9)."""
    k.cluster.etcd_action("stop", member)


@when('I start etcd member "{member}"', domain=D)
def start_member(k: Harness, member: str) -> None:
    """The member restarts with its data."""
    k.cluster.etcd_action("start", member)


@when('I pause etcd member "{member}"', domain=D)
def pause_member(k: Harness, member: str) -> None:
    """The member's process is frozen (SIGSTOP): no ticks, no messages processed; requests to it wait."""
    k.cluster.etcd_action("pause", member)


@when('I resume etcd member "{member}"', domain=D)
def resume_member(k: Harness, member: str) -> None:
    """The frozen member continues (SIGCONT) and first processes what was sent to it meanwhile."""
    k.cluster.etcd_action("resume", member)


@when('I partition etcd members "{left}" from "{right}"', domain=D)
def partition(k: Harness, left: str, right: str) -> None:
    """No messages pass between the two groups."""
    k.cluster.etcd_action("partition", left, right)


@when("I heal the etcd partition", domain=D)
def heal(k: Harness) -> None:
    """Every member can reach every other again."""
    k.cluster.etcd_action("heal")


@then("etcd has a leader", domain=D)
def has_leader(k: Harness) -> None:
    """Some answering member names a leader (a leader without a quorum names itself until CheckQuorum steps it down)."""
    k.cluster.expect.etcd_leader(True)


@then("etcd has no leader", domain=D)
def no_leader(k: Harness) -> None:
    """Every answering member shows "etcdserver: no leader" (followers name a dead leader until their timeout)."""
    k.cluster.expect.etcd_leader(False)


@then('etcd member "{member}" is the leader', domain=D)
def member_leads(k: Harness, member: str) -> None:
    """Every answering member that names a leader names this one."""
    k.cluster.expect.etcd_leader(True, member)


@then('writes to the API fail with "{message:.*?}"', domain=D)
def writes_fail(k: Harness, message: str) -> None:
    """A write as kube-apiserver makes it fails with this error."""
    k.cluster.expect.api_writes(message)


@then("writes to the API succeed", domain=D)
def writes_succeed(k: Harness) -> None:
    """A write as kube-apiserver makes it succeeds."""
    k.cluster.expect.api_writes(None)


@when('I try to list {resource:[a-z.]+}{in_ns}', domain=D)
def try_list(k: Harness, resource: str, ns: str | None = None) -> None:
    """kubectl get RESOURCE: a consistent list (a quorum read of etcd's revision first); a rejection is kept."""
    k.attempt(lambda: k.cluster.client_list(resource, ns or "default"))


@when('I try to list {resource:[a-z.]+} with resourceVersion "0"{in_ns}', domain=D)
def try_list_cached(k: Harness, resource: str, ns: str | None = None) -> None:
    """A list at resourceVersion=0, served by the watch cache as it is; a rejection is kept for the next step."""
    k.attempt(lambda: k.cluster.client_list(resource, ns or "default", "0"))


@when('I try to get {resource:[a-z.]+} "{name}"{in_ns}', domain=D)
def try_get(k: Harness, resource: str, name: str, ns: str | None = None) -> None:
    """kubectl get RESOURCE NAME: a get without resourceVersion reads etcd; a rejection is kept."""
    k.attempt(lambda: k.cluster.client_get(resource, name, ns or "default"))
