"""The TTL-after-finished controller: delete a finished Job ``ttlSecondsAfterFinished`` after it finished.

As pkg/controller/ttlafterfinished: the clock starts at the Complete/Failed
condition's lastTransitionTime; deletion is in the foreground, so the Job's
pods go first.
"""

from __future__ import annotations

from kspec.controllers.base import Controller
from kspec.controllers.job import finished_condition
from kspec.errors import ApiError
from kspec.objects import Obj, parse_timestamp, split_key


def time_left(job: Obj, since_ms: int) -> tuple[int, int]:
    """timeLeft: (ms until the Job expires, when it expires); ValueError if it is not to be cleaned up.

    needsCleanup: only a finished Job with ``ttlSecondsAfterFinished`` set; the clock starts at the
    Complete/Failed condition's lastTransitionTime (getFinishAndExpireTime).
    """
    md = job["metadata"]
    ttl = job["spec"].get("ttlSecondsAfterFinished")
    cond = finished_condition(job)
    if ttl is None or cond is None:
        raise ValueError(f"job {md.get('namespace')}/{md.get('name')} should not be cleaned up")
    if not cond.get("lastTransitionTime"):
        raise ValueError(f"unable to find the time when the Job {md.get('namespace')}/{md.get('name')} finished")
    expire_at = parse_timestamp(cond["lastTransitionTime"]) + ttl * 1000
    return expire_at - since_ms, expire_at


class TTLAfterFinishedController(Controller):
    NAME = "ttl-after-finished-controller"
    START_ON_FIRST = ("jobs",)

    def start(self) -> None:
        self.watch("jobs")

    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        job = self.api.try_get("jobs", name, ns)
        if job is None or job["metadata"].get("deletionTimestamp"):
            return
        try:
            left, _ = time_left(job, self.clock.now)
        except ValueError:
            return
        if left > 0:
            self.queue.add_after(key, left)
            return
        try:
            self.api.delete("jobs", name, ns, propagation="Foreground")
        except ApiError as exc:
            if exc.code != 404:
                raise
