"""The garbage collector: ownerReferences, cascading deletion, orphaning.

Like upstream's GC it keeps a graph of owners to dependents (by uid) fed by
watches on every resource. A dependent whose owners are all gone is deleted
(background propagation); an owner deleted in the foreground waits, with the
``foregroundDeletion`` finalizer, until its dependents are gone; an owner
deleted with ``orphan`` has the references to it removed from its dependents.
"""

from __future__ import annotations

from kspec.api.kinds import kind_for
from kspec.controllers.base import Controller
from kspec.errors import ApiError
from kspec.objects import Obj

NAME = "garbage-collector-controller"
FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"
_SKIP = frozenset({"events", "leases"})


def _ref(resource: str, obj: Obj) -> str:
    md = obj["metadata"]
    return f"{resource}|{md.get('namespace', '')}|{md['name']}"


class GarbageCollector(Controller):
    NAME = NAME

    def __init__(self, cluster) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cluster)
        self.dependents: dict[str, set[str]] = {}  # owner uid -> dependent refs
        self.ref_of_uid: dict[str, str] = {}  # uid -> ref of the live object

    def start(self) -> None:
        handler = self.api.informers.on("*", self._changed, lambda _o, n: self._changed(n), self._deleted,
                                        ignore=_SKIP)
        for kind_resource in sorted({k.resource for k in _all_kinds()} - _SKIP):
            self.api.informers.replay(handler, self.api.store.list(kind_resource))

    def _resource(self, obj: Obj) -> str | None:
        try:
            return kind_for(obj.get("apiVersion", ""), obj.get("kind", "")).resource
        except ApiError:
            return None

    def _changed(self, obj: Obj) -> None:
        resource = self._resource(obj)
        if resource is None or resource in _SKIP:
            return
        ref = _ref(resource, obj)
        md = obj["metadata"]
        self.ref_of_uid[md.get("uid", "")] = ref
        owners = md.get("ownerReferences") or []
        for owner in owners:
            self.dependents.setdefault(owner["uid"], set()).add(ref)
        if owners:
            self.queue.add(ref)
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

    def _owner_alive(self, dependent: Obj, owner: dict) -> bool:
        try:
            kind = kind_for(owner.get("apiVersion", ""), owner.get("kind", ""))
        except ApiError:
            return False
        ns = dependent["metadata"].get("namespace", "") if kind.namespaced else ""
        live = self.api.store.get(kind.resource, ns, owner["name"])
        return live is not None and live["metadata"].get("uid") == owner["uid"]

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
            if self._delete_dependents(obj) == 0:
                self.api.remove_finalizer(resource, name, ns, FOREGROUND)
            return
        owners = md.get("ownerReferences") or []
        if not owners:
            return
        alive = [o for o in owners if self._owner_alive(obj, o)]
        if not alive:
            if not md.get("deletionTimestamp"):
                self.api.delete(resource, name, ns or "default", propagation="Background")
        elif len(alive) < len(owners):
            keep = {o["uid"] for o in alive}
            self.api.patch(resource, name, ns or "default", lambda o: o["metadata"].__setitem__(
                "ownerReferences", [r for r in o["metadata"]["ownerReferences"] if r["uid"] in keep]))

    def _dependents_of(self, obj: Obj) -> list[tuple[str, Obj]]:
        out = []
        for dep in sorted(self.dependents.get(obj["metadata"].get("uid", ""), ())):
            live = self._get(dep)
            if live is not None:
                out.append((dep, live))
        return out

    def _delete_dependents(self, owner: Obj) -> int:
        """Foreground: delete dependents (themselves in the foreground); count those still there."""
        deps = self._dependents_of(owner)
        for dep, live in deps:
            if not live["metadata"].get("deletionTimestamp"):
                resource, ns, name = dep.split("|")
                self.api.delete(resource, name, ns or "default", propagation="Foreground")
        return len(deps)

    def _orphan_dependents(self, owner: Obj) -> None:
        uid = owner["metadata"].get("uid")
        for dep, _live in self._dependents_of(owner):
            resource, ns, name = dep.split("|")
            self.api.patch(resource, name, ns or "default", lambda o: o["metadata"].__setitem__(
                "ownerReferences", [r for r in o["metadata"].get("ownerReferences", []) if r["uid"] != uid]))
        self.dependents.pop(uid, None)


def _all_kinds():  # type: ignore[no-untyped-def]
    from kspec.api.kinds import KINDS

    return KINDS
