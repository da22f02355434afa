"""Checking feature files without running them.

Everything kspec can know before a cluster exists: Gherkin syntax, steps no phrase matches, values a
phrase cannot read (durations, numbers, quantities, selectors, taints, CIDRs), component names no
plugin registers, and the YAML of ``apply`` doc strings (syntax, apiVersion/kind). The same checks
word the run-time message of a step whose value is wrong, so ``pytest`` and ``kspec lint`` agree.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kspec import syntax
from kspec.durations import ACCEPTED, parse_duration
from kspec.steps.registry import PHRASES, Phrase, compile_template, find

_QUOTED = re.compile(r'"[^"]*"')
_NUMBER = re.compile(r"\b\d[\w.]*\b")
_PLACEHOLDER = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    column: int = 0

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.column else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


def _normal(text: str) -> str:
    """Shape of a step: quoted values and numbers blanked, so names do not sway the match."""
    return _NUMBER.sub("0", _QUOTED.sub('""', text))


_CHOICE = re.compile(r"\{\w+:([^}]*\|[^}]*)\}")
_MAX_SHAPES = 64


def _template_shapes(phrase: Phrase) -> list[str]:
    """The shapes of a phrase, one per spelling of its word choices (``{kind:pvc|persistentvolumeclaim}``),
    so that a step that misspells only one word is matched to the phrase it meant."""
    text = phrase.template.replace("{in_ns}", "")
    text = re.sub(r'"\{[^}]+\}"', '""', text)
    shapes = [text]
    while len(shapes) <= _MAX_SHAPES:
        expanded: list[str] = []
        for shape in shapes:
            m = _CHOICE.search(shape)
            expanded += [shape[:m.start()] + word + shape[m.end():] for word in m.group(1).split("|")] if m else [shape]
        if expanded == shapes:
            break
        shapes = expanded
    return [_PLACEHOLDER.sub("0", shape) for shape in shapes]


def suggest(keyword: str, text: str) -> Phrase | None:
    """The registered phrase closest to ``text`` (same keyword first)."""
    candidates = [p for p in PHRASES if p.keyword == keyword] or PHRASES
    shapes = {shape: p for p in reversed(candidates) for shape in _template_shapes(p)}
    close = difflib.get_close_matches(_normal(text), list(shapes), n=1, cutoff=0.5)
    return shapes[close[0]] if close else None


def unknown_step_message(keyword: str, text: str) -> str:
    """Why no phrase matches: a value it cannot read (naming that value), else the closest phrase."""
    bad = bad_value(keyword, text)
    if bad:
        return bad
    # pytest-bdd, unlike Cucumber, tells Given, When and Then apart; "And" and "But" take the keyword above them
    other = next((k for k in ("given", "when", "then") if k != keyword and find(k, text)), None)
    if other is not None:
        return (f'unknown step "{keyword.capitalize()} {text}": "{text}" is a {other.capitalize()} step; write '
                f'"{other.capitalize()} {text}" (an And or But step takes the keyword of the step above it)')
    close = suggest(keyword, text)
    hint = f'; did you mean "{keyword.capitalize()} {close.display}"?' if close else ""
    return f'unknown step "{keyword.capitalize()} {text}"{hint}'


def unknown_assertion_message(assertion: str, duration: str) -> str:
    """``Then within {duration} X`` where no assertion reads X: the closest assertion, as for an unknown step."""
    message = unknown_step_message("then", assertion).replace("unknown step", "unknown assertion", 1)
    return f"{message} (after within {duration})"


# -- values ------------------------------------------------------------------------------------------
def _check_duration(value: str) -> None:
    parse_duration(value)


def _check_int(value: str) -> None:
    if not re.fullmatch(r"-?\d+", value.strip()):
        raise ValueError(f'"{value}" is not a whole number: write it in digits (3, 10)')


def _check_quantity(value: str) -> None:
    from kspec.quantity import parse_quantity
    try:
        parse_quantity(value)
    except ValueError as exc:
        raise ValueError(f'invalid quantity "{value}": {exc} (write it as Kubernetes does: 500m, 2, 1Gi)') from None


def _check_selector(value: str) -> None:
    from kspec.labels import Selector
    Selector.parse(value)


def _check_taint(value: str) -> None:
    from kspec.errors import StepError
    from kspec.taints import parse_taint
    try:
        parse_taint(value)
    except StepError as exc:
        raise ValueError(str(exc)) from None


def _check_target(value: str) -> None:
    from kspec.errors import StepError
    from kspec.expect import parse_target
    try:
        parse_target(value)
    except StepError as exc:
        raise ValueError(str(exc)) from None


def _check_cidr(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f'invalid CIDR address: {value}') from None


#: Placeholder name -> a check that raises ValueError with the message a user reads.
VALUE_CHECKS: dict[str, Callable[[str], None]] = {
    "duration": _check_duration, "quantity": _check_quantity, "selector": _check_selector,
    "taint": _check_taint, "cidr": _check_cidr, "target": _check_target,
    **{name: _check_int for name in ("n", "low", "high", "count", "revision", "code", "replicas")},
}


def _loose(phrase: Phrase) -> re.Pattern[str]:
    cached = _LOOSE.get(id(phrase))
    if cached is None:
        cached = _LOOSE[id(phrase)] = compile_template(phrase.template, loose=True)[0]
    return cached


_LOOSE: dict[int, re.Pattern[str]] = {}


def value_errors(phrase: Phrase, args: dict[str, Any]) -> list[str]:
    """Messages for the step's values that its placeholders cannot read."""
    errors = []
    for name, value in args.items():
        check = VALUE_CHECKS.get(name)
        if check is None or value is None:
            continue
        try:
            check(str(value))
        except ValueError as exc:
            errors.append(str(exc))
    if "implementation" in args:
        # the component is a placeholder ("... {component:scheduler|proxy}") or the phrase's last words
        # ("... ingress", "... load balancer": the component loadbalancer, as --kspec-loadbalancer names it)
        words = re.search(r'"\{implementation\}" ([a-z ]+)$', phrase.template)
        component = args.get("component") or (words.group(1).replace(" ", "") if words else None)
        if component:
            errors += _component_errors(str(component), str(args["implementation"]))
    return errors


def step_value_errors(phrase: Phrase, args: dict[str, Any]) -> list[str]:
    """``value_errors`` of a step, and of the assertion that a ``within {duration}`` step wraps."""
    errors = value_errors(phrase, args)
    if phrase.keyword == "then" and "assertion" in args:
        inner = find("then", str(args["assertion"]), assertions_only=True)
        if inner is not None:
            errors += value_errors(*inner)
    return errors


def bad_value(keyword: str, text: str) -> str | None:
    """For a step no phrase matches as written: the value that keeps a phrase from matching, worded."""
    for phrase in PHRASES:
        if phrase.keyword != keyword:
            continue
        loose = _loose(phrase)
        if loose.pattern == phrase.regex.pattern:
            continue
        for args in _loose_matches(phrase, loose, text):
            errors = value_errors(phrase, args)
            if errors:
                return "; ".join(errors)
    return None


def _loose_matches(phrase: Phrase, loose: re.Pattern[str], text: str) -> Iterator[dict[str, Any]]:
    m = loose.fullmatch(text)
    if m is None:
        return
    args = dict(m.groupdict())
    if "assertion" not in args:
        yield args
        return
    # ``within {duration} {assertion}``: the duration is every word before the rest reads as an assertion
    words = text.split(" ")
    for cut in range(2, len(words)):
        rest = " ".join(words[cut:])
        if find("then", rest, assertions_only=True):
            yield {**args, "duration": " ".join(words[1:cut]), "assertion": rest}
            return


def _component_errors(component: str, name: str) -> list[str]:
    from kspec.errors import KspecError
    from kspec.plugins import default_manager, registered_names
    try:
        owners = registered_names(default_manager(), component)
    except KspecError as exc:
        return [str(exc)]
    if owners and name not in owners:
        known = ", ".join(f'"{n}"' for n in sorted(owners))
        return [f'unknown {component} "{name}": the registered {component} implementations are {known}']
    return []


# -- YAML doc strings ------------------------------------------------------------------------------------
def manifest_errors(text: str, source: str, first_line: int, indent: int, extra_kinds: set[tuple[str, str]]
                    ) -> list[tuple[int, int, str]]:
    """(line, column, message) for YAML that does not parse, or objects whose apiVersion/kind the API does not serve."""
    from kspec.api.decoding import decode
    from kspec.api.kinds import kind_for
    from kspec.errors import ApiError, ManifestError, mapping_context
    from kspec.manifests import load, nameless
    try:
        objects = load(text, source, first_line, indent)
    except ManifestError as exc:
        m = re.search(rf"at {re.escape(source)}:(\d+):(\d+): ", str(exc))
        if m:
            return [(int(m.group(1)), int(m.group(2)), f"error parsing YAML: {str(exc)[m.end():]}")]
        return [(first_line, 0, str(exc))]
    problems = []
    lines = text.splitlines()
    for obj in objects:
        api_version, kind = str(obj.get("apiVersion")), str(obj.get("kind"))
        if (api_version, kind) in extra_kinds:
            continue
        try:
            kind_for(api_version, kind)
        except ApiError as exc:
            md = obj.get("metadata") or {}
            # kubectl apply's words for a kind the REST mapper does not know (a doc string is applied from STDIN)
            context = mapping_context(str(md.get("name") or ""), str(md.get("namespace") or ""), "STDIN")
            message = f"{context}{exc.message}; ensure CRDs are installed first"
            problems.append((first_line + _line_of_kind(lines, kind), 0, message))
            continue
        if nameless(obj):  # kubectl apply's GET of the live object by its name
            problems.append((first_line + _line_of_kind(lines, kind), 0,
                             f"{kind} has no metadata.name: resource name may not be empty"))
            continue
        try:
            decode(obj)  # the typed, strict decoding every write goes through: wrong types, unknown fields
        except ApiError as exc:
            problems.append((first_line + _line_of_kind(lines, kind), 0, exc.message))
    return problems


def _line_of_kind(lines: list[str], kind: str) -> int:
    for i, line in enumerate(lines):
        if re.match(rf"\s*kind:\s*['\"]?{re.escape(kind)}['\"]?\s*$", line):
            return i
    return 0


def defined_kinds(texts: Iterable[str]) -> set[tuple[str, str]]:
    """(apiVersion, kind) that CustomResourceDefinitions in these YAML texts define."""
    import yaml
    out: set[tuple[str, str]] = set()
    for text in texts:
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            continue
        for doc in docs:
            if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc.get("spec") or {}
            kind = (spec.get("names") or {}).get("kind")
            for version in spec.get("versions") or []:
                if isinstance(version, dict) and kind:
                    out.add((f"{spec.get('group')}/{version.get('name')}", str(kind)))
    return out


# -- files ---------------------------------------------------------------------------------------------
def feature_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(p.rglob("*.feature"))
        else:
            yield p


def syntax_problems(path: Path) -> list[Problem]:
    return [Problem(str(path), p.line, p.message, p.column) for p in syntax.check(path)]


def lint(paths: Iterable[str | Path]) -> list[Problem]:
    problems: list[Problem] = []
    for path in feature_files(paths):
        if not path.is_file():
            problems.append(Problem(str(path), 0, "no such feature file"))
            continue
        problems += lint_file(path)
    return problems


def lint_file(path: Path) -> list[Problem]:
    from pytest_bdd.parser import FeatureParser
    found = syntax_problems(path)
    if found:
        return found
    try:
        feature = FeatureParser(str(path.parent), path.name).parse()
    except Exception as exc:  # the Gherkin parser's own types; syntax.check should have caught them
        return [Problem(str(path), _line_of(exc), f"Gherkin syntax error: {str(exc).strip().splitlines()[0]}")]
    lines = path.read_text(encoding="utf-8").splitlines()
    steps = []
    for scenario in feature.scenarios.values():
        contexts = [c for ex in scenario.examples for c in ex.as_contexts()] or [{}]
        for context in contexts:
            steps += scenario.render(context).steps
    extra = defined_kinds(s.docstring for s in steps if s.docstring)
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for step in steps:
        for line, column, message in _step_problems(step, path, lines, extra):
            if (line, message) not in seen:
                seen.add((line, message))
                problems.append(Problem(str(path), line, message, column))
    return sorted(problems, key=lambda p: p.line)


def _step_problems(step: Any, path: Path, lines: list[str], extra: set[tuple[str, str]]
                   ) -> list[tuple[int, int, str]]:
    found = find(step.type, step.name)
    if found is None:
        return [(step.line_number, 0, unknown_step_message(step.type, step.name))]
    phrase, args = found
    out = [(step.line_number, 0, message) for message in step_value_errors(phrase, args)]
    if phrase.keyword == "then" and "assertion" in args:
        if find("then", str(args["assertion"]), assertions_only=True) is None:
            message = unknown_assertion_message(str(args["assertion"]), str(args.get("duration")))
            out.append((step.line_number, 0, message))
    # what the run refuses before the step's own code (kspec/pytest_plugin.py, _binding)
    if phrase.takes_table and step.datatable is None and phrase.template.endswith(":"):
        out.append((step.line_number, 0, "this step needs a data table below it"))
    if phrase.takes_text and step.docstring is None:
        out.append((step.line_number, 0, 'this step needs a doc string (""" ... """) below it'))
    if step.datatable is not None and phrase.template in _NODE_TABLES:
        out += [(step.line_number, 0, message) for message in _node_table_errors(step.datatable.raw())]
    # a "try" expects the API to reject what it sends, so only a plain apply's YAML is checked
    if step.docstring and phrase.takes_text and "apply" in phrase.template and "try" not in phrase.template:
        fence = lines[step.line_number] if step.line_number < len(lines) else ""
        out += manifest_errors(step.docstring, str(path), step.line_number + 2,
                               len(fence) - len(fence.lstrip()), extra)
    return out


#: The phrases whose data table is a node table (columns name, cpu, memory, taints, ...).
_NODE_TABLES = frozenset({"a cluster with nodes:", "I add nodes:"})


def _node_table_errors(table: list[list[str]]) -> list[str]:
    """What reading the node table as the step does would refuse: an unknown column, a bad quantity or taint."""
    from kspec.cluster import nodes_from_table
    from kspec.errors import KspecError
    try:
        nodes_from_table(table)
    except (KspecError, ValueError) as exc:
        return [str(exc)]
    return []


def gherkin_error(exc: Exception) -> str:
    """The parser's first line, without its repeated file/line trailer."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"Gherkin syntax error: {first}"


def _line_of(exc: Exception) -> int:
    text = str(exc)
    m = re.search(r"Line number: (\d+)", text) or re.search(r"\((\d+):\d+\)", text)
    return int(m.group(1)) if m else getattr(exc, "line", 0) or 0


__all__ = ["ACCEPTED", "Problem", "bad_value", "lint", "step_value_errors", "suggest", "unknown_assertion_message",
           "unknown_step_message", "value_errors"]
