"""Environment variables: upstream's TestValidateEnv and TestRelaxedValidateEnv (validation_test.go).

The env list goes into a Pod's container; errors are rewritten to upstream's ``field`` path
(``spec.containers[0].env`` -> ``field``). Like upstream, every error must contain the case's text.
kspec applies the relaxed (GA) name rule, so TestValidateEnv's strict-name cases do not hold.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import validate
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

PREFIX = "spec.containers[0].env"
NAMES = ", ".join(f'"{n}"' for n in ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                                      "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
                                      "status.podIPs"))
RELAXED_MSG = "a valid environment variable name must consist only of printable ASCII characters other than '='"


def field_ref(path: str | None = None, version: str | None = "v1") -> dict[str, Any]:
    ref = {k: v for k, v in (("apiVersion", version), ("fieldPath", path)) if v is not None}
    return {"fieldRef": ref}


SECRET = {"secretKeyRef": {"name": "a-secret", "key": "a-key"}}
CONFIG = {"configMapKeyRef": {"name": "some-config-map", "key": "some-key"}}


def env_errors(env: list[dict[str, Any]]) -> list[str]:
    ctr = {"name": "abc", "image": "image", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File",
           "env": env}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
           "spec": {"containers": [ctr], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                    "terminationGracePeriodSeconds": 30}}
    return ["field" + str(e)[len(PREFIX):] for e in validate(pod) if e.field.startswith(PREFIX)]


def _errors(func: str) -> list[Any]:
    """The error table both functions share (TestRelaxedValidateEnv adds "illegal character" first)."""
    return [
        case(func, "zero-length name", env=[{"name": ""}], want="[0].name: Required value"),
        case(func, "value and valueFrom specified", env=[{"name": "abc", "value": "foo",
                                                          "valueFrom": field_ref("metadata.name")}],
             want="[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"),
        case(func, "valueFrom without a source", env=[{"name": "abc", "valueFrom": {}}],
             want="[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, "
                  "`configMapKeyRef` or `secretKeyRef`"),
        case(func, "valueFrom.fieldRef and valueFrom.secretKeyRef specified",
             env=[{"name": "abc", "valueFrom": {**field_ref("metadata.name"), **SECRET}}],
             want="[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"),
        case(func, "valueFrom.fieldRef and valueFrom.configMapKeyRef set",
             env=[{"name": "some_var_name", "valueFrom": {**field_ref("metadata.name"), **CONFIG}}],
             want="[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"),
        # upstream names this case like the one two above; the suffix keeps the ids apart
        case(func, "valueFrom.fieldRef and valueFrom.secretKeyRef specified (with configMapKeyRef)",
             env=[{"name": "abc", "valueFrom": {**field_ref("metadata.name"), **SECRET, **CONFIG}}],
             want="[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"),
        case(func, "valueFrom.secretKeyRef.name invalid",
             env=[{"name": "abc", "valueFrom": {"secretKeyRef": {"name": "$%^&*#", "key": "a-key"}}}], want=""),
        case(func, "valueFrom.configMapKeyRef.name invalid",
             env=[{"name": "abc", "valueFrom": {"configMapKeyRef": {"name": "$%^&*#", "key": "some-key"}}}],
             want=""),
        case(func, "missing FieldPath on ObjectFieldSelector", env=[{"name": "abc", "valueFrom": field_ref()}],
             want="[0].valueFrom.fieldRef.fieldPath: Required value"),
        case(func, "missing APIVersion on ObjectFieldSelector",
             env=[{"name": "abc", "valueFrom": field_ref("metadata.name", None)}],
             want="[0].valueFrom.fieldRef.apiVersion: Required value"),
        case(func, "invalid fieldPath", env=[{"name": "abc", "valueFrom": field_ref("metadata.whoops")}],
             want="[0].valueFrom.fieldRef.fieldPath: Invalid value: \"metadata.whoops\": error converting fieldPath"),
        case(func, "metadata.name with subscript", env=[{"name": "labels",
                                                         "valueFrom": field_ref("metadata.name['key']")}],
             want="[0].valueFrom.fieldRef.fieldPath: Invalid value: \"metadata.name['key']\": error converting "
                  "fieldPath: field label does not support subscript"),
        case(func, "metadata.labels without subscript", env=[{"name": "labels",
                                                              "valueFrom": field_ref("metadata.labels")}],
             want=f"[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"metadata.labels\": supported values: "
                  f"{NAMES}"),
        case(func, "metadata.annotations without subscript",
             env=[{"name": "abc", "valueFrom": field_ref("metadata.annotations")}],
             want=f"[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"metadata.annotations\": supported "
                  f"values: {NAMES}"),
        case(func, "metadata.annotations with invalid key",
             env=[{"name": "abc", "valueFrom": field_ref("metadata.annotations['invalid~key']")}],
             want="field[0].valueFrom.fieldRef: Invalid value: \"invalid~key\""),
        case(func, "metadata.labels with invalid key",
             env=[{"name": "abc", "valueFrom": field_ref("metadata.labels['Www.k8s.io/test']")}],
             want="field[0].valueFrom.fieldRef: Invalid value: \"Www.k8s.io/test\""),
        case(func, "unsupported fieldPath", env=[{"name": "abc", "valueFrom": field_ref("status.phase")}],
             want=f"valueFrom.fieldRef.fieldPath: Unsupported value: \"status.phase\": supported values: {NAMES}"),
    ]


RELAXED_NAMES = ["!\"#$%&'()", "* +,-./0123456789", ":;<>?@", "ABCDEFG", "abcdefghijklmn", "[\\]^_`{}|~"]
DOWNWARD = ["metadata.annotations['key']", "metadata.labels['key']", "metadata.name", "metadata.namespace",
            "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.podIP",
            "status.podIPs"]
SUCCESS_STRICT = [{"name": n, "value": v} for n, v in (("abc", "value"), ("ABC", "value"), ("AbC_123", "value"),
                                                        ("abc", ""), ("a.b.c", "value"), ("a-b-c", "value"))] + \
    [{"name": "abc", "valueFrom": field_ref(p)} for p in DOWNWARD] + \
    [{"name": "secret_value", "valueFrom": {"secretKeyRef": {"name": "some-secret", "key": "secret-key"}}},
     {"name": "ENV_VAR_1", "valueFrom": {"configMapKeyRef": {"name": "some-config-map", "key": "some-key"}}}]
SUCCESS_RELAXED = [{"name": n, "value": "value"} for n in RELAXED_NAMES] + \
    [{"name": RELAXED_NAMES[i // 2 % 3], "valueFrom": field_ref(p)} for i, p in enumerate(DOWNWARD)] + \
    [{"name": "abcdefghijklmn", "valueFrom": {"secretKeyRef": {"name": "some-secret", "key": "secret-key"}}},
     {"name": "!\"#$%&'()", "valueFrom": CONFIG}]
_STRICT = ("the case validates names without RelaxedEnvironmentVariableValidation; kspec applies the GA relaxed "
           "rule, under which this name is valid")
ENVVAR_MSG = "a valid environment variable name must consist of"

F, G = "TestValidateEnv", "TestRelaxedValidateEnv"
CASES = [
    case(F, "successCase", env=SUCCESS_STRICT, want=None),
    case(F, "updateSuccessCase", env=[{"name": n, "value": "value"} for n in RELAXED_NAMES], want=None),
] + [case(F, f"invalid name {letter}", unmodelled=_STRICT, env=[{"name": n, "value": "value"}],
          want=f"field[0].name: Invalid value: \"{n}\": {ENVVAR_MSG}")
     for letter, n in zip("abcd", ["!\"#$%&'()", "* +,-./0123456789", ":;<>?@", "[\\]^_{}|~"], strict=True)] + \
    _errors(F) + [
    case(G, "successCase", env=SUCCESS_RELAXED, want=None),
    case(G, "illegal character", env=[{"name": "=abc"}],
         want=f"[0].name: Invalid value: \"=abc\": {RELAXED_MSG}"),
] + _errors(G)


@pytest.mark.parametrize("c", CASES)
def test_validate_env(c: dict[str, Any]) -> None:
    errs = env_errors(c["env"])
    if c["want"] is None:
        assert errs == []
        return
    assert errs
    assert [e for e in errs if c["want"] not in e] == []


def env_from_errors(sources: list[dict[str, Any]]) -> list[str]:
    ctr = {"name": "abc", "image": "image", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File",
           "envFrom": sources}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
           "spec": {"containers": [ctr], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                    "terminationGracePeriodSeconds": 30}}
    prefix = "spec.containers[0].envFrom"
    return ["field" + str(e)[len(prefix):] for e in validate(pod) if e.field.startswith(prefix)]


def cm(name: str, prefix: str | None = None) -> dict[str, Any]:
    return {"configMapRef": {"name": name}, **({"prefix": prefix} if prefix is not None else {})}


def sec(name: str, prefix: str | None = None) -> dict[str, Any]:
    return {"secretRef": {"name": name}, **({"prefix": prefix} if prefix is not None else {})}


SUBDOMAIN = "a lowercase RFC 1123 subdomain"


def _from_errors(func: str, relaxed: bool) -> list[Any]:
    rows = [
        ("zero-length name", [cm("")], "field[0].configMapRef.name: Required value"),
        ("invalid name", [cm("$")], "field[0].configMapRef.name: Invalid value"),
        ("zero-length name", [sec("")], "field[0].secretRef.name: Required value"),
        ("invalid name", [sec("&")], "field[0].secretRef.name: Invalid value"),
        ("no refs", [{}], "field: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"),
        ("multiple refs", [{**sec("abc"), **cm("abc")}],
         "field: Invalid value: \"\": may not have more than one field specified at a time"),
        ("invalid secret ref name", [sec("$%^&*#")],
         f"field[0].secretRef.name: Invalid value: \"$%^&*#\": {SUBDOMAIN}"),
        ("invalid config ref name", [cm("$%^&*#")],
         f"field[0].configMapRef.name: Invalid value: \"$%^&*#\": {SUBDOMAIN}"),
    ]
    if relaxed:  # TestRelaxedValidateEnvFrom: "invalid prefix" in place of the config map "invalid name"
        rows[1] = ("invalid prefix", [cm("abc", "=abc")], f"field[0].prefix: Invalid value: \"=abc\": {RELAXED_MSG}")
    seen: dict[str, int] = {}
    out = []
    for name, sources, want in rows:
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name} #{seen[name]}"  # upstream repeats some names
        out.append(case(func, label, sources=sources, want=want))
    return out


H, R = "TestValidateEnvFrom", "TestRelaxedValidateEnvFrom"
FROM_CASES = [
    case(H, "successCase", sources=[cm("abc"), cm("abc", "pre_"), cm("abc", "a.b"), sec("abc"), sec("abc", "pre_"),
                                    sec("abc", "a.b")], want=None),
    case(H, "updateSuccessCase", sources=[cm("abc"), cm("abc", "* +,-./0123456789"), cm("abc", ":;<>?@"),
                                          sec("abc"), sec("abc", "abcdefghijklmn"), sec("abc", "[\\]^_`{}|~")],
         want=None),
] + [case(H, f"invalid name {letter}", unmodelled=_STRICT, sources=[sec("abc", prefix)],
          want=f"field[0].prefix: Invalid value: \"{prefix}\": {ENVVAR_MSG}")
     for letter, prefix in zip("abcd", ["!\"#$%&'()", "* +,-./0123456789", ":;<>?@", "[\\]^_{}|~"], strict=True)] + \
    _from_errors(H, relaxed=False) + [
    case(R, "successCase", sources=[cm("abc"), cm("abc", "!\"#$%&'()"), cm("abc", "* +,-./0123456789"), sec("abc"),
                                    sec("abc", ":;<>?@"), sec("abc", "[\\]^_`{}|~")], want=None),
] + _from_errors(R, relaxed=True)


@pytest.mark.parametrize("c", FROM_CASES)
def test_validate_env_from(c: dict[str, Any]) -> None:
    errs = env_from_errors(c["sources"])
    if c["want"] is None:
        assert errs == []
        return
    assert errs
    assert [e for e in errs if c["want"] not in e] == []
