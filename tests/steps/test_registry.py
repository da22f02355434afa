"""The vocabulary: every phrase of the contract and of kspec's own features matches exactly one definition."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd.parser import FeatureParser

from kspec.steps import registry
from kspec.steps.registry import PHRASES, compile_template

ROOT = Path(__file__).resolve().parents[2]
#: the shared contract folder: beside the project (/work/shared) or, from a helper's worktree, one level further up
SHARED = next((p / "shared" / "contract" for p in ROOT.parents if (p / "shared" / "contract").is_dir()), ROOT)
CONTRACTS = [
    SHARED / "steps.feature",
    SHARED / "part2-naming-and-assertions.feature",
    SHARED / "part2-traffic.feature",
    SHARED / "part2-control-plane.feature",
    SHARED / "part2-storage.feature",
    SHARED / "part2-access.feature",
    SHARED / "part2-real-clients.feature",
]


def _steps(path: Path) -> list[tuple[str, str, int]]:
    feature = FeatureParser(str(path.parent), path.name).parse()
    out = []
    for scenario in feature.scenarios.values():
        contexts = [c for ex in scenario.examples for c in ex.as_contexts()] or [{}]
        for context in contexts:
            out += [(s.type, s.name, s.line_number) for s in scenario.render(context).steps]
    for step in feature.background.steps if feature.background else []:
        out.append((step.type, step.name, step.line_number))
    return out


def _feature_files() -> list[Path]:
    files = sorted(ROOT.glob("features/**/*.feature")) + sorted(ROOT.glob("plugins/*/features/*.feature"))
    return files + [c for c in CONTRACTS if c.is_file()]


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else f"contract/{path.name}"


@pytest.mark.parametrize("path", _feature_files(), ids=_id)
def test_every_step_matches_exactly_one_phrase(path: Path) -> None:
    for keyword, text, line in _steps(path):
        matches = [p.template for p in PHRASES if p.keyword == keyword and p.match(text) is not None]
        assert len(matches) == 1, f"{path.name}:{line}: {keyword} {text!r} matches {matches or 'nothing'}"


def test_templates_compile_to_anchored_patterns() -> None:
    regex, ints = compile_template('pod "{pod}" has restarted {n} times{in_ns}')
    assert regex.fullmatch('pod "web" has restarted 2 times in namespace "shop"').groupdict() == {
        "pod": "web", "n": "2", "ns": "shop"}
    assert regex.fullmatch('pod "web" has restarted 2 times') is not None
    assert regex.fullmatch('pod "web" has restarted two times') is None
    assert ints == frozenset({"n"})


def test_within_accepts_every_assertion_and_only_assertions() -> None:
    assertions = [p for p in PHRASES if p.keyword == "then" and p.assertion]
    assert len(assertions) > 30
    assert registry.find("then", 'pod "web" is ready', assertions_only=True) is not None
    assert registry.find("then", 'the request fails with "x"', assertions_only=True) is None


def test_every_phrase_has_a_description_and_domain() -> None:
    for phrase in PHRASES:
        assert phrase.doc, f"{phrase.template} has no docstring"
        assert phrase.domain in registry.DOMAIN_ORDER, phrase.domain


def test_every_description_is_whole_sentences() -> None:
    """`kspec steps` and docs/steps.md show the docstring's first paragraph: one wrapped over two source lines
    must not be cut where the line breaks."""
    cut = [p.display for p in PHRASES if not p.doc.rstrip().endswith((".", ")", "`", ":", "!", "?"))]
    assert cut == []


def test_a_count_of_one_takes_the_singular_noun() -> None:
    """A new user writes "a cluster with 1 node"; the phrase says "{n} nodes"."""
    pattern, _ = compile_template("a cluster with {n} nodes")
    assert pattern.fullmatch("a cluster with 1 node") and pattern.fullmatch("a cluster with 3 nodes")
    assert not pattern.fullmatch("a cluster with 3 nodess")


def test_an_escaped_quote_in_a_message_is_a_quote() -> None:
    """Written as in YAML or Go, `\\"web\\"` inside a quoted message means `"web"`."""
    phrase = next(p for p in PHRASES if p.template.startswith("the request fails with"))
    assert phrase.match(r'the request fails with "pods \"web\" is forbidden"') == {
        "message": 'pods "web" is forbidden'}
    assert phrase.match('the request fails with "pods "web" is forbidden"') == {"message": 'pods "web" is forbidden'}
