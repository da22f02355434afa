"""kubernetes pkg/controller/deployment/rolling_test.go against kspec's rolling-update steps.

Upstream names the new and the old ReplicaSet of TestDeploymentController_reconcileNewReplicaSet both
"foo-v2"; one API cannot hold both, so the old one is "foo-v1".
"""

from __future__ import annotations

import pytest

from tests.upstream.cases import case
from tests.upstream.controllers.deployment_adapter import Rig, deployment

SOURCE = "kubernetes/kubernetes pkg/controller/deployment/rolling_test.go"

NEW = [case("TestDeploymentController_reconcileNewReplicaSet", str(i), replicas=r, surge=s, old=o, new=n,
            scaled=sc, expected=e)
       for i, (r, s, o, n, sc, e) in enumerate([
           (10, 0, 10, 0, False, None), (10, 2, 10, 0, True, 2), (10, 2, 5, 0, True, 7), (10, 2, 10, 2, False, None),
           (10, 2, 2, 11, True, 10)])]


@pytest.mark.parametrize("data", NEW)
def test_reconcile_new_replica_set(data: dict) -> None:
    rig = Rig()
    new, old = rig.rs("foo-v2", data["new"]), rig.rs("foo-v1", data["old"])
    d = deployment(data["replicas"], data["surge"], 0)
    before = new["metadata"]["resourceVersion"]
    scaled = rig.ctrl._reconcile_new([new, old], new, d)
    after = rig.get("foo-v2")
    assert scaled is data["scaled"]
    if data["scaled"]:
        assert after["spec"]["replicas"] == data["expected"]
    else:
        assert after["metadata"]["resourceVersion"] == before  # no update at all


OLD = [case("TestDeploymentController_reconcileOldReplicaSets", str(i), replicas=r, unavailable=u, old=o, new=n,
            ready_old=ro, ready_new=rn, scaled=sc)
       for i, (r, u, o, n, ro, rn, sc) in enumerate([
           (10, 0, 10, 0, 10, 0, True), (10, 2, 10, 0, 10, 0, True), (10, 2, 10, 0, 8, 0, True),
           (10, 2, 10, 0, 9, 0, True), (10, 2, 8, 2, 8, 0, False)])]


@pytest.mark.parametrize("data", OLD)
def test_reconcile_old_replica_sets(data: dict) -> None:
    rig = Rig()
    new = rig.rs("foo-new", data["new"], {"foo": "new"}, data["ready_new"])
    old = rig.rs("foo-old", data["old"], {"foo": "old"}, data["ready_old"])
    d = deployment(data["replicas"], 0, data["unavailable"], {"foo": "new"})
    assert rig.ctrl._reconcile_old([old, new], [old], new, d) is data["scaled"]


CLEANUP = [case("TestDeploymentController_cleanupUnhealthyReplicas", str(i), old=o, ready=r, unhealthy=u,
                max_cleanup=m, expected=e)
           for i, (o, r, u, m, e) in enumerate([(10, 8, 2, 1, 1), (10, 8, 2, 3, 2), (10, 8, 2, 0, 0),
                                                (10, 10, 0, 3, 0)])]


@pytest.mark.parametrize("data", CLEANUP)
def test_cleanup_unhealthy_replicas(data: dict) -> None:
    rig = Rig()
    old = rig.rs("foo-v2", data["old"], available=data["ready"])
    _, count = rig.ctrl._cleanup_unhealthy([old], deployment(10, 2, 2), data["max_cleanup"])
    assert count == data["expected"]


SCALE_DOWN = [case("TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate", str(i), replicas=r,
                   unavailable=u, ready=rd, old=o, scaled=sc, expected=e)
              for i, (r, u, rd, o, sc, e) in enumerate([
                  (10, 0, 10, 10, True, 9), (10, 2, 10, 10, True, 8), (10, 2, 8, 10, False, None),
                  (10, 2, 10, 0, False, None), (10, 2, 1, 10, False, None)])]


@pytest.mark.parametrize("data", SCALE_DOWN)
def test_scale_down_old_replica_sets_for_rolling_update(data: dict) -> None:
    rig = Rig()
    old = rig.rs("foo-v2", data["old"], available=data["ready"])
    scaled = rig.ctrl._scale_down_old([old], [old], deployment(data["replicas"], 0, data["unavailable"]))
    assert (scaled != 0) is data["scaled"]
    if data["scaled"]:
        assert rig.get("foo-v2")["spec"]["replicas"] == data["expected"]
