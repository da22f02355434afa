"""Escalation checks: upstream's Covers tables (policy_comparator_test.go) against kspec/auth/rbac.py."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.auth.rbac import covers, non_resource_url_covers
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/registry/rbac/validation/policy_comparator_test.go"


def r(groups: tuple[str, ...] = (), verbs: tuple[str, ...] = (), resources: tuple[str, ...] = (),
      names: tuple[str, ...] = (), urls: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (("apiGroups", groups), ("verbs", verbs), ("resources", resources), ("resourceNames", names),
                       ("nonResourceURLs", urls)):
        if value:
            out[key] = list(value)
    return out


def esc(func: str, owner: list[dict[str, Any]], servant: list[dict[str, Any]], covered: bool,
        uncovered: list[dict[str, Any]] | None = None) -> Any:
    return case(func, "", owner=owner, servant=servant, covered=covered, uncovered=uncovered or [])


V1 = ("v1",)
BD = ("builds", "deployments")
COVERS = [
    esc("TestCoversExactMatch", [r(V1, ("get",), ("builds",))], [r(V1, ("get",), ("builds",))], True),
    esc("TestCoversMultipleRulesCoveringSingleRule",
        [r(V1, ("delete",), ("deployments",)), r(V1, ("delete",), ("builds",)), r(V1, ("update",), BD)],
        [r(V1, ("delete", "update"), BD)], True),
    esc("TestCoversMultipleAPIGroupsCoveringSingleRule",
        [r((g,), ("delete",), (res,)) for g in ("group1", "group2") for res in ("deployments", "builds")]
        + [r(("group1",), ("update",), BD), r(("group2",), ("update",), BD)],
        [r(("group1", "group2"), ("delete", "update"), BD)], True),
    esc("TestCoversSingleAPIGroupsCoveringMultiple", [r(("group1", "group2"), ("delete", "update"), BD)],
        [r((g,), ("delete",), (res,)) for g in ("group1", "group2") for res in ("deployments", "builds")]
        + [r(("group1",), ("update",), BD), r(("group2",), ("update",), BD)], True),
    esc("TestCoversMultipleRulesMissingSingleVerbResourceCombination",
        [r(V1, ("delete", "update"), BD), r(V1, ("delete",), ("pods",))],
        [r(V1, ("delete", "update"), (*BD, "pods"))], False, [r(V1, ("update",), ("pods",))]),
    esc("TestCoversAPIGroupStarCoveringMultiple", [r(("*",), ("get",), ("roles",))],
        [r(("group1", "group2"), ("get",), ("roles",))], True),
    esc("TestCoversEnumerationNotCoveringAPIGroupStar", [r(("dummy-group",), ("get",), ("roles",))],
        [r(("*",), ("get",), ("roles",))], False, [r(("*",), ("get",), ("roles",))]),
    esc("TestCoversAPIGroupStarCoveringStar", [r(("*",), ("get",), ("roles",))], [r(("*",), ("get",), ("roles",))],
        True),
    esc("TestCoversVerbStarCoveringMultiple", [r(V1, ("*",), ("roles",))], [r(V1, ("watch", "list"), ("roles",))],
        True),
    esc("TestCoversEnumerationNotCoveringVerbStar",
        [r(V1, ("get", "list", "watch", "create", "update", "delete", "exec"), ("roles",))],
        [r(V1, ("*",), ("roles",))], False, [r(V1, ("*",), ("roles",))]),
    esc("TestCoversVerbStarCoveringStar", [r(V1, ("*",), ("roles",))], [r(V1, ("*",), ("roles",))], True),
    esc("TestCoversResourceStarCoveringMultiple", [r(V1, ("get",), ("*",))],
        [r(V1, ("get",), ("resourcegroup:deployments",))], True),
    esc("TestCoversEnumerationNotCoveringResourceStar", [r(V1, ("get",), ("roles", "resourcegroup:deployments"))],
        [r(V1, ("get",), ("*",))], False, [r(V1, ("get",), ("*",))]),
    esc("TestCoversResourceStarCoveringStar", [r(V1, ("get",), ("*",))], [r(V1, ("get",), ("*",))], True),
    esc("TestCoversResourceNameEmptyCoveringMultiple", [r(V1, ("get",), ("pods",))],
        [r(V1, ("get",), ("pods",), ("foo", "bar"))], True),
    esc("TestCoversEnumerationNotCoveringResourceNameEmpty", [r(V1, ("get",), ("pods",), ("foo", "bar"))],
        [r(V1, ("get",), ("pods",))], False, [r(V1, ("get",), ("pods",))]),
    esc("TestCoversNonResourceURLs", [r(verbs=("*",), urls=("/apis",))], [r(verbs=("*",), urls=("/apis",))], True),
    esc("TestCoversNonResourceURLsStar", [r(verbs=("*",), urls=("*",))],
        [r(verbs=("*",), urls=("/apis", "/apis/v1", "/"))], True),
    esc("TestCoversNonResourceURLsStarAfterPrefixDoesntCover", [r(verbs=("*",), urls=("/apis/*",))],
        [r(verbs=("get",), urls=("/apis", "/apis/v1"))], False, [r(verbs=("get",), urls=("/apis",))]),
    esc("TestCoversNonResourceURLsStarAfterPrefix", [r(verbs=("*",), urls=("/apis/*",))],
        [r(verbs=("get",), urls=("/apis/v1/foo", "/apis/v1"))], True),
    esc("TestCoversNonResourceURLsWithOtherFields", [r(V1, ("get",), ("builds",), urls=("/apis",))],
        [r(V1, ("get",), ("builds",), urls=("/apis",))], True),
    esc("TestCoversNonResourceURLsWithOtherFieldsFailure", [r(V1, ("get",), ("builds",))],
        [r(V1, ("get",), ("builds",), urls=("/apis",))], False, [r(verbs=("get",), urls=("/apis",))]),
]


@pytest.mark.parametrize("c", COVERS)
def test_covers(c: dict[str, Any]) -> None:
    covered, missing = covers(c["owner"], c["servant"])
    assert covered == c["covered"]
    # rulesMatch: the same rules, in any order
    assert len(missing) == len(c["uncovered"]) and all(u in missing for u in c["uncovered"])


URL_COVERS = [case("TestNonResourceURLCovers", f"{owner} covers {requested}", owner=owner, requested=requested,
                   want=want)
              for owner, requested, want in (("*", "/api", True), ("/api", "/api", True), ("/apis", "/api", False),
                                             ("/api/v1", "/api", False), ("/api/v1", "/api/v1", True),
                                             ("/api/*", "/api/v1", True), ("/api/*", "/api", False),
                                             ("/api/*/*", "/api/v1", False), ("/*/v1/*", "/api/v1", False))]


@pytest.mark.parametrize("c", URL_COVERS)
def test_non_resource_url_covers(c: dict[str, Any]) -> None:
    assert non_resource_url_covers(c["owner"], c["requested"]) == c["want"]
