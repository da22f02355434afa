"""GPUAware: a scheduling-framework plugin of its own kind, registered through ``kspec_scheduler_plugins``.

- Filter: nodes that offer GPUs (``nvidia.com/gpu`` allocatable) are kept
  for pods that ask for GPUs; other pods are filtered out of them with
  ``node(s) are reserved for GPU workloads``.
- Score: a GPU pod prefers the node where it leaves the fewest GPUs idle
  (GPU bin-packing), so whole nodes stay free for large jobs.
- Args: ``resourceName`` (default ``nvidia.com/gpu``).

Enable it in a profile by name and weight::

    profiles:
    - plugins:
        multiPoint:
          enabled:
          - {name: GPUAware, weight: 5}
"""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.scheduler.framework import (
    MAX_NODE_SCORE,
    NODE_ADD,
    NODE_ALLOCATABLE,
    POD_DELETE,
    CycleState,
    Plugin,
    Status,
    unresolvable,
)
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo

NAME = "GPUAware"
GPU = "nvidia.com/gpu"
ERR_RESERVED = "node(s) are reserved for GPU workloads"


class GPUAware(Plugin):
    NAME = NAME
    EVENTS = (NODE_ADD, NODE_ALLOCATABLE, POD_DELETE)

    def __init__(self, args: dict[str, Any] | None, handle: Any) -> None:
        super().__init__(args, handle)
        self.resource: str = self.args.get("resourceName") or GPU
        self._reject = unresolvable(ERR_RESERVED)

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        if ni.alloc_scalars.get(self.resource, 0) and not pi.scalars.get(self.resource, 0):
            return self._reject
        return None

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        want = pi.scalars.get(self.resource, 0)
        total = ni.alloc_scalars.get(self.resource, 0)
        if not want or not total:
            return 0
        used = ni.req_scalars.get(self.resource, 0) + want
        return min(used, total) * MAX_NODE_SCORE // total


@hookimpl
def kspec_scheduler_plugins(registry: Any) -> None:
    registry.register(GPUAware)
