"""The garbage collector: ownerReferences, cascading deletion, orphaning.

Like upstream's GC it keeps a graph of owners to dependents (by uid) fed by
watches on every resource, and decides per dependent as attemptToDeleteItem
does: each ownerReference is *solid* (the owner exists), *dangling* (no object
of that kind, name and uid in the dependent's namespace) or *waiting* (the owner
is being deleted in the foreground). A dependent with a solid owner only loses
its references to the others; one without is deleted (in the foreground when a
waiting owner needs it gone and it has dependents of its own). An owner deleted
in the foreground keeps the ``foregroundDeletion`` finalizer until no dependent
whose reference has ``blockOwnerDeletion`` is left; one deleted with ``orphan``
has the references to it removed from its dependents.

A reference kspec cannot resolve (an unknown kind or version) leaves the
dependent alone, as upstream's RESTMapper error does. A namespaced owner must be
in the dependent's namespace; a cluster-scoped dependent cannot have a
namespaced owner at all (it is never collected). Either mistake, once the owner
is seen elsewhere, gets the dependent a ``OwnerRefInvalidNamespace`` warning.
"""

from __future__ import annotations

from typing import Any

from kspec import templates
from kspec.api.kinds import kind_for
from kspec.controllers.base import Controller
from kspec.errors import ApiError
from kspec.objects import Obj

NAME = "garbage-collector-controller"
FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"
_SKIP = frozenset({"events", "leases"})
#: Template.derived key: uid -> ref of a template's objects, as the start-up replay finds them
_TEMPLATE_REFS = "garbage collector refs"
INVALID_NAMESPACE = "OwnerRefInvalidNamespace"


def _ref(resource: str, obj: Obj) -> str:
    md = obj["metadata"]
    return f"{resource}|{md.get('namespace', '')}|{md['name']}"


class _Refs(dict[str, str]):
    """uid -> ref of every live object: a dict that kspec/teardown.py does not walk item by item (it expands
    an attribute that is exactly a dict, to find the cluster's parts among its values; these are strings, in no
    cycle): a cluster's teardown went through some sixty refs, one more per object in a bigger scenario."""

    __slots__ = ()


class GarbageCollector(Controller):
    NAME = NAME

    def __init__(self, cluster) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cluster)
        self.dependents: dict[str, set[str]] = {}  # owner uid -> dependent refs
        self.ref_of_uid: dict[str, str] = _Refs()  # uid -> ref of the live object
        self._reported: set[tuple[str, str]] = set()  # (dependent uid, owner uid) already warned about

    def start(self) -> None:
        informers = self.api.informers
        handler = informers.on("*", self._changed, self._updated, self._deleted, ignore=_SKIP,
                               on_status=self._status_updated)
        # a new cluster's objects are its template's: their replay is the same for every such cluster
        t = templates.pristine(self.cluster) if informers.replaying and not self.ref_of_uid else None
        if t is not None:
            refs = t.derived.get(_TEMPLATE_REFS)
            if refs is not None:
                self.ref_of_uid.update(refs)
                return
        store = self.api.store
        count = getattr(store, "count", None)  # an empty resource has nothing to replay: not listed
        for kind_resource in _watched_resources():
            if count is None or count(kind_resource):
                informers.replay(handler, store.list(kind_resource))
        if t is not None and not self.dependents and not len(self.queue):
            # nothing but the uids' refs came of it (no owner, no deletion): remembered for the next cluster
            t.derived[_TEMPLATE_REFS] = dict(self.ref_of_uid)

    def _resource(self, obj: Obj) -> str | None:
        try:
            return kind_for(obj.get("apiVersion", ""), obj.get("kind", "")).resource
        except ApiError:
            return None

    def _updated(self, old: Obj, new: Obj) -> None:
        """An owner a dependent no longer refers to may be waiting for it (processDeletingDependentsItem)."""
        self._changed(new)
        kept = {o.get("uid") for o in new["metadata"].get("ownerReferences") or []}
        for owner in old.get("metadata", {}).get("ownerReferences") or []:
            if owner.get("uid") not in kept:
                resource = self._resource(new)
                deps = self.dependents.get(owner["uid"])
                if deps is not None and resource is not None:
                    deps.discard(_ref(resource, new))
                owner_ref = self.ref_of_uid.get(owner["uid"])
                if owner_ref is not None:
                    self.queue.add(owner_ref)

    def _status_updated(self, old: Obj, new: Obj) -> None:
        """A status-only update (informers.Handler.on_status) keeps the owner references, uid, name, namespace
        and deletion state ``_updated`` reads: for an object with no owners, not being deleted and with no
        dependents recorded, ``_updated`` would re-record what is recorded and queue nothing, so it is not
        called. Any of the three keeps the call (it queues keys, and when their reconciles run may matter)."""
        md = new["metadata"]
        if md.get("ownerReferences") or md.get("deletionTimestamp") or self.dependents.get(md.get("uid", "")):
            self._updated(old, new)

    def _changed(self, obj: Obj) -> None:
        resource = self._resource(obj)
        if resource is None or resource in _SKIP:
            return
        md = obj["metadata"]
        ref = f"{resource}|{md.get('namespace', '')}|{md['name']}"  # _ref
        uid = md.get("uid", "")
        self.ref_of_uid[uid] = ref
        owners = md.get("ownerReferences")
        if owners:
            for owner in owners:
                self.dependents.setdefault(owner["uid"], set()).add(ref)
            self.queue.add(ref)
        # a dependent whose owner reference named this object in the wrong namespace is looked at again
        deps = self.dependents.get(uid)
        if deps:
            for dep in sorted(deps):
                if dep.split("|")[1] != md.get("namespace", ""):
                    self.queue.add(dep)
        if md.get("deletionTimestamp") and ({FOREGROUND, ORPHAN} & set(md.get("finalizers") or [])):
            self.queue.add(ref)

    def _deleted(self, obj: Obj) -> None:
        resource = self._resource(obj)
        if resource is None or resource in _SKIP:
            return
        ref = _ref(resource, obj)
        self.ref_of_uid.pop(obj["metadata"].get("uid", ""), None)
        for dep in sorted(self.dependents.pop(obj["metadata"].get("uid", ""), ())):
            self.queue.add(dep)
        for owner in obj["metadata"].get("ownerReferences") or []:
            deps = self.dependents.get(owner["uid"])
            if deps is not None:
                deps.discard(ref)
            # a foreground owner waiting on this dependent may now finish
            owner_ref = self.ref_of_uid.get(owner["uid"])
            if owner_ref is not None:
                self.queue.add(owner_ref)

    def _get(self, ref: str) -> Obj | None:
        resource, ns, name = ref.split("|")
        return self.api.store.get(resource, ns, name)

    # -- attemptToDeleteItem ------------------------------------------------------
    def _classify(self, dependent: Obj, owner: dict[str, Any]) -> str | None:
        """isDangling and classifyReferences: ``solid``, ``dangling`` or ``waiting``; None when the reference
        cannot be resolved (an unknown kind or version, or a namespaced owner of a cluster-scoped object)."""
        try:
            kind = kind_for(owner.get("apiVersion", ""), owner.get("kind", ""))
        except ApiError:
            return None  # the RESTMapper error: retried, never collected on it
        dep_ns = dependent["metadata"].get("namespace", "")
        if kind.namespaced and not dep_ns:
            self._report_invalid(dependent, owner)  # namespacedOwnerOfClusterScopedObjectErr
            return None
        ns = dep_ns if kind.namespaced else ""
        live = self.api.store.get(kind.resource, ns, owner.get("name", ""))
        if live is None or live["metadata"].get("uid") != owner.get("uid"):
            if kind.namespaced:
                self._report_invalid(dependent, owner)
            return "dangling"
        md = live["metadata"]
        if md.get("deletionTimestamp") and FOREGROUND in (md.get("finalizers") or []):
            return "waiting"
        return "solid"

    def _report_invalid(self, dependent: Obj, owner: dict[str, Any]) -> None:
        """reportInvalidNamespaceOwnerRef: the owner's uid belongs to an object in another namespace."""
        seen = self.ref_of_uid.get(owner.get("uid", ""))
        ns = dependent["metadata"].get("namespace", "")
        if seen is None or seen.split("|")[1] == ns:
            return
        key = (dependent["metadata"].get("uid", ""), owner.get("uid", ""))
        if key in self._reported:
            return
        self._reported.add(key)
        identity = (f"[{owner.get('apiVersion', '')}/{owner.get('kind', '')}, namespace: {ns}, "
                    f"name: {owner.get('name', '')}, uid: {owner.get('uid', '')}]")
        self.events.event(dependent, "Warning", INVALID_NAMESPACE,
                          f'ownerRef {identity} does not exist in namespace "{ns}"', component=NAME)

    def reconcile(self, ref: str) -> None:
        obj = self._get(ref)
        if obj is None:
            return
        resource, ns, name = ref.split("|")
        md = obj["metadata"]
        finalizers = md.get("finalizers") or []
        if md.get("deletionTimestamp") and ORPHAN in finalizers:
            self._orphan_dependents(obj)
            self.api.remove_finalizer(resource, name, ns, ORPHAN)
            return
        if md.get("deletionTimestamp") and FOREGROUND in finalizers:
            self._process_deleting_dependents(obj, resource, name, ns)
            return
        if md.get("deletionTimestamp"):
            return  # already being deleted
        owners = md.get("ownerReferences") or []
        if not owners:
            return
        classes: dict[str, list[dict[str, Any]]] = {"solid": [], "dangling": [], "waiting": []}
        for owner in owners:
            kind = self._classify(obj, owner)
            if kind is None:
                return
            classes[kind].append(owner)
        if classes["solid"]:
            drop = {o["uid"] for o in classes["dangling"] + classes["waiting"]}
            if drop:
                self.api.patch(resource, name, ns or "default", lambda o: o["metadata"].__setitem__(
                    "ownerReferences", [r for r in o["metadata"]["ownerReferences"] if r["uid"] not in drop]))
            return
        if classes["waiting"] and self._dependents_of(obj):
            # an owner waits for this one, which has dependents of its own: it goes in the foreground
            self.api.delete(resource, name, ns or "default", propagation="Foreground")
            return
        policy = "Orphan" if ORPHAN in finalizers else "Foreground" if FOREGROUND in finalizers else "Background"
        self.api.delete(resource, name, ns or "default", propagation=policy)

    def _dependents_of(self, obj: Obj) -> list[tuple[str, Obj]]:
        """The live objects that still refer to ``obj`` by uid."""
        uid = obj["metadata"].get("uid", "")
        out = []
        for dep in sorted(self.dependents.get(uid, ())):
            live = self._get(dep)
            if live is not None and any(r.get("uid") == uid for r in live["metadata"].get("ownerReferences") or []):
                out.append((dep, live))
        return out

    def _process_deleting_dependents(self, owner: Obj, resource: str, name: str, ns: str) -> None:
        """processDeletingDependentsItem: every dependent is looked at (each decides for itself, as the graph
        builder queues them when the owner starts deleting); the finalizer goes once none that blocks is left."""
        uid = owner["metadata"].get("uid", "")
        deps = self._dependents_of(owner)
        blocking = [dep for dep, live in deps
                    if any(r.get("uid") == uid and r.get("blockOwnerDeletion")
                           for r in live["metadata"].get("ownerReferences") or [])]
        if not blocking:
            self.api.remove_finalizer(resource, name, ns, FOREGROUND)
        for dep, live in deps:
            if not live["metadata"].get("deletionTimestamp"):
                self.queue.add(dep)

    def _orphan_dependents(self, owner: Obj) -> None:
        uid = owner["metadata"].get("uid")
        for dep, _live in self._dependents_of(owner):
            resource, ns, name = dep.split("|")
            self.api.patch(resource, name, ns or "default", lambda o: o["metadata"].__setitem__(
                "ownerReferences", [r for r in o["metadata"].get("ownerReferences", []) if r["uid"] != uid]))
        self.dependents.pop(uid, None)


_WATCHED: list[Any] = [None, ()]  # [the kinds table it was worked out from, the resources]


def _watched_resources() -> tuple[str, ...]:
    """Every resource but events and leases, sorted: the start-up replay's order (worked out once per table)."""
    kinds = _all_kinds()
    if _WATCHED[0] is not kinds:
        _WATCHED[:] = [kinds, tuple(sorted({k.resource for k in kinds} - _SKIP))]
    return _WATCHED[1]


def _all_kinds():  # type: ignore[no-untyped-def]
    from kspec.api.kinds import KINDS

    return KINDS
