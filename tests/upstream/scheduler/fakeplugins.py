"""The fake plugins of upstream's scheduler tests (pkg/scheduler/testing/framework/fake_plugins.go and those
schedule_one_test.go declares), written against kspec's own plugin interface as a third-party plugin author
would, and a harness that runs them in a real kspec scheduler.

``Harness(points, nodes, pods)`` is tf.NewFramework with tf.Register*Plugin: ``points`` maps each extension
point to the plugins enabled there (factories, or ``(factory, weight)`` at ``score``); PrioritySort and
DefaultBinder are always there, as every upstream case registers them. The cluster's scheduler cache holds
exactly ``nodes`` and the ``pods`` bound to them (internalcache.NewSnapshot), so no kubelet or controller is
involved.
"""

from __future__ import annotations

from typing import Any

from kspec.cluster import Cluster
from kspec.hookspec import hookimpl
from kspec.objects import Obj
from kspec.scheduler.framework import Code, CycleState, Plugin, PreFilterResult, Status
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.profile.config import configure

#: tf.ErrReasonFake
ERR_REASON_FAKE = "Nodes failed the fake plugin"


def named(base: type, name: str, **attrs: Any) -> type:
    """A subclass of ``base`` called ``name`` (upstream registers one fake type under several names)."""
    return type(name, (base,), {"NAME": name, **attrs})


class TrueFilter(Plugin):
    NAME = "TrueFilter"

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        return None


class FalseFilter(Plugin):
    NAME = "FalseFilter"

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        return Status(Code.UNSCHEDULABLE, ERR_REASON_FAKE)


class MatchFilter(Plugin):
    """Passes the node named as the pod."""

    NAME = "MatchFilter"

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        return None if pi.name == ni.name else Status(Code.UNSCHEDULABLE, ERR_REASON_FAKE)


class NoPodsFilter(Plugin):
    """Passes a node without pods."""

    NAME = "NoPodsFilter"

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        return None if not ni.pods else Status(Code.UNSCHEDULABLE, ERR_REASON_FAKE)


class FakeFilter(Plugin):
    """FakeFilterPlugin: the code ``CODES`` gives a node, "injecting failure for pod <name>"; counts its calls
    in the class attribute ``calls`` (NumFilterCalled)."""

    NAME = "FakeFilter"
    CODES: dict[str, Code] = {}
    calls = 0

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        type(self).calls += 1
        code = self.CODES.get(ni.name)
        if code is None:
            return None
        return Status(code, f"injecting failure for pod {pi.name}")


def fake_filter(codes: dict[str, Code] | None = None, name: str = "FakeFilter") -> type:
    return named(FakeFilter, name, CODES=dict(codes or {}), calls=0)


class FakePreFilter(Plugin):
    """FakePreFilterPlugin: answers ``RESULT`` (node names or None) and ``STATUS``."""

    NAME = "FakePreFilter"
    RESULT: set[str] | None = None
    STATUS: Status | None = None

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        result = None if self.RESULT is None else PreFilterResult(set(self.RESULT))
        status = None if self.STATUS is None else Status(self.STATUS.code, *self.STATUS.reasons)
        return result, status


def fake_pre_filter(name: str, result: set[str] | None = None, status: Status | None = None) -> type:
    return named(FakePreFilter, name, RESULT=result, STATUS=status)


def fake_pre_filter_and_filter(name: str, pre_status: Status, codes: dict[str, Code]) -> type:
    """FakePreFilterAndFilterPlugin."""
    return type(name, (FakeFilter, FakePreFilter), {"NAME": name, "RESULT": None, "STATUS": pre_status,
                                                    "CODES": dict(codes), "calls": 0})


class EqualPrioritizer(Plugin):
    NAME = "EqualPrioritizerPlugin"

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        return 1


class NumericMap(Plugin):
    """numericMapPlugin: a node named "3" scores 3."""

    NAME = "NumericMap"

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        return int(ni.name)


class ReverseNumericMap(NumericMap):
    """reverseNumericMapPlugin: NormalizeScore turns each score into max + min - score."""

    NAME = "ReverseNumericMap"

    def normalize_score(self, state: CycleState, pi: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> None:
        high, low = max(scores), min(scores)
        scores[:] = [high + low - s for s in scores]


class FalseMap(Plugin):
    """falseMapPlugin: its Score fails (errPrioritize)."""

    NAME = "FalseMap"

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status:
        return Status(Code.ERROR, "priority map encounters an error")


class TrueMap(Plugin):
    NAME = "TrueMap"

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        return 1


class Node2Prioritizer(Plugin):
    """tf.NewNode2PrioritizerPlugin: 100 for node2, 10 for any other node."""

    NAME = "Node2Prioritizer"

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        return 100 if ni.name == "node2" else 10


class FakePreScoreAndScore(Plugin):
    """tf.NewFakePreScoreAndScorePlugin(name, score, preScoreStatus, scoreStatus); a Score that is called after
    PreScore said Skip fails the test."""

    NAME = "FakePreScoreAndScorePlugin"
    SCORE = 0
    PRE_SCORE: Status | None = None

    def pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        return self.PRE_SCORE

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        raise AssertionError("this score function shouldn't be executed because this plugin returned Skip in "
                             "the PreScore")


class FakeReserve(Plugin):
    NAME = "FakeReserve"
    STATUS: Status | None = None

    def reserve(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        return self.STATUS

    def unreserve(self, state: CycleState, pi: PodInfo, node: str) -> None:
        return None


class FakePermit(Plugin):
    NAME = "FakePermit"
    STATUS: Status | None = None

    def permit(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        return self.STATUS


class FakePreBind(Plugin):
    """tf.NewFakePreBindPlugin(preFlightStatus, preBindStatus)."""

    NAME = "FakePreBind"
    PRE_FLIGHT: Status | None = None
    STATUS: Status | None = None

    def pre_bind_pre_flight(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        return self.PRE_FLIGHT

    def pre_bind(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        return self.STATUS


class RegisterPlugins:
    """A kspec plugin (``Cluster(plugins_=[...])``) registering these framework plugins, as
    WithFrameworkOutOfTreeRegistry does."""

    def __init__(self, factories: list[type]) -> None:
        self.factories = factories

    @hookimpl
    def kspec_scheduler_plugins(self, registry: Any) -> None:
        for factory in self.factories:
            if factory.NAME not in registry:
                registry.register(factory)


def _entry(item: Any) -> tuple[type | str, int | None]:
    return item if isinstance(item, tuple) else (item, None)


def _name(factory: type | str) -> str:
    return factory if isinstance(factory, str) else factory.NAME


class Harness:
    """A kspec cluster whose scheduler runs one profile of exactly these plugins over exactly these nodes and
    bound pods; ``sched``, ``fw`` and ``cache`` are the scheduler, the profile's framework and its cache."""

    def __init__(self, points: dict[str, list[Any]], nodes: list[Obj], pods: list[Obj] = (),  # type: ignore[assignment]
                 plugin_config: dict[str, dict[str, Any]] | None = None, percentage: int | None = None) -> None:
        custom = [f for items in points.values() for f, _ in map(_entry, items) if not isinstance(f, str)]
        self.cluster = Cluster(plugins_=[RegisterPlugins(custom)])
        lines = ["apiVersion: kubescheduler.config.k8s.io/v1", "kind: KubeSchedulerConfiguration"]
        if percentage is not None:
            lines.append(f"percentageOfNodesToScore: {percentage}")
        multi = "".join(f', {{name: "{_name(f)}"}}' for f, _ in map(_entry, points.get("multiPoint", [])))
        lines += ["profiles:", "- schedulerName: default-scheduler", "  plugins:", "    multiPoint:",
                  f"      enabled: [{{name: PrioritySort}}, {{name: DefaultBinder}}{multi}]",
                  '      disabled: [{name: "*"}]']
        for point, items in points.items():
            if point == "multiPoint":
                continue
            refs = []
            for factory, weight in map(_entry, items):
                refs.append(f'{{name: "{_name(factory)}"' + (f", weight: {weight}" if weight else "") + "}")
            lines.append(f"    {point}:")
            lines.append(f"      enabled: [{', '.join(refs)}]")
        if plugin_config:
            lines.append("  pluginConfig:")
            for name, args in plugin_config.items():
                lines.append(f"  - name: {name}")
                lines.append(f"    args: {args!r}".replace("'", '"'))
        configure(self.cluster, "\n".join(lines) + "\n")
        self.cluster.start()
        self.sched = self.cluster.components["scheduler"]
        self.fw = self.sched.frameworks["default-scheduler"]
        self.cache = self.sched.cache
        for n in nodes:
            self.cache.add_node(n)
        for p in pods:
            self.cache.add_pod(PodInfo(p), p["spec"]["nodeName"])
        self.cache.node_list()


def node(name: str, labels: dict[str, str] | None = None, alloc: dict[str, str] | None = None,
         images: list[tuple[list[str], int]] | None = None) -> Obj:
    """A Node object as upstream's tests build it (no capacity unless ``alloc`` is given)."""
    status: dict[str, Any] = {}
    if alloc is not None:
        status["allocatable"] = dict(alloc)
        status["capacity"] = dict(alloc)
    if images:
        status["images"] = [{"names": names, "sizeBytes": size} for names, size in images]
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": dict(labels or {})},
            "spec": {}, "status": status}


def pod(name: str, *, node_name: str = "", uid: str = "", priority: int | None = None,
        labels: dict[str, str] | None = None, requests: dict[str, str] | None = None, start: str = "",
        nominated: str = "", ns: str = "default", **spec: Any) -> Obj:
    """st.MakePod(): ``requests`` is one container's (Req), ``start`` the status.startTime (StartTime)."""
    body: dict[str, Any] = {"containers": [{"name": "c", "image": "pause", "resources":
                                            {"requests": dict(requests)}}] if requests else [], **spec}
    if node_name:
        body["nodeName"] = node_name
    if priority is not None:
        body["priority"] = priority
    md: dict[str, Any] = {"name": name, "namespace": ns, "uid": uid or name}
    if labels:
        md["labels"] = dict(labels)
    status: dict[str, Any] = {}
    if start:
        status["startTime"] = start
    if nominated:
        status["nominatedNodeName"] = nominated
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": body, "status": status}

