"""The scheduler's volume binder (volumebinding/binder.go): which PVs a pod's claims can bind on a node.

VolumeBinding's extension points call it: ``get_pod_volume_claims`` (PreFilter) sorts the pod's claims into bound,
unbound WaitForFirstConsumer and unbound Immediate ones; ``find_pod_volumes`` (Filter) checks bound volumes' node
affinity, picks static PVs for unbound claims (FindMatchingVolume) and checks that the others can be provisioned
there (class, allowedTopologies, CSIStorageCapacity); ``assume_pod_volumes`` (Reserve) records the choice in an
assume cache so the next pods see it; ``bind_api_update`` and ``check_bindings`` (PreBind) write the PV
``claimRef`` and the claim's ``volume.kubernetes.io/selected-node`` annotation and then watch the PV controller and
the provisioner finish. Everything is read from API objects through ``lister`` (``try_get``/``store.list``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from kspec.errors import ApiError
from kspec.labels import Selector
from kspec.nodeaffinity import node_selector_matches
from kspec.objects import Obj
from kspec.quantity import parse_quantity

#: ConflictReason values (binder.go)
ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
ERR_REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict"
ERR_REASON_NOT_ENOUGH_SPACE = "node(s) did not have enough free storage"
ERR_REASON_PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"

ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
#: volume.NotSupportedProvisioner
NOT_SUPPORTED_PROVISIONER = "kubernetes.io/no-provisioner"
WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"


class BinderError(Exception):
    """An error FindPodVolumes & co. return (the plugin turns it into an Error status)."""


def claim_names(pod: Obj) -> list[str]:
    """The claims of a pod's persistentVolumeClaim and generic ephemeral volumes (ephemeral.VolumeClaimName)."""
    name = pod["metadata"]["name"]
    out = []
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        if vol.get("persistentVolumeClaim") is not None:
            out.append((vol["persistentVolumeClaim"] or {}).get("claimName", ""))
        elif vol.get("ephemeral") is not None:
            out.append(f"{name}-{vol.get('name', '')}")
    return out


def owned_by(claim: Obj, pod: Obj) -> bool:
    """ephemeral.VolumeIsForPod: the claim's controller is the pod (same UID)."""
    uid = pod["metadata"].get("uid", "")
    return any(ref.get("controller") and ref.get("uid", "") == uid
               for ref in claim["metadata"].get("ownerReferences") or [])


def claim_class(claim: Obj) -> str:
    """storagehelpers.GetPersistentVolumeClaimClass: spec.storageClassName, else the beta annotation."""
    anns = claim["metadata"].get("annotations") or {}
    if "volume.beta.kubernetes.io/storage-class" in anns:
        return anns["volume.beta.kubernetes.io/storage-class"]
    return (claim.get("spec") or {}).get("storageClassName") or ""


def volume_class(pv: Obj) -> str:
    """storagehelpers.GetPersistentVolumeClass."""
    anns = pv["metadata"].get("annotations") or {}
    if "volume.beta.kubernetes.io/storage-class" in anns:
        return anns["volume.beta.kubernetes.io/storage-class"]
    return (pv.get("spec") or {}).get("storageClassName") or ""


def storage_request(claim: Obj) -> Any:
    value = (((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")
    return parse_quantity(value) if value is not None else 0


def storage_capacity(pv: Obj) -> Any:
    value = ((pv.get("spec") or {}).get("capacity") or {}).get("storage")
    return parse_quantity(value) if value is not None else 0


def is_bound_to_claim(pv: Obj, claim: Obj) -> bool:
    """IsVolumeBoundToClaim: the claimRef names the claim (and its UID, when the ref has one)."""
    ref = (pv.get("spec") or {}).get("claimRef")
    if not ref:
        return False
    md = claim["metadata"]
    if ref.get("name") != md.get("name") or ref.get("namespace", "") != md.get("namespace", ""):
        return False
    return not ref.get("uid") or ref.get("uid") == md.get("uid")


def check_node_affinity(pv: Obj, labels: dict[str, str]) -> bool:
    """volume.CheckNodeAffinity: the PV's required node selector matches a node with these labels (matchFields
    see a node without a name, as upstream builds one from the labels alone)."""
    required = ((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required")
    if required is None:
        return True
    return node_selector_matches(required, labels, "")


def match_topology_terms(terms: list[dict[str, Any]] | None, labels: dict[str, str]) -> bool:
    """v1helper.MatchTopologySelectorTerms: no terms match everything; an empty term matches nothing."""
    if not terms:
        return True
    for term in terms:
        exprs = term.get("matchLabelExpressions") or []
        if exprs and all(labels.get(e.get("key", "")) in (e.get("values") or []) for e in exprs):
            return True
    return False


def _access_modes_ok(claim: Obj, pv: Obj) -> bool:
    """CheckAccessModes."""
    offered = set((pv.get("spec") or {}).get("accessModes") or [])
    return all(m in offered for m in (claim.get("spec") or {}).get("accessModes") or [])


def _volume_mode(spec: dict[str, Any]) -> str:
    return spec.get("volumeMode") or "Filesystem"


def find_matching_volume(claim: Obj, volumes: list[Obj], node: Obj | None, excluded: dict[str, Obj],
                         delay_binding: bool) -> Obj | None:
    """volume.FindMatchingVolume: a volume pre-bound to the claim, else the smallest Available volume of the claim's
    class and volume mode, big enough, selected by its selector, with the access modes, that fits the node."""
    requested = storage_request(claim)
    requested_class = claim_class(claim)
    raw_selector = (claim.get("spec") or {}).get("selector")
    selector = Selector.from_label_selector(raw_selector) if raw_selector is not None else None
    labels = (node or {}).get("metadata", {}).get("labels") or {}
    smallest: Obj | None = None
    for pv in volumes:
        spec = pv.get("spec") or {}
        if pv["metadata"]["name"] in excluded:
            continue
        bound_to_claim = is_bound_to_claim(pv, claim)
        if spec.get("claimRef") and not bound_to_claim:
            continue
        if storage_capacity(pv) < requested:
            continue
        if _volume_mode(claim.get("spec") or {}) != _volume_mode(spec):  # CheckVolumeModeMismatches
            continue
        if pv["metadata"].get("deletionTimestamp"):
            continue
        affinity_ok = node is None or check_node_affinity(pv, labels)
        if bound_to_claim:
            return pv if affinity_ok else None
        if node is None and delay_binding:
            continue
        if (pv.get("status") or {}).get("phase") != "Available":
            continue
        if selector is not None and not selector.matches(pv["metadata"].get("labels") or {}):
            continue
        if volume_class(pv) != requested_class or not affinity_ok:
            continue
        if node is not None and not _access_modes_ok(claim, pv):
            continue
        if smallest is None or storage_capacity(smallest) > storage_capacity(pv):
            smallest = pv
    return smallest


def _free_or_for(pv: Obj, claim: Obj) -> bool:
    """A cheap first look: the PV has no claimRef, or one that may name this claim."""
    ref = (pv.get("spec") or {}).get("claimRef")
    return not ref or ref.get("name") == claim["metadata"]["name"]


def is_fully_bound(claim: Obj) -> bool:
    """isPVCFullyBound: spec.volumeName set and the bind-completed annotation present."""
    return bool((claim.get("spec") or {}).get("volumeName")) and \
        ANN_BIND_COMPLETED in (claim["metadata"].get("annotations") or {})


def _key(claim: Obj) -> str:
    return f"{claim['metadata'].get('namespace', '')}/{claim['metadata']['name']}"


def _rv(obj: Obj | None) -> int:
    try:
        return int((obj or {}).get("metadata", {}).get("resourceVersion") or 0)
    except ValueError:
        return 0


@dataclass
class BindingInfo:
    """A claim and the static PV chosen for it."""

    pvc: Obj
    pv: Obj


@dataclass
class PodVolumeClaims:
    bound: list[Obj] = field(default_factory=list)
    unbound_delay_binding: list[Obj] = field(default_factory=list)
    unbound_immediate: list[Obj] = field(default_factory=list)
    #: class name -> the PVs of that class (from the assume cache), for the delay-binding claims
    unbound_volumes_delay_binding: dict[str, list[Obj]] = field(default_factory=dict)
    #: claim key -> the PVs that pass every check of FindMatchingVolume but the node's (filled on the first node)
    candidates: dict[str, list[Obj]] = field(default_factory=dict)


@dataclass
class PodVolumes:
    static_bindings: list[BindingInfo] = field(default_factory=list)
    dynamic_provisions: list[Obj] = field(default_factory=list)


class AssumeCache:
    """The binder's PV or PVC assume cache: an assumed version hides the API object until the API has a newer
    one (by resourceVersion) or the assumption is restored."""

    def __init__(self, lister: Any, resource: str) -> None:
        self.lister = lister
        self.resource = resource
        self.assumed: dict[str, Obj] = {}

    def _split(self, key: str) -> tuple[str, str]:
        ns, _, name = key.rpartition("/")
        return ns, name

    def get_api(self, key: str) -> Obj | None:
        ns, name = self._split(key)
        return self.lister.try_get(self.resource, name, ns)

    def get(self, key: str) -> Obj | None:
        api = self.get_api(key)
        assumed = self.assumed.get(key)
        if assumed is not None and api is not None and _rv(api) <= _rv(assumed):
            return assumed
        if assumed is not None:
            del self.assumed[key]
        return api

    def list(self) -> list[Obj]:
        """Every object (the store lists them by namespace and name), an assumed version in place of its own."""
        objs = self.lister.store.list(self.resource)
        if not self.assumed:
            return objs
        out = []
        for obj in objs:
            md = obj["metadata"]
            key = f"{md.get('namespace', '')}/{md['name']}" if md.get("namespace") else md["name"]
            out.append((self.get(key) or obj) if key in self.assumed else obj)
        return out

    def assume(self, key: str, obj: Obj) -> None:
        """Assume: refused when the cached object is newer than the one assumed from."""
        current = self.get(key)
        if current is None:
            raise BinderError(f'{self.resource} "{key}" not found in the assume cache')
        if _rv(obj) < _rv(current):
            raise BinderError(f'{self.resource} "{key}" is out of sync with the cache: the assumed version '
                              f"{_rv(obj)} is older than {_rv(current)}")
        self.assumed[key] = obj

    def restore(self, key: str) -> None:
        self.assumed.pop(key, None)


class VolumeBinder:
    """volumeBinder; ``lister`` is the API server (or a snapshot of it)."""

    def __init__(self, lister: Any, bind_timeout_ms: int = 600_000) -> None:
        self.lister = lister
        self.pv_cache = AssumeCache(lister, "persistentvolumes")
        self.pvc_cache = AssumeCache(lister, "persistentvolumeclaims")
        self.bind_timeout_ms = bind_timeout_ms

    # -- lookups ----------------------------------------------------------------------------------
    def _class(self, name: str) -> Obj | None:
        return self.lister.try_get("storageclasses", name, "") if name else None

    def is_delay_binding_mode(self, claim: Obj) -> bool:
        """volume.IsDelayBindingMode."""
        name = claim_class(claim)
        if not name:
            return False
        cls = self._class(name)
        if cls is None:
            return False
        if cls.get("volumeBindingMode") is None:
            raise BinderError(f'VolumeBindingMode not set for StorageClass "{name}"')
        return cls["volumeBindingMode"] == WAIT_FOR_FIRST_CONSUMER

    def _pvc(self, namespace: str, name: str) -> Obj:
        claim = self.pvc_cache.get(f"{namespace}/{name}")
        if claim is None:
            raise BinderError(f'error getting PVC "{namespace}/{name}": persistentvolumeclaim "{name}" not found')
        return claim

    # -- PreFilter --------------------------------------------------------------------------------
    def get_pod_volume_claims(self, pod: Obj) -> PodVolumeClaims:
        """GetPodVolumeClaims: pre-bound claims (volumeName set, not yet bound) count as immediate."""
        out = PodVolumeClaims()
        ns = pod["metadata"].get("namespace", "default")
        ephemeral = {f"{pod['metadata']['name']}-{v.get('name', '')}" for v in (pod.get("spec") or {}).get("volumes")
                     or [] if v.get("persistentVolumeClaim") is None and v.get("ephemeral") is not None}
        for name in claim_names(pod):
            claim = self._pvc(ns, name)
            if name in ephemeral and not owned_by(claim, pod):
                raise BinderError(f"PVC {ns}/{name} was not created for pod {ns}/{pod['metadata']['name']} "
                                  "(pod is not owner)")
            if is_fully_bound(claim):
                out.bound.append(claim)
            elif self.is_delay_binding_mode(claim) and not (claim.get("spec") or {}).get("volumeName"):
                out.unbound_delay_binding.append(claim)
            else:
                out.unbound_immediate.append(claim)
        for claim in out.unbound_delay_binding:
            cls = claim_class(claim)
            if cls not in out.unbound_volumes_delay_binding:
                out.unbound_volumes_delay_binding[cls] = [pv for pv in self.pv_cache.list() if volume_class(pv) == cls]
        return out

    # -- Filter -----------------------------------------------------------------------------------
    def find_pod_volumes(self, pod: Obj, claims: PodVolumeClaims, node: Obj) -> tuple[PodVolumes, list[str]]:
        """FindPodVolumes: the node's reasons (empty: it fits) and the bindings/provisions it would take."""
        volumes = PodVolumes()
        bound_ok = unbound_ok = storage_ok = pvs_found = True
        node_name = node["metadata"]["name"]
        if claims.bound:
            bound_ok, pvs_found = self.check_bound_claims(claims.bound, node)
        if claims.unbound_delay_binding:
            to_match: list[Obj] = []
            to_provision: list[Obj] = []
            fast_fail = False
            for claim in claims.unbound_delay_binding:
                selected = (claim["metadata"].get("annotations") or {}).get(ANN_SELECTED_NODE)
                if selected is not None:
                    if selected != node_name:
                        unbound_ok, fast_fail = False, True  # the fast path: a claim already chose another node
                        break
                    to_provision.append(claim)
                else:
                    to_match.append(claim)
            if not fast_fail:
                if to_match:
                    unbound_ok, volumes.static_bindings, unmatched = self.find_matching_volumes(
                        to_match, claims.unbound_volumes_delay_binding, node, claims.candidates)
                    to_provision += unmatched
                if to_provision:
                    unbound_ok, storage_ok, volumes.dynamic_provisions = self.check_volume_provisions(
                        to_provision, node)
        reasons = []
        if not bound_ok:
            reasons.append(ERR_REASON_NODE_CONFLICT)
        if not unbound_ok:
            reasons.append(ERR_REASON_BIND_CONFLICT)
        if not storage_ok:
            reasons.append(ERR_REASON_NOT_ENOUGH_SPACE)
        if not pvs_found:
            reasons.append(ERR_REASON_PV_NOT_EXIST)
        return volumes, reasons

    def check_bound_claims(self, claims: list[Obj], node: Obj) -> tuple[bool, bool]:
        """checkBoundClaims: (every bound PV fits the node, every bound PV exists)."""
        labels = node["metadata"].get("labels") or {}
        for claim in claims:
            pv = self.pv_cache.get(claim["spec"]["volumeName"])
            if pv is None:
                return True, False
            if not check_node_affinity(pv, labels):
                return False, True
        return True, True

    def find_matching_volumes(self, claims: list[Obj], volumes_by_class: dict[str, list[Obj]], node: Obj,
                              candidates: dict[str, list[Obj]] | None = None
                              ) -> tuple[bool, list[BindingInfo], list[Obj]]:
        """findMatchingVolumes: smallest request first, each PV chosen at most once. ``candidates`` keeps, per
        claim, the PVs that pass FindMatchingVolume's node-independent checks, so later nodes only look at those
        (the same answer: the checks dropped are the same for every node, the order is kept)."""
        chosen: dict[str, Obj] = {}
        bindings: list[BindingInfo] = []
        unmatched: list[Obj] = []
        found = True
        for claim in sorted(claims, key=storage_request):
            volumes = volumes_by_class.get(claim_class(claim), [])
            if candidates is not None:
                key = _key(claim)
                if key not in candidates:
                    candidates[key] = [pv for pv in volumes if _free_or_for(pv, claim)
                                       and find_matching_volume(claim, [pv], None, {}, False)]
                volumes = candidates[key]
            pv = find_matching_volume(claim, volumes, node, chosen, True)
            if pv is None:
                unmatched.append(claim)
                found = False
                continue
            chosen[pv["metadata"]["name"]] = pv
            bindings.append(BindingInfo(claim, pv))
        return found, bindings, unmatched

    def check_volume_provisions(self, claims: list[Obj], node: Obj) -> tuple[bool, bool, list[Obj]]:
        """checkVolumeProvisions: (provisioning possible, enough capacity, the claims to provision)."""
        provisions = []
        labels = node["metadata"].get("labels") or {}
        for claim in claims:
            name = claim_class(claim)
            if not name:
                raise BinderError(f'no class for claim "{_key(claim)}"')
            cls = self._class(name)
            if cls is None:
                raise BinderError(f'failed to find storage class "{name}"')
            provisioner = cls.get("provisioner") or ""
            if not provisioner or provisioner == NOT_SUPPORTED_PROVISIONER:
                return False, True, []
            if not match_topology_terms(cls.get("allowedTopologies"), labels):
                return False, True, []
            if not self.has_enough_capacity(provisioner, claim, cls, node):
                return True, False, []
            provisions.append(claim)
        return True, True, provisions

    def has_enough_capacity(self, provisioner: str, claim: Obj, cls: Obj, node: Obj) -> bool:
        """hasEnoughCapacity: only for a CSIDriver with storageCapacity: true; some CSIStorageCapacity of the
        class that the node can reach has a maximumVolumeSize (else capacity) at least the request."""
        requests = ((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}
        if "storage" not in requests:
            return True
        driver = self.lister.try_get("csidrivers", provisioner, "")
        if driver is None or not (driver.get("spec") or {}).get("storageCapacity"):
            return True
        size = parse_quantity(requests["storage"])
        labels = node["metadata"].get("labels") or {}
        for cap in sorted(self.lister.store.list("csistoragecapacities"),
                          key=lambda c: (c["metadata"].get("namespace", ""), c["metadata"]["name"])):
            if cap.get("storageClassName") != cls["metadata"]["name"]:
                continue
            limit = cap.get("maximumVolumeSize") if cap.get("maximumVolumeSize") is not None else cap.get("capacity")
            if limit is None or parse_quantity(limit) < size:
                continue
            topology = cap.get("nodeTopology")
            if topology is None or not Selector.from_label_selector(topology).matches(labels):
                continue
            return True
        return False

    # -- Reserve / Unreserve ----------------------------------------------------------------------
    def are_pod_volumes_bound(self, pod: Obj) -> bool:
        ns = pod["metadata"].get("namespace", "default")
        for name in claim_names(pod):
            claim = self.pvc_cache.get(f"{ns}/{name}")
            if claim is None or not is_fully_bound(claim):
                return False
        return True

    def assume_pod_volumes(self, pod: Obj, node: str, volumes: PodVolumes) -> bool:
        """AssumePodVolumes: True when every claim is bound already; else the chosen PVs (claimRef set) and the
        claims to provision (selected-node set) go into the assume caches."""
        if self.are_pod_volumes_bound(pod):
            return True
        bindings: list[BindingInfo] = []
        try:
            for b in volumes.static_bindings:
                new_pv, dirty = bind_volume_to_claim(b.pv, b.pvc)
                if dirty:
                    self.pv_cache.assume(new_pv["metadata"]["name"], new_pv)
                bindings.append(BindingInfo(b.pvc, new_pv))
            provisions: list[Obj] = []
            for claim in volumes.dynamic_provisions:
                new_claim = copy.deepcopy(claim)
                new_claim["metadata"].setdefault("annotations", {})[ANN_SELECTED_NODE] = node
                self.pvc_cache.assume(_key(new_claim), new_claim)
                provisions.append(new_claim)
        except BinderError:
            self.revert(PodVolumes(bindings, []))
            for claim in volumes.dynamic_provisions:
                self.pvc_cache.restore(_key(claim))
            raise
        volumes.static_bindings = bindings
        volumes.dynamic_provisions = provisions
        return False

    def revert(self, volumes: PodVolumes) -> None:
        """RevertAssumedPodVolumes."""
        for b in volumes.static_bindings:
            self.pv_cache.restore(b.pv["metadata"]["name"])
        for claim in volumes.dynamic_provisions:
            self.pvc_cache.restore(_key(claim))

    # -- PreBind ------------------------------------------------------------------------------------
    def bind_api_update(self, pod: Obj, volumes: PodVolumes) -> None:
        """bindAPIUpdate: update each chosen PV (claimRef), then each claim to provision (selected-node);
        the assumptions not written yet are reverted on an error."""
        done_pvs = done_claims = 0
        try:
            for b in volumes.static_bindings:
                b.pv = self.lister.update(copy.deepcopy(b.pv))
                done_pvs += 1
            for i, claim in enumerate(volumes.dynamic_provisions):
                volumes.dynamic_provisions[i] = self.lister.update(copy.deepcopy(claim))
                done_claims += 1
        except ApiError as exc:
            raise BinderError(exc.message) from None
        finally:
            for b in volumes.static_bindings[done_pvs:]:
                self.pv_cache.restore(b.pv["metadata"]["name"])
            for claim in volumes.dynamic_provisions[done_claims:]:
                self.pvc_cache.restore(_key(claim))

    def check_bindings(self, pod: Obj, node_name: str, volumes: PodVolumes) -> bool:
        """checkBindings: True once every claim is fully bound; an error when binding must be retried (the
        pod is gone, a claimRef was reset, provisioning failed, a PV does not fit the node)."""
        node = self.lister.try_get("nodes", node_name, "")
        if node is None:
            raise BinderError(f'failed to get node "{node_name}": node "{node_name}" not found')
        labels = node["metadata"].get("labels") or {}
        md = pod["metadata"]
        if self.lister.try_get("pods", md["name"], md.get("namespace", "default")) is None:
            raise BinderError(f'pod does not exist any more: pod "{md["name"]}" not found')
        for b in volumes.static_bindings:
            name = b.pv["metadata"]["name"]
            pv = self.pv_cache.get_api(name)
            if pv is None:
                raise BinderError(f'failed to check binding: cannot convert to *v1.PersistentVolume: '
                                  f'persistentvolume "{name}" not found')
            claim = self.pvc_cache.get_api(_key(b.pvc))
            if claim is None:
                raise BinderError(f'failed to check binding: persistentvolumeclaim "{_key(b.pvc)}" not found')
            if _rv(b.pv) > _rv(pv):
                return False
            if not check_node_affinity(pv, labels):
                raise BinderError(f'pv "{name}" node affinity doesn\'t match node "{node_name}": no matching '
                                  "NodeSelectorTerms")
            ref = (pv.get("spec") or {}).get("claimRef")
            if not ref or not ref.get("uid"):
                raise BinderError(f'ClaimRef got reset for pv "{name}"')
            if not is_fully_bound(claim):
                return False
        for want in volumes.dynamic_provisions:
            claim = self.pvc_cache.get_api(_key(want))
            if claim is None:
                raise BinderError(f'failed to check provisioning pvc: persistentvolumeclaim "{_key(want)}" '
                                  "not found")
            if _rv(want) > _rv(claim):
                return False
            anns = claim["metadata"].get("annotations")
            if anns is None:
                raise BinderError(f'selectedNode annotation reset for PVC "{claim["metadata"]["name"]}"')
            if anns.get(ANN_SELECTED_NODE) != node_name:
                raise BinderError(f'provisioning failed for PVC "{claim["metadata"]["name"]}"')
            volume_name = (claim.get("spec") or {}).get("volumeName")
            if volume_name:
                pv = self.pv_cache.get_api(volume_name)
                if pv is None:
                    return False  # tolerated: the PV may not be visible yet
                if not check_node_affinity(pv, labels):
                    raise BinderError(f'pv "{volume_name}" node affinity doesn\'t match node "{node_name}": no '
                                      "matching NodeSelectorTerms")
            if not is_fully_bound(claim):
                return False
        return True


def bind_volume_to_claim(pv: Obj, claim: Obj) -> tuple[Obj, bool]:
    """volume.GetBindVolumeToClaim: a copy of the PV whose claimRef names the claim (bound-by-controller when
    the PV was not pre-bound to it), and whether anything changed."""
    bound_by_controller = not is_bound_to_claim(pv, claim)
    new = copy.deepcopy(pv)
    md = claim["metadata"]
    ref = (new.get("spec") or {}).get("claimRef") or {}
    dirty = False
    if (ref.get("name") != md["name"] or ref.get("namespace") != md.get("namespace", "")
            or ref.get("uid") != md.get("uid", "")):
        new.setdefault("spec", {})["claimRef"] = {
            "kind": "PersistentVolumeClaim", "namespace": md.get("namespace", ""), "name": md["name"],
            "uid": md.get("uid", ""), "apiVersion": "v1", "resourceVersion": md.get("resourceVersion", "")}
        dirty = True
    anns = new["metadata"].setdefault("annotations", {})
    if bound_by_controller and ANN_BOUND_BY_CONTROLLER not in anns:
        anns[ANN_BOUND_BY_CONTROLLER] = "yes"
        dirty = True
    if not anns:
        new["metadata"].pop("annotations")
    return new, dirty
