"""kubectl's JSONPath templates, printed as ``kubectl get -o jsonpath=...`` prints them.

The grammar and the printing follow client-go ``util/jsonpath`` (``Parser``,
``JSONPath.FindResults``, ``PrintResults``) with kubectl's ``AllowMissingKeys(true)``:
fields ``.a`` and ``['a']``, ``*``, ``..`` (recursive descent), indexes and
slices ``[i]``, ``[-1]``, ``[a:b:c]``, unions ``[0,2]``, filters
``[?(@.type=="Ready")]`` (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, or
existence ``[?(@.x)]``), quoted text ``{"\\n"}``, ``{range ...}...{end}``.
Each action's results are joined by a space; maps and lists print as compact
JSON (Go's ``json.Marshal``), strings raw, numbers and booleans as Go's ``fmt``.
One deliberate difference: a wildcard or ``..`` over a map visits keys in sorted
order, where Go's map order is random.

``relaxed(path)`` adds the braces (and leading dot) a step may leave out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Value = Any


class JSONPathSyntaxError(ValueError):
    """The template does not parse (kubectl: ``error parsing jsonpath <template>, <reason>``)."""


class JSONPathEvalError(Exception):
    """The template parsed but cannot be applied to this object (an index out of bounds, a bad comparison)."""


# -- the parsed form ---------------------------------------------------------------------------------------------
@dataclass
class Field:
    name: str


@dataclass
class Wildcard:
    pass


@dataclass
class Recursive:
    pass


@dataclass
class Slice:
    start: int | None
    end: int | None
    step: int | None
    single: bool  # ``[i]``: the end is derived from the start


@dataclass
class Union:
    branches: list[list[Any]]


@dataclass
class Filter:
    left: list[Any]
    op: str  # "exists" or a comparison operator
    right: list[Any]


@dataclass
class Literal:
    value: Value


@dataclass
class Identifier:
    name: str


@dataclass
class Action:
    ops: list[Any]


@dataclass
class Text:
    text: str


@dataclass
class Range:
    ops: list[Any]
    body: list[Any] = field(default_factory=list)


_DICT_KEY = re.compile(r"'([^']*)'")
_SLICE = re.compile(r"(-?\d*)(:-?\d*)?(:-?\d*)?")
_FILTER = re.compile(r"([^!<>=]+)([!<>=]+)(.+?)", re.S)
_TERMINATORS = frozenset(" \t\r\n.,[]$@{}")


def relaxed(path: str) -> str:
    """A step's ``{path}`` as a template: ``.spec.nodeName`` and ``spec.nodeName`` mean ``{.spec.nodeName}``."""
    path = path.strip()
    if "{" in path:
        return path
    return "{" + (path if path[:1] in (".", "[", "$", "@") else "." + path) + "}"


# -- parsing (client-go util/jsonpath parser.go, in our own words) ------------------------------------------------
class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def template(self) -> list[Any]:
        """Top-level nodes: text outside braces, and one Action per ``{...}``."""
        nodes: list[Any] = []
        while self.pos < len(self.text):
            brace = self.text.find("{", self.pos)
            if brace < 0:
                nodes.append(Text(self.text[self.pos:]))
                break
            if brace > self.pos:
                nodes.append(Text(self.text[self.pos:brace]))
            self.pos = brace + 1
            nodes.append(Action(self.action()))
        return nodes

    def action(self) -> list[Any]:
        """Everything up to the closing brace of one action."""
        ops: list[Any] = []
        text = self.text
        while True:
            if text.startswith("}", self.pos):
                self.pos += 1
                return ops
            if text.startswith("[?(", self.pos):
                ops.append(self.filter())
                continue
            if text.startswith("..", self.pos):
                if ops and isinstance(ops[-1], Recursive):
                    raise JSONPathSyntaxError("invalid multiple recursive descent")
                self.pos += 2
                ops.append(Recursive())
                if self.pos < len(text) and _alnum(text[self.pos]):
                    ops.append(self.field())
                continue
            if self.pos >= len(text) or text[self.pos] in "\r\n":
                raise JSONPathSyntaxError("unclosed action")
            c = text[self.pos]
            if c in " @$":
                self.pos += 1
            elif c == "[":
                ops.extend(self.array())
            elif c in "\"'":
                ops.append(Literal(self.quoted(c)))
            elif c == ".":
                self.pos += 1
                ops.append(self.field())
            elif c in "+-" or c.isdigit():
                ops.append(Literal(self.number()))
            elif _alnum(c):
                word = self.word()
                ops.append(Literal(word == "true") if word in ("true", "false") else Identifier(word))
            else:
                raise JSONPathSyntaxError(f"unrecognized character in action: U+{ord(c):04X} {c!r}")

    def word(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _TERMINATORS:
            self.pos += 1
        return self.text[start:self.pos]

    def field(self) -> Field | Wildcard:
        """A field name up to the next unescaped terminator; ``\\.`` keeps a dot in the name."""
        out = []
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c == "\\" and self.pos + 1 < len(text):
                out.append(text[self.pos + 1])
                self.pos += 2
                continue
            if c in _TERMINATORS:
                break
            out.append(c)
            self.pos += 1
        name = "".join(out)
        return Wildcard() if name == "*" else Field(name)

    def number(self) -> int | float:
        start = self.pos
        if self.text[self.pos] in "+-":
            self.pos += 1
        while self.pos < len(self.text) and (self.text[self.pos].isdigit() or self.text[self.pos] == "."):
            self.pos += 1
        word = self.text[start:self.pos]
        try:
            return int(word)
        except ValueError:
            pass
        try:
            return float(word)
        except ValueError:
            raise JSONPathSyntaxError(f"cannot parse number {word}") from None

    def quoted(self, quote: str) -> str:
        start = self.pos
        self.pos += 1
        text = self.text
        while True:
            if self.pos >= len(text) or text[self.pos] == "\n":
                raise JSONPathSyntaxError("unterminated quoted string")
            if text[self.pos] == "\\":
                self.pos += 2
                continue
            if text[self.pos] == quote:
                self.pos += 1
                return _unquote(text[start + 1:self.pos - 1], text[start:self.pos])
            self.pos += 1

    def array(self) -> list[Any]:
        end = self.pos
        while True:
            end += 1
            if end >= len(self.text) or self.text[end] == "\n":
                raise JSONPathSyntaxError("unterminated array")
            if self.text[end] == "]":
                break
        inner = self.text[self.pos + 1:end]
        self.pos = end + 1
        if inner == "*":
            inner = ":"
        if "," in inner:
            return [Union([_parse_action(f"[{part.strip()}]") for part in inner.split(",")])]
        key = _DICT_KEY.fullmatch(inner)
        if key is not None:
            return _parse_action("." + key.group(1))
        m = _SLICE.fullmatch(inner)
        if m is None:
            raise JSONPathSyntaxError(f"invalid array index {inner}")
        start_s, end_s, step_s = m.group(1), m.group(2), m.group(3)
        start = int(start_s) if start_s not in ("", "-") else None
        if start_s == "-":
            raise JSONPathSyntaxError(f"array index {start_s} is not a number")
        if end_s is None:
            return [Slice(start, (start or 0) + 1, None, True)]
        return [Slice(start, _bound(end_s[1:]), _bound(step_s[1:]) if step_s else None, False)]

    def filter(self) -> Filter:
        self.pos += 3
        start = self.pos
        text = self.text
        begin = end = False
        pair = ""
        while True:
            if self.pos >= len(text) or text[self.pos] == "\n":
                raise JSONPathSyntaxError("unterminated filter")
            c = text[self.pos]
            self.pos += 1
            if c in "\"'":
                if not begin:
                    begin, pair = True, c
                elif c == pair and text[self.pos - 2] != "\\":
                    end = True
            elif c == ")" and begin == end:
                break
        inner = text[start:self.pos - 1]
        if not text.startswith("]", self.pos):
            raise JSONPathSyntaxError("unclosed array expect ]")
        self.pos += 1
        m = _FILTER.fullmatch(inner)
        if m is None:
            return Filter(_parse_action(inner), "exists", [])
        return Filter(_parse_action(m.group(1)), m.group(2), _parse_action(m.group(3)))


def _bound(text: str) -> int | None:
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise JSONPathSyntaxError(f"array index {text} is not a number") from None


def _alnum(c: str) -> bool:
    return c == "_" or c.isalnum()


def _parse_action(text: str) -> list[Any]:
    parser = _Parser("{" + text + "}")
    parser.pos = 1
    return parser.action()


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f",
            "v": "\v", "0": "\0"}


def _unquote(body: str, whole: str) -> str:
    """Go's strconv unquoting, extended to single quotes (client-go ``UnquoteExtend``)."""
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        if nxt in ("u", "x", "U"):
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            digits = body[i + 2:i + 2 + width]
            if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise JSONPathSyntaxError(f"unquote string {whole} error invalid syntax")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        elif nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            raise JSONPathSyntaxError(f"unquote string {whole} error invalid syntax")
    return "".join(out)


def parse(template: str) -> list[Any]:
    """Parse a template into top-level nodes, ``{range}`` ... ``{end}`` blocks nested as Range."""
    flat = _Parser(template).template()
    root: list[Any] = []
    stack: list[list[Any]] = [root]
    for node in flat:
        if isinstance(node, Action) and any(isinstance(op, Identifier) and op.name == "range" for op in node.ops):
            block = Range([op for op in node.ops if not (isinstance(op, Identifier) and op.name == "range")])
            stack[-1].append(block)
            stack.append(block.body)
        elif isinstance(node, Action) and len(node.ops) == 1 and node.ops[0] == Identifier("end"):
            if len(stack) == 1:
                stack[-1].append(node)  # evaluating it fails as client-go does: not in range
            else:
                stack.pop()
        else:
            stack[-1].append(node)
    return root


# -- evaluation (client-go util/jsonpath jsonpath.go) ---------------------------------------------------------------
def _children(value: Value) -> list[Value]:
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    return []


def _go_type(value: Value) -> str:
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return "string"


def _eval_ops(ops: list[Any], values: list[Value]) -> list[Value]:
    for op in ops:
        values = _eval(op, values)
    return values


def _eval(op: Any, values: list[Value]) -> list[Value]:
    if isinstance(op, Field):
        if op.name == "":
            return values
        return [v[op.name] for v in values if isinstance(v, dict) and op.name in v]
    if isinstance(op, Slice):
        return [item for v in values if v is not None for item in _slice(op, v)]
    if isinstance(op, Wildcard):
        return [c for v in values for c in _children(v)]
    if isinstance(op, Recursive):
        return _recursive(values)
    if isinstance(op, Union):
        return [r for branch in op.branches for r in _eval_ops(branch, values)]
    if isinstance(op, Filter):
        return [item for v in values for item in _filter(op, v)]
    if isinstance(op, Literal):
        return [op.value for _ in values]
    if isinstance(op, Identifier):
        if op.name == "end":
            raise JSONPathEvalError("not in range, nothing to end")
        raise JSONPathEvalError(f"unrecognized identifier {op.name}")
    raise JSONPathEvalError(f"unexpected Node {op}")


def _slice(op: Slice, value: Value) -> list[Value]:
    """evalArray: Python-like negative indexes, out-of-bounds errors as client-go words them."""
    if not isinstance(value, list):
        raise JSONPathEvalError(f"{_go_type(value)} is not array or slice")
    n = len(value)
    start = op.start if op.start is not None else 0
    if start < 0:
        start += n
    end = op.end if op.end is not None else n
    if end < 0 or (op.single and end == 0):
        end += n
    if start == end:
        return []
    if start >= n or start < 0:
        raise JSONPathEvalError(f"array index out of bounds: index {start}, length {n}")
    if end > n or end < 0:
        raise JSONPathEvalError(f"array index out of bounds: index {end - 1}, length {n}")
    if start > end:
        raise JSONPathEvalError(f"starting index {start} is greater than ending index {end}")
    step = op.step if op.step is not None else 1
    if step <= 0:
        raise JSONPathEvalError("step must be > 0")
    return value[start:end:step]


def _recursive(values: list[Value]) -> list[Value]:
    out: list[Value] = []
    for v in values:
        children = _children(v)
        if children:
            out.append(v)
            out.extend(_recursive(children))
    return out


def _filter(op: Filter, value: Value) -> list[Value]:
    if not isinstance(value, list):
        raise JSONPathEvalError(f"{_text(value)} is not array or slice and cannot be filtered")
    out = []
    for item in value:
        if op.op == "exists":
            try:
                if _eval_ops(op.left, [item]):
                    out.append(item)
            except JSONPathEvalError:
                pass
            continue
        lefts = _eval_ops(op.left, [item])
        if not lefts:
            continue
        rights = _eval_ops(op.right, [item])
        if not rights:
            continue
        if len(lefts) > 1 or len(rights) > 1:
            raise JSONPathEvalError("can only compare one element at a time")
        if _compare(op.op, lefts[0], rights[0]):
            out.append(item)
    return out


def _basic(value: Value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return "other"


def _compare(op: str, left: Value, right: Value) -> bool:
    """Go template's eq/ne/lt/le/gt/ge: both sides of the same basic kind."""
    kind = _basic(left)
    if kind == "other" or _basic(right) == "other":
        raise JSONPathEvalError("invalid type for comparison")
    if kind != _basic(right):
        raise JSONPathEvalError("incompatible types for comparison")
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if kind == "bool":
        raise JSONPathEvalError("invalid type for comparison")
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    if op == ">=":
        return bool(left >= right)
    raise JSONPathEvalError(f"unrecognized filter operator {op}")


# -- printing ----------------------------------------------------------------------------------------------------
def _go_float(value: float, json_style: bool) -> str:
    """``fmt`` %v (exponent from 1e21, or below 1e-4) or ``json.Marshal`` (below 1e-6) of a float64."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    sign, digit_tuple, exp = Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    exp10 = len(digits) + int(exp) - 1  # the exponent in d.ddd x 10^exp10
    minus = "-" if sign else ""
    if exp10 < (-7 if json_style else -4) + (1 if json_style else 0) or exp10 >= 21:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        width = 1 if json_style else 2
        return f"{minus}{body}e{'-' if exp10 < 0 else '+'}{abs(exp10):0{width}d}"
    point = exp10 + 1  # digits before the decimal point
    if point <= 0:
        return f"{minus}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return minus + digits + "0" * (point - len(digits))
    return f"{minus}{digits[:point]}.{digits[point:]}"


def go_json(value: Value) -> str:
    """``json.Marshal`` of an unstructured value: compact, keys sorted, HTML characters escaped."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{go_json(str(k))}:{go_json(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value, True)
    text = json.dumps(str(value), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _text(value: Value) -> str:
    if isinstance(value, dict | list):
        return go_json(value)
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value, False)
    return str(value)


def execute(nodes: list[Any], data: Value) -> str:
    """Print parsed nodes for ``data``: each action's results joined by a space, text as it is."""
    out = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Range):
            for item in _eval_ops(node.ops, [data]):
                out.append(execute(node.body, item))
        else:
            out.append(" ".join(_text(v) for v in _eval_ops(node.ops, [data])))
    return "".join(out)


def evaluate(template: str, data: Value) -> str:
    """What ``kubectl get -o jsonpath='<template>'`` prints for ``data`` (no trailing newline)."""
    return execute(parse(template), data)
