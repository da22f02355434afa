"""SchedulingGates: a pod with ``spec.schedulingGates`` waits outside the active queue."""

from __future__ import annotations

from kspec.scheduler.framework import UNSCHEDULED_POD_UPDATE, Plugin, Status, unresolvable
from kspec.scheduler.nodeinfo import PodInfo

NAME = "SchedulingGates"


class SchedulingGates(Plugin):
    NAME = NAME
    EVENTS = (UNSCHEDULED_POD_UPDATE,)

    def pre_enqueue(self, pi: PodInfo) -> Status | None:
        gates = [g.get("name", "") for g in pi.pod.get("spec", {}).get("schedulingGates") or []]
        if not gates:
            return None
        return unresolvable(f"waiting for scheduling gates: [{' '.join(gates)}]")
