"""The ``fieldValidation`` query parameter of a write: what happens to fields the kind does not have.

kube-apiserver (``handlers/create.go``, ``update.go``, ``patch.go``; default ``Warn`` since v1.23):
``Strict`` refuses the request with the strict decoding error (kspec's decoder always does), ``Warn`` drops
each unknown field and answers a ``Warning`` header per field (``unknown field "spec.foo"``, as kubectl prints
it), ``Ignore`` drops them silently. kubectl always sends ``Strict`` (``--validate=false`` sends ``Ignore``); the
Python client and other clients that send nothing get ``Warn``.
"""

from __future__ import annotations

from typing import Any

from kspec.api.decoding import schema
from kspec.errors import ApiError

LEVELS = ("Ignore", "Warn", "Strict")


def level(q: dict[str, list[str]]) -> str:
    """The request's level; anything else is upstream's 400."""
    value = q.get("fieldValidation", [""])[0] or "Warn"
    if value not in LEVELS:
        raise ApiError(400, "BadRequest", f'fieldValidation must be one of "Ignore", "Warn", or "Strict", got '
                                          f'"{value}"')
    return value


def drop_unknown(obj: Any, q: dict[str, list[str]]) -> tuple[Any, list[str]]:
    """``obj`` without the fields its kind lacks (unless Strict), and the warnings to answer (Warn)."""
    mode = level(q)
    if mode == "Strict" or not isinstance(obj, dict):
        return obj, []
    doc = schema()
    name = doc["kinds"].get(f"{obj.get('apiVersion')}/{obj.get('kind')}")
    if name is None:
        return obj, []
    dropped: list[str] = []
    out = _value({"ref": name}, obj, "", dropped, doc["definitions"])
    return out, [f'unknown field "{p}"' for p in dropped] if mode == "Warn" else []


def _value(t: Any, v: Any, path: str, dropped: list[str], defs: dict[str, Any]) -> Any:
    if isinstance(t, str):
        return v
    if "ref" in t:
        target = defs[t["ref"]]
        if isinstance(target, str) or not isinstance(v, dict):
            return v
        out = {}
        prefix = f"{path}." if path else ""
        for key, x in v.items():
            field = target["fields"].get(key)
            if field is None:
                dropped.append(prefix + key)
            else:
                out[key] = _value(field, x, prefix + key, dropped, defs)
        return out
    if "list" in t and isinstance(v, list):
        return [_value(t["list"], x, f"{path}[{i}]", dropped, defs) for i, x in enumerate(v)]
    if "map" in t and isinstance(v, dict):
        return {k: _value(t["map"], x, f"{path}[{k}]", dropped, defs) for k, x in v.items()}
    return v
