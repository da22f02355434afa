"""A simulated node's ``status.nodeInfo`` (NodeSystemInfo), as a kind node's kubelet reports it.

Every field is filled: the official Python client refuses a Node whose nodeInfo lacks any of them. The
identifiers a real kubelet reads from the machine (``/etc/machine-id``, ``/sys/class/dmi/id/product_uuid``,
``/proc/sys/kernel/random/boot_id``: kubelet's setters.MachineInfo) are derived from the node's name, so they
are stable across runs and distinct between nodes.
"""

from __future__ import annotations

import hashlib
import uuid

OS_IMAGE = "Debian GNU/Linux 12 (bookworm)"  # kind's node image
KERNEL_VERSION = "6.1.0-kspec"
CONTAINER_RUNTIME_VERSION = "containerd://2.1.0"


def _digest(name: str, what: str) -> bytes:
    return hashlib.sha256(f"{what}/{name}".encode()).digest()[:16]


def node_system_info(name: str, kubelet_version: str) -> dict[str, str]:
    """NodeSystemInfo for the node ``name``: machine identifiers from the name, versions from the model."""
    return {
        "machineID": _digest(name, "machine-id").hex(),  # 32 lowercase hex digits, as /etc/machine-id
        "systemUUID": str(uuid.UUID(bytes=_digest(name, "product_uuid"))),
        "bootID": str(uuid.UUID(bytes=_digest(name, "boot_id"))),
        "kernelVersion": KERNEL_VERSION,
        "osImage": OS_IMAGE,
        "containerRuntimeVersion": CONTAINER_RUNTIME_VERSION,
        "kubeletVersion": kubelet_version,
        "kubeProxyVersion": "",  # deprecated; kubelet leaves it empty since 1.31
        "operatingSystem": "linux",
        "architecture": "amd64",
    }
