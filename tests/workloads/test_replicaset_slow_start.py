"""ReplicaSet pod creation in slow-start batches (slowStartBatch): 1, 2, 4, ... stopping after a failing batch."""

from __future__ import annotations

from typing import Any

import yaml

from kspec.errors import ApiError
from tests.workloads.test_workloads_with_fakes import cluster

RS = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 10
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: nginx}]}
"""


def test_creation_stops_after_the_first_batch_with_a_failure() -> None:
    c, _ = cluster()
    real_create = c.api.create
    calls: list[int] = []

    def create(obj: Any, *args: Any, **kwargs: Any) -> Any:
        if obj.get("kind") == "Pod":
            calls.append(c.clock.now)
            if len(calls) > 5:  # the API takes five pods, then refuses
                raise ApiError(403, "Forbidden", "exceeded quota: pods")
        return real_create(obj, *args, **kwargs)

    c.api.create = create  # type: ignore[method-assign]
    real_create(yaml.safe_load(RS) | {"metadata": {"name": "web", "namespace": "default"}})
    ctrl = next(x for x in c.controllers if x.NAME == "replicaset-controller" and x.RESOURCE == "replicasets")
    ctrl.reconcile("default/web")  # one sync, as the work queue would run it
    # batches of 1, 2 and 4: the third batch runs all four calls (two fail), and no fourth batch starts
    assert len(calls) == 7
    assert [e.reason for e in c.event_log].count("FailedCreate") == 2
    assert len(c.list("pods")) == 5
