"""TaintToleration: NoSchedule/NoExecute taints filter, PreferNoSchedule taints lower the score."""

from __future__ import annotations

import re
from typing import Any

from kspec.scheduler.framework import (
    MAX_NODE_SCORE,
    NODE_ADD,
    NODE_TAINT,
    UNSCHEDULED_POD_UPDATE,
    CycleState,
    Plugin,
    Status,
)
from kspec.scheduler.framework import unresolvable as _unresolvable
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.helper import default_normalize_score, first_untolerated, tolerates_any

NAME = "TaintToleration"
#: the master string (no key/value since the comparison-operators rework)
ERR_REASON_NOT_MATCH = "node(s) had untolerated taint(s)"
_REJECT = _unresolvable(ERR_REASON_NOT_MATCH)
_PREFER_KEY = "PreScoreTaintToleration"


class TaintToleration(Plugin):
    NAME = NAME
    EVENTS = (NODE_ADD, NODE_TAINT, UNSCHEDULED_POD_UPDATE)

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        if not ni.hard_taints:
            return None
        taint = first_untolerated(ni.hard_taints, pi.tolerations)
        if taint is None:
            return None
        unparsable = _unparsable_for_comparison(taint, pi.tolerations)
        return _REJECT if unparsable is None else _unresolvable(unparsable)

    def filter_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[Status | None] | None:
        cache = getattr(self.handle, "cache", None)
        if (cache is not None and not cache.hard_tainted_count) or not any(ni.hard_taints for ni in nodes):
            return None if state.batch_from_cache else [None] * len(nodes)
        f = self.filter
        return [f(state, pi, ni) if ni.hard_taints else None for ni in nodes]

    def pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        # getAllTolerationPreferNoSchedule: only PreferNoSchedule or empty-effect tolerations count
        state.write(_PREFER_KEY, [t for t in pi.tolerations if t.get("effect", "") in ("", "PreferNoSchedule")])
        return None

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        """countIntolerableTaintsPreferNoSchedule."""
        if not ni.prefer_taints:
            return 0
        tolerations = state.read(_PREFER_KEY)
        if tolerations is None:
            tolerations = pi.tolerations
        return sum(1 for t in ni.prefer_taints if not tolerates_any(tolerations, t))

    def score_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        cache = getattr(self.handle, "cache", None)
        if (cache is not None and not cache.prefer_tainted_count) or not any(ni.prefer_taints for ni in nodes):
            return [0] * len(nodes)
        score = self.score
        return [score(state, pi, ni) if ni.prefer_taints else 0 for ni in nodes]

    def normalize_score(self, state: CycleState, pi: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> None:
        default_normalize_score(scores, reverse=True)

    def uniform_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> int | None:
        """No node of the cache has a PreferNoSchedule taint: every score is 0, reversed to the maximum
        (what score_nodes and normalize_score give, without the per-node lists)."""
        cache = getattr(self.handle, "cache", None)
        return MAX_NODE_SCORE if cache is not None and not cache.prefer_tainted_count else None

    def queueing_hint(self, event: str, pi: PodInfo, old: Any, new: Any) -> bool:
        """isSchedulableAfterNodeChange: the node's NoSchedule/NoExecute taints are all tolerated now and were
        not before (a new node counts as not tolerated before)."""
        if event in (NODE_ADD, NODE_TAINT) and new is not None:
            if old is not None and _tolerated(old, pi):
                return False
            return _tolerated(new, pi)
        return True


_CANONICAL_INT = re.compile(r"^-?(0|[1-9][0-9]*)$")


def _unparsable_for_comparison(taint: dict[str, Any], tolerations: list[dict[str, Any]]) -> str | None:
    """A Gt/Lt toleration for this taint whose value is no integer: upstream's Filter reports the parse error
    instead of the generic reason."""
    value = taint.get("value") or ""
    for tol in tolerations:
        if tol.get("operator") not in ("Gt", "Lt") or tol.get("key", "") not in ("", taint.get("key")):
            continue
        if tol.get("effect") and tol["effect"] != taint.get("effect"):
            continue
        if not _CANONICAL_INT.match(value):
            return f'failed to parse taint value "{value}" as int64: must be a valid decimal integer in canonical form'
    return None


def _tolerated(node: Any, pi: PodInfo) -> bool:
    taints = [t for t in (node.get("spec") or {}).get("taints") or []
              if t.get("effect") in ("NoSchedule", "NoExecute")]
    return first_untolerated(taints, pi.tolerations) is None
