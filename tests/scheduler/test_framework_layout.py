"""A profile's expansion into extension points is worked out once per process and profile."""

from __future__ import annotations

import pytest

from kspec.cluster import Cluster
from kspec.errors import PluginError
from kspec.scheduler import runtime
from kspec.scheduler.profile.config import PluginRef, PluginSet, default_profile
from kspec.scheduler.runtime import Framework


def _framework(c: Cluster, profile=None) -> Framework:  # type: ignore[no-untyped-def]
    sched = c.require("scheduler")
    return Framework(profile or default_profile(), sched.registry, sched, 0)


def test_schedulers_share_the_default_profile_layout() -> None:
    runtime._LAYOUTS.clear()
    runtime._PLANS.clear()
    a, b = Cluster(nodes=1), Cluster(nodes=1)
    fa, fb = _framework(a), _framework(b)
    assert len(runtime._LAYOUTS) == 1
    assert len(runtime._PLANS) == 1
    for point, plugins in fa.points.items():
        assert [p.NAME for p in plugins] == [p.NAME for p in fb.points[point]]
        assert all(p.framework is fb for p in fb.points[point] if hasattr(p, "framework"))
    assert [p.NAME for p in fa.points["filter"]][:2] == ["NodeUnschedulable", "NodeName"]


def test_another_profile_gets_its_own_layout() -> None:
    runtime._LAYOUTS.clear()
    runtime._PLANS.clear()
    c = Cluster(nodes=1)
    _framework(c)
    profile = default_profile()
    profile.plugins["filter"] = PluginSet([], ["NodeName"])
    f = _framework(c, profile)
    assert len(runtime._LAYOUTS) == 2
    assert "NodeName" not in [p.NAME for p in f.points["filter"]]


def test_a_misconfigured_profile_fails_every_time() -> None:
    c = Cluster(nodes=1)
    profile = default_profile()
    profile.plugins["score"] = PluginSet([PluginRef("DefaultBinder", 1)], [])
    for _ in range(2):
        with pytest.raises(PluginError, match='"DefaultBinder" does not extend score'):
            _framework(c, profile)


class _Scorer:
    """A plugin whose score method some instances carry themselves (set at construction)."""

    NAME = "Scorer"

    def __init__(self, scores: bool) -> None:
        if scores:
            self.score = lambda *_: 0


class _Dynamic:
    """A plugin that answers attributes dynamically: asked every time."""

    NAME = "Dynamic"

    def __init__(self, points: set[str]) -> None:
        self.points = points

    def __getattr__(self, name: str) -> object:
        if name in self.points:
            return lambda *_: None
        raise AttributeError(name)


def test_extension_points_are_worked_out_once_per_class() -> None:
    c = Cluster(nodes=1)
    f = _framework(c)
    assert all(runtime._POINTS_OF[type(p)] == runtime._points_of(p) for p in f.plugins.values())
    assert "filter" in runtime._points_of(f.plugins["NodeName"])
    assert "score" not in runtime._points_of(f.plugins["NodeName"])


def test_a_method_an_instance_carries_counts_for_that_instance_only() -> None:
    assert runtime._points_of(_Scorer(False)) == frozenset()
    assert runtime._points_of(_Scorer(True)) == {"score"}
    assert runtime._points_of(_Scorer(False)) == frozenset()
    assert runtime._points_of(_Dynamic({"filter"})) == {"filter"}
    assert runtime._points_of(_Dynamic({"bind", "score"})) == {"bind", "score"}
    assert _Dynamic not in runtime._POINTS_OF


def test_score_weights_come_with_each_profile() -> None:
    c = Cluster(nodes=1)
    default = {p.NAME: w for p, w in _framework(c).scorers}
    assert default["TaintToleration"] == 3 and default["NodeAffinity"] == 2
    profile = default_profile()
    profile.plugins["score"] = PluginSet([PluginRef("TaintToleration", 7)], [])
    weighted = {p.NAME: w for p, w in _framework(c, profile).scorers}
    assert weighted["TaintToleration"] == 7 and weighted["NodeAffinity"] == 2
    runtime._WEIGHTS.clear()  # forgotten on its own: worked out again
    assert {p.NAME: w for p, w in _framework(c).scorers} == default


def test_a_plan_is_not_reused_for_an_instance_that_carries_its_own_points_or_events() -> None:
    """The per-process plan stands for what the plugins' classes say; an instance of the same factory that
    carries a method itself is worked out on its own, and EVENTS and hints are always each plugin's own."""
    from kspec.scheduler.plugins.imagelocality import ImageLocality
    from kspec.scheduler.registry import PluginRegistry

    own: dict[str, object] = {}

    def factory(args, handle):  # type: ignore[no-untyped-def]
        plugin = ImageLocality(args, handle)
        plugin.__dict__.update(own)
        return plugin

    c = Cluster(nodes=1)
    sched = c.require("scheduler")
    registry = PluginRegistry()
    registry._factories = dict(sched.registry._factories)
    registry.replace("ImageLocality", factory)
    plain = Framework(default_profile(), registry, sched, 0)
    again = Framework(default_profile(), registry, sched, 0)
    assert [p.NAME for p in again.points["permit"]] == [p.NAME for p in plain.points["permit"]] == []
    assert again.events == plain.events and again.hints.keys() == plain.hints.keys()
    own.update(permit=lambda *_: None, EVENTS=("Node/Add",), queueing_hint=lambda *_: True)
    mine = Framework(default_profile(), registry, sched, 0)
    assert [p.NAME for p in mine.points["permit"]] == ["ImageLocality"]
    assert mine.events["ImageLocality"] == ("Node/Add",)
    assert "ImageLocality" in mine.hints
    own.clear()
    assert Framework(default_profile(), registry, sched, 0).points["permit"] == []
    own.update(EVENTS=("PersistentVolume/Add",), queueing_hint=lambda *_: True)  # not extension points
    events = Framework(default_profile(), registry, sched, 0)
    assert events.events["ImageLocality"] == ("PersistentVolume/Add",) and "ImageLocality" in events.hints
    assert "PersistentVolume" in events.storage_kinds


def test_a_plugin_that_fails_to_start_is_named() -> None:
    from kspec.scheduler.registry import PluginRegistry

    def broken(args, handle):  # type: ignore[no-untyped-def]
        raise ValueError("no volumes here")

    def refusing(args, handle):  # type: ignore[no-untyped-def]
        raise PluginError("refused as is")

    c = Cluster(nodes=1)
    sched = c.require("scheduler")
    for name in ("SchedulingGates", "VolumeZone", "DefaultBinder"):
        registry = PluginRegistry()
        registry._factories = dict(sched.registry._factories)
        registry.replace(name, broken)
        with pytest.raises(PluginError, match=f'^scheduler plugin "{name}" failed to start: ValueError: no volumes '
                                              "here$"):
            Framework(default_profile(), registry, sched, 0)
        registry.replace(name, refusing)
        with pytest.raises(PluginError, match="^refused as is$"):
            Framework(default_profile(), registry, sched, 0)
