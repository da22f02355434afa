"""Node affinity matching (component-helpers scheduling/corev1/nodeaffinity).

One implementation for the scheduler's NodeAffinity plugin, the kubelet's
admission re-check and the DaemonSet controller, as upstream shares it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kspec.labels import _requirement_problems

#: NodeSelectorOperator -> the labels package's operator
_LABEL_OPS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!", "Gt": "gt", "Lt": "lt"}


@lru_cache(maxsize=4096)
def _valid_expression(key: str, op: str, values: tuple[str, ...]) -> bool:
    """nodeSelectorRequirementsAsSelector: labels.NewRequirement must accept the expression."""
    label_op = _LABEL_OPS.get(op)
    return label_op is not None and not _requirement_problems(key, label_op, list(values))


def expression_matches(expr: dict[str, Any], value: str | None) -> bool:
    """A NodeSelectorRequirement against one label (or field) value; Gt/Lt compare integers."""
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
        if not expression_matches(expr, labels.get(expr.get("key", ""))):
            return False
    # a term with an expression the labels package rejects (an invalid key or value) matches no node
    for expr in exprs:
        if not _valid_expression(expr.get("key", ""), expr.get("operator", ""), tuple(expr.get("values") or ())):
            return False
    for expr in fields:
        value = name if expr.get("key") == "metadata.name" else None
        if not expression_matches(expr, value):
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
