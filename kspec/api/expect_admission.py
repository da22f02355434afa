"""Assertions on what admission left behind: a ResourceQuota's usage, the warnings a request returned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kspec.errors import StepError
from kspec.quantity import parse_quantity

if TYPE_CHECKING:
    from kspec.api.server import APIServer


def quota_used(api: APIServer, name: str, pair: str, ns: str) -> None:
    """``status.used[resource]`` equals the quantity (``500m`` equals ``0.5``), as ``kubectl describe quota``
    shows it."""
    resource, sep, quantity = pair.partition("=")
    if not sep or not resource.strip() or not quantity.strip():
        raise StepError(f'"{pair}" is not <resource>=<quantity> (for example requests.cpu=500m)')
    try:
        want = parse_quantity(quantity.strip())
    except ValueError as exc:
        raise StepError(f'"{quantity}" is not a quantity: {exc}') from None
    rq = api.try_get("resourcequotas", name, ns)
    if rq is None:
        raise AssertionError(f'resourcequota "{name}" not found in namespace "{ns}"')
    status = rq.get("status") or {}
    used = status.get("used") or {}
    hard = status.get("hard") or {}
    shown = ", ".join(f"{k}={used[k]}/{hard.get(k, '?')}" for k in sorted(used)) or "nothing yet"
    have = used.get(resource.strip())
    if have is None:
        raise AssertionError(f'resourcequota "{name}" does not track {resource.strip()} (used/hard: {shown})')
    if parse_quantity(have) != want:
        raise AssertionError(f'resourcequota "{name}" has used {resource.strip()}={have}, expected {quantity.strip()} '
                             f"(used/hard: {shown})")


def warned(warnings: list[str], text: str) -> None:
    """One warning of the last request contains ``text``."""
    if not any(text in w for w in warnings):
        got = "; ".join(f'"{w}"' for w in warnings) or "no warning"
        raise AssertionError(f'the request returned {got}, expected a warning containing "{text}"')
