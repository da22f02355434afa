"""Invariants of the rule arithmetic behind escalation checks (kspec/auth/rbac.py)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kspec.auth.rbac import Attributes, breakdown_rule, compact_rules, covers, rule_allows
from kspec.auth.user import UserInfo

_rule = st.fixed_dictionaries({
    "apiGroups": st.lists(st.sampled_from(["", "apps", "*"]), min_size=1, max_size=2),
    "resources": st.lists(st.sampled_from(["pods", "pods/log", "deployments", "*", "*/scale"]), min_size=1,
                          max_size=3),
    "verbs": st.lists(st.sampled_from(["get", "list", "delete", "*"]), min_size=1, max_size=3),
}, optional={"resourceNames": st.lists(st.sampled_from(["a", "b"]), min_size=1, max_size=2)})
_rules = st.lists(_rule, max_size=4)


@settings(max_examples=150, deadline=None)
@given(_rules)
def test_rules_cover_themselves_and_their_compaction(rules: list[dict[str, Any]]) -> None:
    assert covers(rules, rules)[0]
    compacted = compact_rules(rules)
    assert covers(compacted, rules)[0] and covers(rules, compacted)[0]


@settings(max_examples=150, deadline=None)
@given(_rules, _rules)
def test_covering_rules_allow_every_request_the_covered_ones_allow(owner: list[dict[str, Any]],
                                                                   servant: list[dict[str, Any]]) -> None:
    """If the owner covers the servant, no request the servant's rules allow is refused to the owner."""
    if not covers(owner, servant)[0]:
        return
    user = UserInfo("u")
    for rule in servant:
        for sub in breakdown_rule(rule):
            verb, group, res = sub["verbs"][0], sub["apiGroups"][0], sub["resources"][0]
            if "*" in (verb, group) or "*" in res:
                continue  # a wildcard is not a request
            resource, _, subresource = res.partition("/")
            for name in sub.get("resourceNames") or ["", "z"]:
                attrs = Attributes(user, verb, resource, group, "ns", name, subresource)
                if rule_allows(attrs, sub):
                    assert any(rule_allows(attrs, o) for o in owner), (attrs, owner)
