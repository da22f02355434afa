"""NodeVolumeLimits (nodevolumelimits/csi.go, CSILimits): a node attaches at most its CSINode's count per driver.

Each CSI volume a pod's claims bring (a bound claim: its PV's ``csi`` driver and handle; an unbound one: its
class's provisioner and a handle of its own) counts once per node, however many pods share it; a node whose
CSINode (``spec.drivers[].allocatable.count``) or Node allocatable (``attachable-volumes-csi-<driver>``) sets a
limit for the driver rejects a pod that would go over it (``node(s) exceed max volume count``). The node's
VolumeAttachments count as well. In-tree volumes are not translated to CSI (no CSI migration is simulated).
"""

from __future__ import annotations

import hashlib
from typing import Any

from kspec.objects import Obj
from kspec.scheduler import framework as fwk
from kspec.scheduler.framework import SKIP, CycleState, Plugin, PreFilterResult, Status, unresolvable, unschedulable
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.volumebinder import claim_class, owned_by

NAME = "NodeVolumeLimits"
#: ErrReasonMaxVolumeCountExceeded
ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED = "node(s) exceed max volume count"
#: volumeutil CSIAttachLimitPrefix, ResourceNameLengthLimit
CSI_ATTACH_LIMIT_PREFIX = "attachable-volumes-csi-"
ATTACHABLE_PREFIX = "attachable-volumes-"
RESOURCE_NAME_LENGTH_LIMIT = 63
#: the prefix of the handles counted for unbound claims (upstream: a random 32-character string per plugin)
UNBOUND_HANDLE_PREFIX = "kspec-unbound"


def csi_attach_limit_key(driver: str) -> str:
    """volumeutil.GetCSIAttachLimitKey: long driver names keep 23 characters and a 16-digit SHA-1 prefix."""
    if len(CSI_ATTACH_LIMIT_PREFIX) + len(driver) >= RESOURCE_NAME_LENGTH_LIMIT:
        digest = hashlib.sha1(driver.encode()).hexdigest()[:16]
        return CSI_ATTACH_LIMIT_PREFIX + driver[:23] + digest
    return CSI_ATTACH_LIMIT_PREFIX + driver


def volume_limits(node: Obj, csi_node: Obj | None) -> dict[str, int]:
    """getVolumeLimits: the Node's attachable-volumes-* allocatable, overridden by the CSINode's counts."""
    limits: dict[str, int] = {}
    for key, value in ((node.get("status") or {}).get("allocatable") or {}).items():
        if key.startswith(ATTACHABLE_PREFIX):
            from kspec.quantity import to_int

            limits[key] = to_int(value)
    for driver in ((csi_node or {}).get("spec") or {}).get("drivers") or []:
        count = (driver.get("allocatable") or {}).get("count")
        if count is not None:
            limits[csi_attach_limit_key(driver.get("name", ""))] = int(count)
    return limits


#: in-tree volume sources and the CSI drivers CSI migration moves them to (csi-translation-lib)
INLINE_MIGRATABLE = {"awsElasticBlockStore": "ebs.csi.aws.com", "gcePersistentDisk": "pd.csi.storage.gke.io",
                     "azureDisk": "disk.csi.azure.com", "azureFile": "file.csi.azure.com",
                     "cinder": "cinder.csi.openstack.org", "vsphereVolume": "csi.vsphere.vmware.com",
                     "portworxVolume": "pxd.portworx.com"}


class LookupError_(Exception):
    """A claim of the new pod is missing (NotFound) or nameless."""

    def __init__(self, message: str, not_found: bool) -> None:
        super().__init__(message)
        self.not_found = not_found


class NodeVolumeLimits(Plugin):
    NAME = NAME
    EVENTS = (fwk.CSI_NODE_ADD, fwk.CSI_NODE_UPDATE, fwk.POD_DELETE, fwk.PVC_ADD, fwk.VOLUME_ATTACHMENT_DELETE)

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        if pi.plain_volumes:
            return None, SKIP
        for vol in (pi.pod.get("spec") or {}).get("volumes") or []:
            if vol.get("persistentVolumeClaim") is not None or vol.get("ephemeral") is not None or \
                    not INLINE_MIGRATABLE.keys().isdisjoint(vol):
                return None, None
        return None, SKIP

    def _driver_info(self, claim: Obj) -> tuple[str, str]:
        """getCSIDriverInfo: the bound PV's CSI driver and handle, else the class's provisioner
        (getCSIDriverInfoFromSC)."""
        api = self.handle.api
        pv_name = (claim.get("spec") or {}).get("volumeName") or ""
        pv = api.try_get("persistentvolumes", pv_name, "") if pv_name else None
        if pv is not None:
            csi = (pv.get("spec") or {}).get("csi")
            if csi is None:
                return "", ""
            return csi.get("driver", ""), csi.get("volumeHandle", "")
        cls_name = claim_class(claim)
        if not cls_name:
            return "", ""
        cls = api.try_get("storageclasses", cls_name, "")
        if cls is None:
            return "", ""
        md = claim["metadata"]
        return cls.get("provisioner", ""), f"{UNBOUND_HANDLE_PREFIX}-{md.get('namespace', '')}/{md['name']}"

    def attachable_volumes(self, pod: Obj, new_pod: bool, result: dict[str, str]) -> None:
        """filterAttachableVolumes: unique volume name -> limit key, for the pod's CSI volumes."""
        ns = pod["metadata"].get("namespace", "default")
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            if vol.get("persistentVolumeClaim") is not None:
                name = (vol["persistentVolumeClaim"] or {}).get("claimName", "")
            elif vol.get("ephemeral") is not None:
                name = f"{pod['metadata']['name']}-{vol.get('name', '')}"
            else:
                continue  # inline volumes: no CSI migration simulated
            if not name:
                raise LookupError_("PersistentVolumeClaim had no name", False)
            claim = self.handle.api.try_get("persistentvolumeclaims", name, ns)
            if claim is None:
                if new_pod:
                    raise LookupError_(f'looking up PVC {ns}/{name}: persistentvolumeclaim "{name}" not found', True)
                continue
            if vol.get("ephemeral") is not None and not owned_by(claim, pod):
                raise LookupError_(f"PVC {ns}/{name} was not created for pod {ns}/{pod['metadata']['name']} "
                                   "(pod is not owner)", False)
            driver, handle = self._driver_info(claim)
            if not driver or not handle:
                continue
            result[f"{driver}/{handle}"] = csi_attach_limit_key(driver)

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        if not (pi.pod.get("spec") or {}).get("volumes"):
            return None
        csi_node = self.handle.api.try_get("csinodes", ni.name, "")
        new: dict[str, str] = {}
        try:
            self.attachable_volumes(pi.pod, True, new)
        except LookupError_ as exc:
            return unresolvable(str(exc)) if exc.not_found else fwk.error(str(exc))
        if not new:
            return None
        limits = volume_limits(ni.node, csi_node)
        if not limits:
            return None
        attached: dict[str, str] = {}
        for p in ni.pods.values():
            try:
                self.attachable_volumes(p.pod, False, attached)
            except LookupError_ as exc:
                return fwk.error(str(exc))
        attached_count: dict[str, int] = {}
        for unique, key in attached.items():
            new.pop(unique, None)  # a volume already attached for another pod counts once
            attached_count[key] = attached_count.get(key, 0) + 1
        # the node's VolumeAttachments count too (volumes still attached after their pods went): the two counts
        # describe the same volumes, so the greater one is taken
        for key, count in self._attachment_counts(ni.name).items():
            if count > attached_count.get(key, 0):
                attached_count[key] = count
        new_count: dict[str, int] = {}
        for key in new.values():
            new_count[key] = new_count.get(key, 0) + 1
        for key, count in sorted(new_count.items()):
            limit = limits.get(key)
            if limit is not None and attached_count.get(key, 0) + count > limit:
                return unschedulable(ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED)
        return None

    def _attachment_counts(self, node: str) -> dict[str, int]:
        """The node's VolumeAttachments per limit key (of their attacher)."""
        counts: dict[str, int] = {}
        for va in self.handle.api.store.list("volumeattachments"):
            spec = va.get("spec") or {}
            if spec.get("nodeName") == node and spec.get("attacher"):
                key = csi_attach_limit_key(spec["attacher"])
                counts[key] = counts.get(key, 0) + 1
        return counts

    def queueing_hint(self, event: str, pi: PodInfo, old: Any, new: Any) -> bool:
        if event == fwk.POD_DELETE:
            # isSchedulableAfterPodDeleted: a bound pod with claim volumes (or in-tree volumes CSI migration counts)
            if old is None or not (old.get("spec") or {}).get("nodeName"):
                return False
            return any(v.get("persistentVolumeClaim") is not None or v.get("ephemeral") is not None
                       or any(k in v for k in INLINE_MIGRATABLE) for v in (old.get("spec") or {}).get("volumes") or [])
        if event == fwk.CSI_NODE_UPDATE:
            # isSchedulableAfterCSINodeUpdated: some driver's allocatable count went up
            before = volume_limits({}, old)
            return any(limit > before.get(key, limit) for key, limit in volume_limits({}, new).items())
        if event == fwk.VOLUME_ATTACHMENT_DELETE:
            # isSchedulableAfterVolumeAttachmentDeleted: the pod has claims, or an in-tree volume of the attacher
            attacher = ((old or {}).get("spec") or {}).get("attacher")
            for v in (pi.pod.get("spec") or {}).get("volumes") or []:
                if v.get("persistentVolumeClaim") is not None or v.get("ephemeral") is not None:
                    return True
                if any(k in v and driver == attacher for k, driver in INLINE_MIGRATABLE.items()):
                    return True
            return False
        if event == fwk.PVC_ADD:
            if new is None or new["metadata"].get("namespace", "") != pi.namespace:
                return False
            names = [(v.get("persistentVolumeClaim") or {}).get("claimName") if v.get("persistentVolumeClaim")
                     is not None else f"{pi.name}-{v.get('name', '')}"
                     for v in (pi.pod.get("spec") or {}).get("volumes") or []
                     if v.get("persistentVolumeClaim") is not None or v.get("ephemeral") is not None]
            return new["metadata"]["name"] in names
        return True
