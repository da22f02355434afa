"""DefaultBinder: POST the pod's binding to the API server."""

from __future__ import annotations

from typing import Any

from kspec.errors import ApiError
from kspec.scheduler.framework import CycleState, Plugin, Status, error
from kspec.scheduler.nodeinfo import PodInfo

NAME = "DefaultBinder"


def select_node_for_claims(api: Any, namespace: str, pod: dict[str, Any], node: str) -> None:
    """KSPEC STAND-IN for VolumeBinding's PreBind (there is no VolumeBinding plugin yet): annotate each unbound
    WaitForFirstConsumer claim of the pod with ``volume.kubernetes.io/selected-node``, so it is provisioned there."""
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        name = (vol.get("persistentVolumeClaim") or {}).get("claimName")
        claim = api.try_get("persistentvolumeclaims", name, namespace) if name else None
        if claim is None or (claim.get("spec") or {}).get("volumeName"):
            continue
        cls = api.try_get("storageclasses", claim["spec"].get("storageClassName") or "", "")
        if cls is None or cls.get("volumeBindingMode") != "WaitForFirstConsumer":
            continue
        if (claim["metadata"].get("annotations") or {}).get("volume.kubernetes.io/selected-node") == node:
            continue
        api.patch("persistentvolumeclaims", name, namespace, lambda c: c["metadata"].setdefault(
            "annotations", {}).__setitem__("volume.kubernetes.io/selected-node", node))


class DefaultBinder(Plugin):
    NAME = NAME

    def bind(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        try:
            select_node_for_claims(self.handle.api, pi.namespace, pi.pod, node)
            self.handle.api.bind(pi.namespace, pi.name, node)
        except ApiError as exc:
            return error(exc.message)
        return None
