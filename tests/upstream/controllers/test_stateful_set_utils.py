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


# -- persistentVolumeClaimRetentionPolicy ------------------------------------------------------------------------
R, D = su.RETAIN, su.DELETE


def _set(name: str, uid: str, scaled: str | None, deleted: str | None, replicas: int | None = None) -> dict:
    spec: dict = {}
    if scaled is not None:
        spec["persistentVolumeClaimRetentionPolicy"] = {"whenScaled": scaled, "whenDeleted": deleted}
    if replicas is not None:
        spec["replicas"] = replicas
    return {"metadata": {"name": name, "uid": uid}, "spec": spec}


def _obj(name: str, uid: str, refs: list[dict] | None = None) -> dict:
    return {"metadata": {"name": name, "uid": uid, "ownerReferences": list(refs or [])}}


def _ref(api_version: str, kind: str, name: str, uid: str | None, controller: bool | None = None) -> dict:
    ref = {"apiVersion": api_version, "kind": kind, "name": name}
    if uid is not None:
        ref["uid"] = uid
    if controller is not None:
        ref["controller"] = controller
    return ref


def get_retention_policy() -> None:
    assert su.retention_policy(_set("s", "u", R, R)) == (R, R)
    assert su.retention_policy(_set("s", "u", D, R)) == (D, R)
    assert su.retention_policy(_set("s", "u", None, None)) == (R, R)  # nil policy: retain


MATCHES_REF = [("full match", _ref("v1", "Pod", "fred", "abc"), ("fred", "abc"), True),
               ("match without UID", _ref("v1", "Pod", "fred", "abc"), ("fred", "not-matching"), True),
               ("mismatch name", _ref("v1", "Pod", "fred", "abc"), ("joan", "abc"), False),
               ("wrong schema", _ref("beta2", "Pod", "fred", "abc"), ("fred", "abc"), False)]


def matches_ref(ref: dict, obj: tuple[str, str], want: bool) -> None:
    assert su.matches_ref(ref, _obj(*obj), su.POD_GVK) is want


# TestIsClaimOwnerUpToDate: (name, whenScaled, whenDeleted, needsPodRef, needsSetRef, replicas, ordinal)
UP_TO_DATE = [("retain", R, R, False, False, 0, 0), ("on SS delete", R, D, False, True, 0, 0),
              ("on scaledown only, condemned", D, R, True, False, 2, 2),
              ("on scaledown only, remains", D, R, False, False, 2, 1),
              ("on both, condemned", D, D, True, False, 2, 2), ("on both, remains", D, D, False, True, 2, 1)]


def is_claim_owner_up_to_date(scaled: str, deleted: str, pod_ref: bool, set_ref: bool, replicas: int,
                              ordinal: int) -> None:
    """Every combination of a pod ref, a set ref and two other (non-controller) pod refs."""
    for others in (False, True):
        for has_pod in (False, True):
            for has_set in (False, True):
                pod = _obj(f"pod-{ordinal}", "pod-123")
                sts = _set("stateful-set", "ss-456", scaled, deleted, replicas)
                refs: list[dict] = []
                if has_pod:
                    refs = su.add_controller_ref(refs, pod, su.POD_GVK)
                if has_set:
                    refs = su.add_controller_ref(refs, sts, su.SET_GVK)
                if others:
                    refs += [_ref("v1", "Pod", "rand1", "rand1-uid"), _ref("v1", "Pod", "rand2", "rand2-uid")]
                claim = _obj("target-claim", "", refs)
                want = has_pod == pod_ref and has_set == set_ref
                assert su.is_claim_owner_up_to_date(claim, sts, pod) is want, (has_pod, has_set, others)


DD, RD = (D, D), (R, D)
EDGE = [("normal controller, pod", [_ref("v1", "Pod", "pod-1", "pod-123", True)], DD, True),
        ("non-controller causes policy mismatch, pod", [_ref("v1", "Pod", "pod-1", "pod-123")], DD, False),
        ("stale controller does not affect policy, pod", [_ref("v1", "Pod", "pod-1", "pod-stale", True)], DD, True),
        ("unexpected controller causes policy mismatch, pod", [_ref("v1", "Pod", "pod-1", "pod-123", True),
                                                              _ref("v1", "Pod", "Random", "random", True)], DD, False),
        ("normal controller, set", [_ref("apps/v1", "StatefulSet", "stateful-set", "ss-456", True)], RD, True),
        ("non-controller causes policy mismatch, set", [_ref("appsv1", "StatefulSet", "stateful-set", "ss-456")], RD,
         False),
        ("stale controller ignored, set", [_ref("apps/v1", "StatefulSet", "stateful-set", "set-stale", True)], RD,
         True),
        ("unexpected controller causes policy mismatch, set",
         [_ref("apps/v1", "StatefulSet", "stateful-set", "ss-456", True),
          _ref("apps/v1", "StatefulSet", "Random", "random", True)], RD, False)]


def claim_owner_up_to_date_edge(refs: list[dict], policy: tuple[str, str], want: bool) -> None:
    sts = _set("stateful-set", "ss-456", policy[0], policy[1], 1)
    assert su.is_claim_owner_up_to_date(_obj("target-claim", "", refs), sts, _obj("pod-1", "pod-123")) is want


# TestUpdateClaimOwnerRefForSetAndPod: (name, whenScaled, whenDeleted, condemned, needsPodRef, needsSetRef, unexpected)
UPDATE = [("retain", R, R, False, False, False, False), ("delete with set", R, D, False, False, True, False),
          ("delete with scaledown, not condemned", D, R, False, False, False, False),
          ("delete on scaledown, condemned", D, R, True, True, False, False),
          ("delete on both, not condemned", D, D, False, False, True, False),
          ("delete on both, condemned", D, D, True, True, False, False),
          ("unexpected controller", D, D, True, False, False, True)]


def update_claim_owner_ref(scaled: str, deleted: str, condemned: bool, pod_ref: bool, set_ref: bool,
                           unexpected: bool) -> None:
    def is_controller(claim: dict, owner: dict) -> bool:
        for ref in claim["metadata"].get("ownerReferences") or []:
            if ref.get("uid") == owner["metadata"]["uid"]:
                return bool(ref.get("controller"))
        return False

    for variation in range(8):
        sts = _set("ss", "ss-123", scaled, deleted, 5)
        pod = _obj("pod-8" if condemned else "pod-1", "pod-456")
        refs: list[dict] = []
        if variation & 1:
            refs = su.add_controller_ref(refs, pod, su.POD_GVK)
        if variation & 2:
            refs = su.add_controller_ref(refs, sts, su.SET_GVK)
        if variation & 3:  # upstream's own mask: the extra owner must not change ours
            refs.append(_ref("custom/v1", "random", "random", "abc"))
        if unexpected:
            refs.append(_ref("custom/v1", "Unknown", "unknown", "xyz", True))
        claim = _obj("", "", refs)
        su.update_claim_owner_refs(claim, sts, pod)
        assert is_controller(claim, pod) is pod_ref, variation
        assert is_controller(claim, sts) is set_ref, variation


STS_REF = _ref("apps/v1", "StatefulSet", "sts", "123", True)
CONTROLLER_REF = [
    ("set correctly", [STS_REF, _ref("someone", "Else", "foo", None)], [STS_REF, _ref("someone", "Else", "foo", None)]),
    ("missing controller", [_ref("apps/v1", "StatefulSet", "sts", "123")], [STS_REF]),
    ("matching name but missing", [_ref("someone", "else", "sts", "456")], [_ref("someone", "else", "sts", "456"),
                                                                             STS_REF]),
    ("not present", [], [STS_REF]),
    ("controller, but no UID", [_ref("apps/v1", "StatefulSet", "sts", None, True)], []),
    ("neither controller nor UID", [_ref("apps/v1", "StatefulSet", "sts", None)], []),
]


def update_claim_controller_ref(original: list[dict], expected: list[dict]) -> None:
    sts = _set("sts", "123", D, D, 1)
    claim = _obj("", "", original)
    su.update_claim_owner_refs(claim, sts, _obj("pod-0", "456"))

    def key(ref: dict) -> tuple:  # ownerRefsChanged compares apiVersion, kind, name, uid and controller
        return (ref.get("apiVersion"), ref.get("kind"), ref.get("name"), ref.get("uid", ""),
                bool(ref.get("controller")))
    assert sorted(map(key, claim["metadata"].get("ownerReferences") or [])) == sorted(map(key, expected))


def has_owner_ref() -> None:
    target = _obj("t", "t", [{"uid": "123", "controller": True}, {"uid": "456", "controller": False}, {"uid": "789"}])
    for uid, want in (("123", True), ("456", True), ("789", True), ("012", False)):
        assert su.has_owner_ref(target, _obj("", uid)) is want, uid


UNEXPECTED = [
    ("custom controller", [_ref("chipmunks/v1", "CustomController", "simon", "other-uid", True)], True),
    ("custom non-controller", [_ref("chipmunks/v1", "CustomController", "simon", "other-uid", False)], False),
    ("custom unspecified controller", [_ref("chipmunks/v1", "CustomController", "simon", "other-uid")], False),
    ("other pod controller", [_ref("v1", "Pod", "simon", "other-uid", True)], True),
    ("other set controller", [_ref("apps/v1", "Set", "simon", "other-uid", True)], True),
    ("own set controller", [_ref("apps/v1", "StatefulSet", "set", "set-uid", True)], False),
    ("own set controller, stale uid", [_ref("apps/v1", "StatefulSet", "set", "stale-uid", True)], True),
    ("own pod controller", [_ref("v1", "Pod", "pod", "pod-uid", True)], False),
    ("own pod controller, stale uid", [_ref("v1", "Pod", "pod", "stale-uid", True)], True),
    ("own controller and another", [_ref("v1", "Pod", "pod", "pod-uid", True),
                                    _ref("chipmunks/v1", "CustomController", "simon", "other-uid", True)], True),
    ("own controller and a non-controller", [_ref("v1", "Pod", "pod", "pod-uid", True),
                                             _ref("chipmunks/v1", "CustomController", "simon", "other-uid", False)],
     False),
]


def has_unexpected_controller(refs: list[dict], want: bool) -> None:
    claim, pod = _obj("", "", refs), _obj("pod", "pod-uid")
    assert not su.has_unexpected_controller(claim, _set("set", "set-uid", None, None), pod)  # retain: any is fine
    for scaled, deleted in ((D, R), (R, D), (D, D)):
        assert su.has_unexpected_controller(claim, _set("set", "set-uid", scaled, deleted), pod) is want


NON_CONTROLLER = [
    ("set and pod controller", [_ref("v1", "Pod", "pod", "pod", True), _ref("apps/v1", "Set", "set", "set", True)],
     False),
    ("set controller, pod noncontroller", [_ref("v1", "Pod", "pod", "pod"), _ref("apps/v1", "Set", "set", "set", True)],
     True),
    ("set noncontroller, pod controller", [_ref("v1", "Pod", "pod", "pod", True), _ref("apps/v1", "Set", "set", "set")],
     True),
    ("set controller", [_ref("apps/v1", "Set", "set", "set", True)], False),
    ("pod controller", [_ref("v1", "Pod", "pod", "pod", True)], False),
    ("nothing", [], False),
    ("set noncontroller", [_ref("apps/v1", "Set", "set", "set")], True),
    ("set noncontroller with ptr", [_ref("apps/v1", "Set", "set", "set", False)], True),
    ("pod noncontroller", [_ref("v1", "pod", "pod", "pod")], True),
    ("other noncontroller", [_ref("v1", "pod", "pod", "not-matching")], False),
]


def non_controller(refs: list[dict], want: bool) -> None:
    assert su.has_non_controller_owner(_obj("", "", refs), _obj("set", "set"), _obj("pod", "pod")) is want


def has_stale_owner_ref() -> None:
    target = _obj("", "", [_ref("v1", "Pod", "bob", "123"), _ref("v1", "Pod", "shirley", "456")])
    assert not su.has_stale_owner_ref(target, _obj("bob", "123"), su.POD_GVK)
    assert su.has_stale_owner_ref(target, _obj("shirley", "789"), su.POD_GVK)
    assert not su.has_stale_owner_ref(target, _obj("yvonne", "345"), su.POD_GVK)


CASES += [case("TestGetPersistentVolumeClaimRetentionPolicy", "", check=get_retention_policy),
          case("TestHasOwnerRef", "", check=has_owner_ref),
          case("TestHasStaleOwnerRef", "", check=has_stale_owner_ref)]
CASES += [case("TestMatchesRef", n, check=lambda r=r, o=o, w=w: matches_ref(r, o, w)) for n, r, o, w in MATCHES_REF]
CASES += [case("TestIsClaimOwnerUpToDate", n, check=lambda a=a: is_claim_owner_up_to_date(*a))
          for n, *a in UP_TO_DATE]
CASES += [case("TestClaimOwnerUpToDateEdgeCases", n, check=lambda r=r, p=p, w=w: claim_owner_up_to_date_edge(r, p, w))
          for n, r, p, w in EDGE]
CASES += [case("TestUpdateClaimOwnerRefForSetAndPod", n, check=lambda a=a: update_claim_owner_ref(*a))
          for n, *a in UPDATE]
CASES += [case("TestUpdateClaimControllerRef", n, check=lambda o=o, e=e: update_claim_controller_ref(o, e))
          for n, o, e in CONTROLLER_REF]
CASES += [case("TestHasUnexpectedController", n, check=lambda r=r, w=w: has_unexpected_controller(r, w))
          for n, r, w in UNEXPECTED]
CASES += [case("TestNonController", n, check=lambda r=r, w=w: non_controller(r, w)) for n, r, w in NON_CONTROLLER]


@pytest.mark.parametrize("data", CASES)
def test_stateful_set_utils(data: dict) -> None:
    data["check"]()
