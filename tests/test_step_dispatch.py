"""kspec's phrases reach pytest-bdd through one step function per keyword, whose arguments arrive as one dict."""

from __future__ import annotations

import inspect

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
