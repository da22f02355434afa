"""EndpointSlices: the conditions of a pod's endpoint, as kube-proxy and CoreDNS read them."""

from __future__ import annotations

from kspec.controllers.expect_slices import pod_condition
from kspec.controllers.expect_slices import slice_sizes as expect_slice_sizes
from kspec.harness import Harness
from kspec.steps.registry import then

D = "network"


@then('in the endpoint slices of service "{svc}"{in_ns}, pod "{pod}" is '
      '{condition:ready|not ready|serving|not serving|terminating|not terminating}', domain=D)
def slice_condition(k: Harness, svc: str, ns: str | None, pod: str, condition: str) -> None:
    """The pod's endpoint in the Service's EndpointSlices has (or lacks) that condition."""
    pod_condition(k.cluster, svc, pod, condition, ns)


@then('the endpoint slices of service "{svc}"{in_ns} have {counts} endpoints', domain=D)
def slice_sizes(k: Harness, svc: str, ns: str | None, counts: str) -> None:
    """How many endpoints each of the Service's slices holds ("100 and 50"; an empty placeholder is 0)."""
    expect_slice_sizes(k.cluster, svc, counts, ns)
