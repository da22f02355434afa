"""The simulated kube-apiserver: REST semantics over a swappable ``Store``.

Requests go through the same stages as upstream's generic registry: REST
mapping, namespace checks, defaulting, mutating admission, validation, then a
write to storage whose watch event is fanned out to informers. Objects handed
out by ``get``/``list`` are the stored ones: treat them as read-only (as
client-go treats its informer cache) and write through ``update``/``patch``.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterable
from typing import Any

from kspec.api import admission, admission_chain, merge
from kspec.api.allocators import NODE_PORT_RANGE, SERVICE_CIDR, IPAllocator, PortAllocator
from kspec.api.decoding import decode
from kspec.api.defaults import DEFAULTERS, apply_defaults
from kspec.api.kinds import Kind, find_kind, kind_for, resource_for
from kspec.api.service_strategy import drop_type_dependent_fields
from kspec.api.validation import VALIDATORS, invalid_error, known_valid_generic, validate
from kspec.api.validation_storage import admit_resize
from kspec.api.watchcache import WatchCache
from kspec.auth import authz, reviews
from kspec.auth.user import UserInfo
from kspec.clock import Clock
from kspec.errors import ApiError, already_exists, bad_request, conflict, not_found, unavailable
from kspec.informers import Informers
from kspec.labels import Selector
from kspec.objects import Obj, clone, name_suffix, parse_timestamp, set_condition, timestamp
from kspec.seeding import seeded
from kspec.store import KeyExists, KeyNotFound, RevisionMismatch, Store, StoreError, Unavailable, WatchEvent

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
#: Where the simulated control plane's kube-apiserver listens (the kubernetes Service's endpoint).
APISERVER_ADDRESS = "172.18.0.1"
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
#: Writes to these do not count as change for ``settle``: heartbeats, and events (a log, not state).
QUIET_RESOURCES = frozenset({"leases", "events"})
_NOT_SPEC = frozenset({"metadata", "status", "apiVersion", "kind"})
_AUTH_KINDS = frozenset({"ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
_AUTH_OBJECTS = frozenset({("ConfigMap", "kube-root-ca.crt")})  # the root CA publisher's
#: metadata a create drops: the server sets it (resourceVersion on commit) or a delete does
_SERVER_SET_ON_CREATE = ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds")
#: kubectl's last-applied text: what json.dumps(obj, separators=(",", ":"), sort_keys=True) makes, without an
#: encoder made per apply (an encoder keeps no state between calls)
_LAST_APPLIED_JSON = json.JSONEncoder(separators=(",", ":"), sort_keys=True)
#: the API groups whose creates are answered, never stored (SubjectAccessReview, TokenReview, ...)
_REVIEW_GROUPS = ("authorization.k8s.io", "authentication.k8s.io")
#: KSPEC_CHECK_OWNED=1: create_owned takes create's whole path (to compare)
_CHECK_OWNED = os.environ.get("KSPEC_CHECK_OWNED", "") not in ("", "0")
def _plain_kind(kind_name: Any, kind: Kind) -> bool:
    """A kind whose create has no defaulter, no mutating plugin and no validator of its own to run (a Lease, an
    Event): only the generic metadata validation. ``kind_name``: the body's kind, which the
    defaulting and validation tables are read by."""
    return kind_name not in DEFAULTERS and kind_name not in VALIDATORS and kind_name != "Pod" \
        and kind.kind not in admission.ADMISSION


#: kinds whose new objects get metadata.generation even without a spec
_GENERATION_WITHOUT_SPEC = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"})


class APIServer:
    def __init__(self, store: Store, clock: Clock, rng: random.Random) -> None:
        self.store = store
        self.clock = clock
        self.rng = rng
        # EndpointSlices draw their uids from a stream of their own, seeded from the cluster's without
        # drawing from it: the slices the controllers write leave every other object's uid and name as before
        prefix = rng.getstate()[1][:4]
        self._slice_rng = seeded(f"endpointslices/{prefix}")
        # ... and so do service accounts and RBAC objects (the bootstrap policy, the default accounts)
        self._auth_rng = seeded(f"auth/{prefix}")
        self.informers = Informers(clock)
        self.service_ips = IPAllocator(SERVICE_CIDR, rng)
        self.node_ports = PortAllocator(*NODE_PORT_RANGE, rng)
        self.writes = 0
        #: the cacher above etcd: how a client's consistent or resourceVersion=0 read is served (watchcache.py)
        self.watch_cache = WatchCache(self)
        #: the warnings the last create returned (PodSecurity's warn mode), as kubectl prints after "Warning: "
        self.warnings: list[str] = []
        #: who sends the request being served (authentication's user.Info); None: a control-plane component's
        #: own loopback request, which is in system:masters. Admission may read it too.
        self.user: UserInfo | None = None
        self._authorized = False  # the outer request was authorized: the calls it makes inside are not again
        #: the object a status subresource write is committing: its watch event is status-only (informers.py)
        self._status_write: Obj | None = None
        store.subscribe(self._on_commit)

    # -- plumbing -----------------------------------------------------------
    def attach_store(self, store: Store) -> None:
        self.store = store
        store.subscribe(self._on_commit)

    def _on_commit(self, event: WatchEvent) -> None:
        self.writes += 1
        if event.resource not in QUIET_RESOURCES and (event.resource != "nodes" or not _heartbeat_only(event)):
            self.clock.changes += 1
        # identity, not comparison: the object a status write built (spec and every other part the stored one's,
        # metadata a copy of it), committed against the stored object's resourceVersion, so it is the status
        # alone that changed; an etcd entry applied later than its request is simply not marked
        self.informers.notify(event, event.obj is self._status_write)

    def _new_uid(self, kind: str = "", name: str = "") -> str:
        bits = (self._slice_rng if kind == "EndpointSlice" else
                self._auth_rng if kind in _AUTH_KINDS or (kind, name) in _AUTH_OBJECTS else self.rng).getrandbits
        # a version-4 UUID drawn from the cluster's seeded generator, never from the OS
        return f"{bits(32):08x}-{bits(16):04x}-4{bits(12):03x}-{0x8000 | bits(14):04x}-{bits(48):012x}"

    def _store_call(self, fn: Callable[[], Obj], kind: Kind, name: str) -> Obj:
        try:
            return fn()
        except StoreError as exc:
            raise _api_error(exc, kind, name) from None

    def _authorize(self, verb: str, kind: Kind, namespace: str | None, name: str = "", subresource: str = "") -> None:
        """The WithAuthorization filter (kspec/auth/authz.py); free when the control plane itself asks."""
        if self.user is not None and not self._authorized:
            authz.check(self, self.user, verb, kind, namespace, name, subresource)

    def _inside(self, fn: Callable[[], Any]) -> Any:
        """Run the calls one authorized request makes (apply's create or patch, patch's get and update)."""
        if self.user is None or self._authorized:
            return fn()
        self._authorized = True
        try:
            return fn()
        finally:
            self._authorized = False

    # -- reads --------------------------------------------------------------
    def get(self, resource: str, name: str, namespace: str = "default") -> Obj:
        obj = self.try_get(resource, name, namespace)
        if obj is None:
            raise not_found(resource_for(resource).group_resource, name)
        return obj

    def try_get(self, resource: str, name: str, namespace: str = "default") -> Obj | None:
        kind = resource_for(resource)
        if self.user is not None:  # _authorize's own test, before its call: components read unauthorized
            self._authorize("get", kind, namespace, name)
        return self.store.get(kind.resource, namespace if kind.namespaced else "", name)

    def list(self, resource: str, namespace: str | None = None,
             selector: str | Selector | None = None) -> list[Obj]:
        kind = resource_for(resource)
        if self.user is not None:  # _authorize's own test, before its call: components read unauthorized
            self._authorize("list", kind, namespace)
        items = self.store.list(kind.resource, namespace if kind.namespaced else None)
        if selector is None:
            return items
        sel = Selector.parse(selector) if isinstance(selector, str) else selector
        return [o for o in items if sel.matches(o["metadata"].get("labels"))]

    # -- create -------------------------------------------------------------
    def create(self, obj: Obj, *, dry_run: bool = False, pending_namespaces: Iterable[str] = (),
               _decoded: bool = False, _prepared: Kind | None = None) -> Obj:
        """POST. ``_prepared``: apply's kind for a manifest it decoded and ran through ``_prepare`` already (the
        REST mapping and namespace checks, unchanged since: a second pass would find the same), so only the
        create's authorization is left of that stage."""
        self.warnings = []
        if not _decoded:  # apply has decoded its manifest already: a second pass would change nothing
            obj = decode(obj)  # typed decoding first, as the handlers do; a fresh copy
        if _prepared is None:
            kind = self._prepare(obj, pending_namespaces, verb="create")
        else:
            kind = _prepared
            if self.user is not None and not self._authorized:  # _prepare's authorization for a create
                self._authorize("create", kind, obj["metadata"].get("namespace") or "default", "")
        md = obj["metadata"]
        if kind.group in _REVIEW_GROUPS:
            return reviews.answer(self, obj, kind, self.user)  # answered, never stored
        if not md.get("name") and md.get("generateName"):
            md["name"] = md["generateName"] + name_suffix(self.rng)
        # the uid exists before admission, as upstream's BeforeCreate fills it (the Job registry selects by it)
        md["uid"] = self._new_uid(kind.kind, md.get("name", ""))
        # a plain kind (a Lease, a StorageClass, an Event): no defaulter and no mutating plugin to run, and only the
        # generic metadata validation, whose memo fast path answers for known-valid metadata without three calls
        plain = _plain_kind(obj.get("kind"), kind)
        if not plain:
            apply_defaults(obj)
            admission_chain.mutate(obj, self)  # LimitRanger: pods alone
            mutate = admission.ADMISSION.get(kind.kind)
            if mutate is not None:
                mutate(obj, self)
        if self.user is not None and kind.group == "rbac.authorization.k8s.io":
            authz.confirm_rbac_write(self, self.user, obj, kind, None)
        if not plain or not known_valid_generic(md):
            errors = validate(obj, None)  # _validate's body: one call fewer per create
            if errors:
                raise invalid_error(obj, errors)
        if self.store.get(kind.resource, md["namespace"] if kind.namespaced else "", md["name"]) is not None:
            raise already_exists(kind.group_resource, md["name"])
        self.warnings = admission_chain.validate(obj, self, kind, dry_run=dry_run)
        if dry_run:
            return obj
        if kind.kind == "Service":
            self._allocate_service(obj, None)
        try:
            return self._store_new(kind, obj)
        except ApiError:
            if kind.kind == "Service":
                self._release_service(obj)
            raise

    def _store_new(self, kind: Kind, obj: Obj) -> Obj:
        """A create's last step, once everything has accepted ``obj``: the fields the server sets, then the commit
        (a store error in the API's words, _store_call's translation without a closure per create)."""
        md = obj["metadata"]
        if not md.keys().isdisjoint(_SERVER_SET_ON_CREATE):  # rarely any: a body a client read back
            for field in _SERVER_SET_ON_CREATE:
                md.pop(field, None)
        md["creationTimestamp"] = timestamp(self.clock.now)
        if "spec" in obj or kind.kind in _GENERATION_WITHOUT_SPEC:
            md["generation"] = 1
        try:
            return self.store.create(kind.resource, obj)
        except StoreError as exc:
            raise _api_error(exc, kind, md["name"]) from None

    def create_owned(self, obj: Obj) -> Obj:
        """A create by a simulated component of an object it built itself, well-formed by construction (a node's
        Lease: named after the node, whose own create validated that name): in its decoded shape, named, of a plain
        kind (no defaulter, no mutating plugin, the generic metadata validation alone). ``create(obj,
        _decoded=True)`` without the steps that would change nothing and find nothing: the REST mapping's checks
        but the namespace's, the defaulting and admission calls, the validation. The same uid draw, stored object
        and watch event. Anything else takes ``create``: a user's request (authorization), a kind with more to
        do, quotas to charge, a namespace missing or terminating, a resourceVersion or no name in the body; so
        does every call under ``KSPEC_CHECK_OWNED=1``, to compare."""
        md = obj["metadata"]
        kind = find_kind(obj["apiVersion"], obj["kind"])
        if kind is None or self.user is not None or _CHECK_OWNED or not md.get("name") or "resourceVersion" in md \
                or not _plain_kind(obj["kind"], kind) or kind.group in _REVIEW_GROUPS:
            return self.create(obj, _decoded=True)
        if kind.namespaced:
            ns = md.get("namespace") or "default"
            ns_obj = self.store.get("namespaces", "", ns)
            if ns_obj is None or ns_obj.get("status", {}).get("phase") == "Terminating" \
                    or admission_chain.charges_quota(self):
                return self.create(obj, _decoded=True)  # which refuses it, or charges the quota
            md["namespace"] = ns
        else:
            md.pop("namespace", None)
        obj["apiVersion"] = kind.api_version  # _prepare's canonical version
        self.warnings = []  # what create's admission returns for a plain kind
        md["uid"] = self._new_uid(kind.kind, md["name"])
        if self.store.get(kind.resource, md.get("namespace", ""), md["name"]) is not None:
            raise already_exists(kind.group_resource, md["name"])
        return self._store_new(kind, obj)

    def _prepare(self, obj: Obj, pending_namespaces: Iterable[str] = (), verb: str = "") -> Kind:
        """REST mapping and namespace checks shared by every write; ``verb``: the request is authorized for it
        first, as the WithAuthorization filter runs before any handler (a create names no object)."""
        if not isinstance(obj, dict):
            raise bad_request("the object is not a mapping")
        api_version, kind_name = obj.get("apiVersion"), obj.get("kind")
        if not api_version or not kind_name:
            raise bad_request(f"Object 'apiVersion' is missing in '{_short(obj)}'" if not api_version
                              else f"Object 'Kind' is missing in '{_short(obj)}'")
        kind = kind_for(api_version, kind_name)
        obj["apiVersion"] = kind.api_version
        md = obj.get("metadata")
        if not isinstance(md, dict):
            md = obj["metadata"] = {}
        if verb and self.user is not None and not self._authorized:  # _authorize's own test, before its call
            self._authorize(verb, kind, md.get("namespace") or "default",
                            "" if verb == "create" else str(md.get("name") or ""))
        if kind.namespaced:
            ns = md.get("namespace") or "default"
            md["namespace"] = ns
            ns_obj = self.store.get("namespaces", "", ns)
            if ns_obj is None and ns not in pending_namespaces:
                raise not_found("namespaces", ns)
            if ns_obj is not None and ns_obj.get("status", {}).get("phase") == "Terminating" \
                    and "resourceVersion" not in md:
                raise ApiError(403, "Forbidden", f'{kind.resource} "{md.get("name", "")}" is forbidden: '
                               f"unable to create new content in namespace {ns} because it is being "
                               "terminated")
        else:
            md.pop("namespace", None)
        return kind

    def _validate(self, obj: Obj, old: Obj | None) -> None:
        errors = validate(obj, old)
        if errors:
            raise invalid_error(obj, errors)

    # -- update -------------------------------------------------------------
    def update(self, obj: Obj, *, status: bool = False) -> Obj:
        """PUT: replace the object (or, with ``status``, only its status) with optimistic locking."""
        obj = decode(obj)
        kind = self._prepare(obj)
        md = obj["metadata"]
        name = md.get("name", "")
        self._authorize("update", kind, md.get("namespace"), name, "status" if status else "")
        old = self.store.get(kind.resource, md.get("namespace", ""), name)
        if old is None:
            raise not_found(kind.group_resource, name)
        rv = md.get("resourceVersion")
        if rv and rv != old["metadata"].get("resourceVersion"):
            raise conflict(kind.group_resource, name)
        if status:
            new = clone(old)
            new["status"] = obj.get("status", {})
            obj = new
        else:
            # fields the server owns survive a PUT that leaves them out
            for field in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                          "generation"):
                if field in old["metadata"]:
                    md[field] = old["metadata"][field]
                else:
                    md.pop(field, None)
            if "status" in old:
                obj["status"] = old["status"]
            apply_defaults(obj)
            if kind.kind == "Service":
                drop_type_dependent_fields(obj.setdefault("spec", {}), old.get("spec", {}))
                self._carry_service_allocations(obj, old)
            if self.user is not None and kind.group == "rbac.authorization.k8s.io":
                authz.confirm_rbac_write(self, self.user, obj, kind, old)
            self._validate(obj, old)
            if kind.kind == "PersistentVolumeClaim":
                admit_resize(obj, old, self)  # the PersistentVolumeClaimResize admission plugin
            self.warnings = admission_chain.validate_update(obj, old, self, kind)
            if kind.kind == "Service":
                self._allocate_service(obj, old)
            if _spec_of(obj) != _spec_of(old) and "generation" in md:
                md["generation"] = md["generation"] + 1
        # Store.shouldDeleteDuringUpdate: the last finalizer gone and no grace period left to run
        if md.get("deletionTimestamp") and not md.get("finalizers") and not (
                kind.kind == "Namespace" and obj.get("spec", {}).get("finalizers")) and not (
                old["metadata"].get("deletionGracePeriodSeconds")):
            return self._store_call(lambda: self._remove(kind, old), kind, name)
        self._status_write = obj if status else None  # a status update: the status alone differs from old's
        try:
            return self._store_call(lambda: self.store.update(kind.resource, obj, old["metadata"]["resourceVersion"]),
                                    kind, name)
        finally:
            self._status_write = None

    def update_status(self, obj: Obj) -> Obj:
        return self.update(obj, status=True)

    def patch(self, resource: str, name: str, namespace: str, mutate: Callable[[Obj], object],
              *, status: bool = False, subresource: str = "") -> Obj:
        """Read-modify-write: ``mutate`` edits a private copy of the live object. ``subresource`` (``scale``)
        is the one a client would patch, for authorization."""
        self._authorize("patch", resource_for(resource), namespace, name, "status" if status else subresource)
        return self._inside(lambda: self._patch(resource, name, namespace, mutate, status))

    def _patch(self, resource: str, name: str, namespace: str, mutate: Callable[[Obj], object],
               status: bool) -> Obj:
        live = self.get(resource, name, namespace)
        new = clone(live)
        mutate(new)
        if new == live:
            return live
        return self.update(new, status=status)

    def write_status(self, resource: str, name: str, namespace: str, status: Obj, *, typed: bool = False,
                     resource_version: str | None = None) -> Obj:
        """PUT the status subresource with ``status``: ``patch(..., lambda o: o.__setitem__("status", status),
        status=True)`` without copying the whole object twice and decoding its spec again.

        Only the status is decoded (what ``update(status=True)`` keeps of the body), and not even that when the
        writer built it in its typed shape (``typed``: the kubelet, as client-go sends a Go struct), where
        decoding would return it unchanged. The new object shares every other part with the old one, which
        stored objects being read-only makes safe. With ``resource_version`` it is ``update_status`` of an
        object read at that version: a conflict if the object changed since.
        """
        kind = resource_for(resource)
        ns = namespace if kind.namespaced else ""
        live = self.store.get(kind.resource, ns, name)
        if live is None:
            raise not_found(kind.group_resource, name)
        if resource_version is not None:
            if resource_version != live["metadata"].get("resourceVersion"):
                raise conflict(kind.group_resource, name)
        elif "status" in live and live["status"] == status:
            return live  # patch's no-op: nothing to write
        md = live["metadata"]
        if typed:  # no body to build: the status is the new object's as it is
            if kind.namespaced and self.store.get("namespaces", "", md["namespace"]) is None:
                # _prepare's outcome for a typed body made of a stored object (canonical apiVersion, its namespace
                # set, a resourceVersion, so a terminating namespace refuses nothing): the namespace must exist
                raise not_found("namespaces", md["namespace"])
            new_md = dict(md)
        else:
            body = decode({"apiVersion": live["apiVersion"], "kind": live["kind"], "status": status})
            new_md = body["metadata"] = dict(md)
            self._prepare(body)  # the namespace checks of every write
            status = body.get("status", {})
        # a stored object's metadata comes out of _prepare as it went in (its namespace is set, or absent when
        # cluster-scoped): that copy is the new object's
        new = {**live, "metadata": new_md, "status": status}
        if md.get("deletionTimestamp") and not md.get("finalizers") and not (
                kind.kind == "Namespace" and new.get("spec", {}).get("finalizers")) and not (
                md.get("deletionGracePeriodSeconds")):
            return self._store_call(lambda: self._remove(kind, live), kind, name)
        self._status_write = new  # the status alone differs from the stored object's (informers.py, on_status)
        try:  # _store_call's translation, without a closure per write
            return self.store.update(kind.resource, new, md["resourceVersion"])
        except StoreError as exc:
            raise _api_error(exc, kind, name) from None
        finally:
            self._status_write = None

    def update_owned(self, live: Obj, new: Obj, *, spec_changed: bool | None = None) -> Obj:
        """An update by a simulated component that sets fields it owns to values valid by construction (a
        Lease's renewTime): what decoding, defaulting and validation would leave unchanged, so they are not
        run. ``new`` is ``live`` with those fields replaced, sharing the rest; the update's other effects stay
        (generation, optimistic locking). ``spec_changed`` says whether more than status and metadata changed,
        when the caller knows, so the objects are not compared."""
        md = new["metadata"] = dict(new["metadata"])
        # _prepare's namespace checks, for an object read from the store (its apiVersion, kind and namespace are
        # canonical, and with a resourceVersion a terminating namespace refuses nothing): the namespace exists
        kind = kind_for(new["apiVersion"], new["kind"])
        if kind.namespaced and self.store.get("namespaces", "", md["namespace"]) is None:
            raise not_found("namespaces", md["namespace"])
        if spec_changed is None:
            spec_changed = _spec_of(new) != _spec_of(live)
        if spec_changed and "generation" in md:
            md["generation"] = md["generation"] + 1
        if md.get("deletionTimestamp") and not md.get("finalizers") and not (
                live["metadata"].get("deletionGracePeriodSeconds")):
            return self._store_call(lambda: self._remove(kind, live), kind, md["name"])
        try:
            return self.store.update(kind.resource, new, live["metadata"]["resourceVersion"])
        except StoreError as exc:  # no closure per renewal: _store_call's translation, applied here
            raise _api_error(exc, kind, md["name"]) from None

    def bind(self, namespace: str, name: str, node: str) -> Obj:
        """POST pods/binding: set spec.nodeName once (BindingREST.setPodNodeAndMetadata)."""
        live = self.store.get("pods", namespace, name)
        if live is None:
            raise not_found("pods", name)
        if live["metadata"].get("deletionTimestamp"):
            raise ApiError(409, "Conflict", f"pod {name} is being deleted, cannot be assigned to a host")
        if live["spec"].get("nodeName"):
            raise ApiError(409, "Conflict", f"pod {name} is already assigned to node "
                           f'"{live["spec"]["nodeName"]}"')
        # copy-on-write: stored objects are read-only, so the new version shares every part the binding
        # leaves alone (containers, volumes, labels...) and copies only what it writes: the top level,
        # metadata (the store sets resourceVersion), spec (nodeName) and status with its conditions
        pod = {**live, "metadata": dict(live["metadata"]), "spec": {**live["spec"], "nodeName": node}}
        status = live.get("status")
        if status is not None:
            pod["status"] = {**status, "conditions": [dict(c) for c in status.get("conditions") or []]}
        set_condition(pod, "PodScheduled", "True", self.clock.now)
        try:  # _store_call's translation, without a closure per binding
            return self.store.update("pods", pod, live["metadata"]["resourceVersion"])
        except StoreError as exc:
            raise _api_error(exc, resource_for("pods"), name) from None

    # -- apply (kubectl apply's client-side three-way merge) -----------------
    def apply(self, obj: Obj, *, dry_run: bool = False, pending_namespaces: Iterable[str] = ()) -> Obj:
        self.warnings = []
        manifest = decode(obj)
        decoded_as = manifest.get("apiVersion")
        # kubectl apply reads the live object first (a GET), then creates it or patches it
        named = isinstance(manifest.get("metadata"), dict) and bool(manifest["metadata"].get("name"))
        kind = self._prepare(manifest, pending_namespaces, verb="get" if named else "")
        md = manifest["metadata"]
        last = _LAST_APPLIED_JSON.encode(obj)  # json.dumps(obj, separators=(",", ":"), sort_keys=True)
        md.setdefault("annotations", {})[LAST_APPLIED] = last
        live = self.store.get(kind.resource, md.get("namespace", ""), md.get("name", ""))
        if live is None or not md.get("name"):
            decoded = manifest["apiVersion"] == decoded_as
            return self.create(manifest, dry_run=dry_run, pending_namespaces=pending_namespaces, _decoded=decoded,
                               _prepared=kind if decoded else None)
        previous = json.loads(live["metadata"].get("annotations", {}).get(LAST_APPLIED, "{}"))
        merged = merge.three_way(live, previous, manifest)
        merged["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
        self._authorize("patch", kind, md.get("namespace"), md.get("name", ""))
        if dry_run:
            probe = clone(merged)
            apply_defaults(probe)
            self._validate(probe, live)
            return probe
        return self._inside(lambda: self.update(merged))

    # -- delete -------------------------------------------------------------
    def delete(self, resource: str, name: str, namespace: str = "default", *,
               grace_period_seconds: int | None = None, propagation: str = "Background") -> Obj | None:
        """Graceful delete. Returns the object if it lingers (terminating), None once it is gone."""
        kind = resource_for(resource)
        self._authorize("delete", kind, namespace, name)
        ns = namespace if kind.namespaced else ""
        live = self.store.get(kind.resource, ns, name)
        if live is None:
            raise not_found(kind.group_resource, name)
        admission_chain.check_delete(kind, name)
        # only metadata (and a namespace's status) change below: copy those, share the rest with the stored revision
        obj = {**live, "metadata": clone(live["metadata"])}
        if kind.kind == "Namespace" and "status" in live:
            obj["status"] = clone(live["status"])
        md = obj["metadata"]
        finalizers = list(md.get("finalizers") or [])
        if propagation == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        elif propagation == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        if md.get("deletionTimestamp"):
            grace = self._shorten_grace(md, grace_period_seconds)
        else:
            grace = self._grace_period(kind, obj, grace_period_seconds)
            md["deletionTimestamp"] = timestamp(self.clock.now + grace * 1000)
            md["deletionGracePeriodSeconds"] = grace
            if "generation" in md:
                md["generation"] += 1  # the first deletion request bumps it (BeforeDelete, markAsDeleting)
        linger = bool(finalizers) or grace > 0
        if kind.kind == "Namespace" and "kubernetes" in (obj.get("spec", {}).get("finalizers") or []):
            # the namespace controller empties it, then drops the spec finalizer
            obj["status"]["phase"] = "Terminating"
            linger = True
        if not linger:
            self._store_call(lambda: self._remove(kind, live), kind, name)
            return None
        if finalizers:
            md["finalizers"] = finalizers
        if obj == live:
            return live
        return self._store_call(
            lambda: self.store.update(kind.resource, obj, live["metadata"]["resourceVersion"]), kind, name)

    def _grace_period(self, kind: Kind, obj: Obj, asked: int | None) -> int:
        """Only pods are deleted gracefully; unscheduled or finished pods go at once (pod strategy)."""
        if kind.kind != "Pod":
            return 0
        spec = obj.get("spec", {})
        if not spec.get("nodeName") or obj.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            return 0
        grace = asked if asked is not None else spec.get("terminationGracePeriodSeconds", 30)
        return max(0, int(grace))

    def _shorten_grace(self, md: dict[str, Any], asked: int | None) -> int:
        """A repeated delete may only shorten a pending grace period (rest.BeforeDelete)."""
        current = int(md.get("deletionGracePeriodSeconds") or 0)
        if current == 0 or asked is None or asked >= current:
            return current
        period = max(0, int(asked))
        # move the deadline back by the old period, then forward by the new one, never into the past
        due = parse_timestamp(md["deletionTimestamp"]) - current * 1000 + period * 1000
        if due < self.clock.now:
            due = self.clock.now
            if period != 0:
                period = 1  # still graceful: whoever watches does the final grace-0 delete
        md["deletionTimestamp"] = timestamp(due)
        md["deletionGracePeriodSeconds"] = period
        return period

    def _remove(self, kind: Kind, live: Obj) -> Obj:
        md = live["metadata"]
        removed = self.store.delete(kind.resource, md.get("namespace", ""), md["name"])
        if kind.kind == "Service":
            self._release_service(live)
        return removed

    def remove_finalizer(self, resource: str, name: str, namespace: str, finalizer: str) -> Obj | None:
        live = self.try_get(resource, name, namespace)
        if live is None or finalizer not in (live["metadata"].get("finalizers") or []):
            return live

        def drop(o: Obj) -> None:
            o["metadata"]["finalizers"] = [f for f in o["metadata"]["finalizers"] if f != finalizer]

        return self.patch(resource, name, namespace, drop)

    # -- services -----------------------------------------------------------
    def _carry_service_allocations(self, obj: Obj, old: Obj) -> None:
        spec, old_spec = obj.setdefault("spec", {}), old.get("spec", {})
        if not spec.get("clusterIP") and old_spec.get("clusterIP") and spec.get("type") != "ExternalName":
            spec["clusterIP"] = old_spec["clusterIP"]
            spec["clusterIPs"] = list(old_spec.get("clusterIPs") or [old_spec["clusterIP"]])
        old_ports = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
                     for p in old_spec.get("ports") or []}
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            for p in spec.get("ports") or []:
                if not p.get("nodePort") and old_ports.get((p.get("port"), p.get("protocol", "TCP"))):
                    p["nodePort"] = old_ports[(p.get("port"), p.get("protocol", "TCP"))]

    def _allocate_service(self, obj: Obj, old: Obj | None) -> None:
        """Allocate all or nothing, naming the Service in a rejection as apierrors.NewInvalid does."""
        ips, ports = set(self.service_ips.used), set(self.node_ports.used)
        try:
            self._allocate_service_addresses(obj, old)
        except ApiError as exc:
            self.service_ips.used, self.node_ports.used = ips, ports  # the transaction's rollback
            if exc.code != 422:
                raise
            # the allocators' errors read "<field>: <ErrorBody>": one field.Error, its StatusCause split out
            field, _, body = exc.message.partition(": ")
            name = str(obj["metadata"].get("name", ""))
            raise ApiError(422, "Invalid", f'Service "{name}" is invalid: {exc.message}',
                           causes=[{"reason": "FieldValueInvalid", "message": body, "field": field}],
                           details={"group": "", "kind": "Service", "name": name}) from None

    def _allocate_service_addresses(self, obj: Obj, old: Obj | None) -> None:
        spec = obj.setdefault("spec", {})
        old_spec = (old or {}).get("spec", {})
        stype = spec.get("type", "ClusterIP")
        if old is not None:
            self._release_dropped(spec, old_spec)
        if stype == "ExternalName":
            return
        ip = spec.get("clusterIP")
        if ip and ip != "None" and ip != old_spec.get("clusterIP"):
            self.service_ips.allocate(ip)
        elif not ip:
            ip = self.service_ips.allocate_next()
        spec["clusterIP"] = ip
        spec["clusterIPs"] = [ip]
        if ip != "None":
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
        if stype in ("NodePort", "LoadBalancer"):
            self.node_ports.allocate_service(spec, old_spec if old is not None else None)
        self._allocate_health_check_node_port(spec, old_spec if old is not None else None)

    def _release_dropped(self, spec: dict[str, Any], old_spec: dict[str, Any]) -> None:
        """What an update gave up goes back to its pool (alloc.go releaseIPs / updateNodePorts' release)."""
        old_ip = old_spec.get("clusterIP")
        if old_ip and old_ip != "None" and spec.get("clusterIP") != old_ip:
            self.service_ips.release(old_ip)
        kept = {p.get("nodePort") for p in spec.get("ports") or [] if p.get("nodePort")}
        for port in {p.get("nodePort") for p in old_spec.get("ports") or [] if p.get("nodePort")} - kept:
            self.node_ports.release(port)

    def _allocate_health_check_node_port(self, spec: dict[str, Any], old_spec: dict[str, Any] | None) -> None:
        """alloc.go allocHealthCheckNodePort / updateHealthCheckNodePort: a LoadBalancer with
        externalTrafficPolicy Local gets a node port for kube-proxy's health check; it goes when no longer
        needed."""
        def needs(s: dict[str, Any] | None) -> bool:
            return bool(s) and s.get("type") == "LoadBalancer" and s.get("externalTrafficPolicy") == "Local"

        held = int((old_spec or {}).get("healthCheckNodePort") or 0) if needs(old_spec) else 0
        if not needs(spec):
            if held:
                self.node_ports.release(held)
                if int(spec.get("healthCheckNodePort") or 0) == held:
                    del spec["healthCheckNodePort"]
            return
        asked = int(spec.get("healthCheckNodePort") or 0)
        if held and asked in (0, held):
            spec["healthCheckNodePort"] = held
        elif asked:
            self.node_ports.allocate(asked, "spec.healthCheckNodePort")
            spec["healthCheckNodePort"] = asked
        else:
            spec["healthCheckNodePort"] = self.node_ports.allocate_next()

    def _release_service(self, obj: Obj) -> None:
        spec = obj.get("spec", {})
        if spec.get("clusterIP") and spec["clusterIP"] != "None":
            self.service_ips.release(spec["clusterIP"])
        for p in spec.get("ports") or []:
            if p.get("nodePort"):
                self.node_ports.release(p["nodePort"])
        if spec.get("healthCheckNodePort"):
            self.node_ports.release(spec["healthCheckNodePort"])

    # -- bootstrap ----------------------------------------------------------
    def bootstrap(self) -> None:
        """What a new control plane has: system namespaces, the kubernetes and kube-dns Services, the
        bootstrap RBAC policy (the rbac/bootstrap-roles post-start hook) and the namespaces' default service
        accounts and CA bundles (the first sync of their controllers, made part of the start-up state)."""
        from kspec.auth import bootstrap as policy
        from kspec.auth.serviceaccounts import default_service_account, root_ca_config_map

        for ns in SYSTEM_NAMESPACES:
            if self.store.get("namespaces", "", ns) is None:
                self.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        for obj in [*policy.cluster_roles(), *policy.cluster_role_bindings()]:
            if self.store.get(obj["kind"].lower() + "s", "", obj["metadata"]["name"]) is None:
                self.create(obj)
        for ns in SYSTEM_NAMESPACES:
            if self.store.get("serviceaccounts", ns, "default") is None:
                self.create(default_service_account(ns))
            if self.store.get("configmaps", ns, "kube-root-ca.crt") is None:
                self.create(root_ca_config_map(ns))
        if self.store.get("services", "default", "kubernetes") is None:
            self.create({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "kubernetes", "namespace": "default",
                             "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": "10.96.0.1",
                         "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]},
            })
        if self.store.get("endpoints", "default", "kubernetes") is None:
            # the apiserver's endpoint reconciler publishes its own address
            self.create({"apiVersion": "v1", "kind": "Endpoints",
                         "metadata": {"name": "kubernetes", "namespace": "default",
                                      "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
                         "subsets": [{"addresses": [{"ip": APISERVER_ADDRESS}],
                                      "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]})
        if self.store.get("endpointslices", "default", "kubernetes") is None:
            # ... and its EndpointSlice (EndpointsAdapter's endpointSliceFromEndpoints), which kube-proxy reads
            self.create({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                         "metadata": {"name": "kubernetes", "namespace": "default",
                                      "labels": {"kubernetes.io/service-name": "kubernetes"}},
                         "addressType": "IPv4",
                         "endpoints": [{"addresses": [APISERVER_ADDRESS], "conditions": {"ready": True}}],
                         "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]})
        if self.store.get("services", "kube-system", "kube-dns") is None:
            self.create({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "kube-dns", "namespace": "kube-system",
                             "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                        "kubernetes.io/name": "CoreDNS"}},
                "spec": {"clusterIP": "10.96.0.10", "selector": {"k8s-app": "kube-dns"},
                         "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                                   {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                                   {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]},
            })


def _spec_of(obj: Obj) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in _NOT_SPEC}


def _api_error(exc: StoreError, kind: Kind, name: str) -> Exception:
    """The API error a storage error reaches clients as; a storage error without one is passed on as it is."""
    if isinstance(exc, KeyExists):
        return already_exists(kind.group_resource, name)
    if isinstance(exc, KeyNotFound):
        return not_found(kind.group_resource, name)
    if isinstance(exc, RevisionMismatch):
        return conflict(kind.group_resource, name)
    if isinstance(exc, Unavailable):
        # storage errors reach kubectl as a 500 Status with no reason (apierrors.NewInternalError's text
        # is not used for etcd timeouts: the apiserver passes the client error through)
        return unavailable(str(exc), reason="")
    return exc


def _heartbeat_only(event: WatchEvent) -> bool:
    """A node status write that only moved heartbeat times is periodic work, not change.

    Compares in place what stripped copies of each would (metadata but its resourceVersion, spec, status
    with each condition but its lastHeartbeatTime, missing conditions as none), without copying either node."""
    if event.resource != "nodes" or event.old is None or event.type != "MODIFIED":
        return False
    new, old = event.obj, event.old
    # the status but for its conditions first (images and volumes in use are what differ most), in place
    new_status, old_status = new.get("status", {}), old.get("status", {})
    new_conds, old_conds = new_status.get("conditions") or [], old_status.get("conditions") or []
    if len(new_conds) != len(old_conds) or \
            {**new_status, "conditions": None} != {**old_status, "conditions": None}:
        return False
    if {**new.get("metadata", {}), "resourceVersion": None} != {**old.get("metadata", {}), "resourceVersion": None}:
        return False
    if new.get("spec") != old.get("spec"):
        return False
    return all(a == b or {**a, "lastHeartbeatTime": None} == {**b, "lastHeartbeatTime": None}
               for a, b in zip(new_conds, old_conds, strict=True))


def _short(obj: Obj) -> str:
    text = json.dumps(obj, separators=(",", ":"), sort_keys=True)
    return text if len(text) < 80 else text[:77] + "..."


