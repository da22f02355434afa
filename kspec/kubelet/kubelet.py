"""One node's kubelet: admission, pod workers, node status and Lease heartbeats.

The node status is computed every ``nodeStatusUpdateFrequency`` (10s) and
posted when it changed or ``nodeStatusReportFrequency`` (5m) has passed; the
Lease in ``kube-node-lease`` is renewed every 10s (a quarter of its 40s
duration). A stopped node (``stop``) keeps its containers running but can
reach nothing: no heartbeats, no status writes, no pod updates, until
``restore``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kspec.controllers.attachdetach import attached_volumes, pod_attachable_volumes
from kspec.errors import ApiError
from kspec.kubelet import admission, envvars, volume_expand, volumes
from kspec.kubelet.backoff import Backoff
from kspec.kubelet.eviction_manager import EvictionManager
from kspec.kubelet.nodelease import NodeLease
from kspec.kubelet.pod_worker import PodWorker, services_env
from kspec.kubelet.runtime import image_digest, image_size, normalize
from kspec.objects import Obj, timestamp

if TYPE_CHECKING:
    from kspec.kubelet.agent import NodeAgent

STATUS_UPDATE_MS = 10_000  # nodeStatusUpdateFrequency
STATUS_REPORT_MS = 300_000  # nodeStatusReportFrequency
LEASE_DURATION_S = 40  # nodeLeaseDurationSeconds
LEASE_RENEW_MS = LEASE_DURATION_S * 1000 // 4  # renewInterval = 0.25 * lease duration
LEASE_NAMESPACE = "kube-node-lease"
assert LEASE_RENEW_MS == STATUS_UPDATE_MS == EvictionManager.PERIOD_MS, "Kubelet._tick runs them as one timer"
NODE_STATUS_MAX_IMAGES = 50  # KubeletConfiguration nodeStatusMaxImages default
_CONDITION_TEXT = {
    ("MemoryPressure", "False"): ("KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("MemoryPressure", "True"): ("KubeletHasInsufficientMemory", "kubelet has insufficient memory available"),
    ("DiskPressure", "False"): ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False"): ("KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True"): ("KubeletReady", "kubelet is posting ready status"),
}
#: each condition's fields before its times, in the order they are posted (copied into every status write)
_CONDITION_HEAD = {(ctype, st): {"type": ctype, "status": st, "reason": reason, "message": message}
                   for (ctype, st), (reason, message) in _CONDITION_TEXT.items()}


def _has_claim_volume(pod: Obj) -> bool:
    """Whether a volume of the pod names a PersistentVolumeClaim: what attaching and node expansion wait for."""
    return any("persistentVolumeClaim" in v for v in pod["spec"].get("volumes") or ())


class Kubelet:
    def __init__(self, agent: NodeAgent, node_name: str) -> None:
        self.agent = agent
        self.node_name = node_name
        self.clock = agent.clock
        self.api = agent.api
        self.events = agent.events
        self.runtime = agent.runtime
        self.workers: dict[str, PodWorker] = {}
        self.online = True
        self.dirty: set[str] = set()
        self.crash_backoff = Backoff()
        self.image_backoff = Backoff()
        self.eviction = EvictionManager(self)
        self.lease = NodeLease(self)
        self._next_ip = 2
        self._ips_in_use: set[int] = set()
        self._last_report = -STATUS_REPORT_MS
        self._timers: list = []
        self._images_of: tuple[int, list[Obj]] | None = None  # (how many images the node had, their status)
        self._unchanged: tuple[Obj, bool, list[Obj], list[str]] | None = None  # what the last tick found unchanged
        #: (namespace, enableServiceLinks) -> (the stored Services, their variables): pod_worker.services_env
        self.service_env: dict[tuple[str, bool], tuple[list[Obj], dict[str, str]]] = {}
        #: the volume manager's attachable volumes per pod uid, reported as the node's status.volumesInUse
        self.volumes_in_use: dict[str, list[str]] = {}
        node = self._node()
        #: the Node's uid as this kubelet first read it: the start's Lease names it as its owner
        self._node_uid: str = node["metadata"]["uid"]
        self.cidr_base = node["spec"].get("podCIDR", "10.244.0.0/24").rsplit(".", 1)[0]
        self.host_ip = next((a["address"] for a in node["status"].get("addresses") or []
                             if a.get("type") == "InternalIP"), "")

    def _node(self) -> Obj:
        """``api.get`` of this kubelet's Node: from the store when no user acts (the API server then reads
        unauthorized, as for every component) and the node is there, else through the API (its errors)."""
        api = self.api
        node = api.store.get("nodes", "", self.node_name) if api.user is None else None
        return node if node is not None else api.get("nodes", self.node_name, "")

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._ensure_lease()
        self._start_timers()

    def _start_timers(self) -> None:
        # The Lease renewal, the node status sync and the eviction manager share one period, start together
        # and run one after the other at every tick, so one timer runs all three in that order: a third of
        # the callbacks, the same sequence of actions.
        self._timers = [self.clock.call_every(LEASE_RENEW_MS, self._tick, label=f"kubelet {self.node_name}")]

    def _tick(self) -> None:
        if self.online:  # a stopped kubelet reaches no API: only its eviction manager keeps running
            self.lease.sync()  # _renew_lease, called directly: 36,000 ticks a virtual hour in the soak
            self.sync_node_status()
            if self.dirty:
                self._sync_dirty()
        self.eviction.synchronize()

    def shutdown(self) -> None:
        """The Node object is gone."""
        for t in self._timers:
            t.cancel()
        self.lease.stop()
        for worker in list(self.workers.values()):
            worker.remove()
            self.agent.volumes.forget_pod(worker.uid)
        self.workers.clear()
        self.volumes_in_use.clear()

    def stop(self) -> None:
        """Lose the API: heartbeats stop (``_tick`` skips them), pods keep running."""
        if not self.online:
            return
        self.online = False
        self.lease.stop()

    def restore(self) -> None:
        """Reach the API again: heartbeat now, then catch up with every pod."""
        if self.online:
            return
        self.online = True
        for t in self._timers:
            t.cancel()
        self._start_timers()
        self._renew_lease()
        self.sync_node_status(force=True)
        self.resync()

    def resync(self) -> None:
        """Reconcile the pod workers with the API's pods for this node."""
        live = {p["metadata"]["uid"]: p for p in self.api.list("pods")
                if p["spec"].get("nodeName") == self.node_name}
        for uid in sorted(self.workers):
            if uid not in live:
                self.workers[uid].remove()
                self._forget(uid)
        for uid in sorted(live):
            if uid in self.workers:
                worker = self.workers[uid]
                worker.update(live[uid])
                worker.sync()
                if worker.terminal:
                    worker.write_status()
                    if worker.deleting:
                        worker._maybe_finish()
            else:
                self.pod_added(live[uid])
        self.dirty.clear()

    # -- pods ---------------------------------------------------------------------------------
    def pod_added(self, pod: Obj) -> None:
        if not self.online:
            return
        uid = pod["metadata"]["uid"]
        if uid in self.workers:
            self.pod_updated(pod)
            return
        phase = pod.get("status", {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            return
        worker = PodWorker(self, pod)
        self.workers[uid] = worker
        if pod["metadata"].get("deletionTimestamp"):
            worker.deleting = True
            worker.terminal = True
            worker._delete_from_api()
            return
        rejected = self.admit(pod)
        if rejected is not None:
            worker.reject(*rejected)
            return
        worker.admit(self._allocate_ip())

    def pod_updated(self, pod: Obj) -> None:
        if not self.online:
            return
        worker = self.workers.get(pod["metadata"]["uid"])
        if worker is None:
            self.pod_added(pod)
            return
        worker.update(pod)

    def pod_deleted(self, pod: Obj) -> None:
        if not self.online:
            return
        uid = pod["metadata"]["uid"]
        worker = self.workers.get(uid)
        if worker is not None:
            worker.remove()
            self._forget(uid)

    def pod_terminated(self, worker: PodWorker) -> None:
        """Every container of a deleted pod stopped: free the IP, drop the object."""
        self.release(worker)
        if worker.deleting and self.online:
            worker._delete_from_api()

    def release(self, worker: PodWorker) -> None:
        if worker.pod_ip:
            self._ips_in_use.discard(int(worker.pod_ip.rsplit(".", 1)[1]))

    def _forget(self, uid: str) -> None:
        worker = self.workers.pop(uid, None)
        if worker is not None:
            self.release(worker)
            self.crash_backoff.forget(uid)
            self.image_backoff.forget(uid)
            self.runtime.forget_pod(uid)
            self.agent.volumes.forget_pod(uid)
            self.volumes_in_use.pop(uid, None)  # unmounted: no longer in use at the next status update

    def _allocate_ip(self) -> str:
        """host-local IPAM: the next free address after the last one handed out (.2 to .254)."""
        for _ in range(253):
            n = self._next_ip
            self._next_ip = n + 1 if n < 254 else 2
            if n not in self._ips_in_use:
                self._ips_in_use.add(n)
                return f"{self.cidr_base}.{n}"
        return ""

    # -- admission ----------------------------------------------------------------------------
    def admit(self, pod: Obj) -> tuple[str, str] | None:
        """canAdmitPod: the predicate admit handler (admission.py), memory pressure; (reason, message) if rejected.

        kspec's nodes report no ``status.features``, so the SupplementalGroupsPolicy check is left out.
        """
        node = self._node()
        others = [w.pod for w in self.workers.values() if not w.terminal and w.pod["metadata"]["uid"]
                  != pod["metadata"]["uid"]]
        rejected = admission.admit(pod, node, others, lambda: self.api.get("nodes", self.node_name, ""))
        if rejected is not None:
            return rejected
        if self.eviction.memory_pressure and pod.get("status", {}).get("qosClass") == "BestEffort":
            return "Evicted", "The node had condition: [MemoryPressure]. "
        return None

    # -- environment ------------------------------------------------------------------------------
    def container_env(self, worker: PodWorker, container: Obj) -> dict[str, str]:
        pod = worker.pod
        ns = worker.namespace
        node = self._node()

        def get(resource: str, name: str) -> Obj | None:
            return self.api.try_get(resource, name, ns)

        return envvars.container_env(pod, container, services_env(self, pod), get, self.host_ip, worker.pod_ip,
                                     node["status"].get("allocatable") or {})

    def mount_volumes(self, worker: PodWorker) -> dict[str, volumes.Mounted]:
        """Set up the pod's volumes on this node (volumes.NotMountable when one cannot be yet)."""
        ns = worker.namespace

        def get(resource: str, name: str) -> Obj | None:
            return self.api.try_get(resource, name, ns)

        # the attach wait and NodeExpandVolume concern claims alone: a pod without one (the service account's
        # token volume, configMaps...) skips both, which would find nothing to do
        claims = _has_claim_volume(worker.pod)
        if claims:
            self._wait_for_attach(worker)
        mounted = volumes.set_up(self.agent.volumes, worker.pod, self.node_name, get)
        if claims:
            self.expand_volumes(worker)
        return mounted

    def expand_volumes(self, worker: PodWorker) -> None:
        """NodeExpandVolume for the pod's claims whose resize waits for the node (kspec/kubelet/volume_expand.py)."""
        volume_expand.expand_mounted(self.api, worker.pod, self.node_name, lambda obj, type_, reason, msg: (
            self.events.event(obj, type_, reason, msg, component="kubelet", host=self.node_name)))

    def _wait_for_attach(self, worker: PodWorker) -> None:
        """The volume manager: the pod's attachable volumes are in use on this node from now on (volumesInUse),
        and none is mounted before the attach/detach controller lists it in the node's volumesAttached
        (VerifyControllerAttachedVolume, retried with back-off like any failed volume operation). Called for a pod
        with a claim volume (mount_volumes)."""
        if not self.agent.cluster.has("attachdetach-controller"):
            return  # nothing attaches volumes in this cluster: mount them as they are
        wanted = pod_attachable_volumes(self.api, worker.pod)
        if not wanted:
            return
        self.volumes_in_use[worker.uid] = wanted
        node = self.api.store.get("nodes", "", self.node_name)
        status = (node or {}).get("status") or {}
        reported = set(status.get("volumesInUse") or ())
        attached = attached_volumes(node) if node is not None else set()
        # "Volume has not been added to the list of VolumesInUse in the node's volume status" (posted at the next
        # node status update), then "Volume not attached according to node status": both retried quietly
        if any(name not in reported or name not in attached for name in wanted):
            raise volumes.NotMountable(None)

    def _volumes_in_use(self) -> list[str]:
        """GetVolumesInUse: the attachable volumes of pods not yet terminated (a finished pod's are unmounted)."""
        if not any(self.volumes_in_use.values()):
            return []  # no pod has an attachable volume (read at every status tick)
        return sorted({name for uid, names in self.volumes_in_use.items()
                       if (w := self.workers.get(uid)) is not None and not w.terminal for name in names})

    def refresh_volumes(self, worker: PodWorker, mounted: dict[str, volumes.Mounted]) -> None:
        """The periodic pod sync rewrites configMap, secret, downwardAPI and projected files."""
        if not self.online:
            return
        ns = worker.namespace
        volumes.refresh(self.agent.volumes, worker.pod, self.node_name,
                        lambda resource, name: self.api.try_get(resource, name, ns), mounted)
        if _has_claim_volume(worker.pod):
            self.expand_volumes(worker)  # as in mount_volumes: only a claim may wait for the node's expansion

    # -- node status and lease ----------------------------------------------------------------------
    def _lease(self, node_uid: str | None = None) -> Obj:
        """A new Lease, built fresh in its decoded shape: typed decoding would copy it unchanged
        (tests/kubelet/test_lease_decoded.py), so it is created without. ``node_uid``: the owner's uid when the
        caller has just read the Node (the start, at the instant the constructor read it), else read now."""
        if node_uid is None:
            node_uid = self._node()["metadata"]["uid"]
        return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": self.node_name, "namespace": LEASE_NAMESPACE,
                             "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": self.node_name,
                                                  "uid": node_uid}]},
                "spec": {"holderIdentity": self.node_name, "leaseDurationSeconds": LEASE_DURATION_S,
                         "renewTime": self.agent.micro_now()}}

    def _ensure_lease(self) -> None:
        try:
            api = self.api
            lease = api.store.get("leases", LEASE_NAMESPACE, self.node_name) if api.user is None else \
                api.try_get("leases", self.node_name, LEASE_NAMESPACE)
            if lease is None:
                # start() follows the constructor at the same instant (NodeAgent._node_added): the Node it read
                self.api.create_owned(self._lease(self._node_uid))
            else:
                self._renew_lease()
        except ApiError:
            return

    def _renew_lease(self) -> None:
        """The lease controller's sync: a renewal, retried with upstream's back-off while the API cannot commit."""
        self.lease.sync()

    def write_lease(self) -> None:
        """One Lease update (or its creation when it is missing); ApiError when the API refuses it."""
        micro = self.agent._micro  # micro_now's value for this instant, else micro_now to format it
        now = micro[1] if micro[0] == self.clock.now else self.agent.micro_now()
        lease = self.api.store.get("leases", LEASE_NAMESPACE, self.node_name)
        if lease is None:
            self.api.create_owned(self._lease())
            return
        if lease["spec"].get("renewTime") != now:
            # a well-formed renewTime is all that changes: no decoding and validation of the whole Lease
            self.api.update_owned(lease, {**lease, "spec": {**lease["spec"], "renewTime": now}},
                                  spec_changed=True)

    def images_changed(self) -> None:
        """A pull finished: post the node's images once this instant's pulls are done."""
        self.agent.status_later(self)

    def flush_status(self) -> None:
        self.sync_node_status(force=True)

    def _images(self) -> list[Obj]:
        """setters.Images: the runtime's list, largest first, capped at nodeStatusMaxImages.

        Built again only when the node's image set changed (it only grows): a status tick reads it every 10s.
        """
        present = self.runtime.cached.get(self.node_name, ())
        if self._images_of is not None and len(present) == self._images_of[0]:
            return self._images_of[1]
        largest = sorted(self.runtime.node_images(self.node_name), key=lambda i: (-image_size(i), i))
        images = [{"names": [f"{normalize(i).rsplit(':', 1)[0]}@{image_digest(i)}", normalize(i)],
                   "sizeBytes": image_size(i)} for i in largest[:NODE_STATUS_MAX_IMAGES]]
        self._images_of = (len(present), images)
        return images

    def _conditions(self) -> dict[str, str]:
        return {"MemoryPressure": "True" if self.eviction.memory_pressure else "False",
                "DiskPressure": "False", "PIDPressure": "False", "Ready": "True"}

    def sync_node_status(self, force: bool = False) -> None:
        """tryUpdateNodeStatus: post when something changed or the report interval passed."""
        if not self.online:
            return
        now = self.clock.now
        quiet = self._unchanged
        if not force and quiet is not None and now - self._last_report < STATUS_REPORT_MS and (
                self.api.user is None and self.api.store.get("nodes", "", self.node_name) is quiet[0]
                and self.eviction.memory_pressure == quiet[1] and not quiet[3]
                and (kept := self._images_of) is not None and kept[1] is quiet[2]
                and len(self.runtime.cached.get(self.node_name, ())) == kept[0]
                and not any(self.volumes_in_use.values())):
            # the check below, in the common case of a tick that finds nothing new: the node object the last
            # tick found unchanged is still the stored one (read as try_get would, without a user to authorize),
            # with the same pressure, the same image list (_images would return the list kept for as many images
            # as the node has) and no attachable volume in use (6 ticks per node and virtual minute)
            return
        node = self.api.try_get("nodes", self.node_name, "")
        if node is None:
            return
        images = self._images()
        in_use = self._volumes_in_use()
        if not force and now - self._last_report < STATUS_REPORT_MS and self._unchanged == (
                node, self.eviction.memory_pressure, images, in_use):
            return  # the same node object, pressure and images as on the last tick, which found no change
        wanted = self._conditions()
        current = {c["type"]: c for c in node["status"].get("conditions") or []}
        # whether anything changed matters only to a tick inside the report interval: a forced sync (a pull
        # finished, the node came back) or a due report posts either way
        if not force and now - self._last_report < STATUS_REPORT_MS and not (
                any((current.get(t) or {}).get("status") != s for t, s in wanted.items())
                or images != (node["status"].get("images") or [])
                or in_use != (node["status"].get("volumesInUse") or [])):
            self._unchanged = (node, self.eviction.memory_pressure, images, in_use)
            return

        stamp = timestamp(now)  # one instant: the heartbeat and every transition it makes
        conds = []
        for ctype, st in wanted.items():
            prior = current.get(ctype) or {}
            head = _CONDITION_HEAD.get((ctype, st))
            if head is None:  # a state kspec has no words for: the prior condition's stay
                head = {"type": ctype, "status": st, "reason": prior.get("reason", ""),
                        "message": prior.get("message", "")}
            conds.append({**head, "lastHeartbeatTime": stamp,
                          "lastTransitionTime": prior.get("lastTransitionTime", stamp)
                          if prior.get("status") == st else stamp})
        posted = {**node["status"], "conditions": conds}
        if images:
            posted["images"] = images
        if in_use:
            posted["volumesInUse"] = in_use
        else:
            posted.pop("volumesInUse", None)
        try:
            self.api.write_status("nodes", self.node_name, "", posted, typed=True)  # stored parts + typed ones
        except ApiError:
            return  # not posted: the next sync tries again (lastStatusReportTime moves only on success)
        self._last_report = now
        if self.dirty:
            self._sync_dirty()

    def _sync_dirty(self) -> None:
        """The status manager's periodic syncBatch: pod statuses the API refused are written again."""
        dirty, self.dirty = sorted(self.dirty), set()
        for uid in dirty:
            worker = self.workers.get(uid)
            if worker is not None:
                worker.write_status()  # refused again: back in self.dirty for the next sync
                if worker.terminal and worker.deleting:
                    worker._maybe_finish()  # a refused final delete is sent again (as resync does)
