"""kubernetes pkg/controller/garbagecollector/garbagecollector_test.go: TestConflictingData and
TestAttemptToDeleteItem through kspec's garbage collector.

Upstream drives the collector's internals step by step (graph nodes, virtual nodes, the attemptToDelete queue,
the absent-owner cache, the metadata client's actions). kspec's collector keeps no virtual nodes, so the port
checks what each scenario leads to, which is what a user sees: the objects the collector deletes and keeps, and
the ``OwnerRefInvalidNamespace`` warnings. Objects are written straight into the store in the scenario's setup
order (``child first`` / ``owner first`` become the order the informers deliver them), the clock runs until the
cluster settles, then the scenario's teardown deletes run and it settles again. Pods name a scheduler that does
not exist, so nothing but the collector touches them.
"""

from __future__ import annotations

import pytest

from kspec import Cluster
from kspec.controllers.garbagecollector import INVALID_NAMESPACE
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/garbagecollector/garbagecollector_test.go"
F = "TestConflictingData"

# makeID(apiVersion, kind, namespace, name, uid)
POD1NS1 = ("v1", "Pod", "ns1", "podname1", "poduid1")
POD2NS1 = ("v1", "Pod", "ns1", "podname2", "poduid2")
POD2NS2 = ("v1", "Pod", "ns2", "podname2", "poduid2")
NODE1 = ("v1", "Node", "", "nodename", "nodeuid1")
ROLE1V1 = ("rbac.authorization.k8s.io/v1", "Role", "ns1", "role1", "roleuid1")
ROLE1V1BETA1 = ("rbac.authorization.k8s.io/v1beta1", "Role", "ns1", "role1", "roleuid1")
DEPLOYMENT1APPS = ("apps/v1", "Deployment", "ns1", "deployment1", "deploymentuid1")
DEPLOYMENT1EXTENSIONS = ("extensions/v1beta1", "Deployment", "ns1", "deployment1", "deploymentuid1")
POD1NONAMESPACE = ("v1", "Pod", "", "podname1", "poduid1")
BAD_SECRET_REF = ("v1", "Secret", "ns1", "secretname", "deploymentuid1")
BAD_CHILD = ("v1", "Pod", "ns1", "badpod", "badpoduid")
GOOD_CHILD = ("v1", "Pod", "ns1", "goodpod", "goodpoduid")


def obj(ident: tuple, *owners: tuple) -> tuple:
    """makeMetadataObj(identity, owners...)."""
    return (ident, owners)


def warn(owner: tuple, ns: str, kind: str) -> tuple:
    """The OwnerRefInvalidNamespace event upstream's fake recorder prints, on a child of ``kind``."""
    api, k, _, name, uid = owner
    return ("Warning", INVALID_NAMESPACE,
            f'ownerRef [{api}/{k}, namespace: {ns}, name: {name}, uid: {uid}] does not exist in namespace "{ns}"',
            kind)


def scenario(name: str, setup: list, *, gone: tuple = (), kept: tuple = (), events: tuple = (),
             teardown: tuple = (), **reason: str) -> object:
    """``gone``/``kept``: identities the collector deletes or leaves, once settled after ``teardown``."""
    return case(F, name, setup=setup, gone=list(gone), kept=list(kept), events=list(events),
                teardown=list(teardown), **reason)


NO_RBAC = "kspec serves no rbac.authorization.k8s.io kinds, so a Role owner is an unresolvable reference"
CASES = [
    scenario("good child in ns1 -> cluster-scoped owner", [obj(NODE1), obj(POD1NS1, NODE1)],
             kept=(NODE1, POD1NS1)),
    scenario("bad child in ns1 -> owner in ns2 (child first)", [obj(POD1NS1, POD2NS1), obj(POD2NS2)],
             gone=(POD1NS1,), kept=(POD2NS2,), events=(warn(POD2NS2, "ns1", "Pod"),)),
    scenario("bad child in ns1 -> owner in ns2 (owner first)", [obj(POD2NS2), obj(POD1NS1, POD2NS1)],
             gone=(POD1NS1,), kept=(POD2NS2,), events=(warn(POD2NS2, "ns1", "Pod"),)),
    scenario("bad cluster-scoped child -> owner in ns1 (child first)", [obj(NODE1, POD1NS1), obj(POD1NS1)],
             kept=(NODE1, POD1NS1), events=(warn(POD1NS1, "", "Node"),)),
    scenario("bad cluster-scoped child -> owner in ns1 (owner first)", [obj(POD1NS1), obj(NODE1, POD1NS1)],
             kept=(NODE1, POD1NS1), events=(warn(POD1NS1, "", "Node"),)),
    scenario("good child -> existing owner with non-preferred accessible API version",
             [obj(ROLE1V1), obj(ROLE1V1BETA1), obj(POD1NS1, ROLE1V1BETA1)], teardown=(ROLE1V1,), gone=(POD1NS1,),
             unmodelled=NO_RBAC),
    scenario("child -> existing owner with inaccessible API version (child first)",
             [obj(POD1NS1, DEPLOYMENT1EXTENSIONS), obj(DEPLOYMENT1APPS)], teardown=(DEPLOYMENT1APPS,),
             kept=(POD1NS1,)),
    scenario("child -> existing owner with inaccessible API version (owner first)",
             [obj(DEPLOYMENT1APPS), obj(POD1NS1, DEPLOYMENT1EXTENSIONS)], teardown=(DEPLOYMENT1APPS,),
             kept=(POD1NS1,)),
    scenario("child -> non-existent owner with inaccessible API version (inaccessible parent apiVersion first)",
             [obj(POD1NS1, DEPLOYMENT1EXTENSIONS), obj(POD2NS1, DEPLOYMENT1APPS)], gone=(POD2NS1,),
             kept=(POD1NS1,)),
    scenario("child -> non-existent owner with inaccessible API version (accessible parent apiVersion first)",
             [obj(POD2NS1, DEPLOYMENT1APPS), obj(POD1NS1, DEPLOYMENT1EXTENSIONS)], gone=(POD2NS1,),
             kept=(POD1NS1,)),
    scenario("bad child -> existing owner with incorrect API version (bad child, good child, bad parent delete, "
             "good parent)", [obj(BAD_CHILD, BAD_SECRET_REF), obj(GOOD_CHILD, DEPLOYMENT1APPS),
                              obj(DEPLOYMENT1APPS)],
             gone=(BAD_CHILD,), kept=(GOOD_CHILD, DEPLOYMENT1APPS)),
    scenario("bad child -> existing owner with incorrect API version (bad child, good child, good parent, bad "
             "parent delete)", [obj(BAD_CHILD, BAD_SECRET_REF), obj(GOOD_CHILD, DEPLOYMENT1APPS),
                                obj(DEPLOYMENT1APPS)],
             gone=(BAD_CHILD,), kept=(GOOD_CHILD, DEPLOYMENT1APPS)),
    scenario("bad child -> existing owner with incorrect API version (good child, bad child, good parent)",
             [obj(GOOD_CHILD, DEPLOYMENT1APPS), obj(BAD_CHILD, BAD_SECRET_REF), obj(DEPLOYMENT1APPS)],
             gone=(BAD_CHILD,), kept=(GOOD_CHILD, DEPLOYMENT1APPS)),
    scenario("cluster-scoped bad child, namespaced good child, missing parent",
             [obj(POD2NS1, POD1NS1), obj(NODE1, POD1NONAMESPACE)], gone=(POD2NS1,), kept=(NODE1,)),
    scenario("cluster-scoped bad child, namespaced good child, late observed parent",
             [obj(POD1NS1), obj(POD2NS1, POD1NS1), obj(NODE1, POD1NONAMESPACE)], kept=(NODE1, POD1NS1, POD2NS1),
             events=(warn(POD1NS1, "", "Node"),)),
    scenario("namespaced good child, cluster-scoped bad child, missing parent",
             [obj(POD2NS1, POD1NS1), obj(NODE1, POD1NONAMESPACE)], gone=(POD2NS1,), kept=(NODE1,)),
]

RESOURCES = {"Pod": "pods", "Node": "nodes", "Deployment": "deployments", "Secret": "secrets", "Role": "roles"}


def _manifest(ident: tuple, owners: tuple) -> dict:
    api, kind, ns, name, uid = ident
    md: dict = {"name": name, "uid": uid, "creationTimestamp": "2025-01-01T00:00:00Z"}
    if ns:
        md["namespace"] = ns
    if owners:
        md["ownerReferences"] = [{"apiVersion": a, "kind": k, "name": n, "uid": u} for a, k, _, n, u in owners]
    body: dict = {"apiVersion": api, "kind": kind, "metadata": md}
    if kind == "Node":
        body["spec"], body["status"] = {}, {}  # a bare Node: no kubelet behind it
    if kind == "Pod":
        body["spec"] = {"schedulerName": "no-such-scheduler", "containers": [{"name": "c", "image": "i"}]}
    if kind == "Deployment":
        labels = {"app": name}
        body["spec"] = {"replicas": 0, "selector": {"matchLabels": labels},
                        "template": {"metadata": {"labels": labels},
                                     "spec": {"containers": [{"name": "c", "image": "i"}]}}}
    return body


def _exists(c: Cluster, ident: tuple) -> bool:
    _, kind, ns, name, uid = ident
    live = c.api.store.get(RESOURCES[kind], ns, name)
    return live is not None and live["metadata"]["uid"] == uid


@pytest.mark.parametrize("data", CASES)
def test_conflicting_data(data: dict) -> None:
    c = Cluster(nodes=0)
    c.start()
    for ns in ("ns1", "ns2"):
        c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    c.settle()
    for ident, owners in data["setup"]:
        if ident[1] == "Role":
            raise NotImplementedError(NO_RBAC)
        c.api.store.create(RESOURCES[ident[1]], _manifest(ident, owners))  # delivered in this order
    c.settle()
    for _, kind, ns, name, _ in data["teardown"]:
        c.api.delete(RESOURCES[kind], name, ns)
    c.settle()
    assert [i for i in data["gone"] if _exists(c, i)] == []
    assert [i for i in data["kept"] if not _exists(c, i)] == []
    got = [(e.type, e.reason, e.message, e.kind) for e in c.events.log if e.reason == INVALID_NAMESPACE]
    assert got == data["events"]


RC_OWNER = {"apiVersion": "v1", "kind": "ReplicationController", "name": "owner1", "uid": "123"}


@pytest.mark.parametrize("data", [case("TestAttemptToDeleteItem", "")])
def test_attempt_to_delete_item(data: dict) -> None:
    """A pod whose only owner, a ReplicationController, is absent (404) is deleted."""
    c = Cluster(nodes=0)
    c.start()
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns1"}})
    pod = _manifest(("v1", "Pod", "ns1", "ToBeDeletedPod", "456"), ())
    pod["metadata"]["ownerReferences"] = [RC_OWNER]
    c.api.store.create("pods", pod)
    c.settle()
    assert c.api.store.get("pods", "ns1", "ToBeDeletedPod") is None
