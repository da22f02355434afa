"""The PersistentVolume controller and the PV/PVC protection controllers.

Modelled on upstream pkg/controller/volume/persistentvolume (pv_controller.go: syncClaim,
syncUnboundClaim, syncBoundClaim, syncVolume, bind, reclaimVolume; index.go: findBestMatchForClaim)
and pkg/controller/volume/pvcprotection, pvprotection. Provisioning itself is the ``storage``
component's (kspec/storage.py), as an external provisioner is upstream: this controller only
annotates the claim with its provisioner and says so with ``ExternalProvisioning``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import names_a_claim
from kspec.errors import ApiError
from kspec.labels import Selector
from kspec.nodeaffinity import node_selector_matches
from kspec.objects import Obj, key_of, split_key
from kspec.quantity import parse_quantity

if TYPE_CHECKING:
    from kspec.store import WatchEvent

COMPONENT = "persistentvolume-controller"
ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
NO_PROVISIONER = "kubernetes.io/no-provisioner"
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"
WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"

MSG_NO_CLASS = "no persistent volumes available for this claim and no storage class is set"
MSG_WAIT = "waiting for first consumer to be created before binding"
MSG_EXTERNAL = ("Waiting for a volume to be created either by the external provisioner '{}' or manually by the "
                "system administrator. If volume creation is delayed, please verify that the provisioner is running "
                "and correctly registered.")
MSG_CLAIM_LOST = "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
MSG_CLAIM_MISBOUND = "Two claims are bound to the same volume, this one is bound incorrectly"


def claim_class(claim: Obj) -> str:
    """GetPersistentVolumeClaimClass: spec.storageClassName, else the beta annotation."""
    spec = claim.get("spec") or {}
    if spec.get("storageClassName") is not None:
        return spec["storageClassName"]
    return (claim["metadata"].get("annotations") or {}).get("volume.beta.kubernetes.io/storage-class", "")


def volume_class(pv: Obj) -> str:
    """GetPersistentVolumeClass."""
    return (pv.get("spec") or {}).get("storageClassName") or ""


def requested(claim: Obj) -> Any:
    """The claim's storage request (0 when absent)."""
    value = (((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage", "0")
    return parse_quantity(value)


def capacity(pv: Obj) -> Any:
    return parse_quantity(((pv.get("spec") or {}).get("capacity") or {}).get("storage", "0"))


def _modes_ok(claim: Obj, pv: Obj) -> bool:
    """CheckAccessModes: the volume offers every mode the claim asks for."""
    offered = set((pv.get("spec") or {}).get("accessModes") or [])
    return set((claim.get("spec") or {}).get("accessModes") or []) <= offered


def _prebound_to(pv: Obj, claim: Obj) -> bool:
    """The volume's claimRef names this claim (and, if it has a uid, this very claim)."""
    ref = (pv.get("spec") or {}).get("claimRef")
    md = claim["metadata"]
    return bool(ref) and ref.get("name") == md["name"] and ref.get("namespace") == md.get("namespace") and (
        not ref.get("uid") or ref["uid"] == md.get("uid"))


def node_allows(pv: Obj, node: Obj | None) -> bool:
    """CheckNodeAffinity: a volume with node affinity fits only nodes its required terms select."""
    required = (((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required"))
    if not required:
        return True
    if node is None:
        return False
    return node_selector_matches(required, node["metadata"].get("labels") or {}, node["metadata"]["name"])


def volume_mode_mismatch(claim: Obj, pv: Obj) -> bool:
    """CheckVolumeModeMismatches: an unset mode is Filesystem on either side."""
    return ((claim.get("spec") or {}).get("volumeMode") or "Filesystem") != (
        (pv.get("spec") or {}).get("volumeMode") or "Filesystem")


def bound_to_claim(pv: Obj, claim: Obj) -> bool:
    """IsVolumeBoundToClaim: the claimRef names the claim and, when it has a uid, this very claim."""
    return _prebound_to(pv, claim)


def find_matching_volume(claim: Obj, volumes: list[Obj], node: Obj | None = None,
                         excluded: set[str] | frozenset[str] = frozenset(), delay_binding: bool = False) -> Obj | None:
    """FindMatchingVolume (pkg/controller/volume/persistentvolume/util): a volume bound to the claim wins (unless
    its node affinity rules the node out); otherwise the smallest Available, unclaimed volume of the claim's class
    and selector, big enough and of its volume mode, fitting the node; with a node (the scheduler's path) the access
    modes are checked too. Delayed binding without a node binds only volumes bound to the claim already."""
    want = requested(claim)
    cls = claim_class(claim)
    selector = (claim.get("spec") or {}).get("selector")
    sel = Selector.from_label_selector(selector) if selector else None
    best: Obj | None = None
    for pv in sorted(volumes, key=lambda v: v["metadata"]["name"]):
        spec = pv.get("spec") or {}
        if pv["metadata"]["name"] in excluded:
            continue
        if spec.get("claimRef") is not None and not bound_to_claim(pv, claim):
            continue
        if capacity(pv) < want or volume_mode_mismatch(claim, pv) or pv["metadata"].get("deletionTimestamp"):
            continue
        affinity_ok = node is None or node_allows(pv, node)
        if bound_to_claim(pv, claim):
            return pv if affinity_ok else None
        if node is None and delay_binding:
            continue  # the scheduler binds unbound volumes of a delayed-binding claim
        if (pv.get("status") or {}).get("phase") != "Available":
            continue  # non-Available volumes are skipped: binding them would likely conflict
        if sel is not None and not sel.matches(pv["metadata"].get("labels")):
            continue
        if volume_class(pv) != cls or not affinity_ok:
            continue
        if node is not None and not _modes_ok(claim, pv):
            continue
        if best is None or capacity(pv) < capacity(best):
            best = pv
    return best


def check_volume_satisfies_claim(pv: Obj, claim: Obj) -> str | None:
    """checkVolumeSatisfyClaim: why a volume the claim names cannot serve it, or None."""
    if pv["metadata"].get("deletionTimestamp"):
        return f'the volume is marked for deletion "{pv["metadata"]["name"]}"'
    if capacity(pv) < requested(claim):
        return "requested PV is too small"
    if volume_class(pv) != claim_class(claim):
        return "storageClassName does not match"
    if volume_mode_mismatch(claim, pv):
        return "incompatible volumeMode"
    if not _modes_ok(claim, pv):
        return "incompatible accessMode"
    return None


def mode_groups(volumes: list[Obj], modes: list[str]) -> list[frozenset[str]]:
    """allPossibleMatchingAccessModes: the volumes' access-mode sets that contain every requested mode, fewest
    modes first (ties in a fixed order: upstream leaves them to map order)."""
    wanted = set(modes)
    groups = {frozenset((v.get("spec") or {}).get("accessModes") or []) for v in volumes}
    return sorted((g for g in groups if wanted <= g), key=lambda g: (len(g), sorted(g)))


def find_best_match(claim: Obj, volumes: list[Obj], *, delay_binding: bool = False,
                    node: Obj | None = None) -> Obj | None:
    """findBestMatchForClaim: the volumes are searched by access-mode set, the sets with the fewest modes first, so
    a claim gets the volume closest to its modes before a smaller one offering more. With a node (kspec's stand-in
    for the scheduler's binder under WaitForFirstConsumer) FindMatchingVolume runs over every volume."""
    if node is not None:
        return find_matching_volume(claim, volumes, node, delay_binding=delay_binding)
    modes = (claim.get("spec") or {}).get("accessModes") or []
    for group in mode_groups(volumes, modes):
        members = [v for v in volumes if frozenset((v.get("spec") or {}).get("accessModes") or []) == group]
        found = find_matching_volume(claim, members, None, delay_binding=delay_binding)
        if found is not None:
            return found
    return None


def _claim_ref_key(pv: Obj) -> tuple[str, str] | None:
    """The (namespace, name) a volume's claimRef names, None without one."""
    ref = (pv.get("spec") or {}).get("claimRef")
    return (ref.get("namespace") or "", ref.get("name") or "") if ref else None


def _unsynced(pv: Obj) -> bool:
    """Pending as created, unclaimed and not deleted: the volume worker has not synced it yet."""
    return ((pv.get("status") or {}).get("phase") in (None, "", "Pending")
            and not (pv.get("spec") or {}).get("claimRef") and not pv["metadata"].get("deletionTimestamp"))


class VolumeIndex:
    """persistentVolumeOrderedIndex's job: the volumes a claim could bind, without scanning every volume.

    Kept up to date from the store's commits (so it is what ``store.list`` returns at any moment, not what the
    informers have delivered so far). A claim can only get a volume whose claimRef names it, or an unclaimed one of
    its storage class (find_matching_volume skips every other volume), so ``candidates`` is that union; the search
    over it makes the same choice as over all volumes.
    """

    def __init__(self) -> None:
        self.volumes: dict[str, Obj] = {}
        self.by_claim: dict[tuple[str, str], set[str]] = {}
        self.unclaimed: dict[str, set[str]] = {}  # storage class -> volumes with no claimRef at all
        self.unsynced: set[str] = set()

    def load(self, volumes: list[Obj]) -> None:
        """Start over from the store's volumes."""
        self.volumes, self.by_claim, self.unclaimed, self.unsynced = {}, {}, {}, set()
        for pv in volumes:
            self._add(pv)

    def on_commit(self, event: WatchEvent) -> None:
        """A store subscriber: index each committed volume change."""
        if event.resource != "persistentvolumes":
            return
        name = event.obj["metadata"]["name"]
        self._remove(name)
        if event.type != "DELETED":
            self._add(event.obj)

    def _add(self, pv: Obj) -> None:
        name = pv["metadata"]["name"]
        self.volumes[name] = pv
        spec = pv.get("spec") or {}
        ref = _claim_ref_key(pv)
        if ref is not None:
            self.by_claim.setdefault(ref, set()).add(name)
        elif spec.get("claimRef") is None:
            self.unclaimed.setdefault(volume_class(pv), set()).add(name)
        if _unsynced(pv):
            self.unsynced.add(name)

    def _remove(self, name: str) -> None:
        pv = self.volumes.pop(name, None)
        if pv is None:
            return
        ref = _claim_ref_key(pv)
        if ref is not None:
            names = self.by_claim.get(ref)
            if names is not None:
                names.discard(name)
                if not names:
                    del self.by_claim[ref]
        elif (pv.get("spec") or {}).get("claimRef") is None:
            names = self.unclaimed.get(volume_class(pv))
            if names is not None:
                names.discard(name)
                if not names:
                    del self.unclaimed[volume_class(pv)]
        self.unsynced.discard(name)

    def candidates(self, claim: Obj, *, unbound: bool = True) -> list[Obj]:
        """The volumes bound or pre-bound to the claim, and (``unbound``) the unclaimed ones of its class, by name."""
        md = claim["metadata"]
        names = set(self.by_claim.get((md.get("namespace") or "", md["name"]), ()))
        if unbound:
            names |= self.unclaimed.get(claim_class(claim), set())
        return [self.volumes[n] for n in sorted(names)]


class PersistentVolumeController(Controller):
    """pv_controller: claims are keyed ``claim:ns/name``, volumes ``volume:name``, in one queue."""

    NAME = "persistentvolume-binder-controller"
    START_ON_FIRST = ("persistentvolumeclaims", "persistentvolumes")

    #: the volume index, built from the store and subscribed to its commits at the first claim a started
    #: controller syncs (a scenario without claims pays nothing; a controller never started scans the store)
    index: VolumeIndex | None = None
    started = False

    def _volume_index(self) -> VolumeIndex | None:
        if self.index is None and self.started:
            self.index = VolumeIndex()
            self.index.load(self.api.store.list("persistentvolumes"))
            self.api.store.subscribe(self.index.on_commit)
        return self.index

    def start(self) -> None:
        informers = self.api.informers
        self.started = True

        def claim_changed(obj: Obj) -> None:
            self.queue.add("claim:" + key_of(obj))
            ref = (obj.get("spec") or {}).get("volumeName")
            if ref:
                self.queue.add("volume:" + ref)

        def volume_changed(obj: Obj) -> None:
            self.queue.add("volume:" + obj["metadata"]["name"])
            ref = (obj.get("spec") or {}).get("claimRef")
            if ref:
                self.queue.add(f"claim:{ref.get('namespace', '')}/{ref.get('name', '')}")
                return
            # a new or freed volume may match a pending claim (upstream's periodic resync finds it)
            for claim in self.api.store.list("persistentvolumeclaims"):
                if (claim.get("status") or {}).get("phase") in (None, "", "Pending"):
                    self.queue.add("claim:" + key_of(claim))

        for resource, fn in (("persistentvolumeclaims", claim_changed), ("persistentvolumes", volume_changed)):
            handler = informers.on(resource, on_add=fn, on_update=lambda _o, n, fn=fn: fn(n), on_delete=fn)
            informers.replay(handler, self.api.store.list(resource))

    def reconcile(self, key: str) -> bool | None:
        kind, _, rest = key.partition(":")
        if kind == "claim":
            ns, name = split_key(rest)
            claim = self.api.try_get("persistentvolumeclaims", name, ns)
            if claim is not None:
                return self.sync_claim(claim)
        else:
            pv = self.api.try_get("persistentvolumes", rest, "")
            if pv is not None:
                self.sync_volume(pv)

    # -- claims ---------------------------------------------------------------
    def _event(self, obj: Obj, type_: str, reason: str, message: str) -> None:
        self.events.event(obj, type_, reason, message, component=COMPONENT)

    def _class(self, name: str) -> Obj | None:
        return self.api.try_get("storageclasses", name, "") if name else None

    def sync_claim(self, claim: Obj) -> bool | None:
        """syncClaim: unbound claims look for a volume, bound ones check theirs; True is an error (a retry)."""
        anns = claim["metadata"].get("annotations") or {}
        if anns.get(ANN_BIND_COMPLETED) != "yes":
            return self.sync_unbound_claim(claim)
        self.sync_bound_claim(claim)
        return None

    def sync_unbound_claim(self, claim: Obj) -> bool | None:
        """syncUnboundClaim."""
        spec = claim.get("spec") or {}
        anns = claim["metadata"].get("annotations") or {}
        if spec.get("volumeName"):
            pv = self.api.try_get("persistentvolumes", spec["volumeName"], "")
            if pv is None:
                self._set_claim_phase(claim, "Pending")  # the user pre-bound it to a volume that does not exist yet
                return
            ref = (pv.get("spec") or {}).get("claimRef")
            if ref and not _prebound_to(pv, claim):
                self._event(claim, "Warning", "FailedBinding",
                            f'volume "{pv["metadata"]["name"]}" already bound to a different claim.')
                if (claim["metadata"].get("annotations") or {}).get(ANN_BOUND_BY_CONTROLLER):
                    return True  # "invalid binding ... volume already claimed": the claim is left as it is
                self._set_claim_phase(claim, "Pending")
                return None
            mismatch = None if ref else check_volume_satisfies_claim(pv, claim)  # an unclaimed volume is checked
            if mismatch is not None:
                self._set_claim_phase(claim, "Pending")
                self._event(claim, "Warning", "VolumeMismatch",
                            f'Cannot bind to requested volume "{pv["metadata"]["name"]}": {mismatch}')
                return
            self.bind(pv, claim)
            return
        cls_name = claim_class(claim)
        cls = self._class(cls_name)
        delay = bool(cls) and cls.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER
        node_name = anns.get(ANN_SELECTED_NODE, "")
        node = self.api.try_get("nodes", node_name, "") if node_name else None
        index = self._volume_index()
        if index is not None:
            unsynced = sorted(index.unsynced)
        else:
            unsynced = [pv["metadata"]["name"] for pv in self.api.store.list("persistentvolumes") if _unsynced(pv)]
        if unsynced and self.queue is not None:
            # volumes the volume worker has not synced yet (Pending as created): only Available volumes match, so
            # the claim waits behind them in the queue, as upstream's volume worker would have run by now
            for name in unsynced:
                self.queue.add("volume:" + name)
            # a synced volume requeues the pending claims (volume_changed); this is the fallback
            self.queue.add_after("claim:" + key_of(claim), 1000)
            return None
        # without a node a delayed claim binds only a volume bound to it already (find_matching_volume)
        volumes = self.api.store.list("persistentvolumes") if index is None else index.candidates(
            claim, unbound=node is not None or not delay)
        match = find_best_match(claim, volumes, delay_binding=delay, node=node)
        if match is not None:
            self.bind(match, claim)
            return
        if delay and not node_name:
            self._set_claim_phase(claim, "Pending")
            self._event(claim, "Normal", "WaitForFirstConsumer", MSG_WAIT)
            return
        if not cls_name:
            self._set_claim_phase(claim, "Pending")
            self._event(claim, "Normal", "FailedBinding", MSG_NO_CLASS)
            return
        if cls is None:
            self._set_claim_phase(claim, "Pending")
            self._event(claim, "Warning", "ProvisioningFailed",
                        f'storageclass.storage.k8s.io "{cls_name}" not found')
            return
        provisioner = cls.get("provisioner", "")
        self._set_claim_phase(claim, "Pending")
        if provisioner == NO_PROVISIONER:
            return  # static local volumes only: nothing will be provisioned
        if anns.get(ANN_STORAGE_PROVISIONER) != provisioner:
            # setClaimProvisioner
            def annotate(c: Obj) -> None:
                a = c["metadata"].setdefault("annotations", {})
                a[ANN_STORAGE_PROVISIONER] = provisioner
                a[ANN_BETA_STORAGE_PROVISIONER] = provisioner
            claim = self.api.patch("persistentvolumeclaims", claim["metadata"]["name"],
                                   claim["metadata"]["namespace"], annotate)
        self._event(claim, "Normal", "ExternalProvisioning", MSG_EXTERNAL.format(provisioner))

    def sync_bound_claim(self, claim: Obj) -> None:
        """syncBoundClaim: Lost when its volume is gone or bound to another claim."""
        name = (claim.get("spec") or {}).get("volumeName", "")
        pv = self.api.try_get("persistentvolumes", name, "") if name else None
        if pv is None:
            if self._set_claim_phase(claim, "Lost"):
                self._event(claim, "Warning", "ClaimLost", MSG_CLAIM_LOST)
            return
        ref = (pv.get("spec") or {}).get("claimRef")
        if not ref:
            self.bind(pv, claim)  # the volume lost its claimRef: bind it again
            return
        if ref.get("uid") == claim["metadata"].get("uid"):
            self._set_volume_phase(pv, "Bound")  # bind() on an existing binding: the phases are what remains
            self._update_claim_status(claim, pv, "Bound")
            return
        if self._set_claim_phase(claim, "Lost"):
            self._event(claim, "Warning", "ClaimMisbound", MSG_CLAIM_MISBOUND)

    def _set_claim_phase(self, claim: Obj, phase: str) -> bool:
        """updateClaimStatus without a volume: the phase, and no access modes or capacity any more; True when the
        phase changed (updateClaimStatusWithEvent's condition for its event)."""
        status = claim.get("status") or {}
        changed = status.get("phase") != phase
        if not changed and (phase != "Pending" or ("capacity" not in status and "accessModes" not in status)):
            return False
        md = claim["metadata"]

        def set_phase(c: Obj) -> None:
            st = c.setdefault("status", {})
            st["phase"] = phase
            st.pop("capacity", None)
            st.pop("accessModes", None)
        self.api.patch("persistentvolumeclaims", md["name"], md["namespace"], set_phase, status=True)
        return changed

    def _update_claim_status(self, claim: Obj, pv: Obj, phase: str) -> None:
        """updateClaimStatus: phase and access modes from the volume; its capacity only as the claim becomes
        Bound, since later a difference means a resize the kubelet has not finished."""
        spec = pv.get("spec") or {}
        status = claim.get("status") or {}
        want: dict[str, Any] = {"phase": phase, "accessModes": list(spec.get("accessModes") or [])}
        if status.get("phase") != phase:
            want["capacity"] = dict(spec.get("capacity") or {})
        if all(status.get(k) == v for k, v in want.items()):
            return
        md = claim["metadata"]
        self.api.patch("persistentvolumeclaims", md["name"], md["namespace"],
                       lambda c: c.setdefault("status", {}).update(want), status=True)

    # -- binding --------------------------------------------------------------
    def bind(self, pv: Obj, claim: Obj) -> None:
        """bind: volume first (claimRef, phase Bound), then the claim (volumeName, annotations, status)."""
        md = claim["metadata"]
        ref = {"kind": "PersistentVolumeClaim", "namespace": md["namespace"], "name": md["name"],
               "uid": md.get("uid", ""), "apiVersion": "v1", "resourceVersion": md.get("resourceVersion", "")}
        by_controller = not (pv.get("spec") or {}).get("claimRef")

        def set_ref(v: Obj) -> None:
            v["spec"]["claimRef"] = ref
            if by_controller:
                v["metadata"].setdefault("annotations", {})[ANN_BOUND_BY_CONTROLLER] = "yes"
        pv = self.api.patch("persistentvolumes", pv["metadata"]["name"], "", set_ref)
        self._set_volume_phase(pv, "Bound")
        set_name = not (claim.get("spec") or {}).get("volumeName")

        def bind_claim(c: Obj) -> None:
            c["spec"]["volumeName"] = pv["metadata"]["name"]
            anns = c["metadata"].setdefault("annotations", {})
            anns[ANN_BIND_COMPLETED] = "yes"
            if set_name:
                anns[ANN_BOUND_BY_CONTROLLER] = "yes"
        claim = self.api.patch("persistentvolumeclaims", md["name"], md["namespace"], bind_claim)
        self._update_claim_status(claim, pv, "Bound")

    # -- volumes --------------------------------------------------------------
    def _set_volume_phase(self, pv: Obj, phase: str, message: str = "") -> bool:
        if (pv.get("status") or {}).get("phase") == phase:
            return False

        def set_phase(v: Obj) -> None:
            status = v.setdefault("status", {})
            status["phase"] = phase
            if message:
                status["message"] = message
            else:
                status.pop("message", None)
        self.api.patch("persistentvolumes", pv["metadata"]["name"], "", set_phase, status=True)
        return True

    def sync_volume(self, pv: Obj) -> None:
        """syncVolume: Available without a claim, Bound with it, Released (then reclaimed) once it is gone."""
        ref = (pv.get("spec") or {}).get("claimRef")
        if not ref:
            self._set_volume_phase(pv, "Available")
            return
        claim = self.api.try_get("persistentvolumeclaims", ref.get("name", ""), ref.get("namespace", ""))
        if not ref.get("uid"):
            self._set_volume_phase(pv, "Available")  # pre-bound by the user: the claim's sync binds it
            return
        if claim is not None and claim["metadata"].get("uid") == ref["uid"]:
            volume_name = (claim.get("spec") or {}).get("volumeName")
            if not volume_name:
                # pre-bound to a claim not bound yet: the claim's sync binds it (the claim is queued for that),
                # unless the volume modes differ, which findBestMatchForClaim would never accept
                if volume_mode_mismatch(claim, pv):
                    self._event(pv, "Warning", "VolumeMismatch", "Cannot bind PersistentVolume to requested "
                                f'PersistentVolumeClaim "{claim["metadata"]["name"]}" due to incompatible volumeMode.')
                    self._event(claim, "Warning", "VolumeMismatch", f'Cannot bind PersistentVolume '
                                f'"{pv["metadata"]["name"]}" to requested PersistentVolumeClaim due to incompatible '
                                "volumeMode.")
                    return
                if self.queue is not None:
                    self.queue.add("claim:" + key_of(claim))
                return
            if volume_name == pv["metadata"]["name"]:
                self._set_volume_phase(pv, "Bound")
                return
            # the claim went to another volume: undo the binding, ours or the user's uid (unbindVolume)
            self.unbind_volume(pv)
            return
        if (pv.get("status") or {}).get("phase") in ("Released", "Failed") or self._set_volume_phase(pv, "Released"):
            self.reclaim(self.api.try_get("persistentvolumes", pv["metadata"]["name"], "") or pv)

    def reclaim(self, pv: Obj) -> None:
        """reclaimVolume: Retain keeps it Released, Delete deletes it, Recycle fails (no recycler for it)."""
        policy = (pv.get("spec") or {}).get("persistentVolumeReclaimPolicy", "Retain")
        if policy == "Delete" and not pv["metadata"].get("deletionTimestamp"):
            try:
                self.api.delete("persistentvolumes", pv["metadata"]["name"], "")
            except ApiError as exc:
                if exc.code != 404:
                    raise
        elif policy == "Recycle" and (pv.get("spec") or {}).get("hostPath") is None and (
                pv.get("spec") or {}).get("nfs") is None:
            if (pv.get("status") or {}).get("phase") != "Failed":
                # recycleVolumeOperation: FindRecyclablePluginBySpec knows only hostPath and NFS
                self._set_volume_phase(pv, "Failed", "No recycler plugin found for the volume!")
                self._event(pv, "Warning", "VolumeFailedRecycle", "No recycler plugin found for the volume!")
        elif policy == "Recycle":
            self.recycle(pv)

    def recycle(self, pv: Obj) -> None:
        """recycleVolumeOperation for hostPath and NFS (deprecated, still served): the recycler pod's
        ``rm -rf /scrub/*`` (here: the volume's files are wiped at once, no pod is run), ``VolumeRecycled``, then
        unbindVolume makes it Available again."""
        name = pv["metadata"]["name"]
        runtime = self.cluster.components.get("runtime")
        store = getattr(runtime, "volumes", None)  # the kubelet's VolumeStore, when the runtime has one
        if store is not None and hasattr(store, "pvs"):
            store.pvs.pop(name, None)
        self._event(pv, "Normal", "VolumeRecycled", "Volume recycled")
        self.unbind_volume(pv)

    def unbind_volume(self, pv: Obj) -> None:
        """unbindVolume: a binding the controller made goes with its annotation; a user's pre-binding keeps its
        claimRef but loses the uid; either way the volume is Available again."""
        by_controller = (pv["metadata"].get("annotations") or {}).get(ANN_BOUND_BY_CONTROLLER) == "yes"

        def unbind(v: Obj) -> None:
            if by_controller:
                v["spec"].pop("claimRef", None)
                anns = v["metadata"].get("annotations") or {}
                anns.pop(ANN_BOUND_BY_CONTROLLER, None)
                if not anns:
                    v["metadata"].pop("annotations", None)
            elif v["spec"].get("claimRef"):
                v["spec"]["claimRef"].pop("uid", None)
        pv = self.api.patch("persistentvolumes", pv["metadata"]["name"], "", unbind)
        self._set_volume_phase(pv, "Available")


def claims_of(pod: Obj) -> list[str]:
    """The names of the claims a pod's volumes use."""
    return [v["persistentVolumeClaim"]["claimName"] for v in (pod.get("spec") or {}).get("volumes") or []
            if (v.get("persistentVolumeClaim") or {}).get("claimName")]


def pod_uses(pod: Obj, claim: str) -> bool:
    """podUsesPVC for a pod that still runs or may run (not Succeeded/Failed)."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    return claim in claims_of(pod)


class PVCProtectionController(Controller):
    """pvcprotection: drop ``kubernetes.io/pvc-protection`` from a deleted claim once no pod uses it."""

    NAME = "persistentvolumeclaim-protection-controller"
    #: kspec/lazystart.py: the pod handler queues the claims the pod names (pvc_protection_controller.go
    #: podAddedDeletedUpdated: a pod without claims queues nothing), so only a claim or a pod naming one starts it
    START_ON_FIRST = ("persistentvolumeclaims", "pods")
    START_WHEN = {"pods": names_a_claim}

    def start(self) -> None:
        self.watch("persistentvolumeclaims")
        informers = self.api.informers

        def pod_changed(pod: Obj) -> None:
            for name in claims_of(pod):
                self.queue.add(f"{pod['metadata'].get('namespace', '')}/{name}")
        informers.on("pods", on_add=pod_changed, on_update=lambda _o, n: pod_changed(n), on_delete=pod_changed)

    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        claim = self.api.try_get("persistentvolumeclaims", name, ns)
        if claim is None or not claim["metadata"].get("deletionTimestamp"):
            return
        if PVC_PROTECTION not in (claim["metadata"].get("finalizers") or []):
            return
        if any(pod_uses(p, name) for p in self.api.store.list("pods", ns)):
            return
        self.api.patch("persistentvolumeclaims", name, ns, lambda c: c["metadata"].__setitem__(
            "finalizers", [f for f in c["metadata"].get("finalizers") or [] if f != PVC_PROTECTION]))


class PVProtectionController(Controller):
    """pvprotection: drop ``kubernetes.io/pv-protection`` from a deleted volume once it is not Bound."""

    NAME = "persistentvolume-protection-controller"
    START_ON_FIRST = ("persistentvolumes",)

    def start(self) -> None:
        self.watch("persistentvolumes")

    def reconcile(self, key: str) -> None:
        pv = self.api.try_get("persistentvolumes", key, "")
        if pv is None or not pv["metadata"].get("deletionTimestamp"):
            return
        if PV_PROTECTION not in (pv["metadata"].get("finalizers") or []):
            return
        if (pv.get("status") or {}).get("phase") == "Bound":
            return
        self.api.patch("persistentvolumes", key, "", lambda v: v["metadata"].__setitem__(
            "finalizers", [f for f in v["metadata"].get("finalizers") or [] if f != PV_PROTECTION]))

