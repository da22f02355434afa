"""The framework runtime: one profile's plugins, run at each extension point (framework/runtime).

Plugins are plain Python objects; the runtime looks their extension-point
methods up once, at construction, so that the per-node loops call bound
methods directly and pluggy is never on the per-node path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from operator import add, attrgetter
from typing import TYPE_CHECKING, Any

from kspec.errors import PluginError
from kspec.scheduler.explain import ByteScores, Same
from kspec.scheduler.framework import (
    MAX_NODE_SCORE,
    MIN_NODE_SCORE,
    STORAGE_EVENT_RESOURCES,
    SUCCESS,
    Code,
    CycleState,
    Diagnosis,
    PostFilterResult,
    PreFilterResult,
    Status,
    error,
    unresolvable,
)
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.profile.config import EXTENSION_POINTS, METHODS, Profile

if TYPE_CHECKING:
    from kspec.scheduler.registry import PluginRegistry
    from kspec.scheduler.scheduler import Scheduler


#: (profile's plugin sets, which plugin implements which point) -> each point's plugin names, in order
_LAYOUTS: dict[tuple[Any, ...], dict[str, tuple[str, ...]]] = {}
LAYOUTS_SIZE = 64


def _profile_key(profile: Profile) -> tuple[Any, ...]:
    """What ``Profile.extension_point`` reads of a profile, hashable."""
    return tuple((point, tuple(map(_NAME_AND_WEIGHT, ps.enabled)), tuple(ps.disabled))
                 for point, ps in profile.plugins.items())


_NAME_AND_WEIGHT = attrgetter("name", "weight")


#: the same key -> each score plugin's weight, in the score point's order (the profile key holds the weights)
_WEIGHTS: dict[tuple[Any, ...], tuple[int, ...]] = {}
#: plugin class -> the extension points its instances implement (asked of every plugin of every new framework)
_POINTS_OF: dict[type, frozenset[str]] = {}
_METHOD_NAMES = frozenset(METHODS.values())


def _points_of(plugin: Any) -> frozenset[str]:
    """The extension points ``plugin`` has a method for; worked out once per class unless the instance itself
    carries such a method or the class answers attributes dynamically (``__getattr__``)."""
    cls = type(plugin)
    points = _POINTS_OF.get(cls)
    if points is None or not _METHOD_NAMES.isdisjoint(getattr(plugin, "__dict__", ())):
        points = frozenset(point for point in EXTENSION_POINTS if hasattr(plugin, METHODS[point]))
        if not hasattr(cls, "__getattr__") and not _METHOD_NAMES & getattr(plugin, "__dict__", {}).keys():
            if len(_POINTS_OF) >= 256:  # classes made on the fly (tests) do not pile up
                _POINTS_OF.clear()
            _POINTS_OF[cls] = points
    return points


def _plain(plugins: list[Any]) -> bool:
    """Whether no plugin carries an extension point's method itself (then, unless its class answers attributes
    dynamically, its extension points are its class's: see ``_points_of``)."""
    try:
        return all(map(_METHOD_NAMES.isdisjoint, map(vars, plugins)))
    except TypeError:  # no __dict__ (slots): not worked out
        return False


class _Plan:
    """What a Framework makes of a profile and of its plugins' extension points: each point's plugin names
    (checked) and the score weights; and the storage resources the EVENTS it saw name. Kept per (profile,
    the plugins' classes) and reused by a framework whose plugins are instances of those classes (none with
    ``__getattr__``) carrying no extension point's method themselves: then the plan holds what ``_points_of``
    answers on them, as its per-class cache does. A profile the plan was made from passed every check, so
    reusing it skips none. EVENTS and queueing hints are read from each framework's own plugins."""

    __slots__ = ("classes", "layout", "weights", "events", "storage_kinds")

    def __init__(self, classes: tuple[type, ...] | None, layout: tuple[tuple[str, ...], ...],
                 weights: tuple[int, ...], events: dict[str, tuple[str, ...]]) -> None:
        self.classes = classes
        self.layout = layout
        self.weights = weights
        self.events = events
        self.storage_kinds = _storage_kinds(events)

    def fits(self, plugins: list[Any]) -> bool:
        return self.classes is not None and tuple(map(type, plugins)) == self.classes and _plain(plugins)


def _storage_kinds(events: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The storage kinds (STORAGE_EVENT_RESOURCES keys) the plugins' EVENTS name, sorted."""
    return tuple(sorted({event.partition("/")[0] for evs in events.values() for event in evs
                         if event.partition("/")[0] in STORAGE_EVENT_RESOURCES}))


#: (profile key, the classes of its plugins) -> _Plan
_PLANS: dict[tuple[Any, ...], _Plan] = {}


#: the byte values of the valid scores: ``bytes(scores).translate(None, _VALID)`` keeps the others
_VALID = bytes(range(MIN_NODE_SCORE, MAX_NODE_SCORE + 1))


def _in_range(scores: Sequence[int]) -> bytes | None:
    """The scores as bytes when every one is an int in [MIN_NODE_SCORE, MAX_NODE_SCORE], found in two C passes
    over bytes (``bytes()`` refuses anything but ints in 0..255) rather than min() and max() comparing
    objects; None for anything else (floats, ...), which the caller then checks as before. The bytes are
    what a kept attempt holds (ByteScores)."""
    try:
        packed = bytes(scores)
    except (TypeError, ValueError):
        return None
    return None if packed.translate(None, _VALID) else packed


class Framework:
    """frameworkImpl: the handle plugins get (``cache``, ``api``, ``namespace_labels``, ``scheduler``)."""

    def __init__(self, profile: Profile, registry: PluginRegistry, scheduler: Scheduler,
                 percentage_of_nodes_to_score: int) -> None:
        self.profile = profile
        self.name = profile.scheduler_name
        self.scheduler = scheduler
        self.cluster = scheduler.cluster
        self.api = scheduler.cluster.api
        self.cache = scheduler.cache
        self.rng = scheduler.cluster.rng
        self.percentage = (profile.percentage_of_nodes_to_score
                           if profile.percentage_of_nodes_to_score is not None else percentage_of_nodes_to_score)
        names = profile.names()
        factories = registry.factories(names)
        self.plugins: dict[str, Any] = {}
        config = profile.plugin_config
        for name, factory in zip(names, factories, strict=True):
            try:
                self.plugins[name] = factory(config.get(name), self)
            except PluginError:
                raise
            except Exception as exc:
                raise PluginError(f'scheduler plugin "{name}" failed to start: {type(exc).__name__}: {exc}') \
                    from exc
        plugins = list(self.plugins.values())
        # keyed by the plugins' classes, not the factories (which may hold on to anything)
        plan_key = (_profile_key(profile), tuple(map(type, plugins)))
        plan = _PLANS.get(plan_key)
        if plan is None or not plan.fits(plugins):
            plan = self._plan(profile)
            if plan.classes is not None:
                if len(_PLANS) >= LAYOUTS_SIZE:
                    _PLANS.clear()
                _PLANS[plan_key] = plan
        self.points: dict[str, list[Any]] = {point: [self.plugins[name] for name in point_names]
                                             for point, point_names in zip(EXTENSION_POINTS, plan.layout, strict=True)}
        self.queue_sort = self.points["queueSort"][0]
        self.filters = [(plugin.NAME, plugin.filter) for plugin in self.points["filter"]]
        self._active_filters: dict[frozenset[str], list[tuple[str, Callable[..., Status | None]]]] = {}
        self.scorers = list(zip(self.points["score"], plan.weights, strict=True))
        self.events: dict[str, tuple[str, ...]] = {name: tuple(getattr(plugin, "EVENTS", ()))
                                                   for name, plugin in self.plugins.items()}
        self.hints: dict[str, Callable[..., bool]] = {name: plugin.queueing_hint
                                                      for name, plugin in self.plugins.items()
                                                      if hasattr(plugin, "queueing_hint")}
        #: the storage resources (STORAGE_EVENT_RESOURCES keys) some plugin's EVENTS name, sorted
        self.storage_kinds = plan.storage_kinds if self.events == plan.events else _storage_kinds(self.events)

    def _plan(self, profile: Profile) -> _Plan:
        """Work out what the profile and the plugins make of each extension point, checking the profile."""
        # the same profile and plugins always expand the same way: remembered per process (every scenario's
        # scheduler builds the default profile's framework)
        layout_key = (_profile_key(profile), tuple((n, _points_of(p)) for n, p in self.plugins.items()))
        layout = _LAYOUTS.get(layout_key)
        if layout is None:
            implements = {point: {n: point in points for n, points in layout_key[1]} for point in EXTENSION_POINTS}
            layout = {}
            for point in EXTENSION_POINTS:
                refs = profile.extension_point(point, implements[point])
                for ref in refs:
                    if ref.name not in self.plugins:
                        raise PluginError(f'scheduler profile "{self.name}": plugin "{ref.name}" is enabled at '
                                          f"{point} but not configured")
                    if not implements[point][ref.name]:
                        raise PluginError(f'scheduler plugin "{ref.name}" does not extend {point}')
                layout[point] = tuple(r.name for r in refs)
            if len(_LAYOUTS) >= LAYOUTS_SIZE:
                _LAYOUTS.clear()
                _WEIGHTS.clear()
            _LAYOUTS[layout_key] = layout
        if len(layout["queueSort"]) != 1:
            raise PluginError(f'scheduler profile "{self.name}" needs exactly one queueSort plugin '
                              f"(has {len(layout['queueSort'])})")
        if not layout["bind"]:
            raise PluginError(f'at least one bind plugin is needed for profile with scheduler name "{self.name}"')
        weights = _WEIGHTS.get(layout_key)
        if weights is None:
            if len(_WEIGHTS) >= LAYOUTS_SIZE:
                _WEIGHTS.clear()
            weights = _WEIGHTS[layout_key] = tuple(profile.score_weight(name) for name in layout["score"])
        events = {n: tuple(getattr(p, "EVENTS", ())) for n, p in self.plugins.items()}
        plugins = list(self.plugins.values())
        # a plan is kept for plugins whose answers come from their classes alone (see _Plan.fits)
        classes = tuple(map(type, plugins)) if _plain(plugins) and not any(
            hasattr(type(p), "__getattr__") for p in plugins) else None
        return _Plan(classes, tuple(layout[point] for point in EXTENSION_POINTS), weights, events)

    # -- handle helpers -----------------------------------------------------------------------
    def namespace_labels(self, namespace: str) -> dict[str, str]:
        ns = self.api.store.get("namespaces", "", namespace)
        return (ns or {}).get("metadata", {}).get("labels") or {}

    def plugin(self, name: str) -> Any:
        return self.plugins.get(name)

    # -- extension points ------------------------------------------------------------------------
    def run_pre_enqueue(self, pi: PodInfo) -> Status | None:
        for p in self.points["preEnqueue"]:
            status = p.pre_enqueue(pi)
            if status is not None and not status.success:
                return status.with_plugin(p.NAME)
        return None

    def run_pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult, Status | None]:
        """RunPreFilterPlugins: Skip drops the plugin's Filter; results intersect. An Unschedulable status lets
        the other PreFilters run (preemption needs their state, kubernetes#119770) and is returned at the end;
        ``result.plugins`` names the plugins whose result narrowed the nodes (the "unscheduledPlugins")."""
        result = PreFilterResult()
        with_nodes: list[str] = []
        rejected: Status | None = None
        for p in self.points["preFilter"]:
            res, status = p.pre_filter(state, pi)
            if status is not None and status.code == Code.SKIP:
                state.skip_filter.add(p.NAME)
                continue
            if status is not None and not status.success:
                if status.code == Code.UNSCHEDULABLE:
                    rejected = rejected or status.with_plugin(p.NAME)
                    continue
                return result, status.with_plugin(p.NAME)
            if res is not None and res.node_names is not None:
                with_nodes.append(p.NAME)
                result = result.merge(res)
                result.plugins = list(with_nodes)
                if not result.node_names:
                    msg = (f"node(s) didn't satisfy plugin {with_nodes[0]}" if len(with_nodes) == 1 else
                           f"node(s) didn't satisfy plugin(s) [{' '.join(with_nodes)}] simultaneously")
                    return result, unresolvable(msg)  # no one plugin: result.plugins name them
        return result, rejected

    def active_filters(self, state: CycleState) -> list[tuple[str, Callable[..., Status | None]]]:
        if not state.skip_filter:
            return self.filters
        key = frozenset(state.skip_filter)  # the same few sets come back pod after pod (the volume plugins skip)
        found = self._active_filters.get(key)
        if found is None:
            found = self._active_filters[key] = [(name, f) for name, f in self.filters if name not in key]
        return found

    def run_filters(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        """RunFilterPlugins: the first rejection; an Error reads 'running "X" filter plugin: ...'."""
        for name, f in self.active_filters(state):
            status = f(state, pi, ni)
            if status is not None and status.code != Code.SUCCESS:
                if status.code == Code.ERROR:
                    return Status(Code.ERROR, f'running "{name}" filter plugin: {status.message}', plugin=name)
                return status.with_plugin(name)
        return None

    def run_filters_with_nominated(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        """RunFilterPluginsWithNominatedPods: pass with and without equal-or-higher nominated pods."""
        nominated = self.scheduler.queue.nominated_for(ni.name, pi)
        if nominated:
            copy = ni.clone()
            state_copy = state.clone()
            for other in nominated:
                copy.add_pod(other)
                status = self.run_add_pod(state_copy, pi, other, copy)
                if status is not None:
                    return status
            status = self.run_filters(state_copy, pi, copy)
            if status is not None:
                return status
        return self.run_filters(state, pi, ni)

    def run_add_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> Status | None:
        """RunPreFilterExtensionAddPod: None, or the Error of the first AddPod that failed."""
        return self._run_extension("add_pod", "AddPod", state, pi, other, ni)

    def run_remove_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> Status | None:
        """RunPreFilterExtensionRemovePod: None, or the Error of the first RemovePod that failed."""
        return self._run_extension("remove_pod", "RemovePod", state, pi, other, ni)

    def _run_extension(self, method: str, point: str, state: CycleState, pi: PodInfo, other: PodInfo,
                       ni: NodeInfo) -> Status | None:
        for p in self.points["preFilter"]:
            if p.NAME not in state.skip_filter and hasattr(p, method):
                status = getattr(p, method)(state, pi, other, ni)
                if status is not None and not status.success:
                    return error(f'running {point} on PreFilter plugin "{p.NAME}": {status.message}')
        return None

    def run_post_filter(self, state: CycleState, pi: PodInfo, diagnosis: Diagnosis
                        ) -> tuple[PostFilterResult | None, Status]:
        """RunPostFilterPlugins: the first plugin that makes the pod schedulable wins."""
        if state.skip_all_post_filter:
            return None, Status(Code.UNSCHEDULABLE, "All PostFilter plugins are skipped")
        statuses: list[Status] = []
        result = None
        for p in self.points["postFilter"]:
            res, status = p.post_filter(state, pi, diagnosis)
            if status.success:
                return res, status
            if status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                return res, status.with_plugin(p.NAME)
            if status.code == Code.ERROR:
                return None, status.with_plugin(p.NAME)
            if res is not None and result is None:
                result = res
            statuses.append(status.with_plugin(p.NAME))
        if not statuses:
            return None, Status(Code.UNSCHEDULABLE)
        reasons = [r for s in statuses for r in s.reasons]
        return result, Status(Code.UNSCHEDULABLE, *reasons, plugin=statuses[0].plugin)

    def run_pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        for p in self.points["preScore"]:
            status = p.pre_score(state, pi, nodes)
            if status is not None and status.code == Code.SKIP:
                state.skip_score.add(p.NAME)
            elif status is not None and not status.success:
                return status.with_plugin(p.NAME)
        return None

    def run_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]
                  ) -> tuple[list[int], dict[str, Sequence[int]]]:
        """RunScorePlugins + NormalizeScore + weights: the totals and each plugin's weighted scores."""
        totals, offset, per_plugin = self.run_score_parts(state, pi, nodes)
        return (list(map(partial(add, offset), totals)) if offset else list(totals)), per_plugin

    def run_score_parts(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]
                        ) -> tuple[Sequence[int], int, dict[str, Sequence[int]]]:
        """``run_score`` with the totals given as the sum of the scores that differ between nodes plus the
        ``offset`` the others add to every node: the same ranking and ties, without a pass adding it (the
        scheduler adds it once, when it keeps the attempt). The totals may be a plugin's own list, or
        ``bytes`` (each total at most 200) when at most two plugins of weight 1 vary."""
        per_plugin: dict[str, Sequence[int]] = {}
        varying: list[list[int]] = []
        # the varying scores as the bytes the range check made, while every one has them and weight 1
        small: list[bytes] | None = []
        offset = 0
        for p, weight in self.scorers:
            if p.NAME in state.skip_score:
                continue
            uniform = getattr(p, "uniform_score", None)
            value = uniform(state, pi, nodes) if uniform is not None and nodes else None
            if value is not None and MIN_NODE_SCORE <= value <= MAX_NODE_SCORE:
                # every node's normalized score, known without scoring each (no prefer-taints anywhere...)
                offset += value * weight
                per_plugin[p.NAME] = Same(value * weight, len(nodes))
                continue
            batch = getattr(p, "score_nodes", None)
            if batch is not None:
                scores = batch(state, pi, nodes)
            else:
                # a Score that fails answers a (non-success) Status instead of a number
                scores = [p.score(state, pi, ni) for ni in nodes]
                if Status in set(map(type, scores)):
                    failed = next(s for s in scores if type(s) is Status)
                    raise PluginError(f'running Score plugins: plugin "{p.NAME}" failed with: {failed.message}')
            normalize = getattr(p, "normalize_score", None)
            if normalize is not None:
                failed = normalize(state, pi, scores, nodes)
                if failed is not None and not failed.success:
                    raise PluginError(f'running Normalize on Score plugins: plugin "{p.NAME}" failed with: '
                                      f"{failed.message}")
            # one value (count is cheap on equal ints; a first and last that differ rule it out without a pass)
            packed = None
            if not scores:
                low = high = 0
            elif scores[0] == scores[-1] and scores.count(scores[0]) == len(scores):
                low = high = scores[0]
            else:  # they differ: only the range is checked (see _in_range)
                packed = _in_range(scores)
                low, high = (MIN_NODE_SCORE, MAX_NODE_SCORE) if packed is not None else (min(scores), max(scores))
            if high > MAX_NODE_SCORE or low < MIN_NODE_SCORE:
                bad = next(i for i, s in enumerate(scores) if not MIN_NODE_SCORE <= s <= MAX_NODE_SCORE)
                raise PluginError(f'applying score defaultWeights on Score plugins: plugin "{p.NAME}" returns an '
                                  f"invalid score {scores[bad]}, it should in the range of "
                                  f"[{MIN_NODE_SCORE}, {MAX_NODE_SCORE}] after normalizing")
            if low == high:  # the same for every node: it shifts the totals but decides nothing
                offset += low * weight
                per_plugin[p.NAME] = Same(low * weight, len(nodes))  # a list's reads, two slots kept
                continue
            if weight != 1:
                scores = [s * weight for s in scores]
            # the checked bytes and the weight stand for the weighted list: what a kept attempt holds
            per_plugin[p.NAME] = ByteScores(packed, weight) if packed is not None else scores
            varying.append(scores)
            if packed is not None and weight == 1 and small is not None:
                small.append(packed)
            else:
                small = None
        if not varying:
            return [0] * len(nodes), offset, per_plugin
        if small is not None and len(small) <= 2:
            # at most two sets of scores of 0..100: their sums fit a byte each, so the totals are the sum of the
            # bytes read as two big integers (no carry crosses a byte), and select_host reads bytes in C
            if len(small) == 1:
                return small[0], offset, per_plugin
            return (int.from_bytes(small[0], "little") + int.from_bytes(small[1], "little")).to_bytes(
                len(nodes), "little"), offset, per_plugin
        # pairwise sums in C (the same ints as summing each node's column)
        totals = varying[0]
        for scores in varying[1:]:
            if len(scores) != len(totals):
                raise ValueError("score lists differ in length")
            totals = list(map(add, totals, scores))
        return totals, offset, per_plugin

    def _run_simple(self, point: str, method: str, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        """The first status that is not a success; an Error reads 'running <Point> plugin "X": ...'."""
        for p in self.points[point]:
            status = getattr(p, method)(state, pi, node)
            if status is not None and not status.success:
                if status.code == Code.ERROR:
                    return error(f'running {point[0].upper()}{point[1:]} plugin "{p.NAME}": {status.message}')
                return status.with_plugin(p.NAME)
        return None

    def run_reserve(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        return self._run_simple("reserve", "reserve", state, pi, node)

    def run_unreserve(self, state: CycleState, pi: PodInfo, node: str) -> None:
        for p in reversed(self.points["reserve"]):
            if hasattr(p, "unreserve"):
                p.unreserve(state, pi, node)

    def run_permit(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        """Permit; a Wait is not modelled and counts as a rejection naming the plugin."""
        status = self._run_simple("permit", "permit", state, pi, node)
        if status is not None and status.code == Code.WAIT:
            return unresolvable(f"waiting on permit from {status.plugin} is not simulated").with_plugin(
                status.plugin)
        return status

    def run_pre_bind_pre_flights(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        """RunPreBindPreFlights: None when some PreBind plugin has work to do, Skip when none has (a plugin
        without ``pre_bind_pre_flight`` always has); the plugins that said Skip are left out of PreBind."""
        skipped: set[str] = set()
        result: Status | None = Status(Code.SKIP)
        for p in self.points["preBind"]:
            pre_flight = getattr(p, "pre_bind_pre_flight", None)
            status = pre_flight(state, pi, node) if pre_flight is not None else None
            if status is None or status.success:
                result = None
            elif status.code == Code.SKIP:
                skipped.add(p.NAME)
            elif status.code == Code.ERROR:
                return error(f'running PreBindPreFlight "{p.NAME}": {status.message}')
            else:
                return error(f'PreBindPreFlight {p.NAME} returned "{status.code.title}", which is unsupported. It '
                             "is supposed to return Success, Skip, or Error status")
        state.skip_pre_bind = skipped
        return result

    def run_pre_bind(self, state: CycleState, pi: PodInfo, node: str, resume_from: str | None = None
                     ) -> Status | None:
        """RunPreBindPlugins. A plugin may answer Wait (VolumeBinding waiting for the PV controller): the
        scheduler calls again later with ``resume_from`` naming it, and the plugins before it are not rerun."""
        if state.skip_pre_bind or resume_from is not None:
            names = [p.NAME for p in self.points["preBind"]]
            start = names.index(resume_from) if resume_from in names else 0
            for p in self.points["preBind"][start:]:
                if p.NAME in state.skip_pre_bind:
                    continue
                status = p.pre_bind(state, pi, node)
                if status is not None and not status.success:
                    if status.code == Code.ERROR:
                        return error(f'running PreBind plugin "{p.NAME}": {status.message}')
                    return status.with_plugin(p.NAME)
            return None
        return self._run_simple("preBind", "pre_bind", state, pi, node)

    def run_bind(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        """RunBindPlugins: binders are tried in order until one does not Skip."""
        for p in self.points["bind"]:
            status = p.bind(state, pi, node)
            if status is not None and status.code == Code.SKIP:
                continue
            if status is not None and not status.success:
                if status.code == Code.ERROR:
                    return error(f'running Bind plugin "{p.NAME}": {status.message}')
                return status.with_plugin(p.NAME)
            return None
        return error("all bind plugins skipped the pod")

    def run_post_bind(self, state: CycleState, pi: PodInfo, node: str) -> None:
        for p in self.points["postBind"]:
            p.post_bind(state, pi, node)


__all__ = ["Framework", "SUCCESS"]
