"""Helpers several plugins share (plugins/helper and component-helpers in upstream)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kspec.labels import Selector
from kspec.nodeaffinity import _valid_expression as valid_expression
from kspec.nodeaffinity import required_node_affinity_matches
from kspec.scheduler.framework import MAX_NODE_SCORE
from kspec.taints import tolerates


def default_normalize_score(scores: list[int], reverse: bool, max_priority: int = MAX_NODE_SCORE) -> None:
    """helper.DefaultNormalizeScore: scale to [0, max] by the highest score, optionally reversed."""
    top = max(scores, default=0)
    if top == 0:
        if reverse:
            scores[:] = [max_priority] * len(scores)
        return
    for i, s in enumerate(scores):
        s = max_priority * s // top
        scores[i] = max_priority - s if reverse else s


def go_div(a: int, b: int) -> int:
    """Go's integer division: the quotient rounds towards zero (Python's ``//`` floors)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def build_broken_linear_function(shape: list[tuple[int, int]]) -> Callable[[int], int]:
    """helper.BuildBrokenLinearFunction over (utilization, score) points: the first score below the
    first point, the last above the last, linear in between with Go's integer division."""
    def f(p: int) -> int:
        for i, (util, score) in enumerate(shape):
            if p <= util:
                if i == 0:
                    return shape[0][1]
                u0, s0 = shape[i - 1]
                return s0 + go_div((score - s0) * (p - u0), util - u0)
        return shape[-1][1]
    return f


def tolerates_any(tolerations: list[dict[str, Any]], taint: dict[str, Any]) -> bool:
    for tol in tolerations:
        if tolerates(tol, taint):
            return True
    return False


def first_untolerated(taints: list[dict[str, Any]], tolerations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """FindMatchingUntoleratedTaint over already-filtered taints."""
    for taint in taints:
        if not tolerates_any(tolerations, taint):
            return taint
    return None


def selector_of(label_selector: dict[str, Any] | None) -> Selector:
    try:
        return Selector.from_label_selector(label_selector)
    except ValueError:
        return Selector.none()


def compile_required(node_selector: dict[str, str], node_affinity: dict[str, Any]
                     ) -> Callable[[dict[str, str], str], bool]:
    """required_node_affinity_matches turned into a closure, for checking one pod against many nodes."""
    pairs = list(node_selector.items())
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    terms = None if required is None else list(required.get("nodeSelectorTerms") or [])
    if terms is not None and len(terms) == 1 and not terms[0].get("matchFields"):
        exprs = [(e.get("key", ""), e.get("operator", ""), frozenset(e.get("values") or []), e)
                 for e in terms[0].get("matchExpressions") or []]
        if exprs and all(op in ("In", "NotIn", "Exists", "DoesNotExist") and valid_expression(k, op, tuple(v))
                         for k, op, v, _ in exprs):
            def one_term(labels: dict[str, str], name: str) -> bool:
                for key, value in pairs:
                    if labels.get(key) != value:
                        return False
                for key, op, values, _ in exprs:
                    v = labels.get(key)
                    if op == "In":
                        if v is None or v not in values:
                            return False
                    elif op == "NotIn":
                        if v is not None and v in values:
                            return False
                    elif (v is None) == (op == "Exists"):
                        return False
                return True
            return one_term

    def general(labels: dict[str, str], name: str) -> bool:
        return required_node_affinity_matches(node_selector, node_affinity, labels, name)
    return general
