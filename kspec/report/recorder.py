"""What a scenario did, on its virtual timeline: gathered while it runs for ``--kspec-report``.

The recorder listens to the store's commits directly (a plain subscriber: no informer, no clock callback),
so a scenario runs exactly as it would without it; it costs nothing unless the option is on. It keeps
only what the page draws: each pod's state changes, each Deployment's pod counts and rollout bounds, the
steps with their virtual start and end, and at the end the events, the scheduler's attempts and etcd's
leaders.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from kspec.controllers.deployment_util import max_surge, max_unavailable
from kspec.objects import Obj, get_condition
from kspec.store import WatchEvent

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: attempts kept per pod (a pending pod is retried again and again; the first and the latest tell the story)
ATTEMPTS_PER_POD = 20


@dataclass
class StepRecord:
    keyword: str
    text: str
    line: int
    start_ms: int
    start_seq: int
    end_ms: int | None = None
    end_seq: int | None = None
    status: str = "running"  # passed, failed, running (never finished)


@dataclass
class Recording:
    """Plain data (JSON-able through ``as_dict``): what ``kspec.report.html`` renders."""

    nodeid: str
    feature: str = ""
    scenario: str = ""
    outcome: str = ""
    end_ms: int = 0
    end_seq: int = 0
    #: [[seq, t]]: every drawn change gets a sequence number; many happen at one virtual instant, so the page's
    #: axis spreads them by sequence and lets virtual time add space where it passes
    moments: list[list[int]] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    #: "ns/name" -> {"uid", "created_ms", "deleted_ms", "deleted_seq", "owner",
    #: "states": [[t, seq, phase, ready, node, terminating]]}
    pods: dict[str, dict[str, Any]] = field(default_factory=dict)
    nodes: list[str] = field(default_factory=list)
    #: "namespace/name" -> {"samples": [[t, seq, pods, available, replicas, most, least]]}
    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: "namespace/name" -> scheduling attempts, oldest first
    attempts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: [[term, member, t]] in election order
    etcd_leaders: list[list[Any]] = field(default_factory=list)
    etcd_members: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pod_state(pod: Obj) -> tuple[str, bool, str, bool]:
    """(phase, ready, node, terminating): what changes a pod's bar."""
    status = pod.get("status") or {}
    ready = (get_condition(pod, "Ready") or {}).get("status") == "True"
    return (status.get("phase") or "Pending", ready, (pod.get("spec") or {}).get("nodeName") or "",
            bool(pod["metadata"].get("deletionTimestamp")))


class Recorder:
    """Attached to one scenario's cluster (again if the scenario swaps its store before starting)."""

    def __init__(self, nodeid: str, feature: str = "", scenario: str = "") -> None:
        self.rec = Recording(nodeid, feature, scenario)
        self.cluster: Cluster | None = None
        self._store: Any = None
        self._explainer: Any = None
        self._pods_of: dict[str, dict[str, tuple[str, bool]]] = {}  # deployment key -> pod key -> (rs, available)
        self._rs_owner: dict[str, str] = {}  # "ns/rs" -> "ns/deployment"
        self._deployments: dict[str, Obj] = {}
        self._seq = 0
        self._events_seen = 0

    # -- attaching ---------------------------------------------------------------------------------------
    def sync(self, cluster: Cluster | None) -> None:
        """Follow the scenario's current cluster and store, and the scheduler once it runs."""
        if cluster is None:
            return
        if cluster is not self.cluster or cluster.store is not self._store:
            self.cluster, self._store = cluster, cluster.store
            cluster.store.subscribe(self._on_commit)
            for resource in ("nodes", "deployments", "replicasets", "pods"):
                for obj in cluster.store.list(resource):
                    self._on_commit(WatchEvent("ADDED", resource, obj, None, 0))
        scheduler = cluster.components.get("scheduler")
        explainer = getattr(scheduler, "explainer", None)
        if explainer is not None and explainer is not self._explainer and hasattr(explainer, "record"):
            self._explainer = explainer
            original = explainer.record

            def record(attempt: Any) -> None:
                original(attempt)
                self._attempt(attempt)
            explainer.record = record

    def _now(self) -> int:
        return self.cluster.clock.now if self.cluster is not None else 0

    def _tick(self) -> int:
        """The next sequence number, at the current virtual time."""
        self._seq += 1
        self.rec.moments.append([self._seq, self._now()])
        return self._seq

    def _take_events(self) -> None:
        """Give the events emitted since the last look their place in the sequence."""
        if self.cluster is None:
            return
        log = self.cluster.events.log
        for e in log[self._events_seen:]:
            self.rec.events.append({"t": e.time_ms, "seq": self._tick(), "type": e.type, "reason": e.reason,
                                    "object": f"{e.kind}/{e.name}", "namespace": e.namespace,
                                    "message": e.message, "component": e.component})
        self._events_seen = len(log)

    # -- steps -------------------------------------------------------------------------------------------
    def step_started(self, cluster: Cluster | None, keyword: str, text: str, line: int) -> None:
        self.sync(cluster)
        self._take_events()
        self.rec.steps.append(StepRecord(keyword, text, line, self._now(), self._tick()))

    def step_finished(self, cluster: Cluster | None, *, ok: bool) -> None:
        self.sync(cluster)
        self._take_events()
        if self.rec.steps and self.rec.steps[-1].end_ms is None:
            self.rec.steps[-1].end_ms = self._now()
            self.rec.steps[-1].end_seq = self._tick()
            self.rec.steps[-1].status = "passed" if ok else "failed"

    # -- commits -----------------------------------------------------------------------------------------
    def _on_commit(self, event: WatchEvent) -> None:
        resource = event.resource
        if resource == "events":
            self._take_events()
        elif resource == "pods":
            self._pod(event)
        elif resource == "nodes":
            name = event.obj["metadata"]["name"]
            if event.type != "DELETED" and name not in self.rec.nodes:
                self.rec.nodes.append(name)
        elif resource == "replicasets":
            md = event.obj["metadata"]
            owner = next((r for r in md.get("ownerReferences") or [] if r.get("kind") == "Deployment"), None)
            if owner is not None:
                self._rs_owner[f"{md['namespace']}/{md['name']}"] = f"{md['namespace']}/{owner['name']}"
        elif resource == "deployments":
            md = event.obj["metadata"]
            key = f"{md['namespace']}/{md['name']}"
            if event.type == "DELETED":
                self._deployments.pop(key, None)
            else:
                self._deployments[key] = event.obj
                self._sample(key)

    def _pod(self, event: WatchEvent) -> None:
        md = event.obj["metadata"]
        key = f"{md['namespace']}/{md['name']}"
        now = self._now()
        entry = self.rec.pods.get(key)
        if entry is None or (entry["uid"] != md.get("uid", "") and event.type != "DELETED"):
            if entry is not None:  # recreated under the same name: keep the old one under its uid
                self.rec.pods[f"{key}#{entry['uid'][:8]}"] = entry
            owner = next((r for r in md.get("ownerReferences") or [] if r.get("controller")), None)
            entry = self.rec.pods[key] = {"uid": md.get("uid", ""), "created_ms": now, "deleted_ms": None,
                                          "deleted_seq": None,
                                          "owner": f"{owner['kind']}/{owner['name']}" if owner else "",
                                          "states": []}
        if event.type == "DELETED":
            entry["deleted_ms"], entry["deleted_seq"] = now, self._tick()
        else:
            state = list(pod_state(event.obj))
            if not entry["states"] or entry["states"][-1][2:] != state:
                entry["states"].append([now, self._tick(), *state])
        owner = entry["owner"]
        if owner.startswith("ReplicaSet/"):
            deployment = self._rs_owner.get(f"{md['namespace']}/{owner[len('ReplicaSet/'):]}")
            if deployment is not None:
                pods = self._pods_of.setdefault(deployment, {})
                phase, ready, _node, terminating = pod_state(event.obj)
                if event.type == "DELETED" or terminating or phase in ("Succeeded", "Failed"):
                    pods.pop(key, None)
                else:
                    pods[key] = (owner, ready)
                self._sample(deployment)

    def _sample(self, key: str) -> None:
        """One point of a Deployment's rollout chart: its pods, the available ones, and the bounds they keep."""
        d = self._deployments.get(key)
        if d is None:
            return
        replicas = (d.get("spec") or {}).get("replicas", 1)
        pods = self._pods_of.get(key, {})
        values = [len(pods), sum(1 for _, ready in pods.values() if ready), replicas,
                  replicas + max_surge(d), replicas - max_unavailable(d)]
        samples = self.rec.deployments.setdefault(key, {"samples": []})["samples"]
        if not samples or samples[-1][2:] != values:
            samples.append([self._now(), self._tick(), *values])

    def _attempt(self, attempt: Any) -> None:
        attempts = self.rec.attempts.setdefault(attempt.pod, [])
        if len(attempts) >= ATTEMPTS_PER_POD:
            del attempts[1]  # keep the first attempt and the latest ones
        attempts.append(attempt_dict(attempt))

    # -- the end -----------------------------------------------------------------------------------------
    def finish(self, outcome: str) -> Recording:
        """Close the recording: the events, the scheduler's last word on each pod, etcd's leaders."""
        rec = self.rec
        rec.outcome = outcome
        cluster = self.cluster
        if cluster is None:
            rec.end_seq = self._tick()
            for s in rec.steps:
                if s.end_seq is None:
                    s.end_ms, s.end_seq = 0, rec.end_seq
            return rec
        self.sync(cluster)
        self._take_events()
        rec.end_ms = max([cluster.clock.now, *(s.start_ms for s in rec.steps)])
        rec.end_seq = self._tick()
        for s in rec.steps:
            if s.end_ms is None:
                s.end_ms, s.end_seq = rec.end_ms, rec.end_seq
        if self._explainer is not None and hasattr(self._explainer, "last"):
            for key in rec.pods:
                if key not in rec.attempts and "#" not in key:
                    ns, _, name = key.partition("/")
                    last = self._explainer.last(ns, name)
                    if last is not None:
                        rec.attempts[key] = [attempt_dict(last)]
        store = cluster.store
        if hasattr(store, "leader_history"):
            rec.etcd_leaders = [[term, name, at] for term, name, at in store.leader_history]
            rec.etcd_members = sorted(getattr(store, "nodes", {}))
        return rec


def attempt_dict(attempt: Any) -> dict[str, Any]:
    """A scheduling attempt as the page's pod panel shows it: one row per node, filtered or scored."""
    feasible = list(attempt.feasible)
    index = {n: i for i, n in enumerate(feasible)}
    rows = []
    for name in sorted({*attempt.statuses, *feasible}):
        if name in index:
            i = index[name]
            rows.append({"node": name, "result": "selected" if name == attempt.node else "feasible",
                         "scores": {p: s[i] for p, s in attempt.scores.items() if i < len(s)},
                         "total": attempt.totals[i] if i < len(attempt.totals) else None})
        else:
            st = attempt.statuses[name]
            rows.append({"node": name, "result": st.code.title, "plugin": st.plugin, "reason": st.message})
    pre = attempt.pre_filter
    return {"t": attempt.time_ms, "profile": attempt.profile, "node": attempt.node, "message": attempt.message,
            "num_nodes": attempt.num_nodes, "plugins": list(attempt.scores), "rows": rows,
            "pre_filter": f"{pre.plugin}: {pre.message}" if pre is not None else ""}
