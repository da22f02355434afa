"""OpenAPI v3 (and v2) documents generated from kspec's kinds: what ``kubectl explain`` reads and how kubectl learns
that the server validates fields itself.

``/openapi/v3`` is the index (``{"paths": {"apis/apps/v1": {"serverRelativeURL": ...}}}``, as kube-apiserver's
``openapi/v3`` handler serves it); ``/openapi/v3/apis/<g>/<v>`` one group-version's document: its kinds'
schemas (``components.schemas``, tagged ``x-kubernetes-group-version-kind``) and the definitions they reach,
from kspec/api/openapi (upstream's published document reduced to types: no descriptions, no ``required``
lists, no enums), and each resource's paths. kubectl's QueryParamVerifierV3 looks for the ``fieldValidation``
query parameter on a kind's PATCH operation; finding it, ``kubectl apply --validate=strict`` leaves the
check to the server, which answers with kube-apiserver's strict decoding errors (kspec/api/decoding.py).
``/openapi/v2`` asked for JSON is the same definitions as Swagger 2.0 (``v2_document``).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from kspec.api.decoding import schema
from kspec.api.kinds import KINDS, Kind

_REF = "#/components/schemas/"
_DOCS_DIR = Path(__file__).resolve().parent.parent / "api" / "openapi"
# the compact form's leaf types as OpenAPI schemas (upstream's formats)
_LEAVES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "bool": {"type": "boolean"},
    "int32": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "float64": {"type": "number", "format": "double"},
    "bytes": {"type": "string", "format": "byte"},
    "time": {"type": "string", "format": "date-time"},
    # no "type": kubectl explain then names the field by its definition (<IntOrString>, <Quantity>), as upstream
    "intstr": {"format": "int-or-string", "oneOf": [{"type": "integer"}, {"type": "string"}]},
    "quantity": {"oneOf": [{"type": "string"}, {"type": "number"}]},
    "any": {"type": "object"},
}
_QUERY = {"dryRun", "fieldManager", "fieldValidation", "pretty"}


def _schema_of(t: Any) -> dict[str, Any]:
    if isinstance(t, str):
        return dict(_LEAVES[t])
    if "ref" in t:
        return {"allOf": [{"$ref": _REF + t["ref"]}]}  # as upstream's v3 wraps a reference
    if "list" in t:
        return {"type": "array", "items": _schema_of(t["list"])}
    if "map" in t:
        return {"type": "object", "additionalProperties": _schema_of(t["map"])}
    raise ValueError(f"unknown schema type {t!r}")


def _refs(t: Any) -> list[str]:
    if isinstance(t, str):
        return []
    if "ref" in t:
        return [t["ref"]]
    return _refs(t.get("list") or t.get("map"))


@cache
def _docs() -> dict[str, Any]:
    """Upstream's descriptions and required lists (scripts/gen_openapi_docs.py); empty when absent."""
    path = _DOCS_DIR / f"{schema()['kubernetesVersion']}-docs.json"
    return json.loads(path.read_text(encoding="utf-8"))["definitions"] if path.exists() else {}


def _definition(name: str, d: Any) -> dict[str, Any]:
    docs = _docs().get(name, {})
    out = dict(_LEAVES[d]) if isinstance(d, str) else {"type": "object", "properties": {}}
    if docs.get("d"):
        out["description"] = docs["d"]
    if isinstance(d, dict):
        described = docs.get("f", {})
        for field, t in sorted(d["fields"].items()):
            prop = _schema_of(t)
            if field in described:
                prop["description"] = described[field]
            out["properties"][field] = prop
        if docs.get("r"):
            out["required"] = docs["r"]
    return out


def _reachable(roots: list[str]) -> list[str]:
    defs = schema()["definitions"]
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        d = defs[name]
        if isinstance(d, dict):
            for t in d["fields"].values():
                todo.extend(_refs(t))
    return sorted(seen)


def _gv_kinds(group: str, version: str) -> list[Kind]:
    return [k for k in KINDS if k.group == group and version in (k.version, *k.extra_versions)]


def _params(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "schema": {"type": "string"}, "uniqueItems": True} for n in names]


def _paths(group: str, version: str, kinds: list[Kind]) -> dict[str, Any]:
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    out: dict[str, Any] = {}
    for k in kinds:
        gvk = {"x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": k.kind}}
        ref = {"content": {"application/json": {"schema": {"$ref": f"{_REF}{_def_name(k, version)}"}}}}
        ns = "/namespaces/{namespace}" if k.namespaced else ""
        collection = f"{prefix}{ns}/{k.resource}"
        out[collection] = {
            "get": {"operationId": f"list{k.kind}", "x-kubernetes-action": "list", **gvk,
                    "responses": {"200": {"description": "OK"}}},
            "post": {"operationId": f"create{k.kind}", "x-kubernetes-action": "post", **gvk,
                     "parameters": _params("dryRun", "fieldManager", "fieldValidation"), "requestBody": ref,
                     "responses": {"201": {"description": "Created"}}},
        }
        out[collection + "/{name}"] = {
            "get": {"operationId": f"read{k.kind}", "x-kubernetes-action": "get", **gvk,
                    "responses": {"200": {"description": "OK"}}},
            "put": {"operationId": f"replace{k.kind}", "x-kubernetes-action": "put", **gvk,
                    "parameters": _params("dryRun", "fieldManager", "fieldValidation"), "requestBody": ref,
                    "responses": {"200": {"description": "OK"}}},
            "patch": {"operationId": f"patch{k.kind}", "x-kubernetes-action": "patch", **gvk,
                      "parameters": _params("dryRun", "fieldManager", "fieldValidation", "force"),
                      "responses": {"200": {"description": "OK"}}},
            "delete": {"operationId": f"delete{k.kind}", "x-kubernetes-action": "delete", **gvk,
                       "parameters": _params("dryRun", "gracePeriodSeconds", "propagationPolicy"),
                       "responses": {"200": {"description": "OK"}}},
        }
    return out


def _def_name(kind: Kind, version: str) -> str:
    api_version = f"{kind.group}/{version}" if kind.group else version
    return schema()["kinds"][f"{api_version}/{kind.kind}"]


@cache
def group_version_document(group: str, version: str) -> bytes | None:
    """The OpenAPI v3 document of one group-version, or None when kspec serves no kind in it."""
    kinds = [k for k in _gv_kinds(group, version) if f"{group + '/' if group else ''}{version}/{k.kind}"
             in schema()["kinds"]]
    if not kinds:
        return None
    defs = schema()["definitions"]
    schemas = {name: _definition(name, defs[name]) for name in _reachable([_def_name(k, version) for k in kinds])}
    for k in kinds:
        schemas[_def_name(k, version)]["x-kubernetes-group-version-kind"] = [
            {"group": group, "kind": k.kind, "version": version}]
    title = "Kubernetes"
    doc = {"openapi": "3.0.0", "info": {"title": title, "version": schema()["kubernetesVersion"]},
           "paths": _paths(group, version, kinds), "components": {"schemas": schemas}}
    return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()


def _key(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


@cache
def index_document() -> bytes:
    """``/openapi/v3``: each group-version's path with the hash of its document (clients cache by it)."""
    gvs: list[tuple[str, str]] = []
    for k in KINDS:
        for v in (k.version, *k.extra_versions):
            if (k.group, v) not in gvs:
                gvs.append((k.group, v))
    paths: dict[str, Any] = {}
    for group, version in gvs:
        body = group_version_document(group, version)
        if body is not None:
            digest = hashlib.sha512(body).hexdigest()[:128].upper()
            paths[_key(group, version)] = {"serverRelativeURL": f"/openapi/v3/{_key(group, version)}?hash={digest}"}
    return json.dumps({"paths": paths}, separators=(",", ":")).encode()


def _v2(node: Any) -> Any:
    """A v3 schema in v2's words: references under ``#/definitions/``, unwrapped from ``allOf``."""
    if isinstance(node, list):
        return [_v2(x) for x in node]
    if not isinstance(node, dict):
        return node
    if len(node.get("allOf", ())) == 1:  # v2 puts a reference beside its description
        return _v2(node["allOf"][0]) | {k: v for k, v in node.items() if k != "allOf"}
    if "$ref" in node:
        return {"$ref": "#/definitions/" + node["$ref"].removeprefix(_REF)}
    if "oneOf" in node:  # v2 has no oneOf: upstream's v2 document gives IntOrString and Quantity a format only
        return {k: v for k, v in node.items() if k != "oneOf"} | {"type": "string"}
    return {k: _v2(v) for k, v in node.items()}


@cache
def v2_document() -> bytes:
    """``/openapi/v2`` as JSON (Swagger 2.0): every served kind's definition and those it reaches, tagged
    with ``x-kubernetes-group-version-kind`` as in upstream's ``api/openapi-spec/swagger.json``; no paths."""
    defs = schema()["definitions"]
    gvks: dict[str, list[dict[str, str]]] = {}
    for k in KINDS:
        for v in (k.version, *k.extra_versions):
            key = f"{k.group + '/' if k.group else ''}{v}/{k.kind}"
            if key in schema()["kinds"]:
                gvks.setdefault(schema()["kinds"][key], []).append({"group": k.group, "kind": k.kind, "version": v})
    definitions = {name: _v2(_definition(name, defs[name])) for name in _reachable(list(gvks))}
    for name, tags in gvks.items():
        definitions[name]["x-kubernetes-group-version-kind"] = tags
    doc = {"swagger": "2.0", "info": {"title": "Kubernetes", "version": schema()["kubernetesVersion"]},
           "paths": {}, "definitions": definitions}
    return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()


def document(path: str) -> bytes | None:
    """The document at ``/openapi/v3/<path>`` (``""``: the index), or None."""
    if path == "":
        return index_document()
    parts = path.split("/")
    if len(parts) == 2 and parts[0] == "api":
        return group_version_document("", parts[1])
    if len(parts) == 3 and parts[0] == "apis":
        return group_version_document(parts[1], parts[2])
    return None
