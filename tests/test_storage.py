"""The simulated provisioner's topology choice (external-provisioner topology.go) and the resize flow."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation_storage import MSG_IMMUTABLE
from kspec.cluster import Cluster, NodeSpec
from kspec.errors import ApiError
from kspec.storage import flatten, fnv1_32, name_hash_and_index

ZONE = "topology.kubernetes.io/zone"


def test_fnv1_32_is_fnv1_not_fnv1a() -> None:
    # hash/fnv New32: offset basis for "", FNV-1 of "a" (FNV-1a of "a" would be 0xe40c292c)
    assert fnv1_32(b"") == 0x811C9DC5
    assert fnv1_32(b"a") == 0x050C5D7E


def test_claim_names_hash_the_statefulset_and_offset_by_ordinal() -> None:
    # getPVCNameHashAndIndexOffset: ClaimName-StatefulSetName-Id hashes StatefulSetName only
    assert name_hash_and_index("data-db-3") == (fnv1_32(b"db"), 3)
    assert name_hash_and_index("www-web-0") == (fnv1_32(b"web"), 0)
    assert name_hash_and_index("vol-7") == (fnv1_32(b"vol"), 7)
    assert name_hash_and_index("scratch") == (fnv1_32(b"scratch"), 0)
    assert name_hash_and_index("my-vol-x") == (fnv1_32(b"my-vol-x"), 0)


def test_flatten_distributes_values_over_expressions() -> None:
    terms = [{"matchLabelExpressions": [{"key": ZONE, "values": ["a", "b"]}, {"key": "rack", "values": ["r1"]}]},
             {"matchLabelExpressions": [{"key": ZONE, "values": ["c"]}]}]
    assert flatten(terms) == [(("rack", "r1"), (ZONE, "a")), (("rack", "r1"), (ZONE, "b")), ((ZONE, "c"),)]


def _claim(name: str, size: str, cls: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": "default"},
            "spec": {"storageClassName": cls, "accessModes": ["ReadWriteOnce"],
                     "resources": {"requests": {"storage": size}}}}


def _class(name: str, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
            "provisioner": "ebs.csi.aws.com", **extra}


def test_statefulset_volumes_spread_round_robin_over_allowed_zones() -> None:
    c = Cluster(nodes=[NodeSpec(name=f"node-{z}", zone=z) for z in ("a", "b", "c")], seed=0)
    c.create(_class("zonal", allowedTopologies=[{"matchLabelExpressions": [{"key": ZONE, "values": ["a", "b", "c"]}]}]))
    for i in range(3):
        c.create(_claim(f"data-db-{i}", "1Gi", "zonal"))
    c.settle()
    zones = []
    for i in range(3):
        pv = c.get("pv", c.get("pvc", f"data-db-{i}")["spec"]["volumeName"])
        zones.append(pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"])
    assert sorted(z[0] for z in zones) == ["a", "b", "c"]  # consecutive ordinals, consecutive zones


def test_resize_expands_the_volume_then_waits_for_the_node() -> None:
    c = Cluster(nodes=1, seed=0)
    c.create(_class("grow", allowVolumeExpansion=True))
    c.create(_claim("data", "1Gi", "grow"))
    c.settle()
    claim = c.get("pvc", "data")
    claim["spec"]["resources"]["requests"]["storage"] = "5Gi"
    c.api.update(claim)
    c.settle()
    pv = c.get("pv", claim["spec"]["volumeName"])
    assert pv["spec"]["capacity"]["storage"] == "5Gi"
    status = c.get("pvc", "data")["status"]
    assert status["capacity"]["storage"] == "1Gi"  # no pod has it mounted: the filesystem is not grown yet
    assert status["allocatedResources"] == {"storage": "5Gi"}
    # markForPendingNodeExpansion keeps the Resizing condition; the kubelet's MarkFSResizeFinished drops both
    assert [x["type"] for x in status["conditions"]] == ["Resizing", "FileSystemResizePending"]


def test_an_unbound_claim_cannot_change_its_request() -> None:
    c = Cluster(nodes=1, seed=0)
    c.create(_class("grow", allowVolumeExpansion=True, volumeBindingMode="WaitForFirstConsumer"))
    c.create(_claim("data", "1Gi", "grow"))
    c.settle()
    claim = c.get("pvc", "data")
    claim["spec"]["resources"]["requests"]["storage"] = "5Gi"
    with pytest.raises(ApiError) as err:
        c.api.update(claim)
    assert MSG_IMMUTABLE in err.value.message


def _selected(c: Cluster, name: str, size: str, cls: str, node: str) -> None:
    body = _claim(name, size, cls)
    body["metadata"]["annotations"] = {"volume.kubernetes.io/selected-node": node}
    c.create(body)


def _events(c: Cluster, name: str, reason: str) -> list[str]:
    return [e.message for e in c.events.log if e.name == name and e.reason == reason]


def test_a_selected_node_outside_allowed_topologies_fails_without_rescheduling() -> None:
    c = Cluster(nodes=[NodeSpec(name="node-a", zone="a"), NodeSpec(name="node-b", zone="b")], seed=0)
    c.create(_class("only-a", volumeBindingMode="WaitForFirstConsumer",
                    allowedTopologies=[{"matchLabelExpressions": [{"key": ZONE, "values": ["a"]}]}]))
    _selected(c, "data", "1Gi", "only-a", "node-b")
    c.run_for(1000)
    assert c.get("pvc", "data")["status"]["phase"] == "Pending"
    assert _events(c, "data", "ProvisioningFailed")[0] == (
        "error generating accessibility requirements: topology [{topology.kubernetes.io/zone b}] from selected node "
        '"node-b" is not in requisite: [[{topology.kubernetes.io/zone a}]]')
    # ProvisioningNoChange: the node stays selected
    assert c.get("pvc", "data")["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == "node-b"


def test_node_capacity_places_local_volumes_and_gives_a_full_node_back_to_the_scheduler() -> None:
    c = Cluster(nodes=2, seed=0)
    c.start()
    storage = c.require("storage", "storage component")
    storage.set_capacity("local.csi.example.com", "2Gi", node="node-1")
    storage.set_capacity("local.csi.example.com", "10Gi", node="node-2")
    c.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "local"},
              "provisioner": "local.csi.example.com", "volumeBindingMode": "WaitForFirstConsumer"})
    _selected(c, "small", "1Gi", "local", "node-1")
    _selected(c, "big", "5Gi", "local", "node-1")
    c.run_for(1000)
    small = c.get("pv", c.get("pvc", "small")["spec"]["volumeName"])
    term = small["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]
    assert (term["key"], term["values"]) == ("kubernetes.io/hostname", ["node-1"])
    big = c.get("pvc", "big")
    assert big["status"]["phase"] == "Pending"
    assert "volume.kubernetes.io/selected-node" not in (big["metadata"].get("annotations") or {})
    assert _events(c, "big", "ProvisioningFailed")[0].startswith("rpc error: code = ResourceExhausted")
    capacities = {o["metadata"]["name"]: o["capacity"] for o in c.api.list("csistoragecapacities", "kube-system")}
    assert capacities == {"csisc-local-node-1": "1Gi", "csisc-local-node-2": "10Gi"}
