"""VolumeZone: a pod's bound PVs labelled with a zone or region fit only nodes of that zone or region.

Only the PV's topology labels count (``topology.kubernetes.io/zone`` and ``region`` and their beta
``failure-domain.beta.kubernetes.io`` forms, several zones joined by ``__``); its node affinity is VolumeBinding's.
A node without any topology label fits (a single-zone cluster). Unbound WaitForFirstConsumer claims are skipped.
"""

from __future__ import annotations

from typing import Any

from kspec.objects import Obj
from kspec.scheduler import framework as fwk
from kspec.scheduler.framework import SKIP, CycleState, Plugin, PreFilterResult, Status, unresolvable
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.volumebinder import claim_class

NAME = "VolumeZone"
STATE_KEY = "PreFilter" + NAME
#: ErrReasonConflict
ERR_REASON_CONFLICT = "node(s) had no available volume zone"
BETA_ZONE = "failure-domain.beta.kubernetes.io/zone"
BETA_REGION = "failure-domain.beta.kubernetes.io/region"
ZONE = "topology.kubernetes.io/zone"
REGION = "topology.kubernetes.io/region"
#: topologyLabels, in upstream's order
TOPOLOGY_LABELS = (BETA_ZONE, BETA_REGION, ZONE, REGION)
_TO_GA = {BETA_ZONE: ZONE, BETA_REGION: REGION}
#: LabelMultiZoneDelimiter
MULTI_ZONE_DELIMITER = "__"

Topology = tuple[str, str, frozenset[str]]  # (pv name, label key, values)


def label_zones_to_set(value: str) -> frozenset[str] | None:
    """volumehelpers.LabelZonesToSet: zones joined by "__"; None when one of them is empty."""
    zones = [z.strip() for z in value.split(MULTI_ZONE_DELIMITER)]
    if any(not z for z in zones):
        return None
    return frozenset(zones)


def pv_topologies(pv: Obj) -> list[Topology]:
    """getPVTopologies: the PV's zone and region labels (an unparsable one is ignored)."""
    labels = pv["metadata"].get("labels") or {}
    out = []
    for key in TOPOLOGY_LABELS:
        if key in labels:
            values = label_zones_to_set(labels[key])
            if values is not None:
                out.append((pv["metadata"]["name"], key, values))
    return out


class VolumeZone(Plugin):
    NAME = NAME
    EVENTS = (fwk.STORAGE_CLASS_ADD, fwk.NODE_ADD, fwk.NODE_LABEL, fwk.PVC_ADD, fwk.PVC_UPDATE, fwk.PV_ADD,
              fwk.PV_UPDATE)

    def _topologies(self, pi: PodInfo) -> tuple[list[Topology], Status | None]:
        """getPVbyPod."""
        api = self.handle.api
        out: list[Topology] = []
        for vol in (pi.pod.get("spec") or {}).get("volumes") or []:
            if vol.get("persistentVolumeClaim") is None:
                continue
            name = (vol["persistentVolumeClaim"] or {}).get("claimName", "")
            if not name:
                return [], unresolvable("PersistentVolumeClaim had no name")
            claim = api.try_get("persistentvolumeclaims", name, pi.namespace)
            if claim is None:
                return [], unresolvable(f'persistentvolumeclaim "{name}" not found')
            pv_name = (claim.get("spec") or {}).get("volumeName") or ""
            if not pv_name:
                cls_name = claim_class(claim)
                if not cls_name:
                    return [], unresolvable("PersistentVolumeClaim had no pv name and storageClass name")
                cls = api.try_get("storageclasses", cls_name, "")
                if cls is None:
                    return [], unresolvable(f'storageclass.storage.k8s.io "{cls_name}" not found')
                mode = cls.get("volumeBindingMode")
                if mode is None:
                    return [], unresolvable(f'VolumeBindingMode not set for StorageClass "{cls_name}"')
                if mode == "WaitForFirstConsumer":
                    continue
                return [], unresolvable("PersistentVolume had no name")
            pv = api.try_get("persistentvolumes", pv_name, "")
            if pv is None:
                return [], unresolvable(f'persistentvolume "{pv_name}" not found')
            out += pv_topologies(pv)
        return out, None

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        if pi.plain_volumes or not (pi.pod.get("spec") or {}).get("volumes"):  # no claim: no topology
            return None, SKIP
        topologies, status = self._topologies(pi)
        if status is not None:
            return None, status
        if not topologies:
            return None, SKIP
        state.write(STATE_KEY, topologies)
        return None, None

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        if not (pi.pod.get("spec") or {}).get("volumes"):
            return None
        topologies = state.read(STATE_KEY)
        if topologies is None:  # no PreFilter: compute it here, as upstream falls back to
            topologies, status = self._topologies(pi)
            if status is not None:
                return status
        labels = ni.labels
        if not any(key in labels for key in TOPOLOGY_LABELS):
            return None  # a node without zone labels takes any volume
        for _pv, key, values in topologies:
            value = labels.get(key)
            if value is None:
                value = labels.get(_TO_GA.get(key, key))
            if value is None or value not in values:
                return unresolvable(ERR_REASON_CONFLICT)
        return None

    def queueing_hint(self, event: str, pi: PodInfo, old: Any, new: Any) -> bool:
        if event == fwk.STORAGE_CLASS_ADD:
            return (new or {}).get("volumeBindingMode") == "WaitForFirstConsumer"
        if event in (fwk.PVC_ADD, fwk.PVC_UPDATE):
            if new is None or new["metadata"].get("namespace", "") != pi.namespace:
                return False
            names = [(v.get("persistentVolumeClaim") or {}).get("claimName")
                     for v in (pi.pod.get("spec") or {}).get("volumes") or [] if v.get("persistentVolumeClaim")]
            return new["metadata"]["name"] in names
        if event == fwk.PV_UPDATE and old is not None:
            return pv_topologies(old) != pv_topologies(new)
        return True
