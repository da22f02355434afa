"""Aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList): every group's resources in one answer.

kubectl 1.37 (client-go's discovery client) asks ``/api`` and ``/apis`` with an Accept header listing
``application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`` first; when the answer's
Content-Type names that type it uses it and skips the per-group-version ``/apis/<g>/<v>`` requests.
Built from the same resource lists as the legacy discovery (``rest._resource_list``); upstream's types:
``staging/src/k8s.io/api/apidiscovery/v2/types.go``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DISCOVERY_GROUP = "apidiscovery.k8s.io"
_VERSIONS = ("v2", "v2beta1")


def wanted_version(accept: str) -> str | None:
    """The apidiscovery version the client asks for first, or None for the legacy documents."""
    for media in accept.split(","):
        params = dict(p.strip().partition("=")[::2] for p in media.split(";")[1:])
        if params.get("g") == DISCOVERY_GROUP and params.get("as") == "APIGroupDiscoveryList" \
                and params.get("v") in _VERSIONS:
            return params["v"]
    return None


def content_type(version: str) -> str:
    return f"application/json;g={DISCOVERY_GROUP};v={version};as=APIGroupDiscoveryList"


def _resources(listing: dict[str, Any]) -> list[dict[str, Any]]:
    """APIResourceDiscovery entries: each resource with its subresources folded in."""
    group_version = listing["groupVersion"]
    group, _, version = group_version.rpartition("/")
    out: dict[str, dict[str, Any]] = {}
    for r in listing["resources"]:
        name, _, sub = r["name"].partition("/")
        kind = {"group": r.get("group", group), "version": r.get("version", version), "kind": r["kind"]}
        if not sub:
            entry: dict[str, Any] = {"resource": name, "responseKind": kind,
                                     "scope": "Namespaced" if r["namespaced"] else "Cluster",
                                     "singularResource": r["singularName"], "verbs": r["verbs"]}
            if r.get("shortNames"):
                entry["shortNames"] = r["shortNames"]
            if r.get("categories"):
                entry["categories"] = r["categories"]
            out[name] = entry
        elif name in out:
            out[name].setdefault("subresources", []).append(
                {"subresource": sub, "responseKind": kind, "verbs": r["verbs"]})
    return list(out.values())


def group_discovery_list(version: str, groups: dict[str, list[str]], legacy: bool,
                         resource_list: Callable[[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The APIGroupDiscoveryList of ``/api`` (``legacy``: the core group) or ``/apis`` (every named group)."""
    items = []
    for group, versions in groups.items():
        if (group == "") != legacy:
            continue
        items.append({"metadata": {"name": group, "creationTimestamp": None},
                      "versions": [{"version": v, "resources": _resources(resource_list(group, v)),
                                    "freshness": "Current"} for v in versions]})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": f"{DISCOVERY_GROUP}/{version}", "metadata": {},
            "items": items}
