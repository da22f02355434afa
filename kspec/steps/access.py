"""Identity and access: who the acting steps are sent as, and what ``kubectl auth can-i`` answers."""

from __future__ import annotations

from kspec.auth import user as identities
from kspec.auth.can_i import expect_access, parse_account
from kspec.harness import Harness
from kspec.steps.registry import then, when

D = "access"
CAN = '{answer:can|cannot} {verb:[a-z*]+} {resource:[^ "]+}'


def _groups(text: str) -> list[str]:
    return [g.strip() for g in text.split(",") if g.strip()]


@when('I act as user "{user}"', domain=D)
def act_as_user(k: Harness, user: str) -> None:
    """Every later acting step (apply, delete, scale, ...) is sent as that user (in system:authenticated)."""
    k.cluster.act_as(identities.user(user))


@when('I act as user "{user}" in groups "{groups}"', domain=D)
def act_as_user_in_groups(k: Harness, user: str, groups: str) -> None:
    """As the user, member of the comma-separated groups (and system:authenticated)."""
    k.cluster.act_as(identities.user(user, _groups(groups)))


@when('I act as service account "{account}"', domain=D)
def act_as_service_account(k: Harness, account: str) -> None:
    """As system:serviceaccount:<ns>:<name>, in system:serviceaccounts and system:serviceaccounts:<ns>."""
    k.cluster.act_as(identities.service_account(*parse_account(account)))


@when("I act as the cluster admin", domain=D)
def act_as_admin(k: Harness) -> None:
    """Back to the default identity: kubectl's admin, in system:masters."""
    k.cluster.act_as(None)


@then('user "{user}" ' + CAN + "{in_ns}", domain=D)
def user_can(k: Harness, user: str, answer: str, verb: str, resource: str, ns: str | None) -> None:
    """What `kubectl auth can-i VERB RESOURCE --as USER` answers (RESOURCE: pods, pods/log, deployments.apps)."""
    expect_access(k.cluster, identities.user(user), verb, resource, answer == "can", namespace=ns)


@then('user "{user}" ' + CAN + ' named "{name}"{in_ns}', domain=D)
def user_can_named(k: Harness, user: str, answer: str, verb: str, resource: str, name: str,
                   ns: str | None) -> None:
    """The same for one object: `kubectl auth can-i VERB RESOURCE/NAME --as USER`."""
    expect_access(k.cluster, identities.user(user), verb, resource, answer == "can", name=name, namespace=ns)


@then('service account "{account}" ' + CAN + "{in_ns}", domain=D)
def account_can(k: Harness, account: str, answer: str, verb: str, resource: str, ns: str | None) -> None:
    """What `kubectl auth can-i ... --as system:serviceaccount:NS:NAME` answers."""
    expect_access(k.cluster, identities.service_account(*parse_account(account)), verb, resource, answer == "can",
                  namespace=ns)


@then('service account "{account}" ' + CAN + ' named "{name}"{in_ns}', domain=D)
def account_can_named(k: Harness, account: str, answer: str, verb: str, resource: str, name: str,
                      ns: str | None) -> None:
    """The same for one object."""
    expect_access(k.cluster, identities.service_account(*parse_account(account)), verb, resource, answer == "can",
                  name=name, namespace=ns)
