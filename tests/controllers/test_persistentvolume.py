"""The PV controller's matching (findBestMatchForClaim), binding, reclaiming, protection; DefaultStorageClass."""

from __future__ import annotations

from typing import Any

from kspec.cluster import Cluster
from kspec.controllers.persistentvolume import find_best_match


def _pv(name: str, size: str, *, modes: tuple[str, ...] = ("ReadWriteOnce",), cls: str = "manual",
        labels: dict[str, str] | None = None, mode: str = "Filesystem", claim_ref: dict | None = None,
        policy: str = "Retain") -> dict[str, Any]:
    spec: dict[str, Any] = {"capacity": {"storage": size}, "accessModes": list(modes), "storageClassName": cls,
                            "volumeMode": mode, "persistentVolumeReclaimPolicy": policy,
                            "hostPath": {"path": f"/mnt/{name}"}}
    if claim_ref:
        spec["claimRef"] = claim_ref
    return {"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": name, "labels": labels or {}}, "spec": spec, "status": {"phase": "Available"}}


def _pvc(name: str, size: str, *, modes: tuple[str, ...] = ("ReadWriteOnce",), cls: str | None = "manual",
         selector: dict | None = None, mode: str = "Filesystem", volume: str = "") -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": list(modes), "resources": {"requests": {"storage": size}},
                            "volumeMode": mode}
    if cls is not None:
        spec["storageClassName"] = cls
    if selector:
        spec["selector"] = selector
    if volume:
        spec["volumeName"] = volume
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": "default", "uid": "u-1"}, "spec": spec}


def _name(pv: dict | None) -> str | None:
    return pv["metadata"]["name"] if pv else None


def test_smallest_fitting_volume_wins() -> None:
    vols = [_pv("a", "10Gi"), _pv("b", "2Gi"), _pv("c", "500Mi"), _pv("d", "1Gi")]
    assert _name(find_best_match(_pvc("x", "1Gi"), vols)) == "d"
    assert _name(find_best_match(_pvc("x", "1500Mi"), vols)) == "b"
    assert find_best_match(_pvc("x", "20Gi"), vols) is None


def test_class_modes_volume_mode_and_selector_must_match() -> None:
    vols = [_pv("fast", "1Gi", cls="fast"), _pv("rox", "1Gi", modes=("ReadOnlyMany",)),
            _pv("block", "1Gi", mode="Block"), _pv("labelled", "5Gi", labels={"tier": "gold"}),
            _pv("both", "3Gi", modes=("ReadWriteOnce", "ReadOnlyMany"))]
    # findBestMatchForClaim searches the fewest-modes set first: RWO-only "labelled" before the smaller RWO+ROX
    assert _name(find_best_match(_pvc("x", "1Gi"), vols)) == "labelled"
    assert _name(find_best_match(_pvc("x", "1Gi", cls="fast"), vols)) == "fast"
    assert _name(find_best_match(_pvc("x", "1Gi", mode="Block"), vols)) == "block"
    assert _name(find_best_match(_pvc("x", "1Gi", selector={"matchLabels": {"tier": "gold"}}), vols)) == "labelled"
    assert find_best_match(_pvc("x", "1Gi", modes=("ReadWriteMany",)), vols) is None


def test_a_volume_prebound_to_the_claim_wins_over_a_smaller_one() -> None:
    ref = {"kind": "PersistentVolumeClaim", "namespace": "default", "name": "x"}
    vols = [_pv("small", "1Gi"), _pv("mine", "9Gi", cls="other", claim_ref=ref),
            _pv("theirs", "1Gi", claim_ref={"namespace": "default", "name": "y"})]
    assert _name(find_best_match(_pvc("x", "1Gi"), vols)) == "mine"
    assert _name(find_best_match(_pvc("z", "1Gi"), vols)) == "small"


def test_delayed_binding_waits_for_a_node() -> None:
    assert find_best_match(_pvc("x", "1Gi"), [_pv("a", "1Gi")], delay_binding=True) is None


def _bound_cluster(policy: str) -> Cluster:
    c = Cluster(nodes=1, seed=0)
    c.create(_pv("v", "1Gi", policy=policy))
    claim = _pvc("data", "1Gi")
    del claim["metadata"]["uid"]
    c.create(claim)
    c.settle()
    return c


def test_binding_sets_both_sides() -> None:
    c = _bound_cluster("Retain")
    pv, claim = c.get("persistentvolume", "v"), c.get("persistentvolumeclaim", "data")
    assert pv["status"]["phase"] == "Bound" and claim["status"]["phase"] == "Bound"
    assert pv["spec"]["claimRef"]["uid"] == claim["metadata"]["uid"]
    assert claim["spec"]["volumeName"] == "v"
    assert claim["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] == "yes"
    assert claim["status"]["capacity"] == {"storage": "1Gi"}
    assert claim["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert pv["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]


def test_retain_releases_and_delete_deletes() -> None:
    c = _bound_cluster("Retain")
    c.delete("persistentvolumeclaim", "data")
    c.settle()
    assert c.get("persistentvolume", "v")["status"]["phase"] == "Released"
    c = _bound_cluster("Delete")
    c.delete("persistentvolumeclaim", "data")
    c.settle()
    assert c.try_get("persistentvolume", "v") is None


def test_a_claim_whose_volume_is_gone_is_lost() -> None:
    c = _bound_cluster("Retain")
    c.delete("persistentvolume", "v")
    c.settle()
    assert c.get("persistentvolume", "v")["metadata"].get("deletionTimestamp")  # pv-protection: still Bound
    c.api.patch("persistentvolumes", "v", "", lambda v: v["metadata"].__setitem__("finalizers", []))
    c.settle()
    assert c.get("persistentvolumeclaim", "data")["status"]["phase"] == "Lost"


def test_user_prebinding_by_volume_name() -> None:
    c = Cluster(nodes=1, seed=0)
    c.create(_pv("a", "1Gi"))
    c.create(_pv("b", "5Gi"))
    claim = _pvc("data", "1Gi", volume="b")
    del claim["metadata"]["uid"]
    c.create(claim)
    c.settle()
    assert c.get("persistentvolumeclaim", "data")["status"]["phase"] == "Bound"
    assert c.get("persistentvolume", "b")["status"]["phase"] == "Bound"
    assert c.get("persistentvolume", "a")["status"]["phase"] == "Available"


def test_default_storage_class_admission() -> None:
    c = Cluster(nodes=1, seed=0)
    c.settle()
    sc = c.get("storageclass", "standard")
    assert (sc["provisioner"], sc["volumeBindingMode"], sc["reclaimPolicy"]) == (
        "rancher.io/local-path", "WaitForFirstConsumer", "Delete")
    claim = _pvc("defaulted", "1Gi", cls=None)
    del claim["metadata"]["uid"]
    assert c.create(claim)["spec"]["storageClassName"] == "standard"
    explicit = _pvc("empty", "1Gi", cls="")
    del explicit["metadata"]["uid"]
    assert c.create(explicit)["spec"]["storageClassName"] == ""


def test_immediate_class_provisions_without_a_pod() -> None:
    c = Cluster(nodes=1, seed=0)
    c.apply("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\n"
            "provisioner: example.com/fast\nvolumeBindingMode: Immediate\n")
    claim = _pvc("data", "3Gi", cls="fast")
    del claim["metadata"]["uid"]
    created = c.create(claim)
    c.settle()
    bound = c.get("persistentvolumeclaim", "data")
    assert bound["status"]["phase"] == "Bound"
    pv = c.get("persistentvolume", f"pvc-{created['metadata']['uid']}")
    assert pv["spec"]["csi"]["driver"] == "example.com/fast"
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert pv["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == "example.com/fast"


def test_attach_limit_is_recorded_for_an_existing_node() -> None:
    import pytest

    from kspec.errors import StepError
    from kspec.steps.storage import attach_limit

    class K:
        cluster = Cluster(nodes=1, seed=0)

    attach_limit(K(), "node-1", 2, "ebs.csi.aws.com")  # type: ignore[arg-type]
    assert K.cluster.require("storage").attach_limits == {"node-1": {"ebs.csi.aws.com": 2}}
    with pytest.raises(StepError):
        attach_limit(K(), "node-9", 2, "ebs.csi.aws.com")  # type: ignore[arg-type]
    with pytest.raises(StepError):
        attach_limit(K(), "node-1", 2**40, "ebs.csi.aws.com")  # type: ignore[arg-type]
