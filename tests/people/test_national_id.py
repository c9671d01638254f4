"""National ids: the published vectors, D- and H-numbers, both check-digit rules, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from velferdslab.people.national_id import InvalidNationalId, is_valid, matches_birth_date, parse

W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]


def classic_check_digits(nine: str) -> str | None:
    """The classic rule written out independently: None when a check digit would be 10."""
    d = [int(c) for c in nine]
    k1 = 11 - sum(a * b for a, b in zip(W1, d, strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10:
        return None
    k2 = 11 - sum(a * b for a, b in zip(W2, [*d, k1], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    return None if k2 == 10 else f"{k1}{k2}"


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("31129956715", "classic"),  # fnrinfo.no worked example
        ("02013299997", "classic"),  # Skatteetaten 2032 examples
        ("30108299920", "classic"),
        ("30108299939", "2032"),  # first check remainder 1: valid only from 2032
        ("02013299903", "2032"),
    ],
)
def test_the_published_vectors(number: str, rule: str) -> None:
    assert parse(number).rule == rule


def test_a_classic_number_gives_its_birth_date() -> None:
    # 311299 567 15: individual number 567 with year 99 → 1899 (range 500–749, years 54–99)
    parsed = parse("31129956715")
    assert parsed.kind == "fnr" and parsed.birth_date == dt.date(1899, 12, 31)


def complete(prefix: str) -> str:
    """The first individual number (from 100) for which the classic rule gives check digits."""
    for individual in range(100, 200):
        digits = classic_check_digits(f"{prefix}{individual}")
        if digits is not None:
            return f"{prefix}{individual}{digits}"
    raise AssertionError("no number for this prefix")


def test_d_and_h_numbers() -> None:
    d_number = complete("550590")  # day 15 + 40
    assert parse(d_number).kind == "dnr" and parse(d_number).birth_date == dt.date(1990, 5, 15)
    h_number = complete("154590")  # month 5 + 40
    assert parse(h_number).kind == "hnr" and parse(h_number).birth_date == dt.date(1990, 5, 15)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("3112995671", "11 digits"),
        ("311299567150", "11 digits"),
        ("3112995671a", "11 digits"),
        ("３１１２９９５６７１５", "11 digits"),  # full-width digits
        ("31129956716", "second check digit"),
        ("31129956725", "check digit"),
        ("31029956715", "check digit"),
    ],
)
def test_invalid_numbers_say_why(number: str, message: str) -> None:
    with pytest.raises(InvalidNationalId, match=message):
        parse(number)


def test_an_impossible_date_is_refused() -> None:
    with pytest.raises(InvalidNationalId, match="not a date"):
        parse(complete("310290"))  # 31 February 1990


def test_spaces_are_ignored_and_birth_dates_checked() -> None:
    assert is_valid("311299 56715")
    assert matches_birth_date("31129956715", dt.date(1899, 12, 31))
    assert not matches_birth_date("31129956715", dt.date(1999, 12, 31))
    assert not matches_birth_date("31129956716", dt.date(1899, 12, 31))


@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    individual=st.integers(min_value=0, max_value=499),
)
def test_any_classic_number_built_by_the_rule_is_valid(born: dt.date, individual: int) -> None:
    nine = born.strftime("%d%m%y") + f"{individual:03d}"
    digits = classic_check_digits(nine)
    if digits is None:
        return  # no number exists with this prefix
    parsed = parse(nine + digits)
    assert parsed.rule == "classic" and parsed.birth_date == born


@given(position=st.integers(min_value=0, max_value=10), delta=st.integers(min_value=1, max_value=9))
def test_changing_one_digit_breaks_the_classic_check(position: int, delta: int) -> None:
    digits = list("31129956715")
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    if is_valid(changed):
        # The 2032 rule widens k1 only: a single changed digit can pass it, never the classic one.
        assert parse(changed).rule == "2032"
