"""What the workload controllers share (upstream's pkg/controller/controller_utils.go and friends).

Pod predicates (active, ready, available), pods made from a template with a
controller reference, the template hash, upstream's ranking of pods to delete,
and ``OwnedIndex``: objects of one resource by the uid of their controller, so
a controller finds its pods without listing a namespace of thousands.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kspec.errors import ApiError
from kspec.labels import Selector
from kspec.memos import Bounded
from kspec.nodeaffinity import required_node_affinity_matches
from kspec.objects import Obj, clone, controller_of, get_condition, owner_reference, parse_timestamp

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: rand.SafeEncodeString's alphabet (no vowels, no look-alikes)
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
#: podPhaseToOrdinal in controller_utils.go: Pending < Unknown < Running
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"


# -- pod predicates -----------------------------------------------------------------
def is_pod_active(pod: Obj) -> bool:
    """controller.IsPodActive: not finished and not being deleted."""
    return (pod.get("status", {}).get("phase") not in ("Succeeded", "Failed")
            and not pod["metadata"].get("deletionTimestamp"))


def is_pod_ready(pod: Obj) -> bool:
    cond = get_condition(pod, "Ready")
    return cond is not None and cond.get("status") == "True"


def ready_since_ms(pod: Obj) -> int | None:
    cond = get_condition(pod, "Ready")
    if cond is None or cond.get("status") != "True" or not cond.get("lastTransitionTime"):
        return None
    return parse_timestamp(cond["lastTransitionTime"])


def is_pod_available(pod: Obj, min_ready_seconds: int, now_ms: int) -> bool:
    """podutil.IsPodAvailable: ready, and ready for longer than minReadySeconds (strictly)."""
    if not is_pod_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    since = ready_since_ms(pod)
    return since is not None and since + min_ready_seconds * 1000 < now_ms


def available_in_ms(pod: Obj, min_ready_seconds: int, now_ms: int) -> int | None:
    """How long until a ready pod becomes available (None if not ready or already available)."""
    if not min_ready_seconds or not is_pod_ready(pod):
        return None
    since = ready_since_ms(pod)
    if since is None:
        return None
    due = since + min_ready_seconds * 1000 + 1
    return due - now_ms if due > now_ms else None


#: how many pods' states one memo (see pod_state) holds before starting over
POD_STATES_MAX = 50_000


def pod_state(pod: Obj, memo: Bounded[tuple[str, str], tuple[bool, bool, int | None]]
              ) -> tuple[bool, bool, int | None]:
    """(is_pod_active, is_pod_ready, ready_since_ms) of a pod, remembered in ``memo`` for stored ones by
    (uid, resourceVersion): in one cluster's store a version never changes (a write makes a new one), so a
    memo must serve one cluster only (uids come from the cluster's seeded generator)."""
    md = pod["metadata"]
    rv = md.get("resourceVersion")
    if not rv:  # not stored: it may still change
        return is_pod_active(pod), is_pod_ready(pod), ready_since_ms(pod)
    key = (md.get("uid", ""), rv)
    state = memo.get(key)
    if state is None:
        state = memo.remember(key, (is_pod_active(pod), is_pod_ready(pod), ready_since_ms(pod)))
    return state


def is_running_and_ready(pod: Obj) -> bool:
    return pod.get("status", {}).get("phase") == "Running" and is_pod_ready(pod)


# -- templates ----------------------------------------------------------------------
def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: each byte mapped into the safe alphabet."""
    return "".join(_SAFE_ALPHABET[b % len(_SAFE_ALPHABET)] for b in text.encode())


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def compute_hash(template: Obj, collision_count: int | None = None) -> str:
    """controller.ComputeHash: FNV-32a of the template (here its canonical JSON), safe-encoded."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count is not None:
        data += int(collision_count).to_bytes(4, "little")
    return safe_encode(str(fnv32a(data)))


def pod_from_template(template: Obj, owner: Obj, *, name: str | None = None,
                      generate_name: str | None = None) -> Obj:
    """controller.GetPodFromTemplate: labels, annotations and finalizers of the template, a controllerRef."""
    tmeta = template.get("metadata") or {}
    md: dict[str, Any] = {"namespace": owner["metadata"]["namespace"],
                          "labels": dict(tmeta.get("labels") or {}),
                          "ownerReferences": [owner_reference(owner)]}
    if tmeta.get("annotations"):
        md["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        md["finalizers"] = list(tmeta["finalizers"])
    if name:
        md["name"] = name
    else:
        md["generateName"] = generate_name or f"{owner['metadata']['name']}-"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": clone(template.get("spec") or {})}


def selector_of(obj: Obj) -> Selector:
    """The workload's label selector; an unusable one selects nothing (as LabelSelectorAsSelector errors)."""
    sel = obj.get("spec", {}).get("selector")
    if obj.get("kind") == "ReplicationController":
        return Selector.from_set(sel) if sel else Selector.none()
    try:
        return Selector.from_label_selector(sel) if sel else Selector.none()
    except Exception:  # noqa: BLE001 - an invalid selector matches nothing
        return Selector.none()


# -- ranking pods to delete ---------------------------------------------------------
def _log_rank(t_ms: int, now_ms: int) -> int:
    d = (now_ms - t_ms) * 1_000_000  # nanoseconds, as time.Duration
    return int(math.log2(d)) if d > 0 else -1


def _max_restarts(pod: Obj) -> int:
    return max((c.get("restartCount", 0) for c in pod.get("status", {}).get("containerStatuses") or []),
               default=0)


def _deletion_cost(pod: Obj) -> int:
    try:
        return int((pod["metadata"].get("annotations") or {}).get(DELETION_COST, "0"))
    except ValueError:
        return 0


def rank_for_deletion(pods: list[Obj], related: Iterable[Obj], now_ms: int) -> list[Obj]:
    """Pods in the order ReplicaSets delete them (controller.ActivePodsWithRanks with LogarithmicScaleDown).

    Unscheduled before scheduled, Pending < Unknown < Running, not ready before
    ready, lower pod-deletion-cost first, more colocated siblings first, ready
    for less time first, more restarts first, newer first.
    """
    on_node: dict[str, int] = {}
    for p in related:
        if is_pod_active(p):
            node = p["spec"].get("nodeName", "")
            on_node[node] = on_node.get(node, 0) + 1
    return sorted(pods, key=lambda pod: deletion_key(pod, on_node.get(pod["spec"].get("nodeName", ""), 0), now_ms))


def deletion_key(pod: Obj, rank: int, now_ms: int) -> tuple:
    """ActivePodsWithRanks.Less as a sort key: ``rank`` is how many active siblings share the pod's node."""
    node = pod["spec"].get("nodeName", "")
    ready = is_pod_ready(pod)
    ready_at = ready_since_ms(pod) if ready else None
    created = pod["metadata"].get("creationTimestamp")
    return (
        1 if node else 0,
        _PHASE_ORDINAL.get(pod.get("status", {}).get("phase", ""), 3),
        1 if ready else 0,
        _deletion_cost(pod),
        -rank,
        # been ready for less time first: a larger log2 rank (older) sorts later; no ready time first of all
        _log_rank(ready_at, now_ms) if ready_at is not None else -2,
        -_max_restarts(pod),
        # newer first; a pod without a creation time first of all
        _log_rank(parse_timestamp(created), now_ms) if created else -2,
        pod["metadata"].get("uid", ""),
    )


def delete_pod(controller: Any, owner: Obj, pod: Obj) -> None:
    """PodControl.DeletePod: delete, then record SuccessfulDelete on the owner; a pod already gone is fine."""
    try:
        controller.api.delete("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
    except ApiError as exc:
        if exc.code == 404:
            return
        raise
    controller.events.event(owner, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}",
                            component=controller.NAME)


# -- node selection (DaemonSets) ----------------------------------------------------
def pod_fits_node_selection(spec: Obj, node: Obj) -> bool:
    """nodeSelector plus required node affinity (component-helpers' GetRequiredNodeAffinity)."""
    return required_node_affinity_matches(spec.get("nodeSelector") or {},
                                          (spec.get("affinity") or {}).get("nodeAffinity") or {},
                                          node["metadata"].get("labels") or {}, node["metadata"]["name"])


def template_objects(cluster: Cluster, resource: str) -> tuple[dict[tuple[str, str], Obj], dict[Any, Any]] | None:
    """The objects of ``resource`` of the template ``cluster`` was built from (kspec/templates.py), by key, and
    that template's ``derived`` memo; None for a cluster built without one.

    The template's objects are shared by every cluster built from it and read-only (a write stores a new object),
    so what a controller works out from one of them alone, found again by identity (``is``), holds in every such
    cluster, written or not since. Store only the template's own objects (checked with ``is``): the memo lives as
    long as the template and must not keep a cluster's objects.
    """
    found = vars(cluster).get("_template")
    if found is None:
        return None
    t = found[0]
    return t.data.get(resource, {}), t.derived


def template_listing(cluster: Cluster, resource: str) -> tuple[list[Obj], dict[Any, Any]] | None:
    """The template's objects of ``resource`` as the store lists them (in key order), and its ``derived`` memo;
    None for a cluster built without a template. A listing whose items are these very objects (``is``), one by
    one, is the template's: what was worked out from it alone holds (``template_objects``)."""
    found = vars(cluster).get("_template")
    if found is None:
        return None
    t = found[0]
    return t.listed.get(resource, []), t.derived


# -- indexes ------------------------------------------------------------------------
class OwnedIndex:
    """Names of one resource's objects by their controller's uid, and orphans by namespace.

    A hint fed by watch events and by the controllers' own writes (``observe``);
    readers re-read every object from the store and re-check its controller, so
    a stale entry costs a lookup, never a wrong answer.
    """

    def __init__(self, cluster: Cluster, resource: str) -> None:
        self.api = cluster.api
        self.resource = resource
        self.by_owner: dict[str, set[tuple[str, str]]] = {}
        self.orphans: dict[str, set[str]] = {}
        # status-blind: observe reads the name, namespace and controller reference, which a status write keeps
        self.api.informers.on(resource, self.observe, lambda _old, new: self.observe(new), self._forget,
                              on_status=None)
        for obj in self.api.store.list(resource):
            self.observe(obj)

    def observe(self, obj: Obj) -> None:
        md = obj["metadata"]
        ns, name = md.get("namespace", ""), md["name"]
        ref = controller_of(obj)
        if ref is None:
            self.orphans.setdefault(ns, set()).add(name)
        else:
            self.by_owner.setdefault(ref["uid"], set()).add((ns, name))

    def _forget(self, obj: Obj) -> None:
        md = obj["metadata"]
        ref = controller_of(obj)
        if ref is not None:
            owned = self.by_owner.get(ref["uid"])
            if owned is not None:
                owned.discard((md.get("namespace", ""), md["name"]))
                if not owned:
                    del self.by_owner[ref["uid"]]
        else:
            self.orphans.get(md.get("namespace", ""), set()).discard(md["name"])

    def owned(self, uid: str, ordered: bool = True) -> list[Obj]:
        """Live objects whose controller has this uid, by name (``ordered=False``: in no set order, for callers
        that only count, which skips the sort)."""
        keys = self.by_owner.get(uid)
        if not keys:
            return []
        out, stale = [], []
        get, resource = self.api.store.get, self.resource
        for key in (sorted(keys) if ordered else list(keys)):
            obj = get(resource, *key)
            if obj is not None:
                # controller_of, inline: the Deployment controller reads every pod of a Deployment per pod event
                for ref in obj["metadata"].get("ownerReferences") or ():
                    if ref.get("controller"):
                        if ref["uid"] == uid:
                            out.append(obj)
                            break
                        stale.append(key)
                        break
                else:
                    stale.append(key)
            else:
                stale.append(key)
        for k in stale:
            keys.discard(k)
        return out

    def orphans_in(self, namespace: str) -> list[Obj]:
        names = self.orphans.get(namespace)
        if not names:
            return []
        out, stale = [], []
        for name in sorted(names):
            obj = self.api.store.get(self.resource, namespace, name)
            if obj is None or controller_of(obj) is not None:
                stale.append(name)
            else:
                out.append(obj)
        for n in stale:
            names.discard(n)
        return out


def owned_index(cluster: Cluster, resource: str) -> OwnedIndex:
    """The cluster's shared index for ``resource`` (made on first use)."""
    indexes: dict[str, OwnedIndex] = cluster.__dict__.setdefault("_owned_indexes", {})
    if resource not in indexes:
        indexes[resource] = OwnedIndex(cluster, resource)
    return indexes[resource]


def claim(controller: Any, owner: Obj, index: OwnedIndex, selector: Selector,
          candidates: list[Obj] | None = None, accept: Callable[[Obj], bool] | None = None) -> list[Obj]:
    """ControllerRefManager.Claim: adopt matching orphans, release owned objects that stopped matching.

    ``accept`` is ClaimPods' filter: an object must pass it as well as the selector to match.
    Returns the objects this owner controls afterwards, by name.
    """
    api, md = controller.api, owner["metadata"]
    uid, ns = md["uid"], md["namespace"]
    deleting = bool(md.get("deletionTimestamp"))

    def matches(obj: Obj) -> bool:
        return selector.matches(obj["metadata"].get("labels")) and (accept is None or accept(obj))
    kept: list[Obj] = []
    for obj in index.owned(uid) if candidates is None else candidates:
        if matches(obj) or deleting:
            kept.append(obj)
            continue

        def release(o: Obj) -> None:
            o["metadata"]["ownerReferences"] = [r for r in o["metadata"].get("ownerReferences") or []
                                                if r.get("uid") != uid]
            if not o["metadata"]["ownerReferences"]:
                del o["metadata"]["ownerReferences"]
        index.observe(api.patch(index.resource, obj["metadata"]["name"], ns, release))
    if deleting:
        return kept
    for obj in index.orphans_in(ns):
        if obj["metadata"].get("deletionTimestamp") or not matches(obj):
            continue
        if index.resource == "pods" and not is_pod_active(obj):
            continue
        ref = owner_reference(owner)
        adopted = api.patch(index.resource, obj["metadata"]["name"], ns,
                            lambda o, r=ref: o["metadata"].setdefault("ownerReferences", []).append(r))
        index.observe(adopted)
        kept.append(adopted)
    return sorted(kept, key=lambda o: o["metadata"]["name"])


def controlled_by(kind: str) -> Callable[[Obj], bool]:
    """A pod whose controller reference is of ``kind``: a workload controller's ``START_WHEN`` test for pods
    (kspec/lazystart.py), when its pod handlers act on no other pod while no object of its kind exists (an
    unowned pod is offered to the namespace's controllers of that kind, of which there are none)."""
    def test(pod: Obj) -> bool:
        for ref in pod["metadata"].get("ownerReferences") or ():  # controller_of, inline: asked on every pod write
            if ref.get("controller"):
                return ref.get("kind") == kind
        return False
    return test


def names_a_claim(pod: Obj) -> bool:
    """A pod with a persistentVolumeClaim volume: the ``START_WHEN`` test for pods of the controllers whose pod
    handlers act on no other pod while nothing else has started them (attach/detach, PVC protection)."""
    for volume in (pod.get("spec") or {}).get("volumes") or ():
        if "persistentVolumeClaim" in volume:
            return True
    return False
