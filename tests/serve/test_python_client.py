"""The official Python client against the endpoint (skipped without it: ``pip install kspec[clients]``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kspec.serve import Server, write_kubeconfig

kubernetes = pytest.importorskip("kubernetes")


def test_list_create_patch_delete(served: Server, tmp_path: Path) -> None:
    from kubernetes import client, config

    api_client = config.new_client_from_config(str(write_kubeconfig(tmp_path / "kc", served.url)))
    core = client.CoreV1Api(api_client)
    # (list_node fails in the client: kspec's nodes leave status.nodeInfo's bootID, machineID and systemUUID
    # out, which the client's model requires)
    assert "kube-system" in [n.metadata.name for n in core.list_namespace().items]
    core.create_namespaced_config_map("default", {"metadata": {"name": "c"}, "data": {"a": "1"}})
    patched = core.patch_namespaced_config_map("c", "default", {"data": {"b": "2"}})
    assert patched.data == {"a": "1", "b": "2"}
    core.delete_namespaced_config_map("c", "default")
    with pytest.raises(client.ApiException) as gone:
        core.read_namespaced_config_map("c", "default")
    assert gone.value.status == 404
