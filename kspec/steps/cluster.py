"""Cluster set-up and node operations."""

from __future__ import annotations

from kspec.arguments import MAX_NODES, check_node_count
from kspec.cluster import NodeSpec, nodes_from_table
from kspec.durations import parse_duration
from kspec.errors import StepError
from kspec.harness import Harness
from kspec.steps.registry import given, when
from kspec.taints import parse_taint

D = "cluster"


@given("a cluster with {n} nodes", domain=D)
def cluster_with_nodes(k: Harness, n: int) -> None:
    """Nodes node-1 ... node-N, each Ready, 4 cpu, 16Gi memory, 110 pods."""
    if not 0 <= n <= MAX_NODES:
        raise StepError(check_node_count(n) if n > 0 else f"a cluster cannot have {n} nodes")
    k.new_cluster([NodeSpec(f"node-{i}") for i in range(1, n + 1)])  # what a table of names alone gives


@given("a cluster with nodes:", domain=D, table=True)
def cluster_with_node_table(k: Harness, datatable: list[list[str]]) -> None:
    """Columns: name (required), cpu, memory, pods, labels, taints, zone, unschedulable."""
    k.new_cluster(nodes_from_table(datatable))


@given('node "{node}" has label "{label}"', domain="nodes")
def node_label(k: Harness, node: str, label: str) -> None:
    """Set a label on a node (key=value)."""
    k.cluster.label_node(node, label)


@given('node "{node}" has taint "{taint}"', domain="nodes")
def node_taint(k: Harness, node: str, taint: str) -> None:
    """Add a taint in kubectl's syntax: key=value:Effect or key:Effect."""
    k.cluster.taint_node(node, parse_taint(taint))


@given('the cluster uses the "{implementation}" {component:scheduler|proxy|dns|store|runtime}', domain=D)
def uses(k: Harness, implementation: str, component: str) -> None:
    """Choose a component implementation by its registered name."""
    k.use(component, implementation)


@given("etcd has {n} members", domain="etcd")
def etcd_members(k: Harness, n: int) -> None:
    """The store becomes a simulated etcd cluster of members etcd-1 ... etcd-N."""
    k.cluster.use_etcd(n)


@given('image "{image}" takes {duration} to pull', domain="images")
def image_pull_time(k: Harness, image: str, duration: str) -> None:
    """Pulls of this image take that long."""
    k.cluster.describe_image(image, pull_ms=parse_duration(duration))


@given('image "{image}" does not exist', domain="images")
def image_missing(k: Harness, image: str) -> None:
    """Pulls of this image fail as for a missing image."""
    k.cluster.describe_image(image, missing=True)


@given('image "{image}" exits with code {code} after {duration}', domain="images")
def image_exits(k: Harness, image: str, code: int, duration: str) -> None:
    """Containers of this image run that long, then exit with that code."""
    k.cluster.describe_image(image, exit_code=code, run_ms=parse_duration(duration))


@when('I add node "{node}"', domain="nodes")
def add_node(k: Harness, node: str) -> None:
    """A node with the defaults of a cluster with N nodes joins the running cluster."""
    k.cluster.join_nodes(nodes_from_table([["name"], [node]]))


@when("I add nodes:", domain="nodes", table=True)
def add_nodes(k: Harness, datatable: list[list[str]]) -> None:
    """Nodes join the running cluster; the table of a cluster with nodes (name, cpu, memory, labels, ...)."""
    k.cluster.join_nodes(nodes_from_table(datatable))


@when('I cordon node "{node}"', domain="nodes")
def cordon(k: Harness, node: str) -> None:
    """Mark the node unschedulable (kubectl cordon)."""
    k.cluster.cordon(node)


@when('I uncordon node "{node}"', domain="nodes")
def uncordon(k: Harness, node: str) -> None:
    """Mark the node schedulable again (kubectl uncordon)."""
    k.cluster.cordon(node, unschedulable=False)


@when('I drain node "{node}"', domain="nodes")
def drain(k: Harness, node: str) -> None:
    """Cordon, then evict every pod no DaemonSet owns, honouring PodDisruptionBudgets."""
    k.cluster.drain(node)


@when('I taint node "{node}" with "{taint}"', domain="nodes")
def taint(k: Harness, node: str, taint: str) -> None:
    """kubectl taint node NODE key=value:Effect."""
    k.cluster.taint_node(node, parse_taint(taint))


@when('I remove taint "{key}" from node "{node}"', domain="nodes")
def untaint(k: Harness, key: str, node: str) -> None:
    """kubectl taint node NODE key- (every effect of that key)."""
    k.cluster.remove_taint(node, key)


@when('node "{node}" stops responding', domain="nodes")
def node_stops(k: Harness, node: str) -> None:
    """The kubelet stops heartbeating; the node's pods keep running."""
    k.cluster.stop_node(node)


@when('node "{node}" comes back', domain="nodes")
def node_back(k: Harness, node: str) -> None:
    """The kubelet resumes heartbeating."""
    k.cluster.restore_node(node)
