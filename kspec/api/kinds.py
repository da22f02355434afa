"""The API's type registry (what discovery serves): kinds, resources and the names kubectl accepts."""

from __future__ import annotations

from dataclasses import dataclass, field

from kspec.errors import ApiError, NoKindMatch


@dataclass(frozen=True)
class Kind:
    group: str
    version: str
    kind: str
    resource: str  # plural, lower case: the registry path segment
    namespaced: bool
    short_names: tuple[str, ...] = ()
    extra_versions: tuple[str, ...] = ()
    # derived names, computed once (every request reads some: plain attributes, no property call)
    api_version: str = field(init=False, repr=False, compare=False)
    singular: str = field(init=False, repr=False, compare=False)
    #: how apiserver messages name the resource: ``pods``, ``deployments.apps``
    group_resource: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        group, version, resource = self.group, self.version, self.resource
        object.__setattr__(self, "api_version", f"{group}/{version}" if group else version)
        object.__setattr__(self, "singular", self.kind.lower())
        object.__setattr__(self, "group_resource", f"{resource}.{group}" if group else resource)


KINDS: tuple[Kind, ...] = (
    Kind("", "v1", "Pod", "pods", True, ("po",)),
    Kind("", "v1", "Node", "nodes", False, ("no",)),
    Kind("", "v1", "Service", "services", True, ("svc",)),
    Kind("", "v1", "Endpoints", "endpoints", True, ("ep",)),
    Kind("", "v1", "Namespace", "namespaces", False, ("ns",)),
    Kind("", "v1", "ConfigMap", "configmaps", True, ("cm",)),
    Kind("", "v1", "Secret", "secrets", True),
    Kind("", "v1", "Event", "events", True, ("ev",)),
    Kind("", "v1", "ServiceAccount", "serviceaccounts", True, ("sa",)),
    Kind("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", True, ("pvc",)),
    Kind("", "v1", "PersistentVolume", "persistentvolumes", False, ("pv",)),
    Kind("", "v1", "ReplicationController", "replicationcontrollers", True, ("rc",)),
    Kind("", "v1", "ResourceQuota", "resourcequotas", True, ("quota",)),
    Kind("", "v1", "LimitRange", "limitranges", True, ("limits",)),
    Kind("apps", "v1", "Deployment", "deployments", True, ("deploy",)),
    Kind("apps", "v1", "ReplicaSet", "replicasets", True, ("rs",)),
    Kind("apps", "v1", "StatefulSet", "statefulsets", True, ("sts",)),
    Kind("apps", "v1", "DaemonSet", "daemonsets", True, ("ds",)),
    Kind("apps", "v1", "ControllerRevision", "controllerrevisions", True),
    Kind("batch", "v1", "Job", "jobs", True),
    Kind("batch", "v1", "CronJob", "cronjobs", True, ("cj",)),
    Kind("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, ("hpa",), ("v1",)),
    Kind("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", True, ("pdb",)),
    Kind("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", False, ("pc",)),
    Kind("coordination.k8s.io", "v1", "Lease", "leases", True),
    Kind("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True),
    Kind("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", True, ("netpol",)),
    Kind("networking.k8s.io", "v1", "Ingress", "ingresses", True, ("ing",)),
    Kind("networking.k8s.io", "v1", "IngressClass", "ingressclasses", False),
    Kind("storage.k8s.io", "v1", "StorageClass", "storageclasses", False, ("sc",)),
    Kind("storage.k8s.io", "v1", "CSINode", "csinodes", False),
    Kind("storage.k8s.io", "v1", "CSIDriver", "csidrivers", False),
    Kind("storage.k8s.io", "v1", "CSIStorageCapacity", "csistoragecapacities", True),
    Kind("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", False),
    Kind("rbac.authorization.k8s.io", "v1", "Role", "roles", True),
    Kind("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", False),
    Kind("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", True),
    Kind("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", False),
    # create-only reviews: answered by the authorizer, never stored (kspec/auth/reviews.py)
    Kind("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", False),
    Kind("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", False),
    Kind("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", True),
    Kind("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", False),
    Kind("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", False),
)

_BY_GVK: dict[tuple[str, str], Kind] = {}
_BY_NAME: dict[str, Kind] = {}
for _k in KINDS:
    for _v in (_k.version, *_k.extra_versions):
        _BY_GVK[(f"{_k.group}/{_v}" if _k.group else _v, _k.kind)] = _k
    for _name in (_k.resource, _k.singular, _k.kind, *_k.short_names, _k.group_resource):
        _BY_NAME[_name.lower()] = _k


def find_kind(api_version: str, kind: str) -> Kind | None:
    """The Kind an object's apiVersion/kind names, or None."""
    return _BY_GVK.get((api_version, kind))


def kind_for(api_version: str, kind: str) -> Kind:
    """Resolve an object's apiVersion/kind as the REST mapper does."""
    found = _BY_GVK.get((api_version, kind))
    if found is None:
        raise NoKindMatch(api_version, kind)
    return found


def resource_for(name: str) -> Kind:
    """Resolve what ``kubectl get/delete NAME`` accepts: plural, singular, short name, Kind."""
    found = _BY_NAME.get(name)  # the names are kept lower-case: most callers pass one (no lower() copy)
    if found is None:
        found = _BY_NAME.get(name.lower())
    if found is None:
        raise ApiError(404, "NotFound", f'the server doesn\'t have a resource type "{name}"')
    return found
