"""kubernetes pkg/controller/job/util/utils_test.go: TestFinishedCondition and TestIsJobSucceeded against kspec's
``finished_condition`` (IsJobFinished / FinishedCondition)."""

from __future__ import annotations

import pytest

from kspec.controllers.job import finished_condition
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/job/util/utils_test.go"
F = "TestFinishedCondition"


def conds(*pairs: tuple[str, str]) -> list[dict]:
    return [{"type": t, "status": s} for t, s in pairs]


FINISHED = [
    case(F, "Job doesn't have any conditions", conditions=[], want=""),
    case(F, "Job is completed and condition is true", conditions=conds(("Complete", "True")), want="Complete"),
    case(F, "Job is completed and condition is false", conditions=conds(("Complete", "False")), want=""),
    case(F, "Job is completed and condition is unknown", conditions=conds(("Complete", "Unknown")), want=""),
    case(F, "Job has multiple conditions, one of them being complete and condition true",
         conditions=conds(("Suspended", "False"), ("Complete", "True"), ("Failed", "False")), want="Complete"),
    case(F, "Job is failed and condition is true", conditions=conds(("Failed", "True")), want="Failed"),
    case(F, "Job is failed and condition is false", conditions=conds(("Failed", "False")), want=""),
    case(F, "Job is failed and condition is unknown", conditions=conds(("Failed", "Unknown")), want=""),
    case(F, "Job has multiple conditions, none of them has condition true",
         conditions=conds(("Suspended", "False"), ("Complete", "False"), ("Failed", "False")), want=""),
]


@pytest.mark.parametrize("data", FINISHED)
def test_finished_condition(data: dict) -> None:
    got = finished_condition({"status": {"conditions": data["conditions"]}})
    assert (got is not None, (got or {}).get("type", "")) == (bool(data["want"]), data["want"])


S = "TestIsJobSucceeded"
SUCCEEDED = [
    case(S, "job doesn't have any conditions", conditions=[], want=False),
    case(S, "job has Complete=True condition", conditions=conds(("Suspended", "False"), ("Complete", "True")),
         want=True),
    case(S, "job has Complete=False condition", conditions=conds(("Failed", "True"), ("Complete", "False")),
         want=False),
]


@pytest.mark.parametrize("data", SUCCEEDED)
def test_is_job_succeeded(data: dict) -> None:
    got = finished_condition({"status": {"conditions": data["conditions"]}})
    assert (got is not None and got["type"] == "Complete") is data["want"]
