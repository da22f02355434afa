"""Deployment validation: upstream's TestValidateDeployment (errs[0] must contain the case's text)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.upstream.api.adapter import errors, make_pod_spec, obj
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/apps/validation/validation_test.go"


def valid_deployment(**spec: Any) -> dict[str, Any]:
    """validDeployment: selector name=abc, RollingUpdate 1/1, MakePodSpec (RollbackTo is not in apps/v1)."""
    base = {"selector": {"matchLabels": {"name": "abc"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}},
            "template": {"metadata": {"name": "abc", "namespace": "default", "labels": {"name": "abc"}},
                         "spec": make_pod_spec()}}
    base.update(copy.deepcopy(spec))
    return obj("apps/v1", "Deployment", "abc", base)


def _tweak(path: str, value: Any) -> dict[str, Any]:
    d = valid_deployment()
    *parents, leaf = path.split(".")
    node = d["spec"]
    for p in parents:
        node = node[p]
    node[leaf] = value
    return d


HOSTNET = valid_deployment()
HOSTNET["spec"]["template"]["spec"]["hostNetwork"] = True
HOSTNET["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"containerPort": 12345, "protocol": "TCP"}]
NO_NAME = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": "default"}}
PROGRESS = valid_deployment(progressDeadlineSeconds=600, minReadySeconds=600)
EPHEMERAL = _tweak("template.spec.ephemeralContainers", [{"name": "ec", "image": "image",
                                                          "imagePullPolicy": "IfNotPresent",
                                                          "terminationMessagePolicy": "File"}])

F = "TestValidateDeployment"
CASES = [
    case(F, "successCases[0]", d=valid_deployment(), want=None),
    case(F, "successCases[1]", d=HOSTNET, want=None),
    case(F, "metadata.name: Required value", d=NO_NAME, want="metadata.name: Required value"),
    case(F, "`selector` does not match template `labels`", d=_tweak("selector", {"matchLabels": {"name": "def"}}),
         want="`selector` does not match template `labels`"),
    case(F, 'Unsupported value: "Never"', d=_tweak("template.spec.restartPolicy", "Never"),
         want='Unsupported value: "Never"'),
    case(F, 'supported values: "Recreate", "RollingUpdate"', d=_tweak("strategy.type", "randomType"),
         want='supported values: "Recreate", "RollingUpdate"'),
    case(F, "may not be specified when strategy `type` is 'Recreate'",
         d=_tweak("strategy", {"type": "Recreate", "rollingUpdate": {}}),
         want="may not be specified when strategy `type` is 'Recreate'"),
    case(F, "a valid percent string must be",
         d=_tweak("strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "20Percent"}}),
         want="a valid percent string must be"),
    case(F, "may not be 0 when `maxSurge` is 0",
         d=_tweak("strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "0%", "maxUnavailable": 0}}),
         want="may not be 0 when `maxSurge` is 0"),
    case(F, "must not be greater than 100%",
         d=_tweak("strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "110%"}}),
         want="must not be greater than 100%"),
    case(F, "must be greater than or equal to 0",
         unreachable="spec.rollbackTo exists only in extensions/v1beta1 and apps/v1beta1; apps/v1 has none",
         d=valid_deployment(), want="must be greater than or equal to 0"),
    case(F, "must be greater than minReadySeconds", d=PROGRESS, want="must be greater than minReadySeconds"),
    case(F, "ephemeral containers not allowed", d=EPHEMERAL, want="ephemeral containers not allowed"),
]


@pytest.mark.parametrize("c", CASES)
def test_validate_deployment(c: dict[str, Any]) -> None:
    errs = errors(c["d"])
    if c["want"] is None:
        assert errs == []
    else:
        assert errs and c["want"] in str(errs[0]), [str(e) for e in errs]
