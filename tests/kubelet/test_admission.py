"""The kubelet rejects pods the predicates refuse (lifecycle predicateAdmitHandler), bypassing the scheduler."""

from __future__ import annotations

from kspec import Cluster


def _pod(name: str, node: str, extra: str = "", port: int | None = None) -> str:
    ports = f"\n    ports: [{{containerPort: 80, hostPort: {port}}}]" if port else ""
    return f"""apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  nodeName: {node}{extra}
  containers:
  - name: app
    image: nginx{ports}
"""


def _status(c: Cluster, name: str) -> tuple[str, str, str]:
    st = c.get("pod", name)["status"]
    return st.get("phase", ""), st.get("reason", ""), st.get("message", "")


def test_host_port_taken_on_the_node_is_rejected() -> None:
    c = Cluster(nodes=1, seed=0)
    node = c.list("nodes")[-1]["metadata"]["name"]
    c.apply(_pod("first", node, port=8080))
    c.settle()
    c.apply(_pod("second", node, port=8080))
    c.settle()
    message = "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports"
    assert _status(c, "second") == ("Failed", "NodePorts", message)


def test_a_pod_for_another_os_is_rejected() -> None:
    c = Cluster(nodes=1, seed=0)
    node = c.list("nodes")[-1]["metadata"]["name"]
    c.apply(_pod("win", node, "\n  os: {name: windows}"))
    c.settle()
    assert _status(c, "win") == ("Failed", "PodOSNotSupported",
                                 "Pod was rejected: Failed to admit pod as the OS field doesn't match node OS")


def test_the_ports_in_use_are_gathered_only_for_a_pod_that_asks_for_host_ports(monkeypatch) -> None:
    """Admission sums the requests of every pod on the node; the node's ports in use were gathered too, pod by
    pod, for every pod, though only a pod with host ports reads them."""
    from kspec.kubelet import admission

    def pod(name: str, port: int | None = None) -> dict:
        ports = [{"containerPort": 80, "hostPort": port}] if port else []
        return {"metadata": {"name": name, "uid": name, "resourceVersion": "1"},
                "spec": {"containers": [{"name": "c", "image": "nginx", "ports": ports,
                                         "resources": {"requests": {"cpu": "10m"}}}]}}
    node = {"metadata": {"name": "n"}, "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}
    others = [pod(f"p{i}", 8000 + i) for i in range(5)]
    calls: list[object] = []
    real = admission._facts
    monkeypatch.setattr(admission, "_facts", lambda p: calls.append(p) or real(p))
    assert admission.general_filter(pod("plain"), node, others) == []
    assert len(calls) == 6  # its own requests and each other pod's, once
    calls.clear()
    reasons = admission.general_filter(pod("clash", 8003), node, others)
    assert [r[1] for r in reasons] == ["NodePorts"] and len(calls) == 11


def test_a_pod_without_extended_requests_is_admitted_as_stored_and_its_requests_remembered() -> None:
    """removeMissingExtendedResources changes nothing for such a pod: the stored object itself is checked, so the
    requests remembered by its spec's identity serve every later admission on the node (a copy missed them)."""
    from kspec.kubelet import admission

    node = {"metadata": {"name": "n"}, "status": {"allocatable": {"cpu": "1", "example.com/gpu": "1"}}}
    plain = {"metadata": {"resourceVersion": "5"}, "spec": {"containers": [
        {"name": "a", "resources": {"requests": {"cpu": "100m"}}}], "initContainers": [{"name": "i"}]}}
    assert admission.remove_missing_extended_resources(plain, node) is plain
    listed = {"metadata": {}, "spec": {"containers": [{"name": "a", "resources": {"requests": {
        "cpu": "100m", "example.com/gpu": "1", "example.com/fpga": "2"}}}]}}
    got = admission.remove_missing_extended_resources(listed, node)
    assert got["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "100m", "example.com/gpu": "1"}
    assert listed["spec"]["containers"][0]["resources"]["requests"]["example.com/fpga"] == "2"  # not changed
