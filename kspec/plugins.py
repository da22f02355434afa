"""Loading plugins and choosing component implementations by name."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import cache
from typing import Any

import pluggy

from kspec import hookspec
from kspec.blame import where
from kspec.errors import NotImplementedYet, PluginError

#: Built-in plugin modules, registered like any third-party plugin.
BUILTIN_PLUGINS = (
    "kspec.builtin.store",
    "kspec.builtin.controllers",
    "kspec.builtin.etcd",
    "kspec.builtin.proxy",
    "kspec.builtin.dns",
    "kspec.builtin.runtime",
    "kspec.builtin.scheduler",
    "kspec.builtin.loadbalancer",
    "kspec.builtin.network",
    "kspec.builtin.ingress",
    "kspec.builtin.storage",
)
ENTRY_POINT_GROUP = "kspec"


def new_manager(extra: Iterable[object] = (), *, entry_points: bool = True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("kspec")
    pm.add_hookspecs(hookspec)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if entry_points:
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except Exception as exc:  # an installed plugin that fails to import
            raise PluginError(f"an installed kspec plugin failed to load: {type(exc).__name__}: {exc}") from exc
    for plugin in extra:
        if not pm.is_registered(plugin):
            pm.register(plugin)
    return pm


@cache
def default_manager() -> pluggy.PluginManager:
    """The manager with built-ins and installed entry points; loading them once per process."""
    return new_manager()


def plugin_name(pm: pluggy.PluginManager, plugin: object) -> str:
    return pm.get_name(plugin) or getattr(plugin, "__name__", type(plugin).__name__)


#: (manager, component) -> (the hook implementations asked, their answer): every cluster asks several times
_NAMES: dict[tuple[int, str], tuple[tuple[Any, ...], dict[str, str]]] = {}


def registered_names(pm: pluggy.PluginManager, component: str) -> dict[str, str]:
    """Implementation name -> providing plugin; a name claimed twice is an error.

    Asked again with the same plugins registered, the answer is the one given before.
    """
    return dict(owners_of(pm, component))


def owners_of(pm: pluggy.PluginManager, component: str) -> dict[str, str]:
    """``registered_names``' answer itself, not a copy: for callers that only read it (``Cluster.start``)."""
    impls = tuple(pm.hook.kspec_component_names.get_hookimpls())  # kept: not the manager's own list
    known = _NAMES.get((id(pm), component))
    if known is not None and known[0] == impls:
        return known[1]
    owners = _registered_names(pm, component)
    if len(_NAMES) > 256:
        _NAMES.clear()
    _NAMES[(id(pm), component)] = (impls, owners)
    return owners


def _registered_names(pm: pluggy.PluginManager, component: str) -> dict[str, str]:
    owners: dict[str, str] = {}
    for impl in reversed(pm.hook.kspec_component_names.get_hookimpls()):
        names = call_impl(impl, "kspec_component_names", component=component) or []
        for name in names:
            if name in owners and owners[name] != impl.plugin_name:
                raise PluginError(f'{component} "{name}" is registered twice: by plugin "{owners[name]}" '
                                  f'and by plugin "{impl.plugin_name}"')
            owners[name] = impl.plugin_name
    return owners


def call_impl(impl: Any, hook: str, **kwargs: Any) -> Any:
    """Call one hook implementation, naming the plugin if it raises."""
    try:
        return impl.function(*map(kwargs.__getitem__, impl.argnames))
    except PluginError:
        raise
    except Exception as exc:
        lines = [f'plugin "{impl.plugin_name}" failed in {hook}: {type(exc).__name__}: {exc}', *where(exc)]
        raise PluginError("\n".join(lines)) from exc


def make_component(pm: pluggy.PluginManager, component: str, name: str, cluster: Any,
                   owners: dict[str, str] | None = None) -> Any:
    """Build the ``component`` called ``name``; an unknown name lists the registered ones. ``owners``: what
    ``owners_of`` answered just now, when the caller asked already."""
    if owners is None:
        owners = owners_of(pm, component)
    if not owners:
        raise NotImplementedYet(f'not implemented yet: no {component} implementation is registered, so the '
                                f'{component} "{name}" cannot be used')
    if name not in owners:
        known = ", ".join(f'"{n}"' for n in sorted(owners)) or "none"
        raise PluginError(f'unknown {component} "{name}": the registered {component} implementations are {known}')
    hook = f"kspec_make_{component}"
    for impl in reversed(getattr(pm.hook, hook).get_hookimpls()):
        result = call_impl(impl, hook, name=name, cluster=cluster)
        if result is not None:
            return result
    raise PluginError(f'plugin "{owners[name]}" registers {component} "{name}" but its {hook} returned nothing')


def collect(pm: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[Any]:
    """Call a non-firstresult hook on every plugin, flattening list results, naming a plugin that raises."""
    out: list[Any] = []
    for impl in reversed(getattr(pm.hook, hook).get_hookimpls()):
        result = call_impl(impl, hook, **kwargs)
        if isinstance(result, list | tuple):
            out.extend(result)
        elif result is not None:
            out.append(result)
    return out
