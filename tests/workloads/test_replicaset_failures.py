"""The ReplicaSet controller after a failed pod create: one ReplicaFailure condition, retries with back-off."""

from __future__ import annotations

from kspec import Cluster
from tests.manifests import deployment

DEPLOYMENT = deployment(containers="[{name: app, image: nginx}]")


def test_a_template_whose_pods_the_api_rejects_is_retried_with_back_off_not_at_one_instant() -> None:
    # upstream allows " " as a template image (validateContainersOnlyForPod checks it for pods only)
    c = Cluster(nodes=1, seed=0)
    c.apply(DEPLOYMENT)
    c.settle()
    start = c.clock.now
    c.set_image("deployment", "web", " ")
    c.run_for("10s")
    failed = [e for e in c.event_log if e.reason == "FailedCreate"]
    assert failed and "must not have leading or trailing whitespace" in failed[0].message
    times = sorted({e.time_ms - start for e in failed})
    assert len(times) > 5 and times[-1] > 1000, times  # spread out by the 5ms-doubling back-off
    rs = [r for r in c.list("replicasets") if r["spec"]["template"]["spec"]["containers"][0]["image"] == " "][0]
    conditions = [cond for cond in rs["status"]["conditions"] if cond["type"] == "ReplicaFailure"]
    assert len(conditions) == 1 and conditions[0]["reason"] == "FailedCreate"
