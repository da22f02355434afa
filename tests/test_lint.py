"""kspec lint and the kspec command."""

from __future__ import annotations

from pathlib import Path

import pytest

from kspec.cli import main
from kspec.lint import lint, suggest

GOOD = '''Feature: ok
  Scenario: fine
    Given a cluster with 3 nodes
    When I wait 10s
    Then pod "web" is Running
'''


def write(tmp_path: Path, text: str, name: str = "x.feature") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_clean_file_has_no_problems(tmp_path: Path) -> None:
    assert lint([write(tmp_path, GOOD)]) == []


def test_misspelt_step_names_line_and_closest_phrase(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("is Running", "is runing ok"))
    [problem] = lint([path])
    assert problem.line == 5
    assert 'unknown step "Then pod "web" is runing ok"' in problem.message
    assert "did you mean" in problem.message


def test_gherkin_error_has_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "Feature: x\n  Scenario: y\n    Given a cluster with 1 nodes\n   Thenn z\n")
    [problem] = lint([path])
    assert problem.line == 4
    assert problem.message.startswith("Gherkin syntax error")


def test_outline_steps_are_checked_per_example(tmp_path: Path) -> None:
    text = '''Feature: o
  Scenario Outline: phases
    Then pod "<pod>" is <phase>

    Examples:
      | pod | phase   |
      | a   | Running |
      | b   | Sleepy  |
'''
    problems = lint([write(tmp_path, text)])
    assert len(problems) == 1 and "Sleepy" in problems[0].message


def test_suggest_prefers_same_keyword() -> None:
    phrase = suggest("when", "I aply:")
    assert phrase is not None and phrase.template == "I apply:"


def test_cli_lint_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(write(tmp_path, GOOD))]) == 0
    assert main(["lint", str(write(tmp_path, GOOD.replace("I wait 10s", "I wiat 10s"), "bad.feature"))]) == 1
    out = capsys.readouterr().out
    assert "bad.feature:4:" in out and 'did you mean "When I wait {duration}"' in out


def test_cli_lint_walks_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", GOOD.replace("Given a cluster", "Given an cluster"))
    assert main(["lint", str(tmp_path)]) == 1
    assert "sub/x.feature:3:" in capsys.readouterr().out


def test_cli_steps_lists_every_domain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["steps"]) == 0
    out = capsys.readouterr().out
    for title in ("Time:", "Cluster:", "Acting on objects:", "Pods and containers:", "Workloads:", "etcd:", "Tables:"):
        assert title in out
    assert 'Then pod "{pod}" is {Pending|Running|Succeeded|Failed|Unknown} [in namespace "{ns}"]' in out
