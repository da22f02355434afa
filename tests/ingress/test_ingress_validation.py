"""Ingress and IngressClass validation (kspec/api/validation_ingress.py, after upstream's ValidateIngressSpec)."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import validate

SVC = {"service": {"name": "web", "port": {"number": 80}}}


def _ing(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "i", "namespace": "default"}, "spec": spec}


def _rule(host: str | None = "shop.example.com", **path: Any) -> dict[str, Any]:
    p = {"path": "/", "pathType": "Prefix", "backend": SVC, **path}
    return _ing({"rules": [{**({"host": host} if host is not None else {}), "http": {"paths": [p]}}]})


def _errors(obj: dict[str, Any]) -> list[str]:
    return [f"{e.field}: {e.detail}" for e in validate(obj)]


@pytest.mark.parametrize(("obj", "error"), [
    (_rule(), None),
    (_rule(host="*.example.com"), None),
    (_rule(host=None), None),
    (_rule(host="a.*.example.com"), "spec.rules[0].host: a wildcard DNS-1123 subdomain"),
    (_rule(host="10.0.0.1"), "spec.rules[0].host: must be a DNS name, not an IP address"),
    (_rule(host="Shop.example.com"), "spec.rules[0].host: a lowercase RFC 1123 subdomain"),
    (_rule(pathType=None), "spec.rules[0].http.paths[0].pathType: pathType must be specified"),
    (_rule(pathType="Regex"), "spec.rules[0].http.paths[0].pathType: supported values"),
    (_rule(path="foo"), "spec.rules[0].http.paths[0].path: must be an absolute path"),
    (_rule(path="/a/./b"), "spec.rules[0].http.paths[0].path: must not contain '/./'"),
    (_rule(path="/a/../b"), "spec.rules[0].http.paths[0].path: must not contain '/../'"),
    (_rule(path="/a%2Fb"), "spec.rules[0].http.paths[0].path: must not contain '%2F'"),
    (_rule(path="/a/.."), "spec.rules[0].http.paths[0].path: cannot end with '/..'"),
    (_rule(path="/a/."), "spec.rules[0].http.paths[0].path: cannot end with '/.'"),
    (_rule(path="/a//b", pathType="ImplementationSpecific"), None),
    (_rule(path="a", pathType="ImplementationSpecific"), "spec.rules[0].http.paths[0].path: must be an absolute"),
    (_rule(backend={}), "spec.rules[0].http.paths[0].backend: resource or service backend is required"),
    (_rule(backend={**SVC, "resource": {"kind": "Bucket", "name": "b"}}),
     "spec.rules[0].http.paths[0].backend: cannot set both resource and service backends"),
    (_rule(backend={"service": {"name": "web", "port": {"name": "http", "number": 80}}}),
     "spec.rules[0].http.paths[0].backend: cannot set both port name & port number"),
    (_rule(backend={"service": {"name": "web", "port": {}}}),
     "spec.rules[0].http.paths[0].backend: port name or number is required"),
    (_ing({}), "spec: either `defaultBackend` or `rules` must be specified"),
    (_ing({"defaultBackend": SVC}), None),
    (_ing({"defaultBackend": {"resource": {"kind": "Bucket"}}}), "spec.defaultBackend.resource.name: name is required"),
    (_ing({"defaultBackend": SVC, "tls": [{"secretName": "Bad_Name"}]}), "spec.tls[0].secretName: a lowercase"),
    ({**_ing({"defaultBackend": SVC, "ingressClassName": "nginx"}),
      "metadata": {"name": "i", "namespace": "default", "annotations": {"kubernetes.io/ingress.class": "nginx"}}},
     "annotations.kubernetes.io/ingress.class: can not be set when the class field is also set"),
])
def test_ingress_validation(obj: dict[str, Any], error: str | None) -> None:
    errors = _errors(obj)
    if error is None:
        assert errors == []
    else:
        assert any(e.startswith(error) for e in errors), errors


def test_ingress_class_needs_a_domain_prefixed_controller() -> None:
    cls = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx"},
           "spec": {"controller": "nginx"}}
    assert any("domain-prefixed path" in e for e in _errors(cls))
    cls["spec"]["controller"] = "k8s.io/ingress-nginx"
    assert _errors(cls) == []


def test_kubectl_get_ingress_and_ingressclass_columns() -> None:
    from datetime import datetime

    from kspec.printers import table
    ing = _ing({"ingressClassName": "nginx", "tls": [{"hosts": ["a.example.com"]}],
                "rules": [{"host": h} for h in ("a.example.com", "b.example.com", "", "c.example.com", "d")]})
    ing["metadata"]["creationTimestamp"] = "2025-01-01T00:00:00Z"
    ing["status"] = {"loadBalancer": {"ingress": [{"ip": "172.18.255.200"}]}}
    headers, rows = table("ingresses", [ing], datetime(2025, 1, 1, 0, 1))
    assert headers == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    assert rows == [["i", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...", "172.18.255.200",
                     "80, 443", "60s"]]
    cls = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
           "metadata": {"name": "nginx", "creationTimestamp": "2025-01-01T00:00:00Z"},
           "spec": {"controller": "k8s.io/ingress-nginx"}}
    assert table("ingressclasses", [cls], datetime(2025, 1, 1, 0, 1))[1] == [["nginx", "k8s.io/ingress-nginx",
                                                                              "<none>", "60s"]]
