"""kubernetes pkg/controller/ttlafterfinished/ttlafterfinished_controller_test.go: timeLeft."""

from __future__ import annotations

import pytest

from kspec.controllers.ttlafterfinished import time_left
from kspec.objects import timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/ttlafterfinished/ttlafterfinished_controller_test.go"

NOW = 1_700_000_000_000
S = 1000


def new_job(completion: int | None, failed: int | None, ttl: int | None) -> dict:
    """newJob: a Complete and/or Failed condition at the given times, and the TTL when set."""
    conds = [{"type": t, "status": "True", "lastTransitionTime": timestamp(at)}
             for t, at in (("Complete", completion), ("Failed", failed)) if at is not None]
    spec: dict = {"selector": {"matchLabels": {"foo": "bar"}}, "template": {
        "metadata": {"labels": {"foo": "bar"}}, "spec": {"containers": [{"image": "foo/bar"}]}}}
    if ttl is not None:
        spec["ttlSecondsAfterFinished"] = ttl
    return {"kind": "Job", "metadata": {"name": "foobar", "namespace": "default"}, "spec": spec,
            "status": {"conditions": conds}}


T = "TestTimeLeft"
CASES = [
    case(T, "Error case: Job unfinished", completion=None, failed=None, ttl=100, err="should not be cleaned up"),
    case(T, "Error case: Job completed now, no TTL", completion=NOW, failed=None, ttl=None,
         err="should not be cleaned up"),
    case(T, "Job completed now, 0s TTL", completion=NOW, failed=None, ttl=0, left=0, expire=NOW),
    case(T, "Job completed now, 10s TTL", completion=NOW, failed=None, ttl=10, left=10 * S, expire=NOW + 10 * S),
    case(T, "Job completed 10s ago, 15s TTL", completion=NOW - 10 * S, failed=None, ttl=15, left=5 * S,
         expire=NOW + 5 * S),
    case(T, "Error case: Job failed now, no TTL", completion=None, failed=NOW, ttl=None,
         err="should not be cleaned up"),
    case(T, "Job failed now, 0s TTL", completion=None, failed=NOW, ttl=0, left=0, expire=NOW),
    case(T, "Job failed now, 10s TTL", completion=None, failed=NOW, ttl=10, left=10 * S, expire=NOW + 10 * S),
    case(T, "Job failed 10s ago, 15s TTL", completion=None, failed=NOW - 10 * S, ttl=15, left=5 * S,
         expire=NOW + 5 * S),
]


@pytest.mark.parametrize("data", CASES)
def test_time_left(data: dict) -> None:
    job = new_job(data["completion"], data["failed"], data["ttl"])
    if "err" in data:
        with pytest.raises(ValueError, match=data["err"]):
            time_left(job, NOW)
        return
    assert time_left(job, NOW) == (data["left"], data["expire"])
