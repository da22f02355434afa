"""StatefulSet validation: upstream's ValidateStatefulSet, ...MinReadySeconds and ...Update tables.

Upstream compares field errors by type and field only (``cmpopts.IgnoreFields(field.Error{}, "BadValue",
"Detail")``), order-insensitively; so does this adapter. Like upstream, kspec checks only a StatefulSet
template's labels and annotations, not its pod spec (ValidatePodTemplateSpecForStatefulSet).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.upstream.api.adapter import errors, obj, template
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/apps/validation/validation_test.go"

REQ, INV, NS, FORB = "FieldValueRequired", "FieldValueInvalid", "FieldValueNotSupported", "FieldValueForbidden"
VALID = {"a": "b"}
INVALID_LABELS = {"NoUppercaseOrSpecialCharsLike=Equals": "b"}
T_VALID = template(VALID, restart="Always")
T_VALID2 = template({"c": "d"}, restart="Always")
T_HOSTNET = template(VALID, restart="Always", hostNetwork=True)
T_HOSTNET["spec"]["containers"][0]["ports"] = [{"containerPort": 12345, "protocol": "TCP"}]
T_INVALID = {"metadata": {"labels": INVALID_LABELS},  # invalidPodTemplate: no containers
             "spec": {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst"}}
T_DEADLINE = {"metadata": {"labels": VALID},  # invalidPodTemplate2: activeDeadlineSeconds, no containers
              "spec": {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "activeDeadlineSeconds": 60}}
T_MORE = copy.deepcopy(T_VALID)  # addContainersValidTemplate
T_MORE["spec"]["containers"].append({**T_VALID["spec"]["containers"][0], "name": "def", "image": "image2"})


def sts(tmpl: dict[str, Any] = T_VALID, **tweaks: Any) -> dict[str, Any]:
    """mkStatefulSet: OrderedReady, selector a=b, RollingUpdate; tweaks set metadata/spec keys (None drops)."""
    spec: dict[str, Any] = {"podManagementPolicy": "OrderedReady", "selector": {"matchLabels": VALID},
                            "template": tmpl, "updateStrategy": {"type": "RollingUpdate"}, "replicas": 0}
    meta: dict[str, Any] = {}
    for key, value in tweaks.items():
        target = meta if key in ("name", "namespace", "labels", "annotations", "finalizers") else spec
        target[key] = value
    out = obj("apps/v1", "StatefulSet", meta.pop("name", "abc"), spec,
              namespace=meta.pop("namespace", "default"), **meta)
    for key in [k for k, v in out["spec"].items() if v is None]:
        del out["spec"][key]
    return out


def rolling(partition: int | None = None, max_unavailable: Any = None, kind: str = "RollingUpdate") -> dict[str, Any]:
    ru: dict[str, Any] = {}
    if partition is not None:
        ru["partition"] = partition
    if max_unavailable is not None:
        ru["maxUnavailable"] = max_unavailable
    return {"type": kind, "rollingUpdate": ru}


def pvc_policy(deleted: str = "", scaled: str = "") -> dict[str, str]:
    return {k: v for k, v in (("whenDeleted", deleted), ("whenScaled", scaled)) if v} | {}


AUTO = "[enable StatefulSetAutoDeletePVC]"
F = "TestValidateStatefulSet"
VALIDATE = [
    case(F, "success case alpha name", set=sts(name="abc"), errs=[]),
    case(F, "success case alphanumeric name", set=sts(name="abc-123"), errs=[]),
    case(F, "success case hostNetwork true", set=sts(T_HOSTNET), errs=[]),
    case(F, "success case parallel pod management", set=sts(podManagementPolicy="Parallel"), errs=[]),
    case(F, "success case ordered ready pod management", set=sts(podManagementPolicy="OrderedReady"), errs=[]),
    case(F, "success case update strategy", set=sts(replicas=3, updateStrategy=rolling(2)), errs=[]),
    case(F, f"success case PVC policy {AUTO}",
         set=sts(persistentVolumeClaimRetentionPolicy=pvc_policy("Delete", "Retain")), errs=[]),
    case(F, "success case maxUnavailable with parallel pod management",
         set=sts(replicas=3, updateStrategy=rolling(2, 2)), errs=[]),
    case(F, "success case ordinals.start positive value", set=sts(replicas=3, ordinals={"start": 2}), errs=[]),
    case(F, "error case zero-length name", set=sts(name=""), errs=[(REQ, "metadata.name")]),
    case(F, "error case name-with-dots", set=sts(name="abc.123"), errs=[(INV, "metadata.name")]),
    case(F, "error case long name", set=sts(name="a" * 64), errs=[(INV, "metadata.name")]),
    case(F, "error case missing-namespace", set=sts(namespace=""), errs=[(REQ, "metadata.namespace")]),
    case(F, "error case empty selector", set=sts(selector=None),
         errs=[(REQ, "spec.selector"), (INV, "spec.template.metadata.labels")]),
    case(F, "error case selector_doesnt_match", set=sts(selector={"matchLabels": {"foo": "bar"}}),
         errs=[(INV, "spec.template.metadata.labels")]),
    case(F, "error case negative_replicas", set=sts(replicas=-1), errs=[(INV, "spec.replicas")]),
    case(F, "error case invalid_label", set=sts(labels={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}),
         errs=[(INV, "metadata.labels")]),
    case(F, "error case invalid_label 2",
         set=sts(T_INVALID, labels={"NoUppercaseOrSpecialCharsLike=Equals": "bar"},
                 selector={"matchLabels": INVALID_LABELS}),
         errs=[(INV, "metadata.labels"), (INV, "spec.selector"), (INV, "spec.selector.matchLabels")]),
    case(F, "error case invalid_annotation", set=sts(annotations={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}),
         errs=[(INV, "metadata.annotations")]),
    case(F, "error case invalid restart policy 1", set=sts(template(VALID, restart="OnFailure")),
         errs=[(NS, "spec.template.spec.restartPolicy")]),
    case(F, "error case invalid restart policy 2", set=sts(template(VALID, restart="Never")),
         errs=[(NS, "spec.template.spec.restartPolicy")]),
    case(F, "error case empty restart policy", set=sts(template(VALID, restart="")),
         errs=[(NS, "spec.template.spec.restartPolicy")]),
    case(F, "error case invalid update strategy", set=sts(replicas=3, updateStrategy={"type": "foo"}),
         errs=[(INV, "spec.updateStrategy")]),
    case(F, "error case empty update strategy", set=sts(replicas=3, updateStrategy={"type": ""}),
         errs=[(REQ, "spec.updateStrategy")]),
    case(F, "error case invalid rolling update", set=sts(replicas=3, updateStrategy=rolling(1, kind="OnDelete")),
         errs=[(INV, "spec.updateStrategy.rollingUpdate")]),
    case(F, "error case negative partition", set=sts(replicas=3, updateStrategy=rolling(-1)),
         errs=[(INV, "spec.updateStrategy.rollingUpdate.partition")]),
    case(F, "error case empty pod management policy", set=sts(podManagementPolicy="", replicas=3),
         errs=[(REQ, "spec.podManagementPolicy")]),
    case(F, "error case invalid pod management policy", set=sts(podManagementPolicy="foo"),
         errs=[(INV, "spec.podManagementPolicy")]),
    case(F, "error case set active deadline seconds", set=sts(T_DEADLINE, replicas=3),
         errs=[(FORB, "spec.template.spec.activeDeadlineSeconds")]),
    case(F, f"error case empty PersistentVolumeClaimRetentionPolicy {AUTO}",
         set=sts(persistentVolumeClaimRetentionPolicy={}),
         errs=[(NS, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted"),
               (NS, "spec.persistentVolumeClaimRetentionPolicy.whenScaled")]),
    case(F, f"error case invalid PersistentVolumeClaimRetentionPolicy {AUTO}",
         set=sts(persistentVolumeClaimRetentionPolicy=pvc_policy("invalid-retention-policy",
                                                                 "invalid-retention-policy")),
         errs=[(NS, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted"),
               (NS, "spec.persistentVolumeClaimRetentionPolicy.whenScaled")]),
    case(F, "error case zero maxUnavailable", set=sts(replicas=3, updateStrategy=rolling(max_unavailable=0)),
         errs=[(INV, "spec.updateStrategy.rollingUpdate.maxUnavailable")]),
    case(F, "error case zero percent maxUnavailable",
         set=sts(replicas=3, updateStrategy=rolling(max_unavailable="0%")),
         errs=[(INV, "spec.updateStrategy.rollingUpdate.maxUnavailable")]),
    case(F, "error case greater than 100 percent maxUnavailable",
         set=sts(replicas=3, updateStrategy=rolling(max_unavailable="101%")),
         errs=[(INV, "spec.updateStrategy.rollingUpdate.maxUnavailable")]),
    case(F, "error case invalid ordinals.start", set=sts(replicas=3, ordinals={"start": -2}),
         errs=[(INV, "spec.ordinals.start")]),
]


def _pairs(errs: list[Any]) -> list[tuple[str, str]]:
    return sorted((e.type, e.field) for e in errs)


@pytest.mark.parametrize("c", VALIDATE)
def test_validate_statefulset(c: dict[str, Any]) -> None:
    assert _pairs(errors(c["set"])) == sorted(c["errs"])


G = "TestValidateStatefulSetMinReadySeconds"
MIN_READY = [  # generateStatefulSetSpec: replicas 3, OrderedReady, RollingUpdate
    case(G, "valid : minReadySeconds enabled, zero", seconds=0, err=False),
    case(G, "invalid : minReadySeconds enabled, negative", seconds=-1, err=True),
    case(G, "valid : minReadySeconds enabled, very large value", seconds=2147483647, err=False),
    case(G, "invalid : minReadySeconds enabled, large negative", seconds=-2147483648, err=True),
]


@pytest.mark.parametrize("c", MIN_READY)
def test_validate_statefulset_min_ready_seconds(c: dict[str, Any]) -> None:
    assert bool(errors(sts(replicas=3, minReadySeconds=c["seconds"]))) == c["err"]


def _pvc(name: str, cls: str, size: str) -> dict[str, Any]:
    return {"metadata": {"name": name},
            "spec": {"storageClassName": cls, "resources": {"requests": {"storage": size}}}}


PVC = _pvc("pvc-abc", "storage-class1", "1Gi")
PVC_SIZE = _pvc("pvc-abc", "storage-class1", "2Gi")
PVC_CLASS = _pvc("pvc-abc", "storage-class2", "1Gi")
PVC2 = _pvc("pvc-abc2", "storage-class2", "2Gi")
H = "TestValidateStatefulSetUpdate"
UPDATE = [
    case(H, "success case update replica count", old=sts(), new=sts(replicas=3), errs=[]),
    case(H, "success case update containers 1", old=sts(), new=sts(T_MORE), errs=[]),
    case(H, "success case update containers 2", old=sts(T_MORE), new=sts(), errs=[]),
    case(H, "success case update containers and pvc retention policy 1", old=sts(T_MORE),
         new=sts(persistentVolumeClaimRetentionPolicy=pvc_policy("Retain", "Retain")), errs=[]),
    case(H, "success case update containers and pvc retention policy 2",
         old=sts(persistentVolumeClaimRetentionPolicy={"whenScaled": "Retain"}), new=sts(), errs=[]),
    case(H, "success case update update strategy", old=sts(), new=sts(updateStrategy={"type": "OnDelete"}),
         errs=[]),
    case(H, "success case update min ready seconds 1", old=sts(), new=sts(minReadySeconds=10), errs=[]),
    case(H, "success case update min ready seconds 2", old=sts(minReadySeconds=5), new=sts(minReadySeconds=10),
         errs=[]),
    case(H, "success case update existing instance with now-invalid name", old=sts(finalizers=["final"]),
         new=sts(finalizers=[]), errs=[]),
    case(H, "success case update existing instance with .spec.ordinals.start", old=sts(),
         new=sts(ordinals={"start": 3}), errs=[]),
    case(H, "error case update name", old=sts(name="abc"), new=sts(name="abc2"), errs=[(INV, "metadata.name")]),
    case(H, "error case update namespace", old=sts(namespace="default"), new=sts(namespace="default1"),
         errs=[(INV, "metadata.namespace")]),
    case(H, "error case update selector", old=sts(), new=sts(T_VALID2, selector={"matchLabels": {"c": "d"}}),
         errs=[(FORB, "spec")]),
    case(H, "error case update pod management policy 1", old=sts(podManagementPolicy=""),
         new=sts(podManagementPolicy="OrderedReady"), errs=[(FORB, "spec")]),
    case(H, "error case update pod management policy 2", old=sts(podManagementPolicy="Parallel"),
         new=sts(podManagementPolicy="OrderedReady"), errs=[(FORB, "spec")]),
    case(H, "error case update to negative replicas", old=sts(), new=sts(replicas=-1), errs=[(INV, "spec.replicas")]),
    case(H, "error case update pvc template size", old=sts(volumeClaimTemplates=[PVC]),
         new=sts(volumeClaimTemplates=[PVC_SIZE]), errs=[(FORB, "spec")]),
    case(H, "error case update pvc template storage class", old=sts(volumeClaimTemplates=[PVC]),
         new=sts(volumeClaimTemplates=[PVC_CLASS]), errs=[(FORB, "spec")]),
    case(H, "error case add new pvc template", old=sts(volumeClaimTemplates=[PVC]),
         new=sts(volumeClaimTemplates=[PVC, PVC2]), errs=[(FORB, "spec")]),
]


@pytest.mark.parametrize("c", UPDATE)
def test_validate_statefulset_update(c: dict[str, Any]) -> None:
    old, new = c["old"], c["new"]
    old["metadata"]["resourceVersion"] = new["metadata"]["resourceVersion"] = "1"
    assert _pairs(errors(new, old)) == sorted(c["errs"])
