"""Gherkin syntax problems of a feature file, every one with its line, column and the parser's reason.

pytest-bdd keeps only the first of the Gherkin parser's errors and words it as "Unknown parsing
error"; kspec parses the file itself first so that ``pytest`` and ``kspec lint`` print
``file:line:column: reason`` for each error. It also reports a line that the parser silently took
for description text although it reads like a misspelt keyword (``Scenario Outlin: ...``): such a
scenario would otherwise never run.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from gherkin.dialect import Dialect
from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    column: int
    message: str


#: The Gherkin parser's token names, as a reader would say them.
_TOKEN_WORDS = {
    "#EOF": "the end of the file", "#TableRow": "a table row", "#DocStringSeparator": 'a doc string (""")',
    "#StepLine": "a step (Given, When, Then, And, But)", "#TagLine": "a tag", "#ExamplesLine": "Examples:",
    "#ScenarioLine": "Scenario:", "#RuleLine": "Rule:", "#Comment": "a comment", "#Empty": "an empty line",
    "#FeatureLine": "Feature:", "#BackgroundLine": "Background:", "#Language": "a language line",
    "#Other": "text",
}
_EXPECTED = re.compile(r"expected: (?P<tokens>[#\w, ]+), got '(?P<got>.*)'$", re.S)
_DOC_FENCE = re.compile(r'^\s*("""|```)')
_HEADING = re.compile(r"^\s*(?P<word>[A-Za-z][A-Za-z ]*?)\s*:")


def check(path: str | Path) -> list[SyntaxProblem]:
    """Every syntax problem of the file, in line order (empty when it parses cleanly)."""
    text = Path(path).read_text(encoding="utf-8")
    return check_text(text)


def check_text(text: str) -> list[SyntaxProblem]:
    problems: list[SyntaxProblem] = []
    try:
        Parser().parse(TokenScanner(text))
    except CompositeParserException as exc:
        problems = [_problem(err, text) for err in exc.errors]
    except ParserException as exc:
        problems = [_problem(exc, text)]
    reported = {p.line for p in problems}
    problems += [p for p in _misspelt_keywords(text) if p.line not in reported]
    return sorted(problems, key=lambda p: (p.line, p.column))


def _problem(err: ParserException, text: str) -> SyntaxProblem:
    location = getattr(err, "location", None) or {}
    line, column = int(location.get("line") or 0), int(location.get("column") or 0)
    reason = re.sub(r"^\(\d+:\d+\): ", "", str(err).strip())
    m = _EXPECTED.search(reason)
    if m:
        got = m.group("got").strip()
        wanted = [_TOKEN_WORDS.get(t.strip(), t.strip()) for t in m.group("tokens").split(",")]
        reason = f"unexpected line '{got}': expected {_or(wanted)}"
        hint = _closest_keyword(got)
        if hint:
            reason += f'; did you mean "{hint}"?'
    elif reason.startswith("unexpected end of file"):
        opened = _open_doc_string(text)
        if opened:
            column = column or 1
            reason = f"unexpected end of file: the doc string opened at line {opened} is never closed"
    return SyntaxProblem(line, column or 1, reason)


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _open_doc_string(text: str) -> int:
    """The line of a doc string fence that has no closing fence, or 0."""
    opened, fence = 0, ""
    for number, line in enumerate(text.splitlines(), start=1):
        m = _DOC_FENCE.match(line)
        if not m:
            continue
        if not opened:
            opened, fence = number, m.group(1)
        elif m.group(1) == fence:
            opened, fence = 0, ""
    return opened


def _keywords() -> tuple[list[str], list[str]]:
    """English Gherkin keywords: (headings that take a colon, step keywords)."""
    d = Dialect.for_name("en")
    headings = [*d.feature_keywords, *d.rule_keywords, *d.background_keywords, *d.scenario_keywords,
                *d.scenario_outline_keywords, *d.examples_keywords]
    steps = [k.strip() for k in (*d.given_keywords, *d.when_keywords, *d.then_keywords, *d.and_keywords,
                                 *d.but_keywords) if k.strip() != "*"]
    return sorted(set(headings)), sorted(set(steps))


def _close(word: str, candidates: list[str], cutoff: float) -> str | None:
    lowered = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[found[0]] if found else None


def _closest_keyword(line: str) -> str | None:
    """The keyword a mistyped line probably meant (``Thenn z`` -> ``Then``, ``Scenari: x`` -> ``Scenario``)."""
    headings, steps = _keywords()
    m = _HEADING.match(line)
    if m:
        found = _close(m.group("word"), headings, 0.75)
        if found and found != m.group("word"):
            return found + ":"
    for heading in headings:
        if line.strip().startswith(heading) and ":" not in line:
            return heading + ":"
    first = line.strip().split(" ", 1)[0]
    found = _close(first, steps, 0.75) if len(first) >= 4 else None
    return found if found and found != first else None


def _misspelt_keywords(text: str) -> list[SyntaxProblem]:
    """Lines that read like a misspelt heading keyword: the parser keeps them as description prose."""
    headings, steps = _keywords()
    problems, fence = [], ""
    for number, line in enumerate(text.splitlines(), start=1):
        m = _DOC_FENCE.match(line)
        if m:
            fence = "" if m.group(1) == fence else fence or m.group(1)
            continue
        stripped = line.strip()
        if fence or not stripped or stripped[0] in "#|@" or stripped.split(" ", 1)[0] in steps:
            continue
        m = _HEADING.match(line)
        if not m:
            continue
        word = m.group("word")
        found = _close(word, headings, 0.8)
        if found is None or found == word:
            continue
        problems.append(SyntaxProblem(
            number, len(line) - len(line.lstrip()) + 1,
            f"'{stripped}' is not a Gherkin keyword line, so the parser takes it and the lines below it for "
            f'description text; did you mean "{found}:"?'))
    return problems
