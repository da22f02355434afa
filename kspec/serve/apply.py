"""Server-side apply (``PATCH`` with ``application/apply-patch+yaml``): field ownership, coarsely.

Modelled on kube-apiserver's fieldmanager over structured-merge-diff (``sigs.k8s.io/structured-merge-diff``
merge.Updater.Apply; ``apiserver/pkg/endpoints/handlers/fieldmanager``):

- every field the applied configuration sets is owned by its ``fieldManager``, recorded in
  ``metadata.managedFields`` (operation ``Apply``, ``fieldsType: FieldsV1``); a served non-apply write that names
  a ``fieldManager`` (kubectl sends ``kubectl-create``, ``kubectl-client-side-apply``, ...) records an
  ``Update`` entry owning the fields it set or changed;
- an apply that would change a field another manager owns fails with 409 ``Apply failed with N conflict(s)``
  (``internal/conflict.go`` getConflictMessage), unless ``force=true``, which takes the field over;
- a field the manager applied before and leaves out now is removed, unless another manager owns it too;
- fields merge as the types' list strategies say: lists of objects by their keys (containers by ``name``,
  ports by port and ``protocol``), ``finalizers`` as a set, other lists as one atomic value.

Left out: the exact schema of every type (the keys come from ``patches.MERGE_KEYS``), defaulted and
server-set fields in ``Update`` entries, managers of the control plane's own writes, the status subresource,
and the client-side-apply upgrade (``csaupgrade``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml

from kspec.errors import ApiError
from kspec.serve.patches import _PRIMITIVE_MERGE, MERGE_KEYS

Path = tuple[str, ...]
#: fieldmanager's stripmeta: the fields no manager owns
_STRIPPED_META = frozenset({"name", "namespace", "creationTimestamp", "selfLink", "uid", "generation",
                            "managedFields", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"})
_PORT_KEYS = {"containerPort", "port"}


def parse_applied(body: bytes) -> dict[str, Any]:
    """The applied configuration: YAML (JSON is YAML), one object."""
    try:
        doc = yaml.safe_load(body.decode() or "{}")
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ApiError(400, "BadRequest", f"error decoding YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise ApiError(400, "BadRequest", "the apply configuration must be an object")
    return doc


def check_patch_options(apply: bool, field_manager: str, force: str) -> None:
    """ValidatePatchOptions: ``fieldManager`` is required for apply, ``force`` only allowed there."""
    if apply and not field_manager:
        raise ApiError(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
                                       "is required for apply patch",
                       causes=[{"reason": "FieldValueRequired", "message": "Required value: is required for apply "
                                "patch", "field": "fieldManager"}])
    if not apply and force:
        raise ApiError(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be '
                                       "specified for non-apply patch",
                       causes=[{"reason": "FieldValueForbidden", "message": "Forbidden: may not be specified for "
                                "non-apply patch", "field": "force"}])


# -- field sets --------------------------------------------------------------------------------------------
def _list_key(field: str, items: list[Any]) -> tuple[str, ...] | None:
    """The keys of a list of objects (x-kubernetes-list-map-keys), or None for an atomic list."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    if field == "ports":
        found = sorted(k for k in _PORT_KEYS if any(k in i for i in items))
        return (found[0], "protocol") if found else None
    if field in MERGE_KEYS:
        return (MERGE_KEYS[field],)
    return None


def _item_key(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    out = {k: item.get(k) for k in keys}
    if "protocol" in keys and out["protocol"] is None:
        out["protocol"] = "TCP"  # the key's schema default, as structured-merge-diff fills it
    return out


def _element(key: dict[str, Any]) -> str:
    return "k:" + json.dumps(key, separators=(",", ":"), sort_keys=True)


def field_set(obj: dict[str, Any]) -> set[Path]:
    """The fields ``obj`` sets, as FieldsV1 paths (``("f:spec", "f:replicas")``)."""
    out: set[Path] = set()
    body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "status")}
    meta = {k: v for k, v in (body.get("metadata") or {}).items() if k not in _STRIPPED_META}
    body = {**body, "metadata": meta} if meta else {k: v for k, v in body.items() if k != "metadata"}
    _walk_set(body, (), out)
    return out


def _walk_set(value: Any, path: Path, out: set[Path], field: str = "") -> None:
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _walk_set(v, (*path, f"f:{k}"), out, k)
    elif isinstance(value, list) and value and (keys := _list_key(field, value)) is not None:
        for item in value:
            at = (*path, _element(_item_key(item, keys)))
            out.add(at)
            for k, v in item.items():
                _walk_set(v, (*at, f"f:{k}"), out, k)
    elif isinstance(value, list) and value and field in _PRIMITIVE_MERGE:
        for item in value:
            out.add((*path, "v:" + json.dumps(item, separators=(",", ":"))))
    elif path:
        out.add(path)


def to_fields_v1(paths: set[Path]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path in sorted(paths):
        node = root
        for part in path:
            node = node.setdefault(part, {})
        if any(p.startswith("k:") for p in path[-1:]):
            node["."] = {}
    return root


def from_fields_v1(tree: dict[str, Any], path: Path = ()) -> set[Path]:
    out: set[Path] = set()
    for key, sub in tree.items():
        if key == ".":
            out.add(path)
        elif not sub:
            out.add((*path, key))
        else:
            out |= from_fields_v1(sub, (*path, key))
    return out


def path_string(path: Path) -> str:
    """fieldpath.Path.String(): ``.spec.template.spec.containers[name="web"].image``."""
    out = ""
    for part in path:
        kind, _, rest = part.partition(":")
        if kind == "f":
            out += "." + rest
        elif kind == "k":
            key = json.loads(rest)
            out += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in sorted(key.items())) + "]"
        elif kind == "v":
            out += f"[={rest}]"
    return out


def _value_at(obj: Any, path: Path) -> Any:
    """The value at ``path`` (a missing field: ``_MISSING``)."""
    cur = obj
    for part in path:
        kind, _, rest = part.partition(":")
        if kind == "f" and isinstance(cur, dict) and rest in cur:
            cur = cur[rest]
        elif kind == "k" and isinstance(cur, list):
            key = json.loads(rest)
            keys = tuple(sorted(key))
            cur = next((i for i in cur if isinstance(i, dict) and _item_key(i, keys) == key), _MISSING)
        elif kind == "v" and isinstance(cur, list):
            value = json.loads(rest)
            cur = value if value in cur else _MISSING
        else:
            return _MISSING
        if cur is _MISSING:
            return _MISSING
    return cur


_MISSING: Any = object()


def _remove_path(obj: Any, path: Path) -> None:
    parent = _value_at(obj, path[:-1]) if len(path) > 1 else obj
    if parent is _MISSING:
        return
    kind, _, rest = path[-1].partition(":")
    if kind == "f" and isinstance(parent, dict):
        parent.pop(rest, None)
    elif kind == "k" and isinstance(parent, list):
        key = json.loads(rest)
        keys = tuple(sorted(key))
        parent[:] = [i for i in parent if not (isinstance(i, dict) and _item_key(i, keys) == key)]
    elif kind == "v" and isinstance(parent, list):
        value = json.loads(rest)
        parent[:] = [i for i in parent if i != value]


def merge(live: Any, applied: Any, field: str = "") -> Any:
    """The applied configuration laid over the live object, list by list as the field-set walk keys them."""
    if isinstance(applied, dict):
        out = dict(live) if isinstance(live, dict) else {}
        for k, v in applied.items():
            out[k] = merge(out.get(k), v, k)
        return out
    if isinstance(applied, list) and isinstance(live, list):
        keys = _list_key(field, applied)
        if keys is not None and all(isinstance(i, dict) for i in live):
            out = [copy.deepcopy(i) for i in live]
            for item in applied:
                key = _item_key(item, keys)
                at = next((n for n, i in enumerate(out) if _item_key(i, keys) == key), None)
                if at is None:
                    out.append(copy.deepcopy(item))
                else:
                    out[at] = merge(out[at], item)
            return out
        if field in _PRIMITIVE_MERGE:
            return [*live, *(v for v in applied if v not in live)]
    return copy.deepcopy(applied)


# -- managers ----------------------------------------------------------------------------------------------
def _entries(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(e) for e in (obj.get("metadata") or {}).get("managedFields") or []]


def _describe(entry: dict[str, Any]) -> str:
    """printManager: Apply managers by name, Update managers with their apiVersion and time."""
    name = json.dumps(entry["manager"])
    if entry.get("subresource"):
        name += f" with subresource {json.dumps(entry['subresource'])}"
    if entry.get("operation") == "Update":
        return f"{name} using {entry.get('apiVersion')}" + (f" at {entry['time']}" if entry.get("time") else "")
    return name


def _conflict(conflicts: list[tuple[Path, dict[str, Any]]]) -> ApiError:
    """internal/conflict.go NewConflictError: 409 with one cause per conflicting field."""
    causes = [{"reason": "FieldManagerConflict", "message": f"conflict with {_describe(e)}",
               "field": path_string(p)} for p, e in conflicts]
    if len(conflicts) == 1:
        path, entry = conflicts[0]
        message = f"Apply failed with 1 conflict: conflict with {_describe(entry)}: {path_string(path)}"
    else:
        by_manager: dict[str, list[Path]] = {}
        for path, entry in conflicts:
            by_manager.setdefault(_describe(entry), []).append(path)
        lines = []
        for manager in sorted(by_manager):
            lines.append(f"conflicts with {manager}:")
            lines += [f"- {path_string(p)}" for p in by_manager[manager]]
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return ApiError(409, "Conflict", message, causes=causes)


def apply(live: dict[str, Any] | None, applied: dict[str, Any], manager: str, *, force: bool,
          api_version: str, now: str) -> dict[str, Any]:
    """The object after ``manager`` applies ``applied`` to ``live`` (None: it is created), managedFields
    included; ApiError 409 on conflicts without ``force``."""
    applied = {k: v for k, v in applied.items() if k != "status"}  # the main resource resets status
    wanted = field_set(applied)
    if live is None:
        out = copy.deepcopy(applied)
        entries: list[dict[str, Any]] = []
        previous: set[Path] = set()
    else:
        entries = _entries(live)
        mine = next((e for e in entries if e["manager"] == manager and e.get("operation") == "Apply"), None)
        previous = from_fields_v1(mine.get("fieldsV1") or {}) if mine else set()
        conflicts: list[tuple[Path, dict[str, Any]]] = []
        for entry in entries:
            if entry is mine or (entry["manager"] == manager and entry.get("operation") == "Apply"):
                continue
            owned = from_fields_v1(entry.get("fieldsV1") or {})
            for path in sorted(wanted & owned):
                if path[-1].startswith(("k:", "v:")):
                    continue  # a list element is not a value: its fields are compared
                if _value_at(live, path) != _value_at(applied, path):
                    conflicts.append((path, entry))
        if conflicts and not force:
            raise _conflict(conflicts)
        taken = {p for p, _ in conflicts}
        for entry in entries:
            if taken and not (entry["manager"] == manager and entry.get("operation") == "Apply"):
                entry["fieldsV1"] = to_fields_v1(from_fields_v1(entry.get("fieldsV1") or {}) - taken)
        out = merge(copy.deepcopy(live), applied)
        others = set().union(*(from_fields_v1(e.get("fieldsV1") or {}) for e in entries
                               if not (e["manager"] == manager and e.get("operation") == "Apply")))
        for path in sorted(previous - wanted - others, key=len, reverse=True):
            _remove_path(out, path)
    entries = [e for e in entries if not (e["manager"] == manager and e.get("operation") == "Apply")]
    entries.append({"manager": manager, "operation": "Apply", "apiVersion": api_version, "time": now,
                    "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(wanted)})
    out.setdefault("metadata", {})["managedFields"] = [e for e in entries if e.get("fieldsV1")]
    return out


def record_update(old: dict[str, Any] | None, new: dict[str, Any], manager: str, *, api_version: str,
                  now: str) -> None:
    """A non-apply write by ``manager``: it owns the fields it set (all of them on create) or changed; the
    other managers lose those (Update operations take fields over without conflict)."""
    before = field_set(old) if old is not None else set()
    after = field_set(new)
    changed = {p for p in after if old is None or p not in before or _value_at(old, p) != _value_at(new, p)}
    entries = _entries(old) if old is not None else []
    for entry in entries:
        if not (entry["manager"] == manager and entry.get("operation") == "Update"):
            entry["fieldsV1"] = to_fields_v1(from_fields_v1(entry.get("fieldsV1") or {}) - changed)
    mine = next((e for e in entries if e["manager"] == manager and e.get("operation") == "Update"), None)
    owned = (from_fields_v1(mine.get("fieldsV1") or {}) if mine else set()) | changed
    owned = {p for p in owned if _value_at(new, p) is not _MISSING}
    entries = [e for e in entries if e is not mine]
    if owned:
        entries.append({"manager": manager, "operation": "Update", "apiVersion": api_version, "time": now,
                        "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(owned)})
    new.setdefault("metadata", {})["managedFields"] = [e for e in entries if e.get("fieldsV1")]
