"""Pod ranking for disk and PID pressure (pkg/kubelet/eviction/helpers.go), as pure functions over pod stats.

kspec's eviction manager acts on memory pressure (``eviction_manager.rank_memory``); these are the other rankings
the kubelet uses when nodefs/imagefs or PIDs run short: ``rankDiskPressureFunc`` (usage above the ephemeral-storage
request first, then lower priority, then the larger usage above the request) and ``rankPIDPressureFunc`` (lower
priority, then more processes). A pod without stats ranks first, as upstream's comparators order it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kspec.quantity import to_int

#: fsStatsType
FS_ROOT, FS_LOGS, FS_LOCAL_VOLUME = "root", "logs", "localVolumeSource"
ALL_FS = (FS_ROOT, FS_LOGS, FS_LOCAL_VOLUME)
#: the resources disk usage is measured in (v1.ResourceEphemeralStorage, resourceInodes)
EPHEMERAL_STORAGE, INODES = "ephemeral-storage", "inodes"


@dataclass
class ContainerStats:
    """statsapi.ContainerStats: the writable layer (rootfs) and logs, in bytes and inodes."""

    rootfs_bytes: int = 0
    logs_bytes: int = 0
    rootfs_inodes: int = 0
    logs_inodes: int = 0


@dataclass
class PodStats:
    """statsapi.PodStats: per-container filesystem use, per-volume use (by volume name) and the process count."""

    containers: list[ContainerStats] = field(default_factory=list)
    volume_bytes: dict[str, int] = field(default_factory=dict)
    volume_inodes: dict[str, int] = field(default_factory=dict)
    processes: int | None = None


class Ranked(Protocol):
    """What the rankings read: the pod and its stats (None when the summary has none for it)."""

    pod: dict[str, Any]
    stats: PodStats | None


def local_ephemeral_volumes(pod: dict[str, Any]) -> list[str]:
    """localEphemeralVolumeNames: volumes whose data lives on the node's filesystem (a disk-backed emptyDir, a
    configMap, a gitRepo)."""
    names = []
    for volume in pod.get("spec", {}).get("volumes") or []:
        empty_dir = volume.get("emptyDir")
        if (empty_dir is not None and empty_dir.get("medium") != "Memory") or volume.get("configMap") is not None \
                or volume.get("gitRepo") is not None:
            names.append(volume["name"])
    return names


def pod_disk_usage(pod: dict[str, Any], stats: PodStats, fs_types: tuple[str, ...] = ALL_FS) -> dict[str, int]:
    """podDiskUsage: bytes and inodes over the measured filesystems (container rootfs, logs, local volumes)."""
    used = {EPHEMERAL_STORAGE: 0, INODES: 0}
    for c in stats.containers:
        if FS_ROOT in fs_types:
            used[EPHEMERAL_STORAGE] += c.rootfs_bytes
            used[INODES] += c.rootfs_inodes
        if FS_LOGS in fs_types:
            used[EPHEMERAL_STORAGE] += c.logs_bytes
            used[INODES] += c.logs_inodes
    if FS_LOCAL_VOLUME in fs_types:
        for name in local_ephemeral_volumes(pod):
            used[EPHEMERAL_STORAGE] += stats.volume_bytes.get(name, 0)
            used[INODES] += stats.volume_inodes.get(name, 0)
    return used


def pod_request(pod: dict[str, Any], resource: str) -> int:
    """podRequest: the containers' summed request, or the largest init container's when that is larger."""
    def request(c: dict[str, Any]) -> int:
        value = ((c.get("resources") or {}).get("requests") or {}).get(resource)
        return to_int(value) if value else 0

    spec = pod.get("spec", {})
    total = sum(request(c) for c in spec.get("containers") or [])
    return max(total, max((request(c) for c in spec.get("initContainers") or []), default=0))


Key = Callable[[Ranked], tuple[int, ...]]


def exceed_disk_requests(fs_types: tuple[str, ...] = ALL_FS, resource: str = EPHEMERAL_STORAGE) -> Key:
    """exceedDiskRequests: pods using more disk than their ephemeral-storage request come first."""
    def key(r: Ranked) -> tuple[int, ...]:
        if r.stats is None:
            return (0,)
        used = pod_disk_usage(r.pod, r.stats, fs_types)[resource]
        return (1,) if used > pod_request(r.pod, EPHEMERAL_STORAGE) else (2,)
    return key


def disk(fs_types: tuple[str, ...] = ALL_FS, resource: str = EPHEMERAL_STORAGE) -> Key:
    """disk: the larger usage above the ephemeral-storage request first (for inodes too, as upstream)."""
    def key(r: Ranked) -> tuple[int, ...]:
        if r.stats is None:
            return (0, 0)
        used = pod_disk_usage(r.pod, r.stats, fs_types)[resource]
        return (1, -(used - pod_request(r.pod, EPHEMERAL_STORAGE)))
    return key


def process(r: Ranked) -> tuple[int, ...]:
    """process: more processes first."""
    if r.stats is None:
        return (0, 0)
    return (1, -(r.stats.processes or 0))


def priority(r: Ranked) -> tuple[int, ...]:
    """priority: the lower pod priority first."""
    return (int(r.pod.get("spec", {}).get("priority") or 0),)


def ordered_by(items: list[Any], *keys: Key) -> list[Any]:
    """orderedBy(...).Sort: each comparison in turn; Python's sort is stable, so ties keep their input order."""
    return sorted(items, key=lambda r: tuple(part for k in keys for part in k(r)))


def rank_disk_pressure(items: list[Any], fs_types: tuple[str, ...] = ALL_FS,
                       resource: str = EPHEMERAL_STORAGE) -> list[Any]:
    """rankDiskPressureFunc: orderedBy(exceedDiskRequests, priority, disk)."""
    return ordered_by(items, exceed_disk_requests(fs_types, resource), priority, disk(fs_types, resource))


def rank_pid_pressure(items: list[Any]) -> list[Any]:
    """rankPIDPressureFunc: orderedBy(priority, process)."""
    return ordered_by(items, priority, process)
