"""Differential runs: the same actions on two clusters that differ in one component, and where they part.

A scheduler or controller author wants to know not only whether a spec passes with their implementation but
how its run differs from the default one. Both runs use the same seed, so everything up to the first
divergence is identical; the first event (on the virtual timeline) that differs, or else the first object
whose final state differs, is what the two implementations decide differently.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from kspec.durations import format_duration
from kspec.errors import KspecError
from kspec.hookspec import COMPONENTS

if TYPE_CHECKING:
    from kspec.cluster import Cluster, NodeSpec

#: Resources left out of the object comparison: Events are compared through the event log, in order.
SKIPPED_RESOURCES = ("events",)
#: Fields that name a write rather than a state: equal states written in a different order differ only here.
VOLATILE_FIELDS = ("resourceVersion", "uid", "managedFields")
#: How many changed lines of an object's YAML the short diff shows.
DIFF_LINES = 12
#: The random 5-character suffix of a generated name (apimachinery's ``utilrand`` alphabet: no vowels, no 0/1/3).
GENERATED_SUFFIX = re.compile(r"(?<=[a-z0-9]-)[bcdfghjklmnpqrstvwxz2456789]{5}\b")


@dataclass
class Trace:
    """What one run did: its outcome, its events in order, and every object's final state."""

    label: str
    outcome: str = "passed"  # "passed" or "failed"
    failure: str = ""  # the failing step and the first line of why
    events: list[tuple[int, str]] = field(default_factory=list)  # (time ms, "type reason kind ns/name: message")
    shown: list[str] = field(default_factory=list)  # the events as emitted (``events`` may have names renamed)
    components: list[str] = field(default_factory=list)  # who emitted each event (shown, not compared)
    objects: dict[str, str] = field(default_factory=dict)  # "resource ns/name" -> canonical JSON
    end_ms: int = 0  # the virtual time the run ended at (``settle`` waits longer for a busier component)

    @property
    def summary(self) -> str:
        return f"{self.outcome}, ended at t={format_duration(self.end_ms)}" + (f": {self.failure}" if self.failure
                                                                                else "")


@dataclass
class Divergence:
    """The first point where two traces differ: an event (``index`` in the log) or an object's final state."""

    what: str  # "event", "event count" or "object"
    where: str  # "event #4 at 1.2s" or "pod default/web"
    lines: list[str]  # the short diff

    def __str__(self) -> str:
        return "\n".join([f"first divergence: {self.where}", *(f"  {line}" for line in self.lines)])


@dataclass
class Comparison:
    a: Trace
    b: Trace
    divergence: Divergence | None

    @property
    def diverged(self) -> bool:
        return self.divergence is not None or self.a.outcome != self.b.outcome

    def report(self) -> str:
        width = max(len(self.a.label), len(self.b.label))
        lines = [f"{self.a.label:<{width}}  {self.a.summary}", f"{self.b.label:<{width}}  {self.b.summary}"]
        lines.append(str(self.divergence) if self.divergence else "no divergence: same events, same objects")
        return "\n".join(lines)


def trace_of(cluster: Cluster | None, label: str, *, failure: str = "", rename: bool = True) -> Trace:
    """The trace of a run that ended (``failure`` says where it failed, empty if it passed).

    With ``rename``, generated names' random suffixes are numbered by first appearance (``web-7d4f-#1``):
    both runs share one seeded random stream, so an implementation that draws one number more or less
    (the default scheduler breaks score ties at random; first-fit does not) renames every pod made after
    it, and the first divergence would be a name rather than a decision.
    """
    trace = Trace(label, "failed" if failure else "passed", failure)
    if cluster is None:
        return trace
    trace.end_ms = cluster.clock.now
    numbers: dict[str, str] = {}

    def renamed(text: str) -> str:
        if not rename:
            return text
        return GENERATED_SUFFIX.sub(lambda m: numbers.setdefault(m.group(0), f"#{len(numbers) + 1}"), text)

    for record in cluster.events.log:
        text = f"{record.type} {record.reason} {record.kind.lower()} {record.namespace}/{record.name}: " \
               f"{record.message}"
        trace.shown.append(text)
        trace.events.append((record.time_ms, renamed(text)))
        trace.components.append(record.component)
    store = cluster.api.store
    for resource in sorted(getattr(store, "_data", {})):
        if resource in SKIPPED_RESOURCES:
            continue
        for obj in store.list(resource):
            md = obj.get("metadata", {})
            key = f"{resource} {md.get('namespace') or ''}/{md.get('name', '')}".replace(" /", " ")
            trace.objects[renamed(key)] = renamed(json.dumps(_stable(obj), sort_keys=True))
    return trace


def _stable(value: Any) -> Any:
    """The object without the fields that record how it was written (resourceVersion, uid)."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE_FIELDS}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def diverge(a: Trace, b: Trace) -> Divergence | None:
    """The first event where the two runs differ, else the first object (by resource and name) whose final
    state differs; None when both did the same. The emitting component is not compared: a replacement
    scheduler signs its events with its own name."""
    width = max(len(a.label), len(b.label))
    for i, (ea, eb) in enumerate(zip(a.events, b.events, strict=False)):
        if ea != eb:
            time = min(ea[0], eb[0])
            return Divergence("event", f"event #{i + 1} at {format_duration(time)} of virtual time", [
                *_previous(a, b, i, width), f"- {a.label + ':':<{width + 1}} {_event(a, i)}",
                f"+ {b.label + ':':<{width + 1}} {_event(b, i)}"])
    if len(a.events) != len(b.events):
        n = min(len(a.events), len(b.events))
        longer = a if len(a.events) > n else b
        sign = "-" if longer is a else "+"
        return Divergence("event count", f"event #{n + 1}: only {longer.label} emitted more events "
                          f"({len(a.events)} vs {len(b.events)})", [f"{sign} {longer.label}: {_event(longer, n)}"])
    for key in sorted(set(a.objects) | set(b.objects)):
        oa, ob = a.objects.get(key), b.objects.get(key)
        if oa == ob:
            continue
        if oa is None or ob is None:
            only = a if ob is None else b
            return Divergence("object", f"{key} (final state)", [f"{'-' if only is a else '+'} only {only.label} "
                                                                 f"has {key}"])
        return Divergence("object", f"{key} (final state)", _object_diff(a.label, oa, b.label, ob))
    return None


def _event(trace: Trace, i: int, other: Trace | None = None) -> str:
    time, text = trace.events[i]
    source = trace.components[i]
    if other is not None and other.components[i] != source:
        source += f" / {other.components[i]}"
    return f"[{format_duration(time)}] {trace.shown[i] if trace.shown else text} (from {source})"


def _previous(a: Trace, b: Trace, i: int, width: int) -> list[str]:
    """The last event both runs share (each side's emitter when they differ)."""
    return [f"  {'both:':<{width + 1}} {_event(a, i - 1, b)}"] if i else []


def _object_diff(label_a: str, a: str, label_b: str, b: str) -> list[str]:
    ya = yaml.safe_dump(json.loads(a), sort_keys=True).splitlines()
    yb = yaml.safe_dump(json.loads(b), sort_keys=True).splitlines()
    lines = [line for line in difflib.unified_diff(ya, yb, label_a, label_b, n=0, lineterm="")
             if not line.startswith("@@")]
    return lines[:DIFF_LINES + 2] + (["  ..."] if len(lines) > DIFF_LINES + 2 else [])


def parse_spec(text: str, known: Callable[[str], Iterable[str]]) -> tuple[str, tuple[str, str]]:
    """``component=impl-a,impl-b`` -> (component, (impl-a, impl-b)); ``known(component)`` lists the registered
    names. Raises ValueError with the one thing that is wrong."""
    component, sep, names = text.partition("=")
    component = component.strip()
    if not sep or not component:
        raise ValueError(f'"{text}" is not COMPONENT=IMPL-A,IMPL-B (e.g. scheduler=default-scheduler,first-fit)')
    if component not in COMPONENTS:
        raise ValueError(f'unknown component "{component}": the components are {", ".join(COMPONENTS)}')
    impls = [n.strip() for n in names.split(",")]
    if len(impls) != 2 or not all(impls):
        raise ValueError(f'"{text}" must name two {component} implementations separated by a comma')
    if impls[0] == impls[1]:
        raise ValueError(f'"{text}" names the {component} "{impls[0]}" twice: compare two different ones')
    registered = sorted(known(component))
    for name in impls:
        if name not in registered:
            listed = ", ".join(f'"{n}"' for n in registered) or "none"
            raise ValueError(f'unknown {component} "{name}": the registered {component} implementations are '
                             f"{listed}")
    return component, (impls[0], impls[1])


def run(actions: Callable[[Cluster], Any], *, label: str = "", nodes: int | Iterable[NodeSpec | str] = 0,
        seed: int = 0, plugins_: Iterable[object] = (), rename: bool = True, **choices: str | None) -> Trace:
    """Build a cluster with ``choices``, run ``actions`` on it, and trace it; an AssertionError or a kspec
    error ends the run as failed (its message kept), anything else is a bug and propagates."""
    from kspec.cluster import Cluster

    cluster = Cluster(nodes=list(nodes) if not isinstance(nodes, int) else nodes, seed=seed,
                      plugins_=tuple(plugins_), **choices)
    return run_on(cluster, actions, label or ", ".join(f"{k}={v}" for k, v in sorted(choices.items()) if v),
                  rename=rename)


def run_on(cluster: Cluster, actions: Callable[[Cluster], Any], label: str, *, rename: bool = True) -> Trace:
    """Run ``actions`` on a cluster built in code and trace it (a failed assertion ends the run as failed)."""
    failure = ""
    try:
        actions(cluster)
    except (AssertionError, KspecError) as exc:
        failure = (str(exc).splitlines() or [type(exc).__name__])[0]
    return trace_of(cluster, label, failure=failure, rename=rename)


def compare_clusters(actions: Callable[[Cluster], Any], a: Cluster, b: Cluster, *, labels: tuple[str, str] = ("a", "b"),
                     rename: bool = True) -> Comparison:
    """Run ``actions`` on two clusters built in code (any difference: a component, a plugin, a configuration);
    give both the same seed, or their first difference may be a random draw."""
    ta, tb = run_on(a, actions, labels[0], rename=rename), run_on(b, actions, labels[1], rename=rename)
    return Comparison(ta, tb, diverge(ta, tb))


def compare(actions: Callable[[Cluster], Any], *, component: str, implementations: tuple[str, str],
            nodes: int | Iterable[NodeSpec | str] = 0, seed: int = 0, plugins_: Iterable[object] = (),
            rename: bool = True, **choices: str | None) -> Comparison:
    """Run ``actions`` on two clusters that differ only in ``component`` (same seed, nodes, other choices);
    ``rename``: compare generated names by order of appearance, not by their random suffixes."""
    if component not in COMPONENTS:
        raise ValueError(f'unknown component "{component}": the components are {", ".join(COMPONENTS)}')
    node_list = nodes if isinstance(nodes, int) else list(nodes)
    plugin_list = tuple(plugins_)
    traces = [run(actions, label=name, nodes=node_list, seed=seed, plugins_=plugin_list, rename=rename,
                  **{**choices, component: name}) for name in implementations]
    return Comparison(traces[0], traces[1], diverge(traces[0], traces[1]))


__all__ = ["Comparison", "Divergence", "Trace", "compare", "compare_clusters", "diverge", "parse_spec", "run", "run_on",
           "trace_of"]
