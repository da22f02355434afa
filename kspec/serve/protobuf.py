"""Protobuf request bodies (``application/vnd.kubernetes.protobuf``) decoded to the JSON dict the JSON path gets.

kubectl's typed clients (``kubectl create namespace/configmap/secret/deployment``, ``auth can-i``, drain's
eviction, DeleteOptions) send protobuf and accept a JSON answer, so kspec decodes and never encodes. A body is
upstream's ``runtime.Unknown`` envelope behind the magic ``k8s\\x00`` (apimachinery's protobuf serializer):
typeMeta (apiVersion, kind), raw (the object's message), contentEncoding, contentType. The message's fields
come from ``proto_schema.json`` (scripts/gen_proto_schema.py, from upstream's generated.proto and Go types).

Go's gogo-protobuf marshaller writes every non-pointer field, zero or not; the decoded dict is what Go's JSON
encoder would write for the same struct: a zero non-pointer field is left out when its JSON tag says omitempty
(kept, as Go writes it, when not: a PDB status's ``disruptionsAllowed: 0``), a pointer field on the wire is kept
even when zero (``replicas: 0``, ``gracePeriodSeconds: 0``). Empty structs and the zero Time are left out
(Go would write ``{}`` and ``null``: the same thing to the apiserver).
"""

from __future__ import annotations

import base64
import json
import struct
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

MAGIC = b"k8s\x00"  # apimachinery runtime/serializer/protobuf: protoEncodingPrefix
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"

_META = "k8s.io.apimachinery.pkg.apis.meta.v1."
_UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ProtobufError(ValueError):
    """A body that is not a well-formed Kubernetes protobuf message."""


@cache
def schema() -> dict[str, Any]:
    """The generated field table (kinds: apiVersion/kind -> message; messages: number -> field)."""
    data: dict[str, Any] = json.loads((Path(__file__).with_name("proto_schema.json")).read_text())
    return data


# -- the wire format ------------------------------------------------------------------------------------
def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ProtobufError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 64:
            raise ProtobufError("varint longer than 10 bytes")


def fields(buf: bytes) -> list[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) in wire order: varints and fixed as ints, length-delimited as bytes."""
    out: list[tuple[int, int, int | bytes]] = []
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        num, wire = key >> 3, key & 7
        if num == 0:
            raise ProtobufError("field number 0")
        value: int | bytes
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            if pos + 8 > len(buf):
                raise ProtobufError("truncated fixed64")
            value, pos = int.from_bytes(buf[pos:pos + 8], "little"), pos + 8
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > len(buf):
                raise ProtobufError("truncated length-delimited field")
            value, pos = buf[pos:pos + size], pos + size
        elif wire == 5:
            if pos + 4 > len(buf):
                raise ProtobufError("truncated fixed32")
            value, pos = int.from_bytes(buf[pos:pos + 4], "little"), pos + 4
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
        out.append((num, wire, value))
    return out


def _signed(v: int, bits: int) -> int:
    v &= (1 << 64) - 1  # a negative int32 is sign-extended to ten bytes on the wire
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def _scalar(ftype: str, wire: int, value: int | bytes) -> Any:
    if ftype == "string":
        if not isinstance(value, bytes):
            raise ProtobufError("string field is not length-delimited")
        return value.decode("utf-8", errors="replace")
    if ftype == "bytes":
        if not isinstance(value, bytes):
            raise ProtobufError("bytes field is not length-delimited")
        return base64.b64encode(value).decode()  # []byte in JSON (Secret.data)
    if isinstance(value, bytes):
        raise ProtobufError(f"{ftype} field is length-delimited")
    if ftype == "bool":
        return value != 0
    if ftype in ("int32", "sfixed32"):
        return _signed(value, 32)
    if ftype in ("int64", "sfixed64"):
        return _signed(value, 64)
    if ftype in ("sint32", "sint64"):
        return (value >> 1) ^ -(value & 1)
    if ftype == "double":
        return struct.unpack("<d", value.to_bytes(8, "little"))[0]
    if ftype == "float":
        return struct.unpack("<f", value.to_bytes(4, "little"))[0]
    return value  # uint32, uint64, fixed32, fixed64


def _packed(ftype: str, data: bytes) -> list[Any]:
    """A packed repeated scalar (proto3 style; gogo writes proto2 unpacked, read both)."""
    out: list[Any] = []
    pos = 0
    while pos < len(data):
        if ftype in ("double", "fixed64", "sfixed64"):
            out.append(_scalar(ftype, 1, int.from_bytes(data[pos:pos + 8], "little")))
            pos += 8
        elif ftype in ("float", "fixed32", "sfixed32"):
            out.append(_scalar(ftype, 5, int.from_bytes(data[pos:pos + 4], "little")))
            pos += 4
        else:
            v, pos = _varint(data, pos)
            out.append(_scalar(ftype, 0, v))
    return out


# -- messages to JSON -----------------------------------------------------------------------------------
def _rfc3339(seconds: int, nanos: int, micro: bool) -> str:
    t = _EPOCH + timedelta(seconds=seconds, microseconds=nanos // 1000)
    # metav1.Time marshals RFC3339 at second precision, MicroTime with six fractional digits
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def go_duration(ns: int) -> str:
    """time.Duration.String(): ``1h2m3s``, ``1.5s``, ``300ms``, ``0s``."""
    if ns == 0:
        return "0s"
    sign, ns = ("-", -ns) if ns < 0 else ("", ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return sign + _trim(ns / size if size > 1 else ns, ns % size, size) + unit
    h, rest = divmod(ns, 3_600_000_000_000)
    m, rest = divmod(rest, 60_000_000_000)
    s = _trim(rest // 1_000_000_000, rest % 1_000_000_000, 1_000_000_000) + "s"
    return sign + (f"{h}h" if h else "") + (f"{m}m" if h or m else "") + s


def _trim(whole: float, frac: int, size: int) -> str:
    if not frac:
        return str(int(whole))
    digits = len(str(size)) - 1
    return f"{int(whole)}.{frac:0{digits}d}".rstrip("0")


def _special(name: str, data: bytes) -> tuple[bool, Any]:
    """The messages whose JSON is not an object: (handled, value)."""
    if name in (_META + "Time", _META + "MicroTime"):
        got = {n: v for n, _, v in fields(data)}
        seconds, nanos = _signed(int(got.get(1, 0)), 64), _signed(int(got.get(2, 0)), 32)
        if not seconds and not nanos:
            return True, None  # the zero Time marshals as null
        return True, _rfc3339(seconds, nanos, name.endswith("MicroTime"))
    if name == _META + "Duration":
        got = {n: v for n, _, v in fields(data)}
        return True, go_duration(_signed(int(got.get(1, 0)), 64))
    if name == "k8s.io.apimachinery.pkg.api.resource.Quantity":
        got = {n: v for n, _, v in fields(data)}
        raw = got.get(1, b"")
        return True, raw.decode() if isinstance(raw, bytes) else ""
    if name == "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        got = {n: v for n, _, v in fields(data)}
        if int(got.get(1, 0)) == 1:  # intstr.String
            raw = got.get(3, b"")
            return True, raw.decode() if isinstance(raw, bytes) else ""
        return True, _signed(int(got.get(2, 0)), 32)
    if name in ("k8s.io.apimachinery.pkg.runtime.RawExtension", _META + "FieldsV1"):
        raw = b"".join(v for n, _, v in fields(data) if n == 1 and isinstance(v, bytes))
        try:
            return True, json.loads(raw) if raw.strip() else None  # client-go writes an embedded object as JSON
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ProtobufError(f"{name.rsplit('.', 1)[1]} does not hold JSON: {exc}") from None
    return False, None


def _zero(value: Any) -> bool:
    return value is None or value == "" or value == 0 or value is False or value == {} or value == []


def decode_message(name: str, data: bytes) -> Any:
    """The JSON value of message ``name`` (a fully qualified proto name) encoded in ``data``."""
    handled, value = _special(name, data)
    if handled:
        return value
    msg = schema()["messages"].get(name)
    if msg is None:
        raise ProtobufError(f"no protobuf schema for {name}")
    table: dict[str, list[str]] = msg["fields"]
    out: dict[str, Any] = {}
    seen: set[str] = set()  # keys kept even when zero
    omit: set[str] = set()  # keys whose zero Go's JSON leaves out
    for num, wire, raw in fields(data):
        spec = table.get(str(num))
        if spec is None:
            continue  # a field newer than the table: the apiserver's decoder skips unknown fields too
        jname = spec[0]
        if spec[1] == "map":
            if not isinstance(raw, bytes):
                raise ProtobufError(f"{name}.{jname}: map entry is not length-delimited")
            entry = {n: (w, v) for n, w, v in fields(raw)}
            key = _value(spec[2], *entry[1]) if 1 in entry else ""
            val = _value(spec[3], *entry[2]) if 2 in entry else _empty(spec[3])
            out.setdefault(jname, {})[str(key)] = val
            continue
        ftype, flags = spec[1], spec[2]
        if "r" in flags:
            items = out.setdefault(jname, [])
            if wire == 2 and ftype not in ("string", "bytes") and "." not in ftype:
                items.extend(_packed(ftype, raw))  # type: ignore[arg-type]
            else:
                items.append(_value(ftype, wire, raw))
            continue
        value = _value(ftype, wire, raw)
        if "i" in flags:
            if isinstance(value, dict):
                out.update(value)  # an embedded struct: its fields are the parent's in JSON, already filtered
                seen.update(value)
            continue
        out[jname] = value  # the last one wins, as in proto
        if "p" in flags:
            seen.add(jname)
        elif "o" in flags or isinstance(value, dict) or value is None:
            omit.add(jname)
    for key in [k for k, v in out.items() if k in omit and k not in seen and _zero(v)]:
        del out[key]  # a non-pointer zero Go's JSON would leave out
    if msg.get("list"):
        return out.get("items", [])  # ExtraValue, Verbs: a []string
    return out


def _empty(ftype: str) -> Any:
    return "" if ftype in ("string", "bytes") else 0 if "." not in ftype else decode_message(ftype, b"")


def _value(ftype: str, wire: int, raw: int | bytes) -> Any:
    if "." in ftype:
        if not isinstance(raw, bytes):
            raise ProtobufError(f"{ftype}: a message field is not length-delimited")
        return decode_message(ftype, raw)
    return _scalar(ftype, wire, raw)


# -- the envelope ---------------------------------------------------------------------------------------
def message_for(api_version: str, kind: str) -> str:
    """The proto message of a kind (DeleteOptions under any apiVersion: every group accepts meta's)."""
    kinds: dict[str, str] = schema()["kinds"]
    name = kinds.get(f"{api_version}/{kind}")
    if name is None and kind == "DeleteOptions":
        name = _META + "DeleteOptions"
    if name is None:
        raise ProtobufError(f'no kind "{kind}" is registered for version "{api_version}"')  # NewNotRegisteredErrForKind
    return name


def decode(body: bytes) -> dict[str, Any]:
    """A protobuf request body as the JSON object a JSON client would have sent (apiVersion and kind first)."""
    if not body.startswith(MAGIC):
        # runtime/serializer/protobuf: Serializer.Decode
        raise ProtobufError("provided data does not appear to be a protobuf message, expected prefix "
                            f"[{' '.join(str(b) for b in MAGIC)}]")
    env = {n: v for n, _, v in fields(body[len(MAGIC):])}
    type_meta = {n: v for n, _, v in fields(env.get(1, b""))} if isinstance(env.get(1, b""), bytes) else {}
    api_version = type_meta.get(1, b"")
    kind = type_meta.get(2, b"")
    if not isinstance(api_version, bytes) or not isinstance(kind, bytes):
        raise ProtobufError("the typeMeta of the protobuf envelope is malformed")
    encoding = env.get(3, b"")
    if encoding:
        raise ProtobufError(f"unsupported content encoding {encoding!r}")
    raw = env.get(2, b"")
    if not isinstance(raw, bytes):
        raise ProtobufError("the raw object of the protobuf envelope is malformed")
    av, k = api_version.decode(), kind.decode()
    obj = decode_message(message_for(av, k), raw)
    if not isinstance(obj, dict):
        raise ProtobufError(f"{k} is not an object")
    return {"apiVersion": av, "kind": k, **obj}


def to_json(content_type: str, body: bytes) -> tuple[str, bytes]:
    """The (content type, body) the JSON path handles: a protobuf body decoded, any other left as it is."""
    if MEDIA_TYPE not in content_type or not body:
        return content_type, body
    return "application/json", json.dumps(decode(body), separators=(",", ":")).encode()
