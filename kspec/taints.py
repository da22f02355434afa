"""Taints as ``kubectl taint`` writes them, and toleration matching (core/v1 ToleratesTaint)."""

from __future__ import annotations

import re
from typing import Any

from kspec.errors import StepError

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_TAINT = re.compile(r"^(?P<key>[^=:\s]+)(?:=(?P<value>[^:\s]*))?:(?P<effect>\w+)$")


def parse_taint(text: str) -> dict[str, str]:
    """``key=value:Effect`` or ``key:Effect`` (kubectl's parseTaint)."""
    m = _TAINT.match(text.strip())
    if m is None:
        raise StepError(f'invalid taint spec: {text}, expected key=value:Effect or key:Effect')
    if m.group("effect") not in EFFECTS:
        raise StepError(f"invalid taint effect: {m.group('effect')}, unsupported taint effect "
                        f"(supported: {', '.join(EFFECTS)})")
    taint = {"key": m.group("key"), "effect": m.group("effect")}
    if m.group("value"):
        taint["value"] = m.group("value")
    return taint


def parse_taints(text: str) -> list[dict[str, str]]:
    return [parse_taint(t) for t in text.split(",") if t.strip()]


def tolerates(toleration: dict[str, Any], taint: dict[str, Any]) -> bool:
    """Toleration.ToleratesTaint (comparison operators Lt/Gt included)."""
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("key") and toleration["key"] != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    if op in ("Lt", "Gt"):
        try:
            tol, val = int(toleration.get("value", "")), int(taint.get("value", ""))
        except ValueError:
            return False
        return val < tol if op == "Lt" else val > tol
    return False
