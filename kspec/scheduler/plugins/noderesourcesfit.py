"""NodeResourcesFit: the pod's requests must fit what the node has left; scoring by strategy.

Strategies (noderesources/least_allocated.go, most_allocated.go,
requested_to_capacity_ratio.go): LeastAllocated (default) favours empty
nodes, MostAllocated packs, RequestedToCapacityRatio follows a shape.
Scoring uses non-zero requests for cpu and memory (100m / 200Mi for a
container that asks for nothing), as upstream does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kspec.errors import StepError
from kspec.scheduler.framework import (
    MAX_NODE_SCORE,
    NODE_ADD,
    NODE_ALLOCATABLE,
    POD_DELETE,
    POD_SCALE_DOWN,
    UNSCHEDULED_POD_UPDATE,
    Code,
    CycleState,
    Plugin,
    Status,
    go_round,
)
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo, memo_key, memoized, remember
from kspec.scheduler.plugins.helper import build_broken_linear_function
from kspec.scheduler.resources import CPU, EPHEMERAL, MEMORY

NAME = "NodeResourcesFit"
LEAST_ALLOCATED = "LeastAllocated"
MOST_ALLOCATED = "MostAllocated"
REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio"
#: defaultResourceSpec
DEFAULT_RESOURCES = ({"name": CPU, "weight": 1}, {"name": MEMORY, "weight": 1})
#: MaxCustomPriorityScore: shape scores run 0..10
MAX_CUSTOM_PRIORITY_SCORE = 10
#: maxUtilization (requested_to_capacity_ratio.go)
MAX_UTILIZATION = 100
TOO_MANY_PODS = "Too many pods"
_INF = float("inf")


def insufficient(resource: str) -> str:
    return f"Insufficient {resource}"


def least_requested_score(requested: int, capacity: int) -> int:
    """leastRequestedScore: ((capacity - requested) * MaxNodeScore) / capacity."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def most_requested_score(requested: int, capacity: int) -> int:
    """mostRequestedScore: requested is clamped to capacity."""
    if capacity == 0:
        return 0
    return min(requested, capacity) * MAX_NODE_SCORE // capacity


def broken_linear(shape: list[tuple[int, int]]) -> Callable[[int], int]:
    """helper.BuildBrokenLinearFunction (kept under this name for callers of this module)."""
    return build_broken_linear_function(shape)


def scaled_utilization(requested: int, capacity: int) -> int:
    """scaledUtilization: requested * 100 / capacity, with requested clamped to [0, capacity]."""
    if capacity <= 0 or requested <= 0:
        return 0
    if requested >= capacity:
        return MAX_UTILIZATION
    return requested * MAX_UTILIZATION // capacity


class NodeResourcesFit(Plugin):
    NAME = NAME
    EVENTS = (NODE_ADD, NODE_ALLOCATABLE, POD_DELETE, POD_SCALE_DOWN, UNSCHEDULED_POD_UPDATE)

    def __init__(self, args: dict[str, Any] | None, handle: Any) -> None:
        super().__init__(args, handle)
        if not self.args:  # the defaults (every scheduler of the default profile): what the checks below give
            self.ignored: set[str] = set()
            self.ignored_groups: set[str] = set()
            self.strategy = LEAST_ALLOCATED
            self.resources = [(CPU, 1), (MEMORY, 1)]
            self._ratio: Callable[[int], int] | None = None
            self._default_resources = True
            return
        self.ignored = set(self.args.get("ignoredResources") or [])
        self.ignored_groups = set(self.args.get("ignoredResourceGroups") or [])
        strategy = self.args.get("scoringStrategy") or {}
        self.strategy = strategy.get("type") or LEAST_ALLOCATED
        if self.strategy not in (LEAST_ALLOCATED, MOST_ALLOCATED, REQUESTED_TO_CAPACITY_RATIO):
            raise StepError(f'NodeResourcesFit: scoringStrategy.type: Unsupported value: "{self.strategy}": '
                            f'supported values: "{LEAST_ALLOCATED}", "{MOST_ALLOCATED}", '
                            f'"{REQUESTED_TO_CAPACITY_RATIO}"')
        self.resources = [(r["name"], int(r.get("weight", 1))) for r in strategy.get("resources")
                          or DEFAULT_RESOURCES]
        for i, (resource, weight) in enumerate(self.resources):  # validateResources
            if not 1 <= weight <= MAX_NODE_SCORE:
                raise StepError(f"NodeResourcesFit: scoringStrategy.resources[{i}].weight: Invalid value: {weight}: "
                                f"resource weight of {resource} not in valid range [1, {MAX_NODE_SCORE}]")
        self._ratio = None
        if self.strategy == REQUESTED_TO_CAPACITY_RATIO:
            shape = (strategy.get("requestedToCapacityRatio") or {}).get("shape") or [
                {"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]
            points = [(int(p["utilization"]), int(p["score"]) * MAX_NODE_SCORE // MAX_CUSTOM_PRIORITY_SCORE)
                      for p in shape]
            self._ratio = broken_linear(points)
        self._default_resources = self.resources == [(CPU, 1), (MEMORY, 1)]

    def _ignored(self, resource: str) -> bool:
        return resource in self.ignored or resource.split("/", 1)[0] in self.ignored_groups

    # -- Filter (fitsRequest) ----------------------------------------------------------------
    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        reasons: list[str] | None = None
        unresolvable = False
        if len(ni.pods) + 1 > ni.alloc_pods:
            reasons = [TOO_MANY_PODS]
        if not (pi.cpu or pi.mem or pi.eph or pi.scalars):
            return None if reasons is None else Status(Code.UNSCHEDULABLE, *reasons)
        if pi.cpu and pi.cpu > ni.alloc_cpu - ni.req_cpu:
            reasons = (reasons or []) + [insufficient(CPU)]
            unresolvable |= pi.cpu > ni.alloc_cpu
        if pi.mem and pi.mem > ni.alloc_mem - ni.req_mem:
            reasons = (reasons or []) + [insufficient(MEMORY)]
            unresolvable |= pi.mem > ni.alloc_mem
        if pi.eph and pi.eph > ni.alloc_eph - ni.req_eph:
            reasons = (reasons or []) + [insufficient(EPHEMERAL)]
            unresolvable |= pi.eph > ni.alloc_eph
        for name, want in pi.scalars.items():
            if self._ignored(name):
                continue
            alloc = ni.alloc_scalars.get(name, 0)
            if want > alloc - ni.req_scalars.get(name, 0):
                reasons = (reasons or []) + [insufficient(name)]
                unresolvable |= want > alloc
        if reasons is None:
            return None
        return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE if unresolvable else Code.UNSCHEDULABLE, *reasons)

    def filter_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[Status | None] | None:
        """Filter over many nodes: the common pod (cpu and memory at most) checked inline."""
        if pi.eph or pi.scalars:
            f = self.filter
            return [f(state, pi, ni) for ni in nodes]
        cpu, mem = pi.cpu, pi.mem
        if state.batch_from_cache and self.handle.cache.fits_everywhere(cpu, mem):
            return None  # every node of the cache has room: nothing to check node by node
        f = self.filter
        if not cpu:
            cpu = -_INF
        if not mem:
            mem = -_INF
        return [None if (ni.free_pods > 0 and cpu <= ni.free_cpu and mem <= ni.free_mem) else f(state, pi, ni)
                for ni in nodes]

    # -- Score ---------------------------------------------------------------------------
    def _requested_capacity(self, pi: PodInfo, ni: NodeInfo, resource: str) -> tuple[int, int]:
        """calculateResourceAllocatableRequest (useRequested=false: non-zero cpu and memory)."""
        if resource == CPU:
            return ni.nz_cpu + pi.nz_cpu, ni.alloc_cpu
        if resource == MEMORY:
            return ni.nz_mem + pi.nz_mem, ni.alloc_mem
        if resource == EPHEMERAL:
            return ni.req_eph + pi.eph, ni.alloc_eph
        want = pi.scalars.get(resource, 0)
        if not want:
            return 0, 0  # an extended resource the pod does not ask for is not scored
        return ni.req_scalars.get(resource, 0) + want, ni.alloc_scalars.get(resource, 0)

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        total = weights = 0
        ratio = self._ratio
        for resource, weight in self.resources:
            requested, capacity = self._requested_capacity(pi, ni, resource)
            if capacity == 0:
                continue
            if self.strategy == LEAST_ALLOCATED:
                s = least_requested_score(requested, capacity)
            elif self.strategy == MOST_ALLOCATED:
                s = most_requested_score(requested, capacity)
            else:
                # buildRequestedToCapacityRatioScorerFunction: a resource counts only with a score above 0
                assert ratio is not None
                s = ratio(MAX_UTILIZATION if requested > capacity else scaled_utilization(requested, capacity))
                if s <= 0:
                    continue
            total += s * weight
            weights += weight
        if weights == 0:
            return 0
        if ratio is not None:
            return go_round(total / weights)  # requestedToCapacityRatioScorer rounds
        return total // weights

    def score_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        if not self._default_resources or self.strategy != LEAST_ALLOCATED:
            score = self.score
            return [score(state, pi, ni) for ni in nodes]
        # the default profile's case: cpu and memory, weight 1 each, memoized per node (NodeInfo.memo
        # is replaced whenever the node's requests or allocatable change) by the pod's non-zero requests
        pc, pm = pi.nz_cpu, pi.nz_mem
        key = memo_key(("NodeResourcesFit/least", pc, pm))

        def fill(ni: NodeInfo) -> int:
            cap_c = ni.alloc_cpu
            cap_m = ni.alloc_mem
            if cap_c and cap_m:
                req_c = ni.nz_cpu + pc
                req_m = ni.nz_mem + pm
                s = ((0 if req_c > cap_c else (cap_c - req_c) * 100 // cap_c)
                     + (0 if req_m > cap_m else (cap_m - req_m) * 100 // cap_m)) // 2
            else:
                s = self.score(state, pi, ni)
            return s
        if state.from_cache:
            window = state.window
            if window is not None and window[1] == len(nodes):
                return self.handle.cache.window_scores(key, window[0], window[1], fill)  # type: ignore[return-value]
            return self.handle.cache.scores_at(key, nodes, fill, state.node_positions)  # type: ignore[return-value]
        return memoized(nodes, key, lambda ni: remember(ni.memo, key, fill(ni)))

    def queueing_hint(self, event: str, pi: PodInfo, old: Any, new: Any) -> bool:
        if event == NODE_ADD and new is not None:
            ni = NodeInfo(new)
            return self.filter(CycleState(), pi, ni) is None
        return True
