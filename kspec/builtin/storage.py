"""Registers the built-in ``storage`` implementation "csi" (default StorageClass and simulated provisioners)."""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.storage import NAME, SimulatedCSI


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "storage" else []


@hookimpl
def kspec_make_storage(name: str, cluster: Any) -> SimulatedCSI | None:
    return SimulatedCSI(cluster) if name == NAME else None
