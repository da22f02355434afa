"""NodeUnschedulable: cordoned nodes (``spec.unschedulable``) take only pods that tolerate it."""

from __future__ import annotations

from typing import Any

from kspec.scheduler.framework import NODE_ADD, NODE_TAINT, UNSCHEDULED_POD_UPDATE, CycleState, Plugin, Status
from kspec.scheduler.framework import unresolvable as _unresolvable
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.helper import tolerates_any

NAME = "NodeUnschedulable"
#: ErrReasonUnschedulable
ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
#: v1.TaintNodeUnschedulable
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
_REJECT = _unresolvable(ERR_REASON_UNSCHEDULABLE)


class NodeUnschedulable(Plugin):
    NAME = NAME
    EVENTS = (NODE_ADD, NODE_TAINT, UNSCHEDULED_POD_UPDATE)

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        if not ni.unschedulable or tolerates_any(pi.tolerations, UNSCHEDULABLE_TAINT):
            return None
        return _REJECT

    def filter_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[Status | None] | None:
        cache = getattr(self.handle, "cache", None)
        if (cache is not None and not cache.unschedulable_count) or not any(ni.unschedulable for ni in nodes):
            return None if state.batch_from_cache else [None] * len(nodes)
        return [self.filter(state, pi, ni) for ni in nodes]

    def queueing_hint(self, event: str, pi: PodInfo, old: Any, new: Any) -> bool:
        """isSchedulableAfterNodeChange: only a node that is (now) schedulable helps."""
        if event in (NODE_ADD, NODE_TAINT) and new is not None:
            return not (new.get("spec") or {}).get("unschedulable")
        return True
