"""Component names are asked of the plugins once per set of registered plugins, not on every lookup."""

from __future__ import annotations

from kspec import plugins
from kspec.hookspec import hookimpl


class Counting:
    calls = 0

    @hookimpl
    def kspec_component_names(self, component: str) -> list[str]:
        Counting.calls += 1
        return ["counted"] if component == "scheduler" else []


class Late:
    @hookimpl
    def kspec_component_names(self, component: str) -> list[str]:
        return ["late"] if component == "scheduler" else []


def test_names_are_asked_once_and_again_when_a_plugin_comes() -> None:
    pm = plugins.new_manager([Counting()], entry_points=False)
    first = plugins.registered_names(pm, "scheduler")
    first["x"] = "mutated by a caller"
    second = plugins.registered_names(pm, "scheduler")
    assert Counting.calls == 1
    assert "counted" in second and "x" not in second
    pm.register(Late())
    assert "late" in plugins.registered_names(pm, "scheduler")
    assert Counting.calls == 2
