"""HTTP requests from outside through the cluster's ingress controller (Ingress, IngressClass)."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.ingress import expect as ingress
from kspec.steps.registry import given, then

D = "network"


@given('the cluster uses the "{implementation}" ingress', domain=D)
def uses_ingress(k: Harness, implementation: str) -> None:
    """Choose the ingress controller implementation by its registered name (built-in: nginx)."""
    k.use("ingress", implementation)


@then('an HTTP request from outside to "{url}" reaches one of pods "{pods}"{in_ns}', domain=D)
def http_reaches(k: Harness, url: str, pods: str, ns: str | None) -> None:
    """The request (Host header: the URL's host) is routed by an Ingress to one of these pods."""
    ingress.reaches(k.cluster, url, pods, ns)


@then('an HTTP request from outside to "{url}" gets status {code}', domain=D)
def http_status(k: Harness, url: str, code: int) -> None:
    """The status the request gets: 200 from a backend, 404 from the default backend, 503 with no endpoints,
    308 (redirect to https) for http to a TLS host."""
    ingress.gets_status(k.cluster, url, code)
