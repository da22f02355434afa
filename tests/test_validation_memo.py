"""Names and label strings found valid once are not matched against their regexes again; answers unchanged."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from kspec import labels
from kspec.api import validation

NAMEISH = st.text(alphabet="abcXYZ019-._/\n ", max_size=70)


@given(NAMEISH)
def test_label_checks_answer_the_same_every_time(text: str) -> None:
    for _ in range(2):
        assert labels.validate_label_key(text) == labels._label_key_errors(text)
        value_errs = labels.validate_label_value(text)
        assert (value_errs == []) == (len(text.encode()) <= 63 and labels._full_match(labels._LABEL_VALUE_RE, text))
    assert (text in labels._VALID_KEYS) == (labels._label_key_errors(text) == [])


@given(NAMEISH)
def test_name_checks_answer_the_same_every_time(text: str) -> None:
    for _ in range(2):
        matched = validation._matches(validation._DNS1123_LABEL_FMT, text)
        assert matched == (re.fullmatch(validation._DNS1123_LABEL_FMT, text) is not None and "\n" not in text)
        assert validation.is_dns1123_label(text) == validation.is_dns1123_label(text)
    assert ((validation._DNS1123_LABEL_FMT, text) in validation._MATCHED) == matched


def test_a_valid_name_is_remembered_and_an_invalid_one_is_not() -> None:
    assert validation.is_dns1123_subdomain("web-1.example") == []
    assert (validation.lbl.DNS1123_SUBDOMAIN_FMT, "web-1.example") in validation._MATCHED
    assert validation.is_dns1123_subdomain("Web_1") != []
    assert (validation.lbl.DNS1123_SUBDOMAIN_FMT, "Web_1") not in validation._MATCHED
    assert labels.validate_label_key("app.kubernetes.io/name") == [] and "app.kubernetes.io/name" in labels._VALID_KEYS
    assert labels.validate_label_key("a/b/c") != [] and "a/b/c" not in labels._VALID_KEYS
