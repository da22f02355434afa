"""Assertions about HTTP requests from outside through the cluster's ingress controller (the ingress steps)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kspec.errors import StepError
from kspec.ingress.controller import Response

if TYPE_CHECKING:
    from kspec.cluster import Cluster


def request(c: Cluster, url: str) -> Response:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StepError(f'"{url}" is not an http:// or https:// URL with a host (write http://shop.example.com/api)')
    controller = c.require("ingress", "ingress controller")
    return controller.request(url)  # type: ignore[no-any-return]


def reaches(c: Cluster, url: str, pods: str, ns: str | None) -> None:
    got = request(c, url)
    want = {name for _, name in c.pod_list(pods, ns or "default")}
    if got.pod is None or got.pod not in want:
        raise AssertionError(f'an HTTP request from outside to "{url}" {got.describe()}, expected it to reach one '
                             f"of pods {pods}")


def gets_status(c: Cluster, url: str, code: int) -> None:
    got = request(c, url)
    if got.status != code:
        raise AssertionError(f'an HTTP request from outside to "{url}" {got.describe()}, expected status {code}')
