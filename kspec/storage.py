"""The ``storage`` component "csi": the cluster's default StorageClass and a simulated external provisioner.

As kind ships local-path-provisioner with a default StorageClass ``standard``, a new cluster has one here; a
StorageClass naming any other provisioner is served by a simulated CSI driver of that name. The provisioner
acts as sig-storage-lib-external-provisioner's ProvisionController does: it takes the claims the PV controller
annotated with its name (``volume.kubernetes.io/storage-provisioner``), waits for the scheduler's node under
WaitForFirstConsumer (``volume.kubernetes.io/selected-node``), and creates a PV pre-bound to the claim, with node
affinity to that node (local-path) or to its zone (other drivers). Deleting provisioned volumes is the PV
controller's Delete reclaim here.

Capacity (``cluster.set_storage_capacity``) is per node or per zone and per driver: the driver answers a request
bigger than what is left with ResourceExhausted, the provisioner publishes what is left as storage.k8s.io/v1
CSIStorageCapacity objects (one per StorageClass of the driver and topology segment, as external-provisioner's
capacity controller does) and a CSIDriver with ``storageCapacity: true``. The topology the volume gets follows
external-provisioner's GenerateAccessibilityRequirements: the selected node's segment under WaitForFirstConsumer,
otherwise the StorageClass's ``allowedTopologies`` (or the segments with capacity) rotated by the claim's name hash,
the first that fits winning, as the CSI spec asks of a driver given preferred topologies.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kspec import lazystart
from kspec.controllers.base import Controller
from kspec.controllers.persistentvolume import (
    ANN_DEFAULT_CLASS,
    ANN_SELECTED_NODE,
    ANN_STORAGE_PROVISIONER,
    NO_PROVISIONER,
    WAIT_FOR_FIRST_CONSUMER,
    claim_class,
)
from kspec.errors import ApiError
from kspec.objects import Obj, clone, split_key
from kspec.quantity import format_bytes, parse_quantity, to_int

if TYPE_CHECKING:
    from kspec.cluster import Cluster

NAME = "csi"
LOCAL_PATH = "rancher.io/local-path"
ZONE_LABEL = "topology.kubernetes.io/zone"
HOSTNAME_LABEL = "kubernetes.io/hostname"
RETRY_START_MS, RETRY_MAX_MS = 1_000, 300_000
CAPACITY_NAMESPACE = "kube-system"  # where the provisioner's capacity controller publishes CSIStorageCapacity
ANN_PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
DEFAULT_CLASS: Obj = {
    "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
    "metadata": {"name": "standard", "annotations": {ANN_DEFAULT_CLASS: "true"}},
    "provisioner": LOCAL_PATH, "reclaimPolicy": "Delete", "volumeBindingMode": WAIT_FOR_FIRST_CONSUMER,
}


Segment = tuple[tuple[str, str], ...]  # a topology term: sorted (key, value) pairs


def fnv1_32(data: bytes) -> int:
    """hash/fnv New32 (FNV-1, not 1a), as getPVCNameHashAndIndexOffset hashes the claim name."""
    h = 0x811C9DC5
    for b in data:
        h = (h * 0x01000193) & 0xFFFFFFFF
        h ^= b
    return h


def name_hash_and_index(name: str) -> tuple[int, int]:
    """external-provisioner getPVCNameHashAndIndexOffset: ``claim-sts-3`` hashes ``sts`` and offsets by 3, so a
    StatefulSet's volumes spread round-robin over the segments."""
    base, index = name, 0
    head, dash, tail = name.rpartition("-")
    if dash and tail.isdigit() and int(tail) < 2**32:
        index, base = int(tail), head
        base = base.rpartition("-")[2] if "-" in base else base
    return fnv1_32(base.encode()), index


def flatten(allowed: list[Obj]) -> list[Segment]:
    """external-provisioner flatten: each allowedTopologies term's expressions distributed into single terms."""
    out: list[Segment] = []
    for term in allowed:
        terms: list[list[tuple[str, str]]] = [[]]
        for expr in term.get("matchLabelExpressions") or []:
            terms = [t + [(expr.get("key", ""), v)] for t in terms for v in expr.get("values") or []]
        out.extend(tuple(sorted(t)) for t in terms if t)
    return out


def _affinity_values(pv: Obj, key: str) -> list[str]:
    """The values a PV's required node affinity allows for ``key`` (In expressions)."""
    required = ((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required") or {}
    return [v for term in required.get("nodeSelectorTerms") or [] for e in term.get("matchExpressions") or []
            if e.get("key") == key and e.get("operator") == "In" for v in e.get("values") or []]


def segment_fits(segment: Segment, labels: dict[str, str]) -> bool:
    """topologyTerm.subset: every key of the segment has that value on the node."""
    return all(labels.get(k) == v for k, v in segment)


def segment_text(segment: Segment) -> str:
    """A topology term as Go's %v prints external-provisioner's topologyTerm: ``[{key value}]``."""
    return "[" + " ".join("{" + f"{k} {v}" + "}" for k, v in segment) + "]"


class ProvisioningError(Exception):
    """CreateVolume failed; ``reschedule`` when the scheduler should pick another node (ProvisioningReschedule)."""

    def __init__(self, message: str, reschedule: bool = False) -> None:
        super().__init__(message)
        self.reschedule = reschedule


class SimulatedCSI(Controller):
    """The ``storage`` component: every provisioner name but ``kubernetes.io/no-provisioner`` is served."""

    NAME = "csi-provisioner"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        #: CSINode allocatable counts recorded by ``node ... can attach N volumes`` (node -> driver -> count)
        self.attach_limits: dict[str, dict[str, int]] = {}
        #: driver -> (topology key, value) -> total bytes the driver can provision there
        self.capacity: dict[str, dict[tuple[str, str], int]] = {}
        self.resizer: Controller | None = None
        self.failures: dict[str, int] = {}  # claim key -> failed CreateVolume calls in a row

    def start(self) -> None:
        if self.api.try_get("storageclasses", "standard", "") is None:
            self.api.create(clone(DEFAULT_CLASS), _decoded=True)  # decoded shape already (test_lease_decoded.py)
        self.watch("persistentvolumeclaims")
        informers = self.api.informers

        def volume_changed(pv: Obj) -> None:
            driver = (pv["metadata"].get("annotations") or {}).get(ANN_PROVISIONED_BY, "")
            if driver in self.capacity:
                self.queue.add("capacity:" + driver)
                for claim in self.api.store.list("persistentvolumeclaims"):  # freed space may fit a waiting claim
                    if not (claim.get("spec") or {}).get("volumeName"):
                        self.queue.add(f"{claim['metadata']['namespace']}/{claim['metadata']['name']}")

        def class_changed(sc: Obj) -> None:
            if sc.get("provisioner") in self.capacity:
                self.queue.add("capacity:" + sc["provisioner"])

        for resource, fn in (("persistentvolumes", volume_changed), ("storageclasses", class_changed)):
            informers.on(resource, on_add=fn, on_update=lambda _o, n, fn=fn: fn(n), on_delete=fn)
        from kspec.resizer import ExternalResizer  # the resize half of the simulated drivers
        self.resizer = ExternalResizer(self.cluster)
        if not lazystart.defer(self.cluster, self.resizer):  # with the first claim, its place kept
            self.resizer.start()

    def set_attach_limit(self, node: str, driver: str, n: int) -> None:
        """The driver's node plugin registers ``n`` as its allocatable count in the node's CSINode (named after
        the node), which the scheduler's NodeVolumeLimits plugin reads."""
        self.attach_limits.setdefault(node, {})[driver] = n
        entry = {"name": driver, "nodeID": node, "allocatable": {"count": n}}
        if self.api.try_get("csinodes", node, "") is None:
            self.api.create({"apiVersion": "storage.k8s.io/v1", "kind": "CSINode", "metadata": {"name": node},
                             "spec": {"drivers": [entry]}})
            return

        def mutate(obj: Obj) -> None:
            drivers = [d for d in obj["spec"].get("drivers") or [] if d.get("name") != driver]
            obj["spec"]["drivers"] = [*drivers, entry]
        self.api.patch("csinodes", node, "", mutate)

    # -- capacity -----------------------------------------------------------------------------------------------
    def set_capacity(self, driver: str, quantity: str, *, zone: str | None = None, node: str | None = None) -> None:
        """The driver can provision ``quantity`` in total in that zone (or on that node)."""
        key = (ZONE_LABEL, zone) if zone is not None else (HOSTNAME_LABEL, node or "")
        self.capacity.setdefault(driver, {})[key] = to_int(quantity)
        if self.api.try_get("csidrivers", driver, "") is None:
            try:
                self.api.create({"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": {"name": driver},
                                 "spec": {"attachRequired": True, "storageCapacity": True}})
            except ApiError as exc:
                if exc.code != 409:
                    raise
        self.queue.add("capacity:" + driver)

    def topology_key(self, driver: str) -> str:
        """The key a driver's volumes are placed by: the one its capacity is given in, else hostname for
        local-path and the zone for the others."""
        keys = sorted({k for k, _v in self.capacity.get(driver, {})})
        if keys:
            return HOSTNAME_LABEL if HOSTNAME_LABEL in keys else keys[0]
        return HOSTNAME_LABEL if driver == LOCAL_PATH else ZONE_LABEL

    def used(self, driver: str, key: str, value: str) -> int:
        """Bytes of the driver's volumes placed in that segment."""
        total = 0
        for pv in self.api.store.list("persistentvolumes"):
            if (pv["metadata"].get("annotations") or {}).get(ANN_PROVISIONED_BY) != driver:
                continue
            if value in _affinity_values(pv, key):
                total += to_int(((pv.get("spec") or {}).get("capacity") or {}).get("storage", "0"))
        return total

    def available(self, driver: str, segment: Segment) -> int | None:
        """What is left in the segment, None when the driver's capacity there is not limited."""
        configured = self.capacity.get(driver, {})
        for key, value in segment:
            if (key, value) in configured:
                return max(0, configured[(key, value)] - self.used(driver, key, value))
        return None

    def publish_capacity(self, driver: str) -> None:
        """external-provisioner's capacity controller: one CSIStorageCapacity per class and segment."""
        classes = sorted(sc["metadata"]["name"] for sc in self.api.store.list("storageclasses")
                         if sc.get("provisioner") == driver)
        for (key, value), _total in sorted(self.capacity.get(driver, {}).items()):
            left = self.available(driver, ((key, value),)) or 0
            for cls in classes:
                name = re.sub(r"[^a-z0-9.-]+", "-", f"csisc-{cls}-{value}".lower()).strip("-.")[:253]
                body: Obj = {"apiVersion": "storage.k8s.io/v1", "kind": "CSIStorageCapacity",
                             "metadata": {"name": name, "namespace": CAPACITY_NAMESPACE,
                                          "labels": {"csi.storage.k8s.io/drivername": driver,
                                                     "csi.storage.k8s.io/managed-by": "external-provisioner"}},
                             "storageClassName": cls, "nodeTopology": {"matchLabels": {key: value}},
                             "capacity": format_bytes(left)}
                live = self.api.try_get("csistoragecapacities", name, CAPACITY_NAMESPACE)
                if live is None:
                    self.api.create(body)
                elif live.get("capacity") != body["capacity"] or live.get("nodeTopology") != body["nodeTopology"]:
                    self.api.patch("csistoragecapacities", name, CAPACITY_NAMESPACE, lambda o, b=body: o.update(
                        capacity=b["capacity"], nodeTopology=b["nodeTopology"]))

    # -- provisioning -------------------------------------------------------------------------------------------
    def reconcile(self, key: str) -> bool | None:
        if key.startswith("capacity:"):
            self.publish_capacity(key.partition(":")[2])
            return None
        ns, name = split_key(key)
        claim = self.api.try_get("persistentvolumeclaims", name, ns)
        if claim is None or claim["metadata"].get("deletionTimestamp") or (claim.get("spec") or {}).get("volumeName"):
            return None
        anns = claim["metadata"].get("annotations") or {}
        provisioner = anns.get(ANN_STORAGE_PROVISIONER, "")
        if not provisioner or provisioner == NO_PROVISIONER:
            return None
        cls = self.api.try_get("storageclasses", claim_class(claim), "")
        if cls is None or cls.get("provisioner") != provisioner:
            return None
        node = None
        if cls.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER:
            node_name = anns.get(ANN_SELECTED_NODE, "")
            if not node_name:
                return None  # shouldProvision: not before the scheduler picked a node
            node = self.api.try_get("nodes", node_name, "")
            if node is None:
                return None
        pv_name = f"pvc-{claim['metadata']['uid']}"
        if self.api.try_get("persistentvolumes", pv_name, "") is not None:
            return None
        self.events.event(claim, "Normal", "Provisioning",
                          f'External provisioner is provisioning volume for claim "{ns}/{name}"',
                          component=provisioner)
        try:
            segment = self.choose_segment(claim, cls, node)
        except ProvisioningError as exc:
            # provisionVolumeErrorHandling: the event, then give the node back to the scheduler when asked
            self.events.event(claim, "Warning", "ProvisioningFailed", str(exc), component=provisioner)
            if exc.reschedule and ANN_SELECTED_NODE in anns:
                self.api.patch("persistentvolumeclaims", name, ns,
                               lambda c: c["metadata"]["annotations"].pop(ANN_SELECTED_NODE, None))
                return None
            # ProvisioningFinished with an error: retried with external-provisioner's back-off
            # (--retry-interval-start 1s doubling to --retry-interval-max 5m)
            failures = self.failures.get(key, 0)
            self.failures[key] = failures + 1
            self.queue.add_after(key, min(RETRY_START_MS * 2 ** failures, RETRY_MAX_MS))
            return None
        self.failures.pop(key, None)
        try:
            self.api.create(self.volume_for(claim, cls, pv_name, node, segment))
        except ApiError as exc:
            if exc.code != 409:
                raise
            return None
        self.events.event(claim, "Normal", "ProvisioningSucceeded", f"Successfully provisioned volume {pv_name}",
                          component=provisioner)
        return None

    def node_segment(self, driver: str, node: Obj) -> Segment | None:
        """The selected node's topology for the driver (its CSINode topology key and the node's label)."""
        labels = node["metadata"].get("labels") or {}
        key = self.topology_key(driver)
        value = labels.get(key) or (node["metadata"]["name"] if key == HOSTNAME_LABEL else None)
        return ((key, value),) if value else None

    def choose_segment(self, claim: Obj, cls: Obj, node: Obj | None) -> Segment | None:
        """Where the volume goes (None: no topology), or ProvisioningError as CreateVolume's error."""
        driver = cls["provisioner"]
        want = to_int(parse_quantity(((claim.get("spec") or {}).get("resources") or {}).get("requests", {}).get(
            "storage", "0")))
        allowed = flatten(cls.get("allowedTopologies") or [])
        if node is not None:
            selected = self.node_segment(driver, node)
            if selected is None:
                return None
            labels = dict(node["metadata"].get("labels") or {})
            labels.setdefault(HOSTNAME_LABEL, node["metadata"]["name"])
            if allowed and not any(segment_fits(t, labels) for t in allowed):
                raise ProvisioningError(
                    f"error generating accessibility requirements: topology {segment_text(selected)} from selected "
                    f'node "{node["metadata"]["name"]}" is not in requisite: '
                    f"[{' '.join(segment_text(t) for t in sorted(set(allowed)))}]")
            left = self.available(driver, selected)
            if left is not None and want > left:
                # checkError: ResourceExhausted with a selected node asks for a reschedule
                raise ProvisioningError(self._exhausted(want, [(selected, left)]), reschedule=True)
            return selected
        if allowed:
            requisite = sorted(set(allowed))
        elif self.capacity.get(driver):
            requisite = sorted({((k, v),) for k, v in self.capacity[driver]})
        else:
            return None  # neither the class nor the driver limits where it goes
        digest, index = name_hash_and_index(claim["metadata"]["name"])
        start = ((digest + index) & 0xFFFFFFFF) % len(requisite)  # uint32 arithmetic
        preferred = requisite[start:] + requisite[:start]
        tried: list[tuple[Segment, int]] = []
        for segment in preferred:
            left = self.available(driver, segment)
            if left is None or want <= left:
                return segment
            tried.append((segment, left))
        raise ProvisioningError(self._exhausted(want, tried))

    @staticmethod
    def _exhausted(want: int, tried: list[tuple[Segment, int]]) -> str:
        """The gRPC error CreateVolume returns, as the provisioner's event shows it (the desc is the driver's)."""
        where = ", ".join(f"{','.join(f'{k}={v}' for k, v in seg)} has {format_bytes(left)}" for seg, left in tried)
        return (f"rpc error: code = ResourceExhausted desc = not enough capacity for {format_bytes(want)}: "
                f"{where}")

    def volume_for(self, claim: Obj, cls: Obj, pv_name: str, node: Obj | None,
                   segment: Segment | None = None) -> Obj:
        """The PV a provisioner returns: the claim's request, modes and class; pre-bound to the claim; node
        affinity from the accessible topology CreateVolume answered."""
        md, spec = claim["metadata"], claim.get("spec") or {}
        provisioner = cls["provisioner"]
        pv_spec: Obj = {
            "capacity": {"storage": ((spec.get("resources") or {}).get("requests") or {}).get("storage", "0")},
            "accessModes": list(spec.get("accessModes") or []),
            "persistentVolumeReclaimPolicy": cls.get("reclaimPolicy") or "Delete",
            "storageClassName": cls["metadata"]["name"],
            "volumeMode": spec.get("volumeMode") or "Filesystem",
            "claimRef": {"kind": "PersistentVolumeClaim", "namespace": md["namespace"], "name": md["name"],
                         "uid": md["uid"], "apiVersion": "v1", "resourceVersion": md.get("resourceVersion", "")},
        }
        if cls.get("mountOptions"):
            pv_spec["mountOptions"] = list(cls["mountOptions"])
        if provisioner == LOCAL_PATH:
            pv_spec["hostPath"] = {"path": f"/var/local-path-provisioner/{pv_name}_{md['namespace']}_{md['name']}",
                                   "type": "DirectoryOrCreate"}
        else:
            pv_spec["csi"] = {"driver": provisioner, "volumeHandle": pv_name, "fsType": "ext4"}
        if segment:
            pv_spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": k, "operator": "In", "values": [v]} for k, v in segment]}]}}
        return {"apiVersion": "v1", "kind": "PersistentVolume",
                "metadata": {"name": pv_name, "annotations": {ANN_PROVISIONED_BY: provisioner}},
                "spec": pv_spec}
