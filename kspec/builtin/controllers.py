"""Registers kube-controller-manager's built-in controllers."""

from __future__ import annotations

from typing import Any

from kspec.controllers.endpoints import EndpointsController
from kspec.controllers.garbagecollector import GarbageCollector
from kspec.controllers.namespace import NamespaceController
from kspec.hookspec import hookimpl

#: Controller classes in start order; later issues append theirs.
CONTROLLERS: tuple[type, ...] = (GarbageCollector, NamespaceController, EndpointsController)


@hookimpl
def kspec_controllers(cluster: Any) -> list[Any]:
    return [cls(cluster) for cls in CONTROLLERS]
