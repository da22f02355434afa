"""Pod security context: upstream's TestValidatePodSpecWithSupplementalGroupsPolicy
(pkg/apis/core/validation/validation_test.go): ValidatePodSpec on podtest.MakePodSpec with one container "con"
and the given securityContext; the whole error list is compared."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import NOT_SUPPORTED, validate
from tests.upstream.api.adapter import container, make_pod_spec
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

PATH = "spec.securityContext.supplementalGroupsPolicy"
F = "TestValidatePodSpecWithSupplementalGroupsPolicy"
CASES = [
    case(F, "nil SecurityContext is valid", ctx=None, want=[]),
    case(F, "nil SupplementalGroupsPolicy is valid", ctx={}, want=[]),
    case(F, "SupplementalGroupsPolicyMerge is valid", ctx={"supplementalGroupsPolicy": "Merge"}, want=[]),
    case(F, "SupplementalGroupsPolicyStrict is valid", ctx={"supplementalGroupsPolicy": "Strict"}, want=[]),
    case(F, "empty SupplementalGroupsPolicy is invalid", ctx={"supplementalGroupsPolicy": ""},
         want=[(NOT_SUPPORTED, PATH, 'spec.securityContext.supplementalGroupsPolicy: Unsupported value: "": '
                                     'supported values: "Merge", "Strict"')]),
    case(F, "not-supported SupplementalGroupsPolicy is invalid", ctx={"supplementalGroupsPolicy": "not-supported"},
         want=[(NOT_SUPPORTED, PATH, 'spec.securityContext.supplementalGroupsPolicy: Unsupported value: '
                                     '"not-supported": supported values: "Merge", "Strict"')]),
]


@pytest.mark.parametrize("c", CASES)
def test_validate_pod_spec_with_supplemental_groups_policy(c: dict[str, Any]) -> None:
    spec = make_pod_spec([container("con")])
    if c["ctx"] is not None:
        spec["securityContext"] = c["ctx"]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}
    errs = [e for e in validate(pod) if e.field.startswith("spec.")]
    assert [(e.type, e.field, str(e)) for e in errs] == c["want"]
