"""Quantity parsing, rounding and canonical printing against apimachinery's behaviour."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kspec.quantity import (
    ERR_FORMAT_WRONG,
    ERR_SUFFIX,
    canonical,
    cpu_millis,
    format_bytes,
    format_cpu,
    parse_quantity,
    to_int,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100m", Fraction(1, 10)),
        ("1", Fraction(1)),
        ("0.5", Fraction(1, 2)),
        ("1Ki", Fraction(1024)),
        ("128Mi", Fraction(128 * 2**20)),
        ("1G", Fraction(10**9)),
        ("1e3", Fraction(1000)),
        ("1E", Fraction(10**18)),
        ("5n", Fraction(5, 10**9)),
        ("+2", Fraction(2)),
        ("-1", Fraction(-1)),
        (".5", Fraction(1, 2)),
        (3, Fraction(3)),
    ],
)
def test_parse(text: str | int, value: Fraction) -> None:
    assert parse_quantity(text) == value


def test_sub_nano_values_round_up_to_one_nano() -> None:
    assert parse_quantity("0.0000000001") == Fraction(1, 10**9)


@pytest.mark.parametrize("bad", ["", "abc", "1.5.5", "1Kb", " 1", "1 Gi"])
def test_bad_format_uses_apiserver_message(bad: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_quantity(bad)
    assert str(info.value) == ERR_FORMAT_WRONG
    assert "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$" in str(info.value)


@pytest.mark.parametrize("bad", ["1e", "1m5", "1Ki2"])
def test_bad_suffix(bad: str) -> None:
    with pytest.raises(ValueError, match=ERR_SUFFIX):
        parse_quantity(bad)


def test_milli_value_and_value_round_up() -> None:
    assert cpu_millis("250m") == 250
    assert cpu_millis("1.5") == 1500
    assert cpu_millis("1n") == 1
    assert to_int("1500m") == 2
    assert to_int("1Mi") == 1048576


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1000m", "1"),
        ("500m", "500m"),
        ("1024Mi", "1Gi"),
        ("0.5Gi", "512Mi"),
        ("1500000", "1500k"),
        ("1.5", "1500m"),
        ("1e3", "1e3"),
        ("1.1Ki", "1127"),
        ("0", "0"),
    ],
)
def test_canonical(text: str, expected: str) -> None:
    assert canonical(text) == expected


def test_format_helpers() -> None:
    assert format_cpu(500) == "500m"
    assert format_cpu(2000) == "2"
    assert format_bytes(134217728) == "128Mi"
    assert format_bytes(1000) == "1000"


@given(st.integers(min_value=0, max_value=10**7))
def test_cpu_millis_round_trips_through_format(millis: int) -> None:
    assert cpu_millis(format_cpu(millis)) == millis


@given(
    st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["", "m", "k", "M", "Ki", "Mi", "Gi"])
)
def test_canonical_preserves_value(number: int, suffix: str) -> None:
    text = f"{number}{suffix}"
    assert parse_quantity(canonical(text)) == parse_quantity(text)
