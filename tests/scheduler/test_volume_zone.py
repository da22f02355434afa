"""VolumeZone: zone label values, and the plugin in a cluster where a bound volume lives in one zone."""

from __future__ import annotations

from kspec import Cluster
from kspec.cluster import NodeSpec
from kspec.scheduler.plugins.volumezone import label_zones_to_set


def test_multi_zone_labels() -> None:
    assert label_zones_to_set("us-east-1a") == frozenset({"us-east-1a"})
    assert label_zones_to_set("a__b") == frozenset({"a", "b"})
    assert label_zones_to_set("a__") is None  # LabelZonesToSet refuses an empty zone


def test_a_pod_follows_its_zone_labelled_volume() -> None:
    c = Cluster(nodes=[NodeSpec("node-1", zone="z1"), NodeSpec("node-2", zone="z2")])
    c.create({"apiVersion": "v1", "kind": "PersistentVolume",
              "metadata": {"name": "disk", "labels": {"topology.kubernetes.io/zone": "z2"}},
              "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "",
                       "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-1"},
                       "claimRef": {"namespace": "default", "name": "data"}}})
    c.create({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
              "spec": {"storageClassName": "", "accessModes": ["ReadWriteOnce"],
                       "resources": {"requests": {"storage": "1Gi"}}}})
    c.settle()
    for i in range(4):
        c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"web-{i}"},
                  "spec": {"containers": [{"name": "c", "image": "nginx"}],
                           "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}})
    c.settle()
    assert {p["spec"]["nodeName"] for p in c.list("pods")} == {"node-2"}
    c.components["scheduler"].expect_filtered("web-0", "node-1", "VolumeZone")
