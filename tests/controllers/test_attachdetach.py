"""The attach/detach controller, the kubelet's wait for attach and volumesInUse, and PodGC's node paths."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kspec.cluster import Cluster, NodeSpec
from kspec.controllers.attachdetach import (
    MAX_WAIT_FOR_UNMOUNT_MS,
    AttachDetachController,
    attachment_name,
    multi_attach_allowed,
    pod_terminated,
    unique_volume_name,
)

CLASS = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: disk}
provisioner: ebs.csi.aws.com
volumeBindingMode: WaitForFirstConsumer
"""


def _claim(name: str = "data", modes: str = "[ReadWriteOnce]", cls: str = "disk") -> str:
    return f"""
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: {name}}}
spec:
  storageClassName: {cls}
  accessModes: {modes}
  resources: {{requests: {{storage: 1Gi}}}}
"""


def _pod(name: str, node: str, claim: str = "data") -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  nodeSelector: {{kubernetes.io/hostname: {node}}}
  terminationGracePeriodSeconds: 0
  containers: [{{name: app, image: nginx:1.25}}]
  volumes: [{{name: data, persistentVolumeClaim: {{claimName: {claim}}}}}]
"""


def _cluster(nodes: int = 2) -> Cluster:
    c = Cluster(nodes=[NodeSpec(f"node-{i}", zone="z1") for i in range(1, nodes + 1)])
    c.apply(CLASS)
    return c


def _adc(c: Cluster) -> AttachDetachController:
    return c.require("attachdetach-controller", "attach/detach controller")


def _ready(c: Cluster, pod: str) -> bool:
    p = c.try_get("pod", pod)
    return p is not None and any(x.get("type") == "Ready" and x.get("status") == "True"
                                 for x in (p.get("status") or {}).get("conditions") or [])


def _events(c: Cluster, pod: str, reason: str) -> list[str]:
    return [e.message for e in c.events.log if e.kind == "Pod" and e.name == pod and e.reason == reason]


def _attachments(c: Cluster) -> list[tuple[str, str, bool]]:
    return [(va["spec"]["nodeName"], va["spec"]["source"]["persistentVolumeName"],
             bool((va.get("status") or {}).get("attached"))) for va in c.list("volumeattachments", None)]


# -- helpers ---------------------------------------------------------------------------------------------------
def test_unique_name_and_attachment_name() -> None:
    pv: dict[str, Any] = {"spec": {"csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-1"}}}
    assert unique_volume_name(pv) == "kubernetes.io/csi/ebs.csi.aws.com^vol-1"
    assert unique_volume_name({"spec": {"hostPath": {"path": "/x"}}}) is None
    name = attachment_name("vol-1", "ebs.csi.aws.com", "node-1")
    assert re.fullmatch(r"csi-[0-9a-f]{64}", name)
    assert name != attachment_name("vol-1", "ebs.csi.aws.com", "node-2")


@pytest.mark.parametrize(("modes", "allowed"), [([], True), (["ReadWriteOnce"], False), (["ReadWriteOncePod"], False),
                                                (["ReadWriteOnce", "ReadOnlyMany"], True), (["ReadWriteMany"], True)])
def test_multi_attach_allowed(modes: list[str], allowed: bool) -> None:
    assert multi_attach_allowed({"spec": {"accessModes": modes}}) is allowed


def test_pod_terminated() -> None:
    running = {"metadata": {"deletionTimestamp": "x"}, "status": {"phase": "Running", "containerStatuses": [
        {"state": {"running": {}}}]}}
    assert not pod_terminated(running)
    stopped = {"metadata": {"deletionTimestamp": "x"}, "status": {"phase": "Running", "containerStatuses": [
        {"state": {"terminated": {}}}]}}
    assert pod_terminated(stopped)
    assert not pod_terminated({"metadata": {}, "status": {"phase": "Running", "containerStatuses": [
        {"state": {"terminated": {}}}]}})
    assert pod_terminated({"metadata": {}, "status": {"phase": "Failed"}})


# -- the controller ----------------------------------------------------------------------------------------------
def test_nothing_is_tracked_without_claims() -> None:
    c = Cluster(nodes=2)
    c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: app, image: nginx:1.25}]
""")
    c.run_for("30s")
    adc = _adc(c)
    assert (adc.volumes, adc.pod_volumes, adc.claim_pods) == ({}, {}, {})
    assert c.list("volumeattachments", None) == []
    assert all("volumesAttached" not in n["status"] and "volumesInUse" not in n["status"] for n in c.list("nodes"))


def test_local_path_volumes_are_not_attached() -> None:
    c = _cluster()
    c.apply(_claim(cls="standard") + "---" + _pod("web", "node-1"))
    assert c.run_until(lambda: _ready(c, "web"), "1m")
    assert _adc(c).volumes == {}
    assert c.list("volumeattachments", None) == []


def test_attach_lists_the_volume_on_the_node_and_the_kubelet_waits_for_it() -> None:
    c = _cluster()
    c.apply(_claim() + "---" + _pod("web", "node-1"))
    c.run_for("1s")
    pv = c.get("pvc", "data")["spec"]["volumeName"]
    unique = f"kubernetes.io/csi/ebs.csi.aws.com^{pv}"
    assert _attachments(c) == [("node-1", pv, True)]
    va = c.list("volumeattachments", None)[0]
    assert va["metadata"]["name"] == attachment_name(pv, "ebs.csi.aws.com", "node-1")
    assert va["spec"]["attacher"] == "ebs.csi.aws.com"
    assert c.get("node", "node-1", "")["status"]["volumesAttached"] == [{"name": unique, "devicePath": ""}]
    assert not _ready(c, "web")  # not before the kubelet reported the volume in use (its 10s status update)
    assert c.run_until(lambda: _ready(c, "web"), "1m")
    assert c.get("node", "node-1", "")["status"]["volumesInUse"] == [unique]
    assert _events(c, "web", "SuccessfulAttachVolume") == [f'AttachVolume.Attach succeeded for volume "{pv}" ']


def test_deleted_pod_on_a_healthy_node_is_detached_once_unmounted() -> None:
    c = _cluster()
    c.apply(_claim() + "---" + _pod("web", "node-1"))
    assert c.run_until(lambda: _ready(c, "web"), "1m")
    c.delete("pod", "web")
    assert c.run_until(lambda: not c.list("volumeattachments", None), "30s")
    node = c.get("node", "node-1", "")["status"]
    assert "volumesAttached" not in node and "volumesInUse" not in node


def test_multi_attach_message_names_the_exclusive_attachment() -> None:
    c = _cluster()
    c.apply(_claim() + "---" + _pod("first", "node-1"))
    assert c.run_until(lambda: _ready(c, "first"), "1m")
    pv = c.get("pvc", "data")["spec"]["volumeName"]
    c.stop_node("node-1")
    c.delete("node", "node-1", "")
    c.run_for("45s")  # PodGC removes "first"; a new pod for the claim on node-2 finds the volume still attached
    assert c.try_get("pod", "first") is None
    c.apply(_pod("second", "node-2"))
    c.run_for("5s")
    assert _events(c, "second", "FailedAttachVolume") == [
        f'Multi-Attach error for volume "{pv}" Volume is already exclusively attached to one node and can\'t be '
        f'attached to another']
    c.run_for("5m")
    assert len(_events(c, "second", "FailedAttachVolume")) == 1  # reported once per pod and node
    assert not _ready(c, "second")


def test_forced_detach_waits_max_wait_for_unmount_on_an_unhealthy_node() -> None:
    c = _cluster()
    c.apply(_claim() + "---" + _pod("first", "node-1"))
    assert c.run_until(lambda: _ready(c, "first"), "1m")
    pv = c.get("pvc", "data")["spec"]["volumeName"]
    c.stop_node("node-1")
    c.delete("node", "node-1", "")
    assert c.run_until(lambda: c.try_get("pod", "first") is None, "2m")
    start = c.clock.now  # the pod left the desired state: the detach is requested now
    c.run_for(MAX_WAIT_FOR_UNMOUNT_MS - 1000)
    assert _attachments(c) == [("node-1", pv, True)]
    c.run_for("2s")
    assert _attachments(c) == []
    assert c.clock.now - start <= MAX_WAIT_FOR_UNMOUNT_MS + 1000


def test_read_write_many_is_attached_to_both_nodes() -> None:
    c = _cluster()
    c.apply(_claim(modes="[ReadWriteMany]") + "---" + _pod("first", "node-1"))
    assert c.run_until(lambda: _ready(c, "first"), "1m")
    c.apply(_pod("second", "node-2"))
    assert c.run_until(lambda: _ready(c, "second"), "1m")
    assert sorted(n for n, _, attached in _attachments(c) if attached) == ["node-1", "node-2"]
    assert _events(c, "second", "FailedAttachVolume") == []


# -- PodGC --------------------------------------------------------------------------------------------------------
def test_podgc_deletes_pods_of_a_deleted_node_after_the_quarantine() -> None:
    c = Cluster(nodes=2)
    c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: node-2
  containers: [{name: app, image: nginx:1.25}]
""")
    c.run_for("5s")
    c.stop_node("node-2")
    c.delete("node", "node-2", "")
    c.run_for("39s")
    assert c.try_get("pod", "web") is not None
    c.run_for("2s")
    assert c.try_get("pod", "web") is None


def test_podgc_force_deletes_terminating_pods_once_the_node_is_out_of_service() -> None:
    c = Cluster(nodes=2)
    c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: node-2
  containers: [{name: app, image: nginx:1.25}]
""")
    c.run_for("5s")
    c.stop_node("node-2")
    c.run_for("7m")  # NotReady, tolerations run out, the pod is marked for deletion but its kubelet is gone
    assert c.get("pod", "web")["metadata"].get("deletionTimestamp")
    c.taint_node("node-2", "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute")
    c.run_for("1s")
    assert c.try_get("pod", "web") is None


def test_a_finished_pod_no_longer_uses_its_volume() -> None:
    c = _cluster()
    c.apply(_claim() + "---" + _pod("job", "node-1").replace("spec:\n  nodeSelector",
                                                            "spec:\n  restartPolicy: Never\n  nodeSelector"))
    assert c.run_until(lambda: _ready(c, "job"), "1m")
    c.exit_container("job", "app", 0)
    assert c.run_until(lambda: not c.list("volumeattachments", None), "1m")  # unmounted, so detached
    assert c.get("pod", "job")["status"]["phase"] == "Succeeded"
    assert "volumesInUse" not in c.get("node", "node-1", "")["status"]


def test_podgc_deletes_a_pod_bound_to_a_node_that_never_existed() -> None:
    c = Cluster(nodes=1)
    c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: lost}
spec:
  nodeName: node-9
  containers: [{name: app, image: nginx:1.25}]
""")
    c.run_for("39s")
    assert c.try_get("pod", "lost") is not None
    c.run_for("2s")
    assert c.try_get("pod", "lost") is None
