"""Shared test set-up: pytester for running kspec's pytest plugin end to end; the conformance table option."""

import pytest

pytest_plugins = ["pytester"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--conformance-table", metavar="PATH", default=None,
                     help="write the per-upstream-file conformance table (markdown) of the collected cases "
                          "in tests/upstream/")
