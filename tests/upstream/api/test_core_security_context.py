"""Pod security context: upstream's TestValidatePodSpecWithSupplementalGroupsPolicy and
TestValidateSELinuxChangePolicy (pkg/apis/core/validation/validation_test.go): ValidatePodSpec on
podtest.MakePodSpec with the given securityContext; the whole error list of the spec is compared."""

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


SEL = "spec.securityContext.seLinuxChangePolicy"
_ONLY_RECURSIVE = ("the case sets AllowOnlyRecursiveSELinuxChangePolicy (the SELinuxMount gate's restriction); kspec "
                   "accepts both policies")
S = "TestValidateSELinuxChangePolicy"
SELINUX = [
    case(S, "nil is valid", policy=None, want=[]),
    case(S, "Recursive is always valid", policy="Recursive", want=[]),
    case(S, "MountOption is not valid when AllowOnlyRecursiveSELinuxChangePolicy", unmodelled=_ONLY_RECURSIVE,
         policy="MountOption", want=[(NOT_SUPPORTED, SEL, f'{SEL}: Unsupported value: "MountOption": supported '
                                                          'values: "Recursive"')]),
    case(S, "MountOption is valid when not AllowOnlyRecursiveSELinuxChangePolicy", policy="MountOption", want=[]),
    case(S, "invalid value", policy="InvalidValue", want=[(NOT_SUPPORTED, SEL, f'{SEL}: Unsupported value: '
                                                                               '"InvalidValue": supported values: '
                                                                               '"MountOption", "Recursive"')]),
]


@pytest.mark.parametrize("c", SELINUX)
def test_validate_selinux_change_policy(c: dict[str, Any]) -> None:
    spec = make_pod_spec(securityContext={} if c["policy"] is None else {"seLinuxChangePolicy": c["policy"]})
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pod", "namespace": "ns"}, "spec": spec}
    assert [(e.type, e.field, str(e)) for e in validate(pod) if e.field.startswith("spec.")] == c["want"]
