"""The copy-free write paths give what the general ones give: same stored object, same revision, same errors."""

from __future__ import annotations

import pytest

from kspec.cluster import Cluster
from kspec.errors import ApiError

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
       "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": "nginx:1.25"}]}}
STATUS = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True",
                                               "lastTransitionTime": "2025-01-01T00:00:05Z"}],
          "containerStatuses": [{"name": "c", "image": "nginx:1.25", "imageID": "", "ready": True,
                                 "restartCount": 2, "started": True, "state": {"running": {
                                     "startedAt": "2025-01-01T00:00:04Z"}}, "lastState": {}}]}


def _cluster() -> Cluster:
    c = Cluster(nodes=1, seed=5)
    c.api.create(POD)
    return c


def test_write_status_stores_what_a_status_patch_stores() -> None:
    a, b = _cluster(), _cluster()
    a.api.patch("pods", "web", "default", lambda p: p.__setitem__("status", dict(STATUS)), status=True)
    b.api.write_status("pods", "web", "default", dict(STATUS))
    assert b.api.get("pods", "web") == a.api.get("pods", "web")
    assert b.api.store.revision == a.api.store.revision
    # the same status again writes nothing, as the patch does not
    before = b.api.store.revision
    b.api.write_status("pods", "web", "default", dict(STATUS), typed=True)
    assert b.api.store.revision == before


def test_write_status_decodes_the_status_unless_typed() -> None:
    c = _cluster()
    with pytest.raises(ApiError) as refused:
        c.api.write_status("pods", "web", "default", {"phase": 3})
    assert refused.value.code == 400 and "PodStatus.status.phase" in refused.value.message


def test_write_status_at_a_stale_version_is_a_conflict_as_update_status_is() -> None:
    c = _cluster()
    stale = c.api.get("pods", "web")["metadata"]["resourceVersion"]
    c.api.write_status("pods", "web", "default", {"phase": "Pending"})
    with pytest.raises(ApiError) as refused:
        c.api.write_status("pods", "web", "default", dict(STATUS), resource_version=stale)
    assert refused.value.code == 409


def test_update_owned_stores_what_an_update_stores() -> None:
    a, b = _cluster(), _cluster()
    a.start()
    b.start()  # the kubelets create their Leases
    lease = a.api.get("leases", "node-1", "kube-node-lease")

    def renew(o: dict) -> None:
        o["spec"]["renewTime"] = "2025-01-01T00:01:00.000000Z"

    a.api.patch("leases", "node-1", "kube-node-lease", renew)
    live = b.api.get("leases", "node-1", "kube-node-lease")
    b.api.update_owned(live, {**live, "spec": {**live["spec"], "renewTime": "2025-01-01T00:01:00.000000Z"}})
    assert b.api.get("leases", "node-1", "kube-node-lease") == a.api.get("leases", "node-1", "kube-node-lease")
    assert a.api.get("leases", "node-1", "kube-node-lease")["metadata"]["generation"] == \
        lease["metadata"]["generation"] + 1


def test_write_status_copies_the_metadata_once_and_leaves_the_stored_object_alone() -> None:
    """The new object's metadata is the one copy _prepare checked: the stored object keeps its own (its
    resourceVersion too), and the new one equals it but for the version, for a namespaced and a cluster-scoped
    kind alike."""
    c = _cluster()
    for resource, name, ns, status in (("pods", "web", "default", dict(STATUS)),
                                       ("nodes", "node-1", "", None)):
        live = c.api.store.get(resource, ns, name)
        md_before = dict(live["metadata"])
        if status is None:
            status = {**live["status"], "phase": "Running"}
        new = c.api.write_status(resource, name, ns, status)
        assert live["metadata"] == md_before and new["metadata"] is not live["metadata"]
        assert {k: v for k, v in new["metadata"].items() if k != "resourceVersion"} == \
            {k: v for k, v in md_before.items() if k != "resourceVersion"}
        assert new["metadata"]["resourceVersion"] != md_before["resourceVersion"]
        assert ("namespace" in new["metadata"]) == bool(ns)
