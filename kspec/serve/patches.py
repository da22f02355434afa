"""The three PATCH bodies kubectl sends: JSON merge patch, JSON patch and strategic merge patch.

Written from RFC 7386, RFC 6902 and apimachinery's strategicpatch (StrategicMergePatch): only the
directives kubectl emits are understood (``$patch: delete``/``replace``, ``$setElementOrder/``,
``$deleteFromPrimitiveList/``, ``$retainKeys``).
"""

from __future__ import annotations

import copy
from typing import Any

from kspec.errors import ApiError

# patchMergeKey struct tags of the core types (k8s.io/api): a list of objects under one of these field
# names merges element-wise by that key; every other list is replaced
MERGE_KEYS: dict[str, str] = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name",
    "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
    "imagePullSecrets": "name", "hostAliases": "ip", "conditions": "type", "ownerReferences": "uid",
    "resourceClaims": "name", "topologySpreadConstraints": "topologyKey",
}
# lists of objects whose merge key depends on the parent: container ports merge by containerPort,
# service ports by port
_PORT_KEYS = ("containerPort", "port")
# lists of strings merged as sets (patchStrategy:"merge" on a []string)
_PRIMITIVE_MERGE = frozenset({"finalizers"})


def _bad(message: str) -> ApiError:
    return ApiError(422, "Invalid", message)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise _bad(f'invalid JSON pointer "{path}"')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc: Any, parts: list[str]) -> Any:
    for p in parts:
        if isinstance(doc, dict) and p in doc:
            doc = doc[p]
        elif isinstance(doc, list) and p.isdigit() and int(p) < len(doc):
            doc = doc[int(p)]
        else:
            raise _bad(f"jsonpatch: path /{'/'.join(parts)} does not exist")
    return doc


def json_patch(doc: Any, ops: Any) -> Any:
    """RFC 6902 on a deep copy: add, remove, replace, move, copy, test."""
    if not isinstance(ops, list):
        raise ApiError(400, "BadRequest", "json patch must be a list of operations")
    doc = copy.deepcopy(doc)
    for op in ops:
        kind = op.get("op")
        parts = _pointer(op.get("path", ""))
        if kind in ("move", "copy"):
            src = _pointer(op.get("from", ""))
            value = copy.deepcopy(_walk(doc, src))
            if kind == "move":
                doc = _remove(doc, src)
            doc = _add(doc, parts, value)
        elif kind == "add":
            doc = _add(doc, parts, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            doc = _remove(doc, parts)
        elif kind == "replace":
            _walk(doc, parts)
            doc = _add(_remove(doc, parts), parts, copy.deepcopy(op.get("value")))
        elif kind == "test":
            if _walk(doc, parts) != op.get("value"):
                raise _bad(f"jsonpatch: test failed at {op.get('path')}")
        else:
            raise _bad(f'unexpected json patch operation "{kind}"')
    return doc


def _add(doc: Any, parts: list[str], value: Any) -> Any:
    if not parts:
        return value
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last) if last.isdigit() else -1
        if not 0 <= index <= len(parent):
            raise _bad(f"jsonpatch: index {last} out of range")
        parent.insert(index, value)
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        raise _bad(f"jsonpatch: cannot add below {'/'.join(parts[:-1])}")
    return doc


def _remove(doc: Any, parts: list[str]) -> Any:
    parent = _walk(doc, parts[:-1])
    _walk(doc, parts)
    if isinstance(parent, list):
        parent.pop(int(parts[-1]))
    else:
        del parent[parts[-1]]
    return doc


def strategic_merge_patch(target: Any, patch: Any, field: str = "") -> Any:
    """StrategicMergePatch, reduced: maps merge, null deletes, lists of keyed objects merge by key."""
    if isinstance(patch, dict):
        if patch.get("$patch") == "replace":
            return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
        if patch.get("$patch") == "delete":
            return None
        out = dict(target) if isinstance(target, dict) else {}
        retain = patch.get("$retainKeys")
        for key, value in patch.items():
            if key.startswith("$setElementOrder/") or key in ("$retainKeys", "$patch"):
                continue
            if key.startswith("$deleteFromPrimitiveList/"):
                name = key.split("/", 1)[1]
                if isinstance(out.get(name), list):
                    out[name] = [v for v in out[name] if v not in value]
                continue
            if value is None:
                out.pop(key, None)
                continue
            merged = strategic_merge_patch(out.get(key), value, key)
            if merged is None:
                out.pop(key, None)
            else:
                out[key] = merged
        if isinstance(retain, list):
            out = {k: v for k, v in out.items() if k in retain}
        for key, order in patch.items():
            if key.startswith("$setElementOrder/") and isinstance(out.get(key.split("/", 1)[1]), list):
                name = key.split("/", 1)[1]
                out[name] = _ordered(out[name], order, _merge_key(name, out[name]))
        return out
    if isinstance(patch, list):
        if field in _PRIMITIVE_MERGE and isinstance(target, list):
            return [*target, *(v for v in patch if v not in target)]
        key = _merge_key(field, patch)
        if key is None or not isinstance(target, list):
            return [copy.deepcopy(v) for v in patch if not (isinstance(v, dict) and v.get("$patch"))]
        out = [copy.deepcopy(v) for v in target]
        for item in patch:
            if not isinstance(item, dict):
                continue
            at = next((i for i, v in enumerate(out) if isinstance(v, dict) and v.get(key) == item.get(key)), None)
            if item.get("$patch") == "delete":
                if at is not None:
                    out.pop(at)
            elif at is None:
                out.append(strategic_merge_patch({}, item))
            else:
                out[at] = strategic_merge_patch(out[at], item)
        return out
    return copy.deepcopy(patch)


def _merge_key(field: str, items: list[Any]) -> str | None:
    if field in MERGE_KEYS:
        return MERGE_KEYS[field]
    if field == "ports":
        for key in _PORT_KEYS:
            if any(isinstance(i, dict) and key in i for i in items):
                return key
    return None


def _ordered(items: list[Any], order: list[Any], key: str | None) -> list[Any]:
    """``$setElementOrder``: the listed elements first, in that order; the server's others after."""
    def ident(v: Any) -> Any:
        return v.get(key) if key and isinstance(v, dict) else v
    wanted = [ident(o) for o in order]
    first = [i for w in wanted for i in items if ident(i) == w]
    return first + [i for i in items if ident(i) not in wanted]
