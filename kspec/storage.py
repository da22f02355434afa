"""The ``storage`` component "csi": the cluster's default StorageClass and a simulated external provisioner.

As kind ships local-path-provisioner with a default StorageClass ``standard``, a new cluster has one here; a
StorageClass naming any other provisioner is served by a simulated CSI driver of that name. The provisioner
acts as sig-storage-lib-external-provisioner's ProvisionController does: it takes the claims the PV controller
annotated with its name (``volume.kubernetes.io/storage-provisioner``), waits for the scheduler's node under
WaitForFirstConsumer (``volume.kubernetes.io/selected-node``), and creates a PV pre-bound to the claim, with node
affinity to that node (local-path) or to its zone (other drivers). Deleting provisioned volumes is the PV
controller's Delete reclaim here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from kspec.cluster import Cluster

NAME = "csi"
LOCAL_PATH = "rancher.io/local-path"
ZONE_LABEL = "topology.kubernetes.io/zone"
HOSTNAME_LABEL = "kubernetes.io/hostname"
DEFAULT_CLASS: Obj = {
    "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
    "metadata": {"name": "standard", "annotations": {ANN_DEFAULT_CLASS: "true"}},
    "provisioner": LOCAL_PATH, "reclaimPolicy": "Delete", "volumeBindingMode": WAIT_FOR_FIRST_CONSUMER,
}


class SimulatedCSI(Controller):
    """The ``storage`` component: every provisioner name but ``kubernetes.io/no-provisioner`` is served."""

    NAME = "csi-provisioner"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        #: CSINode allocatable counts recorded by ``node ... can attach N volumes`` (node -> driver -> count)
        self.attach_limits: dict[str, dict[str, int]] = {}

    def start(self) -> None:
        if self.api.try_get("storageclasses", "standard", "") is None:
            self.api.create(clone(DEFAULT_CLASS))
        self.watch("persistentvolumeclaims")

    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        claim = self.api.try_get("persistentvolumeclaims", name, ns)
        if claim is None or claim["metadata"].get("deletionTimestamp") or (claim.get("spec") or {}).get("volumeName"):
            return
        anns = claim["metadata"].get("annotations") or {}
        provisioner = anns.get(ANN_STORAGE_PROVISIONER, "")
        if not provisioner or provisioner == NO_PROVISIONER:
            return
        cls = self.api.try_get("storageclasses", claim_class(claim), "")
        if cls is None or cls.get("provisioner") != provisioner:
            return
        node = None
        if cls.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER:
            node_name = anns.get(ANN_SELECTED_NODE, "")
            if not node_name:
                return  # shouldProvision: not before the scheduler picked a node
            node = self.api.try_get("nodes", node_name, "")
            if node is None:
                return
        pv_name = f"pvc-{claim['metadata']['uid']}"
        if self.api.try_get("persistentvolumes", pv_name, "") is not None:
            return
        self.events.event(claim, "Normal", "Provisioning",
                          f'External provisioner is provisioning volume for claim "{ns}/{name}"',
                          component=provisioner)
        try:
            self.api.create(self.volume_for(claim, cls, pv_name, node))
        except ApiError as exc:
            if exc.code != 409:
                raise
            return
        self.events.event(claim, "Normal", "ProvisioningSucceeded", f"Successfully provisioned volume {pv_name}",
                          component=provisioner)

    def volume_for(self, claim: Obj, cls: Obj, pv_name: str, node: Obj | None) -> Obj:
        """The PV a provisioner returns: the claim's request, modes and class; pre-bound to the claim."""
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
        term = None
        if node is not None:
            labels = node["metadata"].get("labels") or {}
            if provisioner == LOCAL_PATH:
                term = {"key": HOSTNAME_LABEL, "operator": "In", "values": [labels.get(HOSTNAME_LABEL,
                                                                                       node["metadata"]["name"])]}
            elif labels.get(ZONE_LABEL):
                term = {"key": ZONE_LABEL, "operator": "In", "values": [labels[ZONE_LABEL]]}
        if provisioner == LOCAL_PATH:
            pv_spec["hostPath"] = {"path": f"/var/local-path-provisioner/{pv_name}_{md['namespace']}_{md['name']}",
                                   "type": "DirectoryOrCreate"}
        else:
            pv_spec["csi"] = {"driver": provisioner, "volumeHandle": pv_name, "fsType": "ext4"}
        if term is not None:
            pv_spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [term]}]}}
        return {"apiVersion": "v1", "kind": "PersistentVolume",
                "metadata": {"name": pv_name, "annotations": {"pv.kubernetes.io/provisioned-by": provisioner}},
                "spec": pv_spec}
