from kspec.cluster import Cluster
from kspec.objects import get_condition


def test_node_goes_unknown_after_the_grace_period_and_back() -> None:
    c = Cluster(nodes=2)
    c.start()
    c.stop_node("node-1")
    c.run_for(50_000)
    assert get_condition(c.get("node", "node-1"), "Ready")["status"] == "True"
    c.run_for(10_000)  # first seen by the 5s monitor, so unknown 50s after that
    ready = get_condition(c.get("node", "node-1"), "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    taints = {(t["key"], t["effect"]) for t in c.get("node", "node-1")["spec"]["taints"]}
    # processTaintBaseEviction reads the status the pass observed before marking it Unknown: the NoExecute
    # taint is queued on the next pass, 5s later, and added by the tainting pass at once (a token is there)
    assert taints == {("node.kubernetes.io/unreachable", "NoSchedule")}
    c.run_for(5_000)
    taints = {(t["key"], t["effect"]) for t in c.get("node", "node-1")["spec"]["taints"]}
    assert ("node.kubernetes.io/unreachable", "NoExecute") in taints
    c.restore_node("node-1")
    assert get_condition(c.get("node", "node-1"), "Ready")["status"] == "True"
    # the NoSchedule taint follows the node at once; the NoExecute one goes on the next monitor pass
    assert {(t["key"], t["effect"]) for t in c.get("node", "node-1")["spec"]["taints"]} == {
        ("node.kubernetes.io/unreachable", "NoExecute")}
    c.run_for(5_000)
    assert "taints" not in c.get("node", "node-1")["spec"]


def test_when_every_node_is_down_nothing_is_tainted_no_execute() -> None:
    """handleDisruption's master disruption mode: with every zone fully disrupted, no NoExecute taint."""
    c = Cluster(nodes=1)
    c.start()
    c.stop_node("node-1")
    c.run_for(60_000)
    assert get_condition(c.get("node", "node-1"), "Ready")["status"] == "Unknown"
    taints = {(t["key"], t["effect"]) for t in c.get("node", "node-1")["spec"]["taints"]}
    assert taints == {("node.kubernetes.io/unreachable", "NoSchedule")}
    c.restore_node("node-1")
    assert "taints" not in c.get("node", "node-1")["spec"]


def test_same_seed_same_run() -> None:
    def run() -> list:
        c = Cluster(nodes=2, seed=3)
        c.describe_image("crash:1", exit_code=1, run_ms=3000)
        c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                 "spec": {"nodeName": "node-1", "containers": [{"name": "a", "image": "crash:1"}]}})
        c.run_for(120_000)
        return [(e.time_ms, e.reason, e.message) for e in c.event_log]
    assert run() == run()


def test_a_template_node_found_in_need_of_nothing_is_not_checked_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """reconcile remembers, per template (controller_utils.template_objects), the template's nodes that need no
    write; a node that does (beta labels that do not follow the stable ones) is written in every cluster."""
    from kspec import templates
    from kspec.cluster import NodeSpec
    from kspec.controllers.nodelifecycle import NodeLifecycleController

    monkeypatch.setattr(templates, "ENABLED", True)
    templates.clear()
    checked: list[str] = []
    real = NodeLifecycleController._write

    def write(self: NodeLifecycleController, node: dict, **kw: bool) -> bool:
        checked.append(node["metadata"]["name"])
        return real(self, node, **kw)

    monkeypatch.setattr(NodeLifecycleController, "_write", write)
    nodes = [NodeSpec("plain"), NodeSpec("odd", labels={"kubernetes.io/os": "windows"})]
    for _ in range(3):
        checked.clear()
        c = Cluster(nodes=nodes, seed=5)
        c.start()
        assert c.get("node", "odd", "")["metadata"]["labels"]["beta.kubernetes.io/os"] == "windows"
        assert c.get("node", "plain", "")["metadata"]["labels"]["beta.kubernetes.io/os"] == "linux"
        runs = checked.copy()
    # the first cluster recorded the template, the second found "plain" clean; "odd" is written, then its new
    # version checked again
    assert runs == ["odd", "odd"]
    templates.clear()
