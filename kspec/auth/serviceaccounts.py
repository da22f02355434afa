"""Service accounts: the controllers that give every namespace its ``default`` account and its
``kube-root-ca.crt`` ConfigMap, and the ServiceAccount admission plugin.

pkg/controller/serviceaccount ``ServiceAccountsController.syncNamespace``: an active namespace without the
``default`` ServiceAccount gets one (again, if it was deleted); pkg/controller/certificates/rootcacertpublisher
does the same for the CA bundle pods use to verify the API server. plugin/pkg/admission/serviceaccount
``Plugin.Admit``: a pod runs as ``spec.serviceAccountName`` (``default`` when unset), which must exist, and
unless the pod or its account opt out (``automountServiceAccountToken: false``) every container mounts the
projected ``kube-api-access-<5 chars>`` volume (token, CA bundle, namespace) at
``/var/run/secrets/kubernetes.io/serviceaccount``. The admission waits a moment for ``default``
(``getServiceAccount`` retries, as the controller creates it right after its namespace), so kspec takes
``default`` as existing in any namespace the controller serves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.controllers.base import Controller
from kspec.errors import ApiError, forbidden
from kspec.objects import name_suffix

if TYPE_CHECKING:
    from kspec.api.server import APIServer

Obj = dict[str, Any]

DEFAULT = "default"  # serviceaccount.DefaultServiceAccountName
VOLUME_PREFIX = "kube-api-access-"  # ServiceAccountVolumeName + "-"
MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"  # DefaultAPITokenMountPath
ROOT_CA = "kube-root-ca.crt"  # rootcacertpublisher.RootCACertConfigMapName
ROOT_CA_DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
                       "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
                       "guaranteed across distributions of Kubernetes clusters.")
#: the simulated cluster's CA certificate (no real key stands behind it)
CA_BUNDLE = ("-----BEGIN CERTIFICATE-----\nMIIBkspecSimulatedClusterCAkspecSimulatedClusterCAkspecSimulatedCA=\n"
             "-----END CERTIFICATE-----\n")


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


def root_ca_config_map(namespace: str) -> Obj:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": ROOT_CA, "namespace": namespace,
                         "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION}},
            "data": {"ca.crt": CA_BUNDLE}}


class RootCACertPublisher(Controller):
    """rootcacertpublisher.Publisher.syncNamespace: every active namespace holds ``kube-root-ca.crt`` with the
    cluster's CA bundle (recreated when deleted, restored when changed)."""

    NAME = "root-ca-cert-publisher"

    def start(self) -> None:
        self.watch("namespaces")
        self.watch("configmaps", lambda cm: cm["metadata"].get("namespace")
                   if cm["metadata"].get("name") == ROOT_CA else None)

    def reconcile(self, key: str) -> None:
        ns = self.api.store.get("namespaces", "", key)
        if ns is None or (ns.get("status") or {}).get("phase") != "Active":
            return
        cm = self.api.store.get("configmaps", key, ROOT_CA)
        try:
            if cm is None:
                self.api.create(root_ca_config_map(key))
            elif (cm.get("data") or {}) != {"ca.crt": CA_BUNDLE}:
                self.api.patch("configmaps", ROOT_CA, key, lambda o: o.__setitem__("data", {"ca.crt": CA_BUNDLE}))
        except ApiError as exc:
            if exc.code not in (403, 404, 409):  # a terminating namespace or a racing write
                raise


def admit_pod(pod: Obj, api: APIServer) -> None:
    """The ServiceAccount admission plugin's Admit for a new pod."""
    spec = pod["spec"]
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = DEFAULT
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    name, ns = spec["serviceAccountName"], pod["metadata"].get("namespace", "default")
    account = api.store.get("serviceaccounts", ns, name)
    if account is None and name != DEFAULT:
        md = pod["metadata"]
        # admission.NewForbidden names a pod by its generateName before the name is generated
        shown = md.get("generateName") or md.get("name", "")
        raise forbidden(f'pods "{shown}" is forbidden: error looking up service account {ns}/{name}: '
                        f'serviceaccount "{name}" not found')
    if _should_automount(account, pod):
        _mount_token(pod, api)
    if not spec.get("imagePullSecrets") and account is not None and account.get("imagePullSecrets"):
        spec["imagePullSecrets"] = [{"name": s.get("name", "")} for s in account["imagePullSecrets"]]


def _should_automount(account: Obj | None, pod: Obj) -> bool:
    """shouldAutomount: the pod's choice, else the service account's, else yes."""
    if pod["spec"].get("automountServiceAccountToken") is not None:
        return bool(pod["spec"]["automountServiceAccountToken"])
    if account is not None and account.get("automountServiceAccountToken") is not None:
        return bool(account["automountServiceAccountToken"])
    return True


def token_volume_source() -> Obj:
    """TokenVolumeSource: the bound token, the CA bundle and the namespace, mode 0644 set explicitly."""
    return {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": ROOT_CA, "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                    "path": "namespace"}]}}]}


def _mount_token(pod: Obj, api: APIServer) -> None:
    """mountServiceAccountToken: every container without a mount at the token path gets one; the volume is
    added once, named ``kube-api-access-`` plus 5 random characters (a volume of that prefix is reused)."""
    spec = pod["spec"]
    volumes = spec.get("volumes") or []
    existing = next((v.get("name", "") for v in volumes if str(v.get("name", "")).startswith(VOLUME_PREFIX)), "")
    volume = existing or VOLUME_PREFIX + name_suffix(api._auth_rng)
    needed = False
    for group in ("initContainers", "containers"):
        for c in spec.get(group) or []:
            mounts = c.get("volumeMounts") or []
            if any(m.get("mountPath") == MOUNT_PATH for m in mounts):
                continue
            c["volumeMounts"] = [*mounts, {"name": volume, "readOnly": True, "mountPath": MOUNT_PATH}]
            needed = True
    if needed and not existing:
        spec["volumes"] = [*volumes, {"name": volume, "projected": token_volume_source()}]
