"""``pytest --kspec-compare COMPONENT=A,B``: every scenario runs once per implementation (kspec/compare.py
finds where the two runs part); the terminal summary lists the scenarios that diverged."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.errors import KspecError
from kspec.plugins import default_manager, registered_names

#: --kspec-compare's parsed value: (component, (implementation A, implementation B))
_COMPARE_SPEC = pytest.StashKey[tuple[str, tuple[str, str]]]()
#: --kspec-compare's results: scenario -> the traces so far (by implementation), then their Comparison
_COMPARE_RESULTS = pytest.StashKey[dict[str, Any]]()


def pytest_configure(config: pytest.Config) -> None:
    """Parse --kspec-compare once; a malformed value or an unknown name is one usage error."""
    text = config.getoption("kspec_compare")
    if not text:
        return
    if config.pluginmanager.hasplugin("xdist") and config.getoption("numprocesses", None):
        raise pytest.UsageError("--kspec-compare: the two runs of a scenario are compared in one process; "
                                "run it without -n")
    from kspec import compare as _compare  # only under --kspec-compare: a plain run does not import it

    try:
        spec = _compare.parse_spec(text, lambda c: registered_names(default_manager(), c))
    except (ValueError, KspecError) as exc:
        raise pytest.UsageError(f"--kspec-compare: {exc}") from None
    config.stash[_COMPARE_SPEC] = spec
    config.stash[_COMPARE_RESULTS] = {}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Under --kspec-compare every scenario runs once per implementation (ids: the implementation names)."""
    spec = metafunc.config.stash.get(_COMPARE_SPEC, None)
    if spec is not None and "kspec_variant" in metafunc.fixturenames:
        metafunc.parametrize("kspec_variant", list(spec[1]), ids=list(spec[1]))


@pytest.fixture
def kspec_variant(request: pytest.FixtureRequest) -> str | None:
    """The implementation this run of a scenario uses under --kspec-compare (None otherwise)."""
    return getattr(request, "param", None)


def _variant(item: Any) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("kspec_variant") if callspec is not None else None


def _other_ids(callspec_id: str, variant: str) -> str:
    """The test's parameter ids without the implementation's (a Scenario Outline's example number)."""
    if callspec_id == variant:
        return ""
    if callspec_id.startswith(variant + "-"):
        return callspec_id[len(variant) + 1:]
    if callspec_id.endswith("-" + variant):
        return callspec_id[:-len(variant) - 1]
    return callspec_id.replace(variant, "", 1)


def record_run(item: pytest.Item, report: pytest.TestReport, harness: Any = None,
               found: tuple[Any, Any, Exception] | None = None) -> None:
    """Keep this run's trace; once both implementations ran the scenario, keep only their comparison.

    ``harness`` and ``found`` (feature, step, exception of the failed step) are what the pytest plugin kept
    about the scenario.
    """
    spec = item.config.stash.get(_COMPARE_SPEC, None)
    variant = _variant(item)
    if spec is None or variant is None:
        return
    failure = ""
    if report.failed:
        if found is not None:
            _feature, step, exc = found
            why = (str(exc).splitlines() or [type(exc).__name__])[0]
            failure = f"line {step.line_number}: {step.keyword} {step.name}: {why}"
        else:
            failure = str(getattr(report.longrepr, "reprcrash", None) and report.longrepr.reprcrash.message
                          or "failed").splitlines()[0]
    cluster = harness.cluster if harness is not None and harness.has_cluster else None
    from kspec import compare as _compare

    trace = _compare.trace_of(cluster, variant, failure=failure)
    others = _other_ids(item.callspec.id, variant)  # type: ignore[attr-defined]
    key = f"{item.parent.nodeid if item.parent else ''}::{getattr(item, 'originalname', item.name)}" + \
        (f"[{others}]" if others else "")
    results = item.config.stash[_COMPARE_RESULTS]
    runs = results.setdefault(key, {})
    if isinstance(runs, dict):
        runs[variant] = trace
        a, b = spec[1]
        if a in runs and b in runs:
            results[key] = _compare.Comparison(runs[a], runs[b], _compare.diverge(runs[a], runs[b]))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Per scenario that diverged (or failed under both): both outcomes and the first divergence; then the
    counts."""
    spec = config.stash.get(_COMPARE_SPEC, None)
    if spec is None:
        return
    from kspec import compare as _compare

    component, (a, b) = spec
    results = config.stash[_COMPARE_RESULTS]
    terminalreporter.section(f"kspec compare: {component} {a} vs {b}")
    compared = [(k, r) for k, r in results.items() if isinstance(r, _compare.Comparison)]
    diverged = [(k, r) for k, r in compared if r.diverged]
    # a scenario that fails the same way under both is listed too; -v lists every scenario
    shown = [(k, r) for k, r in compared if r.diverged or r.a.outcome == "failed" or config.option.verbose > 0]
    for key, comparison in shown:
        terminalreporter.write_line(key)
        for line in comparison.report().splitlines():
            terminalreporter.write_line(f"  {line}")
    outcomes = sum(1 for _k, r in diverged if r.a.outcome != r.b.outcome)
    incomplete = len(results) - len(compared)
    counted = f"{len(compared)} scenario{'' if len(compared) == 1 else 's'} compared"
    terminalreporter.write_line(
        f"{counted}: {len(diverged)} diverge ({outcomes} with different outcomes), "
        f"{len(compared) - len(diverged)} identical"
        + (f"; {incomplete} ran with one implementation only" if incomplete else ""))


def choice(item: Any) -> tuple[str, str] | None:
    """(component, implementation) this run of a scenario uses under --kspec-compare; None otherwise."""
    variant = _variant(item)
    return None if variant is None else (item.config.stash[_COMPARE_SPEC][0], variant)


def active(config: pytest.Config) -> bool:
    """Whether --kspec-compare was given (its scenarios then take the ``kspec_variant`` fixture)."""
    return _COMPARE_SPEC in config.stash
