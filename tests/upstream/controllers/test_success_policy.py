"""kubernetes pkg/controller/job/success_policy_test.go: TestMatchSuccessPolicy against kspec's success_policy."""

from __future__ import annotations

import pytest

from kspec.controllers.success_policy import match
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/job/success_policy_test.go"
F = "TestMatchSuccessPolicy"
MET = "Matched rules at index 0"


def rule(indexes: str | None = None, count: int | None = None) -> dict:
    out: dict = {}
    if indexes is not None:
        out["succeededIndexes"] = indexes
    if count is not None:
        out["succeededCount"] = count
    return out


def m(name: str, succeeded: list, rules: list | None, message: str | None = None) -> object:
    """``rules`` None: no successPolicy; ``message`` None: the policy is not met."""
    return case(F, name, succeeded=succeeded, policy=None if rules is None else {"rules": rules}, message=message)


IX = "rules.succeededIndexes is specified; "
BOTH = "rules.succeededIndexes and rules.succeededCount are specified; "
CASES = [
    m("JobSuccessPolicy is disabled", [(0, 0)], None),
    m("successPolicy is null", [(0, 0)], None),
    m("any rules are nothing", [(0, 0)], []),
    m("rules.succeededIndexes is invalid format", [(0, 0)], [rule("invalid-form")]),
    m(IX + "succeededIndexes matched rules", [(0, 2), (4, 7)], [rule("0-2")], MET),
    m(IX + "succeededIndexes didn't match rules", [(0, 2)], [rule("3")]),
    m("rules.succeededCount is specified; succeededIndexes matched rules", [(0, 2)], [rule(count=2)], MET),
    m("rules.succeededCount is specified; succeededIndexes didn't match rules", [(0, 2)], [rule(count=4)]),
    m("multiple rules; rules.succeededIndexes is specified; succeededIndexes met one of rules", [(0, 2), (4, 7)],
      [rule("9"), rule("4,6")], "Matched rules at index 1"),
    m("multiple rules; rules.succeededIndexes is specified; succeededIndexes met all rules", [(0, 2), (4, 7)],
      [rule("0,1"), rule("5")], MET),
    m(BOTH + "succeededIndexes met all rules", [(0, 2), (4, 7)], [rule("3-6", 2)], MET),
    m(BOTH + "succeededIndexes didn't match rules", [(0, 2), (6, 7)], [rule("3-6", 2)]),
    m(IX + "succeededIndexes are nothing", [], [rule(count=4)]),
    m(IX + "succeededIndexes matched rules; rules is proper subset of succeededIndexes", [(1, 5), (6, 9)],
      [rule("2-4,6-8")], MET),
    m(IX + "succeededIndexes matched rules; rules equals succeededIndexes", [(2, 4), (6, 9)], [rule("2-4,6-9")], MET),
    m(IX + "succeededIndexes matched rules; rules is subset of succeededIndexes", [(2, 5), (7, 15)],
      [rule("2-4,8-12")], MET),
    m(IX + "succeededIndexes didn't match rules; rules is an empty set", [(1, 3)], [rule("")]),
    m(IX + "succeededIndexes didn't match rules; succeededIndexes is an empty set", [], [rule("")]),
    m(IX + "succeededIndexes didn't match rules; rules and succeededIndexes are empty set", [], [rule("")]),
    m(IX + "succeededIndexes didn't match rules; all elements of rules.succeededIndexes aren't included in "
      "succeededIndexes", [(1, 3), (5, 7)], [rule("10-12,14-16")]),
    m(IX + "succeededIndexes didn't match rules; rules overlaps succeededIndexes at first", [(2, 4), (6, 8)],
      [rule("1-3,5-7")]),
    m(BOTH + "succeededIndexes matched rules; rules overlaps succeededIndexes at first", [(2, 4), (6, 8)],
      [rule("1-3,5-7", 4)], MET),
    m(IX + "succeededIndexes didn't match rules; rules overlaps succeededIndexes at last", [(1, 3), (5, 7)],
      [rule("2-4,6-9")]),
    m(BOTH + "succeededIndexes matched rules; rules overlaps succeededIndexes at last", [(1, 3), (5, 7)],
      [rule("2-4,6-9", 4)], MET),
    m(IX + "succeededIndexes didn't match rules; rules completely overlaps succeededIndexes", [(1, 3), (7, 8)],
      [rule("0-4,6-9")]),
    m(BOTH + "succeededIndexes matched rules; rules completely overlaps succeededIndexes", [(1, 3), (7, 8)],
      [rule("0-4,6-9", 5)], MET),
    m(IX + "succeededIndexes didn't match rules; rules overlaps multiple succeededIndexes at last", [(1, 3), (5, 9)],
      [rule("0-6,8-9")]),
    m(BOTH + "succeededIndexes matched rules; rules overlaps multiple succeededIndexes at last", [(1, 3), (5, 9)],
      [rule("0-6,8-9", 7)], MET),
    m(IX + "succeededIndexes didn't match rules; rules overlaps succeededIndexes at first, and rules equals "
      "succeededIndexes at last", [(1, 5), (7, 10)], [rule("0-5,7-9")]),
    m(BOTH + "succeededIndexes matched rules; rules overlaps succeededIndexes at first, and rules equals "
      "succeededIndexes at last", [(1, 5), (7, 10)], [rule("0-5,7-9", 8)], MET),
    m(IX + "succeededIndexes didn't match rules; the first rules overlaps succeededIndexes at first", [(1, 10)],
      [rule("0-3,6-9")]),
    m(BOTH + "succeededIndexes matched rules; the first rules overlaps succeededIndexes at first", [(1, 10)],
      [rule("0-3,6-9", 7)], MET),
]


@pytest.mark.parametrize("data", CASES)
def test_match_success_policy(data: dict) -> None:
    assert match(data["policy"], 10, data["succeeded"]) == data["message"]
