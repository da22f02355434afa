"""The PersistentVolumeClaim quota evaluator: upstream's TestPersistentVolumeClaimEvaluatorMatchingScopes,
TestPersistentVolumeClaimEvaluatorUsage and TestPersistentVolumeClaimEvaluatorMatchingResources
(pkg/quota/v1/evaluator/core/persistent_volume_claims_test.go), on ``kspec/api/quota.py``."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.api import quota
from kspec.quantity import parse_quantity
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/quota/v1/evaluator/core/persistent_volume_claims_test.go"

PVCS = quota.evaluator_for("persistentvolumeclaims", "")


def vac(op: str, *values: str) -> dict[str, Any]:
    out: dict[str, Any] = {"scopeName": "VolumeAttributesClass", "operator": op}
    if values:
        out["values"] = list(values)
    return out


M = "TestPersistentVolumeClaimEvaluatorMatchingScopes"
SCOPES = [
    case(M, "EmptyPVC", claim={},
         selectors=[vac("DoesNotExist"), vac("Exists"), vac("In", "class1"), vac("NotIn", "class4")],
         want=[vac("DoesNotExist"), vac("NotIn", "class4")]),
    case(M, "VolumeAttributesClass", claim={"spec": {"volumeAttributesClassName": "class1"}},
         selectors=[vac("DoesNotExist"), vac("Exists"), vac("In", "class1"), vac("In", "class4"),
                    vac("NotIn", "class4")],
         want=[vac("Exists"), vac("In", "class1"), vac("NotIn", "class4")]),
    case(M, "VolumeAttributesClassWithTarget",
         claim={"spec": {"volumeAttributesClassName": "class1"},
                "status": {"currentVolumeAttributesClassName": "class2"}},
         selectors=[vac("DoesNotExist"), vac("Exists"), vac("In", "class1"), vac("In", "class2"),
                    vac("In", "class1", "class2"), vac("In", "class1", "class2", "class4"), vac("In", "class4"),
                    vac("NotIn", "class4")],
         want=[vac("Exists"), vac("In", "class1"), vac("In", "class2"), vac("In", "class1", "class2"),
               vac("In", "class1", "class2", "class4"), vac("NotIn", "class4")]),
    case(M, "VolumeAttributesClassWithModityStatus",
         claim={"spec": {"volumeAttributesClassName": "class1"},
                "status": {"currentVolumeAttributesClassName": "class2",
                           "modifyVolumeStatus": {"targetVolumeAttributesClassName": "class3"}}},
         selectors=[vac("DoesNotExist"), vac("Exists"), vac("In", "class1"), vac("In", "class2"), vac("In", "class3"),
                    vac("In", "class1", "class2", "class3"), vac("In", "class1", "class2", "class3", "class4"),
                    vac("In", "class4"), vac("NotIn", "class4")],
         want=[vac("Exists"), vac("In", "class1"), vac("In", "class2"), vac("In", "class3"),
               vac("In", "class1", "class2", "class3"), vac("In", "class1", "class2", "class3", "class4"),
               vac("NotIn", "class4")]),
]


@pytest.mark.parametrize("tc", SCOPES)
def test_pvc_evaluator_matching_scopes(tc: dict[str, Any]) -> None:
    assert [s for s in tc["selectors"] if PVCS.scope(s, tc["claim"])] == tc["want"]


VALID: dict[str, Any] = {"metadata": {"name": "foo", "namespace": "ns"},
                         "spec": {"selector": {"matchExpressions": [{"key": "key2", "operator": "Exists"}]},
                                  "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                                  "resources": {"requests": {"storage": "10Gi"}}}}
BY_CLASS = copy.deepcopy(VALID)
BY_CLASS["spec"]["storageClassName"] = "gold"


def non_integer(claim: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(claim)
    out["spec"]["resources"]["requests"]["storage"] = "1001m"
    return out


def allocated(size: str, alloc: str) -> dict[str, Any]:
    """getPVCWithAllocatedResource."""
    return {"metadata": {"name": "foo", "namespace": "ns"}, "spec": {"resources": {"requests": {"storage": size}}},
            "status": {"allocatedResources": {"storage": alloc}}}


GOLD_STORAGE, GOLD_CLAIMS = ("gold.storageclass.storage.k8s.io/requests.storage",
                             "gold.storageclass.storage.k8s.io/persistentvolumeclaims")
BASE = {"persistentvolumeclaims": "1", "count/persistentvolumeclaims": "1"}
U = "TestPersistentVolumeClaimEvaluatorUsage"
USAGE = [
    case(U, "pvc-usage", pvc=VALID, usage={**BASE, "requests.storage": "10Gi"}),
    case(U, "pvc-usage-by-class", pvc=BY_CLASS,
         usage={**BASE, "requests.storage": "10Gi", GOLD_STORAGE: "10Gi", GOLD_CLAIMS: "1"}),
    case(U, "pvc-usage-rounded", pvc=non_integer(VALID), usage={**BASE, "requests.storage": "2"}),
    case(U, "pvc-usage-by-class-rounded", pvc=non_integer(BY_CLASS),
         usage={**BASE, "requests.storage": "2", GOLD_STORAGE: "2", GOLD_CLAIMS: "1"}),
    case(U, "pvc-usage-higher-allocated-resource", pvc=allocated("5G", "10G"),
         usage={**BASE, "requests.storage": "10G"}),
    case(U, "pvc-usage-lower-allocated-resource", pvc=allocated("10G", "5G"),
         usage={**BASE, "requests.storage": "10G"}),
]


@pytest.mark.parametrize("tc", USAGE)
def test_pvc_evaluator_usage(tc: dict[str, Any]) -> None:
    got = PVCS.usage(tc["pvc"], None)
    assert set(got) == set(tc["usage"])
    assert all(got[k].value == parse_quantity(v) for k, v in tc["usage"].items())


R = "TestPersistentVolumeClaimEvaluatorMatchingResources"
SUPPORTED = ["count/persistentvolumeclaims", "requests.storage", "persistentvolumeclaims", GOLD_STORAGE, GOLD_CLAIMS]
RESOURCES = [
    case(R, "supported-resources", items=SUPPORTED, want=SUPPORTED),
    case(R, "unsupported-resources",
         items=["storage", "ephemeral-storage", "bronze.storageclass.storage.k8s.io/storage",
                "gold.storage.k8s.io/requests.storage"], want=[]),
]


@pytest.mark.parametrize("tc", RESOURCES)
def test_pvc_evaluator_matching_resources(tc: dict[str, Any]) -> None:
    assert PVCS.matching(tc["items"]) == tc["want"]
