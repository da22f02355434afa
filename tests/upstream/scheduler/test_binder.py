"""The scheduler's volume binder: upstream's binder_test.go tables (FindPodVolumes with and without provisioning,
with CSI migration, AssumePodVolumes, RevertAssumedPodVolumes, bindAPIUpdate, checkBindings).

The fixtures are upstream's (makeTestPVC, makeTestPV, the four classes of newTestBinder); ``FakeAPI`` plays the
informer caches and the fake clientset's volume reactor: lookups, and updates that refuse a stale resourceVersion.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.errors import ApiError
from kspec.scheduler.plugins.volumebinder import (
    ERR_REASON_BIND_CONFLICT,
    ERR_REASON_NODE_CONFLICT,
    ERR_REASON_NOT_ENOUGH_SPACE,
    ERR_REASON_PV_NOT_EXIST,
    BinderError,
    BindingInfo,
    PodVolumes,
    VolumeBinder,
)
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/volumebinding/binder_test.go"
PROVISIONER = "test-provisioner"
WAIT, IMMEDIATE, WAIT_PROV = "waitClass", "immediateClass", "waitClassWithProvisioner"
TOPO_MISMATCH = "topoMismatchClass"
NODE_KEY = "nodeKey"
UNBOUND, PREBOUND, BOUND, SELECTED_NODE = range(4)


def make_pvc(name: str, size: str, node: str, state: int, pv_name: str, version: str, cls: str) -> dict[str, Any]:
    """makeTestPVC."""
    md: dict[str, Any] = {"name": name, "namespace": "testns", "uid": "pvc-uid", "resourceVersion": version}
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": md,
             "spec": {"resources": {"requests": {"storage": size}}, "storageClassName": cls,
                      "volumeMode": "Filesystem"}}
    if state == SELECTED_NODE:
        md["annotations"] = {"volume.kubernetes.io/selected-node": node}
    if state == BOUND:
        md["annotations"] = {"pv.kubernetes.io/bind-completed": "yes"}
    if state in (BOUND, PREBOUND):
        claim["spec"]["volumeName"] = pv_name
    return claim


def make_pv(name: str, node: str, capacity: str, version: str, bound_to: dict[str, Any] | None,
            cls: str) -> dict[str, Any]:
    """makeTestPV: node affinity on nodeKey, Available, a claimRef (bound by controller) when bound."""
    pv: dict[str, Any] = {"kind": "PersistentVolume", "metadata": {"name": name, "resourceVersion": version},
                          "spec": {"capacity": {"storage": capacity}, "storageClassName": cls,
                                   "volumeMode": "Filesystem"},
                          "status": {"phase": "Available"}}
    if node:
        pv["spec"]["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": NODE_KEY, "operator": "In", "values": [node]}]}]}}
    if bound_to is not None:
        md = bound_to["metadata"]
        pv["spec"]["claimRef"] = {"kind": "PersistentVolumeClaim", "apiVersion": "v1",
                                  "resourceVersion": md["resourceVersion"], "name": md["name"],
                                  "namespace": md["namespace"], "uid": md["uid"]}
        pv["metadata"]["annotations"] = {"pv.kubernetes.io/bound-by-controller": "yes"}
    return pv


def with_selected_node(claim: dict[str, Any], node: str = "node1") -> dict[str, Any]:
    """addProvisionAnn."""
    new = copy.deepcopy(claim)
    new["metadata"].setdefault("annotations", {})["volume.kubernetes.io/selected-node"] = node
    return new


def generic_ephemeral_pvc(owned: bool) -> dict[str, Any]:
    """makeGenericEphemeralPVC("test-volume", owned)."""
    claim = make_pvc("test-pod-test-volume", "1G", "", BOUND, "pv-bound", "1", IMMEDIATE)
    if owned:
        claim["metadata"]["ownerReferences"] = [{"name": "test-pod", "uid": "", "controller": True}]
    return claim


unboundPVC = make_pvc("unbound-pvc", "1G", "", UNBOUND, "", "1", WAIT)
unboundPVC2 = make_pvc("unbound-pvc2", "5G", "", UNBOUND, "", "1", WAIT)
preboundPVC = make_pvc("prebound-pvc", "1G", "", PREBOUND, "pv-node1a", "1", WAIT)
preboundPVCNode1a = make_pvc("unbound-pvc", "1G", "", PREBOUND, "pv-node1a", "1", WAIT)
boundPVC = make_pvc("bound-pvc", "1G", "", BOUND, "pv-bound", "1", WAIT)
boundPVCNode1a = make_pvc("unbound-pvc", "1G", "", BOUND, "pv-node1a", "1", WAIT)
immediateUnboundPVC = make_pvc("immediate-unbound-pvc", "1G", "", UNBOUND, "", "1", IMMEDIATE)
immediateBoundPVC = make_pvc("immediate-bound-pvc", "1G", "", BOUND, "pv-bound-immediate", "1", IMMEDIATE)
provisionedPVC = make_pvc("provisioned-pvc", "1Gi", "", UNBOUND, "", "1", WAIT_PROV)
provisionedPVC2 = make_pvc("provisioned-pvc2", "1Gi", "", UNBOUND, "", "1", WAIT_PROV)
provisionedPVCHigherVersion = make_pvc("provisioned-pvc2", "1Gi", "", UNBOUND, "", "2", WAIT_PROV)
provisionedPVCBound = make_pvc("provisioned-pvc", "1Gi", "", BOUND, "pv-bound", "1", WAIT_PROV)
noProvisionerPVC = make_pvc("no-provisioner-pvc", "1Gi", "", UNBOUND, "", "1", WAIT)
topoMismatchPVC = make_pvc("topo-mismatch-pvc", "1Gi", "", UNBOUND, "", "1", TOPO_MISMATCH)
selectedNodePVC = make_pvc("provisioned-pvc", "1Gi", "node1", SELECTED_NODE, "", "1", WAIT_PROV)
boundMigrationPVC = make_pvc("pvc-migration-bound", "1G", "", BOUND, "pv-migration-bound", "1", WAIT)
conflictingGenericPVC = generic_ephemeral_pvc(False)
correctGenericPVC = generic_ephemeral_pvc(True)
pvBoundGeneric = make_pv("pv-bound", "node1", "1G", "1", correctGenericPVC, WAIT)
pvNode1a = make_pv("pv-node1a", "node1", "5G", "1", None, WAIT)
pvNode1b = make_pv("pv-node1b", "node1", "10G", "1", None, WAIT)
pvNode2 = make_pv("pv-node2", "node2", "1G", "1", None, WAIT)
pvBound = make_pv("pv-bound", "node1", "1G", "1", boundPVC, WAIT)
pvNode1aBound = make_pv("pv-node1a", "node1", "5G", "1", unboundPVC, WAIT)
pvNode1bBound = make_pv("pv-node1b", "node1", "10G", "1", unboundPVC2, WAIT)
pvNode1bBoundHigherVersion = make_pv("pv-node1b", "node1", "10G", "2", unboundPVC2, WAIT)
pvBoundImmediate = make_pv("pv-bound-immediate", "node1", "1G", "1", immediateBoundPVC, IMMEDIATE)
pvBoundImmediateNode2 = make_pv("pv-bound-immediate", "node2", "1G", "1", immediateBoundPVC, IMMEDIATE)


def migration_pv(claim: dict[str, Any], migrated: bool = True) -> dict[str, Any]:
    """makeTestPVForCSIMigration(zone1Labels, claim, migrated): a GCE PD (an RBD image when not migrated) without
    node affinity, zone-labelled."""
    pv = make_pv("pv-migration-bound", "node1", "1G", "1", claim, WAIT)
    del pv["spec"]["nodeAffinity"]
    pv["metadata"]["labels"] = {"failure-domain.beta.kubernetes.io/zone": "us-east-1",
                                "failure-domain.beta.kubernetes.io/region": "us-east-1a"}
    if migrated:
        pv["spec"]["gcePersistentDisk"] = {"pdName": "test-disk", "fsType": "ext4"}
    else:
        pv["spec"]["rbd"] = {"image": "test-disk"}
    return pv


CLASSES = [
    {"kind": "StorageClass", "metadata": {"name": WAIT_PROV}, "volumeBindingMode": "WaitForFirstConsumer",
     "provisioner": PROVISIONER,
     "allowedTopologies": [{"matchLabelExpressions": [{"key": NODE_KEY, "values": ["node1", "reference-value"]}]}]},
    {"kind": "StorageClass", "metadata": {"name": IMMEDIATE}, "volumeBindingMode": "Immediate"},
    {"kind": "StorageClass", "metadata": {"name": WAIT}, "volumeBindingMode": "WaitForFirstConsumer",
     "provisioner": "kubernetes.io/no-provisioner"},
    {"kind": "StorageClass", "metadata": {"name": TOPO_MISMATCH}, "volumeBindingMode": "WaitForFirstConsumer",
     "provisioner": PROVISIONER,
     "allowedTopologies": [{"matchLabelExpressions": [{"key": NODE_KEY, "values": ["reference-value"]}]}]},
]
RESOURCES = {"PersistentVolumeClaim": "persistentvolumeclaims", "PersistentVolume": "persistentvolumes",
             "StorageClass": "storageclasses", "CSIDriver": "csidrivers", "Node": "nodes", "Pod": "pods"}


class _Store:
    def __init__(self, api: FakeAPI) -> None:
        self.api = api

    def list(self, resource: str, namespace: str | None = None) -> list[dict[str, Any]]:
        return [o for (r, _ns, _n), o in sorted(self.api.objects.items()) if r == resource]


class FakeAPI:
    """The informer caches and the fake clientset with upstream's volume reactor: an update must carry the stored
    resourceVersion and bumps it."""

    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.store = _Store(self)
        for obj in objects:
            self.add(obj)

    def add(self, obj: dict[str, Any]) -> None:
        md = obj["metadata"]
        self.objects[(RESOURCES[obj["kind"]], md.get("namespace", ""), md["name"])] = copy.deepcopy(obj)

    def try_get(self, resource: str, name: str, namespace: str = "") -> dict[str, Any] | None:
        return self.objects.get((resource, namespace, name))

    def update(self, obj: dict[str, Any]) -> dict[str, Any]:
        md = obj["metadata"]
        key = (RESOURCES[obj["kind"]], md.get("namespace", ""), md["name"])
        stored = self.objects.get(key)
        if stored is None:
            raise ApiError(404, "NotFound", f'{key[0]} "{md["name"]}" not found')
        if md.get("resourceVersion") != stored["metadata"].get("resourceVersion"):
            raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on {key[0]} "{md["name"]}": the object has '
                           "been modified; please apply your changes to the latest version and try again")
        new = copy.deepcopy(obj)
        new["metadata"]["resourceVersion"] = str(int(md.get("resourceVersion") or 0) + 1)
        self.objects[key] = new
        return new


def make_pod(*claims: dict[str, Any], ephemeral: str = "", empty_dir: bool = False) -> dict[str, Any]:
    """makePod("test-pod").withNamespace("testns").withNodeName("node1").withPVCSVolume(claims)."""
    volumes: list[dict[str, Any]] = [{"name": c["metadata"]["name"], "persistentVolumeClaim":
                                      {"claimName": c["metadata"]["name"]}} for c in claims]
    if ephemeral:
        volumes.append({"name": ephemeral, "ephemeral": {}})
    if empty_dir:
        volumes.append({"name": "empty", "emptyDir": {}})
    return {"kind": "Pod", "metadata": {"name": "test-pod", "namespace": "testns", "uid": ""},
            "spec": {"nodeName": "node1", "volumes": volumes}}


NODE1 = {"kind": "Node", "metadata": {"name": "node1", "labels": {NODE_KEY: "node1"}}}


def find_pod_volumes(binder: VolumeBinder, pod: dict[str, Any], node: dict[str, Any]
                     ) -> tuple[PodVolumes | None, list[str], bool]:
    """findPodVolumes: GetPodVolumeClaims, unbound Immediate claims are an error, then FindPodVolumes."""
    try:
        claims = binder.get_pod_volume_claims(pod)
        if claims.unbound_immediate:
            raise BinderError("pod has unbound immediate PersistentVolumeClaims")
        volumes, reasons = binder.find_pod_volumes(pod, claims, node)
    except BinderError:
        return None, [], True
    return volumes, reasons, False


def _names(bindings: list[BindingInfo]) -> list[tuple[str, str]]:
    return [(b.pvc["metadata"]["name"], b.pv["metadata"]["name"]) for b in bindings]


DRIVERS = {"no CSIDriver": None, "CSIDriver with capacity tracking": True, "CSIDriver without capacity tracking": False}
W = "TestFindPodVolumesWithoutProvisioning"
WITHOUT = [
    ("no-volumes", dict(pod=make_pod())),
    ("no-pvcs", dict(pod=make_pod(empty_dir=True))),
    ("pvc-not-found", dict(cache=[], claims=[boundPVC], fail=True)),
    ("bound-pvc", dict(claims=[boundPVC], pvs=[pvBound])),
    ("bound-pvc,pv-not-exists", dict(claims=[boundPVC], reasons=[ERR_REASON_PV_NOT_EXIST])),
    ("prebound-pvc", dict(claims=[preboundPVC], pvs=[pvNode1aBound], fail=True)),
    ("unbound-pvc,pv-same-node", dict(claims=[unboundPVC], pvs=[pvNode2, pvNode1a, pvNode1b],
                                      bindings=[("unbound-pvc", "pv-node1a")])),
    ("unbound-pvc,pv-different-node", dict(claims=[unboundPVC], pvs=[pvNode2], reasons=[ERR_REASON_BIND_CONFLICT])),
    ("two-unbound-pvcs", dict(claims=[unboundPVC, unboundPVC2], pvs=[pvNode1a, pvNode1b],
                              bindings=[("unbound-pvc", "pv-node1a"), ("unbound-pvc2", "pv-node1b")])),
    ("two-unbound-pvcs,order-by-size", dict(claims=[unboundPVC2, unboundPVC], pvs=[pvNode1a, pvNode1b],
                                            bindings=[("unbound-pvc", "pv-node1a"), ("unbound-pvc2", "pv-node1b")])),
    ("two-unbound-pvcs,partial-match", dict(claims=[unboundPVC, unboundPVC2], pvs=[pvNode1a],
                                            bindings=[("unbound-pvc", "pv-node1a")],
                                            reasons=[ERR_REASON_BIND_CONFLICT])),
    ("one-bound,one-unbound", dict(claims=[unboundPVC, boundPVC], pvs=[pvBound, pvNode1a],
                                   bindings=[("unbound-pvc", "pv-node1a")])),
    ("one-bound,one-unbound,no-match", dict(claims=[unboundPVC, boundPVC], pvs=[pvBound, pvNode2],
                                            reasons=[ERR_REASON_BIND_CONFLICT])),
    ("one-prebound,one-unbound", dict(claims=[unboundPVC, preboundPVC], pvs=[pvNode1a, pvNode1b], fail=True)),
    ("immediate-bound-pvc", dict(claims=[immediateBoundPVC], pvs=[pvBoundImmediate])),
    ("immediate-bound-pvc-wrong-node", dict(claims=[immediateBoundPVC], pvs=[pvBoundImmediateNode2],
                                            reasons=[ERR_REASON_NODE_CONFLICT])),
    ("immediate-unbound-pvc", dict(claims=[immediateUnboundPVC], fail=True)),
    ("immediate-unbound-pvc,delayed-mode-bound", dict(claims=[immediateUnboundPVC, boundPVC], pvs=[pvBound],
                                                      fail=True)),
    ("immediate-unbound-pvc,delayed-mode-unbound", dict(claims=[immediateUnboundPVC, unboundPVC], fail=True)),
    ("generic-ephemeral,no-pvc", dict(pod=make_pod(ephemeral="no-such-pvc"), fail=True)),
    ("generic-ephemeral,with-pvc", dict(pod=make_pod(ephemeral="test-volume"), cache=[correctGenericPVC],
                                        pvs=[pvBoundGeneric])),
    ("generic-ephemeral,wrong-pvc", dict(pod=make_pod(ephemeral="test-volume"), cache=[conflictingGenericPVC],
                                         pvs=[pvBoundGeneric], fail=True)),
]
P = "TestFindPodVolumesWithProvisioning"
WITH = [
    ("one-provisioned", dict(claims=[provisionedPVC], provisions=["provisioned-pvc"], capacity=True)),
    ("two-unbound-pvcs,one-matched,one-provisioned", dict(claims=[unboundPVC, provisionedPVC], pvs=[pvNode1a],
                                                          bindings=[("unbound-pvc", "pv-node1a")],
                                                          provisions=["provisioned-pvc"], capacity=True)),
    ("one-bound,one-provisioned", dict(claims=[boundPVC, provisionedPVC], pvs=[pvBound],
                                       provisions=["provisioned-pvc"], capacity=True)),
    ("one-binding,one-selected-node", dict(claims=[boundPVC, selectedNodePVC], pvs=[pvBound],
                                           provisions=["provisioned-pvc"], capacity=True)),
    ("immediate-unbound-pvc", dict(claims=[immediateUnboundPVC], fail=True)),
    ("one-immediate-bound,one-provisioned", dict(claims=[immediateBoundPVC, provisionedPVC], pvs=[pvBoundImmediate],
                                                 provisions=["provisioned-pvc"], capacity=True)),
    ("invalid-provisioner", dict(claims=[noProvisionerPVC], reasons=[ERR_REASON_BIND_CONFLICT])),
    ("volume-topology-unsatisfied", dict(claims=[topoMismatchPVC], reasons=[ERR_REASON_BIND_CONFLICT])),
]
FIND_CASES = [case(func, f"{driver}/{name}", driver=capacity, **data)
              for func, table in ((W, WITHOUT), (P, WITH)) for driver, capacity in DRIVERS.items()
              for name, data in table]


@pytest.mark.parametrize("c", FIND_CASES)
def test_find_pod_volumes(c: dict[str, Any]) -> None:
    cache = c.get("cache", c.get("claims", []))
    objects = [*CLASSES, *c.get("pvs", []), *cache]
    if c["driver"] is not None:
        objects.append({"kind": "CSIDriver", "metadata": {"name": PROVISIONER},
                        "spec": {"storageCapacity": c["driver"]}})
    binder = VolumeBinder(FakeAPI(objects))
    pod = c.get("pod") or make_pod(*c.get("claims", []))
    volumes, reasons, failed = find_pod_volumes(binder, pod, NODE1)
    assert failed is c.get("fail", False)
    want_reasons = list(c.get("reasons", []))
    want_provisions = list(c.get("provisions", []))
    if c.get("capacity") and c["driver"]:
        want_reasons.append(ERR_REASON_NOT_ENOUGH_SPACE)  # without CSIStorageCapacity objects, provisioning is blocked
        want_provisions = []
    assert sorted(reasons) == sorted(want_reasons)
    assert _names(volumes.static_bindings if volumes else []) == c.get("bindings", [])
    assert [p["metadata"]["name"] for p in (volumes.dynamic_provisions if volumes else [])] == want_provisions


M = "TestFindPodVolumesWithCSIMigration"
MIGRATION = "CSI migration (an in-tree PV's zone labels translated into CSI node affinity) is not simulated"
ZONE1 = {"kind": "Node", "metadata": {"name": "node1", "labels": {"topology.gke.io/zone": "us-east-1"}}}
ZONE2 = {"kind": "Node", "metadata": {"name": "node1", "labels": {"topology.gke.io/zone": "us-east-2"}}}
MIGRATION_CASES = [
    case(M, "pvc-bound", node=ZONE1, reasons=[]),
    case(M, "pvc-bound,csinode-not-migrated", node=ZONE1, reasons=[]),
    case(M, "pvc-bound,missing-csinode", node=ZONE1, reasons=[]),
    case(M, "pvc-bound,node-different-zone", node=ZONE2, reasons=[ERR_REASON_NODE_CONFLICT], unmodelled=MIGRATION),
]


@pytest.mark.parametrize("c", MIGRATION_CASES)
def test_find_pod_volumes_with_csi_migration(c: dict[str, Any]) -> None:
    binder = VolumeBinder(FakeAPI([*CLASSES, boundMigrationPVC, migration_pv(boundMigrationPVC), c["node"]]))
    _volumes, reasons, failed = find_pod_volumes(binder, make_pod(boundMigrationPVC), c["node"])
    assert not failed
    assert reasons == c["reasons"]


A = "TestAssumePodVolumes"
ASSUME_CASES = [
    case(A, "all-bound", claims=[boundPVC], pvs=[pvBound], bindings=[], provisions=[], all_bound=True),
    case(A, "one-binding", claims=[unboundPVC], pvs=[pvNode1a], bindings=[(unboundPVC, pvNode1a)], provisions=[],
         want_bindings=[(unboundPVC, pvNode1aBound)]),
    case(A, "two-bindings", claims=[unboundPVC, unboundPVC2], pvs=[pvNode1a, pvNode1b],
         bindings=[(unboundPVC, pvNode1a), (unboundPVC2, pvNode1b)], provisions=[],
         want_bindings=[(unboundPVC, pvNode1aBound), (unboundPVC2, pvNode1bBound)]),
    case(A, "pv-already-bound", claims=[unboundPVC], pvs=[pvNode1aBound], bindings=[(unboundPVC, pvNode1aBound)],
         provisions=[], want_bindings=[(unboundPVC, pvNode1aBound)]),
    case(A, "tmpupdate-failed", claims=[unboundPVC], pvs=[pvNode1a],
         bindings=[(unboundPVC, pvNode1a), (unboundPVC2, pvNode1b)], provisions=[], fail=True),
    case(A, "one-binding, one-pvc-provisioned", claims=[unboundPVC, provisionedPVC], pvs=[pvNode1a],
         bindings=[(unboundPVC, pvNode1a)], provisions=[provisionedPVC],
         want_bindings=[(unboundPVC, pvNode1aBound)], want_provisions=[selectedNodePVC]),
    case(A, "one-binding, one-provision-tmpupdate-failed", claims=[unboundPVC, provisionedPVCHigherVersion],
         pvs=[pvNode1a], bindings=[(unboundPVC, pvNode1a)], provisions=[provisionedPVC2], fail=True),
]


def _pvc_key(claim: dict[str, Any]) -> str:
    return f"{claim['metadata']['namespace']}/{claim['metadata']['name']}"


@pytest.mark.parametrize("c", ASSUME_CASES)
def test_assume_pod_volumes(c: dict[str, Any]) -> None:
    binder = VolumeBinder(FakeAPI([*CLASSES, *c["claims"], *c["pvs"]]))
    pod = make_pod(*c["claims"])
    volumes = PodVolumes([BindingInfo(copy.deepcopy(pvc), copy.deepcopy(pv)) for pvc, pv in c["bindings"]],
                         [copy.deepcopy(p) for p in c["provisions"]])
    try:
        all_bound, failed = binder.assume_pod_volumes(pod, "node1", volumes), False
    except BinderError:
        all_bound, failed = False, True
    assert failed is c.get("fail", False)
    assert all_bound is c.get("all_bound", False)
    if failed:  # validateCacheRestored: nothing assumed is left
        for _pvc, pv in c["bindings"]:
            assert binder.pv_cache.get(pv["metadata"]["name"]) is binder.pv_cache.get_api(pv["metadata"]["name"])
        for p in c["provisions"]:
            got = binder.pvc_cache.get(_pvc_key(p))
            assert got is None or "volume.kubernetes.io/selected-node" not in (got["metadata"].get("annotations") or {})
        return
    want_bindings = c.get("want_bindings", c["bindings"])
    for pvc, pv in want_bindings:  # validateAssume
        ref = binder.pv_cache.get(pv["metadata"]["name"])["spec"]["claimRef"]
        assert (ref["name"], ref["namespace"]) == (pvc["metadata"]["name"], pvc["metadata"]["namespace"])
    for p in c.get("want_provisions", []):
        anns = binder.pvc_cache.get(_pvc_key(p))["metadata"]["annotations"]
        assert anns["volume.kubernetes.io/selected-node"] == "node1"
    # validatePodCache: the pod's volumes now hold the assumed objects
    assert [(b.pvc, b.pv) for b in volumes.static_bindings] == [(pvc, pv) for pvc, pv in want_bindings]
    assert volumes.dynamic_provisions == c.get("want_provisions", c["provisions"])


def test_revert_assumed_pod_volumes() -> None:
    """TestRevertAssumedPodVolumes."""
    binder = VolumeBinder(FakeAPI([*CLASSES, unboundPVC, provisionedPVC, pvNode1a]))
    pod = make_pod(unboundPVC, provisionedPVC)
    volumes = PodVolumes([BindingInfo(copy.deepcopy(unboundPVC), copy.deepcopy(pvNode1a))],
                         [copy.deepcopy(provisionedPVC)])
    assert binder.assume_pod_volumes(pod, "node1", volumes) is False
    assert binder.pv_cache.get("pv-node1a")["spec"]["claimRef"]["name"] == "unbound-pvc"
    assert binder.pvc_cache.get("testns/provisioned-pvc")["metadata"]["annotations"][
        "volume.kubernetes.io/selected-node"] == "node1"
    binder.revert(volumes)
    assert binder.pv_cache.get("pv-node1a") is binder.pv_cache.get_api("pv-node1a")
    assert "annotations" not in binder.pvc_cache.get("testns/provisioned-pvc")["metadata"]


B = "TestBindAPIUpdate"
NIL = "kspec's PodVolumes always holds lists; there is no nil list to tell from an empty one"
BIND_CASES = [
    case(B, "nothing-to-bind-nil", bindings=None, provisions=None, pvs=[], claims=[], fail=True, unreachable=NIL),
    case(B, "nothing-to-bind-bindings-nil", bindings=None, provisions=[], pvs=[], claims=[], fail=True,
         unreachable=NIL),
    case(B, "nothing-to-bind-provisionings-nil", bindings=[], provisions=None, pvs=[], claims=[], fail=True,
         unreachable=NIL),
    case(B, "nothing-to-bind-empty", bindings=[], provisions=[], pvs=[], claims=[]),
    case(B, "one-binding", bindings=[(unboundPVC, pvNode1aBound)], pvs=[pvNode1a], want_pvs=[pvNode1aBound],
         provisions=[], claims=[]),
    case(B, "two-bindings", bindings=[(unboundPVC, pvNode1aBound), (unboundPVC2, pvNode1bBound)],
         pvs=[pvNode1a, pvNode1b], want_pvs=[pvNode1aBound, pvNode1bBound], provisions=[], claims=[]),
    case(B, "api-already-updated", bindings=[(unboundPVC, pvNode1aBound)], pvs=[pvNode1aBound],
         want_pvs=[pvNode1aBound], provisions=[], claims=[]),
    case(B, "api-update-failed", bindings=[(unboundPVC, pvNode1aBound), (unboundPVC2, pvNode1bBound)],
         pvs=[pvNode1a, pvNode1b], api_pvs=[pvNode1a, pvNode1bBoundHigherVersion],
         want_api_pvs=[pvNode1aBound, pvNode1bBoundHigherVersion], provisions=[], claims=[], fail=True),
    case(B, "one-provisioned-pvc", bindings=[], provisions=[with_selected_node(provisionedPVC)], pvs=[],
         claims=[provisionedPVC], want_api_pvcs=[with_selected_node(provisionedPVC)]),
    case(B, "provision-api-update-failed", bindings=[], pvs=[],
         provisions=[with_selected_node(provisionedPVC), with_selected_node(provisionedPVC2)],
         claims=[provisionedPVC, provisionedPVC2], api_pvcs=[provisionedPVC, provisionedPVCHigherVersion],
         want_api_pvcs=[with_selected_node(provisionedPVC), provisionedPVCHigherVersion], fail=True),
    case(B, "binding-succeed, provision-api-update-failed", bindings=[(unboundPVC, pvNode1aBound)], pvs=[pvNode1a],
         want_pvs=[pvNode1aBound], provisions=[with_selected_node(provisionedPVC), with_selected_node(provisionedPVC2)],
         claims=[provisionedPVC, provisionedPVC2], api_pvcs=[provisionedPVC, provisionedPVCHigherVersion],
         want_api_pvcs=[with_selected_node(provisionedPVC), provisionedPVCHigherVersion], fail=True),
]


def _without_rv(obj: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(obj)
    new["metadata"].pop("resourceVersion", None)
    return new


@pytest.mark.parametrize("c", BIND_CASES)
def test_bind_api_update(c: dict[str, Any]) -> None:
    api = FakeAPI([*CLASSES, *c.get("api_pvs", c["pvs"]), *c.get("api_pvcs", c["claims"])])
    binder = VolumeBinder(api)
    volumes = PodVolumes([BindingInfo(copy.deepcopy(pvc), copy.deepcopy(pv)) for pvc, pv in c["bindings"] or []],
                         [copy.deepcopy(p) for p in c["provisions"] or []])
    try:
        binder.bind_api_update(make_pod(), volumes)
        failed = False
    except BinderError:
        failed = True
    assert failed is c.get("fail", False)
    for want in c.get("want_api_pvs", c.get("want_pvs", [])):  # the reactor's objects, resourceVersion aside
        assert _without_rv(api.try_get("persistentvolumes", want["metadata"]["name"])) == _without_rv(want)
    for want in c.get("want_api_pvcs", []):
        got = api.try_get("persistentvolumeclaims", want["metadata"]["name"], "testns")
        assert _without_rv(got) == _without_rv(want)


def _set_annotations(claim: dict[str, Any], annotations: dict[str, str] | None) -> dict[str, Any]:
    """pvcSetEmptyAnnotations ({}), pvcSetSelectedNode."""
    new = copy.deepcopy(claim)
    if annotations is None:
        new["metadata"].pop("annotations", None)
    else:
        new["metadata"]["annotations"] = annotations
    return new


def _without_claim_uid(pv: dict[str, Any]) -> dict[str, Any]:
    """pvRemoveClaimUID."""
    new = copy.deepcopy(pv)
    new["spec"]["claimRef"]["uid"] = ""
    return new


C = "TestCheckBindings"
PROV = with_selected_node(provisionedPVC)
CHECK_CASES = [
    case(C, "nothing-to-bind-nil", bindings=None, provisions=[], fail=True, unreachable=NIL),
    case(C, "nothing-to-bind-bindings-nil", bindings=None, provisions=[], fail=True, unreachable=NIL),
    case(C, "nothing-to-bind-provisionings-nil", bindings=[], provisions=None, fail=True, unreachable=NIL),
    case(C, "nothing-to-bind", bindings=[], provisions=[], bound=True),
    case(C, "binding-bound", bindings=[(unboundPVC, pvNode1aBound)], provisions=[], pvs=[pvNode1aBound],
         claims=[boundPVCNode1a], bound=True),
    case(C, "binding-prebound", bindings=[(unboundPVC, pvNode1aBound)], provisions=[], pvs=[pvNode1aBound],
         claims=[preboundPVCNode1a]),
    case(C, "binding-unbound", bindings=[(unboundPVC, pvNode1aBound)], provisions=[], pvs=[pvNode1aBound],
         claims=[unboundPVC]),
    case(C, "binding-pvc-not-exists", bindings=[(unboundPVC, pvNode1aBound)], provisions=[], pvs=[pvNode1aBound],
         fail=True),
    case(C, "binding-pv-not-exists", bindings=[(unboundPVC, pvNode1aBound)], provisions=[], pvs=[pvNode1aBound],
         claims=[boundPVCNode1a], delete_pvs=True, fail=True),
    case(C, "binding-claimref-nil", bindings=[(unboundPVC, pvNode1aBound)], provisions=[], pvs=[pvNode1a],
         claims=[boundPVCNode1a], api_pvs=[pvNode1a], api_pvcs=[boundPVCNode1a], fail=True),
    case(C, "binding-claimref-uid-empty", bindings=[(unboundPVC, pvNode1aBound)], provisions=[], pvs=[pvNode1aBound],
         claims=[boundPVCNode1a], api_pvs=[_without_claim_uid(pvNode1aBound)], api_pvcs=[boundPVCNode1a], fail=True),
    case(C, "binding-one-bound,one-unbound", bindings=[(unboundPVC, pvNode1aBound), (unboundPVC2, pvNode1bBound)],
         provisions=[], pvs=[pvNode1aBound, pvNode1bBound], claims=[boundPVCNode1a, unboundPVC2]),
    case(C, "provisioning-pvc-bound", bindings=[], provisions=[PROV], pvs=[pvBound], claims=[provisionedPVCBound],
         api_pvcs=[with_selected_node(provisionedPVCBound)], bound=True),
    case(C, "provisioning-pvc-unbound", bindings=[], provisions=[PROV], claims=[PROV]),
    case(C, "provisioning-pvc-not-exists", bindings=[], provisions=[PROV], claims=[provisionedPVC], delete_pvcs=True,
         fail=True),
    case(C, "provisioning-pvc-annotations-nil", bindings=[], provisions=[PROV], claims=[provisionedPVC],
         api_pvcs=[provisionedPVC], fail=True),
    case(C, "provisioning-pvc-selected-node-dropped", bindings=[], provisions=[PROV], claims=[provisionedPVC],
         api_pvcs=[_set_annotations(provisionedPVC, {})], fail=True),
    case(C, "provisioning-pvc-selected-node-wrong-node", bindings=[], provisions=[PROV], claims=[provisionedPVC],
         api_pvcs=[with_selected_node(provisionedPVC, "wrong-node")], fail=True),
    case(C, "binding-bound-provisioning-unbound", bindings=[(unboundPVC, pvNode1aBound)], provisions=[PROV],
         pvs=[pvNode1aBound], claims=[boundPVCNode1a, PROV]),
    case(C, "tolerate-provisioning-pvc-bound-pv-not-found", bindings=[], provisions=[PROV], pvs=[pvNode1a],
         claims=[provisionedPVC], api_pvcs=[with_selected_node(provisionedPVCBound)], delete_pvs=True),
]


def _api_update(api: FakeAPI, obj: dict[str, Any]) -> None:
    """updateVolumes / updateClaims: an update of the stored version (the reactor's object)."""
    resource = RESOURCES[obj["kind"]]
    stored = api.try_get(resource, obj["metadata"]["name"], obj["metadata"].get("namespace", ""))
    new = copy.deepcopy(obj)
    new["metadata"]["resourceVersion"] = (stored or obj)["metadata"]["resourceVersion"]
    api.update(new)


def _check_bindings(c: dict[str, Any], node: dict[str, Any], extra: list[dict[str, Any]] = ()) -> tuple[bool, bool]:
    pod = make_pod()
    api = FakeAPI([*CLASSES, pod, node, *c.get("pvs", []), *c.get("claims", []), *extra])
    binder = VolumeBinder(api)
    volumes = PodVolumes([BindingInfo(copy.deepcopy(pvc), copy.deepcopy(pv)) for pvc, pv in c["bindings"] or []],
                         [copy.deepcopy(p) for p in c["provisions"] or []])
    for b in volumes.static_bindings:  # assumeVolumes
        binder.pv_cache.assume(b.pv["metadata"]["name"], b.pv)
    for p in volumes.dynamic_provisions:
        binder.pvc_cache.assume(_pvc_key(p), p)
    if c.get("delete_pvs"):
        for pv in c.get("pvs", []):
            del api.objects[("persistentvolumes", "", pv["metadata"]["name"])]
    else:
        for pv in c.get("api_pvs", []):
            _api_update(api, pv)
    if c.get("delete_pvcs"):
        for claim in c.get("claims", []):
            del api.objects[("persistentvolumeclaims", "testns", claim["metadata"]["name"])]
    else:
        for claim in c.get("api_pvcs", []):
            _api_update(api, claim)
    try:
        return binder.check_bindings(pod, "node1", volumes), False
    except BinderError:
        return False, True


@pytest.mark.parametrize("c", CHECK_CASES)
def test_check_bindings(c: dict[str, Any]) -> None:
    bound, failed = _check_bindings(c, NODE1)
    assert failed is c.get("fail", False)
    assert bound is c.get("bound", False)


provMigrationPVCBound = make_pvc("pvc-migration-provisioned", "1Gi", "", BOUND, "pv-migration-bound", "1", WAIT_PROV)
CM = "TestCheckBindingsWithCSIMigration"
CHECK_MIGRATION_CASES = [
    case(CM, "provisioning-pvc-bound", bindings=[], provisions=[with_selected_node(provMigrationPVCBound)],
         pvs=[migration_pv(boundMigrationPVC)], claims=[provMigrationPVCBound],
         api_pvcs=[with_selected_node(provMigrationPVCBound)], node=ZONE1, bound=True),
    case(CM, "binding-node-pv-same-zone", bindings=[(unboundPVC, migration_pv(unboundPVC))], provisions=[],
         pvs=[migration_pv(unboundPVC)], claims=[unboundPVC], node=ZONE1),
    case(CM, "binding-without-csinode", bindings=[(unboundPVC, migration_pv(unboundPVC))], provisions=[],
         pvs=[migration_pv(unboundPVC)], claims=[unboundPVC], node=ZONE1),
    case(CM, "binding-non-migrated-plugin", bindings=[(unboundPVC, migration_pv(unboundPVC))], provisions=[],
         pvs=[migration_pv(unboundPVC)], claims=[unboundPVC], node=ZONE1),
    case(CM, "binding-node-pv-in-different-zones", bindings=[(unboundPVC, migration_pv(unboundPVC))], provisions=[],
         pvs=[migration_pv(unboundPVC)], claims=[unboundPVC], node=ZONE2, fail=True, unmodelled=MIGRATION),
    case(CM, "binding-node-pv-different-zones-migration-off",
         bindings=[(unboundPVC, migration_pv(unboundPVC, False))], provisions=[],
         pvs=[migration_pv(unboundPVC, False)], claims=[unboundPVC], node=ZONE2),
]


@pytest.mark.parametrize("c", CHECK_MIGRATION_CASES)
def test_check_bindings_with_csi_migration(c: dict[str, Any]) -> None:
    bound, failed = _check_bindings(c, c["node"])
    assert failed is c.get("fail", False)
    assert bound is c.get("bound", False)


NODE1_NO_LABELS = {"kind": "Node", "metadata": {"name": "node1", "labels": {}}}
NODE2 = {"kind": "Node", "metadata": {"name": "node2", "labels": {NODE_KEY: "node2"}}}


def _bind_claim(api: FakeAPI, claim: dict[str, Any], pv_name: str) -> None:
    """The PV controller's part in the delay functions: the claim fully bound to the volume."""
    stored = copy.deepcopy(api.try_get("persistentvolumeclaims", claim["metadata"]["name"], "testns"))
    stored["spec"]["volumeName"] = pv_name
    stored["metadata"].setdefault("annotations", {})["pv.kubernetes.io/bind-completed"] = "yes"
    api.update(stored)


def _provision(api: FakeAPI, claim: dict[str, Any]) -> None:
    stored = api.try_get("persistentvolumeclaims", claim["metadata"]["name"], "testns")
    api.add(make_pv("dynamic-pv", "node1", "1G", "1", stored, WAIT))
    _bind_claim(api, claim, "dynamic-pv")


def _delete(api: FakeAPI, resource: str, name: str, ns: str = "testns") -> None:
    del api.objects[(resource, ns, name)]


BP = "TestBindPodVolumes"
BIND_POD_CASES = [
    case(BP, "nothing-to-bind-nil", fail=True, unreachable=NIL),
    case(BP, "nothing-to-bind-empty"),
    case(BP, "already-bound", binding=(unboundPVC, pvNode1aBound), pvs=[pvNode1aBound], claims=[boundPVCNode1a]),
    case(BP, "binding-static-pv-succeeds-after-time", pvs=[pvNode1a], claims=[unboundPVC],
         binding=(unboundPVC, pvNode1aBound), delay=lambda api: _bind_claim(api, unboundPVC, "pv-node1a")),
    case(BP, "binding-dynamic-pv-succeeds-after-time", provision=with_selected_node(provisionedPVC),
         claims=[provisionedPVC], delay=lambda api: _provision(api, provisionedPVC)),
    case(BP, "bound-by-pv-controller-before-bind", pvs=[pvNode1a], claims=[unboundPVC],
         binding=(unboundPVC, pvNode1aBound), api_pv=pvNode1aBound, api_pvc=boundPVCNode1a, fail=True),
    case(BP, "pod-deleted-after-time", binding=(unboundPVC, pvNode1aBound), pvs=[pvNode1a], claims=[unboundPVC],
         delay=lambda api: _delete(api, "pods", "test-pod"), fail=True),
    case(BP, "binding-times-out", binding=(unboundPVC, pvNode1aBound), pvs=[pvNode1a], claims=[unboundPVC],
         fail=True),
    case(BP, "binding-fails", binding=(unboundPVC2, pvNode1bBound), pvs=[pvNode1b], claims=[unboundPVC2], fail=True),
    case(BP, "check-fails", binding=(unboundPVC, pvNode1aBound), pvs=[pvNode1a], claims=[unboundPVC],
         delay=lambda api: _delete(api, "persistentvolumeclaims", "unbound-pvc"), fail=True),
    case(BP, "node-affinity-fails", binding=(unboundPVC, pvNode1aBound), pvs=[pvNode1aBound],
         claims=[boundPVCNode1a], nodes=[NODE1_NO_LABELS], fail=True),
    case(BP, "node-affinity-fails-dynamic-provisioning", pvs=[pvNode1a, pvNode2], claims=[selectedNodePVC],
         provision=selectedNodePVC, nodes=[NODE1, NODE2], delay=lambda api: _bind_claim(api, selectedNodePVC,
                                                                                        "pv-node2"), fail=True),
]


@pytest.mark.parametrize("c", BIND_POD_CASES)
def test_bind_pod_volumes(c: dict[str, Any]) -> None:
    """BindPodVolumes as VolumeBinding's PreBind runs it: the API updates, then a check each second of virtual
    time until the 10s bind timeout of newTestBinder; the delay function runs at 5s, as upstream's goroutine."""
    from types import SimpleNamespace

    from kspec.scheduler.framework import Code, CycleState
    from kspec.scheduler.nodeinfo import PodInfo
    from kspec.scheduler.plugins.volumebinder import PodVolumeClaims
    from kspec.scheduler.plugins.volumebinding import STATE_KEY, VolumeBinding, _State

    pod = make_pod()
    api = FakeAPI([*CLASSES, pod, *c.get("nodes", [NODE1]), *c.get("pvs", []), *c.get("claims", [])])
    clock = SimpleNamespace(now=0)
    plugin = VolumeBinding({"bindTimeoutSeconds": 10}, SimpleNamespace(api=api, cluster=SimpleNamespace(clock=clock)))
    volumes = PodVolumes([BindingInfo(copy.deepcopy(c["binding"][0]), copy.deepcopy(c["binding"][1]))]
                         if "binding" in c else [], [copy.deepcopy(c["provision"])] if "provision" in c else [])
    for b in volumes.static_bindings:  # assumeVolumes
        plugin.binder.pv_cache.assume(b.pv["metadata"]["name"], b.pv)
    for p in volumes.dynamic_provisions:
        plugin.binder.pvc_cache.assume(_pvc_key(p), p)
    for obj in (c.get("api_pv"), c.get("api_pvc")):
        if obj is not None:
            _api_update(api, obj)
    state = CycleState()
    state.write(STATE_KEY, _State(PodVolumeClaims(), {"node1": volumes}))
    pi = PodInfo(pod)
    status = plugin.pre_bind(state, pi, "node1")
    while status is not None and status.code == Code.WAIT and clock.now < 60_000:
        clock.now += 1000
        if clock.now == 5000 and c.get("delay"):
            c["delay"](api)
        status = plugin.pre_bind(state, pi, "node1")
    assert (status is not None) is c.get("fail", False), status
