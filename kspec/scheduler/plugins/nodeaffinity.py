"""NodeAffinity: ``nodeSelector`` and required node affinity filter; preferred terms score."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kspec.nodeaffinity import node_selector_matches, required_node_affinity_matches, term_matches
from kspec.scheduler.framework import (
    NODE_ADD,
    NODE_LABEL,
    SKIP,
    UNSCHEDULED_POD_UPDATE,
    CycleState,
    Plugin,
    PreFilterResult,
    Status,
    unresolvable,
)
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo, memo_key, remember
from kspec.scheduler.plugins.helper import compile_required, default_normalize_score

NAME = "NodeAffinity"
#: ErrReasonPod
ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
#: errReasonEnforced
ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
#: errReasonConflict
ERR_REASON_CONFLICT = "pod affinity terms conflict"
_REJECT = unresolvable(ERR_REASON_POD)
_REJECT_ENFORCED = unresolvable(ERR_REASON_ENFORCED)


def _names_from_fields(pi: PodInfo) -> set[str] | None:
    """getPreFilterResult: when every term pins metadata.name with In, only those nodes can fit."""
    required = pi.node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if not required:
        return None
    names: set[str] | None = set()
    for term in required.get("nodeSelectorTerms") or []:
        pinned = None
        for field in term.get("matchFields") or []:
            if field.get("key") == "metadata.name" and field.get("operator") == "In":
                values = set(field.get("values") or [])
                pinned = values if pinned is None else pinned & values
        if pinned is None:
            return None
        assert names is not None
        names |= pinned
    return names


class NodeAffinity(Plugin):
    NAME = NAME
    EVENTS = (NODE_ADD, NODE_LABEL, UNSCHEDULED_POD_UPDATE)

    def __init__(self, args: dict[str, Any] | None, handle: Any) -> None:
        super().__init__(args, handle)
        self.added_affinity: dict[str, Any] = self.args.get("addedAffinity") or {}

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        has_required = bool(pi.node_selector or pi.node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))
        if not has_required and not self.added_affinity:
            return None, SKIP
        names = _names_from_fields(pi)
        if names is not None and not names:
            return None, unresolvable(ERR_REASON_CONFLICT)
        return (PreFilterResult(names) if names is not None else None), None

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        required = self.added_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
        if required and not node_selector_matches(required, ni.labels, ni.name):
            return _REJECT_ENFORCED
        if not required_node_affinity_matches(pi.node_selector, pi.node_affinity, ni.labels, ni.name):
            return _REJECT
        return None

    def _matcher(self, pi: PodInfo) -> tuple[Any, Callable[[NodeInfo], bool]]:
        """The memo key of the pod's required node affinity (which pods of one workload share) and a test of
        one node against it (compiled on first use)."""
        key = memo_key(("NodeAffinity", repr(pi.node_selector),
                        repr(pi.node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))))
        compiled: list[Any] = []

        def matches(ni: NodeInfo) -> bool:
            if not compiled:
                compiled.append(compile_required(pi.node_selector, pi.node_affinity))
            return compiled[0](ni.labels, ni.name)
        return key, matches

    def filter_mask(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> tuple[list[bool], Status] | None:
        """Filter over a batch of the cache's nodes as (passes, per node; the one Status of each rejection),
        read from the cache's table of answers kept per node object; None: ask filter_nodes."""
        if not state.batch_from_cache or self.added_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"):
            return None
        key, matches = self._matcher(pi)
        return self.handle.cache.label_results(key, nodes, matches, state.node_positions), _REJECT

    def filter_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[Status | None]:
        if self.added_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"):
            f = self.filter
            return [f(state, pi, ni) for ni in nodes]
        # memoized per node (NodeInfo.label_memo is replaced whenever the node object changes)
        key, matches = self._matcher(pi)
        if state.batch_from_cache:
            return [None if ok else _REJECT
                    for ok in self.handle.cache.label_results(key, nodes, matches, state.node_positions)]

        def fill(ni: NodeInfo) -> Status | None:
            return remember(ni.label_memo, key, None if matches(ni) else _REJECT)
        return [memo[key] if key in (memo := ni.label_memo) else fill(ni) for ni in nodes]

    def _preferred(self, pi: PodInfo) -> list[dict[str, Any]]:
        return [*(self.added_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []),
                *(pi.node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or [])]

    def pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        preferred = self._preferred(pi)
        if not preferred:
            return SKIP
        state.write("PreScoreNodeAffinity", preferred)
        return None

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        """Sum of the weights of the preferred terms the node matches."""
        preferred = state.read("PreScoreNodeAffinity") or self._preferred(pi)
        return sum(int(p.get("weight", 0)) for p in preferred
                   if term_matches(p.get("preference") or {}, ni.labels, ni.name))

    def normalize_score(self, state: CycleState, pi: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> None:
        default_normalize_score(scores, reverse=False)

    def _matches(self, pi: PodInfo, node: Any) -> bool:
        """The scheduler-enforced affinity and the pod's own required affinity both match the node object."""
        md = node.get("metadata", {})
        labels, name = md.get("labels") or {}, md.get("name", "")
        enforced = self.added_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
        if enforced and not node_selector_matches(enforced, labels, name):
            return False
        return required_node_affinity_matches(pi.node_selector, pi.node_affinity, labels, name)

    def queueing_hint(self, event: str, pi: PodInfo, old: Any, new: Any) -> bool:
        """isSchedulableAfterNodeChange: the node matches now and did not before (a node that already matched
        was not what kept the pod out)."""
        if event in (NODE_ADD, NODE_LABEL) and new is not None:
            if not self._matches(pi, new):
                return False
            return old is None or not self._matches(pi, old)
        return True
