"""kspec's phrases reach pytest-bdd through one step function per keyword, whose arguments arrive as one dict."""

from __future__ import annotations

import inspect

import pytest
from pytest_bdd.utils import get_required_args

from kspec import pytest_plugin


def _step_functions() -> dict[str, object]:
    return {k: pytest_plugin._binding(k) for k in ("given", "when", "then")}


def test_each_keywords_step_function_has_a_short_signature() -> None:
    """pytest-bdd reads every step function's parameters on every step; one per argument name of every phrase
    of a keyword made that some thirty a step."""
    for keyword, fn in _step_functions().items():
        params = list(inspect.signature(fn).parameters)  # type: ignore[arg-type]
        assert params == ["kspec", "kspec_args", "datatable", "docstring"], keyword
        assert get_required_args(fn) == ["kspec"]  # type: ignore[arg-type]


def test_a_phrases_arguments_arrive_as_one_dict() -> None:
    parser = pytest_plugin._PhraseParser("given")
    assert parser.parse_arguments("a cluster with 3 nodes") == {"kspec_args": {"n": "3"}}
    assert parser.parse_arguments("no such phrase at all") is None


FEATURE = """Feature: repeated steps
  Scenario: one
    Given a cluster with 1 nodes
    Then pod "web" does not exist

  Scenario: two
    Given a cluster with 1 nodes
    Then pod "web" does not exist

  Scenario: three
    Given a cluster with 1 nodes
    Then no such step exists anywhere
"""

CONFTEST = """
from kspec import pytest_plugin

FOUND = []
_real = pytest_plugin._kspec_find_fixturedefs_for_step


def _counting(step, fixturemanager, node):
    FOUND.append(step.name)
    return _real(step, fixturemanager, node)


pytest_plugin._kspec_find_fixturedefs_for_step = _counting


def pytest_sessionfinish(session):
    print()
    print("LOOKUPS", sorted(set(FOUND)), len(FOUND))
"""


def test_a_step_text_is_looked_up_once_among_the_same_definitions(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".feature", spec=FEATURE)
    result = pytester.runpytest("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*no such step exists anywhere*"])  # the unknown step still reported
    line = next(line for line in result.stdout.lines if "LOOKUPS" in line)
    assert line.endswith(" 3")  # three distinct texts, each looked up once (not once per scenario)
