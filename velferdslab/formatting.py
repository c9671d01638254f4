"""The one way numbers, money, dates and times are written for people (pages, PDFs and Excel),
and the one way a number a person typed is read back (`parse_number`).

Bokmål by default (`1 234 567 kr`, `0,6`, `−8 657 kr`, `27.11.2026`, Oslo time); English when the
reader chose it (`NOK 1,234,567`, `0.6`, `−8,657`, `27.11.2026`). Pure functions of the value
and the language, so the PDF worker and the Excel writer use them without a request.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
MINUS = "\u2212"  # a real minus sign, as Norwegian typography wants
THIN = "\u202f"  # narrow no-break space between thousands
NBSP = "\u00a0"
DASH = "–"  # shown for a missing value

Number = int | float | Decimal


def _is_english(language: str | None) -> bool:
    return (language or "nb").startswith("en")


def format_number(value: Number | None, decimals: int = 0, language: str | None = "nb") -> str:
    """12 345,6 in bokmål, 12,345.6 in English; a minus sign, never a hyphen."""
    if value is None:
        return DASH
    number = float(value)
    text = f"{abs(number):,.{decimals}f}"
    body = text if _is_english(language) else text.replace(",", THIN).replace(".", ",")
    negative = round(number, decimals) < 0
    return (MINUS if negative else "") + body


def format_input_number(value: Number | None, language: str | None = "nb") -> str:
    """A saved amount as it stands in a form field, to be read back unchanged by `parse_number`:
    `24 500,50`, `10 000` (bokmål), `24,500.50` (English): øre shown as two decimals."""
    if value is None:
        return ""
    decimals = _decimals_of(value)
    return format_number(value, max(2, decimals) if decimals else 0, language)


def format_money(value: Number | None, language: str | None = "nb") -> str:
    """Whole kroner: `1 234 567 kr` in bokmål, `NOK 1,234,567` in English."""
    if value is None:
        return DASH
    amount = format_number(round(float(value)), 0, language)
    return f"NOK{NBSP}{amount}" if _is_english(language) else f"{amount}{NBSP}kr"


def format_amount(value: Number | None, language: str | None = "nb") -> str:
    """One recorded amount as it was typed: whole kroner (`1 234 567 kr`) unless it has øre,
    then with them (`150,50 kr`, `NOK 150.50`). Sums and estimates use `format_money`."""
    if value is None:
        return DASH
    decimals = 2 if round(float(value) * 100) % 100 else 0
    amount = format_number(value, decimals, language)
    return f"NOK{NBSP}{amount}" if _is_english(language) else f"{amount}{NBSP}kr"


def format_millions(value: Number | None, decimals: int = 1, language: str | None = "nb") -> str:
    """A headline sum to a sensible precision: `23,0 mill. kr` / `NOK 23.0 million`."""
    if value is None:
        return DASH
    amount = format_number(float(value) / 1_000_000, decimals, language)
    return f"NOK{NBSP}{amount} million" if _is_english(language) else f"{amount}{NBSP}mill.{NBSP}kr"


def format_percent(share: Number | None, decimals: int = 0, language: str | None = "nb") -> str:
    """A share 0–1 as per cent: `42 %` in bokmål, `42%` in English."""
    if share is None:
        return DASH
    amount = format_number(float(share) * 100, decimals, language)
    return f"{amount}%" if _is_english(language) else f"{amount}{NBSP}%"


def format_date(value: dt.date | dt.datetime | str | None, language: str | None = "nb") -> str:
    """dd.mm.åååå; an instant is first put in Oslo time, so the date is the one Oslo saw. A
    date kept as ISO text (a report's parameters in JSON) is read first."""
    if value is None:
        return DASH
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = to_oslo(value).date()
    return value.strftime("%d.%m.%Y")


def format_datetime(
    value: dt.datetime | None, seconds: bool = False, language: str | None = "nb"
) -> str:
    """A stored instant (UTC; naive from SQLite) in Oslo time: `27.11.2026 16:34`."""
    if value is None:
        return DASH
    shown = "%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M"
    return to_oslo(value).strftime(shown)


def oslo_today() -> dt.date:
    """Today as Oslo sees it: the default of a date field (a server in UTC is a day behind
    between midnight and one or two in the morning)."""
    return dt.datetime.now(OSLO).date()


def to_oslo(value: dt.datetime) -> dt.datetime:
    """Naive values are UTC (SQLite drops the zone); the result is Oslo's wall clock."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(OSLO)


def format_value(value: Any, language: str | None = "nb") -> str:
    """A value of unknown kind as a reader wants it: for parameter tables and free lists."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        yes_no = ("yes", "no") if _is_english(language) else ("ja", "nei")
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, dt.datetime):
        return format_datetime(value, language=language)
    if isinstance(value, dt.date):
        return format_date(value, language)
    if isinstance(value, int):
        return format_number(value, 0, language)
    if isinstance(value, float | Decimal):
        decimals = 0 if float(value).is_integer() else min(4, _decimals_of(value))
        return format_number(value, decimals, language)
    return str(value)


def _decimals_of(value: float | Decimal) -> int:
    text = format(Decimal(str(value)).normalize(), "f")
    return len(text.split(".")[1]) if "." in text else 0


# Excel keeps numbers as numbers (so a reader can sum them) and shows them through these
# formats: whole kroner with the reader's thousands separator and "kr", dates as dd.mm.åååå.
EXCEL_MONEY_FORMAT = '#,##0 "kr";-#,##0 "kr"'
EXCEL_DATE_FORMAT = "dd.mm.yyyy"


# Excel number formats: the workbook stores real numbers and dates and Excel shows them with the
# reader's own separators (a space and a comma in a Norwegian Excel). Only the unit and the order
# of day and month are ours to choose.
def excel_format(kind: str, language: str | None = "nb") -> str:
    """The number format of a cell of this kind: money, integer, decimal, ratio, percent, date,
    datetime, year (or text, which has none)."""
    english = _is_english(language)
    formats = {
        "money": '"NOK "#,##0' if english else '#,##0" kr"',
        "integer": "#,##0",
        "decimal": "#,##0.0",
        "ratio": "0.00",
        "percent": "0.0%" if english else "0.0 %",
        "date": "DD.MM.YYYY",
        "datetime": "DD.MM.YYYY HH:MM",
        "year": "0",
        "text": "@",
    }
    return formats[kind]


def excel_datetime(value: dt.datetime) -> dt.datetime:
    """An instant as Oslo's wall clock without a zone: Excel cells carry no time zone."""
    return to_oslo(value).replace(tzinfo=None)


# Reading what a person typed. Norwegians write `1 234,50` (a space, often a no-break or narrow
# one, between thousands and a decimal comma), also `1234.50`, `1.234,50`, `kr 1 234` and
# `150,-`; an English reader `1,234.50`. A number is read only when it can be read one way: a
# lone `.` before exactly three digits in bokmål (`1.234`: a thousand, or one and a bit?) is
# refused, and so is anything else that is not a number written so. `12,345` in bokmål is
# 12.345 (the comma is the decimal mark), which an amount in kroner refuses for its decimals.
SPACES = " \u00a0\u202f\u2009"  # space, no-break, narrow no-break, thin
_CURRENCY = re.compile(r"^(?:kr\.?|nok)\s*|\s*(?:kr\.?|nok)$", re.IGNORECASE)
_SHAPE = re.compile(f"[0-9](?:[0-9.,{SPACES}]*[0-9])?")
_MAX_TYPED = 64


class UnreadableNumber(ValueError):
    """Typed text that is not one number: `reason` is `not_a_number`, `ambiguous` or
    `too_many_decimals`."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


def parse_number(text: str | None, places: int = 2, language: str | None = "nb") -> Decimal | None:
    """The number a person typed, exactly as typed (`150,50` → Decimal("150.50")), with at most
    `places` decimals; None when nothing was typed. Raises UnreadableNumber otherwise."""
    if text is None or not text.strip(" \t\r\n" + SPACES):
        return None
    typed = text
    body = text.strip(" \t\r\n" + SPACES)
    if len(body) > _MAX_TYPED:
        raise UnreadableNumber("not_a_number", typed)
    body = _CURRENCY.sub("", body).strip(SPACES)
    body = re.sub(r"[.,]-$", "", body)  # `150,-`: whole kroner
    negative = body[:1] in ("-", MINUS)
    body = body[1:].lstrip(SPACES) if body[:1] in ("-", MINUS, "+") else body
    if not _SHAPE.fullmatch(body):
        raise UnreadableNumber("not_a_number", typed)
    whole, fraction = _split(body, typed, language)
    if len(fraction) > places:
        raise UnreadableNumber("too_many_decimals", typed)
    digits = _ungroup(whole, typed)
    number = Decimal(f"{digits}.{fraction}" if fraction else digits)
    return -number if negative else number


def _split(body: str, typed: str, language: str | None) -> tuple[str, str]:
    """The whole part (still grouped) and the decimals, by the marks `.` and `,`."""
    marks = [c for c in body if c in ".,"]
    if not marks:
        return body, ""
    last = marks[-1]
    if len(set(marks)) == 2 or marks.count(last) == 1:
        # The last mark is the decimal mark and comes once; a lone mark before three digits is
        # a decimal mark only where it is the reader's own: `,` in bokmål, `.` in English.
        whole, _, fraction = body.rpartition(last)
        if len(set(marks)) == 1 and len(fraction) == 3 and not _only_zero(whole):
            if last == "," and _is_english(language):
                return body, ""  # `1,234`: an English thousand
            if last == "." and not _is_english(language):
                raise UnreadableNumber("ambiguous", typed)
        if marks.count(last) > 1 or not fraction.isdigit():
            raise UnreadableNumber("not_a_number", typed)
        return whole, fraction
    return body, ""  # one mark several times: `1.234.567` groups thousands


def _only_zero(whole: str) -> bool:
    return whole.strip("0") == ""


def _ungroup(whole: str, typed: str) -> str:
    """`1 234`, `1.234` or `1,234` as `1234`: one kind of separator, groups of three."""
    separators = {"space" if c in SPACES else c for c in whole if not c.isdigit()}
    if not separators:
        return whole
    if len(separators) > 1:
        raise UnreadableNumber("not_a_number", typed)
    groups = re.split(f"[.,{SPACES}]", whole)
    if not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:]):
        raise UnreadableNumber("not_a_number", typed)
    return "".join(groups)
