"""Steps as a feature file writes them, run through the phrase registry so a written run replays exactly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kspec import steps as _steps  # noqa: F401 - registers the vocabulary
from kspec.errors import StepError
from kspec.harness import Harness
from kspec.steps.registry import find


@dataclass(frozen=True)
class Step:
    """One Gherkin step: its keyword (given/when/then), its text and an optional YAML doc string."""

    keyword: str
    text: str
    doc: str | None = None

    def gherkin(self, first: bool) -> list[str]:
        """The step's lines in a scenario (And after the first step of the same keyword)."""
        word = self.keyword.capitalize() if first else "And"
        lines = [f"    {word} {self.text}"]
        if self.doc is not None:
            lines += ['      """'] + [f"      {line}" if line else "" for line in self.doc.splitlines()] + ['      """']
        return lines


def run_step(h: Harness, step: Step) -> Any:
    """Run one step as the pytest plugin would: the first phrase that matches, with its doc string."""
    found = find(step.keyword, step.text)
    if found is None:
        raise StepError(f"no {step.keyword} phrase matches {step.text!r}")
    phrase, args = found
    if phrase.takes_text:
        args["docstring"] = step.doc
    if phrase.takes_table:
        args["datatable"] = None
    h.step_text = step.text
    return phrase.func(h, **args)


def feature_text(title: str, steps: list[Step], comments: list[str] = ()) -> str:  # type: ignore[assignment]
    """A runnable feature file of one scenario."""
    lines = [f"Feature: {title}", ""]
    lines += [f"  # {c}" for c in comments]
    lines += [f"  Scenario: {title}"]
    last = ""
    for step in steps:
        lines += step.gherkin(step.keyword != last)
        last = step.keyword
    return "\n".join(lines) + "\n"
