"""Objects components create without typed decoding are already in their decoded shape: decoding copies them
unchanged, so skipping it stores the same object."""

from __future__ import annotations

from kspec.api.decoding import decode
from kspec.cluster import Cluster
from kspec.objects import clone
from kspec.storage import DEFAULT_CLASS


def test_a_kubelets_new_lease_decodes_to_itself() -> None:
    c = Cluster(nodes=["a-node", "node-2"])
    c.start()
    kubelets = c.require("runtime").kubelets
    for name in ("a-node", "node-2"):
        lease = kubelets[name]._lease()
        decoded = decode(lease)
        assert decoded == lease and decoded is not lease
        assert list(decoded["metadata"]) == list(lease["metadata"]) and list(decoded["spec"]) == list(lease["spec"])
        stored = c.api.store.get("leases", "kube-node-lease", name)
        assert stored["spec"]["holderIdentity"] == name
        assert stored["metadata"]["ownerReferences"] == lease["metadata"]["ownerReferences"]


def test_the_default_storage_class_decodes_to_itself() -> None:
    assert decode(clone(DEFAULT_CLASS)) == DEFAULT_CLASS


def test_a_lease_deleted_is_created_again_as_before() -> None:
    c = Cluster(nodes=1)
    c.start()
    c.run_for(1_000)
    c.api.delete("leases", "node-1", "kube-node-lease")
    c.run_for(10_000)
    lease = c.api.store.get("leases", "kube-node-lease", "node-1")
    assert lease is not None and lease["spec"]["leaseDurationSeconds"] == 40
    assert lease["metadata"]["uid"] and lease["metadata"]["resourceVersion"]
