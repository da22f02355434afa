"""Registers the in-memory store."""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.store import NAME, MemoryStore


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "store" else []


@hookimpl
def kspec_make_store(name: str, cluster: Any) -> MemoryStore | None:
    return MemoryStore() if name == NAME else None
