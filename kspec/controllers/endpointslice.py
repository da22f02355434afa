"""The EndpointSlice controller (pkg/controller/endpointslice ``endpointslice_controller.go``).

Every Service with a selector gets EndpointSlices of its pods, written by the
reconciler (``endpointslice_reconciler.py``); ExternalName and selectorless
Services are left alone (the mirroring controller serves the latter). Pod
changes queue the Services whose selectors match the pod's labels, old or
new; a change to one of its own slices by someone else (an edit, a delete, the
managed-by label taken away) queues the Service again after
``endpointSliceChangeMinSyncDelay``. A Service's deletion leaves its slices to
the garbage collector (they are owned by it).
"""

from __future__ import annotations

import marshal
from typing import TYPE_CHECKING

from kspec.controllers.base import Controller
from kspec.controllers.endpointslice_reconciler import Reconciler
from kspec.controllers.endpointslice_util import (
    CONTROLLER_NAME,
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    MAX_ENDPOINTS_PER_SLICE,
    TriggerTimeTracker,
    is_pod_ready,
    pod_ips,
    service_key_of_slice,
)
from kspec.labels import Selector
from kspec.objects import Obj, clone, key_of, name_suffix, split_key
from kspec.seeding import seeded

if TYPE_CHECKING:
    import random

    from kspec.cluster import Cluster

NAME = "endpointslice-controller"
COMPONENT = "endpoint-slice-controller"  # the event source of its recorder
#: endpointSliceChangeMinSyncDelay: a Service is synced at most this soon after a change to one of its slices
SLICE_CHANGE_MIN_SYNC_DELAY_MS = 1000


class ApiSliceClient:
    """The discovery/v1 client over the API server.

    ``generateName`` is filled here from the controller's own seeded generator, so that adding
    slices leaves the names the API server generates for everything else as they were. The generator is made
    at the first name it draws (``rng``), from the seed string fixed here: the same draws as one made at once,
    and the mirroring controller, which most clusters never see create a slice, makes none.
    """

    def __init__(self, cluster: Cluster, stream: str) -> None:
        self.api = cluster.api
        self._seed = f"{cluster.seed}/{stream}"
        self._rng: random.Random | None = None
        #: (namespace, name) -> resourceVersion this controller wrote (EndpointSliceTracker)
        self.written: dict[tuple[str, str], str] = {}
        self.deleted: set[tuple[str, str]] = set()

    def create(self, obj: Obj) -> Obj:
        obj = decoded_copy(obj)  # the API server's copy, made here: the name goes into it, not the caller's
        md = obj["metadata"]
        if not md.get("name") and md.get("generateName"):
            md["name"] = md["generateName"] + name_suffix(self.rng)
        created = self.api.create(obj, _decoded=True)
        self._track(created)
        return created

    @property
    def rng(self) -> random.Random:
        """The controller's name generator, seeded at first use."""
        rng = self._rng
        if rng is None:
            rng = self._rng = seeded(self._seed)
        return rng

    def update(self, obj: Obj) -> Obj:
        updated = self.api.update(clone(obj))
        self._track(updated)
        return updated

    def delete(self, namespace: str, name: str) -> None:
        self.deleted.add((namespace, name))
        self.written.pop((namespace, name), None)
        self.api.delete("endpointslices", name, namespace)

    def _track(self, obj: Obj) -> None:
        md = obj["metadata"]
        self.written[(md.get("namespace", ""), md["name"])] = str(md.get("resourceVersion", ""))

    def should_sync(self, s: Obj) -> bool:
        """EndpointSliceTracker.ShouldSync: a version of the slice this controller did not write."""
        md = s["metadata"]
        return self.written.get((md.get("namespace", ""), md["name"])) != str(md.get("resourceVersion", ""))

    def handle_deletion(self, s: Obj) -> bool:
        """EndpointSliceTracker.HandleDeletion: True when the deletion was this controller's own."""
        key = (s["metadata"].get("namespace", ""), s["metadata"]["name"])
        if key in self.deleted:
            self.deleted.discard(key)
            return True
        self.written.pop(key, None)
        return False


def decoded_copy(obj: Obj) -> Obj:
    """What typed decoding makes of a slice a controller built, without the walk: a plain copy.

    The slices both controllers build hold only the discovery/v1 fields, as strings, booleans, small integers,
    lists and maps, and no null (``new_endpoint_slice``, ``pod_to_endpoint``, ``endpoint_ports``, the mirroring
    controller's ``new_mirrored_slice``/``address_to_endpoint``/``ep_ports_to_eps_ports`` leave an absent field
    out; what they take from stored objects was decoded when it was stored): decoding would copy such an object
    unchanged, key order included (tests/controllers/test_slice_decoded.py), so a marshal round trip, a deep copy
    in C, is the same object.
    """
    return marshal.loads(marshal.dumps(obj))


def _services_selecting(api: object, namespace: str, labels: dict[str, str]) -> list[str]:
    """getServicesForPod: a nil selector matches nothing."""
    out = []
    for svc in api.store.list("services", namespace):  # type: ignore[attr-defined]
        selector = (svc.get("spec") or {}).get("selector")
        if selector and Selector.from_set(selector).matches(labels):  # stored, an empty selector is a nil one
            out.append(key_of(svc))
    return out


def _any_selector(api: object, namespace: str) -> bool:
    """Whether a Service of the namespace has a selector: without one, ``_services_selecting`` is empty for any
    labels, so a pod event there concerns no Service (most pods: ``default`` holds the selectorless
    ``kubernetes`` Service alone) and what it changed need not be worked out."""
    for svc in api.store.list("services", namespace):  # type: ignore[attr-defined]
        if (svc.get("spec") or {}).get("selector"):
            return True
    return False


def pod_endpoints_changed(old: Obj, new: Obj) -> tuple[bool, bool]:
    """podEndpointsChanged: (the pod's endpoint may differ, the Services it matches may differ)."""
    o_md, n_md = old["metadata"], new["metadata"]
    o_spec, n_spec = old.get("spec") or {}, new.get("spec") or {}
    labels_changed = ((o_md.get("labels") or {}) != (n_md.get("labels") or {})
                      or o_spec.get("hostname") != n_spec.get("hostname")
                      or o_spec.get("subdomain") != n_spec.get("subdomain"))
    pod_changed = (o_md.get("deletionTimestamp") != n_md.get("deletionTimestamp")
                   or is_pod_ready(old) != is_pod_ready(new) or pod_ips(old) != pod_ips(new))
    return pod_changed, labels_changed


def services_to_update(api: object, old: Obj | None, new: Obj | None) -> list[str]:
    """GetPodUpdateProjectionKey + GetServicesToUpdate: the Services a pod event concerns."""
    if old is None or new is None:
        pod = new if new is not None else old
        assert pod is not None
        return _services_selecting(api, pod["metadata"].get("namespace", ""), pod["metadata"].get("labels") or {})
    if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
        return []
    if not _any_selector(api, new["metadata"].get("namespace", "")):
        return []  # every list below would be empty: old and new are in the same namespace
    pod_changed, labels_changed = pod_endpoints_changed(old, new)
    if not pod_changed and not labels_changed:
        return []  # what the lines below return then, without listing the namespace's Services
    ns = new["metadata"].get("namespace", "")
    now = _services_selecting(api, ns, new["metadata"].get("labels") or {})
    if not labels_changed:
        return now if pod_changed else []
    before = _services_selecting(api, ns, old["metadata"].get("labels") or {})
    if pod_changed:
        return sorted(set(now) | set(before))
    return sorted(set(now) ^ set(before))  # determineNeededServiceUpdates: the symmetric difference


class SliceOwner(Controller):
    """What both slice controllers do when a slice changes: requeue its Service if the slice is theirs.

    ``MANAGER`` is the ``endpointslice.kubernetes.io/managed-by`` value the controller writes; ``client``
    is its ApiSliceClient (whose expectations tell a slice it wrote from somebody else's change).
    """

    MANAGER = ""
    client: ApiSliceClient

    def _managed(self, s: Obj) -> bool:
        return (s["metadata"].get("labels") or {}).get(LABEL_MANAGED_BY) == self.MANAGER

    def _queue_for_slice(self, s: Obj) -> None:
        """queueServiceForEndpointSlice: after endpointSliceChangeMinSyncDelay."""
        key = service_key_of_slice(s)
        if key:
            self.queue.add_after(key, SLICE_CHANGE_MIN_SYNC_DELAY_MS)

    def _slice_added(self, s: Obj) -> None:
        if self._managed(s) and self.client.should_sync(s):
            self._queue_for_slice(s)

    def _slice_updated(self, old: Obj, new: Obj) -> None:
        if (old["metadata"].get("labels") or {}).get(LABEL_SERVICE_NAME) != (
                new["metadata"].get("labels") or {}).get(LABEL_SERVICE_NAME):
            self._queue_for_slice(old)
            self._queue_for_slice(new)
        elif self._managed(old) != self._managed(new) or (self._managed(new) and self.client.should_sync(new)):
            self._queue_for_slice(new)

    def _slice_deleted(self, s: Obj) -> None:
        if self._managed(s) and not self.client.handle_deletion(s):
            self._queue_for_slice(s)


class EndpointSliceController(SliceOwner):
    NAME = NAME
    MANAGER = CONTROLLER_NAME

    def __init__(self, cluster: Cluster, max_endpoints_per_slice: int = MAX_ENDPOINTS_PER_SLICE) -> None:
        super().__init__(cluster)
        self.client = ApiSliceClient(cluster, NAME)
        self.reconciler = Reconciler(self.client, lambda name: self.api.store.get("nodes", "", name),
                                     max_endpoints_per_slice, CONTROLLER_NAME)
        self.triggers = TriggerTimeTracker()

    def start(self) -> None:
        self.watch("services")
        inf = self.api.informers
        inf.on("pods", on_add=lambda p: self._pods(None, p), on_update=self._pods,
               on_delete=lambda p: self._pods(p, None), on_status=self._pod_status)
        inf.on("endpointslices", on_add=self._slice_added, on_update=self._slice_updated,
               on_delete=self._slice_deleted)

    def _pods(self, old: Obj | None, new: Obj | None) -> None:
        for key in services_to_update(self.api, old, new):
            self.queue.add(key)

    def _pod_status(self, old: Obj, new: Obj) -> None:
        """services_to_update for a status-only update (informers.Handler.on_status): labels, hostname,
        subdomain and deletion are the old ones, so only readiness and IPs can move the pod's endpoint. A
        namespace without a selecting Service (``_any_selector``) is asked first: the commoner answer, and cheaper."""
        md = new["metadata"]
        ns = md.get("namespace", "")
        if _any_selector(self.api, ns) and (is_pod_ready(old) != is_pod_ready(new) or pod_ips(old) != pod_ips(new)):
            for key in _services_selecting(self.api, ns, md.get("labels") or {}):
                self.queue.add(key)

    def reconcile(self, key: str) -> bool | None:
        """syncService."""
        ns, name = split_key(key)
        svc = self.api.store.get("services", ns, name)
        if svc is None:
            self.triggers.delete(key)
            return None  # the garbage collector deletes the slices it owned
        spec = svc.get("spec") or {}
        if spec.get("type") == "ExternalName" or not spec.get("selector"):
            return None  # ExternalName gets no endpoints; selectorless ones get mirrored or hand-made slices
        selector = Selector.from_set(spec["selector"])
        pods = [p for p in self.api.store.list("pods", ns) if selector.matches(p["metadata"].get("labels"))]
        slices = [s for s in self.api.store.list("endpointslices", ns)
                  if (s["metadata"].get("labels") or {}).get(LABEL_SERVICE_NAME) == name and self._managed(s)
                  and not s["metadata"].get("deletionTimestamp")]  # dropEndpointSlicesPendingDeletion
        errors = self.reconciler.reconcile(svc, pods, slices, self.triggers.compute(key, svc, pods))
        if errors:
            # syncService: the aggregate error, on the Service, and the key retried with back-off
            text = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
            self.events.event(svc, "Warning", "FailedToUpdateEndpointSlices",
                              f"Error updating Endpoint Slices for Service {ns}/{name}: {text}", component=COMPONENT)
        return bool(errors)
