"""The TTL-after-finished controller: delete a finished Job ``ttlSecondsAfterFinished`` after it finished.

As pkg/controller/ttlafterfinished: the clock starts at the Complete/Failed
condition's lastTransitionTime; deletion is in the foreground, so the Job's
pods go first.
"""

from __future__ import annotations

from kspec.controllers.base import Controller
from kspec.controllers.job import finished_condition
from kspec.errors import ApiError
from kspec.objects import parse_timestamp, split_key


class TTLAfterFinishedController(Controller):
    NAME = "ttl-after-finished-controller"

    def start(self) -> None:
        self.watch("jobs")

    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        job = self.api.try_get("jobs", name, ns)
        if job is None or job["metadata"].get("deletionTimestamp"):
            return
        ttl = job["spec"].get("ttlSecondsAfterFinished")
        cond = finished_condition(job)
        if ttl is None or cond is None:
            return
        left = parse_timestamp(cond["lastTransitionTime"]) + ttl * 1000 - self.clock.now
        if left > 0:
            self.queue.add_after(key, left)
            return
        try:
            self.api.delete("jobs", name, ns, propagation="Foreground")
        except ApiError as exc:
            if exc.code != 404:
                raise
