"""Scheduling: configuring the scheduler's profiles, node resources, and why a pod went where it went."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.scheduler.explain import expect_filtered
from kspec.scheduler.profile.config import configure
from kspec.steps.registry import given, then

D = "scheduling"


@given("the scheduler is configured with:", domain=D, text=True)
def configured_with(k: Harness, docstring: str) -> None:
    """A KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) for the cluster's scheduler."""
    k.setup(lambda cluster: configure(cluster, docstring))


@given('the scheduler is configured with the file "{path}"', domain=D)
def configured_with_file(k: Harness, path: str) -> None:
    """A KubeSchedulerConfiguration file, its path relative to the feature file."""
    text = k.read_manifest(path)[0]
    k.setup(lambda cluster: configure(cluster, text))


@given('node "{node}" has capacity "{resource}={quantity}"', domain="nodes")
def node_capacity(k: Harness, node: str, resource: str, quantity: str) -> None:
    """Set a resource's capacity and allocatable on a node (e.g. nvidia.com/gpu=4)."""
    k.cluster.set_node_resource(node, resource, quantity)


@then('pod "{pod}" was filtered out of node "{node}" by "{plugin}"{in_ns}', domain=D)
def filtered_out(k: Harness, pod: str, node: str, plugin: str, ns: str | None) -> None:
    """In the pod's last scheduling attempt, that filter plugin rejected that node."""
    expect_filtered(k.cluster, pod, node, plugin, ns or "default")
