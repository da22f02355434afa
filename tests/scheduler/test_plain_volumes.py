"""PodInfo.plain_volumes: a pod whose volumes are all of sources no volume plugin's PreFilter acts on is skipped
by VolumeRestrictions, VolumeBinding, VolumeZone and NodeVolumeLimits at once, as each would find on its own."""

from __future__ import annotations

from typing import Any

import pytest

from kspec import teardown
from kspec.cluster import Cluster
from kspec.scheduler.framework import CycleState
from kspec.scheduler.nodeinfo import PodInfo

PLUGINS = ("VolumeRestrictions", "VolumeBinding", "VolumeZone", "NodeVolumeLimits")

PLAIN: list[list[dict[str, Any]]] = [
    [],
    [{"name": "c", "configMap": {"name": "cm"}}],
    [{"name": "s", "secret": {"secretName": "s"}}, {"name": "e", "emptyDir": {}}],
    [{"name": "p", "projected": {"sources": []}}, {"name": "d", "downwardAPI": {"items": []}},
     {"name": "h", "hostPath": {"path": "/data"}}],
]
NOT_PLAIN: list[list[dict[str, Any]]] = [
    [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}],
    [{"name": "e", "emptyDir": {}}, {"name": "g", "gcePersistentDisk": {"pdName": "disk"}}],
    [{"name": "a", "azureDisk": {"diskName": "d", "diskURI": "u"}}],
    [{"name": "x", "ephemeral": {"volumeClaimTemplate": {"spec": {}}}}],
    [{"name": "n", "nfs": {"server": "s", "path": "/"}}],
]


def _pod(volumes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
            "spec": {"containers": [{"name": "app", "image": "nginx"}], "volumes": volumes}}


@pytest.mark.parametrize("volumes", PLAIN)
def test_plain_volumes_skip_as_each_plugin_would(volumes: list[dict[str, Any]]) -> None:
    c = Cluster(nodes=2)
    c.start()
    fw = next(iter(c.components["scheduler"].frameworks.values()))
    pi = PodInfo(_pod(volumes))
    assert pi.plain_volumes
    for name in PLUGINS:
        plugin = fw.plugin(name)
        fast, full = CycleState(), CycleState()
        fast_result = plugin.pre_filter(fast, pi)
        pi.plain_volumes = False  # each plugin's own reading of the volumes
        full_result = plugin.pre_filter(full, pi)
        pi.plain_volumes = True
        assert (fast_result[0], fast_result[1].code) == (full_result[0], full_result[1].code), name
        assert fast._data == full._data, name
    teardown.dismantle(c)


@pytest.mark.parametrize("volumes", NOT_PLAIN)
def test_other_sources_are_read_by_the_plugins(volumes: list[dict[str, Any]]) -> None:
    assert not PodInfo(_pod(volumes)).plain_volumes
