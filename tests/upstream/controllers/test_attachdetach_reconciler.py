"""kubernetes pkg/controller/volume/attachdetach/reconciler/reconciler_test.go: when the attach/detach controller
attaches, waits and (force-)detaches, and what its Multi-Attach events say.

Adapter: a kspec cluster with the simulated CSI driver stands in for the fake plugin; an attach call is a
VolumeAttachment created, a detach call one deleted. ``dsw.AddPod`` is a real pod scheduled to the node (its
kubelet reports the volume in use, so it stays "mounted"); ``dsw.DeletePod`` takes the pod out of the controller's
desired state without touching the pod, as the upstream tests do. Node health is the kubelet's: a stopped
kubelet makes the node NotReady. In the multiple-node cases upstream's nodes are missing from the lister (so
unhealthy) and the timer force-detaches; here their nodes are healthy, so ``dsw.DeletePod`` deletes the pod and
the kubelet's unmount lets the detach happen: the attach and detach counts are upstream's.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.cluster import Cluster, NodeSpec
from kspec.controllers.attachdetach import MAX_WAIT_FOR_UNMOUNT_MS, AttachDetachController, Attached, Volume
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/volume/attachdetach/reconciler/reconciler_test.go"

SETUP = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: disk}
provisioner: fake.csi.k8s.io
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: volume-name1}
spec:
  storageClassName: disk
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: pod-uid1}
spec:
  nodeSelector: {kubernetes.io/hostname: worker-0}
  containers: [{name: app, image: nginx:1.25}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: volume-name1}}]
"""


class World:
    """One node ``worker-0`` with one pod using one volume, attached; counts of attach and detach calls."""

    def __init__(self) -> None:
        self.c = Cluster(nodes=[NodeSpec("worker-0"), NodeSpec("worker-1")])
        self.c.start()
        self.adc: AttachDetachController = self.c.require("attachdetach-controller")
        self.attaches = self.detaches = 0
        self.c.api.informers.on("volumeattachments", lambda _o: self._count(1), None, lambda _o: self._count(-1))
        self.c.apply(SETUP)
        self.c.run_for("30s")

    def _count(self, delta: int) -> None:
        if delta > 0:
            self.attaches += 1
        else:
            self.detaches += 1

    def delete_pod_from_dsw(self) -> None:
        """dsw.DeletePod: the controller no longer wants the volume on the node; the kubelet still has it mounted."""
        self.adc._set_pod_volumes("default/pod-uid1", {}, ())
        changed = self.adc._pod_changed  # later updates of the (still existing) pod must not add it back

        def skip_pod(pod: dict) -> None:
            if pod["metadata"]["name"] != "pod-uid1":
                changed(pod)
        self.adc._pod_changed = skip_pod  # type: ignore[method-assign]

    def run_for(self, ms: int | str) -> None:
        self.c.run_for(ms)


def do_nothing() -> None:
    c = Cluster(nodes=1)
    c.run_for("1m")
    assert c.list("volumeattachments", None) == [] and c.require("attachdetach-controller").volumes == {}


def one_desired_volume_attach() -> None:
    w = World()
    assert (w.attaches, w.detaches) == (1, 0)


def detach_on_no_out_of_service_tainted_node() -> None:
    w = World()
    w.delete_pod_from_dsw()
    w.run_for(3 * MAX_WAIT_FOR_UNMOUNT_MS)  # healthy and still mounted: never detached
    assert (w.attaches, w.detaches) == (1, 0)


def detach_on_out_of_service_tainted_node() -> None:
    w = World()
    w.c.taint_node("worker-0", {"key": "node.kubernetes.io/out-of-service", "effect": "NoExecute"})
    w.delete_pod_from_dsw()
    w.run_for("1s")  # detached at once, mounted or not
    assert (w.attaches, w.detaches) == (1, 1)


def detach_on_unhealthy_node() -> None:
    w = World()
    w.delete_pod_from_dsw()
    w.run_for(5 * 60_000 + MAX_WAIT_FOR_UNMOUNT_MS)
    assert (w.attaches, w.detaches) == (1, 0)  # healthy: waits for the unmount however long
    w.c.stop_node("worker-0")
    w.run_for("1m")  # NotReady (Unknown) after the grace period: the wait has long run out
    assert (w.attaches, w.detaches) == (1, 1)


def detach_on_unhealthy_node_force_detach_disabled() -> None:
    w = World()
    w.delete_pod_from_dsw()
    w.c.stop_node("worker-0")
    w.run_for(2 * MAX_WAIT_FOR_UNMOUNT_MS)
    assert (w.attaches, w.detaches) == (1, 0)  # with the flag set, an unhealthy node is not force-detached
    w.c.taint_node("worker-0", {"key": "node.kubernetes.io/out-of-service", "effect": "NoExecute"})
    w.run_for("1s")
    assert (w.attaches, w.detaches) == (1, 1)


def attach_then_detach_unmounted() -> None:
    w = World()
    assert (w.attaches, w.detaches) == (1, 0)
    w.c.delete("pod", "pod-uid1", grace_period_seconds=0)  # unmounted (the kubelet reports it), then out of the dsw
    w.run_for("30s")
    assert (w.attaches, w.detaches) == (1, 1)


def attach_then_detach_mounted() -> None:
    """Still mounted, on a node the controller cannot find (upstream's lister has none): the timer detaches."""
    w = World()
    w.c.stop_node("worker-0")
    w.c.delete("node", "worker-0", "")
    w.delete_pod_from_dsw()
    w.run_for(MAX_WAIT_FOR_UNMOUNT_MS - 1000)
    assert (w.attaches, w.detaches) == (1, 0)
    w.run_for("2s")
    assert (w.attaches, w.detaches) == (1, 1)


def two_pods(modes: str) -> tuple[World, dict[str, str]]:
    """dsw.AddPod of pod-uid1 on worker-0 and pod-uid2 on worker-1, both using one volume, at the same time."""
    w = World.__new__(World)
    w.c = Cluster(nodes=[NodeSpec("worker-0"), NodeSpec("worker-1")])
    w.c.start()
    w.adc = w.c.require("attachdetach-controller")
    w.attaches = w.detaches = 0
    w.c.api.informers.on("volumeattachments", lambda _o: w._count(1), None, lambda _o: w._count(-1))
    second = SETUP.split("---")[-1].replace("pod-uid1", "pod-uid2").replace("worker-0", "worker-1")
    w.c.apply(SETUP.replace("[ReadWriteOnce]", modes) + "---" + second)
    w.run_for("30s")
    nodes = {va["spec"]["nodeName"]: f"pod-uid{int(va['spec']['nodeName'][-1]) + 1}"
             for va in w.c.list("volumeattachments", None)}
    return w, nodes


def attach_and_detach_multiple_nodes_rwx() -> None:
    w, nodes = two_pods("[ReadWriteMany]")
    assert (w.attaches, w.detaches) == (2, 0) and sorted(nodes) == ["worker-0", "worker-1"]
    w.c.delete("pod", "pod-uid1", grace_period_seconds=0)  # dsw.DeletePod, then the kubelet unmounts
    w.run_for("30s")
    assert (w.attaches, w.detaches) == (2, 1)
    w.c.delete("pod", "pod-uid2", grace_period_seconds=0)
    w.run_for("30s")
    assert (w.attaches, w.detaches) == (2, 2)


def attach_and_detach_multiple_nodes_rwo() -> None:
    w, nodes = two_pods("[ReadWriteOnce]")
    assert (w.attaches, w.detaches) == (1, 0) and len(nodes) == 1
    (attached_to, holder), = nodes.items()
    waiting = "pod-uid2" if holder == "pod-uid1" else "pod-uid1"
    assert [e.reason for e in w.c.events.log if e.name == waiting and e.reason == "FailedAttachVolume"] == [
        "FailedAttachVolume"]  # the multi-attach error is marked on the other node's pod
    w.c.delete("pod", holder, grace_period_seconds=0)
    w.run_for("30s")
    assert (w.attaches, w.detaches) == (2, 1)
    assert [va["spec"]["nodeName"] for va in w.c.list("volumeattachments", None)] != [attached_to]


def report_multi_attach_error(nodes: list[tuple[str, list[str]]], expected: list[str]) -> None:
    """reportMultiAttachError for the volume's pods on node1, the volume attached to the other nodes."""
    c = Cluster(nodes=1)
    for ns in sorted({p.split("/")[0] for _, pods in nodes for p in pods}):
        c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    adc: AttachDetachController = c.require("attachdetach-controller")
    vol = Volume("volume-name", "fake", "volume-name", multi=False)
    for node, pods in nodes:
        for key in pods:
            ns, name = key.split("/")
            c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
                     "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}],
                              "nodeSelector": {"no-such": "node"}}})
            vol.desired.setdefault(node, set()).add(key)
        if node != "node1":
            vol.actual[node] = Attached(state="attached")
    before = len(c.events.log)
    adc._report_multi_attach("volume-name", vol, "node1")
    got = [f"{e.type} {e.reason} {e.message}" for e in c.events.log[before:] if e.reason == "FailedAttachVolume"]
    assert got == expected


EXCLUSIVE = ("Warning FailedAttachVolume Multi-Attach error for volume \"volume-name\" Volume is already exclusively "
             "attached to one node and can't be attached to another")
MULTI: list[tuple[str, list[tuple[str, list[str]]], list[str]]] = [
    ("no pods use the volume", [("node1", ["ns1/pod1"])], [EXCLUSIVE]),
    ("pods in the same namespace use the volume", [("node1", ["ns1/pod1"]), ("node2", ["ns1/pod2"])],
     ['Warning FailedAttachVolume Multi-Attach error for volume "volume-name" Volume is already used by pod(s) pod2']),
    ("pods in another namespace use the volume", [("node1", ["ns1/pod1"]), ("node2", ["ns2/pod2"])],
     ['Warning FailedAttachVolume Multi-Attach error for volume "volume-name" Volume is already used by 1 pod(s) in '
      'different namespaces']),
    ("pods both in the same and another namespace use the volume",
     [("node1", ["ns1/pod1"]), ("node2", ["ns2/pod2"]), ("node3", ["ns1/pod3"])],
     ['Warning FailedAttachVolume Multi-Attach error for volume "volume-name" Volume is already used by pod(s) pod3 '
      'and 1 pod(s) in different namespaces']),
]

CASES: list[Any] = [
    case("Test_Run_Positive_DoNothing", "", check=do_nothing),
    case("Test_Run_Positive_OneDesiredVolumeAttach", "", check=one_desired_volume_attach),
    case("Test_Run_Positive_OneDesiredVolumeAttachThenDetachWithUnmountedVolume", "",
         check=attach_then_detach_unmounted),
    case("Test_Run_Positive_OneDesiredVolumeAttachThenDetachWithMountedVolume", "", check=attach_then_detach_mounted),
    case("Test_Run_OneVolumeAttachAndDetachMultipleNodesWithReadWriteMany", "",
         check=attach_and_detach_multiple_nodes_rwx),
    case("Test_Run_OneVolumeAttachAndDetachMultipleNodesWithReadWriteOnce", "",
         check=attach_and_detach_multiple_nodes_rwo),
    case("Test_Run_OneVolumeDetachOnNoOutOfServiceTaintedNode", "", check=detach_on_no_out_of_service_tainted_node),
    case("Test_Run_OneVolumeDetachOnOutOfServiceTaintedNode", "", check=detach_on_out_of_service_tainted_node),
    case("Test_Run_OneVolumeDetachOnUnhealthyNode", "", check=detach_on_unhealthy_node),
    case("Test_Run_OneVolumeDetachOnUnhealthyNodeWithForceDetachOnUnmountDisabled", "",
         check=detach_on_unhealthy_node_force_detach_disabled,
         unmodelled="kube-controller-manager's --disable-force-detach-on-timeout is not modelled (always enabled)"),
]
CASES += [case("Test_ReportMultiAttachError", name, check=lambda n=n, e=e: report_multi_attach_error(n, e))
          for name, n, e in MULTI]


@pytest.mark.parametrize("data", CASES)
def test_attachdetach_reconciler(data: dict) -> None:
    data["check"]()
