"""kubernetes pkg/controller/statefulset/stateful_set_utils_test.go: a member pod's identity and storage.

The pods come from kspec's own StatefulSet controller (``newStatefulSetPod`` there is the controller's
newVersionedStatefulSetPod), so these cases also check what kspec creates.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from kspec.controllers import history
from kspec.controllers import statefulset_utils as su
from kspec.controllers.statefulset import StatefulSetController
from kspec.objects import clone, timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/statefulset/stateful_set_utils_test.go"


def new_stateful_set(replicas: int, name: str = "foo") -> dict:
    """newStatefulSet: one claim template (datadir) and one host-path volume (home)."""
    template = {"metadata": {"labels": {"foo": "bar"}}, "spec": {
        "containers": [{"name": "nginx", "image": "nginx", "volumeMounts": [
            {"name": "datadir", "mountPath": "/tmp/zookeeper"}, {"name": "home", "mountPath": "/home"}]}],
        "volumes": [{"name": "home", "hostPath": {"path": "/tmp/home"}}]}}
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": "default", "uid": "test",
                         "creationTimestamp": timestamp(1_700_000_000_000)},
            "spec": {"selector": {"matchLabels": {"foo": "bar"}}, "replicas": replicas, "template": template,
                     "volumeClaimTemplates": [{"metadata": {"name": "datadir"}, "spec": {
                         "resources": {"requests": {"storage": "1"}}}}],
                     "serviceName": "governingsvc", "updateStrategy": {"type": "RollingUpdate"},
                     "revisionHistoryLimit": 2}}


def new_pod(sts: dict, ordinal: int) -> dict:
    """newStatefulSetPod, by kspec's controller (it touches nothing of the controller itself)."""
    rev = {"metadata": {"name": "foo-rev"}, "data": {"spec": {"template": clone(sts["spec"]["template"])}}}
    return StatefulSetController._new_pod(None, sts, ordinal, rev, rev)  # type: ignore[arg-type]


def get_parent_name_and_ordinal() -> None:
    sts = new_stateful_set(3)
    pod = new_pod(sts, 1)
    assert su.parent_name_and_ordinal(pod) == ("foo", 1)
    pod["metadata"]["name"] = "1-bar"
    assert su.parent_name_and_ordinal(pod) == ("", -1)


def is_member_of() -> None:
    sts, sts2 = new_stateful_set(3), new_stateful_set(3, "foo2")
    pod = new_pod(sts, 1)
    assert su.is_member_of(sts, pod)
    assert not su.is_member_of(sts2, pod)


def _breakers() -> list[Callable[[dict], None]]:
    def name(p: dict) -> None:
        p["metadata"]["name"] = "foo"

    def namespace(p: dict) -> None:
        p["metadata"]["namespace"] = ""

    def hostname(p: dict) -> None:
        p["spec"]["hostname"] = ""

    def subdomain(p: dict) -> None:
        p["spec"]["subdomain"] = ""
    return [name, namespace, hostname, subdomain]


def identity_matches() -> None:
    sts = new_stateful_set(3)
    assert su.identity_matches(sts, new_pod(sts, 1)), "Newly created Pod has a bad identity"
    for breaker in _breakers():
        pod = new_pod(sts, 1)
        breaker(pod)
        assert not su.identity_matches(sts, pod), breaker.__name__


def _storage_breakers() -> list[Callable[[dict], None]]:
    def no_volumes(p: dict) -> None:
        p["spec"]["volumes"] = []

    def no_claims(p: dict) -> None:
        for v in p["spec"]["volumes"]:
            v.pop("persistentVolumeClaim", None)

    def wrong_claim(p: dict) -> None:
        for v in p["spec"]["volumes"]:
            if "persistentVolumeClaim" in v:
                v["persistentVolumeClaim"]["claimName"] = "foo"
    return [no_volumes, no_claims, wrong_claim]


def storage_matches() -> None:
    sts = new_stateful_set(3)
    assert su.storage_matches(sts, new_pod(sts, 1)), "Newly created Pod has a invalid storage"
    for breaker in _storage_breakers():
        pod = new_pod(sts, 1)
        breaker(pod)
        assert not su.storage_matches(sts, pod), breaker.__name__
    pod = new_pod(sts, 1)
    pod["metadata"]["name"] = "bar"
    assert not su.storage_matches(sts, pod), "Pod with invalid ordinal has valid storage"


def update_identity() -> None:
    sts = new_stateful_set(3)
    for breaker in _breakers()[1:]:  # upstream breaks namespace, hostname and subdomain, then repairs
        pod = new_pod(sts, 1)
        breaker(pod)
        assert not su.identity_matches(sts, pod)
        su.update_identity(sts, pod)
        assert su.identity_matches(sts, pod), breaker.__name__


def update_storage() -> None:
    sts = new_stateful_set(3)
    for breaker in _storage_breakers():
        pod = new_pod(sts, 1)
        breaker(pod)
        assert not su.storage_matches(sts, pod)
        su.update_storage(sts, pod)
        assert su.storage_matches(sts, pod), breaker.__name__


def is_running_and_ready() -> None:
    pod = new_pod(new_stateful_set(3), 1)
    assert not su.is_running_and_ready(pod), "isRunningAndReady does not respect Pod phase"
    pod["status"] = {"phase": "Running"}
    assert not su.is_running_and_ready(pod), "isRunningAndReady does not respect Pod condition"
    pod["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    assert su.is_running_and_ready(pod)


def ascending_ordinal() -> None:
    sts = new_stateful_set(10)
    perm = list(range(10))
    random.Random(1).shuffle(perm)
    pods = sorted((new_pod(sts, v) for v in perm), key=su.ordinal_key)
    assert [su.ordinal_key(p) for p in pods] == list(range(10))


def overlapping_stateful_sets() -> None:
    perm = list(range(10))
    random.Random(2).shuffle(perm)
    sets = []
    for v in perm:
        s = new_stateful_set(10)
        s["metadata"]["creationTimestamp"] = timestamp(1_700_000_000_000 + v * 1000)
        sets.append(s)
    keys = [su.overlapping_key(s) for s in sorted(sets, key=su.overlapping_key)]
    assert keys == sorted(keys) and len({k[0] for k in keys}) == 10
    sets = []
    for v in perm:
        s = new_stateful_set(10, str(v))
        sets.append(s)
    assert [s["metadata"]["name"] for s in sorted(sets, key=su.overlapping_key)] == [str(i) for i in range(10)]


def new_pod_controller_ref() -> None:
    sts = new_stateful_set(1)
    (ref,) = [r for r in new_pod(sts, 0)["metadata"]["ownerReferences"] if r.get("controller")]
    assert (ref["apiVersion"], ref["kind"], ref["name"], ref["uid"], ref["controller"]) == (
        "apps/v1", "StatefulSet", "foo", "test", True)


def create_apply_revision() -> None:
    sts = new_stateful_set(1)
    labels = dict(sts["spec"]["template"]["metadata"]["labels"])
    revision = history.new_revision(sts, sts["spec"]["template"], labels, 1)
    sts["spec"]["template"]["spec"]["containers"][0]["name"] = "foo"
    sts["metadata"]["annotations"] = {"foo": "bar"}
    restored = clone(sts)  # applyRevision: the set with the revision's template
    restored["spec"]["template"] = history.template_of(revision)
    restored_revision = history.new_revision(restored, restored["spec"]["template"], labels, 2)
    assert history.equal_revision(revision, restored_revision)
    assert restored_revision["metadata"].get("annotations", {}).get("foo") == "bar"


T = {"TestGetParentNameAndOrdinal": get_parent_name_and_ordinal, "TestIsMemberOf": is_member_of,
     "TestIdentityMatches": identity_matches, "TestStorageMatches": storage_matches,
     "TestUpdateIdentity": update_identity, "TestUpdateStorage": update_storage,
     "TestIsRunningAndReady": is_running_and_ready, "TestAscendingOrdinal": ascending_ordinal,
     "TestOverlappingStatefulSets": overlapping_stateful_sets, "TestNewPodControllerRef": new_pod_controller_ref,
     "TestCreateApplyRevision": create_apply_revision}
CASES = [case(name, name, check=fn) for name, fn in T.items()]


@pytest.mark.parametrize("data", CASES)
def test_stateful_set_utils(data: dict) -> None:
    data["check"]()
