from kspec.controllers.tainteviction import min_toleration_ms

UNREACHABLE = {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}


def test_toleration_seconds() -> None:
    tol = [{"key": UNREACHABLE["key"], "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]
    assert min_toleration_ms([UNREACHABLE], tol) == 300_000
    assert min_toleration_ms([UNREACHABLE], []) == -1
    assert min_toleration_ms([UNREACHABLE], [{"operator": "Exists"}]) is None


def test_a_status_write_does_not_queue_the_pod() -> None:
    """PodUpdated: only a change of node, tolerations or deletion queues a pod (a kubelet's status writes,
    thousands an hour in a soak, are not reconciled for nothing)."""
    from kspec.cluster import Cluster
    from kspec.controllers import tainteviction

    c = Cluster(nodes=1, seed=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
             "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}})
    c.run_for(5_000)
    controller = c.require(tainteviction.NAME)
    reconciled: list[str] = []
    real = controller.reconcile
    controller.reconcile = lambda key: (reconciled.append(key), real(key))[1]
    c.patch("pod", "p", lambda p: p["status"].update(message="status only"))
    c.run_for(1_000)
    assert reconciled == []
    c.patch("pod", "p", lambda p: p["spec"].setdefault("tolerations", []).append(
        {"key": "k", "operator": "Exists", "effect": "NoExecute"}))
    c.run_for(1_000)
    assert reconciled == ["pod|default/p"]
