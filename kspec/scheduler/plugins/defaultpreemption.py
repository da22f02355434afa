"""DefaultPreemption: the PostFilter that evicts lower-priority pods (see kspec.scheduler.preemption)."""

from __future__ import annotations

from typing import Any

from kspec.scheduler.framework import CycleState, Diagnosis, Plugin, PostFilterResult, Status
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.preemption import Evaluator

NAME = "DefaultPreemption"


class DefaultPreemption(Plugin):
    NAME = NAME

    def __init__(self, args: dict[str, Any] | None, handle: Any) -> None:
        super().__init__(args, handle)
        # SetDefaults_DefaultPreemptionArgs
        self.evaluator = Evaluator(handle, NAME, int(self.args.get("minCandidateNodesPercentage", 10)),
                                   int(self.args.get("minCandidateNodesAbsolute", 100)))

    def post_filter(self, state: CycleState, pi: PodInfo, diagnosis: Diagnosis
                    ) -> tuple[PostFilterResult | None, Status]:
        result, status = self.evaluator.preempt(state, pi, diagnosis)
        if status.message:
            return result, Status(status.code, "preemption: " + status.message)
        return result, status
