"""Every manifest in features/ encoded to protobuf by the field table, then decoded: the same object comes back.

The encoder lives here (kspec only decodes); it checks that the table's JSON names, types, inlining and the
special messages (Time, Quantity, IntOrString, bytes, maps) agree with the JSON shapes the specs write.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from kspec.api.decoding import decode as typed_decode
from kspec.api.kinds import KINDS
from kspec.errors import ApiError
from kspec.serve import protobuf
from kspec.serve.protobuf import MAGIC, decode

FEATURES = Path(__file__).resolve().parents[2] / "features"
_DOC = re.compile(r'^(\s*)"""\n(.*?)^\1"""', re.M | re.S)


class Unencodable(Exception):
    """A manifest field the table does not know (a spec about bad input)."""


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)


def _key(num: int, wire: int) -> bytes:
    return _varint(num << 3 | wire)


def _ld(num: int, data: bytes) -> bytes:
    return _key(num, 2) + _varint(len(data)) + data


def _by_json(name: str) -> dict[str, tuple[int, list[str]]]:
    """JSON name -> (field number, spec), inline structs' fields lifted, as the decoder lays them out."""
    out: dict[str, tuple[int, list[str]]] = {}
    for num, spec in protobuf.schema()["messages"][name]["fields"].items():
        if spec[1] != "map" and "i" in spec[2]:
            continue
        out[spec[0]] = (int(num), spec)
    return out


def _inline(name: str) -> list[tuple[int, str]]:
    return [(int(num), spec[1]) for num, spec in protobuf.schema()["messages"][name]["fields"].items()
            if spec[1] != "map" and "i" in spec[2]]


def _scalar(num: int, ftype: str, value: Any) -> bytes:
    """Strict, as Go's typed decoding is: a YAML bool or date in a string field is a spec about bad input."""
    if ftype in ("string", "bytes") and not isinstance(value, str):
        raise Unencodable(f"{value!r} is not a string")
    if ftype == "string":
        return _ld(num, value.encode())
    if ftype == "bytes":
        return _ld(num, base64.b64decode(value, validate=True))
    if ftype == "bool":
        if not isinstance(value, bool):
            raise Unencodable(f"{value!r} is not a bool")
        return _key(num, 0) + _varint(int(value))
    if ftype in ("int32", "int64"):
        bits = 31 if ftype == "int32" else 63
        if not isinstance(value, int) or isinstance(value, bool) or not -(1 << bits) <= value < 1 << bits:
            raise Unencodable(f"{value!r} is not an {ftype}")
        return _key(num, 0) + _varint(value)
    raise Unencodable(ftype)


def _special(ftype: str, value: Any) -> bytes | None:
    meta = "k8s.io.apimachinery.pkg.apis.meta.v1."
    if ftype in (meta + "Time", meta + "MicroTime"):
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
        return _key(1, 0) + _varint(int(t.timestamp())) + _key(2, 0) + _varint(t.microsecond * 1000)
    if ftype == "k8s.io.apimachinery.pkg.api.resource.Quantity":
        return _ld(1, str(value).encode())
    if ftype == "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        if isinstance(value, int):
            return _key(1, 0) + _varint(0) + _key(2, 0) + _varint(value)
        return _key(1, 0) + _varint(1) + _ld(3, str(value).encode())
    return None


def _message(name: str, doc: Any) -> bytes:
    special = _special(name, doc)
    if special is not None:
        return special
    if protobuf.schema()["messages"][name].get("list"):
        return b"".join(_ld(1, str(v).encode()) for v in doc)
    if not isinstance(doc, dict):
        raise Unencodable(f"{name}: {doc!r} is not an object")
    fields = _by_json(name)
    out = b""
    rest = dict(doc)
    for num, inner in _inline(name):
        own = _by_json(inner)
        mine = {k: rest.pop(k) for k in list(rest) if k in own}
        out += _ld(num, _message(inner, mine))
    for key, value in rest.items():
        if key in ("apiVersion", "kind") and name.count(".") >= 5 and key not in fields:
            continue  # TypeMeta: the envelope carries it
        if key not in fields:
            raise Unencodable(f"{name}: unknown field {key!r}")
        num, spec = fields[key]
        if value is None:
            continue
        if spec[1] == "map":
            for k, v in value.items():
                val = _scalar(2, spec[3], v) if "." not in spec[3] else _ld(2, _message(spec[3], v))
                out += _ld(num, _scalar(1, spec[2], k) + val)
        elif "r" in spec[2]:
            for item in value:
                out += _ld(num, _message(spec[1], item)) if "." in spec[1] else _scalar(num, spec[1], item)
        elif "." in spec[1]:
            out += _ld(num, _message(spec[1], value))
        else:
            out += _scalar(num, spec[1], value)
    return out


def encode(obj: dict[str, Any]) -> bytes:
    name = protobuf.message_for(obj["apiVersion"], obj["kind"])
    type_meta = _ld(1, obj["apiVersion"].encode()) + _ld(2, obj["kind"].encode())
    return MAGIC + _ld(1, type_meta) + _ld(2, _message(name, obj))


def _significant(doc: Any) -> Any:
    """Without zeros, nulls and empties: the decoder leaves a non-pointer zero out, as Go's JSON does."""
    if isinstance(doc, dict):
        kept = {str(k): _significant(v) for k, v in doc.items()}
        return {k: v for k, v in kept.items() if v not in (None, {}, [], "", 0) or v is True}
    if isinstance(doc, list):
        return [_significant(v) for v in doc]
    return doc


SERVED = {(f"{k.group}/{v}" if k.group else v, k.kind) for k in KINDS for v in (k.version, *k.extra_versions)}


def _manifests() -> list[Any]:
    found = []
    for path in sorted(FEATURES.rglob("*.feature")):
        text = path.read_text()
        for m in _DOC.finditer(text):
            try:
                docs = list(yaml.safe_load_all(m.group(2)))
            except yaml.YAMLError:
                continue
            for i, doc in enumerate(docs):
                typed = isinstance(doc, dict) and isinstance(doc.get("apiVersion"), str)
                if typed and (doc["apiVersion"], doc.get("kind")) in SERVED:  # a kind kspec serves
                    line = text[:m.start()].count("\n") + 2
                    found.append(pytest.param(doc, id=f"{path.relative_to(FEATURES)}:{line}:{i}"))
    return found


MANIFESTS = _manifests()


def test_the_features_hold_enough_manifests() -> None:
    assert len(MANIFESTS) > 100


@pytest.mark.parametrize("manifest", MANIFESTS)
def test_a_manifest_survives_protobuf(manifest: dict[str, Any]) -> None:
    try:
        body = encode(manifest)
    except (Unencodable, protobuf.ProtobufError, KeyError, ValueError, TypeError, AttributeError,
            RecursionError) as exc:
        # a manifest protobuf cannot carry is one the API server refuses as JSON too (a bad-input spec)
        with pytest.raises(ApiError):
            typed_decode(manifest)
        assert exc is not None
        return
    assert _significant(decode(body)) == _significant(manifest)
