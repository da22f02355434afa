"""Relaxed DNS search domains: upstream's TestValidatePodDNSConfigWithRelaxedSearchDomain
(pkg/apis/core/validation/validation_test.go), through a pod's spec.dnsConfig.

The cases with the gate off validate search paths as plain DNS subdomains; kspec applies the relaxed rule
(AllowRelaxedDNSSearchValidation, on by default and GA), so those that only the strict rule rejects are marked.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import validate
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

_STRICT = ("the case turns AllowRelaxedDNSSearchValidation off; kspec applies the relaxed rule (on by default), "
           "under which this search path is valid")
F = "TestValidatePodDNSConfigWithRelaxedSearchDomain"
SEARCHES = [
    ("beginswith underscore, contains underscore", "_sip._tcp.abc_d.example.com", False, True),
    ("contains underscore", "abc_d.example.com", False, True),
    ("is dot", ".", False, True),
    ("two dots", "..", True, True),
    ("underscore and dot", "_.", True, True),
    ("dash and dot", "-.", True, True),
    ("two underscore and dot", "__.", True, True),
    ("dot and two underscore", ".__", True, True),
    ("dot and underscore", "._", True, True),
    ("lot of underscores", "____________", True, True),
    ("a regular name", "example.com", False, False),
    ("unicode character", "☃.example.com", True, True),
]
CASES = [case(F, f"{name}, featuregate enabled", search=search, err=err) for name, search, err, _ in SEARCHES]
for name, search, relaxed_err, strict_err in SEARCHES:
    label = "begins with underscore, contains underscore" if name.startswith("beginswith") else name
    CASES.append(case(F, f"{label}, featuregate disabled", search=search, err=strict_err,
                      unmodelled=_STRICT if strict_err and not relaxed_err else None))


@pytest.mark.parametrize("c", CASES)
def test_validate_pod_dns_config_with_relaxed_search_domain(c: dict[str, Any]) -> None:
    spec = {"containers": [{"name": "abc", "image": "image", "imagePullPolicy": "IfNotPresent",
                            "terminationMessagePolicy": "File"}],
            "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
            "dnsConfig": {"searches": [c["search"]]}}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}
    errs = [str(e) for e in validate(pod) if e.field.startswith("spec.dnsConfig")]
    assert bool(errs) == c["err"], errs
