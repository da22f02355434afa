"""kubernetes pkg/controller/volume/persistentvolume/index_test.go: findBestMatchForClaim, FindMatchingVolume and
their helpers, against kspec/controllers/persistentvolume.py (one adapter: volumes and claims as API dicts)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.controllers.persistentvolume import (
    check_volume_satisfies_claim,
    find_best_match,
    find_matching_volume,
    mode_groups,
    volume_mode_mismatch,
)
from kspec.quantity import parse_quantity
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/volume/persistentvolume/index_test.go"

RWO, ROX, RWX = "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"
SILVER, GOLD, LARGE, WAIT = "silver", "gold", "large", "wait"  # framework_test.go classSilver, ... classWait
GATE_GA = "the feature gate is GA and locked on: the gate-disabled behaviour cannot be reached"


def pvc(size: str, *, modes: tuple[str, ...] = (ROX, RWO), cls: str | None = None, name: str = "claim01",
        selector: dict | None = None, mode: str | None = "Filesystem") -> dict[str, Any]:
    """makePVC / makeVolumeModePVC."""
    spec: dict[str, Any] = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    if mode is not None:
        spec["volumeMode"] = mode
    if cls is not None:
        spec["storageClassName"] = cls
    if selector is not None:
        spec["selector"] = {"matchLabels": selector}
    return {"metadata": {"name": name, "namespace": "myns"}, "spec": spec}


def pv(uid: str, name: str, size: str, modes: tuple[str, ...], *, cls: str = "", labels: dict | None = None,
       claim_ref: dict | None = None, phase: str | None = "Available", affinity: str | None = None,
       mode: str | None = "Filesystem", deleting: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {"capacity": {"storage": size}, "accessModes": list(modes), "storageClassName": cls}
    if mode is not None:
        spec["volumeMode"] = mode
    if claim_ref is not None:
        spec["claimRef"] = claim_ref
    if affinity is not None:  # pvutil.GetVolumeNodeAffinity("key1", value)
        spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "key1", "operator": "In", "values": [affinity]}]}]}}
    md: dict[str, Any] = {"uid": uid, "name": name, "labels": labels or {}}
    if deleting:
        md["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {"metadata": md, "spec": spec, "status": {"phase": phase} if phase else {}}


def created_volumes() -> list[dict[str, Any]]:
    """createTestVolumes, deliberately out of order."""
    return [
        pv("gce-pd-10", "gce003", "10G", (RWO, ROX)),
        pv("gce-pd-20", "gce004", "20G", (RWO, ROX), claim_ref={"uid": "def456"}, phase="Bound"),
        pv("nfs-5", "nfs002", "5G", (RWO, ROX, RWX)),
        pv("gce-pd-1", "gce001", "1G", (RWO, ROX), claim_ref={"uid": "abc123"}, phase="Bound"),
        pv("nfs-10", "nfs003", "10G", (RWO, ROX, RWX)),
        pv("gce-pd-5", "gce002", "5G", (RWO, ROX)),
        pv("nfs-1", "nfs001", "1G", (RWO, ROX, RWX)),
        pv("gce-pd-2", "gce0022", "20000G", (RWO,), labels={"should-exist": "true"}),
        pv("gce-pd-silver1", "gce0023", "10000G", (RWO,), labels={"should-exist": "true"}, cls=SILVER),
        pv("gce-pd-silver2", "gce0024", "100G", (RWO,), cls=SILVER),
        pv("gce-pd-gold", "gce0025", "50G", (RWO,), cls=GOLD),
        pv("local-pd-very-large", "local001", "200E", (RWO, ROX, RWX), cls=LARGE),
        pv("local-pd-extremely-large", "local002", "800E", (RWO, ROX, RWX), cls=LARGE),
        pv("affinity-pv", "affinity001", "100G", (RWO, ROX), cls=WAIT, affinity="value1"),
        pv("affinity-pv2", "affinity002", "150G", (RWO, ROX), cls=WAIT, affinity="value1"),
        pv("affinity-prebound", "affinity003", "100G", (RWO, ROX), cls=WAIT, affinity="value1",
           claim_ref={"name": "claim02", "namespace": "myns"}),
        pv("affinity-pv3", "affinity003", "200G", (RWO, ROX), cls=WAIT, affinity="value3"),
        pv("affinity-pv4-pending", "affinity004-pending", "200G", (RWO, ROX), cls=WAIT, affinity="value4",
           phase="Pending"),
        pv("affinity-pv4-failed", "affinity004-failed", "200G", (RWO, ROX), cls=WAIT, affinity="value4",
           phase="Failed"),
        pv("affinity-pv4-released", "affinity004-released", "200G", (RWO, ROX), cls=WAIT, affinity="value4",
           phase="Released"),
        pv("affinity-pv4-empty", "affinity004-empty", "200G", (RWO, ROX), cls=WAIT, affinity="value4", phase=None),
    ]


def uid(volume: dict | None) -> str:
    return volume["metadata"]["uid"] if volume else ""


# -- TestMatchVolume ---------------------------------------------------------------------------------------------
MATCH = [
    case("TestMatchVolume", "successful-match-gce-10", want="gce-pd-10", claim=pvc("8G")),
    case("TestMatchVolume", "successful-match-nfs-5", want="nfs-5", claim=pvc("5G", modes=(ROX, RWO, RWX))),
    case("TestMatchVolume", "successful-skip-1g-bound-volume", want="gce-pd-5", claim=pvc("1G")),
    case("TestMatchVolume", "successful-no-match", want="", claim=pvc("999G")),
    case("TestMatchVolume", "successful-no-match-due-to-label", want="",
         claim=pvc("999G", selector={"should-not-exist": "true"})),
    case("TestMatchVolume", "successful-no-match-due-to-size-constraint-with-label-selector", want="",
         claim=pvc("20000G", selector={"should-exist": "true"}, modes=(ROX, RWO))),
    case("TestMatchVolume", "successful-match-due-with-constraint-and-label-selector", want="gce-pd-2",
         claim=pvc("20000G", selector={"should-exist": "true"}, modes=(RWO,))),
    case("TestMatchVolume", "successful-match-with-class", want="gce-pd-silver1",
         claim=pvc("1G", selector={"should-exist": "true"}, modes=(RWO,), cls=SILVER)),
    case("TestMatchVolume", "successful-match-with-class-and-labels", want="gce-pd-silver2",
         claim=pvc("1G", modes=(RWO,), cls=SILVER)),
    case("TestMatchVolume", "successful-match-very-large", want="local-pd-very-large",
         claim=pvc("1E", modes=(RWO,), cls=LARGE)),
    case("TestMatchVolume", "successful-match-exact-extremely-large", want="local-pd-extremely-large",
         claim=pvc("800E", modes=(RWO,), cls=LARGE)),
    case("TestMatchVolume", "successful-no-match-way-too-large", want="", claim=pvc("950E", modes=(RWO,), cls=LARGE)),
]


@pytest.mark.parametrize("data", MATCH)
def test_match_volume(data: dict) -> None:
    assert uid(find_best_match(data["claim"], created_volumes())) == data["want"]


@pytest.mark.parametrize("data", [case("TestMatchingWithBoundVolumes", "")])
def test_matching_with_bound_volumes(data: dict) -> None:
    volumes = [pv("gce-pd-1", "gce001", "1G", (RWO, ROX), claim_ref={"uid": "abc123"}, phase="Bound"),
               pv("gce-pd-2", "gce002", "1G", (RWO, ROX))]
    assert find_best_match(pvc("1G"), volumes)["metadata"]["name"] == "gce002"


@pytest.mark.parametrize("data", [case("TestListByAccessModes", "")])
def test_list_by_access_modes(data: dict) -> None:
    def listed(modes: tuple[str, ...]) -> list[str]:  # listByAccessModes, then sort.Sort(byCapacity)
        members = [v for v in created_volumes() if frozenset(v["spec"]["accessModes"]) == frozenset(modes)]
        return [uid(v) for v in sorted(members, key=lambda v: parse_quantity(v["spec"]["capacity"]["storage"]))]
    assert listed((RWO, ROX))[:3] == ["gce-pd-1", "gce-pd-5", "gce-pd-10"]
    assert listed((RWO, ROX, RWX))[:5] == ["nfs-1", "nfs-5", "nfs-10", "local-pd-very-large",
                                           "local-pd-extremely-large"]


@pytest.mark.parametrize("data", [case("TestAllPossibleAccessModes", "")])
def test_all_possible_access_modes(data: dict) -> None:
    groups = mode_groups(created_volumes(), [RWO])
    assert len(groups) == 3 and all(RWO in g for g in groups)
    groups = mode_groups(created_volumes(), [RWX])
    assert len(groups) == 1 and RWX in groups[0]


@pytest.mark.parametrize("data", [case("TestFindingVolumeWithDifferentAccessModes", "")])
def test_finding_volume_with_different_access_modes(data: dict) -> None:
    gce = pv("001", "gce", "10G", (RWO, ROX))
    ebs = pv("002", "ebs", "10G", (RWO,))
    nfs = pv("003", "nfs", "10G", (RWO, ROX, RWX))
    volumes = [gce, ebs, nfs]

    def best(*modes: str) -> str:
        return find_best_match(pvc("1G", modes=modes), volumes)["metadata"]["name"]
    assert best(RWO) == "ebs"
    assert best(RWO, ROX) == "gce"
    assert best(RWX, RWO, ROX) == "nfs"  # the order of the requested modes does not matter
    assert best(RWX) == "nfs"  # fewer modes requested still match
    ebs["spec"]["claimRef"] = {}  # the exact match is bound: the next level up of modes
    assert best(RWO) == "gce"
    gce["spec"]["claimRef"] = {}
    assert best(RWO) == "nfs"
    del gce["spec"]["claimRef"]  # partial mode request
    assert best(ROX) == "gce"


# -- TestVolumeModeCheck, TestFilteringVolumeModes -----------------------------------------------------------------
def block_pv() -> dict:
    return pv("local-1", "block", "10G", (RWO,), mode="Block")


def fs_pv() -> dict:
    return pv("local-1", "block", "10G", (RWO,), mode="Filesystem")


def nil_pv() -> dict:
    return pv("local-1", "nil-mode", "10G", (RWO,), mode=None)


def mode_pvc(mode: str | None) -> dict:
    return pvc("8G", modes=(RWO,), mode=mode)


MODE_CHECK = [
    case("TestVolumeModeCheck", "feature enabled - pvc block and pv filesystem", mismatch=True, vol=fs_pv(),
         claim=mode_pvc("Block")),
    case("TestVolumeModeCheck", "feature enabled - pvc filesystem and pv block", mismatch=True, vol=block_pv(),
         claim=mode_pvc("Filesystem")),
    case("TestVolumeModeCheck", "feature enabled - pvc block and pv block", mismatch=False, vol=block_pv(),
         claim=mode_pvc("Block")),
    case("TestVolumeModeCheck", "feature enabled - pvc filesystem and pv filesystem", mismatch=False, vol=fs_pv(),
         claim=mode_pvc("Filesystem")),
    case("TestVolumeModeCheck", "feature enabled - pvc filesystem and pv nil", mismatch=False, vol=nil_pv(),
         claim=mode_pvc("Filesystem")),
    case("TestVolumeModeCheck", "feature enabled - pvc nil and pv filesystem", mismatch=False, vol=fs_pv(),
         claim=mode_pvc(None)),
    case("TestVolumeModeCheck", "feature enabled - pvc nil and pv nil", mismatch=False, vol=nil_pv(),
         claim=mode_pvc(None)),
    case("TestVolumeModeCheck", "feature enabled - pvc nil and pv block", mismatch=True, vol=block_pv(),
         claim=mode_pvc(None)),
    case("TestVolumeModeCheck", "feature enabled - pvc block and pv nil", mismatch=True, vol=nil_pv(),
         claim=mode_pvc("Block")),
    case("TestVolumeModeCheck", "feature disabled - pvc block and pv filesystem", mismatch=True, vol=fs_pv(),
         claim=mode_pvc("Block")),
    case("TestVolumeModeCheck", "feature disabled - pvc filesystem and pv block", mismatch=True, vol=block_pv(),
         claim=mode_pvc("Filesystem")),
    case("TestVolumeModeCheck", "feature disabled - pvc block and pv block", mismatch=True, vol=block_pv(),
         claim=mode_pvc("Block"), unreachable=GATE_GA + " (BlockVolume)"),
    case("TestVolumeModeCheck", "feature disabled - pvc filesystem and pv filesystem", mismatch=False, vol=fs_pv(),
         claim=mode_pvc("Filesystem")),
]


@pytest.mark.parametrize("data", MODE_CHECK)
def test_volume_mode_check(data: dict) -> None:
    assert volume_mode_mismatch(data["claim"], data["vol"]) is data["mismatch"]


FILTERING = [
    case("TestFilteringVolumeModes", "1-1 feature enabled - pvc block and pv filesystem", match=False, vol=fs_pv(),
         claim=mode_pvc("Block")),
    case("TestFilteringVolumeModes", "1-2 feature enabled - pvc filesystem and pv block", match=False, vol=block_pv(),
         claim=mode_pvc("Filesystem")),
    case("TestFilteringVolumeModes", "1-3 feature enabled - pvc block and pv no mode with default filesystem",
         match=False, vol=fs_pv(), claim=mode_pvc("Block")),
    case("TestFilteringVolumeModes", "1-4 feature enabled - pvc no mode defaulted to filesystem and pv block",
         match=False, vol=block_pv(), claim=mode_pvc("Filesystem")),
    case("TestFilteringVolumeModes", "1-5 feature enabled - pvc block and pv block", match=True, vol=block_pv(),
         claim=mode_pvc("Block")),
    case("TestFilteringVolumeModes", "1-6 feature enabled - pvc filesystem and pv filesystem", match=True,
         vol=fs_pv(), claim=mode_pvc("Filesystem")),
    case("TestFilteringVolumeModes",
         "1-7 feature enabled - pvc mode is nil and defaulted and pv mode is nil and defaulted", match=True,
         vol=fs_pv(), claim=mode_pvc("Filesystem")),
    case("TestFilteringVolumeModes", "2-1 feature disabled - pvc mode is nil and pv mode is nil", match=True,
         vol=pv("", "nomode-1", "8G", (RWO,)), claim=mode_pvc(None)),
    case("TestFilteringVolumeModes", "2-2 feature disabled - pvc mode is block and pv mode is block - fields should "
         "be dropped by api and not analyzed with gate disabled", match=False, vol=block_pv(),
         claim=mode_pvc("Block"), unreachable=GATE_GA + " (BlockVolume)"),
    case("TestFilteringVolumeModes", "2-3 feature disabled - pvc mode is filesystem and pv mode is filesystem - "
         "fields should be dropped by api and not analyzed with gate disabled", match=True, vol=fs_pv(),
         claim=mode_pvc("Filesystem")),
]


@pytest.mark.parametrize("data", FILTERING)
def test_filtering_volume_modes(data: dict) -> None:
    assert (find_best_match(data["claim"], [data["vol"]]) is not None) is data["match"]


# -- TestStorageObjectInUseProtectionFiltering ---------------------------------------------------------------------
PROTECTED = pv("", "pv1", "1G", (RWO,))
DELETING = pv("", "pv1", "1G", (RWO,), deleting=True)
PROTECTION = [
    case("TestStorageObjectInUseProtectionFiltering", f"{kind} {name}", match=match, vol=vol, kind=kind,
         **({"unreachable": GATE_GA + " (StorageObjectInUseProtection)"} if "disabled" in name and vol is DELETING
            else {}))
    for kind in ("satisfying", "filtering")
    for name, match, vol in (("feature enabled - pv deletionTimeStamp not set", True, PROTECTED),
                             ("feature enabled - pv deletionTimeStamp set", False, DELETING),
                             ("feature disabled - pv deletionTimeStamp not set", True, PROTECTED),
                             ("feature disabled - pv deletionTimeStamp set", True, DELETING))
]


@pytest.mark.parametrize("data", PROTECTION)
def test_storage_object_in_use_protection_filtering(data: dict) -> None:
    claim = pvc("1G", modes=(RWO,), name="pvc1")
    if data["kind"] == "satisfying":  # checkVolumeSatisfyClaim: an error message, or None
        assert (check_volume_satisfies_claim(data["vol"], claim) is None) is data["match"]
    else:
        assert (find_best_match(claim, [data["vol"]]) is not None) is data["match"]


@pytest.mark.parametrize("data", [case("TestFindingPreboundVolumes", "")])
def test_finding_prebound_volumes(data: dict) -> None:
    claim = pvc("1Gi", modes=(RWO,))
    claim["metadata"]["uid"] = "claim-uid"
    ref = {"kind": "PersistentVolumeClaim", "namespace": "myns", "name": "claim01", "uid": "claim-uid"}
    vols = {n: pv("", n, size, (RWO,)) for n, size in
            (("pv1", "1Gi"), ("pv5", "5Gi"), ("pv8", "8Gi"), ("pvBadSize", "1Mi"), ("pvBadMode", "1Gi"))}
    vols["pvBadMode"]["spec"]["accessModes"] = [ROX]

    def best() -> str:
        return find_best_match(claim, list(vols.values()))["metadata"]["name"]
    assert best() == "pv1"  # the exact match on size
    vols["pv1"]["spec"]["claimRef"] = {"name": "foo", "namespace": "bar"}
    assert best() == "pv5"  # the exact match is pre-bound elsewhere: the next size up
    del vols["pv1"]["spec"]["claimRef"]
    vols["pv8"]["spec"]["claimRef"] = copy.deepcopy(ref)
    assert best() == "pv8"  # the largest is pre-bound to the claim
    del vols["pv8"]["spec"]["claimRef"]
    vols["pvBadSize"]["spec"]["claimRef"] = copy.deepcopy(ref)
    assert best() == "pv1"  # pre-bound but too small
    del vols["pvBadSize"]["spec"]["claimRef"]
    vols["pvBadMode"]["spec"]["claimRef"] = copy.deepcopy(ref)
    assert best() == "pv1"  # pre-bound without the right access mode


@pytest.mark.parametrize("data", [case("TestBestMatchDelayed", "")])
def test_best_match_delayed(data: dict) -> None:
    assert find_best_match(pvc("8G"), created_volumes(), delay_binding=True) is None


def node(value: str) -> dict:
    return {"metadata": {"name": "", "labels": {"key1": value}}}


WITH_NODE = [
    case("TestFindMatchVolumeWithNode", "success-match", want="affinity-pv", claim=pvc("100G", modes=(RWO,), cls=WAIT),
         node=node("value1")),
    case("TestFindMatchVolumeWithNode", "success-prebound", want="affinity-prebound",
         claim=pvc("100G", modes=(RWO,), cls=WAIT, name="claim02"), node=node("value1")),
    case("TestFindMatchVolumeWithNode", "success-exclusion", want="affinity-pv2",
         claim=pvc("100G", modes=(RWO,), cls=WAIT), node=node("value1"), excluded={"affinity001"}),
    case("TestFindMatchVolumeWithNode", "fail-exclusion", want="", claim=pvc("100G", modes=(RWO,), cls=WAIT),
         node=node("value1"), excluded={"affinity001", "affinity002"}),
    case("TestFindMatchVolumeWithNode", "fail-accessmode", want="", claim=pvc("100G", modes=(RWX,), cls=WAIT),
         node=node("value1")),
    case("TestFindMatchVolumeWithNode", "fail-nodeaffinity", want="", claim=pvc("100G", modes=(RWO,), cls=WAIT),
         node=node("value2")),
    case("TestFindMatchVolumeWithNode", "fail-prebound-node-affinity", want="",
         claim=pvc("100G", modes=(RWO,), cls=WAIT, name="claim02"), node=node("value3")),
    case("TestFindMatchVolumeWithNode", "fail-nonavaiable", want="",
         claim=pvc("100G", modes=(RWO,), cls=WAIT, name="claim04"), node=node("value4")),
    case("TestFindMatchVolumeWithNode", "success-bad-and-good-node-affinity", want="affinity-pv3",
         claim=pvc("100G", modes=(RWO,), cls=WAIT, name="claim03"), node=node("value3")),
]


@pytest.mark.parametrize("data", WITH_NODE)
def test_find_match_volume_with_node(data: dict) -> None:
    found = find_matching_volume(data["claim"], created_volumes(), data["node"], frozenset(data.get("excluded", ())),
                                 delay_binding=True)
    assert uid(found) == data["want"]


ACCESS = [
    case("TestCheckAccessModes", "success-single-mode", ok=True, modes=(RWX,)),
    case("TestCheckAccessModes", "success-many-modes", ok=True, modes=(RWX, RWO)),
    case("TestCheckAccessModes", "fail-single-mode", ok=False, modes=(ROX,)),
    case("TestCheckAccessModes", "fail-many-modes", ok=False, modes=(RWX, ROX)),
]


@pytest.mark.parametrize("data", ACCESS)
def test_check_access_modes(data: dict) -> None:
    volume = pv("", "v", "100G", (RWO, RWX))
    # CheckAccessModes is what a node-path match checks: a volume offering the modes matches, else none does
    found = find_matching_volume(pvc("100G", modes=data["modes"]), [volume], node("any"))
    assert (found is not None) is data["ok"]
