"""What a reader sees of a number, a sum, a date and an instant, in bokmål and in English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from velferdslab.formatting import (
    format_date,
    format_datetime,
    format_millions,
    format_money,
    format_number,
    format_percent,
    format_value,
)

NNBSP, NBSP = "\u202f", "\u00a0"


def test_money_in_bokmal_has_spaces_between_thousands_and_a_real_minus() -> None:
    assert format_money(1234567) == f"1{NNBSP}234{NNBSP}567{NBSP}kr"
    assert format_money(Decimal("7700.00")) == f"7{NNBSP}700{NBSP}kr"
    assert format_money(-8656.6) == f"\u22128{NNBSP}657{NBSP}kr"
    assert format_money(None) == "–"


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
