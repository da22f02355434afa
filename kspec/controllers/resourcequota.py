"""The resource quota controller (pkg/controller/resourcequota): keeps each ResourceQuota's ``status.hard``
equal to its spec and ``status.used`` to what the namespace's objects use.

The admission plugin charges a quota as objects are created; this controller recounts a namespace when a quota
changes and when objects there change or go (the replenishment controller's job), so deleted and finished pods
free their share. Until the first ResourceQuota exists it watches nothing else: clusters without quotas pay
nothing for it.
"""

from __future__ import annotations

from kspec.api import quota
from kspec.api.kinds import KINDS
from kspec.controllers.base import Controller
from kspec.informers import enqueue_handler
from kspec.objects import Obj

NAME = "resourcequota-controller"
#: --resource-quota-sync-period: every quota is recounted this often, which corrects a charge the admission
#: plugin made for an object whose create then failed
RESYNC_MS = 5 * 60 * 1000
#: resources whose changes are too frequent and never quota'd in practice
_NOT_REPLENISHED = frozenset({"events", "leases", "endpoints", "endpointslices", "resourcequotas"})


class ResourceQuotaController(Controller):
    NAME = NAME
    START_ON_FIRST = ("resourcequotas",)

    def __init__(self, cluster: object) -> None:
        super().__init__(cluster)  # type: ignore[arg-type]
        self._namespaces: set[str] = set()
        self._replenishing = False

    def start(self) -> None:
        self.watch("resourcequotas", self._quota_key)

    def _quota_key(self, obj: Obj) -> str | None:
        ns = obj["metadata"].get("namespace", "")
        self._namespaces = {q["metadata"]["namespace"] for q in self.api.store.list("resourcequotas")} | {ns}
        if not self._replenishing:
            self._replenishing = True
            self.clock.call_every(RESYNC_MS, self._resync, label="resource quota resync")
            for kind in KINDS:
                if kind.namespaced and kind.resource not in _NOT_REPLENISHED:
                    self.api.informers.on(kind.resource, **enqueue_handler(self.queue, self._object_key))
        return ns

    def _resync(self) -> None:
        for ns in sorted(self._namespaces):
            self.queue.add(ns)

    def _object_key(self, obj: Obj) -> str | None:
        ns = obj["metadata"].get("namespace", "")
        return ns if ns in self._namespaces else None

    def reconcile(self, key: str) -> None:
        """syncResourceQuota for every quota of the namespace: hard from the spec, used recounted."""
        for rq in self.api.store.list("resourcequotas", key):
            hard = dict((rq.get("spec") or {}).get("hard") or {})
            used = quota.calculate_usage(self.api, rq, KINDS)
            status = {"hard": hard, "used": used}
            if (rq.get("status") or {}) != status:
                self.api.write_status("resourcequotas", rq["metadata"]["name"], key, status)
