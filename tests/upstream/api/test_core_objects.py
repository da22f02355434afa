"""Secrets, Namespaces, Endpoints, ResourceQuotas and LimitRanges: upstream's TestValidateSecret,
TestValidateSecretUpdate, TestValidateDockerConfigSecret, TestValidateBasicAuthSecret, TestValidateSSHAuthSecret,
TestValidateNamespace, TestValidateNamespaceUpdate, TestValidateEndpointsCreate, TestValidateEndpointsUpdate,
TestValidateResourceQuota, TestValidateResourceNames, TestValidateLimitRange and
TestValidateLimitRangeForLocalStorage (pkg/apis/core/validation/validation_test.go).

Objects are manifests: a Secret's ``data`` values are base64, as on the wire. Upstream's Endpoints error cases
also compare the first error's Origin, an internal tag that never reaches an API error's text; kspec's field
errors carry no origin, so only the type is compared.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from kspec.api.validation import validate
from kspec.api.validation_objects import validate_resource_name
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

Obj = dict[str, Any]


def b64(raw: str | bytes) -> str:
    return base64.b64encode(raw.encode() if isinstance(raw, str) else raw).decode()


def secret(name: str = "foo", namespace: str = "bar", data: dict[str, str | bytes] | None = None,
           kind: str | None = None, annotations: dict[str, str] | None = None, **extra: Any) -> Obj:
    meta: Obj = {"name": name, "namespace": namespace}
    if annotations is not None:
        meta["annotations"] = annotations
    out: Obj = {"apiVersion": "v1", "kind": "Secret", "metadata": meta,
                "data": {k: b64(v) for k, v in ({"data-1": "bar"} if data is None else data).items()}, **extra}
    if kind is not None:
        out["type"] = kind
    return out


def with_data(**data: str | bytes) -> dict[str, str | bytes]:
    return {"data-1": "bar", **data}


SA_TOKEN = "kubernetes.io/service-account-token"
SA_KEY = "kubernetes.io/service-account.name"
S = "TestValidateSecret"
SECRETS = [
    case(S, "valid", secret=secret(), valid=True),
    case(S, "empty name", secret=secret(name=""), valid=False),
    case(S, "invalid name", secret=secret(name="NoUppercaseOrSpecialCharsLike=Equals"), valid=False),
    case(S, "empty namespace", secret=secret(namespace=""), valid=False),
    case(S, "invalid namespace", secret=secret(namespace="NoUppercaseOrSpecialCharsLike=Equals"), valid=False),
    case(S, "over max size", secret=secret(data={"over": bytes(1024 * 1024 + 1)}), valid=False),
    case(S, "invalid key", secret=secret(data=with_data(**{"a*b": "whoops"})), valid=False),
    case(S, "valid service-account-token secret", secret=secret(kind=SA_TOKEN, annotations={SA_KEY: "foo"}),
         valid=True),
    case(S, "empty service-account-token annotation", secret=secret(kind=SA_TOKEN, annotations={SA_KEY: ""}),
         valid=False),
    case(S, "missing service-account-token annotation", secret=secret(kind=SA_TOKEN, annotations={}), valid=False),
    case(S, "missing service-account-token annotations", secret=secret(kind=SA_TOKEN), valid=False),
    case(S, "leading dot key", secret=secret(data=with_data(**{".key": "bar"})), valid=True),
    case(S, "dot key", secret=secret(data=with_data(**{".": "bar"})), valid=False),
    case(S, "double dot key", secret=secret(data=with_data(**{"..": "bar"})), valid=False),
]

DOCKERCFG = '{"https://index.docker.io/v1/": {"auth": "Y2x1ZWRyb29sZXIwMDAxOnBhc3N3b3Jk","email": "fake@example.com"}}'
DOCKERJSON = ('{"auths":{"https://index.docker.io/v1/": {"auth": "Y2x1ZWRyb29sZXIwMDAxOnBhc3N3b3Jk",'
              '"email": "fake@example.com"}}}')
CFG, JSON_TYPE = "kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"
D = "TestValidateDockerConfigSecret"
DOCKER = [
    case(D, "valid dockercfg", secret=secret(kind=CFG, data={".dockercfg": DOCKERCFG}), valid=True),
    case(D, "missing dockercfg", secret=secret(kind=CFG, data={}), valid=False),
    case(D, "empty dockercfg", secret=secret(kind=CFG, data={".dockercfg": ""}), valid=False),
    case(D, "invalid dockercfg", secret=secret(kind=CFG, data={".dockercfg": "bad"}), valid=False),
    case(D, "valid config.json", secret=secret(kind=JSON_TYPE, data={".dockerconfigjson": DOCKERJSON}), valid=True),
    case(D, "missing config.json", secret=secret(kind=JSON_TYPE, data={}), valid=False),
    case(D, "empty config.json", secret=secret(kind=JSON_TYPE, data={".dockerconfigjson": ""}), valid=False),
    case(D, "invalid config.json", secret=secret(kind=JSON_TYPE, data={".dockerconfigjson": "bad"}), valid=False),
]
B = "TestValidateBasicAuthSecret"
BASIC = [
    case(B, "valid", secret=secret(kind="kubernetes.io/basic-auth",
                                   data={"username": "username", "password": "password"}), valid=True),
    case(B, "missing username and password", secret=secret(kind="kubernetes.io/basic-auth", data={}), valid=False),
]
H = "TestValidateSSHAuthSecret"
SSH = [
    case(H, "valid", secret=secret(kind="kubernetes.io/ssh-auth", data={"ssh-privatekey": "foo-bar-baz"}), valid=True),
    case(H, "missing private key", secret=secret(kind="kubernetes.io/ssh-auth", data={}), valid=False),
]


@pytest.mark.parametrize("c", SECRETS + DOCKER + BASIC + SSH)
def test_validate_secret(c: Obj) -> None:
    assert (validate(copy.deepcopy(c["secret"])) == []) == c["valid"]


def _versioned(s: Obj, immutable: bool | None = None) -> Obj:
    s = copy.deepcopy(s)
    s["metadata"]["resourceVersion"] = "20"
    if immutable is not None:
        s["immutable"] = immutable
    return s


PLAIN, WITH_DATA = secret(), secret(data=with_data(**{"data-2": "baz"}))
CHANGED = secret(data={"data-1": "foo"})
SU = "TestValidateSecretUpdate"
SECRET_UPDATES = [
    case(SU, "mark secret immutable", old=_versioned(PLAIN), new=_versioned(PLAIN, True), valid=True),
    case(SU, "revert immutable secret", old=_versioned(PLAIN, True), new=_versioned(PLAIN), valid=False),
    case(SU, "makr immutable secret mutable", old=_versioned(PLAIN, True), new=_versioned(PLAIN, False), valid=False),
    case(SU, "add data in secret", old=_versioned(PLAIN), new=_versioned(WITH_DATA), valid=True),
    case(SU, "add data in immutable secret", old=_versioned(PLAIN, True), new=_versioned(WITH_DATA, True),
         valid=False),
    case(SU, "change data in secret", old=_versioned(PLAIN), new=_versioned(CHANGED), valid=True),
    case(SU, "change data in immutable secret", old=_versioned(PLAIN, True), new=_versioned(CHANGED, True),
         valid=False),
]


@pytest.mark.parametrize("c", SECRET_UPDATES)
def test_validate_secret_update(c: Obj) -> None:
    assert (validate(copy.deepcopy(c["new"]), copy.deepcopy(c["old"])) == []) == c["valid"]


def namespace(name: str = "", labels: dict[str, str] | None = None, finalizers: list[str] | None = None,
              phase: str | None = None, **meta: Any) -> Obj:
    out: Obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, **meta}}
    if labels is not None:
        out["metadata"]["labels"] = labels
    if finalizers is not None:
        out["spec"] = {"finalizers": finalizers}
    if phase is not None:
        out["status"] = {"phase": phase}
    return out


N = "TestValidateNamespace"
NAMESPACES = [
    case(N, "successCases[0]", ns=namespace("abc", {"a": "b"}), valid=True),
    case(N, "successCases[1]", ns=namespace("abc-123", finalizers=["example.com/something", "example.com/other"]),
         valid=True),
    case(N, "zero-length name", ns=namespace(""), valid=False),
    case(N, "defined-namespace", ns=namespace("abc-123", namespace="makesnosense"), valid=False),
    case(N, "invalid-labels", ns=namespace("abc", {"NoUppercaseOrSpecialCharsLike=Equals": "b"}), valid=False),
]


@pytest.mark.parametrize("c", NAMESPACES)
def test_validate_namespace(c: Obj) -> None:
    assert (validate(copy.deepcopy(c["ns"])) == []) == c["valid"]


_NAMELESS = "two Namespaces without a name: the API server stores no such object, so no update of one arrives"
NU = "TestValidateNamespaceUpdate"
NAMESPACE_UPDATES = [
    case(NU, "tests[0]", unreachable=_NAMELESS, old=namespace(), new=namespace(), valid=True),
    case(NU, "tests[1]", old=namespace("foo1"), new=namespace("bar1"), valid=False),
    case(NU, "tests[2]", old=namespace("foo2", {"foo": "bar"}), new=namespace("foo2", {"foo": "baz"}), valid=True),
    case(NU, "tests[3]", old=namespace("foo3"), new=namespace("foo3", {"foo": "baz"}), valid=True),
    case(NU, "tests[4]", old=namespace("foo4", {"bar": "foo"}), new=namespace("foo4", {"foo": "baz"}), valid=True),
    case(NU, "tests[5]", old=namespace("foo5", {"foo": "baz"}), new=namespace("foo5", {"Foo": "baz"}), valid=True),
    case(NU, "tests[6]", old=namespace("foo6", {"foo": "baz"}),
         new=namespace("foo6", {"Foo": "baz"}, finalizers=["kubernetes"], phase="Terminating"), valid=True),
]


@pytest.mark.parametrize("c", NAMESPACE_UPDATES)
def test_validate_namespace_update(c: Obj) -> None:
    old, new = copy.deepcopy(c["old"]), copy.deepcopy(c["new"])
    for obj in (old, new):
        obj["metadata"]["resourceVersion"] = "1"
    assert (validate(new, old) == []) == c["valid"]


def endpoints(*subsets: Obj, name: str | None = "mysvc", namespace: str | None = "namespace") -> Obj:
    meta = {k: v for k, v in (("name", name), ("namespace", namespace)) if v is not None}
    out: Obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
    if subsets:
        out["subsets"] = list(subsets)
    return out


def subset(*ips: str | None, ports: list[Obj] | None = None) -> Obj:
    out: Obj = {}
    if ips:
        out["addresses"] = [{"ip": ip} if ip is not None else {} for ip in ips]
    if ports is not None:
        out["ports"] = ports
    return out


def ep_port(name: str = "", port: int = 0, protocol: str = "", app: str | None = None) -> Obj:
    out = {k: v for k, v in (("name", name), ("port", port), ("protocol", protocol)) if v}
    if app is not None:
        out["appProtocol"] = app
    return out


E = "TestValidateEndpointsCreate"
REQ, INV, NS = "FieldValueRequired", "FieldValueInvalid", "FieldValueNotSupported"
ENDPOINTS = [
    case(E, "simple endpoint", ep=endpoints(
        subset("10.10.1.1", "10.10.2.2", ports=[ep_port("a", 8675, "TCP"), ep_port("b", 309, "TCP")]),
        subset("10.10.3.3", ports=[ep_port("a", 93, "TCP"), ep_port("b", 76, "TCP")])), err=None),
    case(E, "empty subsets", ep=endpoints(), err=None),
    case(E, "no name required for singleton port", ep=endpoints(subset("10.10.1.1", ports=[ep_port("", 8675, "TCP")])),
         err=None),
    case(E, "valid appProtocol", ep=endpoints(subset("10.10.1.1", ports=[ep_port("", 8675, "TCP", "HTTP")])),
         err=None),
    case(E, "empty ports", ep=endpoints(subset("10.10.3.3")), err=None),
    case(E, "missing namespace", ep=endpoints(namespace=None), err=REQ),
    case(E, "missing name", ep=endpoints(name=None), err=REQ),
    case(E, "invalid namespace", ep=endpoints(namespace='no@#invalid.;chars"allowed'), err=INV),
    case(E, "invalid name", ep=endpoints(name="-_Invliad^&Characters"), err=INV),
    case(E, "empty addresses", ep=endpoints(subset(ports=[ep_port("a", 93, "TCP")])), err=REQ),
    case(E, "invalid IP", ep=endpoints(subset("[2001:0db8:85a3:0042:1000:8a2e:0370:7334]",
                                              ports=[ep_port("a", 93, "TCP")])), err=INV),
    case(E, "Multiple ports, one without name", ep=endpoints(subset("10.10.1.1", ports=[
        ep_port("", 8675, "TCP"), ep_port("b", 309, "TCP")])), err=REQ),
    case(E, "Invalid port number", ep=endpoints(subset("10.10.1.1", ports=[ep_port("a", 66000, "TCP")])), err=INV),
    case(E, "Invalid protocol", ep=endpoints(subset("10.10.1.1", ports=[ep_port("a", 93, "Protocol")])), err=NS),
    case(E, "Address missing IP", ep=endpoints(subset(None, ports=[ep_port("a", 93, "TCP")])), err=INV),
    case(E, "Port missing number", ep=endpoints(subset("10.10.1.1", ports=[ep_port("a", 0, "TCP")])), err=INV),
    case(E, "Port missing protocol", ep=endpoints(subset("10.10.1.1", ports=[ep_port("a", 93)])), err=REQ),
    case(E, "Address is loopback", ep=endpoints(subset("127.0.0.1", ports=[ep_port("p", 93, "TCP")])), err=INV),
    case(E, "Address is link-local", ep=endpoints(subset("169.254.169.254", ports=[ep_port("p", 93, "TCP")])),
         err=INV),
    case(E, "Address is link-local multicast", ep=endpoints(subset("224.0.0.1", ports=[ep_port("p", 93, "TCP")])),
         err=INV),
    case(E, "Invalid AppProtocol", ep=endpoints(subset("10.10.1.1", ports=[
        ep_port("p", 93, "TCP", "lots-of[invalid]-{chars}")])), err=INV),
]


@pytest.mark.parametrize("c", ENDPOINTS)
def test_validate_endpoints_create(c: Obj) -> None:
    errs = validate(copy.deepcopy(c["ep"]))
    if c["err"] is None:
        assert errs == [], [str(e) for e in errs]
    else:
        assert errs and errs[0].type == c["err"], [str(e) for e in errs]


EU = "TestValidateEndpointsUpdate"
ENDPOINT_UPDATES = [
    case(EU, "update to valid app protocol", app="https", n=0),
    case(EU, "update to invalid app protocol", app="~https", n=1),
]


@pytest.mark.parametrize("c", ENDPOINT_UPDATES)
def test_validate_endpoints_update(c: Obj) -> None:
    old = endpoints(subset("10.1.2.3", ports=[ep_port("a", 8675, "TCP")]))
    new = endpoints(subset("10.1.2.3", ports=[ep_port("a", 8675, "TCP", c["app"])]))
    for obj in (old, new):
        obj["metadata"]["resourceVersion"] = "1234"
    assert len(validate(new, old)) == c["n"]


SPEC = {"hard": {"cpu": "100", "memory": "10000", "requests.cpu": "100", "requests.memory": "10000",
                 "limits.cpu": "100", "limits.memory": "10000", "pods": "10", "services": "0",
                 "replicationcontrollers": "10", "resourcequotas": "10", "configmaps": "10", "secrets": "10",
                 "count/resourceclaims.resource.k8s.io": "1", "gold.deviceclass.resource.k8s.io/devices": "1"}}
TERMINATING = {"hard": {"cpu": "100", "limits.cpu": "200"}, "scopes": ["Terminating"]}
NON_TERMINATING = {"hard": {"cpu": "100"}, "scopes": ["NotTerminating"]}
BEST_EFFORT = {"hard": {"pods": "100"}, "scopes": ["BestEffort"]}
NON_BEST_EFFORT = {"hard": {"cpu": "100"}, "scopes": ["NotBestEffort"]}
CROSS_NS = {"hard": {"cpu": "100", "limits.cpu": "200"}, "scopes": ["CrossNamespacePodAffinity"]}
SCOPE_SELECTOR = {"scopeSelector": {"matchExpressions": [
    {"scopeName": "PriorityClass", "operator": "In", "values": ["cluster-services"]}]}}
INVALID_RESOURCE = {"hard": {"storage": "10"}}
NEGATIVE = {"hard": {"cpu": "-100", "memory": "-10000", "pods": "-10", "services": "-10",
                     "replicationcontrollers": "-10", "resourcequotas": "-10", "configmaps": "-10", "secrets": "-10"}}
FRACTIONAL_COMPUTE = {"hard": {"cpu": "100m"}}
FRACTIONAL_PODS = {"hard": {"pods": ".1", "services": ".5", "replicationcontrollers": "1.25", "resourcequotas": "2.5"}}
TERMINATING_PAIR = {"hard": {"cpu": "100"}, "scopes": ["Terminating", "NotTerminating"]}
BEST_EFFORT_PAIR = {"hard": {"pods": "100"}, "scopes": ["BestEffort", "NotBestEffort"]}
INVALID_CROSS_NS = {"scopeSelector": {"matchExpressions": [
    {"scopeName": "CrossNamespacePodAffinity", "operator": "In", "values": ["cluster-services"]}]}}
INVALID_SCOPE = {"hard": {"cpu": "100"}, "scopes": ["foo"]}
DNS_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                     "and must start and end with an alphanumeric character")
DNS_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                 "start and end with an alphanumeric character")


def quota(spec: Obj, name: str = "abc", namespace: str = "foo") -> Obj:
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name, "namespace": namespace},
            "spec": copy.deepcopy(spec)}


Q = "TestValidateResourceQuota"
QUOTAS = [
    case(Q, "no-scope", rq=quota(SPEC)),
    case(Q, "fractional-compute-spec", rq=quota(FRACTIONAL_COMPUTE)),
    case(Q, "terminating-spec", rq=quota(TERMINATING)),
    case(Q, "non-terminating-spec", rq=quota(NON_TERMINATING)),
    case(Q, "best-effort-spec", rq=quota(BEST_EFFORT)),
    case(Q, "cross-namespace-affinity-spec", rq=quota(CROSS_NS)),
    case(Q, "scope-selector-spec", rq=quota(SCOPE_SELECTOR)),
    case(Q, "non-best-effort-spec", rq=quota(NON_BEST_EFFORT)),
    case(Q, "zero-length Name", rq=quota(SPEC, name=""), detail="name or generateName is required"),
    case(Q, "zero-length Namespace", rq=quota(SPEC, namespace=""), field="metadata.namespace"),
    case(Q, "invalid Name", rq=quota(SPEC, name="^Invalid"), detail=DNS_SUBDOMAIN_MSG),
    case(Q, "invalid Namespace", rq=quota(SPEC, namespace="^Invalid"), detail=DNS_LABEL_MSG),
    case(Q, "negative-limits", rq=quota(NEGATIVE), detail="must be greater than or equal to 0"),
    case(Q, "fractional-api-resource", rq=quota(FRACTIONAL_PODS), detail="must be an integer"),
    case(Q, "invalid-quota-resource", rq=quota(INVALID_RESOURCE), detail="must be a standard resource for quota"),
    case(Q, "invalid-quota-terminating-pair", rq=quota(TERMINATING_PAIR), detail="conflicting scopes"),
    case(Q, "invalid-quota-besteffort-pair", rq=quota(BEST_EFFORT_PAIR), detail="conflicting scopes"),
    case(Q, "invalid-quota-scope-name", rq=quota(INVALID_SCOPE), detail="unsupported scope"),
    case(Q, "invalid-cross-namespace-affinity", rq=quota(INVALID_CROSS_NS),
         detail="must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, "
                "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or "
                "ResourceQuotaScopeCrossNamespacePodAffinity"),
]


@pytest.mark.parametrize("c", QUOTAS)
def test_validate_resource_quota(c: Obj) -> None:
    errs = validate(copy.deepcopy(c["rq"]))
    if not c.get("detail") and not c.get("field"):
        assert errs == [], [str(e) for e in errs]
    else:
        assert errs
        assert all(c.get("detail", "") in e.detail for e in errs), [str(e) for e in errs]


R = "TestValidateResourceNames"
RESOURCE_NAMES = [case(R, f"table[{i}]", resource=name, ok=ok) for i, (name, ok) in enumerate((
    ("memory", True), ("cpu", True), ("storage", True), ("requests.cpu", True), ("requests.memory", True),
    ("requests.storage", True), ("limits.cpu", True), ("limits.memory", True), ("network", False), ("disk", False),
    ("", False), (".", False), ("..", False), ("my.favorite.app.co/12345", True), ("my.favorite.app.co/_12345", False),
    ("my.favorite.app.co/12345_", False), ("kubernetes.io/..", False), ("kubernetes.io/" + "a" * 63, True),
    ("kubernetes.io/" + "a" * 64, False), ("kubernetes.io//", False), ("kubernetes.io", False),
    ("kubernetes.io/will/not/work/", False)))]


@pytest.mark.parametrize("c", RESOURCE_NAMES)
def test_validate_resource_names(c: Obj) -> None:
    assert (validate_resource_name(c["resource"], "field") == []) == c["ok"]


def res(cpu: str = "", memory: str = "", ephemeral: str = "", storage: str = "") -> Obj:
    """getResources(cpu, memory, ephemeral-storage, storage): the non-empty ones."""
    return {k: v for k, v in (("cpu", cpu), ("memory", memory), ("ephemeral-storage", ephemeral),
                              ("storage", storage)) if v}


def item(kind: str, **bags: Obj) -> Obj:
    return {"type": kind, **{k: v for k, v in bags.items() if v}}


def limit_range(name: str, *items: Obj, namespace: str = "foo") -> Obj:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": name, "namespace": namespace},
            "spec": {"limits": list(items)} if items else {}}


CONTAINER_FULL = dict(max=res("100m", "10000Mi"), min=res("5m", "100Mi"), default=res("50m", "500Mi"),
                      defaultRequest=res("10m", "200Mi"), maxLimitRequestRatio=res("10"))
BIG = dict(max=res("100m", "10000T"), min=res("5m", "100Mi"), default=res("50m", "500Mi"),
           defaultRequest=res("10m", "200Mi"), maxLimitRequestRatio=res("10"))
STORAGE = dict(max=res(storage="10000T"), min=res(storage="100Mi"), default=res(storage="500Mi"),
               defaultRequest=res(storage="200Mi"))
POD_RANGE = dict(max=res("100m", "10000m"), min=res("0m", "100m"))
L = "TestValidateLimitRange"
LIMIT_RANGES = [
    case(L, "all-fields-valid", lr=limit_range(
        "all-fields-valid", item("Pod", max=res("100m", "10000Mi"), min=res("5m", "100Mi"),
                                 maxLimitRequestRatio=res("10")),
        item("Container", **CONTAINER_FULL),
        item("PersistentVolumeClaim", max=res(storage="10Gi"), min=res(storage="5Gi"))), detail=None),
    case(L, "pvc-min-only", lr=limit_range("pvc-min-only", item("PersistentVolumeClaim", min=res(storage="5Gi"))),
         detail=None),
    case(L, "pvc-max-only", lr=limit_range("pvc-max-only", item("PersistentVolumeClaim", max=res(storage="10Gi"))),
         detail=None),
    case(L, "all-fields-valid-big-numbers", lr=limit_range("all-fields-valid-big-numbers", item("Container", **BIG)),
         detail=None),
    case(L, "thirdparty-fields-all-valid-standard-container-resources", lr=limit_range(
        "thirdparty-fields-all-valid-standard-container-resources", item("thirdparty.com/foo", **BIG)), detail=None),
    case(L, "thirdparty-fields-all-valid-storage-resources", lr=limit_range(
        "thirdparty-fields-all-valid-storage-resources", item("thirdparty.com/foo", **STORAGE)), detail=None),
    case(L, "zero-length-name", lr=limit_range(""), detail="name or generateName is required"),
    case(L, "zero-length-namespace", lr=limit_range("abc", namespace=""), detail=""),
    case(L, "invalid-name", lr=limit_range("^Invalid"), detail=DNS_SUBDOMAIN_MSG),
    case(L, "invalid-namespace", lr=limit_range("abc", namespace="^Invalid"), detail=DNS_LABEL_MSG),
    case(L, "duplicate-limit-type", lr=limit_range("abc", item("Pod", **POD_RANGE), item("Pod", min=res("0m", "100m"))),
         detail=""),
    case(L, "default-limit-type-pod", lr=limit_range("abc", item("Pod", **POD_RANGE, default=res("10m", "100m"))),
         detail="may not be specified when `type` is 'Pod'"),
    case(L, "default-request-limit-type-pod", lr=limit_range(
        "abc", item("Pod", **POD_RANGE, defaultRequest=res("10m", "100m"))),
        detail="may not be specified when `type` is 'Pod'"),
    case(L, "min value 100m is greater than max value 10m", lr=limit_range(
        "abc", item("Pod", max=res("10m"), min=res("100m"))), detail="min value 100m is greater than max value 10m"),
    case(L, "invalid spec default outside range", lr=limit_range(
        "abc", item("Container", max=res("1"), min=res("100m"), default=res("2000m"))),
        detail="default value 2 is greater than max value 1"),
    case(L, "invalid spec default request outside range", lr=limit_range(
        "abc", item("Container", max=res("1"), min=res("100m"), defaultRequest=res("2000m"))),
        detail="default request value 2 is greater than max value 1"),
    case(L, "invalid spec default request more than default", lr=limit_range(
        "abc", item("Container", max=res("2"), min=res("100m"), default=res("500m"), defaultRequest=res("800m"))),
        detail="default request value 800m is greater than default limit value 500m"),
    case(L, "invalid spec maxLimitRequestRatio less than 1", lr=limit_range(
        "abc", item("Pod", maxLimitRequestRatio=res("800m"))), detail="ratio 800m is less than 1"),
    case(L, "invalid spec maxLimitRequestRatio greater than max/min", lr=limit_range(
        "abc", item("Container", max=res(memory="2Gi"), min=res(memory="512Mi"),
                    maxLimitRequestRatio=res(memory="10"))),
        detail="ratio 10 is greater than max/min = 4.000000"),
    case(L, "invalid non standard limit type", lr=limit_range("abc", item("foo", **STORAGE)),
         detail="must be a standard limit type or fully qualified"),
    case(L, "min and max values missing, one required", lr=limit_range("abc", item("PersistentVolumeClaim")),
         detail="either minimum or maximum storage value is required, but neither was provided"),
    case(L, "invalid min greater than max", lr=limit_range(
        "abc", item("PersistentVolumeClaim", min=res(storage="10Gi"), max=res(storage="1Gi"))),
        detail="min value 10Gi is greater than max value 1Gi"),
]
LOCAL = "TestValidateLimitRangeForLocalStorage"
LIMIT_RANGES.append(case(LOCAL, "all-fields-valid", lr=limit_range(
    "all-fields-valid", item("Pod", max=res(ephemeral="10000Mi"), min=res(ephemeral="100Mi")),
    item("Container", max=res(ephemeral="10000Mi"), min=res(ephemeral="100Mi"), default=res(ephemeral="500Mi"),
         defaultRequest=res(ephemeral="200Mi"))), detail=None))


@pytest.mark.parametrize("c", LIMIT_RANGES)
def test_validate_limit_range(c: Obj) -> None:
    errs = validate(copy.deepcopy(c["lr"]))
    if c["detail"] is None:
        assert errs == [], [str(e) for e in errs]
    else:
        assert errs and all(c["detail"] in e.detail for e in errs), [str(e) for e in errs]
