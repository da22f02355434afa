"""Compacting the rules an escalation error lists: upstream's policy_compact_test.go against kspec/auth/rbac.py."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.auth.rbac import compact_rules, covers, simple_resource
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/registry/rbac/validation/policy_compact_test.go"


def r(verbs: list[str] | None, groups: list[str], resources: list[str], names: list[str] | None = None,
      urls: list[str] | None = None) -> dict[str, Any]:
    """A PolicyRule; a nil field is left out."""
    out: dict[str, Any] = {"apiGroups": groups, "resources": resources}
    if verbs is not None:
        out["verbs"] = verbs
    if names is not None:
        out["resourceNames"] = names
    if urls is not None:
        out["nonResourceURLs"] = urls
    return out


EXT = ["extensions"]
F = "TestCompactRules"
COMPACT = [
    case(F, "empty", rules=[], expected=[]),
    case(F, "simple", rules=[
        r(["get"], [""], ["builds"]), r(["list"], [""], ["builds"]), r(["update", "patch"], [""], ["builds"]),
        r(["create"], EXT, ["daemonsets"]), r(["delete"], EXT, ["daemonsets"]),
        r(["patch"], EXT, ["daemonsets"], [""]), r(["get"], EXT, ["daemonsets"], ["foo"]),
        r(["list"], EXT, ["daemonsets"], ["foo"]), r(["educate"], [""], ["dolphins"]), r(None, [""], ["pirates"]),
        r(None, [""], ["pods"]), r(["create"], [""], ["pods"])],
        expected=[r(["create", "delete"], EXT, ["daemonsets"]), r(["patch"], EXT, ["daemonsets"], [""]),
                  r(["get", "list"], EXT, ["daemonsets"], ["foo"]),
                  r(["get", "list", "update", "patch"], [""], ["builds"]),
                  r(["educate"], [""], ["dolphins"]), r(None, [""], ["pirates"]), r(["create"], [""], ["pods"])]),
    case(F, "complex multi-group",
         rules=[r(["get"], ["", "builds.openshift.io"], ["builds"]),
                r(["list"], ["", "builds.openshift.io"], ["builds"])],
         expected=[r(["get"], ["", "builds.openshift.io"], ["builds"]),
                   r(["list"], ["", "builds.openshift.io"], ["builds"])]),
    case(F, "complex multi-resource",
         rules=[r(["get"], [""], ["builds", "images"]), r(["list"], [""], ["builds", "images"])],
         expected=[r(["get"], [""], ["builds", "images"]), r(["list"], [""], ["builds", "images"])]),
    case(F, "complex named-resource",
         rules=[r(["get"], [""], ["builds"], ["mybuild"]), r(["list"], [""], ["builds"], ["mybuild2"])],
         expected=[r(["get"], [""], ["builds"], ["mybuild"]), r(["list"], [""], ["builds"], ["mybuild2"])]),
    case(F, "complex non-resource",
         rules=[r(["get"], [""], ["builds"], urls=["/"]), r(["get"], [""], ["builds"], urls=["/foo"])],
         expected=[r(["get"], [""], ["builds"], urls=["/"]), r(["get"], [""], ["builds"], urls=["/foo"])]),
]


@pytest.mark.parametrize("c", COMPACT)
def test_compact_rules(c: dict[str, Any]) -> None:
    import copy
    original = copy.deepcopy(c["rules"])
    compacted = compact_rules(c["rules"])
    assert c["rules"] == original  # not mutated
    assert covers(compacted, c["rules"])[0] and covers(c["rules"], compacted)[0]
    assert sorted(map(repr, compacted)) == sorted(map(repr, c["expected"]))


F2 = "TestIsSimpleResourceRule"
SIMPLE = [
    case(F2, "simple, no verbs", rule=r([], [""], ["builds"]), want=("", "builds", False, "")),
    case(F2, "simple, one verb", rule=r(["get"], [""], ["builds"]), want=("", "builds", False, "")),
    case(F2, "simple, one empty resource name", rule=r(["get"], [""], ["builds"], [""]), want=("", "builds", True, "")),
    case(F2, "simple, one resource name", rule=r(["get"], [""], ["builds"], ["foo"]), want=("", "builds", True, "foo")),
    case(F2, "simple, multi verb", rule=r(["get", "list"], [""], ["builds"]), want=("", "builds", False, "")),
    case(F2, "complex, empty", rule={}, want=None),
    case(F2, "complex, no group", rule=r(["get"], [], ["builds"]), want=None),
    case(F2, "complex, multi group", rule=r(["get"], ["a", "b"], ["builds"]), want=None),
    case(F2, "complex, no resource", rule=r(["get"], [""], []), want=None),
    case(F2, "complex, multi resource", rule=r(["get"], [""], ["builds", "images"]), want=None),
    case(F2, "complex, resource names", rule=r(["get"], [""], ["builds"], ["foo", "bar"]), want=None),
    case(F2, "complex, non-resource urls", rule=r(["get"], [""], ["builds"], urls=["/"]), want=None),
]


@pytest.mark.parametrize("c", SIMPLE)
def test_is_simple_resource_rule(c: dict[str, Any]) -> None:
    assert simple_resource(c["rule"]) == c["want"]
