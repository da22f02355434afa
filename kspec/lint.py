"""Checking feature files without running them: Gherkin errors and steps no phrase matches."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pytest_bdd.exceptions import FeatureError
from pytest_bdd.parser import FeatureParser

from kspec.steps.registry import PHRASES, Phrase, find

_QUOTED = re.compile(r'"[^"]*"')
_NUMBER = re.compile(r"\b\d[\w.]*\b")
_PLACEHOLDER = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _normal(text: str) -> str:
    """Shape of a step: quoted values and numbers blanked, so names do not sway the match."""
    return _NUMBER.sub("0", _QUOTED.sub('""', text))


def _template_shape(phrase: Phrase) -> str:
    text = phrase.template.replace("{in_ns}", "")
    text = re.sub(r'"\{[^}]+\}"', '""', text)
    return _PLACEHOLDER.sub("0", text)


def suggest(keyword: str, text: str) -> Phrase | None:
    """The registered phrase closest to ``text`` (same keyword first)."""
    candidates = [p for p in PHRASES if p.keyword == keyword] or PHRASES
    shapes = {_template_shape(p): p for p in reversed(candidates)}
    close = difflib.get_close_matches(_normal(text), list(shapes), n=1, cutoff=0.5)
    return shapes[close[0]] if close else None


def unknown_step_message(keyword: str, text: str) -> str:
    close = suggest(keyword, text)
    hint = f'; did you mean "{keyword.capitalize()} {close.display}"?' if close else ""
    return f'unknown step "{keyword.capitalize()} {text}"{hint}'


def feature_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(p.rglob("*.feature"))
        else:
            yield p


def lint(paths: Iterable[str | Path]) -> list[Problem]:
    problems: list[Problem] = []
    for path in feature_files(paths):
        if not path.is_file():
            problems.append(Problem(str(path), 0, "no such feature file"))
            continue
        try:
            feature = FeatureParser(str(path.parent), path.name).parse()
        except FeatureError as exc:
            problems.append(Problem(str(path), getattr(exc, "line", 0) or _line_of(exc), gherkin_error(exc)))
            continue
        except Exception as exc:  # the Gherkin parser raises its own types
            problems.append(Problem(str(path), _line_of(exc), gherkin_error(exc)))
            continue
        for scenario in feature.scenarios.values():
            contexts = [c for ex in scenario.examples for c in ex.as_contexts()] or [{}]
            seen: set[int] = set()
            for context in contexts:
                for step in scenario.render(context).steps:
                    if step.line_number in seen:
                        continue
                    if find(step.type, step.name) is None:
                        seen.add(step.line_number)
                        problems.append(Problem(str(path), step.line_number,
                                                unknown_step_message(step.type, step.name)))
    return problems


def gherkin_error(exc: Exception) -> str:
    """The parser's first line, without its repeated file/line trailer."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"Gherkin syntax error: {first}"


def _line_of(exc: Exception) -> int:
    text = str(exc)
    m = re.search(r"Line number: (\d+)", text) or re.search(r"\((\d+):\d+\)", text)
    return int(m.group(1)) if m else getattr(exc, "line", 0) or 0
