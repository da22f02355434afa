"""What a scenario costs beyond its own steps: step lookup, memory kept after the test ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kspec.pytest_plugin as plugin
from kspec.harness import Harness
from kspec.steps.registry import Phrase

SCENARIO = '''
  Scenario: one pod {i}
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {{name: web}}
      spec:
        containers: [{{name: app, image: nginx:1.25}}]
      """
    Then pod "web" exists
'''

COUNTING = '''
import gc
import sys

from kspec.harness import Harness
from kspec.steps.registry import Phrase


def pytest_sessionfinish(session):
    # pytest keeps the last failure for post-mortem debugging (one, not one per scenario)
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        sys.__dict__.pop(name, None)
    gc.collect()
    alive = sum(isinstance(o, Harness) for o in gc.get_objects())
    print(f"\\nharnesses alive at session end: {alive}")
'''


def test_one_step_definition_per_keyword() -> None:
    """pytest-bdd scans every step definition for every step: kspec registers three, not one per phrase."""
    stepdefs = sorted(name for name in vars(plugin) if name.startswith("pytestbdd_stepdef_"))
    assert len(stepdefs) == 3, stepdefs


def test_phrase_for_finds_the_registered_phrase() -> None:
    phrase = plugin.phrase_for("given", "a cluster with 3 nodes")
    assert phrase is not None and phrase.template == "a cluster with {n} nodes"
    assert plugin.phrase_for("then", "a cluster with 3 nodes") is None


def test_a_finished_scenario_releases_its_cluster(pytester: pytest.Pytester) -> None:
    """Every cluster stayed referenced from its test item until pytest exited: memory grew per scenario."""
    pytester.makeconftest(COUNTING)
    failing = SCENARIO.format(i=9).replace('pod "web" exists', 'pod "web" is Succeeded')
    pytester.makefile(".feature", spec="Feature: f\n" + "".join(SCENARIO.format(i=i) for i in range(3)) + failing)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*harnesses alive at session end: 0*"])


def test_doc_string_steps_read_the_feature_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feature = tmp_path / "once.feature"
    feature.write_text('Feature: f\n  Scenario: s\n    When I apply:\n      """\n      x\n      """\n')
    reads: list[Path] = []
    real = Path.read_text

    def counting(self: Path, *args: Any, **kwargs: Any) -> str:
        reads.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counting)
    for _ in range(3):
        harness = Harness()
        harness.feature_path, harness.step_line = feature, 3
        assert harness.origin() == {"source": str(feature), "first_line": 5, "indent": 6}
    assert reads.count(feature) == 1


def test_a_phrase_compiles_its_regex_on_first_use() -> None:
    """Compiling every phrase's regex at import was a good part of kspec's start-up."""
    phrase = Phrase("given", "a cluster with {n} nodes", "cluster", lambda k, n: None, "", False)
    assert "_compiled" not in vars(phrase)
    assert phrase.prefix == "a cluster with "
    assert phrase.match("a cluster with 3 nodes") == {"n": 3}
    assert "_compiled" in vars(phrase)


def test_a_feature_run_freezes_what_collection_built(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("import gc\n\n\ndef pytest_sessionfinish(session):\n"
                          "    print(f'\\nfrozen objects: {gc.get_freeze_count() > 0}')\n")
    pytester.makefile(".feature", spec="Feature: f\n" + SCENARIO.format(i=0))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*frozen objects: True*"])


def test_a_feature_run_collects_the_youngest_generation_less_often(pytester: pytest.Pytester) -> None:
    """A scenario's live cluster is scanned by every young collection: 700 allocations apart is too often."""
    pytester.makeconftest("import gc\n\n\ndef pytest_sessionfinish(session):\n"
                          "    print(f'\\ngen0 threshold: {gc.get_threshold()[0]}')\n")
    pytester.makefile(".feature", spec="Feature: f\n" + SCENARIO.format(i=0))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*gen0 threshold: 10000*"])


def test_a_projects_own_step_still_overrides_a_kspec_phrase(pytester: pytest.Pytester) -> None:
    """pytest-bdd prefers the step definition closest to the test: a conftest's beats the plugin's."""
    pytester.makeconftest('from pytest_bdd import given\n\n\n@given("a cluster with 3 nodes")\n'
                          'def _mine() -> None:\n    print("\\nmy own step ran")\n')
    pytester.makefile(".feature", spec="Feature: f\n  Scenario: s\n    Given a cluster with 3 nodes\n"
                                       "    Then pod \"web\" does not exist\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*my own step ran*"])


CHECKING = '''
import sys

import pytest_bdd.scenario  # noqa: F401
from pytest_bdd import given, then

import kspec.pytest_plugin as plugin

bdd = sys.modules["pytest_bdd.scenario"]
looked: list[str] = []


@given("a cluster with 3 nodes")
def _mine() -> None:
    pass


@then("nothing else happens")
def _nothing() -> None:
    pass


def pytest_bdd_before_step(request, feature, scenario, step, step_func):
    fm, node = request._fixturemanager, request.node
    assert bdd.find_fixturedefs_for_step is plugin._kspec_find_fixturedefs_for_step
    fast = list(plugin._kspec_find_fixturedefs_for_step(step, fm, node))
    slow = list(plugin._find_fixturedefs_for_step(step, fm, node))
    assert fast == slow and fast, (step.name, fast, slow)
    assert bdd.get_step_function is plugin._kspec_get_step_function
    assert plugin._kspec_get_step_function(request, step) is plugin._get_step_function(request, step)
    looked.append(step.name)


def pytest_sessionfinish(session):
    print(f"\\nsteps compared: {len(looked)}")
'''


def test_kspec_scenarios_find_the_step_definitions_pytest_bdd_finds(pytester: pytest.Pytester) -> None:
    """The pre-filtered lookup returns pytest-bdd's own result: kspec's phrases, a project's own steps, and a
    project's step that overrides a kspec phrase (both definitions, in pytest-bdd's order)."""
    pytester.makeconftest(CHECKING)
    pytester.makefile(".feature", spec="Feature: f\n" + SCENARIO.format(i=0) + "  Scenario: mine\n"
                      "    Given a cluster with 3 nodes\n    Then nothing else happens\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*steps compared: 5*"])
