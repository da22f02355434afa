"""Probes and handlers: upstream's TestValidateProbe, Test_validateProbe, TestValidateHandler and
TestValidatePullPolicy (pkg/apis/core/validation/validation_test.go).

The probe goes into a container's readinessProbe; the readiness-only rule (no terminationGracePeriodSeconds)
belongs to validateContainers, not validateProbe, so the adapter leaves that error out. Fields are given
relative to the probe, as upstream's ``field.NewPath("test")`` does.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import validate
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

REQ, INV = "FieldValueRequired", "FieldValueInvalid"
PROBE_PATH = "spec.containers[0].readinessProbe"
ECHO = {"exec": {"command": ["echo"]}}


def _pod(**container: Any) -> dict[str, Any]:
    ctr = {"name": "abc", "image": "image", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File",
           **container}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": [ctr], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                     "terminationGracePeriodSeconds": 30}}


def probe_errors(probe: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e.type, e.field[len(PROBE_PATH):].lstrip(".")) for e in validate(_pod(readinessProbe=probe))
            if e.field.startswith(PROBE_PATH) and e.detail != "must not be set for readinessProbes"]


POSITIVE = ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold")
F = "TestValidateProbe"
PROBES = [case(F, f"successCases[{i + 1}] {k}=10", probe={**ECHO, k: 10}, err=False)
          for i, k in enumerate(POSITIVE)] + \
    [case(F, "errorCases[0] no handler", probe={"timeoutSeconds": 10, "initialDelaySeconds": 10}, err=True)] + \
    [case(F, f"errorCases[{i + 1}] {k}=-10", probe={**ECHO, k: -10}, err=True) for i, k in enumerate(POSITIVE)]


@pytest.mark.parametrize("c", PROBES)
def test_validate_probe(c: dict[str, Any]) -> None:
    assert bool(probe_errors(c["probe"])) == c["err"]


G = "Test_validateProbe"
VALIDATE_PROBE = [
    case(G, "tests[0]", probe={}, want=[(REQ, "")]),
    case(G, "tests[1]", probe=ECHO, want=[]),
] + [case(G, f"tests[{i + 2}]", probe={**ECHO, k: -1}, want=[(INV, k)]) for i, k in enumerate(
    ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"))] + [
    case(G, "tests[7]", probe={**ECHO, "terminationGracePeriodSeconds": -1},
         want=[(INV, "terminationGracePeriodSeconds")]),
    case(G, "tests[8]", probe={**ECHO, "terminationGracePeriodSeconds": 0},
         want=[(INV, "terminationGracePeriodSeconds")]),
    case(G, "tests[9]", probe={**ECHO, "terminationGracePeriodSeconds": 1}, want=[]),
]


@pytest.mark.parametrize("c", VALIDATE_PROBE)
def test_validate_probe_fields(c: dict[str, Any]) -> None:
    assert probe_errors(c["probe"]) == c["want"]


def _get(path: str, port: Any, host: str = "", scheme: str | None = None,
         headers: list[dict[str, str]] | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"path": path, "port": port, "host": host}
    if scheme is not None:
        action["scheme"] = scheme
    if headers is not None:
        action["httpHeaders"] = headers
    return {"httpGet": action}


H = "TestValidateHandler"
HANDLERS = [
    case(H, "successCases[0]", handler=ECHO, err=False),
    case(H, "successCases[1]", handler=_get("/", 1, scheme="HTTP"), err=False),
    case(H, "successCases[2]", handler=_get("/foo", 65535, "host", "HTTP"), err=False),
    case(H, "successCases[3]", handler=_get("/", "port", scheme="HTTP"), err=False),
    case(H, "successCases[4]", handler=_get("/", "port", scheme="HTTP",
                                            headers=[{"name": "Host", "value": "foo.example.com"}]), err=False),
    case(H, "successCases[5]", handler=_get("/", "port", scheme="HTTP",
                                            headers=[{"name": "X-Forwarded-For", "value": "1.2.3.4"},
                                                     {"name": "X-Forwarded-For", "value": "5.6.7.8"}]), err=False),
    case(H, "errorCases[0]", handler={}, err=True),
    case(H, "errorCases[1]", handler={"exec": {"command": []}}, err=True),
    case(H, "errorCases[2]", handler=_get("", 0), err=True),
    case(H, "errorCases[3]", handler=_get("/foo", 65536, "host"), err=True),
    case(H, "errorCases[4]", handler=_get("", ""), err=True),
    case(H, "errorCases[5]", handler=_get("/", "port", scheme="HTTP",
                                          headers=[{"name": "Host:", "value": "foo.example.com"}]), err=True),
    case(H, "errorCases[6]", handler=_get("/", "port", scheme="HTTP",
                                          headers=[{"name": "X_Forwarded_For", "value": "foo.example.com"}]),
         err=True),
]


@pytest.mark.parametrize("c", HANDLERS)
def test_validate_handler(c: dict[str, Any]) -> None:
    assert bool(probe_errors(c["handler"])) == c["err"]


P = "TestValidatePullPolicy"
PULL = [case(P, name, container={"name": cname, "image": image, "imagePullPolicy": policy}, policy=policy)
        for name, cname, image, policy in (
            ("NotPresent1", "abc", "image:latest", "IfNotPresent"), ("NotPresent2", "abc1", "image", "IfNotPresent"),
            ("Always1", "123", "image:latest", "Always"), ("Always2", "1234", "image", "Always"),
            ("Never1", "abc-123", "image:latest", "Never"), ("Never2", "abc-1234", "image", "Never"))]


@pytest.mark.parametrize("c", PULL)
def test_validate_pull_policy(c: dict[str, Any]) -> None:
    pod = _pod(**c["container"])
    assert [str(e) for e in validate(pod) if e.field.endswith("imagePullPolicy")] == []
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == c["policy"]
