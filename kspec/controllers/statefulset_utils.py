"""A StatefulSet pod's identity and storage (pkg/controller/statefulset stateful_set_utils.go).

A member pod is named ``<set>-<ordinal>``, carries its own name as hostname
and the pod-name label, lives in the set's namespace under the governing
Service's subdomain, and mounts one claim per volumeClaimTemplate named
``<template>-<set>-<ordinal>``.
"""

from __future__ import annotations

import re

from kspec.objects import Obj, parse_timestamp

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
_MEMBER = re.compile(r"^(.*)-([0-9]+)$")  # statefulPodRegex


def parent_name_and_ordinal(pod: Obj) -> tuple[str, int]:
    """getParentNameAndOrdinal: ("", -1) for a name that is not ``<parent>-<n>``."""
    m = _MEMBER.match(pod["metadata"].get("name", ""))
    return (m.group(1), int(m.group(2))) if m else ("", -1)


def is_member_of(sts: Obj, pod: Obj) -> bool:
    """isMemberOf: the pod's name says it belongs to the set."""
    return parent_name_and_ordinal(pod)[0] == sts["metadata"]["name"]


def claim_name(template_name: str, set_name: str, ordinal: int) -> str:
    """getPersistentVolumeClaimName."""
    return f"{template_name}-{set_name}-{ordinal}"


def identity_matches(sts: Obj, pod: Obj) -> bool:
    """identityMatches: name, namespace, hostname, subdomain and pod-name label all fit the ordinal."""
    parent, ordinal = parent_name_and_ordinal(pod)
    md, spec = pod["metadata"], pod.get("spec", {})
    return (ordinal >= 0 and parent == sts["metadata"]["name"]
            and md["name"] == f"{sts['metadata']['name']}-{ordinal}"
            and md.get("namespace") == sts["metadata"].get("namespace")
            and (md.get("labels") or {}).get(POD_NAME_LABEL) == md["name"]
            and spec.get("hostname") == md["name"]
            and spec.get("subdomain", "") == sts["spec"].get("serviceName", ""))


def storage_matches(sts: Obj, pod: Obj) -> bool:
    """storageMatches: every volumeClaimTemplate is mounted from the pod's own claim."""
    _, ordinal = parent_name_and_ordinal(pod)
    if ordinal < 0:
        return False
    volumes = {v.get("name"): v for v in pod.get("spec", {}).get("volumes") or []}
    for template in sts["spec"].get("volumeClaimTemplates") or []:
        tname = template["metadata"]["name"]
        pvc = (volumes.get(tname) or {}).get("persistentVolumeClaim")
        if not pvc or pvc.get("claimName") != claim_name(tname, sts["metadata"]["name"], ordinal):
            return False
    return True


def update_identity(sts: Obj, pod: Obj) -> None:
    """updateIdentity: give the pod the name-derived identity of its ordinal (in place)."""
    _, ordinal = parent_name_and_ordinal(pod)
    md = pod["metadata"]
    md["name"] = f"{sts['metadata']['name']}-{ordinal}"
    md["namespace"] = sts["metadata"].get("namespace")
    md.setdefault("labels", {})[POD_NAME_LABEL] = md["name"]
    spec = pod.setdefault("spec", {})
    spec["hostname"] = md["name"]
    if sts["spec"].get("serviceName"):
        spec["subdomain"] = sts["spec"]["serviceName"]
    else:
        spec.pop("subdomain", None)


def update_storage(sts: Obj, pod: Obj) -> None:
    """updateStorage: the claims' volumes first, then the pod's other volumes (in place)."""
    _, ordinal = parent_name_and_ordinal(pod)
    templates = [t["metadata"]["name"] for t in sts["spec"].get("volumeClaimTemplates") or []]
    if not templates:
        return
    volumes = [{"name": t, "persistentVolumeClaim": {"claimName": claim_name(t, sts["metadata"]["name"], ordinal)}}
               for t in templates]
    volumes += [v for v in pod.get("spec", {}).get("volumes") or [] if v.get("name") not in templates]
    pod.setdefault("spec", {})["volumes"] = volumes


def is_running_and_ready(pod: Obj) -> bool:
    """isRunningAndReady: phase Running and the Ready condition True."""
    status = pod.get("status") or {}
    return status.get("phase") == "Running" and any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])


def ordinal_key(pod: Obj) -> int:
    """ascendingOrdinal's sort key."""
    return parent_name_and_ordinal(pod)[1]


def overlapping_key(sts: Obj) -> tuple[int, str]:
    """overlappingStatefulSets' sort key: the oldest first, then by name."""
    created = sts["metadata"].get("creationTimestamp")
    return (parse_timestamp(created) if created else 0, sts["metadata"]["name"])
