"""``Cluster``: nodes, multi-document apply, manifest errors, component choice and plugin failures."""

from __future__ import annotations

import pytest

from kspec import plugins
from kspec.cluster import Cluster, NodeSpec
from kspec.errors import ApplyError, ManifestError, PluginError, StepError
from kspec.hookspec import hookimpl
from kspec.objects import get_condition

POD = """
apiVersion: v1
kind: Pod
metadata: {name: %s}
spec:
  containers: [{name: c, image: nginx}]
"""


def test_nodes_are_ready_with_the_default_shape() -> None:
    c = Cluster(nodes=3)
    nodes = c.list("nodes")
    assert [n["metadata"]["name"] for n in nodes] == ["node-1", "node-2", "node-3"]
    for i, node in enumerate(nodes):
        assert get_condition(node, "Ready")["status"] == "True"
        for pressure in ("MemoryPressure", "DiskPressure", "PIDPressure"):
            assert get_condition(node, pressure)["status"] == "False"
        capacity = node["status"]["capacity"]
        assert (capacity["cpu"], capacity["memory"], capacity["pods"]) == ("4", "16Gi", "110")
        assert node["status"]["allocatable"]["pods"] == "110"
        assert node["metadata"]["labels"]["kubernetes.io/hostname"] == node["metadata"]["name"]
        assert node["spec"]["podCIDR"] == f"10.244.{i}.0/24"
        assert node["spec"]["podCIDRs"] == [f"10.244.{i}.0/24"]
        assert not node["spec"].get("taints")


def test_node_specs_carry_labels_taints_and_zone() -> None:
    c = Cluster(nodes=[NodeSpec("big", cpu="16", labels={"disk": "ssd"}, zone="z1", unschedulable=True,
                                taints=[{"key": "gpu", "effect": "NoSchedule"}]), "small"])
    big = c.get("node", "big")
    assert big["status"]["capacity"]["cpu"] == "16"
    assert big["metadata"]["labels"]["disk"] == "ssd"
    assert big["metadata"]["labels"]["topology.kubernetes.io/zone"] == "z1"
    assert big["spec"]["unschedulable"] is True
    # the node lifecycle controller adds the unschedulable taint to a cordoned node (NODE-02)
    assert [(t["key"], t["effect"]) for t in big["spec"]["taints"]] == [
        ("gpu", "NoSchedule"), ("node.kubernetes.io/unschedulable", "NoSchedule")]
    assert c.get("node", "small")["spec"]["podCIDR"] == "10.244.1.0/24"


def test_a_new_cluster_has_the_system_namespaces_and_services() -> None:
    c = Cluster()
    assert [n["metadata"]["name"] for n in c.list("namespaces")] == [
        "default", "kube-node-lease", "kube-public", "kube-system"]
    assert c.list("pods") == []
    assert c.get("svc", "kube-dns", "kube-system")["spec"]["clusterIP"] == "10.96.0.10"


def test_apply_multi_document() -> None:
    c = Cluster()
    c.apply(POD % "a" + "---\n" + POD % "b")
    assert [p["metadata"]["name"] for p in c.list("pods")] == ["a", "b"]


def test_a_rejected_document_does_not_undo_or_stop_the_others() -> None:
    # kubectl apply -f: documents go one by one; the error is reported after all were sent
    c = Cluster()
    with pytest.raises(ApplyError) as info:
        c.apply(POD % "good" + "---\n" + POD % "Bad_Name" + "---\n" + POD % "later")
    assert info.value.message.startswith('Error from server (Invalid): error when creating "STDIN": Pod "Bad_Name" '
                                         "is invalid: metadata.name: Invalid value")
    assert [e.reason for e in info.value.errors] == ["Invalid"]
    assert [p["metadata"]["name"] for p in c.list("pods")] == ["good", "later"]


def test_every_rejection_is_reported_in_document_order() -> None:
    c = Cluster()
    c.apply(POD % "taken")
    with pytest.raises(ApplyError) as info:
        c.apply(POD % "Bad_Name" + "---\n" + POD % "fine" + "---\n"
                + (POD % "x").replace("{name: x}", "{name: x, namespace: nowhere}"), source="web.yaml")
    err = info.value
    assert [e.reason for e in err.errors] == ["Invalid", "NotFound"]
    lines = err.message.splitlines()
    assert lines[0].startswith('Error from server (Invalid): error when creating "web.yaml": Pod "Bad_Name" is '
                               "invalid: metadata.name: Invalid value")
    assert lines[1] == 'Error from server (NotFound): error when creating "web.yaml": namespaces "nowhere" not found'
    assert (err.code, err.reason) == (422, "Invalid")
    assert c.get("pod", "fine")["metadata"]["name"] == "fine"


def test_an_update_that_is_refused_names_the_patch() -> None:
    c = Cluster()
    c.apply(POD % "app")
    changed = (POD % "app").replace("image: nginx}", "image: nginx, env: [{name: A, value: b}]}")
    with pytest.raises(ApplyError) as info:
        c.apply(changed)
    assert info.value.message.splitlines()[0].startswith(
        'Error from server (Invalid): error when applying patch to Pod "app" for: "STDIN": Pod "app" is invalid')


def test_an_unreadable_manifest_applies_nothing() -> None:
    c = Cluster()
    with pytest.raises(ManifestError):
        c.apply(POD % "good" + "---\n" + "kind: Pod\nmetadata: {name: x}\n")
    assert c.list("pods") == []


def test_a_namespace_and_its_content_in_one_manifest() -> None:
    c = Cluster()
    c.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\n"
            + (POD % "a").replace("{name: a}", "{name: a, namespace: team}"))
    assert c.get("pod", "a", "team")["metadata"]["namespace"] == "team"


def test_list_kind_expands_its_items() -> None:
    c = Cluster()
    c.apply("""
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}
""")
    assert [o["metadata"]["name"] for o in c.list("configmaps")] == ["one", "two"]


@pytest.mark.parametrize(("text", "message"), [
    ("a: [1, 2\nb: 3\n", r"error parsing YAML at <manifest>:\d+:\d+: did not find expected"),
    ("- a\n- b\n", r"\(document 1\) is not a Kubernetes object: expected a mapping, got a list"),
    ("kind: Pod\nmetadata: {name: x}\n", r"\[apiVersion not set\]"),
    ("apiVersion: v1\nmetadata: {name: x}\n", r"\[kind not set\]"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {}\n", "Pod has no metadata.name"),
    ("", "no objects passed to apply"),
    ("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap}\n", r"items\[0\]: ConfigMap has no"),
])
def test_manifest_errors_are_one_clear_message(text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message) as info:
        Cluster().apply(text)
    assert "\n" not in str(info.value)


def test_yaml_error_points_at_the_source_line() -> None:
    with pytest.raises(ManifestError, match=r"at web\.feature:12:10: mapping values are not allowed"):
        Cluster().apply("apiVersion: v1\nkind: Pod: x\n", source="web.feature", first_line=11)


def test_unknown_implementation_lists_the_registered_names() -> None:
    c = Cluster()
    known = sorted(plugins.registered_names(c.pm, "store"))
    with pytest.raises(PluginError) as info:
        c.use("store", "nope")
    message = str(info.value)
    assert message.startswith('unknown store "nope": the registered store implementations are ')
    for name in known:
        assert f'"{name}"' in message
    with pytest.raises(PluginError, match='unknown scheduler "nope"'):
        c.use("scheduler", "nope")


def test_unknown_component() -> None:
    with pytest.raises(StepError, match='unknown component "kettle"'):
        Cluster().use("kettle", "x")


class _Broken:
    """A third-party plugin whose controller hook raises."""

    @hookimpl
    def kspec_controllers(self, cluster: Cluster) -> list:
        raise RuntimeError("boom")


class _BrokenNames:
    @hookimpl
    def kspec_component_names(self, component: str) -> list[str]:
        raise ValueError("no names today")


def test_a_plugin_whose_hook_raises_is_named() -> None:
    c = Cluster(plugins_=[_Broken()])
    with pytest.raises(PluginError, match=r'failed in kspec_controllers: RuntimeError: boom') as info:
        c.start()
    assert "_Broken" in str(info.value) or "plugin" in str(info.value)


def test_a_plugin_failing_in_component_names_is_named() -> None:
    with pytest.raises(PluginError, match="failed in kspec_component_names: ValueError: no names today"):
        Cluster(plugins_=[_BrokenNames()])


def test_a_plugin_can_provide_a_store() -> None:
    from kspec.store import MemoryStore

    class Special(MemoryStore):
        name = "special"

    class Plugin:
        @hookimpl
        def kspec_component_names(self, component: str) -> list[str]:
            return ["special"] if component == "store" else []

        @hookimpl
        def kspec_make_store(self, name: str, cluster: Cluster) -> MemoryStore | None:
            return Special() if name == "special" else None

    c = Cluster(plugins_=[Plugin()], store="special")
    assert isinstance(c.store, Special)
    assert c.get("svc", "kubernetes")["spec"]["clusterIP"] == "10.96.0.1"


def test_components_must_be_chosen_before_start() -> None:
    c = Cluster()
    c.start()
    with pytest.raises(StepError, match="before the cluster starts"):
        c.use("store", "memory")
