"""A highly available control plane: replicated schedulers and controller managers electing a leader."""

from __future__ import annotations

from kspec.errors import StepError
from kspec.harness import Harness
from kspec.leaderelection import ReplicatedComponent, replicate
from kspec.steps.registry import given, then, when

D = "control-plane"
COMPONENT = "{component:scheduler|controller manager}"


def _group(k: Harness, component: str) -> ReplicatedComponent:
    k.cluster.start()
    group = k.cluster.replicated.get(component)
    if group is None:
        raise StepError(f"the control plane runs a single {component} without leader election: "
                        f'say "Given the control plane runs 3 {component}s" first')
    return group


@given("the control plane runs {n} schedulers", domain=D)
def schedulers(k: Harness, n: int) -> None:
    """Replicas kube-scheduler-1 ... elect a leader through the Lease kube-system/kube-scheduler."""
    k.setup(lambda c: replicate(c, "scheduler", n))


@given("the control plane runs {n} controller managers", domain=D)
def controller_managers(k: Harness, n: int) -> None:
    """Replicas kube-controller-manager-1 ... elect a leader through the Lease kube-system/kube-controller-manager."""
    k.setup(lambda c: replicate(c, "controller manager", n))


@when(f"I stop the leading {COMPONENT}", domain=D)
def stop_leader(k: Harness, component: str) -> None:
    """The replica that leads now is killed; its Lease stays until it expires."""
    group = _group(k, component)
    leader = group.leader()
    if leader is None:
        raise StepError(f"no {component} leads now")
    k.cluster._act(leader.stop)


@when(f'I start {COMPONENT} "{{name}}"', domain=D)
def start_replica(k: Harness, component: str, name: str) -> None:
    """A stopped replica starts again, with a new identity, and campaigns."""
    replica = _group(k, component).replica(name)
    if replica.running:
        raise StepError(f'{component} "{name}" is already running')
    k.cluster._act(replica.start)


@then(f'{COMPONENT} "{{name}}" is the leader', domain=D)
def is_leader(k: Harness, component: str, name: str) -> None:
    """That replica runs and believes it holds the Lease."""
    group = _group(k, component)
    replica = group.replica(name)
    if not replica.leading:
        leader = group.leader()
        raise AssertionError(f'{component} "{name}" is not the leader; '
                             + (f'"{leader.name}" leads' if leader else f"no {component} leads"))


@then(f"a {COMPONENT} leads", domain=D)
def some_leader(k: Harness, component: str) -> None:
    """Some running replica holds the Lease and acts."""
    if _group(k, component).leader() is None:
        raise AssertionError(f"no {component} leads")


# -- etcd members by role: a spec cannot know which member leads ----------------------------------------
@when("I stop the etcd leader", domain="etcd")
def stop_etcd_leader(k: Harness) -> None:
    """The member that leads at this instant crashes."""
    k.cluster.etcd_action("stop", k.cluster.etcd_role("leader"))


@when("I stop the etcd followers", domain="etcd")
def stop_etcd_followers(k: Harness) -> None:
    """Every running member but the one that leads at this instant crashes."""
    k.cluster.etcd_action("stop", k.cluster.etcd_role("followers"))


@when("I pause the etcd leader", domain="etcd")
def pause_etcd_leader(k: Harness) -> None:
    """The member that leads at this instant is frozen (SIGSTOP) until resumed by name."""
    k.cluster.etcd_action("pause", k.cluster.etcd_role("leader"))


@when("I start one stopped etcd member", domain="etcd")
def start_one_etcd_member(k: Harness) -> None:
    """The lowest-numbered stopped member restarts with its data."""
    k.cluster.etcd_action("start", k.cluster.etcd_role("first stopped"))


@when("I start every stopped etcd member", domain="etcd")
def start_every_etcd_member(k: Harness) -> None:
    """Every stopped member restarts with its data, at the same instant."""
    k.cluster.etcd_action("start", k.cluster.etcd_role("stopped"))
