"""NodePorts: a host port can be taken once per node, protocol and address."""

from __future__ import annotations

from typing import Any

from kspec.scheduler.framework import (
    NODE_ADD,
    POD_DELETE,
    SKIP,
    CycleState,
    Plugin,
    PreFilterResult,
    Status,
    unschedulable,
)
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo, host_ports

NAME = "NodePorts"
#: ErrReason
ERR_REASON = "node(s) didn't have free ports for the requested pod ports"
_REJECT = unschedulable(ERR_REASON)
ANY_IP = "0.0.0.0"


def conflicts(used: dict[tuple[str, str, int], int], ip: str, protocol: str, port: int) -> bool:
    """HostPortInfo.CheckConflict: 0.0.0.0 clashes with every address on the same protocol and port."""
    if ip == ANY_IP:
        return any(p == port and proto == protocol for (_ip, proto, p) in used)
    return (ANY_IP, protocol, port) in used or (ip, protocol, port) in used


class NodePorts(Plugin):
    NAME = NAME
    EVENTS = (NODE_ADD, POD_DELETE)

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        return None, (None if pi.host_ports else SKIP)

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        used = ni.used_ports
        if not used:
            return None
        for ip, protocol, port in pi.host_ports:
            if conflicts(used, ip, protocol, port):
                return _REJECT
        return None

    def queueing_hint(self, event: str, pi: PodInfo, old: Any, new: Any) -> bool:
        """isSchedulableAfterPodDeleted: only a bound pod that held a host port this pod wants frees anything."""
        if event != POD_DELETE or old is None:
            return True
        if not (old.get("spec") or {}).get("nodeName"):
            return False
        used: dict[tuple[str, str, int], int] = {port: 1 for port in host_ports(old.get("spec") or {})}
        return any(conflicts(used, ip, protocol, port) for ip, protocol, port in pi.host_ports)
