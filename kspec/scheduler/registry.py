"""The registry of framework plugins (runtime.Registry): plugin name -> factory.

Built-in plugins and third-party ones arrive through the
``kspec_scheduler_plugins(registry)`` hook. Registering a name twice is an
error; ``replace`` is the explicit way to swap an in-tree plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kspec.errors import PluginError

Factory = Callable[[dict[str, Any] | None, Any], Any]


class PluginRegistry:
    def __init__(self) -> None:
        self._factories: dict[str, Factory] = {}

    def register(self, factory: Factory, name: str | None = None) -> None:
        """Add a plugin; ``name`` defaults to the factory's ``NAME``."""
        name = name or getattr(factory, "NAME", "")
        if not name:
            raise PluginError(f"scheduler plugin {factory!r} has no NAME")
        if name in self._factories:
            raise PluginError(f'a scheduler plugin named "{name}" already exists '
                              "(use registry.replace to swap an existing plugin)")
        self._factories[name] = factory

    def register_all(self, factories: dict[str, Factory]) -> None:
        """``register`` each of ``factories`` (name -> factory, in order): one dict update when none of the
        names is taken (the in-tree set, registered first), else one by one for ``register``'s errors."""
        if "" not in factories and self._factories.keys().isdisjoint(factories):
            self._factories.update(factories)
            return
        for name, factory in factories.items():
            self.register(factory, name)

    def factories(self, names: list[str]) -> list[Factory]:
        """``[self.get(n) for n in names]``, the lookups run in C (``get`` says which name is unknown)."""
        try:
            return list(map(self._factories.__getitem__, names))
        except KeyError:
            return [self.get(n) for n in names]

    def replace(self, name: str, factory: Factory) -> None:
        if name not in self._factories:
            raise PluginError(f'no scheduler plugin named "{name}" to replace; registered: {self.names_text()}')
        self._factories[name] = factory

    def get(self, name: str) -> Factory:
        try:
            return self._factories[name]
        except KeyError:
            raise PluginError(f'unknown scheduler plugin "{name}": the registered plugins are '
                              f"{self.names_text()}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def names(self) -> list[str]:
        return sorted(self._factories)

    def names_text(self) -> str:
        return ", ".join(f'"{n}"' for n in self.names()) or "none"


def build_registry(pm: Any) -> PluginRegistry:
    """Ask every kspec plugin (built-ins first) to register its framework plugins."""
    from kspec import plugins

    registry = PluginRegistry()
    plugins.collect(pm, "kspec_scheduler_plugins", registry=registry)
    return registry
