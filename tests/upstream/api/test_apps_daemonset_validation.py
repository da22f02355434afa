"""DaemonSet validation: upstream's ValidateDaemonSetUpdate table (pkg/apis/apps/validation).

ValidateDaemonSetUpdate does not hold the selector immutable: apps/v1's strategy adds that check, so the
adapter leaves out kspec's ``spec.selector`` immutability error. apps/v1 has no ``spec.templateGeneration``
(the registry keeps it on the internal object), so cases about it are unreachable through the API.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import FIELD_IMMUTABLE
from tests.upstream.api.adapter import container, errors, make_pod_spec, obj
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/apps/validation/validation_test.go"

SEL, SEL2 = {"a": "b"}, {"c": "d"}
BAD_SEL = {"NoUppercaseOrSpecialCharsLike=Equals": "b"}
SPEC_ABC = make_pod_spec([container("abc")])
SPEC_DEF = make_pod_spec([container("def")])
SPEC_NODE = make_pod_spec(nodeSelector=SEL, nodeName="xyz")
SPEC_VOLUME = make_pod_spec(volumes=[{"name": "gcepd", "gcePersistentDisk": {"pdName": "my-PD", "fsType": "ext4",
                                                                               "partition": 1}}])


def tmpl(labels: dict[str, str], spec: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"labels": dict(labels)}, "spec": spec}


T_ABC, T_ABC2, T_DEF = tmpl(SEL, SPEC_ABC), tmpl(SEL2, SPEC_ABC), tmpl(SEL2, SPEC_DEF)
T_ABC_EQ = tmpl(SEL, {**SPEC_ABC, "imagePullSecrets": []})
T_NODE, T_VOLUME = tmpl(SEL, SPEC_NODE), tmpl(SEL, SPEC_VOLUME)
T_INVALID = tmpl(SEL, make_pod_spec([]))
ON_DELETE = {"type": "OnDelete"}
ROLLING = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}


def ds(selector: dict[str, str] = SEL, template: dict[str, Any] = T_ABC, strategy: dict[str, Any] = ON_DELETE,
       name: str = "abc") -> dict[str, Any]:
    return obj("apps/v1", "DaemonSet", name, {"selector": {"matchLabels": selector}, "template": template,
                                             "updateStrategy": strategy})


_TEMPLATE_GENERATION = ("apps/v1 has no spec.templateGeneration; the registry sets the internal field, so "
                        "a client cannot send it")
F = "TestValidateDaemonSetUpdate"
CASES = [
    case(F, "no change", old=ds(), new=ds(), n=0),
    case(F, "change template and selector", old=ds(), new=ds(SEL2, T_ABC2), n=0),
    case(F, "change template", old=ds(), new=ds(template=T_NODE), n=0),
    case(F, "change container image name", old=ds(), new=ds(SEL2, T_DEF), n=0),
    case(F, "change update strategy", old=ds(), new=ds(strategy=ROLLING), n=0),
    case(F, "unchanged templateGeneration upon semantically equal template update", old=ds(),
         new=ds(template=T_ABC_EQ, strategy=ROLLING), n=0),
    case(F, "Read-write volume verification", old=ds(), new=ds(template=T_VOLUME), n=0),
    case(F, "change daemon name", old=ds(name=""), new=ds(), n=1),
    case(F, "invalid selector", old=ds(), new=ds(BAD_SEL), n=1),
    case(F, "invalid pod", old=ds(), new=ds(template=T_INVALID), n=1),
    case(F, "invalid update strategy", old=ds(), new=ds(strategy={"type": "Random"}), n=1),
    case(F, "negative templateGeneration", unreachable=_TEMPLATE_GENERATION, old=ds(), new=ds(), n=1),
    case(F, "decreased templateGeneration", unreachable=_TEMPLATE_GENERATION, old=ds(), new=ds(), n=1),
    case(F, "unchanged templateGeneration upon template update", unreachable=_TEMPLATE_GENERATION,
         old=ds(), new=ds(SEL2, T_ABC2), n=1),
]


@pytest.mark.parametrize("c", CASES)
def test_validate_daemonset_update(c: dict[str, Any]) -> None:
    old, new = c["old"], c["new"]
    old["metadata"]["resourceVersion"], new["metadata"]["resourceVersion"] = "1", "2"
    errs = [e for e in errors(new, old) if not (e.field == "spec.selector" and e.detail == FIELD_IMMUTABLE)]
    assert len(errs) == c["n"], [str(e) for e in errs]
