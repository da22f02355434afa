"""Pod volumes with file contents: a per-cluster simulated filesystem the kubelet mounts before containers start.

Each backing store is a ``Tree`` (files and directories by path):

- emptyDir: one tree per pod and volume, created when the pod's volumes are first set up on its node and
  dropped when the kubelet forgets the pod, so it survives container restarts but not the pod;
- hostPath: one tree per node holding absolute host paths, shared by every pod of that node;
- persistentVolumeClaim: one tree per bound PersistentVolume (the claim's ``spec.volumeName``), so the data
  follows the volume across pod deletion and rescheduling;
- configMap, secret, downwardAPI, projected: rendered once at mount time (read-only, as upstream mounts them);
- a container's own writable layer: one tree per container instance, lost when the container restarts.

A container path resolves through the container's ``volumeMounts`` (the longest ``mountPath`` prefix), then
its ``subPath``. Mount failures are returned as upstream's ``MountVolume.SetUp failed`` messages
(operationexecutor GenerateErrorDetailed).
"""

from __future__ import annotations

import base64
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from kspec.objects import Obj
from kspec.quantity import to_int

READ_ONLY = "Read-only file system"
NO_SPACE = "No space left on device"
RETRY_MS = 500  # exponentialbackoff initialDurationBeforeRetry
MAX_RETRY_MS = 122_000  # exponentialbackoff maxDurationBeforeRetry (2m2s)
#: component or controller names that bind claims to volumes (kube-controller-manager's persistentvolume-binder)
CLAIM_BINDERS = ("persistentvolume-binder-controller", "persistentvolume-binder", "storage")


@dataclass
class Tree:
    """A directory tree: file contents by relative path, plus explicitly made directories."""

    files: dict[str, str] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)

    def usage(self) -> int:
        """Bytes its files hold (what cadvisor's du of the volume reports, without block rounding)."""
        return sum(len(v.encode()) for v in self.files.values())

    def is_dir(self, path: str) -> bool:
        path = path.strip("/")
        if not path or path in self.dirs:
            return True
        prefix = path + "/"
        return any(f.startswith(prefix) for f in self.files) or any(d.startswith(prefix) for d in self.dirs)


class NotMountable(Exception):
    """A volume that cannot be set up yet; ``message`` is None when upstream logs but records no event."""

    def __init__(self, message: str | None) -> None:
        super().__init__(message or "")
        self.message = message


@dataclass
class Mounted:
    """One set-up volume of a pod: the tree it reads and writes, where in it, and whether it is read-only."""

    tree: Tree
    root: str
    read_only: bool
    refresh: bool = False  # rendered from API objects: the kubelet's periodic sync rewrites the files
    tmpfs_bytes: int = 0  # an emptyDir of medium Memory: the size of its tmpfs (its pages count as memory)


class VolumeStore:
    """Every volume's data in one cluster, keyed so that data lives exactly as long as upstream's."""

    def __init__(self) -> None:
        self.empty_dirs: dict[tuple[str, str], Tree] = {}
        self.hosts: dict[str, Tree] = {}
        self.pvs: dict[str, Tree] = {}
        self.layers: dict[tuple[str, str], Tree] = {}
        self.pinned: dict[tuple[str, str], dict[str, Tree]] = {}  # subPath mounts of refreshed volumes, by mountPath
        #: whether something binds claims (the PV controller); without one an unbound claim's data is keyed by
        #: the claim itself, so clusters without storage components run claim-backed pods as before
        self.binds_claims: Callable[[], bool] = lambda: False

    def host(self, node: str) -> Tree:
        return self.hosts.setdefault(node, Tree())

    def pv(self, name: str) -> Tree:
        return self.pvs.setdefault(name, Tree())

    def layer(self, uid: str, container_id: str) -> Tree:
        return self.layers.setdefault((uid, container_id), Tree())

    def forget_pod(self, uid: str) -> None:
        """The pod is gone from its node: its emptyDirs and container layers go (hostPath and PVs stay)."""
        for key in [k for k in self.empty_dirs if k[0] == uid]:
            del self.empty_dirs[key]
        for key in [k for k in self.layers if k[0] == uid]:
            del self.layers[key]
        for key in [k for k in self.pinned if k[0] == uid]:
            del self.pinned[key]

    def pin(self, uid: str, container_id: str, container: Obj, mounted: dict[str, Mounted]) -> None:
        """A subPath mount is bound to the file as the container starts: later updates never reach it."""
        pins = {posixpath.normpath("/" + m.get("mountPath", "")): Tree(files=dict(mounted[m["name"]].tree.files))
                for m in container.get("volumeMounts") or []
                if m.get("subPath") and m.get("name") in mounted and mounted[m["name"]].refresh}
        if pins:
            self.pinned[(uid, container_id)] = pins


# -- setting volumes up --------------------------------------------------------------------------------------
Getter = Callable[[str, str], "Obj | None"]  # (resource, name) in the pod's namespace; PVs are cluster-scoped


def _decode(value: str) -> str:
    return base64.b64decode(value).decode("utf-8", "replace")


def _key_files(kind: str, name: str, data: dict[str, str], items: list[Obj] | None) -> dict[str, str]:
    """Keys become files; ``items`` choose keys and paths (configmap/secret volume plugins)."""
    if not items:
        return dict(data)
    out: dict[str, str] = {}
    for item in items:
        key = item.get("key", "")
        if key not in data:
            if kind == "configmap":
                raise NotMountable(f"configmap references non-existent config key: {key}")
            raise NotMountable(f"references non-existent secret key: {key}")
        out[item.get("path") or key] = data[key]
    return out


def _configmap(src: Obj, get: Getter) -> dict[str, str]:
    name = src.get("name", "")
    cm = get("configmaps", name)
    if cm is None:
        if src.get("optional"):
            return {}
        raise NotMountable(f'configmap "{name}" not found')
    data = dict(cm.get("data") or {})
    data.update({k: _decode(v) for k, v in (cm.get("binaryData") or {}).items()})
    return _key_files("configmap", name, data, src.get("items"))


def _secret(src: Obj, name: str, get: Getter) -> dict[str, str]:
    secret = get("secrets", name)
    if secret is None:
        if src.get("optional"):
            return {}
        raise NotMountable(f'secret "{name}" not found')
    data = {k: _decode(v) for k, v in (secret.get("data") or {}).items()}
    data.update(secret.get("stringData") or {})
    return _key_files("secret", name, data, src.get("items"))


def _format_map(m: dict[str, str]) -> str:
    """fieldpath.FormatMap: ``key="value"`` lines, sorted by key."""
    return "\n".join(f'{k}="{v}"' for k, v in sorted(m.items()))


def _downward(src: Obj, pod: Obj, node_alloc: Callable[[], dict[str, str]] | None = None) -> dict[str, str]:
    """downwardapi CollectData: fieldRef items, and resourceFieldRef items (a container's request or limit over
    its divisor, a missing limit being the node's allocatable, as the environment variables have it).

    ``node_alloc`` reads the node's allocatable; only a resourceFieldRef item needs it, so it is read (once) only
    then: a read has no effect, and the service account's token volume asks for the namespace alone."""
    md = pod.get("metadata", {})
    out: dict[str, str] = {}
    alloc: dict[str, str] | None = None
    for item in src.get("items") or []:
        path = (item.get("fieldRef") or {}).get("fieldPath", "")
        ref = item.get("resourceFieldRef")
        if ref is not None:
            from kspec.kubelet.envvars import _resource_ref
            containers = [*(pod["spec"].get("initContainers") or []), *(pod["spec"].get("containers") or [])]
            container = next((c for c in containers if c.get("name") == ref.get("containerName")), {})
            if alloc is None:
                alloc = node_alloc() if node_alloc is not None else {}
            out[item.get("path", "")] = _resource_ref(container, ref, alloc)
            continue
        if path == "metadata.labels":
            value = _format_map(md.get("labels") or {})
        elif path == "metadata.annotations":
            value = _format_map(md.get("annotations") or {})
        elif path.startswith("metadata.labels['") or path.startswith("metadata.annotations['"):
            which, _, key = path.partition("['")
            value = (md.get(which.split(".")[1]) or {}).get(key.rstrip("']"), "")
        elif path.startswith("metadata."):
            value = str(md.get(path.split(".", 1)[1], ""))
        else:
            value = ""
        out[item.get("path", "")] = value
    return out


def _allocatable(get: Getter, node: str) -> dict[str, str]:
    return dict(((get("nodes", node) or {}).get("status") or {}).get("allocatable") or {})


def _rendered(files: dict[str, str]) -> Tree:
    return Tree(files={k.strip("/"): v for k, v in files.items()})


def _host_path(src: Obj, tree: Tree) -> str:
    """hostPath SetUp with the type checks of pkg/volume/hostpath checkType; the path as a tree path."""
    path = posixpath.normpath("/" + src.get("path", "")).strip("/")
    kind = src.get("type") or ""
    exists_file = path in tree.files
    exists_dir = not exists_file and tree.is_dir(path) and (path in tree.dirs or any(
        f.startswith(path + "/") for f in tree.files))
    shown = "/" + path
    if kind == "DirectoryOrCreate" and not exists_file and not exists_dir:
        tree.dirs.add(path)
        exists_dir = True
    elif kind == "FileOrCreate" and not exists_file and not exists_dir:
        tree.files[path] = ""
        exists_file = True
    if kind in ("Directory", "DirectoryOrCreate") and not exists_dir:
        raise NotMountable(f"hostPath type check failed: {shown} is not a directory")
    if kind in ("File", "FileOrCreate") and not exists_file:
        raise NotMountable(f"hostPath type check failed: {shown} is not a file")
    if kind == "Socket":
        raise NotMountable(f"hostPath type check failed: {shown} is not a socket file")
    if kind == "CharDevice":
        raise NotMountable(f"hostPath type check failed: {shown} is not a character device")
    if kind == "BlockDevice":
        raise NotMountable(f"hostPath type check failed: {shown} is not a block device")
    if not kind and not exists_file:
        tree.dirs.add(path)  # an unset type checks nothing; the runtime creates a missing directory
    return path


def set_up(store: VolumeStore, pod: Obj, node: str, get: Getter) -> dict[str, Mounted]:
    """Every volume of ``pod`` set up on ``node`` (in spec order), or NotMountable with the first failure."""
    uid = pod["metadata"]["uid"]
    out: dict[str, Mounted] = {}
    for vol in pod["spec"].get("volumes") or []:
        name = vol.get("name", "")
        try:
            out[name] = _set_up_one(store, pod, uid, node, vol, get)
        except NotMountable as e:
            if e.message is None:
                raise
            raise NotMountable(f'MountVolume.SetUp failed for volume "{name}" : {e.message}') from None
    return out


def _set_up_one(store: VolumeStore, pod: Obj, uid: str, node: str, vol: Obj, get: Getter) -> Mounted:
    name = vol.get("name", "")
    if "emptyDir" in vol:
        tmpfs = 0
        if (vol["emptyDir"] or {}).get("medium") == "Memory":
            node_obj = get("nodes", node)
            allocatable = ((node_obj or {}).get("status") or {}).get("allocatable", {}).get("memory", "0")
            tmpfs = tmpfs_size(pod, vol["emptyDir"], to_int(allocatable))
        return Mounted(store.empty_dirs.setdefault((uid, name), Tree()), "", False, tmpfs_bytes=tmpfs)
    if "hostPath" in vol:
        tree = store.host(node)
        return Mounted(tree, _host_path(vol["hostPath"], tree), False)
    if "configMap" in vol:
        return Mounted(_rendered(_configmap(vol["configMap"], get)), "", True, True)
    if "secret" in vol:
        src = vol["secret"]
        return Mounted(_rendered(_secret(src, src.get("secretName", ""), get)), "", True, True)
    if "downwardAPI" in vol:
        return Mounted(_rendered(_downward(vol["downwardAPI"], pod, lambda: _allocatable(get, node))), "", True,
                       True)
    if "projected" in vol:
        files: dict[str, str] = {}
        for source in vol["projected"].get("sources") or []:
            if "configMap" in source:
                files.update(_configmap(source["configMap"], get))
            elif "secret" in source:
                files.update(_secret(source["secret"], source["secret"].get("name", ""), get))
            elif "downwardAPI" in source:
                files.update(_downward(source["downwardAPI"], pod, lambda: _allocatable(get, node)))
        # the service account's kube-api-access volume renders what does not change in kspec (the CA bundle its
        # publisher keeps, the namespace; tokens are not modelled): no periodic rewrite to simulate
        refresh = not str(vol.get("name", "")).startswith("kube-api-access-")
        return Mounted(_rendered(files), "", True, refresh)
    if "persistentVolumeClaim" in vol:
        src = vol["persistentVolumeClaim"]
        pvc = get("persistentvolumeclaims", src.get("claimName", ""))
        pv = (pvc or {}).get("spec", {}).get("volumeName", "")
        read_only = bool(src.get("readOnly"))
        if pvc is not None and pv and (pvc.get("status") or {}).get("phase") == "Bound":
            return Mounted(store.pv(pv), "", read_only)
        if pvc is not None and not store.binds_claims():
            key = f"pvc:{pod['metadata'].get('namespace', 'default')}/{src.get('claimName', '')}"
            return Mounted(store.pv(key), "", read_only)
        raise NotMountable(None)  # desired_state_of_world_populator: "PVC is not bound", retried quietly
    return Mounted(Tree(), "", False)  # a volume type kspec does not model: mounted empty


def _memory_limit(container: Obj) -> int | None:
    limit = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    return to_int(limit) if limit is not None else None


def pod_memory_limit(pod: Obj) -> int:
    """ResourceConfigForPod's memory limit: set only when every container declares one; the regular containers
    and sidecars summed, or the biggest init container if that is more (0: no pod limit)."""
    spec = pod.get("spec") or {}
    inits = spec.get("initContainers") or []
    limits = [_memory_limit(c) for c in [*inits, *(spec.get("containers") or [])]]
    if not limits or any(v is None for v in limits):
        return 0
    regular = sum(_memory_limit(c) or 0 for c in spec.get("containers") or [])
    regular += sum(_memory_limit(c) or 0 for c in inits if c.get("restartPolicy") == "Always")
    biggest_init = max([_memory_limit(c) or 0 for c in inits if c.get("restartPolicy") != "Always"], default=0)
    overhead = (spec.get("overhead") or {}).get("memory")
    return max(regular, biggest_init) + (to_int(overhead) if overhead else 0)


def tmpfs_size(pod: Obj, empty_dir: Obj, node_allocatable: int) -> int:
    """emptydir calculateEmptyDirMemorySize: node allocatable memory, lowered to the pod's memory limit, lowered
    to the volume's sizeLimit (each only when positive and smaller)."""
    size = node_allocatable
    pod_limit = pod_memory_limit(pod)
    if 0 < pod_limit <= size:
        size = pod_limit
    if empty_dir.get("sizeLimit") is not None:
        limit = to_int(empty_dir["sizeLimit"])
        if 0 < limit <= size:
            size = limit
    return size


def refresh(store: VolumeStore, pod: Obj, node: str, get: Getter, mounted: dict[str, Mounted]) -> None:
    """The pod's periodic sync: configMap, secret, downwardAPI and projected files show the objects' current
    contents (the atomic writer swaps them in place); a source that fails now keeps the old files."""
    uid = pod["metadata"]["uid"]
    for vol in pod["spec"].get("volumes") or []:
        old = mounted.get(vol.get("name", ""))
        if old is None or not old.refresh:
            continue
        try:
            new = _set_up_one(store, pod, uid, node, vol, get)
        except NotMountable:
            continue
        old.tree.files.clear()
        old.tree.files.update(new.tree.files)


# -- container paths -------------------------------------------------------------------------------------------
def resolve(container: Obj, mounted: dict[str, Mounted], layer: Tree, path: str,
            pinned: dict[str, Tree] | None = None) -> tuple[Tree, str, bool]:
    """(tree, path in it, read-only) for ``path`` as the container sees it: the longest mountPath wins."""
    path = posixpath.normpath("/" + path)
    best: Obj | None = None
    for m in container.get("volumeMounts") or []:
        mp = posixpath.normpath("/" + m.get("mountPath", ""))
        if (path == mp or path.startswith(mp.rstrip("/") + "/")) and m.get("name") in mounted and (
                best is None or len(mp) > len(posixpath.normpath("/" + best.get("mountPath", "")))):
            best = m
    if best is None:
        return layer, path.strip("/"), False
    vol = mounted[best["name"]]
    mp = posixpath.normpath("/" + best.get("mountPath", ""))
    rel = path[len(mp):].strip("/")
    inner = "/".join(p for p in (vol.root, (best.get("subPath") or "").strip("/"), rel) if p)
    tree = (pinned or {}).get(mp, vol.tree)
    return tree, inner, vol.read_only or bool(best.get("readOnly"))


def write(container: Obj, mounted: dict[str, Mounted], layer: Tree, path: str, text: str,
          pinned: dict[str, Tree] | None = None) -> None:
    """Write ``text`` to ``path``; OSError with ``Read-only file system`` on a read-only mount."""
    tree, inner, read_only = resolve(container, mounted, layer, path, pinned)
    if read_only:
        raise OSError(f"can't create {path}: {READ_ONLY}")
    if tree.is_dir(inner) and inner not in tree.files:
        raise OSError(f"can't create {path}: Is a directory")
    tmpfs = next((m.tmpfs_bytes for m in mounted.values() if m.tree is tree and m.tmpfs_bytes), 0)
    if tmpfs and tree.usage() - len(tree.files.get(inner, "").encode()) + len(text.encode()) > tmpfs:
        raise OSError(f"write error: {NO_SPACE}")  # the tmpfs is full: ENOSPC
    tree.files[inner] = text


def memory_backed_usage(mounted: dict[str, Mounted]) -> int:
    """Bytes held in the pod's memory-backed emptyDirs (tmpfs pages: memory, not disk)."""
    return sum(m.tree.usage() for m in mounted.values() if m.tmpfs_bytes)


def read(container: Obj, mounted: dict[str, Mounted], layer: Tree, path: str,
         pinned: dict[str, Tree] | None = None) -> str | None:
    """The contents of ``path`` in the container, or None when no such file exists."""
    tree, inner, _ = resolve(container, mounted, layer, path, pinned)
    return tree.files.get(inner)


def retry_ms(failures: int) -> int:
    """exponentialbackoff: 500ms doubling to 2m2s between attempts at a failed mount."""
    return min(RETRY_MS * 2 ** min(failures - 1, 20), MAX_RETRY_MS)
