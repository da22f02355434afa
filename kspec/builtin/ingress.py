"""Registers the built-in ``ingress`` implementation "nginx" (modelled on ingress-nginx, kspec/ingress)."""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.ingress.controller import NAME, NginxIngress


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "ingress" else []


@hookimpl
def kspec_make_ingress(name: str, cluster: Any) -> NginxIngress | None:
    return NginxIngress(cluster) if name == NAME else None
