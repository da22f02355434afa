"""Builders for the volume plugins' upstream tables: claims, volumes, classes, CSINodes as plain dicts."""

from __future__ import annotations

from typing import Any

BETA_ZONE = "failure-domain.beta.kubernetes.io/zone"
BETA_REGION = "failure-domain.beta.kubernetes.io/region"
ZONE = "topology.kubernetes.io/zone"
REGION = "topology.kubernetes.io/region"


def pvc(name: str, *, ns: str = "default", volume: str = "", cls: str | None = None,
        modes: list[str] | None = None, size: str | None = None, uid: str = "", phase: str = "",
        annotations: dict[str, str] | None = None, deleting: bool = False) -> dict[str, Any]:
    """A PersistentVolumeClaim (``cls`` None: no storageClassName at all)."""
    md: dict[str, Any] = {"name": name, "namespace": ns}
    if uid:
        md["uid"] = uid
    if annotations:
        md["annotations"] = dict(annotations)
    if deleting:
        md["deletionTimestamp"] = "2020-01-01T00:00:00Z"
    spec: dict[str, Any] = {}
    if volume:
        spec["volumeName"] = volume
    if cls is not None:
        spec["storageClassName"] = cls
    if modes:
        spec["accessModes"] = list(modes)
    if size is not None:
        spec["resources"] = {"requests": {"storage": size}}
    out: dict[str, Any] = {"kind": "PersistentVolumeClaim", "metadata": md, "spec": spec}
    if phase:
        out["status"] = {"phase": phase}
    return out


def pv(name: str, *, labels: dict[str, str] | None = None, csi: tuple[str, str] | None = None,
       cls: str = "", **spec: Any) -> dict[str, Any]:
    """A PersistentVolume; ``csi`` is (driver, volumeHandle)."""
    body: dict[str, Any] = dict(spec)
    if csi is not None:
        body["csi"] = {"driver": csi[0], "volumeHandle": csi[1]}
    if cls:
        body["storageClassName"] = cls
    return {"kind": "PersistentVolume", "metadata": {"name": name, "labels": dict(labels or {})}, "spec": body}


def storage_class(name: str, *, mode: str | None = None, provisioner: str = "",
                  topologies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "StorageClass", "metadata": {"name": name}}
    if mode is not None:
        body["volumeBindingMode"] = mode
    if provisioner:
        body["provisioner"] = provisioner
    if topologies is not None:
        body["allowedTopologies"] = topologies
    return body


def csi_node(name: str, drivers: dict[str, int | None]) -> dict[str, Any]:
    """A CSINode with these drivers and allocatable counts (None: no count)."""
    out = []
    for driver, count in drivers.items():
        d: dict[str, Any] = {"name": driver, "nodeID": name}
        if count is not None:
            d["allocatable"] = {"count": count}
        out.append(d)
    return {"kind": "CSINode", "metadata": {"name": name}, "spec": {"drivers": out}}


def pod_with_claims(name: str, *claims: str, ns: str = "default", node: str = "") -> dict[str, Any]:
    """st.MakePod().Name(name).PVC(claim)...: one persistentVolumeClaim volume per claim."""
    spec: dict[str, Any] = {"containers": [],
                            "volumes": [{"name": f"v{i}", "persistentVolumeClaim": {"claimName": c}}
                                        for i, c in enumerate(claims)]}
    if node:
        spec["nodeName"] = node
    return {"metadata": {"name": name, "namespace": ns}, "spec": spec}
