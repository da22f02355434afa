"""Reading Kubernetes YAML: one or many documents, ``List`` kinds, clear errors with line and column."""

from __future__ import annotations

from typing import Any

import yaml

from kspec.errors import ManifestError
from kspec.objects import Obj

# The C loader is several times faster; both are safe loaders.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str, source: str = "<manifest>", first_line: int = 1, indent: int = 0) -> list[Obj]:
    """Parse YAML into objects; ``first_line`` and ``indent`` map positions to the file the text came from."""
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{first_line + mark.line}:{indent + mark.column + 1}" if mark else source
        problem = exc.problem or exc.context or "invalid YAML"
        raise ManifestError(f"error parsing YAML at {where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ManifestError(f"error parsing YAML in {source}: {exc}") from None
    objects: list[Obj] = []
    for index, doc in enumerate(docs, start=1):
        if doc is None:
            continue
        objects.extend(_expand(doc, f"{source} (document {index})"))
    if not objects:
        raise ManifestError(f"no objects passed to apply in {source}")
    return objects


def _expand(doc: Any, where: str) -> list[Obj]:
    if not isinstance(doc, dict):
        raise ManifestError(f"{where} is not a Kubernetes object: expected a mapping, got a "
                            f"{_yaml_type(doc)}")
    missing = [f for f in ("apiVersion", "kind") if not doc.get(f)]
    if missing:
        raise ManifestError(f"error validating {where}: [{', '.join(f'{f} not set' for f in missing)}]")
    if doc["kind"] == "List" or (doc["kind"].endswith("List") and isinstance(doc.get("items"), list)):
        items = doc.get("items") or []
        out: list[Obj] = []
        for i, item in enumerate(items):
            out.extend(_expand(item, f"{where} items[{i}]"))
        return out
    if not isinstance(doc.get("metadata"), dict) or not (doc["metadata"].get("name")
                                                         or doc["metadata"].get("generateName")):
        raise ManifestError(f"error validating {where}: {doc['kind']} has no metadata.name")
    return [doc]


def _yaml_type(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__)
