"""Shared test set-up: pytester for running kspec's pytest plugin end to end; hypothesis profiles; the
conformance table option; ``binds``, for the argument-checking tests."""

import inspect
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]

# Profiles for the property and fuzz tests: ``ci`` bounds them, ``fuzz`` runs them long
# (``pytest tests/fuzz --hypothesis-profile=fuzz``); ``fuzz-short`` is a random, not derandomized, run.
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=5000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz-short", max_examples=1500, deadline=None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--conformance-table", metavar="PATH", default=None,
                     help="write the per-upstream-file conformance table (markdown) of the collected cases "
                          "in tests/upstream/")


@pytest.fixture
def binds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The signatures ``inspect.Signature.bind`` is called with, in order: the argument checks' slow path."""
    calls: list[str] = []
    real = inspect.Signature.bind

    def counting(self: inspect.Signature, *args: Any, **kwargs: Any) -> inspect.BoundArguments:
        calls.append(str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(inspect.Signature, "bind", counting)
    return calls
