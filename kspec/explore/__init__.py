"""Generated scenarios: random cluster actions, invariants after each step, a shrunk feature file when one breaks."""

from kspec.explore.explorer import Run, explore, replay, shrink, walk, write_feature
from kspec.explore.invariants import INVARIANTS, Tracker, Violation, check

__all__ = ["INVARIANTS", "Run", "Tracker", "Violation", "check", "explore", "replay", "shrink", "walk",
           "write_feature"]
