"""Reading Kubernetes YAML: one or many documents, ``List`` kinds, clear errors with line and column.

YAML is read as kubectl reads it (sigs.k8s.io/yaml: YAML 1.1 scalars, then converted to JSON):
timestamps stay the strings they were written as, booleans stay booleans, map keys become strings,
aliases are expanded (with a bound on the expanded size), and only the plain JSON tags are allowed.
A mapping that repeats a key remembers it, so that strict decoding can report the duplicate field.
"""

from __future__ import annotations

import math
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from kspec.api.kinds import find_kind
from kspec.errors import ManifestError
from kspec.memos import Bounded
from kspec.objects import Obj

#: kube-apiserver's request body limit (maxRequestBodyBytes): a document expanding beyond it is refused.
MAX_REQUEST_BYTES = 3 * 1024 * 1024
#: Nesting deeper than this is refused before anything walks it recursively.
MAX_DEPTH = 200

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
#: Tags with no JSON equivalent: kubectl's YAML-to-JSON conversion has no use for them.
_REFUSED_TAGS = ("tag:yaml.org,2002:binary", "tag:yaml.org,2002:set", "tag:yaml.org,2002:omap",
                 "tag:yaml.org,2002:pairs", _TIMESTAMP)


class YamlMapping(dict):  # type: ignore[type-arg]
    """A mapping read from YAML; ``duplicates`` lists the keys it repeated (the last value wins)."""

    duplicates: tuple[str, ...] = ()


class _Resolver(Resolver):
    """YAML 1.1 implicit types minus timestamps: yaml.v2 keeps those as strings in untyped maps."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}


class _Constructor(SafeConstructor):
    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data = YamlMapping()
        yield data
        repeated: list[str] = []
        own: set[str] = set()
        for key_node, _ in node.value:  # the keys written here, before merge keys (<<) are flattened in
            if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = _json_key(self.construct_object(key_node))
            if key in own and key not in repeated:
                repeated.append(key)
            own.add(key)
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            # keys are JSON object keys: 1 and true stay apart as "1" and "true"
            data[_json_key(self.construct_object(key_node, deep=True))] = self.construct_object(value_node)
        data.duplicates = tuple(repeated)

    def refuse(self, node: yaml.Node) -> Any:
        raise ConstructorError(None, None, f"the tag {node.tag!r} is not allowed in a Kubernetes manifest "
                               "(only strings, numbers, booleans, null, mappings and sequences)", node.start_mark)


_Constructor.add_constructor("tag:yaml.org,2002:map", _Constructor.construct_yaml_map)
for _tag in _REFUSED_TAGS:
    _Constructor.add_constructor(_tag, _Constructor.refuse)


try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = None


class _PurePython(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)


class _Loader(_Parser or _PurePython, _Constructor, _Resolver):  # type: ignore[misc]
    """A safe loader (the C parser where built, several times faster) with kubectl's scalar rules."""

    def __init__(self, stream: str) -> None:
        (_Parser or _PurePython).__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


#: Manifests read so far (text -> objects), so a scenario repeated or outlined, or the same doc string in
#: another scenario, is not parsed again; only short texts, only those that parsed (where a text came from
#: shows only in the errors of one that does not parse).
_PARSED: Bounded[str, list[Obj]] = Bounded(32)
_PARSED_TEXT_MAX = 64 * 1024


def load(text: str, source: str = "<manifest>", first_line: int = 1, indent: int = 0, *,
         shared: bool = False) -> list[Obj]:
    """Parse YAML into objects; ``first_line`` and ``indent`` map positions to the file the text came from.

    The same text gives the same objects wherever it comes from, so a text read before is copied, not parsed.
    ``shared``: the caller only reads them (``Cluster.apply``: the API server decodes a copy), so the remembered
    objects themselves are returned, not copies.
    """
    known = _PARSED.get(text)
    if known is None:
        known = _parse(text, source, first_line, indent)
        if len(text) <= _PARSED_TEXT_MAX:
            _PARSED.remember(text, known)
    if shared:
        return list(known)
    return [_copy(obj) for obj in known]


def _copy(value: Any) -> Any:
    """A private copy of parsed YAML (mappings keep their ``duplicates``)."""
    kind = type(value)
    if kind is YamlMapping:
        out = YamlMapping({k: _copy(v) for k, v in value.items()})
        out.duplicates = value.duplicates
        return out
    if kind is list:
        return [_copy(v) for v in value]
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    return value


def _parse(text: str, source: str, first_line: int, indent: int) -> list[Obj]:
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))  # noqa: S506 - a safe constructor
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{first_line + mark.line}:{indent + mark.column + 1}" if mark else source
        problem = exc.problem or exc.context or "invalid YAML"
        raise ManifestError(f"error parsing YAML at {where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ManifestError(f"error parsing YAML in {source}: {exc}") from None
    except RecursionError:
        raise ManifestError(f"error parsing YAML in {source}: nesting exceeds the maximum depth "
                            f"of {MAX_DEPTH}") from None
    objects: list[Obj] = []
    for index, doc in enumerate(docs, start=1):
        if doc is None:
            continue
        where = f"{source} (document {index})"
        objects.extend(_expand(to_json(doc, where), where))
    if not objects:
        raise ManifestError(f"no objects passed to apply in {source}")
    return objects


def to_json(doc: Any, where: str) -> Any:
    """The document as kubectl sends it: JSON values only, aliases expanded, size and depth bounded."""
    if isinstance(doc, dict | list):
        _expanded_size(doc, where)
    return _convert(doc, where, "", 0)


def _expanded_size(doc: Any, where: str) -> int:
    """The size of the JSON kubectl would send, sharing work per aliased node; refuse cycles and excess.

    kube-apiserver refuses a body over 3 MiB (Request entity too large), so a document that expands
    beyond it is refused before anything expands it.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    nodes = 0
    stack: list[tuple[Any, bool]] = [(doc, False)]
    while stack:
        value, done = stack.pop()
        ident = id(value)
        if done:
            active.discard(ident)
            if isinstance(value, dict):
                total = 1 + sum(len(str(k).encode()) + 4 + _size(v, sizes) for k, v in value.items())
            else:
                total = 1 + sum(1 + _size(v, sizes) for v in value)
            sizes[ident] = total
            if total > MAX_REQUEST_BYTES:
                excess = "contains excessive aliasing" if total > nodes * 64 else "is too large"
                raise ManifestError(f"error converting YAML to JSON in {where}: the document {excess}: it expands "
                                    f"to more than {MAX_REQUEST_BYTES} bytes of JSON (kube-apiserver: Request entity "
                                    f"too large: limit is {MAX_REQUEST_BYTES})")
            continue
        if ident in sizes:
            continue
        if ident in active:
            raise ManifestError(f"error converting YAML to JSON in {where}: an alias refers to a node that "
                                "contains it")
        active.add(ident)
        nodes += 1
        stack.append((value, True))
        children = value.values() if isinstance(value, dict) else value
        for c in children:
            if isinstance(c, dict | list):
                if id(c) in active:
                    raise ManifestError(f"error converting YAML to JSON in {where}: an alias refers to a node "
                                        "that contains it")
                if id(c) not in sizes:
                    stack.append((c, False))
    return sizes.get(id(doc), 1)


def _size(value: Any, sizes: dict[int, int]) -> int:
    if isinstance(value, dict | list):
        return sizes[id(value)]
    if isinstance(value, str):
        return len(value.encode()) + 2
    return len(str(value))


def _convert(value: Any, where: str, path: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ManifestError(f"error converting YAML to JSON in {where}: nesting exceeds the maximum depth of "
                            f"{MAX_DEPTH} at {path or '<root>'}")
    if isinstance(value, dict):
        out = YamlMapping()
        for key, item in value.items():
            name = _json_key(key)
            out[name] = _convert(item, where, f"{path}.{name}" if path else name, depth + 1)
        out.duplicates = getattr(value, "duplicates", ())
        return out
    if isinstance(value, list):
        return [_convert(item, where, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        text = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
        raise ManifestError(f"error converting YAML to JSON in {where}: json: unsupported value: {text} "
                            f"(at {path or '<root>'})")
    return value


def _json_key(key: Any) -> str:
    """How a YAML map key becomes a JSON object key (sigs.k8s.io/yaml: the key's text)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        return repr(key) if math.isfinite(key) else ("NaN" if math.isnan(key) else ("+Inf" if key > 0 else "-Inf"))
    if isinstance(key, list | dict):
        return str(key)
    return str(key)


def _expand(doc: Any, where: str) -> list[Obj]:
    if not isinstance(doc, dict):
        raise ManifestError(f"{where} is not a Kubernetes object: expected a mapping, got a "
                            f"{_yaml_type(doc)}")
    for field in ("apiVersion", "kind"):
        if doc.get(field) is not None and not isinstance(doc[field], str):
            # the TypeMeta probe kubectl decodes first (runtime.SimpleMetaFactory.Interpret)
            raise ManifestError(f"error decoding {where}: couldn't get version/kind; json parse error: json: "
                                f"cannot unmarshal {_yaml_type(doc[field], json=True)} into Go struct field "
                                f".{field} of type string")
    missing = [f for f in ("apiVersion", "kind") if not doc.get(f)]
    if missing:
        raise ManifestError(f"error validating {where}: [{', '.join(f'{f} not set' for f in missing)}]")
    if doc["kind"] == "List" or (doc["kind"].endswith("List") and isinstance(doc.get("items"), list)):
        items = doc.get("items") or []
        if not isinstance(items, list):
            raise ManifestError(f"error decoding {where}: items: expected a list, got a {_yaml_type(items)}")
        out: list[Obj] = []
        for i, item in enumerate(items):
            out.extend(_expand(item, f"{where} items[{i}]"))
        return out
    return [doc]


def nameless(obj: Obj) -> bool:
    """A document kubectl apply cannot GET: of a kind the REST mapper knows (it refuses the others first), with
    no name in its metadata (a generateName is none to apply by): "resource name may not be empty"."""
    md = obj.get("metadata")
    return (md is None or isinstance(md, dict) and md.get("name") in (None, "")) \
        and find_kind(str(obj.get("apiVersion")), str(obj.get("kind"))) is not None


def _yaml_type(value: Any, json: bool = False) -> str:
    if json:
        return {list: "array", dict: "object", str: "string", int: "number", float: "number",
                bool: "bool"}.get(type(value), "object" if isinstance(value, dict) else type(value).__name__)
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "mapping" if isinstance(value, dict) else type(value).__name__)
