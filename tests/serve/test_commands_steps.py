"""`When I run "..."`: only kubectl runs unless another program is allowed by name."""

from __future__ import annotations

import pytest

from kspec.errors import StepError
from kspec.harness import Harness, Options
from kspec.steps.commands import _program


def test_another_program_must_be_allowed_by_name() -> None:
    with pytest.raises(StepError, match="allow it with pytest --kspec-allow-command echo"):
        _program("echo", Harness())
    assert _program("echo", Harness(Options(allowed_commands=("echo",)))).endswith("echo")
