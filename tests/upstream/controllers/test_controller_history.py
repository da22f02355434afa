"""kubernetes pkg/controller/history/controller_history_test.go: FindEqualRevisions, SortControllerRevisions."""

from __future__ import annotations

import pytest

from kspec.controllers import history
from kspec.objects import timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/history/controller_history_test.go"

T0 = 1_700_000_000_000


def new_stateful_set(name: str, labels: dict) -> dict:
    """newStatefulSet(3, name, uid, labels): the template labelled ``labels``, one claim template."""
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": "default", "uid": name},
            "spec": {"replicas": 3, "serviceName": "governingsvc",
                     "selector": {"matchExpressions": [{"key": k, "operator": "In", "values": [v]}
                                                       for k, v in labels.items()]},
                     "template": {"metadata": {"labels": dict(labels)}, "spec": {
                         "containers": [{"name": "nginx", "image": "nginx", "volumeMounts": [
                             {"name": "datadir", "mountPath": "/tmp/"}, {"name": "home", "mountPath": "/home"}]}],
                         "volumes": [{"name": "home", "hostPath": {"path": "/tmp/home"}}]}}},
            "status": {"collisionCount": 0}}


def rev(sts: dict, number: int, created_ms: int = T0, orphan: bool = False) -> dict:
    """NewControllerRevision(parent, kind, template labels, rawTemplate, revision, collisionCount)."""
    cr = history.new_revision(sts, sts["spec"]["template"], sts["spec"]["template"]["metadata"]["labels"], number)
    cr["metadata"]["creationTimestamp"] = timestamp(created_ms)
    if orphan:
        cr["metadata"]["ownerReferences"] = []
    return cr


SS1, SS2 = new_stateful_set("ss1", {"foo": "bar"}), new_stateful_set("ss2", {"goo": "car"})
SS1_REV1, SS1_REV2 = rev(SS1, 1), rev(SS1, 2, orphan=True)
SS2_REV1, SS2_REV2 = rev(SS2, 1), rev(SS2, 2)

T = "TestFindEqualRevisions"
FIND = [
    case(T, "finds equivalent", needle=SS1_REV1, revisions=[SS1_REV1, SS2_REV1, SS2_REV2],
         want={SS1_REV1["metadata"]["name"]}),
    case(T, "finds nothing when empty", needle=SS1_REV1, revisions=[], want=set()),
    case(T, "finds nothing with no matches", needle=SS1_REV1, revisions=[SS2_REV2, SS2_REV1], want=set()),
]


@pytest.mark.parametrize("data", FIND)
def test_find_equal_revisions(data: dict) -> None:
    found = history.find_equal_revisions(data["revisions"], data["needle"])
    assert len(found) == len(data["want"])
    assert {cr["metadata"]["name"] for cr in found} <= data["want"]


R1, R2, R3 = rev(SS1, 1), rev(SS1, 2), rev(SS1, 3)
R3_TIME2 = rev(SS1, 3, T0 + 1000)
R3_TIME2_NAME2 = rev(SS1, 3, T0 + 1000)
for i, r in enumerate((R1, R2, R3, R3_TIME2, R3_TIME2_NAME2)):
    r["metadata"]["name"] += f"-{i}"  # upstream's names all come from one hash; told apart here to see the order


def names(revs: list[dict]) -> list[str]:
    return [r["metadata"]["name"] for r in revs]


T = "TestSortControllerRevisions"
SORT = [
    case(T, "out of order", revisions=[R2, R1, R3], want=names([R1, R2, R3])),
    case(T, "sorted", revisions=[R1, R2, R3], want=names([R1, R2, R3])),
    case(T, "reversed", revisions=[R3, R2, R1], want=names([R1, R2, R3])),
    case(T, "with ties", revisions=[R3, R3_TIME2, R2, R1], want=names([R1, R2, R3, R3_TIME2, R3_TIME2_NAME2])),
    case(T, "empty", revisions=[], want=[]),
]


@pytest.mark.parametrize("data", SORT)
def test_sort_controller_revisions(data: dict) -> None:
    got = names(history.sort_revisions(data["revisions"]))
    assert got == data["want"][:len(got)]  # upstream compares the sorted slice's length only
