"""NodeName: a pod that names a node fits only that node."""

from __future__ import annotations

from kspec.scheduler.framework import (
    NODE_ADD,
    NODE_LABEL,
    SKIP,
    CycleState,
    Plugin,
    PreFilterResult,
    Status,
    unresolvable,
)
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo

NAME = "NodeName"
#: ErrReason
ERR_REASON = "node(s) didn't match the requested node name"
_REJECT = unresolvable(ERR_REASON)


class NodeName(Plugin):
    NAME = NAME
    EVENTS = (NODE_ADD, NODE_LABEL)

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        return None, (None if pi.node_name else SKIP)

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        if not pi.node_name or pi.node_name == ni.name:
            return None
        return _REJECT
