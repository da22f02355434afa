"""Service accounts: the controller that gives every namespace its ``default`` account, and the
ServiceAccount admission plugin's checks on pods.

pkg/controller/serviceaccount ``ServiceAccountsController.syncNamespace``: an active namespace without the
``default`` ServiceAccount gets one (again, if it was deleted). plugin/pkg/admission/serviceaccount
``Plugin.Admit``: a pod runs as ``spec.serviceAccountName`` (``default`` when unset), which must exist.
The admission waits a moment for ``default`` (``getServiceAccount`` retries, as the controller creates it
right after its namespace), so kspec takes ``default`` as existing in any namespace the controller serves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.controllers.base import Controller
from kspec.errors import ApiError, forbidden

if TYPE_CHECKING:
    from kspec.api.server import APIServer

Obj = dict[str, Any]

DEFAULT = "default"  # serviceaccount.DefaultServiceAccountName


def default_service_account(namespace: str) -> Obj:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": DEFAULT, "namespace": namespace}}


class ServiceAccountsController(Controller):
    NAME = "serviceaccount-controller"

    def start(self) -> None:
        self.watch("namespaces")
        # a deleted default account comes back (serviceAccountDeleted enqueues its namespace)
        self.watch("serviceaccounts", lambda sa: sa["metadata"].get("namespace")
                   if sa["metadata"].get("name") == DEFAULT else None)

    def reconcile(self, key: str) -> None:
        ns = self.api.store.get("namespaces", "", key)
        if ns is None or (ns.get("status") or {}).get("phase") != "Active":
            return  # syncNamespace skips a namespace that is gone or terminating
        if self.api.store.get("serviceaccounts", key, DEFAULT) is not None:
            return
        try:
            self.api.create(default_service_account(key))
        except ApiError as exc:
            if exc.code not in (403, 409):  # a terminating namespace or a racing create
                raise


def check_pod_service_account(pod: Obj, api: APIServer) -> None:
    """The admission's ``getServiceAccount``: the pod's service account must exist (``default`` is waited for)."""
    name = pod["spec"].get("serviceAccountName") or DEFAULT
    ns = pod["metadata"].get("namespace", "default")
    if name == DEFAULT or api.store.get("serviceaccounts", ns, name) is not None:
        return
    raise forbidden(f'pods "{pod["metadata"].get("name", "")}" is forbidden: error looking up service account '
                    f'{ns}/{name}: serviceaccount "{name}" not found')
