"""Shared test set-up: pytester for running kspec's pytest plugin end to end; hypothesis profiles; the
conformance table option."""

import pytest
from hypothesis import settings

pytest_plugins = ["pytester"]

# "ci" keeps property tests bounded; ``pytest --hypothesis-profile=fuzz`` runs the fuzz tests long.
# Registering a profile twice only replaces it, so a second registration elsewhere is harmless.
settings.register_profile("fuzz", max_examples=5000, deadline=None)
settings.register_profile("ci", deadline=None)
settings.register_profile("fuzz-short", max_examples=1500, deadline=None)  # a random (not derandomized) run


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--conformance-table", metavar="PATH", default=None,
                     help="write the per-upstream-file conformance table (markdown) of the collected cases "
                          "in tests/upstream/")
