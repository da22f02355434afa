"""``Cluster``: nodes, multi-document apply, manifest errors, component choice and plugin failures."""

from __future__ import annotations

from typing import Any

import pytest

from kspec import plugins
from kspec.auth.user import user
from kspec.cluster import Cluster, NodeSpec, nodes_from_table
from kspec.errors import ApiError, ApplyError, ArgumentError, ManifestError, PluginError, StepError
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
    # one rejection: kubectl's CheckErr words it from the status details, without "Error from server"
    assert info.value.message.startswith('The Pod "Bad_Name" is invalid: metadata.name: Invalid value')
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


def test_a_kind_the_rest_mapper_does_not_know_is_named_as_kubectl_names_it_and_the_rest_is_applied() -> None:
    """cli-runtime's mapping error, not a server's refusal: kubectl never sent that document, but sent the others."""
    c = Cluster()
    with pytest.raises(ApplyError) as info:
        c.apply("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: web, namespace: prod}\n---\n" + POD % "fine")
    assert info.value.message == (
        'resource mapping not found for name: "web" namespace: "prod" from "STDIN": no matches for kind "Deploymnet" '
        'in version "apps/v1"\nensure CRDs are installed first')
    assert (info.value.code, info.value.reason) == (404, "NotFound")
    assert c.get("pod", "fine")["metadata"]["name"] == "fine"


@pytest.mark.parametrize("manifest", [
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: cm-}\n",
    "apiVersion: v1\nkind: ConfigMap\n",
    "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap}\n",
])
def test_a_document_without_a_name_is_refused_as_kubectl_apply_refuses_it_and_the_rest_is_applied(
        manifest: str) -> None:
    """kubectl apply GETs the live object by name first: client-go refuses an empty name, no request is sent."""
    c = Cluster()
    with pytest.raises(ApplyError) as info:
        c.apply(manifest + "---\n" + POD % "fine")
    assert info.value.message == (
        'error when retrieving current configuration of:\nResource: "/v1, Resource=configmaps", GroupVersionKind: '
        '"/v1, Kind=ConfigMap"\nName: "", Namespace: "default"\nfrom server for: "STDIN": resource name may not be '
        "empty")
    assert c.get("pod", "fine")["metadata"]["name"] == "fine"
    assert [cm["metadata"]["name"] for cm in c.list("configmaps")] == ["kube-root-ca.crt"]


def test_an_update_that_is_refused_names_the_patch() -> None:
    c = Cluster()
    c.apply(POD % "app")
    changed = (POD % "app").replace("image: nginx}", "image: nginx, env: [{name: A, value: b}]}")
    with pytest.raises(ApplyError) as info:
        c.apply(changed)
    assert info.value.message.startswith('The Pod "app" is invalid: spec: Forbidden: pod updates may not change')
    assert [e.message for e in info.value.errors][0].startswith('Pod "app" is invalid: spec: Forbidden')


def test_a_lone_invalid_rejection_is_printed_as_kubectl_prints_it() -> None:
    # kubectl apply returns one error as it is; cmdutil.CheckErr prints an Invalid one from its details:
    # "The <Kind> <name> is invalid: <cause>", or one "* <cause>" line each for several causes
    c = Cluster()
    bad = (POD % "web").replace("image: nginx}", "image: nginx, imagePullPolicy: Sometimes}")
    with pytest.raises(ApplyError) as info:
        c.apply(bad)
    assert info.value.message == ('The Pod "web" is invalid: spec.containers[0].imagePullPolicy: Unsupported value: '
                                  '"Sometimes": supported values: "Always", "IfNotPresent", "Never"')
    worse = bad.replace("image: nginx,", "image: '',")
    with pytest.raises(ApplyError) as info:
        c.apply(worse)
    assert info.value.message == ('The Pod "web" is invalid: \n'
                                  "* spec.containers[0].image: Required value\n"
                                  '* spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported '
                                  'values: "Always", "IfNotPresent", "Never"')


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
    assert [o["metadata"]["name"] for o in c.list("configmaps")] == ["kube-root-ca.crt", "one", "two"]


@pytest.mark.parametrize(("text", "message"), [
    ("a: [1, 2\nb: 3\n", r"error parsing YAML at <manifest>:\d+:\d+: did not find expected"),
    ("- a\n- b\n", r"\(document 1\) is not a Kubernetes object: expected a mapping, got a list"),
    ("kind: Pod\nmetadata: {name: x}\n", r"\[apiVersion not set\]"),
    ("apiVersion: v1\nmetadata: {name: x}\n", r"\[kind not set\]"),
    ("", "no objects passed to apply"),
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


# -- bounds and argument checks (issue 17 items 3 and 4) ------------------------------------------
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}


def test_replicas_past_int32_are_rejected_as_the_api_would() -> None:
    c = Cluster(nodes=1)
    c.apply(DEPLOYMENT)
    with pytest.raises(ArgumentError, match=r"replicas 99999999999 is out of range: spec.replicas is an int32"):
        c.scale("deployment", "web", 99999999999)
    with pytest.raises(ArgumentError, match=r"replicas 200,000 is more pods than kspec simulates: .*150,000 pods"):
        c.scale("deployment", "web", 200_000)
    with pytest.raises(ApiError, match=r"spec.replicas: Invalid value: -1: must be greater than or equal to 0"):
        c.scale("deployment", "web", -1)
    assert c.get("deployment", "web")["spec"]["replicas"] == 1


def test_durations_stay_within_go_time_duration() -> None:
    c = Cluster(nodes=0)
    with pytest.raises(ArgumentError, match=r'duration .9999999999999999999h.*longest Go duration is '
                                             r"2562047h47m16.854775807s"):
        c.run_for("9999999999999999999h")
    with pytest.raises(ArgumentError, match=r"duration -5 is negative"):
        c.run_for(-5)
    with pytest.raises(ArgumentError, match=r"duration must be a Go duration .*got str|invalid duration|unknown unit"):
        c.run_for("5 minutes")
    with pytest.raises(ArgumentError, match="limit"):
        c.settle(10**30)
    assert c.now_ms == 0


def test_exit_codes_ports_and_connection_counts_are_bounded() -> None:
    c = Cluster(nodes=1)
    with pytest.raises(ArgumentError, match=r"code 300 is out of range: .*0-255"):
        c.exit_container("p", "c", 300)
    with pytest.raises(ArgumentError, match=r"exit_code 256 is out of range"):
        c.describe_image("x:1", exit_code=256)
    with pytest.raises(ArgumentError, match=r"port 70000 is out of range"):
        c.connect("p", "svc", 70000)
    with pytest.raises(ArgumentError, match=r"count 1000000 is out of range: it must be at most 100,000"):
        c.expect.connections_spread(10**6, "p", "svc:80", "a")


def test_node_counts_past_the_envelope_fail_at_once() -> None:
    with pytest.raises(ArgumentError, match=r"nodes 5001 is out of range: it must be at most 5,000"):
        Cluster(nodes=5001)
    with pytest.raises(ArgumentError, match=r"nodes -1 is out of range: it must be at least 0"):
        Cluster(nodes=-1)


def test_node_table_rejects_duplicate_columns_and_negative_capacity() -> None:
    with pytest.raises(StepError, match="the node table has the column cpu more than once"):
        nodes_from_table([["name", "cpu", "cpu"], ["a", "1", "2"]])
    with pytest.raises(StepError, match=r'cpu of node a .-1. is negative'):
        nodes_from_table([["name", "cpu"], ["a", "-1"]])
    with pytest.raises(StepError, match=r'pods of node a: "-3" is not a pod count'):
        nodes_from_table([["name", "pods"], ["a", "-3"]])
    c = Cluster(nodes=1)
    with pytest.raises(ArgumentError, match=r"quantity '-4' is negative"):
        c.set_node_resource("node-1", "nvidia.com/gpu", "-4")


@pytest.mark.parametrize("call", [
    lambda: Cluster(nodes="3"), lambda: Cluster(seed="x"), lambda: Cluster(nodes=[1, 2]),
    lambda: Cluster(kettle="x"), lambda: Cluster(nodes=True),
])
def test_cluster_constructor_names_the_bad_parameter(call: Any) -> None:
    with pytest.raises(ArgumentError, match=r"Cluster\(\): (nodes|seed|unknown component)"):
        call()


@pytest.mark.parametrize(("method", "args", "param"), [
    ("apply", (42,), "manifest"), ("get", (None, "x"), "kind"), ("scale", ("deployment", "web", "3"), "replicas"),
    ("run_for", ([5],), "duration"), ("taint_node", ("node-1", "dedicated"), "taint"),
    ("taint_node", ("node-1", "k=v:Sometimes"), "taint"), ("delete", ("pod", "x"), None),
    ("set_probe", ("p", "aliveness", True), "probe"), ("cordon", ("node-1", "yes"), "unschedulable"),
    ("describe_image", ("x", ), None), ("list", ("pods", 3), "namespace"), ("use_etcd", (0,), "members"),
])
def test_api_methods_name_the_bad_parameter(method: str, args: tuple[Any, ...], param: str | None) -> None:
    c = Cluster(nodes=1)
    if param is None:  # valid calls stay valid (delete: NotFound from the API)
        try:
            getattr(c, method)(*args)
        except ApiError:
            pass
        return
    with pytest.raises(ArgumentError, match=rf"{method}\(\): .*{param}"):
        getattr(c, method)(*args)


def test_taint_node_takes_kubectl_syntax() -> None:
    c = Cluster(nodes=1)
    c.taint_node("node-1", "dedicated=db:NoSchedule")
    c.taint_node("node-1", "gpu:NoExecute")
    taints = c.get("node", "node-1")["spec"]["taints"]
    assert [(t["key"], t.get("value"), t["effect"]) for t in taints] == [
        ("dedicated", "db", "NoSchedule"), ("gpu", None, "NoExecute")]
    c.taint_node("node-1", "dedicated=db:NoSchedule-")
    c.taint_node("node-1", "gpu-")
    assert not c.get("node", "node-1")["spec"].get("taints")


def test_long_waits_report_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from kspec import progress
    ticks = iter(range(10**9))
    monkeypatch.setattr(progress, "wall_clock", lambda: float(next(ticks)))  # one second per look
    out = io.StringIO()
    monkeypatch.setattr(progress.sys, "__stderr__", out)
    c = Cluster(nodes=3)
    c.run_for("24h")
    lines = out.getvalue().splitlines()
    assert lines, "no progress printed"
    assert lines[0].startswith("kspec: waiting 24h0m0s of virtual time: ")
    assert " done after 5.0s" in lines[0]
    assert len(lines) < 1 + len(range(0, 10**9))  # rate-limited: one line per 5 (fake) seconds at most
    c2 = Cluster(nodes=1)
    out.truncate(0)
    c2.run_for("1s")  # short waits say nothing
    assert out.getvalue().strip("\x00") == ""


def test_negative_usages_are_rejected() -> None:
    from kspec.controllers.expect_workloads import use_cpu
    c = Cluster(nodes=1)
    c.apply(POD % "p")
    c.settle()
    with pytest.raises(StepError, match=r"cpu usage '-100m' is negative"):
        use_cpu(c, "-100m", pod="p")
    with pytest.raises(StepError, match=r"memory usage '-1Gi' is negative"):
        c.require("runtime").set_memory("default", "p", "c", "-1Gi")


def test_unreadable_manifest_paths_fail_with_one_message() -> None:
    from kspec.harness import Harness
    k = Harness()
    with pytest.raises(ManifestError, match=r'the path "a+" cannot be read: .*File name too long'):
        k.read_manifest("a" * 400)
    with pytest.raises(ManifestError, match="cannot be read: embedded null byte"):
        k.read_manifest("x\x00")


def test_workloads_past_the_pod_envelope_fail_at_once() -> None:
    c = Cluster(nodes=1)
    big = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "replicas": 1_000_000}}
    with pytest.raises(ArgumentError, match=r'Deployment "web": spec.replicas 1,000,000 is more pods than kspec '
                                            r"simulates"):
        c.apply(big)
    with pytest.raises(ArgumentError, match=r"spec.replicas 1,000,000 is more pods"):
        c.create(big)
    assert c.try_get("deployment", "web") is None


def test_the_error_context_is_the_get_kubectl_made_before_the_request() -> None:
    # asked once the request was refused, which leaves the object as the GET before it found it
    c = Cluster()
    c.apply(POD % "app")
    changed = (POD % "app").replace("image: nginx}", "image: nginx, env: [{name: A, value: b}]}")
    with pytest.raises(ApplyError) as info:
        c.apply(POD % "Bad_Name" + "---\n" + changed + "---\n" + POD % "new")
    lines = info.value.message.splitlines()
    assert lines[0].startswith('Error from server (Invalid): error when creating "STDIN": Pod "Bad_Name"')
    assert lines[1].startswith('Error from server (Invalid): error when applying patch to Pod "app" for: "STDIN"')
    c.act_as(user("bob"))  # may read nothing: kubectl's GET fails first
    with pytest.raises(ApplyError) as info:
        c.apply(POD % "other")
    assert info.value.message.startswith("Error from server (Forbidden): error when retrieving current "
                                         'configuration of:\nResource: "/v1, Resource=pods"')
    assert info.value.message.endswith('User "bob" cannot get resource "pods" in API group "" in the namespace '
                                       '"default"')


def test_no_choice_gives_the_defaults_in_the_components_order() -> None:
    from kspec.cluster import COMPONENTS, DEFAULTS

    c = Cluster()
    assert list(c.choices.items()) == [(comp, DEFAULTS[comp]) for comp in COMPONENTS] and c.explicit == set()
    assert Cluster(dns="coredns").explicit == {"dns"}
