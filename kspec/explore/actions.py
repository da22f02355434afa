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
    schedulers: int = 0
    controller_managers: int = 0
    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: set[str] = field(default_factory=set)
    cordoned: set[str] = field(default_factory=set)
    tainted: set[str] = field(default_factory=set)
    stopped: set[str] = field(default_factory=set)
    etcd_stopped: set[str] = field(default_factory=set)
    #: members stopped by role ("the etcd leader"): the model cannot know which, only how many
    etcd_stopped_unnamed: int = 0
    etcd_paused: set[str] = field(default_factory=set)
    #: the member cut off from the others by a partition, if any
    etcd_cut: str | None = None
    #: per replicated component ("scheduler", "controller manager"): how many replicas were stopped
    replicas_stopped: dict[str, int] = field(default_factory=dict)
    #: how to take back the last action's effect on the model when its step did not apply
    undo: Callable[[], None] | None = None

    def setup(self) -> list[Step]:
        steps = [Step("given", f"a cluster with {self.nodes} nodes")]
        if self.etcd:
            steps.append(Step("given", f"etcd has {self.etcd} members"))
        if self.schedulers:
            steps.append(Step("given", f"the control plane runs {self.schedulers} schedulers"))
        if self.controller_managers:
            steps.append(Step("given", f"the control plane runs {self.controller_managers} controller managers"))
        return steps

    def replicated(self) -> dict[str, int]:
        return {word: n for word, n in (("scheduler", self.schedulers),
                                        ("controller manager", self.controller_managers)) if n}

    def etcd_names(self) -> list[str]:
        return [f"etcd-{i}" for i in range(1, self.etcd + 1)]

    def etcd_quorum(self) -> bool:
        """Whether a quorum of members can act: running, not paused, on the majority side of a partition
        (members stopped by role are counted against that side, since the model does not know which)."""
        if not self.etcd:
            return True
        side = [m for m in self.etcd_names() if m != self.etcd_cut]
        live = [m for m in side if m not in self.etcd_stopped and m not in self.etcd_paused]
        return len(live) - self.etcd_stopped_unnamed >= self.etcd // 2 + 1

    def node_names(self) -> list[str]:
        return [f"node-{i}" for i in range(1, self.nodes + 1)]


def next_action(model: Model, choose: Choose) -> Step:
    """Draw one action valid in the model's state, and record its effect on the model."""
    model.undo = None
    kinds = ["deploy", "wait"]
    if model.etcd_quorum():
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
    if model.etcd and len(model.etcd_stopped) < model.etcd and model.etcd_quorum():
        kinds.append("etcd-stop")  # one fault at a time beyond quorum: an outage is explored, not deepened
    if model.etcd_stopped:
        kinds.append("etcd-start")
    kinds += _more_kinds(model)
    kind = choose(kinds)
    if kind in MORE:
        return MORE[kind](model, choose)
    nodes = model.node_names()
    if kind == "deploy":
        name, replicas, cpu = choose(APPS), choose(range(0, 5)), choose(CPUS)
        before = model.deployments.get(name)
        image = (before or {}).get("image", IMAGES[0])
        model.deployments[name] = {"replicas": replicas, "cpu": cpu, "image": image}
        model.undo = lambda: (model.deployments.__setitem__(name, before) if before is not None
                              else model.deployments.pop(name, None))
        return Step("when", "I apply:", deployment_yaml(name, replicas, cpu, image))
    if kind == "wait":
        return Step("when", f"I wait {choose(WAITS)}")
    if kind == "settle":
        return Step("when", "the cluster settles")
    if kind == "taint":
        node = choose(nodes)
        was = node in model.tainted
        model.tainted.add(node)
        model.undo = lambda: None if was else model.tainted.discard(node)
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
        paused = member in model.etcd_paused
        model.etcd_stopped.add(member)
        model.etcd_paused.discard(member)  # a stopped member is no longer paused
        model.undo = lambda: (model.etcd_stopped.discard(member), paused and model.etcd_paused.add(member))
        return Step("when", f'I stop etcd member "{member}"')
    if kind == "etcd-start":
        member = choose(sorted(model.etcd_stopped))
        model.etcd_stopped.discard(member)
        model.undo = lambda: model.etcd_stopped.add(member)
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
        before = model.deployments.pop(name)
        model.undo = lambda: model.deployments.__setitem__(name, before)
        return Step("when", f'I delete deployment "{name}"')
    if kind == "service":
        model.services.add(name)
        return Step("when", "I apply:", service_yaml(name))
    state = "failing" if kind == "unready" else "passing"
    return Step("when", f'the readiness probe of pod "deployment/{name}#{choose(range(3))}" starts {state}')


# -- the HA control plane and etcd faults beyond stop/start (--schedulers, --controller-managers, --etcd) ----------
def _more_kinds(model: Model) -> list[str]:
    kinds = []
    for word, n in model.replicated().items():
        if model.replicas_stopped.get(word, 0) < n:
            kinds.append(f"stop-{word}")
        if model.replicas_stopped.get(word):
            kinds.append(f"start-{word}")
    if model.etcd:
        quorum = model.etcd_quorum()
        running = [m for m in model.etcd_names() if m not in model.etcd_stopped and m not in model.etcd_paused]
        if running and quorum:
            kinds.append("etcd-pause")
        if model.etcd_paused:
            kinds.append("etcd-resume")
        if model.etcd >= 3 and model.etcd_cut is None and quorum:
            kinds.append("etcd-partition")
        if model.etcd_cut is not None:
            kinds.append("etcd-heal")
        if not model.etcd_stopped_unnamed and not model.etcd_stopped and quorum:
            kinds.append("etcd-stop-leader")
        if model.etcd_stopped_unnamed or model.etcd_stopped:
            kinds.append("etcd-start-all")
    return kinds


def _stop_leading(word: str) -> Callable[[Model, Choose], Step]:
    def action(model: Model, choose: Choose) -> Step:
        model.replicas_stopped[word] = model.replicas_stopped.get(word, 0) + 1
        model.undo = lambda: model.replicas_stopped.__setitem__(word, model.replicas_stopped[word] - 1)
        return Step("when", f"I stop the leading {word}")
    return action


def _start_replica(word: str) -> Callable[[Model, Choose], Step]:
    prefix = {"scheduler": "kube-scheduler", "controller manager": "kube-controller-manager"}[word]

    def action(model: Model, choose: Choose) -> Step:
        n = model.replicated()[word]
        model.replicas_stopped[word] -= 1
        model.undo = lambda: model.replicas_stopped.__setitem__(word, model.replicas_stopped[word] + 1)
        # the model does not know which replica led when it was stopped: a running one's start is skipped
        return Step("when", f'I start {word} "{prefix}-{choose(range(1, n + 1))}"')
    return action


def _etcd_pause(model: Model, choose: Choose) -> Step:
    member = choose([m for m in model.etcd_names() if m not in model.etcd_stopped and m not in model.etcd_paused])
    model.etcd_paused.add(member)
    model.undo = lambda: model.etcd_paused.discard(member)
    return Step("when", f'I pause etcd member "{member}"')


def _etcd_resume(model: Model, choose: Choose) -> Step:
    member = choose(sorted(model.etcd_paused))
    model.etcd_paused.discard(member)
    model.undo = lambda: model.etcd_paused.add(member)
    return Step("when", f'I resume etcd member "{member}"')


def _etcd_partition(model: Model, choose: Choose) -> Step:
    member = choose(model.etcd_names())
    model.etcd_cut = member
    model.undo = lambda: setattr(model, "etcd_cut", None)
    others = ", ".join(m for m in model.etcd_names() if m != member)
    return Step("when", f'I partition etcd members "{member}" from "{others}"')


def _etcd_heal(model: Model, choose: Choose) -> Step:
    cut = model.etcd_cut
    model.etcd_cut = None
    model.undo = lambda: setattr(model, "etcd_cut", cut)
    return Step("when", "I heal the etcd partition")


def _etcd_stop_leader(model: Model, choose: Choose) -> Step:
    model.etcd_stopped_unnamed += 1
    model.undo = lambda: setattr(model, "etcd_stopped_unnamed", model.etcd_stopped_unnamed - 1)
    return Step("when", "I stop the etcd leader")


def _etcd_start_all(model: Model, choose: Choose) -> Step:
    before = (model.etcd_stopped_unnamed, set(model.etcd_stopped))
    model.etcd_stopped_unnamed, model.etcd_stopped = 0, set()
    model.undo = lambda: (setattr(model, "etcd_stopped_unnamed", before[0]), setattr(model, "etcd_stopped", before[1]))
    return Step("when", "I start every stopped etcd member")


MORE: dict[str, Callable[[Model, Choose], Step]] = {
    "stop-scheduler": _stop_leading("scheduler"), "start-scheduler": _start_replica("scheduler"),
    "stop-controller manager": _stop_leading("controller manager"),
    "start-controller manager": _start_replica("controller manager"),
    "etcd-pause": _etcd_pause, "etcd-resume": _etcd_resume, "etcd-partition": _etcd_partition,
    "etcd-heal": _etcd_heal, "etcd-stop-leader": _etcd_stop_leader, "etcd-start-all": _etcd_start_all,
}
