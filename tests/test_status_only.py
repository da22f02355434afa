"""Status-only watch events (informers.Handler.on_status): a write through the status subresource is delivered
with that fact, and handlers that declare they ignore status are not called for it.

Skipping must change nothing: every handler that declares an ``on_status`` is checked, at every status-only
delivery of a busy run, to have nothing left to do when its ``on_update`` is called after it (no key queued, no
timer, write or event, no index entry changed), and whole runs with and without the skipping are compared.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kspec import informers
from kspec.clock import Timer
from kspec.cluster import Cluster
from kspec.controllers.controller_utils import OwnedIndex
from kspec.dump import digests
from kspec.informers import LIKE_UPDATE, Handler, Informers, WorkQueue
from kspec.objects import controller_of
from tests.manifests import deployment

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "x"}},
       "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


def _recording(c: Cluster) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"all": [], "blind": []}
    c.api.informers.on("pods", on_update=lambda _o, n: seen["all"].append(n["metadata"]["resourceVersion"]))
    c.api.informers.on("pods", on_update=lambda _o, n: seen["blind"].append(n["metadata"]["resourceVersion"]),
                       on_status=None)
    return seen


def test_a_status_subresource_write_is_delivered_as_status_only() -> None:
    c = Cluster(nodes=1, seed=1)
    c.apply([POD])
    c.run_for(5_000)
    seen = _recording(c)
    api = c.api
    api.write_status("pods", "p", "default", {**api.get("pods", "p")["status"], "message": "one"})
    api.patch("pods", "p", "default", lambda o: o["status"].__setitem__("message", "two"), status=True)
    status = {**api.get("pods", "p")["status"], "message": "three"}
    api.update_status({**api.get("pods", "p"), "status": status})
    c.run_for(0)
    assert len(seen["all"]) == 3 and seen["blind"] == []
    # a write that changes more than the status reaches every handler, whoever wrote it
    api.patch("pods", "p", "default", lambda o: o["metadata"]["labels"].__setitem__("extra", "1"))
    api.patch("pods", "p", "default", lambda o: o["metadata"]["labels"].__setitem__("status", "1"), status=False)
    c.run_for(0)
    assert len(seen["all"]) == 5 and seen["blind"] == seen["all"][3:]


def test_the_mark_holds_on_the_etcd_store() -> None:
    """The Raft model applies a write when its entry commits: the mark follows the object committed."""
    c = Cluster(nodes=1, seed=1, etcd_members=3, store="etcd")
    c.apply([POD])
    c.run_for(5_000)
    seen = _recording(c)
    c.api.write_status("pods", "p", "default", {**c.api.get("pods", "p")["status"], "message": "one"})
    c.api.patch("pods", "p", "default", lambda o: o["metadata"]["labels"].__setitem__("extra", "1"))
    c.run_for(0)
    assert len(seen["all"]) == 2 and seen["blind"] == seen["all"][1:]


def test_status_only_deliveries_reach_every_handler_when_the_skipping_is_off(monkeypatch) -> None:
    monkeypatch.setattr(informers, "SKIP_STATUS", False)
    c = Cluster(nodes=1, seed=1)
    c.apply([POD])
    c.run_for(5_000)
    seen = _recording(c)
    c.api.write_status("pods", "p", "default", {**c.api.get("pods", "p")["status"], "message": "one"})
    c.run_for(0)
    assert seen["blind"] == seen["all"] and len(seen["all"]) == 1


# -- the proof: a declared handler has nothing to do for the status-only updates it skips ----------------------
def _answers(index: OwnedIndex) -> Any:
    """What an owner index answers (``owned``, ``orphans_in``), without its stale entries: a hint that readers
    check against the store (a status delivery that comes after its pod was removed puts one back, until the
    removal's own delivery takes it out again)."""
    get = index.api.store.get
    owned = {uid: frozenset(k for k in keys if (o := get(index.resource, *k)) is not None
                            and (controller_of(o) or {}).get("uid") == uid) for uid, keys in index.by_owner.items()}
    orphans = {ns: frozenset(n for n in names if (o := get(index.resource, ns, n)) is not None
                             and controller_of(o) is None) for ns, names in index.orphans.items()}
    return ({u: k for u, k in owned.items() if k}, {ns: n for ns, n in orphans.items() if n})


def _freeze(value: Any, depth: int = 0) -> Any:
    """A comparable copy of a handler owner's state: containers by content, timers by when they fire."""
    if isinstance(value, OwnedIndex):
        return _answers(value)
    if isinstance(value, WorkQueue):
        return ("queue", tuple(value._order), frozenset(value._queued), _freeze(value._failures),
                tuple(sorted((k, t.when, t.cancelled) for k, t in value._delayed.items())))
    if isinstance(value, Timer):
        return ("timer", value.when, value.cancelled)
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if depth > 6:
        return type(value).__name__
    if isinstance(value, dict):
        return tuple(sorted(((repr(k), _freeze(v, depth + 1)) for k, v in value.items()), key=repr))
    if isinstance(value, (set, frozenset)):
        return frozenset(repr(_freeze(v, depth + 1)) for v in value)
    if isinstance(value, (list, tuple, deque)):
        return tuple(_freeze(v, depth + 1) for v in value)
    return type(value).__name__  # components, the cluster: their own changes show as writes, timers, events


def _owners(fn: Callable[..., object]) -> list[object]:
    """The objects a handler function works on: a bound method's instance, a closure's objects."""
    owner = getattr(fn, "__self__", None)
    if owner is not None:
        return [owner]
    cells = getattr(fn, "__closure__", None) or ()
    return [cell.cell_contents for cell in cells if hasattr(cell.cell_contents, "__dict__")]


def _snapshot(c: Cluster, fn: Callable[..., object]) -> Any:
    state = [_freeze(o) if isinstance(o, OwnedIndex) else
             _freeze({k: v for k, v in vars(o).items() if k not in ("api", "cluster", "clock", "events")})
             for o in _owners(fn)]
    return c.clock._seq, len(c.clock._heap), c.api.writes, len(c.event_log), state


def _checked(c: Cluster, checked: list[str]) -> Callable[[Informers, Any], None]:
    """Informers._deliver_status that, after each declaring handler's on_status, calls its on_update and
    requires it to change nothing."""
    def deliver(self: Informers, event: Any) -> None:
        self.delivered += 1
        old = event.old or event.obj
        for h in list(self._handlers_for(event.resource)):
            if h.on_update is None:
                continue
            if h.on_status is LIKE_UPDATE:
                h.on_update(old, event.obj)
                continue
            if h.on_status is not None:
                h.on_status(old, event.obj)
            before = _snapshot(c, h.on_update)
            h.on_update(old, event.obj)
            assert _snapshot(c, h.on_update) == before, (h, event.resource, event.obj["metadata"]["name"])
            checked.append(type(_owners(h.on_update)[0]).__name__)
    return deliver


RS = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec:
  replicas: 2
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec:
      tolerations: [{key: gone, operator: Exists, effect: NoExecute, tolerationSeconds: 20}]
      containers: [{name: c, image: "crasher:1"}]
"""
RC = """
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  replicas: 1
  selector: {app: rc}
  template:
    metadata: {labels: {app: rc}}
    spec:
      containers: [{name: c, image: nginx}]
"""
JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: "batch:1"}]
"""
STATEFUL = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""
WRONG_NAMESPACE = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: dep
  namespace: other
  ownerReferences: [{apiVersion: v1, kind: Pod, name: bare, uid: UID}]
"""


def _busy(c: Cluster) -> Cluster:
    """Owners and dependents, crash loops, a Job, NoExecute taints, foreground, orphan and background deletion,
    a dependent whose owner is in another namespace: what the declaring handlers read."""
    c.describe_image("crasher:1", exit_code=1, run_ms=20_000)
    c.describe_image("batch:1", exit_code=0, run_ms=15_000)
    c.apply(deployment("web", 3))
    c.apply(RS)
    c.apply(RC)  # its controller starts with it (START_WHEN): a pod nobody controls would not start it
    c.apply(JOB)
    c.apply(STATEFUL)
    c.apply([{**POD, "metadata": {"name": "bare", "labels": {"app": "bare"}}, "spec": {"containers": [
        {"name": "c", "image": "nginx", "readinessProbe": {"httpGet": {"port": 80}, "periodSeconds": 5}}]}}])
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    c.run_for(30_000)
    c.apply(WRONG_NAMESPACE.replace("UID", c.get("pod", "bare")["metadata"]["uid"]))
    c.set_probe("bare", "readiness", False)
    c.run_for(30_000)
    c.taint_node("node-2", "gone=yes:NoExecute")
    c.run_for(40_000)
    c.set_image("deployment", "web", "nginx:1.28")
    c.run_for(30_000)
    c.delete("replicaset", "rs", propagation="Foreground")
    c.run_for(30_000)
    c.delete("deployment", "web", propagation="Orphan")
    c.run_for(30_000)
    c.taint_node("node-2", "gone-")
    c.delete("job", "job")
    c.run_for(120_000)
    c.settle()
    return c


def test_every_declared_handler_has_nothing_to_do_for_what_it_skips(monkeypatch) -> None:
    checked: list[str] = []
    c = Cluster(nodes=3, seed=2)
    monkeypatch.setattr(Informers, "_deliver_status", _checked(c, checked))
    _busy(c)
    assert set(checked) == {"OwnedIndex", "GarbageCollector", "TaintEvictionController", "ReplicaSetController",
                            "ReplicationControllerController", "EndpointsController", "EndpointSliceController",
                            "StatefulSetController", "JobController", "KubeProxy"}


@pytest.fixture
def both_ways(monkeypatch) -> Iterator[Callable[[Callable[[Cluster], Cluster]], None]]:
    def compare(run: Callable[[Cluster], Cluster]) -> None:
        monkeypatch.setattr(informers, "SKIP_STATUS", False)
        every = run(Cluster(nodes=3, seed=2))
        monkeypatch.setattr(informers, "SKIP_STATUS", True)
        skipping = run(Cluster(nodes=3, seed=2))
        assert skipping.api.informers.delivered == every.api.informers.delivered
        assert digests(skipping) == digests(every)
        assert skipping.clock.now == every.clock.now
    yield compare


def test_a_busy_run_is_the_same_with_and_without_the_skipping(both_ways) -> None:
    both_ways(_busy)


def test_declarations_are_handlers_fields() -> None:
    assert Handler().on_status is LIKE_UPDATE
    assert repr(LIKE_UPDATE) == "LIKE_UPDATE"


@pytest.mark.parametrize("typed", [False, True])
def test_a_status_write_checks_the_namespace_as_every_write_does(typed: bool) -> None:
    """The typed write (the kubelet's) checks what _prepare would for a stored object: its namespace exists."""
    from kspec.errors import ApiError

    c = Cluster(nodes=1, seed=1)
    c.apply([POD])
    c.run_for(5_000)
    status = {**c.api.get("pods", "p")["status"], "message": "one"}
    del c.api.store._data["namespaces"][("", "default")]  # gone under the pod, as no API call could do
    with pytest.raises(ApiError) as err:
        c.api.write_status("pods", "p", "default", status, typed=typed)
    assert (err.value.code, err.value.message) == (404, 'namespaces "default" not found')
