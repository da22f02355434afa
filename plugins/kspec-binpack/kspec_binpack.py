"""A bin-packing scheduler: kspec's default scheduler with a profile that fills nodes up.

It shows the factory hook (``kspec_make_scheduler``) reusing kspec's
scheduling framework: the profile is an ordinary KubeSchedulerConfiguration
in which NodeResourcesFit scores with ``MostAllocated`` and
NodeResourcesBalancedAllocation is switched off, so pods go to the fullest
node that still fits them. Choose it with
``Given the cluster uses the "binpack" scheduler``.
"""

from __future__ import annotations

from typing import Any

from kspec.hookspec import hookimpl
from kspec.scheduler.profile.config import parse
from kspec.scheduler.scheduler import Scheduler

NAME = "binpack"
PROFILE = """
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      disabled:
      - name: NodeResourcesBalancedAllocation
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources:
        - {name: cpu, weight: 1}
        - {name: memory, weight: 1}
"""


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "scheduler" else []


@hookimpl
def kspec_make_scheduler(name: str, cluster: Any) -> Scheduler | None:
    return Scheduler(cluster, parse(PROFILE)) if name == NAME else None
