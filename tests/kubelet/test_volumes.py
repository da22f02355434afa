"""Pod volumes: where a container path lands, how long each kind of volume keeps its data, mount failures."""

from __future__ import annotations

import base64

import pytest

from kspec.cluster import Cluster
from kspec.errors import StepError
from kspec.kubelet import volumes
from kspec.kubelet.volumes import NotMountable, Tree, VolumeStore
from kspec.objects import Obj


def _pod(volumes_: list[Obj], uid: str = "u1", labels: dict[str, str] | None = None) -> Obj:
    return {"metadata": {"name": "web", "namespace": "shop", "uid": uid, "labels": labels or {},
                         "annotations": {"team": "a"}},
            "spec": {"volumes": volumes_, "containers": [{"name": "app", "image": "nginx"}]}}


def _getter(objs: dict[tuple[str, str], Obj]) -> volumes.Getter:
    return lambda resource, name: objs.get((resource, name))


def test_longest_mount_path_wins_and_sub_path_selects_inside_the_volume() -> None:
    store = VolumeStore()
    pod = _pod([{"name": "a", "emptyDir": {}}, {"name": "b", "emptyDir": {}}])
    mounted = volumes.set_up(store, pod, "node-1", _getter({}))
    container = {"volumeMounts": [{"name": "a", "mountPath": "/data"},
                                  {"name": "b", "mountPath": "/data/logs", "subPath": "web"}]}
    layer = Tree()
    volumes.write(container, mounted, layer, "/data/logs/today", "x")
    volumes.write(container, mounted, layer, "/data/top", "y")
    volumes.write(container, mounted, layer, "/etc/own", "z")
    assert store.empty_dirs[("u1", "b")].files == {"web/today": "x"}
    assert store.empty_dirs[("u1", "a")].files == {"top": "y"}
    assert layer.files == {"etc/own": "z"}
    assert volumes.read(container, mounted, layer, "/data/logs/../top") == "y"


def test_read_only_mounts_refuse_writes() -> None:
    store = VolumeStore()
    cm = {"data": {"a": "1"}}
    pod = _pod([{"name": "c", "configMap": {"name": "cfg"}}, {"name": "e", "emptyDir": {}}])
    mounted = volumes.set_up(store, pod, "n", _getter({("configmaps", "cfg"): cm}))
    container = {"volumeMounts": [{"name": "c", "mountPath": "/cfg"},
                                  {"name": "e", "mountPath": "/ro", "readOnly": True}]}
    for path in ("/cfg/a", "/ro/x"):
        with pytest.raises(OSError, match="Read-only file system"):
            volumes.write(container, mounted, Tree(), path, "new")
    assert volumes.read(container, mounted, Tree(), "/cfg/a") == "1"


def test_config_map_and_secret_items_optional_and_missing_keys() -> None:
    secret = {"data": {"user": base64.b64encode(b"admin").decode()}}
    get = _getter({("secrets", "s"): secret, ("configmaps", "cfg"): {"data": {"a": "1", "b": "2"}}})
    pod = _pod([{"name": "s", "secret": {"secretName": "s", "items": [{"key": "user", "path": "auth/user"}]}},
                {"name": "c", "configMap": {"name": "cfg", "items": [{"key": "b", "path": "b.conf"}]}},
                {"name": "o", "configMap": {"name": "absent", "optional": True}}])
    mounted = volumes.set_up(VolumeStore(), pod, "n", get)
    assert mounted["s"].tree.files == {"auth/user": "admin"}
    assert mounted["c"].tree.files == {"b.conf": "2"}
    assert mounted["o"].tree.files == {}
    bad = _pod([{"name": "c", "configMap": {"name": "cfg", "items": [{"key": "zz"}]}}])
    with pytest.raises(NotMountable, match='for volume "c" : configmap references non-existent config key: zz'):
        volumes.set_up(VolumeStore(), bad, "n", get)
    missing = _pod([{"name": "s", "secret": {"secretName": "nope"}}])
    with pytest.raises(NotMountable) as e:
        volumes.set_up(VolumeStore(), missing, "n", get)
    assert e.value.message == 'MountVolume.SetUp failed for volume "s" : secret "nope" not found'


def test_downward_api_and_projected_sources_combined() -> None:
    get = _getter({("configmaps", "cfg"): {"data": {"a": "1"}}})
    pod = _pod([{"name": "p", "projected": {"sources": [
        {"configMap": {"name": "cfg"}},
        {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                                   {"path": "name", "fieldRef": {"fieldPath": "metadata.name"}},
                                   {"path": "team", "fieldRef": {"fieldPath": "metadata.annotations['team']"}}]}},
    ]}}], labels={"tier": "web", "app": "shop"})
    files = volumes.set_up(VolumeStore(), pod, "n", get)["p"].tree.files
    assert files == {"a": "1", "labels": 'app="shop"\ntier="web"', "name": "web", "team": "a"}


@pytest.mark.parametrize(("kind", "present", "error"), [
    ("Directory", None, "/srv/x is not a directory"),
    ("Directory", "file", "/srv/x is not a directory"),
    ("DirectoryOrCreate", "file", "/srv/x is not a directory"),
    ("File", None, "/srv/x is not a file"),
    ("File", "dir", "/srv/x is not a file"),
    ("Socket", None, "/srv/x is not a socket file"),
    ("CharDevice", None, "/srv/x is not a character device"),
    ("BlockDevice", None, "/srv/x is not a block device"),
    ("DirectoryOrCreate", None, None),
    ("FileOrCreate", None, None),
    ("Directory", "dir", None),
    ("File", "file", None),
    ("", None, None),
])
def test_host_path_type_checks(kind: str, present: str | None, error: str | None) -> None:
    store = VolumeStore()
    if present == "file":
        store.host("n").files["srv/x"] = ""
    elif present == "dir":
        store.host("n").dirs.add("srv/x")
    pod = _pod([{"name": "h", "hostPath": {"path": "/srv/x", "type": kind}}])
    if error is None:
        volumes.set_up(store, pod, "n", _getter({}))
        assert store.host("other").files == {}
        return
    with pytest.raises(NotMountable) as e:
        volumes.set_up(store, pod, "n", _getter({}))
    assert e.value.message == f'MountVolume.SetUp failed for volume "h" : hostPath type check failed: {error}'


def test_claim_data_follows_the_bound_volume_and_an_unbound_claim_waits_for_a_binder() -> None:
    store = VolumeStore()
    store.binds_claims = lambda: True
    bound = {"spec": {"volumeName": "pv-1"}, "status": {"phase": "Bound"}}
    pod = _pod([{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}])
    mounted = volumes.set_up(store, pod, "n", _getter({("persistentvolumeclaims", "data"): bound}))
    volumes.write({"volumeMounts": [{"name": "d", "mountPath": "/d"}]}, mounted, Tree(), "/d/f", "kept")
    store.forget_pod("u1")
    assert store.pvs["pv-1"].files == {"f": "kept"}
    pending = {"spec": {}, "status": {"phase": "Pending"}}
    with pytest.raises(NotMountable) as e:
        volumes.set_up(store, _pod(pod["spec"]["volumes"], uid="u2"), "n",
                       _getter({("persistentvolumeclaims", "data"): pending}))
    assert e.value.message is None  # no event: the kubelet only logs it and tries again


def test_mount_retry_back_off() -> None:
    assert [volumes.retry_ms(n) for n in (1, 2, 3, 9, 30)] == [500, 1000, 2000, 122_000, 122_000]


def _claim_pod(name: str, node: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [{"name": "app", "image": "nginx:1.27", "volumeMounts": [
                {"name": "d", "mountPath": "/var/lib/data"}, {"name": "ro", "mountPath": "/ro", "readOnly": True}]}],
                     "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}},
                                 {"name": "ro", "emptyDir": {}}]}}


CLAIM = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
         "spec": {"storageClassName": "", "accessModes": ["ReadWriteOnce"],
                  "resources": {"requests": {"storage": "1Gi"}}}}


def _pv(name: str) -> Obj:
    """A network volume (no node affinity), so a pod on any node may mount it."""
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
            "spec": {"storageClassName": "", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"},
                     "nfs": {"server": "nfs.example.com", "path": f"/exports/{name}"}}}


def test_claim_data_survives_deletion_and_rescheduling_to_another_node() -> None:
    c = Cluster(nodes=2, seed=0)
    c.apply(_pv("pv-1"))
    c.apply(CLAIM)
    c.apply(_claim_pod("db", "node-1"))
    c.run_for("10s")
    c.write_file("db", "app", "/var/lib/data/table", "rows")
    with pytest.raises(StepError, match="Read-only file system"):
        c.write_file("db", "app", "/ro/x", "no")
    c.delete("pod", "db")
    c.run_for("60s")
    c.apply(_claim_pod("db2", "node-2"))
    c.run_for("10s")
    assert c.read_file("db2", "app", "/var/lib/data/table") == "rows"
    assert c.read_file("db2", "app", "/ro/x") is None


def test_pod_with_an_unbound_claim_stays_container_creating_until_the_claim_is_bound() -> None:
    c = Cluster(nodes=1, seed=0)
    c.apply(CLAIM)  # no class, no volume: the PV controller leaves it Pending
    c.apply(_claim_pod("db", "node-1"))
    c.run_for("30s")
    pod = c.api.get("pods", "db", "default")
    assert pod["status"]["phase"] == "Pending"
    assert pod["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "ContainerCreating"}}
    c.apply(_pv("pv-7"))
    c.run_for("130s")
    assert c.api.get("persistentvolumeclaims", "data", "default")["spec"]["volumeName"] == "pv-7"
    assert c.api.get("pods", "db", "default")["status"]["phase"] == "Running"
    c.write_file("db", "app", "/var/lib/data/f", "on pv-7")
    assert c.require("runtime").volumes.pvs["pv-7"].files == {"f": "on pv-7"}


def test_memory_emptydir_tmpfs_is_the_smallest_of_node_pod_and_size_limit() -> None:
    pod = _pod([])
    pod["spec"]["containers"] = [{"name": "a", "resources": {"limits": {"memory": "64Mi"}}},
                                 {"name": "b", "resources": {"limits": {"memory": "32Mi"}}}]
    gi = 1024 ** 3
    assert volumes.tmpfs_size(pod, {"medium": "Memory"}, 16 * gi) == 96 * 1024 ** 2
    assert volumes.tmpfs_size(pod, {"medium": "Memory", "sizeLimit": "1Mi"}, 16 * gi) == 1024 ** 2
    assert volumes.tmpfs_size(pod, {"medium": "Memory", "sizeLimit": "1Ti"}, 16 * gi) == 96 * 1024 ** 2
    del pod["spec"]["containers"][1]["resources"]  # one container without a limit: no pod limit
    assert volumes.tmpfs_size(pod, {"medium": "Memory"}, 16 * gi) == 16 * gi


def test_a_full_memory_emptydir_refuses_the_write() -> None:
    store = VolumeStore()
    pod = _pod([{"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "8"}}])
    node = {"status": {"allocatable": {"memory": "16Gi"}}}
    mounted = volumes.set_up(store, pod, "node-1", _getter({("nodes", "node-1"): node}))
    container = {"volumeMounts": [{"name": "shm", "mountPath": "/dev/shm"}]}
    volumes.write(container, mounted, Tree(), "/dev/shm/a", "12345678")
    volumes.write(container, mounted, Tree(), "/dev/shm/a", "87654321")  # overwriting frees the old bytes
    with pytest.raises(OSError, match="No space left on device"):
        volumes.write(container, mounted, Tree(), "/dev/shm/b", "x")
    assert volumes.memory_backed_usage(mounted) == 8


def test_downward_api_volume_renders_resource_field_refs() -> None:
    store = VolumeStore()
    pod = _pod([{"name": "info", "downwardAPI": {"items": [
        {"path": "mem_limit", "resourceFieldRef": {"containerName": "app", "resource": "limits.memory",
                                                   "divisor": "1Mi"}},
        {"path": "cpu_limit", "resourceFieldRef": {"containerName": "app", "resource": "limits.cpu"}}]}}])
    pod["spec"]["containers"][0]["resources"] = {"limits": {"memory": "64Mi"}}
    node = {"status": {"allocatable": {"cpu": "4", "memory": "16Gi"}}}
    mounted = volumes.set_up(store, pod, "node-1", _getter({("nodes", "node-1"): node}))
    assert mounted["info"].tree.files == {"mem_limit": "64", "cpu_limit": "4"}  # no cpu limit: node allocatable


def test_projected_downward_api_reads_the_node_only_for_a_resource_field_ref() -> None:
    """_downward reads the node's allocatable lazily: a fieldRef-only source (the token volume's namespace) does
    not read the node; a resourceFieldRef source reads it once and renders what the eager read rendered."""
    store = VolumeStore()
    node = {"status": {"allocatable": {"cpu": "4", "memory": "16Gi"}}}
    reads: list[tuple[str, str]] = []

    def get(resource: str, name: str) -> Obj | None:
        reads.append((resource, name))
        return node if (resource, name) == ("nodes", "node-1") else None

    names = {"items": [{"path": "namespace", "fieldRef": {"fieldPath": "metadata.namespace"}}]}
    pod = _pod([{"name": "kube-api-access-x", "projected": {"sources": [{"downwardAPI": names}]}}])
    mounted = volumes.set_up(store, pod, "node-1", get)
    assert mounted["kube-api-access-x"].tree.files == {"namespace": "shop"} and reads == []
    refs = {"items": [{"path": "cpu", "resourceFieldRef": {"containerName": "app", "resource": "limits.cpu"}},
                      {"path": "mem", "resourceFieldRef": {"containerName": "app", "resource": "limits.memory",
                                                           "divisor": "1Gi"}}]}
    pod = _pod([{"name": "info", "projected": {"sources": [{"downwardAPI": names}, {"downwardAPI": refs}]}}])
    mounted = volumes.set_up(store, pod, "node-1", get)
    assert mounted["info"].tree.files == {"namespace": "shop", "cpu": "4", "mem": "16"}
    assert reads == [("nodes", "node-1")]
