"""Mutating admission that every kube-apiserver runs by default, per kind.

Each function takes the object being created and the API server, mutates the
object, and may raise an ApiError as the admission plugin would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kspec.api.qos import compute_qos
from kspec.errors import forbidden

if TYPE_CHECKING:
    from kspec.api.server import APIServer

Obj = dict[str, Any]

#: --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds
DEFAULT_TOLERATION_SECONDS = 300
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"

#: scheduling.SystemPriorityClasses()
SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": 2000001000,
    "system-cluster-critical": 2000000000,
}


def default_toleration_seconds(pod: Obj) -> None:
    """DefaultTolerationSeconds: tolerate not-ready/unreachable NoExecute for 300s unless told otherwise."""
    tolerations = pod["spec"].setdefault("tolerations", [])

    def has(key: str) -> bool:
        # the plugin skips a key that any NoExecute (or empty-effect) toleration already covers
        return any(t.get("key", "") in (key, "") and t.get("effect", "") in ("", "NoExecute")
                   for t in tolerations)

    for key in (NOT_READY_TAINT, UNREACHABLE_TAINT):
        if not has(key):
            tolerations.append({"key": key, "operator": "Exists", "effect": "NoExecute",
                                "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})


def priority(pod: Obj, api: APIServer) -> None:
    """Priority admission: resolve priorityClassName (or the global default) into spec.priority."""
    spec = pod["spec"]
    name = spec.get("priorityClassName", "")
    if name:
        value = SYSTEM_PRIORITY_CLASSES.get(name)
        policy = "PreemptLowerPriority"
        if value is None:
            pc = api.store.get("priorityclasses", "", name)
            if pc is None:
                raise forbidden(f'pods "{pod["metadata"].get("name", "")}" is forbidden: no PriorityClass '
                                f"with name {name} was found")
            value = pc.get("value", 0)
            policy = pc.get("preemptionPolicy", policy)
    else:
        default = next((pc for pc in api.store.list("priorityclasses") if pc.get("globalDefault")), None)
        value = default.get("value", 0) if default else 0
        policy = default.get("preemptionPolicy", "PreemptLowerPriority") if default else "PreemptLowerPriority"
        if default:
            spec["priorityClassName"] = default["metadata"]["name"]
    spec["priority"] = value
    spec.setdefault("preemptionPolicy", policy)


def admit_pod(pod: Obj, api: APIServer) -> None:
    # ServiceAccount admission: every pod runs as a service account (kspec/auth/serviceaccounts.py)
    from kspec.auth.serviceaccounts import admit_pod as admit_service_account
    admit_service_account(pod, api)
    priority(pod, api)
    default_toleration_seconds(pod)
    # pod strategy PrepareForCreate: a new pod is Pending with its QoS class
    pod["status"] = {"phase": "Pending", "qosClass": compute_qos(pod)}


def admit_namespace(ns: Obj, api: APIServer) -> None:
    ns.setdefault("spec", {})["finalizers"] = ["kubernetes"]
    ns["status"] = {"phase": "Active"}
    labels = ns["metadata"].setdefault("labels", {})
    # the NamespaceDefaultLabelName admission-time label
    labels["kubernetes.io/metadata.name"] = ns["metadata"]["name"]


def admit_job(job: Obj, api: APIServer) -> None:
    """Job registry generateSelector: label the template and select by the Job's uid (unless manualSelector)."""
    spec = job.setdefault("spec", {})
    if spec.get("manualSelector"):
        return
    uid = job["metadata"]["uid"]
    name = job["metadata"].get("name", "")
    labels = spec.setdefault("template", {}).setdefault("metadata", {}).setdefault("labels", {})
    labels.setdefault("job-name", name)
    labels.setdefault("controller-uid", uid)
    labels["batch.kubernetes.io/job-name"] = name
    labels["batch.kubernetes.io/controller-uid"] = uid
    selector = spec.get("selector") or {}
    spec["selector"] = selector
    selector.setdefault("matchLabels", {}).setdefault("batch.kubernetes.io/controller-uid", uid)


def admit_ingress(ing: Obj, api: APIServer) -> None:
    """The DefaultIngressClass admission plugin: a new Ingress with neither ``spec.ingressClassName`` nor the
    legacy ``kubernetes.io/ingress.class`` annotation gets the default IngressClass (annotation
    ``ingressclass.kubernetes.io/is-default-class: "true"``); of several defaults, the newest one."""
    spec = ing.setdefault("spec", {})
    if spec.get("ingressClassName") or "kubernetes.io/ingress.class" in (ing["metadata"].get("annotations") or {}):
        return
    defaults = [c for c in api.store.list("ingressclasses")
                if (c["metadata"].get("annotations") or {}).get("ingressclass.kubernetes.io/is-default-class")
                == "true"]
    if defaults:
        newest = max(defaults, key=lambda c: (c["metadata"].get("creationTimestamp") or "", c["metadata"]["name"]))
        spec["ingressClassName"] = newest["metadata"]["name"]


def admit_persistent_volume_claim(claim: Obj, api: APIServer) -> None:
    """DefaultStorageClass (a claim without storageClassName gets the default class, the newest if several) and
    StorageObjectInUseProtection (the kubernetes.io/pvc-protection finalizer)."""
    spec = claim.setdefault("spec", {})
    if spec.get("storageClassName") is None and not (claim["metadata"].get("annotations") or {}).get(
            "volume.beta.kubernetes.io/storage-class"):
        defaults = [sc for sc in api.store.list("storageclasses")
                    if (sc["metadata"].get("annotations") or {}).get(
                        "storageclass.kubernetes.io/is-default-class") == "true"]
        if defaults:
            # GetDefaultClass: the newest default wins, ties by name
            newest = max(defaults, key=lambda sc: (sc["metadata"].get("creationTimestamp", ""),
                                                   sc["metadata"]["name"]))
            spec["storageClassName"] = newest["metadata"]["name"]
    _add_finalizer(claim, "kubernetes.io/pvc-protection")


def admit_persistent_volume(pv: Obj, api: APIServer) -> None:
    """StorageObjectInUseProtection: the kubernetes.io/pv-protection finalizer."""
    _add_finalizer(pv, "kubernetes.io/pv-protection")


def _add_finalizer(obj: Obj, name: str) -> None:
    finalizers = obj["metadata"].setdefault("finalizers", [])
    if name not in finalizers:
        finalizers.append(name)


ADMISSION: dict[str, Callable[[Obj, APIServer], None]] = {
    "Pod": admit_pod,
    "Namespace": admit_namespace,
    "Job": admit_job,
    "Ingress": admit_ingress,
    "PersistentVolumeClaim": admit_persistent_volume_claim,
    "PersistentVolume": admit_persistent_volume,
}
