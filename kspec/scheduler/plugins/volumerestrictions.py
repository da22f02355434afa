"""VolumeRestrictions: one pod per ReadWriteOncePod claim, and the in-tree disks that cannot be shared.

A claim with the ReadWriteOncePod access mode may be used by one scheduled pod in the whole cluster: while
another pod holds it, every node rejects the pod as Unschedulable, so preemption may evict the holder (AddPod and
RemovePod keep the count right during preemption's dry runs). GCE PD, AWS EBS, iSCSI and RBD volumes conflict
with the same disk in a pod already on the node (``node(s) had no available disk``).
"""

from __future__ import annotations

from typing import Any

from kspec.objects import Obj
from kspec.scheduler import framework as fwk
from kspec.scheduler.framework import SKIP, CycleState, Plugin, PreFilterResult, Status, unresolvable, unschedulable
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo

NAME = "VolumeRestrictions"
STATE_KEY = "PreFilter" + NAME
#: ErrReasonDiskConflict, ErrReasonReadWriteOncePodConflict
ERR_REASON_DISK_CONFLICT = "node(s) had no available disk"
ERR_REASON_RWOP_CONFLICT = ("node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod "
                            "access mode")
RWOP = "ReadWriteOncePod"


def _claims(pod: Obj) -> list[str]:
    return [(v["persistentVolumeClaim"] or {}).get("claimName", "")
            for v in (pod.get("spec") or {}).get("volumes") or [] if v.get("persistentVolumeClaim") is not None]


class _State:
    """preFilterState: the pod's ReadWriteOncePod claims and how many scheduled pods use them."""

    __slots__ = ("rwop_claims", "conflicts")

    def __init__(self, rwop_claims: frozenset[str], conflicts: int) -> None:
        self.rwop_claims = rwop_claims
        self.conflicts = conflicts

    def count_for(self, pod: Obj) -> int:
        """conflictingPVCRefCountForPod."""
        return sum(1 for name in _claims(pod) if name in self.rwop_claims)

    def clone(self) -> _State:
        return _State(self.rwop_claims, self.conflicts)


_RESTRICTED = ("gcePersistentDisk", "awsElasticBlockStore", "rbd", "iscsi")
_RESTRICTED_KEYS = frozenset(_RESTRICTED)


def needs_restrictions_check(vol: dict[str, Any]) -> bool:
    # most volumes carry none of the keys: one check in C
    return not _RESTRICTED_KEYS.isdisjoint(vol) and any(vol.get(k) is not None for k in _RESTRICTED)


def is_volume_conflict(vol: dict[str, Any], pod: Obj) -> bool:
    """isVolumeConflict: the same disk in the other pod, unless both mount it read-only (EBS: never shared)."""
    for ev in (pod.get("spec") or {}).get("volumes") or []:
        a, b = vol.get("gcePersistentDisk"), ev.get("gcePersistentDisk")
        if a is not None and b is not None and a.get("pdName") == b.get("pdName") and \
                not (a.get("readOnly") and b.get("readOnly")):
            return True
        a, b = vol.get("awsElasticBlockStore"), ev.get("awsElasticBlockStore")
        if a is not None and b is not None and a.get("volumeID") == b.get("volumeID"):
            return True
        a, b = vol.get("iscsi"), ev.get("iscsi")
        if a is not None and b is not None and a.get("iqn") == b.get("iqn") and \
                not (a.get("readOnly") and b.get("readOnly")):
            return True
        a, b = vol.get("rbd"), ev.get("rbd")
        if a is not None and b is not None and set(a.get("monitors") or []) & set(b.get("monitors") or []) and \
                a.get("pool", "rbd") == b.get("pool", "rbd") and a.get("image") == b.get("image") and \
                not (a.get("readOnly") and b.get("readOnly")):
            return True
    return False


def satisfy_volume_conflicts(pod: Obj, pods: list[Obj]) -> bool:
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        if needs_restrictions_check(vol) and any(is_volume_conflict(vol, other) for other in pods):
            return False
    return True


class VolumeRestrictions(Plugin):
    NAME = NAME
    EVENTS = (fwk.POD_DELETE, fwk.NODE_ADD, fwk.PVC_ADD)

    def _used_by_pods(self, namespace: str, claim: str) -> bool:
        """StorageInfos().IsPVCUsedByPods: a pod on some node (bound or assumed) uses the claim."""
        for ni in self.handle.cache.nodes.values():
            for p in ni.pods.values():
                if p.namespace == namespace and claim in _claims(p.pod):
                    return True
        return False

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        spec = pi.pod.get("spec") or {}
        if pi.plain_volumes or not spec.get("volumes"):
            return None, SKIP
        needs_check = any(map(needs_restrictions_check, spec.get("volumes") or []))
        rwop: set[str] = set()
        for name in _claims(pi.pod):
            claim = self.handle.api.try_get("persistentvolumeclaims", name, pi.namespace)
            if claim is None:
                return None, unresolvable(f'persistentvolumeclaim "{name}" not found')
            if RWOP in ((claim.get("spec") or {}).get("accessModes") or []):
                rwop.add(name)
        conflicts = sum(1 for name in sorted(rwop) if self._used_by_pods(pi.namespace, name))
        if not needs_check and conflicts == 0:
            return None, SKIP
        state.write(STATE_KEY, _State(frozenset(rwop), conflicts))
        return None, None

    def add_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> Status | None:
        s: _State | None = state.read(STATE_KEY)
        if s is None:
            return fwk.error(f'cannot read "{STATE_KEY}" from cycleState')
        s.conflicts += s.count_for(other.pod)
        return None

    def remove_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> Status | None:
        s: _State | None = state.read(STATE_KEY)
        if s is None:
            return fwk.error(f'cannot read "{STATE_KEY}" from cycleState')
        s.conflicts -= s.count_for(other.pod)
        return None

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        if not satisfy_volume_conflicts(pi.pod, [p.pod for p in ni.pods.values()]):
            return unschedulable(ERR_REASON_DISK_CONFLICT)
        s: _State | None = state.read(STATE_KEY)
        if s is None:
            return fwk.error(f'cannot read "{STATE_KEY}" from cycleState')
        if s.conflicts > 0:
            return unschedulable(ERR_REASON_RWOP_CONFLICT)
        return None

    def queueing_hint(self, event: str, pi: PodInfo, old: Any, new: Any) -> bool:
        if event == fwk.PVC_ADD:
            # isSchedulableAfterPersistentVolumeClaimAdded
            return new is not None and new["metadata"].get("namespace", "") == pi.namespace and \
                new["metadata"]["name"] in _claims(pi.pod)
        if event == fwk.POD_DELETE:
            # isSchedulableAfterPodDeleted: a deleted pod with a conflicting disk or one of the pod's claims
            if old is None or old["metadata"].get("namespace", "default") != pi.namespace:
                return False
            if not satisfy_volume_conflicts(pi.pod, [old]):
                return True
            mine = set(_claims(pi.pod))
            return any(name in mine for name in _claims(old))
        return True
