"""kubernetes pkg/controller/deployment/sync_test.go: TestScale (proportional scaling) against kspec's _scale."""

from __future__ import annotations

import pytest

from kspec.controllers import deployment_util as du
from tests.upstream.cases import case
from tests.upstream.controllers.deployment_adapter import Rig, deployment

SOURCE = "kubernetes/kubernetes pkg/controller/deployment/sync_test.go"

NEW_T, OLD_T, OLDER_T = 7200_000, 3600_000, 0  # 2016-05-20 02:00, 01:00, 00:00 as virtual time


def scale(name: str, replicas: int, old_replicas: int, new: tuple | None, old: list[tuple], expected_new: int | None,
          expected_old: list[int], surge: int | None = None, old_surge: int | None = None,
          desired: dict[str, int] | None = None, template_changed: bool = False) -> object:
    return case("TestScale", name, replicas=replicas, old_replicas=old_replicas, new=new, old=old,
                expected_new=expected_new, expected_old=expected_old, surge=surge, old_surge=old_surge,
                desired=desired or {}, template_changed=template_changed)


CASES = [
    scale("normal scaling event: 10 -> 12", 12, 10, ("foo-v1", 10, NEW_T), [], 12, []),
    scale("normal scaling event: 10 -> 5", 5, 10, ("foo-v1", 10, NEW_T), [], 5, []),
    scale("proportional scaling: 5 -> 10", 10, 5, ("foo-v2", 2, NEW_T), [("foo-v1", 3, OLD_T)], 4, [6]),
    scale("proportional scaling: 5 -> 3", 3, 5, ("foo-v2", 2, NEW_T), [("foo-v1", 3, OLD_T)], 1, [2]),
    scale("proportional scaling: 9 -> 4", 4, 9, ("foo-v2", 8, NEW_T), [("foo-v1", 1, OLD_T)], 4, [0]),
    scale("proportional scaling: 7 -> 10", 10, 7, ("foo-v3", 2, NEW_T), [("foo-v2", 3, OLD_T), ("foo-v1", 2, OLDER_T)],
          3, [4, 3]),
    scale("proportional scaling: 13 -> 8", 8, 13, ("foo-v3", 2, NEW_T), [("foo-v2", 8, OLD_T), ("foo-v1", 3, OLDER_T)],
          1, [5, 2]),
    scale("leftover distribution: 3 -> 4", 4, 3, ("foo-v3", 1, NEW_T), [("foo-v2", 1, OLD_T), ("foo-v1", 1, OLDER_T)],
          2, [1, 1]),
    scale("leftover distribution: 3 -> 2", 2, 3, ("foo-v3", 1, NEW_T), [("foo-v2", 1, OLD_T), ("foo-v1", 1, OLDER_T)],
          1, [1, 0]),
    scale("proportional scaling (no new rs): 4 -> 5", 5, 4, None, [("foo-v2", 2, OLD_T), ("foo-v1", 2, OLDER_T)],
          None, [3, 2]),
    scale("proportional scaling: 6 -> 0", 0, 6, ("foo-v3", 3, NEW_T), [("foo-v2", 2, OLD_T), ("foo-v1", 1, OLDER_T)],
          0, [0, 0]),
    scale("proportional scaling: 0 -> 6", 6, 6, ("foo-v3", 0, NEW_T), [("foo-v2", 0, OLD_T), ("foo-v1", 0, OLDER_T)],
          6, [0, 0]),
    scale("failed rs update", 5, 5, ("foo-v3", 2, NEW_T), [("foo-v2", 1, OLD_T), ("foo-v1", 1, OLDER_T)], 2, [2, 1],
          desired={"foo-v2": 3}),
    scale("deployment with surge pods", 20, 10, ("foo-v2", 6, NEW_T), [("foo-v1", 6, OLD_T)], 11, [11], surge=2,
          old_surge=2),
    scale("change both surge and size", 50, 10, ("foo-v2", 5, NEW_T), [("foo-v1", 8, OLD_T)], 22, [34], surge=6,
          old_surge=3),
    scale("change both size and template", 14, 10, None, [("foo-v2", 7, NEW_T), ("foo-v1", 3, OLD_T)], None, [10, 4],
          template_changed=True),
    case("TestScale", "saturated but broken new replica set does not affect old pods", replicas=2, old_replicas=2,
         new=("foo-v2", 2, NEW_T), old=[("foo-v1", 1, OLD_T)], expected_new=2, expected_old=[1], surge=1, old_surge=1,
         unavailable=1, desired={}, template_changed=False),
]


@pytest.mark.parametrize("data", CASES)
def test_scale(data: dict) -> None:
    rig = Rig()
    unavailable = data.get("unavailable", 0)
    old_d = deployment(data["old_replicas"], data["old_surge"] or 0, unavailable)
    d = deployment(data["replicas"], data["surge"] or 0, unavailable)
    if data["template_changed"]:
        d["spec"]["template"]["metadata"]["labels"]["another"] = "label"

    def make(name: str, replicas: int, created: int) -> dict:
        want = data["desired"].get(name, du.replicas(old_d))  # SetReplicasAnnotations from the old deployment
        return rig.rs(name, replicas, created_ms=created, annotations={
            du.DESIRED_REPLICAS: str(want), du.MAX_REPLICAS: str(want + du.max_surge(old_d))})

    new = make(*data["new"]) if data["new"] else None
    old = [make(*o) for o in data["old"]]
    rig.ctrl._scale(d, new, old)
    if data["new"]:
        assert rig.get(data["new"][0])["spec"]["replicas"] == data["expected_new"]
    assert [rig.get(o[0])["spec"]["replicas"] for o in data["old"]] == data["expected_old"]


CLEANUP = [case("TestDeploymentController_cleanupDeployment", str(i), sets=sets, limit=limit, deletions=n)
           for i, (sets, limit, n) in enumerate([
               ([("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], 1, 2),
               ([("foo-1", 0, 0), ("foo-2", 0, 1), ("foo-3", 1, 0), ("foo-4", 1, 1)], 0, 1),
               ([("foo-1", 0, 0), ("foo-2", 0, 0)], 0, 2),
               ([("foo-1", 1, 1), ("foo-2", 1, 1)], 0, 0),
               ([("foo-1", 0, 0, "deleted")], 0, 0),
               ([("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], 2**31 - 1, 0)])]


@pytest.mark.parametrize("data", CLEANUP)
def test_cleanup_deployment(data: dict) -> None:
    """newRSWithStatus(name, specReplicas, statusReplicas): a ReplicaSet its controller has observed."""
    rig = Rig()
    sets = []
    for name, spec_replicas, status_replicas, *deleted in data["sets"]:
        rs = rig.rs(name, spec_replicas)
        rs = rig.c.api.update_status({**rs, "status": {"replicas": status_replicas,
                                                      "observedGeneration": rs["metadata"].get("generation", 0)}})
        if deleted:  # already being deleted: a finalizer holds it
            meta = {**rs["metadata"], "deletionTimestamp": "2016-05-20T00:00:00Z"}
            rs = rig.c.api.store.update("replicasets", {**rs, "metadata": meta})
        sets.append(rs)
    d = deployment(1, 0, 0)
    d["spec"]["revisionHistoryLimit"] = data["limit"]
    rig.ctrl._cleanup(d, sets)
    left = {rs["metadata"]["name"] for rs in rig.c.api.store.list("replicasets", "default")}
    assert len(sets) - len(left) == data["deletions"]
