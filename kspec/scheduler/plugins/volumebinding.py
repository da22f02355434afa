"""VolumeBinding: a pod's claims must be bindable on the node; the binding cycle binds them before the pod.

PreFilter rejects a pod whose Immediate claims are not bound yet (the PV controller binds those, and the claim's
update brings the pod back); Filter asks the binder (volumebinder.py) whether each node can satisfy every claim;
Reserve assumes the node's choice; PreBind writes it (a static PV's claimRef, the selected-node annotation that
makes the provisioner create a volume) and then waits, polling each second as BindPodVolumes does, until the PV
controller has bound every claim, up to ``bindTimeoutSeconds`` (600). The scheduler meanwhile goes on with other
pods. Score stays off: upstream scores volume capacity only with the StorageCapacityScoring feature gate (alpha).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kspec.objects import Obj
from kspec.scheduler import framework as fwk
from kspec.scheduler.framework import SKIP, Code, CycleState, Plugin, PreFilterResult, Status, error, unresolvable
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.volumebinder import (
    BinderError,
    PodVolumeClaims,
    PodVolumes,
    VolumeBinder,
    claim_names,
    owned_by,
)

NAME = "VolumeBinding"
STATE_KEY = NAME
#: the PreFilter reason for Immediate claims the PV controller has not bound yet
ERR_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
#: VolumeBindingArgs bindTimeoutSeconds default (SetDefaults_VolumeBindingArgs)
DEFAULT_BIND_TIMEOUT_SECONDS = 600
#: the error when the bind timeout runs out (context.DeadlineExceeded)
ERR_TIMEOUT = "binding volumes: context deadline exceeded"


@dataclass
class _State:
    """stateData: shared by every clone of the cycle state (Clone returns the same pointer upstream)."""

    claims: PodVolumeClaims | None = None
    by_node: dict[str, PodVolumes] = field(default_factory=dict)
    all_bound: bool = False
    #: PreBind progress: when the API updates were made (virtual ms), -1 before
    bind_started: int = -1

    def clone(self) -> _State:
        return self


#: the state of every pod without claims (nothing in it changes: Reserve finds no node's volumes, all_bound stays)
_NO_CLAIMS = _State(all_bound=True)


def _claims_used(pi: PodInfo) -> list[str]:
    return claim_names(pi.pod)


class VolumeBinding(Plugin):
    NAME = NAME
    EVENTS = (fwk.STORAGE_CLASS_ADD, fwk.STORAGE_CLASS_UPDATE, fwk.PVC_ADD, fwk.PVC_UPDATE, fwk.PV_ADD,
              fwk.PV_UPDATE, fwk.NODE_ADD, fwk.NODE_LABEL, fwk.CSI_NODE_ADD, fwk.CSI_NODE_UPDATE,
              fwk.CSI_DRIVER_UPDATE, fwk.CSI_STORAGE_CAPACITY_ADD, fwk.CSI_STORAGE_CAPACITY_UPDATE)

    def __init__(self, args: dict[str, Any] | None, handle: Any) -> None:
        super().__init__(args, handle)
        seconds = int(self.args.get("bindTimeoutSeconds", DEFAULT_BIND_TIMEOUT_SECONDS))
        self.bind_timeout_ms = seconds * 1000
        self.binder = VolumeBinder(getattr(handle, "api", None), self.bind_timeout_ms)  # no handle: hints only

    # -- PreFilter --------------------------------------------------------------------------------
    def _pod_has_pvcs(self, pi: PodInfo) -> tuple[bool, Status | None]:
        """podHasPVCs: a missing, lost or deleted claim makes the pod unschedulable where it stands."""
        has = False
        pod = pi.pod
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            ephemeral = vol.get("ephemeral") is not None
            if vol.get("persistentVolumeClaim") is not None:
                name = (vol["persistentVolumeClaim"] or {}).get("claimName", "")
            elif ephemeral:
                name = f"{pi.name}-{vol.get('name', '')}"
            else:
                continue
            has = True
            claim = self.handle.api.try_get("persistentvolumeclaims", name, pi.namespace)
            if claim is None:
                if ephemeral:
                    return has, unresolvable("waiting for ephemeral volume controller to create the "
                                             f'persistentvolumeclaim "{name}"')
                return has, unresolvable(f'persistentvolumeclaim "{name}" not found')
            if (claim.get("status") or {}).get("phase") == "Lost":
                return has, unresolvable(f'persistentvolumeclaim "{name}" bound to non-existent persistentvolume '
                                         f'"{(claim.get("spec") or {}).get("volumeName", "")}"')
            if claim["metadata"].get("deletionTimestamp"):
                return has, unresolvable(f'persistentvolumeclaim "{name}" is being deleted')
            if ephemeral and not owned_by(claim, pod):
                return has, unresolvable(f'PVC {pi.namespace}/{name} was not created for pod {pi.namespace}/{pi.name} '
                                         "(pod is not owner)")
        return has, None

    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        if pi.plain_volumes or not (pi.pod.get("spec") or {}).get("volumes"):  # no claim: podHasPVCs says no
            state.write(STATE_KEY, _NO_CLAIMS)
            return None, SKIP
        has, status = self._pod_has_pvcs(pi)
        if status is not None:
            return None, status
        if not has:
            state.write(STATE_KEY, _NO_CLAIMS)
            return None, SKIP
        try:
            claims = self.binder.get_pod_volume_claims(pi.pod)
        except BinderError as exc:
            return None, error(str(exc))
        if claims.unbound_immediate:
            return None, unresolvable(ERR_UNBOUND_IMMEDIATE)
        state.write(STATE_KEY, _State(claims))
        return None, None

    # -- Filter -----------------------------------------------------------------------------------
    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        s: _State | None = state.read(STATE_KEY)
        if s is None:
            return error(f'reading "{STATE_KEY}" from cycleState: not found')
        if s.claims is None:
            return None  # the pod has no claims (its PreFilter said Skip)
        try:
            volumes, reasons = self.binder.find_pod_volumes(pi.pod, s.claims, ni.node)
        except BinderError as exc:
            return error(str(exc))
        if reasons:
            return unresolvable(*reasons)
        s.by_node[ni.name] = volumes
        return None

    # -- Reserve / Unreserve ----------------------------------------------------------------------
    def reserve(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        s: _State | None = state.read(STATE_KEY)
        if s is None:
            return error(f'reading "{STATE_KEY}" from cycleState: not found')
        volumes = s.by_node.get(node)
        if volumes is None:
            s.all_bound = True  # the pod has no claims
            return None
        try:
            s.all_bound = self.binder.assume_pod_volumes(pi.pod, node, volumes)
        except BinderError as exc:
            return error(str(exc))
        return None

    def unreserve(self, state: CycleState, pi: PodInfo, node: str) -> None:
        s: _State | None = state.read(STATE_KEY)
        if s is None or node not in s.by_node:
            return
        self.binder.revert(s.by_node[node])

    # -- PreBind ------------------------------------------------------------------------------------
    def pre_bind_pre_flight(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        """PreBindPreFlight: Skip when every claim is bound already."""
        s: _State | None = state.read(STATE_KEY)
        if s is None:
            return error(f'reading "{STATE_KEY}" from cycleState: not found')
        if s.all_bound:
            return SKIP
        if node not in s.by_node:
            return error(f'no pod volumes found for node "{node}"')
        return None

    def pre_bind(self, state: CycleState, pi: PodInfo, node: str) -> Status | None:
        """BindPodVolumes: the API updates on the first call, then a check per call; ``Wait`` asks the scheduler to
        call again a second later, as wait.PollUntilContextTimeout polls (the pod stays assumed on the node
        meanwhile)."""
        s: _State | None = state.read(STATE_KEY)
        if s is None:
            return error(f'reading "{STATE_KEY}" from cycleState: not found')
        if s.all_bound:
            return None
        volumes = s.by_node.get(node)
        if volumes is None:
            return error(f'no pod volumes found for node "{node}"')
        now = _now(self.handle)
        if s.bind_started < 0:
            try:
                self.binder.bind_api_update(pi.pod, volumes)
            except BinderError as exc:
                return error(str(exc))
            s.bind_started = now
            return Status(Code.WAIT, f"waiting for the volumes of pod {pi.key} to be bound", plugin=NAME)
        try:
            done = self.binder.check_bindings(pi.pod, node, volumes)
        except BinderError as exc:
            return error(f"binding volumes: {exc}")
        if done:
            return None
        if now - s.bind_started >= self.bind_timeout_ms:
            return error(ERR_TIMEOUT)
        return Status(Code.WAIT, f"waiting for the volumes of pod {pi.key} to be bound", plugin=NAME)

    # -- queueing hints -----------------------------------------------------------------------------
    def queueing_hint(self, event: str, pi: PodInfo, old: Any, new: Any) -> bool:
        if event in (fwk.PVC_ADD, fwk.PVC_UPDATE):
            return _pvc_hint(pi, new)
        if event == fwk.STORAGE_CLASS_UPDATE:
            # isSchedulableAfterStorageClassChange: only allowedTopologies changes matter
            return (old or {}).get("allowedTopologies") != (new or {}).get("allowedTopologies")
        if event == fwk.CSI_NODE_UPDATE:
            # isSchedulableAfterCSINodeChange: the migrated-plugins annotation
            key = "storage.alpha.kubernetes.io/migrated-plugins"
            return ((old or {}).get("metadata", {}).get("annotations") or {}).get(key) != \
                ((new or {}).get("metadata", {}).get("annotations") or {}).get(key)
        if event == fwk.CSI_STORAGE_CAPACITY_UPDATE:
            old_limit, new_limit = _volume_limit(old), _volume_limit(new)
            return new_limit is not None and (old_limit is None or new_limit > old_limit)
        if event == fwk.CSI_DRIVER_UPDATE:
            name = (new or {}).get("metadata", {}).get("name")
            for vol in (pi.pod.get("spec") or {}).get("volumes") or []:
                if (vol.get("csi") or {}).get("driver") != name:
                    continue
                if ((old or {}).get("spec") or {}).get("storageCapacity") and \
                        not ((new or {}).get("spec") or {}).get("storageCapacity"):
                    return True
            return False
        return True


def _volume_limit(cap: Obj | None) -> Any:
    """volumeLimit: maximumVolumeSize, else capacity (None when neither is set)."""
    from kspec.quantity import parse_quantity

    if cap is None:
        return None
    value = cap.get("maximumVolumeSize") if cap.get("maximumVolumeSize") is not None else cap.get("capacity")
    return parse_quantity(value) if value is not None else None


def _pvc_hint(pi: PodInfo, claim: Obj | None) -> bool:
    """isSchedulableAfterPersistentVolumeClaimChange: a claim of the pod's namespace that the pod uses."""
    if claim is None or claim["metadata"].get("namespace", "") != pi.namespace:
        return False
    return claim["metadata"]["name"] in _claims_used(pi)


def _now(handle: Any) -> int:
    """The virtual time (0 on a snapshot handle without a clock)."""
    clock = getattr(getattr(handle, "cluster", None), "clock", None)
    return clock.now if clock is not None else 0
