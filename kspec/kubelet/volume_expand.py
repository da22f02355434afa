"""The kubelet's half of a volume resize: NodeExpandVolume grows the filesystem of a mounted claim's volume.

Upstream's volume manager does it as it mounts the volume (a pod starting on a volume whose resize waits for the
node) and for volumes in use when the pod is synced again (operation_generator nodeExpandV2 / markFSResizeFinished):
the claim's ``status.capacity`` becomes the volume's, the ``FileSystemResizePending`` condition and the
``allocatedResourceStatuses`` entry go, and ``FileSystemResizeSuccessful`` is recorded on the pod and the claim.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kspec.errors import ApiError
from kspec.objects import Obj
from kspec.quantity import parse_quantity
from kspec.resizer import mark_resize_finished

NODE_PENDING = ("NodeResizePending", "NodeResizeInProgress")
#: MergeResizeConditionsOfPVC with no new conditions drops every resize condition


def _storage(bag: Obj | None) -> Any:
    return parse_quantity((bag or {}).get("storage", "0"))


def needs_node_expansion(claim: Obj, pv: Obj) -> bool:
    """The volume outgrew the claim's recorded capacity and the resizer handed the rest to the node."""
    status = claim.get("status") or {}
    if _storage((pv.get("spec") or {}).get("capacity")) <= _storage(status.get("capacity")):
        return False
    if (status.get("allocatedResourceStatuses") or {}).get("storage") in NODE_PENDING:
        return True
    return any(c.get("type") == "FileSystemResizePending" and c.get("status") == "True"
               for c in status.get("conditions") or [])


def expand_mounted(api: Any, pod: Obj, node: str, event: Callable[[Obj, str, str, str], None]) -> None:
    """NodeExpandVolume for each claim volume of ``pod`` that waits for it; ``event(obj, type, reason, msg)``."""
    ns = pod["metadata"].get("namespace", "default")
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        name = (vol.get("persistentVolumeClaim") or {}).get("claimName")
        claim = api.try_get("persistentvolumeclaims", name, ns) if name else None
        pv_name = ((claim or {}).get("spec") or {}).get("volumeName")
        pv = api.try_get("persistentvolumes", pv_name, "") if pv_name else None
        if claim is None or pv is None or not needs_node_expansion(claim, pv):
            continue
        size = pv["spec"]["capacity"]["storage"]

        def finished(c: Obj, size: str = size) -> None:  # util.MarkFSResizeFinished
            mark_resize_finished(c.setdefault("status", {}), size)
        try:
            claim = api.patch("persistentvolumeclaims", name, ns, finished, status=True)
        except ApiError:
            continue  # retried at the next sync
        # GenerateMsg: prefix, the volume spec's name (the PV), then the node
        message = f'MountVolume.NodeExpandVolume succeeded for volume "{pv_name}" {node}'
        event(pod, "Normal", "FileSystemResizeSuccessful", message)
        event(claim, "Normal", "FileSystemResizeSuccessful", message)
