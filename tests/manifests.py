"""Manifests several test modules apply, written once."""

from __future__ import annotations


def deployment(name: str = "web", replicas: int = 2, containers: str = "[{name: web, image: nginx}]") -> str:
    """A Deployment whose pods carry ``app: <name>``; ``containers`` is the pod template's list, in flow YAML."""
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: {containers}
"""
