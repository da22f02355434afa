"""storage/v1 defaulting (pkg/apis/storage/v1/defaults.go): what a StorageClass or CSIDriver created bare reads
back as, e.g. with kubectl get -o yaml."""

from __future__ import annotations

from kspec.cluster import Cluster


def test_a_bare_storage_class_gets_delete_and_immediate() -> None:
    # SetDefaults_StorageClass
    c = Cluster(nodes=1)
    c.apply("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: sc}\nprovisioner: example.com/x\n")
    sc = c.get("storageclass", "sc")
    assert (sc["reclaimPolicy"], sc["volumeBindingMode"]) == ("Delete", "Immediate")


def test_a_storage_class_keeps_what_it_says() -> None:
    c = Cluster(nodes=1)
    c.apply("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: sc}\nprovisioner: example.com/x\n"
            "reclaimPolicy: Retain\nvolumeBindingMode: WaitForFirstConsumer\n")
    sc = c.get("storageclass", "sc")
    assert (sc["reclaimPolicy"], sc["volumeBindingMode"]) == ("Retain", "WaitForFirstConsumer")


def test_a_bare_csi_driver_gets_its_defaults() -> None:
    # SetDefaults_CSIDriver
    c = Cluster(nodes=1)
    c.apply("apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {name: x.example.com}\nspec: {}\n")
    assert c.get("csidriver", "x.example.com")["spec"] == {
        "attachRequired": True, "podInfoOnMount": False, "storageCapacity": False,
        "fsGroupPolicy": "ReadWriteOnceWithFSType", "requiresRepublish": False, "seLinuxMount": False,
        "volumeLifecycleModes": ["Persistent"]}
