"""One scheduler plugin against one cluster state, without a scheduling cycle.

Upstream's plugin tests build a snapshot (nodes and the pods on them), make one
plugin and call its PreFilter, Filter, PreScore, Score and NormalizeScore
directly. :func:`evaluate` does the same for kspec's plugins (built-in or your
own), so a plugin author, or a port of upstream's tables, can ask "what does
this plugin say about this pod on these nodes" and get every extension point's
answer back, with upstream's status codes and messages::

    from kspec.scheduler import evaluate

    node = {"metadata": {"name": "n1", "labels": {"zone": "a"}},
            "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}}}
    pod = {"metadata": {"name": "web"},
           "spec": {"nodeSelector": {"zone": "b"}, "containers": [{"name": "c", "image": "nginx"}]}}
    result = evaluate("NodeAffinity", pod, [node])
    result.filter["n1"].code.title   # 'UnschedulableAndUnresolvable'
    result.filter["n1"].message      # "node(s) didn't match Pod's node affinity/selector"
    result.scores                    # {'n1': 0}: PreScore said Skip (no preferred terms)

Like upstream's tests, every extension point the plugin has runs, in order,
whatever the one before said (the framework would stop at a rejecting
PreFilter and drop a plugin whose PreFilter or PreScore said Skip); leave one
out with ``points``. Filter runs on every node; PreScore, Score and
NormalizeScore on ``score_nodes`` (default: every node), so a case can keep
nodes in the snapshot that are not candidates for scoring.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kspec.errors import PluginError
from kspec.objects import Obj
from kspec.scheduler.cache import Cache
from kspec.scheduler.framework import Code, CycleState, Status
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.store import MemoryStore

#: the extension points evaluate can run, in the order it runs them
POINTS = ("PreFilter", "Filter", "PreScore", "Score")
#: kinds a plugin may look up through the handle's store (PodTopologySpread's default selector, namespaces)
_RESOURCES = {"Service": "services", "ReplicaSet": "replicasets", "ReplicationController": "replicationcontrollers",
              "StatefulSet": "statefulsets", "Namespace": "namespaces", "PodDisruptionBudget": "poddisruptionbudgets",
              "PersistentVolumeClaim": "persistentvolumeclaims", "PersistentVolume": "persistentvolumes",
              "StorageClass": "storageclasses", "CSINode": "csinodes", "CSIDriver": "csidrivers",
              "CSIStorageCapacity": "csistoragecapacities", "VolumeAttachment": "volumeattachments"}
#: the cluster-scoped ones among them
_CLUSTER_SCOPED = frozenset({"namespaces", "persistentvolumes", "storageclasses", "csinodes", "csidrivers",
                             "volumeattachments"})


@dataclass
class Evaluation:
    """What each extension point answered; a success is ``Status(Code.SUCCESS)``, never None."""

    plugin: Any
    state: CycleState
    #: PreFilter's status (None: not run or the plugin has no PreFilter) and the nodes its result names
    pre_filter: Status | None = None
    pre_filter_nodes: set[str] | None = None
    #: Filter's status per node (empty: not run or no Filter)
    filter: dict[str, Status] = field(default_factory=dict)
    pre_score: Status | None = None
    #: Score per node before and after NormalizeScore (a node the plugin skipped at PreScore scores 0)
    raw_scores: dict[str, int] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)

    def feasible(self) -> list[str]:
        """The nodes Filter passed."""
        return [name for name, status in self.filter.items() if status.success]


class _Store:
    """Read-only lookups over the objects given (the part of the API server plugins read)."""

    def __init__(self, objects: Iterable[Obj]) -> None:
        self._store = MemoryStore()
        for obj in objects:
            resource = _RESOURCES.get(obj.get("kind", ""))
            if resource is None:
                raise PluginError(f'evaluate: objects of kind "{obj.get("kind")}" are not looked up by scheduler '
                                  f"plugins (known: {', '.join(sorted(_RESOURCES))})")
            obj = {**obj, "metadata": dict(obj.get("metadata") or {})}
            if resource not in _CLUSTER_SCOPED:
                obj["metadata"].setdefault("namespace", "default")
            self._store.create(resource, obj)

    def get(self, resource: str, namespace: str, name: str) -> Obj | None:
        return self._store.get(resource, namespace, name)

    def list(self, resource: str, namespace: str | None = None) -> list[Obj]:
        return self._store.list(resource, namespace)


class _API:
    def __init__(self, store: _Store) -> None:
        self.store = store

    def try_get(self, resource: str, name: str, namespace: str = "") -> Obj | None:
        return self.store.get(resource, namespace, name)


class _NoQueue:
    """The scheduling queue as a plugin sees it when nothing is nominated to any node."""

    nominated: dict[str, Any] = {}

    def nominated_for(self, node: str, pi: PodInfo) -> list[PodInfo]:
        return []

    def nominated_pods(self, node: str) -> list[PodInfo]:
        return []


class _NoScheduler:
    def __init__(self) -> None:
        self.queue = _NoQueue()


class SnapshotHandle:
    """The framework handle a plugin gets (``cache``, ``api``, ``namespace_labels``), over a fixed snapshot."""

    def __init__(self, cache: Cache, objects: Iterable[Obj] = (), seed: int = 0) -> None:
        self.cache = cache
        self.api = _API(_Store(objects))
        self.scheduler = _NoScheduler()
        self.rng = random.Random(seed)
        self.name = "default-scheduler"

    def namespace_labels(self, namespace: str) -> dict[str, str]:
        ns = self.api.store.get("namespaces", "", namespace)
        return (ns or {}).get("metadata", {}).get("labels") or {}


def snapshot(nodes: Iterable[Obj], pods: Iterable[Obj] = ()) -> Cache:
    """A scheduler cache holding ``nodes`` and the ``pods`` bound to them (``spec.nodeName``)."""
    cache = Cache()
    for node in nodes:
        cache.add_node(_with_defaults_node(node))
    for i, pod in enumerate(pods):
        pod = _with_defaults_pod(pod, f"existing-{i}")
        node = pod["spec"].get("nodeName") or ""
        if not node:
            raise PluginError(f'evaluate: existing pod "{pod["metadata"]["name"]}" has no spec.nodeName')
        cache.add_pod(PodInfo(pod), node)
    cache.node_list()
    return cache


def _with_defaults_node(node: Obj) -> Obj:
    md = dict(node.get("metadata") or {})
    md.setdefault("name", "")
    return {**node, "metadata": md, "spec": node.get("spec") or {}, "status": node.get("status") or {}}


def _with_defaults_pod(pod: Obj, name: str) -> Obj:
    md = dict(pod.get("metadata") or {})
    md.setdefault("name", name)
    md.setdefault("namespace", "default")
    md.setdefault("uid", f"{md['namespace']}/{md['name']}")
    return {**pod, "metadata": md, "spec": pod.get("spec") or {}}


def _plugin_factory(plugin: str | Callable[..., Any]) -> Callable[..., Any]:
    if not isinstance(plugin, str):
        return plugin
    from kspec.builtin.scheduler import IN_TREE

    for factory in IN_TREE:
        if factory.NAME == plugin:
            return factory
    names = ", ".join(f'"{f.NAME}"' for f in IN_TREE)
    raise PluginError(f'unknown scheduler plugin "{plugin}": the in-tree plugins are {names}')


def _ok(status: Status | None) -> Status:
    return status if status is not None else Status(Code.SUCCESS)


def evaluate(plugin: str | Callable[..., Any], pod: Obj, nodes: Iterable[Obj], *, pods: Iterable[Obj] = (),
             args: dict[str, Any] | None = None, objects: Iterable[Obj] = (), score_nodes: Iterable[str] | None = None,
             points: Iterable[str] = POINTS, seed: int = 0) -> Evaluation:
    """Run one plugin's extension points for ``pod`` against ``nodes`` and the ``pods`` bound to them.

    ``plugin``: an in-tree plugin's name or a plugin class (called as ``factory(args, handle)``);
    ``objects``: Services, ReplicaSets, Namespaces, ... the plugin may look up; ``points``: which of
    PreFilter, Filter, PreScore and Score (with NormalizeScore) to run.
    """
    wanted = set(points)
    unknown = sorted(wanted - set(POINTS))
    if unknown:
        raise PluginError(f"evaluate: unknown extension point(s) {', '.join(unknown)}; choose from "
                          f"{', '.join(POINTS)}")
    node_list = [_with_defaults_node(n) for n in nodes]
    cache = snapshot(node_list, pods)
    handle = SnapshotHandle(cache, objects, seed)
    instance = _plugin_factory(plugin)(args, handle)
    pi = PodInfo(_with_defaults_pod(pod, "pod"))
    state = CycleState()
    result = Evaluation(instance, state)
    infos = [cache.nodes[n["metadata"]["name"]] for n in node_list]
    if "PreFilter" in wanted and hasattr(instance, "pre_filter"):
        pre, status = instance.pre_filter(state, pi)
        result.pre_filter = _ok(status)
        result.pre_filter_nodes = None if pre is None or pre.node_names is None else set(pre.node_names)
    if "Filter" in wanted and hasattr(instance, "filter"):
        result.filter = {ni.name: _ok(instance.filter(state, pi, ni)) for ni in infos}
    names = None if score_nodes is None else list(score_nodes)
    scored: list[NodeInfo] = infos if names is None else [cache.nodes[n] for n in names]
    if "PreScore" in wanted and hasattr(instance, "pre_score"):
        result.pre_score = _ok(instance.pre_score(state, pi, scored))
    if "Score" in wanted and hasattr(instance, "score"):
        if result.pre_score is not None and result.pre_score.code == Code.SKIP:
            scores = [0] * len(scored)
            result.raw_scores = dict(zip([ni.name for ni in scored], scores, strict=True))
        else:
            scores = [instance.score(state, pi, ni) for ni in scored]
            result.raw_scores = dict(zip([ni.name for ni in scored], scores, strict=True))
            if hasattr(instance, "normalize_score"):
                instance.normalize_score(state, pi, scores, scored)
        result.scores = dict(zip([ni.name for ni in scored], scores, strict=True))
    return result


__all__ = ["Evaluation", "POINTS", "SnapshotHandle", "evaluate", "snapshot"]
