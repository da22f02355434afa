"""Registers the kubelet node agent and the node-side controllers of kube-controller-manager."""

from __future__ import annotations

from typing import Any

from kspec.controllers.disruption import DisruptionController
from kspec.controllers.nodelifecycle import NodeLifecycleController
from kspec.controllers.podgc import PodGCController
from kspec.controllers.tainteviction import TaintEvictionController
from kspec.hookspec import hookimpl
from kspec.kubelet.agent import NAME, NodeAgent


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "runtime" else []


@hookimpl
def kspec_make_runtime(name: str, cluster: Any) -> NodeAgent | None:
    return NodeAgent(cluster) if name == NAME else None


@hookimpl
def kspec_controllers(cluster: Any) -> list[Any]:
    return [NodeLifecycleController(cluster), TaintEvictionController(cluster), DisruptionController(cluster),
            PodGCController(cluster)]
