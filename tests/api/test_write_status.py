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
