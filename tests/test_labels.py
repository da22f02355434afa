"""Selector parsing, matching and printing against apimachinery's labels package."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kspec.labels import Selector, validate_label_key, validate_label_value


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("app=web", {"app": "web"}, True),
        ("app==web", {"app": "db"}, False),
        ("app!=web", {}, True),
        ("env in (prod,dev)", {"env": "dev"}, True),
        ("env notin (prod)", {"env": "prod"}, False),
        ("tier", {"tier": ""}, True),
        ("!tier", {"tier": "x"}, False),
        ("app=web, tier", {"app": "web"}, False),
        ("n>3", {"n": "4"}, True),
        ("", {"anything": "x"}, True),
    ],
)
def test_parse_and_match(text: str, labels: dict[str, str], expected: bool) -> None:
    assert Selector.parse(text).matches(labels) is expected


def test_string_sorts_keys_and_values() -> None:
    assert str(Selector.parse("z=1,a in (c,b),!m")) == "a in (b,c),!m,z=1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("a in b", "unable to parse requirement: found 'b' expected: '('"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("a,", "found '', expected: identifier after ','"),
        ("(a)", "found '(', expected: !, identifier, or 'end of string'"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        Selector.parse(text)
    assert str(info.value) == message


def test_bad_value_is_rejected() -> None:
    with pytest.raises(ValueError, match=r'values\[0\]\[a\]: Invalid value: "-x"'):
        Selector.parse("a=-x")


def test_label_selector_none_empty_and_expressions() -> None:
    assert not Selector.from_label_selector(None).matches({})
    assert Selector.from_label_selector({}).matches({"a": "b"})
    assert Selector.from_label_selector({}).is_empty()
    assert not Selector.from_label_selector(None).is_empty()
    sel = Selector.from_label_selector(
        {
            "matchLabels": {"app": "x"},
            "matchExpressions": [{"key": "t", "operator": "NotIn", "values": ["a"]}],
        }
    )
    assert sel.matches({"app": "x"}) and not sel.matches({"app": "x", "t": "a"})
    assert str(sel) == "app=x,t notin (a)"


def test_bad_operator_in_label_selector() -> None:
    with pytest.raises(ValueError, match='"Has" is not a valid label selector operator'):
        Selector.from_label_selector({"matchExpressions": [{"key": "a", "operator": "Has"}]})


def test_key_and_value_messages() -> None:
    assert validate_label_key("example.com/app") == []
    assert validate_label_key("a/b/c")[0].startswith("a valid label key must consist of")
    assert validate_label_value("x" * 64)[0] == "must be no more than 63 bytes"
    assert "(e.g. 'MyValue',  or 'my_value',  or '12345'" in validate_label_value("-bad")[0]


_names = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True).filter(lambda s: s not in ("in", "notin"))
_requirement = st.one_of(
    st.tuples(_names, st.sampled_from(["=", "!="]), _names).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
    st.tuples(_names, st.sampled_from(["in", "notin"]), st.lists(_names, min_size=1, max_size=3)).map(
        lambda t: f"{t[0]} {t[1]} ({','.join(t[2])})"
    ),
    _names,
    _names.map(lambda n: "!" + n),
)


@given(st.lists(_requirement, max_size=4), st.dictionaries(_names, _names, max_size=4))
def test_round_trip_selects_the_same_labels(clauses: list[str], labels: dict[str, str]) -> None:
    selector = Selector.parse(",".join(clauses))
    again = Selector.parse(str(selector))
    assert again.matches(labels) == selector.matches(labels)
    assert str(again) == str(selector)


def test_a_plain_match_labels_selector_is_parsed_once_and_a_bad_one_raises_every_time() -> None:
    """The workload controllers parse their owner's selector on every sync: the parsed selector is kept."""
    first = Selector.from_label_selector({"matchLabels": {"app": "memo", "tier": "web"}})
    again = Selector.from_label_selector({"matchLabels": {"tier": "web", "app": "memo"}})
    assert again is first and str(first) == "app=memo,tier=web"
    assert Selector.from_label_selector({"matchLabels": {"app": "memo2"}}) is not first
    for _ in range(2):
        with pytest.raises(ValueError):
            Selector.from_label_selector({"matchLabels": {"app": "not valid!"}})
