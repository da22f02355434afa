"""Registers kube-scheduler ("default-scheduler") and its in-tree framework plugins."""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.scheduler.plugins.defaultbinder import DefaultBinder
from kspec.scheduler.plugins.defaultpreemption import DefaultPreemption
from kspec.scheduler.plugins.imagelocality import ImageLocality
from kspec.scheduler.plugins.interpodaffinity import InterPodAffinity
from kspec.scheduler.plugins.nodeaffinity import NodeAffinity
from kspec.scheduler.plugins.nodename import NodeName
from kspec.scheduler.plugins.nodeports import NodePorts
from kspec.scheduler.plugins.noderesourcesbalancedallocation import NodeResourcesBalancedAllocation
from kspec.scheduler.plugins.noderesourcesfit import NodeResourcesFit
from kspec.scheduler.plugins.nodeunschedulable import NodeUnschedulable
from kspec.scheduler.plugins.nodevolumelimits import NodeVolumeLimits
from kspec.scheduler.plugins.podtopologyspread import PodTopologySpread
from kspec.scheduler.plugins.prioritysort import PrioritySort
from kspec.scheduler.plugins.schedulinggates import SchedulingGates
from kspec.scheduler.plugins.tainttoleration import TaintToleration
from kspec.scheduler.plugins.volumebinding import VolumeBinding
from kspec.scheduler.plugins.volumerestrictions import VolumeRestrictions
from kspec.scheduler.plugins.volumezone import VolumeZone
from kspec.scheduler.registry import PluginRegistry
from kspec.scheduler.scheduler import COMPONENT, Scheduler

#: the in-tree registry (plugins/registry.go NewInTreeRegistry), the DRA plugin left out
IN_TREE = (SchedulingGates, PrioritySort, NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
           NodeResourcesFit, VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone, PodTopologySpread,
           InterPodAffinity, DefaultPreemption,
           NodeResourcesBalancedAllocation, ImageLocality, DefaultBinder)
#: IN_TREE by name, in order: every scheduler's registry gets them in one ``register_all``
_IN_TREE_BY_NAME = {plugin.NAME: plugin for plugin in IN_TREE}


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [COMPONENT] if component == "scheduler" else []


@hookimpl
def kspec_make_scheduler(name: str, cluster: Any) -> Scheduler | None:
    return Scheduler(cluster) if name == COMPONENT else None


@hookimpl
def kspec_scheduler_plugins(registry: PluginRegistry) -> None:
    registry.register_all(_IN_TREE_BY_NAME)
