"""Job validation: upstream's ValidateJob and ValidateJobUpdate tables."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.upstream.api.adapter import errors, first_error_matches, obj, template
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/batch/validation/validation_test.go"

MANUAL = {"matchLabels": {"a": "b"}}  # getValidManualSelector
GENERATED = {"matchLabels": {"controller-uid": "1a2b3c", "job-name": "myjob"}}  # getValidGeneratedSelector
T_MANUAL = template(MANUAL["matchLabels"])
T_GENERATED = template(GENERATED["matchLabels"])
UID = {"uid": "1a2b3c"}


def job(spec: dict[str, Any], name: str = "myjob", **meta: Any) -> dict[str, Any]:
    return obj("batch/v1", "Job", name, spec, **{**UID, **meta})


def gen(**spec: Any) -> dict[str, Any]:
    """A Job with the generated selector and its template, plus spec."""
    return job({"selector": GENERATED, "template": T_GENERATED, **spec})


def manual(tmpl: dict[str, Any]) -> dict[str, Any]:
    return job({"selector": MANUAL, "manualSelector": True, "template": tmpl})


_OLD_WORDING = ("the stored upstream test predates apimachinery rendering values as JSON "
                "(map[string]string{...}); kspec renders the current wording {\"y\":\"z\"}")

VALIDATE_JOB = [
    case("TestValidateJob", "valid manual selector",
         job=job({"selector": MANUAL, "manualSelector": True, "template": T_MANUAL}, annotations={"foo": "bar"})),
    case("TestValidateJob", "valid generated selector", job=gen()),
    case("TestValidateJob", "valid NonIndexed completion mode", job=gen(completionMode="NonIndexed")),
    case("TestValidateJob", "valid Indexed completion mode",
         job=gen(completionMode="Indexed", completions=2, parallelism=100000)),
    case("TestValidateJob", "valid job tracking annotation",
         job=job({"selector": GENERATED, "template": T_GENERATED},
                 annotations={"batch.kubernetes.io/job-tracking": ""})),
    case("TestValidateJob", "spec.parallelism:must be greater than or equal to 0", job=gen(parallelism=-1)),
    case("TestValidateJob", "spec.completions:must be greater than or equal to 0", job=gen(completions=-1)),
    case("TestValidateJob", "spec.activeDeadlineSeconds:must be greater than or equal to 0",
         job=gen(activeDeadlineSeconds=-1)),
    case("TestValidateJob", "spec.selector:Required value", job=job({"template": T_GENERATED})),
    case("TestValidateJob", "spec.template.metadata.labels: Invalid value: map[string]string{\"y\":\"z\"}: "
         "`selector` does not match template `labels`", diverges=_OLD_WORDING, job=manual(template({"y": "z"}))),
    case("TestValidateJob", "spec.template.metadata.labels: Invalid value: map[string]string{\"controller-uid\":"
         "\"4d5e6f\"}: `selector` does not match template `labels`", diverges=_OLD_WORDING,
         job=manual(template({"controller-uid": "4d5e6f"}))),
    case("TestValidateJob", "spec.template.spec.restartPolicy: Required value",
         diverges="the stored upstream test reports Required for restartPolicy Always; current upstream "
                  "(and kspec) report Unsupported value: \"Always\"",
         job=manual(template(MANUAL["matchLabels"], restart="Always"))),
    case("TestValidateJob", "spec.template.spec.restartPolicy: Unsupported value",
         job=manual(template(MANUAL["matchLabels"], restart="Invalid"))),
    case("TestValidateJob", "spec.ttlSecondsAfterFinished: must be greater than or equal to 0",
         job=gen(ttlSecondsAfterFinished=-1)),
    case("TestValidateJob", "spec.completions: Required value: when completion mode is Indexed",
         job=gen(completionMode="Indexed")),
    case("TestValidateJob", "spec.parallelism: must be less than or equal to 100000 when completion mode is Indexed",
         job=gen(completionMode="Indexed", completions=2, parallelism=100001)),
    case("TestValidateJob", "metadata.annotations[batch.kubernetes.io/job-tracking]: cannot add this annotation",
         unmodelled="the job-tracking annotation guard went with finalizer tracking's GA; kspec has no such rule",
         job=job({"selector": GENERATED, "template": T_GENERATED},
                 annotations={"batch.kubernetes.io/job-tracking": ""})),
]


@pytest.mark.parametrize("c", VALIDATE_JOB)
def test_validate_job(c: dict[str, Any], request: pytest.FixtureRequest) -> None:
    name = request.node.callspec.id.split("/", 1)[1]
    errs = errors(c["job"])
    if name.startswith("valid "):
        assert errs == []
    else:
        assert first_error_matches(errs, name), [str(e) for e in errs]


def _set(path: str, value: Any) -> Any:
    def update(j: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node = j
        for p in parents:
            node = node.setdefault(p, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return update


def _mutable(j: dict[str, Any]) -> None:
    j["spec"].update(parallelism=2, activeDeadlineSeconds=3, ttlSecondsAfterFinished=2, manualSelector=True)


def _selector(j: dict[str, Any]) -> None:
    j["spec"]["selector"]["matchLabels"]["foo"] = "bar"


BASE = {"selector": GENERATED, "template": T_GENERATED}
VALIDATE_JOB_UPDATE = [
    case("TestValidateJobUpdate", "mutable fields",
         old={**BASE, "parallelism": 5, "activeDeadlineSeconds": 2, "ttlSecondsAfterFinished": 1},
         update=_mutable, err=None),
    case("TestValidateJobUpdate", "immutable completion", old=BASE, update=_set("spec.completions", 1),
         err=("FieldValueInvalid", "spec.completions")),
    case("TestValidateJobUpdate", "immutable selector", old=BASE, update=_selector,
         err=("FieldValueInvalid", "spec.selector")),
    case("TestValidateJobUpdate", "immutable pod template", old=BASE,
         update=_set("spec.template.spec.containers", None), err=("FieldValueInvalid", "spec.template")),
    case("TestValidateJobUpdate", "immutable completion mode",
         old={**BASE, "completionMode": "Indexed", "completions": 2},
         update=_set("spec.completionMode", "NonIndexed"), err=("FieldValueInvalid", "spec.completionMode")),
]


@pytest.mark.parametrize("c", VALIDATE_JOB_UPDATE)
def test_validate_job_update(c: dict[str, Any]) -> None:
    old = obj("batch/v1", "Job", "abc", c["old"], resourceVersion="1")
    new = copy.deepcopy(old)
    c["update"](new)
    # ValidateJobUpdate is the update-only half (the strategy also runs ValidateJob on the new object)
    create = errors(new)
    got = [(e.type, e.field) for e in errors(new, old) if e not in create]
    assert got == ([c["err"]] if c["err"] else [])
