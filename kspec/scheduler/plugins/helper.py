"""Helpers several plugins share (plugins/helper and component-helpers in upstream)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kspec.labels import Selector
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


def _expression_matches(expr: dict[str, Any], value: str | None) -> bool:
    op = expr.get("operator", "")
    values = expr.get("values") or []
    if op == "In":
        return value is not None and value in values
    if op == "NotIn":
        return value is None or value not in values
    if op == "Exists":
        return value is not None
    if op == "DoesNotExist":
        return value is None
    if op in ("Gt", "Lt"):
        if value is None or len(values) != 1:
            return False
        try:
            left, right = int(value), int(values[0])
        except ValueError:
            return False
        return left > right if op == "Gt" else left < right
    return False


def term_matches(term: dict[str, Any], labels: dict[str, str], name: str) -> bool:
    """A NodeSelectorTerm: every matchExpression (labels) and matchField (metadata.name) holds.

    A term with neither matches no node (nodeaffinity.nodeSelectorTerms).
    """
    exprs = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not exprs and not fields:
        return False
    for expr in exprs:
        if not _expression_matches(expr, labels.get(expr.get("key", ""))):
            return False
    for expr in fields:
        value = name if expr.get("key") == "metadata.name" else None
        if not _expression_matches(expr, value):
            return False
    return True


def node_selector_matches(selector: dict[str, Any] | None, labels: dict[str, str], name: str) -> bool:
    """A NodeSelector: its terms are ORed."""
    if selector is None:
        return True
    return any(term_matches(t, labels, name) for t in selector.get("nodeSelectorTerms") or [])


def required_node_affinity_matches(node_selector: dict[str, str], node_affinity: dict[str, Any],
                                   labels: dict[str, str], name: str) -> bool:
    """nodeaffinity.GetRequiredNodeAffinity(pod).Match: spec.nodeSelector and required terms."""
    for key, value in node_selector.items():
        if labels.get(key) != value:
            return False
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    return node_selector_matches(required, labels, name)


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
        if exprs and all(op in ("In", "NotIn", "Exists", "DoesNotExist") for _, op, _, _ in exprs):
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
