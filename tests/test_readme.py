"""The README's 30-second example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_feature_passes(pytester: pytest.Pytester) -> None:
    block = re.search(r"```gherkin\n(.*?)```", README.read_text(), re.S)
    assert block is not None, "the README lost its example"
    pytester.makefile(".feature", pending=block.group(1))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_readme_opens_with_the_two_commands() -> None:
    commands = [line.strip() for line in README.read_text().splitlines()[:10] if line.startswith("    python")]
    assert commands[0] == "python -m pip install -e . && python -m pytest features/"
    ci = (README.parent / ".ci" / "run").read_text()
    assert commands[1] in ci, ".ci/run must run the README's test command verbatim"
