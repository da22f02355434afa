"""Naming pods that controllers made: ``deployment/web#0`` and pod-list items."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kspec import Cluster
from kspec.errors import StepError


def _workload(kind: str, name: str, replicas: int) -> dict:
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}}}


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(nodes=2)
    c.apply(_workload("Deployment", "web", 3))
    c.settle()
    return c


def _names(c: Cluster, selector: str) -> list[str]:
    return sorted(p["metadata"]["name"] for p in c.list("pods", selector=selector)
                  if not p["metadata"].get("deletionTimestamp"))


def test_pods_created_together_are_ordered_by_name(cluster: Cluster) -> None:
    names = _names(cluster, "app=web")
    assert [cluster.pod_name(f"deployment/web#{i}") for i in range(3)] == names
    assert cluster.pod_name("deploy/web#1") == names[1]
    assert cluster.pod_name("deployments/web#2") == names[2]
    assert cluster.pod_name("pod/plain") == "plain"
    assert cluster.pod_name("plain") == "plain"


def test_a_later_pod_comes_after_earlier_ones_whatever_its_name(cluster: Cluster) -> None:
    before = set(_names(cluster, "app=web"))
    cluster.run_for(5000)
    cluster.scale("deployment", "web", 4)
    cluster.settle()
    [newest] = set(_names(cluster, "app=web")) - before
    assert cluster.pod_name("deployment/web#3") == newest


def test_terminating_pods_are_skipped(cluster: Cluster) -> None:
    cluster.describe_image("nginx:1.25", stop_ms=20_000)
    first = cluster.pod_name("deployment/web#0")
    cluster.delete("pod", first)
    assert cluster.get("pod", first)["metadata"].get("deletionTimestamp")  # still terminating
    assert first not in [cluster.pod_name(f"deployment/web#{i}") for i in range(3)]


def test_an_index_past_the_last_pod_lists_the_pods_there_are(cluster: Cluster) -> None:
    names = _names(cluster, "app=web")
    with pytest.raises(AssertionError) as exc:
        cluster.pod_name("deployment/web#5")
    assert str(exc.value) == (f'there is no pod deployment/web#5: deployment "web" has 3 current pods '
                              f"(#0 {names[0]}, #1 {names[1]}, #2 {names[2]})")


def test_a_missing_workload_is_a_state_not_a_syntax_error(cluster: Cluster) -> None:
    with pytest.raises(AssertionError, match='statefulset "db" does not exist in namespace "default"'):
        cluster.pod_name("sts/db#0")


@pytest.mark.parametrize(("ref", "message"), [
    ("foo/web#0", 'unknown workload kind "foo" in pod "foo/web#0": the kinds are deployment (deploy), '),
    ("service/web#0", 'unknown workload kind "service"'),
    ("deployment/web", 'pod "deployment/web" names every pod of deployment "web"; write deployment/web#0'),
    ("deployment/web#x", '"deployment/web#x" is not a pod name nor a reference to one'),
    ("a/b/c", '"a/b/c" is not a pod name nor a reference to one'),
])
def test_malformed_references_are_step_errors(cluster: Cluster, ref: str, message: str) -> None:
    with pytest.raises(StepError) as exc:
        cluster.pod_name(ref)
    assert message in str(exc.value)


def test_list_items_expand_workloads_and_name_other_namespaces(cluster: Cluster) -> None:
    cluster.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    names = _names(cluster, "app=web")
    assert cluster.pod_list("deployment/web") == [("default", n) for n in names]
    assert cluster.pod_list("client, shop/web-0, pod/x") == [("default", "client"), ("default", "x"),
                                                             ("shop", "web-0")]
    assert cluster.pod_list(f"deployment/web#0, {names[0]}") == [("default", names[0])]
    assert cluster.pod_list("none") == []
    assert cluster.pod_list(" ") == []


def test_a_workload_kind_prefix_is_never_a_namespace(cluster: Cluster) -> None:
    cluster.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "rs"}})
    with pytest.raises(AssertionError, match='replicaset "web" does not exist'):
        cluster.pod_list("rs/web")


def test_an_unknown_list_prefix_is_neither_kind_nor_namespace(cluster: Cluster) -> None:
    with pytest.raises(StepError, match='"nowhere" in "nowhere/web" is neither a workload kind'):
        cluster.pod_list("nowhere/web")


def test_a_deployment_reaches_its_pods_through_every_replicaset(cluster: Cluster) -> None:
    cluster.describe_image("nginx:broken", missing=True)
    cluster.set_image("deployment", "web", "nginx:broken")
    cluster.run_for(5000)
    current = _names(cluster, "app=web")
    listed = [n for _, n in cluster.pod_list("deployment/web")]
    assert listed == current and len(current) > 3  # 3 old pods and a surge pod that cannot pull its image


class _FakeAPI:
    """Just what podrefs reads: one ReplicaSet and its pods."""

    def __init__(self, pods: list[dict]) -> None:
        self.rs = {"metadata": {"name": "web", "namespace": "default", "uid": "rs-uid"}}
        self.pods = pods

    def try_get(self, resource: str, name: str, namespace: str) -> dict | None:
        return self.rs if (resource, name) == ("replicasets", "web") else None

    def list(self, resource: str, namespace: str | None = None) -> list[dict]:
        return self.pods if resource == "pods" else []


@given(st.lists(st.tuples(st.integers(0, 5), st.booleans(), st.booleans()), max_size=12, unique_by=lambda t: t))
def test_the_ith_pod_is_the_ith_current_one_by_creation_time_then_name(
        specs: list[tuple[int, bool, bool]]) -> None:
    from kspec.objects import timestamp
    from kspec.podrefs import resolve_list, resolve_pod

    pods = []
    for i, (second, terminating, owned) in enumerate(specs):
        md: dict = {"name": f"web-{(i * 7919) % 101:03d}-{i}", "creationTimestamp": timestamp(second * 1000),
                    "ownerReferences": [{"uid": "rs-uid" if owned else "other", "controller": True}]}
        if terminating:
            md["deletionTimestamp"] = timestamp(10_000)
        pods.append({"metadata": md})
    api = _FakeAPI(pods)
    current = sorted((p for p in pods if p["metadata"]["ownerReferences"][0]["uid"] == "rs-uid"
                      and "deletionTimestamp" not in p["metadata"]),
                     key=lambda p: (p["metadata"]["creationTimestamp"], p["metadata"]["name"]))
    expected = [p["metadata"]["name"] for p in current]
    assert [resolve_pod(api, f"rs/web#{i}") for i in range(len(expected))] == expected  # type: ignore[arg-type]
    assert [n for _, n in resolve_list(api, "replicaset/web")] == sorted(expected)  # type: ignore[arg-type]
    with pytest.raises(AssertionError):
        resolve_pod(api, f"rs/web#{len(expected)}")  # type: ignore[arg-type]


def test_a_listed_pod_that_does_not_exist_is_named_in_the_failure(cluster: Cluster) -> None:
    cluster.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                   "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    cluster.settle()
    client = cluster.pod_name("deployment/web#0")
    with pytest.raises(AssertionError, match=r'expected wbe; no pod "wbe" in namespace "default"$'):
        cluster.expect.endpoints("web", "wbe", ready=True)
    with pytest.raises(AssertionError, match=r'expected one of pods wbe; no pod "wbe" in namespace "default"$'):
        cluster.expect.connection_reaches(client, "web:80", "wbe")
    with pytest.raises(AssertionError, match=r'; no pod "wbe" in namespace "default"$'):
        cluster.expect.connections_spread(10, client, "web:80", "deployment/web,wbe")
    with pytest.raises(AssertionError, match=r'expected none$'):  # every listed pod exists: no note
        cluster.expect.endpoints("web", "none", ready=True)
