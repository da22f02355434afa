"""The attach/detach controller (pkg/controller/volume/attachdetach) and a simulated CSI external-attacher.

The controller keeps upstream's two caches: the desired state of the world (which attachable volume each
scheduled, not yet terminated pod needs on its node: cache/desired_state_of_world.go, filled by
util.ProcessPodVolumes) and the actual state of the world (which volume is attached to which node, whether
that node's kubelet still reports it in ``status.volumesInUse``, and since when a detach is wanted:
cache/actual_state_of_world.go). Its reconciler (reconciler/reconciler.go ``reconcile``) detaches first, then
attaches:

- a volume no pod on the node needs any more is detached once the kubelet stopped reporting it in use, or at
  once on a node with the ``node.kubernetes.io/out-of-service`` taint, or, on a node that is not Ready (or gone),
  after ``maxWaitForUnmountDuration`` (6 minutes) as a forced detach;
- a volume that may be attached to one node only (no ReadWriteMany/ReadOnlyMany access mode:
  util.IsMultiAttachAllowed) and is still attached elsewhere is not attached: each pod waiting for it gets one
  ``FailedAttachVolume`` Multi-Attach event (``reportMultiAttachError``);
- otherwise the CSI attacher creates a ``VolumeAttachment`` (csi_attacher.go), the driver's external-attacher
  marks it attached, and the controller lists the volume in the node's ``status.volumesAttached``
  (statusupdater), which the kubelet waits for before mounting.

Only CSI persistent volumes are attachable here (a CSIDriver object may say ``attachRequired: false``);
hostPath and local volumes (the default ``standard`` class) need no attach. Event-driven rather than upstream's
100ms loop: every change to a volume's pods, node or attachments queues that volume; a pending forced detach
queues it again when the wait runs out. Nothing is done, and nothing is listed, until a pod has a claim.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kspec.api.kinds import resource_for
from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import names_a_claim
from kspec.errors import ApiError
from kspec.lazystart import never
from kspec.objects import Obj, split_key

if TYPE_CHECKING:
    from kspec.cluster import Cluster

COMPONENT = "attachdetach-controller"
MAX_WAIT_FOR_UNMOUNT_MS = 6 * 60_000  # timerConfig.ReconcilerMaxWaitForUnmountDuration
OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"  # v1.TaintNodeOutOfService
CSI_PLUGIN = "kubernetes.io/csi"  # csi.CSIPluginName
MSG_EXCLUSIVE = "Volume is already exclusively attached to one node and can't be attached to another"


def unique_volume_name(pv: Obj) -> str | None:
    """GetUniqueVolumeNameFromSpec for a CSI volume: ``kubernetes.io/csi/<driver>^<volumeHandle>``."""
    csi = (pv.get("spec") or {}).get("csi") or {}
    if not csi.get("driver"):
        return None
    return f"{CSI_PLUGIN}/{csi['driver']}^{csi.get('volumeHandle', '')}"


def attachment_name(volume_handle: str, driver: str, node: str) -> str:
    """getAttachmentName: ``csi-`` and the sha256 of handle, driver and node."""
    return "csi-" + hashlib.sha256(f"{volume_handle}{driver}{node}".encode()).hexdigest()


def multi_attach_allowed(pv: Obj | None) -> bool:
    """util.IsMultiAttachAllowed for a persistent volume: any RWX/ROX mode, or no modes at all."""
    if pv is None:
        return True
    modes = (pv.get("spec") or {}).get("accessModes") or []
    return not modes or "ReadWriteMany" in modes or "ReadOnlyMany" in modes


def volume_msg(prefix: str, pv: str, suffix: str) -> str:
    """operationexecutor generateVolumeMsg's simple message."""
    return f'{prefix} for volume "{pv}" {suffix}'


def node_ready(node: Obj | None) -> bool:
    """nodeutil.IsNodeReady: a Ready condition with status True (a missing node is not healthy)."""
    if node is None:
        return False
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (node.get("status") or {}).get("conditions") or [])


def has_out_of_service_taint(node: Obj | None) -> bool:
    """reconciler.hasOutOfServiceTaint."""
    return node is not None and any(t.get("key") == OUT_OF_SERVICE for t in (node.get("spec") or {}).get("taints")
                                    or [])


def pod_terminated(pod: Obj) -> bool:
    """volumeutil.IsPodTerminated: Succeeded or Failed, or deleted with no container running (notRunning: each
    status is terminated or waiting)."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        return True
    if not pod["metadata"].get("deletionTimestamp"):
        return False
    states = [cs.get("state") or {} for cs in (status.get("initContainerStatuses") or [])
              + (status.get("containerStatuses") or [])]
    return all("terminated" in st or "waiting" in st for st in states)


def attach_required(api: Any, driver: str) -> bool:
    """A CSIDriver object may say its volumes need no attach (csi_plugin.skipAttach); none means they do."""
    try:
        resource_for("csidrivers")
    except ApiError:
        return True  # kspec serves no CSIDriver kind: every CSI volume is attached
    obj = api.store.get("csidrivers", "", driver)
    return obj is None or (obj.get("spec") or {}).get("attachRequired", True) is not False


def pod_claims(pod: Obj) -> tuple[str, ...]:
    """The claim names of the pod's persistentVolumeClaim volumes (the only attachable ones kspec models)."""
    return tuple(v["persistentVolumeClaim"].get("claimName", "") for v in (pod.get("spec") or {}).get("volumes") or ()
                 if "persistentVolumeClaim" in v)


@dataclass
class Attached:
    """One (volume, node) of the actual state of the world."""

    state: str = "attaching"  # attaching (VolumeAttachment created) / attached / detaching (deleted)
    mounted: bool = True  # "Assume mounted, until proven otherwise" (AddVolumeNode)
    detach_requested: int | None = None  # virtual ms of the first reconcile that wanted it detached


@dataclass
class Volume:
    """What the controller knows about one attachable PV."""

    unique: str
    driver: str
    handle: str
    multi: bool
    desired: dict[str, set[str]] = field(default_factory=dict)  # node -> pod keys
    actual: dict[str, Attached] = field(default_factory=dict)  # node -> attachment
    multi_reported: set[str] = field(default_factory=set)  # nodes whose pods got their Multi-Attach event


class AttachDetachController(Controller):
    """Queue keys are PV names; the caches live in memory, as upstream's do."""

    NAME = "attachdetach-controller"
    #: kspec/lazystart.py: until a pod has a claim (or a VolumeAttachment exists) every cache is empty, and the
    #: handlers do nothing with a pod without claims (podAdd/podUpdate: ProcessPodVolumes finds no attachable
    #: volume), a claim, a volume or a node (nodeUpdate: no volume is attached or wanted there)
    START_ON_FIRST = ("pods", "volumeattachments")
    START_WHEN = {"pods": names_a_claim, "persistentvolumeclaims": never, "persistentvolumes": never, "nodes": never}

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.volumes: dict[str, Volume] = {}  # PV name -> volume
        self.pod_volumes: dict[str, dict[str, str]] = {}  # pod key -> {PV name: node}
        self.claim_pods: dict[str, set[str]] = {}  # claim key -> keys of scheduled pods using it
        self.pod_claims: dict[str, tuple[str, ...]] = {}  # pod key -> the claim keys it is listed under
        self.node_volumes: dict[str, set[str]] = {}  # node -> PV names attached or wanted there
        self.dirty_nodes: set[str] = set()  # nodes whose status.volumesAttached is out of date

    def start(self) -> None:
        informers = self.api.informers
        pods = informers.on("pods", self._pod_changed, lambda _o, n: self._pod_changed(n), self._pod_deleted)
        informers.on("persistentvolumeclaims", None, lambda _o, n: self._claim_changed(n), None)
        informers.on("persistentvolumes", None, lambda _o, n: self._pv_changed(n), None)
        nodes = informers.on("nodes", self._node_changed, lambda _o, n: self._node_changed(n), self._node_changed)
        informers.on("volumeattachments", self._attachment_changed, lambda _o, n: self._attachment_changed(n),
                     self._attachment_deleted)
        # populateActualStateOfWorld / populateDesiredStateOfWorld: a controller taking over finds what is there
        # (not a start deferred to the first attachment or pod with a claim: that object's delivery brings it)
        if informers.replaying:
            for va in sorted(self.api.store.list("volumeattachments"), key=lambda v: v["metadata"]["name"]):
                self._attachment_changed(va)
        informers.replay(pods, self.api.store.list("pods"))
        if self.node_volumes:  # else no node is replayed (most starts: no VolumeAttachment yet)
            informers.replay(nodes, [n for n in self.api.store.list("nodes")
                                     if n["metadata"]["name"] in self.node_volumes])

    # -- the desired state of the world --------------------------------------------------------------
    def _volume(self, pv_name: str) -> Volume | None:
        """The tracked volume, created from its PV when that PV is attachable."""
        vol = self.volumes.get(pv_name)
        if vol is not None:
            return vol
        pv = self.api.store.get("persistentvolumes", "", pv_name)
        unique = unique_volume_name(pv) if pv is not None else None
        if pv is None or unique is None:
            return None
        csi = pv["spec"]["csi"]
        if not attach_required(self.api, csi["driver"]):
            return None
        vol = Volume(unique, csi["driver"], csi.get("volumeHandle", ""), multi_attach_allowed(pv))
        self.volumes[pv_name] = vol
        return vol

    def _pod_changed(self, pod: Obj) -> None:
        """podAdd/podUpdate -> util.ProcessPodVolumes: add or remove the pod's volumes for its node."""
        claims = pod_claims(pod)
        if not claims and not self.pod_claims:
            return  # the commonest case (no pod with claims yet): not even the key is made
        md = pod["metadata"]
        key = f"{md.get('namespace', '')}/{md['name']}"
        if not claims and key not in self.pod_claims:
            return  # the common case: a pod without claims costs this check only
        node = (pod.get("spec") or {}).get("nodeName") or ""
        ns = md.get("namespace", "")
        wanted: dict[str, str] = {}
        watched: tuple[str, ...] = ()
        if node and not pod_terminated(pod):
            watched = tuple(f"{ns}/{c}" for c in claims)
            for claim_name in claims:
                claim = self.api.store.get("persistentvolumeclaims", ns, claim_name)
                pv_name = (claim.get("spec") or {}).get("volumeName") if claim is not None else None
                if pv_name and (claim.get("status") or {}).get("phase") == "Bound" and self._volume(pv_name):
                    wanted[pv_name] = node
        self._set_pod_volumes(key, wanted, watched)

    def _pod_deleted(self, pod: Obj) -> None:
        md = pod["metadata"]
        key = f"{md.get('namespace', '')}/{md['name']}"
        if key in self.pod_claims:
            self._set_pod_volumes(key, {}, ())

    def _set_pod_volumes(self, key: str, wanted: dict[str, str], watched: tuple[str, ...]) -> None:
        """Record the pod's volumes on its node (and the claims to look at again when they bind)."""
        for ckey in self.pod_claims.get(key, ()):
            if ckey not in watched:
                pods = self.claim_pods.get(ckey, set())
                pods.discard(key)
                if not pods:
                    self.claim_pods.pop(ckey, None)
        for ckey in watched:
            self.claim_pods.setdefault(ckey, set()).add(key)
        if watched:
            self.pod_claims[key] = watched
        else:
            self.pod_claims.pop(key, None)
        old = self.pod_volumes.get(key, {})
        if wanted == old:
            return
        for pv_name, node in old.items():
            if wanted.get(pv_name) != node:
                vol = self.volumes[pv_name]
                pods = vol.desired.get(node, set())
                pods.discard(key)
                if not pods:
                    vol.desired.pop(node, None)
                    vol.multi_reported.discard(node)  # a new pod there gets its own Multi-Attach event
                self.queue.add(pv_name)
        for pv_name, node in wanted.items():
            self.volumes[pv_name].desired.setdefault(node, set()).add(key)
            self.node_volumes.setdefault(node, set()).add(pv_name)
            self.queue.add(pv_name)
        if wanted:
            self.pod_volumes[key] = wanted
        else:
            self.pod_volumes.pop(key, None)

    def _claim_changed(self, claim: Obj) -> None:
        """A claim bound after its pod was scheduled: the pods using it are processed again."""
        md = claim["metadata"]
        for key in sorted(self.claim_pods.get(f"{md.get('namespace', '')}/{md['name']}", ())):
            ns, name = split_key(key)
            pod = self.api.store.get("pods", ns, name)
            if pod is not None:
                self._pod_changed(pod)

    def _pv_changed(self, pv: Obj) -> None:
        vol = self.volumes.get(pv["metadata"]["name"])
        if vol is not None:
            vol.multi = multi_attach_allowed(pv)

    # -- the actual state of the world -----------------------------------------------------------------
    def _node_changed(self, node: Obj) -> None:
        """nodeUpdate -> processVolumesInUse (SetVolumesMountedByNode); health and taints matter to detach."""
        name = node["metadata"]["name"]
        pv_names = self.node_volumes.get(name)
        if not pv_names:
            return
        in_use = set((node.get("status") or {}).get("volumesInUse") or ())
        deleted = self.api.store.get("nodes", "", name) is None
        for pv_name in sorted(pv_names):
            vol = self.volumes.get(pv_name)
            att = vol.actual.get(name) if vol is not None else None
            if att is None:
                continue
            if not deleted:
                att.mounted = vol.unique in in_use
            self.queue.add(pv_name)

    def _attachment_changed(self, va: Obj) -> None:
        """The external-attacher marked a VolumeAttachment attached: the attach operation completes."""
        spec = va.get("spec") or {}
        pv_name = (spec.get("source") or {}).get("persistentVolumeName") or ""
        node = spec.get("nodeName") or ""
        if not (va.get("status") or {}).get("attached") or va["metadata"].get("deletionTimestamp"):
            return
        vol = self._volume(pv_name) if pv_name else None
        if vol is None:
            return
        att = vol.actual.setdefault(node, Attached())
        if att.state != "attaching":
            return
        att.state = "attached"
        self.node_volumes.setdefault(node, set()).add(pv_name)
        self.dirty_nodes.add(node)
        pods = [self.api.store.get("pods", *split_key(k)) for k in sorted(vol.desired.get(node, ()))]
        for pod in pods:  # operation_generator AttachVolume's SuccessfulAttachVolume, for each scheduled pod
            if pod is not None:
                self.events.event(pod, "Normal", "SuccessfulAttachVolume",
                                  volume_msg("AttachVolume.Attach succeeded", pv_name, ""), component=COMPONENT)
        self.queue.add(pv_name)

    def _attachment_deleted(self, va: Obj) -> None:
        """The VolumeAttachment is gone: the detach operation completes (MarkVolumeAsDetached)."""
        spec = va.get("spec") or {}
        pv_name = (spec.get("source") or {}).get("persistentVolumeName") or ""
        node = spec.get("nodeName") or ""
        vol = self.volumes.get(pv_name)
        if vol is None or vol.actual.pop(node, None) is None:
            return
        if node not in vol.desired:
            self.node_volumes.get(node, set()).discard(pv_name)
        self.dirty_nodes.add(node)
        self.queue.add(pv_name)

    def _report(self, node: str) -> None:
        """statusupdater.UpdateNodeStatusForNode: the node's volumesAttached are the attached, reported volumes."""
        if self.api.store.get("nodes", "", node) is None:
            return
        names = sorted(self.volumes[p].unique for p in self.node_volumes.get(node, ())
                       if (att := self.volumes[p].actual.get(node)) is not None and att.state == "attached")
        wanted = [{"name": n, "devicePath": ""} for n in names]

        def mutate(n: Obj) -> None:
            if wanted:
                n.setdefault("status", {})["volumesAttached"] = wanted
            else:
                n.setdefault("status", {}).pop("volumesAttached", None)
        try:
            self.api.patch("nodes", node, "", mutate, status=True)
        except ApiError as exc:
            if exc.code != 404:
                raise

    # -- the reconciler --------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        for node in sorted(self.dirty_nodes):  # UpdateNodeStatuses; a failed write is retried with the key
            self._report(node)
            self.dirty_nodes.discard(node)
        vol = self.volumes.get(key)
        if vol is None:
            return
        now = self.clock.now
        for node in sorted(vol.actual):
            att = vol.actual[node]
            if node in vol.desired:
                att.detach_requested = None  # ResetDetachRequestTime: wanted again
                continue
            if att.state != "attached":
                continue  # an operation is pending (IsOperationSafeToRetry)
            if att.detach_requested is None:
                att.detach_requested = now  # SetDetachRequestTime
            elapsed = now - att.detach_requested
            node_obj = self.api.store.get("nodes", "", node)
            force = not node_ready(node_obj) and elapsed > MAX_WAIT_FOR_UNMOUNT_MS
            out_of_service = has_out_of_service_taint(node_obj)
            if att.mounted and not force and not out_of_service:
                if not node_ready(node_obj):  # look again when the wait for unmount runs out
                    self.queue.add_after(key, MAX_WAIT_FOR_UNMOUNT_MS - elapsed + 1)
                continue
            self._detach(key, vol, node, att)
        self._attach_desired(key, vol)

    def _detach(self, pv_name: str, vol: Volume, node: str, att: Attached) -> None:
        """RemoveVolumeFromReportAsAttached, update the node's status, then the CSI detach: delete the attachment."""
        att.state = "detaching"
        try:
            self._report(node)
        except ApiError:
            att.state = "attached"  # UpdateNodeStatusForNode failed: not detached, tried again
            raise
        try:
            self.api.delete("volumeattachments", attachment_name(vol.handle, vol.driver, node), "")
        except ApiError as exc:
            if exc.code != 404:
                att.state = "attached"
                raise
            self._attachment_deleted({"spec": {"nodeName": node, "source": {"persistentVolumeName": pv_name}}})

    def _attach_desired(self, pv_name: str, vol: Volume) -> None:
        """attachDesiredVolumes."""
        for node in sorted(vol.desired):
            if node in vol.actual:
                continue
            if not vol.multi:
                if any(a.state != "attached" for a in vol.actual.values()):
                    continue  # an operation on the volume is pending somewhere (IsOperationPending)
                if vol.actual:
                    if node not in vol.multi_reported:
                        self._report_multi_attach(pv_name, vol, node)
                        vol.multi_reported.add(node)
                    continue
            self._attach(pv_name, vol, node)

    def _attach(self, pv_name: str, vol: Volume, node: str) -> None:
        """csiAttacher.Attach: create the VolumeAttachment (or find it) and wait for the driver to attach it."""
        vol.actual[node] = Attached()
        self.node_volumes.setdefault(node, set()).add(pv_name)
        va = {"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttachment",
              "metadata": {"name": attachment_name(vol.handle, vol.driver, node)},
              "spec": {"attacher": vol.driver, "nodeName": node, "source": {"persistentVolumeName": pv_name}}}
        try:
            created = self.api.create(va)
        except ApiError as exc:
            if exc.code != 409:
                del vol.actual[node]
                raise
            created = self.api.store.get("volumeattachments", "", va["metadata"]["name"])
        if created is not None:
            self._attachment_changed(created)

    def _report_multi_attach(self, pv_name: str, vol: Volume, node: str) -> None:
        """reportMultiAttachError: name the pods that use the volume on other nodes, in the pod's namespace."""
        others = sorted(k for n, keys in vol.desired.items() if n != node and n in vol.actual for k in keys)
        for key in sorted(vol.desired.get(node, ())):
            pod = self.api.store.get("pods", *split_key(key))
            if pod is None:
                continue
            if not others:
                msg = volume_msg("Multi-Attach error", pv_name, MSG_EXCLUSIVE)
            else:
                ns = split_key(key)[0]
                local = [split_key(k)[1] for k in others if split_key(k)[0] == ns]
                elsewhere = len(others) - len(local)
                if local:
                    text = f"Volume is already used by pod(s) {', '.join(local)}"
                    if elsewhere:
                        text += f" and {elsewhere} pod(s) in different namespaces"
                else:
                    text = f"Volume is already used by {elsewhere} pod(s) in different namespaces"
                msg = volume_msg("Multi-Attach error", pv_name, text)
            self.events.event(pod, "Warning", "FailedAttachVolume", msg, component=COMPONENT)


class CSIExternalAttacher(Controller):
    """The simulated drivers' external-attacher sidecar: a new VolumeAttachment is attached at once."""

    NAME = "csi-attacher"
    START_ON_FIRST = ("volumeattachments",)

    def start(self) -> None:
        self.watch("volumeattachments", lambda va: va["metadata"]["name"])

    def reconcile(self, key: str) -> None:
        va = self.api.try_get("volumeattachments", key, "")
        if va is None or va["metadata"].get("deletionTimestamp") or (va.get("status") or {}).get("attached"):
            return
        self.api.patch("volumeattachments", key, "", lambda v: v.setdefault("status", {}).__setitem__(
            "attached", True), status=True)


def attached_volumes(node: Obj) -> set[str]:
    """The unique names the controller lists in the node's status.volumesAttached."""
    return {v.get("name", "") for v in (node.get("status") or {}).get("volumesAttached") or ()}


def pod_attachable_volumes(api: Any, pod: Obj) -> list[str]:
    """The unique names of the pod's attachable volumes (bound claims to CSI volumes), for the kubelet."""
    out: list[str] = []
    ns = pod["metadata"].get("namespace", "")
    for claim_name in pod_claims(pod):
        claim = api.store.get("persistentvolumeclaims", ns, claim_name)
        pv_name = (claim.get("spec") or {}).get("volumeName") if claim is not None else None
        pv = api.store.get("persistentvolumes", "", pv_name) if pv_name else None
        unique = unique_volume_name(pv) if pv is not None else None
        if unique is not None and unique not in out and attach_required(api, pv["spec"]["csi"]["driver"]):
            out.append(unique)
    return out
