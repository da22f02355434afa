"""The vocabulary of cluster actions the explorer draws from, each written as contract steps.

A ``Model`` remembers what the run made so far, so the next action is one a spec writer could write
(scale a Deployment that exists, start an etcd member that was stopped). The choices come from a
``choose`` function: ``random.Random.choice`` for ``kspec explore --seed N``, or a hypothesis draw in the
tests, so hypothesis can shrink the run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kspec.explore.steps import Step

Choose = Callable[[Sequence[Any]], Any]

APPS = ("web", "api")
CPUS = ("250m", "500m", "1", "2")
IMAGES = ("nginx:1.27", "nginx:1.28", "nginx:1.29")
WAITS = ("1s", "5s", "30s", "2m")


def deployment_yaml(name: str, replicas: int, cpu: str, image: str) -> str:
    """A Deployment whose pods request cpu and have a readiness probe the steps can fail."""
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n"
            f"  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n"
            f"    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n"
            f"      - name: main\n        image: {image}\n        resources:\n          requests:\n"
            f"            cpu: {cpu}\n        readinessProbe:\n          httpGet:\n            path: /ready\n"
            f"            port: 80\n          periodSeconds: 1\n")


def service_yaml(name: str) -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n"
            f"  ports:\n  - port: 80\n")


def max_surge(replicas: int) -> int:
    """The default maxSurge of 25%, rounded up (deployment util's ResolveFenceposts)."""
    return math.ceil(replicas * 25 / 100)


@dataclass
class Model:
    """What the run has made and changed, as the steps written so far say."""

    nodes: int = 3
    etcd: int = 0
    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: set[str] = field(default_factory=set)
    cordoned: set[str] = field(default_factory=set)
    tainted: set[str] = field(default_factory=set)
    stopped: set[str] = field(default_factory=set)
    etcd_stopped: set[str] = field(default_factory=set)

    def setup(self) -> list[Step]:
        steps = [Step("given", f"a cluster with {self.nodes} nodes")]
        if self.etcd:
            steps.append(Step("given", f"etcd has {self.etcd} members"))
        return steps

    def node_names(self) -> list[str]:
        return [f"node-{i}" for i in range(1, self.nodes + 1)]


def next_action(model: Model, choose: Choose) -> Step:
    """Draw one action valid in the model's state, and record its effect on the model."""
    kinds = ["deploy", "wait"]
    if len(model.etcd_stopped) * 2 < model.etcd or not model.etcd:
        kinds.append("settle")  # without a quorum etcd's members campaign forever: nothing settles
    if model.deployments:
        kinds += ["scale", "image", "delete", "service", "unready", "ready", "rollback"]
    if model.services:
        kinds.append("delete-service")
    kinds += ["taint", "cordon", "drain"]
    if len(model.stopped) < model.nodes:
        kinds.append("stop")
    if model.tainted:
        kinds.append("untaint")
    if model.cordoned:
        kinds.append("uncordon")
    if model.stopped:
        kinds.append("restore")
    if model.etcd and len(model.etcd_stopped) < model.etcd:
        kinds.append("etcd-stop")
    if model.etcd_stopped:
        kinds.append("etcd-start")
    kind = choose(kinds)
    nodes = model.node_names()
    if kind == "deploy":
        name, replicas, cpu = choose(APPS), choose(range(0, 5)), choose(CPUS)
        image = model.deployments.get(name, {}).get("image", IMAGES[0])
        model.deployments[name] = {"replicas": replicas, "cpu": cpu, "image": image}
        return Step("when", "I apply:", deployment_yaml(name, replicas, cpu, image))
    if kind == "wait":
        return Step("when", f"I wait {choose(WAITS)}")
    if kind == "settle":
        return Step("when", "the cluster settles")
    if kind == "taint":
        node = choose(nodes)
        model.tainted.add(node)
        return Step("when", f'I taint node "{node}" with "explore=x:NoSchedule"')
    if kind == "untaint":
        node = choose(sorted(model.tainted))
        model.tainted.discard(node)
        return Step("when", f'I remove taint "explore" from node "{node}"')
    if kind == "cordon":
        node = choose(nodes)
        model.cordoned.add(node)
        return Step("when", f'I cordon node "{node}"')
    if kind == "drain":
        node = choose(nodes)
        model.cordoned.add(node)
        return Step("when", f'I drain node "{node}"')
    if kind == "delete-service":
        svc = choose(sorted(model.services))
        model.services.discard(svc)
        return Step("when", f'I delete service "{svc}"')
    if kind == "uncordon":
        node = choose(sorted(model.cordoned))
        model.cordoned.discard(node)
        return Step("when", f'I uncordon node "{node}"')
    if kind == "stop":
        node = choose([n for n in nodes if n not in model.stopped])
        model.stopped.add(node)
        return Step("when", f'node "{node}" stops responding')
    if kind == "restore":
        node = choose(sorted(model.stopped))
        model.stopped.discard(node)
        return Step("when", f'node "{node}" comes back')
    if kind == "etcd-stop":
        member = choose([m for m in (f"etcd-{i}" for i in range(1, model.etcd + 1)) if m not in model.etcd_stopped])
        model.etcd_stopped.add(member)
        return Step("when", f'I stop etcd member "{member}"')
    if kind == "etcd-start":
        member = choose(sorted(model.etcd_stopped))
        model.etcd_stopped.discard(member)
        return Step("when", f'I start etcd member "{member}"')
    name = choose(sorted(model.deployments))
    if kind == "scale":
        n = choose(range(0, 6))
        model.deployments[name]["replicas"] = n
        return Step("when", f'I scale deployment "{name}" to {n} replicas')
    if kind == "image":
        image = choose(IMAGES)
        model.deployments[name]["image"] = image
        return Step("when", f'I set the image of deployment "{name}" to "{image}"')
    if kind == "rollback":
        return Step("when", f'I roll back deployment "{name}"')
    if kind == "delete":
        del model.deployments[name]
        return Step("when", f'I delete deployment "{name}"')
    if kind == "service":
        model.services.add(name)
        return Step("when", "I apply:", service_yaml(name))
    state = "failing" if kind == "unready" else "passing"
    return Step("when", f'the readiness probe of pod "deployment/{name}#{choose(range(3))}" starts {state}')
