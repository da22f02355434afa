"""kubernetes pkg/controller/volume/persistentvolume/binder_test.go TestSync, TestSyncBlockVolume: one syncClaim or
syncVolume call on initial volumes and claims, then the volumes, claims and first events compared with the expected
ones; TestMultiSync: syncs repeated until nothing changes.

The adapter plays framework_test.go's part: newVolume/newClaim build the objects (GCE PD volumes of RWO+ROX in
namespace "default"), they go straight into the store (no admission), one PersistentVolumeController that was never
started gets the single call, and the comparison covers what the controller writes: phases, claimRefs, volumeName,
the binding annotations, a bound claim's status capacity and access modes. As upstream's checkEvents, only the
first len(expected) events are compared, by prefix "Type Reason".
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.cluster import Cluster
from kspec.controllers.persistentvolume import (
    ANN_BIND_COMPLETED,
    ANN_BOUND_BY_CONTROLLER,
    PersistentVolumeController,
)
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/volume/persistentvolume/binder_test.go"

NS = "default"  # framework_test.go testNamespace
EMPTY, GOLD, SILVER, WAIT = "", "gold", "silver", "wait"
BOUND_BY, COMPLETED = ANN_BOUND_BY_CONTROLLER, ANN_BIND_COMPLETED
LABELS = {"foo": "true", "bar": "false"}
RETAIN = "Retain"


def dns(name: str) -> str:
    """The fake client takes "volume1-4_1"; an API server wants a DNS subdomain: "_" becomes "-"."""
    return name.replace("_", "-")


def vol(name: str, size: str, uid: str, claim: str, phase: str, policy: str = RETAIN, cls: str = EMPTY,
        *anns: str, labels: dict | None = None, mode: str = "Filesystem") -> dict[str, Any]:
    """newVolume (and withVolumeVolumeMode)."""
    name, claim = dns(name), dns(claim)
    spec: dict[str, Any] = {"capacity": {"storage": size}, "gcePersistentDisk": {"pdName": name},
                            "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                            "persistentVolumeReclaimPolicy": policy, "storageClassName": cls,
                            "volumeMode": mode}
    if claim:
        spec["claimRef"] = {"kind": "PersistentVolumeClaim", "apiVersion": "v1", "uid": uid, "namespace": NS,
                            "name": claim}
    md: dict[str, Any] = {"name": name}
    if anns:
        md["annotations"] = {a: "yes" for a in anns}
    if labels:
        md["labels"] = dict(labels)
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": md, "spec": spec,
            "status": {"phase": phase} if phase else {}}


def claim(name: str, uid: str, size: str, volume: str, phase: str, cls: str | None = None, *anns: str,
          capacity: str | None = None, selector: dict | None = None, modes: list[str] | None = None,
          mode: str = "Filesystem") -> dict:
    """newClaim (and withExpectedCapacity, withLabelSelector, claimWithAccessMode, withClaimVolumeMode)."""
    name, volume = dns(name), dns(volume)
    spec: dict[str, Any] = {"accessModes": modes or ["ReadWriteOnce", "ReadOnlyMany"],
                            "resources": {"requests": {"storage": size}}, "volumeMode": mode}
    if volume:
        spec["volumeName"] = volume
    if cls is not None:
        spec["storageClassName"] = cls
    if selector:
        spec["selector"] = {"matchLabels": dict(selector)}
    md: dict[str, Any] = {"name": name, "namespace": NS, "uid": uid}
    if anns:
        md["annotations"] = {a: "yes" for a in anns}
    status: dict[str, Any] = {"phase": phase}
    if phase == "Bound":
        status["accessModes"] = list(spec["accessModes"])
        status["capacity"] = {"storage": capacity or size}
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": md, "spec": spec, "status": status}


def sync(name: str, volumes: list, want_volumes: list, claims: list, want_claims: list, events: list[str],
         test: str, func: str = "TestSync", **marks: str) -> Any:
    return case(func, name, volumes=volumes, want_volumes=want_volumes, claims=claims, want_claims=want_claims,
                events=events, test=test, **marks)


CASES = [
    # [Unit test set 1] User did not care which PV they get.
    sync("1-1 - successful bind",
         [vol("volume1-1", "1Gi", "", "", "Available")],
         [vol("volume1-1", "1Gi", "uid1-1", "claim1-1", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim1-1", "uid1-1", "1Gi", "", "Pending")],
         [claim("claim1-1", "uid1-1", "1Gi", "volume1-1", "Bound", None, BOUND_BY, COMPLETED)], [], "claim"),
    sync("1-2 - noop",
         [vol("volume1-2", "1Gi", "", "", "Available")], [vol("volume1-2", "1Gi", "", "", "Available")],
         [claim("claim1-2", "uid1-2", "10Gi", "", "Pending")], [claim("claim1-2", "uid1-2", "10Gi", "", "Pending")],
         ["Normal FailedBinding"], "claim"),
    sync("1-3 - reset to Pending",
         [vol("volume1-3", "1Gi", "", "", "Available")], [vol("volume1-3", "1Gi", "", "", "Available")],
         [claim("claim1-3", "uid1-3", "10Gi", "", "Bound")], [claim("claim1-3", "uid1-3", "10Gi", "", "Pending")],
         ["Normal FailedBinding"], "claim"),
    sync("1-4 - smallest volume",
         [vol("volume1-4_1", "10Gi", "", "", "Available"), vol("volume1-4_2", "1Gi", "", "", "Available")],
         [vol("volume1-4_1", "10Gi", "", "", "Available"),
          vol("volume1-4_2", "1Gi", "uid1-4", "claim1-4", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim1-4", "uid1-4", "1Gi", "", "Pending")],
         [claim("claim1-4", "uid1-4", "1Gi", "volume1-4_2", "Bound", None, BOUND_BY, COMPLETED)], [], "claim"),
    sync("1-5 - prebound volume by name - success",
         [vol("volume1-5_1", "10Gi", "", "claim1-5", "Available"), vol("volume1-5_2", "1Gi", "", "", "Available")],
         [vol("volume1-5_1", "10Gi", "uid1-5", "claim1-5", "Bound"), vol("volume1-5_2", "1Gi", "", "", "Available")],
         [claim("claim1-5", "uid1-5", "1Gi", "", "Pending")],
         [claim("claim1-5", "uid1-5", "1Gi", "volume1-5_1", "Bound", None, BOUND_BY, COMPLETED, capacity="10Gi")],
         [], "claim"),
    sync("1-6 - prebound volume by UID - success",
         [vol("volume1-6_1", "10Gi", "uid1-6", "claim1-6", "Available"),
          vol("volume1-6_2", "1Gi", "", "", "Available")],
         [vol("volume1-6_1", "10Gi", "uid1-6", "claim1-6", "Bound"), vol("volume1-6_2", "1Gi", "", "", "Available")],
         [claim("claim1-6", "uid1-6", "1Gi", "", "Pending")],
         [claim("claim1-6", "uid1-6", "1Gi", "volume1-6_1", "Bound", None, BOUND_BY, COMPLETED, capacity="10Gi")],
         [], "claim"),
    sync("1-7 - prebound volume to different claim",
         [vol("volume1-7", "10Gi", "uid1-777", "claim1-7", "Available")],
         [vol("volume1-7", "10Gi", "uid1-777", "claim1-7", "Available")],
         [claim("claim1-7", "uid1-7", "1Gi", "", "Pending")], [claim("claim1-7", "uid1-7", "1Gi", "", "Pending")],
         ["Normal FailedBinding"], "claim"),
    sync("1-8 - complete bind after crash - PV bound",
         [vol("volume1-8", "1Gi", "uid1-8", "claim1-8", "Available", RETAIN, EMPTY, BOUND_BY)],
         [vol("volume1-8", "1Gi", "uid1-8", "claim1-8", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim1-8", "uid1-8", "1Gi", "", "Pending")],
         [claim("claim1-8", "uid1-8", "1Gi", "volume1-8", "Bound", None, BOUND_BY, COMPLETED)], [], "claim"),
    sync("1-9 - complete bind after crash - PV status saved",
         [vol("volume1-9", "1Gi", "uid1-9", "claim1-9", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [vol("volume1-9", "1Gi", "uid1-9", "claim1-9", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim1-9", "uid1-9", "1Gi", "", "Pending")],
         [claim("claim1-9", "uid1-9", "1Gi", "volume1-9", "Bound", None, BOUND_BY, COMPLETED)], [], "claim"),
    sync("1-10 - complete bind after crash - PVC bound",
         [vol("volume1-10", "1Gi", "uid1-10", "claim1-10", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [vol("volume1-10", "1Gi", "uid1-10", "claim1-10", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim1-10", "uid1-10", "1Gi", "volume1-10", "Pending", None, BOUND_BY, COMPLETED)],
         [claim("claim1-10", "uid1-10", "1Gi", "volume1-10", "Bound", None, BOUND_BY, COMPLETED)], [], "claim"),
    sync("1-11 - bind when selector matches",
         [vol("volume1-1", "1Gi", "", "", "Available", labels=LABELS)],
         [vol("volume1-1", "1Gi", "uid1-1", "claim1-1", "Bound", RETAIN, EMPTY, BOUND_BY, labels=LABELS)],
         [claim("claim1-1", "uid1-1", "1Gi", "", "Pending", selector=LABELS)],
         [claim("claim1-1", "uid1-1", "1Gi", "volume1-1", "Bound", None, BOUND_BY, COMPLETED, selector=LABELS)],
         [], "claim"),
    sync("1-12 - do not bind when selector does not match",
         [vol("volume1-1", "1Gi", "", "", "Available")], [vol("volume1-1", "1Gi", "", "", "Available")],
         [claim("claim1-1", "uid1-1", "1Gi", "", "Pending", selector=LABELS)],
         [claim("claim1-1", "uid1-1", "1Gi", "", "Pending", selector=LABELS)], ["Normal FailedBinding"], "claim"),
    sync("1-13 - delayed binding",
         [vol("volume1-1", "1Gi", "", "", "Available", RETAIN, WAIT)],
         [vol("volume1-1", "1Gi", "", "", "Available", RETAIN, WAIT)],
         [claim("claim1-1", "uid1-1", "1Gi", "", "Pending", WAIT)],
         [claim("claim1-1", "uid1-1", "1Gi", "", "Pending", WAIT)], ["Normal WaitForFirstConsumer"], "claim"),
    sync("1-14 - successful prebound PV",
         [vol("volume1-1", "1Gi", "", "claim1-1", "Available", RETAIN, WAIT)],
         [vol("volume1-1", "1Gi", "uid1-1", "claim1-1", "Bound", RETAIN, WAIT)],
         [claim("claim1-1", "uid1-1", "1Gi", "", "Pending", WAIT)],
         [claim("claim1-1", "uid1-1", "1Gi", "volume1-1", "Bound", WAIT, BOUND_BY, COMPLETED)], [], "claim"),
    sync("1-15 - successful prebound PVC",
         [vol("volume1-15_1", "10Gi", "", "", "Available"), vol("volume1-15_2", "1Gi", "", "", "Available")],
         [vol("volume1-15_1", "10Gi", "uid1-15", "claim1-15", "Bound", RETAIN, EMPTY, BOUND_BY),
          vol("volume1-15_2", "1Gi", "", "", "Available")],
         [claim("claim1-15", "uid1-15", "1Gi", "volume1-15_1", "Pending")],
         [claim("claim1-15", "uid1-15", "1Gi", "volume1-15_1", "Bound", None, COMPLETED, capacity="10Gi")],
         [], "claim"),
    sync("1-16 - successful prebound PVC",
         [vol("volume1-16", "1Gi", "", "", "Available")], [vol("volume1-16", "1Gi", "", "", "Available")],
         [claim("claim1-16", "uid1-16", "1Gi", "volume1-16", "Pending", modes=["ReadWriteMany"])],
         [claim("claim1-16", "uid1-16", "1Gi", "volume1-16", "Pending", modes=["ReadWriteMany"])], [], "claim"),
    sync("1-17 - skip non-available PV if it's not pre-bind",
         [vol("volume1-17-pending", "1Gi", "", "", "Pending"), vol("volume1-17-failed", "1Gi", "", "", "Failed"),
          vol("volume1-17-released", "1Gi", "", "", "Released"), vol("volume1-17-empty", "1Gi", "", "", "")],
         [vol("volume1-17-pending", "1Gi", "", "", "Pending"), vol("volume1-17-failed", "1Gi", "", "", "Failed"),
          vol("volume1-17-released", "1Gi", "", "", "Released"), vol("volume1-17-empty", "1Gi", "", "", "")],
         [claim("claim1-17", "uid1-17", "1Gi", "", "Pending")], [claim("claim1-17", "uid1-17", "1Gi", "", "Pending")],
         [], "claim"),
    sync("1-18 - successful pre-bound PV to PVC provisioning",
         [vol("volume1-18", "1Gi", "uid1-18", "claim1-18", "Available", RETAIN, WAIT)],
         [vol("volume1-18", "1Gi", "uid1-18", "claim1-18", "Bound", RETAIN, WAIT)],
         [claim("claim1-18", "uid1-18", "1Gi", "", "Pending", WAIT, "volume.kubernetes.io/selected-node")],
         [claim("claim1-18", "uid1-18", "1Gi", "volume1-18", "Bound", WAIT, "volume.kubernetes.io/selected-node",
                BOUND_BY, COMPLETED)], [], "claim"),
    # [Unit test set 2] User asked for a specific PV.
    sync("2-1 - claim prebound to non-existing volume - noop", [], [],
         [claim("claim2-1", "uid2-1", "10Gi", "volume2-1", "Pending")],
         [claim("claim2-1", "uid2-1", "10Gi", "volume2-1", "Pending")], [], "claim"),
    sync("2-2 - claim prebound to non-existing volume - reset status", [], [],
         [claim("claim2-2", "uid2-2", "10Gi", "volume2-2", "Bound")],
         [claim("claim2-2", "uid2-2", "10Gi", "volume2-2", "Pending")], [], "claim"),
    sync("2-3 - claim prebound to unbound volume",
         [vol("volume2-3", "1Gi", "", "", "Available")],
         [vol("volume2-3", "1Gi", "uid2-3", "claim2-3", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim2-3", "uid2-3", "1Gi", "volume2-3", "Pending")],
         [claim("claim2-3", "uid2-3", "1Gi", "volume2-3", "Bound", None, COMPLETED)], [], "claim"),
    sync("2-4 - claim prebound to prebound volume by name",
         [vol("volume2-4", "1Gi", "", "claim2-4", "Available")],
         [vol("volume2-4", "1Gi", "uid2-4", "claim2-4", "Bound")],
         [claim("claim2-4", "uid2-4", "1Gi", "volume2-4", "Pending")],
         [claim("claim2-4", "uid2-4", "1Gi", "volume2-4", "Bound", None, COMPLETED)], [], "claim"),
    sync("2-5 - claim prebound to prebound volume by UID",
         [vol("volume2-5", "1Gi", "uid2-5", "claim2-5", "Available")],
         [vol("volume2-5", "1Gi", "uid2-5", "claim2-5", "Bound")],
         [claim("claim2-5", "uid2-5", "1Gi", "volume2-5", "Pending")],
         [claim("claim2-5", "uid2-5", "1Gi", "volume2-5", "Bound", None, COMPLETED)], [], "claim"),
    sync("2-6 - claim prebound to already bound volume",
         [vol("volume2-6", "1Gi", "uid2-6_1", "claim2-6_1", "Bound")],
         [vol("volume2-6", "1Gi", "uid2-6_1", "claim2-6_1", "Bound")],
         [claim("claim2-6", "uid2-6", "1Gi", "volume2-6", "Bound")],
         [claim("claim2-6", "uid2-6", "1Gi", "volume2-6", "Pending")], [], "claim"),
    sync("2-7 - claim bound by controller to already bound volume",
         [vol("volume2-7", "1Gi", "uid2-7_1", "claim2-7_1", "Bound")],
         [vol("volume2-7", "1Gi", "uid2-7_1", "claim2-7_1", "Bound")],
         [claim("claim2-7", "uid2-7", "1Gi", "volume2-7", "Bound", None, BOUND_BY)],
         [claim("claim2-7", "uid2-7", "1Gi", "volume2-7", "Bound", None, BOUND_BY)], [], "claim-error"),
    sync("2-8 - claim prebound to unbound volume that does not match the selector",
         [vol("volume2-8", "1Gi", "", "", "Available")],
         [vol("volume2-8", "1Gi", "uid2-8", "claim2-8", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim2-8", "uid2-8", "1Gi", "volume2-8", "Pending", selector=LABELS)],
         [claim("claim2-8", "uid2-8", "1Gi", "volume2-8", "Bound", None, COMPLETED, selector=LABELS)], [], "claim"),
    sync("2-9 - claim prebound to unbound volume that size is smaller than requested",
         [vol("volume2-9", "1Gi", "", "", "Available")], [vol("volume2-9", "1Gi", "", "", "Available")],
         [claim("claim2-9", "uid2-9", "2Gi", "volume2-9", "Bound")],
         [claim("claim2-9", "uid2-9", "2Gi", "volume2-9", "Pending")], ["Warning VolumeMismatch"], "claim"),
    sync("2-10 - claim prebound to unbound volume that class is different",
         [vol("volume2-10", "1Gi", "1", "", "Available", RETAIN, GOLD)],
         [vol("volume2-10", "1Gi", "", "", "Available", RETAIN, GOLD)],
         [claim("claim2-10", "uid2-10", "1Gi", "volume2-10", "Bound")],
         [claim("claim2-10", "uid2-10", "1Gi", "volume2-10", "Pending")], ["Warning VolumeMismatch"], "claim"),
    # [Unit test set 3] Syncing bound claim
    sync("3-1 - bound claim with missing VolumeName", [], [],
         [claim("claim3-1", "uid3-1", "10Gi", "", "Bound", None, BOUND_BY, COMPLETED)],
         [claim("claim3-1", "uid3-1", "10Gi", "", "Lost", None, BOUND_BY, COMPLETED)], ["Warning ClaimLost"], "claim"),
    sync("3-2 - bound claim with missing volume", [], [],
         [claim("claim3-2", "uid3-2", "10Gi", "volume3-2", "Bound", None, BOUND_BY, COMPLETED)],
         [claim("claim3-2", "uid3-2", "10Gi", "volume3-2", "Lost", None, BOUND_BY, COMPLETED)],
         ["Warning ClaimLost"], "claim"),
    sync("3-3 - bound claim with unbound volume",
         [vol("volume3-3", "10Gi", "", "", "Available")],
         [vol("volume3-3", "10Gi", "uid3-3", "claim3-3", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim3-3", "uid3-3", "10Gi", "volume3-3", "Pending", None, BOUND_BY, COMPLETED)],
         [claim("claim3-3", "uid3-3", "10Gi", "volume3-3", "Bound", None, BOUND_BY, COMPLETED)], [], "claim"),
    sync("3-4 - bound claim with prebound volume",
         [vol("volume3-4", "10Gi", "claim3-4-x", "claim3-4", "Available")],
         [vol("volume3-4", "10Gi", "claim3-4-x", "claim3-4", "Available")],
         [claim("claim3-4", "uid3-4", "10Gi", "volume3-4", "Pending", None, BOUND_BY, COMPLETED)],
         [claim("claim3-4", "uid3-4", "10Gi", "volume3-4", "Lost", None, BOUND_BY, COMPLETED)],
         ["Warning ClaimMisbound"], "claim"),
    sync("3-5 - bound claim with bound volume",
         [vol("volume3-5", "10Gi", "uid3-5", "claim3-5", "Available")],
         [vol("volume3-5", "10Gi", "uid3-5", "claim3-5", "Bound")],
         [claim("claim3-5", "uid3-5", "10Gi", "volume3-5", "Pending", None, COMPLETED)],
         [claim("claim3-5", "uid3-5", "10Gi", "volume3-5", "Bound", None, COMPLETED)], [], "claim"),
    sync("3-6 - bound claim with bound volume",
         [vol("volume3-6", "10Gi", "uid3-6-x", "claim3-6-x", "Available")],
         [vol("volume3-6", "10Gi", "uid3-6-x", "claim3-6-x", "Available")],
         [claim("claim3-6", "uid3-6", "10Gi", "volume3-6", "Pending", None, COMPLETED)],
         [claim("claim3-6", "uid3-6", "10Gi", "volume3-6", "Lost", None, COMPLETED)], ["Warning ClaimMisbound"],
         "claim"),
    sync("3-7 - bound claim with unbound volume where selector doesn't match",
         [vol("volume3-3", "10Gi", "", "", "Available")],
         [vol("volume3-3", "10Gi", "uid3-3", "claim3-3", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim3-3", "uid3-3", "10Gi", "volume3-3", "Pending", None, BOUND_BY, COMPLETED, selector=LABELS)],
         [claim("claim3-3", "uid3-3", "10Gi", "volume3-3", "Bound", None, BOUND_BY, COMPLETED, selector=LABELS)],
         [], "claim"),
    # [Unit test set 4] All syncVolume tests.
    sync("4-1 - pending volume", [vol("volume4-1", "10Gi", "", "", "Available")],
         [vol("volume4-1", "10Gi", "", "", "Available")], [], [], [], "volume"),
    sync("4-2 - pending prebound volume", [vol("volume4-2", "10Gi", "", "claim4-2", "Available")],
         [vol("volume4-2", "10Gi", "", "claim4-2", "Available")], [], [], [], "volume"),
    sync("4-3 - bound volume with missing claim", [vol("volume4-3", "10Gi", "uid4-3", "claim4-3", "Bound")],
         [vol("volume4-3", "10Gi", "uid4-3", "claim4-3", "Released")], [], [], [], "volume"),
    sync("4-4 - volume bound to claim with different UID",
         [vol("volume4-4", "10Gi", "uid4-4", "claim4-4", "Bound")],
         [vol("volume4-4", "10Gi", "uid4-4", "claim4-4", "Released")],
         [claim("claim4-4", "uid4-4-x", "10Gi", "volume4-4", "Bound", None, COMPLETED)],
         [claim("claim4-4", "uid4-4-x", "10Gi", "volume4-4", "Bound", None, COMPLETED)], [], "volume"),
    sync("4-5 - volume bound by controller to unbound claim",
         [vol("volume4-5", "10Gi", "uid4-5", "claim4-5", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [vol("volume4-5", "10Gi", "uid4-5", "claim4-5", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim4-5", "uid4-5", "10Gi", "", "Pending")], [claim("claim4-5", "uid4-5", "10Gi", "", "Pending")],
         [], "volume"),
    sync("4-5 - volume bound by user to bound claim",
         [vol("volume4-5", "10Gi", "uid4-5", "claim4-5", "Bound")],
         [vol("volume4-5", "10Gi", "uid4-5", "claim4-5", "Bound")],
         [claim("claim4-5", "uid4-5", "10Gi", "", "Pending")], [claim("claim4-5", "uid4-5", "10Gi", "", "Pending")],
         [], "volume"),
    sync("4-6 - volume bound by to bound claim",
         [vol("volume4-6", "10Gi", "uid4-6", "claim4-6", "Available")],
         [vol("volume4-6", "10Gi", "uid4-6", "claim4-6", "Bound")],
         [claim("claim4-6", "uid4-6", "10Gi", "volume4-6", "Bound")],
         [claim("claim4-6", "uid4-6", "10Gi", "volume4-6", "Bound")], [], "volume"),
    sync("4-7 - volume bound by controller to claim bound somewhere else",
         [vol("volume4-7", "10Gi", "uid4-7", "claim4-7", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [vol("volume4-7", "10Gi", "", "", "Available")],
         [claim("claim4-7", "uid4-7", "10Gi", "volume4-7-x", "Bound")],
         [claim("claim4-7", "uid4-7", "10Gi", "volume4-7-x", "Bound")], [], "volume"),
    sync("4-8 - volume bound by user to claim bound somewhere else",
         [vol("volume4-8", "10Gi", "uid4-8", "claim4-8", "Bound")],
         [vol("volume4-8", "10Gi", "", "claim4-8", "Available")],
         [claim("claim4-8", "uid4-8", "10Gi", "volume4-8-x", "Bound")],
         [claim("claim4-8", "uid4-8", "10Gi", "volume4-8-x", "Bound")], [], "volume"),
    # PVC with class
    sync("13-1 - binding to class",
         [vol("volume13-1-1", "1Gi", "", "", "Available"),
          vol("volume13-1-2", "10Gi", "", "", "Available", RETAIN, GOLD)],
         [vol("volume13-1-1", "1Gi", "", "", "Available"),
          vol("volume13-1-2", "10Gi", "uid13-1", "claim13-1", "Bound", RETAIN, GOLD, BOUND_BY)],
         [claim("claim13-1", "uid13-1", "1Gi", "", "Pending", GOLD)],
         [claim("claim13-1", "uid13-1", "1Gi", "volume13-1-2", "Bound", GOLD, BOUND_BY, COMPLETED, capacity="10Gi")],
         [], "claim"),
    sync("13-2 - binding without a class",
         [vol("volume13-2-1", "1Gi", "", "", "Available", RETAIN, GOLD),
          vol("volume13-2-2", "10Gi", "", "", "Available")],
         [vol("volume13-2-1", "1Gi", "", "", "Available", RETAIN, GOLD),
          vol("volume13-2-2", "10Gi", "uid13-2", "claim13-2", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim13-2", "uid13-2", "1Gi", "", "Pending")],
         [claim("claim13-2", "uid13-2", "1Gi", "volume13-2-2", "Bound", None, BOUND_BY, COMPLETED, capacity="10Gi")],
         [], "claim"),
    sync("13-3 - binding to specific a class",
         [vol("volume13-3-1", "1Gi", "", "", "Available", RETAIN, SILVER),
          vol("volume13-3-2", "10Gi", "", "", "Available", RETAIN, GOLD)],
         [vol("volume13-3-1", "1Gi", "", "", "Available", RETAIN, SILVER),
          vol("volume13-3-2", "10Gi", "uid13-3", "claim13-3", "Bound", RETAIN, GOLD, BOUND_BY)],
         [claim("claim13-3", "uid13-3", "1Gi", "", "Pending", GOLD)],
         [claim("claim13-3", "uid13-3", "1Gi", "volume13-3-2", "Bound", GOLD, BOUND_BY, COMPLETED, capacity="10Gi")],
         [], "claim"),
    sync("13-4 - empty class",
         [vol("volume13-4", "1Gi", "", "", "Available")],
         [vol("volume13-4", "1Gi", "uid13-4", "claim13-4", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim13-4", "uid13-4", "1Gi", "", "Pending", EMPTY)],
         [claim("claim13-4", "uid13-4", "1Gi", "volume13-4", "Bound", EMPTY, BOUND_BY, COMPLETED)], [], "claim"),
    sync("13-5 - nil class",
         [vol("volume13-5", "1Gi", "", "", "Available")],
         [vol("volume13-5", "1Gi", "uid13-5", "claim13-5", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim13-5", "uid13-5", "1Gi", "", "Pending")],
         [claim("claim13-5", "uid13-5", "1Gi", "volume13-5", "Bound", None, BOUND_BY, COMPLETED)], [], "claim"),
]

B, F = "Block", "Filesystem"


def block(name: str, volumes: list, want_volumes: list, claims: list, want_claims: list, events: list[str],
          test: str) -> Any:
    return sync(name, volumes, want_volumes, claims, want_claims, events, test, func="TestSyncBlockVolume")


CASES += [
    block("14-1 - binding to volumeMode block",
          [vol("volume14-1", "10Gi", "", "", "Available", mode=B)],
          [vol("volume14-1", "10Gi", "uid14-1", "claim14-1", "Bound", RETAIN, EMPTY, BOUND_BY, mode=B)],
          [claim("claim14-1", "uid14-1", "10Gi", "", "Pending", mode=B)],
          [claim("claim14-1", "uid14-1", "10Gi", "volume14-1", "Bound", None, BOUND_BY, COMPLETED, mode=B)],
          [], "claim"),
    block("14-2 - binding to volumeMode filesystem",
          [vol("volume14-2", "10Gi", "", "", "Available", mode=F)],
          [vol("volume14-2", "10Gi", "uid14-2", "claim14-2", "Bound", RETAIN, EMPTY, BOUND_BY, mode=F)],
          [claim("claim14-2", "uid14-2", "10Gi", "", "Pending", mode=F)],
          [claim("claim14-2", "uid14-2", "10Gi", "volume14-2", "Bound", None, BOUND_BY, COMPLETED, mode=F)],
          [], "claim"),
    block("14-3 - do not bind pv volumeMode filesystem and pvc volumeMode block",
          [vol("volume14-3", "10Gi", "", "", "Available", mode=F)],
          [vol("volume14-3", "10Gi", "", "", "Available", mode=F)],
          [claim("claim14-3", "uid14-3", "10Gi", "", "Pending", mode=B)],
          [claim("claim14-3", "uid14-3", "10Gi", "", "Pending", mode=B)], ["Normal FailedBinding"], "claim"),
    block("14-4 - do not bind pv volumeMode block and pvc volumeMode filesystem",
          [vol("volume14-4", "10Gi", "", "", "Available", mode=B)],
          [vol("volume14-4", "10Gi", "", "", "Available", mode=B)],
          [claim("claim14-4", "uid14-4", "10Gi", "", "Pending", mode=F)],
          [claim("claim14-4", "uid14-4", "10Gi", "", "Pending", mode=F)], ["Normal FailedBinding"], "claim"),
    block("14-5 - do not bind when matching class but not volumeMode",
          [vol("volume14-5", "10Gi", "", "", "Available", RETAIN, GOLD, mode=F)],
          [vol("volume14-5", "10Gi", "", "", "Available", RETAIN, GOLD, mode=F)],
          [claim("claim14-5", "uid14-5", "10Gi", "", "Pending", GOLD, mode=B)],
          [claim("claim14-5", "uid14-5", "10Gi", "", "Pending", GOLD, mode=B)], ["Warning ProvisioningFailed"],
          "claim"),
    block("14-5-1 - do not bind when matching volumeModes but class does not match",
          [vol("volume14-5-1", "10Gi", "", "", "Available", RETAIN, GOLD, mode=F)],
          [vol("volume14-5-1", "10Gi", "", "", "Available", RETAIN, GOLD, mode=F)],
          [claim("claim14-5-1", "uid14-5-1", "10Gi", "", "Pending", SILVER, mode=F)],
          [claim("claim14-5-1", "uid14-5-1", "10Gi", "", "Pending", SILVER, mode=F)], ["Warning ProvisioningFailed"],
          "claim"),
    block("14-5-2 - do not bind when pvc is prebound to pv with matching volumeModes but class does not match",
          [vol("volume14-5-2", "10Gi", "", "", "Available", RETAIN, GOLD, mode=F)],
          [vol("volume14-5-2", "10Gi", "", "", "Available", RETAIN, GOLD, mode=F)],
          [claim("claim14-5-2", "uid14-5-2", "10Gi", "volume14-5-2", "Pending", SILVER, mode=F)],
          [claim("claim14-5-2", "uid14-5-2", "10Gi", "volume14-5-2", "Pending", SILVER, mode=F)],
          ["Warning VolumeMismatch"], "claim"),
    block("14-7 - bind when pv volume is prebound and volumeModes match",
          [vol("volume14-7", "10Gi", "", "claim14-7", "Available", mode=B)],
          [vol("volume14-7", "10Gi", "uid14-7", "claim14-7", "Bound", mode=B)],
          [claim("claim14-7", "uid14-7", "10Gi", "", "Pending", mode=B)],
          [claim("claim14-7", "uid14-7", "10Gi", "volume14-7", "Bound", None, BOUND_BY, COMPLETED, mode=B)],
          [], "claim"),
    block("14-8 - do not bind when pvc is prebound to pv with mismatching volumeModes",
          [vol("volume14-8", "10Gi", "", "", "Available", mode=B)],
          [vol("volume14-8", "10Gi", "", "", "Available", mode=B)],
          [claim("claim14-8", "uid14-8", "10Gi", "volume14-8", "Pending", mode=F)],
          [claim("claim14-8", "uid14-8", "10Gi", "volume14-8", "Pending", mode=F)], ["Warning VolumeMismatch"],
          "claim"),
    block("14-8-1 - do not bind when pvc is prebound to pv with mismatching volumeModes",
          [vol("volume14-8-1", "10Gi", "", "claim14-8-1", "Available", mode=B)],
          [vol("volume14-8-1", "10Gi", "", "claim14-8-1", "Available", mode=B)],
          [claim("claim14-8-1", "uid14-8-1", "10Gi", "", "Pending", mode=F)],
          [claim("claim14-8-1", "uid14-8-1", "10Gi", "", "Pending", mode=F)], ["Normal FailedBinding"], "claim"),
    block("14-9 - bind when pvc is prebound to pv with matching volumeModes block",
          [vol("volume14-9", "10Gi", "", "", "Available", mode=B)],
          [vol("volume14-9", "10Gi", "uid14-9", "claim14-9", "Bound", RETAIN, EMPTY, BOUND_BY, mode=B)],
          [claim("claim14-9", "uid14-9", "10Gi", "volume14-9", "Pending", mode=B)],
          [claim("claim14-9", "uid14-9", "10Gi", "volume14-9", "Bound", None, COMPLETED, mode=B)], [], "claim"),
    block("14-10 - bind when pv is prebound to pvc with matching volumeModes block",
          [vol("volume14-10", "10Gi", "", "claim14-10", "Available", mode=B)],
          [vol("volume14-10", "10Gi", "uid14-10", "claim14-10", "Bound", mode=B)],
          [claim("claim14-10", "uid14-10", "10Gi", "", "Pending", mode=B)],
          [claim("claim14-10", "uid14-10", "10Gi", "volume14-10", "Bound", None, BOUND_BY, COMPLETED, mode=B)],
          [], "claim"),
    block("14-11 - bind when pvc is prebound to pv with matching volumeModes filesystem",
          [vol("volume14-11", "10Gi", "", "", "Available", mode=F)],
          [vol("volume14-11", "10Gi", "uid14-11", "claim14-11", "Bound", RETAIN, EMPTY, BOUND_BY, mode=F)],
          [claim("claim14-11", "uid14-11", "10Gi", "volume14-11", "Pending", mode=F)],
          [claim("claim14-11", "uid14-11", "10Gi", "volume14-11", "Bound", None, COMPLETED, mode=F)], [], "claim"),
    block("14-12 - bind when pv is prebound to pvc with matching volumeModes filesystem",
          [vol("volume14-12", "10Gi", "", "claim14-12", "Available", mode=F)],
          [vol("volume14-12", "10Gi", "uid14-12", "claim14-12", "Bound", mode=F)],
          [claim("claim14-12", "uid14-12", "10Gi", "", "Pending", mode=F)],
          [claim("claim14-12", "uid14-12", "10Gi", "volume14-12", "Bound", None, BOUND_BY, COMPLETED, mode=F)],
          [], "claim"),
    block("14-13 - output warning when pv is prebound to pvc with different volumeModes",
          [vol("volume14-13", "10Gi", "uid14-13", "claim14-13", "Available", RETAIN, EMPTY, BOUND_BY, mode=F)],
          [vol("volume14-13", "10Gi", "uid14-13", "claim14-13", "Available", RETAIN, EMPTY, BOUND_BY, mode=F)],
          [claim("claim14-13", "uid14-13", "10Gi", "", "Pending", mode=B)],
          [claim("claim14-13", "uid14-13", "10Gi", "", "Pending", mode=B)], ["Warning VolumeMismatch"], "volume"),
    block("14-13-1 - output warning when pv is prebound to pvc with different volumeModes",
          [vol("volume14-13-1", "10Gi", "uid14-13-1", "claim14-13-1", "Available", RETAIN, EMPTY, BOUND_BY, mode=B)],
          [vol("volume14-13-1", "10Gi", "uid14-13-1", "claim14-13-1", "Available", RETAIN, EMPTY, BOUND_BY, mode=B)],
          [claim("claim14-13-1", "uid14-13-1", "10Gi", "", "Pending", mode=F)],
          [claim("claim14-13-1", "uid14-13-1", "10Gi", "", "Pending", mode=F)], ["Warning VolumeMismatch"], "volume"),
    block("14-14 - wait for synClaim without warning when pv is prebound to pvc with matching volumeModes block",
          [vol("volume14-14", "10Gi", "uid14-14", "claim14-14", "Available", RETAIN, EMPTY, BOUND_BY, mode=B)],
          [vol("volume14-14", "10Gi", "uid14-14", "claim14-14", "Available", RETAIN, EMPTY, BOUND_BY, mode=B)],
          [claim("claim14-14", "uid14-14", "10Gi", "", "Pending", mode=B)],
          [claim("claim14-14", "uid14-14", "10Gi", "", "Pending", mode=B)], [], "volume"),
    block("14-14-1 - wait for synClaim without warning when pv is prebound to pvc with matching volumeModes file",
          [vol("volume14-14-1", "10Gi", "uid14-14-1", "claim14-14-1", "Available", RETAIN, EMPTY, BOUND_BY, mode=F)],
          [vol("volume14-14-1", "10Gi", "uid14-14-1", "claim14-14-1", "Available", RETAIN, EMPTY, BOUND_BY, mode=F)],
          [claim("claim14-14-1", "uid14-14-1", "10Gi", "", "Pending", mode=F)],
          [claim("claim14-14-1", "uid14-14-1", "10Gi", "", "Pending", mode=F)], [], "volume"),
    # TestMultiSync: syncs repeated (changed objects, then a periodic sync of everything) until nothing changes
    sync("10-1 - successful bind",
         [vol("volume10-1", "1Gi", "", "", "Pending")],
         [vol("volume10-1", "1Gi", "uid10-1", "claim10-1", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [claim("claim10-1", "uid10-1", "1Gi", "", "Pending")],
         [claim("claim10-1", "uid10-1", "1Gi", "volume10-1", "Bound", None, BOUND_BY, COMPLETED)], [], "multi",
         func="TestMultiSync"),
    sync("10-2 - bind PV race",
         [vol("volume10-2-1", "1Gi", "uid10-2", "claim10-2", "Bound", RETAIN, EMPTY, BOUND_BY),
          vol("volume10-2-2", "1Gi", "uid10-2", "claim10-2", "Bound", RETAIN, EMPTY, BOUND_BY)],
         [vol("volume10-2-1", "1Gi", "uid10-2", "claim10-2", "Bound", RETAIN, EMPTY, BOUND_BY),
          vol("volume10-2-2", "1Gi", "", "", "Available")],
         [claim("claim10-2", "uid10-2", "1Gi", "volume10-2-1", "Bound", None, BOUND_BY, COMPLETED)],
         [claim("claim10-2", "uid10-2", "1Gi", "volume10-2-1", "Bound", None, BOUND_BY, COMPLETED)], [], "multi",
         func="TestMultiSync"),
]

_VOLUME_ANNS = (ANN_BOUND_BY_CONTROLLER,)
_CLAIM_ANNS = (ANN_BOUND_BY_CONTROLLER, ANN_BIND_COMPLETED, "volume.kubernetes.io/selected-node")


def _volume_view(pv: dict) -> tuple:
    spec, anns = pv.get("spec") or {}, pv["metadata"].get("annotations") or {}
    ref = spec.get("claimRef")
    return (pv["metadata"]["name"], spec["capacity"]["storage"],
            (ref.get("uid", ""), ref.get("name", "")) if ref else None, (pv.get("status") or {}).get("phase", ""),
            spec.get("persistentVolumeReclaimPolicy"), spec.get("storageClassName") or "",
            sorted(a for a in anns if a in _VOLUME_ANNS))


def _claim_view(c: dict) -> tuple:
    spec, status, anns = c.get("spec") or {}, c.get("status") or {}, c["metadata"].get("annotations") or {}
    return (c["metadata"]["name"], c["metadata"].get("uid"), spec["resources"]["requests"]["storage"],
            spec.get("volumeName") or "", status.get("phase"), spec.get("storageClassName"),
            sorted(a for a in anns if a in _CLAIM_ANNS), (status.get("capacity") or {}).get("storage"),
            status.get("accessModes"))


def _versions(store: Any) -> list[tuple[str, str]]:
    return sorted((o["metadata"]["name"], o["metadata"].get("resourceVersion", ""))
                  for r in ("persistentvolumes", "persistentvolumeclaims") for o in store.list(r))


@pytest.mark.parametrize("data", CASES)
def test_sync(data: dict) -> None:
    cluster = Cluster(nodes=1, seed=0)  # never started: only the controller under test acts
    store = cluster.api.store
    # runSyncTests' class: "wait" binds on the first consumer
    store.create("storageclasses", {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                                    "metadata": {"name": WAIT}, "provisioner": "kubernetes.io/no-provisioner",
                                    "volumeBindingMode": "WaitForFirstConsumer"})
    for pv in data["volumes"]:
        store.create("persistentvolumes", pv)
    for c in data["claims"]:
        store.create("persistentvolumeclaims", c)
    ctrl = PersistentVolumeController(cluster)
    before = len(cluster.events.log)
    if data["test"] == "multi":  # runMultisyncTests: until a full pass of syncs changes nothing
        for _ in range(50):
            before_rvs = _versions(store)
            for c in store.list("persistentvolumeclaims"):
                ctrl.sync_claim(c)
            for pv in store.list("persistentvolumes"):
                ctrl.sync_volume(pv)
            if _versions(store) == before_rvs:
                break
    elif data["test"].startswith("claim"):
        c = data["claims"][0]
        failed = ctrl.sync_claim(store.get("persistentvolumeclaims", NS, c["metadata"]["name"]))
        assert bool(failed) is (data["test"] == "claim-error")
    else:
        ctrl.sync_volume(store.get("persistentvolumes", "", data["volumes"][0]["metadata"]["name"]))
    got_volumes = sorted(_volume_view(v) for v in store.list("persistentvolumes"))
    assert got_volumes == sorted(_volume_view(v) for v in data["want_volumes"])
    got_claims = sorted(_claim_view(c) for c in store.list("persistentvolumeclaims"))
    assert got_claims == sorted(_claim_view(c) for c in data["want_claims"])
    events = [f"{e.type} {e.reason}" for e in cluster.events.log[before:]]
    assert events[:len(data["events"])] == data["events"]  # checkEvents reads only as many as it expects
