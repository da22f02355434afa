"""batch/v1 defaulting: upstream's TestSetDefaultJob and TestSetDefaultCronJob, through kspec's apply_defaults."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.api.defaults import apply_defaults
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/batch/v1/defaults_test.go"

LABELS = {"default": "default"}


def job(meta_labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    md: dict[str, Any] = {"labels": dict(meta_labels)} if meta_labels else {}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": md,
            "spec": {"template": {"metadata": {"labels": dict(LABELS)}}, **spec}}


def want(completions: int | None, parallelism: int | None, backoff: int, mode: str = "NonIndexed",
         suspend: bool = False) -> dict[str, Any]:
    return {"completions": completions, "parallelism": parallelism, "backoffLimit": backoff,
            "completionMode": mode, "suspend": suspend}


F = "TestSetDefaultJob"
JOBS = [
    case(F, "All unspecified -> sets all to default values", job=job(), want=want(1, 1, 6), labels=True),
    case(F, "suspend set, everything else is defaulted", job=job(suspend=True), want=want(1, 1, 6, suspend=True),
         labels=True),
    case(F, "All unspecified -> all pointers, CompletionMode are defaulted and no default labels",
         job=job({"mylabel": "myvalue"}), want=want(1, 1, 6), labels=False),
    case(F, "WQ: Parallelism explicitly 0 and completions unset -> BackoffLimit is defaulted",
         job=job(parallelism=0), want=want(None, 0, 6), labels=True),
    case(F, "WQ: Parallelism explicitly 2 and completions unset -> BackoffLimit is defaulted",
         job=job(parallelism=2), want=want(None, 2, 6), labels=True),
    case(F, "Completions explicitly 2 and others unset -> parallelism and BackoffLimit are defaulted",
         job=job(completions=2), want=want(2, 1, 6), labels=True),
    case(F, "BackoffLimit explicitly 5 and others unset -> parallelism and completions are defaulted",
         job=job(backoffLimit=5), want=want(1, 1, 5), labels=True),
    case(F, "All set -> no change", job=job(completions=8, parallelism=9, backoffLimit=10, completionMode="NonIndexed",
                                            suspend=True), want=want(8, 9, 10, suspend=True), labels=True),
    case(F, "All set, flipped -> no change", job=job(completions=11, parallelism=10, backoffLimit=9,
                                                     completionMode="Indexed", suspend=True),
         want=want(11, 10, 9, "Indexed", True), labels=True),
]


@pytest.mark.parametrize("c", JOBS)
def test_set_default_job(c: dict[str, Any]) -> None:
    obj = copy.deepcopy(c["job"])
    apply_defaults(obj)
    spec = obj["spec"]
    assert {k: spec.get(k) for k in c["want"]} == c["want"]
    assert (obj["metadata"].get("labels") == spec["template"]["metadata"]["labels"]) == c["labels"]


G = "TestSetDefaultCronJob"
CRONJOBS = [
    case(G, "empty batchv1.CronJob should default batchv1.ConcurrencyPolicy and Suspend", spec={},
         want={"concurrencyPolicy": "Allow", "suspend": False, "successfulJobsHistoryLimit": 3,
               "failedJobsHistoryLimit": 1}),
    case(G, "set fields should not be defaulted",
         spec={"concurrencyPolicy": "Forbid", "suspend": True, "successfulJobsHistoryLimit": 5,
               "failedJobsHistoryLimit": 5},
         want={"concurrencyPolicy": "Forbid", "suspend": True, "successfulJobsHistoryLimit": 5,
               "failedJobsHistoryLimit": 5}),
]


@pytest.mark.parametrize("c", CRONJOBS)
def test_set_default_cronjob(c: dict[str, Any]) -> None:
    obj = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {}, "spec": copy.deepcopy(c["spec"])}
    apply_defaults(obj)
    assert {k: obj["spec"].get(k) for k in c["want"]} == c["want"]
