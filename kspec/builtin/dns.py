"""Registers CoreDNS as the ``dns`` component (``coredns``, the default)."""

from __future__ import annotations

from typing import Any

from kspec.dns.coredns import NAME, CoreDNS
from kspec.hookspec import hookimpl


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "dns" else []


@hookimpl
def kspec_make_dns(name: str, cluster: Any) -> CoreDNS | None:
    return CoreDNS(cluster) if name == NAME else None
