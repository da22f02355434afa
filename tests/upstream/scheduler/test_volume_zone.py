"""VolumeZone: upstream's PreFilter/Filter tables and queueing hints."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler import framework as fwk
from kspec.scheduler.nodeinfo import PodInfo
from kspec.scheduler.plugins.volumezone import VolumeZone
from tests.upstream.cases import case
from tests.upstream.scheduler.st import SKIP, UNRESOLVABLE, as_tuple, node, pod, run
from tests.upstream.scheduler.volumes import (
    BETA_REGION,
    BETA_ZONE,
    REGION,
    ZONE,
    pod_with_claims,
    pv,
    pvc,
    storage_class,
)

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/volumezone/volume_zone_test.go"
ERR = "node(s) had no available volume zone"
CONFLICT = (UNRESOLVABLE, ERR)

SINGLE_OBJECTS = [
    pv("Vol_1", labels={BETA_ZONE: "us-west1-a"}),
    pv("Vol_2", labels={BETA_REGION: "us-west1", "uselessLabel": "none"}),
    pv("Vol_3", labels={BETA_REGION: "us-west1"}),
    pv("Vol_Stable_1", labels={ZONE: "us-west1-a"}),
    pv("Vol_Stable_2", labels={REGION: "us-west1", "uselessLabel": "none"}),
    pv("Vol_Stable_3", labels={ZONE: "us-west1-a", REGION: "us-west1-a"}),
    pvc("PVC_1", volume="Vol_1"), pvc("PVC_2", volume="Vol_2"), pvc("PVC_3", volume="Vol_3"),
    pvc("PVC_4", volume="Vol_not_exist"), pvc("PVC_Stable_1", volume="Vol_Stable_1"),
    pvc("PVC_Stable_2", volume="Vol_Stable_2"), pvc("PVC_Stable_3", volume="Vol_Stable_3"),
]
MULTI_OBJECTS = [
    pv("Vol_1", labels={BETA_ZONE: "us-west1-a"}),
    pv("Vol_2", labels={BETA_ZONE: "us-west1-b", "uselessLabel": "none"}),
    pv("Vol_3", labels={BETA_ZONE: "us-west1-c__us-west1-a"}),
    pv("Vol_Stable_1", labels={ZONE: "us-west1-a"}),
    pv("Vol_Stable_2", labels={ZONE: "us-west1-c__us-west1-a"}),
    pvc("PVC_1", volume="Vol_1"), pvc("PVC_2", volume="Vol_2"), pvc("PVC_3", volume="Vol_3"),
    pvc("PVC_4", volume="Vol_not_exist"), pvc("PVC_Stable_1", volume="Vol_Stable_1"),
    pvc("PVC_Stable_2", volume="Vol_Stable_2"),
]
BINDING_OBJECTS = [
    storage_class("Class_Immediate"), storage_class("Class_Wait", mode="WaitForFirstConsumer"),
    pv("Vol_1", labels={BETA_ZONE: "us-west1-a"}),
    pvc("PVC_1", volume="Vol_1"), pvc("PVC_NoSC", cls="Class_0"), pvc("PVC_EmptySC"),
    pvc("PVC_WaitSC", cls="Class_Wait"), pvc("PVC_ImmediateSC", cls="Class_Immediate"),
]
USELESS = {"uselessLabel": "none"}


def _c(func: str, name: str, objects: list[dict[str, Any]], claim: str | None, labels: dict[str, str],
       pre: Any = None, want: Any = None, **kw: Any) -> Any:
    p = pod_with_claims("pod_1", claim) if claim else pod("pod_1")
    return case(func, name, pod=p, nodes=[node("host1", labels=labels)], objects=objects, pre=pre, want=want, **kw)


S, M, B = "TestSingleZone", "TestMultiZone", "TestWithBinding"
CASES = [
    _c(S, "pod without volume", SINGLE_OBJECTS, None, {BETA_ZONE: "us-west1-a"}, pre=SKIP),
    _c(S, "node without labels", SINGLE_OBJECTS, "PVC_1", {}),
    _c(S, "beta zone label matched", SINGLE_OBJECTS, "PVC_1", {BETA_ZONE: "us-west1-a", **USELESS}),
    _c(S, "beta region label matched", SINGLE_OBJECTS, "PVC_2", {BETA_REGION: "us-west1", **USELESS}),
    _c(S, "beta region label doesn't match", SINGLE_OBJECTS, "PVC_2", {BETA_REGION: "no_us-west1", **USELESS},
       want=CONFLICT),
    _c(S, "beta zone label doesn't match", SINGLE_OBJECTS, "PVC_1", {BETA_ZONE: "no_us-west1-a", **USELESS},
       want=CONFLICT),
    _c(S, "zone label matched", SINGLE_OBJECTS, "PVC_Stable_1", {ZONE: "us-west1-a", **USELESS}),
    _c(S, "region label matched", SINGLE_OBJECTS, "PVC_Stable_2", {REGION: "us-west1", **USELESS}),
    _c(S, "region label doesn't match", SINGLE_OBJECTS, "PVC_Stable_2", {REGION: "no_us-west1", **USELESS},
       want=CONFLICT),
    _c(S, "zone label doesn't match", SINGLE_OBJECTS, "PVC_Stable_1", {ZONE: "no_us-west1-a", **USELESS},
       want=CONFLICT),
    _c(S, "pv with zone and region, node with only zone", SINGLE_OBJECTS, "PVC_Stable_3", {ZONE: "us-west1-a"},
       want=CONFLICT),
    _c(S, "pv with zone,node with beta zone", SINGLE_OBJECTS, "PVC_Stable_1", {BETA_ZONE: "us-west1-a"},
       want=CONFLICT),
    _c(S, "pv with beta label,node with ga label, matched", SINGLE_OBJECTS, "PVC_1", {ZONE: "us-west1-a"}),
    _c(S, "pv with beta label,node with ga label, don't match", SINGLE_OBJECTS, "PVC_1", {ZONE: "us-west1-b"},
       want=CONFLICT),
    _c(M, "node without labels", MULTI_OBJECTS, "PVC_3", {}),
    _c(M, "beta zone label matched", MULTI_OBJECTS, "PVC_3", {BETA_ZONE: "us-west1-a", **USELESS}),
    _c(M, "beta zone label doesn't match", MULTI_OBJECTS, "PVC_1", {BETA_ZONE: "us-west1-b", **USELESS},
       want=CONFLICT),
    _c(M, "zone label matched", MULTI_OBJECTS, "PVC_Stable_2", {ZONE: "us-west1-a", **USELESS}),
    _c(M, "zone label doesn't match", MULTI_OBJECTS, "PVC_Stable_1", {ZONE: "us-west1-b", **USELESS},
       want=CONFLICT),
    _c(B, "label zone failure domain matched", BINDING_OBJECTS, "PVC_1", {BETA_ZONE: "us-west1-a", **USELESS}),
    _c(B, "unbound volume empty storage class", BINDING_OBJECTS, "PVC_EmptySC",
       {BETA_ZONE: "us-west1-a", **USELESS},
       pre=(UNRESOLVABLE, "PersistentVolumeClaim had no pv name and storageClass name"),
       want=(UNRESOLVABLE, "PersistentVolumeClaim had no pv name and storageClass name")),
    # the fake StorageClassLister says "storageclasses.storage.k8s.io"; the informer's lister, which kspec's
    # wording follows, names the resource in the singular: the adapter compares with that wording
    _c(B, "unbound volume no storage class", BINDING_OBJECTS, "PVC_NoSC", {BETA_ZONE: "us-west1-a", **USELESS},
       pre=(UNRESOLVABLE, 'storageclasses.storage.k8s.io "Class_0" not found'),
       want=(UNRESOLVABLE, 'storageclasses.storage.k8s.io "Class_0" not found')),
    _c(B, "unbound volume immediate binding mode", BINDING_OBJECTS, "PVC_ImmediateSC",
       {BETA_ZONE: "us-west1-a", **USELESS},
       pre=(UNRESOLVABLE, 'VolumeBindingMode not set for StorageClass "Class_Immediate"'),
       want=(UNRESOLVABLE, 'VolumeBindingMode not set for StorageClass "Class_Immediate"')),
    _c(B, "unbound volume wait binding mode", BINDING_OBJECTS, "PVC_WaitSC", {BETA_ZONE: "us-west1-a", **USELESS},
       pre=SKIP),
]


def _lister_wording(status: Any) -> Any:
    if status is None or status == SKIP:
        return status
    return tuple(s.replace("storageclasses.storage.k8s.io", "storageclass.storage.k8s.io") for s in status)


@pytest.mark.parametrize("c", CASES)
def test_volume_zone(c: dict[str, Any]) -> None:
    result = run("VolumeZone", c, points=("PreFilter", "Filter"))
    assert as_tuple(result.pre_filter) == _lister_wording(c["pre"])
    assert as_tuple(result.filter["host1"]) == _lister_wording(c["want"])


def _hint(event: str, claim: str | None, old: Any, new: Any) -> bool:
    p = pod_with_claims("pod_1", claim) if claim else pod("pod_1")
    p["metadata"]["namespace"] = "default"
    return VolumeZone(None, None).queueing_hint(event, PodInfo(p), old, new)


WRONG = "kspec's informers hand the queue objects of the watched kind only; there is no wrong object to reject"
P = "TestIsSchedulableAfterPersistentVolumeClaimAdded"
PVC_HINTS = [
    case(P, "error-wrong-new-object", claim="PVC_1", old=None, new="not-a-pvc", want=True, unreachable=WRONG),
    case(P, "pvc-was-added-but-pod-refers-no-pvc", claim=None, old=None, new=pvc("PVC_1", volume="Vol_1"),
         want=False),
    case(P, "pvc-was-added-and-pod-was-bound-to-different-pvc", claim="PVC_2", old=None,
         new=pvc("PVC_1", volume="Vol_1"), want=False),
    case(P, "pvc-was-added-and-pod-was-bound-to-pvc-but-different-ns", claim="PVC_1", old=None,
         new=pvc("PVC_1", ns="ns1", volume="Vol_1"), want=False),
    case(P, "pvc-was-added-and-pod-was-bound-to-the-pvc", claim="PVC_1", old=None,
         new=pvc("PVC_1", volume="Vol_1"), want=True),
    case(P, "pvc-was-updated-and-pod-was-bound-to-the-pvc", claim="PVC_1", old=pvc("PVC_1"),
         new=pvc("PVC_1", volume="Vol_1"), want=True),
    case(P, "pvc-was-updated-but-pod-refers-no-pvc", claim=None, old=pvc("PVC_1"),
         new=pvc("PVC_1", volume="Vol_1"), want=False),
]


@pytest.mark.parametrize("c", PVC_HINTS)
def test_is_schedulable_after_pvc_change(c: dict[str, Any]) -> None:
    event = fwk.PVC_ADD if c["old"] is None else fwk.PVC_UPDATE
    assert _hint(event, c["claim"], c["old"], c["new"]) is c["want"]


SC = "TestIsSchedulableAfterStorageClassAdded"
SC_HINTS = [
    case(SC, "error-wrong-new-object", new="not-a-storageclass", want=True, unreachable=WRONG),
    case(SC, "sc-doesn't-have-volume-binding-mode", new=storage_class("SC_1"), want=False),
    case(SC, "new-sc-is-wait-for-first-consumer-mode", new=storage_class("SC_1", mode="WaitForFirstConsumer"),
         want=True),
]


@pytest.mark.parametrize("c", SC_HINTS)
def test_is_schedulable_after_storage_class_added(c: dict[str, Any]) -> None:
    assert _hint(fwk.STORAGE_CLASS_ADD, "PVC_1", None, c["new"]) is c["want"]


PVH = "TestIsSchedulableAfterPersistentVolumeChange"
PV_HINTS = [
    case(PVH, "error-wrong-new-object", old=None, new="not-a-pv", want=True),
    case(PVH, "error-wrong-old-object", old="not-a-pv", new=pv("Vol_1"), want=True, unreachable=WRONG),
    case(PVH, "new-pv-was-added", old=None, new=pv("Vol_1", labels={BETA_ZONE: "us-west1-b"}), want=True),
    case(PVH, "pv-was-updated-and-changed-topology", old=pv("Vol_1", labels={BETA_ZONE: "us-west1-a"}),
         new=pv("Vol_1", labels={BETA_ZONE: "us-west1-b"}), want=True),
    case(PVH, "pv-was-updated-and-added-topology-label", old=pv("Vol_1", labels={BETA_ZONE: "us-west1-a"}),
         new=pv("Vol_1", labels={BETA_ZONE: "us-west1-a", ZONE: "zone"}), want=True),
    case(PVH, "pv-was-updated-but-no-topology-is-changed",
         old=pv("Vol_1", labels={BETA_ZONE: "us-west1-a", ZONE: "zone"}),
         new=pv("Vol_1", labels={BETA_ZONE: "us-west1-a", ZONE: "zone"}), want=False),
]


@pytest.mark.parametrize("c", PV_HINTS)
def test_is_schedulable_after_pv_change(c: dict[str, Any]) -> None:
    event = fwk.PV_ADD if c["old"] is None else fwk.PV_UPDATE
    assert _hint(event, "PVC_1", c["old"], c["new"]) is c["want"]
