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


# -- persistentVolumeClaimRetentionPolicy (StatefulSetAutoDeletePVC, GA in 1.32) ------------------------------
RETAIN, DELETE = "Retain", "Delete"
SET_GVK = ("apps/v1", "StatefulSet")  # controllerKind
POD_GVK = ("v1", "Pod")  # podKind


def retention_policy(sts: Obj) -> tuple[str, str]:
    """getPersistentVolumeClaimRetentionPolicy: (whenScaled, whenDeleted), Retain for an unset policy."""
    policy = (sts.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy")
    if policy is None:
        return RETAIN, RETAIN
    return policy.get("whenScaled") or RETAIN, policy.get("whenDeleted") or RETAIN


def _refs(obj: Obj) -> list[Obj]:
    return list((obj.get("metadata") or {}).get("ownerReferences") or [])


def _uid(obj: Obj) -> str:
    return (obj.get("metadata") or {}).get("uid") or ""


def _name(obj: Obj) -> str:
    return (obj.get("metadata") or {}).get("name") or ""


def matches_ref(ref: Obj, obj: Obj, gvk: tuple[str, str]) -> bool:
    """matchesRef: same apiVersion, kind and name (the UID is not compared)."""
    return (ref.get("apiVersion"), ref.get("kind")) == gvk and ref.get("name") == _name(obj)


def has_owner_ref(target: Obj, owner: Obj) -> bool:
    """hasOwnerRef: any reference carrying the owner's UID, controller or not."""
    return any(ref.get("uid", "") == _uid(owner) for ref in _refs(target))


def has_stale_owner_ref(target: Obj, obj: Obj, gvk: tuple[str, str]) -> bool:
    """hasStaleOwnerRef: the first reference naming the object carries another UID."""
    for ref in _refs(target):
        if matches_ref(ref, obj, gvk):
            return ref.get("uid", "") != _uid(obj)
    return False


def has_unexpected_controller(claim: Obj, sts: Obj, pod: Obj) -> bool:
    """hasUnexpectedController: under a non-Retain policy, a controller of the claim other than this set or pod
    (a reference to the set or pod with another UID counts as one)."""
    if retention_policy(sts) == (RETAIN, RETAIN):
        return False
    for ref in _refs(claim):
        if matches_ref(ref, sts, SET_GVK):
            if ref.get("uid", "") != _uid(sts):
                return True
            continue
        if matches_ref(ref, pod, POD_GVK):
            if ref.get("uid", "") != _uid(pod):
                return True
            continue
        if ref.get("controller"):
            return True
    return False


def has_non_controller_owner(claim: Obj, sts: Obj, pod: Obj) -> bool:
    """hasNonControllerOwner: the set or pod owns the claim without being its controller."""
    return any(ref.get("uid", "") in (_uid(sts), _uid(pod)) and not ref.get("controller") for ref in _refs(claim))


def pod_in_ordinal_range(pod: Obj, sts: Obj) -> bool:
    """podInOrdinalRange: 0 <= ordinal < replicas (kspec has no spec.ordinals.start)."""
    ordinal = parent_name_and_ordinal(pod)[1]
    return 0 <= ordinal < ((sts.get("spec") or {}).get("replicas", 1) or 0)


def is_claim_owner_up_to_date(claim: Obj, sts: Obj, pod: Obj) -> bool:
    """isClaimOwnerUpToDate: the claim's owner references fit the policy (stale or foreign controllers: leave it)."""
    if has_stale_owner_ref(claim, sts, SET_GVK) or has_stale_owner_ref(claim, pod, POD_GVK):
        return True
    if has_unexpected_controller(claim, sts, pod):
        return not (has_owner_ref(claim, sts) or has_owner_ref(claim, pod))
    if has_non_controller_owner(claim, sts, pod):
        return False
    scaled, deleted = retention_policy(sts)
    set_ref, pod_ref = has_owner_ref(claim, sts), has_owner_ref(claim, pod)
    scaled_down = not pod_in_ordinal_range(pod, sts)
    if scaled == DELETE and deleted == RETAIN:
        return not set_ref and scaled_down == pod_ref
    if scaled == DELETE and deleted == DELETE:
        return scaled_down != set_ref and scaled_down == pod_ref
    if scaled == RETAIN and deleted == DELETE:
        return set_ref and not pod_ref
    return not set_ref and not pod_ref  # Retain/Retain, and any unknown policy treated as Retain


def _controller_ref(owner: Obj, gvk: tuple[str, str]) -> Obj:
    """metav1.NewControllerRef."""
    return {"apiVersion": gvk[0], "kind": gvk[1], "name": _name(owner), "uid": _uid(owner), "controller": True,
            "blockOwnerDeletion": True}


def add_controller_ref(refs: list[Obj], owner: Obj, gvk: tuple[str, str]) -> list[Obj]:
    """addControllerRef: unless a reference with the owner's UID is there already."""
    if any(ref.get("uid", "") == _uid(owner) for ref in refs):
        return refs
    return [*refs, _controller_ref(owner, gvk)]


def update_claim_owner_refs(claim: Obj, sts: Obj, pod: Obj) -> None:
    """updateClaimOwnerRefForSetAndPod (in place): scrub the set's and pod's references, then add back the
    controller references the policy asks for (none when another controller manages the claim)."""
    unexpected = has_unexpected_controller(claim, sts, pod)
    refs = [r for r in _refs(claim) if not (matches_ref(r, sts, SET_GVK) or matches_ref(r, pod, POD_GVK))]
    if not unexpected:
        scaled, deleted = retention_policy(sts)
        scaled_down = not pod_in_ordinal_range(pod, sts)
        if scaled == RETAIN and deleted == DELETE:
            refs = add_controller_ref(refs, sts, SET_GVK)
        elif scaled == DELETE and scaled_down:
            refs = add_controller_ref(refs, pod, POD_GVK)
        elif scaled == DELETE and deleted == DELETE:
            refs = add_controller_ref(refs, sts, SET_GVK)
    md = claim.setdefault("metadata", {})
    if refs:
        md["ownerReferences"] = refs
    else:
        md.pop("ownerReferences", None)
