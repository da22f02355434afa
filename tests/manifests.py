"""Manifests several test modules apply, written once."""

from __future__ import annotations

#: the pod template's containers the lazy-start tests use
NGINX = "[{name: c, image: nginx:1.27}]"


def _workload(kind: str, name: str, replicas: int, containers: str) -> str:
    return f"""\
apiVersion: apps/v1
kind: {kind}
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: {containers}
"""


def deployment(name: str = "web", replicas: int = 2, containers: str = "[{name: web, image: nginx}]") -> str:
    """A Deployment whose pods carry ``app: <name>``; ``containers`` is the pod template's list, in flow YAML."""
    return _workload("Deployment", name, replicas, containers)


def replicaset(name: str = "web", replicas: int = 2, containers: str = NGINX) -> str:
    """A ReplicaSet shaped like ``deployment``."""
    return _workload("ReplicaSet", name, replicas, containers)
