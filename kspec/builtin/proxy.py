"""Registers kube-proxy's modes as the ``proxy`` component: ``iptables`` (default), ``ipvs`` and ``nftables``."""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.proxy.kubeproxy import MODES, KubeProxy


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return sorted(MODES) if component == "proxy" else []


@hookimpl
def kspec_make_proxy(name: str, cluster: Any) -> KubeProxy | None:
    return KubeProxy(cluster, name) if name in MODES else None
