"""Kubernetes ``resource.Quantity`` parsing and canonical printing.

Values are exact ``Fraction``s so arithmetic on requests/limits never drifts;
parsing follows apimachinery ``pkg/api/resource/quantity.go`` (``ParseQuantity``),
including its rounding of sub-nano values and its error strings.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

# splitREString / ErrFormatWrong / ErrNumeric / ErrSuffix in quantity.go
SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = f"quantities must match the regular expression '{SPLIT_RE}'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_BY_EXP = {v: k for k, v in _DECIMAL.items()}
_BINARY_BY_EXP = {v: k for k, v in _BINARY.items()}
_SUFFIX_CHARS = "eEinumkKMGTP"
_NANO = Fraction(1, 10**9)
_MAX_INT64 = 2**63 - 1

QuantityLike = str | int | float | Fraction


def _split(text: str) -> tuple[str, str]:
    """Scan number and suffix exactly like parseQuantityString (it accepts '1.' and '.5')."""
    pos, end = 0, len(text)
    if pos < end and text[0] in "+-":
        pos += 1
    while pos < end and text[pos].isdigit() and text[pos].isascii():
        pos += 1
    if pos < end and text[pos] == ".":
        pos += 1
        while pos < end and text[pos].isdigit() and text[pos].isascii():
            pos += 1
    number, rest = text[:pos], text[pos:]
    i = 0
    while i < len(rest) and rest[i] in _SUFFIX_CHARS:
        i += 1
    if i < len(rest) and rest[i] in "+-":
        i += 1
    while i < len(rest) and rest[i] in "0123456789":
        i += 1
    if i != len(rest):
        raise ValueError(ERR_FORMAT_WRONG)
    return number, rest


def _interpret(suffix: str) -> tuple[int, int, str]:
    """Return (base, exponent, format) for a suffix, as suffixHandler.interpret does."""
    if suffix in _DECIMAL:
        return 10, _DECIMAL[suffix], "DecimalSI"
    if suffix in _BINARY:
        return 2, _BINARY[suffix], "BinarySI"
    if len(suffix) > 1 and suffix[0] in "eE":
        try:
            return 10, int(suffix[1:]), "DecimalExponent"
        except ValueError:
            pass
    raise ValueError(ERR_SUFFIX)


def _number(number: str) -> Fraction:
    digits = number.lstrip("+-")
    if digits in ("", "."):
        # parseQuantityString turns an all-zero/empty numerator into "0"
        value = Fraction(0)
    else:
        try:
            value = Fraction(digits if not digits.endswith(".") else digits[:-1] or "0")
        except ValueError as exc:
            raise ValueError(ERR_NUMERIC) from exc
    return -value if number.startswith("-") else value


def _round_up_nano(value: Fraction) -> Fraction:
    """Round away from zero to a multiple of 1n, as ParseQuantity does (inf.RoundUp)."""
    scaled = value / _NANO
    if scaled.denominator == 1:
        return value
    magnitude = math.ceil(abs(scaled))
    return Fraction(magnitude if scaled > 0 else -magnitude) * _NANO


def parse_with_format(s: QuantityLike) -> tuple[Fraction, str]:
    """Parse and also return the Quantity Format (DecimalSI, BinarySI, DecimalExponent)."""
    if type(s) is str:
        return _parse_text(s)  # the same few request strings are read again on every admission and fit
    return _parse_with_format(s)


@lru_cache(maxsize=4096)  # pure; a refused text raises again each time (exceptions are not cached)
def _parse_text(s: str) -> tuple[Fraction, str]:
    return _parse_with_format(s)


def _parse_with_format(s: QuantityLike) -> tuple[Fraction, str]:
    if isinstance(s, bool):
        raise ValueError(ERR_FORMAT_WRONG)
    if isinstance(s, int):
        return Fraction(s), "DecimalSI"
    if isinstance(s, Fraction):
        return _round_up_nano(s), "DecimalSI"
    if isinstance(s, float):
        return _round_up_nano(Fraction(str(s))), "DecimalSI"
    text = str(s)
    if not text:
        raise ValueError(ERR_FORMAT_WRONG)
    number, suffix = _split(text)
    base, exponent, fmt = _interpret(suffix)
    value = _number(number) * (Fraction(base) ** exponent)
    value = _round_up_nano(value)
    if fmt == "BinarySI" and value > _MAX_INT64:
        value = Fraction(_MAX_INT64)
    if fmt == "BinarySI" and 0 < value < 1:
        fmt = "DecimalSI"
    return value, fmt


def parse_quantity(s: QuantityLike) -> Fraction:
    """Parse a quantity string (or a number, as JSON may carry one) into an exact Fraction."""
    return parse_with_format(s)[0]


def _ceil(value: Fraction) -> int:
    # ScaledValue rounds any remainder up (towards +inf for the positive values kspec sees)
    return math.ceil(value)


def cpu_millis(q: QuantityLike) -> int:
    """MilliValue(): the quantity in thousandths, rounded up ("100m" -> 100, "0.5" -> 500)."""
    if type(q) is str:
        return _text_millis(q)
    return _ceil(parse_quantity(q) * 1000)


def to_int(q: QuantityLike) -> int:
    """Value(): the quantity as a whole number, rounded up ("1Ki" -> 1024, "1500m" -> 2)."""
    if type(q) is str:
        return _text_int(q)
    return _ceil(parse_quantity(q))


@lru_cache(maxsize=4096)  # pure, and asked for every pod's requests on every admission and scheduling pass
def _text_millis(q: str) -> int:
    return _ceil(_parse_text(q)[0] * 1000)


@lru_cache(maxsize=4096)
def _text_int(q: str) -> int:
    return _ceil(_parse_text(q)[0])


def _strip_factor(n: int, factor: int) -> tuple[int, int]:
    """Split n into m * factor**exp with m not divisible by factor (removeInt64Factors)."""
    exp = 0
    while n != 0 and n % factor == 0:
        n //= factor
        exp += 1
    return n, exp


def _canonical_decimal(value: Fraction, exponent_form: bool) -> str:
    """Mantissa with no trailing zeros, exponent a multiple of 3 (AsCanonicalBytes)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    nanos = abs(value) / _NANO  # integral after _round_up_nano
    mantissa, exp = _strip_factor(int(nanos), 10)
    exp -= 9
    while exp % 3 != 0:
        mantissa *= 10
        exp -= 1
    if exponent_form:
        return f"{sign}{mantissa}" + (f"e{exp}" if exp else "")
    while exp > 18:
        mantissa *= 1000
        exp -= 3
    return f"{sign}{mantissa}{_DECIMAL_BY_EXP[exp]}"


def _canonical_binary(value: Fraction) -> str:
    """Largest power-of-1024 suffix (up to Ei) that divides the rounded-up integer value."""
    sign = "-" if value < 0 else ""
    mantissa = math.ceil(abs(value))
    exp = 0
    while mantissa and mantissa % 1024 == 0 and exp < 60:
        mantissa //= 1024
        exp += 10
    return f"{sign}{mantissa}{_BINARY_BY_EXP.get(exp, '')}"


def canonical(q: QuantityLike) -> str:
    """Quantity.String(): the canonical text the API server stores and prints ("1000m" -> "1")."""
    value, fmt = parse_with_format(q)
    if fmt == "BinarySI" and -1024 < value < 1024:
        fmt = "DecimalSI"  # CanonicalizeBytes falls back for small values
    if fmt == "BinarySI":
        return _canonical_binary(value)
    return _canonical_decimal(value, exponent_form=fmt == "DecimalExponent")


def format_cpu(millis: int) -> str:
    """Print CPU millicores the way kubectl shows them: 500 -> "500m", 2000 -> "2"."""
    return canonical(Fraction(millis, 1000))


def format_bytes(n: int) -> str:
    """Print a byte count in binary units where exact: 134217728 -> "128Mi", 1000 -> "1000"."""
    if -1024 < n < 1024:
        return str(n)
    return _canonical_binary(Fraction(n))
