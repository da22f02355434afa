"""NodeResourcesBalancedAllocation: favour nodes whose cpu and memory use stay in proportion."""

from __future__ import annotations

import math
from typing import Any

from kspec.scheduler.framework import MAX_NODE_SCORE, SKIP, CycleState, Plugin, Status
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo, memo_key, memoized, remember
from kspec.scheduler.resources import CPU, EPHEMERAL, MEMORY

NAME = "NodeResourcesBalancedAllocation"


def balanced_score(requested: list[int], allocatable: list[int]) -> int:
    """balancedResourceScorer: (1 - standard deviation of the used fractions) * MaxNodeScore."""
    fractions = [min(1.0, r / a) for r, a in zip(requested, allocatable, strict=True) if a]
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = math.sqrt(sum((f - mean) ** 2 for f in fractions) / len(fractions))
    else:
        std = 0.0
    return int((1 - std) * MAX_NODE_SCORE)


class NodeResourcesBalancedAllocation(Plugin):
    NAME = NAME

    def __init__(self, args: dict[str, Any] | None, handle: Any) -> None:
        super().__init__(args, handle)
        self.resources = [r["name"] for r in self.args.get("resources") or ({"name": CPU}, {"name": MEMORY})]
        # the default resources: best effort is neither cpu nor memory requested (no generator per pod)
        self._cpu_and_memory = self.resources == [CPU, MEMORY]

    def pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        # best-effort pods are not scored (kubernetes#129138)
        if self._best_effort(pi):
            return SKIP
        return None

    @staticmethod
    def _pod_request(pi: PodInfo, resource: str) -> int:
        if resource == CPU:
            return pi.cpu
        if resource == MEMORY:
            return pi.mem
        if resource == EPHEMERAL:
            return pi.eph
        return pi.scalars.get(resource, 0)

    @staticmethod
    def _node(ni: NodeInfo, resource: str) -> tuple[int, int]:
        if resource == CPU:
            return ni.req_cpu, ni.alloc_cpu
        if resource == MEMORY:
            return ni.req_mem, ni.alloc_mem
        if resource == EPHEMERAL:
            return ni.req_eph, ni.alloc_eph
        return ni.req_scalars.get(resource, 0), ni.alloc_scalars.get(resource, 0)

    def _best_effort(self, pi: PodInfo) -> bool:
        if self._cpu_and_memory:
            return not (pi.cpu or pi.mem)
        return not any(self._pod_request(pi, r) for r in self.resources)

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        # a best-effort pod scores 0 when PreScore did not run to skip it (a profile enabling only Score)
        if self._best_effort(pi):
            return 0
        requested, allocatable = [], []
        for r in self.resources:
            want = self._pod_request(pi, r)
            used, alloc = self._node(ni, r)
            if alloc == 0 or (r not in (CPU, MEMORY, EPHEMERAL) and not want):
                continue
            requested.append(used + want)
            allocatable.append(alloc)
        return balanced_score(requested, allocatable)

    def score_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        if not self._cpu_and_memory or not (pi.cpu or pi.mem):
            score = self.score
            return [score(state, pi, ni) for ni in nodes]
        # memoized per node (NodeInfo.memo is replaced whenever requests or allocatable change)
        pc, pm = pi.cpu, pi.mem
        key = memo_key(("NodeResourcesBalancedAllocation", pc, pm))

        def fill(ni: NodeInfo) -> int:
            ac = ni.alloc_cpu
            am = ni.alloc_mem
            if ac and am:
                fc = (ni.req_cpu + pc) / ac
                fm = (ni.req_mem + pm) / am
                if fc > 1:
                    fc = 1.0
                if fm > 1:
                    fm = 1.0
                s = int((1 - abs(fc - fm) / 2) * MAX_NODE_SCORE)
            else:
                s = self.score(state, pi, ni)
            return s
        if state.from_cache:
            window = state.window
            if window is not None and window[1] == len(nodes):
                return self.handle.cache.window_scores(key, window[0], window[1], fill)  # type: ignore[return-value]
            return self.handle.cache.scores_at(key, nodes, fill, state.node_positions)  # type: ignore[return-value]
        return memoized(nodes, key, lambda ni: remember(ni.memo, key, fill(ni)))
