"""The adapter for pkg/controller/deployment's tests: ReplicaSets in a cluster, kspec's DeploymentController methods.

Upstream builds ReplicaSets with ``rs(name, replicas, selector, timestamp)`` and a Deployment with
``newDeployment(name, replicas, revisionHistoryLimit, maxSurge, maxUnavailable, selector)`` and calls the
controller's methods with a fake client; here the ReplicaSets exist in the API (so a scale is a real update)
and the methods are kspec's.
"""

from __future__ import annotations

from typing import Any

from kspec import Cluster
from kspec.controllers.deployment import DeploymentController


class Rig:
    def __init__(self) -> None:
        self.c = Cluster(nodes=0)
        self.c.start()
        self.ctrl = next(x for x in self.c.controllers if isinstance(x, DeploymentController))

    def rs(self, name: str, replicas: int, selector: dict[str, str] | None = None, available: int = 0,
           created_ms: int | None = None, annotations: dict[str, str] | None = None) -> dict:
        labels = selector or {"foo": "bar"}
        if created_ms is not None:
            self.c.clock.now = created_ms
        obj = self.c.api.create({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": "default", "annotations": dict(annotations or {})},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "c", "image": "i"}]}}}})
        if available:
            obj = self.c.api.update_status({**obj, "status": {"replicas": replicas, "availableReplicas": available}})
        return obj

    def get(self, name: str) -> dict:
        return self.c.api.get("replicasets", name, "default")


def deployment(replicas: int, max_surge: Any, max_unavailable: Any, selector: dict[str, str] | None = None,
               kind: str = "RollingUpdate") -> dict:
    """newDeployment."""
    strategy: dict[str, Any] = {"type": kind}
    if kind == "RollingUpdate":
        strategy["rollingUpdate"] = {"maxSurge": max_surge, "maxUnavailable": max_unavailable}
    labels = selector or {"foo": "bar"}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "foo", "namespace": "default", "uid": "foo-uid", "annotations": {}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "strategy": strategy,
                     "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c",
                                                                                        "image": "i"}]}}}}
