"""kubernetes pkg/controller/deployment/recreate_test.go against kspec's Recreate steps.

oldPodsRunning takes a map from ReplicaSet uid to pods; kspec finds an old set's pods through its pod index,
so each key of the test's map becomes an old ReplicaSet of the Deployment owning those pods.
"""

from __future__ import annotations

import pytest

from tests.upstream.cases import case
from tests.upstream.controllers.deployment_adapter import Rig, deployment

SOURCE = "kubernetes/kubernetes pkg/controller/deployment/recreate_test.go"

SCALE_DOWN = [case("TestScaleDownOldReplicaSets", "0", sizes=[3], replicas=3)]


@pytest.mark.parametrize("data", SCALE_DOWN)
def test_scale_down_old_replica_sets(data: dict) -> None:
    rig = Rig()
    old = [rig.rs(f"foo-{n}", size) for n, size in enumerate(data["sizes"])]
    rig.ctrl._scale_down_old_for_recreate(old, deployment(data["replicas"], 0, 0, kind="Recreate"))
    assert [rig.get(rs["metadata"]["name"])["spec"]["replicas"] for rs in old] == [0] * len(old)


F = "TestOldPodsRunning"
RUNNING = [
    case(F, "no old RSs", sets=[], pods={}, running=False),
    case(F, "old RSs with running pods", sets=[("foo-some-uid", 0, 0), ("foo-other-uid", 0, 0)],
         pods={"foo-some-uid": ["", ""], "foo-other-uid": ["", ""]}, running=True),
    case(F, "old RSs without pods but with non-zero status replicas", sets=[("rs-1", 0, 1)], pods={}, running=True),
    case(F, "old RSs without pods or non-zero status replicas", sets=[("rs-1", 0, 0)], pods={}, running=False),
    case(F, "old RSs with zero status replicas but pods in terminal state are present", sets=[("rs-1", 0, 0)],
         pods={"rs-1": ["Failed", "Succeeded"]}, running=False),
    case(F, "old RSs with zero status replicas but pod in unknown phase present", sets=[("rs-1", 0, 0)],
         pods={"rs-1": ["Unknown"]}, running=True),
    case(F, "old RSs with zero status replicas with pending pod present", sets=[("rs-1", 0, 0)],
         pods={"rs-1": ["Pending"]}, running=True),
    case(F, "old RSs with zero status replicas with running pod present", sets=[("rs-1", 0, 0)],
         pods={"rs-1": ["Running"]}, running=True),
    case(F, "old RSs with zero status replicas but pods in terminal state and pending are present",
         sets=[("rs-1", 0, 0), ("rs-2", 0, 0), ("rs-3", 0, 0)],
         pods={"rs-1": ["Failed", "Succeeded"], "rs-2": [], "rs-3": ["Pending"]}, running=True),
]


@pytest.mark.parametrize("data", RUNNING)
def test_old_pods_running(data: dict) -> None:
    rig = Rig()
    sets = []
    for name, spec_replicas, status_replicas in data["sets"]:
        rs = rig.rs(name, spec_replicas)
        if status_replicas:
            rs = rig.c.api.update_status({**rs, "status": {"replicas": status_replicas}})
        sets.append(rs)
        for i, phase in enumerate(data["pods"].get(name, [])):  # an empty phase: "supposedly a pod"
            pod = rig.c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {
                "name": f"{name}-pod-{i}", "namespace": "default", "ownerReferences": [{
                    "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name, "uid": rs["metadata"]["uid"],
                    "controller": True}]}, "spec": {"containers": [{"name": "c", "image": "i"}]}})
            if phase:
                pod = rig.c.api.update_status({**pod, "status": {**pod.get("status", {}), "phase": phase}})
            rig.ctrl.pods.observe(pod)  # the pod informer's delivery, without running the clock
    assert rig.ctrl._old_pods_running(None, sets) is data["running"]
