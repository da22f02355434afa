"""Workload scenarios that wait on another component's known gap are expected to fail, strictly.

``@needs-kubelet-match-fields``: DaemonSet pods are pinned to their node with a
``matchFields`` (``metadata.name``) node-affinity term, which the kubelet's
admission check does not evaluate yet, so it rejects them with NodeAffinity.
Once it does, these scenarios pass and strict xfail flags the tag for removal.
"""

from __future__ import annotations

import pytest

GAPS = {"needs-kubelet-match-fields": "the kubelet's NodeAffinity admission ignores matchFields (metadata.name)"}


def pytest_configure(config: pytest.Config) -> None:
    for tag, why in GAPS.items():
        config.addinivalue_line("markers", f"{tag}: {why}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for tag, why in GAPS.items():
            if item.get_closest_marker(tag) is not None:
                item.add_marker(pytest.mark.xfail(reason=why, strict=True))
