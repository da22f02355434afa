"""DefaultBinder: POST the pod's binding to the API server."""

from __future__ import annotations

from kspec.errors import ApiError
from kspec.scheduler.framework import CycleState, Plugin, Status, error
from kspec.scheduler.nodeinfo import PodInfo

NAME = "DefaultBinder"


class DefaultBinder(Plugin):
    NAME = NAME

    def bind(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        try:
            self.handle.api.bind(pi.namespace, pi.name, node)
        except ApiError as exc:
            return error(exc.message)
        return None
