"""The namespace controller: empties a Terminating namespace, then lets it go."""

from __future__ import annotations

from kspec.api.kinds import KINDS
from kspec.controllers.base import Controller

NAME = "namespace-controller"
#: namespaceController requeues a namespace that still has content after an estimate; we poll.
RECHECK_MS = 1000


class NamespaceController(Controller):
    NAME = NAME

    def start(self) -> None:
        self.watch("namespaces")

    def reconcile(self, key: str) -> None:
        ns = self.api.store.get("namespaces", "", key)
        if ns is None or not ns["metadata"].get("deletionTimestamp"):
            return
        remaining = 0
        for kind in KINDS:
            if not kind.namespaced:
                continue
            for obj in list(self.api.store.list(kind.resource, key)):
                remaining += 1
                if not obj["metadata"].get("deletionTimestamp"):
                    self.api.delete(kind.resource, obj["metadata"]["name"], key)
        if remaining and any(self.api.store.list(k.resource, key) for k in KINDS if k.namespaced):
            self.queue.add_after(key, RECHECK_MS)
            return
        self.api.patch("namespaces", key, "", lambda o: o["spec"].__setitem__("finalizers", []))
