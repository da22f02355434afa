"""Label selectors and label key/value validation.

Parsing, matching and printing follow apimachinery ``pkg/labels/selector.go``
(the lexer/parser behind ``kubectl -l``) and ``metav1.LabelSelectorAsSelector``;
the key/value checks follow ``pkg/api/validate/content/kube.go``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from kspec.memos import Bounded

# ---------------------------------------------------------------------------
# Label key / value validation (content.IsLabelKey, content.IsLabelValue)
# ---------------------------------------------------------------------------

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_RE = re.compile("^" + DNS1123_SUBDOMAIN_FMT + "$")
_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
_LABEL_KEY_RE = re.compile("^" + _LABEL_KEY_FMT + "$")
_LABEL_VALUE_FMT = "(" + _LABEL_KEY_FMT + ")?"
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_LABEL_VALUE_RE = re.compile("^" + _LABEL_VALUE_FMT + "$")


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """RegexError: the message plus examples and the regex, exactly as apimachinery words it."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def _max_len_bytes(n: int) -> str:
    # content.MaxLenError (the "bytes" wording used for label keys and values)
    return f"must be no more than {n} bytes"


def _full_match(pattern: re.Pattern[str], value: str) -> bool:
    return pattern.fullmatch(value) is not None and "\n" not in value


#: label keys and values found valid so far: every new cluster's objects carry the same few
_VALID_KEYS: Bounded[str, bool] = Bounded(50_000)
_VALID_VALUES: Bounded[str, bool] = Bounded(50_000)


def validate_label_key(key: str) -> list[str]:
    """content.IsLabelKey: reasons the key is not a qualified name (empty list when valid)."""
    if key in _VALID_KEYS:
        return []
    errs = _label_key_errors(key)
    if not errs:
        _VALID_KEYS.remember(key, True)
    return errs


def _label_key_errors(key: str) -> list[str]:
    errs: list[str] = []
    parts = key.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in _dns1123_subdomain_bytes(prefix))
    else:
        example = regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
        return [
            f"a valid label key {example} with an optional DNS subdomain prefix and '/' "
            "(e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name.encode()) > 63:
        errs.append("name part " + _max_len_bytes(63))
    if not _full_match(_LABEL_KEY_RE, name):
        errs.append(
            "name part " + regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
        )
    return errs


def _dns1123_subdomain_bytes(value: str) -> list[str]:
    # content.IsDNS1123Subdomain (used for the key prefix; "bytes" wording)
    errs: list[str] = []
    if len(value.encode()) > 253:
        errs.append(_max_len_bytes(253))
    if not _full_match(_DNS1123_SUBDOMAIN_RE, value):
        errs.append(regex_error(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def validate_label_value(value: str) -> list[str]:
    """content.IsLabelValue: reasons the value is not a valid label value (empty list when valid)."""
    if value in _VALID_VALUES:
        return []
    errs: list[str] = []
    if len(value.encode()) > 63:
        errs.append(_max_len_bytes(63))
    if not _full_match(_LABEL_VALUE_RE, value):
        errs.append(regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    if not errs:
        _VALID_VALUES.remember(value, True)
    return errs


# ---------------------------------------------------------------------------
# Requirements and selectors
# ---------------------------------------------------------------------------

IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS = "in", "notin", "=", "==", "!="
EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN = "exists", "!", "gt", "lt"
_BINARY_OPERATORS = [IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN]


def _parse_int64(text: str) -> int | None:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


@dataclass(frozen=True)
class Requirement:
    """One clause of a selector: key, operator and values (values kept sorted, like sets.List)."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        """Requirement.Matches: missing keys satisfy only the negative operators."""
        present = self.key in labels
        if self.operator in (IN, EQUALS, DOUBLE_EQUALS):
            return present and labels[self.key] in self.values
        if self.operator in (NOT_IN, NOT_EQUALS):
            return not present or labels[self.key] not in self.values
        if self.operator == EXISTS:
            return present
        if self.operator == DOES_NOT_EXIST:
            return not present
        return present and self._compare(labels[self.key])

    def _compare(self, actual: str) -> bool:
        left = _parse_int64(actual)
        right = _parse_int64(self.values[0]) if len(self.values) == 1 else None
        if left is None or right is None:
            return False
        return left > right if self.operator == GREATER_THAN else left < right

    def __str__(self) -> str:
        """Requirement.String: `!k`, `k`, `k=v`, `k in (a,b)` with values sorted."""
        if self.operator == DOES_NOT_EXIST:
            return "!" + self.key
        if self.operator == EXISTS:
            return self.key
        symbol = {IN: " in ", NOT_IN: " notin ", GREATER_THAN: ">", LESS_THAN: "<"}.get(
            self.operator, self.operator
        )
        joined = ",".join(sorted(self.values))
        if self.operator in (IN, NOT_IN):
            joined = f"({joined})"
        return f"{self.key}{symbol}{joined}"


def new_requirement(key: str, operator: str, values: list[str] | tuple[str, ...]) -> Requirement:
    """labels.NewRequirement: validate the key, arity and values, then build the clause."""
    problems = _requirement_problems(key, operator, list(values))
    if problems:
        raise ValueError(_join_problems(problems))
    return Requirement(key, operator, tuple(values))


def _requirement_problems(key: str, operator: str, values: list[str]) -> list[str]:
    problems: list[str] = []
    key_errs = validate_label_key(key)
    if key_errs:
        problems.append(f"key: Invalid value: {_go_quote(key)}: {'; '.join(key_errs)}")
    arity = {
        IN: (len(values) > 0, "for 'in', 'notin' operators, values set can't be empty"),
        NOT_IN: (len(values) > 0, "for 'in', 'notin' operators, values set can't be empty"),
        EQUALS: (len(values) == 1, "exact-match compatibility requires one single value"),
        DOUBLE_EQUALS: (len(values) == 1, "exact-match compatibility requires one single value"),
        NOT_EQUALS: (len(values) == 1, "exact-match compatibility requires one single value"),
        EXISTS: (len(values) == 0, "values set must be empty for exists and does not exist"),
        DOES_NOT_EXIST: (len(values) == 0, "values set must be empty for exists and does not exist"),
        GREATER_THAN: (len(values) == 1, "for 'Gt', 'Lt' operators, exactly one value is required"),
        LESS_THAN: (len(values) == 1, "for 'Gt', 'Lt' operators, exactly one value is required"),
    }
    if operator not in arity:
        problems.append(f"operator: Unsupported value: {_go_quote(operator)}")
    elif not arity[operator][0]:
        problems.append(f"values: Invalid value: {_go_json_list(values)}: {arity[operator][1]}")
    if operator in (GREATER_THAN, LESS_THAN):
        for i, value in enumerate(values):
            if _parse_int64(value) is None:
                problems.append(
                    f"values[{i}]: Invalid value: {_go_quote(value)}: "
                    "for 'Gt', 'Lt' operators, the value must be an integer"
                )
    for i, value in enumerate(values):
        value_errs = validate_label_value(value)
        if value_errs:
            problems.append(f"values[{i}][{key}]: Invalid value: {_go_quote(value)}: {'; '.join(value_errs)}")
    return problems


def _join_problems(problems: list[str]) -> str:
    # utilerrors aggregate rendering: a single error bare, several in brackets
    return problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"


def _go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _go_json_list(values: list[str]) -> str:
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Selector:
    """A conjunction of requirements; `nothing=True` is labels.Nothing() (matches no object)."""

    requirements: tuple[Requirement, ...] = field(default_factory=tuple)
    nothing: bool = False

    @classmethod
    def everything(cls) -> Selector:
        return cls()

    @classmethod
    def none(cls) -> Selector:
        return cls(nothing=True)

    @classmethod
    def from_requirements(cls, reqs: list[Requirement]) -> Selector:
        """Sort by key (stable), as internalSelector.Add and parse do."""
        return cls(tuple(sorted(reqs, key=lambda r: r.key)))

    @classmethod
    def parse(cls, text: str) -> Selector:
        """labels.Parse: kubectl `-l` syntax. Raises ValueError with upstream's wording."""
        return cls.from_requirements(_Parser(text).parse())

    @classmethod
    def from_set(cls, labels: dict[str, str] | None) -> Selector:
        """SelectorFromSet: every key must equal its value; empty/None selects everything."""
        return cls.from_requirements([Requirement(k, EQUALS, (v,)) for k, v in (labels or {}).items()])

    @classmethod
    def from_label_selector(cls, selector: dict | None) -> Selector:
        """metav1.LabelSelectorAsSelector: None selects nothing, {} selects everything."""
        if selector is None:
            return cls.none()
        match_labels = selector.get("matchLabels") or {}
        expressions = selector.get("matchExpressions") or []
        if not match_labels and not expressions:
            return cls.everything()
        if not expressions and cls is Selector and isinstance(match_labels, dict):
            # the workload controllers parse their owner's selector on every sync: a plain matchLabels
            # selector that parsed is remembered (selectors are immutable)
            key = tuple(sorted(match_labels.items()))
            if all(type(k) is str and type(v) is str for k, v in key):
                known = _MATCH_LABELS.get(key)
                if known is not None:
                    return known
                return _MATCH_LABELS.remember(
                    key, cls.from_requirements([new_requirement(k, EQUALS, [v]) for k, v in key]))
        reqs = [new_requirement(k, EQUALS, [v]) for k, v in sorted(match_labels.items())]
        reqs.extend(_expression_requirement(expr) for expr in expressions)
        return cls.from_requirements(reqs)

    def matches(self, labels: dict[str, str] | None) -> bool:
        if self.nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def is_empty(self) -> bool:
        """Empty() is true only for the everything-selector; Nothing() is not empty."""
        return not self.nothing and not self.requirements

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


#: Selector.from_label_selector's plain matchLabels selectors, by their sorted (key, value) pairs (strings only)
_MATCH_LABELS: Bounded[tuple[tuple[str, str], ...], Selector] = Bounded(20_000)
_EXPRESSION_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}


def _expression_requirement(expr: dict) -> Requirement:
    operator = expr.get("operator", "")
    if operator not in _EXPRESSION_OPERATORS:
        raise ValueError(f"{_go_quote(operator)} is not a valid label selector operator")
    return new_requirement(
        expr.get("key", ""), _EXPRESSION_OPERATORS[operator], list(expr.get("values") or [])
    )


# ---------------------------------------------------------------------------
# Lexer / parser (Lexer, Parser in selector.go)
# ---------------------------------------------------------------------------

_ERROR, _EOS, _CLOSE, _COMMA, _NOT, _DEQ, _EQ, _GT, _ID, _IN, _LT, _NEQ, _NOTIN, _OPEN = range(14)
_STRING_TO_TOKEN = {
    ")": _CLOSE,
    ",": _COMMA,
    "!": _NOT,
    "==": _DEQ,
    "=": _EQ,
    ">": _GT,
    "in": _IN,
    "<": _LT,
    "!=": _NEQ,
    "notin": _NOTIN,
    "(": _OPEN,
}
_SPECIAL = set("=!(),><")
_WHITESPACE = set(" \t\r\n")


def _lex(text: str) -> list[tuple[int, str]]:
    """Split into (token, literal) pairs ending with end-of-string."""
    items: list[tuple[int, str]] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        if pos >= len(text):
            items.append((_EOS, ""))
            return items
        if text[pos] in _SPECIAL:
            tok, lit, pos = _scan_special(text, pos)
        else:
            start = pos
            while pos < len(text) and text[pos] not in _SPECIAL and text[pos] not in _WHITESPACE:
                pos += 1
            lit = text[start:pos]
            tok = _STRING_TO_TOKEN.get(lit, _ID)
        items.append((tok, lit))


def _scan_special(text: str, pos: int) -> tuple[int, str, int]:
    """Longest run of special symbols that forms a known token (scanSpecialSymbol)."""
    buffer = ""
    best: tuple[int, str, int] | None = None
    while pos < len(text) and text[pos] in _SPECIAL:
        buffer += text[pos]
        if buffer in _STRING_TO_TOKEN:
            best = (_STRING_TO_TOKEN[buffer], buffer, pos + 1)
        elif best is not None:
            break
        pos += 1
    if best is None:
        return _ERROR, f"error expected: keyword found '{buffer}'", pos
    return best


class _Parser:
    def __init__(self, text: str) -> None:
        self.items = _lex(text)
        self.pos = 0

    def _look(self, values: bool = True) -> tuple[int, str]:
        return self._as_value(self.items[self.pos], values)

    def _take(self, values: bool = True) -> tuple[int, str]:
        item = self.items[self.pos]
        self.pos += 1
        return self._as_value(item, values)

    @staticmethod
    def _as_value(item: tuple[int, str], values: bool) -> tuple[int, str]:
        # in the Values context the keywords `in`/`notin` are plain identifiers
        tok, lit = item
        if values and tok in (_IN, _NOTIN):
            return _ID, lit
        return tok, lit

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self._look()
            if tok == _EOS:
                return reqs
            if tok not in (_ID, _NOT):
                raise ValueError(f"found '{lit}', expected: !, identifier, or 'end of string'")
            try:
                reqs.append(self._requirement())
            except ValueError as exc:
                raise ValueError(f"unable to parse requirement: {exc}") from None
            tok, lit = self._take()
            if tok == _EOS:
                return reqs
            if tok != _COMMA:
                raise ValueError(f"found '{lit}', expected: ',' or 'end of string'")
            tok2, lit2 = self._look()
            if tok2 not in (_ID, _NOT):
                raise ValueError(f"found '{lit2}', expected: identifier after ','")

    def _requirement(self) -> Requirement:
        negated = False
        tok, lit = self._take()
        if tok == _NOT:
            negated = True
            tok, lit = self._take()
        if tok != _ID:
            raise ValueError(f"found '{lit}', expected: identifier")
        key = lit
        key_errs = validate_label_key(key)
        if key_errs:
            # upstream validates with a nil field path, which prints as "<nil>"
            raise ValueError(f"<nil>: Invalid value: {_go_quote(key)}: {'; '.join(key_errs)}")
        if negated:
            # `!key` is complete on its own; whatever follows must be ',' or the end
            return new_requirement(key, DOES_NOT_EXIST, [])
        if self._look()[0] in (_EOS, _COMMA):
            return new_requirement(key, EXISTS, [])
        operator = self._operator()
        values = self._values() if operator in (IN, NOT_IN) else self._exact_value()
        return new_requirement(key, operator, sorted(values))

    def _operator(self) -> str:
        tok, lit = self._take(values=False)
        table = {
            _IN: IN,
            _EQ: EQUALS,
            _DEQ: DOUBLE_EQUALS,
            _GT: GREATER_THAN,
            _LT: LESS_THAN,
            _NOTIN: NOT_IN,
            _NEQ: NOT_EQUALS,
        }
        if tok not in table:
            names = ", ".join(["in", "notin", "=", "==", "!=", "gt", "lt"])
            raise ValueError(f"found '{lit}', expected: {names}")
        return table[tok]

    def _values(self) -> set[str]:
        tok, lit = self._take()
        if tok != _OPEN:
            raise ValueError(f"found '{lit}' expected: '('")
        tok, lit = self._look()
        if tok == _CLOSE:
            self._take()
            return {""}
        if tok not in (_ID, _COMMA):
            raise ValueError(f"found '{lit}', expected: ',', ')' or identifier")
        values = self._identifier_list()
        if self._take()[0] != _CLOSE:
            raise ValueError(f"found '{lit}', expected: ')'")
        return values

    def _identifier_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self._take()
            if tok == _ID:
                values.add(lit)
                tok2, lit2 = self._look()
                if tok2 == _COMMA:
                    continue
                if tok2 == _CLOSE:
                    return values
                raise ValueError(f"found '{lit2}', expected: ',' or ')'")
            if tok == _COMMA:
                if not values:
                    values.add("")
                tok2 = self._look()[0]
                if tok2 in (_CLOSE, _COMMA):
                    values.add("")
                if tok2 == _CLOSE:
                    return values
                continue
            raise ValueError(f"found '{lit}', expected: ',', or identifier")

    def _exact_value(self) -> set[str]:
        tok, _ = self._look()
        if tok in (_EOS, _COMMA):
            return {""}
        tok, lit = self._take()
        if tok == _ID:
            return {lit}
        raise ValueError(f"found '{lit}', expected: identifier")
