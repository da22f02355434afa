"""The invariants the explorer checks after every step, each a function of the cluster and a ``Tracker``.

Each returns a ``Violation`` or None. A violation carries the contract step that asserts the expected
state (a ``Then`` that fails in the written feature), when the vocabulary has one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from kspec.cluster import Cluster
from kspec.explore.actions import max_surge
from kspec.explore.leases import one_actor_per_lease
from kspec.explore.steps import Step
from kspec.objects import get_condition
from kspec.quantity import cpu_millis, parse_quantity

Obj = dict[str, Any]


@dataclass
class Violation:
    invariant: str
    message: str
    then: Step | None = None


@dataclass
class Tracker:
    """What the steps so far acknowledged, read off the steps themselves so a shrunk run tracks alike."""

    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: set[str] = field(default_factory=set)
    #: per Deployment, the most pods the rollout may have: replicas + maxSurge, the largest since the template changed
    surge_bound: dict[str, int] = field(default_factory=dict)
    #: per Deployment, its pod count at the check before its template last changed (old pods may exceed the
    #: new bound until the controller scales them down; they must not grow), and the count at the last check
    carry: dict[str, int] = field(default_factory=dict)
    last_count: dict[str, int] = field(default_factory=dict)
    leaders: dict[int, str] = field(default_factory=dict)
    #: writes of replicated control-plane processes since the last check (kspec/explore/leases.py records them)
    writes: list[Any] = field(default_factory=list)
    settled: bool = False
    waited: bool = False

    def observe(self, step: Step) -> None:
        """Record what an acknowledged step wrote."""
        text = step.text
        self.settled = text == "the cluster settles"
        self.waited = self.settled or text.startswith("I wait ")
        if step.doc is not None:
            for doc in yaml.safe_load_all(step.doc):
                name = doc["metadata"]["name"]
                if doc["kind"] == "Service":
                    self.services.add(name)
                    continue
                c = doc["spec"]["template"]["spec"]["containers"][0]
                new = {"replicas": doc["spec"]["replicas"], "image": c["image"],
                       "cpu": c["resources"]["requests"]["cpu"]}
                old = self.deployments.get(name)
                changed = old is None or (old["image"], old["cpu"]) != (new["image"], new["cpu"])
                self._set(name, new, template_changed=changed)
        elif text.startswith("I scale deployment "):
            name, n = text.split('"')[1], int(text.split(" to ")[1].split()[0])
            if name in self.deployments:  # else unknown since a timed-out write
                self._set(name, {**self.deployments[name], "replicas": n}, template_changed=False)
        elif text.startswith("I set the image of deployment "):
            parts = text.split('"')
            old = self.deployments.get(parts[1])
            if old is not None:
                self._set(parts[1], {**old, "image": parts[3]}, template_changed=old["image"] != parts[3])
        elif text.startswith("I delete service "):
            self.services.discard(text.split('"')[1])
        elif text.startswith("I roll back deployment "):
            self.unknown(step)  # the template it goes back to is the controller's to pick
        elif text.startswith("I delete deployment "):
            name = text.split('"')[1]
            self.deployments.pop(name, None)
            for d in (self.surge_bound, self.carry, self.last_count):
                d.pop(name, None)

    def unknown(self, step: Step) -> None:
        """A write that failed with a timeout may still take effect later (etcd commits an entry a leader
        appended before it lost quorum once a quorum forms again): its object's state is unknown until the
        next acknowledged write, so it is no longer checked."""
        docs = list(yaml.safe_load_all(step.doc)) if step.doc else []
        names = [(d["kind"], d["metadata"]["name"]) for d in docs]
        if '"' in step.text:
            names.append(("Service" if " service " in step.text else "Deployment", step.text.split('"')[1]))
        for kind, name in names:
            if kind == "Service":
                self.services.discard(name)
                continue
            for d in (self.deployments, self.surge_bound, self.carry):
                d.pop(name, None)

    def _set(self, name: str, new: dict[str, Any], *, template_changed: bool) -> None:
        bound = new["replicas"] + max_surge(new["replicas"])
        self.surge_bound[name] = bound if template_changed else max(bound, self.surge_bound.get(name, 0))
        if template_changed:
            self.carry[name] = self.last_count.get(name, 0)
        self.deployments[name] = new


def _live_pods(c: Cluster) -> list[Obj]:
    return [p for p in c.list("pod", None) if p.get("status", {}).get("phase") not in ("Succeeded", "Failed")]


def _requests(pod: Obj) -> tuple[int, int]:
    cpu = mem = 0
    for ctr in pod["spec"].get("containers") or []:
        req = (ctr.get("resources") or {}).get("requests") or {}
        cpu += cpu_millis(req.get("cpu", "0"))
        mem += int(parse_quantity(req.get("memory", "0")))
    return cpu, mem


def no_overcommit(c: Cluster, t: Tracker) -> Violation | None:
    """The requests of the pods bound to a node fit its allocatable cpu and memory (NodeResourcesFit)."""
    used: dict[str, list[int]] = {}
    for pod in _live_pods(c):
        node = pod["spec"].get("nodeName")
        if node:
            cpu, mem = _requests(pod)
            u = used.setdefault(node, [0, 0])
            u[0] += cpu
            u[1] += mem
    for node in c.list("node", None):
        alloc = node.get("status", {}).get("allocatable") or {}
        cpu, mem = used.get(node["metadata"]["name"], [0, 0])
        if cpu > cpu_millis(alloc.get("cpu", "0")) or mem > int(parse_quantity(alloc.get("memory", "0"))):
            return Violation("no-overcommit", f'node "{node["metadata"]["name"]}" has pods requesting cpu {cpu}m, '
                             f'memory {mem}, over its allocatable {alloc.get("cpu")}, {alloc.get("memory")}')
    return None


def _ready(pod: Obj) -> bool:
    cond = get_condition(pod, "Ready")
    return bool(cond and cond.get("status") == "True")


def _leaderless(c: Cluster, word: str) -> bool:
    """A replicated component none of whose replicas leads now: nobody does its work until one takes over."""
    group = (getattr(c, "replicated", None) or {}).get(word)
    return group is not None and group.leader() is None


def endpoints_match(c: Cluster, t: Tracker) -> Violation | None:
    """Once settled, a Service's ready endpoints are its ready, matching, non-terminating pods."""
    if not t.settled or _leaderless(c, "controller manager"):
        return None
    for name in sorted(t.services):
        svc = c.try_get("service", name)
        if svc is None:
            continue
        selector = svc["spec"].get("selector") or {}
        want = sorted(p["metadata"]["name"] for p in c.list("pod", "default")
                      if selector and selector.items() <= (p["metadata"].get("labels") or {}).items()
                      and not p["metadata"].get("deletionTimestamp") and _ready(p)
                      and p.get("status", {}).get("podIP"))
        ep = c.try_get("endpoints", name) or {}
        have = sorted(a.get("targetRef", {}).get("name", "") for s in ep.get("subsets") or []
                      for a in s.get("addresses") or [])
        if have != want:
            shown = ", ".join(want) or "none"
            return Violation("endpoints-match", f'service "{name}" has ready endpoints {have or "none"}, '
                             f"its ready matching pods are {want or 'none'}",
                             Step("then", f'the endpoints of service "{name}" are pods "{shown}"'))
    return None


def surge_count(c: Cluster, name: str) -> int | None:
    """The Deployment's pods as its controller counts them against maxSurge: owned through its ReplicaSets,
    not terminating, not Succeeded or Failed (deployment util's GetActualReplicaCountForReplicaSets)."""
    d = c.try_get("deployment", name)
    if d is None:
        return None
    sets = {rs["metadata"]["uid"] for rs in c.list("replicaset", "default")
            if any(o.get("uid") == d["metadata"]["uid"] for o in rs["metadata"].get("ownerReferences") or [])}
    return sum(1 for p in _live_pods(c) if not p["metadata"].get("deletionTimestamp")
               and any(o.get("uid") in sets for o in p["metadata"].get("ownerReferences") or []))


def rollout_bounds(c: Cluster, t: Tracker) -> Violation | None:
    """A Deployment never has more pods than replicas + maxSurge, except old pods left over from before its
    template changed (they may only go away)."""
    # every Deployment's count, tracked or not: one whose last write is unknown (a rollback, a timed-out write)
    # may still have old pods when a later write changes its template (with no controller manager leading,
    # nothing scales them down)
    counts = {d["metadata"]["name"]: surge_count(c, d["metadata"]["name"]) for d in c.list("deployment", "default")}
    t.last_count.update({name: n for name, n in counts.items() if n is not None})
    for name, bound in sorted(t.surge_bound.items()):
        count = counts.get(name)
        if count is None:
            continue
        limit = max(bound, t.carry.get(name, 0))
        if count > limit:
            return Violation("rollout-bounds", f'deployment "{name}" has {count} pods, more than replicas + '
                             f"maxSurge = {bound}" + (f" or the {limit} it had" if limit > bound else ""),
                             Step("then", f'during the rollout of deployment "{name}" there were never more '
                                          f"than {limit} pods"))
    return None


def pods_accounted(c: Cluster, t: Tracker) -> Violation | None:
    """After time passed, every pod is scheduled, pending with a FailedScheduling event, or terminating (while a
    scheduler leads: a pod made while none does waits without an event, as upstream's does)."""
    if not t.waited or _leaderless(c, "scheduler"):
        return None
    for pod in c.list("pod", None):
        meta = pod["metadata"]
        if pod["spec"].get("nodeName") or meta.get("deletionTimestamp"):
            continue
        events = c.events_for("Pod", meta["name"], meta["namespace"])
        if not any(e.get("reason") == "FailedScheduling" for e in events):
            return Violation("pods-accounted", f'pod "{meta["name"]}" is neither scheduled, nor pending with a '
                             "FailedScheduling event, nor terminating",
                             Step("then", f'pod "{meta["name"]}" has event "FailedScheduling"'))
    return None


def writes_kept(c: Cluster, t: Tracker) -> Violation | None:
    """Every acknowledged write is still there: the Deployments and Services made, with their replicas and image."""
    for name in sorted(t.services):
        if c.try_get("service", name) is None:
            return Violation("writes-kept", f'service "{name}" was acknowledged but is gone',
                             Step("then", f'service "{name}" exists'))
    for name, want in sorted(t.deployments.items()):
        d = c.try_get("deployment", name)
        if d is None:
            return Violation("writes-kept", f'deployment "{name}" was acknowledged but is gone',
                             Step("then", f'deployment "{name}" exists'))
        if d["spec"].get("replicas") != want["replicas"]:
            return Violation("writes-kept", f'deployment "{name}" has {d["spec"].get("replicas")} replicas, '
                             f"the last acknowledged write set {want['replicas']}",
                             Step("then", f'the field "{{.spec.replicas}}" of deployment "{name}" is '
                                          f'"{want["replicas"]}"'))
        image = d["spec"]["template"]["spec"]["containers"][0]["image"]
        if image != want["image"]:
            return Violation("writes-kept", f'deployment "{name}" runs image {image}, the last acknowledged '
                             f"write set {want['image']}",
                             Step("then", f'the field "{{.spec.template.spec.containers[0].image}}" of '
                                          f'deployment "{name}" is "{want["image"]}"'))
    return None


def one_leader_per_term(c: Cluster, t: Tracker) -> Violation | None:
    """At most one etcd member leads in any term (Raft's Election Safety), over the whole run."""
    if not getattr(c, "etcd_members", 0) or not c.started:
        return None
    for node in c.etcd.nodes.values():
        if node.state.name == "LEADER":
            other = t.leaders.setdefault(node.term, node.name)
            if other != node.name:
                return Violation("one-leader-per-term", f"etcd members {other} and {node.name} both led "
                                 f"term {node.term}")
    return None


Invariant = Callable[[Cluster, Tracker], Violation | None]
INVARIANTS: dict[str, Invariant] = {
    "no-overcommit": no_overcommit,
    "endpoints-match": endpoints_match,
    "rollout-bounds": rollout_bounds,
    "pods-accounted": pods_accounted,
    "writes-kept": writes_kept,
    "one-leader-per-term": one_leader_per_term,
    "one-actor-per-lease": one_actor_per_lease,
}


def check(c: Cluster, t: Tracker) -> Violation | None:
    """The first invariant that does not hold, or None."""
    for invariant in INVARIANTS.values():
        found = invariant(c, t)
        if found is not None:
            return found
    return None
