"""A recorded rollout, shared by the recorder, HTML and browser tests (fixtures ``rollout`` and ``etcd_rollout``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kspec.cluster import Cluster
from kspec.report import Recorder, Recording

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  strategy:
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        resources:
          requests: {cpu: 100m}
"""

TOO_BIG = """
apiVersion: v1
kind: Pod
metadata:
  name: huge
spec:
  containers:
  - name: app
    image: nginx:1.25
    resources:
      requests: {cpu: "64"}
"""


def run_rollout(recorder: Recorder | None, etcd_members: int = 0) -> Cluster:
    """A Deployment rolled out then updated, and a pod no node can take; recorded step by step if asked."""
    cluster = Cluster(nodes=3, seed=0)

    def step(keyword: str, text: str, line: int, action: Callable[[], object], ok: bool = True) -> None:
        if recorder is not None:
            recorder.step_started(cluster, keyword, text, line)
        action()
        if recorder is not None:
            recorder.step_finished(cluster, ok=ok)

    step("Given", "a cluster with 3 nodes", 1, lambda: cluster.use_etcd(etcd_members) if etcd_members else None)
    step("When", "I apply a deployment", 2, lambda: (cluster.apply(DEPLOYMENT), cluster.apply(TOO_BIG),
                                                     cluster.settle()))
    step("When", 'I set the image of deployment "web" to "nginx:1.26"', 3,
         lambda: (cluster.set_image("deployment", "web", "nginx:1.26"), cluster.settle(), cluster.run_for("30s")))
    step("Then", 'pod "huge" is Running', 4, lambda: None, ok=False)
    return cluster


def recorded_rollout(etcd_members: int = 0) -> Recording:
    recorder = Recorder("tests/report::rollout", "rollout.feature", "a rolling update <&>")
    run_rollout(recorder, etcd_members)
    return recorder.finish("failed")


@pytest.fixture(scope="module")
def rollout() -> Recording:
    return recorded_rollout()


@pytest.fixture(scope="module")
def etcd_rollout() -> Recording:
    return recorded_rollout(etcd_members=3)


@pytest.fixture(name="run_rollout")
def run_rollout_fixture() -> Callable[..., Cluster]:
    """The scenario itself, to run with or without a recorder."""
    return run_rollout
