"""``KubeSchedulerConfiguration`` (kubescheduler.config.k8s.io/v1): parsing, defaults, plugin sets.

Defaults follow ``apis/config/v1/defaults.go`` and ``default_plugins.go``;
a profile's plugins are merged into the default MultiPoint set the way
``mergePlugins`` does (a re-configured default keeps its place, ``*``
disables all defaults), then expanded per extension point as the framework
runtime does. Decoding is strict, as kube-scheduler's codec is: unknown or
misspelt fields, in the configuration or in an in-tree plugin's args, are
errors (schema.py). What kspec does not model is refused rather than ignored:
extenders, and the dynamic-resource plugin of the default set.
Settings with no effect on a single in-process scheduler (leaderElection,
clientConnection, parallelism, profiling) are accepted.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from itertools import chain, starmap
from operator import attrgetter
from typing import Any

import yaml

from kspec.errors import PluginError, StepError
from kspec.scheduler.profile.schema import CONFIGURATION, PLUGIN_ARGS, strict_error, unknown_fields

API_VERSION = "kubescheduler.config.k8s.io/v1"
KIND = "KubeSchedulerConfiguration"
DEFAULT_SCHEDULER_NAME = "default-scheduler"
#: SetDefaults_KubeSchedulerConfiguration
DEFAULT_PARALLELISM = 16
DEFAULT_POD_INITIAL_BACKOFF_SECONDS = 1
DEFAULT_POD_MAX_BACKOFF_SECONDS = 10
#: getDefaultPlugins (MultiPoint), without DynamicResources (DRA is not modelled)
DEFAULT_PLUGINS: tuple[tuple[str, int], ...] = (
    ("SchedulingGates", 0), ("PrioritySort", 0), ("NodeUnschedulable", 0), ("NodeName", 0),
    ("TaintToleration", 3), ("NodeAffinity", 2), ("NodePorts", 0), ("NodeResourcesFit", 1),
    ("VolumeRestrictions", 0), ("NodeVolumeLimits", 0), ("VolumeBinding", 0), ("VolumeZone", 0),
    ("PodTopologySpread", 2), ("InterPodAffinity", 2), ("DefaultPreemption", 0),
    ("NodeResourcesBalancedAllocation", 1), ("ImageLocality", 1), ("DefaultBinder", 0),
)
#: in-tree plugins of the default set that kspec leaves out (nothing they look at is simulated)
NOT_MODELLED = frozenset({"DynamicResources"})
EXTENSION_POINTS = ("preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore", "score",
                    "reserve", "permit", "preBind", "bind", "postBind")
#: extension point -> the plugin method that implements it
METHODS = {"preEnqueue": "pre_enqueue", "queueSort": "sort_key", "preFilter": "pre_filter", "filter": "filter",
           "postFilter": "post_filter", "preScore": "pre_score", "score": "score", "reserve": "reserve",
           "permit": "permit", "preBind": "pre_bind", "bind": "bind", "postBind": "post_bind"}


@dataclass
class PluginRef:
    name: str
    weight: int = 0


@dataclass
class PluginSet:
    enabled: list[PluginRef] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)


@dataclass
class Profile:
    scheduler_name: str = DEFAULT_SCHEDULER_NAME
    percentage_of_nodes_to_score: int | None = None
    plugins: dict[str, PluginSet] = field(default_factory=dict)  # extension point (and multiPoint) -> set
    plugin_config: dict[str, dict[str, Any]] = field(default_factory=dict)

    def extension_point(self, point: str, implements: dict[str, bool]) -> list[PluginRef]:
        """expandMultiPointPlugins: the point's own entries that MultiPoint also names (overrides, in the point's
        order), then the MultiPoint plugins that implement the point, then the point's other entries; a plugin
        MultiPoint names twice is an error."""
        own = self.plugins.get(point, PluginSet())
        disabled = set(own.disabled)
        if "*" in disabled:
            return list(own.enabled)
        explicit = {p.name for p in own.enabled}
        overrides: set[str] = set()
        multi: list[PluginRef] = []
        for ref in self.plugins.get("multiPoint", PluginSet()).enabled:
            if not implements.get(ref.name) or ref.name in disabled:
                continue
            if ref.name in explicit:
                overrides.add(ref.name)
                continue
            if any(m.name == ref.name for m in multi):
                raise PluginError(f'plugin "{ref.name}" already registered as "{point[0].upper()}{point[1:]}Plugin"')
            multi.append(ref)
        return ([p for p in own.enabled if p.name in overrides] + multi
                + [p for p in own.enabled if p.name not in overrides])

    def score_weight(self, name: str) -> int:
        """A score plugin's weight: the score entry's, else the MultiPoint entry's; zero means 1."""
        for point in ("score", "multiPoint"):
            for ref in self.plugins.get(point, PluginSet()).enabled:
                if ref.name == name:
                    return ref.weight or 1
        return 1

    def names(self) -> list[str]:
        """Every enabled plugin's name, once, in the order the sets name them (the lookups run in C)."""
        return list(dict.fromkeys(map(_NAME, chain.from_iterable(map(_ENABLED, self.plugins.values())))))


@dataclass
class SchedulerConfiguration:
    parallelism: int = DEFAULT_PARALLELISM
    percentage_of_nodes_to_score: int = 0  # DefaultPercentageOfNodesToScore: adaptive
    pod_initial_backoff_seconds: int = DEFAULT_POD_INITIAL_BACKOFF_SECONDS
    pod_max_backoff_seconds: int = DEFAULT_POD_MAX_BACKOFF_SECONDS
    profiles: list[Profile] = field(default_factory=lambda: [default_profile()])


_NAME = attrgetter("name")
_ENABLED = attrgetter("enabled")


def default_profile(name: str = DEFAULT_SCHEDULER_NAME) -> Profile:
    return Profile(name, None, {"multiPoint": PluginSet(list(starmap(PluginRef, DEFAULT_PLUGINS)))})


def _merge(default: PluginSet, custom: PluginSet) -> PluginSet:
    """mergePluginSet: re-configured defaults stay in place, new plugins are appended."""
    disabled = set(custom.disabled)
    custom_index = {p.name: i for i, p in enumerate(custom.enabled)}
    replaced: set[int] = set()
    enabled: list[PluginRef] = []
    if "*" not in disabled:
        for ref in default.enabled:
            if ref.name in disabled:
                continue
            if ref.name in custom_index:
                replaced.add(custom_index[ref.name])
                ref = custom.enabled[custom_index[ref.name]]
            enabled.append(ref)
    enabled += [p for i, p in enumerate(custom.enabled) if i not in replaced]
    return PluginSet(enabled, list(custom.disabled))


def _fail(where: str, message: str) -> StepError:
    return StepError(f"invalid KubeSchedulerConfiguration: {where}: {message}")


def _int(doc: dict[str, Any], key: str, default: int | None, where: str, low: int = 0,
         high: int | None = None) -> int | None:
    if key not in doc or doc[key] is None:
        return default
    value = doc[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(f"{where}{key}", f"Invalid value: {value!r}: must be an integer")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"greater than or equal to {low}"
        raise _fail(f"{where}{key}", f"Invalid value: {value}: not in valid range {bound}")
    return value


def _plugin_set(raw: Any, where: str) -> PluginSet:
    if raw is None:
        return PluginSet()
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping with enabled and disabled lists")
    enabled = []
    for i, p in enumerate(raw.get("enabled") or []):
        if not isinstance(p, dict) or not p.get("name"):
            raise _fail(f"{where}.enabled[{i}].name", "Required value")
        enabled.append(PluginRef(str(p["name"]), int(p.get("weight") or 0)))
    disabled = []
    for i, p in enumerate(raw.get("disabled") or []):
        if not isinstance(p, dict) or not p.get("name"):
            raise _fail(f"{where}.disabled[{i}].name", "Required value")
        disabled.append(str(p["name"]))
    return PluginSet(enabled, disabled)


def parse(text: str | dict[str, Any]) -> SchedulerConfiguration:
    """Read a KubeSchedulerConfiguration document and fill in upstream's defaults."""
    try:
        doc = yaml.safe_load(text) if isinstance(text, str) else text
    except yaml.YAMLError as exc:
        raise StepError(f"the scheduler configuration is not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise StepError("the scheduler configuration must be a KubeSchedulerConfiguration mapping")
    if doc.get("kind", KIND) != KIND:
        raise StepError(f'the scheduler configuration has kind "{doc.get("kind")}", expected {KIND}')
    if doc.get("apiVersion", API_VERSION) != API_VERSION:
        raise StepError(f'the scheduler configuration has apiVersion "{doc.get("apiVersion")}", '
                        f"expected {API_VERSION}")
    unknown = unknown_fields(doc, CONFIGURATION)
    if unknown:  # the strict codec (scheme.Codecs, EnableStrict) refuses what it does not know
        raise StepError(f"invalid {KIND}: {strict_error(unknown)}")
    if doc.get("extenders"):
        raise _fail("extenders", "kspec does not model scheduler extenders (the HTTP webhooks kube-scheduler "
                    "calls for filtering, scoring and binding); remove the extenders list")
    cfg = SchedulerConfiguration()
    cfg.parallelism = _int(doc, "parallelism", DEFAULT_PARALLELISM, "", 1) or DEFAULT_PARALLELISM
    cfg.percentage_of_nodes_to_score = _int(doc, "percentageOfNodesToScore", 0, "", 0, 100) or 0
    cfg.pod_initial_backoff_seconds = _int(doc, "podInitialBackoffSeconds", 1, "", 1) or 1
    cfg.pod_max_backoff_seconds = _int(doc, "podMaxBackoffSeconds", 10, "", 1) or 10
    if cfg.pod_max_backoff_seconds < cfg.pod_initial_backoff_seconds:
        raise _fail("podMaxBackoffSeconds", "Invalid value: must be greater than or equal to "
                    "PodInitialBackoffSeconds")
    raw_profiles = doc.get("profiles")
    if raw_profiles is not None and not isinstance(raw_profiles, list):
        raise _fail("profiles", "must be a list of profiles")
    if raw_profiles:
        cfg.profiles = [_profile(p, i) for i, p in enumerate(raw_profiles)]
    names = [p.scheduler_name for p in cfg.profiles]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise _fail(f"profiles[{i}].schedulerName", f'Duplicate value: "{name}"')
    return cfg


def _profile(raw: Any, index: int) -> Profile:
    where = f"profiles[{index}]"
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    profile = default_profile(str(raw.get("schedulerName") or DEFAULT_SCHEDULER_NAME))
    profile.percentage_of_nodes_to_score = _int(raw, "percentageOfNodesToScore", None, f"{where}.", 0, 100)
    custom = raw.get("plugins") or {}
    if not isinstance(custom, dict):
        raise _fail(f"{where}.plugins", "must be a mapping of extension points")
    for point, raw_set in custom.items():
        if point != "multiPoint" and point not in EXTENSION_POINTS:
            raise _fail(f"{where}.plugins", f'unknown extension point "{point}" (the extension points are '
                        f"multiPoint, {', '.join(EXTENSION_POINTS)})")
        custom_set = _plugin_set(raw_set, f"{where}.plugins.{point}")
        base = profile.plugins.get(point, PluginSet())
        profile.plugins[point] = _merge(base, custom_set)
    for i, pc in enumerate(raw.get("pluginConfig") or []):
        if not isinstance(pc, dict) or not pc.get("name"):
            raise _fail(f"{where}.pluginConfig[{i}].name", "Required value")
        if pc["name"] in profile.plugin_config:
            raise _fail(f"{where}.pluginConfig[{i}]", f'Duplicate value: "{pc["name"]}"')
        raw_args = pc.get("args") or {}
        if not isinstance(raw_args, dict):
            raise _fail(f"{where}.pluginConfig[{i}].args", "must be a mapping")
        _check_args(str(pc["name"]), raw_args, f".{where}.pluginConfig[{i}]")
        args = {k: v for k, v in raw_args.items() if k not in ("apiVersion", "kind")}
        profile.plugin_config[pc["name"]] = args
    return profile


def _check_args(name: str, args: dict[str, Any], where: str) -> None:
    """decodeNestedObjects: an in-tree plugin's args decode strictly into its <Name>Args type; other
    plugins' args stay raw JSON for the plugin to read."""
    schema = PLUGIN_ARGS.get(name)
    if schema is None:
        return
    kind = args.get("kind")
    if kind is not None and kind != f"{name}Args":
        raise StepError(f"invalid {KIND}: decoding {where}: args for plugin {name} were not of type "
                        f"{name}Args.kubescheduler.config.k8s.io, got {kind}.kubescheduler.config.k8s.io")
    unknown = unknown_fields(args, schema)
    if unknown:
        raise StepError(f"invalid {KIND}: strict decoding error: decoding {where}: strict decoding error: "
                        f"decoding args for plugin {name}: {strict_error(unknown)}")


# -- configuration chosen by a scenario before its cluster starts ------------------------------------
_PENDING: weakref.WeakKeyDictionary[Any, SchedulerConfiguration] = weakref.WeakKeyDictionary()


def configure(cluster: Any, text: str) -> SchedulerConfiguration:
    """Remember the configuration for the cluster's scheduler; it applies when the cluster starts."""
    cfg = parse(text)
    if cluster.started:
        raise StepError("the scheduler must be configured before the cluster starts "
                        "(put this step before any When step)")
    from kspec.scheduler.registry import build_registry

    registry = build_registry(cluster.pm)
    for profile in cfg.profiles:
        for name in [*profile.names(), *profile.plugin_config]:
            if name in NOT_MODELLED and name not in registry:
                raise StepError(f'the scheduler configuration of profile "{profile.scheduler_name}" names the '
                                f'in-tree plugin "{name}", which kspec does not model (dynamic '
                                "resources are not simulated); leave it out rather than have it ignored")
            registry.get(name)  # an unknown plugin fails here, listing the registered ones
    _PENDING[cluster] = cfg
    return cfg


def configured(cluster: Any) -> SchedulerConfiguration | None:
    return _PENDING.get(cluster)
