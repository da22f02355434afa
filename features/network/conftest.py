"""Scenarios tagged @needs-kubelet run only when a node agent (the ``runtime`` component) is registered."""

from __future__ import annotations

import pytest

from kspec import plugins


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if plugins.registered_names(plugins.default_manager(), "runtime"):
        return
    skip = pytest.mark.skip(reason="needs the kubelet (runtime component), which is not registered")
    for item in items:
        if any(m.name == "needs-kubelet" for m in item.iter_markers()):
            item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs-kubelet: the scenario needs running pods (the kubelet)")
