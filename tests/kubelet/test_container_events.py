"""Container events are about the container: the kubelet records them against GenerateContainerRef's reference,
whose fieldPath (``spec.containers{name}``, ``spec.initContainers{name}``) is part of the correlator's key
(client-go tools/record getEventKey), so two containers' identical messages stay two Events."""

from __future__ import annotations

from kspec.cluster import Cluster

POD = """apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  initContainers: [{name: init, image: "busybox:done"}]
  containers: [{name: a, image: "nginx:1.27"}, {name: b, image: "nginx:1.27"}]
"""


def test_each_containers_created_and_started_is_its_own_event() -> None:
    c = Cluster(nodes=1)
    c.describe_image("busybox:done", exit_code=0, run_ms=1000)
    c.apply(POD)
    c.run_for("10s")
    started = [e for e in c.events_for("Pod", "two") if e["reason"] == "Started"]
    # kubecontainer fieldPath: spec.initContainers{init}, spec.containers{a}, spec.containers{b}
    assert sorted(e["involvedObject"]["fieldPath"] for e in started) == [
        "spec.containers{a}", "spec.containers{b}", "spec.initContainers{init}"]
    assert all(e["count"] == 1 for e in started)


def test_pod_level_events_have_no_field_path() -> None:
    c = Cluster(nodes=1)
    c.describe_image("busybox:done", exit_code=0, run_ms=1000)
    c.apply(POD)
    c.run_for("10s")
    [scheduled] = [e for e in c.events_for("Pod", "two") if e["reason"] == "Scheduled"]
    assert "fieldPath" not in scheduled["involvedObject"]
