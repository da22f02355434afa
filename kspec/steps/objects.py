"""Assertions about any object: events it no longer has, its conditions, and fields read with JSONPath."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.steps.registry import then

D = "objects"
KIND = "{kind:[a-z0-9.]+}"


@then(KIND + ' "{name}" has no event "{reason}"{in_ns}', domain=D)
def no_event(k: Harness, kind: str, name: str, reason: str, ns: str | None) -> None:
    """No event with that reason about the object (events of a deleted one count: they outlive it by 1h)."""
    k.cluster.expect.has_no_event(kind, name, reason, ns)


@then(KIND + ' "{name}" has condition "{ctype}" with status "{status}"{in_ns}', domain=D)
def condition_status(k: Harness, kind: str, name: str, ctype: str, status: str, ns: str | None) -> None:
    """status.conditions has that type with that status (True, False or Unknown)."""
    k.cluster.expect.condition_status(kind, name, ctype, status, ns)


@then(KIND + ' "{name}" has no condition "{ctype}"{in_ns}', domain=D)
def no_condition(k: Harness, kind: str, name: str, ctype: str, ns: str | None) -> None:
    """status.conditions has no condition of that type."""
    k.cluster.expect.condition_status(kind, name, ctype, None, ns)


@then('the field "{path:.*?}" of ' + KIND + ' "{name}" is "{value:.*?}"{in_ns}', domain=D)
def field_is(k: Harness, path: str, kind: str, name: str, value: str, ns: str | None) -> None:
    """kubectl get -o jsonpath=PATH prints exactly the value (the braces of PATH may be left out)."""
    k.cluster.expect.field(path, kind, name, value, ns)


@then('the field "{path:.*?}" of ' + KIND + ' "{name}" is empty{in_ns}', domain=D)
def field_empty(k: Harness, path: str, kind: str, name: str, ns: str | None) -> None:
    """kubectl get -o jsonpath=PATH prints nothing (a missing field, an empty string or list match)."""
    k.cluster.expect.field(path, kind, name, "", ns)
