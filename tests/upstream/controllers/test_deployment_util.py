"""kubernetes pkg/controller/deployment/util/deployment_util_test.go against kspec's deployment_util.

generateDeployment / generateRS become dicts: a Deployment "nginx" whose template labels ``name=<image>``,
a ReplicaSet carrying a copy of that template (its labels are the template's, as generateRS shares them).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.controllers import deployment_util as du
from kspec.objects import parse_timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/deployment/util/deployment_util_test.go"

HASH = du.HASH_LABEL
NOW, LATER, BEFORE = "2016-01-01T00:01:00Z", "2016-01-01T00:02:00Z", "2016-01-01T00:00:00Z"


def deployment(image: str = "nginx", container: str | None = None, **spec: Any) -> dict:
    template = {"metadata": {"labels": {"name": image}},
                "spec": {"containers": [{"name": container or image, "image": image, "imagePullPolicy": "Always"}],
                         "dnsPolicy": "ClusterFirst", "restartPolicy": "Always"}}
    return {"metadata": {"name": image, "annotations": {}}, "spec": {"replicas": 1, "template": template, **spec},
            "status": {}}


def rs(d: dict, name: str, *, hash_label: str | None = None, created: str = NOW, replicas: int = 0,
       annotations: dict | None = None, status: dict | None = None) -> dict:
    template = copy.deepcopy(d["spec"]["template"])
    if hash_label is not None:
        template["metadata"]["labels"][HASH] = hash_label
    meta = {"name": name, "uid": name, "creationTimestamp": created, "labels": template["metadata"]["labels"],
            "annotations": dict(annotations or {})}
    return {"metadata": meta,
            "spec": {"replicas": replicas, "template": template}, "status": dict(status or {})}


def template(name: str, node: str, annotations: dict, labels: dict) -> dict:
    """generatePodTemplateSpec."""
    return {"metadata": {"name": name, "annotations": annotations, "labels": labels}, "spec": {"nodeName": node}}


# -- TestEqualIgnoreHash ------------------------------------------------------------------------------
H1 = {HASH: "value-1", "something": "else"}
H2 = {HASH: "value-2", "something": "else"}
EQUAL_IGNORE_HASH = [
    case("TestEqualIgnoreHash", "Same spec, same labels",
         a=template("foo", "foo-node", {}, H1), b=template("foo", "foo-node", {}, H1), expected=True),
    case("TestEqualIgnoreHash", "Same spec, only pod-template-hash label value is different",
         a=template("foo", "foo-node", {}, H1), b=template("foo", "foo-node", {}, H2), expected=True),
    case("TestEqualIgnoreHash", "Same spec, the former doesn't have pod-template-hash label",
         a=template("foo", "foo-node", {}, {"something": "else"}), b=template("foo", "foo-node", {}, H2),
         expected=True),
    case("TestEqualIgnoreHash",
         "Same spec, the label is different, the former doesn't have pod-template-hash label, same number of labels",
         a=template("foo", "foo-node", {}, {"something": "else"}), b=template("foo", "foo-node", {}, {HASH: "value-2"}),
         expected=False),
    case("TestEqualIgnoreHash",
         "Same spec, the label is different, the latter doesn't have pod-template-hash label, same number of labels",
         a=template("foo", "foo-node", {}, {HASH: "value-1"}), b=template("foo", "foo-node", {}, {"something": "else"}),
         expected=False),
    case("TestEqualIgnoreHash", "Same spec, the label is different, and the pod-template-hash label value is the same",
         a=template("foo", "foo-node", {}, {HASH: "value-1"}), b=template("foo", "foo-node", {}, H1), expected=False),
    case("TestEqualIgnoreHash", "Different spec, same labels",
         a=template("foo", "foo-node", {"former": "value"}, H1), b=template("foo", "foo-node", {"latter": "value"}, H1),
         expected=False),
    case("TestEqualIgnoreHash", "Different spec, different pod-template-hash label value",
         a=template("foo-1", "foo-node", {}, H1), b=template("foo-2", "foo-node", {}, H2), expected=False),
    case("TestEqualIgnoreHash", "Different spec, the former doesn't have pod-template-hash label",
         a=template("foo-1", "foo-node-1", {}, {"something": "else"}), b=template("foo-2", "foo-node-2", {}, H2),
         expected=False),
    case("TestEqualIgnoreHash", "Different spec, different labels",
         a=template("foo", "foo-node-1", {}, {"something": "else"}),
         b=template("foo", "foo-node-2", {}, {"nothing": "else"}), expected=False),
]


@pytest.mark.parametrize("data", EQUAL_IGNORE_HASH)
def test_equal_ignore_hash(data: dict) -> None:
    a, b = copy.deepcopy(data["a"]), copy.deepcopy(data["b"])
    assert du.equal_ignore_hash(a, b) is data["expected"]
    assert du.equal_ignore_hash(b, a) is data["expected"]  # the same case in reverse order
    assert (a, b) == (data["a"], data["b"])  # neither template's labels are touched


# -- TestEqualIgnoreHashAndDroppedFields -------------------------------------------------------------
DROPPED = "the API server dropping a gated field (EqualIgnoreHashAndDroppedFields): kspec's API server drops none"
EQUAL_DROPPED = [
    case("TestEqualIgnoreHashAndDroppedFields", "equal ignoring pod-template-hash", hash="unrelated-hash",
         drop=False, mutate={}, expected=True),
    case("TestEqualIgnoreHashAndDroppedFields", "field dropped from a ReplicaSet created from the template",
         hash="own", drop=True, mutate={}, expected=True, unmodelled=DROPPED),
    case("TestEqualIgnoreHashAndDroppedFields", "ReplicaSet created before the Deployment set the field",
         hash="unrelated-hash", drop=True, mutate={}, expected=False),
    case("TestEqualIgnoreHashAndDroppedFields", "pod-template-hash collides with a template using a different value",
         hash="own", drop=False, mutate={"image": "other"}, expected=False),
    case("TestEqualIgnoreHashAndDroppedFields",
         "pod-template-hash collides with a template setting a field the Deployment does not",
         hash="own", drop=False, mutate={"activeDeadlineSeconds": 10}, expected=False),
]


@pytest.mark.parametrize("data", EQUAL_DROPPED)
def test_equal_ignore_hash_and_dropped_fields(data: dict) -> None:
    d = deployment()
    d["spec"]["template"]["spec"]["containers"][0]["restartPolicy"] = "Never"
    rs_template = copy.deepcopy(d["spec"]["template"])
    rs_template["metadata"]["labels"][HASH] = data["hash"]
    if data["drop"]:
        del rs_template["spec"]["containers"][0]["restartPolicy"]
    if "image" in data["mutate"]:
        rs_template["spec"]["containers"][0]["image"] = data["mutate"]["image"]
    if "activeDeadlineSeconds" in data["mutate"]:
        rs_template["spec"]["activeDeadlineSeconds"] = data["mutate"]["activeDeadlineSeconds"]
    before = copy.deepcopy(d["spec"]["template"])
    assert du.equal_ignore_hash(rs_template, d["spec"]["template"]) is data["expected"]
    assert rs_template["metadata"]["labels"][HASH] == data["hash"] and d["spec"]["template"] == before


# -- TestFindNewReplicaSet / TestFindOldReplicaSets ----------------------------------------------------
def _sets() -> dict[str, Any]:
    d = deployment()
    old_d = deployment(container="nginx-old-1")
    gated = deployment()
    gated["spec"]["template"]["spec"]["containers"][0]["restartPolicy"] = "Never"
    dropped = rs(gated, "droppedFieldsRS", hash_label="gated-hash", created=NOW)
    del dropped["spec"]["template"]["spec"]["containers"][0]["restartPolicy"]
    return {"deployment": d, "gatedDeployment": gated,
            "newRS": rs(d, "newRS", hash_label="hash", created=LATER, replicas=1),
            "newRSDup": rs(d, "newRSDup", hash_label="different-hash", created=NOW),
            "oldRS": rs(old_d, "oldRS", created=BEFORE),
            "droppedFieldsRS": dropped, "exactRS": rs(gated, "exactRS", hash_label="exact-hash", created=LATER)}


FIND_NEW = [
    case("TestFindNewReplicaSet", "Get new ReplicaSet with fields dropped by the API server",
         deployment="gatedDeployment", sets=["newRS", "droppedFieldsRS"], expected="droppedFieldsRS",
         unmodelled=DROPPED),
    case("TestFindNewReplicaSet", "Prefer a ReplicaSet with the same template over one with dropped fields",
         deployment="gatedDeployment", sets=["droppedFieldsRS", "exactRS"], expected="exactRS"),
    case("TestFindNewReplicaSet",
         "Get new ReplicaSet with the same template as Deployment spec but different pod-template-hash value",
         deployment="deployment", sets=["newRS", "oldRS"], expected="newRS"),
    case("TestFindNewReplicaSet",
         "Get the oldest new ReplicaSet when there are more than one ReplicaSet with the same template",
         deployment="deployment", sets=["newRS", "oldRS", "newRSDup"], expected="newRSDup"),
    case("TestFindNewReplicaSet", "Get nil new ReplicaSet", deployment="deployment", sets=["oldRS"], expected=None),
]


@pytest.mark.parametrize("data", FIND_NEW)
def test_find_new_replica_set(data: dict) -> None:
    objs = _sets()
    found = du.find_new(objs[data["deployment"]], [objs[n] for n in data["sets"]])
    assert (found["metadata"]["name"] if found else None) == data["expected"]


FIND_OLD = [
    case("TestFindOldReplicaSets", "Get old ReplicaSets", sets=["newRS", "oldRS"], expected=["oldRS"], require=[]),
    case("TestFindOldReplicaSets", "Get old ReplicaSets with no new ReplicaSet", sets=["oldRS"], expected=["oldRS"],
         require=[]),
    case("TestFindOldReplicaSets",
         "Get old ReplicaSets with two new ReplicaSets, only the oldest new ReplicaSet is seen as new ReplicaSet",
         sets=["oldRS", "newRS", "newRSDup"], expected=["oldRS", "newRS"], require=["newRS"]),
    case("TestFindOldReplicaSets", "Get empty old ReplicaSets", sets=["newRS"], expected=[], require=[]),
]


@pytest.mark.parametrize("data", FIND_OLD)
def test_find_old_replica_sets(data: dict) -> None:
    objs = _sets()
    require, every = du.find_old(objs["deployment"], [objs[n] for n in data["sets"]])
    assert [r["metadata"]["name"] for r in du.by_creation(every)] == data["expected"]
    assert [r["metadata"]["name"] for r in require] == data["require"]


# -- TestGetReplicaCountForReplicaSets -----------------------------------------------------------------
def _counted(spec: int, replicas: int, terminating: int | None, observed: int) -> dict:
    status: dict[str, Any] = {"replicas": replicas, "observedGeneration": observed}
    if terminating is not None:
        status["terminatingReplicas"] = terminating
    return {"metadata": {"name": "rs"}, "spec": {"replicas": spec}, "status": status}


# rs2's observedGeneration stays 0: upstream's fixture sets rs1's twice
RS_COUNTS = {"rs1": (1, 2, 3, 1), "rs2": (2, 3, 1, 0), "rs3": (3, 0, None, 0), "rs4": (1, 1, None, 1)}
COUNTS = [
    case("TestGetReplicaCountForReplicaSets", "scaling down rs1", sets=["rs1"], count=1, actual=2, terminating=3),
    case("TestGetReplicaCountForReplicaSets", "scaling down rs1 and rs2", sets=["rs1", "rs2"], count=3, actual=5,
         terminating=4),
    case("TestGetReplicaCountForReplicaSets", "scaling up rs3", sets=["rs3"], count=3, actual=0, terminating=0),
    case("TestGetReplicaCountForReplicaSets", "scaling down rs1 and rs2 and scaling up rs3", sets=["rs1", "rs2", "rs3"],
         count=6, actual=5, terminating=4),
    case("TestGetReplicaCountForReplicaSets", "invalid/unknown terminating status for rs4", sets=["rs4"], count=1,
         actual=1, terminating=None),
    case("TestGetReplicaCountForReplicaSets", "invalid/unknown terminating status for rs4 with rs1, rs2 and rs3",
         sets=["rs1", "rs2", "rs3", "rs4"], count=7, actual=6, terminating=None),
]


@pytest.mark.parametrize("data", COUNTS)
def test_get_replica_count_for_replica_sets(data: dict) -> None:
    sets = [_counted(*RS_COUNTS[n]) for n in data["sets"]]
    assert du.spec_total(sets) == data["count"]
    assert du.actual_total(sets) == data["actual"]
    assert du.terminating_total(sets) == data["terminating"]


# -- TestResolveFenceposts ------------------------------------------------------------------------------
FENCEPOSTS = [
    case("TestResolveFenceposts", "0", surge="0%", unavailable="0%", desired=0, expected=(0, 1), error=False),
    case("TestResolveFenceposts", "1", surge="39%", unavailable="39%", desired=10, expected=(4, 3), error=False),
    case("TestResolveFenceposts", "2", surge="oops", unavailable="39%", desired=10, expected=(0, 0), error=True),
    case("TestResolveFenceposts", "3", surge="55%", unavailable="urg", desired=10, expected=(0, 0), error=True),
    case("TestResolveFenceposts", "4", surge=None, unavailable="39%", desired=10, expected=(0, 3), error=False),
    case("TestResolveFenceposts", "5", surge="39%", unavailable=None, desired=10, expected=(4, 0), error=False),
    case("TestResolveFenceposts", "6", surge=None, unavailable=None, desired=10, expected=(0, 1), error=False),
]


@pytest.mark.parametrize("data", FENCEPOSTS)
def test_resolve_fenceposts(data: dict) -> None:
    if data["error"]:
        with pytest.raises(ValueError):
            du.resolve_fenceposts(data["surge"], data["unavailable"], data["desired"])
        return
    assert du.resolve_fenceposts(data["surge"], data["unavailable"], data["desired"]) == data["expected"]


# -- TestNewRSNewReplicas ------------------------------------------------------------------------------
NEW_RS = [
    case("TestNewRSNewReplicas", "can not scale up - to newRSReplicas", strategy="RollingUpdate", dep=1, new=5,
         surge=1, expected=5),
    case("TestNewRSNewReplicas", "scale up - to depReplicas", strategy="RollingUpdate", dep=6, new=2, surge=10,
         expected=6),
    case("TestNewRSNewReplicas", "recreate - to depReplicas", strategy="Recreate", dep=3, new=1, surge=1, expected=3),
]


@pytest.mark.parametrize("data", NEW_RS)
def test_new_rs_new_replicas(data: dict) -> None:
    d = deployment(replicas=data["dep"], strategy={"type": data["strategy"], "rollingUpdate": {
        "maxUnavailable": 1, "maxSurge": data["surge"]}})
    new = rs(d, "new", replicas=data["new"])
    assert du.new_rs_new_replicas(d, [rs(d, "rs5", replicas=5)], new) == data["expected"]


# -- conditions --------------------------------------------------------------------------------------
def _cond(kind: str) -> dict:
    return {"progressing": {"type": "Progressing", "status": "False", "reason": "ForSomeReason"},
            "progressing2": {"type": "Progressing", "status": "True", "reason": "BecauseItIs"},
            "available": {"type": "Available", "status": "True", "reason": "AwesomeController"}}[kind]


GET_COND = [
    case("TestGetCondition", "condition exists", type="Available", expected=True),
    case("TestGetCondition", "condition does not exist", type="ReplicaFailure", expected=False),
]


@pytest.mark.parametrize("data", GET_COND)
def test_get_condition(data: dict) -> None:
    status = {"conditions": [_cond("progressing"), _cond("available")]}
    assert (du.get_condition(status, data["type"]) is not None) is data["expected"]


SET_COND = [
    case("TestSetCondition", "set for the first time", status=[], cond="available", expected=["available"]),
    case("TestSetCondition", "simple set", status=["progressing"], cond="available",
         expected=["progressing", "available"]),
    case("TestSetCondition", "overwrite", status=["progressing"], cond="progressing2", expected=["progressing2"]),
]


@pytest.mark.parametrize("data", SET_COND)
def test_set_condition(data: dict) -> None:
    status: dict = {"conditions": [_cond(c) for c in data["status"]]} if data["status"] else {}
    du.set_condition(status, _cond(data["cond"]))
    assert status == {"conditions": [_cond(c) for c in data["expected"]]}


REMOVE_COND = [
    case("TestRemoveCondition", "remove from empty status", status=[], type="Progressing", expected=[]),
    case("TestRemoveCondition", "simple remove", status=["progressing"], type="Progressing", expected=[]),
    case("TestRemoveCondition", "doesn't remove anything", status=["progressing", "available"], type="ReplicaFailure",
         expected=["progressing", "available"]),
]


@pytest.mark.parametrize("data", REMOVE_COND)
def test_remove_condition(data: dict) -> None:
    status: dict = {"conditions": [_cond(c) for c in data["status"]]}
    du.remove_condition(status, data["type"])
    assert status["conditions"] == [_cond(c) for c in data["expected"]]


# -- TestDeploymentComplete / Progressing / TimedOut -------------------------------------------------------
COMPLETE = [
    case("TestDeploymentComplete", "not complete: min but not all pods become available", d=(5, 5, 5, 4, 1, 0),
         expected=False),
    case("TestDeploymentComplete", "not complete: min availability is not honored", d=(5, 5, 5, 3, 1, 0),
         expected=False),
    case("TestDeploymentComplete", "complete", d=(5, 5, 5, 5, 0, 0), expected=True),
    case("TestDeploymentComplete", "not complete: all pods are available but not updated", d=(5, 5, 4, 5, 0, 0),
         expected=False),
    case("TestDeploymentComplete", "not complete: still running old pods", d=(1, 2, 1, 1, 0, 1), expected=False),
    case("TestDeploymentComplete", "not complete: one replica deployment never comes up", d=(1, 1, 1, 0, 1, 1),
         expected=False),
]


@pytest.mark.parametrize("data", COMPLETE)
def test_deployment_complete(data: dict) -> None:
    desired, current, updated, available, unavailable, surge = data["d"]
    d = {"metadata": {}, "spec": {"replicas": desired, "strategy": {"type": "RollingUpdate", "rollingUpdate": {
        "maxUnavailable": unavailable, "maxSurge": surge}}},
         "status": {"replicas": current, "updatedReplicas": updated, "availableReplicas": available}}
    assert du.deployment_complete(d, d["status"]) is data["expected"]


PROGRESSING = [
    case("TestDeploymentProgressing", "progressing: updated pods", old=(10, 4, 4, 4), new=(10, 6, 4, 4), expected=True),
    case("TestDeploymentProgressing", "not progressing", old=(10, 4, 4, 4), new=(10, 4, 4, 4), expected=False),
    case("TestDeploymentProgressing", "progressing: old pods removed", old=(10, 4, 6, 6), new=(8, 4, 6, 6),
         expected=True),
    case("TestDeploymentProgressing", "not progressing: less new pods", old=(10, 7, 3, 3), new=(10, 6, 3, 3),
         expected=False),
    case("TestDeploymentProgressing", "progressing: less overall but more new pods", old=(10, 4, 7, 7),
         new=(8, 8, 5, 5), expected=True),
    case("TestDeploymentProgressing", "progressing: more ready pods", old=(10, 10, 9, 8), new=(10, 10, 10, 8),
         expected=True),
    case("TestDeploymentProgressing", "progressing: more available pods", old=(10, 10, 10, 9), new=(10, 10, 10, 10),
         expected=True),
]


def _status(t: tuple) -> dict:
    return dict(zip(("replicas", "updatedReplicas", "readyReplicas", "availableReplicas"), t, strict=True))


@pytest.mark.parametrize("data", PROGRESSING)
def test_deployment_progressing(data: dict) -> None:
    d = {"metadata": {}, "spec": {}, "status": _status(data["old"])}
    assert du.deployment_progressing(d, _status(data["new"])) is data["expected"]


TIMED_OUT = [
    case("TestDeploymentTimedOut", "nil progressDeadlineSeconds specified - no timeout", reason="", pds=None,
         since="2016-01-01T00:01:09Z", now="2016-01-01T00:01:20Z", expected=False),
    case("TestDeploymentTimedOut", "infinite progressDeadlineSeconds specified - no timeout", reason="",
         pds=2**31 - 1, since="2016-01-01T00:01:09Z", now="2016-01-01T00:01:20Z", expected=False),
    case("TestDeploymentTimedOut", "progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s",
         reason="", pds=10, since="2016-01-01T00:01:09Z", now="2016-01-01T00:01:20Z", expected=True),
    case("TestDeploymentTimedOut", "progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s",
         reason="", pds=10, since="2016-01-01T00:01:11Z", now="2016-01-01T00:01:20Z", expected=False),
    case("TestDeploymentTimedOut", "previous status was a complete deployment", reason="NewReplicaSetAvailable",
         pds=None, since="0001-01-01T00:00:00Z", now="2016-01-01T00:01:20Z", expected=False),
]


@pytest.mark.parametrize("data", TIMED_OUT)
def test_deployment_timed_out(data: dict) -> None:
    spec = {} if data["pds"] is None else {"progressDeadlineSeconds": data["pds"]}
    status = {"conditions": [{"type": "Progressing", "status": "True", "reason": data["reason"],
                              "lastUpdateTime": data["since"]}]}
    d = {"metadata": {}, "spec": spec, "status": status}
    assert du.deployment_timed_out(d, status, parse_timestamp(data["now"])) is data["expected"]


# -- TestMaxUnavailable / TestMinAvailable -------------------------------------------------------------
def _rolling(replicas: int | None, unavailable: int | str | None, kind: str = "RollingUpdate") -> dict:
    strategy: dict[str, Any] = {"type": kind}
    if kind == "RollingUpdate":
        strategy["rollingUpdate"] = {"maxSurge": 1, "maxUnavailable": unavailable}
    return {"metadata": {}, "spec": {"replicas": replicas, "strategy": strategy}}


MAX_UNAVAILABLE = [
    case("TestMaxUnavailable", "maxUnavailable less than replicas", replicas=10, value=5, kind="RollingUpdate",
         expected=5),
    case("TestMaxUnavailable", "maxUnavailable equal replicas", replicas=10, value=10, kind="RollingUpdate",
         expected=10),
    case("TestMaxUnavailable", "maxUnavailable greater than replicas", replicas=5, value=10, kind="RollingUpdate",
         expected=5),
    case("TestMaxUnavailable", "maxUnavailable with replicas is 0", replicas=0, value=10, kind="RollingUpdate",
         expected=0),
    case("TestMaxUnavailable", "maxUnavailable with Recreate deployment strategy", replicas=None, value=None,
         kind="Recreate", expected=0),
    case("TestMaxUnavailable", "maxUnavailable less than replicas with percents", replicas=10, value="50%",
         kind="RollingUpdate", expected=5),
    case("TestMaxUnavailable", "maxUnavailable equal replicas with percents", replicas=10, value="100%",
         kind="RollingUpdate", expected=10),
    case("TestMaxUnavailable", "maxUnavailable greater than replicas with percents", replicas=5, value="100%",
         kind="RollingUpdate", expected=5),
]


@pytest.mark.parametrize("data", MAX_UNAVAILABLE)
def test_max_unavailable(data: dict) -> None:
    assert du.max_unavailable(_rolling(data["replicas"], data["value"], data["kind"])) == data["expected"]


MIN_AVAILABLE = [
    case("TestMinAvailable", "replicas greater than maxUnavailable", replicas=10, value=5, kind="RollingUpdate",
         expected=5),
    case("TestMinAvailable", "replicas equal maxUnavailable", replicas=10, value=10, kind="RollingUpdate", expected=0),
    case("TestMinAvailable", "replicas less than maxUnavailable", replicas=5, value=10, kind="RollingUpdate",
         expected=0),
    case("TestMinAvailable", "replicas is 0", replicas=0, value=10, kind="RollingUpdate", expected=0),
    case("TestMinAvailable", "minAvailable with Recreate deployment strategy", replicas=10, value=None,
         kind="Recreate", expected=0),
    case("TestMinAvailable", "replicas greater than maxUnavailable with percents", replicas=10, value="60%",
         kind="RollingUpdate", expected=4),
    case("TestMinAvailable", "replicas equal maxUnavailable with percents", replicas=10, value="100%",
         kind="RollingUpdate", expected=0),
    case("TestMinAvailable", "replicas less than maxUnavailable with percents", replicas=5, value="100%",
         kind="RollingUpdate", expected=0),
]


@pytest.mark.parametrize("data", MIN_AVAILABLE)
def test_min_available(data: dict) -> None:
    assert du.min_available(_rolling(data["replicas"], data["value"], data["kind"])) == data["expected"]


# -- annotations -----------------------------------------------------------------------------------
NON_NEGATIVE = [
    case("TestGetNonNegativeInt32FromAnnotation", "invalid empty", annotations=None, value=0, valid=False, err=""),
    case("TestGetNonNegativeInt32FromAnnotation", "invalid", annotations={"test": "invalid", "foo": "2"}, value=0,
         valid=False, err="invalid syntax"),
    case("TestGetNonNegativeInt32FromAnnotation", "invalid negative ", annotations={"test": "-1", "foo": "2"},
         value=0, valid=False, err="invalid syntax"),
    case("TestGetNonNegativeInt32FromAnnotation", "valid zero", annotations={"test": "0", "foo": "2"}, value=0,
         valid=True, err=""),
    case("TestGetNonNegativeInt32FromAnnotation", "valid", annotations={"test": "13", "foo": "2"}, value=13,
         valid=True, err=""),
    case("TestGetNonNegativeInt32FromAnnotation", "valid max", annotations={"test": str(2**31 - 1), "foo": "2"},
         value=2**31 - 1, valid=True, err=""),
    case("TestGetNonNegativeInt32FromAnnotation", "invalid max out of range",
         annotations={"test": str(2**31), "foo": "2"}, value=0, valid=False, err="out of range"),
    case("TestGetNonNegativeInt32FromAnnotation", "invalid max out of range 2",
         annotations={"test": str(2**32), "foo": "2"}, value=0, valid=False, err="out of range"),
]


@pytest.mark.parametrize("data", NON_NEGATIVE)
def test_get_non_negative_int32_from_annotation(data: dict) -> None:
    obj = rs(deployment(), "rs")
    obj["metadata"]["annotations"] = data["annotations"]
    value, valid, err = du.non_negative_int32_annotation(obj, "test")
    assert (value, valid) == (data["value"], data["valid"])
    assert (err is None) == (data["err"] == "") and data["err"] in (err or "")


ANNOTATION_UTILS = [
    case("TestAnnotationUtils", "SetNewReplicaSetAnnotations", step="revisions"),
    case("TestAnnotationUtils", "SetReplicasAnnotations", step="replicas"),
    case("TestAnnotationUtils", "IsSaturated", step="saturated"),
]


@pytest.mark.parametrize("data", ANNOTATION_UTILS)
def test_annotation_utils(data: dict) -> None:
    d = deployment()
    d["metadata"]["annotations"][du.REVISION] = "1"
    obj = rs(d, "rs")
    for i in range(10, 20):  # the sub-tests run in order on the same ReplicaSet
        du.set_new_rs_annotations(d, obj, i + 1, True, history_limit=5)
        if data["step"] == "revisions":
            if i >= 12:
                assert obj["metadata"]["annotations"][du.REVISION_HISTORY] == f"{i - 1},{i}"
            assert obj["metadata"]["annotations"][du.REVISION] == str(i + 1)
    updated = du.set_replicas_annotations(obj, 10, 11)
    if data["step"] == "replicas":
        assert updated
        ann = obj["metadata"]["annotations"]
        assert (ann[du.DESIRED_REPLICAS], ann[du.MAX_REPLICAS]) == ("10", "11")
    obj["metadata"]["annotations"][du.DESIRED_REPLICAS] = "1"
    obj["status"]["availableReplicas"] = 1
    obj["spec"]["replicas"] = 1
    if data["step"] == "saturated":
        assert du.is_saturated(d, obj)


NEED_UPDATE = [
    case("TestReplicasAnnotationsNeedUpdate", "test Annotations nil", annotations=None, expected=True),
    case("TestReplicasAnnotationsNeedUpdate", "test desiredReplicas update",
         annotations={du.DESIRED_REPLICAS: "8", du.MAX_REPLICAS: "20"}, expected=True),
    case("TestReplicasAnnotationsNeedUpdate", "test maxReplicas update",
         annotations={du.DESIRED_REPLICAS: "10", du.MAX_REPLICAS: "16"}, expected=True),
    case("TestReplicasAnnotationsNeedUpdate", "test needn't update",
         annotations={du.DESIRED_REPLICAS: "10", du.MAX_REPLICAS: "20"}, expected=False),
]


@pytest.mark.parametrize("data", NEED_UPDATE)
def test_replicas_annotations_need_update(data: dict) -> None:
    obj = {"metadata": {"name": "hello", "namespace": "test", "annotations": data["annotations"]},
           "spec": {"selector": {"matchLabels": {"foo": "bar"}}}}
    assert du.replicas_annotations_need_update(obj, 10, 20) is data["expected"]


FRACTION = [
    case("TestGetReplicaSetFraction", "empty deployment always scales to 0", dep=0, status=0, surge=0, rs=10,
         annotations=None, expected=-10),
    case("TestGetReplicaSetFraction",
         "unsynced deployment does not scale when max-replicas annotation is missing (removed by a 3rd party)",
         dep=10, status=0, surge=0, rs=5, annotations=None, expected=0),
    case("TestGetReplicaSetFraction",
         "unsynced deployment does not scale when max-replicas annotation is incorrectly set to 0 (by a 3rd party)",
         dep=10, status=0, surge=0, rs=5, annotations={du.MAX_REPLICAS: "0"}, expected=0),
    case("TestGetReplicaSetFraction", "scale up by 1/5 should increase RS replicas by 1/5 when max-replicas "
         "annotation is missing (removed by a 3rd party)", dep=120, status=100, surge=0, rs=50, annotations=None,
         expected=10),
    case("TestGetReplicaSetFraction", "scale up by 1/5 should increase RS replicas by 1/5 when max-replicas "
         "annotation is incorrectly set to 0 (by a 3rd party)", dep=120, status=100, surge=0, rs=50,
         annotations={du.MAX_REPLICAS: "0"}, expected=10),
    case("TestGetReplicaSetFraction", "scale up by 1/5 should increase RS replicas by 1/5", dep=120, status=0,
         surge=0, rs=50, annotations={du.MAX_REPLICAS: "100"}, expected=10),
    case("TestGetReplicaSetFraction",
         "scale up with maxSurge by 1/5 should increase RS replicas approximately by 1/5", dep=120, status=0,
         surge=10, rs=50, annotations={du.MAX_REPLICAS: "110"}, expected=9),
    case("TestGetReplicaSetFraction", "scale down by 1/6 should decrease RS replicas by 1/6", dep=10, status=0,
         surge=0, rs=6, annotations={du.MAX_REPLICAS: "12"}, expected=-1),
    case("TestGetReplicaSetFraction",
         "scale down with maxSurge by 1/6 should decrease RS replicas approximately by 1/6", dep=100, status=0,
         surge=10, rs=50, annotations={du.MAX_REPLICAS: "130"}, expected=-8),
]


@pytest.mark.parametrize("data", FRACTION)
def test_get_replica_set_fraction(data: dict) -> None:
    d = deployment(replicas=data["dep"], strategy={"type": "RollingUpdate", "rollingUpdate": {
        "maxSurge": data["surge"], "maxUnavailable": 1}})
    d["status"] = {"replicas": data["status"]}
    obj = rs(d, "rs", replicas=data["rs"])
    obj["metadata"]["annotations"] = data["annotations"]
    assert du.replica_set_fraction(obj, d) == data["expected"]
