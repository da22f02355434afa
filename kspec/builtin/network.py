"""Registers the pod network (CNI) as the ``network`` component: ``calico`` (default, enforces NetworkPolicy)
and ``flannel`` (connectivity only)."""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.network.cni import IMPLEMENTATIONS


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return sorted(IMPLEMENTATIONS) if component == "network" else []


@hookimpl
def kspec_make_network(name: str, cluster: Any) -> Any:
    cls = IMPLEMENTATIONS.get(name)
    return cls(cluster) if cls is not None else None
