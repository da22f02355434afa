"""Registers kube-controller-manager's built-in controllers."""

from __future__ import annotations

from typing import Any

from kspec import lazystart
from kspec.auth.aggregation import ClusterRoleAggregationController
from kspec.auth.serviceaccounts import RootCACertPublisher, ServiceAccountsController
from kspec.controllers.attachdetach import AttachDetachController, CSIExternalAttacher
from kspec.controllers.cronjob import CronJobController
from kspec.controllers.daemonset import DaemonSetController
from kspec.controllers.deployment import DeploymentController
from kspec.controllers.endpoints import EndpointsController
from kspec.controllers.endpointslice import EndpointSliceController
from kspec.controllers.endpointslicemirroring import EndpointSliceMirroringController
from kspec.controllers.expand import ExpandController
from kspec.controllers.garbagecollector import GarbageCollector
from kspec.controllers.hpa import HPAController
from kspec.controllers.job import JobController
from kspec.controllers.namespace import NamespaceController
from kspec.controllers.persistentvolume import (
    PersistentVolumeController,
    PVCProtectionController,
    PVProtectionController,
)
from kspec.controllers.replicaset import ReplicaSetController, ReplicationControllerController
from kspec.controllers.resourcequota import ResourceQuotaController
from kspec.controllers.statefulset import StatefulSetController
from kspec.controllers.ttlafterfinished import TTLAfterFinishedController
from kspec.hookspec import hookimpl

#: Controller classes in start order; later issues append theirs.
CONTROLLERS: tuple[type, ...] = (GarbageCollector, NamespaceController, EndpointsController, ReplicaSetController,
                                 ReplicationControllerController, DeploymentController, StatefulSetController,
                                 DaemonSetController, JobController, CronJobController, TTLAfterFinishedController,
                                 HPAController, EndpointSliceController, EndpointSliceMirroringController,
                                 PersistentVolumeController, PVCProtectionController, PVProtectionController,
                                 AttachDetachController, CSIExternalAttacher, ExpandController,
                                 ResourceQuotaController)
# issue 14 (kspec/auth)
CONTROLLERS += (ServiceAccountsController, RootCACertPublisher, ClusterRoleAggregationController)


@hookimpl
def kspec_controllers(cluster: Any) -> list[Any]:
    controllers = [cls(cluster) for cls in CONTROLLERS]
    if not lazystart.ENABLED:  # KSPEC_EAGER_START: every queue made now, not on first use (controllers/base.py)
        for controller in controllers:
            controller.queue  # noqa: B018
    return controllers
