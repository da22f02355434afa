"""Registers the built-in ``loadbalancer`` implementation "pool" (addresses from a pool, kspec/loadbalancer)."""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.loadbalancer.controller import NAME, PoolLoadBalancer


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "loadbalancer" else []


@hookimpl
def kspec_make_loadbalancer(name: str, cluster: Any) -> PoolLoadBalancer | None:
    return PoolLoadBalancer(cluster) if name == NAME else None
