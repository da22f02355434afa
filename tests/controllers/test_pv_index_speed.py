"""The PV controller's volume index: the same bindings as a scan of every volume, without the scan.

``VolumeIndex`` narrows the volumes a claim's sync searches to those its claimRef names and the unclaimed ones
of its class. The storage run below is pinned by digests computed on the code before the index, and a property
test compares the search over the index's candidates with the search over every volume.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kspec.cluster import Cluster, NodeSpec
from kspec.controllers.persistentvolume import PersistentVolumeController, VolumeIndex, find_best_match
from kspec.dump import digests

#: sha256 of the event log and of the final objects of ``_storage_run()``, computed before the volume index
# re-pinned when the node lifecycle controller began recording RegisteredNode (classifyNodes): with those
# events left out of the log, the digest before, 40482799..., is reproduced exactly
EVENTS_DIGEST = "925c7330c97b1ff82a98b93b5f7aae038bbf5f18e8cbbcff65a5d5d56400cbe9"
#: (objects re-pinned when nodes began reporting machineID/systemUUID/bootID: the same run with the old nodeInfo
#: still hashes to 312008d0...; re-pinned again when container events gained their involvedObject.fieldPath:
#: before, 37eeaec7...)
# re-pinned for the RegisteredNode events too (their Event objects, and the resourceVersions after them)
# re-pinned when StorageClasses got SetDefaults_StorageClass (reclaimPolicy, volumeBindingMode stored; the event
# log is unchanged): before, c373ff8b...
# re-pinned when Endpoints got their last-change-trigger-time annotation (event log unchanged): before,
# 3cba0796...
OBJECTS_DIGEST = "a9b56c4436eb26c9f0b8b6a4a333552a8a140d57032dd33ba80aad932b400b19"

CLASSES = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: zonal}
provisioner: pd.csi.storage.gke.io
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: manual}
provisioner: kubernetes.io/no-provisioner
"""

SET = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db-%(i)d}
spec:
  replicas: 2
  podManagementPolicy: Parallel
  serviceName: db-%(i)d
  selector: {matchLabels: {app: db-%(i)d}}
  template:
    metadata: {labels: {app: db-%(i)d}}
    spec:
      containers:
      - name: db
        image: postgres:16
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      storageClassName: %(cls)s
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
"""


def _pv(name: str, size: str, modes: list[str], cls: str, *, ref: dict | None = None,
        policy: str = "Retain") -> dict[str, Any]:
    spec: dict[str, Any] = {"capacity": {"storage": size}, "accessModes": modes, "storageClassName": cls,
                            "persistentVolumeReclaimPolicy": policy, "hostPath": {"path": f"/mnt/{name}"}}
    if ref is not None:
        spec["claimRef"] = ref
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name}, "spec": spec}


def _pvc(name: str, size: str, modes: list[str], cls: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": "default"},
            "spec": {"accessModes": modes, "storageClassName": cls, "resources": {"requests": {"storage": size}}}}


def _storage_run() -> Cluster:
    """Static volumes of two classes and several mode sets, immediate and delayed claims, a pre-bound volume,
    StatefulSets with provisioned claims, then claims deleted (Retain and Delete) and new ones binding the rest."""
    c = Cluster(nodes=[NodeSpec(f"node-{i}", zone=f"z{i % 2}") for i in range(1, 4)], seed=3)
    c.apply(CLASSES)
    sizes = ["1Gi", "2Gi", "500Mi", "5Gi", "1Gi", "3Gi"]
    mode_sets = [["ReadWriteOnce"], ["ReadWriteOnce", "ReadOnlyMany"], ["ReadWriteMany"]]
    vols = [_pv(f"v{i}", sizes[i % 6], mode_sets[i % 3], "manual" if i % 4 else "slow",
                policy="Delete" if i % 5 == 0 else "Retain") for i in range(12)]
    vols.append(_pv("pre", "1Gi", ["ReadWriteOnce"], "manual", ref={"namespace": "default", "name": "wanted"}))
    c.apply(vols)
    c.apply([_pvc(f"c{i}", sizes[(i * 5) % 6], mode_sets[i % 3], "manual" if i % 3 else "slow") for i in range(9)])
    c.apply([_pvc("wanted", "1Gi", ["ReadWriteOnce"], "manual")])
    c.apply("---".join(SET % {"i": i, "cls": "zonal" if i % 2 else "standard"} for i in range(4)))
    c.run_for(30_000)
    for i in (1, 2, 4):
        c.delete("persistentvolumeclaim", f"c{i}")
    c.run_for(10_000)
    c.apply([_pvc(f"late{i}", "1Gi", ["ReadWriteOnce"], "manual") for i in range(3)])
    c.apply([_pv("v-new", "1Gi", ["ReadWriteOnce"], "manual")])
    c.run_for(30_000)
    return c


def test_the_storage_run_is_byte_identical_to_before_the_index() -> None:
    c = _storage_run()
    phases = [(p.get("status") or {}).get("phase") for p in c.api.store.list("persistentvolumeclaims")]
    assert phases.count("Bound") >= 10 and "Pending" in phases  # both outcomes are exercised
    assert digests(c) == (EVENTS_DIGEST, OBJECTS_DIGEST)


def test_a_started_controller_does_not_list_every_volume_to_sync_a_claim() -> None:
    c = Cluster(nodes=1, seed=0)
    c.apply(CLASSES)
    c.apply([_pv(f"v{i}", "1Gi", ["ReadWriteOnce"], "manual") for i in range(5)])
    c.apply([_pvc("first", "1Gi", ["ReadWriteOnce"], "manual")])  # the first claim's sync builds the index
    c.settle()
    ctrl = next(x for x in c.controllers if isinstance(x, PersistentVolumeController))
    store = c.api.store
    listed: list[str] = []
    real = store.list

    def counting(resource: str, namespace: str | None = None) -> list:
        listed.append(resource)
        return real(resource, namespace)
    store.list = counting  # type: ignore[method-assign]
    try:
        c.apply([_pvc("data", "1Gi", ["ReadWriteOnce"], "manual")])
        ctrl.sync_claim(c.get("persistentvolumeclaim", "data"))
    finally:
        store.list = real  # type: ignore[method-assign]
    assert "persistentvolumes" not in listed
    assert c.get("persistentvolumeclaim", "data")["spec"]["volumeName"] == "v1"


MODES = st.sampled_from([["ReadWriteOnce"], ["ReadWriteOnce", "ReadOnlyMany"], ["ReadWriteMany"], ["ReadOnlyMany"]])


@st.composite
def _volume(draw: st.DrawFn, i: int) -> dict[str, Any]:
    ref = draw(st.sampled_from([None, {}, {"namespace": "default", "name": "x"},
                                {"namespace": "default", "name": "x", "uid": "u-1"},
                                {"namespace": "default", "name": "x", "uid": "other"},
                                {"namespace": "default", "name": "y", "uid": "u-2"}]))
    pv = _pv(f"v{draw(st.integers(0, 99)):02d}-{i}", draw(st.sampled_from(["500Mi", "1Gi", "2Gi"])), draw(MODES),
             draw(st.sampled_from(["manual", "slow", ""])), ref=ref)
    pv["status"] = {"phase": draw(st.sampled_from(["Available", "Bound", "Released", "Pending"]))}
    return pv


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=st.integers(0, 8), modes=MODES, cls=st.sampled_from(["manual", "slow", ""]),
       size=st.sampled_from(["500Mi", "1Gi", "2Gi"]), delay=st.booleans(), with_node=st.booleans())
def test_the_index_candidates_make_the_same_choice_as_every_volume(
        data: st.DataObject, n: int, modes: list[str], cls: str, size: str, delay: bool, with_node: bool) -> None:
    volumes = [data.draw(_volume(i)) for i in range(n)]
    claim = _pvc("x", size, modes, cls)
    claim["metadata"]["uid"] = "u-1"
    node = {"metadata": {"name": "node-1", "labels": {}}} if with_node else None
    index = VolumeIndex()
    index.load(volumes[: n // 2])
    for pv in volumes[n // 2:]:  # the rest arrive as commits, one of them changed once
        index.on_commit(type("E", (), {"resource": "persistentvolumes", "type": "ADDED", "obj": pv})())
    want = find_best_match(claim, sorted(volumes, key=lambda v: v["metadata"]["name"]), delay_binding=delay, node=node)
    got = find_best_match(claim, index.candidates(claim, unbound=node is not None or not delay),
                          delay_binding=delay, node=node)
    assert got is want
