"""What a reader sees of a number, a sum, a date and an instant, in bokmål and in English, and
how a number a person typed is read back: exactly, or not at all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from velferdslab.db import MAX_MONEY
from velferdslab.formatting import (
    UnreadableNumber,
    format_amount,
    format_date,
    format_datetime,
    format_input_number,
    format_millions,
    format_money,
    format_number,
    format_percent,
    format_value,
    parse_number,
)

NNBSP, NBSP = "\u202f", "\u00a0"


def test_money_in_bokmal_has_spaces_between_thousands_and_a_real_minus() -> None:
    assert format_money(1234567) == f"1{NNBSP}234{NNBSP}567{NBSP}kr"
    assert format_money(Decimal("7700.00")) == f"7{NNBSP}700{NBSP}kr"
    assert format_money(-8656.6) == f"\u22128{NNBSP}657{NBSP}kr"
    assert format_money(None) == "–"


def test_a_recorded_amount_keeps_its_ore_and_whole_kroner_stay_whole() -> None:
    assert format_amount(Decimal("150.50")) == f"150,50{NBSP}kr"
    assert format_amount("45678901.50") == f"45{NNBSP}678{NNBSP}901,50{NBSP}kr"
    assert format_amount(Decimal("7700.00")) == f"7{NNBSP}700{NBSP}kr"
    assert format_amount(0.1 + 0.2) == f"0,30{NBSP}kr"
    assert format_amount(100.0 + 200.0) == f"300{NBSP}kr"
    assert format_amount(Decimal("1234.05"), "en") == f"NOK{NBSP}1,234.05"
    assert format_amount(None) == "–"


def test_money_in_english() -> None:
    assert format_money(1234567, "en") == f"NOK{NBSP}1,234,567"


def test_decimals_take_a_comma_in_bokmal() -> None:
    assert format_number(0.6, 1) == "0,6"
    assert format_number(0.6, 1, "en") == "0.6"
    assert format_number(-0.04, 1) == "0,0"  # rounds to zero: no minus sign before it
    assert format_value(0.6) == "0,6"
    assert format_value(True) == "ja"


def test_headline_sums_in_millions_and_shares_in_per_cent() -> None:
    assert format_millions(22_958_922) == f"23,0{NBSP}mill.{NBSP}kr"
    assert format_percent(0.4166) == f"42{NBSP}%"
    assert format_percent(0.4166, 1, "en") == "41.7%"


def test_dates_and_instants_as_oslo_reads_them() -> None:
    assert format_date(dt.date(2026, 1, 5)) == "05.01.2026"
    # 23:30 UTC on New Year's Eve is already 1 January in Oslo.
    assert format_date(dt.datetime(2025, 12, 31, 23, 30)) == "01.01.2026"
    # Naive values are UTC (SQLite); in summer Oslo is two hours ahead.
    assert format_datetime(dt.datetime(2026, 6, 1, 15, 34)) == "01.06.2026 17:34"
    aware = dt.datetime(2026, 11, 27, 15, 34, tzinfo=dt.UTC)
    assert format_datetime(aware) == "27.11.2026 16:34"


# --- reading what was typed (issue 22.1) ---------------------------------------------------

NB_TYPED = {
    "150,50": Decimal("150.50"),  # the decimal comma a browser's number field dropped
    "1 234,50": Decimal("1234.50"),
    f"1{NBSP}234,50": Decimal("1234.50"),
    f"1{NNBSP}234,50": Decimal("1234.50"),
    f"24{NNBSP}500,50": Decimal("24500.50"),
    "1234.50": Decimal("1234.50"),
    "kr 1 234": Decimal("1234"),
    "1 234 kr": Decimal("1234"),
    "150,-": Decimal("150"),
    "1.234,50": Decimal("1234.50"),
    "1.234.567": Decimal("1234567"),
    "  0,5 ": Decimal("0.5"),
    "\u221212,5": Decimal("-12.5"),
}


@pytest.mark.parametrize(("typed", "read"), NB_TYPED.items())
def test_money_typed_the_norwegian_way_is_read_as_typed(typed: str, read: Decimal) -> None:
    number = parse_number(typed)
    assert number == read
    assert str(number) == str(read)  # not rounded: 150,50 is 150.50, not 150.5 or 151


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1.234,5,6", "not_a_number"),
        ("12 34", "not_a_number"),  # a space that does not group thousands
        ("1 2345", "not_a_number"),
        ("1e5", "not_a_number"),
        ("abc", "not_a_number"),
        ("150,", "not_a_number"),
        ("1..2", "not_a_number"),
        ("1 234.567,50", "not_a_number"),  # two kinds of thousands separator
        ("1.234", "ambiguous"),  # one thousand two hundred…, or one and a bit?
        ("12,345", "too_many_decimals"),  # the comma is the decimal mark: 12.345 kr
        ("150,505", "too_many_decimals"),
        ("0.500", "too_many_decimals"),
    ],
)
def test_what_cannot_be_read_exactly_is_refused(typed: str, reason: str) -> None:
    with pytest.raises(UnreadableNumber) as refused:
        parse_number(typed)
    assert refused.value.reason == reason


def test_nothing_typed_is_none_and_english_reads_its_own_thousands() -> None:
    assert parse_number("") is None and parse_number(f" {NBSP}") is None
    assert parse_number("NOK 1,234", language="en") == Decimal("1234")
    assert parse_number("1,234.50", language="en") == Decimal("1234.50")
    assert parse_number("12.345", places=3, language="en") == Decimal("12.345")
    assert parse_number("12", places=0) == Decimal("12")
    with pytest.raises(UnreadableNumber):
        parse_number("12,5", places=0)


def test_a_saved_amount_stands_in_its_field_as_it_is_typed() -> None:
    assert format_input_number(Decimal("24500.50")) == f"24{NNBSP}500,50"
    assert format_input_number(Decimal("10000.00")) == f"10{NNBSP}000"
    assert format_input_number(Decimal("150.5")) == "150,50"
    assert format_input_number(Decimal("24500.50"), "en") == "24,500.50"
    assert format_input_number(None) == ""


amounts = st.decimals(min_value=-MAX_MONEY, max_value=MAX_MONEY, places=2)
languages = st.sampled_from(["nb", "en"])


@given(amounts, languages)
def test_every_amount_a_page_prints_reads_back_to_the_same_amount(
    amount: Decimal, language: str
) -> None:
    # In a field, to the øre; in a sentence or a table, to the krone the page shows.
    assert parse_number(format_input_number(amount, language), language=language) == amount
    assert parse_number(format_number(amount, 2, language), language=language) == amount
    whole = Decimal(round(float(amount)))
    assert parse_number(format_money(amount, language), language=language) == whole
    assert parse_number(format_number(amount, 0, language), language=language) == whole
