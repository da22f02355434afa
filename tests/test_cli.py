"""``kspec steps``: looking phrases up by words, grouping, wrapping, value formats, the generated docs/steps.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kspec import reference
from kspec.cli import main
from kspec.steps.registry import DOMAIN_ORDER, PHRASES, domain_title

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """``kspec steps`` wraps to the terminal; these tests read whole lines."""
    monkeypatch.setenv("COLUMNS", "250")


def steps(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str]:
    code = main(["steps", *words])
    return code, capsys.readouterr().out


def test_words_filter_the_phrases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = steps(capsys, "drain")
    assert code == 0
    assert 'When I drain node "{node}"' in out and 'When I try to drain node "{node}"' in out
    assert "I wait" not in out and "I apply" not in out


def test_every_word_must_match(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = steps(capsys, "connection", "pod", "refused")
    assert [line for line in out.splitlines() if line.startswith("  Then")] == [
        'Then a connection from pod "{pod}" [in namespace "{ns}"] to "{target}" is refused'.join(["  ", ""])]


def test_no_match_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = steps(capsys, "teleport")
    assert code == 1 and "no step mentions 'teleport'" in out


def _group_of(out: str, phrase: str) -> str:
    group = ""
    for line in out.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            group = line[:-1]
        if phrase in line:
            return group
    raise AssertionError(f"{phrase} not listed")


def test_phrases_are_grouped_where_a_reader_looks(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = steps(capsys)
    assert _group_of(out, 'When I drain node "{node}"') == "Nodes"
    assert _group_of(out, 'When I cordon node "{node}"') == "Nodes"
    assert _group_of(out, 'When pod "{pod}" uses {quantity} of cpu') == "Resource usage (metrics)"
    assert _group_of(out, 'of pod "{pod}" uses {quantity} of memory') == "Resource usage (metrics)"
    assert _group_of(out, 'When I scale {deployment|') == "Workloads"
    assert _group_of(out, 'Given image "{image}" takes {duration} to pull') == "Images"
    assert _group_of(out, 'Then pod "{pod}" is scheduled to node "{node}"') == "Scheduling"


def test_a_new_domain_is_listed_after_the_known_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from kspec.steps import registry
    extra = registry.Phrase("then", "the teleporter works", "brand-new", lambda k: None, "Beam me up.", True)
    monkeypatch.setattr(registry, "PHRASES", [*PHRASES, extra])
    groups = list(registry.by_domain())
    assert groups[-1] == "brand-new" and groups.index("time") == 0
    assert set(groups[:-1]) <= set(DOMAIN_ORDER)
    assert domain_title("brand-new") == "Brand new"


def test_output_wraps_to_the_width() -> None:
    text = reference.text(width=70)
    too_long = [line for line in text.splitlines() if len(line) > 70 and " " in line.strip()[:70]]
    assert too_long == []


def test_value_formats_are_shown(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = steps(capsys, "I wait")
    assert "{duration}: a Go duration as Kubernetes writes it: 500ms, 30s, 5m, 1h30m" in out
    _, out = steps(capsys, "endpoints", "of", "service")
    assert "{pods}: pod names, comma-separated, in any order, or none" in out
    _, out = steps(capsys, "pod", "event", "message")
    assert "{message}: the whole message, exact" in out
    assert "{text}: part of the message: the step holds when the message contains this text" in out


@pytest.mark.parametrize("name", ["duration", "pods", "message", "text", "quantity", "selector", "taint"])
def test_every_phrase_with_a_formatted_value_says_its_format(name: str) -> None:
    for phrase in PHRASES:
        if re.search(r"\{" + name + r"(?::[^}]*)?\}", phrase.template):
            assert "{" + name + "}" in dict(phrase.formats), phrase.template


def test_a_jsonpath_is_described_as_a_jsonpath_not_as_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = steps(capsys, "the", "field", "of")
    assert "{path}: a JSONPath as kubectl get -o jsonpath takes it: {.spec.nodeName}" in out
    assert "relative to the feature file" not in out
    _, out = steps(capsys, "apply", "the", "file")
    assert "{path}: relative to the feature file" in out


def test_a_single_word_choice_is_shown_as_the_word(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = steps(capsys, "cluster", "uses", "network")
    assert 'Given the cluster uses the "{implementation}" network\n' in out
    assert "{network}" not in out


def test_docs_steps_md_is_generated_and_current() -> None:
    page = ROOT / "docs" / "steps.md"
    assert page.is_file(), f"docs/steps.md is missing: generate it with `{reference.REGENERATE}`"
    assert page.read_text(encoding="utf-8") == reference.markdown(), \
        f"docs/steps.md is stale: regenerate it with `{reference.REGENERATE}` (from the repository root)"


def test_markdown_option_prints_the_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["steps", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out == reference.markdown()
    assert "## Nodes" in out and "- [Nodes](#nodes)" in out
    assert "  - `{duration}`: a Go duration" in out


def test_readme_links_only_to_files_in_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)\)", readme)
    local = [link for link in links if not re.match(r"[a-z]+://", link)]
    assert "docs/steps.md" in local
    for link in local:
        target = (ROOT / link).resolve()
        assert target.is_relative_to(ROOT) and target.exists(), f"README links to {link}, outside the repository"
