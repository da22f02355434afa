"""Path and host matching of Ingress rules (kspec/ingress/paths.py), after the Ingress API's examples table."""

from __future__ import annotations

import pytest

from kspec.ingress.paths import best_host, best_path, host_matches, path_matches


# The Ingress concept page's "Examples" table: (type, rule path, request path, matches)
@pytest.mark.parametrize(("kind", "rule", "path", "matches"), [
    ("Prefix", "/", "/", True),
    ("Prefix", "/", "/anything/at/all", True),
    ("Exact", "/foo", "/foo", True),
    ("Exact", "/foo", "/bar", False),
    ("Exact", "/foo", "/foo/", False),
    ("Exact", "/foo/", "/foo", False),
    ("Prefix", "/foo", "/foo", True),
    ("Prefix", "/foo", "/foo/", True),
    ("Prefix", "/foo/", "/foo", True),
    ("Prefix", "/foo/", "/foo/", True),
    ("Prefix", "/aaa/bb", "/aaa/bbb", False),
    ("Prefix", "/aaa/bbb", "/aaa/bbb", True),
    ("Prefix", "/aaa/bbb/", "/aaa/bbb", True),
    ("Prefix", "/aaa/bbb", "/aaa/bbb/", True),
    ("Prefix", "/aaa/bbb", "/aaa/bbb/ccc", True),
    ("Prefix", "/aaa/bbb", "/aaa/bbbxyz", False),
    ("Prefix", "/aaa", "/aaa/ccc", True),
    ("Prefix", "/aaa", "/AAA", False),
    ("ImplementationSpecific", "/aaa", "/aaaxyz", True),  # an nginx string-prefix location
])
def test_path_matches(kind: str, rule: str, path: str, matches: bool) -> None:
    assert path_matches(kind, rule, path) is matches


def test_longest_match_wins_then_exact_before_prefix() -> None:
    rules = [("Prefix", "/", "root"), ("Prefix", "/aaa", "aaa"), ("Prefix", "/aaa/bbb", "bbb"),
             ("Exact", "/aaa/bbb", "exact")]
    assert best_path(rules, "/aaa/bbb") == "exact"
    assert best_path(rules, "/aaa/bbb/c") == "bbb"
    assert best_path(rules, "/aaa/ccc") == "aaa"
    assert best_path(rules, "/zzz") == "root"
    assert best_path([("Exact", "/foo", "x")], "/bar") is None


def test_prefix_with_trailing_slash_is_as_long_as_without() -> None:
    # "/foo/" and "/foo" are the same Prefix: the earlier one (the oldest Ingress) keeps it
    assert best_path([("Prefix", "/foo/", "a"), ("Prefix", "/foo", "b")], "/foo/x") == "a"


@pytest.mark.parametrize(("rule", "host", "matches"), [
    ("*.foo.com", "bar.foo.com", True),
    ("*.foo.com", "baz.bar.foo.com", False),
    ("*.foo.com", "foo.com", False),
    ("foo.bar.com", "foo.bar.com", True),
    ("foo.bar.com", "FOO.bar.com", True),
    ("foo.bar.com", "bar.com", False),
])
def test_host_matches(rule: str, host: str, matches: bool) -> None:
    assert host_matches(rule, host) is matches


def test_exact_host_before_wildcard() -> None:
    hosts = ["*.example.com", "api.example.com"]
    assert best_host(hosts, "api.example.com") == "api.example.com"
    assert best_host(hosts, "shop.example.com") == "*.example.com"
    assert best_host(hosts, "a.b.example.com") is None
