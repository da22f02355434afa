"""PrioritySort: the active queue's order, higher priority first, then the earlier queued (queuesort)."""

from __future__ import annotations

from typing import Any

from kspec.scheduler.framework import Plugin

NAME = "PrioritySort"


class PrioritySort(Plugin):
    NAME = NAME

    def sort_key(self, queued: Any) -> tuple[int, int, int]:
        """Less: corev1helpers.PodPriority descending, then QueuedPodInfo.Timestamp ascending."""
        return (-queued.pod_info.priority, queued.timestamp, queued.seq)
