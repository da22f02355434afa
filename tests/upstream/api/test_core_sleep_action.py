"""Lifecycle sleep actions: upstream's TestValidateSleepAction (pkg/apis/core/validation/validation_test.go)
against kspec's validate_sleep_action, which ValidatePodSpec runs on every postStart/preStop sleep hook.

kspec models AllowPodLifecycleSleepActionZeroValue on (its default): the cases that turn it off expect the older
rule and message (seconds > 0, "Enable ... feature gate for zero sleep") and are marked."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation_objects import validate_sleep_action
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

_GATE_OFF = ("the case turns AllowPodLifecycleSleepActionZeroValue off; kspec applies the zero-value rule (on by "
             "default), with its message")


def off(grace: int) -> str:
    return (f"must be greater than 0 and less than terminationGracePeriodSeconds ({grace}). Enable "
            "AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.")


def on(grace: int) -> str:
    return f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"


F = "TestValidateSleepAction"
CASES = [
    case(F, "valid setting", seconds=5, grace=30, want=None),
    case(F, "negative seconds", unmodelled=_GATE_OFF, seconds=-1, grace=30, want=off(30)),
    case(F, "longer than gracePeriod", unmodelled=_GATE_OFF, seconds=5, grace=3, want=off(3)),
    case(F, "sleep duration of zero with zero value feature gate disabled", unmodelled=_GATE_OFF, seconds=0,
         grace=30, want=off(30)),
    case(F, "sleep duration of zero with zero value feature gate enabled", seconds=0, grace=30, want=None),
    case(F, "invalid sleep duration (negative value) with zero value disabled", unmodelled=_GATE_OFF, seconds=-1,
         grace=30, want=off(30)),
    case(F, "invalid sleep duration (negative value) with zero value enabled", seconds=-1, grace=30, want=on(30)),
    case(F, "zero grace period duration with zero value enabled", seconds=0, grace=0, want=None),
    case(F, "nil grace period with zero value disabled", unmodelled=_GATE_OFF, seconds=5, grace=0, want=off(0)),
    case(F, "nil grace period with zero value enabled", seconds=0, grace=0, want=None),
]


@pytest.mark.parametrize("c", CASES)
def test_validate_sleep_action(c: dict[str, Any]) -> None:
    errs = validate_sleep_action(c["seconds"], c["grace"], "root")
    if c["want"] is None:
        assert errs == []
    else:
        assert errs and str(errs[0]) == f"root: Invalid value: {c['seconds']}: {c['want']}"
