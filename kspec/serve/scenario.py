"""``kspec serve features/x.feature:42``: run a scenario's steps up to a line, then hand its cluster over.

The steps run as the pytest plugin runs them: the same Gherkin parser (pytest-bdd's, after kspec's own
syntax check), background steps first, the first row of a Scenario Outline's examples, one phrase of
kspec's registry per step with its doc string or data table. Only kspec's vocabulary is known here: steps
a project defines in its own conftest.py are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kspec import steps as _steps  # noqa: F401 - registers the vocabulary
from kspec.harness import Harness, Options
from kspec.steps.registry import find


class ScenarioError(Exception):
    """Why the scenario could not be brought to the requested step: one line for the terminal."""


@dataclass(frozen=True)
class Stopped:
    """The harness whose cluster stands after ``step`` (line ``line``) of ``scenario``."""

    harness: Harness
    scenario: str
    line: int
    step: str
    ran: int


_TARGET = re.compile(r"^(?P<path>.+\.feature)(?::(?P<line>\d+))?$")


def split_target(target: str) -> tuple[Path, int | None]:
    """``x.feature:42`` -> (path, 42); ``x.feature`` -> (path, None)."""
    m = _TARGET.match(target)
    if m is None:
        raise ScenarioError(f"{target}: not a feature file (write path/to/x.feature or path/to/x.feature:LINE)")
    return Path(m.group("path")), int(m.group("line")) if m.group("line") else None


def _parse(path: Path) -> Any:
    from pytest_bdd.parser import FeatureParser

    from kspec import syntax
    from kspec.lint import _line_of, gherkin_error

    if not path.is_file():
        raise ScenarioError(f"{path}: no such feature file")
    problems = syntax.check(path)
    if problems:
        raise ScenarioError("\n".join(f"{path}:{p.line}:{p.column}: {p.message}" for p in problems))
    try:
        return FeatureParser(str(path.parent), path.name).parse()
    except Exception as exc:  # noqa: BLE001 - the Gherkin parser's own error types
        raise ScenarioError(f"{path}:{_line_of(exc)}: {gherkin_error(exc)}") from None


def _rendered(template: Any) -> Any:
    """The scenario as pytest-bdd runs it; an outline with its first example row."""
    contexts = [c for ex in template.examples for c in ex.as_contexts()]
    return template.render(contexts[0] if contexts else {})


def _choose(feature: Any, path: Path, line: int | None, name: str | None) -> tuple[Any, Any]:
    """(template, rendered scenario) that ``line`` or ``name`` means."""
    templates = list(feature.scenarios.values())
    if not templates:
        raise ScenarioError(f"{path}: the feature has no scenarios")
    if name is not None:
        chosen = [t for t in templates if t.name == name]
        if not chosen:
            listed = "\n".join(f"  {t.line_number}: {t.name}" for t in templates)
            raise ScenarioError(f'{path}: no scenario named "{name}"; the scenarios are:\n{listed}')
        return chosen[0], _rendered(chosen[0])
    if line is None:
        if len(templates) > 1:
            listed = "\n".join(f"  {t.line_number}: {t.name}" for t in templates)
            raise ScenarioError(f"{path}: {len(templates)} scenarios; name one with --scenario NAME or give a "
                                f"step's line (x.feature:LINE):\n{listed}")
        return templates[0], _rendered(templates[0])
    # the scenario whose own steps hold the line, else the last one starting before it (a background step's
    # line: the first scenario)
    holding = [t for t in templates if any(s.line_number == line for s in t._steps)]
    before = [t for t in templates if t.line_number <= line]
    chosen_one = holding[0] if holding else before[-1] if before else templates[0]
    return chosen_one, _rendered(chosen_one)


def run_to(target: str, *, scenario: str | None = None, seed: int = 0) -> Stopped:
    """Run the steps of ``target`` (``x.feature:LINE`` or ``x.feature``) up to and including that line's step."""
    path, line = split_target(target)
    feature = _parse(path)
    template, rendered = _choose(feature, path, line, scenario)
    steps = list(rendered.steps)
    if line is None:
        if not steps:
            raise ScenarioError(f'{path}: scenario "{template.name}" has no steps')
        line = steps[-1].line_number
    elif not any(s.line_number == line for s in steps):
        listed = "\n".join(f"  {s.line_number}: {s.keyword} {s.name}" for s in steps)
        raise ScenarioError(f'{path}:{line}: no step on line {line}; the steps of scenario "{template.name}" '
                            f"are on these lines:\n{listed}")
    harness = Harness(Options(seed=seed))
    harness.feature_path = path.resolve()
    ran = 0
    for step in steps:
        _run_step(harness, step, path)
        ran += 1
        if step.line_number == line:
            return Stopped(harness, template.name, line, f"{step.keyword} {step.name}", ran)
    raise AssertionError("unreachable: the line was checked above")  # pragma: no cover


def _run_step(harness: Harness, step: Any, path: Path) -> None:
    """One step as kspec's pytest binding runs it (kspec/pytest_plugin.py ``_binding``)."""
    from kspec.lint import unknown_step_message

    where = f"{path}:{step.line_number}"
    found = find(step.type, step.name)
    if found is None:
        raise ScenarioError(f"{where}: {unknown_step_message(step.type, step.name)}")
    phrase, args = found
    if phrase.takes_table:
        args["datatable"] = step.datatable.raw() if step.datatable is not None else None
    if phrase.takes_text:
        if step.docstring is None:
            raise ScenarioError(f'{where}: this step needs a doc string (""" ... """) below it')
        args["docstring"] = step.docstring
    harness.step_line = step.line_number
    harness.step_text = step.name
    try:
        phrase.func(harness, **args)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a failed step (and pytest.skip) is reported, not raised
        kind = "was skipped" if type(exc).__name__ == "Skipped" else "failed"
        message = str(exc).strip() or type(exc).__name__
        raise ScenarioError(f"{where}: step {kind} before the cluster could be served: {step.keyword} {step.name}"
                            f"\n  {message}") from None
