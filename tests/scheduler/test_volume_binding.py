"""VolumeBinding in a running cluster: the binding cycle waits for the PV controller, assumed volumes are not
handed out twice, a binding that never completes times out, and the volume plugins sit in the default profile."""

from __future__ import annotations

from typing import Any

from kspec import Cluster
from kspec.scheduler.plugins.volumebinding import ERR_TIMEOUT, VolumeBinding
from kspec.scheduler.profile.config import default_profile

LOCAL_CLASS = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "local"},
               "provisioner": "kubernetes.io/no-provisioner", "volumeBindingMode": "WaitForFirstConsumer"}


def local_pv(name: str, node: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
            "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "local",
                     "local": {"path": "/mnt/disks/ssd1"},
                     "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                         {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}}}


def claim(name: str, cls: str = "local") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
            "spec": {"storageClassName": cls, "accessModes": ["ReadWriteOnce"],
                     "resources": {"requests": {"storage": "1Gi"}}}}


def pod_with(name: str, claim_name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "nginx"}],
                     "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim_name}}]}}


def test_the_pod_is_bound_only_after_its_claim() -> None:
    """BindPodVolumes: the PV's claimRef is written at once, the pod's binding waits for the bound claim."""
    c = Cluster(nodes=2)
    for obj in (LOCAL_CLASS, local_pv("disk", "node-2"), claim("data"), pod_with("web", "data")):
        c.create(obj)
    c.run_for(500)
    assert c.get("pv", "disk")["spec"]["claimRef"]["name"] == "data"
    assert not c.get("pod", "web")["spec"].get("nodeName")
    c.settle()
    assert c.get("pod", "web")["spec"]["nodeName"] == "node-2"
    assert c.get("pvc", "data")["status"]["phase"] == "Bound"
    scheduled = [e for e in c.event_log if e.reason == "Scheduled" and e.name == "web"]
    assert scheduled and scheduled[0].time_ms >= 1000  # the first check comes one poll period later


def test_wait_for_first_consumer_claims_get_the_selected_node() -> None:
    """The selected-node annotation comes from VolumeBinding's PreBind (no longer from the binder)."""
    c = Cluster(nodes=2)
    c.create(claim("data", cls="standard"))
    c.create(pod_with("web", "data"))
    c.settle()
    node = c.get("pod", "web")["spec"]["nodeName"]
    assert c.get("pvc", "data")["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == node
    assert c.get("pvc", "data")["status"]["phase"] == "Bound"


def test_an_assumed_volume_is_not_offered_to_the_next_pod() -> None:
    """AssumePodVolumes: while the first pod's binding waits, its PV is taken in the assume cache."""
    c = Cluster(nodes=2)
    for obj in (LOCAL_CLASS, local_pv("disk", "node-1"), claim("a"), claim("b"), pod_with("first", "a"),
                pod_with("second", "b")):
        c.create(obj)
    c.settle()
    placed = {p["metadata"]["name"]: p["spec"].get("nodeName") for p in c.list("pods")}
    assert placed == {"first": "node-1", "second": None}
    assert c.get("pvc", "b")["status"]["phase"] == "Pending"
    c.expect.has_event("pod", "second", "FailedScheduling",
                       message="0/2 nodes are available: 2 node(s) didn't find available persistent volumes to "
                               "bind. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")


def test_a_binding_that_never_completes_times_out() -> None:
    """bindTimeoutSeconds (600): the binding cycle fails with upstream's error and the pod goes back to the queue."""
    c = Cluster(nodes=1)
    for obj in (LOCAL_CLASS, local_pv("disk", "node-1"), claim("data")):
        c.create(obj)
    c.start()
    plugin: VolumeBinding = c.components["scheduler"].frameworks["default-scheduler"].plugin("VolumeBinding")
    plugin.binder.check_bindings = lambda *_args: False  # type: ignore[method-assign]  # the PV controller never finishes
    c.create(pod_with("web", "data"))
    c.run_for(599_000)
    assert not [e for e in c.event_log if e.reason == "FailedScheduling"]
    c.run_for(2_000)
    c.expect.has_event("pod", "web", "FailedScheduling",
                       message=f'running PreBind plugin "VolumeBinding": {ERR_TIMEOUT}')
    # the retry finds the claim bound by the PV controller meanwhile: nothing left to wait for
    c.settle()
    scheduled = [e.time_ms for e in c.event_log if e.reason == "Scheduled" and e.name == "web"]
    assert scheduled and scheduled[0] > 600_000


def test_a_deleted_pod_ends_its_binding_cycle() -> None:
    """checkBindings: a pod deleted while its volumes bind is not bound."""
    c = Cluster(nodes=1)
    for obj in (LOCAL_CLASS, local_pv("disk", "node-1"), claim("data")):
        c.create(obj)
    c.create(pod_with("web", "data"))
    c.run_for(100)
    c.delete("pod", "web", grace_period_seconds=0)
    c.settle()
    assert not [p for p in c.list("pods")]
    assert not [e for e in c.event_log if e.reason == "Scheduled"]


def test_the_default_profile_has_the_volume_plugins_in_upstream_order() -> None:
    """getDefaultPlugins: VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone after NodeResourcesFit."""
    names = [r.name for r in default_profile().plugins["multiPoint"].enabled]
    assert names[names.index("NodeResourcesFit") + 1:names.index("PodTopologySpread")] == [
        "VolumeRestrictions", "NodeVolumeLimits", "VolumeBinding", "VolumeZone"]


def test_reserve_assumes_and_unreserve_reverts() -> None:
    """Reserve (AssumePodVolumes) takes the chosen PV in the assume cache; Unreserve gives it back."""
    from kspec.scheduler.framework import CycleState
    from kspec.scheduler.nodeinfo import PodInfo

    c = Cluster(nodes=1)
    for obj in (LOCAL_CLASS, local_pv("disk", "node-1"), claim("data")):
        c.create(obj)
    c.settle()
    fw = c.components["scheduler"].frameworks["default-scheduler"]
    plugin: VolumeBinding = fw.plugin("VolumeBinding")
    web = pod_with("web", "data")
    web["metadata"]["namespace"] = "default"
    pi = PodInfo(web)  # not created: the scheduler does not see it
    state = CycleState()
    assert plugin.pre_filter(state, pi) == (None, None)
    assert plugin.filter(state, pi, c.components["scheduler"].cache.nodes["node-1"]) is None
    assert plugin.reserve(state, pi, "node-1") is None
    assert plugin.binder.pv_cache.get("disk")["spec"]["claimRef"]["name"] == "data"
    assert "claimRef" not in c.get("pv", "disk")["spec"]  # assumed only: nothing written yet
    plugin.unreserve(state, pi, "node-1")
    assert "claimRef" not in plugin.binder.pv_cache.get("disk")["spec"]
